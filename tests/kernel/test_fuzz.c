/*
 * Random invocations from an unprivileged process: it holds a small CSpace
 * of its own with a few capabilities of each type, all made from one pool
 * untyped, and makes FUZZ_INVOCATIONS random invocations (random slot,
 * label, arguments, message info, extra capabilities, windows) plus
 * non-blocking system calls, from a fixed xorshift seed (standalone.c).
 * Afterwards the root task checks that the kernel is alive and sound: the
 * endpoint server still answers, the pool's memory all comes back, and the
 * root task's own capabilities and new objects still work.
 *
 * With its thread capabilities the fuzzer configures threads, makes the
 * echo endpoint their fault handler, changes their priority and resumes
 * them; on four cores one of them may then send the echo server a million
 * faults and Calls, which the echo server answers in turn with the
 * fuzzer's. That found a kernel bug: a queued thread whose priority
 * changed stayed linked in its old run-queue level, and the next queue it
 * joined (here the echo endpoint's, with the fuzzer's Call in it) lost
 * its other threads (tcb.priority_change_moves_a_queued_thread).
 */
#include "ktest.h"
#include "standalone.h"

#define FUZZ_INVOCATIONS    20000
#define FUZZ_SEED           0x2545f4914f6cdd1dULL
#define FUZZ_IRQ            104
#define FUZZ_WAIT_TICKS     6000
#define POOL_BITS           23
#define ECHO_LABEL          0x3e    /* non-zero: a fault answered with it suspends */

/* Answers every message on the fuzzer's endpoint, so its Calls return. */
static struct {
    uint64_t endpoint;
    uint64_t reply;
    volatile uint64_t ready;
    volatile uint64_t served;
} echo;

static void echo_server(uint64_t unused)
{
    (void)unused;
    uint64_t mr[4] = { 0 };
    tern_set_receive_slot(0, 0, 0);     /* take no capabilities */
    store(&echo.ready, 1);
    tern_recv(echo.endpoint, echo.reply, 0, mr);
    for (;;) {
        mr[0] = fetch_add(&echo.served, 1) + 1;
        tern_reply_recv(echo.endpoint, echo.reply, tern_message(ECHO_LABEL, 0, 1), 0, mr);
    }
}

/* The labels each kind of object answers to (objects.h order). */
static void labels_for(enum tern_object_type type, uint8_t *first, uint8_t *count)
{
    static const struct {
        enum tern_object_type type;
        enum tern_invocation first, last;
    } ranges[] = {
        { TERN_OBJECT_UNTYPED, TERN_UNTYPED_RETYPE, TERN_UNTYPED_RETYPE },
        { TERN_OBJECT_CNODE, TERN_CNODE_COPY, TERN_CNODE_REVOKE },
        { TERN_OBJECT_TCB, TERN_TCB_CONFIGURE, TERN_TCB_SET_FAULT_HANDLER },
        { TERN_OBJECT_FRAME_4K, TERN_FRAME_MAP, TERN_FRAME_GET_ADDRESS },
        { TERN_OBJECT_FRAME_2M, TERN_FRAME_MAP, TERN_FRAME_GET_ADDRESS },
        { TERN_OBJECT_PAGE_TABLE, TERN_PAGE_TABLE_MAP, TERN_PAGE_TABLE_UNMAP },
        { TERN_OBJECT_PAGE_DIRECTORY, TERN_PAGE_TABLE_MAP, TERN_PAGE_TABLE_UNMAP },
        { TERN_OBJECT_VSPACE, TERN_VSPACE_READ, TERN_VSPACE_SET_UPCALL },
        { TERN_OBJECT_REPLY, TERN_REPLY_READ_WINDOW, TERN_REPLY_WRITE_WINDOW },
        { TERN_OBJECT_NOTIFICATION, TERN_NOTIFICATION_SET_TIMEOUT,
          TERN_NOTIFICATION_SET_TIMEOUT },
        { TERN_OBJECT_IRQ_HANDLER, TERN_IRQ_HANDLER_ACK, TERN_IRQ_HANDLER_CLEAR },
    };
    *first = *count = 0;
    for (unsigned i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        if (ranges[i].type == type) {
            *first = (uint8_t)ranges[i].first;
            *count = (uint8_t)(ranges[i].last - ranges[i].first + 1);
        }
    }
}

