/*
 * The servers of the system, in one table: which program each is, what
 * init gives it, and what session of it every Linux process holds.
 * init starts them in table order from it (servers/init), procmgr mints
 * each process's sessions from it (servers/procmgr/process.c), and the
 * slots where a process finds them follow from it (sys/linux_process.h).
 * Adding a server is one entry here and one in enum server_id, plus its
 * own folder (docs/servers.md).
 */
#ifndef SYS_SERVERS_H
#define SYS_SERVERS_H

#include <stdbool.h>
#include <stdint.h>

enum server_id {
    SERVER_VFS,
    SERVER_FUTEX,
    SERVER_PIPE,
    SERVER_MEMFD,
    SERVER_SYSV,
    SERVER_MQUEUE,
    SERVER_EVENT,
    SERVER_UNIX,
    SERVER_PROCMGR,         /* last: it is started once the others run */
    SERVER_COUNT,
};

/* The badge of the session a process holds of a server. */
enum session_kind {
    SESSION_NONE,           /* processes hold none */
    SESSION_BY_PID,         /* flag | the process's pid */
    /* flag | its effective uid | its effective gid << 24, minted again
     * when they change */
    SESSION_BY_CREDENTIALS,
    /* flag | the credentials as above, but the gid in 23 bits | the pid
     * << 47: for servers that need both (SysV IPC's owners and pids) */
    SESSION_BY_PROCESS,
};

#define SESSION_CREDENTIALS_BADGE(flag, uid, gid) \
    ((flag) | ((uint64_t)(uid) & 0xffffff) | (((uint64_t)(gid) & 0xffffff) << 24))
#define SESSION_PROCESS_BADGE(flag, pid, uid, gid)                                  \
    (SESSION_CREDENTIALS_BADGE(flag, uid, (uint64_t)(gid) & 0x7fffff) |            \
     ((uint64_t)(pid) & 0x7fff) << 47)
#define SESSION_PROCESS_UID(badge)  ((uint32_t)((badge) & 0xffffff))
#define SESSION_PROCESS_GID(badge)  ((uint32_t)(((badge) >> 24) & 0x7fffff))
#define SESSION_PROCESS_PID(badge)  ((uint32_t)(((badge) >> 47) & 0x7fff))
/* The session of pid 0 (ids 0 too) of a server whose sessions carry the
 * pid: no process has it, so procmgr alone speaks through it (its
 * notices: exit_notices below). */
#define SESSION_NOTICE_BADGE(flag)  ((uint64_t)(flag))

/* Another server's endpoint (all rights) that a server is given in one of
 * its own fixed slots, unbadged or a session of its own. */
struct server_peer {
    enum server_id server;
    uint64_t slot;          /* 0 ends the list */
    uint64_t badge;         /* 0: the endpoint itself */
};

#define SERVER_MAX_PEERS 3

struct server_entry {
    const char *name;
    const char *program;    /* its file in the boot archive */
    unsigned cnode_bits;    /* its CNode's radix */
    /* Untyped memory init carves for it: 2^memory_bits bytes at most
     * (server_memory_bits); 0: all that is left once every other server
     * has its share. */
    unsigned memory_bits;
    /* When that is used up, it may borrow more from procmgr's (memory
     * files and segments: SERVER_TAKE_MEMORY, sys/protocol/common.h). */
    bool borrows_memory;
    enum session_kind session;
    uint64_t session_flag;
    struct server_peer peers[SERVER_MAX_PEERS];
    /* The boot archive mapped read-only in its address space (vfs). */
    bool boot_archive;
    /* procmgr tells it of every process that ends (SERVER_PROCESS_ENDED,
     * sys/protocol/common.h) through SESSION_NOTICE_BADGE(session_flag):
     * only for sessions that carry the pid. */
    bool exit_notices;
    /* It keeps nothing a client could not lose: when it faults, init
     * starts it afresh rather than putting a failed one in its place
     * (docs/servers.md, "When a server faults"). */
    bool restartable;
};

/* What init says in a server's boot info (server_flags). */
enum server_boot_flag {
    /* SERVER_DEBUG_FAULT makes it fault (tests: the boot archive has
     * SERVER_FAULT_INJECTION_FILE); else that label is refused. */
    SERVER_BOOT_FAULT_INJECTION = 1 << 0,
    /* It faulted before: it answers every request -EIO. */
    SERVER_BOOT_FAILED = 1 << 1,
    /* procmgr spreads programs' threads over the cores (the boot archive
     * has SERVER_SPREAD_FILE: docs/multicore.md); else every one starts on
     * the lowest core its affinity allows. */
    SERVER_BOOT_SPREAD = 1 << 2,
};
#define SERVER_FAULT_INJECTION_FILE "etc/tern/fault-injection"
#define SERVER_SPREAD_FILE "etc/tern/spread"

extern const struct server_entry server_table[SERVER_COUNT];

/* A server's share of the machine's memory, as a power of two: its
 * entry's memory_bits, but at most an eighth of the free memory
 * (free_bytes), so that a small board still boots every server and
 * leaves the most to processes. At least 2^20 (a server needs room for
 * its own pages); 0 for an entry that takes what is left. A server that
 * borrows starts with this share and grows from there. */
unsigned server_memory_bits(const struct server_entry *entry, uint64_t free_bytes);

#endif
