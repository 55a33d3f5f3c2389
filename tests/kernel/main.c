/*
 * ktest: the kernel test root task. Runs every suite, one line per test
 * ("PASS suite.name", "FAIL suite.name: why", "SKIP suite.name: why"),
 * then "N passed, M failed" and powers off (crt0).
 */
#include "ktest.h"

static const struct {
    const char *name;
    const struct test_case *tests;
} suites[] = {
    { "untyped", untyped_tests },
    { "cnode", cnode_tests },
    { "tcb", tcb_tests },
    { "ipc", ipc_tests },
    { "notification", notification_tests },
    { "vspace", vspace_tests },
    { "faults", fault_tests },
    { "membarrier", membarrier_tests },
    { "windows", window_tests },
    { "irq", irq_tests },
    { "interrupt", interrupt_tests },
    { "fastpath", fastpath_tests },
    { "fuzz", fuzz_tests },
};

/* Setting up may FAIL before any test runs: run it as a test of its own
 * so the failure is reported, and stop if it fails. */
static const struct tern_boot_info *setup_info;

static void setup(void)
{
    env_init(setup_info);
}

int root_main(const struct tern_boot_info *info)
{
    unsigned passed = 0, failed = 0;
    tern_printf("ktest: %lu cores, %lu untyped, slots %lu-%lu free\n", info->cpu_count,
                info->untyped_count, info->empty_first, info->empty_last);

    setup_info = info;
    boot_info = info;
    if (!run_setup(setup)) {
        tern_printf("0 passed, 1 failed\n");
        return 1;
    }
    for (unsigned s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
        for (const struct test_case *test = suites[s].tests; test->name; test++) {
            int result = run_test(suites[s].name, test);
            if (result > 0)
                passed++;
            else if (result == 0)
                failed++;
        }
    }
    tern_printf("%u passed, %u failed\n", passed, failed);
    return failed != 0;
}
