/*
 * The IPC fast paths (kernel/fastpath.c) and what they leave to the
 * general path. Each test breaks one precondition of one fast path, with
 * every other one holding, and checks the call's whole outcome (message,
 * badge, answer, errors, which thread runs first): a fast path that
 * skipped the check, or a general path that went wrong, fails it.
 *
 * Preconditions covered by tests elsewhere:
 *   Call, the capability is an endpoint: every invocation of a kernel
 *     object (cnode.*, tcb.*, ...), windows.no_windows_named (a notification).
 *   Call, a receiver waits: windows.* (take_call), interrupt.call_without_
 *     receiver_is_interrupted, ipc.deleting_endpoint_releases_caller.
 *   Call and ReplyRecv, the other thread on this core: ipc.calls_across_cores
 *     (besides the tests of servers that follow callers here).
 *   ReplyRecv, short message (length > 4): ipc.sixty_four_message_registers.
 *   Recv, a thread ready to run next: every server's first Recv in ipc.*
 *     (start_server: the root task sleeps, nothing else is ready).
 *   Reply, short message (caps): ipc.reply_grants_follow_the_callers_right.
 *   Reply, a caller bound: interrupt.parked_reply_is_interrupted (Reply
 *     finds it gone); with a fault pending: faults.vm_fault_is_delivered_
 *     and_resumed.
 *   Reply-object invocations, the capability is a Reply object:
 *     windows.no_windows_named (window calls on a notification).
 *
 * Three checks have no outcome of their own, so their tests check only
 * what the general path does: Recv's "the server is not marked" (the
 * general path leaves a blocked receiver's mark as it is, as the fast
 * path would: recv_by_a_marked_server), Call's "the reply object holds no
 * caller" (the caller it held is never answered either way:
 * call_to_a_server_whose_reply_holds_a_caller), and the reply-object
 * invocations' "no windows" (the general path ignores them too:
 * reply_invocations_with_long_messages).
 */
#include "ktest.h"
#include "sys/counter.h"

#define LABEL           0x1ab       /* what clients send, with MRs 1-4 */
#define ANSWER          0x600d
#define WRONG_ANSWER    0xbad
#define RESCUE          0x5e5c      /* a rescuer's message (see rescuer) */
#define WARMED_UP       0x3a2       /* see start_waiting */
#define BADGE           0xb1
#define OTHER_BADGE     0xb2
#define FAULT_BADGE     0xfa17
#define FAULT_ANSWER    0x77
#define INTERRUPTED_RESULT 4096
#define D8_CLIENT       0x3ff8000000000000ULL   /* 1.5 */
#define D8_SERVER       0x4004000000000000ULL   /* 2.5 */

/* Which thread ran when: each notes the next number. */
static volatile uint64_t sequence;

static uint64_t next_in_sequence(void)
{
    return fetch_add(&sequence, 1) + 1;
}

static void note_turn(uint64_t at)
{
    store((volatile uint64_t *)at, next_in_sequence());
}

static void count_forever(uint64_t counter)
{
    for (;;)
        fetch_add((volatile uint64_t *)counter, 1);
}

/* ---- Clients: one Call each ---- */

struct client {
    uint64_t endpoint;
    unsigned windows;           /* named in the Call (the buffer's windows[0]) */
    uint64_t window;            /* if not 0: windows[0] covers 64 bytes there */
    bool interrupt_self;        /* mark itself first */
    volatile uint64_t done, info, mr0, at;
};

static struct client client, other_client;

static struct client *client_init(struct client *c, uint64_t endpoint)
{
    *c = (struct client){ 0 };
    c->endpoint = endpoint;
    return c;
}

static void client_call(uint64_t argument)
{
    struct client *c = (struct client *)argument;
    uint64_t mr[TERN_MSG_REGISTERS] = { 1, 2, 3, 4 };
    if (c->interrupt_self)
        tern_tcb_interrupt(tern_ipc_buffer()->user_data);
    if (c->window)
        tern_set_window(0, c->window, 64, TERN_WINDOW_READ);
    tern_message_info info = tern_message_with_windows(tern_message(LABEL, 0, 4), c->windows);
    c->info = tern_call(c->endpoint, info, mr);
    c->mr0 = mr[0];
    c->at = next_in_sequence();
    store(&c->done, 1);
}

static void client_send(uint64_t argument)
{
    struct client *c = (struct client *)argument;
    uint64_t mr[TERN_MSG_REGISTERS] = { 1, 2, 3, 4 };
    c->info = tern_send(c->endpoint, tern_message(LABEL, 0, 4), mr);
    store(&c->done, 1);
}

/* The echo server's answer: label + 1, every register + 1. */
static void check_echoed(const struct client *c)
{
    CHECK_EQ(tern_message_label(c->info), LABEL + 1);
    CHECK_EQ(tern_message_length(c->info), 4);
    CHECK_EQ(c->mr0, 2);
}

/* The client is still waiting (given two ticks to return). */
static void check_still_waiting(struct client *c)
{
    sleep_ticks(2);
    CHECK_EQ(load(&c->done), 0);
}

/* A notification with a word pending: used where a reply capability
 * belongs, it would give a fast path that took it for a Reply object a
 * "caller" (the word lies where a reply keeps its caller). */
static uint64_t notification_with_a_word(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    CHECK_LABEL(tern_signal(cap_mint(notification, RIGHTS_RW, 0x4)), TERN_OK);
    return notification;
}

static uint64_t read_d8(void);
static void write_d8(uint64_t d8);
static void fp_server(uint64_t argument);

/* ---- Servers ---- */

struct server {
    uint64_t endpoint, reply;
    uint64_t other_reply, spare_reply;
    uint64_t hold, release;     /* wait on hold before answering the first call */
    uint64_t resume;            /* a TCB to resume before answering the first call */
    uint64_t wrong_endpoint, wrong_reply, given;
    uint64_t buffer;            /* its own page, for window copies */
    bool starts_with_reply_recv, last_receive_is_recv;
    volatile uint64_t ready, received, badge, info, at, result, done;
    volatile uint64_t mr[TERN_MSG_REGISTERS];
};

static struct server server;

static struct server *server_init(void)
{
    server = (struct server){ 0 };
    server.endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    server.reply = object_new(TERN_OBJECT_REPLY, 0);
    return &server;
}

/* The server waits for release before answering its first call. */
static void server_holds_first_call(struct server *s)
{
    s->hold = object_new(TERN_OBJECT_NOTIFICATION, 0);
    s->release = cap_mint(s->hold, RIGHTS_RW, 1);
}

/* Every server first takes a Call from the root task and answers it at
 * once (warm_up), so that its reply object is its own, claimed by it, as
 * the Call fast path wants. Start the server, make that Call, and let
 * the server block in its next receive. */
static void start_waiting(struct thread *thread, struct server *s)
{
    thread_start(thread);
    WAIT_FOR(&s->ready, 1);
    sleep_ticks(1);
    CHECK_EQ(tern_message_label(tern_call(s->endpoint, tern_message(0, 0, 0), 0)), WARMED_UP);
    sleep_ticks(1);
}

static void warm_up(struct server *s)
{
    store(&s->ready, 1);
    tern_recv(s->endpoint, s->reply, 0, 0);
    tern_reply(s->reply, tern_message(WARMED_UP, 0, 0), 0);
}

static void record(struct server *s, tern_message_info info, uint64_t badge,
                   const uint64_t mr[TERN_MSG_REGISTERS])
{
    s->info = info;
    s->badge = badge;
    for (unsigned i = 0; i < TERN_MSG_REGISTERS; i++)
        s->mr[i] = mr[i];
    s->at = next_in_sequence();
    fetch_add(&s->received, 1);
}

