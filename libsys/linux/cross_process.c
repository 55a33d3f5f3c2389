/*
 * Looking into other processes: process_vm_readv, process_vm_writev and
 * kcmp, all procmgr's (PROC_PROCESS_VM, PROC_KCMP in protocol/procmgr.h),
 * which holds every address space and descriptor table and decides who
 * may (Linux's ptrace access rules). procmgr reads the iovec arrays from
 * this process's memory itself and copies straight between the two
 * address spaces, so nothing passes through here.
 */
#include "descriptors.h"
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/linux_userfault.h"
#include "sys/protocol/procmgr.h"

#define KCMP_EPOLL_TFD  7

/* struct kcmp_epoll_slot */
struct kcmp_epoll_slot {
    uint32_t efd, tfd, toff;
};

/* procmgr answers USERFAULT_ACCESS_AGAIN when the call waited for a
 * userfaultfd's pager to fill a page: it is made again. */
static int64_t process_vm(int64_t pid, uint64_t local, uint64_t local_count, uint64_t remote,
                          uint64_t remote_count, uint64_t flags, bool write)
{
    int64_t result;
    do {
        tern_set_mr(4, remote_count);
        tern_set_mr(5, flags);
        tern_set_mr(6, write);
        tern_set_mr(7, linux_thread_id());
        uint64_t mr[4] = {(uint64_t)pid, local, local_count, remote};
        result = linux_call(LINUX_SLOT_PROCMGR, PROC_PROCESS_VM, 8, 0, 0, mr);
    } while (result == USERFAULT_ACCESS_AGAIN);
    return result;
}

int64_t sys_process_vm_readv(int64_t pid, uint64_t local, uint64_t local_count, uint64_t remote,
                             uint64_t remote_count, uint64_t flags)
{
    return process_vm(pid, local, local_count, remote, remote_count, flags, false);
}

int64_t sys_process_vm_writev(int64_t pid, uint64_t local, uint64_t local_count,
                              uint64_t remote, uint64_t remote_count, uint64_t flags)
{
    return process_vm(pid, local, local_count, remote, remote_count, flags, true);
}

int64_t sys_kcmp(int64_t pid1, int64_t pid2, int64_t type, uint64_t idx1, uint64_t idx2)
{
    struct kcmp_epoll_slot slot = {0};
    bool faulted = false;
    if (type == KCMP_EPOLL_TFD) {
        /* Read here, where a fault is the program's own; procmgr answers
         * -EFAULT for it in Linux's order (after -ESRCH and -EPERM). */
        faulted = !linux_user_range(idx2, sizeof slot);
        if (!faulted) {
            linux_touch_pages(idx2, sizeof slot, false);
            slot = *(const struct kcmp_epoll_slot *)(uintptr_t)idx2;
        }
    }
    tern_set_mr(4, idx2);
    tern_set_mr(5, slot.efd);
    tern_set_mr(6, slot.tfd);
    tern_set_mr(7, faulted);
    uint64_t mr[4] = {(uint64_t)pid1, (uint64_t)pid2, (uint64_t)type, idx1};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_KCMP, 8, 0, 0, mr);
    /* What this process's epolls watch only it knows (epoll.c). */
    if (result >= 0 && type == KCMP_EPOLL_TFD && pid2 == (int64_t)linux_process_info()->pid)
        result = linux_epoll_watches(slot.efd, slot.tfd, slot.toff) < 0 ? -LINUX_ENOENT
                                                                        : result;
    return result;
}
