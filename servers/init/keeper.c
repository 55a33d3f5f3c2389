/* The servers' keeper: keeper.h. */
#include "keeper.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/print.h"
#include "sys/protocol/common.h"
#include "sys/runtime.h"
#include "sys/syscall.h"

#define CNODE_DEPTH         64
#define KEEPER_PRIORITY     255     /* as init's: a fault is seen to before the servers go on */
/* The keeper's threads' objects: for each, a TCB, an IPC buffer, a reply
 * object, and page tables for the buffers. */
#define THREADS_MEMORY_BITS 17
#define THREAD_STACK_SIZE   8192
/* Where the threads' IPC buffers are mapped in init, a page each. */
#define THREAD_IPC_BUFFERS  0x7d40000000ULL
/* Slots of init's CNode for a restartable server's program: its image's
 * frames, page tables and objects (about 100 for the futex server). */
#define BUILD_SLOTS         256

/* A restartable server's program is built in these, and they are
 * emptied (revoked, every slot free again) before it is built again. */
struct build {
    uint64_t untyped;               /* init's slot */
    struct slot_allocator slots;
    uint64_t slot_bitmap[BUILD_SLOTS / 64];
    struct untyped_pool pool;
    struct memory memory;
};

static struct memory *init_memory;
static struct memory threads_memory;
static struct untyped_pool threads_pool;
static uint64_t fault_endpoint;
static struct build builds[SERVER_COUNT];

/* A thread per server (its stand-in) and the keeper's own, last. */
enum { KEEPER_THREAD = SERVER_COUNT, THREAD_COUNT };
static uint8_t stacks[THREAD_COUNT][THREAD_STACK_SIZE] __attribute__((aligned(16)));

static bool carve_build(struct build *build, struct slot_allocator *slots, unsigned bits)
{
    /* The range comes off the top of init's slots, before anything is
     * made there. */
    slots->last -= BUILD_SLOTS;
    slot_allocator_init(&build->slots, slots->last, slots->last + BUILD_SLOTS,
                        build->slot_bitmap);
    build->untyped = memory_new_object(init_memory, TERN_OBJECT_UNTYPED, bits);
    if (!build->untyped)
        return false;
    memset(&build->pool, 0, sizeof build->pool);
    untyped_pool_add(&build->pool, build->untyped, bits);
    build->memory.slots = &build->slots;
    build->memory.untyped = &build->pool;
    return true;
}

bool keeper_init(struct memory *memory, const struct tern_boot_info *info)
{
    init_memory = memory;
    fault_endpoint = memory_new_object(memory, TERN_OBJECT_ENDPOINT, 0);
    uint64_t threads_untyped = memory_new_object(memory, TERN_OBJECT_UNTYPED, THREADS_MEMORY_BITS);
    if (!fault_endpoint || !threads_untyped)
        goto short_of_memory;
    untyped_pool_add(&threads_pool, threads_untyped, THREADS_MEMORY_BITS);
    threads_memory.slots = memory->slots;
    threads_memory.untyped = &threads_pool;
    for (unsigned id = 0; id < SERVER_COUNT; id++) {
        const struct server_entry *entry = &server_table[id];
        if (!entry->restartable)
            continue;
        unsigned bits = native_program_build_bits((const void *)info->boot_archive,
                                                  info->boot_archive_size, entry->program,
                                                  entry->cnode_bits);
        if (!bits)
            continue;   /* not in the archive, or not a program: building it says which */
        if (!carve_build(&builds[id], memory->slots, bits))
            goto short_of_memory;
    }
    return true;

short_of_memory:
    tern_printf("init: no memory to look after the servers\n");
    return false;
}

struct memory *keeper_build_memory(unsigned id)
{
    return server_table[id].restartable ? &builds[id].memory : init_memory;
}

bool keeper_watch(struct native_program *server, unsigned id)
{
    /* Badged with id + 1: the fault says whose it is. A server started
     * again gets the same one. */
    static uint64_t handlers[SERVER_COUNT];
    if (!handlers[id]) {
        uint64_t handler = slot_allocate(init_memory->slots);
        if (!handler ||
            tern_cnode_mint(TERN_SLOT_CNODE, handler, CNODE_DEPTH, TERN_SLOT_CNODE, fault_endpoint,
                            CNODE_DEPTH, TERN_RIGHT_WRITE, id + 1) != TERN_OK)
            return false;
        handlers[id] = handler;
    }
    return tern_tcb_set_fault_handler(server->tcb, handlers[id]) == TERN_OK;
}

/* A thread of init, running entry(argument) on stacks[index]; 0 if
 * memory is short. */
static uint64_t start_thread(unsigned index, void (*entry)(uint64_t), uint64_t argument,
                             unsigned priority)
{
    uint64_t tcb = memory_new_object(&threads_memory, TERN_OBJECT_TCB, 0);
    uint64_t buffer = memory_new_object(&threads_memory, TERN_OBJECT_FRAME_4K, 0);
    uint64_t address = THREAD_IPC_BUFFERS + index * 4096;
    uint64_t registers[] = { (uint64_t)entry, (uint64_t)(stacks[index] + THREAD_STACK_SIZE), 0,
                             argument };
    if (!tcb || !buffer ||
        memory_map_frame(&threads_memory, TERN_SLOT_VSPACE, buffer, address,
                         TERN_RIGHT_READ | TERN_RIGHT_WRITE, 0, 0) != TERN_OK ||
        tern_tcb_configure(tcb, 0, TERN_SLOT_CNODE, TERN_SLOT_VSPACE, buffer, address) != TERN_OK ||
        tern_tcb_set_priority(tcb, priority) != TERN_OK ||
        tern_tcb_write_registers(tcb, TERN_WRITE_REGISTERS_RESUME, 4, registers) != TERN_OK)
        return 0;
    return tcb;
}

