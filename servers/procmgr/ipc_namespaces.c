/* IPC namespaces' bookkeeping: ipc_namespaces.h. */
#include "ipc_namespaces.h"
#include "sys/linux_abi.h"

int64_t ipc_namespace_create(struct ipc_namespaces *namespaces, uint64_t euid)
{
    if (euid != 0)
        return -LINUX_EPERM;
    for (uint32_t namespace = 1; namespace < IPC_NAMESPACE_LIMIT; namespace++) {
        if (namespaces->processes[namespace] == 0) {
            namespaces->processes[namespace] = 1;
            return namespace;
        }
    }
    return -LINUX_ENOSPC;
}

void ipc_namespace_join(struct ipc_namespaces *namespaces, uint32_t namespace)
{
    if (namespace != IPC_NAMESPACE_INITIAL)
        namespaces->processes[namespace]++;
}

bool ipc_namespace_leave(struct ipc_namespaces *namespaces, uint32_t namespace)
{
    if (namespace == IPC_NAMESPACE_INITIAL)
        return false;
    return --namespaces->processes[namespace] == 0;
}
