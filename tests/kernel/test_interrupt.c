/* TCB_Interrupt: ending blocked Calls and Waits, the claims that hold an
 * interrupt back while a server answers, and the interrupt entry of the
 * Linux upcall. The root task plays the server where it can: it receives
 * with NBRecv (receive_within), and each receive ends its claims. */
#include "ktest.h"

_Static_assert(TERN_SYS_UPCALL_RETURN == 12, "interrupt_upcall.S hard-codes svc #(0x100 + 12)");
_Static_assert(TERN_UPCALL_INTERRUPT_OFFSET == 8, "interrupt_upcall.S's table");

#define ANSWER_LABEL    0x600d
#define WINDOW_LENGTH   64

/* ---- A caller: Calls an endpoint, or Waits on a notification ---- */

struct caller {
    uint64_t endpoint;              /* or the notification, for waiter() */
    uint64_t window;                /* 0, or the address of a readable window */
    volatile uint64_t calls_done;
    volatile uint64_t info[4];      /* what each call returned in x1 */
    volatile uint64_t result[4];    /* and in MR0 */
    volatile uint64_t word;         /* what waiter() got in x0 */
};

static struct caller c;

static void caller_new(uint64_t endpoint)
{
    c = (struct caller){ 0 };
    c.endpoint = endpoint;
}

/* Calls until calls_done reaches count. */
static void caller(uint64_t count)
{
    for (unsigned i = 0; i < count; i++) {
        uint64_t mr[TERN_MSG_REGISTERS] = { 0x11, 0x22, 0, 0 };
        tern_message_info info = tern_message(0x1ab, 0, 2);
        if (c.window) {
            tern_set_window(0, c.window, WINDOW_LENGTH, TERN_WINDOW_READ);
            info = tern_message_with_windows(info, 1);
        }
        c.info[i] = tern_call(c.endpoint, info, mr);
        c.result[i] = mr[0];
        store(&c.calls_done, i + 1);
    }
}

static void waiter(uint64_t unused)
{
    (void)unused;
    uint64_t word = 0x5a5a;
    c.info[0] = tern_wait(c.endpoint, &word);
    c.word = word;
    store(&c.calls_done, 1);
}

static void check_interrupted(unsigned call)
{
    CHECK_LABEL(c.info[call], TERN_INTERRUPTED);
    CHECK_EQ(tern_message_length(c.info[call]), 0);
}

/* The caller has not returned from its call (given a tick to do so). */
static void check_still_waiting(uint64_t calls_done)
{
    sleep_ticks(2);
    CHECK_EQ(load(&c.calls_done), calls_done);
}

/* Reply says whether a caller took the answer. */
static tern_message_info answer(uint64_t reply)
{
    uint64_t mr[TERN_MSG_REGISTERS] = { 0 };
    return tern_reply(reply, tern_message(ANSWER_LABEL, 0, 0), mr);
}

/* The root task receives the caller's Call with reply: the root claims it. */
static void receive_call(uint64_t endpoint, uint64_t reply)
{
    tern_message_info info = receive_within(endpoint, reply, 0, 0, WAIT_TICKS);
    CHECK_EQ(tern_message_label(info), 0x1ab);
}

/* A receive that finds nothing: the root task's claims end. */
static void park(uint64_t endpoint, uint64_t other_reply)
{
    CHECK_EQ(tern_nb_recv(endpoint, other_reply, 0, 0), 0);
}

/* ---- Blocked Calls and Waits ---- */

/* A Call no server has taken leaves the endpoint's queue and returns
 * TERN_INTERRUPTED; the mark is used up, so the next Call is normal. */
static void call_without_receiver_is_interrupted(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    caller_new(endpoint);
    struct thread *t = thread_spawn(caller, 2, PRIORITY_LOW, 0);
    check_still_waiting(0);
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    WAIT_FOR(&c.calls_done, 1);
    check_interrupted(0);

    receive_call(endpoint, reply);      /* the second Call, queued normally */
    answer(reply);
    WAIT_FOR(&c.calls_done, 2);
    CHECK_LABEL(c.info[1], ANSWER_LABEL);
    /* Nobody waits on the endpoint any more. */
    CHECK_EQ(tern_nb_recv(endpoint, reply, 0, 0), 0);
}

/* A Wait returns word 0 and TERN_INTERRUPTED in x1 (a Wait that got a
 * word returns x1 = 0). */
