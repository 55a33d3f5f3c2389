/*
 * The environment tests run in: slots, the arena untyped, mappings in the
 * root task's address space, helper threads and processes, and waiting.
 *
 * At start the largest RAM untyped from the boot info is split in two by
 * Retype: a permanent untyped (objects that live across tests, such as
 * the notification sleep_ticks waits on) and the arena, half of it, which
 * every test allocates from and which is revoked after each test. Slots
 * allocated during a test are deleted afterwards, so a test may also put
 * copies of boot capabilities there.
 */
#include "ktest.h"
#include "standalone.h"
#include "sys/counter.h"

#define TEST_ADDRESS_BASE       0x1000000000ULL     /* 64 GiB: the first per-test mapping */
#define THREAD_STACK_PAGES      4
#define MAX_THREADS             32
#define PERMANENT_BITS          20

const struct tern_boot_info *boot_info;

static struct {
    uint64_t arena;
    uint64_t arena_physical;
    unsigned arena_bits;
    uint64_t permanent;
    uint64_t timer;                 /* notification for sleep_ticks */
    uint64_t next_slot;
    uint64_t first_test_slot;
    uint64_t next_address;
    struct thread threads[MAX_THREADS];
    unsigned thread_count;
    struct process processes[8];
    unsigned process_count;
    uint64_t tcbs[MAX_THREADS + 8]; /* to suspend after the test */
    unsigned tcb_count;
} env;

/* A helper thread that used CHECK: its message, for the runner. */
static char thread_failure[160];
static volatile uint64_t thread_failed;

/* ---- Slots and objects ---- */

uint64_t slots_new(unsigned count)
{
    if (env.next_slot + count > boot_info->empty_last)
        FAIL("out of root CNode slots");
    uint64_t first = env.next_slot;
    env.next_slot += count;
    return first;
}

uint64_t slot_new(void)
{
    return slots_new(1);
}

uint64_t arena(void)
{
    return env.arena;
}

uint64_t arena_physical(void)
{
    return env.arena_physical;
}

unsigned arena_size_bits(void)
{
    return env.arena_bits;
}

uint64_t object_new_from(uint64_t untyped, enum tern_object_type type, uint64_t size_bits)
{
    uint64_t slot = slot_new();
    enum tern_error error = tern_untyped_retype(untyped, type, size_bits, ROOT_CNODE, slot,
                                                ROOT_DEPTH, 1);
    if (error)
        FAIL("retype of object type %u (size_bits %lu): %s", type, size_bits,
             tern_error_name(error));
    return slot;
}

uint64_t object_new(enum tern_object_type type, uint64_t size_bits)
{
    return object_new_from(env.arena, type, size_bits);
}

uint64_t cap_mint(uint64_t slot, uint64_t rights, uint64_t badge)
{
    uint64_t copy = slot_new();
    enum tern_error error = tern_cnode_mint(ROOT_CNODE, copy, ROOT_DEPTH, ROOT_CNODE, slot,
                                            ROOT_DEPTH, rights, badge);
    if (error)
        FAIL("mint of slot %lu: %s", slot, tern_error_name(error));
    return copy;
}

uint64_t cap_copy(uint64_t slot, uint64_t rights)
{
    uint64_t copy = slot_new();
    enum tern_error error = tern_cnode_copy(ROOT_CNODE, copy, ROOT_DEPTH, ROOT_CNODE, slot,
                                            ROOT_DEPTH, rights);
    if (error)
        FAIL("copy of slot %lu: %s", slot, tern_error_name(error));
    return copy;
}

/* ---- Address space ---- */

uint64_t va_new(unsigned pages, bool align_2m)
{
    uint64_t address = env.next_address;
    if (align_2m)
        address = (address + LARGE_PAGE_SIZE - 1) & ~(LARGE_PAGE_SIZE - 1);
    env.next_address = address + (pages + 1) * PAGE_SIZE;
    return address;
}

/* Link a page directory (covering 1 GiB) or page table (2 MiB) at address
 * unless one is there already. */
