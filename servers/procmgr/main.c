/*
 * procmgr: processes, threads, credentials and memory for Linux programs
 * (protocol: sys/protocol/procmgr.h, docs/protocols/procmgr.md), and the
 * default pager (faults of every thread it made come here).
 *
 * One loop: receive, dispatch on the label, answer; wait4 and waitid keep
 * their reply object until a child ends (deferred replies). Who asks is the
 * badge: a pid, PROCMGR_BADGE_INIT for init (pid 1, the first program's
 * parent), or a thread's fault badge.
 */
#include "memory_object.h"
#include "procmgr.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/print.h"
#include "sys/protocol/common.h"
#include "sys/protocol/file.h"
#include "sys/protocol/vfs.h"
#include "sys/runtime.h"
#include "sys/syscall.h"

#define EXECVE_BLOCK_MAX    (2ULL << 20)
#define ESR_WRITE_NOT_READ  (1ULL << 6)
#define ESR_CLASS(esr)      (((esr) >> 26) & 0x3f)
#define ESR_CLASS_BRK       0x3c

/* Callers procmgr keeps waiting at once (wait4, waitid, sigsuspend). */
#define WAITING_CALLERS 4096

static struct untyped_pool own_pool;
/* init, as procmgr sees it: pid 1, the first program's parent, which
 * adopts orphans and reaps them at once (as Linux's init does). Its ids
 * are root's; it runs no program, so a signal to it is dropped once kill's
 * checks pass (kill_rules.h). */
static struct process init_process;

void answer_waiter(uint64_t reply, unsigned count, const uint64_t *values)
{
    server_answer_deferred(reply, tern_message(0, 0, count), values);
}

/* ---- What a request carries ---- */

struct request {
    struct server_request *message;     /* as the runtime received it */
    tern_message_info info;
    const uint64_t *mr;                 /* all its message registers */
    uint64_t reply;
    struct process *process;            /* who asks */
    uint64_t results[12];
    unsigned result_count;
    bool deferred;                      /* the reply object is kept: take another */
    bool silent;                        /* no answer: the caller is gone */
};

/* Message register index, or 0 past the message's length. */
static uint64_t argument(const struct request *request, unsigned index)
{
    return index < tern_message_length(request->info) ? request->mr[index] : 0;
}

static void result(struct request *request, int64_t value)
{
    request->results[0] = (uint64_t)value;
    request->result_count = 1;
}

/* The calling thread, if the tid in register 0 is one of the caller's. */
static struct thread *calling_thread(const struct request *request)
{
    uint64_t tid = request->mr[0];
    struct thread *thread = tid < ID_LIMIT ? threads[tid] : 0;
    return thread && thread->process == request->process ? thread : 0;
}

/* ---- Processes ---- */

/* Registers for TCB_WriteRegisters from the frame in the request. */
static void frame_registers(const struct request *request, uint64_t stack, uint64_t tls,
                            uint64_t registers[TERN_USER_REGISTER_COUNT])
{
    struct linux_user_frame frame;
    uint64_t *words = (uint64_t *)&frame;
    for (unsigned i = 0; i < PROC_FRAME_WORDS; i++)
        words[i] = argument(request, PROC_FRAME_FIRST_MR + i);
    registers[0] = frame.pc;
    registers[1] = stack ? stack : frame.sp;
    registers[2] = frame.pstate;
    for (unsigned i = 0; i < 31; i++)
        registers[3 + i] = frame.x[i];
    registers[3] = 0;                   /* x0: the child's result */
    registers[34] = tls;
    if (!tls)
        registers[34] = frame.tpidr_el0;
}

static void handle_fork(struct request *request)
{
    struct thread *caller = calling_thread(request);
    struct process *parent = request->process;
    if (!caller)
        return result(request, -LINUX_ESRCH);
    struct process *child = process_new(parent);
    if (!child)
        return result(request, -LINUX_EAGAIN);
    child->space = space_fork(parent->space);
    struct thread *thread = child->space ? thread_new(child, child->pid, caller->area,
                                                      signal_blocked_mask(caller),
                                                      caller->cpu_mask) : 0;
    uint64_t registers[TERN_USER_REGISTER_COUNT];
    frame_registers(request, request->mr[1], 0, registers);
    if (!thread || files_copy_all(parent, child) < 0
        || tern_tcb_copy_fp_state(thread->tcb, caller->tcb) != TERN_OK
        || thread_start(thread, registers, TERN_USER_REGISTER_COUNT) < 0) {
        process_exit(child, 0);
        process_reap(child);
        return result(request, -LINUX_ENOMEM);
    }
    result(request, (int64_t)child->pid);
}