/* What client_call sent arrived, with this badge. */
static void check_received(const struct server *s, uint64_t badge)
{
    CHECK_EQ(s->badge, badge);
    CHECK_EQ(tern_message_label(s->info), LABEL);
    CHECK_EQ(tern_message_length(s->info), 4);
    CHECK_EQ(tern_message_caps(s->info), 0);
    for (unsigned i = 0; i < TERN_MSG_REGISTERS; i++)
        CHECK_EQ(s->mr[i], i + 1);
}

/* Answers every call with label + 1 and every register + 1, by ReplyRecv;
 * hold and resume apply to the first call. */
static void echo_server(uint64_t argument)
{
    struct server *s = (struct server *)argument;
    uint64_t badge = 0, mr[TERN_MSG_REGISTERS] = { 0 };
    warm_up(s);
    tern_message_info info = s->starts_with_reply_recv
        ? tern_reply_recv(s->endpoint, s->reply, tern_message(WRONG_ANSWER, 0, 0), &badge, mr)
        : tern_recv(s->endpoint, s->reply, &badge, mr);
    for (;;) {
        record(s, info, badge, mr);
        if (s->received == 1 && s->resume)
            tern_tcb_resume(s->resume);
        if (s->received == 1 && s->hold) {
            uint64_t word;
            tern_wait(s->hold, &word);
        }
        for (unsigned i = 0; i < TERN_MSG_REGISTERS; i++)
            mr[i]++;
        tern_message_info answer = tern_message(tern_message_label(info) + 1, 0,
                                                tern_message_length(info));
        info = tern_reply_recv(s->endpoint, s->reply, answer, &badge, mr);
    }
}

static struct server *start_echo_server(unsigned priority)
{
    struct server *s = server_init();
    start_waiting(thread_new(echo_server, (uint64_t)s, priority, 0), s);
    return s;
}

/* ---- Threads with a CSpace of two levels, or a VSpace to take away ---- */

#define TOP_BITS 4

/* A CSpace of two levels that names the root CNode's slots by their usual
 * numbers: a root CNode of radix 4 and no guard, whose slot 0 holds the
 * root task's CNode with a guard of 48 zero bits. */
static uint64_t two_level_cspace(void)
{
    uint64_t top = object_new(TERN_OBJECT_CNODE, TOP_BITS);
    uint64_t guard_bits = 64 - TOP_BITS - TERN_ROOT_CNODE_BITS;
    CHECK_OK(tern_cnode_mint(top, 0, TOP_BITS, ROOT_CNODE, ROOT_CNODE, ROOT_DEPTH,
                             TERN_RIGHTS_ALL, guard_bits));
    return top;
}

static struct thread *thread_in_cspace(thread_function *function, uint64_t argument,
                                       unsigned priority, uint64_t cspace)
{
    struct thread *thread = thread_new(function, argument, priority, 0);
    CHECK_OK(tern_tcb_configure(thread->tcb, 0, cspace, ROOT_VSPACE, thread->ipc_frame,
                                thread->ipc_buffer));
    return thread;
}

struct fault_handler {
    uint64_t endpoint, badged, reply;
};

static struct fault_handler fault_handler_new(void)
{
    struct fault_handler h;
    h.endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    h.badged = cap_mint(h.endpoint, TERN_RIGHT_WRITE | TERN_RIGHT_GRANT, FAULT_BADGE);
    h.reply = object_new(TERN_OBJECT_REPLY, 0);
    return h;
}

/* Give a thread (not started) the fault handler and, as its VSpace, a
 * copy of the root task's: revoking the returned slot takes it away. */
static uint64_t give_revocable_vspace(struct thread *thread, const struct fault_handler *h)
{
    uint64_t vspace = cap_copy(ROOT_VSPACE, TERN_RIGHTS_ALL);
    CHECK_OK(tern_tcb_configure(thread->tcb, h->badged, ROOT_CNODE, vspace, thread->ipc_frame,
                                thread->ipc_buffer));
    return vspace;
}

/* A thread without an address space faults at its next instruction: the
 * handler gets a VM fault at the pc the thread's registers hold. */
static void check_faults_without_vspace(const struct fault_handler *h, struct thread *thread,
                                        struct tern_user_registers *registers)
{
    uint64_t badge = 0, mr[TERN_MSG_REGISTERS] = { 0 };
    tern_message_info info = receive_within(h->endpoint, h->reply, &badge, mr, WAIT_TICKS);
    CHECK_EQ(tern_message_label(info), TERN_FAULT_VM);
    CHECK_EQ(badge, FAULT_BADGE);
    CHECK_OK(tern_tcb_read_registers(thread->tcb, registers));
    CHECK_EQ(mr[0], registers->pc);
}

/* ---- Call ---- */

/* Takes one Call, then parks it (NBRecv with another reply object), which
 * ends its claim on the first. */
static void take_and_park(uint64_t argument)
{
    struct server *s = (struct server *)argument;
    uint64_t badge = 0, mr[TERN_MSG_REGISTERS] = { 0 };
    warm_up(s);
    tern_message_info info = tern_recv(s->endpoint, s->reply, &badge, mr);
    record(s, info, badge, mr);
    tern_nb_recv(s->endpoint, s->other_reply, 0, 0);
}

/* Takes one Call into the receive slot given, noting its fifth message
 * register in result, and answers. */
static void take_long_call(uint64_t argument)
{
    struct server *s = (struct server *)argument;
    uint64_t badge = 0, mr[TERN_MSG_REGISTERS] = { 0 };
    tern_set_receive_slot(ROOT_CNODE, s->given, ROOT_DEPTH);
    warm_up(s);
    tern_message_info info = tern_recv(s->endpoint, s->reply, &badge, mr);
    record(s, info, badge, mr);
    s->result = tern_get_mr(4);
    tern_reply(s->reply, tern_message(ANSWER, 0, 0), 0);
}

static struct server *start_long_call_server(void)
{
    struct server *s = server_init();
    s->given = slot_new();
    start_waiting(thread_new(take_long_call, (uint64_t)s, PRIORITY_MIDDLE, 0), s);
    return s;
}

/* Call the server (take_long_call) with label LABEL and MRs 1-4, the
 * rest of info as given (after setting the IPC buffer: starting a
 * thread uses it). */
static void call_long(struct server *s, tern_message_info info)
{
    uint64_t mr[TERN_MSG_REGISTERS] = { 1, 2, 3, 4 };
    CHECK_EQ(tern_message_label(tern_call(s->endpoint, info, mr)), ANSWER);
    CHECK_EQ(tern_message_label(s->info), LABEL);
    for (unsigned i = 0; i < TERN_MSG_REGISTERS; i++)
        CHECK_EQ(s->mr[i], i + 1);
}

/* Breaks "a short message" (five registers): the general path copies the
 * fifth through the IPC buffers. */
static void call_with_more_than_four_registers(void)
{
    struct server *s = start_long_call_server();
    tern_set_mr(4, 0x55);
    call_long(s, tern_message(LABEL, 0, 5));
    CHECK_EQ(tern_message_length(s->info), 5);
    CHECK_EQ(s->result, 0x55);
}

/* Breaks "a short message" (a capability): the general path transfers
 * it to the server's receive slot. */
static void call_with_a_capability(void)
{
    struct server *s = start_long_call_server();
    tern_set_cap(0, object_new(TERN_OBJECT_NOTIFICATION, 0));
    call_long(s, tern_message(LABEL, 1, 4));
    CHECK_EQ(tern_message_caps(s->info), 1);
    CHECK(slot_holds(s->given, TERN_OBJECT_NOTIFICATION));
}

