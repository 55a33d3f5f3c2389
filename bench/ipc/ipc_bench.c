/*
 * IPC microbenchmark, run as the root task. Under QEMU with -icount
 * shift=0 every guest instruction is one nanosecond of virtual time, so the
 * virtual counter (CNTVCT_EL0) measures instructions: at 62.5 MHz one tick
 * is 16 instructions, exact when averaged over many iterations.
 *
 * The client is the root task; the server runs in its own address space
 * (which maps the same single-segment image, so it can run this code) and
 * shares the root CNode.
 */
#include <stdint.h>
#include "tern/boot_info.h"
#include "tern/ipc_buffer.h"
#include "tern/message.h"
#include "tern/objects.h"
#include "tern/syscalls.h"

#define ITERATIONS      20000
#define SERVER_STACK    0x10000000ULL   /* top of the server's stack page */
#define SERVER_BUFFER   0x10001000ULL   /* the server's IPC buffer */

struct registers { uint64_t x0, x1, x2, x3, x4, x5, x6; };

#define SYSCALL(number, r)                                                      \
    do {                                                                        \
        register uint64_t x0 __asm__("x0") = (r)->x0;                           \
        register uint64_t x1 __asm__("x1") = (r)->x1;                           \
        register uint64_t x2 __asm__("x2") = (r)->x2;                           \
        register uint64_t x3 __asm__("x3") = (r)->x3;                           \
        register uint64_t x4 __asm__("x4") = (r)->x4;                           \
        register uint64_t x5 __asm__("x5") = (r)->x5;                           \
        register uint64_t x6 __asm__("x6") = (r)->x6;                           \
        __asm__ volatile("svc %7"                                               \
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4),    \
                           "+r"(x5), "+r"(x6)                                   \
                         : "i"(TERN_SVC(number))                                \
                         : "memory");                                           \
        (r)->x0 = x0; (r)->x1 = x1; (r)->x2 = x2; (r)->x3 = x3;                 \
        (r)->x4 = x4; (r)->x5 = x5; (r)->x6 = x6;                               \
    } while (0)

static const struct tern_boot_info *boot;
static uint64_t next_free_slot;
static uint64_t next_untyped;

static void put_char(char c)
{
    struct registers r = { .x0 = TERN_SLOT_CONSOLE, .x1 = (uint8_t)c };
    SYSCALL(TERN_SYS_DEBUG_PUT_CHAR, &r);
}

static void print(const char *text)
{
    while (*text)
        put_char(*text++);
}

static void print_number(uint64_t value)
{
    char digits[24];
    int count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (count)
        put_char(digits[--count]);
}

static void fail(const char *what, uint64_t error)
{
    print("ipc-bench: ");
    print(what);
    print(" failed with error ");
    print_number(error);
    print("\n");
    struct registers r = { .x0 = TERN_SLOT_IRQ_CONTROL };
    SYSCALL(TERN_SYS_DEBUG_POWER_OFF, &r);
}

static struct tern_ipc_buffer *ipc_buffer(void)
{
    uint64_t address;
    __asm__ volatile("mrs %0, tpidrro_el0" : "=r"(address));
    return (struct tern_ipc_buffer *)address;
}

/* Invoke a kernel object: label, up to 6 arguments, up to 3 caps. */
static uint64_t invoke(uint64_t cap, uint64_t label, const uint64_t *args, unsigned count,
                       const uint64_t *caps, unsigned cap_count, const char *what)
{
    struct tern_ipc_buffer *buffer = ipc_buffer();
    for (unsigned i = 0; i < cap_count; i++)
        buffer->caps_or_badges[i] = caps[i];
    for (unsigned i = 4; i < count; i++)
        buffer->message[i] = args[i];
    struct registers r = { .x0 = cap, .x1 = tern_message(label, cap_count, count),
                           .x2 = count > 0 ? args[0] : 0, .x3 = count > 1 ? args[1] : 0,
                           .x4 = count > 2 ? args[2] : 0, .x5 = count > 3 ? args[3] : 0 };
    SYSCALL(TERN_SYS_CALL, &r);
    if (tern_message_label(r.x1))
        fail(what, tern_message_label(r.x1));
    return r.x2;
}

static uint64_t make(enum tern_object_type type, unsigned size_bits)
{
    uint64_t slot = next_free_slot++;
    uint64_t args[] = { type, size_bits, slot, 64, 1 };
    uint64_t cnode = TERN_SLOT_CNODE;
    invoke(boot->untyped_first + next_untyped, TERN_UNTYPED_RETYPE, args, 5, &cnode, 1, "retype");
    return slot;
}

static void map_frame(uint64_t frame, uint64_t vspace, uint64_t address)
{
    uint64_t args[] = { address, TERN_RIGHTS_ALL, 0 };
    invoke(frame, TERN_FRAME_MAP, args, 3, &vspace, 1, "frame map");
}

