/* The futex benchmark: one static musl program, run unchanged on Linux
 * and on tern under qemu-system-aarch64 -icount shift=0, where the
 * monotonic clock advances one nanosecond per guest instruction, so every
 * number it prints is an instruction count (summed over all cores).
 *
 * Cases, all between threads of one process (musl's pthreads):
 *   - futex ping-pong: one word, whose value says whose turn it is; a
 *     thread gives the turn away by setting the word and calling
 *     FUTEX_WAKE_PRIVATE, then waits for it back with FUTEX_WAIT_PRIVATE
 *     while the word still says "the other's"; the other thread does the
 *     same the other way round. A round trip is two wakes and (on one
 *     core) two waits that sleep;
 *   - a contended mutex: 4 threads, each locking and unlocking one
 *     default pthread mutex 100,000 times, incrementing a shared counter
 *     inside (checked at the end: 400,000); the figure is the whole run,
 *     from the go given to the threads (made and waiting beforehand) to
 *     the last thread's last unlock. On one core the threads meet on the
 *     mutex only where a timer tick preempts one inside, so a run's cost
 *     depends on where the ticks fall: the case runs 8 times and gives
 *     the mean, the fastest and the slowest;
 *   - a PI mutex handover: two threads and three PTHREAD_PRIO_INHERIT
 *     mutexes passed round between them (below); a round trip is two
 *     handovers, each an unlock that wakes the other thread's waiting
 *     lock (FUTEX_UNLOCK_PI and FUTEX_LOCK_PI in musl). Where the system
 *     has no PI futexes the line says so and the other cases go on: a
 *     child process probes first (an uncontended FUTEX_LOCK_PI and
 *     FUTEX_UNLOCK_PI, then pthread_mutexattr_setprotocol, a lock and an
 *     unlock), and the handovers run in a child too, each under an alarm,
 *     since musl waits forever when FUTEX_LOCK_PI fails;
 *   - the same handover with default mutexes (PTHREAD_PRIO_NONE), for
 *     comparison;
 *   - to split the costs, single calls in one thread (nobody waits,
 *     nothing switches): getpid, a FUTEX_WAKE_PRIVATE that wakes nobody,
 *     and a FUTEX_WAIT_PRIVATE that returns EAGAIN at once (the word is
 *     not the value given).
 *
 * The handover passes three mutexes round so that the two threads must
 * take turns whatever the scheduler does, and whether or not an unlock
 * hands the mutex straight to its waiter: each thread holds one or two of
 * them, and at step k the first thread (which starts with m0 and m1)
 * unlocks m[k % 3] and locks m[(k + 2) % 3], the second (which starts
 * with m2) locks m[k % 3] and unlocks m[(k + 2) % 3]. Each lock waits
 * for the other thread's unlock of the same step, so each step is one
 * round trip; the second thread's count of steps is checked at every
 * step of the first.
 *
 * Each case warms up first, then times a fixed number of rounds, and
 * prints one line (kept until the end, bench/support/report.h):
 *
 *   calibration instructions=I ns=T
 *   pingpong kind=futex iterations=N round_trip_ns=X
 *   mutex threads=4 pairs=P runs=8 ns=MEAN fastest=X slowest=Y
 *   handover kind=pi iterations=N round_trip_ns=X
 *   handover kind=pi supported=no why=WHAT:ERRNO
 *   handover kind=normal iterations=N round_trip_ns=X
 *   step NAME iterations=N ns=X
 *
 * then "futex_bench done".
 *
 *   futex_bench                  everything, with the defaults
 *   futex_bench pingpong [N]     the ping-pong alone, N round trips
 *                                (default 20,000)
 *   futex_bench mutex [P]        the contended mutex alone (8 runs), P
 *                                pairs a thread (default 100,000)
 *   futex_bench pi [N]           the PI handover alone, N round trips
 *                                (default 5,000)
 *   futex_bench normal [N]       the handover with default mutexes alone
 *   futex_bench steps            the steps alone (5,000 each)
 *   futex_bench quick            every case, small: to check the runner */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"

/* Linux's futex operations (musl has no linux/futex.h). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_TID_MASK 0x3fffffffu

#define PINGPONG_WARM_UP 200
#define PINGPONG_ITERATIONS 20000

#define MUTEX_THREADS 4
#define MUTEX_PAIRS 100000
#define MUTEX_RUNS 8

#define HANDOVER_WARM_UP 200
#define HANDOVER_ITERATIONS 5000

#define STEP_WARM_UP 200
#define STEP_ITERATIONS 5000

/* Seconds of the monotonic clock (instructions, under -icount: 10^9 a
 * second) before a PI child is taken to hang: the probe, and the
 * handovers (at most a few hundred million instructions by default). */
