/* 150 processes alive at once: each child says it is ready on one pipe
 * and waits on another; once all have said so, closing the second
 * releases them together, and each is reaped with its own exit status. */
#include <sys/wait.h>

#include "check.h"

enum { count = 150 };

int main(void)
{
    int ready[2], release[2];
    REQUIRE(pipe(ready) == 0 && pipe(release) == 0);
    pid_t children[count];
    int made = 0;
    for (; made < count; made++) {
        pid_t child = fork();
        if (child < 0)
            break;
        if (child == 0) {
            close(ready[0]);
            close(release[1]);
            char byte;
            if (write(ready[1], "r", 1) != 1 || read(release[0], &byte, 1) != 0)
                _exit(255);
            _exit(made % 200);
        }
        children[made] = child;
    }
    CHECK_EQ(made, count);
    close(ready[1]);
    close(release[0]);

    /* Every child is alive and waiting before any is released. */
    int alive = 0;
    char byte;
    while (alive < made && read(ready[0], &byte, 1) == 1)
        alive++;
    CHECK_EQ(alive, made);
    for (int i = 0; i < made; i++)
        CHECK_EQ(waitpid(children[i], NULL, WNOHANG), 0);

    close(release[1]);
    int reaped = 0, right_status = 0;
    for (int i = 0; i < made; i++) {
        int status;
        if (waitpid(children[i], &status, 0) == children[i]) {
            reaped++;
            right_status += WIFEXITED(status) && WEXITSTATUS(status) == i % 200;
        }
    }
    CHECK_EQ(reaped, count);
    CHECK_EQ(right_status, count);
    CHECK_ERRNO(wait(NULL), ECHILD);

    printf("%d processes alive at once, released together and reaped\n", count);
    return check_finish("process_many");
}
