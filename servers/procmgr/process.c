/*
 * Processes and threads (procmgr.h): pids and tids from one number space
 * as in Linux, each process's CSpace with its fixed capabilities, threads
 * in thread areas, and the end of a process (which the servers that ask
 * are told of).
 */
#include "ipc_namespaces.h"
#include "placement.h"
#include "procmgr.h"
#include "sys/counter.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/protocol/common.h"
#include "sys/runtime.h"
#include "sys/server.h"
#include "sys/servers.h"
#include "sys/syscall.h"
#include "tern/ipc_buffer.h"

struct process *processes[ID_LIMIT];
/* How many processes each IPC namespace has. */
static struct ipc_namespaces ipc_namespaces;

struct thread *threads[ID_LIMIT];
static uint64_t last_id;

/* The next id no process or thread uses, as Linux hands them out. */
uint64_t process_last_pid(void)
{
    return last_id;
}

static uint64_t id_allocate(void)
{
    for (uint64_t tries = 1; tries < ID_LIMIT; tries++) {
        uint64_t id = (last_id + tries) % ID_LIMIT;
        if (id >= 1 && !processes[id] && !threads[id]) {
            last_id = id;
            return id;
        }
    }
    return 0;
}

static bool mint_into(struct process *process, uint64_t slot, uint64_t source, uint64_t rights,
                      uint64_t badge)
{
    tern_cnode_delete(process->cnode, slot, CNODE_DEPTH);
    return tern_cnode_mint(process->cnode, slot, CNODE_DEPTH, TERN_SLOT_CNODE, source,
                           CNODE_DEPTH, rights, badge) == TERN_OK;
}

/* The process's session of one server, badged as its entry says
 * (sys/servers.h). */
static bool mint_session(struct process *process, enum server_id server)
{
    const struct server_entry *entry = &server_table[server];
    uint64_t flag = entry->session_flag;
    uint64_t badge = entry->session == SESSION_BY_PID ? flag | process->pid
                     : entry->session == SESSION_BY_CREDENTIALS
                         ? SESSION_CREDENTIALS_BADGE(flag, process->euid, process->egid)
                         : SESSION_PROCESS_BADGE(flag, process->pid, process->euid,
                                                 process->egid);
    return mint_into(process, linux_session_slot(server), PROCMGR_SLOT_SERVERS + server,
                     CLIENT_RIGHTS, badge);
}

/* Every session the process holds, or only those that carry its
 * credentials (after they changed). */
static bool mint_sessions(struct process *process, bool only_by_credentials)
{
    for (unsigned server = 0; server < SERVER_COUNT; server++) {
        enum session_kind session = server_table[server].session;
        if (session == SESSION_NONE || (only_by_credentials && session == SESSION_BY_PID))
            continue;
        if (!mint_session(process, server))
            return false;
    }
    return true;
}

struct credentials process_credentials(const struct process *process)
{
    return (struct credentials){ { process->uid, process->euid, process->suid },
                                 { process->gid, process->egid, process->sgid } };
}

bool process_set_credentials(struct process *process, const struct credentials *credentials)
{
    /* commit_creds: with suid_dumpable 0, as Debian has it. */
    if (process->euid != credentials->user.effective || process->egid != credentials->group.effective)
        process->dumpable = false;
    process->uid = credentials->user.real;
    process->euid = credentials->user.effective;
    process->suid = credentials->user.saved;
    process->gid = credentials->group.real;
    process->egid = credentials->group.effective;
    process->sgid = credentials->group.saved;
    return mint_sessions(process, true);
}

struct process_ids process_ids_of(const struct process *process)
{
    return (struct process_ids){ process->pid, process->ppid, process->pgid, process->sid };
}

uint64_t process_group_session(uint64_t pgid)
{
    /* A group lies in one session (setpgid sees to it), so its first
     * member tells. */
    for (uint64_t id = 1; id < ID_LIMIT; id++)
        if (processes[id] && processes[id]->pgid == pgid)
            return processes[id]->sid;
    return 0;
}

/* child joins parent's children, as the youngest. */
static void adopt(struct process *parent, struct process *child)
{
    child->ppid = parent->pid;
    child->next_sibling = 0;
    child->previous_sibling = parent->last_child;
    if (parent->last_child)
        parent->last_child->next_sibling = child;
    else
        parent->first_child = child;
    parent->last_child = child;
}

