/* Robust futexes: a process-shared robust mutex whose owner dies (killed
 * with SIGKILL, by a fatal signal of its own, exiting, exec'ing, a thread
 * ending) is EOWNERDEAD for the
 * next locker, which may make it consistent and go on; a waiter blocked
 * while the owner is killed wakes with EOWNERDEAD. Then the kernel's side
 * alone, with robust lists made by hand in MAP_SHARED memory: which words
 * a dead thread's list marks (FUTEX_WAITERS kept, others' words left, a
 * PI entry, the pending entry), the 2048-entry limit, a cycle, a thread
 * that ends with a raw exit (its words marked before its clear-tid word
 * wakes the parent). And set_robust_list and get_robust_list themselves:
 * EINVAL, ESRCH, EPERM, EFAULT, another thread's head. */
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"
#include "futex.h"

#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define ROBUST_LIST_LIMIT 2048

/* struct robust_list_head and an entry of a list made by hand: the next
 * pointer, then the futex word. */
struct raw_head {
    uintptr_t first;
    long futex_offset;
    uintptr_t pending;
};
struct raw_entry {
    uintptr_t next;
    uint32_t word;
};
#define RAW_OFFSET ((long)offsetof(struct raw_entry, word))

enum { LIMIT_ENTRIES = ROBUST_LIST_LIMIT + 52 };

struct shared {
    pthread_mutex_t killed, killed_too, aborted, exited, execed, threaded, waited;
    struct raw_head head;
    struct raw_entry entries[8];
    struct raw_entry pending;
    struct raw_entry many[LIMIT_ENTRIES];
    int thread_tid;             /* the raw thread's, cleared when it ends */
};

static struct shared *shared;
static int ready_pipe[2];

static long set_robust_list(void *head, size_t length)
{
    return syscall(SYS_set_robust_list, head, length);
}

static long get_robust_list(int tid, void **head, size_t *length)
{
    return syscall(SYS_get_robust_list, tid, head, length);
}

static void robust_init(pthread_mutex_t *mutex)
{
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
    pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    REQUIRE(pthread_mutex_init(mutex, &attributes) == 0);
    pthread_mutexattr_destroy(&attributes);
}

static void say_ready(void)
{
    char byte = 1;
    if (write(ready_pipe[1], &byte, 1) != 1)
        _exit(3);
}

static void wait_ready(void)
{
    char byte;
    REQUIRE(read(ready_pipe[0], &byte, 1) == 1);
}

enum then { PAUSE, ABORT, EXIT, EXEC };

/* A child that locks mutex (and second, if any), says so, then waits to
 * be killed, aborts, exits or execs this program again. */
static pid_t child_holding(pthread_mutex_t *mutex, pthread_mutex_t *second, enum then then,
                           const char *program)
{
    pid_t child = fork();
    if (child == 0) {
        if (pthread_mutex_lock(mutex) != 0 || (second && pthread_mutex_lock(second) != 0))
            _exit(2);
        say_ready();
        if (then == ABORT)
            abort();
        if (then == EXIT)
            exit(0);
        if (then == EXEC) {
            execl(program, program, "exec-holder", (char *)NULL);
            _exit(4);
        }
        for (;;)
            pause();
    }
    REQUIRE(child > 0);
    wait_ready();
    return child;
}

static int end_status(pid_t child)
{
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    return status;
}

/* The next locker of a dead owner's mutex: EOWNERDEAD; consistent, it
 * unlocks and locks as ever. */
static void check_recovered(pthread_mutex_t *mutex)
{
    CHECK_EQ(pthread_mutex_lock(mutex), EOWNERDEAD);
    CHECK_EQ(pthread_mutex_consistent(mutex), 0);
    CHECK_EQ(pthread_mutex_unlock(mutex), 0);
    CHECK_EQ(pthread_mutex_lock(mutex), 0);
    CHECK_EQ(pthread_mutex_unlock(mutex), 0);
}

