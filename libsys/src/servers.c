/* The table of servers: sys/servers.h. */
#include "sys/servers.h"
#include "sys/protocol/event.h"
#include "sys/protocol/memfd.h"
#include "sys/protocol/mqueue.h"
#include "sys/protocol/pipe.h"
#include "sys/protocol/sysv.h"
#include "sys/protocol/unix.h"
#include "sys/protocol/vfs.h"

const struct server_entry server_table[SERVER_COUNT] = {
    [SERVER_VFS] = {
        .name = "vfs",
        .program = "lib/tern/vfs",
        .cnode_bits = 14,           /* a slot for every page of file data */
        .memory_bits = 25,          /* 32 MiB of files in /tmp */
        .session = SESSION_BY_CREDENTIALS,
        .session_flag = VFS_SESSION_FLAG,
        .peers = {{SERVER_PIPE, VFS_SLOT_PIPE},     /* to hand out FIFOs */
                  {SERVER_MQUEUE, VFS_SLOT_MQUEUE, MQUEUE_LISTING_BADGE},   /* /dev/mqueue */
                  {SERVER_UNIX, VFS_SLOT_UNIX}},    /* to name sockets bound in the tree */
        .boot_archive = true,
    },
    [SERVER_FUTEX] = {
        .name = "futex",
        .program = "lib/tern/futex",
        .cnode_bits = 12,
        .memory_bits = 20,
        .session = SESSION_BY_PID,
        .exit_notices = true,       /* a dead process's waiters go */
        .restartable = true,        /* its waiters wake (a spurious wake-up) and wait again */
    },
    [SERVER_PIPE] = {
        .name = "pipe",
        .program = "lib/tern/pipe",
        .cnode_bits = 12,
        .memory_bits = 26,          /* 64 MiB of pipe buffers */
        .session = SESSION_BY_PROCESS,     /* a pipe is charged to its maker and its user */
        .session_flag = PIPE_SESSION_FLAG,
        .exit_notices = true,       /* waiters whose callers vanished go */
    },
    [SERVER_MEMFD] = {
        .name = "memfd",
        .program = "lib/tern/memfd",
        .cnode_bits = 16,           /* a slot for every page of memfds (256 MiB) */
        .memory_bits = 25,          /* 32 MiB of memory files to start with */
        .borrows_memory = true,
        .session = SESSION_BY_PROCESS,
        .session_flag = MEMFD_SESSION_FLAG,
        .exit_notices = true,       /* a memfd outliving its maker stays the dead maker's */
    },
    [SERVER_SYSV] = {
        .name = "sysv",
        .program = "lib/tern/sysv",
        .cnode_bits = 14,           /* a slot for every page of segments */
        .memory_bits = 24,          /* 16 MiB of segments and semaphore sets */
        .session = SESSION_BY_PROCESS,
        .session_flag = SYSV_SESSION_FLAG,
        .exit_notices = true,       /* SEM_UNDO */
    },
    [SERVER_MQUEUE] = {
        .name = "mqueue",
        .program = "lib/tern/mqueue",
        .cnode_bits = 12,
        .memory_bits = 24,          /* 16 MiB of queued messages */
        .session = SESSION_BY_PROCESS,
        .session_flag = MQUEUE_SESSION_FLAG,
        .exit_notices = true,       /* mq_notify's owners; its notices (PROC_MQ_NOTIFIED) */
    },
    [SERVER_EVENT] = {
        .name = "event",
        .program = "lib/tern/event",
        .cnode_bits = 12,
        .memory_bits = 21,          /* counters, timers, waiters: every description a user may hold */
        .session = SESSION_BY_PROCESS,     /* root's alarm clocks */
        .session_flag = EVENT_SESSION_FLAG,
        .exit_notices = true,       /* pidfds become readable */
    },
    [SERVER_UNIX] = {
        .name = "unix",
        .program = "lib/tern/unix",
        .cnode_bits = 12,
        .memory_bits = 24,          /* 16 MiB of sockets and queued messages */
        .session = SESSION_BY_PROCESS,     /* SO_PEERCRED's pid, uid and gid */
        .session_flag = UNIX_SESSION_FLAG,
        .exit_notices = true,       /* waiters whose callers vanished go */
    },
    [SERVER_PROCMGR] = {
        .name = "procmgr",
        .program = "lib/tern/procmgr",
        .cnode_bits = 18,           /* two slots a private frame: the spaces' and procmgr's view (frames.h) */
        .memory_bits = 0,           /* the rest: every process's memory */
        .session = SESSION_BY_PID,
    },
};

unsigned server_memory_bits(const struct server_entry *entry, uint64_t free_bytes)
{
    if (entry->memory_bits == 0)
        return 0;
    unsigned bits = entry->memory_bits;
    while (bits > 20 && (1ULL << bits) > free_bytes / 8)
        bits--;
    return bits;
}