static void handle_clone(struct request *request)
{
    struct thread *caller = calling_thread(request);
    uint64_t flags = request->mr[1];
    if (!caller)
        return result(request, -LINUX_ESRCH);
    if ((flags & (LINUX_CLONE_VM | LINUX_CLONE_THREAD | LINUX_CLONE_SIGHAND))
        != (LINUX_CLONE_VM | LINUX_CLONE_THREAD | LINUX_CLONE_SIGHAND))
        return result(request, -LINUX_EINVAL);
    struct thread *thread = thread_new(request->process, 0, -1, signal_blocked_mask(caller),
                                       caller->cpu_mask);
    if (!thread)
        return result(request, -LINUX_EAGAIN);
    uint64_t registers[TERN_USER_REGISTER_COUNT];
    frame_registers(request, request->mr[2],
                    flags & LINUX_CLONE_SETTLS ? request->mr[3] : 0, registers);
    uint64_t child_tid = argument(request, PROC_CLONE_CHILD_TID_MR);
    struct space *space = request->process->space;
    uint64_t info = linux_thread_ipc_buffer(thread->area) + LINUX_THREAD_INFO_OFFSET;
    if (flags & LINUX_CLONE_CHILD_CLEARTID)
        space_write(space, info + __builtin_offsetof(struct linux_thread_info, clear_child_tid),
                    &child_tid, sizeof child_tid);
    uint32_t tid = (uint32_t)thread->tid;
    if (flags & LINUX_CLONE_CHILD_SETTID)
        space_write(space, child_tid, &tid, sizeof tid);
    if (flags & LINUX_CLONE_PARENT_SETTID)
        space_write(space, argument(request, PROC_CLONE_PARENT_TID_MR), &tid, sizeof tid);
    if (tern_tcb_copy_fp_state(thread->tcb, caller->tcb) != TERN_OK
        || thread_start(thread, registers, TERN_USER_REGISTER_COUNT) < 0) {
        thread_destroy(thread);
        return result(request, -LINUX_EAGAIN);
    }
    result(request, (int64_t)thread->tid);
}

/* Read the execve/spawn block from window 0 into procmgr's memory. */
static char *read_block(struct request *request, uint64_t length)
{
    if (length == 0 || length > EXECVE_BLOCK_MAX || tern_message_windows(request->info) < 1)
        return 0;
    char *block = heap_allocate(length + 1);
    if (block && server_read_window(request->message, 0, 0, block, length) != 0) {
        heap_free(block);
        return 0;
    }
    return block;
}

/* Replace the process's program with the file's (cap slot file); caller
 * (0 for a spawn) is the thread that asked: its blocked mask and pending
 * signals pass to the new main thread. */
