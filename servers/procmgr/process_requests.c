/*
 * procmgr's requests about processes (request.h): fork, clone, the
 * first program (spawn) and execve, exit, wait4 and waitid, credentials,
 * process groups and sessions, and thread affinity. The rules are the
 * cores' (credentials.c, process_group.c, wait_match.c); these decode,
 * ask them and act.
 */
#include "request.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/vfs.h"
#include "sys/runtime.h"

#define EXECVE_BLOCK_MAX    (2ULL << 20)

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

/* RLIMIT_NPROC, as Linux's copy_process checks it: one more task is
 * EAGAIN while the caller's real user already has its limit of them
 * (threads, and zombies until reaped), unless that user is root or the
 * caller is privileged. */
static bool over_task_limit(const struct process *caller)
{
    struct credentials credentials = process_credentials(caller);
    if (caller->task_limit == UINT64_MAX || caller->uid == 0 ||
        credentials_privileged(&credentials))
        return false;
    uint64_t tasks = 0;
    for (unsigned pid = 1; pid < ID_LIMIT; pid++) {
        const struct process *process = processes[pid];
        if (process && process->uid == caller->uid)
            tasks += process->state == PROCESS_ALIVE ? process->thread_count : 1;
    }
    return tasks >= caller->task_limit;
}

void handle_fork(struct request *request)
{
    struct thread *caller = calling_thread(request);
    struct process *parent = request->process;
    if (!caller)
        return result(request, -LINUX_ESRCH);
    if (over_task_limit(parent))
        return result(request, -LINUX_EAGAIN);
    struct process *child = process_new(parent);
    if (!child)
        return result(request, -LINUX_EAGAIN);
    uint64_t flags = request->mr[2];
    int error = flags & LINUX_CLONE_NEWIPC ? process_unshare_ipc_namespace(child) : 0;
    if (error == 0 && (flags & LINUX_CLONE_PIDFD))
        error = make_pidfd(child, 0, parent, request->mr[3]);
    if (error < 0) {
        process_exit(child, 0);
        process_reap(child);
        return result(request, error);
    }
    child->space = space_fork(parent->space);
    struct scheduling inherited = scheduling_inherited(&caller->scheduling);
    struct thread *thread = child->space ? thread_new(child, child->pid, caller->area,
                                                      signal_blocked_mask(caller),
                                                      caller->cpu_mask, &inherited) : 0;
    uint64_t registers[TERN_USER_REGISTER_COUNT];
    frame_registers(request, request->mr[1], 0, registers);
    /* With UFFD_FEATURE_EVENT_FORK, the fork returns, and the child
     * runs, once its events are read, as Linux's. */
    bool held = child->space && userfault_fork_events_unread();
    if (!thread || files_copy_all(parent, child) < 0
        || tern_tcb_copy_fp_state(thread->tcb, caller->tcb) != TERN_OK
        || thread_start(thread, registers, TERN_USER_REGISTER_COUNT, !held) < 0) {
        process_exit(child, 0);
        process_reap(child);
        return result(request, -LINUX_ENOMEM);
    }
    if (!userfault_fork_wait(request, caller, (int64_t)child->pid, (uint32_t)thread->tid)) {
        if (held)
            tern_tcb_resume(thread->tcb);
        result(request, (int64_t)child->pid);
    }
}