/* Breaks "the caller is not marked": a marked caller's Call still reaches
 * the waiting server, which claims it, so the interrupt is deferred to
 * the server and ends the Call when the server parks it. */
static void call_by_a_marked_caller(void)
{
    struct server *s = server_init();
    s->other_reply = object_new(TERN_OBJECT_REPLY, 0);
    start_waiting(thread_new(take_and_park, (uint64_t)s, PRIORITY_MIDDLE, 0), s);
    client_init(&client, cap_mint(s->endpoint, TERN_RIGHTS_ALL, BADGE))->interrupt_self = true;
    thread_spawn(client_call, (uint64_t)&client, PRIORITY_LOW, 0);
    WAIT_FOR(&client.done, 1);
    CHECK_EQ(load(&s->received), 1);
    check_received(s, BADGE);
    CHECK_LABEL(client.info, TERN_INTERRUPTED);
}

/* Breaks "the caller's CSpace is single-level": the general path looks
 * the endpoint up through both levels and the Call goes as any other. The
 * top CNode's slot 1 holds the endpoint too, but cptr 1 names the root
 * CNode's slot 1 (the root task's TCB, which knows no such label): a
 * lookup of one level would find the endpoint instead. */
static void call_through_a_two_level_cspace(void)
{
    struct server *s = start_echo_server(PRIORITY_MIDDLE);
    uint64_t cspace = two_level_cspace();
    CHECK_OK(tern_cnode_copy(cspace, ROOT_TCB, TOP_BITS, ROOT_CNODE, s->endpoint, ROOT_DEPTH,
                             TERN_RIGHTS_ALL));
    client_init(&client, ROOT_TCB);
    thread_start(thread_in_cspace(client_call, (uint64_t)&client, PRIORITY_LOW, cspace));
    WAIT_FOR(&client.done, 1);
    CHECK_LABEL(client.info, TERN_ILLEGAL_OPERATION);
    CHECK_EQ(load(&s->received), 0);
    client_init(&other_client, cap_mint(s->endpoint, TERN_RIGHTS_ALL, BADGE));
    thread_start(thread_in_cspace(client_call, (uint64_t)&other_client, PRIORITY_LOW, cspace));
    WAIT_FOR(&other_client.done, 1);
    check_received(s, BADGE);
    check_echoed(&other_client);
}

/* A Call through cptr that must fail with error without reaching the
 * waiting server, which then serves a proper Call. */
static void check_call_refused(struct server *s, uint64_t cptr, enum tern_error error)
{
    uint64_t mr[TERN_MSG_REGISTERS] = { 1, 2, 3, 4 };
    CHECK_LABEL(tern_call(cptr, tern_message(LABEL, 0, 4), mr), error);
    sleep_ticks(1);
    CHECK_EQ(load(&s->received), 0);
    client_init(&client, s->endpoint);
    client_call((uint64_t)&client);
    check_echoed(&client);
    CHECK_EQ(load(&s->received), 1);
}

/* Breaks "the cptr's high bits match the guard" (the root CNode's guard
 * is 52 zero bits): the general path fails the lookup. */
static void call_with_a_guard_that_does_not_match(void)
{
    struct server *s = start_echo_server(PRIORITY_MIDDLE);
    check_call_refused(s, s->endpoint | 1ULL << 40, TERN_FAILED_LOOKUP);
}

/* Breaks "the endpoint capability has the Write right": the general path
 * refuses the Call. */
static void call_without_the_write_right(void)
{
    struct server *s = start_echo_server(PRIORITY_MIDDLE);
    check_call_refused(s, cap_copy(s->endpoint, TERN_RIGHTS_ALL & ~TERN_RIGHT_WRITE),
                       TERN_INVALID_CAPABILITY);
}

static void take_without_reply(uint64_t argument)
{
    struct server *s = (struct server *)argument;
    uint64_t badge = 0, mr[TERN_MSG_REGISTERS] = { 0 };
    warm_up(s);
    tern_message_info info = tern_recv(s->endpoint, 0, &badge, mr);
    record(s, info, badge, mr);
}

/* Breaks "the server has a reply object from its Recv": the message
 * arrives, and the caller waits for an answer nobody can give. */
static void call_to_a_server_without_reply_object(void)
{
    struct server *s = server_init();
    start_waiting(thread_new(take_without_reply, (uint64_t)s, PRIORITY_MIDDLE, 0), s);
    client_init(&client, cap_mint(s->endpoint, TERN_RIGHTS_ALL, BADGE));
    thread_spawn(client_call, (uint64_t)&client, PRIORITY_LOW, 0);
    WAIT_FOR(&s->received, 1);
    check_received(s, BADGE);
    check_still_waiting(&client);
}

/* Takes two Calls with the same reply object, then answers through it. */
static void take_two_then_reply(uint64_t argument)
{
    struct server *s = (struct server *)argument;
    uint64_t badge = 0, mr[TERN_MSG_REGISTERS] = { 0 };
    warm_up(s);
    for (int i = 0; i < 2; i++) {
        tern_message_info info = tern_recv(s->endpoint, s->reply, &badge, mr);
        record(s, info, badge, mr);
    }
    s->result = tern_message_label(tern_reply(s->reply, tern_message(ANSWER, 0, 0), 0));
    store(&s->done, 1);
}

/* Breaks "the server's reply object is free": it still holds the first
 * caller, whom the second Call's binding drops (never answered); the
 * answer goes to the second. */
static void call_to_a_server_whose_reply_holds_a_caller(void)
{
    struct server *s = server_init();
    start_waiting(thread_new(take_two_then_reply, (uint64_t)s, PRIORITY_MIDDLE, 0), s);
    client_init(&client, cap_mint(s->endpoint, TERN_RIGHTS_ALL, BADGE));
    thread_spawn(client_call, (uint64_t)&client, PRIORITY_LOW, 0);
    WAIT_FOR(&s->received, 1);
    sleep_ticks(1);             /* the server waits again */
    client_init(&other_client, cap_mint(s->endpoint, TERN_RIGHTS_ALL, OTHER_BADGE));
    thread_spawn(client_call, (uint64_t)&other_client, PRIORITY_LOW, 0);
    WAIT_FOR(&other_client.done, 1);
    check_received(s, OTHER_BADGE);
    CHECK_EQ(tern_message_label(other_client.info), ANSWER);
    CHECK_ERROR(s->result, TERN_OK);
    check_still_waiting(&client);
}

/* Breaks "the reply object is the server's own": while the server waits
 * with it, the root task takes and answers a Call through it, so its last
 * claim is the root task's. The
 * general path moves the claim to the new server, which then holds an
 * interrupt back until it answers. */
static void call_to_a_server_with_a_reply_claimed_by_another(void)
{
    struct server *s = server_init();
    server_holds_first_call(s);
    start_waiting(thread_new(echo_server, (uint64_t)s, PRIORITY_MIDDLE, 0), s);
    uint64_t first = object_new(TERN_OBJECT_ENDPOINT, 0);
    thread_spawn(client_call, (uint64_t)client_init(&other_client, first), PRIORITY_LOW, 0);
    receive_within(first, s->reply, 0, 0, WAIT_TICKS);
    CHECK_LABEL(tern_reply(s->reply, tern_message(ANSWER, 0, 0), 0), TERN_OK);
    WAIT_FOR(&other_client.done, 1);

    struct thread *caller = thread_spawn(client_call, (uint64_t)client_init(&client, s->endpoint),
                                         PRIORITY_LOW, 0);
    WAIT_FOR(&s->received, 1);
    CHECK_OK(tern_tcb_interrupt(caller->tcb));
    check_still_waiting(&client);
    tern_signal(s->release);
    WAIT_FOR(&client.done, 1);
    check_echoed(&client);
}

