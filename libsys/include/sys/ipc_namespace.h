/*
 * IPC namespaces as the servers that keep IPC objects see them (sysv for
 * System V objects, mqueue for POSIX queues; docs/protocols/procmgr.md).
 * procmgr numbers the namespaces (0 is the initial one) and tells those
 * servers, through their notice session (sys/protocol/common.h), which
 * processes are in another (SERVER_PROCESS_NAMESPACE) and when the last
 * process of one ended (SERVER_NAMESPACE_ENDED). A session's badge
 * carries the pid, so a server finds the caller's namespace here.
 */
#ifndef SYS_IPC_NAMESPACE_H
#define SYS_IPC_NAMESPACE_H

#include <stdint.h>

#define IPC_NAMESPACE_INITIAL   0
/* Namespaces at once: unshare and clone answer -ENOSPC past it, as Linux
 * does past user.max_ipc_namespaces. Numbers are below it. */
#define IPC_NAMESPACE_LIMIT     1024
/* pids are below it (a session badge's 15 bits). */
#define IPC_NAMESPACE_PIDS      32768

/* The namespace of every process: the initial one unless told. */
struct ipc_namespace_members {
    uint16_t of_pid[IPC_NAMESPACE_PIDS];
};

static inline uint32_t ipc_namespace_of(const struct ipc_namespace_members *members,
                                        uint32_t pid)
{
    return pid < IPC_NAMESPACE_PIDS ? members->of_pid[pid] : IPC_NAMESPACE_INITIAL;
}

/* SERVER_PROCESS_NAMESPACE; SERVER_PROCESS_ENDED sets it back to 0. */
static inline void ipc_namespace_enter(struct ipc_namespace_members *members, uint32_t pid,
                                       uint32_t namespace)
{
    if (pid < IPC_NAMESPACE_PIDS && namespace < IPC_NAMESPACE_LIMIT)
        members->of_pid[pid] = (uint16_t)namespace;
}

#endif
