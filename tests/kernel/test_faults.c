/* Faults: VM faults, unknown system calls, user exceptions, the Linux
 * upcall; with and without a fault handler. */
#include "ktest.h"

#define FAULT_BADGE     0xfa17
#define ESR_CLASS(esr)  ((esr) >> 26)
#define ESR_DATA_ABORT_LOWER        0x24
#define ESR_INSTRUCTION_ABORT_LOWER 0x20
#define ESR_UNKNOWN                 0x00
#define ESR_WRITE_NOT_READ          (1ULL << 6)

_Static_assert(TERN_SYS_UPCALL_RETURN == 12, "upcall.S hard-codes svc #(0x100 + 12)");

/* ---- Instructions at known addresses ---- */

/* The global labels below mark single instructions, so the functions
 * holding them must exist exactly once. */
#define ONCE __attribute__((noinline, noclone))

extern char faulting_load[], faulting_store[], svc0_return[], native_svc_return[],
    undefined_instruction[];

static ONCE uint64_t load_from(uint64_t address)
{
    uint64_t value;
    __asm__ volatile(".global faulting_load\nfaulting_load:\n\tldr %0, [%1]"
                     : "=r"(value) : "r"(address) : "memory");
    return value;
}

static ONCE void store_to(uint64_t address, uint64_t value)
{
    __asm__ volatile(".global faulting_store\nfaulting_store:\n\tstr %0, [%1]"
                     : : "r"(value), "r"(address) : "memory");
}

/* svc #0 with x0-x7 = 0x100 + i and x8 = number; what x0-x7 hold after. */
static ONCE void linux_syscall(uint64_t number, uint64_t after[8])
{
    register uint64_t x0 __asm__("x0") = 0x100;
    register uint64_t x1 __asm__("x1") = 0x101;
    register uint64_t x2 __asm__("x2") = 0x102;
    register uint64_t x3 __asm__("x3") = 0x103;
    register uint64_t x4 __asm__("x4") = 0x104;
    register uint64_t x5 __asm__("x5") = 0x105;
    register uint64_t x6 __asm__("x6") = 0x106;
    register uint64_t x7 __asm__("x7") = 0x107;
    register uint64_t x8 __asm__("x8") = number;
    __asm__ volatile("svc #0\n.global svc0_return\nsvc0_return:"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6),
                       "+r"(x7)
                     : "r"(x8)
                     : "x9", "x10", "memory");
    after[0] = x0;
    after[1] = x1;
    after[2] = x2;
    after[3] = x3;
    after[4] = x4;
    after[5] = x5;
    after[6] = x6;
    after[7] = x7;
}

static ONCE uint64_t native_svc_out_of_range(void)
{
    register uint64_t x0 __asm__("x0") = 0x5a;
    __asm__ volatile("svc #0x1ff\n.global native_svc_return\nnative_svc_return:"
                     : "+r"(x0) : : "x1", "x2", "x3", "x4", "x5", "memory");
    return x0;
}

static ONCE void undefined(void)
{
    __asm__ volatile(".global undefined_instruction\nundefined_instruction:\n\tudf #0"
                     ::: "memory");
}

/* ---- A faulting thread and its handler ---- */

static volatile uint64_t before, after, result;
static uint64_t fault_address;

struct handler {
    uint64_t endpoint;      /* what the root task receives on */
    uint64_t badged;        /* what the thread's TCB names */
    uint64_t reply;
};

static struct handler handler_new(void)
{
    struct handler h;
    h.endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    h.badged = cap_mint(h.endpoint, TERN_RIGHT_WRITE | TERN_RIGHT_GRANT, FAULT_BADGE);
    h.reply = object_new(TERN_OBJECT_REPLY, 0);
    return h;
}

/* Receive the fault message: registers 0-3 in mr, the rest from the IPC
 * buffer into all[]. */
static tern_message_info receive_fault(const struct handler *h, uint64_t all[16])
{
    uint64_t badge = 0, mr[4] = { 0 };
    tern_message_info info = receive_within(h->endpoint, h->reply, &badge, mr, WAIT_TICKS);
    CHECK_EQ(badge, FAULT_BADGE);
    unsigned length = tern_message_length(info);
    for (unsigned i = 0; i < 16; i++)
        all[i] = i < 4 ? mr[i] : i < length ? tern_get_mr(i) : 0;
    return info;
}

static void start_faulting(thread_function *function, uint64_t argument, const struct handler *h,
                           unsigned cpu)
{
    before = after = result = 0;
    struct thread *thread = thread_new(function, argument, PRIORITY_MIDDLE, cpu);
    if (h)
        CHECK_OK(tern_tcb_set_fault_handler(thread->tcb, h->badged));
    thread_start(thread);
}

static void reader(uint64_t address)
{
    store(&before, 1);
    store(&result, load_from(address));
    store(&after, 1);
}