#define PI_PROBE_SECONDS 2
#define PI_RUN_SECONDS 5

/* --- Futex calls --------------------------------------------------------- */

/* Sleeps while *word is expected; EAGAIN (it is not) and EINTR return
 * too, so callers look at the word again. */
static void futex_wait_private(atomic_uint *word, unsigned expected)
{
    if (syscall(SYS_futex, word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, expected, NULL, NULL, 0) != 0
        && errno != EAGAIN && errno != EINTR)
        bench_fail("FUTEX_WAIT_PRIVATE");
}

static long futex_wake_private(atomic_uint *word, int count)
{
    long woken = syscall(SYS_futex, word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, count, NULL, NULL, 0);
    if (woken < 0)
        bench_fail("FUTEX_WAKE_PRIVATE");
    return woken;
}

static pthread_t start_thread(void *(*function)(void *), void *argument)
{
    pthread_t thread;
    int error = pthread_create(&thread, NULL, function, argument);
    if (error != 0)
        bench_fail_because("pthread_create", strerror(error));
    return thread;
}

static void join_thread(pthread_t thread)
{
    int error = pthread_join(thread, NULL);
    if (error != 0)
        bench_fail_because("pthread_join", strerror(error));
}

/* --- Ping-pong ----------------------------------------------------------- */

enum { TURN_MAIN, TURN_OTHER };

static atomic_uint turn;
static int pingpong_rounds;

/* The turn given to the other side, then waited back. */
static void give_turn(unsigned theirs)
{
    atomic_store_explicit(&turn, theirs, memory_order_release);
    futex_wake_private(&turn, 1);
    while (atomic_load_explicit(&turn, memory_order_acquire) == theirs)
        futex_wait_private(&turn, theirs);
}

static void *answer(void *unused)
{
    (void)unused;
    while (atomic_load_explicit(&turn, memory_order_acquire) == TURN_MAIN)
        futex_wait_private(&turn, TURN_MAIN);
    for (int i = 0; i < pingpong_rounds; i++) {
        if (i == pingpong_rounds - 1) {
            /* The last turn back: nothing more to wait for. */
            atomic_store_explicit(&turn, TURN_MAIN, memory_order_release);
            futex_wake_private(&turn, 1);
        } else {
            give_turn(TURN_MAIN);
        }
    }
    return NULL;
}

static void run_pingpong(int round_trips)
{
    atomic_store(&turn, TURN_MAIN);
    pingpong_rounds = PINGPONG_WARM_UP + round_trips;
    pthread_t other = start_thread(answer, NULL);
    for (int i = 0; i < PINGPONG_WARM_UP; i++)
        give_turn(TURN_OTHER);
    uint64_t start = bench_now_ns();
    for (int i = 0; i < round_trips; i++)
        give_turn(TURN_OTHER);
    uint64_t elapsed = bench_now_ns() - start;
    join_thread(other);
    bench_report("pingpong kind=futex iterations=%d round_trip_ns=%llu\n", round_trips,
                 (unsigned long long)(elapsed / (uint64_t)round_trips));
}

/* --- A contended mutex --------------------------------------------------- */

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile long counter;
static atomic_uint go;
static int mutex_pairs;
static uint64_t finished_ns[MUTEX_THREADS];

static void *count_under_lock(void *slot)
{
    while (atomic_load_explicit(&go, memory_order_acquire) == 0)
        futex_wait_private(&go, 0);
    for (int i = 0; i < mutex_pairs; i++) {
        int error = pthread_mutex_lock(&counter_lock);
        if (error != 0)
            bench_fail_because("pthread_mutex_lock", strerror(error));
        counter = counter + 1;
        error = pthread_mutex_unlock(&counter_lock);
        if (error != 0)
            bench_fail_because("pthread_mutex_unlock", strerror(error));
    }
    *(uint64_t *)slot = bench_now_ns();
    return NULL;
}

/* One run: the threads are made first and wait for the go; the time runs
 * from the go to the last thread's last unlock (their exits are not
 * counted). */
