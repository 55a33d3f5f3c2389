/* PI futexes through their system call, as Linux 6.1 keeps the word:
 * FUTEX_LOCK_PI takes a free word (the owner's tid, FUTEX_OWNER_DIED
 * kept), sets FUTEX_WAITERS and waits on a held one until its owner's
 * FUTEX_UNLOCK_PI hands it over (the word then names the new owner);
 * FUTEX_TRYLOCK_PI is EAGAIN on a held word; EDEADLK for the owner
 * itself, EPERM for unlocking a word one does not own, ESRCH for a word
 * naming no thread; timeouts (FUTEX_LOCK_PI's on CLOCK_REALTIME,
 * FUTEX_LOCK_PI2's on CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME) end
 * with ETIMEDOUT; a signal's handler runs and the lock is tried again; a
 * thread that ends owning a word with a waiter leaves it to the waiter;
 * and a PTHREAD_PRIO_INHERIT mutex works between threads and between
 * processes, robust too: a waiter in another process gets EOWNERDEAD
 * when the owner is killed. */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "check.h"

#define FUTEX_LOCK_PI       6
#define FUTEX_UNLOCK_PI     7
#define FUTEX_TRYLOCK_PI    8
#define FUTEX_LOCK_PI2      13
#define FUTEX_PRIVATE       128
#define FUTEX_CLOCK_REALTIME 256
#define WAITERS             0x80000000u
#define OWNER_DIED          0x40000000u
#define TID_MASK            0x3fffffffu

static long futex(volatile uint32_t *word, int operation, const struct timespec *timeout)
{
    return syscall(SYS_futex, word, operation, 0, timeout, NULL, 0);
}

static uint32_t own_tid(void)
{
    return (uint32_t)syscall(SYS_gettid);
}

static void sleep_milliseconds(long milliseconds)
{
    struct timespec pause = {milliseconds / 1000, (milliseconds % 1000) * 1000000};
    nanosleep(&pause, NULL);
}

/* Waits up to 10 s for *flag to be set. */
static int wait_for(volatile int *flag)
{
    for (int i = 0; i < 10000 && !__atomic_load_n(flag, __ATOMIC_ACQUIRE); i++)
        sleep_milliseconds(1);
    return __atomic_load_n(flag, __ATOMIC_ACQUIRE);
}

static void the_word_protocol(void)
{
    volatile uint32_t word = 0;
    CHECK_OK(futex(&word, FUTEX_TRYLOCK_PI, NULL));
    CHECK_EQ(word, own_tid());
    CHECK_ERRNO(futex(&word, FUTEX_LOCK_PI, NULL), EDEADLK);
    CHECK_ERRNO(futex(&word, FUTEX_TRYLOCK_PI, NULL), EDEADLK);
    CHECK_OK(futex(&word, FUTEX_UNLOCK_PI, NULL));
    CHECK_EQ(word, 0);
    CHECK_ERRNO(futex(&word, FUTEX_UNLOCK_PI, NULL), EPERM);
    word = OWNER_DIED;
    CHECK_OK(futex(&word, FUTEX_LOCK_PI | FUTEX_PRIVATE, NULL));
    CHECK_EQ(word, own_tid() | OWNER_DIED);
    CHECK_OK(futex(&word, FUTEX_UNLOCK_PI | FUTEX_PRIVATE, NULL));
    CHECK_EQ(word, 0);
    /* A word naming a thread that does not exist. */
    word = 0x3ffffff0;
    CHECK_ERRNO(futex(&word, FUTEX_TRYLOCK_PI, NULL), ESRCH);
    CHECK_ERRNO(futex(&word, FUTEX_LOCK_PI, NULL), ESRCH);
    CHECK_ERRNO(futex(&word, FUTEX_UNLOCK_PI, NULL), EPERM);
    CHECK_ERRNO(futex((volatile uint32_t *)((char *)&word + 1), FUTEX_LOCK_PI, NULL), EINVAL);
    CHECK_ERRNO(futex((volatile uint32_t *)8, FUTEX_LOCK_PI, NULL), EFAULT);
    CHECK_ERRNO(futex(&word, FUTEX_LOCK_PI | FUTEX_CLOCK_REALTIME, NULL), ENOSYS);
}

/* ---- Two threads on one word ---- */

static volatile uint32_t shared_word;
static volatile int holder_ready, waiter_started, waiter_done, handler_ran;
static volatile long waiter_result;
static volatile uint32_t waiter_tid, word_seen_by_waiter;

static void *lock_and_report(void *unused)
{
    (void)unused;
    waiter_tid = own_tid();
    __atomic_store_n(&waiter_started, 1, __ATOMIC_RELEASE);
    waiter_result = futex(&shared_word, FUTEX_LOCK_PI, NULL) == 0 ? 0 : errno;
    word_seen_by_waiter = shared_word;
    __atomic_store_n(&waiter_done, 1, __ATOMIC_RELEASE);
    if (waiter_result == 0)
        futex(&shared_word, FUTEX_UNLOCK_PI, NULL);
    return NULL;
}