/* Breaks "no ready thread outranks the server": a Call to a low-priority
 * server while a middle-priority thread is ready runs the middle one
 * first, then the server. */
static void call_to_a_low_server_while_a_middle_thread_is_ready(void)
{
    static volatile uint64_t middle_at;
    struct server *s = start_echo_server(PRIORITY_LOW);
    sequence = middle_at = 0;
    thread_spawn(note_turn, (uint64_t)&middle_at, PRIORITY_MIDDLE, 0);  /* ready */
    client_init(&client, s->endpoint);
    client_call((uint64_t)&client);
    check_echoed(&client);
    CHECK_EQ(load(&middle_at), 1);
    CHECK_EQ(s->at, 2);
}

/* ---- Servers that follow their callers (docs/multicore.md) ---- */

/* Core 1 kept busy by a thread above every server: a server that answers
 * while it spins does so from another core. */
static volatile uint64_t spins;

static struct thread *occupy_core_1(void)
{
    spins = 0;
    struct thread *spinner = thread_spawn(count_forever, (uint64_t)&spins, PRIORITY_HIGH, 1);
    WAIT_FOR(&spins, 1);
    return spinner;
}

/* A server started on core 1 (whose first call it took there), waiting,
 * and allowed to follow callers to cores 0 and 1 if follow. */
static struct server *echo_server_on_core_1(bool follow)
{
    struct server *s = server_init();
    struct thread *thread = thread_new(echo_server, (uint64_t)s, PRIORITY_MIDDLE, 1);
    start_waiting(thread, s);
    if (follow)
        CHECK_OK(tern_tcb_set_affinity_following(thread->tcb, 1, 0x3));
    return s;
}

/* Not a broken precondition, the one that changed: a server waiting on
 * another core, whose affinity lets it follow its caller, takes the Call
 * on the caller's core. Core 1 is busy, so the answer can come only from
 * core 0; and the server stays there for the next calls. */
static void call_to_a_server_that_follows_its_caller(void)
{
    if (boot_info->cpu_count < 2)
        test_skip("needs 2 cores, has %lu", boot_info->cpu_count);
    struct server *s = echo_server_on_core_1(true);
    occupy_core_1();
    client_init(&client, cap_mint(s->endpoint, TERN_RIGHTS_ALL, BADGE));
    thread_spawn(client_call, (uint64_t)&client, PRIORITY_MIDDLE, 0);
    WAIT_FOR(&client.done, 1);
    check_received(s, BADGE);
    check_echoed(&client);
    for (uint64_t i = 0; i < 100; i++) {
        uint64_t mr[TERN_MSG_REGISTERS] = { i, 0, 0, 0 };
        CHECK_EQ(tern_message_label(tern_call(s->endpoint, tern_message(LABEL, 0, 1), mr)),
                 LABEL + 1);
        CHECK_EQ(mr[0], i + 1);
    }
    CHECK_EQ(load(&s->received), 101);
}

/* Breaks "the server may run on the caller's core": pinned to core 1, a
 * server is woken there, and answers only when that core is free. */
static void call_to_a_server_pinned_to_another_core(void)
{
    if (boot_info->cpu_count < 2)
        test_skip("needs 2 cores, has %lu", boot_info->cpu_count);
    struct server *s = echo_server_on_core_1(false);
    struct thread *spinner = occupy_core_1();
    client_init(&client, cap_mint(s->endpoint, TERN_RIGHTS_ALL, BADGE));
    thread_spawn(client_call, (uint64_t)&client, PRIORITY_MIDDLE, 0);
    check_still_waiting(&client);
    CHECK_EQ(load(&s->received), 0);
    CHECK_OK(tern_tcb_suspend(spinner->tcb));
    WAIT_FOR(&client.done, 1);
    check_received(s, BADGE);
    check_echoed(&client);
}

/* 20 Calls to fp_server, each with the caller's own d8 value, which the
 * caller finds again after the answer; the server saw its own every
 * time (its result stays 0). */
static void d8_round_trips(struct server *s)
{
    for (uint64_t round = 0; round < 20; round++) {
        write_d8(D8_CLIENT + round);
        CHECK_EQ(tern_message_label(tern_call(s->endpoint, tern_message(LABEL, 0, 0), 0)),
                 ANSWER);
        CHECK_EQ(read_d8(), D8_CLIENT + round);
    }
    write_d8(0);
    CHECK_EQ(load(&s->received), 20);
    CHECK_EQ(load(&s->result), 0);
}

/* Breaks "its FP/SIMD state is not live on its old core": a server that
 * used FP on core 1, then may follow callers, is moved by the general
 * path, which has core 1 save the state (an IPI) first; the server finds
 * its d8 on core 0, and the caller keeps its own. */
static void call_to_a_following_server_with_fp_state_on_its_core(void)
{
    if (boot_info->cpu_count < 2)
        test_skip("needs 2 cores, has %lu", boot_info->cpu_count);
    struct server *s = server_init();
    struct thread *thread = thread_new(fp_server, (uint64_t)s, PRIORITY_MIDDLE, 1);
    start_waiting(thread, s);
    CHECK_OK(tern_tcb_set_affinity_following(thread->tcb, 1, 0x3));
    occupy_core_1();
    d8_round_trips(s);
}

/* Breaks "the server has a VSpace" (its capability revoked while it
 * waited): the message still reaches the server's registers and the
 * caller waits for the answer; the server faults when it runs. */
static void call_to_a_server_without_vspace(void)
{
    struct fault_handler h = fault_handler_new();
    struct server *s = server_init();
    struct thread *thread = thread_new(echo_server, (uint64_t)s, PRIORITY_MIDDLE, 0);
    uint64_t vspace = give_revocable_vspace(thread, &h);
    start_waiting(thread, s);
    CHECK_OK(tern_cnode_revoke(ROOT_CNODE, vspace, ROOT_DEPTH));
    client_init(&client, cap_mint(s->endpoint, TERN_RIGHTS_ALL, BADGE));
    thread_spawn(client_call, (uint64_t)&client, PRIORITY_LOW, 0);
    struct tern_user_registers registers;
    check_faults_without_vspace(&h, thread, &registers);
    CHECK_EQ(registers.x[0], BADGE);
    CHECK_EQ(tern_message_label(registers.x[1]), LABEL);
    for (unsigned i = 0; i < TERN_MSG_REGISTERS; i++)
        CHECK_EQ(registers.x[2 + i], i + 1);
    CHECK_EQ(load(&s->received), 0);
    check_still_waiting(&client);
}

static void take_and_read_window(uint64_t argument)
{
    struct server *s = (struct server *)argument;
    uint64_t badge = 0, mr[TERN_MSG_REGISTERS] = { 0 }, copied = 0;
    warm_up(s);
    tern_message_info info = tern_recv(s->endpoint, s->reply, &badge, mr);
    record(s, info, badge, mr);
    s->result = tern_reply_read_window(s->reply, 0, 0, 8, s->buffer, &copied);
    tern_reply(s->reply, tern_message(ANSWER, 0, 0), 0);
}

/* Breaks "a Call that names windows comes with an IPC buffer" (the
 * caller's buffer frame capability revoked): the server sees the window
 * count the caller named, but the kernel had no windows to take, so
 * reading one is out of range; the answer arrives. */