static void map_table(uint64_t table, uint64_t vspace, uint64_t address)
{
    uint64_t args[] = { address };
    invoke(table, TERN_PAGE_TABLE_MAP, args, 1, &vspace, 1, "table map");
}

static uint64_t copy_cap(uint64_t source)
{
    uint64_t slot = next_free_slot++;
    uint64_t args[] = { slot, 64, source, 64, TERN_RIGHTS_ALL };
    uint64_t cnode = TERN_SLOT_CNODE;
    invoke(TERN_SLOT_CNODE, TERN_CNODE_COPY, args, 5, &cnode, 1, "copy");
    return slot;
}

/* The benchmark's objects. */
static uint64_t endpoint, reply, notification, server_tcb, waiter_tcb;
/* The second server, which has used FP/SIMD, in the same address space. */
static uint64_t fp_endpoint, fp_reply, fp_server_tcb;

static inline uint64_t counter(void)
{
    uint64_t value;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(value) : : "memory");
    return value;
}

/* The server: answer every Call with the same four registers. */
static void server(void)
{
    struct registers r = { .x0 = endpoint, .x6 = reply };
    SYSCALL(TERN_SYS_RECV, &r);
    for (;;) {
        r.x0 = endpoint;
        r.x6 = reply;
        SYSCALL(TERN_SYS_REPLY_RECV, &r);
    }
}

/* The same server after it used FP/SIMD once: the kernel switches FP
 * lazily, so every switch to and from it opens and closes FP access. */
static void fp_server(void)
{
    __asm__ volatile("fmov d8, xzr" : : : "memory");
    struct registers r = { .x0 = fp_endpoint, .x6 = fp_reply };
    SYSCALL(TERN_SYS_RECV, &r);
    for (;;) {
        r.x0 = fp_endpoint;
        r.x6 = fp_reply;
        SYSCALL(TERN_SYS_REPLY_RECV, &r);
    }
}

/* The waiter of the Signal -> Wait test. */
static void waiter(void)
{
    for (;;) {
        struct registers r = { .x0 = notification };
        SYSCALL(TERN_SYS_WAIT, &r);
    }
}

static void start_thread(uint64_t tcb, uint64_t vspace, uint64_t buffer_frame,
                         uint64_t buffer_address, void (*entry)(void), uint64_t stack_top,
                         uint64_t priority, uint64_t cpu)
{
    uint64_t configure[] = { 0, buffer_address };
    uint64_t caps[] = { TERN_SLOT_CNODE, vspace, buffer_frame };
    invoke(tcb, TERN_TCB_CONFIGURE, configure, 2, caps, 3, "tcb configure");
    uint64_t arg[] = { priority };
    invoke(tcb, TERN_TCB_SET_PRIORITY, arg, 1, 0, 0, "set priority");
    arg[0] = cpu;
    invoke(tcb, TERN_TCB_SET_AFFINITY, arg, 1, 0, 0, "set affinity");
    uint64_t registers[] = { 1, 3, (uint64_t)entry, stack_top, 0 };
    invoke(tcb, TERN_TCB_WRITE_REGISTERS, registers, 5, 0, 0, "write registers");
}

/* An address space mapping this image (one segment from 0x400000), a
 * stack page and an IPC buffer page. */
static uint64_t make_server_space(uint64_t *buffer_frame)
{
    uint64_t vspace = make(TERN_OBJECT_VSPACE, 0);
    map_table(make(TERN_OBJECT_PAGE_DIRECTORY, 0), vspace, 0);
    map_table(make(TERN_OBJECT_PAGE_TABLE, 0), vspace, 0x400000);
    map_table(make(TERN_OBJECT_PAGE_TABLE, 0), vspace, (SERVER_STACK - 1) & ~0x1fffffULL);
    map_table(make(TERN_OBJECT_PAGE_TABLE, 0), vspace, SERVER_BUFFER & ~0x1fffffULL);
    for (uint64_t i = 0; i < boot->image_frames_count; i++)
        map_frame(copy_cap(boot->image_frames_first + i), vspace, 0x400000 + i * 0x1000);
    map_frame(make(TERN_OBJECT_FRAME_4K, 0), vspace, SERVER_STACK - 0x1000);
    *buffer_frame = make(TERN_OBJECT_FRAME_4K, 0);
    map_frame(*buffer_frame, vspace, SERVER_BUFFER);
    return vspace;
}

/* Virtual nanoseconds per operation: guest instructions under icount. */
static void report(const char *name, uint64_t ticks, uint64_t operations)
{
    uint64_t instructions = ticks * (1000000000 / boot->timer_frequency);
    print("ipc-bench: ");
    print(name);
    print(": ");
    print_number(instructions / operations);
    print(" ns per operation\n");
}

static uint64_t round_trips_to(uint64_t server_endpoint, unsigned length)
{
    struct registers r;
    uint64_t start = counter();
    for (unsigned i = 0; i < ITERATIONS; i++) {
        r = (struct registers){ .x0 = server_endpoint, .x1 = tern_message(1, 0, length) };
        SYSCALL(TERN_SYS_CALL, &r);
    }
    return counter() - start;
}

