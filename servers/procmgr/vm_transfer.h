/*
 * process_vm_readv/writev's rules on its two iovec arrays, as Linux 6.1
 * applies them (lib/iov_iter.c's import_iovec for the local one,
 * mm/process_vm_access.c for the remote one), and the walk that pairs
 * their pieces for the copies. Plain C, host-tested
 * (tests/host/test_procmgr_vm_transfer.c); process_vm.c does the copying.
 */
#ifndef PROCMGR_VM_TRANSFER_H
#define PROCMGR_VM_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#define VM_TRANSFER_MAX_IOVECS  1024                    /* UIO_MAXIOV */
#define VM_TRANSFER_MAX_BYTES   0x7ffff000ULL           /* MAX_RW_COUNT */
/* The most the kernel copies at once (VSpace_Copy). */
#define VM_TRANSFER_COPY_MAX    (1ULL << 20)
/* arm64's TASK_SIZE with 48-bit addresses: what access_ok allows. */
#define VM_TRANSFER_USER_LIMIT  (1ULL << 48)

struct vm_iovec {
    uint64_t base, length;
};

/* The local array (import_iovec): -EINVAL for a length that is negative
 * as an ssize_t, -EFAULT for a range access_ok refuses; lengths are cut
 * so that they add up to at most VM_TRANSFER_MAX_BYTES. The total. */
int64_t vm_transfer_check_local(struct vm_iovec *local, unsigned count);

/* The remote array: -EINVAL for a negative length, else whether any
 * length is not 0 (Linux answers 0 at once, before it looks for the
 * process, when none is). */
int vm_transfer_check_remote(const struct vm_iovec *remote, unsigned count);

/* Where the walk is in each array. */
struct vm_walk {
    const struct vm_iovec *local, *remote;
    unsigned local_count, remote_count;
    unsigned local_index, remote_index;
    uint64_t local_done, remote_done;   /* bytes of the current iovecs */
};

void vm_walk_start(struct vm_walk *walk, const struct vm_iovec *local, unsigned local_count,
                   const struct vm_iovec *remote, unsigned remote_count);

/* The next piece both sides have, at most max bytes: its local and remote
 * addresses and length. false when either array is used up (empty
 * iovecs are passed over). */
bool vm_walk_next(struct vm_walk *walk, uint64_t max, uint64_t *local, uint64_t *remote,
                  uint64_t *length);

/* length bytes of the piece vm_walk_next gave were copied. */
void vm_walk_advance(struct vm_walk *walk, uint64_t length);

#endif