static void owner_killed(void)
{
    pid_t child = child_holding(&shared->killed, &shared->killed_too, PAUSE, 0);
    CHECK_OK(kill(child, SIGKILL));
    int status = end_status(child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    check_recovered(&shared->killed);
    /* Not made consistent: unlocked, it can never be locked again. */
    CHECK_EQ(pthread_mutex_trylock(&shared->killed_too), EOWNERDEAD);
    CHECK_EQ(pthread_mutex_unlock(&shared->killed_too), 0);
    CHECK_EQ(pthread_mutex_lock(&shared->killed_too), ENOTRECOVERABLE);

    child = child_holding(&shared->aborted, 0, ABORT, 0);
    status = end_status(child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    check_recovered(&shared->aborted);
}

static void owner_exited_or_execed(const char *program)
{
    pid_t child = child_holding(&shared->exited, 0, EXIT, 0);
    CHECK_EQ(end_status(child), 0);
    check_recovered(&shared->exited);

    child = child_holding(&shared->execed, 0, EXEC, program);
    CHECK_EQ(end_status(child), 0);
    check_recovered(&shared->execed);
}

static void *lock_and_exit(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&shared->threaded);
    return NULL;
}

static void owner_thread_ended(void)
{
    pthread_t thread;
    REQUIRE(pthread_create(&thread, NULL, lock_and_exit, NULL) == 0);
    CHECK_EQ(pthread_join(thread, NULL), 0);
    check_recovered(&shared->threaded);
}

static void *lock_waiting(void *result)
{
    int status = pthread_mutex_lock(&shared->waited);
    if (status == EOWNERDEAD) {
        pthread_mutex_consistent(&shared->waited);
        pthread_mutex_unlock(&shared->waited);
    }
    *(int *)result = status;
    return NULL;
}

/* A thread of this process waits for the mutex another process holds,
 * and is woken when that process is killed (it waits by then, most
 * likely; if not, its lock finds the owner dead all the same). */
static void waiter_woken(void)
{
    pid_t child = child_holding(&shared->waited, 0, PAUSE, 0);
    int result = -1;
    pthread_t thread;
    REQUIRE(pthread_create(&thread, NULL, lock_waiting, &result) == 0);
    usleep(100000);
    CHECK_OK(kill(child, SIGKILL));
    end_status(child);
    CHECK_EQ(pthread_join(thread, NULL), 0);
    CHECK_EQ(result, EOWNERDEAD);
    CHECK_EQ(pthread_mutex_lock(&shared->waited), 0);
    CHECK_EQ(pthread_mutex_unlock(&shared->waited), 0);
}

/* The list: the first count entries, in order, and back to the head. */
static void link_list(struct raw_entry *entries, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        entries[i].next = i + 1 < count ? (uintptr_t)&entries[i + 1] : (uintptr_t)&shared->head;
    shared->head.first = (uintptr_t)&entries[0];
    shared->head.futex_offset = RAW_OFFSET;
    shared->head.pending = 0;
}

/* A child that makes the words marked OWNED its own (its tid in their
 * owner bits), registers the hand-made list, says so, and is killed or
 * exits. */
#define OWNED 0x3fffffffu
static pid_t child_with_list(enum then then)
{
    pid_t child = fork();
    if (child == 0) {
        uint32_t tid = (uint32_t)syscall(SYS_gettid);
        struct raw_entry *all[] = { shared->entries, &shared->pending, shared->many };
        unsigned counts[] = { 8, 1, LIMIT_ENTRIES };
        for (unsigned a = 0; a < 3; a++)
            for (unsigned i = 0; i < counts[a]; i++)
                if ((all[a][i].word & OWNED) == OWNED)
                    all[a][i].word = (all[a][i].word & ~OWNED) | tid;
        if (set_robust_list(&shared->head, sizeof shared->head) != 0)
            _exit(2);
        say_ready();
        if (then == EXIT)
            _exit(0);
        for (;;)
            pause();
    }
    REQUIRE(child > 0);
    wait_ready();
    return child;
}

static void raw_list_of_a_killed_process(void)
{
    struct raw_entry *e = shared->entries;
    link_list(e, 6);
    e[0].word = OWNED;
    e[1].word = OWNED | FUTEX_WAITERS;
    e[2].word = 1;                              /* init's: left alone */
    e[3].word = OWNED | FUTEX_OWNER_DIED;       /* taken over, then died too */
    e[4].word = OWNED | FUTEX_WAITERS;          /* a PI futex: marked as well */
    e[3].next |= 1;
    e[5].word = OWNED;                          /* also pending: marked once */
    shared->pending.next = (uintptr_t)&shared->head;
    shared->head.pending = (uintptr_t)&e[5];
    pid_t child = child_with_list(PAUSE);
    CHECK_OK(kill(child, SIGKILL));
    end_status(child);
    CHECK_EQ(e[0].word, FUTEX_OWNER_DIED);
    CHECK_EQ(e[1].word, FUTEX_WAITERS | FUTEX_OWNER_DIED);
    CHECK_EQ(e[2].word, 1);
    CHECK_EQ(e[3].word, FUTEX_OWNER_DIED);
    CHECK_EQ(e[4].word, FUTEX_WAITERS | FUTEX_OWNER_DIED);
    CHECK_EQ(e[5].word, FUTEX_OWNER_DIED);

    /* The pending entry alone, with no owner (unlocked, its waiter not
     * woken yet): left as it is. */
    link_list(e, 1);
    e[0].word = OWNED;
    shared->pending.word = FUTEX_WAITERS;
    shared->head.pending = (uintptr_t)&shared->pending;
    child = child_with_list(EXIT);
    CHECK_EQ(end_status(child), 0);
    CHECK_EQ(e[0].word, FUTEX_OWNER_DIED);
    CHECK_EQ(shared->pending.word, FUTEX_WAITERS);
}

static void raw_list_limits(void)
{
    /* 2100 entries: the first 2048 are marked, and the pending one. */
    link_list(shared->many, LIMIT_ENTRIES);
    for (unsigned i = 0; i < LIMIT_ENTRIES; i++)
        shared->many[i].word = OWNED;
    shared->pending.next = (uintptr_t)&shared->head;
    shared->pending.word = OWNED;
    shared->head.pending = (uintptr_t)&shared->pending;
    pid_t child = child_with_list(EXIT);
    CHECK_EQ(end_status(child), 0);
    unsigned marked = 0;
    for (unsigned i = 0; i < LIMIT_ENTRIES; i++)
        marked += shared->many[i].word == FUTEX_OWNER_DIED;
    CHECK_EQ(marked, ROBUST_LIST_LIMIT);
    CHECK_EQ(shared->many[ROBUST_LIST_LIMIT - 1].word, FUTEX_OWNER_DIED);
    CHECK(shared->many[ROBUST_LIST_LIMIT].word != FUTEX_OWNER_DIED);
    CHECK_EQ(shared->pending.word, FUTEX_OWNER_DIED);

    /* A cycle: 0 -> 1 -> 2 -> 1 -> ... Every word marked, and the
     * process ends. */
    struct raw_entry *e = shared->entries;
    link_list(e, 3);
    e[2].next = (uintptr_t)&e[1];
    for (unsigned i = 0; i < 3; i++)
        e[i].word = OWNED | FUTEX_WAITERS;
    child = child_with_list(PAUSE);
    CHECK_OK(kill(child, SIGKILL));
    end_status(child);
    CHECK_EQ(e[0].word, FUTEX_WAITERS | FUTEX_OWNER_DIED);
    CHECK_EQ(e[1].word, FUTEX_WAITERS | FUTEX_OWNER_DIED);
    CHECK_EQ(e[2].word, FUTEX_WAITERS | FUTEX_OWNER_DIED);

    /* A bad pointer ends the walk: the entries after it stay. */
    link_list(e, 3);
    e[1].next = 8;
    for (unsigned i = 0; i < 3; i++)
        e[i].word = OWNED;
    child = child_with_list(EXIT);
    CHECK_EQ(end_status(child), 0);
    CHECK_EQ(e[0].word, FUTEX_OWNER_DIED);
    CHECK_EQ(e[1].word, FUTEX_OWNER_DIED);
    CHECK(e[2].word != FUTEX_OWNER_DIED);
}

/* A thread made with clone alone (it shares the main thread's TLS, so it
 * makes raw system calls only) that registers the list and exits with
 * the raw exit call, no libc on the way. */
static char raw_stack[65536] __attribute__((aligned(16)));

static int raw_thread(void *unused)
{
    (void)unused;
    uint32_t tid = (uint32_t)syscall(SYS_gettid);
    shared->entries[0].word = tid | FUTEX_WAITERS;
    syscall(SYS_set_robust_list, &shared->head, sizeof shared->head);
    syscall(SYS_exit, 0);
    return 0;
}

static void raw_list_of_a_thread(void)
{
    link_list(shared->entries, 1);
    int tid = clone(raw_thread, raw_stack + sizeof raw_stack,
                    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                        CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID,
                    NULL, &shared->thread_tid, NULL, &shared->thread_tid);
    REQUIRE(tid > 0);
    int now;
    while ((now = __atomic_load_n(&shared->thread_tid, __ATOMIC_ACQUIRE)) != 0)
        futex_wait(&shared->thread_tid, now, NULL, 0);
    /* Marked before its end woke this thread. */
    CHECK_EQ(shared->entries[0].word, FUTEX_WAITERS | FUTEX_OWNER_DIED);
}

/* Where a thread and the main thread meet to compare its head. */
struct meeting {
    pthread_barrier_t barrier;
    void *head;
    int tid;
};

static void *heads_of_a_thread(void *argument)
{
    struct meeting *meeting = argument;
    struct raw_head mine = { 0, 0, 0 };
    mine.first = (uintptr_t)&mine;
    void *head = (void *)1;
    size_t length = 0;
    /* A new thread has none (musl sets one at its first robust lock). */
    CHECK_OK(get_robust_list(0, &head, &length));
    CHECK(head == NULL);
    CHECK_EQ(length, sizeof(struct raw_head));
    CHECK_ERRNO(set_robust_list(&mine, sizeof mine - 1), EINVAL);
    CHECK_ERRNO(set_robust_list(&mine, 0), EINVAL);
    CHECK_ERRNO(set_robust_list(&mine, sizeof mine * 2), EINVAL);
    CHECK_OK(set_robust_list(&mine, sizeof mine));
    CHECK_OK(get_robust_list(0, &head, &length));
    CHECK(head == &mine);
    meeting->tid = (int)syscall(SYS_gettid);
    CHECK_OK(get_robust_list(meeting->tid, &head, &length));
    CHECK(head == &mine);
    meeting->head = &mine;
    pthread_barrier_wait(&meeting->barrier);    /* the main thread looks at it */
    pthread_barrier_wait(&meeting->barrier);
    CHECK_OK(set_robust_list(NULL, sizeof mine));
    CHECK_OK(get_robust_list(0, &head, &length));
    CHECK(head == NULL);
    return NULL;
}

static void robust_list_calls(void)
{
    /* Another thread's head, through its tid. */
    struct meeting meeting = { .head = NULL };
    pthread_barrier_init(&meeting.barrier, NULL, 2);
    pthread_t thread;
    REQUIRE(pthread_create(&thread, NULL, heads_of_a_thread, &meeting) == 0);
    pthread_barrier_wait(&meeting.barrier);
    void *head = NULL;
    size_t length = 0;
    CHECK_OK(get_robust_list(meeting.tid, &head, &length));
    CHECK(head != NULL && head == meeting.head);
    CHECK_EQ(length, sizeof(struct raw_head));
    pthread_barrier_wait(&meeting.barrier);
    CHECK_EQ(pthread_join(thread, NULL), 0);
    CHECK_ERRNO(get_robust_list(INT_MAX, &head, &length), ESRCH);
    CHECK_ERRNO(get_robust_list(-1, &head, &length), ESRCH);
    CHECK_ERRNO(get_robust_list(0, NULL, &length), EFAULT);
    CHECK_ERRNO(get_robust_list(0, &head, NULL), EFAULT);

    /* This thread's, as musl set it for its robust mutexes, seen by a
     * child as root, and refused to it as another user. */
    void *own = NULL;
    CHECK_OK(get_robust_list(0, &own, &length));
    CHECK(own != NULL);
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        void *seen = NULL;
        CHECK_OK(get_robust_list(parent, &seen, &length));
        CHECK(seen == own);
        CHECK(setgid(1000) == 0 && setuid(1000) == 0);
        CHECK_ERRNO(get_robust_list(parent, &seen, &length), EPERM);
        CHECK_OK(get_robust_list(0, &seen, &length));
        check_child_exit();
    }
    check_child_passed(child);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "exec-holder") == 0)
        return 0;
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                  -1, 0);
    REQUIRE(shared != MAP_FAILED);
    REQUIRE(pipe(ready_pipe) == 0);
    robust_init(&shared->killed);
    robust_init(&shared->killed_too);
    robust_init(&shared->aborted);
    robust_init(&shared->exited);
    robust_init(&shared->execed);
    robust_init(&shared->threaded);
    robust_init(&shared->waited);

    owner_killed();
    owner_exited_or_execed(argv[0]);
    owner_thread_ended();
    waiter_woken();
    raw_list_of_a_killed_process();
    raw_list_limits();
    raw_list_of_a_thread();
    robust_list_calls();

    printf("robust mutexes after a kill, an abort, an exit, an exec, a thread's end, "
           "with a waiter; "
           "hand-made lists: limit %d, a cycle, a bad pointer, a raw thread exit\n",
           ROBUST_LIST_LIMIT);
    return check_finish("futex_robust");
}