/* child leaves its parent's children. */
static void disown(struct process *child)
{
    struct process *parent = processes[child->ppid];
    if (!parent)
        return;
    if (child->previous_sibling)
        child->previous_sibling->next_sibling = child->next_sibling;
    else
        parent->first_child = child->next_sibling;
    if (child->next_sibling)
        child->next_sibling->previous_sibling = child->previous_sibling;
    else
        parent->last_child = child->previous_sibling;
}

struct process *process_new(struct process *parent)
{
    uint64_t pid = id_allocate();
    struct process *process = pid ? heap_allocate(sizeof *process) : 0;
    if (!process)
        return 0;
    process->pid = pid;
    process->ppid = parent->pid;
    process->start_counter = tern_counter_now();
    memcpy(process->command_line, parent->command_line, sizeof process->command_line);
    process->command_line_length = parent->command_line_length;
    memcpy(process->comm, parent->comm, sizeof process->comm);
    process_share_executable(process, parent);
    process->pgid = process->sid = pid;    /* init's child leads a session of its own */
    if (parent->space) {
        process->pgid = parent->pgid;
        process->sid = parent->sid;
        process->uid = parent->uid, process->euid = parent->euid, process->suid = parent->suid;
        process->gid = parent->gid, process->egid = parent->egid, process->sgid = parent->sgid;
        memcpy(process->signal_disposition, parent->signal_disposition,
               sizeof process->signal_disposition);
        process->no_child_zombies = parent->no_child_zombies;
        process->no_child_stops = parent->no_child_stops;
        process->terminal = parent->terminal;
    }
    allotment_init(&process->objects);
    uint64_t cnode = allotment_new_object(&process->objects, TERN_OBJECT_CNODE, LINUX_CNODE_BITS);
    process->cnode = cnode ? slot_allocate(server_memory.slots) : 0;
    if (!process->cnode || !allotment_own(&process->objects, process->cnode)
        || tern_cnode_mint(TERN_SLOT_CNODE, process->cnode, CNODE_DEPTH, TERN_SLOT_CNODE, cnode,
                           CNODE_DEPTH, TERN_RIGHTS_ALL, 64 - LINUX_CNODE_BITS) != TERN_OK
        || !mint_into(process, LINUX_SLOT_CNODE, process->cnode, TERN_RIGHTS_ALL,
                      64 - LINUX_CNODE_BITS)    /* for a CNode, Mint's data is the guard */
        || !mint_sessions(process, false)) {
        allotment_release(&process->objects);
        process_drop_executable(process);
        heap_free(process);
        return 0;
    }
    processes[pid] = process;
    process->dumpable = parent->space ? parent->dumpable : true;
    process->access = parent->space ? parent->access : access_default();
    process->task_limit = parent->space ? parent->task_limit : UINT64_MAX;
    process->pending_limit = parent->space ? parent->pending_limit : UINT64_MAX;
    process->cpu_limit_soft = process->cpu_limit_hard = UINT64_MAX;
    process->real_time_limit = parent->space ? parent->real_time_limit : 0;
    process->nice_limit = parent->space ? parent->nice_limit : 0;
    if (parent->space)
        timer_set_cpu_limit(process, parent->cpu_limit_soft, parent->cpu_limit_hard);
    adopt(parent, process);
    process->ipc_namespace = parent->ipc_namespace;
    ipc_namespace_join(&ipc_namespaces, process->ipc_namespace);
    if (process->ipc_namespace != IPC_NAMESPACE_INITIAL)
        process_tell_servers(SERVER_PROCESS_NAMESPACE, pid, process->ipc_namespace);
    return process;
}

static int free_area(struct process *process)
{
    for (int area = 0; area < LINUX_MAX_THREADS; area++)
        if (!process->threads[area])
            return area;
    return -1;
}