static enum tern_error add_table(uint64_t vspace, enum tern_object_type type, uint64_t address)
{
    uint64_t table = object_new(type, 0);
    uint64_t span = type == TERN_OBJECT_PAGE_DIRECTORY ? 1ULL << 30 : LARGE_PAGE_SIZE;
    enum tern_error error = tern_page_table_map(table, vspace, address & ~(span - 1));
    return error == TERN_DELETE_FIRST ? TERN_OK : error;
}

enum tern_error map_frame(uint64_t vspace, uint64_t frame, uint64_t address, uint64_t rights)
{
    /* Frame_Map fails the lookup while a table above the entry is
     * missing: a 2 MiB frame needs the directory, a 4 KiB one the
     * directory and a page table. */
    enum tern_error error = tern_frame_map(frame, vspace, address, rights, 0);
    if (error != TERN_FAILED_LOOKUP)
        return error;
    error = add_table(vspace, TERN_OBJECT_PAGE_DIRECTORY, address);
    if (error)
        return error;
    error = tern_frame_map(frame, vspace, address, rights, 0);
    if (error != TERN_FAILED_LOOKUP)
        return error;
    error = add_table(vspace, TERN_OBJECT_PAGE_TABLE, address);
    if (error)
        return error;
    return tern_frame_map(frame, vspace, address, rights, 0);
}

uint64_t pages_new(unsigned count, uint64_t rights, uint64_t *frames)
{
    uint64_t address = va_new(count, false);
    for (unsigned i = 0; i < count; i++) {
        uint64_t frame = object_new(TERN_OBJECT_FRAME_4K, 0);
        enum tern_error error = map_frame(ROOT_VSPACE, frame, address + i * PAGE_SIZE, rights);
        if (error)
            FAIL("mapping a page at 0x%lx: %s", address + i * PAGE_SIZE, tern_error_name(error));
        if (frames)
            frames[i] = frame;
    }
    return address;
}

/* ---- Threads ---- */

static void remember_tcb(uint64_t tcb)
{
    if (env.tcb_count < sizeof(env.tcbs) / sizeof(env.tcbs[0]))
        env.tcbs[env.tcb_count++] = tcb;
}

/* Where a helper thread starts: x0 = function, x1 = argument, x2 = its
 * own TCB slot. */
static void thread_entry(thread_function *function, uint64_t argument, uint64_t tcb)
{
    function(argument);
    tern_tcb_suspend(tcb);
    for (;;)
        tern_yield();
}

struct thread *thread_new(thread_function *function, uint64_t argument, unsigned priority,
                          unsigned cpu)
{
    if (env.thread_count == MAX_THREADS)
        FAIL("too many threads");
    struct thread *thread = &env.threads[env.thread_count++];
    thread->tcb = object_new(TERN_OBJECT_TCB, 0);
    remember_tcb(thread->tcb);
    thread->stack_top = pages_new(THREAD_STACK_PAGES, RIGHTS_RW, 0) +
                        THREAD_STACK_PAGES * PAGE_SIZE;
    thread->ipc_buffer = pages_new(1, RIGHTS_RW, &thread->ipc_frame);
    CHECK_OK(tern_tcb_configure(thread->tcb, 0, ROOT_CNODE, ROOT_VSPACE, thread->ipc_frame,
                                thread->ipc_buffer));
    CHECK_OK(tern_tcb_set_priority(thread->tcb, priority));
    if (cpu != 0)
        CHECK_OK(tern_tcb_set_affinity(thread->tcb, cpu));
    thread_ipc_buffer(thread)->user_data = thread->tcb;
    const uint64_t registers[] = {
        (uint64_t)thread_entry, thread->stack_top, 0,   /* pc, sp, spsr */
        (uint64_t)function, argument, thread->tcb,      /* x0, x1, x2 */
    };
    CHECK_OK(tern_tcb_write_registers(thread->tcb, false, 6, registers));
    return thread;
}

void thread_start(struct thread *thread)
{
    CHECK_OK(tern_tcb_resume(thread->tcb));
}