static uint64_t round_trips(unsigned length)
{
    return round_trips_to(endpoint, length);
}

void benchmark_main(const struct tern_boot_info *boot_info)
{
    boot = boot_info;
    next_free_slot = boot->empty_first;
    /* The largest untyped. */
    for (uint64_t i = 0; i < boot->untyped_count; i++)
        if (boot->untyped[i].size_bits > boot->untyped[next_untyped].size_bits)
            next_untyped = i;

    endpoint = make(TERN_OBJECT_ENDPOINT, 0);
    reply = make(TERN_OBJECT_REPLY, 0);
    notification = make(TERN_OBJECT_NOTIFICATION, 0);
    server_tcb = make(TERN_OBJECT_TCB, 0);
    waiter_tcb = make(TERN_OBJECT_TCB, 0);
    uint64_t buffer_frame;
    uint64_t server_space = make_server_space(&buffer_frame);
    /* Equal priorities for client and server, as the fast path wants; the
     * waiter above them. The root task starts at 255 and may not raise a
     * thread above itself, so it sets the others first, then drops. */
    start_thread(server_tcb, server_space, buffer_frame, SERVER_BUFFER, server, SERVER_STACK,
                 100, 0);

    /* The waiter of the Signal -> Wait test, in this address space. */
    /* The root task already has a page directory for this gigabyte. */
    map_table(make(TERN_OBJECT_PAGE_TABLE, 0), TERN_SLOT_VSPACE, 0x7f30000000ULL);
    uint64_t waiter_buffer = make(TERN_OBJECT_FRAME_4K, 0);
    map_frame(waiter_buffer, TERN_SLOT_VSPACE, 0x7f30000000ULL);
    uint64_t waiter_stack = make(TERN_OBJECT_FRAME_4K, 0);
    map_frame(waiter_stack, TERN_SLOT_VSPACE, 0x7f30001000ULL);
    start_thread(waiter_tcb, TERN_SLOT_VSPACE, waiter_buffer, 0x7f30000000ULL, waiter,
                 0x7f30002000ULL, 101, 0);
    uint64_t own_priority[] = { 100 };
    invoke(TERN_SLOT_TCB, TERN_TCB_SET_PRIORITY, own_priority, 1, 0, 0, "lower priority");

    round_trips(1);     /* warm up: the server is now waiting */
    report("Call+ReplyRecv round trip, one core, fast path", round_trips(1), ITERATIONS);
    report("Call+ReplyRecv round trip, one core, slow path (5-register message)",
           round_trips(5), ITERATIONS);

    /* The second server: its own endpoint, reply, IPC buffer (the page
     * after the first's) and half of the stack page. */
    fp_endpoint = make(TERN_OBJECT_ENDPOINT, 0);
    fp_reply = make(TERN_OBJECT_REPLY, 0);
    fp_server_tcb = make(TERN_OBJECT_TCB, 0);
    uint64_t fp_buffer_frame = make(TERN_OBJECT_FRAME_4K, 0);
    map_frame(fp_buffer_frame, server_space, SERVER_BUFFER + 0x1000);
    start_thread(fp_server_tcb, server_space, fp_buffer_frame, SERVER_BUFFER + 0x1000, fp_server,
                 SERVER_STACK - 0x800, 100, 0);
    round_trips_to(fp_endpoint, 1);
    report("Call+ReplyRecv round trip, one core, fast path, the server has used FP/SIMD",
           round_trips_to(fp_endpoint, 1), ITERATIONS);

    if (boot->cpu_count > 1) {
        uint64_t arg[] = { 1 };
        invoke(server_tcb, TERN_TCB_SET_AFFINITY, arg, 1, 0, 0, "move server");
        round_trips(1);
        report("Call+ReplyRecv round trip, across two cores", round_trips(1), ITERATIONS);
    }

    /* Signal -> Wait: the higher-priority waiter runs at once, waits again. */
    struct registers r;
    uint64_t start = counter();
    for (unsigned i = 0; i < ITERATIONS; i++) {
        r = (struct registers){ .x0 = notification };
        SYSCALL(TERN_SYS_SIGNAL, &r);
    }
    report("Signal -> Wait wake-up and back", counter() - start, ITERATIONS);

    /* Yield returns every register unchanged: nothing to set or reload. */
    start = counter();
    for (unsigned i = 0; i < ITERATIONS; i++)
        __asm__ volatile("svc %0" : : "i"(TERN_SVC(TERN_SYS_YIELD)) : "memory");
    report("null system call (Yield, nothing else to run)", counter() - start, ITERATIONS);

    print("ipc-bench: done\n");
    r = (struct registers){ .x0 = TERN_SLOT_IRQ_CONTROL };
    SYSCALL(TERN_SYS_DEBUG_POWER_OFF, &r);
}