void handle_clone(struct request *request)
{
    struct thread *caller = calling_thread(request);
    uint64_t flags = request->mr[1];
    if (!caller)
        return result(request, -LINUX_ESRCH);
    if ((flags & (LINUX_CLONE_VM | LINUX_CLONE_THREAD | LINUX_CLONE_SIGHAND))
        != (LINUX_CLONE_VM | LINUX_CLONE_THREAD | LINUX_CLONE_SIGHAND))
        return result(request, -LINUX_EINVAL);
    if (over_task_limit(request->process))
        return result(request, -LINUX_EAGAIN);
    if (flags & LINUX_CLONE_SYSVSEM)
        request->process->has_undo_list = true;
    struct scheduling inherited = scheduling_inherited(&caller->scheduling);
    struct thread *thread = thread_new(request->process, 0, -1, signal_blocked_mask(caller),
                                       caller->cpu_mask, &inherited);
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
        || thread_start(thread, registers, TERN_USER_REGISTER_COUNT, true) < 0) {
        thread_destroy(thread);
        return result(request, -LINUX_EAGAIN);
    }
    signal_thread_started(thread);
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
    static struct files_kept kept;      /* a first program's: no limits_set, so the defaults */
    kept = (struct files_kept){.umask = LINUX_DEFAULT_UMASK};
    uint64_t blocked_signals = caller ? signal_blocked_mask(caller) : 0;
    uint64_t cpu_mask = caller ? caller->cpu_mask : 0;      /* execve keeps the affinity */
    struct scheduling scheduling = caller ? caller->scheduling      /* and the policy */
                                          : (struct scheduling){LINUX_SCHED_OTHER, 0, false};
    if (caller)
        signal_keep(&signals_kept, caller);
    if (process->space) {
        space->map.limit = process->space->map.limit;      /* RLIMIT_AS stays */
        space->map.data_limit = process->space->map.data_limit;    /* and RLIMIT_DATA */
        space->map.lock_limit = process->space->map.lock_limit;    /* and RLIMIT_MEMLOCK */
        files_close_on_exec(process, survivors, &kept);
        for (unsigned area = 0; area < LINUX_MAX_THREADS && process->thread_count; area++)
            if (process->threads[area])
                thread_destroy(process->threads[area]);
        space_destroy(process->space);
    }
    process->space = space;
    process_record_command(process, block, block_length, argc);
    posix_timers_delete_all(process);
    /* setup_new_exec: dumpable again unless its ids differ. */
    process->dumpable = process->euid == process->uid && process->egid == process->gid;
    signal_reset_handlers(process);
    uint64_t no_cloexec[LINUX_MAX_FDS / 64] = { 0 };
    struct thread *thread = thread_new(process, process->pid, 0, blocked_signals, cpu_mask,
                                       &scheduling);
    uint64_t registers[] = { entry, stack_pointer, 0, 0 };
    if (!thread || files_write_info(process, survivors, no_cloexec, &kept) < 0) {
        signal_thread_gone(&signals_kept);     /* what it kept goes too */
        return -LINUX_ENOMEM;
    }
    if (caller)
        signal_keep(thread, &signals_kept);
    if (thread_start(thread, registers, 4, true) < 0)
        return -LINUX_ENOMEM;
    signal_thread_started(thread);
    return 0;
}

void handle_spawn(struct request *request)
{
    if (request->process != processes[1])      /* init's alone */
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
    if (status == 0 && !stdin_from_file)
        terminal_attach_first_program(process);
    /* Open the program through vfs as procmgr (root). */
    uint64_t program = slot_allocate(server_memory.slots);
    if (status == 0 && !program)
        status = -LINUX_ENOMEM;
    if (status == 0)
        status = file_open(TERN_SLOT_CNODE, program, block, LINUX_O_RDONLY | VFS_OPEN_EXEC);
    if (status == 0) {
        status = exec_program(process, program, block, block_length, (unsigned)request->mr[1],
                              (unsigned)request->mr[2], 0);
        if (status == 0)
            process_set_executable(process, program);     /* it keeps the file */
        else
            file_call(TERN_SLOT_CNODE, program, FILE_CLOSE);
    }
    if (program && status < 0)
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

void handle_execve(struct request *request)
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
    unsigned area = caller->area;
    int status = exec_program(request->process, program, block, block_length,
                              (unsigned)request->mr[1], (unsigned)request->mr[2], caller);
    heap_free(block);
    /* The process keeps the file it runs now (/proc/<pid>/exe), with the
     * reference the personality opened it with: the capability it sent
     * from its thread's scratch slot goes from there, so the new image
     * does not close it (sys/linux_process.h's scratch slots). */
    uint64_t kept = status == 0 ? server_keep_capability(request->message, 0) : 0;
    if (kept) {
        tern_cnode_delete(request->process->cnode, linux_thread_scratch_slot(area),
                          CNODE_DEPTH);
        process_set_executable(request->process, kept);
    } else {
        file_call(TERN_SLOT_CNODE, program, FILE_CLOSE);
    }
    if (status < 0)
        return result(request, status);
    request->silent = true;             /* the calling thread is gone */
}