static void wait_is_interrupted(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    caller_new(notification);
    struct thread *t = thread_spawn(waiter, 0, PRIORITY_LOW, 0);
    check_still_waiting(0);
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    WAIT_FOR(&c.calls_done, 1);
    check_interrupted(0);
    CHECK_EQ(c.word, 0);
    /* Out of the queue: a Signal now stays in the word. */
    CHECK_LABEL(tern_signal(notification), 0);
    uint64_t word = 0;
    tern_poll(notification, &word);
    CHECK_EQ(word, 0);      /* the capability is unbadged: it ORs in 0 */
}

/* ---- Replies: parked, claimed, claimed by a window ---- */

/* The server received the Call and then received again with another
 * reply object (it parked the first): the interrupt ends the Call at once,
 * and the server finds the caller gone. */
static void parked_reply_is_interrupted(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t other_reply = object_new(TERN_OBJECT_REPLY, 0);
    caller_new(endpoint);
    c.window = pages_new(1, RIGHTS_RW, 0);
    struct thread *t = thread_spawn(caller, 2, PRIORITY_LOW, 0);
    receive_call(endpoint, reply);
    park(endpoint, other_reply);
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    WAIT_FOR(&c.calls_done, 1);
    check_interrupted(0);

    uint64_t buffer = pages_new(1, RIGHTS_RW, 0), copied = 0;
    CHECK_ERROR(tern_reply_read_window(reply, 0, 0, 8, buffer, &copied), TERN_CALLER_GONE);
    CHECK_LABEL(answer(reply), TERN_CALLER_GONE);   /* harmless: nobody is bound */
    /* The caller's next Call is an ordinary one. */
    receive_call(endpoint, reply);
    CHECK_LABEL(answer(reply), TERN_OK);
    WAIT_FOR(&c.calls_done, 2);
    CHECK_LABEL(c.info[1], ANSWER_LABEL);
}

/* The server holds the claim (no receive since it took the Call): the
 * interrupt waits, the answer arrives normally, and the mark stays (the
 * caller's next Call, which no server takes, ends at once). */
static void claimed_reply_is_answered(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    caller_new(endpoint);
    struct thread *t = thread_spawn(caller, 3, PRIORITY_LOW, 0);
    receive_call(endpoint, reply);
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    check_still_waiting(0);
    answer(reply);
    WAIT_FOR(&c.calls_done, 2);
    CHECK_LABEL(c.info[0], ANSWER_LABEL);
    check_interrupted(1);
    /* Used up: the third Call waits for its answer. */
    receive_call(endpoint, reply);
    answer(reply);
    WAIT_FOR(&c.calls_done, 3);
    CHECK_LABEL(c.info[2], ANSWER_LABEL);
}

/* The server holds the claim, then parks the reply: the deferred
 * interrupt ends the Call at that receive. */
static void claimed_reply_is_interrupted_when_parked(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t other_reply = object_new(TERN_OBJECT_REPLY, 0);
    caller_new(endpoint);
    struct thread *t = thread_spawn(caller, 1, PRIORITY_LOW, 0);
    receive_call(endpoint, reply);
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    check_still_waiting(0);
    park(endpoint, other_reply);
    WAIT_FOR(&c.calls_done, 1);
    check_interrupted(0);
    uint64_t buffer = pages_new(1, RIGHTS_RW, 0), copied = 0;
    CHECK_ERROR(tern_reply_read_window(reply, 0, 0, 8, buffer, &copied), TERN_CALLER_GONE);
}

/* A server that parks a caller after doing part of its work (a write that
 * put some bytes in) leaves what that part returns with the reply: an
 * interrupt ends the Call with it in MR0. The next Call starts without. */
static void interrupted_call_returns_the_result_left_with_the_reply(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t other_reply = object_new(TERN_OBJECT_REPLY, 0);
    caller_new(endpoint);
    struct thread *t = thread_spawn(caller, 2, PRIORITY_LOW, 0);
    receive_call(endpoint, reply);
    CHECK_OK(tern_reply_set_interrupted_result(reply, 4096));
    park(endpoint, other_reply);
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    WAIT_FOR(&c.calls_done, 1);
    CHECK_LABEL(c.info[0], TERN_INTERRUPTED);
    CHECK_EQ(tern_message_length(c.info[0]), 1);
    CHECK_EQ(c.result[0], 4096);
    CHECK_ERROR(tern_reply_set_interrupted_result(reply, 1), TERN_CALLER_GONE);

    receive_call(endpoint, reply);
    park(endpoint, other_reply);
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    WAIT_FOR(&c.calls_done, 2);
    check_interrupted(1);
}

