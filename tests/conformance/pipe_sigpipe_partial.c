/* A writer blocked in the middle of a large write when the last reader
 * goes: with SIGPIPE's default action it dies of SIGPIPE although some of
 * its bytes went in; with SIGPIPE ignored the write returns how many went
 * in, and the next write fails with EPIPE. */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

#define LARGE (1 << 20)
#define TAKEN 65536

static char bytes[LARGE];
static volatile int *write_returned;    /* shared: the first write came back */

/* The child writes LARGE bytes; the parent reads TAKEN and closes. */
static int run(int ignore_sigpipe)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (ignore_sigpipe)
            signal(SIGPIPE, SIG_IGN);
        ssize_t wrote = write(fds[1], bytes, LARGE);
        *write_returned = 1;
        int ok = wrote > 0 && wrote < LARGE;
        ok &= write(fds[1], bytes, 1) == -1 && errno == EPIPE;
        _exit(ok ? 0 : 1);
    }
    close(fds[1]);
    static char buffer[TAKEN];
    size_t got = 0;
    while (got < TAKEN) {
        ssize_t n = read(fds[0], buffer, TAKEN - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    CHECK_EQ(got, TAKEN);
    close(fds[0]);
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    return status;
}

int main(void)
{
    write_returned = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(write_returned != MAP_FAILED);
    int status = run(0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
    CHECK_EQ(*write_returned, 0);       /* it died in that write */
    status = run(1);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(*write_returned, 1);
    printf("a partial write that lost its reader raises SIGPIPE; ignored, it returns the count\n");
    return check_finish("pipe_sigpipe_partial");
}
