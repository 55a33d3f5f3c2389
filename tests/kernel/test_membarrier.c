/* membarrier(2) with Linux's commands, flags and results. */
#include "ktest.h"
#include "standalone.h"

/* <linux/membarrier.h> */
#define CMD_QUERY                               0
#define CMD_GLOBAL                              (1 << 0)
#define CMD_GLOBAL_EXPEDITED                    (1 << 1)
#define CMD_REGISTER_GLOBAL_EXPEDITED           (1 << 2)
#define CMD_PRIVATE_EXPEDITED                   (1 << 3)
#define CMD_REGISTER_PRIVATE_EXPEDITED          (1 << 4)
#define CMD_PRIVATE_EXPEDITED_SYNC_CORE         (1 << 5)
#define CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE (1 << 6)
#define CMD_PRIVATE_EXPEDITED_RSEQ              (1 << 7)
#define CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ     (1 << 8)
#define CMD_FLAG_CPU                            1
#define ALL_COMMANDS                            0x1ff
#define EPERM                                   1
#define EINVAL                                  22

static void query_lists_every_command(void)
{
    CHECK_EQ(tern_membarrier(CMD_QUERY, 0, 0), ALL_COMMANDS);
}

static void bad_commands_and_flags(void)
{
    CHECK_EQ(tern_membarrier(1 << 9, 0, 0), -EINVAL);
    CHECK_EQ(tern_membarrier(CMD_GLOBAL | CMD_GLOBAL_EXPEDITED, 0, 0), -EINVAL);
    CHECK_EQ(tern_membarrier(~0ULL, 0, 0), -EINVAL);
    CHECK_EQ(tern_membarrier(CMD_QUERY, 1, 0), -EINVAL);
    CHECK_EQ(tern_membarrier(CMD_GLOBAL, CMD_FLAG_CPU, 0), -EINVAL);
    /* FLAG_CPU belongs to the RSEQ command only. */
    CHECK_EQ(tern_membarrier(CMD_PRIVATE_EXPEDITED, CMD_FLAG_CPU, 0), -EINVAL);
    CHECK_EQ(tern_membarrier(CMD_PRIVATE_EXPEDITED_RSEQ, 2, 0), -EINVAL);
    CHECK_EQ(tern_membarrier(CMD_REGISTER_PRIVATE_EXPEDITED, 4, 0), -EINVAL);
}

/* In a fresh address space (registration is per address space, like a
 * Linux mm): each private command is refused until its REGISTER. */
static void registration_in_a_fresh_process(void)
{
    static const struct membarrier_step script[] = {
        { CMD_PRIVATE_EXPEDITED, 0, 0, -EPERM },
        { CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0, -EPERM },
        { CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0, -EPERM },
        { CMD_PRIVATE_EXPEDITED_RSEQ, CMD_FLAG_CPU, 0, -EPERM },
        { CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0, 0 },
        { CMD_PRIVATE_EXPEDITED, 0, 0, 0 },
        { CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0, -EPERM },   /* each has its own */
        { CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0, 0 },
        { CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0, 0 },
        { CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0, -EPERM },
        { CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ, 0, 0, 0 },
        { CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0, 0 },
        { CMD_PRIVATE_EXPEDITED_RSEQ, CMD_FLAG_CPU, 0, 0 },
        { CMD_PRIVATE_EXPEDITED_RSEQ, CMD_FLAG_CPU, -1, 0 },    /* every core */
        { CMD_PRIVATE_EXPEDITED_RSEQ, CMD_FLAG_CPU, 1000, 0 },  /* no such core: nothing */
        { CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0, 0 },            /* again: fine */
        { CMD_GLOBAL, 0, 0, 0 },
        { CMD_GLOBAL_EXPEDITED, 0, 0, 0 },  /* needs no registration of the caller */
        { CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0, 0 },
        { CMD_GLOBAL_EXPEDITED, 0, 0, 0 },
        { CMD_QUERY, 0, 0, ALL_COMMANDS },
        { 1 << 9, 0, 0, -EINVAL },
        { CMD_PRIVATE_EXPEDITED, CMD_FLAG_CPU, 0, -EINVAL },
    };
    const unsigned count = sizeof(script) / sizeof(script[0]);
    _Static_assert(sizeof(script) / sizeof(script[0]) <= MEMBARRIER_STEPS_MAX, "script size");

    struct process *process = process_new(standalone_membarrier, 1, PRIORITY_MIDDLE, 0);
    struct membarrier_data *data = process->data;
    data->count = count;
    for (unsigned i = 0; i < count; i++) {
        data->steps[i] = script[i];
        data->steps[i].result = 0x7777;
    }
    process_start(process);
    WAIT_FOR(&data->done, 1);
    for (unsigned i = 0; i < count; i++)
        if (data->steps[i].result != script[i].result)
            FAIL("step %u: membarrier(0x%lx, %lu, %ld) = %ld, expected %ld", i,
                 script[i].command, script[i].flags, script[i].cpu_id, data->steps[i].result,
                 script[i].result);
}