static uint64_t mutex_run(int pairs)
{
    pthread_t threads[MUTEX_THREADS];
    counter = 0;
    mutex_pairs = pairs;
    atomic_store(&go, 0);
    for (int i = 0; i < MUTEX_THREADS; i++)
        threads[i] = start_thread(count_under_lock, &finished_ns[i]);
    uint64_t start = bench_now_ns();
    atomic_store_explicit(&go, 1, memory_order_release);
    futex_wake_private(&go, INT_MAX);
    uint64_t last = start;
    for (int i = 0; i < MUTEX_THREADS; i++) {
        join_thread(threads[i]);
        if (finished_ns[i] > last)
            last = finished_ns[i];
    }
    if (counter != (long)MUTEX_THREADS * pairs)
        bench_fail_because("contended mutex", "the counter is wrong: the mutex let two in");
    return last - start;
}

/* How long a run takes depends on where the timer's ticks fall: a thread
 * preempted with the mutex held makes the others sleep on it, and its
 * unlocks then wake them. So the case runs several times (each starting
 * at another point of the tick) and reports the mean, the fastest and
 * the slowest. */
static void run_mutex(int pairs, int runs)
{
    uint64_t total = 0, fastest = UINT64_MAX, slowest = 0;
    for (int run = 0; run < runs; run++) {
        uint64_t ns = mutex_run(pairs);
        total += ns;
        if (ns < fastest)
            fastest = ns;
        if (ns > slowest)
            slowest = ns;
    }
    bench_report("mutex threads=%d pairs=%d runs=%d ns=%llu fastest=%llu slowest=%llu\n",
                 MUTEX_THREADS, pairs, runs, (unsigned long long)(total / (uint64_t)runs),
                 (unsigned long long)fastest, (unsigned long long)slowest);
}

/* --- Handover: three mutexes passed round between two threads ------------- */

static pthread_mutex_t ring[3];
static int handover_steps;
static volatile int steps_taken;    /* by the second thread, under the ring */
static atomic_uint second_ready;

static void lock(pthread_mutex_t *mutex)
{
    int error = pthread_mutex_lock(mutex);
    if (error != 0)
        bench_fail_because("pthread_mutex_lock", strerror(error));
}

static void unlock(pthread_mutex_t *mutex)
{
    int error = pthread_mutex_unlock(mutex);
    if (error != 0)
        bench_fail_because("pthread_mutex_unlock", strerror(error));
}

static void *second_thread(void *unused)
{
    (void)unused;
    lock(&ring[2]);
    atomic_store_explicit(&second_ready, 1, memory_order_release);
    futex_wake_private(&second_ready, 1);
    for (int k = 0; k < handover_steps; k++) {
        lock(&ring[k % 3]);
        steps_taken = k + 1;
        unlock(&ring[(k + 2) % 3]);
    }
    /* It holds one mutex now, m[(steps - 1) % 3]; the first holds the
     * other two. */
    unlock(&ring[(handover_steps - 1) % 3]);
    return NULL;
}

/* The first thread's step k: its lock waits for the second's step k. */
static void first_step(int k)
{
    unlock(&ring[k % 3]);
    lock(&ring[(k + 2) % 3]);
    if (steps_taken != k + 1)
        bench_fail_because("mutex handover", "the two threads did not take turns");
}

/* Returns nanoseconds per round trip. The mutexes are made with attr. */
static uint64_t handover(const pthread_mutexattr_t *attr, int round_trips)
{
    for (int i = 0; i < 3; i++) {
        int error = pthread_mutex_init(&ring[i], attr);
        if (error != 0)
            bench_fail_because("pthread_mutex_init", strerror(error));
    }
    handover_steps = HANDOVER_WARM_UP + round_trips;
    steps_taken = 0;
    atomic_store(&second_ready, 0);
    lock(&ring[0]);
    lock(&ring[1]);
    pthread_t second = start_thread(second_thread, NULL);
    while (atomic_load_explicit(&second_ready, memory_order_acquire) == 0)
        futex_wait_private(&second_ready, 0);
    int k = 0;
    for (; k < HANDOVER_WARM_UP; k++)
        first_step(k);
    uint64_t start = bench_now_ns();
    for (; k < handover_steps; k++)
        first_step(k);
    uint64_t elapsed = bench_now_ns() - start;
    join_thread(second);
    /* The first thread holds the two the second does not. */
    unlock(&ring[k % 3]);
    unlock(&ring[(k + 1) % 3]);
    for (int i = 0; i < 3; i++)
        pthread_mutex_destroy(&ring[i]);
    return elapsed / (uint64_t)round_trips;
}