static void writer(uint64_t address)
{
    store(&before, 1);
    store_to(address, 0x5707e);
    store(&after, 1);
}

/* A read of an unmapped page: a VM fault message on the fault endpoint
 * (pc, address, is_instruction, esr); mapping the page and replying with
 * label 0 resumes the thread at the load, which now succeeds. */
static void vm_fault_on_cpu(unsigned cpu)
{
    struct handler h = handler_new();
    fault_address = va_new(1, false) + 0x128;
    start_faulting(reader, fault_address, &h, cpu);
    uint64_t m[16];
    tern_message_info info = receive_fault(&h, m);
    CHECK_EQ(tern_message_label(info), TERN_FAULT_VM);
    CHECK_EQ(tern_message_length(info), 4);
    CHECK_EQ(m[0], (uint64_t)faulting_load);
    CHECK_EQ(m[1], fault_address);
    CHECK_EQ(m[2], 0);
    CHECK_EQ(ESR_CLASS(m[3]), ESR_DATA_ABORT_LOWER);
    CHECK_EQ(m[3] & ESR_WRITE_NOT_READ, 0);
    CHECK_EQ(load(&after), 0);

    uint64_t frame = object_new(TERN_OBJECT_FRAME_4K, 0);
    uint64_t page = fault_address & ~(PAGE_SIZE - 1);
    CHECK_OK(map_frame(ROOT_VSPACE, frame, page, RIGHTS_RW));
    *(volatile uint64_t *)fault_address = 0x600d;
    tern_reply(h.reply, tern_message(0, 0, 0), 0);
    WAIT_FOR(&after, 1);
    CHECK_EQ(load(&result), 0x600d);
}

static void vm_fault_is_delivered_and_resumed(void)
{
    vm_fault_on_cpu(0);
}

static void vm_fault_from_another_core(void)
{
    if (boot_info->cpu_count < 2)
        test_skip("needs 2 cores, has %lu", boot_info->cpu_count);
    vm_fault_on_cpu(1);
}

/* A write to a read-only page: the fault says write; remapping the page
 * writable and replying lets the store complete. */
static void write_to_read_only_page(void)
{
    struct handler h = handler_new();
    uint64_t frame = object_new(TERN_OBJECT_FRAME_4K, 0);
    uint64_t page = va_new(1, false);
    CHECK_OK(map_frame(ROOT_VSPACE, frame, page, TERN_RIGHT_READ));
    start_faulting(writer, page + 64, &h, 0);
    uint64_t m[16];
    tern_message_info info = receive_fault(&h, m);
    CHECK_EQ(tern_message_label(info), TERN_FAULT_VM);
    CHECK_EQ(m[0], (uint64_t)faulting_store);
    CHECK_EQ(m[1], page + 64);
    CHECK_EQ(m[2], 0);
    CHECK_EQ(ESR_CLASS(m[3]), ESR_DATA_ABORT_LOWER);
    CHECK(m[3] & ESR_WRITE_NOT_READ);
    CHECK_OK(tern_frame_map(frame, ROOT_VSPACE, page, RIGHTS_RW, 0));
    tern_reply(h.reply, tern_message(0, 0, 0), 0);
    WAIT_FOR(&after, 1);
    CHECK_EQ(*(volatile uint64_t *)(page + 64), 0x5707e);
}

/* Fetching from an unmapped address: an instruction fault. A reply with
 * a non-zero label leaves the thread suspended, still at that address. */
static void jump_to(uint64_t address)
{
    store(&before, 1);
    ((void (*)(void))address)();
    store(&after, 1);
}

static void instruction_fault(void)
{
    struct handler h = handler_new();
    uint64_t target = va_new(1, false);
    before = after = 0;
    struct thread *thread = thread_new(jump_to, target, PRIORITY_MIDDLE, 0);
    CHECK_OK(tern_tcb_set_fault_handler(thread->tcb, h.badged));
    thread_start(thread);
    uint64_t m[16];
    tern_message_info info = receive_fault(&h, m);
    CHECK_EQ(tern_message_label(info), TERN_FAULT_VM);
    CHECK_EQ(m[0], target);
    CHECK_EQ(m[1], target);
    CHECK_EQ(m[2], 1);
    CHECK_EQ(ESR_CLASS(m[3]), ESR_INSTRUCTION_ABORT_LOWER);
    tern_reply(h.reply, tern_message(1, 0, 0), 0);
    sleep_ticks(2);
    CHECK_EQ(load(&after), 0);
    struct tern_user_registers registers;
    CHECK_OK(tern_tcb_read_registers(thread->tcb, &registers));
    CHECK_EQ(registers.pc, target);
    /* Assumed (seL4): the handler's refusal does not count as a fault of
     * its own; resuming the thread faults again, with a new message. */
    CHECK_OK(tern_tcb_resume(thread->tcb));
    info = receive_fault(&h, m);
    CHECK_EQ(tern_message_label(info), TERN_FAULT_VM);
    CHECK_EQ(m[1], target);
}

