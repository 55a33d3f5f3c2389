/*
 * The kernel test root task: a tiny test framework and the environment
 * every test runs in.
 *
 * A test is a function in a suite table (struct test_case). It runs in
 * the root task's thread; CHECK and friends end it at the first failure
 * (by a long jump back to the runner). Everything a test allocates comes
 * from a per-test arena untyped and per-test root CNode slots, which the
 * runner revokes and deletes afterwards, so tests do not see each other's
 * objects. Helper threads run C functions in the root task's address
 * space and CSpace; they report through shared variables that the test
 * checks, never through CHECK.
 *
 * Where a test depends on a behaviour the ABI headers leave open, its
 * comment says "Assumed:" and why.
 */
#ifndef KTEST_H
#define KTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sys/invoke.h"
#include "sys/print.h"
#include "sys/runtime.h"
#include "sys/syscall.h"
#include "tern/boot_info.h"
#include "tern/errors.h"
#include "tern/message.h"
#include "tern/objects.h"

/* ---- Suites ---- */

struct test_case {
    const char *name;
    void (*run)(void);
};
#define TEST_SUITE_END { 0, 0 }

extern const struct test_case untyped_tests[], cnode_tests[], tcb_tests[], ipc_tests[],
    notification_tests[], vspace_tests[], fault_tests[], membarrier_tests[], window_tests[],
    irq_tests[], interrupt_tests[], fastpath_tests[], fuzz_tests[];

/* ---- Failing and skipping (root thread only) ---- */

__attribute__((noreturn, format(printf, 3, 4)))
void test_fail(const char *file, int line, const char *format, ...);
/* End the test as skipped (neither passed nor failed), e.g. one core. */
__attribute__((noreturn, format(printf, 1, 2)))
void test_skip(const char *format, ...);

#define FAIL(...) test_fail(__FILE__, __LINE__, __VA_ARGS__)

