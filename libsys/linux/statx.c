/*
 * statx from stat (statx.h).
 */
#include "statx.h"

/* Linux's new_decode_dev: 12 bits of major, 20 of minor, interleaved. */
static uint32_t device_major(uint64_t device)
{
    return (uint32_t)(((device >> 8) & 0xfff) | ((device >> 32) & ~0xfffULL));
}

static uint32_t device_minor(uint64_t device)
{
    return (uint32_t)((device & 0xff) | ((device >> 12) & ~0xffULL));
}

static struct linux_statx_timestamp timestamp(int64_t seconds, uint64_t nanoseconds)
{
    struct linux_statx_timestamp result = {
        .seconds = seconds,
        .nanoseconds = (uint32_t)nanoseconds,
    };
    return result;
}

void statx_from_stat(const struct linux_stat *stat, struct linux_statx *statx)
{
    __builtin_memset(statx, 0, sizeof(*statx));
    statx->stx_mask = LINUX_STATX_BASIC_STATS;
    statx->stx_blksize = (uint32_t)stat->st_blksize;
    statx->stx_nlink = stat->st_nlink;
    statx->stx_uid = stat->st_uid;
    statx->stx_gid = stat->st_gid;
    statx->stx_mode = (uint16_t)stat->st_mode;
    statx->stx_ino = stat->st_ino;
    statx->stx_size = (uint64_t)stat->st_size;
    statx->stx_blocks = (uint64_t)stat->st_blocks;
    statx->stx_atime = timestamp(stat->st_atime_sec, stat->st_atime_nsec);
    statx->stx_ctime = timestamp(stat->st_ctime_sec, stat->st_ctime_nsec);
    statx->stx_mtime = timestamp(stat->st_mtime_sec, stat->st_mtime_nsec);
    statx->stx_rdev_major = device_major(stat->st_rdev);
    statx->stx_rdev_minor = device_minor(stat->st_rdev);
    statx->stx_dev_major = device_major(stat->st_dev);
    statx->stx_dev_minor = device_minor(stat->st_dev);
}