static void run_normal_handover(int round_trips)
{
    uint64_t ns = handover(NULL, round_trips);
    bench_report("handover kind=normal iterations=%d round_trip_ns=%llu\n", round_trips,
                 (unsigned long long)ns);
}

/* --- PI mutexes, in children under an alarm ------------------------------ */

/* What a PI child says through its pipe. */
struct pi_outcome {
    bool supported;
    char why[56];           /* if not: "WHAT:ERRNO", one word */
    uint64_t round_trip_ns;
};

static const char *errno_name(int error)
{
    switch (error) {
    case ENOSYS: return "ENOSYS";
    case EINVAL: return "EINVAL";
    case EPERM: return "EPERM";
    case ENOTSUP: return "ENOTSUP";
    case EDEADLK: return "EDEADLK";
    case EAGAIN: return "EAGAIN";
    case EFAULT: return "EFAULT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    default: return "other-errno";
    }
}

static bool refused(struct pi_outcome *outcome, const char *what, int error)
{
    outcome->supported = false;
    snprintf(outcome->why, sizeof outcome->why, "%s:%s", what, errno_name(error));
    return false;
}

static bool pi_probe(struct pi_outcome *outcome)
{
    /* The raw calls first: an uncontended FUTEX_LOCK_PI takes the word
     * (it becomes the caller's thread id), FUTEX_UNLOCK_PI gives it back. */
    atomic_uint word = 0;
    unsigned tid = (unsigned)syscall(SYS_gettid);
    if (syscall(SYS_futex, &word, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0) != 0)
        return refused(outcome, "FUTEX_LOCK_PI", errno);
    if ((atomic_load(&word) & FUTEX_TID_MASK) != tid)
        return refused(outcome, "FUTEX_LOCK_PI-not-owner", 0);
    if (syscall(SYS_futex, &word, FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0) != 0)
        return refused(outcome, "FUTEX_UNLOCK_PI", errno);
    if (atomic_load(&word) != 0)
        return refused(outcome, "FUTEX_UNLOCK_PI-still-owned", 0);
    /* Then musl's: setprotocol asks the system (its own FUTEX_LOCK_PI). */
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    int error = pthread_mutexattr_setprotocol(&attr, PTHREAD_PRIO_INHERIT);
    if (error != 0)
        return refused(outcome, "pthread_mutexattr_setprotocol", error);
    pthread_mutex_t mutex;
    if ((error = pthread_mutex_init(&mutex, &attr)) != 0)
        return refused(outcome, "pthread_mutex_init", error);
    if ((error = pthread_mutex_lock(&mutex)) != 0)
        return refused(outcome, "pthread_mutex_lock", error);
    if ((error = pthread_mutex_unlock(&mutex)) != 0)
        return refused(outcome, "pthread_mutex_unlock", error);
    outcome->supported = true;
    return true;
}

/* Runs one stage in a child under an alarm of seconds; false (and why)
 * if the child said no, failed, or hung. round_trips 0: the probe. */
