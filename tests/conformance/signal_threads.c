/* Signals and threads: each thread has its own blocked mask and its own
 * pending set, and the process has a shared one. A process-directed
 * kill() is handled by a thread that does not block the signal (here the
 * second thread, as the main thread blocks it); tgkill() and
 * pthread_kill() run the handler in the thread named; a thread-directed
 * signal that thread blocks stays pending for it alone, while a
 * process-directed one is pending for every thread until one unblocks it
 * and takes it. The handler records gettid() to say where it ran. */
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

#include "check.h"

static volatile int handled_count;
static volatile pid_t handler_thread;

static void recording_handler(int signo)
{
    (void)signo;
    handler_thread = gettid();
    __atomic_add_fetch(&handled_count, 1, __ATOMIC_SEQ_CST);
}

static void sleep_a_little(void)
{
    struct timespec delay = {0, 1000000};
    nanosleep(&delay, NULL);
}

static void wait_for_handled(int count)
{
    while (__atomic_load_n(&handled_count, __ATOMIC_SEQ_CST) < count)
        sleep_a_little();
}

/* The second thread does what the main thread asks, one command at a
 * time, and says when it is done. */
enum command {
    IDLE, BLOCK_USR2, REPORT_PENDING, UNBLOCK_USR2, BLOCK_USR1, QUIT,
};
static int command_number, done_number;
static enum command command;
static pid_t second_thread_id;
static int second_sees_usr1_pending, second_sees_usr2_pending;

static void run_command(enum command what)
{
    sigset_t set, pending;
    sigemptyset(&set);
    switch (what) {
    case BLOCK_USR2:
        sigaddset(&set, SIGUSR2);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        break;
    case UNBLOCK_USR2:
        sigaddset(&set, SIGUSR2);
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
        break;
    case BLOCK_USR1:
        sigaddset(&set, SIGUSR1);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        break;
    case REPORT_PENDING:
        sigemptyset(&pending);
        sigpending(&pending);
        second_sees_usr1_pending = sigismember(&pending, SIGUSR1);
        second_sees_usr2_pending = sigismember(&pending, SIGUSR2);
        break;
    case IDLE:
    case QUIT:
        break;
    }
}

static void *second_thread(void *unused)
{
    (void)unused;
    __atomic_store_n(&second_thread_id, gettid(), __ATOMIC_SEQ_CST);
    int last = 0;
    for (;;) {
        int number = __atomic_load_n(&command_number, __ATOMIC_SEQ_CST);
        if (number == last) {
            sleep_a_little();
            continue;
        }
        enum command what = command;
        run_command(what);
        last = number;
        __atomic_store_n(&done_number, number, __ATOMIC_SEQ_CST);
        if (what == QUIT)
            return NULL;
    }
}

static void ask_second_thread(enum command what)
{
    command = what;
    int number = __atomic_add_fetch(&command_number, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&done_number, __ATOMIC_SEQ_CST) != number)
        sleep_a_little();
}

static int pending_here(int signo)
{
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    return sigismember(&pending, signo);
}

int main(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = recording_handler;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(SIGUSR1, &action, NULL) == 0);
    REQUIRE(sigaction(SIGUSR2, &action, NULL) == 0);

    pid_t main_thread_id = gettid();
    pthread_t second;
    REQUIRE(pthread_create(&second, NULL, second_thread, NULL) == 0);
    while (__atomic_load_n(&second_thread_id, __ATOMIC_SEQ_CST) == 0)
        sleep_a_little();
    CHECK(second_thread_id != main_thread_id);

    /* The main thread blocks SIGUSR1 (the second thread does not): a
     * process-directed SIGUSR1 goes to the second thread. */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    REQUIRE(pthread_sigmask(SIG_BLOCK, &usr1, NULL) == 0);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    wait_for_handled(1);
    CHECK_EQ(handler_thread, second_thread_id);
    CHECK_EQ(pending_here(SIGUSR1), 0);

    /* tgkill and pthread_kill name the thread that runs the handler. */
    CHECK_EQ(syscall(SYS_tgkill, getpid(), second_thread_id, SIGUSR2), 0);
    wait_for_handled(2);
    CHECK_EQ(handler_thread, second_thread_id);
    CHECK_EQ(pthread_kill(second, SIGUSR2), 0);
    wait_for_handled(3);
    CHECK_EQ(handler_thread, second_thread_id);
    /* To ourselves: handled before tgkill returns. */
    CHECK_EQ(syscall(SYS_tgkill, getpid(), main_thread_id, SIGUSR2), 0);
    CHECK_EQ(handled_count, 4);
    CHECK_EQ(handler_thread, main_thread_id);
    /* A thread of another process, or a thread that is not there. */
    CHECK_ERRNO(syscall(SYS_tgkill, getpid(), 999999, SIGUSR2), ESRCH);
    CHECK_ERRNO(syscall(SYS_tgkill, 0, second_thread_id, SIGUSR2), EINVAL);
    CHECK_ERRNO(syscall(SYS_tgkill, getpid(), 0, SIGUSR2), EINVAL);
    CHECK_EQ(handled_count, 4);

    /* A thread-directed signal the second thread blocks: pending there,
     * not here, and handled there once it unblocks. */
    ask_second_thread(BLOCK_USR2);
    CHECK_EQ(syscall(SYS_tgkill, getpid(), second_thread_id, SIGUSR2), 0);
    CHECK_EQ(pending_here(SIGUSR2), 0);
    ask_second_thread(REPORT_PENDING);
    CHECK_EQ(second_sees_usr2_pending, 1);
    CHECK_EQ(second_sees_usr1_pending, 0);
    CHECK_EQ(handled_count, 4);
    ask_second_thread(UNBLOCK_USR2);
    CHECK_EQ(handled_count, 5);
    CHECK_EQ(handler_thread, second_thread_id);
    ask_second_thread(REPORT_PENDING);
    CHECK_EQ(second_sees_usr2_pending, 0);

    /* Both block SIGUSR1: a process-directed one is pending for both;
     * the main thread unblocks and takes it before sigprocmask returns. */
    ask_second_thread(BLOCK_USR1);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(pending_here(SIGUSR1), 1);
    ask_second_thread(REPORT_PENDING);
    CHECK_EQ(second_sees_usr1_pending, 1);
    CHECK_EQ(handled_count, 5);
    REQUIRE(pthread_sigmask(SIG_UNBLOCK, &usr1, NULL) == 0);
    CHECK_EQ(handled_count, 6);
    CHECK_EQ(handler_thread, main_thread_id);
    ask_second_thread(REPORT_PENDING);
    CHECK_EQ(second_sees_usr1_pending, 0);

    /* The masks are the threads' own. */
    sigset_t mine;
    REQUIRE(pthread_sigmask(SIG_BLOCK, NULL, &mine) == 0);
    CHECK_EQ(sigismember(&mine, SIGUSR1), 0);
    CHECK_EQ(sigismember(&mine, SIGUSR2), 0);

    ask_second_thread(QUIT);
    CHECK_EQ(pthread_join(second, NULL), 0);
    printf("process-directed signals go to a thread that does not block them,"
           " thread-directed ones to that thread\n");
    return check_finish("signal_threads");
}
