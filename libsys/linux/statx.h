/*
 * struct statx (Linux's layout, 256 bytes) filled from a struct
 * linux_stat, without IPC: the servers answer stat, statx is made here.
 * Host-tested in tests/host/test_personality_statx.c.
 */
#ifndef LINUX_STATX_H
#define LINUX_STATX_H

#include <stdint.h>
#include "sys/linux_abi.h"

#define LINUX_STATX_BASIC_STATS 0x7ffU
#define LINUX_AT_STATX_SYNC_TYPE 0x6000
#define LINUX_AT_NO_AUTOMOUNT   0x800

struct linux_statx_timestamp {
    int64_t seconds;
    uint32_t nanoseconds;
    int32_t reserved;
};

struct linux_statx {
    uint32_t stx_mask;
    uint32_t stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink;
    uint32_t stx_uid;
    uint32_t stx_gid;
    uint16_t stx_mode;
    uint16_t reserved0;
    uint64_t stx_ino;
    uint64_t stx_size;
    uint64_t stx_blocks;
    uint64_t stx_attributes_mask;
    struct linux_statx_timestamp stx_atime;
    struct linux_statx_timestamp stx_btime;
    struct linux_statx_timestamp stx_ctime;
    struct linux_statx_timestamp stx_mtime;
    uint32_t stx_rdev_major;
    uint32_t stx_rdev_minor;
    uint32_t stx_dev_major;
    uint32_t stx_dev_minor;
    uint64_t reserved1[14];
};

/* Every field stat knows (STATX_BASIC_STATS; no birth time), the rest 0. */
void statx_from_stat(const struct linux_stat *stat, struct linux_statx *statx);

#endif
