/* Scheduling policies, per thread as Linux keeps them: sched_setscheduler,
 * sched_setparam, sched_getscheduler, sched_getparam and
 * sched_rr_get_interval through their system calls (musl's wrappers of
 * the first four answer ENOSYS, as POSIX lets a per-process interface do;
 * programs reach them through pthread_setschedparam), with Linux's
 * checks (priorities 1-99 for SCHED_FIFO and SCHED_RR, 0 for the others,
 * SCHED_DEADLINE only through sched_setattr, EPERM for an unprivileged
 * caller), SCHED_RESET_ON_FORK, and inheritance by fork and new threads.
 * And that the priorities are real on one core: a SCHED_FIFO thread that
 * spins keeps a SCHED_OTHER one from running, and a higher SCHED_FIFO
 * thread preempts it at once. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#include "check.h"

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif
#define SCHED_DEADLINE_POLICY 6

static long set_scheduler(pid_t pid, int policy, int priority)
{
    struct sched_param param = {.sched_priority = priority};
    return syscall(SYS_sched_setscheduler, pid, policy, &param);
}

static long set_param(pid_t pid, int priority)
{
    struct sched_param param = {.sched_priority = priority};
    return syscall(SYS_sched_setparam, pid, &param);
}

static long get_scheduler(pid_t pid)
{
    return syscall(SYS_sched_getscheduler, pid);
}

static int get_priority(pid_t pid)
{
    struct sched_param param = {.sched_priority = -1};
    if (syscall(SYS_sched_getparam, pid, &param) != 0)
        return -1;
    return param.sched_priority;
}

static void back_to_other(void)
{
    CHECK_OK(set_scheduler(0, SCHED_OTHER, 0));
}

static void policies_and_priorities(void)
{
    CHECK_EQ(get_scheduler(0), SCHED_OTHER);
    CHECK_EQ(get_priority(0), 0);
    CHECK_OK(set_scheduler(0, SCHED_FIFO, 10));
    CHECK_EQ(get_scheduler(0), SCHED_FIFO);
    CHECK_EQ(get_priority(0), 10);
    CHECK_EQ(get_scheduler(getpid()), SCHED_FIFO);
    CHECK_OK(set_param(0, 20));
    CHECK_EQ(get_scheduler(0), SCHED_FIFO);
    CHECK_EQ(get_priority(0), 20);
    CHECK_ERRNO(set_param(0, 0), EINVAL);
    struct timespec slice = {1, 1};
    CHECK_OK(syscall(SYS_sched_rr_get_interval, 0, &slice));
    CHECK(slice.tv_sec == 0 && slice.tv_nsec == 0);     /* FIFO has no time slice */
    CHECK_OK(set_scheduler(0, SCHED_RR, 5));
    CHECK_EQ(get_scheduler(0), SCHED_RR);
    CHECK_OK(syscall(SYS_sched_rr_get_interval, 0, &slice));
    CHECK(slice.tv_sec > 0 || slice.tv_nsec > 0);
    CHECK_OK(set_scheduler(0, SCHED_BATCH, 0));
    CHECK_EQ(get_scheduler(0), SCHED_BATCH);
    CHECK_EQ(get_priority(0), 0);
    CHECK_OK(set_scheduler(0, SCHED_IDLE, 0));
    CHECK_EQ(get_scheduler(0), SCHED_IDLE);
    back_to_other();
    CHECK_EQ(sched_get_priority_max(SCHED_FIFO), 99);
    CHECK_EQ(sched_get_priority_min(SCHED_RR), 1);
    CHECK_EQ(sched_get_priority_max(SCHED_OTHER), 0);
    CHECK_ERRNO(sched_get_priority_max(4), EINVAL);
}

static void linux_refuses_these(void)
{
    struct sched_param param = {.sched_priority = 1};
    CHECK_ERRNO(set_scheduler(0, SCHED_FIFO, 0), EINVAL);
    CHECK_ERRNO(set_scheduler(0, SCHED_RR, 100), EINVAL);
    CHECK_ERRNO(set_scheduler(0, SCHED_FIFO, -1), EINVAL);
    CHECK_ERRNO(set_scheduler(0, SCHED_OTHER, 1), EINVAL);
    CHECK_ERRNO(set_scheduler(0, SCHED_BATCH, 1), EINVAL);
    CHECK_ERRNO(set_scheduler(0, -1, 0), EINVAL);
    CHECK_ERRNO(set_scheduler(0, 4, 0), EINVAL);
    CHECK_ERRNO(set_scheduler(0, 7, 0), EINVAL);
    CHECK_ERRNO(set_scheduler(0, SCHED_DEADLINE_POLICY, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, NULL), EINVAL);
    CHECK_ERRNO(syscall(SYS_sched_setscheduler, -1, SCHED_FIFO, &param), EINVAL);
    CHECK_ERRNO(syscall(SYS_sched_setscheduler, 0x3ffffff0, SCHED_FIFO, &param), ESRCH);
    CHECK_ERRNO(syscall(SYS_sched_setparam, 0, NULL), EINVAL);
    CHECK_ERRNO(syscall(SYS_sched_getparam, 0, NULL), EINVAL);
    CHECK_ERRNO(syscall(SYS_sched_getparam, -1, &param), EINVAL);
    CHECK_ERRNO(syscall(SYS_sched_getparam, 0x3ffffff0, &param), ESRCH);
    CHECK_ERRNO(get_scheduler(-1), EINVAL);
    CHECK_ERRNO(get_scheduler(0x3ffffff0), ESRCH);
    CHECK_ERRNO(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, (void *)8), EFAULT);
    CHECK_EQ(get_scheduler(0), SCHED_OTHER);
}