/* The thread area's regions and IPC buffer page in the current space. */
static int prepare_area(struct space *space, unsigned area)
{
    uint64_t base = LINUX_THREAD_AREAS + area * LINUX_THREAD_AREA_SIZE;
    uint64_t buffer = linux_thread_ipc_buffer(area);
    if (!address_map_lookup(&space->map, buffer)) {
        struct region region = { .start = base + LINUX_THREAD_STACK_OFFSET,
                                 .end = buffer + PAGE_SIZE,
                                 .prot = LINUX_PROT_READ | LINUX_PROT_WRITE,
                                 .kind = REGION_PRIVATE };
        int result = address_map_insert(&space->map, &region, 0, 0);
        if (result < 0)
            return result;
    }
    if (!page_index_find(&space->pages, buffer))
        return space_map_new_page(space, buffer, LINUX_PROT_READ | LINUX_PROT_WRITE);
    return 0;
}

/* Every core online, as a mask. */
static uint64_t cores_online(void)
{
    uint64_t cores = server_boot_info->cpu_count;
    return cores >= 64 ? ~0ULL : (1ULL << cores) - 1;
}

/* How many of procmgr's threads run on each core (placement.h). Without
 * the boot archive's SERVER_SPREAD_FILE, placement sees one core: every
 * thread starts on the lowest its mask allows, as before spreading
 * (docs/multicore.md says why it is not yet the default). */
static struct placement placement;

static struct placement *placement_now(void)
{
    placement.cores = server_boot_info->server_flags & SERVER_BOOT_SPREAD
                          ? server_boot_info->cpu_count : 1;
    return &placement;
}

struct thread *thread_new(struct process *process, uint64_t tid, int area,
                          uint64_t blocked_signals, uint64_t cpu_mask,
                          const struct scheduling *scheduling)
{
    struct space *space = process->space;
    if (area < 0)
        area = free_area(process);
    if (!tid)
        tid = id_allocate();
    struct thread *thread = tid && area >= 0 ? heap_allocate(sizeof *thread) : 0;
    if (!thread)
        return 0;
    thread->tid = tid;
    thread->process = process;
    thread->area = area;
    thread->cpu_mask = cpu_mask & cores_online() ? cpu_mask & cores_online() : cores_online();
    thread->scheduling = scheduling ? *scheduling : (struct scheduling){LINUX_SCHED_OTHER, 0, false};
    thread->pi.base = thread->pi.effective = scheduling_kernel_priority(&thread->scheduling);
    thread->cpu = placement_choose(placement_now(), thread->cpu_mask);
    uint64_t buffer = linux_thread_ipc_buffer(area);
    struct linux_thread_info info = { .tid = tid, .area = area,
                                      .blocked_signals = blocked_signals,
                                      .cpu_mask = thread->cpu_mask, .cpu = thread->cpu };
    uint64_t notification = linux_thread_notification_slot(area);
    tern_cnode_delete(process->cnode, notification, CNODE_DEPTH);
    /* The personality runs on the stack below the IPC buffer. */
    uint64_t upcall_stack = buffer;
    if (prepare_area(space, area) < 0
        || space_write(space, buffer + LINUX_THREAD_INFO_OFFSET, &info, sizeof info) < 0
        || space_write(space, buffer + __builtin_offsetof(struct tern_ipc_buffer, upcall_stack),
                       &upcall_stack, sizeof upcall_stack) < 0
        || !allotment_new_object_in(&process->objects, TERN_OBJECT_NOTIFICATION, process->cnode,
                                    notification))
        goto fail;
    thread->ipc_buffer_frame = page_index_find(&space->pages, buffer)->slot;
    thread->tcb = allotment_new_object(&process->objects, TERN_OBJECT_TCB, 0);
    thread->fault_endpoint = slot_allocate(server_memory.slots);
    if (!thread->tcb || !thread->fault_endpoint
        || tern_cnode_mint(TERN_SLOT_CNODE, thread->fault_endpoint, CNODE_DEPTH, TERN_SLOT_CNODE,
                           SERVER_SLOT_ENDPOINT, CNODE_DEPTH, TERN_RIGHT_WRITE,
                           PROCMGR_FAULT_BADGE(tid)) != TERN_OK
        || tern_tcb_configure(thread->tcb, 0, process->cnode, space->vspace,
                              thread->ipc_buffer_frame, buffer) != TERN_OK
        || tern_tcb_set_fault_handler(thread->tcb, thread->fault_endpoint) != TERN_OK
        || tern_tcb_set_scheduling(thread->tcb, scheduling_kernel_priority(&thread->scheduling),
                                   scheduling_kernel_flags(&thread->scheduling)) != TERN_OK
        || tern_tcb_set_affinity(thread->tcb, thread->cpu) != TERN_OK)
        goto fail;
    process->threads[area] = thread;
    process->thread_count++;
    threads[tid] = thread;
    placement_add(&placement, thread->cpu);
    return thread;
fail:
    if (thread->fault_endpoint)
        memory_delete(&server_memory, thread->fault_endpoint);
    if (thread->tcb)
        tern_cnode_delete(TERN_SLOT_CNODE, thread->tcb, CNODE_DEPTH);
    heap_free(thread);
    return 0;
}

