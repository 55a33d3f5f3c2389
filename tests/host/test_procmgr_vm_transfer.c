/* process_vm_readv/writev's iovec rules and walk (vm_transfer.h). */
#include "check.h"
#include "sys/linux_abi.h"
#include "vm_transfer.h"

static void local_lengths_are_checked_then_cut_to_max_rw_count(void)
{
    struct vm_iovec negative[] = { { 0x1000, 10 }, { 0, (uint64_t)-1 } };
    CHECK(vm_transfer_check_local(negative, 2) == -LINUX_EINVAL);
    struct vm_iovec beyond[] = { { VM_TRANSFER_USER_LIMIT - 4, 8 } };
    CHECK(vm_transfer_check_local(beyond, 1) == -LINUX_EFAULT);
    struct vm_iovec huge[] = { { 0x1000, 0x70000000 }, { 0x2000, 0x70000000 }, { 0x3000, 5 } };
    CHECK(vm_transfer_check_local(huge, 3) == (int64_t)VM_TRANSFER_MAX_BYTES);
    CHECK(huge[1].length == VM_TRANSFER_MAX_BYTES - 0x70000000);
    CHECK(huge[2].length == 0);
    CHECK(vm_transfer_check_local(huge, 0) == 0);
}

static void remote_lengths_say_whether_there_is_work(void)
{
    struct vm_iovec empty[] = { { 0x1000, 0 }, { 0, 0 } };
    CHECK(vm_transfer_check_remote(empty, 2) == 0);
    struct vm_iovec some[] = { { 0x1000, 0 }, { 0, 3 } };
    CHECK(vm_transfer_check_remote(some, 2) == 1);
    struct vm_iovec negative[] = { { 0x1000, 1 }, { 0, 1ULL << 63 } };
    CHECK(vm_transfer_check_remote(negative, 2) == -LINUX_EINVAL);
}

/* Pieces pair both arrays in order, skip empty iovecs, respect max, and
 * end with the shorter array. */
static void walk_pairs_the_pieces(void)
{
    struct vm_iovec local[] = { { 0x1000, 6 }, { 0x5000, 0 }, { 0x2000, 10 } };
    struct vm_iovec remote[] = { { 0x9000, 4 }, { 0xa000, 100 } };
    struct vm_walk walk;
    vm_walk_start(&walk, local, 3, remote, 2);
    uint64_t expected[][3] = {
        { 0x1000, 0x9000, 4 }, { 0x1004, 0xa000, 2 }, { 0x2000, 0xa002, 3 },
        { 0x2003, 0xa005, 3 }, { 0x2006, 0xa008, 3 }, { 0x2009, 0xa00b, 1 },
    };
    for (unsigned i = 0; i < 6; i++) {
        uint64_t l = 0, r = 0, n = 0;
        CHECK(vm_walk_next(&walk, 3 + (i == 0), &l, &r, &n));
        CHECK(l == expected[i][0] && r == expected[i][1] && n == expected[i][2]);
        vm_walk_advance(&walk, n);
    }
    uint64_t l, r, n;
    CHECK(!vm_walk_next(&walk, 3, &l, &r, &n));
}

static void walk_of_nothing_ends_at_once(void)
{
    struct vm_iovec one[] = { { 0x1000, 4 } };
    struct vm_walk walk;
    uint64_t l, r, n;
    vm_walk_start(&walk, one, 1, one, 0);
    CHECK(!vm_walk_next(&walk, 100, &l, &r, &n));
    vm_walk_start(&walk, one, 0, one, 1);
    CHECK(!vm_walk_next(&walk, 100, &l, &r, &n));
}

int main(void)
{
    local_lengths_are_checked_then_cut_to_max_rw_count();
    remote_lengths_say_whether_there_is_work();
    walk_pairs_the_pieces();
    walk_of_nothing_ends_at_once();
    return check_report();
}