/* A server that takes up a parked caller reads its window first: that
 * claims the reply again, so the interrupt waits for the answer. */
static void window_read_claims_a_parked_reply(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t other_reply = object_new(TERN_OBJECT_REPLY, 0);
    caller_new(endpoint);
    c.window = pages_new(1, RIGHTS_RW, 0);
    struct thread *t = thread_spawn(caller, 1, PRIORITY_LOW, 0);
    receive_call(endpoint, reply);
    park(endpoint, other_reply);
    uint64_t buffer = pages_new(1, RIGHTS_RW, 0), copied = 0;
    CHECK_OK(tern_reply_read_window(reply, 0, 0, 8, buffer, &copied));
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    check_still_waiting(0);
    answer(reply);
    WAIT_FOR(&c.calls_done, 1);
    CHECK_LABEL(c.info[0], ANSWER_LABEL);
}

/* A ReplyRecv's receive ends the claim too (the fast path steps aside for
 * a server with an interrupt deferred to it). */
static struct {
    uint64_t endpoint, reply, other_reply;
    volatile uint64_t received;
} server;

/* Receives one Call, waits for go (a Wait keeps the claim), then parks
 * it: ReplyRecv with the other reply object (there is nothing to answer
 * through that one). */
static void parking_server(uint64_t go)
{
    tern_recv(server.endpoint, server.reply, 0, 0);
    store(&server.received, 1);
    uint64_t word;
    tern_wait(go, &word);
    tern_reply_recv(server.endpoint, server.other_reply, 0, 0, 0);
}

static void reply_recv_ends_the_claim(void)
{
    server.endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    server.reply = object_new(TERN_OBJECT_REPLY, 0);
    server.other_reply = object_new(TERN_OBJECT_REPLY, 0);
    server.received = 0;
    uint64_t go = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t go_badged = cap_mint(go, RIGHTS_RW, 1);
    thread_spawn(parking_server, go, PRIORITY_MIDDLE, 0);
    caller_new(server.endpoint);
    struct thread *t = thread_spawn(caller, 1, PRIORITY_LOW, 0);
    WAIT_FOR(&server.received, 1);
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    check_still_waiting(0);
    tern_signal(go_badged);
    WAIT_FOR(&c.calls_done, 1);
    check_interrupted(0);
}

/* ---- Destroying what a deferred interrupt involves ---- */

static void deferred_then_reply_destroyed(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t other_reply = object_new(TERN_OBJECT_REPLY, 0);
    caller_new(endpoint);
    struct thread *t = thread_spawn(caller, 1, PRIORITY_LOW, 0);
    receive_call(endpoint, reply);
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, reply, ROOT_DEPTH));
    park(endpoint, other_reply);
    /* The caller lost its answer with the reply object: its Call fails
     * (TERN_SERVER_GONE, as when a server dies), the interrupt still
     * marked for its next one; the kernel carries on. */
    WAIT_FOR(&c.calls_done, 1);
    CHECK_LABEL(c.info[0], TERN_SERVER_GONE);
    uint64_t again = object_new(TERN_OBJECT_REPLY, 0);
    park(endpoint, again);
}

static void deferred_then_caller_destroyed(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t other_reply = object_new(TERN_OBJECT_REPLY, 0);
    caller_new(endpoint);
    struct thread *t = thread_spawn(caller, 1, PRIORITY_LOW, 0);
    receive_call(endpoint, reply);
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, t->tcb, ROOT_DEPTH));
    park(endpoint, other_reply);
    uint64_t buffer = pages_new(1, RIGHTS_RW, 0), copied = 0;
    CHECK_ERROR(tern_reply_read_window(reply, 0, 0, 8, buffer, &copied), TERN_CALLER_GONE);
    answer(reply);
    CHECK_EQ(load(&c.calls_done), 0);
}

/* Receives one Call and keeps it (waits on a notification, which does not
 * end the claim). */
static void holding_server(uint64_t notification)
{
    tern_recv(server.endpoint, server.reply, 0, 0);
    store(&server.received, 1);
    uint64_t word;
    tern_wait(notification, &word);
}