struct thread *thread_spawn(thread_function *function, uint64_t argument, unsigned priority,
                            unsigned cpu)
{
    struct thread *thread = thread_new(function, argument, priority, cpu);
    thread_start(thread);
    return thread;
}

/* ---- Processes ---- */

/* A fresh frame mapped at address in the process; if root_address is not
 * 0, also (a copy) there in the root task's address space. */
static uint64_t process_frame(struct process *process, uint64_t address, uint64_t rights,
                              uint64_t root_address)
{
    uint64_t frame = object_new(TERN_OBJECT_FRAME_4K, 0);
    if (root_address) {
        CHECK_OK(map_frame(ROOT_VSPACE, frame, root_address, RIGHTS_RW));
        frame = cap_copy(frame, TERN_RIGHTS_ALL);
    }
    enum tern_error error = map_frame(process->vspace, frame, address, rights);
    if (error)
        FAIL("mapping 0x%lx in a process: %s", address, tern_error_name(error));
    return frame;
}

struct process *process_new(void (*entry)(void *data), unsigned data_pages, unsigned priority,
                            unsigned cpu)
{
    uint64_t code = (uint64_t)__standalone_start;
    uint64_t code_end = (uint64_t)__standalone_end;
    if ((uint64_t)entry < code || (uint64_t)entry >= code_end)
        FAIL("process entry %p is not in .standalone", (void *)entry);
    if (env.process_count == sizeof(env.processes) / sizeof(env.processes[0]))
        FAIL("too many processes");
    struct process *process = &env.processes[env.process_count++];

    process->vspace = object_new(TERN_OBJECT_VSPACE, 0);
    process->cnode = object_new(TERN_OBJECT_CNODE, PROCESS_CNODE_BITS);
    /* The CSpace root: the same CNode with a guard of 64 - radix zero
     * bits (capability data: guard size in bits 0-5, guard value 0). */
    uint64_t cspace = cap_mint(process->cnode, TERN_RIGHTS_ALL, 64 - PROCESS_CNODE_BITS);

    /* Code: a private copy of the .standalone pages at their addresses. */
    for (uint64_t page = code; page < code_end; page += PAGE_SIZE) {
        uint64_t frame = object_new(TERN_OBJECT_FRAME_4K, 0);
        uint64_t root_address = va_new(1, false);
        CHECK_OK(map_frame(ROOT_VSPACE, frame, root_address, RIGHTS_RW));
        memcpy((void *)root_address, (const void *)page, PAGE_SIZE);
        uint64_t copy = cap_copy(frame, TERN_RIGHTS_ALL);
        /* Assumed: mapping with the execute right makes what was written
         * to the frame visible to instruction fetch (the kernel cleans and
         * invalidates the caches; see docs/abi.md, Frame_Map). */
        enum tern_error error = map_frame(process->vspace, copy, page,
                                          TERN_RIGHT_READ | TERN_RIGHT_EXECUTE);
        if (error)
            FAIL("mapping process code at 0x%lx: %s", page, tern_error_name(error));
    }
    for (unsigned i = 1; i <= PROCESS_STACK_PAGES; i++)
        process_frame(process, PROCESS_STACK_TOP - i * PAGE_SIZE, RIGHTS_RW, 0);
    uint64_t ipc_frame = process_frame(process, PROCESS_IPC_BUFFER, RIGHTS_RW, 0);
    uint64_t data = va_new(data_pages, false);
    for (unsigned i = 0; i < data_pages; i++)
        process_frame(process, PROCESS_DATA + i * PAGE_SIZE, RIGHTS_RW, data + i * PAGE_SIZE);
    process->data = (void *)data;

    uint64_t park = object_new(TERN_OBJECT_NOTIFICATION, 0);
    process_give(process, PROCESS_SLOT_PARK, park, TERN_RIGHT_READ, 0);

    process->tcb = object_new(TERN_OBJECT_TCB, 0);
    remember_tcb(process->tcb);
    CHECK_OK(tern_tcb_configure(process->tcb, 0, cspace, process->vspace, ipc_frame,
                                PROCESS_IPC_BUFFER));
    CHECK_OK(tern_tcb_set_priority(process->tcb, priority));
    if (cpu != 0)
        CHECK_OK(tern_tcb_set_affinity(process->tcb, cpu));
    const uint64_t registers[] = { (uint64_t)entry, PROCESS_STACK_TOP, 0, PROCESS_DATA };
    CHECK_OK(tern_tcb_write_registers(process->tcb, false, 4, registers));
    return process;
}

