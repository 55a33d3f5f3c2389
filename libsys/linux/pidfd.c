/*
 * pidfds: procmgr makes them (PROC_PIDFD_OPEN, and PROC_FORK for
 * CLONE_PIDFD in process.c) in the descriptor slot reserved here, and
 * takes them as a capability for pidfd_send_signal, pidfd_getfd and
 * waitid's P_PIDFD (process.c); poll, dup, fork and close are the event
 * server's, as for any descriptor (protocol/event.h).
 */
#include "descriptors.h"
#include "server_call.h"
#include "signals.h"
#include "syscalls.h"
#include "tern/ipc_buffer.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"

int64_t sys_pidfd_open(int64_t pid, uint64_t flags)
{
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    uint64_t mr[4] = {(uint64_t)(int64_t)(int32_t)pid, (uint32_t)flags,
                      linux_fd_slot((unsigned)fd), 0};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_PIDFD_OPEN, 3, 0, 0, mr);
    /* Linux's pidfd_open sets close-on-exec. */
    return linux_fd_settle((unsigned)fd, result, true);
}

int64_t linux_pidfd_argument(int64_t pidfd)
{
    int64_t slot = linux_fd_capability((int32_t)pidfd);
    if (slot < 0)
        return slot;
    tern_set_cap(0, (uint64_t)slot);
    return 0;
}

int64_t sys_pidfd_send_signal(int64_t pidfd, int64_t signal, const void *info, uint64_t flags)
{
    if (flags)
        return -LINUX_EINVAL;
    int64_t status = linux_pidfd_argument(pidfd);
    if (status < 0)
        return status;
    struct queued_siginfo given = {0};
    if (info) {
        if (!linux_user_range((uint64_t)(uintptr_t)info, sizeof given))
            return -LINUX_EFAULT;
        given = *(const struct queued_siginfo *)info;
        /* The siginfo must be of the signal sent (copy_siginfo_from_user_any). */
        if (given.signo != (int32_t)signal)
            return -LINUX_EINVAL;
    }
    tern_set_mr(4, given.pid);
    tern_set_mr(5, given.uid);
    uint64_t mr[4] = {(uint64_t)signal, info != 0, (uint64_t)(int64_t)given.code, given.value};
    return linux_call(LINUX_SLOT_PROCMGR, PROC_PIDFD_SEND_SIGNAL, 6, 1, 0, mr);
}

int64_t sys_pidfd_getfd(int64_t pidfd, int64_t target, uint64_t flags)
{
    if ((uint32_t)flags)
        return -LINUX_EINVAL;
    if (linux_fd_capability((int32_t)pidfd) < 0)
        return -LINUX_EBADF;
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    if (linux_pidfd_argument(pidfd) < 0) {
        linux_fd_release((unsigned)fd);
        return -LINUX_EBADF;         /* closed by another thread meanwhile */
    }
    uint64_t mr[4] = {(uint64_t)(int64_t)(int32_t)target, (uint32_t)flags,
                      linux_fd_slot((unsigned)fd), 0};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_PIDFD_GETFD, 3, 1, 0, mr);
    /* The copy is close-on-exec, as Linux's pidfd_getfd makes it. */
    return linux_fd_settle((unsigned)fd, result, true);
}
