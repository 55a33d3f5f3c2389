/*
 * PROC_KCMP: kcmp(2), whether two processes share a kernel object.
 *
 * What each kind of object is here:
 *   - KCMP_FILE: two descriptors are one open file description when they
 *     are capabilities to the same server endpoint with the same badge
 *     (the server's handle of the description): dup, fork, pidfd_getfd
 *     and SCM_RIGHTS all copy the capability. The kernel compares the two
 *     CNode slots (CNode_Compare) and orders them without showing where
 *     the objects are.
 *   - KCMP_VM: the address space. KCMP_FILES, KCMP_FS and KCMP_SIGHAND:
 *     the descriptor table, the working directory and umask, the signal
 *     actions; every one of them belongs to a process and is shared by
 *     its threads (a process that shares them with another, CLONE_FILES
 *     without CLONE_THREAD and the like, is not made here), so the process
 *     is the object. A zombie has no address space, descriptor table or
 *     fs any more, as in Linux: those of two zombies compare equal.
 *   - KCMP_IO: Linux makes a process's I/O context only for block I/O or
 *     ioprio_set, and compares none as equal to none. No process here has
 *     one, so every pair compares equal, as two Linux processes that did
 *     neither do.
 *   - KCMP_SYSVSEM: the SEM_UNDO list, which Linux makes when a process
 *     first makes a thread (CLONE_SYSVSEM shares it) or does a semop with
 *     SEM_UNDO, and drops at unshare(CLONE_NEWIPC); procmgr knows of the
 *     threads and the unshare (has_undo_list), not of the semop. None
 *     compares equal to none.
 *   - KCMP_EPOLL_TFD: the descriptor pid2 watches with its epoll efd
 *     under the number tfd, compared as KCMP_FILE. What an epoll watches
 *     is kept by its process's personality; procmgr checks efd is an epoll
 *     (the event server's EVENT_EPOLL_ID) and compares pid2's descriptor
 *     tfd, and the personality of a caller that asks about itself checks
 *     that the epoll watches it (-ENOENT otherwise).
 * Ids ordered for 1 and 2 are mixed with a key of procmgr's, as the kernel
 * mixes object addresses, so the order says nothing of pids or creation.
 */
#include "request.h"
#include "sys/counter.h"
#include "sys/invoke.h"
#include "sys/protocol/event.h"

#define KCMP_FILE       0
#define KCMP_VM         1
#define KCMP_FILES      2
#define KCMP_FS         3
#define KCMP_SIGHAND    4
#define KCMP_IO         5
#define KCMP_SYSVSEM    6
#define KCMP_EPOLL_TFD  7

/* Linux's kcmp_ptr on ids: 0 for the same, else 1 if the first orders
 * before, 2 if after. */
static int order_ids(uint64_t first, uint64_t second, unsigned type)
{
    static uint64_t key;
    if (!key)
        key = (tern_counter_now() * 0x9e3779b97f4a7c15ULL) | 1;
    uint64_t mix = key * (2 * type + 1);
    uint64_t a = (first ^ mix) * (key | 1), b = (second ^ mix) * (key | 1);
    return a == b ? 0 : a < b ? 1 : 2;
}

static bool descriptor_open(struct process *process, uint64_t fd)
{
    return process->state == PROCESS_ALIVE && fd < LINUX_MAX_FDS && files_is_open(process, fd);
}

/* KCMP_FILE: the descriptors' capabilities in the two CNodes. */
static int compare_files(struct process *first, uint64_t first_fd, struct process *second,
                         uint64_t second_fd)
{
    if (!descriptor_open(first, first_fd) || !descriptor_open(second, second_fd))
        return -LINUX_EBADF;
    uint64_t order;
    if (tern_cnode_compare(first->cnode, LINUX_SLOT_FD_BASE + first_fd, CNODE_DEPTH,
                           second->cnode, LINUX_SLOT_FD_BASE + second_fd, CNODE_DEPTH,
                           &order) != TERN_OK)
        return -LINUX_EBADF;
    return (int)order;
}

/* KCMP_EPOLL_TFD's efd of the second process: whether it is an epoll
 * (its event server knows; any other server answers the label with an
 * error). */
static bool is_epoll(struct process *process, uint64_t fd)
{
    return file_call(process->cnode, LINUX_SLOT_FD_BASE + fd, EVENT_EPOLL_ID) > 0;
}

static int compare_epoll_target(struct process *first, uint64_t first_fd, struct process *second,
                                uint64_t epoll_fd, uint64_t target_fd)
{
    if (!descriptor_open(first, first_fd) || !descriptor_open(second, epoll_fd))
        return -LINUX_EBADF;
    if (!is_epoll(second, epoll_fd))
        return -LINUX_EINVAL;
    if (!descriptor_open(second, target_fd))
        return -LINUX_ENOENT;
    return compare_files(first, first_fd, second, target_fd);
}

static uint64_t space_id(const struct process *process)
{
    return process->space ? process->space->id : 0;
}

/* The process itself while it lives, for what its threads share. */
static uint64_t live_id(const struct process *process)
{
    return process->state == PROCESS_ALIVE ? process->pid : 0;
}

static uint64_t undo_list_id(const struct process *process)
{
    return process->has_undo_list && process->state == PROCESS_ALIVE ? process->pid : 0;
}

/* PROC_KCMP: pid1, pid2, type, idx1, idx2; for KCMP_EPOLL_TFD idx2 is
 * unused and registers 5-6 are the slot's efd and tfd, register 7 not 0
 * when the slot could not be read. */
void handle_kcmp(struct request *request)
{
    struct process *first = process_by_task_id((int32_t)argument(request, 0));
    struct process *second = process_by_task_id((int32_t)argument(request, 1));
    uint64_t type = argument(request, 2), first_index = argument(request, 3);
    if (!first || !second)
        return result(request, -LINUX_ESRCH);
    if (process_may_inspect(request->process, first, ACCESS_QUERY) < 0 ||
        process_may_inspect(request->process, second, ACCESS_QUERY) < 0)
        return result(request, -LINUX_EPERM);
    switch (type) {
    case KCMP_FILE:
        return result(request, compare_files(first, first_index, second, argument(request, 4)));
    case KCMP_VM:
        return result(request, order_ids(space_id(first), space_id(second), KCMP_VM));
    case KCMP_FILES:
    case KCMP_FS:
        return result(request, order_ids(live_id(first), live_id(second), (unsigned)type));
    case KCMP_SIGHAND:
        return result(request, order_ids(first->pid, second->pid, KCMP_SIGHAND));
    case KCMP_IO:
        return result(request, 0);
    case KCMP_SYSVSEM:
        return result(request, order_ids(undo_list_id(first), undo_list_id(second),
                                         KCMP_SYSVSEM));
    case KCMP_EPOLL_TFD:
        if (argument(request, 7))
            return result(request, -LINUX_EFAULT);
        return result(request, compare_epoll_target(first, first_index, second,
                                                    (uint32_t)argument(request, 5),
                                                    (uint32_t)argument(request, 6)));
    default:
        return result(request, -LINUX_EINVAL);
    }
}