void process_give(struct process *process, unsigned slot, uint64_t root_slot, uint64_t rights,
                  uint64_t badge)
{
    enum tern_error error = badge
        ? tern_cnode_mint(process->cnode, slot, PROCESS_CNODE_BITS, ROOT_CNODE, root_slot,
                          ROOT_DEPTH, rights, badge)
        : tern_cnode_copy(process->cnode, slot, PROCESS_CNODE_BITS, ROOT_CNODE, root_slot,
                          ROOT_DEPTH, rights);
    if (error)
        FAIL("giving slot %lu to a process (its slot %u): %s", root_slot, slot,
             tern_error_name(error));
}

void process_move(struct process *process, unsigned slot, uint64_t root_slot)
{
    enum tern_error error = tern_cnode_move(process->cnode, slot, PROCESS_CNODE_BITS, ROOT_CNODE,
                                            root_slot, ROOT_DEPTH);
    if (error)
        FAIL("moving slot %lu to a process (its slot %u): %s", root_slot, slot,
             tern_error_name(error));
}

void process_start(struct process *process)
{
    CHECK_OK(tern_tcb_resume(process->tcb));
}

/* ---- Waiting ---- */

void sleep_ticks(unsigned ticks)
{
    for (unsigned i = 0; i < ticks; i++) {
        uint64_t word;
        /* 10 ms, whatever the timer's resolution. */
        tern_notification_set_timeout(env.timer,
                                      tern_counter_now() + tern_counter_frequency() / 100, 1);
        tern_wait(env.timer, &word);
    }
}

bool wait_at_least(volatile uint64_t *word, uint64_t value, unsigned ticks)
{
    for (unsigned i = 0; i <= ticks; i++) {
        if (load(word) >= value)
            return true;
        sleep_ticks(1);
    }
    return load(word) >= value;
}

bool spin_at_least(volatile uint64_t *word, uint64_t value, uint64_t spins)
{
    for (uint64_t i = 0; i < spins; i++)
        if (load(word) >= value)
            return true;
    return false;
}

tern_message_info receive_within(uint64_t endpoint, uint64_t reply, uint64_t *badge,
                                 uint64_t mr[TERN_MSG_REGISTERS], unsigned ticks)
{
    for (unsigned i = 0; i <= ticks; i++) {
        uint64_t got_badge = 0;
        tern_message_info info = tern_nb_recv(endpoint, reply, &got_badge, mr);
        if (info != 0 || got_badge != 0) {
            if (badge)
                *badge = got_badge;
            return info;
        }
        sleep_ticks(1);
    }
    FAIL("nothing arrived on endpoint slot %lu within %u ticks", endpoint, ticks);
}

/* ---- Probing capabilities ---- */

static enum tern_error call_empty(uint64_t slot, uint64_t label)
{
    return tern_invoke(slot, label, 0, 0, 0, 0, 0, 0, 0);
}

bool slot_is_empty(uint64_t slot)
{
    /* Poll fails the lookup on an empty slot, and on anything else either
     * works (a notification) or reports the wrong type. */
    return tern_message_label(tern_poll(slot, 0)) == TERN_FAILED_LOOKUP;
}