/* The server will never answer: the deferred interrupt takes effect. */
static void deferred_then_server_destroyed(void)
{
    server.endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    server.reply = object_new(TERN_OBJECT_REPLY, 0);
    server.received = 0;
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    struct thread *s = thread_spawn(holding_server, notification, PRIORITY_MIDDLE, 0);
    caller_new(server.endpoint);
    struct thread *t = thread_spawn(caller, 1, PRIORITY_LOW, 0);
    WAIT_FOR(&server.received, 1);
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    check_still_waiting(0);
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, s->tcb, ROOT_DEPTH));
    WAIT_FOR(&c.calls_done, 1);
    check_interrupted(0);
    /* The reply object outlives its server. */
    uint64_t buffer = pages_new(1, RIGHTS_RW, 0), copied = 0;
    CHECK_ERROR(tern_reply_read_window(server.reply, 0, 0, 8, buffer, &copied),
                TERN_CALLER_GONE);
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, server.reply, ROOT_DEPTH));
}

/* ---- Threads that run ---- */

struct spin {
    volatile uint64_t release;      /* offsets used by interrupt_upcall.S */
    volatile uint64_t started;
};
void spin_with_known_registers(struct spin *spin);
extern char spin_loop_start[], spin_loop_end[];

static struct spin spin;
static volatile uint64_t spinner_done;

static void spinner(uint64_t then_call)
{
    spin_with_known_registers(&spin);
    if (then_call)
        caller(1);
    store(&spinner_done, 1);
}

/* Without an upcall entry a running thread is only marked: it runs on,
 * and the mark ends its next Call that would block. */
static void running_thread_without_upcall_is_marked(void)
{
    CHECK_OK(tern_vspace_set_upcall(ROOT_VSPACE, 0));
    spin = (struct spin){ 0 };
    spinner_done = 0;
    caller_new(object_new(TERN_OBJECT_ENDPOINT, 0));
    struct thread *t = thread_spawn(spinner, 1, PRIORITY_LOW, 0);
    WAIT_FOR(&spin.started, 1);
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    sleep_ticks(2);
    CHECK_EQ(load(&spinner_done), 0);
    store(&spin.release, 1);
    WAIT_FOR(&spinner_done, 1);
    check_interrupted(0);
}

/* Interrupting oneself marks: the next Wait that would block ends. */
static void self(uint64_t unused)
{
    (void)unused;
    c.info[1] = tern_tcb_interrupt(tern_ipc_buffer()->user_data);  /* its TCB (thread_new) */
    waiter(0);
}

static void interrupting_oneself_marks(void)
{
    CHECK_OK(tern_vspace_set_upcall(ROOT_VSPACE, 0));
    caller_new(object_new(TERN_OBJECT_NOTIFICATION, 0));
    thread_spawn(self, 0, PRIORITY_LOW, 0);
    WAIT_FOR(&c.calls_done, 1);
    CHECK_EQ(c.info[1], TERN_OK);
    check_interrupted(0);
}

/* ---- The interrupt entry ---- */

struct interrupt_record interrupt_record;       /* written by interrupt_upcall.S */

static void use_interrupt_entry(void)
{
    interrupt_record = (struct interrupt_record){ 0 };
    CHECK_OK(tern_vspace_set_upcall(ROOT_VSPACE, (uint64_t)interrupt_upcall_table));
}

static void check_spinner_diverted(struct thread *t, uint64_t upcall_stack)
{
    WAIT_FOR(&interrupt_record.entries, 1);
    struct interrupt_record r = interrupt_record;
    CHECK_EQ(r.x[0], (uint64_t)&spin);
    for (unsigned i = 1; i < 30; i++)
        CHECK_EQ(r.x[i], 0x1000 + i);
    CHECK(r.x[30] <= 1);        /* the word it loaded, or 1 before the first load */
    CHECK_EQ(r.sp, upcall_stack);
    struct tern_ipc_buffer *buffer = thread_ipc_buffer(t);
    CHECK(buffer->upcall_return_address >= (uint64_t)spin_loop_start &&
          buffer->upcall_return_address < (uint64_t)spin_loop_end);
    CHECK(buffer->upcall_saved_sp < t->stack_top &&
          buffer->upcall_saved_sp > t->stack_top - 4 * PAGE_SIZE);
    /* Back in its loop, with its registers (it returns normally). */
    store(&spin.release, 1);
    WAIT_FOR(&spinner_done, 1);
    CHECK_EQ(load(&interrupt_record.entries), 1);
}

/* A thread that was preempted in the program's own code goes to the
 * interrupt entry (upcall entry + 8) when it runs again, on its upcall
 * stack, with every register as it was and its pc in the IPC buffer. */