void handle_exit(struct request *request)
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

/* PROC_CPU_TIME: a thread's of the caller's process (the calling one,
 * or another: its clock by id), and a process's (the caller's for pid 0)
 * with its reaped children's. */
void handle_cpu_time(struct request *request)
{
    struct thread *caller = calling_thread(request);
    uint64_t pid = request->mr[1];
    struct process *process = pid ? (pid < ID_LIMIT ? processes[pid] : 0) : request->process;
    if (!caller || !process)
        return result(request, -LINUX_ESRCH);
    uint64_t thread_time = 0;
    tern_tcb_get_cpu_time(caller->tcb, &thread_time);
    request->results[0] = 0;
    request->results[1] = thread_time;
    request->results[2] = process_cpu_time(process);
    request->results[3] = process->reaped_children_time;
    request->result_count = 4;
}

/* PROC_SYSINFO: memory for processes, what is free of it, and how many
 * threads there are (sysinfo's procs counts threads, as Linux's). */
void handle_sysinfo(struct request *request)
{
    uint64_t total, free, threads_alive = 0;
    chunks_count(&total, &free);
    for (unsigned pid = 1; pid < ID_LIMIT; pid++)
        if (processes[pid])
            threads_alive += processes[pid]->thread_count;
    uint64_t values[] = {0, total, free, threads_alive};
    memcpy(request->results, values, sizeof values);
    request->result_count = 4;
}

/* PR_GET_DUMPABLE (MR0 -1) and PR_SET_DUMPABLE (0 or 1): the value
 * before. */
void handle_dumpable(struct request *request)
{
    int64_t wanted = (int64_t)request->mr[0];
    bool before = request->process->dumpable;
    if (wanted != -1 && wanted != 0 && wanted != 1)
        return result(request, -LINUX_EINVAL);
    if (wanted != -1)
        request->process->dumpable = wanted;
    result(request, before);
}

/* PROC_RLIMIT: a soft limit the personality keeps with the others and
 * tells procmgr, which enforces it: RLIMIT_AS and RLIMIT_DATA when it
 * maps, RLIMIT_CPU (with the hard limit too) as the process runs,
 * RLIMIT_RTPRIO and RLIMIT_NICE when a thread's policy changes,
 * RLIMIT_NPROC
 * when it makes tasks, RLIMIT_MEMLOCK when it locks, RLIMIT_SIGPENDING
 * when it queues signals. */
void handle_rlimit(struct request *request)
{
    switch (request->mr[0]) {
    case PROC_RLIMIT_AS:
        request->process->space->map.limit = request->mr[1];
        return result(request, 0);
    case PROC_RLIMIT_CPU:
        timer_set_cpu_limit(request->process, request->mr[1],
                            tern_message_length(request->info) >= 3 ? request->mr[2]
                                                                    : UINT64_MAX);
        return result(request, 0);
    case PROC_RLIMIT_RTPRIO:
        request->process->real_time_limit = request->mr[1];
        return result(request, 0);
    case PROC_RLIMIT_NICE:
        request->process->nice_limit = request->mr[1];
        return result(request, 0);
    case PROC_RLIMIT_DATA:
        request->process->space->map.data_limit = request->mr[1];
        return result(request, 0);
    case PROC_RLIMIT_NPROC:
        request->process->task_limit = request->mr[1];
        return result(request, 0);
    case PROC_RLIMIT_SIGPENDING:
        request->process->pending_limit = request->mr[1];
        return result(request, 0);
    case PROC_RLIMIT_MEMLOCK:
        request->process->space->map.lock_limit = request->mr[1];
        return result(request, 0);
    default:
        return result(request, -LINUX_EINVAL);
    }
}


