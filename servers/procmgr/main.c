/*
 * procmgr: processes, threads, credentials and memory for Linux programs
 * (protocol: sys/protocol/procmgr.h, docs/protocols/procmgr.md), and the
 * default pager (faults of every thread it made come here).
 *
 * The server runtime's loop (sys/server.h) hands each request here: who
 * asks is the badge (a pid, PROCMGR_BADGE_INIT for init: pid 1, the first
 * program's parent; or a thread's fault badge), and the label picks the
 * handler (request.h). wait4, waitid and sigsuspend keep their caller
 * waiting (deferred replies).
 */
#include "frames.h"
#include "request.h"
#include "sys/print.h"
#include "sys/runtime.h"

/* Callers procmgr keeps waiting at once (wait4, waitid, sigsuspend): a
 * thread waits in one call at a time, so every thread may. */
#define WAITING_CALLERS ID_LIMIT

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
    case PROC_MQ_NOTIFIED: return handle_mq_notified(request);
    case PROC_SCHED_AFFINITY: return handle_sched_affinity(request);
    case PROC_SCHED_POLICY: return handle_sched_policy(request);
    case PROC_FUTEX_PI: return handle_futex_pi(request);
    case PROC_UNSHARE: return handle_unshare(request);
    case PROC_DUMPABLE: return handle_dumpable(request);
    case PROC_CPU_TIME: return handle_cpu_time(request);
    case PROC_SYSINFO: return handle_sysinfo(request);
    case PROC_PROCFS: return handle_procfs(request);
    case PROC_PROCFS_FD: return handle_procfs_descriptor(request);
    case PROC_LEND_MEMORY: return handle_lend_memory(request);
    case PROC_PROCESS_VM:
        if (!request->process->space)
            return result(request, -LINUX_EPERM);
        return handle_process_vm(request);
    case PROC_KCMP: return handle_kcmp(request);
    case PROC_ACCESS: return handle_access(request);
    case PROC_RLIMIT:
        if (!request->process->space)
            return result(request, -LINUX_EPERM);
        return handle_rlimit(request);
    case PROC_USERFAULTFD:
        if (!request->process->space)
            return result(request, -LINUX_EPERM);
        return handle_userfaultfd(request);
    case PROC_CLOCK_SET: return handle_clock_set(request);
    case PROC_TERMINAL: return handle_terminal(request);
    case PROC_ROBUST_LIST: return handle_robust_list(request);
    case PROC_ROBUST_RELEASE: return handle_robust_release(request);
    case PROC_TIMER_CREATE: return handle_timer_create(request);
    case PROC_TIMER_SETTIME: return handle_timer_settime(request);
    case PROC_TIMER_GETTIME: return handle_timer_gettime(request);
    case PROC_TIMER_GETOVERRUN: return handle_timer_getoverrun(request);
    case PROC_TIMER_DELETE: return handle_timer_delete(request);
    case PROC_PIDFD_OPEN: return handle_pidfd_open(request);
    case PROC_PIDFD_SEND_SIGNAL: return handle_pidfd_send_signal(request);
    case PROC_PIDFD_GETFD: return handle_pidfd_getfd(request);
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
    case PROC_MADVISE:
    case PROC_BRK:
    case PROC_MREMAP:
    case PROC_FUTEX_KEY:
    case PROC_MAPPING:
    case PROC_MEMORY_LOCK:
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

/* The bound notification: an interval timer's deadline passed, or vfs
 * has signals from a terminal's keyboard. */
static void notified(uint64_t word)
{
    if ((word & PROCMGR_TERMINAL_BADGE) == PROCMGR_TERMINAL_BADGE)
        terminals_notified();
    timers_expired();
}

static const struct server_config procmgr_server = {
    .name = "procmgr",
    .id = SERVER_PROCMGR,
    .deferred_capacity = WAITING_CALLERS,
    .handle = handle,
    .notified = notified,
    /* userfaultfd descriptors (userfault_requests.c): a file-protocol
     * request through a badge that is no process's, init's or a fault's. */
    .descriptors = &userfault_files,
    .session_badge_bits = PROCMGR_BADGE_INIT | PROCMGR_FAULT_FLAG | PROCMGR_TIMER_BADGE,
    .kept_heap_bytes = frames_chunk_table_bytes,
};

int root_main(const struct tern_boot_info *info)
{
    server_init(info, &procmgr_server);
    wall_clock_init(info->realtime_seconds, info->realtime_counter);
    /* Everything procmgr makes comes from chunks (allotment.c). */
    chunks_init(info);
    allotment_init_pool(&own_pool);
    server_memory.untyped = &own_pool;
    if (!frames_init(server_memory.slots->last)) {
        tern_printf("procmgr: no memory for the frame pool\n");
        return 1;
    }
    init_process.pid = init_process.pgid = init_process.sid = 1;
    init_process.state = PROCESS_ALIVE;
    init_process.access = access_default();
    init_process.task_limit = UINT64_MAX;
    init_process.pending_limit = UINT64_MAX;
    init_process.cpu_limit_soft = init_process.cpu_limit_hard = UINT64_MAX;
    /* What ps shows for it: a native program, never execve'd. */
    memcpy(init_process.comm, "init", 5);
    memcpy(init_process.command_line, "init", 5);
    init_process.command_line_length = 5;
    processes[1] = &init_process;
    int status = loader_init();
    if (status < 0) {
        tern_printf("procmgr: cannot read the personality /lib/tern/linux: error %d\n", -status);
        return 1;
    }
    terminals_init();
    userfault_files_init();
    server_run();
}
