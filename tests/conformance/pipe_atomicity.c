/* Writes of at most PIPE_BUF bytes are atomic: four child processes each
 * write 64 records of exactly PIPE_BUF bytes to one pipe at the same time;
 * the reader finds every record whole (one writer, one sequence number,
 * throughout) and each writer's records in order. Then the same with
 * small records sent by writev in three pieces. */
#include <limits.h>
#include <stdint.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "check.h"

#define WRITERS 4
#define RECORDS 64

/* Reads exactly length bytes unless EOF comes first. */
static size_t read_fully(int fd, char *buffer, size_t length)
{
    size_t total = 0;
    while (total < length) {
        ssize_t got = read(fd, buffer + total, length - total);
        if (got <= 0)
            break;
        total += (size_t)got;
    }
    return total;
}

static void fill_record(char *record, size_t size, int writer, int sequence)
{
    for (size_t i = 0; i < size; i++)
        record[i] = (char)((i % 2 == 0) ? 'A' + writer : sequence);
}

/* Whole: every byte is what fill_record put there for one writer and
 * sequence number, which it returns. */
static int record_is_whole(const char *record, size_t size, int *writer, int *sequence)
{
    *writer = record[0] - 'A';
    *sequence = (unsigned char)record[1];
    if (*writer < 0 || *writer >= WRITERS)
        return 0;
    for (size_t i = 0; i < size; i++) {
        char expected = (char)((i % 2 == 0) ? 'A' + *writer : *sequence);
        if (record[i] != expected)
            return 0;
    }
    return 1;
}

static void run(size_t record_size, int use_writev)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t children[WRITERS];
    for (int writer = 0; writer < WRITERS; writer++) {
        children[writer] = fork();
        REQUIRE(children[writer] >= 0);
        if (children[writer] == 0) {
            close(fds[0]);
            static char record[PIPE_BUF];
            for (int sequence = 0; sequence < RECORDS; sequence++) {
                fill_record(record, record_size, writer, sequence);
                ssize_t written;
                if (use_writev) {
                    size_t third = record_size / 3;
                    struct iovec parts[3] = {{record, third},
                                             {record + third, third},
                                             {record + 2 * third, record_size - 2 * third}};
                    written = writev(fds[1], parts, 3);
                } else {
                    written = write(fds[1], record, record_size);
                }
                if (written != (ssize_t)record_size)
                    _exit(1);
            }
            _exit(0);
        }
    }
    close(fds[1]);

    int next[WRITERS] = {0};
    int torn = 0, out_of_order = 0, records = 0;
    static char record[PIPE_BUF];
    while (read_fully(fds[0], record, record_size) == record_size) {
        int writer, sequence;
        if (!record_is_whole(record, record_size, &writer, &sequence)) {
            torn++;
            continue;
        }
        if (sequence != next[writer])
            out_of_order++;
        next[writer] = sequence + 1;
        records++;
    }
    CHECK_EQ(torn, 0);
    CHECK_EQ(out_of_order, 0);
    CHECK_EQ(records, WRITERS * RECORDS);
    int clean_exits = 0;
    for (int writer = 0; writer < WRITERS; writer++) {
        int status;
        if (waitpid(children[writer], &status, 0) == children[writer] && WIFEXITED(status) &&
            WEXITSTATUS(status) == 0)
            clean_exits++;
    }
    CHECK_EQ(clean_exits, WRITERS);
    close(fds[0]);
}

int main(void)
{
    run(PIPE_BUF, 0);
    run(PIPE_BUF, 1);
    run(1000, 1);
    return check_finish("pipe_atomicity");
}
