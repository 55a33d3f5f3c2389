/*
 * Who may look into another process: Linux's ptrace_may_access with the
 * _REALCREDS modes, then the target's access descriptor (access_model.h,
 * docs/access.md).
 *
 * Linux's rules, in its order: a process may look at itself (any thread
 * of it); else the caller's real user and group ids must be each of the
 * target's real, effective and saved ones, or the caller is root
 * (CAP_SYS_PTRACE); a target that is not dumpable (prctl
 * PR_SET_DUMPABLE 0, or its ids changed) is root's alone while it has an
 * address space (a zombie has none). Reading and attaching differ only in
 * what a security module adds, Yama for attaching; Debian's kernel has
 * Yama but leaves it off (ptrace_scope 0), so Linux's part decides alike
 * for every right, and the access descriptor tells them apart.
 */
#include "procmgr.h"

int process_may_inspect(struct process *caller, struct process *target, enum access_right right)
{
    struct credentials from = process_credentials(caller), to = process_credentials(target);
    struct access_caller who = {
        .self = caller == target,
        .privileged = credentials_privileged(&from),
        .same_user = credentials_may_take_descriptors(&from, &to) &&
                     (target->dumpable || !target->space),
        .level = caller->access.level,
    };
    return access_check(&target->access, &who, right);
}

int process_may_look_into(struct process *caller, struct process *target,
                          enum access_right right)
{
    struct credentials from = process_credentials(caller), to = process_credentials(target);
    struct access_caller who = {
        .self = caller == target,
        .privileged = credentials_privileged(&from),
        .same_user = credentials_may_look_into(&from, &to) &&
                     (target->dumpable || !target->space),
        .level = caller->access.level,
    };
    return access_check(&target->access, &who, right) < 0 ? -LINUX_EACCES : 0;
}

struct process *process_by_task_id(int64_t id)
{
    if (id <= 0 || id >= ID_LIMIT)
        return 0;
    if (threads[id])
        return threads[id]->process;
    return processes[id];
}