static void start_waiter(pthread_t *thread)
{
    waiter_started = waiter_done = 0;
    REQUIRE(pthread_create(thread, NULL, lock_and_report, NULL) == 0);
    wait_for(&waiter_started);
    /* Until the waiter has set FUTEX_WAITERS, it is not waiting yet. */
    for (int i = 0; i < 10000 && !(shared_word & WAITERS); i++)
        sleep_milliseconds(1);
}

static void the_owner_hands_the_word_to_a_waiter(void)
{
    shared_word = 0;
    CHECK_OK(futex(&shared_word, FUTEX_LOCK_PI, NULL));
    pthread_t thread;
    start_waiter(&thread);
    CHECK_EQ(shared_word, own_tid() | WAITERS);
    CHECK_EQ(waiter_done, 0);
    CHECK_OK(futex(&shared_word, FUTEX_UNLOCK_PI, NULL));
    pthread_join(thread, NULL);
    CHECK_EQ(waiter_result, 0);
    CHECK_EQ(word_seen_by_waiter & TID_MASK, waiter_tid);
    CHECK_EQ(shared_word, 0);       /* the waiter unlocked it in turn */
}

static void on_signal(int signal)
{
    (void)signal;
    handler_ran = 1;
}

/* A handler runs while the waiter waits; the lock goes on, and is had. */
static void a_signal_does_not_end_the_wait(void)
{
    struct sigaction action = {.sa_handler = on_signal};
    sigaction(SIGUSR1, &action, NULL);
    shared_word = 0;
    handler_ran = 0;
    CHECK_OK(futex(&shared_word, FUTEX_LOCK_PI, NULL));
    pthread_t thread;
    start_waiter(&thread);
    pthread_kill(thread, SIGUSR1);
    CHECK(wait_for(&handler_ran));
    sleep_milliseconds(20);
    CHECK_EQ(waiter_done, 0);
    CHECK_OK(futex(&shared_word, FUTEX_UNLOCK_PI, NULL));
    pthread_join(thread, NULL);
    CHECK_EQ(waiter_result, 0);
}

static void *lock_then_exit(void *unused)
{
    (void)unused;
    futex(&shared_word, FUTEX_LOCK_PI, NULL);
    __atomic_store_n(&holder_ready, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&waiter_started, __ATOMIC_ACQUIRE) || !(shared_word & WAITERS))
        sleep_milliseconds(1);
    syscall(SYS_exit, 0);       /* the thread alone, holding the word */
    return NULL;
}

/* An owner that ends leaves the word to its waiter. */
static void an_ending_owner_leaves_the_word_to_its_waiter(void)
{
    shared_word = 0;
    holder_ready = waiter_started = waiter_done = 0;
    pthread_t holder, waiter;
    REQUIRE(pthread_create(&holder, NULL, lock_then_exit, NULL) == 0);
    CHECK(wait_for(&holder_ready));
    REQUIRE(pthread_create(&waiter, NULL, lock_and_report, NULL) == 0);
    CHECK(wait_for(&waiter_done));
    CHECK_EQ(waiter_result, 0);
    CHECK_EQ(word_seen_by_waiter & TID_MASK, waiter_tid);
    pthread_join(waiter, NULL);
}