static void call_with_windows_without_ipc_buffer(void)
{
    struct server *s = server_init();
    s->buffer = pages_new(1, RIGHTS_RW, 0);
    start_waiting(thread_new(take_and_read_window, (uint64_t)s, PRIORITY_MIDDLE, 0), s);
    client_init(&client, s->endpoint)->windows = 1;
    client.window = pages_new(1, RIGHTS_RW, 0);
    struct thread *caller = thread_new(client_call, (uint64_t)&client, PRIORITY_LOW, 0);
    uint64_t frame = cap_copy(caller->ipc_frame, TERN_RIGHTS_ALL);
    CHECK_OK(tern_tcb_configure(caller->tcb, 0, ROOT_CNODE, ROOT_VSPACE, frame,
                                caller->ipc_buffer));
    CHECK_OK(tern_cnode_revoke(ROOT_CNODE, frame, ROOT_DEPTH));
    thread_start(caller);
    WAIT_FOR(&client.done, 1);
    CHECK_EQ(tern_message_label(client.info), ANSWER);
    check_received(s, 0);
    CHECK_EQ(tern_message_windows(s->info), 1);
    CHECK_ERROR(s->result, TERN_RANGE_ERROR);
}

/* ---- ReplyRecv ---- */

static void answer_with_a_capability(uint64_t argument)
{
    struct server *s = (struct server *)argument;
    uint64_t badge = 0, mr[TERN_MSG_REGISTERS] = { 0 };
    warm_up(s);
    tern_message_info info = tern_recv(s->endpoint, s->reply, &badge, mr);
    record(s, info, badge, mr);
    tern_set_cap(0, s->given);
    tern_reply_recv(s->endpoint, s->reply, tern_message(ANSWER, 1, 0), &badge, mr);
}

/* Breaks "a short message" (a capability in the answer): the general
 * path transfers it to the caller's receive slot. */
static void reply_recv_with_a_capability(void)
{
    struct server *s = server_init();
    s->given = object_new(TERN_OBJECT_NOTIFICATION, 0);
    start_waiting(thread_new(answer_with_a_capability, (uint64_t)s, PRIORITY_MIDDLE, 0), s);
    uint64_t slot = slot_new();
    tern_set_receive_slot(ROOT_CNODE, slot, ROOT_DEPTH);
    uint64_t mr[TERN_MSG_REGISTERS] = { 1, 2, 3, 4 };
    tern_message_info info = tern_call(s->endpoint, tern_message(LABEL, 0, 4), mr);
    CHECK_EQ(tern_message_label(info), ANSWER);
    CHECK_EQ(tern_message_caps(info), 1);
    CHECK(slot_holds(slot, TERN_OBJECT_NOTIFICATION));
}

/* Breaks "the server's capabilities are found by single-level lookup":
 * the server's CSpace has two levels; every answer arrives. */
static void reply_recv_through_a_two_level_cspace(void)
{
    struct server *s = server_init();
    start_waiting(thread_in_cspace(echo_server, (uint64_t)s, PRIORITY_MIDDLE, two_level_cspace()),
                  s);
    for (int round = 0; round < 2; round++) {
        client_init(&client, s->endpoint);
        client_call((uint64_t)&client);
        check_echoed(&client);
    }
    CHECK_EQ(load(&s->received), 2);
}

/* Takes one Call, answers it by ReplyRecv through wrong_endpoint and
 * wrong_reply (noting what that returned), then by Reply. */
static void answer_through_wrong_caps(uint64_t argument)
{
    struct server *s = (struct server *)argument;
    uint64_t badge = 0, mr[TERN_MSG_REGISTERS] = { 0 };
    warm_up(s);
    tern_message_info info = tern_recv(s->endpoint, s->reply, &badge, mr);
    record(s, info, badge, mr);
    info = tern_reply_recv(s->wrong_endpoint, s->wrong_reply,
                           tern_message(WRONG_ANSWER, 0, 0), &badge, mr);
    s->result = tern_message_label(info);
    store(&s->done, 1);
    tern_reply(s->reply, tern_message(ANSWER, 0, 0), 0);
}

/* Call the server, which answers through wrong caps; returns the label. */
static uint64_t call_wrongly_answered(struct server *s)
{
    start_waiting(thread_new(answer_through_wrong_caps, (uint64_t)s, PRIORITY_MIDDLE, 0), s);
    uint64_t mr[TERN_MSG_REGISTERS] = { 1, 2, 3, 4 };
    uint64_t label = tern_message_label(tern_call(s->endpoint, tern_message(LABEL, 0, 4), mr));
    WAIT_FOR(&s->done, 1);
    return label;
}

/* Breaks "the reply capability is a Reply object": the general path
 * answers nobody and fails the receive at once; the Reply then answers. */
static void reply_recv_with_a_non_reply_capability(void)
{
    struct server *s = server_init();
    s->wrong_endpoint = s->endpoint;
    s->wrong_reply = notification_with_a_word();
    CHECK_EQ(call_wrongly_answered(s), ANSWER);
    CHECK_ERROR(s->result, TERN_INVALID_CAPABILITY);
}

/* Breaks "the endpoint capability has the Read right": the general path
 * answers the caller, then fails the receive at once. */
static void reply_recv_without_the_read_right(void)
{
    struct server *s = server_init();
    s->wrong_endpoint = cap_copy(s->endpoint, TERN_RIGHTS_ALL & ~TERN_RIGHT_READ);
    s->wrong_reply = s->reply;
    CHECK_EQ(call_wrongly_answered(s), WRONG_ANSWER);
    CHECK_ERROR(s->result, TERN_INVALID_CAPABILITY);
}

/* Breaks "the reply object has a caller": a server that starts with
 * ReplyRecv answers nobody and waits; its first call is served. */
static void reply_recv_with_no_caller_bound(void)
{
    struct server *s = server_init();
    s->starts_with_reply_recv = true;
    start_waiting(thread_new(echo_server, (uint64_t)s, PRIORITY_MIDDLE, 0), s);
    client_init(&client, s->endpoint);
    client_call((uint64_t)&client);
    check_echoed(&client);
    CHECK_EQ(load(&s->received), 1);
}

static volatile uint64_t system_call_result, system_call_done;

/* svc with a number no system call has: an UnknownSyscall fault. */
static void unknown_system_call(uint64_t unused)
{
    (void)unused;
    register uint64_t x0 __asm__("x0") = 0x5a;
    __asm__ volatile("svc #0x1ff" : "+r"(x0) : : "x1", "x2", "x3", "x4", "x5", "x6", "x7",
                     "memory");
    store(&system_call_result, x0);
    store(&system_call_done, 1);
}

static void answer_a_fault(uint64_t argument)
{
    struct server *s = (struct server *)argument;
    uint64_t badge = 0, mr[TERN_MSG_REGISTERS] = { 0 };
    warm_up(s);
    tern_message_info info = tern_recv(s->endpoint, s->reply, &badge, mr);
    record(s, info, badge, mr);
    mr[0] = FAULT_ANSWER;       /* the faulting thread's new x0 */
    tern_reply_recv(s->endpoint, s->reply, tern_message(0, 0, 1), &badge, mr);
}

/* Breaks "the caller has no fault pending": a fault handler answering by
 * ReplyRecv resumes the thread with the registers its answer sets. */
static void reply_recv_answers_a_fault(void)
{
    struct server *s = server_init();
    start_waiting(thread_new(answer_a_fault, (uint64_t)s, PRIORITY_MIDDLE, 0), s);
    system_call_result = system_call_done = 0;
    struct thread *thread = thread_new(unknown_system_call, 0, PRIORITY_LOW, 0);
    CHECK_OK(tern_tcb_set_fault_handler(thread->tcb,
                                        cap_mint(s->endpoint, TERN_RIGHT_WRITE, FAULT_BADGE)));
    thread_start(thread);
    WAIT_FOR(&system_call_done, 1);
    CHECK_EQ(tern_message_label(s->info), TERN_FAULT_UNKNOWN_SYSCALL);
    CHECK_EQ(s->badge, FAULT_BADGE);
    CHECK_EQ(s->mr[0], 0x5a);
    CHECK_EQ(load(&system_call_result), FAULT_ANSWER);
}