#define CHECK(condition)                                                      \
    do {                                                                      \
        if (!(condition))                                                     \
            FAIL("%s", #condition);                                           \
    } while (0)

#define CHECK_EQ(actual, expected)                                            \
    do {                                                                      \
        uint64_t actual_ = (uint64_t)(actual);                                \
        uint64_t expected_ = (uint64_t)(expected);                            \
        if (actual_ != expected_)                                             \
            FAIL("%s is 0x%lx, expected 0x%lx (%s)", #actual, actual_, expected_, #expected); \
    } while (0)

/* An error code (enum tern_error) compared by name. */
#define CHECK_ERROR(call, expected)                                           \
    do {                                                                      \
        uint64_t got_ = (uint64_t)(call);                                     \
        uint64_t want_ = (uint64_t)(expected);                                \
        if (got_ != want_)                                                    \
            FAIL("%s: %s, expected %s", #call, tern_error_name(got_),         \
                 tern_error_name(want_));                                     \
    } while (0)

#define CHECK_OK(call) CHECK_ERROR(call, TERN_OK)
/* The error a system call reported in its message info's label. */
#define CHECK_LABEL(info, expected) CHECK_ERROR(tern_message_label(info), expected)

/* ---- The root task's CSpace ---- */

#define ROOT_TCB        TERN_SLOT_TCB
#define ROOT_CNODE      TERN_SLOT_CNODE
#define ROOT_VSPACE     TERN_SLOT_VSPACE
/* The root CNode has radix 12 and a 52-bit guard of 0, so slot n is cptr
 * n and CNode invocations on it name slot n as (n, 64). */
#define ROOT_DEPTH      64
#define ROOT_PRIORITY   255

/* Helper thread priorities: below the root task, which therefore runs
 * until it blocks. */
#define PRIORITY_LOW    50
#define PRIORITY_MIDDLE 100
#define PRIORITY_HIGH   200

#define PAGE_SIZE       ((uint64_t)4096)
#define LARGE_PAGE_SIZE ((uint64_t)1 << 21)
/* Right sets used everywhere. */
#define RIGHTS_RW       (TERN_RIGHT_READ | TERN_RIGHT_WRITE)

extern const struct tern_boot_info *boot_info;

/* A fresh slot in the root CNode (emptied after the test). */
uint64_t slot_new(void);
/* count consecutive fresh slots; returns the first. */
uint64_t slots_new(unsigned count);

/* The per-test untyped (everything made from it is revoked after each
 * test), its physical address and size. */
uint64_t arena(void);
uint64_t arena_physical(void);
unsigned arena_size_bits(void);

/* A new object from the arena (or from untyped) in a fresh root slot. */
uint64_t object_new(enum tern_object_type type, uint64_t size_bits);
uint64_t object_new_from(uint64_t untyped, enum tern_object_type type, uint64_t size_bits);
/* Copy or mint a root-CNode capability into a fresh slot. */
uint64_t cap_copy(uint64_t slot, uint64_t rights);
uint64_t cap_mint(uint64_t slot, uint64_t rights, uint64_t badge);

/* ---- The root task's address space ---- */

/* Reserve count unmapped pages (followed by an unmapped guard page); the
 * range is 2 MiB aligned if align_2m. Reset after each test. */
uint64_t va_new(unsigned pages, bool align_2m);
/* Map a frame, making page tables and directories from the arena as
 * needed; returns Frame_Map's answer. */
enum tern_error map_frame(uint64_t vspace, uint64_t frame, uint64_t address, uint64_t rights);
/* count fresh zeroed frames mapped at a fresh range of the root task's
 * address space; their caps go to frames[] if given. */
uint64_t pages_new(unsigned count, uint64_t rights, uint64_t *frames);

/* ---- Helper threads (root VSpace and CSpace, own stack and IPC buffer) ---- */

typedef void thread_function(uint64_t argument);

struct thread {
    uint64_t tcb;
    uint64_t ipc_buffer;        /* its address (readable by the root task too) */
    uint64_t ipc_frame;
    uint64_t stack_top;
};

/* A configured thread that will run function(argument) and then suspend
 * itself; not started. */
struct thread *thread_new(thread_function *function, uint64_t argument, unsigned priority,
                          unsigned cpu);
void thread_start(struct thread *thread);
struct thread *thread_spawn(thread_function *function, uint64_t argument, unsigned priority,
                            unsigned cpu);
/* The IPC buffer of a helper thread, as the root task sees it. */
static inline struct tern_ipc_buffer *thread_ipc_buffer(const struct thread *thread)
{
    return (struct tern_ipc_buffer *)thread->ipc_buffer;
}

/* ---- Processes: a thread in a fresh VSpace and CSpace, running a
 * .standalone function (see standalone.h) ---- */

struct process {
    uint64_t vspace;            /* root slots */
    uint64_t cnode;             /* the CSpace root, unguarded: (slot, PROCESS_CNODE_BITS) */
    uint64_t tcb;
    void *data;                 /* the shared data pages, as the root task sees them */
};

struct process *process_new(void (*entry)(void *data), unsigned data_pages, unsigned priority,
                            unsigned cpu);
/* Copy (badge 0) or mint a root capability into the process's CNode slot. */
void process_give(struct process *process, unsigned slot, uint64_t root_slot, uint64_t rights,
                  uint64_t badge);
/* Move one there instead (reply capabilities cannot be copied). */
void process_move(struct process *process, unsigned slot, uint64_t root_slot);
void process_start(struct process *process);

/* ---- Time and waiting ---- */

/* Block for about ticks times 10 ms (a notification timeout each; the
 * kernel's own tick is 1 ms). Lower-priority threads on the root task's
 * core run meanwhile. */
void sleep_ticks(unsigned ticks);
#define WAIT_TICKS 500          /* what a test waits for a helper, at most */

static inline uint64_t load(volatile uint64_t *word)
{
    return __atomic_load_n(word, __ATOMIC_SEQ_CST);
}

static inline void store(volatile uint64_t *word, uint64_t value)
{
    __atomic_store_n(word, value, __ATOMIC_SEQ_CST);
}

static inline uint64_t fetch_add(volatile uint64_t *word, uint64_t value)
{
    return __atomic_fetch_add(word, value, __ATOMIC_SEQ_CST);
}

/* Sleep tick by tick until *word >= value; false after ticks ticks. */
bool wait_at_least(volatile uint64_t *word, uint64_t value, unsigned ticks);
/* Busy-wait (never blocking) until *word >= value; false after spins. */
bool spin_at_least(volatile uint64_t *word, uint64_t value, uint64_t spins);
#define WAIT_FOR(word, value)                                                 \
    do {                                                                      \
        if (!wait_at_least((word), (value), WAIT_TICKS))                      \
            FAIL("timed out waiting for %s >= %lu (it is %lu)", #word,        \
                 (uint64_t)(value), load(word));                              \
    } while (0)

/* Receive on an endpoint without blocking for ever: NBRecv tick by tick.
 * Returns the message info (0 and FAILs after ticks ticks). */
tern_message_info receive_within(uint64_t endpoint, uint64_t reply, uint64_t *badge,
                                 uint64_t mr[TERN_MSG_REGISTERS], unsigned ticks);

/* ---- The interrupt entry (interrupt_upcall.S) ---- */

/* An upcall entry whose interrupt entry records x0-x30 and sp here,
 * counts the entry, and returns with every register intact. */
struct interrupt_record {
    uint64_t x[31];
    uint64_t sp;
    uint64_t entries;
};
extern struct interrupt_record interrupt_record;
void interrupt_upcall_table(void);

/* ---- Kinds of capability, by probing ---- */

/* Whether the slot holds a capability of type: checked with an invocation
 * that type answers with TERN_TRUNCATED_MESSAGE (or a harmless success)
 * and any other type with another error. Endpoints are told apart by an
 * NBSend (never Call: it would block). Assumed: decoders check the label
 * before the argument count, as every decoder in the kernel does today. */
bool slot_holds(uint64_t slot, enum tern_object_type type);
bool slot_is_empty(uint64_t slot);

/* ---- Runner internals ---- */

void env_init(const struct tern_boot_info *info);
void env_begin_test(void);
/* Clean up after a test; false (and a reason) if that failed. */
bool env_end_test(char *why, size_t size);
/* A failure a helper thread reported with CHECK by mistake, or 0. */
const char *env_thread_failure(void);
/* Run one test: 1 passed, 0 failed, -1 skipped (and print its line). */
int run_test(const char *suite, const struct test_case *test);
/* Run the setup: false (after printing "FAIL setup: why") if it failed. */
bool run_setup(void (*function)(void));

#endif