static int exec_program(struct process *process, uint64_t file, const char *block,
                        uint64_t block_length, unsigned argc, unsigned envc,
                        struct thread *caller)
{
    static struct thread signals_kept;
    struct space *space;
    uint64_t entry, stack_pointer;
    int status = loader_load(process, file, block, block_length, argc, envc, &space, &entry,
                             &stack_pointer);
    if (status < 0)
        return status;
    /* The point of no return: the old program goes. A first program
     * starts with descriptors 0-2 (files_open_console). */
    uint64_t survivors[LINUX_MAX_FDS / 64] = { 7 };
    uint64_t umask = LINUX_DEFAULT_UMASK;
    uint64_t blocked_signals = caller ? signal_blocked_mask(caller) : 0;
    uint64_t cpu_mask = caller ? caller->cpu_mask : 0;      /* execve keeps the affinity */
    if (caller)
        signal_keep(&signals_kept, caller);
    if (process->space) {
        files_close_on_exec(process, survivors, &umask);
        for (unsigned area = 0; area < LINUX_MAX_THREADS && process->thread_count; area++)
            if (process->threads[area])
                thread_destroy(process->threads[area]);
        space_destroy(process->space);
    }
    process->space = space;
    signal_reset_handlers(process);
    uint64_t no_cloexec[LINUX_MAX_FDS / 64] = { 0 };
    struct thread *thread = thread_new(process, process->pid, 0, blocked_signals, cpu_mask);
    uint64_t registers[] = { entry, stack_pointer, 0, 0 };
    if (!thread || files_write_info(process, survivors, no_cloexec, umask) < 0) {
        signal_thread_gone(&signals_kept);     /* what it kept goes too */
        return -LINUX_ENOMEM;
    }
    if (caller)
        signal_keep(thread, &signals_kept);
    if (thread_start(thread, registers, 4) < 0)
        return -LINUX_ENOMEM;
    return 0;
}

static void handle_spawn(struct request *request)
{
    if (request->process != &init_process)
        return result(request, -LINUX_EPERM);
    uint64_t block_length = request->mr[3];
    bool stdin_from_file = tern_message_length(request->info) > 4
                        && argument(request, 4) == PROC_SPAWN_STDIN_FILE;
    char *block = read_block(request, block_length);
    if (!block)
        return result(request, -LINUX_EFAULT);
    block[block_length] = '\0';
    struct process *process = process_new(request->process);
    int status = process ? files_open_console(process, stdin_from_file) : -LINUX_EAGAIN;
    if (process)
        process->first_program = true;
    /* Open the program through vfs as procmgr (root). */
    uint64_t program = slot_allocate(server_memory.slots);
    if (status == 0 && !program)
        status = -LINUX_ENOMEM;
    if (status == 0)
        status = file_open(TERN_SLOT_CNODE, program, block, LINUX_O_RDONLY | VFS_OPEN_EXEC);
    if (status == 0) {
        status = exec_program(process, program, block, block_length, (unsigned)request->mr[1],
                              (unsigned)request->mr[2], 0);
        file_call(TERN_SLOT_CNODE, program, FILE_CLOSE);
    }
    if (program)
        memory_delete(&server_memory, program);
    heap_free(block);
    if (status < 0) {
        if (process) {
            process_exit(process, 0);
            process_reap(process);
        }
        return result(request, status);
    }
    result(request, (int64_t)process->pid);
}

static void handle_execve(struct request *request)
{
    struct thread *caller = calling_thread(request);
    uint64_t block_length = request->mr[3];
    if (!caller)
        return result(request, -LINUX_ESRCH);
    uint64_t program = server_received_slot(request->message, 0);
    if (tern_message_caps(request->info) != 1 || !program)
        return result(request, -LINUX_EBADF);
    char *block = read_block(request, block_length);
    if (!block)
        return result(request, -LINUX_EFAULT);
    block[block_length] = '\0';
    int status = exec_program(request->process, program, block, block_length,
                              (unsigned)request->mr[1], (unsigned)request->mr[2], caller);
    heap_free(block);
    file_call(TERN_SLOT_CNODE, program, FILE_CLOSE);
    if (status < 0)
        return result(request, status);
    request->silent = true;             /* the calling thread is gone */
}

static void handle_exit(struct request *request)
{
    struct thread *caller = calling_thread(request);
    if (!caller)
        return result(request, -LINUX_ESRCH);
    struct process *process = request->process;
    uint64_t status = LINUX_W_EXITCODE(request->mr[1], 0);
    request->silent = true;
    if (request->mr[2] || process->thread_count == 1)
        process_exit(process, status);
    else
        thread_destroy(caller);
}

/* A signal to the caller's own process may end it before procmgr answers:
 * the caller has its answer (0) first, and procmgr says nothing after. */
static void answer_before_signalling_self(struct request *request)
{
    server_answer(request->message, 0);
    server_answer_now(request->message);
    request->silent = true;
}

