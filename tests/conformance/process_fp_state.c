/* The FP/SIMD state across fork, thread creation and execve. A fork child
 * starts with its parent's registers: here d8 and d15, which the AAPCS
 * keeps across the call to fork, and the rounding mode in FPCR. A new
 * thread starts with its creator's rounding mode. execve starts the
 * program afresh: round to nearest, and d8 and d15 zero (they reach main
 * as they were at the entry point, the startup code keeping them). The
 * test execs itself (argv[0] must be a path execve can open). */
#include <fenv.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/wait.h>

#include "check.h"

/* d8 and d15 as bits, in general registers: values compared as doubles
 * could themselves sit in registers that fork must keep. */
#define BITS_1_5     0x3ff8000000000000ull      /* 1.5 */
#define BITS_M2_25   0xc002000000000000ull      /* -2.25 */
#define BITS_3       0x4008000000000000ull      /* 3.0 */
#define BITS_4       0x4010000000000000ull      /* 4.0 */

static void set_kept_registers(uint64_t d8, uint64_t d15)
{
    __asm__ volatile("fmov d8, %0\n\tfmov d15, %1" : : "r"(d8), "r"(d15) : "d8", "d15");
}

static uint64_t read_d8(void)
{
    uint64_t bits;
    __asm__ volatile("fmov %0, d8" : "=r"(bits));
    return bits;
}

static uint64_t read_d15(void)
{
    uint64_t bits;
    __asm__ volatile("fmov %0, d15" : "=r"(bits));
    return bits;
}

static void test_fork(void)
{
    REQUIRE(fesetround(FE_UPWARD) == 0);
    set_kept_registers(BITS_1_5, BITS_M2_25);
    pid_t child = fork();
    /* Read before anything else can touch them. */
    uint64_t d8 = read_d8(), d15 = read_d15();
    REQUIRE(child >= 0);
    if (child == 0) {
        CHECK(d8 == BITS_1_5);
        CHECK(d15 == BITS_M2_25);
        CHECK_EQ(fegetround(), FE_UPWARD);
        check_child_exit();
    }
    CHECK(d8 == BITS_1_5);
    CHECK(d15 == BITS_M2_25);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(fesetround(FE_TONEAREST), 0);
}

static void *report_rounding(void *unused)
{
    (void)unused;
    return (void *)(long)fegetround();
}

static void test_thread(void)
{
    REQUIRE(fesetround(FE_TOWARDZERO) == 0);
    pthread_t thread;
    REQUIRE(pthread_create(&thread, NULL, report_rounding, NULL) == 0);
    void *rounding;
    CHECK_EQ(pthread_join(thread, &rounding), 0);
    CHECK_EQ((long)rounding, FE_TOWARDZERO);
    CHECK_EQ(fesetround(FE_TONEAREST), 0);
}

/* The exec'd program: exits 0 if it started with the default state. */
static int exec_target(uint64_t d8, uint64_t d15)
{
    CHECK(d8 == 0);
    CHECK(d15 == 0);
    CHECK_EQ(fegetround(), FE_TONEAREST);
    return check_failures == 0 ? 0 : 1;
}

static void test_execve(const char *self)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        fesetround(FE_DOWNWARD);
        set_kept_registers(BITS_3, BITS_4);
        char *argv[] = {(char *)self, "--exec-target", NULL};
        char *envp[] = {NULL};
        execve(self, argv, envp);
        _exit(99);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(int argc, char **argv)
{
    uint64_t d8 = read_d8(), d15 = read_d15();
    if (argc > 1 && strcmp(argv[1], "--exec-target") == 0)
        return exec_target(d8, d15);

    test_fork();
    test_thread();
    test_execve(argv[0]);
    printf("FP/SIMD registers and rounding mode: copied by fork and clone, reset by execve\n");
    return check_finish("process_fp_state");
}
