/* Servers that fault (docs/servers.md, "When a server faults"), driven
 * by check-server-faults: the program makes a server fault through its
 * session (SERVER_DEBUG_FAULT, sys/protocol/common.h, which init allows
 * only when the boot archive asks) and checks what its clients see.
 *
 *   server-faults pipe     a reader blocked in read gets EIO, and so does
 *                          every later call on pipes; the other servers
 *                          and new processes go on working
 *   server-faults futex    a waiter wakes (spuriously, as Linux allows),
 *                          and the futex server, started again, serves,
 *                          and again after a second fault
 *   server-faults refused  without the boot option the label is refused
 *
 * It prints one line per check and exits 0 when all passed. tern only. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server_statistics.h"
#include "tern/errors.h"

static int failures;

static void check(int passed, const char *what)
{
    printf("%s: %s\n", passed ? "ok" : "FAIL", what);
    failures += !passed;
}

/* A label with no arguments through the session of a server: the
 * answer's label (an error of the kernel's) and register 0. */
static uint64_t ask(unsigned server, uint64_t label, int64_t *result)
{
    uint64_t mr[4];
    uint64_t error = server_ask(server, label, mr);
    *result = (int64_t)mr[0];
    return error;
}

static void pause_a_little(void)
{
    struct timespec tenth = {0, 100 * 1000 * 1000};
    nanosleep(&tenth, 0);
}

/* The call that makes the server fault is the first its death cuts short. */
static void make_fault(unsigned server)
{
    int64_t result;
    check(ask(server, SERVER_DEBUG_FAULT, &result) == TERN_SERVER_GONE,
          "the call that made the server fault fails (TERN_SERVER_GONE)");
}

static void others_go_on(void)
{
    int counter = eventfd(0, 0);
    uint64_t value = 5;
    check(counter >= 0 && write(counter, &value, 8) == 8 && read(counter, &value, 8) == 8 &&
          value == 5, "the event server still counts");
    pid_t child = fork();
    if (child == 0)
        _exit(7);
    int status = 0;
    check(child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
          WEXITSTATUS(status) == 7, "a new process runs and is waited for");
}

static int pipe_faults(void)
{
    int ends[2];
    if (pipe(ends) != 0)
        return 1;
    pid_t reader = fork();
    if (reader == 0) {
        char byte;
        ssize_t got = read(ends[0], &byte, 1);
        _exit(got == -1 && errno == EIO ? 0 : 1);
    }
    pause_a_little();       /* the reader is waiting in read */
    make_fault(SERVER_PIPE);
    int status = 0;
    check(waitpid(reader, &status, 0) == reader && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "the reader blocked in read gets EIO");
    check(write(ends[1], "x", 1) == -1 && errno == EIO, "a write to the pipe gets EIO");
    int more[2];
    check(pipe(more) == -1 && errno == EIO, "a new pipe gets EIO");
    others_go_on();
    int64_t result;
    check(ask(SERVER_PIPE, SERVER_STATISTICS, &result) == 0 && result == 0,
          "the failed pipe server's statistics answer");
    return failures != 0;
}

/* The futex(2) operations used (musl has no linux/futex.h). */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static uint32_t word;

static long futex(uint32_t *address, int op, uint32_t value, const struct timespec *timeout)
{
    return syscall(SYS_futex, address, op, value, timeout, 0, 0);
}

static void *wait_on_word(void *result)
{
    *(long *)result = futex(&word, FUTEX_WAIT_PRIVATE, 0, 0);
    return 0;
}

static int futex_faults(void)
{
    pthread_t waiter;
    long waited = -2;
    if (pthread_create(&waiter, 0, wait_on_word, &waited) != 0)
        return 1;
    pause_a_little();       /* the waiter is waiting */
    make_fault(SERVER_FUTEX);
    pthread_join(waiter, 0);
    check(waited == 0, "the waiter wakes (a spurious wake-up)");
    struct timespec brief = {0, 10 * 1000 * 1000};
    check(futex(&word, FUTEX_WAIT_PRIVATE, 0, &brief) == -1 && errno == ETIMEDOUT,
          "the futex server, started again, times a wait out");
    waited = -2;
    if (pthread_create(&waiter, 0, wait_on_word, &waited) != 0)
        return 1;
    long woken = 0;
    for (int i = 0; i < 100 && woken == 0; i++) {
        pause_a_little();
        woken = futex(&word, FUTEX_WAKE_PRIVATE, 1, 0);
    }
    pthread_join(waiter, 0);
    check(woken == 1 && waited == 0, "it wakes a waiter");
    others_go_on();
    int64_t result;
    check(ask(SERVER_FUTEX, SERVER_STATISTICS, &result) == 0 && result == 0,
          "its statistics answer");
    make_fault(SERVER_FUTEX);
    check(futex(&word, FUTEX_WAIT_PRIVATE, 0, &brief) == -1 && errno == ETIMEDOUT,
          "after a second fault it serves again");
    return failures != 0;
}

static int refused(void)
{
    int64_t result;
    check(ask(SERVER_PIPE, SERVER_DEBUG_FAULT, &result) == 0 && result == -EPERM,
          "SERVER_DEBUG_FAULT is refused (EPERM) without the boot option");
    int ends[2];
    check(pipe(ends) == 0, "the pipe server goes on");
    return failures != 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "pipe") == 0)
        return pipe_faults();
    if (strcmp(mode, "futex") == 0)
        return futex_faults();
    if (strcmp(mode, "refused") == 0)
        return refused();
    fprintf(stderr, "usage: server-faults pipe|futex|refused\n");
    return 2;
}
