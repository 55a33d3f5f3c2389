/*
 * RLIMIT_FSIZE, as Linux holds regular files to it: a write that starts
 * at or past the limit raises SIGXFSZ and fails with EFBIG, one that
 * would cross it is cut short at the limit (generic_write_check_limits);
 * a truncate that grows a file past it raises SIGXFSZ and fails with
 * EFBIG (inode_newsize_ok). Pipes, sockets, terminals and the other
 * files that are not regular are not held to it.
 *
 * Checking costs calls to the file's server (its type, flags and
 * position), so it is made only while the limit is set: the defaults
 * leave it unlimited, and a process that never set it pays one test.
 */
#ifndef LINUX_FILE_SIZE_LIMIT_H
#define LINUX_FILE_SIZE_LIMIT_H

#include <stdbool.h>
#include <stdint.h>
#include "personality.h"

static inline bool linux_file_size_limited(void)
{
    const struct linux_process_info *info = linux_process_info();
    return __atomic_load_n(&info->limits_set, __ATOMIC_ACQUIRE) &&
           __atomic_load_n(&info->limits[LINUX_RLIMIT_FSIZE].soft, __ATOMIC_RELAXED) != ~0ULL;
}

/* A write of *length bytes through slot: label FILE_WRITE at the
 * description's offset (or its end with O_APPEND), or FILE_PWRITE at
 * offset. 0 to go on, with *length cut to what the limit lets through;
 * or -EFBIG, SIGXFSZ raised on the calling thread. */
int64_t linux_write_within_size_limit(uint64_t slot, uint64_t label, uint64_t offset,
                                      uint64_t *length);

/* A truncate to length through slot: 0 to go on, or -EFBIG with SIGXFSZ
 * raised when it would grow a regular file past the limit. */
int64_t linux_truncate_within_size_limit(uint64_t slot, uint64_t length);

#endif