/* A process as kill sees it (0: there is none). */
static struct kill_target kill_target_of(const struct process *process)
{
    struct kill_target target = { .alive = false };
    if (!process)
        return target;
    target.alive = process->state == PROCESS_ALIVE;
    target.runs_program = process->space != 0;     /* all but init */
    target.credentials = process_credentials(process);
    return target;
}

/* kill(2)'s checks (kill_check), then the signal with its siginfo: 0,
 * -EINVAL, -ESRCH, -EPERM, or -EAGAIN when a real-time instance could
 * not queue (kill_sent_status). */
static int deliver_with_info(struct process *sender, struct process *target,
                             struct thread *thread, uint64_t signal,
                             const struct signal_info *info)
{
    struct credentials from = process_credentials(sender);
    struct kill_target to = kill_target_of(target);
    bool send;
    int status = kill_check(signal, &from, &to, &send);
    if (status < 0 || !send)
        return status;
    return kill_sent_status(info->code, signal_send(target, thread, (unsigned)signal, info));
}

/* A signal with the siginfo code gives it: from sender, or from the
 * kernel (SI_KERNEL: no sender). */
static int deliver_signal(struct process *sender, struct process *target, struct thread *thread,
                          uint64_t signal, int32_t code)
{
    bool from_kernel = code == LINUX_SI_KERNEL;
    struct signal_info info = { .code = code, .pid = from_kernel ? 0 : (uint32_t)sender->pid,
                                .uid = from_kernel ? 0 : (uint32_t)sender->uid };
    return deliver_with_info(sender, target, thread, signal, &info);
}

/* PROC_SIGQUEUE: rt_sigqueueinfo and rt_tgsigqueueinfo, with the
 * caller's siginfo (code, value, sender). Only to itself may a process
 * send what would pass for the kernel's (si_code >= 0) or tgkill's. */
static void handle_sigqueue(struct request *request)
{
    if (tern_message_length(request->info) < 7)
        return result(request, -LINUX_EINVAL);
    uint64_t pid = request->mr[0], tid = request->mr[1], signal = request->mr[2];
    struct signal_info info = {
        .code = (int32_t)request->mr[3],
        .value = argument(request, 4),
        .pid = (uint32_t)argument(request, 5),
        .uid = (uint32_t)argument(request, 6),
    };
    struct thread *thread = tid && tid < ID_LIMIT ? threads[tid] : 0;
    struct process *target = tid ? (thread ? thread->process : 0)
                                  : pid < ID_LIMIT ? processes[pid] : 0;
    if (tid && thread && thread->process->pid != pid)
        target = 0;
    if (!target)
        return result(request, -LINUX_ESRCH);
    if (signal > LINUX_NSIG)
        return result(request, -LINUX_EINVAL);
    int status = kill_check_sigqueue_code(info.code, target == request->process);
    if (status < 0)
        return result(request, status);
    if (target == request->process && signal) {
        if (!signal_can_queue(target, thread, (unsigned)signal))
            return result(request, -LINUX_EAGAIN);
        answer_before_signalling_self(request);
    }
    status = deliver_with_info(request->process, target, thread, signal, &info);
    if (!request->silent)
        result(request, status);
}

/* PROC_SCHED_AFFINITY: thread tid's cores (sched_getaffinity), or with a
 * mask its new ones (sched_setaffinity: the caller's own threads, or
 * another user's only for root, as Linux's check_same_owner). */
static void handle_sched_affinity(struct request *request)
{
    uint64_t tid = request->mr[0], mask = request->mr[1];
    struct thread *thread = tid < ID_LIMIT ? threads[tid] : 0;
    if (!thread || thread->process->state != PROCESS_ALIVE)
        return result(request, -LINUX_ESRCH);
    if (!mask)
        return result(request, (int64_t)thread->cpu_mask);
    struct credentials caller = process_credentials(request->process);
    struct credentials owner = process_credentials(thread->process);
    if (!credentials_may_set_affinity(&caller, &owner))
        return result(request, -LINUX_EPERM);
    int status = thread_set_cpu_mask(thread, mask);
    result(request, status < 0 ? status : (int64_t)thread->cpu_mask);
}

