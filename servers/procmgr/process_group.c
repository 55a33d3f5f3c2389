/*
 * Process groups and sessions (process_group.h).
 */
#include "process_group.h"
#include "sys/linux_abi.h"

/* The errors getpgid, getsid and setpgid share for their pid. */
static int64_t target_error(int64_t pid, const struct process_ids *target)
{
    if (pid < 0)
        return -LINUX_EINVAL;
    return target ? 0 : -LINUX_ESRCH;
}

int64_t process_group_getpgid(int64_t pid, const struct process_ids *target)
{
    int64_t error = target_error(pid, target);
    return error < 0 ? error : (int64_t)target->pgid;
}

int64_t process_group_getsid(int64_t pid, const struct process_ids *target)
{
    int64_t error = target_error(pid, target);
    return error < 0 ? error : (int64_t)target->sid;
}

int64_t process_group_setsid(const struct process_ids *caller)
{
    /* A group leader cannot leave its group: the group would span two
     * sessions. */
    if (caller->pgid == caller->pid)
        return -LINUX_EPERM;
    return (int64_t)caller->pid;
}

int64_t process_group_setpgid(const struct process_ids *caller, int64_t pid,
                              const struct process_ids *target, int64_t pgid,
                              group_in_session_function *group_in_session, void *context)
{
    int64_t error = target_error(pid, target);
    if (error < 0)
        return error;
    if (pgid < 0)
        return -LINUX_EINVAL;
    /* The caller itself or a child of it, in the caller's session. */
    if (target->pid != caller->pid && target->ppid != caller->pid)
        return -LINUX_ESRCH;
    if (target->sid != caller->sid || target->sid == target->pid)
        return -LINUX_EPERM;
    if (pgid == 0)
        pgid = (int64_t)target->pid;
    /* A new group is the target's own; any other must exist, in the
     * caller's session. */
    if ((uint64_t)pgid != target->pid && !group_in_session(context, (uint64_t)pgid, caller->sid))
        return -LINUX_EPERM;
    return pgid;
}

bool process_group_member_anchors(const struct process_ids *member, bool ended,
                                  const struct process_ids *parent)
{
    if (ended || parent->pid == 1)
        return false;
    return parent->pgid != member->pgid && parent->sid == member->sid;
}