bool slot_holds(uint64_t slot, enum tern_object_type type)
{
    const uint64_t probe_label = 0x3ff;
    switch (type) {
    case TERN_OBJECT_NOTIFICATION: {
        uint64_t word;
        return tern_message_label(tern_poll(slot, &word)) == TERN_OK;
    }
    case TERN_OBJECT_ENDPOINT: {
        /* Nobody waits on a probed endpoint: NBSend drops the message and
         * leaves x1 alone; on other types it reports an error. */
        tern_message_info info = tern_message(probe_label, 0, 0);
        if (tern_message_label(tern_poll(slot, 0)) != TERN_INVALID_CAPABILITY)
            return false;
        return tern_nb_send(slot, info, 0) == info;
    }
    case TERN_OBJECT_FRAME_4K:
    case TERN_OBJECT_FRAME_2M:
        return call_empty(slot, TERN_FRAME_GET_ADDRESS) == TERN_OK;
    case TERN_OBJECT_UNTYPED:
        return call_empty(slot, TERN_UNTYPED_RETYPE) == TERN_TRUNCATED_MESSAGE;
    case TERN_OBJECT_CNODE:
        return call_empty(slot, TERN_CNODE_DELETE) == TERN_TRUNCATED_MESSAGE;
    case TERN_OBJECT_TCB:
        return call_empty(slot, TERN_TCB_SET_PRIORITY) == TERN_TRUNCATED_MESSAGE;
    case TERN_OBJECT_REPLY:
        return call_empty(slot, TERN_REPLY_READ_WINDOW) == TERN_TRUNCATED_MESSAGE;
    case TERN_OBJECT_PAGE_TABLE:
    case TERN_OBJECT_PAGE_DIRECTORY:
        return call_empty(slot, TERN_PAGE_TABLE_MAP) == TERN_TRUNCATED_MESSAGE;
    case TERN_OBJECT_VSPACE:
        return call_empty(slot, TERN_VSPACE_READ) == TERN_TRUNCATED_MESSAGE;
    default:
        return false;
    }
}

/* ---- The runner's side ---- */

void env_init(const struct tern_boot_info *info)
{
    boot_info = info;
    env.next_slot = info->empty_first;

    /* The largest RAM untyped. */
    int best = -1;
    for (uint64_t i = 0; i < info->untyped_count; i++) {
        const struct tern_untyped_description *u = &info->untyped[i];
        if (!u->is_device && (best < 0 || u->size_bits > info->untyped[best].size_bits))
            best = (int)i;
    }
    if (best < 0)
        FAIL("no RAM untyped in the boot info");
    unsigned bits = info->untyped[best].size_bits;
    if (bits < 24)
        FAIL("the largest untyped is only 2^%u bytes", bits);
    uint64_t parent = info->untyped_first + (uint64_t)best;

    /* Retype aligns each object to its size from the watermark: the arena
     * (half) first, at the parent's base, then the permanent untyped. */
    env.arena_bits = bits - 1;
    env.arena_physical = info->untyped[best].physical_address;
    env.arena = object_new_from(parent, TERN_OBJECT_UNTYPED, env.arena_bits);
    env.permanent = object_new_from(parent, TERN_OBJECT_UNTYPED, PERMANENT_BITS);
    env.timer = object_new_from(env.permanent, TERN_OBJECT_NOTIFICATION, 0);
    env.first_test_slot = env.next_slot;
}

void env_begin_test(void)
{
    env.next_slot = env.first_test_slot;
    env.next_address = TEST_ADDRESS_BASE;
    env.thread_count = 0;
    env.process_count = 0;
    env.tcb_count = 0;
    thread_failed = 0;
    thread_failure[0] = '\0';
    tern_set_receive_slot(0, 0, 0);
}

