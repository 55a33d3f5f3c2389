/* Threads: configuration, registers, scheduling, cores. */
#include "ktest.h"
#include "sys/counter.h"

static volatile uint64_t counter_a, counter_b, flag;

static void count_forever(uint64_t counter)
{
    for (;;)
        fetch_add((volatile uint64_t *)counter, 1);
}

static void set_flag(uint64_t value)
{
    store(&flag, value);
}

static void store_one(uint64_t address)
{
    store((volatile uint64_t *)address, 1);
}

static void thread_runs_a_function(void)
{
    flag = 0;
    thread_spawn(set_flag, 42, PRIORITY_MIDDLE, 0);
    WAIT_FOR(&flag, 1);
    CHECK_EQ(load(&flag), 42);
}

/* What WriteRegisters writes, ReadRegisters reads back, except that only
 * the condition flags of SPSR can be chosen (the thread stays in EL0). */
static void registers_round_trip(void)
{
    struct thread *thread = thread_new(set_flag, 0, PRIORITY_MIDDLE, 0);
    struct tern_user_registers before;
    CHECK_OK(tern_tcb_read_registers(thread->tcb, &before));
    CHECK_EQ(before.sp, thread->stack_top);
    CHECK_EQ(before.x[1], 0);
    CHECK_EQ(before.x[2], thread->tcb);

    uint64_t values[TERN_USER_REGISTER_COUNT];
    for (unsigned i = 0; i < TERN_USER_REGISTER_COUNT; i++)
        values[i] = 0x1000 + i;
    values[0] = before.pc;                  /* pc */
    values[2] = 0xf00003c5;                 /* spsr: NZCV plus EL1h, masked */
    CHECK_OK(tern_tcb_write_registers(thread->tcb, false, TERN_USER_REGISTER_COUNT, values));
    struct tern_user_registers after;
    CHECK_OK(tern_tcb_read_registers(thread->tcb, &after));
    CHECK_EQ(after.pc, before.pc);
    CHECK_EQ(after.sp, 0x1001);
    CHECK_EQ(after.spsr, 0xf0000000);
    for (unsigned i = 0; i < 31; i++)
        CHECK_EQ(after.x[i], 0x1003 + i);
    CHECK_EQ(after.tpidr_el0, 0x1000 + 34);

    /* A partial write changes only the first registers. */
    const uint64_t pc_only[] = { before.pc + 4 };
    CHECK_OK(tern_tcb_write_registers(thread->tcb, false, 1, pc_only));
    CHECK_OK(tern_tcb_read_registers(thread->tcb, &after));
    CHECK_EQ(after.pc, before.pc + 4);
    CHECK_EQ(after.sp, 0x1001);
}

static void write_registers_can_resume(void)
{
    flag = 0;
    struct thread *thread = thread_new(set_flag, 7, PRIORITY_MIDDLE, 0);
    struct tern_user_registers registers;
    CHECK_OK(tern_tcb_read_registers(thread->tcb, &registers));
    const uint64_t values[] = { registers.pc, registers.sp, 0, registers.x[0], 9,
                                registers.x[2] };
    CHECK_OK(tern_tcb_write_registers(thread->tcb, true, 6, values));
    WAIT_FOR(&flag, 1);
    CHECK_EQ(load(&flag), 9);
}