static long elapsed_milliseconds(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static struct timespec in_milliseconds(clockid_t clock, long milliseconds)
{
    struct timespec when;
    clock_gettime(clock, &when);
    when.tv_nsec += milliseconds * 1000000;
    when.tv_sec += when.tv_nsec / 1000000000;
    when.tv_nsec %= 1000000000;
    return when;
}

static void *time_out(void *operation)
{
    intptr_t op = (intptr_t)operation;
    clockid_t clock = op == FUTEX_LOCK_PI2 ? CLOCK_MONOTONIC : CLOCK_REALTIME;
    struct timespec deadline = in_milliseconds(clock, 100), start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long result = futex(&shared_word, (int)op, &deadline);
    long taken = elapsed_milliseconds(&start);
    return (void *)(intptr_t)(result == -1 && errno == ETIMEDOUT && taken >= 90 && taken < 5000);
}

static void timeouts_end_a_wait(void)
{
    shared_word = 0;
    CHECK_OK(futex(&shared_word, FUTEX_LOCK_PI, NULL));
    static const int operations[] = {FUTEX_LOCK_PI, FUTEX_LOCK_PI2,
                                     FUTEX_LOCK_PI2 | FUTEX_CLOCK_REALTIME};
    for (unsigned i = 0; i < sizeof operations / sizeof operations[0]; i++) {
        pthread_t thread;
        void *timed_out;
        REQUIRE(pthread_create(&thread, NULL, time_out, (void *)(intptr_t)operations[i]) == 0);
        pthread_join(thread, &timed_out);
        CHECK_EQ((intptr_t)timed_out, 1);
    }
    struct timespec bad = {0, 1000000000};
    CHECK_ERRNO(futex(&shared_word, FUTEX_LOCK_PI2, &bad), EINVAL);
    CHECK_OK(futex(&shared_word, FUTEX_UNLOCK_PI, NULL));
    CHECK_EQ(shared_word, 0);
}

/* ---- PTHREAD_PRIO_INHERIT mutexes ---- */

struct counted {
    pthread_mutex_t mutex;
    long counter;
};

static void make_mutex(pthread_mutex_t *mutex, int shared)
{
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    REQUIRE(pthread_mutexattr_setprotocol(&attributes, PTHREAD_PRIO_INHERIT) == 0);
    /* An error-checking one says EDEADLK; a normal one would wait for
     * good, as POSIX has it (musl sleeps on the kernel's EDEADLK). */
    pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutexattr_setpshared(&attributes, shared);
    REQUIRE(pthread_mutex_init(mutex, &attributes) == 0);
    pthread_mutexattr_destroy(&attributes);
}

static void count_many(struct counted *counted)
{
    for (int i = 0; i < 5000; i++) {
        pthread_mutex_lock(&counted->mutex);
        counted->counter++;
        pthread_mutex_unlock(&counted->mutex);
    }
}

static void *count_thread(void *counted)
{
    count_many(counted);
    return NULL;
}

static void inherit_mutexes_exclude(void)
{
    static struct counted local;
    make_mutex(&local.mutex, PTHREAD_PROCESS_PRIVATE);
    pthread_t threads[3];
    for (int i = 0; i < 3; i++)
        REQUIRE(pthread_create(&threads[i], NULL, count_thread, &local) == 0);
    count_many(&local);
    for (int i = 0; i < 3; i++)
        pthread_join(threads[i], NULL);
    CHECK_EQ(local.counter, 20000);
    CHECK_EQ(pthread_mutex_trylock(&local.mutex), 0);
    CHECK_EQ(pthread_mutex_lock(&local.mutex), EDEADLK);
    CHECK_EQ(pthread_mutex_unlock(&local.mutex), 0);

    struct counted *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE,
                                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED);
    make_mutex(&shared->mutex, PTHREAD_PROCESS_SHARED);
    shared->counter = 0;
    pid_t child = fork();
    if (child == 0) {
        count_many(shared);
        _exit(0);
    }
    count_many(shared);
    int status;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(shared->counter, 10000);
}

/* A robust, process-shared PI mutex whose owner is killed while another
 * process waits: the waiter has it, with EOWNERDEAD. */
static void a_killed_owners_robust_mutex_goes_to_its_waiter(void)
{
    struct shared_state {
        pthread_mutex_t mutex;
        volatile int held;
    } *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                     -1, 0);
    REQUIRE(shared != MAP_FAILED);
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_setprotocol(&attributes, PTHREAD_PRIO_INHERIT);
    pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
    pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    REQUIRE(pthread_mutex_init(&shared->mutex, &attributes) == 0);
    shared->held = 0;
    pid_t owner = fork();
    if (owner == 0) {
        pthread_mutex_lock(&shared->mutex);
        shared->held = 1;
        for (;;)
            pause();
    }
    CHECK(wait_for(&shared->held));
    pid_t waiter = fork();
    if (waiter == 0) {
        int locked = pthread_mutex_lock(&shared->mutex);
        CHECK_EQ(locked, EOWNERDEAD);
        CHECK_EQ(pthread_mutex_consistent(&shared->mutex), 0);
        CHECK_EQ(pthread_mutex_unlock(&shared->mutex), 0);
        check_child_exit();
    }
    /* Until the waiter has set FUTEX_WAITERS, it is not waiting yet (musl
     * keeps the lock word second in the mutex; the same binary runs on
     * both systems). */
    volatile uint32_t *word = (volatile uint32_t *)&shared->mutex + 1;
    for (int i = 0; i < 10000 && !(*word & WAITERS); i++)
        sleep_milliseconds(1);
    kill(owner, SIGKILL);
    waitpid(owner, NULL, 0);
    check_child_passed(waiter);
    CHECK_EQ(pthread_mutex_lock(&shared->mutex), 0);
    CHECK_EQ(pthread_mutex_unlock(&shared->mutex), 0);
}

int main(void)
{
    the_word_protocol();
    the_owner_hands_the_word_to_a_waiter();
    a_signal_does_not_end_the_wait();
    an_ending_owner_leaves_the_word_to_its_waiter();
    timeouts_end_a_wait();
    inherit_mutexes_exclude();
    a_killed_owners_robust_mutex_goes_to_its_waiter();
    return check_finish("futex_pi");
}