static void random_invocations_leave_the_kernel_sound(void)
{
    unsigned cpu = boot_info->cpu_count > 1 ? 1 : 0;
    uint64_t pool = object_new(TERN_OBJECT_UNTYPED, POOL_BITS);
#define FROM_POOL(type, bits) object_new_from(pool, (type), (bits))

    echo.endpoint = FROM_POOL(TERN_OBJECT_ENDPOINT, 0);
    echo.reply = FROM_POOL(TERN_OBJECT_REPLY, 0);
    echo.ready = echo.served = 0;
    struct thread *echo_thread = thread_spawn(echo_server, 0, PRIORITY_MIDDLE + 10, cpu);

    struct process *fuzzer = process_new(standalone_fuzz, 1, PRIORITY_MIDDLE, cpu);
    struct fuzz_data *data = fuzzer->data;
    data->seed = FUZZ_SEED;
    data->invocations_wanted = FUZZ_INVOCATIONS;

    /* Its capabilities, from slot FUZZ_SLOT_FIRST on. */
    uint64_t notification = FROM_POOL(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t frame = FROM_POOL(TERN_OBJECT_FRAME_4K, 0);
    uint64_t vspace = FROM_POOL(TERN_OBJECT_VSPACE, 0);
    uint64_t cnode = FROM_POOL(TERN_OBJECT_CNODE, 4);
    uint64_t configured = FROM_POOL(TERN_OBJECT_TCB, 0);
    uint64_t buffer_frame = FROM_POOL(TERN_OBJECT_FRAME_4K, 0);
    CHECK_OK(tern_tcb_configure(configured, 0, cnode, vspace, buffer_frame, 0x10000));
    const uint64_t move = ~0ULL;        /* rights: move it (a reply) */
    const struct {
        enum tern_object_type type;
        uint64_t slot;
        uint64_t rights;
        uint64_t badge;
    } caps[] = {
        { TERN_OBJECT_UNTYPED, FROM_POOL(TERN_OBJECT_UNTYPED, 16), TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_UNTYPED, FROM_POOL(TERN_OBJECT_UNTYPED, 12), TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_CNODE, FROM_POOL(TERN_OBJECT_CNODE, 4), TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_ENDPOINT, echo.endpoint, TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_ENDPOINT, echo.endpoint, TERN_RIGHT_WRITE | TERN_RIGHT_GRANT, 0x77 },
        { TERN_OBJECT_NOTIFICATION, notification, TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_NOTIFICATION, notification, TERN_RIGHT_WRITE, 0x5 },
        { TERN_OBJECT_NOTIFICATION, notification, TERN_RIGHT_READ, 0 },
        { TERN_OBJECT_TCB, FROM_POOL(TERN_OBJECT_TCB, 0), TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_TCB, configured, TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_REPLY, FROM_POOL(TERN_OBJECT_REPLY, 0), move, 0 },
        { TERN_OBJECT_REPLY, FROM_POOL(TERN_OBJECT_REPLY, 0), move, 0 },
        { TERN_OBJECT_FRAME_4K, frame, TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_FRAME_4K, frame, TERN_RIGHT_READ, 0 },
        { TERN_OBJECT_FRAME_4K, FROM_POOL(TERN_OBJECT_FRAME_4K, 0), TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_FRAME_2M, FROM_POOL(TERN_OBJECT_FRAME_2M, 0), TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_PAGE_TABLE, FROM_POOL(TERN_OBJECT_PAGE_TABLE, 0), TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_PAGE_TABLE, FROM_POOL(TERN_OBJECT_PAGE_TABLE, 0), TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_PAGE_DIRECTORY, FROM_POOL(TERN_OBJECT_PAGE_DIRECTORY, 0),
          TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_VSPACE, vspace, TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_VSPACE, FROM_POOL(TERN_OBJECT_VSPACE, 0), TERN_RIGHT_READ, 0 },
        { TERN_OBJECT_CNODE, cnode, TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_NOTIFICATION, FROM_POOL(TERN_OBJECT_NOTIFICATION, 0), TERN_RIGHTS_ALL, 0 },
        { TERN_OBJECT_ENDPOINT, FROM_POOL(TERN_OBJECT_ENDPOINT, 0), TERN_RIGHT_READ, 0 },
    };
    unsigned slot = FUZZ_SLOT_FIRST;
    for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); i++, slot++) {
        if (caps[i].rights == move)
            process_move(fuzzer, slot, caps[i].slot);
        else
            process_give(fuzzer, slot, caps[i].slot, caps[i].rights, caps[i].badge);
        labels_for(caps[i].type, &data->label_first[slot], &data->label_count[slot]);
    }
    /* An interrupt line nothing raises, where the board has one. */
    uint64_t irq_handler = slot_new();
    if (tern_irq_control_get(TERN_SLOT_IRQ_CONTROL, FUZZ_IRQ, ROOT_CNODE, irq_handler,
                             ROOT_DEPTH) == TERN_OK) {
        process_give(fuzzer, slot, irq_handler, TERN_RIGHTS_ALL, 0);
        labels_for(TERN_OBJECT_IRQ_HANDLER, &data->label_first[slot], &data->label_count[slot]);
        slot++;
    }
    CHECK(slot <= FUZZ_SLOT_RANGE);
    data->slot_end = slot;
