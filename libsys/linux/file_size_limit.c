/* RLIMIT_FSIZE on regular files: file_size_limit.h. */
#include "file_size_limit.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/procmgr.h"

static uint64_t size_limit(void)
{
    return __atomic_load_n(&linux_process_info()->limits[LINUX_RLIMIT_FSIZE].soft,
                           __ATOMIC_RELAXED);
}

/* Linux sends it as send_sig does: to the calling thread, from the
 * process itself (SI_USER), as a pipe's SIGPIPE. */
static int64_t refuse(void)
{
    linux_raise_signal(LINUX_SIGXFSZ, PROC_TGKILL_AS_KILL);
    return -LINUX_EFBIG;
}

/* Whether the file is held to the limit: a regular file open for
 * writing (any other call answers as it would without the limit: EBADF,
 * EINVAL). Its status flags and stat in *flags and *stat then. */
static bool held_to_limit(uint64_t slot, int64_t *flags, struct linux_stat *stat)
{
    *flags = linux_request(slot, FILE_GET_FLAGS, 0, 0, 0, 0, 0);
    return *flags >= 0 && (*flags & LINUX_O_ACCMODE) != LINUX_O_RDONLY &&
           linux_stat_capability(slot, stat) == 0 &&
           (stat->st_mode & LINUX_S_IFMT) == LINUX_S_IFREG;
}

int64_t linux_write_within_size_limit(uint64_t slot, uint64_t label, uint64_t offset,
                                      uint64_t *length)
{
    /* An empty write writes nothing whatever the limit. */
    int64_t flags;
    struct linux_stat stat;
    if (*length == 0 || !held_to_limit(slot, &flags, &stat))
        return 0;
    /* O_APPEND writes at the end, pwrite's offset or not (Linux's). */
    uint64_t position = offset;
    if (flags & LINUX_O_APPEND) {
        position = (uint64_t)stat.st_size;
    } else if (label == FILE_WRITE) {
        int64_t at = linux_request(slot, FILE_SEEK, 2, 0, LINUX_SEEK_CUR, 0, 0);
        if (at < 0)
            return 0;
        position = (uint64_t)at;
    }
    uint64_t limit = size_limit();
    if (position >= limit)
        return refuse();
    if (*length > limit - position)
        *length = limit - position;
    return 0;
}

int64_t linux_truncate_within_size_limit(uint64_t slot, uint64_t length)
{
    int64_t flags;
    struct linux_stat stat;
    if (!held_to_limit(slot, &flags, &stat))
        return 0;
    if (length > (uint64_t)stat.st_size && length > size_limit())
        return refuse();
    return 0;
}