/* Breaks "no sender queued": the ReplyRecv answers the first caller and
 * takes the queued one's Call at once. */
static void reply_recv_takes_a_queued_caller(void)
{
    struct server *s = server_init();
    server_holds_first_call(s);
    start_waiting(thread_new(echo_server, (uint64_t)s, PRIORITY_MIDDLE, 0), s);
    client_init(&client, cap_mint(s->endpoint, TERN_RIGHTS_ALL, BADGE));
    thread_spawn(client_call, (uint64_t)&client, PRIORITY_LOW, 0);
    WAIT_FOR(&s->received, 1);
    client_init(&other_client, cap_mint(s->endpoint, TERN_RIGHTS_ALL, OTHER_BADGE));
    thread_spawn(client_call, (uint64_t)&other_client, PRIORITY_LOW, 0);
    check_still_waiting(&other_client);     /* queued */
    tern_signal(s->release);
    WAIT_FOR(&client.done, 1);
    WAIT_FOR(&other_client.done, 1);
    check_echoed(&client);
    check_echoed(&other_client);
    CHECK_EQ(load(&s->received), 2);
    check_received(s, OTHER_BADGE);
}

/* Takes a first Call and parks it (a Recv with other_reply takes the
 * second), claims the first again with Reply_SetInterruptedResult, waits
 * for release, then receives: ReplyRecv answering the second, or Recv. */
static void park_claim_and_receive(uint64_t argument)
{
    struct server *s = (struct server *)argument;
    uint64_t badge = 0, mr[TERN_MSG_REGISTERS] = { 0 };
    warm_up(s);
    tern_message_info info = tern_recv(s->endpoint, s->reply, &badge, mr);
    record(s, info, badge, mr);
    info = tern_recv(s->endpoint, s->other_reply, &badge, mr);
    record(s, info, badge, mr);
    s->result = tern_reply_set_interrupted_result(s->reply, INTERRUPTED_RESULT);
    uint64_t word;
    tern_wait(s->hold, &word);
    if (s->last_receive_is_recv)
        tern_recv(s->endpoint, s->spare_reply, 0, 0);
    else
        tern_reply_recv(s->endpoint, s->other_reply, tern_message(ANSWER, 0, 0), 0, 0);
}

/* The server holds an interrupt deferred to it (the first caller's, held
 * by its claim); its next receive ends the claim, and the first Call
 * with the result left with the reply. */
static void receive_delivers_a_deferred_interrupt(bool recv)
{
    struct server *s = server_init();
    server_holds_first_call(s);
    s->other_reply = object_new(TERN_OBJECT_REPLY, 0);
    s->spare_reply = object_new(TERN_OBJECT_REPLY, 0);
    s->last_receive_is_recv = recv;
    start_waiting(thread_new(park_claim_and_receive, (uint64_t)s, PRIORITY_MIDDLE, 0), s);
    struct thread *first = thread_spawn(client_call, (uint64_t)client_init(&client, s->endpoint),
                                        PRIORITY_LOW, 0);
    WAIT_FOR(&s->received, 1);
    sleep_ticks(1);
    thread_spawn(client_call, (uint64_t)client_init(&other_client, s->endpoint), PRIORITY_LOW, 0);
    WAIT_FOR(&s->received, 2);
    CHECK_ERROR(s->result, TERN_OK);
    if (recv) {
        static volatile uint64_t spins;
        thread_spawn(count_forever, (uint64_t)&spins, PRIORITY_LOW, 0);   /* ready for Recv */
    }
    CHECK_OK(tern_tcb_interrupt(first->tcb));
    check_still_waiting(&client);
    tern_signal(s->release);
    WAIT_FOR(&client.done, 1);
    CHECK_LABEL(client.info, TERN_INTERRUPTED);
    CHECK_EQ(tern_message_length(client.info), 1);
    CHECK_EQ(client.mr0, INTERRUPTED_RESULT);
    if (recv) {
        check_still_waiting(&other_client);
    } else {
        WAIT_FOR(&other_client.done, 1);
        CHECK_EQ(tern_message_label(other_client.info), ANSWER);
    }
}

/* Breaks "no interrupt deferred to the server", for ReplyRecv. */
static void reply_recv_delivers_a_deferred_interrupt(void)
{
    receive_delivers_a_deferred_interrupt(false);
}

/* Breaks "no pending word on a notification bound to the server": the
 * ReplyRecv answers the caller, then returns the word at once (badge =
 * word, message info 0). */
static void reply_recv_returns_a_pending_bound_notification(void)
{
    struct server *s = server_init();
    server_holds_first_call(s);
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    struct thread *thread = thread_new(echo_server, (uint64_t)s, PRIORITY_MIDDLE, 0);
    CHECK_OK(tern_tcb_bind_notification(thread->tcb, notification));
    start_waiting(thread, s);
    thread_spawn(client_call, (uint64_t)client_init(&client, s->endpoint), PRIORITY_LOW, 0);
    WAIT_FOR(&s->received, 1);
    CHECK_LABEL(tern_signal(cap_mint(notification, RIGHTS_RW, 0x4)), TERN_OK);
    tern_signal(s->release);
    WAIT_FOR(&client.done, 1);
    check_echoed(&client);
    WAIT_FOR(&s->received, 2);
    CHECK_EQ(s->badge, 0x4);
    CHECK_EQ(s->info, 0);
}

/* Breaks "no ready thread outranks the caller": the high-priority server
 * makes a middle-priority thread ready, then answers a low-priority
 * caller: the middle one runs first, then the caller. */
static void reply_to_a_low_caller_while_a_middle_thread_is_ready(void)
{
    static volatile uint64_t middle_at;
    struct server *s = server_init();
    s->resume = thread_new(note_turn, (uint64_t)&middle_at, PRIORITY_MIDDLE, 0)->tcb;
    start_waiting(thread_new(echo_server, (uint64_t)s, PRIORITY_HIGH, 0), s);
    sequence = middle_at = 0;
    thread_spawn(client_call, (uint64_t)client_init(&client, s->endpoint), PRIORITY_LOW, 0);
    WAIT_FOR(&client.done, 1);
    check_echoed(&client);
    CHECK_EQ(s->at, 1);
    CHECK_EQ(load(&middle_at), 2);
    CHECK_EQ(client.at, 3);
}

/* Breaks "the caller has a VSpace" (revoked while it waited for the
 * answer): the answer reaches its registers, it faults when it runs, and
 * the server waits for its next call. */
static void reply_recv_to_a_caller_without_vspace(void)
{
    struct fault_handler h = fault_handler_new();
    struct server *s = server_init();
    server_holds_first_call(s);
    start_waiting(thread_new(echo_server, (uint64_t)s, PRIORITY_MIDDLE, 0), s);
    struct thread *caller = thread_new(client_call, (uint64_t)client_init(&client, s->endpoint),
                                       PRIORITY_LOW, 0);
    uint64_t vspace = give_revocable_vspace(caller, &h);
    thread_start(caller);
    WAIT_FOR(&s->received, 1);
    CHECK_OK(tern_cnode_revoke(ROOT_CNODE, vspace, ROOT_DEPTH));
    tern_signal(s->release);
    struct tern_user_registers registers;
    check_faults_without_vspace(&h, caller, &registers);
    CHECK_EQ(tern_message_label(registers.x[1]), LABEL + 1);
    for (unsigned i = 0; i < TERN_MSG_REGISTERS; i++)
        CHECK_EQ(registers.x[2 + i], i + 2);
    CHECK_EQ(load(&client.done), 0);
    client_init(&other_client, s->endpoint);
    client_call((uint64_t)&other_client);
    check_echoed(&other_client);
}