/* With threads of this address space busy on the other cores, every
 * barrier returns (each core answered its IPI) and they keep running. */
static volatile uint64_t spinning[8];

static void spin(uint64_t index)
{
    for (;;)
        fetch_add(&spinning[index], 1);
}

static void barriers_reach_busy_cores(void)
{
    if (boot_info->cpu_count < 2)
        test_skip("needs 2 cores, has %lu", boot_info->cpu_count);
    unsigned cores = boot_info->cpu_count < 8 ? boot_info->cpu_count : 8;
    for (unsigned cpu = 1; cpu < cores; cpu++) {
        spinning[cpu] = 0;
        thread_spawn(spin, cpu, PRIORITY_MIDDLE, cpu);
        CHECK(spin_at_least(&spinning[cpu], 1, 400000000));
    }
    CHECK_EQ(tern_membarrier(CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0), 0);
    CHECK_EQ(tern_membarrier(CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0), 0);
    CHECK_EQ(tern_membarrier(CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ, 0, 0), 0);
    CHECK_EQ(tern_membarrier(CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0), 0);
    for (unsigned i = 0; i < 50; i++) {
        CHECK_EQ(tern_membarrier(CMD_PRIVATE_EXPEDITED, 0, 0), 0);
        CHECK_EQ(tern_membarrier(CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0), 0);
        CHECK_EQ(tern_membarrier(CMD_PRIVATE_EXPEDITED_RSEQ, CMD_FLAG_CPU, 1), 0);
        CHECK_EQ(tern_membarrier(CMD_GLOBAL, 0, 0), 0);
        CHECK_EQ(tern_membarrier(CMD_GLOBAL_EXPEDITED, 0, 0), 0);
    }
    for (unsigned cpu = 1; cpu < cores; cpu++) {
        uint64_t now = load(&spinning[cpu]);
        CHECK(spin_at_least(&spinning[cpu], now + 1, 400000000));
    }
}

/* Two cores issuing expedited barriers at once each answer the other's
 * IPIs: neither waits for ever. */
static volatile uint64_t remote_barriers, remote_errors;

static void barrier_loop(uint64_t count)
{
    for (uint64_t i = 0; i < count; i++) {
        if (tern_membarrier(CMD_PRIVATE_EXPEDITED, 0, 0) != 0)
            fetch_add(&remote_errors, 1);
        fetch_add(&remote_barriers, 1);
    }
}

static void concurrent_barriers(void)
{
    if (boot_info->cpu_count < 2)
        test_skip("needs 2 cores, has %lu", boot_info->cpu_count);
    remote_barriers = remote_errors = 0;
    CHECK_EQ(tern_membarrier(CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0), 0);
    thread_spawn(barrier_loop, 300, PRIORITY_MIDDLE, 1);
    for (unsigned i = 0; i < 300; i++)
        CHECK_EQ(tern_membarrier(CMD_PRIVATE_EXPEDITED, 0, 0), 0);
    CHECK(spin_at_least(&remote_barriers, 300, 400000000));
    CHECK_EQ(load(&remote_errors), 0);
}

const struct test_case membarrier_tests[] = {
    { "query_lists_every_command", query_lists_every_command },
    { "bad_commands_and_flags", bad_commands_and_flags },
    { "registration_in_a_fresh_process", registration_in_a_fresh_process },
    { "barriers_reach_busy_cores", barriers_reach_busy_cores },
    { "concurrent_barriers", concurrent_barriers },
    TEST_SUITE_END,
};