int thread_set_scheduling(struct thread *thread, const struct scheduling *scheduling)
{
    thread->scheduling = *scheduling;
    pi_futex_set_base(thread);      /* what PI futexes lend it stays */
    if (tern_tcb_set_scheduling(thread->tcb, thread->pi.effective,
                                scheduling_kernel_flags(scheduling)) != TERN_OK)
        return -LINUX_EINVAL;
    return 0;
}

int thread_set_cpu_mask(struct thread *thread, uint64_t mask)
{
    mask &= cores_online();
    if (!mask)
        return -LINUX_EINVAL;
    unsigned cpu = placement_rechoose(placement_now(), mask, thread->cpu);
    if (cpu != thread->cpu && tern_tcb_set_affinity(thread->tcb, cpu) != TERN_OK)
        return -LINUX_EINVAL;
    placement_remove(&placement, thread->cpu);
    placement_add(&placement, cpu);
    thread->cpu_mask = mask;
    thread->cpu = cpu;
    uint64_t info = linux_thread_ipc_buffer(thread->area) + LINUX_THREAD_INFO_OFFSET;
    uint64_t placement[] = { mask, cpu };
    space_write(thread->process->space,
                info + __builtin_offsetof(struct linux_thread_info, cpu_mask), placement,
                sizeof placement);
    return 0;
}

int thread_start(struct thread *thread, const uint64_t *registers, unsigned count, bool run)
{
    uint64_t flags = run ? TERN_WRITE_REGISTERS_RESUME : 0;
    return tern_tcb_write_registers(thread->tcb, flags, count, registers) == TERN_OK
               ? 0 : -LINUX_EAGAIN;
}

/* The time the thread has run (0 if the kernel cannot say). */
static uint64_t thread_cpu_time(const struct thread *thread)
{
    uint64_t time = 0;
    tern_tcb_get_cpu_time(thread->tcb, &time);
    return time;
}

uint64_t process_cpu_time(const struct process *process)
{
    uint64_t time = process->ended_threads_time;
    for (unsigned area = 0; area < LINUX_MAX_THREADS; area++)
        if (process->threads[area])
            time += thread_cpu_time(process->threads[area]);
    return time;
}

void thread_destroy(struct thread *thread)
{
    struct process *process = thread->process;
    process->ended_threads_time += thread_cpu_time(thread);
    /* Deleting the TCB stops the thread wherever it is, cancelling its IPC;
     * its memory comes back with the process's allotment. It stops first,
     * so that its robust list holds still while it is walked. */
    tern_tcb_suspend(thread->tcb);
    thread_release_robust_list(thread);
    wait_forget_thread(thread);
    pi_futex_thread_gone(thread);
    signal_thread_gone(thread);
    userfault_thread_gone(thread);
    tern_cnode_delete(TERN_SLOT_CNODE, thread->tcb, CNODE_DEPTH);
    memory_delete(&server_memory, thread->fault_endpoint);
    process->threads[thread->area] = 0;
    process->thread_count--;
    placement_remove(&placement, thread->cpu);
    threads[thread->tid] = 0;
    heap_free(thread);
    signal_thread_ended(process);       /* the others may all be stopped */
}

/* Procmgr's notice capabilities: each server that asks for exit notices,
 * through its session of pid 0 (minted when first used). */
static uint64_t notice_slots[SERVER_COUNT];