static bool pi_stage(int round_trips, unsigned seconds, struct pi_outcome *outcome)
{
    int channel[2];
    if (pipe(channel) != 0)
        bench_fail("pipe");
    pid_t child = bench_fork();
    if (child == 0) {
        close(channel[0]);
        alarm(seconds);
        struct pi_outcome mine = {0};
        if (pi_probe(&mine) && round_trips > 0) {
            pthread_mutexattr_t attr;
            pthread_mutexattr_init(&attr);
            pthread_mutexattr_setprotocol(&attr, PTHREAD_PRIO_INHERIT);
            mine.round_trip_ns = handover(&attr, round_trips);
        }
        alarm(0);
        if (write(channel[1], &mine, sizeof mine) != sizeof mine)
            _exit(1);
        _exit(0);
    }
    close(channel[1]);
    ssize_t got = read(channel[0], outcome, sizeof *outcome);
    close(channel[0]);
    int status;
    if (waitpid(child, &status, 0) != child)
        bench_fail("waitpid");
    if (got == sizeof *outcome && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return outcome->supported;
    outcome->supported = false;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        snprintf(outcome->why, sizeof outcome->why, "%s:hung-%us",
                 round_trips > 0 ? "handover" : "probe", seconds);
    else if (WIFSIGNALED(status))
        snprintf(outcome->why, sizeof outcome->why, "%s:signal-%d",
                 round_trips > 0 ? "handover" : "probe", WTERMSIG(status));
    else
        snprintf(outcome->why, sizeof outcome->why, "%s:exit-%d",
                 round_trips > 0 ? "handover" : "probe",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return false;
}

static void run_pi_handover(int round_trips)
{
    struct pi_outcome outcome = {0};
    if (pi_stage(0, PI_PROBE_SECONDS, &outcome)
        && pi_stage(round_trips, PI_RUN_SECONDS, &outcome))
        bench_report("handover kind=pi iterations=%d round_trip_ns=%llu\n", round_trips,
                     (unsigned long long)outcome.round_trip_ns);
    else
        bench_report("handover kind=pi supported=no why=%s\n", outcome.why);
}

/* --- Steps: what one call costs, in one thread ----------------------------- */

enum step {
    STEP_GETPID,            /* a system call that goes nowhere else */
    STEP_WAKE_NOBODY,       /* FUTEX_WAKE_PRIVATE, nobody waiting */
    STEP_WAIT_EAGAIN,       /* FUTEX_WAIT_PRIVATE, the word not the value */
};

static const char *const step_names[] = {
    [STEP_GETPID] = "getpid",
    [STEP_WAKE_NOBODY] = "wake-nobody",
    [STEP_WAIT_EAGAIN] = "wait-eagain",
};

static atomic_uint step_word;

static void do_step(enum step step)
{
    switch (step) {
    case STEP_GETPID:
        if (getpid() <= 0)
            bench_fail_because("getpid", "not positive");
        break;
    case STEP_WAKE_NOBODY:
        if (futex_wake_private(&step_word, 1) != 0)
            bench_fail_because("FUTEX_WAKE_PRIVATE", "woke somebody");
        break;
    case STEP_WAIT_EAGAIN:
        if (syscall(SYS_futex, &step_word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0)
                != -1 || errno != EAGAIN)
            bench_fail_because("FUTEX_WAIT_PRIVATE", "not EAGAIN");
        break;
    }
}

static void run_steps(int iterations)
{
    for (enum step step = STEP_GETPID; step <= STEP_WAIT_EAGAIN; step++) {
        for (int i = 0; i < STEP_WARM_UP; i++)
            do_step(step);
        uint64_t start = bench_now_ns();
        for (int i = 0; i < iterations; i++)
            do_step(step);
        uint64_t elapsed = bench_now_ns() - start;
        bench_report("step %s iterations=%d ns=%llu\n", step_names[step], iterations,
                     (unsigned long long)(elapsed / (uint64_t)iterations));
    }
}

/* --- Main ---------------------------------------------------------------- */

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: futex_bench [quick | steps]\n"
                    "       futex_bench pingpong|pi|normal [ROUND_TRIPS]\n"
                    "       futex_bench mutex [PAIRS]\n");
    exit(2);
}

/* A positive number, or usage. */
static int positive(const char *text)
{
    char *end;
    long value = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value <= 0 || value > 100000000)
        usage();
    return (int)value;
}

int main(int argc, char **argv)
{
    bench_start("futex_bench");
    bool quick = argc == 2 && strcmp(argv[1], "quick") == 0;
    const char *which = argc >= 2 ? argv[1] : "";
    if (argc == 1 || quick) {
        bench_calibrate();
        run_pingpong(quick ? 100 : PINGPONG_ITERATIONS);
        run_mutex(quick ? 1000 : MUTEX_PAIRS, quick ? 2 : MUTEX_RUNS);
        run_pi_handover(quick ? 100 : HANDOVER_ITERATIONS);
        run_normal_handover(quick ? 100 : HANDOVER_ITERATIONS);
        run_steps(quick ? 100 : STEP_ITERATIONS);
        bench_report("futex_bench done\n");
    } else if (argc > 3) {
        usage();
    } else if (strcmp(which, "pingpong") == 0) {
        run_pingpong(argc == 3 ? positive(argv[2]) : PINGPONG_ITERATIONS);
    } else if (strcmp(which, "mutex") == 0) {
        run_mutex(argc == 3 ? positive(argv[2]) : MUTEX_PAIRS, MUTEX_RUNS);
    } else if (strcmp(which, "pi") == 0) {
        run_pi_handover(argc == 3 ? positive(argv[2]) : HANDOVER_ITERATIONS);
    } else if (strcmp(which, "normal") == 0) {
        run_normal_handover(argc == 3 ? positive(argv[2]) : HANDOVER_ITERATIONS);
    } else if (argc == 2 && strcmp(which, "steps") == 0) {
        run_steps(STEP_ITERATIONS);
    } else {
        usage();
    }
    bench_print_report();
    return 0;
}