static void handle_kill(struct request *request)
{
    int64_t pid = (int64_t)request->mr[0];
    uint64_t signal = request->mr[1];
    struct process *sender = request->process;
    if (signal > LINUX_NSIG)
        return result(request, -LINUX_EINVAL);     /* even when no process is found */
    if (pid > 0)
        return result(request, deliver_signal(sender, pid < ID_LIMIT ? processes[pid] : 0, 0,
                                              signal, LINUX_SI_USER));
    /* Every process kill_reaches, the caller's own last: it may die of it. */
    struct process_ids from = process_ids_of(sender);
    struct kill_tally tally = kill_tally_start(pid);
    bool self = false;
    for (uint64_t id = 1; id < ID_LIMIT; id++) {
        struct process *target = processes[id];
        if (!target || target->state != PROCESS_ALIVE)
            continue;
        struct process_ids candidate = process_ids_of(target);
        if (!kill_reaches(pid, &from, &candidate))
            continue;
        if (target == sender)
            self = true;
        else
            kill_tally_add(&tally, deliver_signal(sender, target, 0, signal, LINUX_SI_USER));
    }
    if (self) {
        answer_before_signalling_self(request);
        deliver_signal(sender, sender, 0, signal, LINUX_SI_USER);
        return;
    }
    result(request, kill_tally_result(&tally));
}

static void handle_tgkill(struct request *request)
{
    uint64_t tgid = request->mr[0], tid = request->mr[1], signal = request->mr[2];
    if (tid >= ID_LIMIT || !threads[tid] || (tgid && threads[tid]->process->pid != tgid))
        return result(request, signal > LINUX_NSIG ? -LINUX_EINVAL : -LINUX_ESRCH);
    struct thread *thread = threads[tid];
    uint64_t flags = tern_message_length(request->info) > 3 ? request->mr[3] : 0;
    int32_t code;
    int status = kill_tgkill_code(flags, thread->process == request->process, &code);
    if (status < 0)
        return result(request, status);
    if (thread->process == request->process && signal)
        answer_before_signalling_self(request);
    status = deliver_signal(request->process, thread->process, thread, signal, code);
    if (!request->silent)
        result(request, status);
}

static void wait_for(struct request *request, struct waiter *waiter)
{
    struct process *parent = request->process;
    struct process *child;
    int64_t found = wait_find(parent, &waiter->request, &child);
    if (found < 0)
        return result(request, found);
    if (child) {
        request->result_count = wait_answer_values(&waiter->request, child, request->results);
        return;
    }
    if (waiter->request.options & LINUX_WNOHANG) {
        if (waiter->request.is_waitid) {
            uint64_t values[] = { 0, 0, 0, 0, 0 };
            memcpy(request->results, values, sizeof values);
            request->result_count = 5;
            return;
        }
        return result(request, 0);
    }
    if (parent->waiter_count == sizeof parent->waiters / sizeof parent->waiters[0])
        return result(request, -LINUX_EAGAIN);
    waiter->reply = request->reply;
    parent->waiters[parent->waiter_count++] = *waiter;
    request->deferred = true;
}

static void handle_wait4(struct request *request)
{
    struct waiter waiter = { .tid = request->mr[2] };
    int status = wait_request_from_wait4((int64_t)request->mr[0], request->mr[1],
                                         request->process->pgid, &waiter.request);
    if (status < 0)
        return result(request, status);
    wait_for(request, &waiter);
}

static void handle_waitid(struct request *request)
{
    struct waiter waiter = { .tid = request->mr[3] };
    int status = wait_request_from_waitid(request->mr[0], (int64_t)request->mr[1],
                                          request->mr[2], request->process->pgid,
                                          &waiter.request);
    if (status < 0)
        return result(request, status);
    wait_for(request, &waiter);
}

static void handle_get_ids(struct request *request)
{
    struct process *p = request->process;
    uint64_t values[] = { 0, p->pid, p->ppid,
                          p->uid, p->euid, p->suid, p->gid, p->egid, p->sgid, p->pgid, p->sid };
    memcpy(request->results, values, sizeof values);
    request->result_count = sizeof values / sizeof values[0];
}