/* ---- Recv (the root task receives, a lower-priority thread ready) ---- */

/* A thread ready on the root task's core below it: it runs only if the
 * root task blocks, and then sends RESCUE to the endpoint, so that a
 * receive that wrongly blocked fails a check instead of hanging. */
struct rescuer {
    uint64_t endpoint;
    volatile uint64_t ran;
};

static struct rescuer rescuer;

static void rescue(uint64_t argument)
{
    struct rescuer *r = (struct rescuer *)argument;
    store(&r->ran, 1);
    tern_nb_send(r->endpoint, tern_message(RESCUE, 0, 0), 0);
}

static struct thread *rescuer_ready(uint64_t endpoint)
{
    rescuer = (struct rescuer){ endpoint, 0 };
    return thread_spawn(rescue, (uint64_t)&rescuer, PRIORITY_LOW, 0);
}

/* Breaks "the capabilities are usable" (a guard that does not match, a
 * reply capability that is no Reply object, no Read right): each Recv
 * fails at once and the ready thread never runs. */
static void recv_with_unusable_capabilities(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t write_only = cap_copy(endpoint, TERN_RIGHTS_ALL & ~TERN_RIGHT_READ);
    rescuer_ready(endpoint);
    CHECK_LABEL(tern_recv(endpoint | 1ULL << 40, reply, 0, 0), TERN_FAILED_LOOKUP);
    CHECK_LABEL(tern_recv(endpoint, reply | 1ULL << 40, 0, 0), TERN_FAILED_LOOKUP);
    CHECK_LABEL(tern_recv(endpoint, notification_with_a_word(), 0, 0), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_recv(write_only, reply, 0, 0), TERN_INVALID_CAPABILITY);
    CHECK_EQ(load(&rescuer.ran), 0);
}

/* Breaks "the next thread is not marked": it goes to its interrupt entry
 * (upcall entry + 8) before its own code, as the general way out does. */
static void recv_diverts_a_marked_ready_thread(void)
{
    interrupt_record = (struct interrupt_record){ 0 };
    CHECK_OK(tern_vspace_set_upcall(ROOT_VSPACE, (uint64_t)interrupt_upcall_table));
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    CHECK_OK(tern_tcb_interrupt(rescuer_ready(endpoint)->tcb));
    CHECK_EQ(tern_message_label(tern_recv(endpoint, reply, 0, 0)), RESCUE);
    CHECK_EQ(load(&interrupt_record.entries), 1);
}

/* Breaks "the server is not marked": its Recv blocks as any other and the
 * mark stays (its next Wait that would block ends at once). The fast path
 * gives the same outcome (see the head of the file). */
static void recv_by_a_marked_server(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t timer = object_new(TERN_OBJECT_NOTIFICATION, 0);
    rescuer_ready(endpoint);
    CHECK_OK(tern_tcb_interrupt(ROOT_TCB));
    CHECK_EQ(tern_message_label(tern_recv(endpoint, reply, 0, 0)), RESCUE);
    uint64_t word = 0;
    tern_notification_set_timeout(timer, tern_counter_now() + tern_counter_frequency() / 10, 1);
    tern_message_info info = tern_wait(timer, &word);
    tern_notification_set_timeout(timer, 0, 0);
    CHECK_LABEL(info, TERN_INTERRUPTED);
}

/* Breaks "the server may wait at once" (a sender queued): the Recv takes
 * its message at once. */
static void recv_takes_a_queued_sender(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    client_init(&client, cap_mint(endpoint, TERN_RIGHTS_ALL, BADGE));
    thread_spawn(client_send, (uint64_t)&client, PRIORITY_LOW, 0);
    check_still_waiting(&client);
    rescuer_ready(endpoint);
    uint64_t badge = 0, mr[TERN_MSG_REGISTERS] = { 0 };
    tern_message_info info = tern_recv(endpoint, reply, &badge, mr);
    CHECK_EQ(tern_message_label(info), LABEL);
    CHECK_EQ(badge, BADGE);
    CHECK_EQ(mr[3], 4);
    CHECK_EQ(load(&rescuer.ran), 0);
    WAIT_FOR(&client.done, 1);
}

/* Breaks "no pending word on a bound notification": the Recv returns the
 * word at once (badge = word, message info 0). */
static void recv_returns_a_pending_bound_notification(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    CHECK_OK(tern_tcb_bind_notification(ROOT_TCB, notification));
    tern_signal(cap_mint(notification, RIGHTS_RW, 0x4));
    rescuer_ready(endpoint);
    uint64_t badge = 0;
    tern_message_info info = tern_recv(endpoint, reply, &badge, 0);
    CHECK_OK(tern_tcb_unbind_notification(ROOT_TCB));
    CHECK_EQ(info, 0);
    CHECK_EQ(badge, 0x4);
    CHECK_EQ(load(&rescuer.ran), 0);
}

/* Breaks "no interrupt deferred to the server", for Recv. */
static void recv_delivers_a_deferred_interrupt(void)
{
    receive_delivers_a_deferred_interrupt(true);
}

/* Breaks "the next thread has a VSpace" (revoked before it ever ran): the
 * root task blocks, the thread runs and faults to the endpoint the root
 * task receives on. */
static void recv_switches_to_a_thread_without_vspace(void)
{
    static volatile uint64_t ran;
    ran = 0;
    struct fault_handler h = fault_handler_new();
    struct thread *thread = thread_new(note_turn, (uint64_t)&ran, PRIORITY_LOW, 0);
    uint64_t vspace = give_revocable_vspace(thread, &h);
    thread_start(thread);
    CHECK_OK(tern_cnode_revoke(ROOT_CNODE, vspace, ROOT_DEPTH));
    struct tern_user_registers registers;
    CHECK_OK(tern_tcb_read_registers(thread->tcb, &registers));
    uint64_t badge = 0, mr[TERN_MSG_REGISTERS] = { 0 };
    tern_message_info info = tern_recv(h.endpoint, h.reply, &badge, mr);
    CHECK_EQ(tern_message_label(info), TERN_FAULT_VM);
    CHECK_EQ(badge, FAULT_BADGE);
    CHECK_EQ(mr[0], registers.pc);
    CHECK_EQ(load(&ran), 0);
}

/* ---- Reply ---- */

/* Takes one Call and answers it with Reply: through given (noting what
 * that returned) if it is not 0, then through its reply object with
 * eight registers. */
static void answer_by_reply(uint64_t argument)
{
    struct server *s = (struct server *)argument;
    uint64_t badge = 0, mr[TERN_MSG_REGISTERS] = { 0 };
    warm_up(s);
    tern_message_info info = tern_recv(s->endpoint, s->reply, &badge, mr);
    record(s, info, badge, mr);
    if (s->given)
        s->result = tern_message_label(tern_reply(s->given, tern_message(WRONG_ANSWER, 0, 0), 0));
    for (unsigned i = 0; i < 8; i++) {
        if (i < TERN_MSG_REGISTERS)
            mr[i] = 0x100 + i;
        else
            tern_set_mr(i, 0x100 + i);
    }
    tern_reply(s->reply, tern_message(ANSWER, 0, 8), mr);
}

