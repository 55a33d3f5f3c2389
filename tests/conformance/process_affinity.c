/* sched_setaffinity, sched_getaffinity and getcpu: a thread starts able to
 * run on every core online; pinned to one core it runs there (getcpu says
 * so at once) and reports just that core; threads it creates, children it
 * forks and programs it execs keep the mask; another thread's mask can be
 * read and set by its tid. An empty mask, or one of cores not online, is
 * EINVAL; an unknown tid ESRCH; a bad pointer EFAULT. Only cores 0 and 1
 * are used: every system under test has them. The test execs itself
 * (argv[0] must be a path execve can open). */
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"

static cpu_set_t only(int core)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(core, &set);
    return set;
}

static int runs_only_on(int core)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 0;
    return CPU_COUNT(&set) == 1 && CPU_ISSET(core, &set) && sched_getcpu() == core;
}

static void *report_core(void *unused)
{
    (void)unused;
    return (void *)(long)runs_only_on(1);
}

static void test_starts_on_every_core(void)
{
    cpu_set_t set;
    CHECK_OK(sched_getaffinity(0, sizeof set, &set));
    CHECK_EQ(CPU_COUNT(&set), sysconf(_SC_NPROCESSORS_ONLN));
    CHECK(CPU_ISSET(0, &set) && CPU_ISSET(1, &set));
    int core = sched_getcpu();
    CHECK(core >= 0 && CPU_ISSET(core, &set));
}

static void test_pinned_and_inherited(const char *self)
{
    cpu_set_t one = only(1);
    CHECK_OK(sched_setaffinity(0, sizeof one, &one));
    CHECK(runs_only_on(1));
    /* A new thread keeps the mask. */
    pthread_t thread;
    REQUIRE(pthread_create(&thread, NULL, report_core, NULL) == 0);
    void *answer;
    CHECK_EQ(pthread_join(thread, &answer), 0);
    CHECK_EQ((long)answer, 1);
    /* So does a child, and the program it execs. */
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0)
        _exit(runs_only_on(1) ? 0 : 1);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        char *argv[] = {(char *)self, "--on-core-1", NULL};
        char *envp[] = {NULL};
        execve(self, argv, envp);
        _exit(99);
    }
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* Back on core 0 and 1. */
    cpu_set_t both = only(0);
    CPU_SET(1, &both);
    CHECK_OK(sched_setaffinity(0, sizeof both, &both));
    cpu_set_t now;
    CHECK_OK(sched_getaffinity(0, sizeof now, &now));
    CHECK(CPU_ISSET(0, &now) && CPU_ISSET(1, &now) && CPU_COUNT(&now) == 2);
    int core = sched_getcpu();
    CHECK(core == 0 || core == 1);
}

/* A thread that waits until told, so that its mask can be changed. */
static volatile int release;

static void *wait_for_release(void *unused)
{
    (void)unused;
    while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE))
        sched_yield();
    return (void *)(long)runs_only_on(0);
}

static volatile pid_t waiting_tid;

static void *record_tid_and_wait(void *unused)
{
    waiting_tid = gettid();
    return wait_for_release(unused);
}

static void test_another_thread(void)
{
    pthread_t thread;
    release = 0;
    waiting_tid = 0;
    REQUIRE(pthread_create(&thread, NULL, record_tid_and_wait, NULL) == 0);
    while (!waiting_tid)
        sched_yield();
    cpu_set_t zero = only(0);
    CHECK_OK(syscall(SYS_sched_setaffinity, waiting_tid, sizeof zero, &zero));
    cpu_set_t seen;
    CHECK_OK(sched_getaffinity(waiting_tid, sizeof seen, &seen));
    CHECK(CPU_COUNT(&seen) == 1 && CPU_ISSET(0, &seen));
    __atomic_store_n(&release, 1, __ATOMIC_RELEASE);
    void *answer;
    CHECK_EQ(pthread_join(thread, &answer), 0);
    CHECK_EQ((long)answer, 1);
}

static void test_errors(void)
{
    cpu_set_t none;
    CPU_ZERO(&none);
    CHECK_ERRNO(sched_setaffinity(0, sizeof none, &none), EINVAL);
    cpu_set_t far = only(63);
    CHECK_ERRNO(sched_setaffinity(0, sizeof far, &far), EINVAL);
    cpu_set_t one = only(0);
    CHECK_ERRNO(sched_setaffinity(99999, sizeof one, &one), ESRCH);
    CHECK_ERRNO(sched_getaffinity(99999, sizeof one, &one), ESRCH);
    CHECK_ERRNO(syscall(SYS_sched_setaffinity, 0, sizeof one, (void *)8), EFAULT);
    CHECK_ERRNO(syscall(SYS_sched_getaffinity, 0, 3, &one), EINVAL);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--on-core-1") == 0)
        return runs_only_on(1) ? 0 : 1;
    test_starts_on_every_core();
    test_pinned_and_inherited(argv[0]);
    test_another_thread();
    test_errors();
    printf("sched_setaffinity pins a thread to its cores; threads, children and exec keep it\n");
    return check_finish("process_affinity");
}
