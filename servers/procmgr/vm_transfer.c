/*
 * process_vm_readv/writev's iovec rules and walk (vm_transfer.h).
 */
#include "vm_transfer.h"
#include "sys/linux_abi.h"

int64_t vm_transfer_check_local(struct vm_iovec *local, unsigned count)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < count; i++)
        if ((int64_t)local[i].length < 0)
            return -LINUX_EINVAL;
    for (unsigned i = 0; i < count; i++) {
        uint64_t base = local[i].base, length = local[i].length;
        if (base > VM_TRANSFER_USER_LIMIT || length > VM_TRANSFER_USER_LIMIT - base)
            return -LINUX_EFAULT;
        if (length > VM_TRANSFER_MAX_BYTES - total)
            local[i].length = length = VM_TRANSFER_MAX_BYTES - total;
        total += length;
    }
    return (int64_t)total;
}

int vm_transfer_check_remote(const struct vm_iovec *remote, unsigned count)
{
    bool any = false;
    for (unsigned i = 0; i < count; i++) {
        if ((int64_t)remote[i].length < 0)
            return -LINUX_EINVAL;
        any |= remote[i].length != 0;
    }
    return any;
}

void vm_walk_start(struct vm_walk *walk, const struct vm_iovec *local, unsigned local_count,
                   const struct vm_iovec *remote, unsigned remote_count)
{
    *walk = (struct vm_walk){ .local = local, .remote = remote, .local_count = local_count,
                              .remote_count = remote_count };
}

bool vm_walk_next(struct vm_walk *walk, uint64_t max, uint64_t *local, uint64_t *remote,
                  uint64_t *length)
{
    while (walk->local_index < walk->local_count &&
           walk->local_done == walk->local[walk->local_index].length) {
        walk->local_index++;
        walk->local_done = 0;
    }
    while (walk->remote_index < walk->remote_count &&
           walk->remote_done == walk->remote[walk->remote_index].length) {
        walk->remote_index++;
        walk->remote_done = 0;
    }
    if (walk->local_index == walk->local_count || walk->remote_index == walk->remote_count)
        return false;
    const struct vm_iovec *l = &walk->local[walk->local_index];
    const struct vm_iovec *r = &walk->remote[walk->remote_index];
    uint64_t n = l->length - walk->local_done;
    if (n > r->length - walk->remote_done)
        n = r->length - walk->remote_done;
    if (n > max)
        n = max;
    *local = l->base + walk->local_done;
    *remote = r->base + walk->remote_done;
    *length = n;
    return true;
}

void vm_walk_advance(struct vm_walk *walk, uint64_t length)
{
    walk->local_done += length;
    walk->remote_done += length;
}
