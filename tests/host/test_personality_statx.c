/* statx filled from stat: every basic field, device numbers split as
 * Linux splits them, the rest zero. */
#include <stddef.h>
#include "check.h"
#include "statx.h"

static void struct_statx_has_linux_layout(void)
{
    CHECK_EQ_U64(sizeof(struct linux_statx), 256);
    CHECK_EQ_U64(offsetof(struct linux_statx, stx_ino), 32);
    CHECK_EQ_U64(offsetof(struct linux_statx, stx_atime), 64);
    CHECK_EQ_U64(offsetof(struct linux_statx, stx_mtime), 112);
    CHECK_EQ_U64(offsetof(struct linux_statx, stx_rdev_major), 128);
    CHECK_EQ_U64(offsetof(struct linux_statx, stx_dev_minor), 140);
}

static void basic_fields_are_copied(void)
{
    struct linux_stat stat = {
        .st_ino = 42, .st_mode = LINUX_S_IFREG | 0644, .st_nlink = 2, .st_uid = 1000,
        .st_gid = 100, .st_size = 12345, .st_blksize = 4096, .st_blocks = 24,
        .st_atime_sec = 10, .st_atime_nsec = 11, .st_mtime_sec = 20, .st_mtime_nsec = 21,
        .st_ctime_sec = 30, .st_ctime_nsec = 31,
    };
    struct linux_statx statx;
    memset(&statx, 0xff, sizeof(statx));
    statx_from_stat(&stat, &statx);
    CHECK_EQ_U64(statx.stx_mask, LINUX_STATX_BASIC_STATS);
    CHECK_EQ_U64(statx.stx_ino, 42);
    CHECK_EQ_U64(statx.stx_mode, LINUX_S_IFREG | 0644);
    CHECK_EQ_U64(statx.stx_nlink, 2);
    CHECK_EQ_U64(statx.stx_uid, 1000);
    CHECK_EQ_U64(statx.stx_gid, 100);
    CHECK_EQ_U64(statx.stx_size, 12345);
    CHECK_EQ_U64(statx.stx_blksize, 4096);
    CHECK_EQ_U64(statx.stx_blocks, 24);
    CHECK_EQ_U64(statx.stx_atime.seconds, 10);
    CHECK_EQ_U64(statx.stx_atime.nanoseconds, 11);
    CHECK_EQ_U64(statx.stx_mtime.seconds, 20);
    CHECK_EQ_U64(statx.stx_ctime.nanoseconds, 31);
    CHECK_EQ_U64(statx.stx_btime.seconds, 0);
    CHECK_EQ_U64(statx.stx_attributes, 0);
    CHECK_EQ_U64(statx.reserved1[13], 0);
}

static void device_numbers_are_split(void)
{
    /* makedev(0x123, 0x45678) as Linux encodes it. */
    uint64_t device = (0x45678ULL & 0xff) | (0x123ULL << 8) | ((0x45678ULL & ~0xffULL) << 12);
    struct linux_stat stat = {.st_dev = device, .st_rdev = (5 << 8) | 1};
    struct linux_statx statx;
    statx_from_stat(&stat, &statx);
    CHECK_EQ_U64(statx.stx_dev_major, 0x123);
    CHECK_EQ_U64(statx.stx_dev_minor, 0x45678);
    CHECK_EQ_U64(statx.stx_rdev_major, 5);
    CHECK_EQ_U64(statx.stx_rdev_minor, 1);
}

int main(void)
{
    RUN_TEST(struct_statx_has_linux_layout);
    RUN_TEST(basic_fields_are_copied);
    RUN_TEST(device_numbers_are_split);
    return check_report();
}