bool env_end_test(char *why, size_t size)
{
    bool ok = true;
    /* Stop every thread first, so none runs while its memory goes. */
    for (unsigned i = 0; i < env.tcb_count; i++)
        tern_tcb_suspend(env.tcbs[i]);
    tern_vspace_set_upcall(ROOT_VSPACE, 0);
    tern_tcb_set_tls(ROOT_TCB, 0);
    enum tern_error error = tern_cnode_revoke(ROOT_CNODE, env.arena, ROOT_DEPTH);
    if (error) {
        tern_snprintf(why, size, "cleanup: revoking the arena: %s", tern_error_name(error));
        ok = false;
    }
    for (uint64_t slot = env.first_test_slot; slot < env.next_slot; slot++) {
        error = tern_cnode_delete(ROOT_CNODE, slot, ROOT_DEPTH);
        if (error && ok) {
            tern_snprintf(why, size, "cleanup: deleting slot %lu: %s", slot,
                          tern_error_name(error));
            ok = false;
        }
    }
    /* The arena is whole again: a test's leftovers would show here. */
    uint64_t probe = env.next_slot = env.first_test_slot;
    error = tern_untyped_retype(env.arena, TERN_OBJECT_UNTYPED, env.arena_bits, ROOT_CNODE,
                                probe, ROOT_DEPTH, 1);
    if (error && ok) {
        tern_snprintf(why, size, "cleanup: the arena is not whole again: %s",
                      tern_error_name(error));
        ok = false;
    }
    tern_cnode_delete(ROOT_CNODE, probe, ROOT_DEPTH);
    tern_notification_set_timeout(env.timer, 0, 0);
    tern_poll(env.timer, 0);
    tern_set_receive_slot(0, 0, 0);
    return ok;
}

const char *env_thread_failure(void)
{
    return load(&thread_failed) ? thread_failure : 0;
}

/* ---- Failing ---- */

struct jump_buffer {
    uint64_t registers[13];     /* x19-x30, sp */
};
int ktest_setjmp(struct jump_buffer *buffer) __attribute__((returns_twice));
__attribute__((noreturn)) void ktest_longjmp(struct jump_buffer *buffer, int value);

static struct jump_buffer test_jump;
static char failure[200];
static bool skipped;

static bool in_root_thread(void)
{
    return (uint64_t)tern_ipc_buffer() == boot_info->ipc_buffer;
}

void test_fail(const char *file, int line, const char *format, ...)
{
    char message[160];
    va_list arguments;
    va_start(arguments, format);
    tern_vsnprintf(message, sizeof(message), format, arguments);
    va_end(arguments);
    const char *name = file;
    for (const char *c = file; *c; c++)
        if (*c == '/')
            name = c + 1;
    if (!in_root_thread()) {
        /* A helper thread: report it and stop here. */
        if (__atomic_exchange_n(&thread_failed, 1, __ATOMIC_SEQ_CST) == 0)
            tern_snprintf(thread_failure, sizeof(thread_failure), "%s:%d (in a thread): %s",
                          name, line, message);
        tern_tcb_suspend(tern_ipc_buffer()->user_data);
        for (;;)
            tern_yield();
    }
    tern_snprintf(failure, sizeof(failure), "%s:%d: %s", name, line, message);
    ktest_longjmp(&test_jump, 1);
}

void test_skip(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    tern_vsnprintf(failure, sizeof(failure), format, arguments);
    va_end(arguments);
    skipped = true;
    ktest_longjmp(&test_jump, 1);
}

/* Run one test; returns 1 passed, 0 failed, -1 skipped. */
int run_test(const char *suite, const struct test_case *test)
{
    static char why[200];
    failure[0] = '\0';
    skipped = false;
    env_begin_test();
    if (ktest_setjmp(&test_jump) == 0)
        test->run();
    bool clean = env_end_test(why, sizeof(why));
    const char *thread_message = env_thread_failure();
    if (skipped) {
        tern_printf("SKIP %s.%s: %s\n", suite, test->name, failure);
        return -1;
    }
    if (!failure[0] && thread_message)
        tern_snprintf(failure, sizeof(failure), "%s", thread_message);
    if (!failure[0] && !clean)
        tern_snprintf(failure, sizeof(failure), "%s", why);
    if (failure[0]) {
        tern_printf("FAIL %s.%s: %s\n", suite, test->name, failure);
        return 0;
    }
    tern_printf("PASS %s.%s\n", suite, test->name);
    return 1;
}

bool run_setup(void (*function)(void))
{
    failure[0] = '\0';
    if (ktest_setjmp(&test_jump) == 0) {
        function();
        return true;
    }
    tern_printf("FAIL setup: %s\n", failure);
    return false;
}