uint64_t server_notice_slot(enum server_id server)
{
    const struct server_entry *entry = &server_table[server];
    if (!entry->exit_notices)
        return 0;
    if (!notice_slots[server]) {
        uint64_t slot = slot_allocate(server_memory.slots);
        if (!slot || tern_cnode_mint(TERN_SLOT_CNODE, slot, CNODE_DEPTH, TERN_SLOT_CNODE,
                                     PROCMGR_SLOT_SERVERS + server, CNODE_DEPTH, CLIENT_RIGHTS,
                                     SESSION_NOTICE_BADGE(entry->session_flag)) != TERN_OK) {
            if (slot)
                slot_free(server_memory.slots, slot);
            return 0;
        }
        notice_slots[server] = slot;
    }
    return notice_slots[server];
}

/* The servers whose entry asks (exit_notices, sys/servers.h) hear of
 * processes that end (the semaphore adjustments of SEM_UNDO are applied
 * then), of IPC namespaces and of the clock (sys/protocol/common.h). Each answers at
 * once and never calls procmgr. */
void process_tell_servers(uint64_t label, uint64_t first, uint64_t second)
{
    for (unsigned server = 0; server < SERVER_COUNT; server++) {
        uint64_t slot = server_notice_slot(server);
        if (!slot)
            continue;
        uint64_t mr[TERN_MSG_REGISTERS] = { first, second };
        tern_call(slot, tern_message(label, 0, 2), mr);
    }
}

/* The process leaves its IPC namespace, which may end with it. */
static void leave_ipc_namespace(struct process *process)
{
    if (ipc_namespace_leave(&ipc_namespaces, process->ipc_namespace))
        process_tell_servers(SERVER_NAMESPACE_ENDED, process->ipc_namespace, 0);
}

int process_unshare_ipc_namespace(struct process *process)
{
    int64_t namespace = ipc_namespace_create(&ipc_namespaces, process->euid);
    if (namespace < 0)
        return (int)namespace;
    leave_ipc_namespace(process);
    process->ipc_namespace = (uint32_t)namespace;
    process_tell_servers(SERVER_PROCESS_NAMESPACE, process->pid, process->ipc_namespace);
    return 0;
}

/* Children of an exiting process go to init (pid 1), which reaps them
 * when they end, as Linux's init does; ended ones go at once. */
static void reparent_children(struct process *process)
{
    struct process *next;
    for (struct process *child = process->first_child; child; child = next) {
        next = child->next_sibling;
        if (child->state == PROCESS_ZOMBIE) {
            process_reap(child);
            continue;
        }
        disown(child);
        adopt(processes[1], child);
    }
}

void process_exit(struct process *process, uint64_t wait_status)
{
    if (process->state != PROCESS_ALIVE)
        return;
    job_end(&process->job);             /* a stop under way ends untold */
    for (unsigned which = 0; which < 3; which++)
        timer_set(process, which, 0, 0);    /* its interval timers go with it */
    timer_set_cpu_limit(process, UINT64_MAX, UINT64_MAX);
    posix_timers_delete_all(process);
    for (unsigned area = 0; area < LINUX_MAX_THREADS && process->thread_count; area++)
        if (process->threads[area])
            thread_destroy(process->threads[area]);
    files_close_all(process);
    for (unsigned i = 0; i < process->waiter_count; i++)
        server_release_reply(process->waiters[i].reply);
    process->waiter_count = 0;
    if (process->space)
        space_destroy(process->space);
    process->space = 0;
    process_drop_executable(process);
    process_tell_servers(SERVER_PROCESS_ENDED, process->pid, 0);
    leave_ipc_namespace(process);
    signal_process_gone(process);
    allotment_release(&process->objects);
    process->state = PROCESS_ZOMBIE;
    process->wait_status = wait_status;
    terminal_process_exited(process);   /* signals its terminal's foreground, not itself */
    reparent_children(process);
    struct process *parent = processes[process->ppid];
    /* init collects only the first program; other children of its it reaps. */
    if (parent && (parent->space || process->first_program))
        wait_notify_parent(process);
    else
        process_reap(process);
}

void process_reap(struct process *process)
{
    /* Its time, and what it reaped, are its parent's children's time. */
    struct process *parent = processes[process->ppid];
    if (parent)
        parent->reaped_children_time += process->ended_threads_time +
                                        process->reaped_children_time;
    disown(process);
    processes[process->pid] = 0;
    heap_free(process);
}
