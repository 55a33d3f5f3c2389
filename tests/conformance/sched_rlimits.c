/* RLIMIT_RTPRIO and RLIMIT_NICE, which sched_setscheduler reads for an
 * unprivileged caller, as Linux 6.1's user_check_sched_setscheduler: with
 * Linux's defaults (0) a real-time policy is EPERM; with RLIMIT_RTPRIO 10
 * a real-time priority up to 10 is allowed, higher is EPERM, lower is
 * fine; a thread at SCHED_IDLE may not go back to SCHED_OTHER without
 * RLIMIT_NICE 20 (SCHED_IDLE counts as nice 20), and may with it. Run as
 * uid 2307, the limits set by root before it changes user. */
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "check.h"

enum { user = 2307 };

/* The system calls themselves: musl's wrappers answer ENOSYS, as POSIX
 * means a process's policy and Linux's is a thread's. */
static long set_policy(int policy, int priority)
{
    struct sched_param param = {.sched_priority = priority};
    return syscall(SYS_sched_setscheduler, 0, policy, &param);
}

static long policy_now(void)
{
    return syscall(SYS_sched_getscheduler, 0);
}

static void set_limit(int resource, rlim_t value)
{
    struct rlimit limit = {value, value};
    REQUIRE(setrlimit(resource, &limit) == 0);
}

#define CHECK_EPERM(call)                                                   \
    do {                                                                    \
        errno = 0;                                                          \
        CHECK_EQ((call), -1);                                               \
        CHECK_EQ(errno, EPERM);                                             \
    } while (0)

/* In a child: root sets the limits, then becomes user. */
static void as_user_with(rlim_t real_time, rlim_t nice, void (*checks)(void))
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        set_limit(RLIMIT_RTPRIO, real_time);
        set_limit(RLIMIT_NICE, nice);
        REQUIRE(setgid(user) == 0 && setuid(user) == 0);
        checks();
        check_child_exit();
    }
    check_child_passed(child);
}

static void with_linux_defaults(void)
{
    CHECK_EPERM(set_policy(SCHED_FIFO, 1));
    CHECK_EPERM(set_policy(SCHED_RR, 1));
    CHECK_EQ(set_policy(SCHED_BATCH, 0), 0);
    CHECK_EQ(set_policy(SCHED_IDLE, 0), 0);
    CHECK_EPERM(set_policy(SCHED_OTHER, 0));    /* SCHED_IDLE is nice 20 */
    CHECK_EPERM(set_policy(SCHED_BATCH, 0));
    CHECK_EQ(policy_now(), SCHED_IDLE);
}

static void with_real_time_up_to_10(void)
{
    CHECK_EQ(set_policy(SCHED_FIFO, 10), 0);
    CHECK_EQ(policy_now(), SCHED_FIFO);
    CHECK_EPERM(set_policy(SCHED_FIFO, 11));
    CHECK_EQ(set_policy(SCHED_RR, 5), 0);
    CHECK_EQ(set_policy(SCHED_RR, 10), 0);
    CHECK_EQ(set_policy(SCHED_OTHER, 0), 0);
}

static void with_nice_20(void)
{
    CHECK_EQ(set_policy(SCHED_IDLE, 0), 0);
    CHECK_EQ(set_policy(SCHED_OTHER, 0), 0);
    CHECK_EQ(policy_now(), SCHED_OTHER);
    CHECK_EPERM(set_policy(SCHED_FIFO, 1));
}

int main(void)
{
    as_user_with(0, 0, with_linux_defaults);
    as_user_with(10, 0, with_real_time_up_to_10);
    as_user_with(0, 20, with_nice_20);
    return check_finish("sched_rlimits");
}