static void preempted_thread_enters_interrupt_entry(void)
{
    use_interrupt_entry();
    spin = (struct spin){ 0 };
    spinner_done = 0;
    struct thread *t = thread_new(spinner, 0, PRIORITY_LOW, 0);
    uint64_t upcall_stack = pages_new(1, RIGHTS_RW, 0) + PAGE_SIZE;
    thread_ipc_buffer(t)->upcall_stack = upcall_stack;
    thread_start(t);
    WAIT_FOR(&spin.started, 1);     /* then the root task preempts it */
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    CHECK_EQ(load(&interrupt_record.entries), 0);
    check_spinner_diverted(t, upcall_stack);
    CHECK_OK(tern_vspace_set_upcall(ROOT_VSPACE, 0));
}

/* Running on another core: an IPI makes that core divert it. */
static void running_thread_on_another_core_enters_interrupt_entry(void)
{
    if (boot_info->cpu_count < 2)
        test_skip("one core");
    use_interrupt_entry();
    spin = (struct spin){ 0 };
    spinner_done = 0;
    struct thread *t = thread_new(spinner, 0, PRIORITY_LOW, 1);
    uint64_t upcall_stack = pages_new(1, RIGHTS_RW, 0) + PAGE_SIZE;
    thread_ipc_buffer(t)->upcall_stack = upcall_stack;
    thread_start(t);
    if (!spin_at_least(&spin.started, 1, 1ULL << 30))
        FAIL("the spinner never started");
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    check_spinner_diverted(t, upcall_stack);
    CHECK_OK(tern_vspace_set_upcall(ROOT_VSPACE, 0));
}

/* The svc #0 upcall of interrupt_upcall.S calls this. */
static struct {
    volatile uint64_t entered, release;
    volatile uint64_t result, done, entries_before_return;
} linux_call;
uint64_t linux_svc0_77(void);
extern char linux_svc0_77_return[];

uint64_t interrupt_test_linux_call(void)
{
    store(&linux_call.entered, 1);
    while (load(&linux_call.release) == 0)
        ;
    store(&linux_call.entries_before_return, load(&interrupt_record.entries));
    return 0x5eed;
}

static void linux_program(uint64_t unused)
{
    (void)unused;
    linux_call.result = linux_svc0_77();
    store(&linux_call.done, 1);
}

/* In its upcall a thread is not diverted; its UpcallReturn is, and the
 * interrupt entry and then the program see the upcall's x0. */
static void upcall_return_enters_interrupt_entry(void)
{
    use_interrupt_entry();
    linux_call.entered = linux_call.release = linux_call.done = linux_call.result = 0;
    struct thread *t = thread_spawn(linux_program, 0, PRIORITY_LOW, 0);
    WAIT_FOR(&linux_call.entered, 1);
    CHECK_OK(tern_tcb_interrupt(t->tcb));
    sleep_ticks(2);
    CHECK_EQ(load(&interrupt_record.entries), 0);
    store(&linux_call.release, 1);
    WAIT_FOR(&linux_call.done, 1);
    CHECK_EQ(linux_call.entries_before_return, 0);
    CHECK_EQ(interrupt_record.entries, 1);
    CHECK_EQ(interrupt_record.x[0], 0x5eed);
    CHECK_EQ(thread_ipc_buffer(t)->upcall_return_address, (uint64_t)linux_svc0_77_return);
    CHECK_EQ(linux_call.result, 0x5eed);
    CHECK_OK(tern_vspace_set_upcall(ROOT_VSPACE, 0));
}

/* ---- TCB_WriteRegisters and the upcall ---- */

static volatile uint64_t entries_seen_in_upcall, after_upcall_ran, plain_ran;

static __attribute__((noreturn)) void after_upcall(void)
{
    store(&after_upcall_ran, 1);
    tern_tcb_suspend(tern_ipc_buffer()->user_data);    /* thread_new put its TCB there */
    for (;;)
        tern_yield();
}

static void in_upcall_then_return(uint64_t unused)
{
    (void)unused;
    store(&entries_seen_in_upcall, load(&interrupt_record.entries));
    struct tern_ipc_buffer *buffer = tern_ipc_buffer();
    buffer->upcall_return_address = (uint64_t)after_upcall;
    buffer->upcall_return_pstate = 0;
    buffer->upcall_stack = 0;
    tern_upcall_return(0);
}

static void plain(uint64_t unused)
{
    (void)unused;
    store(&plain_ran, 1);
}

/* Restart a configured, not yet started thread where thread_new put it,
 * with flags. */
static void restart(struct thread *t, uint64_t flags)
{
    struct tern_user_registers registers;
    CHECK_OK(tern_tcb_read_registers(t->tcb, &registers));
    CHECK_OK(tern_tcb_write_registers(t->tcb, flags, 6, &registers.pc));
}