static void handle_set_ids(struct request *request)
{
    /* The ids are 32 bits wide; -1 keeps one. */
    int64_t first = (int32_t)request->mr[1], second = (int32_t)request->mr[2],
            third = (int32_t)request->mr[3];
    struct credentials credentials = process_credentials(request->process);
    int status = credentials_set_ids(&credentials, request->mr[0], first, second, third);
    if (status < 0)
        return result(request, status);
    result(request, process_set_credentials(request->process, &credentials) ? 0 : -LINUX_ENOMEM);
}

/* Whether process group pgid exists in session sid (zombies count: they
 * keep their group until reaped). */
static bool group_in_session(void *context, uint64_t pgid, uint64_t sid)
{
    (void)context;
    for (uint64_t id = 1; id < ID_LIMIT; id++)
        if (processes[id] && processes[id]->pgid == pgid && processes[id]->sid == sid)
            return true;
    return false;
}

/* setpgid, getpgid, setsid, getsid: process_group.c decides. */
static void handle_process_groups(struct request *request, uint64_t label)
{
    struct process *caller = request->process;
    int64_t pid = (int64_t)request->mr[0];
    struct process *found = pid == 0 ? caller : pid > 0 && pid < ID_LIMIT ? processes[pid] : 0;
    struct process_ids self = process_ids_of(caller), target_ids;
    const struct process_ids *target = 0;
    if (found && found->state == PROCESS_ALIVE) {
        target_ids = process_ids_of(found);
        target = &target_ids;
    }
    int64_t value;
    switch (label) {
    case PROC_GETPGID:
        return result(request, process_group_getpgid(pid, target));
    case PROC_GETSID:
        return result(request, process_group_getsid(pid, target));
    case PROC_SETSID:
        value = process_group_setsid(&self);
        if (value >= 0)
            caller->sid = caller->pgid = (uint64_t)value;
        return result(request, value);
    default:        /* PROC_SETPGID */
        value = process_group_setpgid(&self, pid, target, (int64_t)request->mr[1],
                                      group_in_session, 0);
        if (value >= 0)
            found->pgid = (uint64_t)value;
        return result(request, value < 0 ? value : 0);
    }
}

/* A file mapping: its descriptor (capability 0) says whether and how the
 * file maps (memory_object_map_file); 0 or -errno. */
static int map_file(struct request *request, struct mapping *mapping)
{
    uint64_t descriptor = server_keep_capability(request->message, 0);
    if (!descriptor)
        return -LINUX_EBADF;
    bool writable = false;
    int status = memory_object_map_file(descriptor, mapping->prot, mapping->shared,
                                        mapping->offset, mapping->length, &mapping->object,
                                        &writable);
    if (status != 0)                        /* the object did not take it */
        memory_delete(&server_memory, descriptor);
    if (status < 0)
        return status;
    mapping->write_forbidden = mapping->shared && !writable;
    return 0;
}

/* PROC_MMAP: anonymous memory, or a file (capability 0, offset in MR4). */
static void handle_mmap(struct request *request)
{
    const uint64_t *mr = request->mr;
    unsigned type = (unsigned)mr[3] & LINUX_MAP_TYPE;
    struct mapping mapping = { .address = mr[0], .length = mr[1], .prot = (unsigned)mr[2],
                               .flags = (unsigned)mr[3], .offset = argument(request, 4),
                               .shared = type == LINUX_MAP_SHARED
                                         || type == LINUX_MAP_SHARED_VALIDATE };
    uint64_t page_length;
    int status = address_map_check_mmap(mapping.address, mapping.length, mapping.flags,
                                        mapping.offset, &page_length);
    if (status == 0 && !(mapping.flags & LINUX_MAP_ANONYMOUS))
        status = map_file(request, &mapping);
    else if (status == 0 && type == LINUX_MAP_SHARED_VALIDATE)
        status = -LINUX_EINVAL;     /* it validates flags for files only */
    mapping.offset = mapping.object ? mapping.offset : 0;
    if (status < 0)
        return result(request, status);
    result(request, space_mmap(request->process->space, &mapping));
}