/* PROC_ACCESS: the caller's access descriptor as one word
 * (access_model.h), and with MR0 not -1, the tightened one it asks for
 * instead. */
void handle_access(struct request *request)
{
    struct process *process = request->process;
    uint64_t before = access_pack(&process->access);
    if ((int64_t)request->mr[0] != -1) {
        struct credentials credentials = process_credentials(process);
        int error = access_set(&process->access, request->mr[0],
                               credentials_privileged(&credentials));
        if (error < 0)
            return result(request, error);
    }
    result(request, (int64_t)before);
}

void handle_unshare(struct request *request)
{
    if (request->mr[0] & ~(uint64_t)LINUX_CLONE_NEWIPC)
        return result(request, -LINUX_EINVAL);
    int error = request->mr[0] ? process_unshare_ipc_namespace(request->process) : 0;
    /* CLONE_NEWIPC takes CLONE_SYSVSEM with it: the SEM_UNDO list goes. */
    if (request->mr[0] && error == 0)
        request->process->has_undo_list = false;
    result(request, error);
}

/* PROC_SCHED_AFFINITY: thread tid's cores (sched_getaffinity), or with a
 * mask its new ones (sched_setaffinity: the caller's own threads, or
 * another user's only for root, as Linux's check_same_owner). */
void handle_sched_affinity(struct request *request)
{
    uint64_t tid = request->mr[0], mask = request->mr[1];
    struct thread *thread = tid < ID_LIMIT ? threads[tid] : 0;
    if (!thread || thread->process->state != PROCESS_ALIVE)
        return result(request, -LINUX_ESRCH);
    if (!mask)
        return result(request, (int64_t)thread->cpu_mask);
    struct credentials caller = process_credentials(request->process);
    struct credentials owner = process_credentials(thread->process);
    if (!credentials_same_owner(&caller, &owner))
        return result(request, -LINUX_EPERM);
    int status = thread_set_cpu_mask(thread, mask);
    result(request, status < 0 ? status : (int64_t)thread->cpu_mask);
}

/* PROC_SCHED_POLICY: a thread's policy and priority (sched_getscheduler,
 * sched_getparam), or new ones (sched_setscheduler, sched_setparam), as
 * scheduling.c decides; another user's thread only for root. */
void handle_sched_policy(struct request *request)
{
    uint64_t target = argument(request, 1), policy = argument(request, 2);
    struct thread *caller = calling_thread(request);
    struct thread *thread = target ? (target < ID_LIMIT ? threads[target] : 0) : caller;
    if (!caller || !thread || thread->process->state != PROCESS_ALIVE)
        return result(request, -LINUX_ESRCH);
    if (policy != PROC_SCHED_ASK) {
        struct credentials asking = process_credentials(request->process);
        struct credentials owner = process_credentials(thread->process);
        struct scheduling changed;
        const struct scheduling_rights rights = {credentials_privileged(&asking),
                                                 thread->process->real_time_limit,
                                                 thread->process->nice_limit};
        int status = scheduling_change(&thread->scheduling, (int64_t)policy,
                                       (int64_t)argument(request, 3), &rights, &changed);
        if (status == 0 && !credentials_same_owner(&asking, &owner))
            status = -LINUX_EPERM;
        if (status == 0)
            status = thread_set_scheduling(thread, &changed);
        if (status < 0)
            return result(request, status);
    }
    request->results[0] = 0;
    request->results[1] = (uint64_t)scheduling_policy_word(&thread->scheduling);
    request->results[2] = thread->scheduling.priority;
    request->result_count = 3;
}

