/*
 * IPC namespaces (sys/ipc_namespace.h): which exist and how many
 * processes each has, and who may make one. A namespace is a number; the
 * initial one (0) is everybody's at boot and never ends; another ends with
 * its last process, and its number may be given again. procmgr tells the
 * servers that keep IPC objects (process.c); this is the bookkeeping, with
 * no IPC in it (tests/host/test_procmgr_ipc_namespaces.c).
 */
#ifndef PROCMGR_IPC_NAMESPACES_H
#define PROCMGR_IPC_NAMESPACES_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/ipc_namespace.h"

struct ipc_namespaces {
    uint32_t processes[IPC_NAMESPACE_LIMIT];    /* by number; the initial one unused */
};

/* unshare(CLONE_NEWIPC) and clone's need CAP_SYS_ADMIN, which root
 * (euid 0) has; else -EPERM. A new namespace with one process in it (the
 * one that unshares, the child cloned into it): its number, or -ENOSPC
 * when IPC_NAMESPACE_LIMIT are in use. */
int64_t ipc_namespace_create(struct ipc_namespaces *namespaces, uint64_t euid);
/* One more process in namespace (a fork). */
void ipc_namespace_join(struct ipc_namespaces *namespaces, uint32_t namespace);
/* A process leaves it (ended, or unshared): whether that was the last, so
 * the namespace ended. */
bool ipc_namespace_leave(struct ipc_namespaces *namespaces, uint32_t namespace);

#endif