static void register_errors(void)
{
    struct thread *thread = thread_new(set_flag, 0, PRIORITY_MIDDLE, 0);
    uint64_t values[TERN_USER_REGISTER_COUNT + 1] = { 0 };
    /* A thread cannot read or write its own registers this way. */
    CHECK_ERROR(tern_tcb_read_registers(ROOT_TCB, 0), TERN_ILLEGAL_OPERATION);
    CHECK_ERROR(tern_tcb_write_registers(ROOT_TCB, false, 1, values), TERN_ILLEGAL_OPERATION);
    /* More registers than there are; fewer values than the count says. */
    const uint64_t too_many[] = { 0, TERN_USER_REGISTER_COUNT + 1 };
    CHECK_ERROR(tern_invoke(thread->tcb, TERN_TCB_WRITE_REGISTERS, too_many, 2, 0, 0, 0, 0, 0),
                TERN_RANGE_ERROR);
    const uint64_t short_of_values[] = { 0, 5, 1, 2, 3 };
    CHECK_ERROR(tern_invoke(thread->tcb, TERN_TCB_WRITE_REGISTERS, short_of_values, 5, 0, 0,
                            0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    CHECK_ERROR(tern_invoke(thread->tcb, TERN_TCB_WRITE_REGISTERS, too_many, 1, 0, 0, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
}

/* A suspended thread stops; resumed, it carries on. */
static void suspend_and_resume(void)
{
    counter_a = 0;
    struct thread *thread = thread_spawn(count_forever, (uint64_t)&counter_a,
                                         PRIORITY_MIDDLE, 0);
    WAIT_FOR(&counter_a, 1);
    CHECK_OK(tern_tcb_suspend(thread->tcb));
    uint64_t stopped = load(&counter_a);
    sleep_ticks(3);
    CHECK_EQ(load(&counter_a), stopped);
    CHECK_OK(tern_tcb_resume(thread->tcb));
    WAIT_FOR(&counter_a, stopped + 1);
    /* Resuming a running thread, suspending a suspended one: no error. */
    CHECK_OK(tern_tcb_resume(thread->tcb));
    CHECK_OK(tern_tcb_suspend(thread->tcb));
    CHECK_OK(tern_tcb_suspend(thread->tcb));
}

static void configure_errors(void)
{
    uint64_t tcb = object_new(TERN_OBJECT_TCB, 0);
    uint64_t frame = object_new(TERN_OBJECT_FRAME_4K, 0);
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t buffer = 0x1234000;
    CHECK_ERROR(tern_tcb_configure(tcb, 0, notification, ROOT_VSPACE, frame, buffer),
                TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_tcb_configure(tcb, 0, ROOT_CNODE, ROOT_CNODE, frame, buffer),
                TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_tcb_configure(tcb, 0, ROOT_CNODE, ROOT_VSPACE, notification, buffer),
                TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_tcb_configure(tcb, 0, ROOT_CNODE, ROOT_VSPACE, frame, buffer + 8),
                TERN_ALIGNMENT_ERROR);
    uint64_t empty = slot_new();
    CHECK_ERROR(tern_tcb_configure(tcb, 0, ROOT_CNODE, ROOT_VSPACE, empty, buffer),
                TERN_FAILED_LOOKUP);
    const uint64_t args[] = { 0, buffer };
    const uint64_t two_caps[] = { ROOT_CNODE, ROOT_VSPACE };
    CHECK_ERROR(tern_invoke(tcb, TERN_TCB_CONFIGURE, args, 2, two_caps, 2, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    /* Not configured: cannot run. */
    CHECK_ERROR(tern_tcb_resume(tcb), TERN_ILLEGAL_OPERATION);
    const uint64_t registers[] = { 0x400000, 0x1000, 0 };
    CHECK_ERROR(tern_tcb_write_registers(tcb, true, 3, registers), TERN_ILLEGAL_OPERATION);
    CHECK_OK(tern_tcb_configure(tcb, 0, ROOT_CNODE, ROOT_VSPACE, frame, buffer));
    /* The fault endpoint argument: an endpoint with the write right. */
    CHECK_ERROR(tern_tcb_configure(tcb, notification, ROOT_CNODE, ROOT_VSPACE, frame, buffer),
                TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_tcb_configure(tcb, empty, ROOT_CNODE, ROOT_VSPACE, frame, buffer),
                TERN_FAILED_LOOKUP);
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t receive_only = cap_copy(endpoint, TERN_RIGHT_READ);
    CHECK_ERROR(tern_tcb_configure(tcb, receive_only, ROOT_CNODE, ROOT_VSPACE, frame, buffer),
                TERN_INVALID_CAPABILITY);
    CHECK_OK(tern_tcb_configure(tcb, endpoint, ROOT_CNODE, ROOT_VSPACE, frame, buffer));

    /* Assumed (tcb.c): only a suspended thread may be configured. */
    struct thread *running = thread_spawn(count_forever, (uint64_t)&counter_b,
                                          PRIORITY_LOW, 0);
    CHECK_ERROR(tern_tcb_configure(running->tcb, 0, ROOT_CNODE, ROOT_VSPACE, frame, buffer),
                TERN_ILLEGAL_OPERATION);
}

static void priority_and_affinity_ranges(void)
{
    uint64_t tcb = object_new(TERN_OBJECT_TCB, 0);
    CHECK_ERROR(tern_tcb_set_priority(tcb, 256), TERN_RANGE_ERROR);
    CHECK_OK(tern_tcb_set_priority(tcb, 255));
    CHECK_OK(tern_tcb_set_priority(tcb, 0));
    CHECK_ERROR(tern_tcb_set_affinity(tcb, boot_info->cpu_count), TERN_RANGE_ERROR);
    CHECK_ERROR(tern_tcb_set_affinity(tcb, ~0ULL), TERN_RANGE_ERROR);
    CHECK_OK(tern_tcb_set_affinity(tcb, boot_info->cpu_count - 1));
    /* The cores to follow callers to: online ones, the core among them. */
    uint64_t online = (1ULL << boot_info->cpu_count) - 1;
    CHECK_OK(tern_tcb_set_affinity_following(tcb, 0, online));
    CHECK_OK(tern_tcb_set_affinity_following(tcb, boot_info->cpu_count - 1, online));
    CHECK_ERROR(tern_tcb_set_affinity_following(tcb, 0, online << 1), TERN_RANGE_ERROR);
    CHECK_ERROR(tern_tcb_set_affinity_following(tcb, 0, online + 1), TERN_RANGE_ERROR);
    CHECK_ERROR(tern_tcb_set_affinity_following(tcb, 0, 0), TERN_RANGE_ERROR);
    CHECK_ERROR(tern_tcb_set_affinity_following(tcb, boot_info->cpu_count, ~0ULL),
                TERN_RANGE_ERROR);
    CHECK_ERROR(tern_invoke(tcb, TERN_TCB_SET_PRIORITY, 0, 0, 0, 0, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    CHECK_ERROR(tern_invoke(tcb, TERN_TCB_SET_AFFINITY, 0, 0, 0, 0, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    CHECK_ERROR(tern_invoke(tcb, TERN_INVOCATION_COUNT, 0, 0, 0, 0, 0, 0, 0),
                TERN_ILLEGAL_OPERATION);
}

/* Assumed (tcb.c; tern has no separate maximum controlled priority): a
 * thread may not give any thread a priority above its own. */
static volatile uint64_t raise_results[3], raise_done;
static uint64_t raise_target;

static void raise_other(uint64_t unused)
{
    (void)unused;
    raise_results[0] = tern_tcb_set_priority(raise_target, PRIORITY_MIDDLE + 50);
    raise_results[1] = tern_tcb_set_priority(raise_target, PRIORITY_MIDDLE);
    raise_results[2] = tern_tcb_set_priority(raise_target, PRIORITY_LOW);
    store(&raise_done, 1);
}

static void priority_cannot_exceed_the_callers(void)
{
    raise_done = 0;
    raise_target = object_new(TERN_OBJECT_TCB, 0);
    thread_spawn(raise_other, 0, PRIORITY_MIDDLE, 0);
    WAIT_FOR(&raise_done, 1);
    CHECK_ERROR(raise_results[0], TERN_ILLEGAL_OPERATION);
    CHECK_ERROR(raise_results[1], TERN_OK);
    CHECK_ERROR(raise_results[2], TERN_OK);
}

static volatile uint64_t tls_seen;

static void read_tls(uint64_t unused)
{
    (void)unused;
    uint64_t value;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(value));
    store(&tls_seen, value);
}

static void set_tls(void)
{
    tls_seen = 0;
    struct thread *thread = thread_new(read_tls, 0, PRIORITY_MIDDLE, 0);
    CHECK_OK(tern_tcb_set_tls(thread->tcb, 0x7ee7000000001234ULL));
    struct tern_user_registers registers;
    CHECK_OK(tern_tcb_read_registers(thread->tcb, &registers));
    CHECK_EQ(registers.tpidr_el0, 0x7ee7000000001234ULL);
    thread_start(thread);
    WAIT_FOR(&tls_seen, 1);
    CHECK_EQ(load(&tls_seen), 0x7ee7000000001234ULL);
    /* On itself, at once. */
    CHECK_OK(tern_tcb_set_tls(ROOT_TCB, 0xabcdef));
    uint64_t own;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(own));
    CHECK_EQ(own, 0xabcdef);
}

/* Resuming a thread of higher priority than the caller runs it before
 * Resume returns. */
static volatile uint64_t sequence, low_before, high_ran, low_after;
static uint64_t high_tcb;

static void high_thread(uint64_t unused)
{
    (void)unused;
    store(&high_ran, fetch_add(&sequence, 1) + 1);
}

static void low_thread(uint64_t unused)
{
    (void)unused;
    store(&low_before, fetch_add(&sequence, 1) + 1);
    tern_tcb_resume(high_tcb);
    store(&low_after, fetch_add(&sequence, 1) + 1);
}

static void higher_priority_preempts_at_once(void)
{
    sequence = low_before = high_ran = low_after = 0;
    high_tcb = thread_new(high_thread, 0, PRIORITY_HIGH, 0)->tcb;
    thread_spawn(low_thread, 0, PRIORITY_MIDDLE, 0);
    WAIT_FOR(&low_after, 1);
    CHECK_EQ(load(&low_before), 1);
    CHECK_EQ(load(&high_ran), 2);
    CHECK_EQ(load(&low_after), 3);
}

/* Two busy threads of one priority share the core: time slices end,
 * and each keeps getting turns. */
static void equal_priorities_share_the_core(void)
{
    counter_a = counter_b = 0;
    thread_spawn(count_forever, (uint64_t)&counter_a, PRIORITY_MIDDLE, 0);
    thread_spawn(count_forever, (uint64_t)&counter_b, PRIORITY_MIDDLE, 0);
    for (unsigned turn = 0; turn < 3; turn++) {
        uint64_t a = load(&counter_a), b = load(&counter_b);
        WAIT_FOR(&counter_a, a + 1);
        WAIT_FOR(&counter_b, b + 1);
    }
}

/* A FIFO thread keeps its core from another of its priority until it
 * yields; then the other, round robin, gets its turn. */
static void a_fifo_thread_keeps_its_turn(void)
{
    counter_a = counter_b = 0;
    struct thread *first = thread_new(count_forever, (uint64_t)&counter_a, PRIORITY_MIDDLE, 0);
    CHECK_OK(tern_tcb_set_scheduling(first->tcb, PRIORITY_MIDDLE, TERN_PRIORITY_FIFO));
    thread_start(first);
    thread_spawn(count_forever, (uint64_t)&counter_b, PRIORITY_MIDDLE, 0);
    sleep_ticks(5);
    CHECK(load(&counter_a) > 0);
    CHECK_EQ(load(&counter_b), 0);
    CHECK_OK(tern_tcb_set_scheduling(first->tcb, PRIORITY_MIDDLE, 0));   /* round robin again */
    WAIT_FOR(&counter_b, 1);
    CHECK_ERROR(tern_tcb_set_scheduling(first->tcb, PRIORITY_MIDDLE, 2), TERN_RANGE_ERROR);
}

/* The wakeup turn: a thread woken from a wait runs within about a tick
 * (a millisecond), though a busy thread of its priority has the core and
 * most of a 10 ms slice left; a FIFO busy thread keeps the core. */
static volatile uint64_t signalled_at, woke_at;
static uint64_t wake_notification;

static uint64_t milliseconds(uint64_t count)
{
    return tern_counter_frequency() / 1000 * count;
}

static void note_wakeup(uint64_t unused)
{
    (void)unused;
    uint64_t word;
    tern_wait(wake_notification, &word);
    store(&woke_at, tern_counter_now());
}

static void signal_and_keep_busy(uint64_t unused)
{
    (void)unused;
    uint64_t until = tern_counter_now() + milliseconds(1);     /* into its slice */
    while (tern_counter_now() < until)
        ;
    store(&signalled_at, tern_counter_now());
    tern_signal(wake_notification);
    for (;;)
        fetch_add(&counter_a, 1);
}

static uint64_t wakeup_delay(unsigned policy)
{
    signalled_at = woke_at = counter_a = 0;
    wake_notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    thread_spawn(note_wakeup, 0, PRIORITY_MIDDLE, 0);
    sleep_ticks(1);                     /* it waits */
    struct thread *busy = thread_new(signal_and_keep_busy, 0, PRIORITY_MIDDLE, 0);
    CHECK_OK(tern_tcb_set_scheduling(busy->tcb, PRIORITY_MIDDLE, policy));
    thread_start(busy);
    WAIT_FOR(&signalled_at, 1);
    if (policy == TERN_PRIORITY_FIFO) {
        sleep_ticks(3);
        CHECK_EQ(load(&woke_at), 0);
        CHECK_OK(tern_tcb_set_scheduling(busy->tcb, PRIORITY_MIDDLE, 0));
    }
    WAIT_FOR(&woke_at, 1);
    CHECK(load(&counter_a) > 0);        /* the busy thread never blocked */
    CHECK_OK(tern_tcb_suspend(busy->tcb));
    return load(&woke_at) - load(&signalled_at);
}

static void a_woken_thread_gets_its_turn(void)
{
    /* The best of a few: under an emulator on a busy host a tick can come
     * late (in guest time), which delays the turn as much as the tick;
     * without the turn, every try waits for most of a 10 ms slice. */
    uint64_t best = UINT64_MAX;
    for (unsigned try = 0; try < 5; try++) {
        uint64_t delay = wakeup_delay(0);
        best = delay < best ? delay : best;
    }
    CHECK(best < milliseconds(3));
    CHECK(wakeup_delay(TERN_PRIORITY_FIFO) >= milliseconds(30));
}

/* A busy thread keeps a lower-priority one on its core from running. */
static void lower_priority_waits(void)
{
    counter_a = counter_b = 0;
    struct thread *busy = thread_spawn(count_forever, (uint64_t)&counter_a, PRIORITY_MIDDLE, 0);
    thread_spawn(count_forever, (uint64_t)&counter_b, PRIORITY_LOW, 0);
    sleep_ticks(5);
    CHECK(load(&counter_a) > 0);
    CHECK_EQ(load(&counter_b), 0);
    CHECK_OK(tern_tcb_suspend(busy->tcb));
    WAIT_FOR(&counter_b, 1);
}

/* Yield lets a thread of the same priority run; a lower one still waits. */
static volatile uint64_t yield_turns[2];

/* A queued thread whose priority changes moves to its new level: once it
 * is suspended, nothing of it is left in the run queue to run it. (It
 * used to stay linked in its old level too, so that the scheduler later
 * ran it although suspended, and it corrupted the next queue it joined.) */
static volatile uint64_t suspended_ran;

static void priority_change_moves_a_queued_thread(void)
{
    suspended_ran = 0;
    flag = 0;
    struct thread *queued = thread_new(store_one, (uint64_t)&suspended_ran, PRIORITY_LOW, 0);
    thread_start(queued);                   /* queued: the root task runs */
    CHECK_OK(tern_tcb_set_priority(queued->tcb, PRIORITY_MIDDLE));
    CHECK_OK(tern_tcb_suspend(queued->tcb));
    thread_spawn(set_flag, 7, PRIORITY_LOW, 0);
    WAIT_FOR(&flag, 7);
    sleep_ticks(2);
    CHECK_EQ(load(&suspended_ran), 0);
}

static void yielder(uint64_t index)
{
    for (;;) {
        fetch_add(&yield_turns[index], 1);
        tern_yield();
    }
}

static void yield_alternates(void)
{
    yield_turns[0] = yield_turns[1] = 0;
    thread_spawn(yielder, 0, PRIORITY_MIDDLE, 0);
    thread_spawn(yielder, 1, PRIORITY_MIDDLE, 0);
    WAIT_FOR(&yield_turns[0], 100);
    /* Yielding hands the core over each time: the counts stay within a
     * few of each other. */
    uint64_t a = load(&yield_turns[0]), b = load(&yield_turns[1]);
    CHECK(b > 0);
    CHECK(a > b ? a - b <= 2 : b - a <= 2);
}

static void binding_errors(void)
{
    uint64_t tcb = object_new(TERN_OBJECT_TCB, 0);
    uint64_t other_tcb = object_new(TERN_OBJECT_TCB, 0);
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t second = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t write_only = cap_copy(notification, TERN_RIGHT_WRITE);
    CHECK_ERROR(tern_tcb_bind_notification(tcb, endpoint), TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_tcb_bind_notification(tcb, write_only), TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_tcb_unbind_notification(tcb), TERN_ILLEGAL_OPERATION);
    CHECK_ERROR(tern_invoke(tcb, TERN_TCB_BIND_NOTIFICATION, 0, 0, 0, 0, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    CHECK_OK(tern_tcb_bind_notification(tcb, notification));
    CHECK_ERROR(tern_tcb_bind_notification(tcb, second), TERN_ILLEGAL_OPERATION);
    CHECK_ERROR(tern_tcb_bind_notification(other_tcb, notification), TERN_ILLEGAL_OPERATION);
    CHECK_OK(tern_tcb_unbind_notification(tcb));
    CHECK_ERROR(tern_tcb_unbind_notification(tcb), TERN_ILLEGAL_OPERATION);
    CHECK_OK(tern_tcb_bind_notification(other_tcb, notification));
}

/* ---- FP/SIMD state (TCB_CopyFpState) ---- */

#define D8_VALUE        0x3ff8000000000000ULL   /* 1.5 */
#define FPCR_TOWARD_ZERO (3ULL << 22)           /* RMode = round toward zero */

static volatile uint64_t seen_d8, seen_fpcr;

/* The registers are written from general ones: the test is built
 * without FP code of its own. */
static void load_fp_state(uint64_t d8)
{
    __asm__ volatile("fmov d8, %0\n\tmsr fpcr, %1" : : "r"(d8), "r"(FPCR_TOWARD_ZERO));
    store(&flag, 1);
}

static void record_fp_state(uint64_t unused)
{
    (void)unused;
    uint64_t d8, fpcr;
    __asm__ volatile("fmov %0, d8\n\tmrs %1, fpcr" : "=r"(d8), "=r"(fpcr));
    store(&seen_d8, d8);
    store(&seen_fpcr, fpcr);
    store(&flag, 1);
}

/* A thread started after copying from source: what it found. */
static void run_copy_of(uint64_t source)
{
    struct thread *copy = thread_new(record_fp_state, 0, PRIORITY_MIDDLE, 0);
    CHECK_OK(tern_tcb_copy_fp_state(copy->tcb, source));
    store(&seen_d8, 1);
    store(&seen_fpcr, 1);
    flag = 0;
    thread_start(copy);
    WAIT_FOR(&flag, 1);
}

static void copy_fp_state(void)
{
    /* From a thread that set its registers and stopped. */
    flag = 0;
    struct thread *source = thread_spawn(load_fp_state, D8_VALUE, PRIORITY_MIDDLE, 0);
    WAIT_FOR(&flag, 1);
    run_copy_of(source->tcb);
    CHECK_EQ(load(&seen_d8), D8_VALUE);
    CHECK_EQ(load(&seen_fpcr), FPCR_TOWARD_ZERO);

    /* From one that never used them: the fresh, zeroed state. */
    struct thread *unused = thread_new(set_flag, 0, PRIORITY_MIDDLE, 0);
    run_copy_of(unused->tcb);
    CHECK_EQ(load(&seen_d8), 0);
    CHECK_EQ(load(&seen_fpcr), 0);

    /* From the caller itself, whose registers are live. */
    __asm__ volatile("msr fpcr, %0" : : "r"(FPCR_TOWARD_ZERO));
    run_copy_of(ROOT_TCB);
    __asm__ volatile("msr fpcr, %0" : : "r"(0ULL));
    CHECK_EQ(load(&seen_fpcr), FPCR_TOWARD_ZERO);
}

/* ---- Lazy FP/SIMD switching (arch/fpu.h) ---- */

static void needs_cores(unsigned cores);

#define D8_OTHER        0x4004000000000000ULL   /* 2.5 */

static uint64_t read_d8(void)
{
    uint64_t d8;
    __asm__ volatile("fmov %0, d8" : "=r"(d8));
    return d8;
}

static void write_d8(uint64_t d8)
{
    __asm__ volatile("fmov d8, %0" : : "r"(d8));
}

static uint64_t fp_wakeup;      /* a notification */

/* Sets d8, waits to be woken (its state stays in its core's registers,
 * or leaves them when another thread uses FP there), then reports d8. */
static void hold_d8_across_a_wait(uint64_t d8)
{
    write_d8(d8);
    store(&flag, 1);
    uint64_t word;
    tern_wait(fp_wakeup, &word);
    store(&seen_d8, read_d8());
    store(&flag, 2);
}

/* Two threads using FP on one core: each finds its own registers after
 * the other used them (the trap saves the owner's and loads its own). */
static void fp_state_kept_across_other_users(void)
{
    fp_wakeup = object_new(TERN_OBJECT_NOTIFICATION, 0);
    write_d8(D8_VALUE);
    flag = 0;
    struct thread *other = thread_spawn(hold_d8_across_a_wait, D8_OTHER, PRIORITY_HIGH, 0);
    WAIT_FOR(&flag, 1);                 /* it owns the registers now */
    CHECK_EQ(read_d8(), D8_VALUE);      /* this thread's again */
    write_d8(0);
    tern_signal(fp_wakeup);
    WAIT_FOR(&flag, 2);
    CHECK_EQ(load(&seen_d8), D8_OTHER);
    (void)other;
}

/* A thread whose FP state is live on another core while it waits is
 * moved here: that core hands the state over (fpu_flush asks it by IPI),
 * and the thread finds its registers as it left them. */
static void fp_state_follows_a_moved_thread(void)
{
    needs_cores(2);
    fp_wakeup = object_new(TERN_OBJECT_NOTIFICATION, 0);
    flag = 0;
    seen_d8 = 0;
    struct thread *thread = thread_spawn(hold_d8_across_a_wait, D8_OTHER, PRIORITY_MIDDLE, 1);
    WAIT_FOR(&flag, 1);
    CHECK_OK(tern_tcb_set_affinity(thread->tcb, 0));
    write_d8(D8_VALUE);                 /* this core's registers: the root task's */
    tern_signal(fp_wakeup);
    WAIT_FOR(&flag, 2);
    CHECK_EQ(load(&seen_d8), D8_OTHER);
    CHECK_EQ(read_d8(), D8_VALUE);
}

static void copy_fp_state_errors(void)
{
    uint64_t tcb = object_new(TERN_OBJECT_TCB, 0);
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    CHECK_ERROR(tern_tcb_copy_fp_state(tcb, endpoint), TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_invoke(tcb, TERN_TCB_COPY_FP_STATE, 0, 0, 0, 0, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    /* A running target: its registers, not its TCB, hold its state. */
    CHECK_ERROR(tern_tcb_copy_fp_state(ROOT_TCB, tcb), TERN_ILLEGAL_OPERATION);
    CHECK_OK(tern_tcb_copy_fp_state(tcb, tcb));
}

static void needs_cores(unsigned cores)
{
    if (boot_info->cpu_count < cores)
        test_skip("needs %u cores, has %lu", cores, boot_info->cpu_count);
}

/* A thread with another core's affinity runs there while this core is
 * busy: the root task spins without blocking, at the top priority. */
static volatile uint64_t per_core[8];

static void runs_on_every_core(void)
{
    needs_cores(2);
    for (unsigned cpu = 1; cpu < boot_info->cpu_count && cpu < 8; cpu++) {
        per_core[cpu] = 0;
        thread_spawn(count_forever, (uint64_t)&per_core[cpu], PRIORITY_LOW, cpu);
        if (!spin_at_least(&per_core[cpu], 1000, 400000000))
            FAIL("a thread on core %u did not run while core 0 was busy", cpu);
    }
}

/* Wait (bounded) until *counter no longer changes between two looks,
 * sleeping between them or, if this core must stay busy, spinning. */
static bool stops_counting(volatile uint64_t *counter, bool may_sleep)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        uint64_t before = load(counter);
        if (may_sleep)
            sleep_ticks(1);
        else
            for (volatile unsigned i = 0; i < 2000000; i++)
                ;
        if (load(counter) == before)
            return true;
    }
    return false;
}

/* Suspend reaches a thread running on another core. */
static void suspend_on_another_core(void)
{
    needs_cores(2);
    counter_a = 0;
    struct thread *thread = thread_spawn(count_forever, (uint64_t)&counter_a, PRIORITY_MIDDLE, 1);
    CHECK(spin_at_least(&counter_a, 1000, 400000000));
    CHECK_OK(tern_tcb_suspend(thread->tcb));
    /* The other core switches away at its next kernel entry, which the
     * IPI forces; QEMU may run that vCPU late, so wait for it to settle. */
    CHECK(stops_counting(&counter_a, true));
    uint64_t stopped = load(&counter_a);
    CHECK(!spin_at_least(&counter_a, stopped + 1, 2000000));
    CHECK_OK(tern_tcb_resume(thread->tcb));
    CHECK(spin_at_least(&counter_a, stopped + 1000, 400000000));
}

/* SetAffinity moves a running thread: moved to the root task's core, it
 * stops while the root task spins there, and runs when it sleeps. */
static void affinity_moves_a_running_thread(void)
{
    needs_cores(2);
    counter_a = 0;
    struct thread *thread = thread_spawn(count_forever, (uint64_t)&counter_a, PRIORITY_MIDDLE, 1);
    CHECK(spin_at_least(&counter_a, 1000, 400000000));
    CHECK_OK(tern_tcb_set_affinity(thread->tcb, 0));
    /* Core 1 hands it over at its next kernel entry (forced by an IPI);
     * this core keeps it waiting: the root task spins here at the top. */
    CHECK(stops_counting(&counter_a, false));
    uint64_t moved = load(&counter_a);
    CHECK(!spin_at_least(&counter_a, moved + 1, 2000000));
    sleep_ticks(2);
    CHECK(load(&counter_a) > moved);
}

const struct test_case tcb_tests[] = {
    { "thread_runs_a_function", thread_runs_a_function },
    { "registers_round_trip", registers_round_trip },
    { "write_registers_can_resume", write_registers_can_resume },
    { "register_errors", register_errors },
    { "suspend_and_resume", suspend_and_resume },
    { "configure_errors", configure_errors },
    { "priority_and_affinity_ranges", priority_and_affinity_ranges },
    { "priority_cannot_exceed_the_callers", priority_cannot_exceed_the_callers },
    { "set_tls", set_tls },
    { "higher_priority_preempts_at_once", higher_priority_preempts_at_once },
    { "equal_priorities_share_the_core", equal_priorities_share_the_core },
    { "a_fifo_thread_keeps_its_turn", a_fifo_thread_keeps_its_turn },
    { "a_woken_thread_gets_its_turn", a_woken_thread_gets_its_turn },
    { "lower_priority_waits", lower_priority_waits },
    { "priority_change_moves_a_queued_thread", priority_change_moves_a_queued_thread },
    { "yield_alternates", yield_alternates },
    { "binding_errors", binding_errors },
    { "copy_fp_state", copy_fp_state },
    { "copy_fp_state_errors", copy_fp_state_errors },
    { "fp_state_kept_across_other_users", fp_state_kept_across_other_users },
    { "fp_state_follows_a_moved_thread", fp_state_follows_a_moved_thread },
    { "runs_on_every_core", runs_on_every_core },
    { "suspend_on_another_core", suspend_on_another_core },
    { "affinity_moves_a_running_thread", affinity_moves_a_running_thread },
    TEST_SUITE_END,
};