/* ---- A failed server's stand-in ---- */

/* Reply objects for the threads, made before they start (a thread does
 * not share init's allocators with the keeper). */
static uint64_t replies[THREAD_COUNT];

/* Every request to a server that faulted fails as the calls its death cut
 * short did; its statistics say it holds nothing. Capabilities sent are
 * dropped: the thread names no receive slot. */
static void __attribute__((noreturn)) stand_in(uint64_t id)
{
    uint64_t endpoint = init_server_endpoints[id], badge;
    uint64_t mr[4];
    tern_message_info request = tern_recv(endpoint, replies[id], &badge, mr);
    for (;;) {
        bool statistics = tern_message_label(request) == SERVER_STATISTICS;
        mr[0] = statistics ? 0 : (uint64_t)-LINUX_EIO;
        mr[1] = mr[2] = mr[3] = 0;
        request = tern_reply_recv(endpoint, replies[id], tern_message(0, 0, statistics ? 4 : 1),
                                  &badge, mr);
    }
}

/* ---- Faults ---- */

/* "the pipe server faulted: ..." with what the fault message says. */
static void report(unsigned id, tern_message_info fault, const uint64_t mr[4])
{
    const char *name = server_table[id].name;
    switch (tern_message_label(fault)) {
    case TERN_FAULT_VM:         /* pc, address, is_instruction, esr */
        tern_printf("init: the %s server faulted: %s at address 0x%lx, pc 0x%lx\n", name,
                    mr[2] ? "an instruction fetch" : "a data access", mr[1], mr[0]);
        break;
    case TERN_FAULT_UNKNOWN_SYSCALL:    /* x0..x7, pc, ... */
        tern_printf("init: the %s server faulted: an unknown system call, pc 0x%lx\n", name,
                    tern_get_mr(8));
        break;
    default:                    /* pc, sp, spsr, esr, far */
        tern_printf("init: the %s server faulted: exception syndrome 0x%lx at address 0x%lx, "
                    "pc 0x%lx\n", name, mr[3], tern_get_mr(4), mr[0]);
        break;
    }
}

/* Build and start a restartable server afresh on its endpoint, with the
 * memory it had (emptied), in its build's memory (emptied too). */
static bool restart(unsigned id)
{
    struct native_program *server = &init_servers[id];
    struct build *build = &builds[id];
    uint64_t memory = slot_allocate(init_memory->slots);
    if (!memory || tern_cnode_move(TERN_SLOT_CNODE, memory, CNODE_DEPTH, server->cnode,
                                   NATIVE_UNTYPED_FIRST_SLOT, CNODE_DEPTH) != TERN_OK)
        return false;
    tern_cnode_revoke(TERN_SLOT_CNODE, build->untyped, CNODE_DEPTH);
    slot_allocator_init(&build->slots, build->slots.first, build->slots.last, build->slot_bitmap);
    build->pool.count = 0;
    untyped_pool_add(&build->pool, build->untyped, build->pool.untyped[0].size_bits);
    bool started = init_build_server(id, &build->memory, init_server_flags) &&
                   native_program_move_untyped(server, memory, init_server_memory_bits[id]) &&
                   init_give_peers(id) && native_program_start(server, SERVER_PRIORITY);
    slot_free(init_memory->slots, memory);
    return started;
}

/* A server faulted: it stops, and the memory it was given is revoked, so
 * that its objects go, its reply objects among them (their callers'
 * Calls fail with TERN_SERVER_GONE). Then it starts again, or its
 * stand-in takes its endpoint. */
static void server_faulted(unsigned id)
{
    struct native_program *server = &init_servers[id];
    tern_tcb_suspend(server->tcb);
    tern_cnode_revoke(server->cnode, NATIVE_UNTYPED_FIRST_SLOT, CNODE_DEPTH);
    if (id == SERVER_PROCMGR) {
        /* Its memory was every process's: nothing goes on without it. */
        tern_printf("init: procmgr is gone; nothing can go on\n");
        return;
    }
    if (server_table[id].restartable && restart(id)) {
        tern_printf("init: the %s server started again\n", server_table[id].name);
        return;
    }
    if (!start_thread(id, stand_in, id, SERVER_PRIORITY)) {
        tern_printf("init: no memory for the %s server's stand-in\n", server_table[id].name);
        return;
    }
    tern_printf("init: the %s server's calls fail with EIO from now on\n", server_table[id].name);
}

static void __attribute__((noreturn)) keep(uint64_t unused)
{
    (void)unused;
    for (;;) {
        uint64_t badge, mr[4];
        tern_message_info fault = tern_recv(fault_endpoint, replies[KEEPER_THREAD], &badge, mr);
        if (badge == 0 || badge > SERVER_COUNT)
            continue;
        report((unsigned)badge - 1, fault, mr);
        server_faulted((unsigned)badge - 1);
    }
}

bool keeper_start(void)
{
    for (unsigned i = 0; i < THREAD_COUNT; i++) {
        replies[i] = memory_new_object(&threads_memory, TERN_OBJECT_REPLY, 0);
        if (!replies[i])
            return false;
    }
    return start_thread(KEEPER_THREAD, keep, 0, KEEPER_PRIORITY) != 0;
}