/* Without a fault handler the faulting thread is suspended at the faulting
 * instruction; everything else carries on. */
static volatile uint64_t bystander;

static void set_bystander(uint64_t value)
{
    store(&bystander, value);
}

static void no_handler_suspends_the_thread(void)
{
    uint64_t address = va_new(1, false);
    struct thread *thread = thread_new(reader, address, PRIORITY_MIDDLE, 0);
    before = after = 0;
    thread_start(thread);
    WAIT_FOR(&before, 1);
    sleep_ticks(2);
    CHECK_EQ(load(&after), 0);
    struct tern_user_registers registers;
    CHECK_OK(tern_tcb_read_registers(thread->tcb, &registers));
    CHECK_EQ(registers.pc, (uint64_t)faulting_load);
    /* Other threads still run, including at a lower priority. */
    bystander = 0;
    thread_spawn(set_bystander, 3, PRIORITY_LOW, 0);
    WAIT_FOR(&bystander, 3);
    /* Mapped now, the thread can be resumed and completes its load. */
    uint64_t frame = object_new(TERN_OBJECT_FRAME_4K, 0);
    CHECK_OK(map_frame(ROOT_VSPACE, frame, address, RIGHTS_RW));
    *(volatile uint64_t *)address = 0xabc;
    CHECK_OK(tern_tcb_resume(thread->tcb));
    WAIT_FOR(&after, 1);
    CHECK_EQ(load(&result), 0xabc);
}

/* ---- System calls the kernel does not take ---- */

static uint64_t registers_after[8];

static void do_linux_syscall(uint64_t number)
{
    store(&before, 1);
    linux_syscall(number, registers_after);
    store(&after, 1);
}

/* svc #0 without an upcall entry: an UnknownSyscall fault carrying
 * x0-x7, pc (after the svc), sp, spsr and x8; the reply may set x0-x7
 * (here x0 only) and the thread continues after the svc. */
static void unknown_syscall_fault(void)
{
    struct handler h = handler_new();
    start_faulting(do_linux_syscall, 222, &h, 0);
    uint64_t m[16];
    tern_message_info info = receive_fault(&h, m);
    CHECK_EQ(tern_message_label(info), TERN_FAULT_UNKNOWN_SYSCALL);
    CHECK_EQ(tern_message_length(info), 12);
    for (unsigned i = 0; i < 8; i++)
        CHECK_EQ(m[i], 0x100 + i);
    CHECK_EQ(m[8], (uint64_t)svc0_return);
    CHECK(m[9] != 0);                       /* sp, somewhere on its stack */
    CHECK_EQ(m[10] & 0xf, 0);               /* spsr: EL0 */
    CHECK_EQ(m[11], 222);
    uint64_t answer[4] = { 0x77, 0, 0, 0 };
    tern_reply(h.reply, tern_message(0, 0, 1), answer);
    WAIT_FOR(&after, 1);
    CHECK_EQ(registers_after[0], 0x77);
    for (unsigned i = 1; i < 8; i++)
        CHECK_EQ(registers_after[i], 0x100 + i);
}

/* A native svc immediate outside the system call numbers is an unknown
 * system call too. */
static void native_svc_thread(uint64_t unused)
{
    (void)unused;
    store(&before, 1);
    store(&result, native_svc_out_of_range());
    store(&after, 1);
}

static void unknown_native_svc_fault(void)
{
    struct handler h = handler_new();
    start_faulting(native_svc_thread, 0, &h, 0);
    uint64_t m[16];
    tern_message_info info = receive_fault(&h, m);
    CHECK_EQ(tern_message_label(info), TERN_FAULT_UNKNOWN_SYSCALL);
    CHECK_EQ(m[0], 0x5a);
    CHECK_EQ(m[8], (uint64_t)native_svc_return);
    tern_reply(h.reply, tern_message(0, 0, 0), 0);
    WAIT_FOR(&after, 1);
    CHECK_EQ(load(&result), 0x5a);
}

/* An undefined instruction: a UserException fault (pc, sp, spsr, esr,
 * far); a reply with label 0 and a new pc resumes there. */
static void undefined_thread(uint64_t unused)
{
    (void)unused;
    store(&before, 1);
    undefined();
    store(&after, 1);
}

