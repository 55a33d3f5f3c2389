/* The console: stdout and stderr written with write(2), stdio and
 * writev arrive whole and in order (this test's stdout is compared with
 * Linux's byte for byte); zero-length writes return 0; the standard
 * descriptors are open with the right access modes. */
#include <fcntl.h>
#include <sys/uio.h>

#include "check.h"

int main(void)
{
    static const char first[] = "line written with write(2)\n";
    CHECK_EQ(write(1, first, sizeof first - 1), (long)(sizeof first - 1));
    CHECK_EQ(write(1, "", 0), 0);
    CHECK_EQ(write(2, "", 0), 0);
    printf("line written with printf: %d %s %c %x\n", 42, "text", 'c', 255);
    fputs("line written with fputs\n", stdout);
    struct iovec pieces[3] = {{"gathered ", 9}, {"by ", 3}, {"writev\n", 7}};
    CHECK_EQ(writev(1, pieces, 3), 19);
    /* A longer line, in one write. */
    char long_line[1001];
    for (int i = 0; i < 1000; i++)
        long_line[i] = (char)('a' + i % 26);
    long_line[1000] = '\n';
    CHECK_EQ(write(1, long_line, sizeof long_line), (long)sizeof long_line);
    /* Many small writes keep their order. */
    for (int i = 0; i < 20; i++) {
        char piece[8];
        int length = snprintf(piece, sizeof piece, "%d%s", i, i == 19 ? "\n" : ",");
        CHECK_EQ(write(1, piece, (size_t)length), length);
    }
    /* The standard descriptors are open for writing. */
    int flags = fcntl(1, F_GETFL);
    CHECK(flags != -1 && (flags & O_ACCMODE) != O_RDONLY);
    flags = fcntl(2, F_GETFL);
    CHECK(flags != -1 && (flags & O_ACCMODE) != O_RDONLY);
    CHECK(fcntl(0, F_GETFD) != -1);
    /* Stderr goes elsewhere; what goes there is not compared. */
    CHECK(fprintf(stderr, "to stderr\n") > 0);
    return check_finish("file_console");
}