/* WriteRegisters with IN_UPCALL: the marked thread runs undiverted until
 * its UpcallReturn; without it, the thread is diverted at once. */
static void write_registers_in_upcall_flag(void)
{
    use_interrupt_entry();
    entries_seen_in_upcall = ~0ULL;
    after_upcall_ran = plain_ran = 0;

    struct thread *t = thread_new(in_upcall_then_return, 0, PRIORITY_LOW, 0);
    CHECK_OK(tern_tcb_interrupt(t->tcb));       /* suspended: only marked */
    restart(t, TERN_WRITE_REGISTERS_RESUME | TERN_WRITE_REGISTERS_IN_UPCALL);
    WAIT_FOR(&after_upcall_ran, 1);
    CHECK_EQ(entries_seen_in_upcall, 0);
    CHECK_EQ(interrupt_record.entries, 1);
    CHECK_EQ(thread_ipc_buffer(t)->upcall_return_address, (uint64_t)after_upcall);

    struct thread *p = thread_new(plain, 0, PRIORITY_LOW, 0);
    struct tern_user_registers registers;
    CHECK_OK(tern_tcb_read_registers(p->tcb, &registers));
    CHECK_OK(tern_tcb_interrupt(p->tcb));
    restart(p, TERN_WRITE_REGISTERS_RESUME);
    WAIT_FOR(&plain_ran, 1);
    CHECK_EQ(interrupt_record.entries, 2);
    CHECK_EQ(thread_ipc_buffer(p)->upcall_return_address, registers.pc);
    CHECK_OK(tern_vspace_set_upcall(ROOT_VSPACE, 0));
}

/* ---- Errors ---- */

static void interrupt_errors(void)
{
    /* (Not on an endpoint: a Call there is IPC.) */
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    CHECK_ERROR(tern_tcb_interrupt(notification), TERN_ILLEGAL_OPERATION);
    CHECK_ERROR(tern_tcb_interrupt(slot_new()), TERN_FAILED_LOOKUP);
    /* An unconfigured, never started thread: marked, nothing else. */
    uint64_t tcb = object_new(TERN_OBJECT_TCB, 0);
    CHECK_OK(tern_tcb_interrupt(tcb));
    CHECK_OK(tern_tcb_interrupt(tcb));
    const uint64_t pc[] = { 0 };
    CHECK_ERROR(tern_tcb_write_registers(tcb, 4, 1, pc), TERN_INVALID_ARGUMENT);
    CHECK_OK(tern_tcb_write_registers(tcb, TERN_WRITE_REGISTERS_IN_UPCALL, 1, pc));
    CHECK_ERROR(tern_tcb_write_registers(tcb, TERN_WRITE_REGISTERS_RESUME, 1, pc),
                TERN_ILLEGAL_OPERATION);     /* not configured */
}

const struct test_case interrupt_tests[] = {
    { "call_without_receiver_is_interrupted", call_without_receiver_is_interrupted },
    { "wait_is_interrupted", wait_is_interrupted },
    { "parked_reply_is_interrupted", parked_reply_is_interrupted },
    { "claimed_reply_is_answered", claimed_reply_is_answered },
    { "claimed_reply_is_interrupted_when_parked", claimed_reply_is_interrupted_when_parked },
    { "window_read_claims_a_parked_reply", window_read_claims_a_parked_reply },
    { "interrupted_call_returns_the_result_left_with_the_reply",
      interrupted_call_returns_the_result_left_with_the_reply },
    { "reply_recv_ends_the_claim", reply_recv_ends_the_claim },
    { "deferred_then_reply_destroyed", deferred_then_reply_destroyed },
    { "deferred_then_caller_destroyed", deferred_then_caller_destroyed },
    { "deferred_then_server_destroyed", deferred_then_server_destroyed },
    { "running_thread_without_upcall_is_marked", running_thread_without_upcall_is_marked },
    { "interrupting_oneself_marks", interrupting_oneself_marks },
    { "preempted_thread_enters_interrupt_entry", preempted_thread_enters_interrupt_entry },
    { "running_thread_on_another_core_enters_interrupt_entry",
      running_thread_on_another_core_enters_interrupt_entry },
    { "upcall_return_enters_interrupt_entry", upcall_return_enters_interrupt_entry },
    { "write_registers_in_upcall_flag", write_registers_in_upcall_flag },
    { "interrupt_errors", interrupt_errors },
    TEST_SUITE_END,
};
