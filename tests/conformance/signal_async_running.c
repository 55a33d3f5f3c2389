/* Signals delivered to a thread that is running, not in a system call:
 * the main thread spins in pure computation (integer and floating-point
 * arithmetic in local variables, a volatile counter as the only memory it
 * reads) while a child sends it SIGUSR1 50 times, waiting each time for
 * the handler's acknowledgement through a pipe (write() is
 * async-signal-safe). The handler does floating-point, SIMD and integer
 * work of its own, so registers the system failed to save would come back
 * changed; the loop's results must equal a second, undisturbed run of the
 * same computation for the same number of steps.
 *
 * The kernel keeps no errno: it is the program's variable. What it keeps
 * is the interrupted system call's result in x0, so a read interrupted by
 * a handler that sets errno (a failing close) still reports EINTR. */
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"
#include "signals.h"

enum { SIGNAL_COUNT = 50 };

static volatile sig_atomic_t handled_count;
static int acknowledge_fd = -1;
static volatile double handler_float_result;
static volatile uint64_t handler_integer_result;

/* Work that uses many floating-point, vector and general registers. */
static void clobbering_handler(int signo)
{
    double values[32];
    uint64_t integers[16];
    for (int i = 0; i < 32; i++)
        values[i] = (double)(i * signo) / 7.0 + (double)handled_count;
    for (int i = 0; i < 16; i++)
        integers[i] = (uint64_t)i * 0x9e3779b97f4a7c15ull + (uint64_t)handled_count;
    double sum = 0;
    uint64_t mixed = 0;
    for (int round = 0; round < 8; round++) {
        for (int i = 0; i < 32; i++) {
            values[i] = values[i] / 3.0 + values[(i + 5) % 32];
            sum += values[i];
        }
        for (int i = 0; i < 16; i++) {
            integers[i] = integers[i] * 6364136223846793005ull + integers[(i + 3) % 16];
            mixed ^= integers[i] >> (i + 1);
        }
    }
    handler_float_result = sum;
    handler_integer_result = mixed;
    handled_count++;
    if (acknowledge_fd >= 0)
        write(acknowledge_fd, "a", 1);
}

struct results {
    uint64_t steps;
    uint64_t integer_a, integer_b;
    double float_a, float_b, float_c;
};

/* One step of the computation; the same code for both runs. Division
 * and addition only: no fused multiply-add that the compiler might use in
 * one copy and not the other. */
#define COMPUTATION_STEP(r)                                                \
    do {                                                                   \
        (r).integer_a = (r).integer_a * 6364136223846793005ull + (r).steps; \
        (r).integer_b ^= (r).integer_a >> 29;                              \
        (r).integer_b += (r).steps << 3;                                   \
        (r).float_a = (r).float_a / 3.0 + (double)((r).steps & 1023);      \
        (r).float_b = (r).float_b / 1.5 + (r).float_a;                     \
        (r).float_c = (r).float_c / 7.0 + (r).float_b / 5.0;               \
        (r).steps++;                                                       \
    } while (0)

static const struct results initial = {0, 1, 2, 0.5, 0.25, 0.125};

/* Spin until the handler has run SIGNAL_COUNT times. */
static __attribute__((noinline)) struct results compute_until_signalled(void)
{
    struct results r = initial;
    while (handled_count < SIGNAL_COUNT)
        COMPUTATION_STEP(r);
    return r;
}

static __attribute__((noinline)) struct results compute_steps(uint64_t steps)
{
    struct results r = initial;
    while (r.steps < steps)
        COMPUTATION_STEP(r);
    return r;
}

static void install(void (*handler)(int), int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(SIGUSR1, &action, NULL) == 0);
}

static void test_registers_survive(void)
{
    int acknowledgements[2];
    REQUIRE(pipe(acknowledgements) == 0);
    acknowledge_fd = acknowledgements[1];
    handled_count = 0;
    install(clobbering_handler, SA_RESTART);

    pid_t parent = getpid();
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(acknowledgements[1]);
        int acknowledged = 0;
        for (int i = 0; i < SIGNAL_COUNT; i++) {
            char byte;
            if (kill(parent, SIGUSR1) != 0 || read(acknowledgements[0], &byte, 1) != 1)
                break;
            acknowledged++;
        }
        _exit(acknowledged == SIGNAL_COUNT ? 0 : 1);
    }
    close(acknowledgements[0]);
    struct results interrupted = compute_until_signalled();
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(handled_count, SIGNAL_COUNT);
    close(acknowledgements[1]);
    acknowledge_fd = -1;

    struct results straight = compute_steps(interrupted.steps);
    CHECK(interrupted.steps > 0);
    CHECK_EQ(interrupted.integer_a, straight.integer_a);
    CHECK_EQ(interrupted.integer_b, straight.integer_b);
    CHECK(memcmp(&interrupted.float_a, &straight.float_a, sizeof(double)) == 0);
    CHECK(memcmp(&interrupted.float_b, &straight.float_b, sizeof(double)) == 0);
    CHECK(memcmp(&interrupted.float_c, &straight.float_c, sizeof(double)) == 0);
    CHECK(handler_float_result != 0 && handler_integer_result != 0);
}

static void errno_setting_handler(int signo)
{
    (void)signo;
    close(-1);          /* sets errno to EBADF */
    handled_count++;
}

static void test_syscall_result_survives(void)
{
    install(errno_setting_handler, 0);
    handled_count = 0;
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t child = signal_later(SIGUSR1);
    REQUIRE(child >= 0);
    char byte;
    CHECK_ERRNO(read(fds[0], &byte, 1), EINTR);
    CHECK_EQ(handled_count, 1);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);

    /* And a call that succeeded keeps its result: the handler runs on the
     * way out of kill() and kill() still returns 0. */
    errno = 0;
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(handled_count, 2);
    close(fds[0]);
    close(fds[1]);
}

int main(void)
{
    test_registers_survive();
    test_syscall_result_survives();
    printf("a spinning thread's registers, floating point included, survive %d handlers\n",
           SIGNAL_COUNT);
    return check_finish("signal_async_running");
}