#undef FROM_POOL

    process_start(fuzzer);
    if (!wait_at_least(&data->done, 1, FUZZ_WAIT_TICKS))
        FAIL("the fuzzer stopped after %lu invocations and %lu other calls (echo answered %lu)",
             load(&data->invocations), load(&data->other_calls), load(&echo.served));
    CHECK_EQ(data->invocations, FUZZ_INVOCATIONS);
    uint64_t total = 0, kinds = 0;
    for (unsigned i = 0; i <= TERN_ERROR_COUNT; i++) {
        total += data->by_label[i];
        kinds += data->by_label[i] != 0;
    }
    CHECK_EQ(total, FUZZ_INVOCATIONS);
    CHECK(data->by_label[TERN_OK] > 0);
    CHECK(kinds >= 6);          /* the decoders were reached, not just the lookup */
    tern_printf("  fuzz: %u invocations (%lu succeeded, %lu failed lookups, %lu answered "
                "by the endpoint server), %lu other calls, %lu error kinds\n",
                FUZZ_INVOCATIONS, data->by_label[TERN_OK], data->by_label[TERN_FAILED_LOOKUP],
                load(&echo.served), data->other_calls, kinds);

    /* The endpoint server still answers. */
    uint64_t mr[4] = { 0 };
    tern_message_info info = tern_call(echo.endpoint, tern_message(1, 0, 0), mr);
    CHECK_EQ(tern_message_label(info), ECHO_LABEL);
    CHECK_EQ(mr[0], load(&echo.served));

    /* The fuzzer's capabilities are where they were: its badged
     * notification capability (slot FUZZ_SLOT_FIRST + 6) still signals. */
    CHECK_OK(tern_tcb_suspend(fuzzer->tcb));
    uint64_t fuzzers_badged = slot_new();
    CHECK_OK(tern_cnode_copy(ROOT_CNODE, fuzzers_badged, ROOT_DEPTH, fuzzer->cnode,
                             FUZZ_SLOT_FIRST + 6, PROCESS_CNODE_BITS, TERN_RIGHTS_ALL));
    CHECK_OK(tern_notification_set_timeout(notification, 0, 0));
    uint64_t word;
    CHECK_LABEL(tern_poll(notification, &word), TERN_OK);
    CHECK_LABEL(tern_signal(fuzzers_badged), TERN_OK);
    CHECK_LABEL(tern_poll(notification, &word), TERN_OK);
    CHECK_EQ(word, 0x5);

    /* Everything made from the pool goes, and all its memory comes back. */
    CHECK_OK(tern_tcb_suspend(echo_thread->tcb));
    CHECK_OK(tern_cnode_revoke(ROOT_CNODE, pool, ROOT_DEPTH));
    uint64_t whole = slot_new();
    CHECK_OK(tern_untyped_retype(pool, TERN_OBJECT_UNTYPED, POOL_BITS, ROOT_CNODE, whole,
                                 ROOT_DEPTH, 1));

    /* The root task's own capabilities still work. */
    uint64_t physical;
    CHECK_OK(tern_frame_get_address(TERN_SLOT_IPC_BUFFER, &physical));
    CHECK_OK(tern_frame_get_address(TERN_SLOT_BOOT_INFO, &physical));
    CHECK_OK(tern_tcb_set_tls(ROOT_TCB, 0x42));
    uint64_t tls;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(tls));
    CHECK_EQ(tls, 0x42);
    CHECK(slot_holds(ROOT_CNODE, TERN_OBJECT_CNODE));
    CHECK(slot_holds(ROOT_VSPACE, TERN_OBJECT_VSPACE));

    /* New objects work: a notification, and a thread answering a Call. */
    uint64_t fresh = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t fresh_badged = cap_mint(fresh, TERN_RIGHTS_ALL, 0x8);
    CHECK_LABEL(tern_signal(fresh_badged), TERN_OK);
    CHECK_LABEL(tern_poll(fresh, &word), TERN_OK);
    CHECK_EQ(word, 0x8);
    echo.endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    echo.reply = object_new(TERN_OBJECT_REPLY, 0);
    echo.ready = echo.served = 0;
    thread_spawn(echo_server, 0, PRIORITY_MIDDLE, cpu);
    WAIT_FOR(&echo.ready, 1);
    sleep_ticks(1);
    info = tern_call(echo.endpoint, tern_message(1, 0, 0), mr);
    CHECK_EQ(tern_message_label(info), ECHO_LABEL);
    CHECK_EQ(mr[0], 1);
}

const struct test_case fuzz_tests[] = {
    { "random_invocations_leave_the_kernel_sound", random_invocations_leave_the_kernel_sound },
    TEST_SUITE_END,
};
