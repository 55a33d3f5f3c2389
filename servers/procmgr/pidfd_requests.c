/*
 * procmgr's requests about pidfds (request.h): pidfd_open, CLONE_PIDFD
 * (process_requests.c asks make_pidfd), pidfd_send_signal, pidfd_getfd
 * and waitid's P_PIDFD. A pidfd is a descriptor of the event server
 * (sys/protocol/event.h); procmgr makes it there, since only procmgr
 * knows which processes exist, and asks it which process a pidfd names.
 * The event server never calls procmgr, so neither waits on the other.
 */
#include "request.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/protocol/event.h"
#include "sys/protocol/file.h"
#include "sys/runtime.h"
#include "sys/server.h"
#include "sys/syscall.h"

int make_pidfd(struct process *target, uint32_t flags, struct process *owner, uint64_t slot)
{
    uint64_t notice = server_notice_slot(SERVER_EVENT);
    if (!notice || slot < LINUX_SLOT_FD_BASE || slot >= LINUX_SLOT_FD_BASE + LINUX_MAX_FDS)
        return -LINUX_EINVAL;
    files_close_slot(owner, slot);
    uint64_t mr[TERN_MSG_REGISTERS] = {target->pid, flags, target->state != PROCESS_ALIVE};
    tern_message_info info = server_call_receiving(notice, tern_message(EVENT_PIDFD, 0, 3), mr,
                                                   owner->cnode, slot);
    if (tern_message_label(info) != 0)
        return -LINUX_ENOMEM;
    if ((int64_t)mr[0] < 0)
        return (int)mr[0];
    return tern_message_caps(info) ? 0 : -LINUX_ENFILE;
}

/* The process the pidfd in the request's capability 0 names: -EBADF for
 * anything but a pidfd; *target NULL once it is reaped (or its pid went
 * to another process). *nonblocking: the pidfd's O_NONBLOCK. */
static int pidfd_target(struct request *request, struct process **target, bool *nonblocking)
{
    uint64_t slot = server_received_slot(request->message, 0);
    if (!slot)
        return -LINUX_EBADF;
    uint64_t mr[TERN_MSG_REGISTERS] = {0};
    tern_message_info info = tern_call(slot, tern_message(EVENT_PIDFD_QUERY, 0, 0), mr);
    if (tern_message_label(info) != 0 || (int64_t)mr[0] < 0)
        return -LINUX_EBADF;
    uint64_t pid = mr[1];
    bool ended = mr[2] != 0;
    *nonblocking = mr[3] != 0;
    struct process *process = pid < ID_LIMIT ? processes[pid] : 0;
    /* Ended: it is a zombie still, or gone (a live one of that pid is
     * another process). */
    *target = process && !(ended && process->state == PROCESS_ALIVE) ? process : 0;
    return 0;
}

/* PROC_PIDFD_OPEN: pid, flags, the caller's slot for the descriptor. */
void handle_pidfd_open(struct request *request)
{
    int64_t pid = (int64_t)request->mr[0];
    uint64_t flags = request->mr[1];
    if (flags & ~(uint64_t)LINUX_O_NONBLOCK)
        return result(request, -LINUX_EINVAL);
    if (pid <= 0)
        return result(request, -LINUX_EINVAL);
    struct process *target = pid < ID_LIMIT ? processes[pid] : 0;
    if (!target) {
        /* A thread of a process is no process: Linux's pidfd_open. */
        bool thread = pid < ID_LIMIT && threads[pid];
        return result(request, thread ? -LINUX_EINVAL : -LINUX_ESRCH);
    }
    result(request, make_pidfd(target, (uint32_t)flags, request->process, request->mr[2]));
}

/* PROC_PIDFD_SEND_SIGNAL: cap 0 the pidfd; signal, whether a siginfo
 * comes, then its si_code, si_value, si_pid and si_uid. */
void handle_pidfd_send_signal(struct request *request)
{
    if (tern_message_length(request->info) < 6)
        return result(request, -LINUX_EINVAL);
    struct process *target;
    bool nonblocking;
    int status = pidfd_target(request, &target, &nonblocking);
    if (status < 0)
        return result(request, status);
    uint64_t signal = request->mr[0];
    struct signal_info info = {.code = LINUX_SI_USER, .pid = (uint32_t)request->process->pid,
                               .uid = (uint32_t)request->process->uid};
    if (request->mr[1]) {
        info = (struct signal_info){.code = (int32_t)request->mr[2], .value = request->mr[3],
                                    .pid = (uint32_t)request->mr[4],
                                    .uid = (uint32_t)request->mr[5]};
        status = kill_check_sigqueue_code(info.code, target == request->process);
        if (status < 0)
            return result(request, status);
    }
    if (!target)
        return result(request, -LINUX_ESRCH);
    if (target == request->process && signal) {
        server_answer(request->message, 0);
        server_answer_now(request->message);
        request->silent = true;
    }
    status = signal_deliver_from(request->process, target, signal, &info);
    if (!request->silent)
        result(request, status);
}

/* PROC_PIDFD_GETFD: cap 0 the pidfd; the target's descriptor, flags, the
 * caller's slot for the copy, which shares the open file description. */
void handle_pidfd_getfd(struct request *request)
{
    struct process *caller = request->process, *target;
    bool nonblocking;
    int status = pidfd_target(request, &target, &nonblocking);
    if (status < 0)
        return result(request, status);
    uint64_t fd = request->mr[0], slot = request->mr[2];
    if (request->mr[1])
        return result(request, -LINUX_EINVAL);
    if (!target || target->state != PROCESS_ALIVE)
        return result(request, -LINUX_ESRCH);
    /* Linux's PTRACE_MODE_ATTACH_REALCREDS: its descriptor table is
     * read as its memory is. */
    if (process_may_inspect(caller, target, ACCESS_VM_READ) < 0)
        return result(request, -LINUX_EPERM);
    if (fd >= LINUX_MAX_FDS || !files_is_open(target, fd) || slot < LINUX_SLOT_FD_BASE ||
        slot >= LINUX_SLOT_FD_BASE + LINUX_MAX_FDS)
        return result(request, -LINUX_EBADF);
    files_close_slot(caller, slot);
    if (tern_cnode_copy(caller->cnode, slot, CNODE_DEPTH, target->cnode,
                        LINUX_SLOT_FD_BASE + fd, CNODE_DEPTH, TERN_RIGHTS_ALL) != TERN_OK)
        return result(request, -LINUX_EBADF);
    status = (int)file_call(caller->cnode, slot, FILE_RETAIN);
    if (status < 0)
        tern_cnode_delete(caller->cnode, slot, CNODE_DEPTH);
    result(request, status < 0 ? status : 0);
}

int pidfd_wait_target(struct request *request, int64_t *pid, bool *nonblocking)
{
    struct process *target;
    int status = pidfd_target(request, &target, nonblocking);
    if (status < 0)
        return status;
    /* A reaped one is no child any more: 0 matches none (ECHILD). */
    *pid = target ? (int64_t)target->pid : 0;
    return 0;
}