static void user_exception_fault(void)
{
    struct handler h = handler_new();
    start_faulting(undefined_thread, 0, &h, 0);
    uint64_t m[16];
    tern_message_info info = receive_fault(&h, m);
    CHECK_EQ(tern_message_label(info), TERN_FAULT_USER_EXCEPTION);
    CHECK_EQ(tern_message_length(info), 5);
    CHECK_EQ(m[0], (uint64_t)undefined_instruction);
    CHECK(m[1] != 0);
    CHECK_EQ(ESR_CLASS(m[3]), ESR_UNKNOWN);
    uint64_t answer[4] = { m[0] + 4, 0, 0, 0 };
    tern_reply(h.reply, tern_message(0, 0, 1), answer);
    WAIT_FOR(&after, 1);
}

/* ---- The Linux upcall ---- */

struct upcall_record {
    uint64_t x8, x0, x1, x2, x3, x4, x5;
    uint64_t entries;
};
struct upcall_record upcall_record;        /* written by upcall.S */
void upcall_entry(void);

static volatile uint64_t upcall_return_seen;

static void do_upcall_syscall(uint64_t number)
{
    store(&before, 1);
    linux_syscall(number, registers_after);
    store(&upcall_return_seen, tern_ipc_buffer()->upcall_return_address);
    store(&after, 1);
}

/* With an upcall entry registered, svc #0 enters it in the same thread
 * with x8 and x0-x5 intact and the return address in the IPC buffer;
 * UPCALL_RETURN resumes after the svc with the entry's x0. */
static void linux_upcall(void)
{
    upcall_record = (struct upcall_record){ 0 };
    upcall_return_seen = 0;
    CHECK_OK(tern_vspace_set_upcall(ROOT_VSPACE, (uint64_t)upcall_entry));
    start_faulting(do_upcall_syscall, 64, 0, 0);
    WAIT_FOR(&after, 1);
    CHECK_EQ(upcall_record.entries, 1);
    CHECK_EQ(upcall_record.x8, 64);
    CHECK_EQ(upcall_record.x0, 0x100);
    CHECK_EQ(upcall_record.x1, 0x101);
    CHECK_EQ(upcall_record.x5, 0x105);
    CHECK_EQ(load(&upcall_return_seen), (uint64_t)svc0_return);
    CHECK_EQ(registers_after[0], 64 + 0x100);
    for (unsigned i = 1; i < 8; i++)
        CHECK_EQ(registers_after[i], 0x100 + i);

    /* Registered no more: an UnknownSyscall fault again. */
    CHECK_OK(tern_vspace_set_upcall(ROOT_VSPACE, 0));
    struct handler h = handler_new();
    start_faulting(do_linux_syscall, 65, &h, 0);
    uint64_t m[16];
    tern_message_info info = receive_fault(&h, m);
    CHECK_EQ(tern_message_label(info), TERN_FAULT_UNKNOWN_SYSCALL);
    CHECK_EQ(m[11], 65);
    CHECK_EQ(upcall_record.entries, 1);
}

static void set_upcall_errors(void)
{
    uint64_t entry = (uint64_t)upcall_entry;
    CHECK_ERROR(tern_vspace_set_upcall(ROOT_VSPACE, entry + 2), TERN_ALIGNMENT_ERROR);
    CHECK_ERROR(tern_vspace_set_upcall(ROOT_VSPACE, 1ULL << 39), TERN_INVALID_ARGUMENT);
    uint64_t read_only = cap_copy(ROOT_VSPACE, TERN_RIGHT_READ);
    CHECK_ERROR(tern_vspace_set_upcall(read_only, entry), TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_invoke(ROOT_VSPACE, TERN_VSPACE_SET_UPCALL, 0, 0, 0, 0, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    CHECK_ERROR(tern_vspace_set_upcall(notification, entry), TERN_ILLEGAL_OPERATION);
}

static void fault_handler_errors(void)
{
    uint64_t tcb = object_new(TERN_OBJECT_TCB, 0);
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t receive_only = cap_copy(endpoint, TERN_RIGHT_READ);
    CHECK_ERROR(tern_tcb_set_fault_handler(tcb, notification), TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_tcb_set_fault_handler(tcb, receive_only), TERN_INVALID_CAPABILITY);
    CHECK_OK(tern_tcb_set_fault_handler(tcb, endpoint));
    CHECK_OK(tern_tcb_set_fault_handler(tcb, 0));
}

const struct test_case fault_tests[] = {
    { "vm_fault_is_delivered_and_resumed", vm_fault_is_delivered_and_resumed },
    { "vm_fault_from_another_core", vm_fault_from_another_core },
    { "write_to_read_only_page", write_to_read_only_page },
    { "instruction_fault", instruction_fault },
    { "no_handler_suspends_the_thread", no_handler_suspends_the_thread },
    { "unknown_syscall_fault", unknown_syscall_fault },
    { "unknown_native_svc_fault", unknown_native_svc_fault },
    { "user_exception_fault", user_exception_fault },
    { "linux_upcall", linux_upcall },
    { "set_upcall_errors", set_upcall_errors },
    { "fault_handler_errors", fault_handler_errors },
    TEST_SUITE_END,
};
