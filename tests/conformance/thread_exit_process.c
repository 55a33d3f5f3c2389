/* A thread that calls exit(), _exit() or exit_group ends the whole
 * process, every thread with it, with its status; a thread's own
 * SYS_exit ends only that thread; a fatal fault in any thread kills the
 * process. */
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"

static void *block_forever(void *unused)
{
    (void)unused;
    for (;;)
        pause();
    return NULL;
}

static void *call_exit(void *argument)
{
    usleep(10000);
    exit((int)(long)argument);
}

static void *call_underscore_exit(void *argument)
{
    usleep(10000);
    _exit((int)(long)argument);
}

static void *call_exit_group(void *argument)
{
    usleep(10000);
    syscall(SYS_exit_group, (int)(long)argument);
    return NULL;
}

static void *fault(void *unused)
{
    (void)unused;
    usleep(10000);
    volatile int *volatile nowhere = NULL;
    *nowhere = 1;
    return NULL;
}

/* In a child: two blocked threads plus one running `ending`, while the
 * main thread blocks in join on a thread that never ends. */
static int status_when_thread_runs(void *(*ending)(void *), long value)
{
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t blocked[2], ender;
        for (int i = 0; i < 2; i++)
            pthread_create(&blocked[i], NULL, block_forever, NULL);
        pthread_create(&ender, NULL, ending, (void *)value);
        pthread_join(blocked[0], NULL);
        _exit(99);
    }
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    return status;
}

static void *exit_only_this_thread(void *unused)
{
    (void)unused;
    syscall(SYS_exit, 0);
    return NULL;
}

int main(void)
{
    int status = status_when_thread_runs(call_exit, 3);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 3);

    status = status_when_thread_runs(call_underscore_exit, 4);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 4);

    status = status_when_thread_runs(call_exit_group, 5);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 5);

    status = status_when_thread_runs(fault, 0);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WTERMSIG(status), SIGSEGV);

    /* Killing the process from outside takes all its threads. */
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t thread;
        pthread_create(&thread, NULL, block_forever, NULL);
        pthread_join(thread, NULL);
        _exit(99);
    }
    usleep(20000);
    CHECK_EQ(kill(pid, SIGKILL), 0);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    /* The raw exit system call in one thread: the process goes on. The
     * thread was not exited through musl, so it is never joined; the
     * process just keeps running. */
    pid = fork();
    if (pid == 0) {
        pthread_t thread;
        pthread_create(&thread, NULL, exit_only_this_thread, NULL);
        usleep(50000);
        _exit(7);
    }
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 7);

    printf("exit, _exit, exit_group and a fault in a thread end the process\n");
    return check_finish("thread_exit_process");
}
