/* RLIMIT_CPU, as Linux 6.1 enforces it on a process's CPU time: at the
 * soft limit SIGXCPU (SI_KERNEL), and the soft limit a second higher, so
 * SIGXCPU comes again each second; at the hard limit SIGKILL. A process
 * that leaves SIGXCPU at its default action is ended by it; a fork child
 * inherits the limit (and starts its own CPU time from nothing). */
#include <signal.h>
#include <sys/resource.h>
#include <time.h>

#include "check.h"

static volatile sig_atomic_t signalled, from_kernel;

static void on_xcpu(int signal, siginfo_t *info, void *context)
{
    (void)signal, (void)context;
    signalled++;
    if (info->si_code == SI_KERNEL)
        from_kernel++;
}

static double cpu_seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* Burns CPU time until the process has used seconds of it. */
static void spin_until(double seconds)
{
    while (cpu_seconds() < seconds)
        continue;
}

static void set_limit(rlim_t soft, rlim_t hard)
{
    struct rlimit limit = {soft, hard};
    REQUIRE(setrlimit(RLIMIT_CPU, &limit) == 0);
}

struct report {
    int signalled, from_kernel;
    rlim_t soft_after;
};

/* With SIGXCPU handled: two of them by 2.5 s, the soft limit raised to
 * 3 s, then SIGKILL at the hard limit of 3 s. */
static void handled_then_killed(void)
{
    int reports[2];
    REQUIRE(pipe(reports) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        struct sigaction action = {.sa_sigaction = on_xcpu, .sa_flags = SA_SIGINFO};
        sigaction(SIGXCPU, &action, NULL);
        set_limit(1, 3);
        spin_until(2.5);
        struct rlimit now;
        getrlimit(RLIMIT_CPU, &now);
        struct report report = {signalled, from_kernel, now.rlim_cur};
        if (write(reports[1], &report, sizeof report) != sizeof report)
            _exit(2);
        spin_until(10);
        _exit(3);
    }
    close(reports[1]);
    struct report report = {0};
    CHECK_EQ(read(reports[0], &report, sizeof report), sizeof report);
    CHECK_EQ(report.signalled, 2);
    CHECK_EQ(report.from_kernel, 2);
    CHECK_EQ(report.soft_after, 3);
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WTERMSIG(status), SIGKILL);
    close(reports[0]);
}

/* SIGXCPU's default action ends the process at the soft limit. */
static void ended_by_default(void)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        set_limit(1, RLIM_INFINITY);
        spin_until(10);
        _exit(3);
    }
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WTERMSIG(status), SIGXCPU);
}

/* A fork child has the limit, and its own CPU time. */
static void inherited(void)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        set_limit(2, RLIM_INFINITY);
        spin_until(1.2);
        pid_t grandchild = fork();
        if (grandchild == 0) {
            struct rlimit limit;
            getrlimit(RLIMIT_CPU, &limit);
            _exit(limit.rlim_cur == 2 && cpu_seconds() < 0.5 ? 0 : 1);
        }
        int status = 0;
        _exit(waitpid(grandchild, &status, 0) == grandchild && WIFEXITED(status) &&
              WEXITSTATUS(status) == 0 ? 0 : 1);
    }
    check_child_passed(child);
}

int main(void)
{
    handled_then_killed();
    ended_by_default();
    inherited();
    return check_finish("process_rlimit_cpu");
}
