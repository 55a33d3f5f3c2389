/* sigqueue (rt_sigqueueinfo) and rt_tgsigqueueinfo: a real-time signal
 * queues every instance with its own value, delivered in the order sent;
 * a standard one merges, keeping the first instance's value; the siginfo
 * says SI_QUEUE, the sender's pid and uid and the value, to sigwaitinfo
 * and to an SA_SIGINFO handler alike, in this process or another. Only to
 * itself may a process send a siginfo that would pass for the kernel's
 * (si_code >= 0): EPERM otherwise; a bad siginfo pointer is EFAULT, a bad
 * signal EINVAL, a missing process ESRCH. */
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"

static sigset_t just(int signo)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    return set;
}

/* sigwaitinfo for signo: the value it carried, or -1; checks the rest. */
static long take_value(int signo)
{
    sigset_t set = just(signo);
    siginfo_t info;
    if (sigwaitinfo(&set, &info) != signo)
        return -1;
    CHECK_EQ(info.si_code, SI_QUEUE);
    CHECK_EQ(info.si_pid, getpid());
    CHECK_EQ(info.si_uid, getuid());
    return info.si_value.sival_int;
}

static void test_real_time_queues_each_value(void)
{
    sigset_t set = just(SIGRTMIN);
    REQUIRE(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    for (int value = 1; value <= 3; value++)
        CHECK_OK(sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = value}));
    CHECK_EQ(take_value(SIGRTMIN), 1);
    CHECK_EQ(take_value(SIGRTMIN), 2);
    CHECK_EQ(take_value(SIGRTMIN), 3);
    sigset_t pending;
    sigpending(&pending);
    CHECK_EQ(sigismember(&pending, SIGRTMIN), 0);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void test_standard_signal_merges(void)
{
    sigset_t set = just(SIGUSR1);
    REQUIRE(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    CHECK_OK(sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 7}));
    CHECK_OK(sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 8}));
    CHECK_EQ(take_value(SIGUSR1), 7);
    sigset_t pending;
    sigpending(&pending);
    CHECK_EQ(sigismember(&pending, SIGUSR1), 0);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static volatile int handled_value, handled_code;

static void on_signal(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    (void)context;
    handled_value = info->si_value.sival_int;
    handled_code = info->si_code;
}

static void test_handler_gets_the_value(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_signal;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(SIGRTMIN + 1, &action, NULL) == 0);
    CHECK_OK(sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = 42}));
    CHECK_EQ(handled_value, 42);
    CHECK_EQ(handled_code, SI_QUEUE);
    signal(SIGRTMIN + 1, SIG_DFL);
}

/* A child waits for a value from its parent, and answers with it. */
static void test_to_another_process(void)
{
    sigset_t set = just(SIGRTMIN + 2);
    REQUIRE(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    pid_t parent = getpid();
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        siginfo_t info;
        if (sigwaitinfo(&set, &info) != SIGRTMIN + 2 || info.si_pid != parent
            || info.si_code != SI_QUEUE)
            _exit(99);
        _exit(info.si_value.sival_int);
    }
    CHECK_OK(sigqueue(child, SIGRTMIN + 2, (union sigval){.sival_int = 23}));
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 23);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void test_thread_directed(void)
{
    sigset_t set = just(SIGRTMIN + 3);
    REQUIRE(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_code = SI_QUEUE;
    info.si_pid = getpid();
    info.si_uid = getuid();
    info.si_value.sival_int = 5;
    CHECK_OK(syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), SIGRTMIN + 3, &info));
    CHECK_EQ(take_value(SIGRTMIN + 3), 5);
    CHECK_ERRNO(syscall(SYS_rt_tgsigqueueinfo, 0, gettid(), SIGRTMIN + 3, &info), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_tgsigqueueinfo, getpid(), 0, SIGRTMIN + 3, &info), EINVAL);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void test_errors(void)
{
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_code = SI_USER;     /* what kill would say: only to itself */
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        pause();
        _exit(0);
    }
    CHECK_ERRNO(syscall(SYS_rt_sigqueueinfo, child, SIGUSR2, &info), EPERM);
    info.si_code = SI_QUEUE;
    CHECK_ERRNO(syscall(SYS_rt_sigqueueinfo, child, SIGUSR2, NULL), EFAULT);
    CHECK_ERRNO(syscall(SYS_rt_sigqueueinfo, child, 65, &info), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_sigqueueinfo, 0, SIGUSR2, &info), ESRCH);
    CHECK_ERRNO(sigqueue(99999, SIGUSR2, (union sigval){.sival_int = 1}), ESRCH);
    /* Signal 0: whether the process is there. */
    CHECK_OK(sigqueue(child, 0, (union sigval){.sival_int = 1}));
    kill(child, SIGKILL);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    /* To itself, a kernel-like siginfo is allowed. */
    sigset_t set = just(SIGUSR2);
    REQUIRE(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    info.si_code = SI_USER;
    CHECK_OK(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR2, &info));
    siginfo_t taken;
    CHECK_EQ(sigwaitinfo(&set, &taken), SIGUSR2);
    CHECK_EQ(taken.si_code, SI_USER);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int main(void)
{
    test_real_time_queues_each_value();
    test_standard_signal_merges();
    test_handler_gets_the_value();
    test_to_another_process();
    test_thread_directed();
    test_errors();
    printf("sigqueue: values queue with real-time signals, SI_QUEUE, EPERM for forged codes\n");
    return check_finish("signal_sigqueue");
}
