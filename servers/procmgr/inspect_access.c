/*
 * Who may look into another process: Linux's ptrace_may_access with the
 * _REALCREDS modes, which kcmp (PTRACE_MODE_READ) and process_vm_readv/
 * writev (PTRACE_MODE_ATTACH) ask (procmgr.h).
 *
 * Linux's rules, in its order: a process may look at itself (any thread
 * of it); else the caller's real user and group ids must be each of the
 * target's real, effective and saved ones, or the caller is root
 * (CAP_SYS_PTRACE); a target that is not dumpable (prctl
 * PR_SET_DUMPABLE 0, or its ids changed) is root's alone while it has an
 * address space (a zombie has none). The modes differ only in what a
 * security module adds, Yama for attaching; Debian's kernel has Yama but
 * leaves it off (ptrace_scope 0), so attach and read decide alike here
 * (attach is kept for the access model that is to come).
 */
#include "procmgr.h"

int process_may_inspect(struct process *caller, struct process *target, bool attach)
{
    if (caller == target)
        return 0;
    struct credentials from = process_credentials(caller), to = process_credentials(target);
    bool privileged = credentials_privileged(&from);
    if (!credentials_may_take_descriptors(&from, &to))
        return -LINUX_EPERM;
    if (!target->dumpable && target->space && !privileged)
        return -LINUX_EPERM;
    (void)attach;
    return 0;
}

struct process *process_by_task_id(int64_t id)
{
    if (id <= 0 || id >= ID_LIMIT)
        return 0;
    if (threads[id])
        return threads[id]->process;
    return processes[id];
}
