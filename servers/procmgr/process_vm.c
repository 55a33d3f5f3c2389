/*
 * PROC_PROCESS_VM: process_vm_readv and process_vm_writev.
 *
 * Where the bytes go: procmgr holds every process's VSpace, so it has the
 * kernel copy each piece straight from one address space into the other
 * (VSpace_Copy, docs/abi.md): one copy, as Linux's, with no buffer of
 * procmgr's in between and no call to the target. The kernel copies only
 * through pages that are mapped with the access, and a process's pages
 * come lazily (untouched anonymous memory, copy-on-write after fork,
 * pages of memory objects), so a piece that faults has its pages made
 * ready first through the fault path, as the program's own access would
 * make them (space_prepare_access: a zero page for untouched memory, the
 * target's own copy of a page it shares copy-on-write before a write),
 * then is copied again. A page that cannot be made ready ends the
 * transfer there, as Linux's pinning does: the bytes before it count,
 * -EFAULT only when there are none.
 *
 * A page a userfaultfd's pager is to fill (either side's, or the iovec
 * arrays') makes the call wait for the pager, as Linux's does: the calling thread (its id in
 * register 7) is queued as a fault of that context would be, and once
 * woken the call is answered USERFAULT_ACCESS_AGAIN, so the personality
 * makes it again from the start (what was copied is copied again, to
 * the same result; Linux goes on from the page instead). The wait is
 * killable only, as Linux's remote access.
 *
 * Both iovec arrays are read from the caller's memory here (vm_transfer.h
 * checks them as Linux does); the order of the errors is Linux's: flags
 * and counts, the local array, nothing to do (0), the remote array, the
 * process (-ESRCH, also for a zombie, which has no memory), permission
 * (-EPERM, inspect_access.c).
 */
#include "request.h"
#include "sys/invoke.h"
#include "sys/linux_userfault.h"
#include "vm_transfer.h"

static struct vm_iovec local_iovecs[VM_TRANSFER_MAX_IOVECS];
static struct vm_iovec remote_iovecs[VM_TRANSFER_MAX_IOVECS];

/* A page that stopped a piece because a userfaultfd's pager is to fill
 * it: where, and the kind (SPACE_FAULT_USERFAULT or _MINOR; 0: none). */
struct pager_page {
    struct space *space;
    uint64_t address;
    bool write;
    int kind;
};

/* Makes the pages of [address, address + length) ready for the access:
 * the bytes from address up to the first page that cannot be (a pager's
 * is noted in *pager). */
static uint64_t prepare_pages(struct space *space, uint64_t address, uint64_t length, bool write,
                              struct pager_page *pager)
{
    uint64_t end = address + length;
    for (uint64_t page = address & ~(uint64_t)(PAGE_SIZE - 1); page < end; page += PAGE_SIZE) {
        int status = space_prepare_access(space, page, write);
        if (status > 0)
            *pager = (struct pager_page){ space, page, write, status };
        if (status != 0)
            return page > address ? page - address : 0;
    }
    return length;
}

/* Copies one piece: the bytes copied (all of length, or up to the first
 * page either side could not have). */
static uint64_t copy_piece(struct space *local, uint64_t local_address, struct space *remote,
                           uint64_t remote_address, uint64_t length, bool writing,
                           struct pager_page *pager)
{
    struct space *to = writing ? remote : local, *from = writing ? local : remote;
    uint64_t to_address = writing ? remote_address : local_address;
    uint64_t from_address = writing ? local_address : remote_address;
    if (tern_vspace_copy(to->vspace, to_address, length, from->vspace, from_address, 0) ==
        TERN_OK)
        return length;
    uint64_t ready = prepare_pages(remote, remote_address, length, writing, pager);
    uint64_t local_ready = prepare_pages(local, local_address, ready, !writing, pager);
    if (local_ready == 0 ||
        tern_vspace_copy(to->vspace, to_address, local_ready, from->vspace, from_address, 0) !=
            TERN_OK)
        return 0;
    return local_ready;
}

/* Reads count iovecs at address of the caller into iovecs; where that
 * faults, a page a pager is to fill is noted in *pager. */
static int read_iovecs(struct space *space, uint64_t address, uint64_t count,
                       struct vm_iovec *iovecs, struct pager_page *pager)
{
    if (count == 0)
        return 0;
    uint64_t bytes = count * sizeof *iovecs;
    int status = space_read(space, address, iovecs, bytes);
    if (status == -LINUX_EFAULT)
        prepare_pages(space, address, bytes, false, pager);
    return status;
}

/* Whether the call waits for the pager of the page pager names (it is
 * answered USERFAULT_ACCESS_AGAIN later). */
static bool waits_for_pager(struct request *request, const struct pager_page *pager)
{
    struct thread *thread = calling_thread_in(request, 7);
    return pager->kind && thread &&
           userfault_wait_for_access(request, thread, pager->space, pager->address, pager->write,
                                     pager->kind) == 0;
}

/* PROC_PROCESS_VM: pid, local iovecs, their count, remote iovecs, their
 * count, flags, whether to write (process_vm_writev), and the calling
 * thread's id. */
void handle_process_vm(struct request *request)
{
    struct process *caller = request->process;
    int64_t pid = (int32_t)argument(request, 0);
    uint64_t local_count = argument(request, 2), remote_count = argument(request, 4);
    bool writing = argument(request, 6) != 0;
    if (argument(request, 5) != 0 || local_count > VM_TRANSFER_MAX_IOVECS ||
        remote_count > VM_TRANSFER_MAX_IOVECS)
        return result(request, -LINUX_EINVAL);
    struct pager_page pager = { .kind = 0 };
    int status = read_iovecs(caller->space, argument(request, 1), local_count, local_iovecs,
                             &pager);
    if (status < 0 && waits_for_pager(request, &pager))
        return;
    if (status < 0)
        return result(request, status);
    int64_t total = vm_transfer_check_local(local_iovecs, (unsigned)local_count);
    if (total <= 0)
        return result(request, total);
    status = read_iovecs(caller->space, argument(request, 3), remote_count, remote_iovecs,
                         &pager);
    if (status < 0 && waits_for_pager(request, &pager))
        return;
    if (status == 0)
        status = vm_transfer_check_remote(remote_iovecs, (unsigned)remote_count);
    if (status <= 0)
        return result(request, status);

    struct process *target = process_by_task_id(pid);
    if (!target || !target->space)
        return result(request, -LINUX_ESRCH);
    status = process_may_inspect(caller, target, writing ? ACCESS_VM_WRITE : ACCESS_VM_READ);
    if (status < 0)
        return result(request, status);

    struct vm_walk walk;
    vm_walk_start(&walk, local_iovecs, (unsigned)local_count, remote_iovecs,
                  (unsigned)remote_count);
    uint64_t done = 0, local_address, remote_address, length;
    while (vm_walk_next(&walk, VM_TRANSFER_COPY_MAX, &local_address, &remote_address, &length)) {
        uint64_t copied = copy_piece(caller->space, local_address, target->space,
                                     remote_address, length, writing, &pager);
        done += copied;
        if (copied < length)
            break;
        vm_walk_advance(&walk, length);
    }
    if (!waits_for_pager(request, &pager))
        result(request, done ? (int64_t)done : -LINUX_EFAULT);
}