/* Call the server (answer_by_reply) and check its eight registers. */
static void check_answered_by_reply(struct server *s)
{
    start_waiting(thread_new(answer_by_reply, (uint64_t)s, PRIORITY_MIDDLE, 0), s);
    uint64_t mr[TERN_MSG_REGISTERS] = { 1, 2, 3, 4 };
    tern_message_info info = tern_call(s->endpoint, tern_message(LABEL, 0, 4), mr);
    CHECK_EQ(tern_message_label(info), ANSWER);
    CHECK_EQ(tern_message_length(info), 8);
    for (unsigned i = 0; i < 8; i++)
        CHECK_EQ(i < TERN_MSG_REGISTERS ? mr[i] : tern_get_mr(i), 0x100 + i);
}

/* Breaks "a short message" (eight registers): the general path copies
 * the four beyond the registers through the IPC buffers. */
static void reply_with_more_than_four_registers(void)
{
    check_answered_by_reply(server_init());
}

/* Breaks "a Reply capability": Reply through a notification fails and
 * answers nobody; the proper Reply then answers. */
static void reply_with_a_non_reply_capability(void)
{
    struct server *s = server_init();
    s->given = notification_with_a_word();
    check_answered_by_reply(s);
    CHECK_ERROR(s->result, TERN_INVALID_CAPABILITY);
}

/* ---- Invocations of a Reply object ---- */

/* Breaks "a short message without windows" three ways (a fifth argument,
 * a window count, a capability): each window read still reads the
 * caller's window. */
static void reply_invocations_with_long_messages(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t *window = (uint64_t *)pages_new(1, RIGHTS_RW, 0);
    uint64_t *buffer = (uint64_t *)pages_new(1, RIGHTS_RW, 0);
    for (unsigned i = 0; i < 8; i++)
        window[i] = 0x5100 + i;
    client_init(&client, endpoint)->windows = 1;
    client.window = (uint64_t)window;
    thread_spawn(client_call, (uint64_t)&client, PRIORITY_LOW, 0);
    receive_within(endpoint, reply, 0, 0, WAIT_TICKS);

    const tern_message_info read = tern_message(TERN_REPLY_READ_WINDOW, 0, 4);
    const tern_message_info infos[3] = {
        tern_message(TERN_REPLY_READ_WINDOW, 0, 5),
        tern_message_with_windows(read, 1),
        tern_message(TERN_REPLY_READ_WINDOW, 1, 4),
    };
    tern_set_mr(4, 0);
    tern_set_cap(0, ROOT_TCB);
    for (unsigned i = 0; i < 3; i++) {
        uint64_t mr[TERN_MSG_REGISTERS] = { 0, 8 * i, 8, (uint64_t)&buffer[i] };
        tern_message_info info = tern_call(reply, infos[i], mr);
        CHECK_LABEL(info, TERN_OK);
        CHECK_EQ(mr[0], 8);
        CHECK_EQ(buffer[i], 0x5100 + i);
    }
    tern_reply(reply, tern_message(ANSWER, 0, 0), 0);
    WAIT_FOR(&client.done, 1);
    CHECK_EQ(tern_message_label(client.info), ANSWER);
}

/* ---- FP/SIMD across Call and ReplyRecv ---- */

/* The test is built without FP code: d8 is moved from general registers. */
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

/* Answers every call; each time checks that d8 is what it left there
 * (result counts the times it was not), and leaves a new value. */
static void fp_server(uint64_t argument)
{
    struct server *s = (struct server *)argument;
    uint64_t d8 = D8_SERVER;
    write_d8(d8);
    warm_up(s);
    tern_recv(s->endpoint, s->reply, 0, 0);
    for (;;) {
        if (read_d8() != d8)
            fetch_add(&s->result, 1);
        write_d8(++d8);
        fetch_add(&s->received, 1);
        tern_reply_recv(s->endpoint, s->reply, tern_message(ANSWER, 0, 0), 0, 0);
    }
}

/* Not a broken precondition: the fast paths switch threads without
 * saving FP/SIMD registers (each core's registers stay with their owner
 * until another thread traps on them). Two users of d8 on one core, each
 * switching to the other by Call and ReplyRecv, keep their own. */
static void fp_registers_kept_across_call_and_reply_recv(void)
{
    struct server *s = server_init();
    start_waiting(thread_new(fp_server, (uint64_t)s, PRIORITY_MIDDLE, 0), s);
    d8_round_trips(s);
}

const struct test_case fastpath_tests[] = {
    { "call_with_more_than_four_registers", call_with_more_than_four_registers },
    { "call_with_a_capability", call_with_a_capability },
    { "call_by_a_marked_caller", call_by_a_marked_caller },
    { "call_through_a_two_level_cspace", call_through_a_two_level_cspace },
    { "call_with_a_guard_that_does_not_match", call_with_a_guard_that_does_not_match },
    { "call_without_the_write_right", call_without_the_write_right },
    { "call_to_a_server_without_reply_object", call_to_a_server_without_reply_object },
    { "call_to_a_server_whose_reply_holds_a_caller", call_to_a_server_whose_reply_holds_a_caller },
    { "call_to_a_server_with_a_reply_claimed_by_another",
      call_to_a_server_with_a_reply_claimed_by_another },
    { "call_to_a_low_server_while_a_middle_thread_is_ready",
      call_to_a_low_server_while_a_middle_thread_is_ready },
    { "call_to_a_server_that_follows_its_caller", call_to_a_server_that_follows_its_caller },
    { "call_to_a_server_pinned_to_another_core", call_to_a_server_pinned_to_another_core },
    { "call_to_a_following_server_with_fp_state_on_its_core",
      call_to_a_following_server_with_fp_state_on_its_core },
    { "call_to_a_server_without_vspace", call_to_a_server_without_vspace },
    { "call_with_windows_without_ipc_buffer", call_with_windows_without_ipc_buffer },
    { "reply_recv_with_a_capability", reply_recv_with_a_capability },
    { "reply_recv_through_a_two_level_cspace", reply_recv_through_a_two_level_cspace },
    { "reply_recv_with_a_non_reply_capability", reply_recv_with_a_non_reply_capability },
    { "reply_recv_without_the_read_right", reply_recv_without_the_read_right },
    { "reply_recv_with_no_caller_bound", reply_recv_with_no_caller_bound },
    { "reply_recv_answers_a_fault", reply_recv_answers_a_fault },
    { "reply_recv_takes_a_queued_caller", reply_recv_takes_a_queued_caller },
    { "reply_recv_delivers_a_deferred_interrupt", reply_recv_delivers_a_deferred_interrupt },
    { "reply_recv_returns_a_pending_bound_notification",
      reply_recv_returns_a_pending_bound_notification },
    { "reply_to_a_low_caller_while_a_middle_thread_is_ready",
      reply_to_a_low_caller_while_a_middle_thread_is_ready },
    { "reply_recv_to_a_caller_without_vspace", reply_recv_to_a_caller_without_vspace },
    { "recv_with_unusable_capabilities", recv_with_unusable_capabilities },
    { "recv_diverts_a_marked_ready_thread", recv_diverts_a_marked_ready_thread },
    { "recv_by_a_marked_server", recv_by_a_marked_server },
    { "recv_takes_a_queued_sender", recv_takes_a_queued_sender },
    { "recv_returns_a_pending_bound_notification", recv_returns_a_pending_bound_notification },
    { "recv_delivers_a_deferred_interrupt", recv_delivers_a_deferred_interrupt },
    { "recv_switches_to_a_thread_without_vspace", recv_switches_to_a_thread_without_vspace },
    { "reply_with_more_than_four_registers", reply_with_more_than_four_registers },
    { "reply_with_a_non_reply_capability", reply_with_a_non_reply_capability },
    { "reply_invocations_with_long_messages", reply_invocations_with_long_messages },
    { "fp_registers_kept_across_call_and_reply_recv",
      fp_registers_kept_across_call_and_reply_recv },
    TEST_SUITE_END,
};