static void handle_memory(struct request *request, uint64_t label)
{
    struct space *space = request->process->space;
    const uint64_t *mr = request->mr;
    switch (label) {
    case PROC_MMAP:
        return handle_mmap(request);
    case PROC_MUNMAP: return result(request, space_munmap(space, mr[0], mr[1]));
    case PROC_MPROTECT: return result(request, space_mprotect(space, mr[0], mr[1], (unsigned)mr[2]));
    case PROC_BRK: return result(request, space_brk(space, mr[0]));
    case PROC_MREMAP:
        return result(request, space_mremap(space, mr[0], mr[1], mr[2], (unsigned)mr[3]));
    case PROC_FUTEX_KEY: return result(request, space_futex_key(space, mr[0]));
    }
}

static void handle_sigaction(struct request *request)
{
    uint64_t signal = request->mr[0], disposition = request->mr[1];
    int status = signal_check_disposition(signal, disposition);
    if (status < 0)
        return result(request, status);
    signal_set_disposition(request->process, (unsigned)signal, (unsigned)disposition,
                           request->mr[2]);
    result(request, 0);
}

static void handle_signal_take(struct request *request)
{
    struct thread *caller = calling_thread(request);
    if (!caller)
        return result(request, -LINUX_ESRCH);
    struct signal_info info;
    int signal = signal_take(caller, request->mr[1], request->mr[2] & PROC_SIGNAL_ACCEPT, &info);
    if (signal < 0) {
        request->silent = true;         /* it ended the process */
        return;
    }
    uint64_t values[] = { (uint64_t)signal, (uint64_t)(int64_t)info.code,
                          info.pid | (uint64_t)info.uid << 32, info.value };
    memcpy(request->results, values, sizeof values);
    request->result_count = signal ? 4 : 1;
}

static void handle_getitimer(struct request *request)
{
    uint64_t values[3] = { 0 };
    timer_get(request->process, &values[1], &values[2]);
    memcpy(request->results, values, sizeof values);
    request->result_count = 3;
}

static void handle_setitimer(struct request *request)
{
    handle_getitimer(request);      /* the answer is the timer as it was */
    timer_set(request->process, request->mr[0], request->mr[1]);
}

static void handle_signal_pause(struct request *request)
{
    struct thread *caller = calling_thread(request);
    if (!caller)
        return result(request, -LINUX_ESRCH);
    if (signal_pause(caller, request->mr[1], request->reply)) {
        request->deferred = true;
        return;
    }
    result(request, -LINUX_ERESTARTNOHAND);
}

/* A fault of one of the threads procmgr made: page it in, or the process
 * dies of the signal Linux would send. */
static void handle_fault(struct request *request, uint64_t tid)
{
    struct thread *thread = tid < ID_LIMIT ? threads[tid] : 0;
    request->silent = true;
    if (!thread)
        return;
    struct process *process = thread->process;
    uint64_t label = tern_message_label(request->info);
    uint64_t signal = LINUX_SIGSEGV, address = 0;
    int32_t code = 0;
    if (label == TERN_FAULT_VM) {
        bool write = !request->mr[2] && (request->mr[3] & ESR_WRITE_NOT_READ);
        uint64_t pc = request->mr[0];
        address = request->mr[1];
        bool in_personality = pc >= LINUX_PERSONALITY && pc < LINUX_PROCESS_INFO;
        struct fault_signal unresolved;
        if (space_handle_fault(process->space, address, write, &unresolved) == 0
            || (in_personality && tern_tcb_write_registers(thread->tcb,
                   TERN_WRITE_REGISTERS_IN_UPCALL, 1,
                   &(uint64_t){ process->space->upcall_entry + TERN_UPCALL_FAULT_RETURN_OFFSET })
                   == TERN_OK)) {
            /* Paged in, or a bad address in a syscall: the personality
             * ends it with EFAULT (SIGSEGV for a signal frame). */
            request->silent = false;
            request->result_count = 0;
            return;
        }
        signal = unresolved.signal;
        code = unresolved.code;
    } else if (label == TERN_FAULT_USER_EXCEPTION) {
        bool breakpoint = ESR_CLASS(request->mr[3]) == ESR_CLASS_BRK;
        signal = breakpoint ? LINUX_SIGTRAP : LINUX_SIGILL;
        code = breakpoint ? LINUX_TRAP_BRKPT : LINUX_ILL_ILLOPC;
        address = request->mr[0];
    } else {
        signal = LINUX_SIGSYS;      /* a syscall the personality did not take */
    }
    if (signal != LINUX_SIGSYS && signal_fault(thread, (unsigned)signal, code, address)) {
        request->silent = false;    /* resume: into the handler */
        request->result_count = 0;
        return;
    }
    process_exit(process, LINUX_W_EXITCODE(0, signal));
}