/* none_ready: what a WNOHANG wait with nothing to report answers
 * instead of nothing (a nonblocking pidfd's -EAGAIN), or 0. */
static void wait_for(struct request *request, struct waiter *waiter, int none_ready)
{
    struct process *parent = request->process;
    struct process *child;
    enum wait_event event;
    int64_t found = wait_find(parent, &waiter->request, &child, &event);
    if (found < 0)
        return result(request, found);
    if (child) {
        request->result_count = wait_answer_values(&waiter->request, child, event,
                                                   request->results);
        return;
    }
    if (waiter->request.options & LINUX_WNOHANG) {
        if (none_ready)
            return result(request, none_ready);
        if (waiter->request.is_waitid) {
            uint64_t values[] = { 0, 0, 0, 0, 0 };
            memcpy(request->results, values, sizeof values);
            request->result_count = 5;
            return;
        }
        return result(request, 0);
    }
    /* A stopping caller stops first, then waits again. */
    if (signal_process_stopping(parent))
        return result(request, -LINUX_ERESTARTSYS);
    if (parent->waiter_count == sizeof parent->waiters / sizeof parent->waiters[0]
        || !server_can_defer())
        return result(request, -LINUX_EAGAIN);
    waiter->reply = request->reply;
    parent->waiters[parent->waiter_count++] = *waiter;
    request->deferred = true;
}

void handle_wait4(struct request *request)
{
    struct waiter waiter = { .tid = request->mr[2] };
    int status = wait_request_from_wait4((int64_t)request->mr[0], request->mr[1],
                                         request->process->pgid, &waiter.request);
    if (status < 0)
        return result(request, status);
    wait_for(request, &waiter, 0);
}

void handle_waitid(struct request *request)
{
    struct waiter waiter = { .tid = request->mr[3] };
    uint64_t idtype = request->mr[0], options = request->mr[2];
    int64_t id = (int64_t)request->mr[1];
    int none_ready = 0;
    if (idtype == LINUX_P_PIDFD) {
        bool nonblocking;
        int status = pidfd_wait_target(request, &id, &nonblocking);
        if (status < 0)
            return result(request, status);
        idtype = LINUX_P_PID;
        /* Linux's kernel_waitid: a nonblocking pidfd does not wait, and
         * says so (-EAGAIN) unless WNOHANG was asked. */
        if (nonblocking && !(options & LINUX_WNOHANG)) {
            options |= LINUX_WNOHANG;
            none_ready = -LINUX_EAGAIN;
        }
    }
    int status = wait_request_from_waitid(idtype, id, options, request->process->pgid,
                                          &waiter.request);
    if (status < 0)
        return result(request, status);
    wait_for(request, &waiter, none_ready);
}

void handle_get_ids(struct request *request)
{
    struct process *p = request->process;
    uint64_t values[] = { 0, p->pid, p->ppid,
                          p->uid, p->euid, p->suid, p->gid, p->egid, p->sgid, p->pgid, p->sid };
    memcpy(request->results, values, sizeof values);
    request->result_count = sizeof values / sizeof values[0];
}

void handle_set_ids(struct request *request)
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

/* Whether process group pgid exists in session sid. */
static bool group_in_session(void *context, uint64_t pgid, uint64_t sid)
{
    (void)context;
    return process_group_session(pgid) == sid;
}

/* setpgid, getpgid, setsid, getsid: process_group.c decides. */
void handle_process_groups(struct request *request, uint64_t label)
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
        if (value >= 0) {
            caller->sid = caller->pgid = (uint64_t)value;
            caller->terminal = 0;       /* a new session has no terminal yet */
        }
        return result(request, value);
    default:        /* PROC_SETPGID */
        value = process_group_setpgid(&self, pid, target, (int64_t)request->mr[1],
                                      group_in_session, 0);
        if (value >= 0)
            found->pgid = (uint64_t)value;
        return result(request, value < 0 ? value : 0);
    }
}