static void *report_policy(void *unused)
{
    (void)unused;
    return (void *)(intptr_t)(get_scheduler(0) * 1000 + get_priority(0));
}

static void inherited_by_forks_and_threads(void)
{
    CHECK_OK(set_scheduler(0, SCHED_FIFO, 7));
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(get_scheduler(0), SCHED_FIFO);
        CHECK_EQ(get_priority(0), 7);
        check_child_exit();
    }
    check_child_passed(child);
    pthread_t thread;
    void *reported;
    REQUIRE(pthread_create(&thread, NULL, report_policy, NULL) == 0);
    pthread_join(thread, &reported);
    CHECK_EQ((intptr_t)reported, SCHED_FIFO * 1000 + 7);

    /* SCHED_RESET_ON_FORK: the policy's flag, and new ones start over. */
    CHECK_OK(set_scheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, 3));
    CHECK_EQ(get_scheduler(0), SCHED_RR | SCHED_RESET_ON_FORK);
    CHECK_EQ(get_priority(0), 3);
    child = fork();
    if (child == 0) {
        CHECK_EQ(get_scheduler(0), SCHED_OTHER);
        CHECK_EQ(get_priority(0), 0);
        check_child_exit();
    }
    check_child_passed(child);
    REQUIRE(pthread_create(&thread, NULL, report_policy, NULL) == 0);
    pthread_join(thread, &reported);
    CHECK_EQ((intptr_t)reported, SCHED_OTHER * 1000 + 0);
    /* sched_setparam keeps the flag with the policy. */
    CHECK_OK(set_param(0, 4));
    CHECK_EQ(get_scheduler(0), SCHED_RR | SCHED_RESET_ON_FORK);
    back_to_other();
    CHECK_EQ(get_scheduler(0), SCHED_OTHER);
}

/* pthread_setschedparam is how musl programs set a thread's policy. */
static void through_pthreads(void)
{
    struct sched_param param = {.sched_priority = 15};
    CHECK_EQ(pthread_setschedparam(pthread_self(), SCHED_RR, &param), 0);
    int policy = -1;
    param.sched_priority = 0;
    CHECK_EQ(pthread_getschedparam(pthread_self(), &policy, &param), 0);
    CHECK_EQ(policy, SCHED_RR);
    CHECK_EQ(param.sched_priority, 15);
    param.sched_priority = 0;
    CHECK_EQ(pthread_setschedparam(pthread_self(), SCHED_FIFO, &param), EINVAL);
    CHECK_EQ(pthread_setschedparam(pthread_self(), SCHED_OTHER, &param), 0);
}

static void unprivileged_callers(void)
{
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        REQUIRE(setuid(65534) == 0);
        CHECK_ERRNO(set_scheduler(0, SCHED_FIFO, 1), EPERM);
        CHECK_ERRNO(set_scheduler(0, SCHED_RR, 1), EPERM);
        CHECK_OK(set_scheduler(0, SCHED_BATCH, 0));
        CHECK_ERRNO(set_scheduler(parent, SCHED_BATCH, 0), EPERM);
        CHECK_EQ(get_scheduler(parent), SCHED_OTHER);       /* asking is allowed */
        CHECK_ERRNO(set_scheduler(0, SCHED_FIFO, 0), EINVAL);   /* EINVAL first */
        check_child_exit();
    }
    check_child_passed(child);
}

/* ---- Priorities at work, on one core ---- */

static volatile int ran;

static void *mark_ran(void *unused)
{
    (void)unused;
    __atomic_store_n(&ran, 1, __ATOMIC_RELEASE);
    return NULL;
}

static long milliseconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static pthread_t start_thread(int policy, int priority)
{
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setinheritsched(&attributes, PTHREAD_EXPLICIT_SCHED);
    pthread_attr_setschedpolicy(&attributes, policy);
    struct sched_param param = {.sched_priority = priority};
    pthread_attr_setschedparam(&attributes, &param);
    pthread_t thread;
    REQUIRE(pthread_create(&thread, &attributes, mark_ran, NULL) == 0);
    pthread_attr_destroy(&attributes);
    return thread;
}

static void priorities_decide_who_runs(void)
{
    cpu_set_t one_core;
    CPU_ZERO(&one_core);
    CPU_SET(0, &one_core);
    REQUIRE(sched_setaffinity(0, sizeof one_core, &one_core) == 0);
    CHECK_OK(set_scheduler(0, SCHED_FIFO, 10));

    /* A SCHED_OTHER thread waits while this one spins (200 ms, well
     * under Linux's real-time throttling of 950 ms a second). */
    ran = 0;
    pthread_t low = start_thread(SCHED_OTHER, 0);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (milliseconds_since(&start) < 200)
        ;
    CHECK_EQ(__atomic_load_n(&ran, __ATOMIC_ACQUIRE), 0);
    back_to_other();
    pthread_join(low, NULL);
    CHECK_EQ(ran, 1);

    /* A higher SCHED_FIFO thread runs as soon as it exists. */
    CHECK_OK(set_scheduler(0, SCHED_FIFO, 10));
    ran = 0;
    pthread_t high = start_thread(SCHED_FIFO, 20);
    CHECK_EQ(__atomic_load_n(&ran, __ATOMIC_ACQUIRE), 1);
    pthread_join(high, NULL);
    back_to_other();
}

int main(void)
{
    policies_and_priorities();
    linux_refuses_these();
    inherited_by_forks_and_threads();
    through_pthreads();
    unprivileged_callers();
    priorities_decide_who_runs();
    return check_finish("sched_policies");
}