static void dispatch(struct request *request, uint64_t label)
{
    switch (label) {
    case PROC_SPAWN: return handle_spawn(request);
    case PROC_FORK: return handle_fork(request);
    case PROC_CLONE: return handle_clone(request);
    case PROC_EXECVE: return handle_execve(request);
    case PROC_EXIT: return handle_exit(request);
    case PROC_WAIT4: return handle_wait4(request);
    case PROC_WAITID: return handle_waitid(request);
    case PROC_KILL: return handle_kill(request);
    case PROC_TGKILL: return handle_tgkill(request);
    case PROC_SIGQUEUE: return handle_sigqueue(request);
    case PROC_SCHED_AFFINITY: return handle_sched_affinity(request);
    case PROC_GET_IDS: return handle_get_ids(request);
    case PROC_SET_IDS: return handle_set_ids(request);
    case PROC_SETPGID:
    case PROC_GETPGID:
    case PROC_SETSID:
    case PROC_GETSID: return handle_process_groups(request, label);
    case PROC_SIGACTION: return handle_sigaction(request);
    case PROC_SIGNAL_TAKE: return handle_signal_take(request);
    case PROC_SIGNAL_PAUSE: return handle_signal_pause(request);
    case PROC_SETITIMER: return handle_setitimer(request);
    case PROC_GETITIMER: return handle_getitimer(request);
    case PROC_MMAP:
    case PROC_MUNMAP:
    case PROC_MPROTECT:
    case PROC_BRK:
    case PROC_MREMAP:
    case PROC_FUTEX_KEY:
        if (!request->process->space)
            return result(request, -LINUX_EPERM);
        return handle_memory(request, label);
    default: return result(request, -LINUX_ENOSYS);
    }
}

/* Who asks, by the badge: a thread's fault, init, or a process (0 for
 * one that is gone: nothing to answer). */
static enum server_outcome handle(struct server_request *message)
{
    struct request request = { .message = message, .info = message->info, .mr = message->mr,
                               .reply = message->reply };
    uint64_t badge = message->badge;
    if (badge & PROCMGR_FAULT_FLAG) {
        handle_fault(&request, badge & ~PROCMGR_FAULT_FLAG);
    } else {
        request.process = badge == PROCMGR_BADGE_INIT ? &init_process
                        : badge < ID_LIMIT ? processes[badge] : 0;
        if (!request.process || request.process->state != PROCESS_ALIVE)
            return SERVER_SILENT;
        dispatch(&request, tern_message_label(request.info));
    }
    if (request.deferred)
        return SERVER_DEFER;
    if (request.silent)
        return SERVER_SILENT;
    return server_answer_values(message, request.result_count, request.results);
}

/* The bound notification: an interval timer's deadline passed. */
static void timer_fired(uint64_t word)
{
    (void)word;
    timers_expired();
}

static const struct server_config procmgr_server = {
    .name = "procmgr",
    .deferred_capacity = WAITING_CALLERS,
    .handle = handle,
    .notified = timer_fired,
};

int root_main(const struct tern_boot_info *info)
{
    server_init(info, &procmgr_server);
    /* Everything procmgr makes comes from chunks (allotment.c). */
    chunks_init(info);
    allotment_init_pool(&own_pool);
    server_memory.untyped = &own_pool;
    init_process.pid = init_process.pgid = init_process.sid = 1;
    init_process.state = PROCESS_ALIVE;
    processes[1] = &init_process;
    int status = loader_init();
    if (status < 0) {
        tern_printf("procmgr: cannot read the personality /lib/tern/linux: error %d\n", -status);
        return 1;
    }
    server_run();
}
