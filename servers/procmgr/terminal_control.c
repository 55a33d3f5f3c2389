/*
 * Controlling terminals (terminal_control.h).
 */
#include "terminal_control.h"
#include "sys/linux_abi.h"

static bool controls_caller(const struct terminal_control *terminal,
                            const struct terminal_caller *caller)
{
    return caller->terminal != 0 && caller->terminal == terminal->device;
}

static bool leads_session(const struct terminal_caller *caller)
{
    return caller->ids.pid == caller->ids.sid;
}

int64_t terminal_get_foreground(const struct terminal_control *terminal,
                                const struct terminal_caller *caller)
{
    return controls_caller(terminal, caller) ? (int64_t)terminal->pgid : -LINUX_ENOTTY;
}

int64_t terminal_get_session(const struct terminal_control *terminal,
                             const struct terminal_caller *caller)
{
    if (!controls_caller(terminal, caller) || terminal->sid == 0)
        return -LINUX_ENOTTY;
    return (int64_t)terminal->sid;
}

int64_t terminal_check_access(const struct terminal_control *terminal,
                              const struct terminal_caller *caller, unsigned signal,
                              struct terminal_effects *effects)
{
    if (!controls_caller(terminal, caller) || terminal->pgid == 0 ||
        terminal->pgid == caller->ids.pgid)
        return 0;
    /* A signal the caller will not see cannot stop it: a write goes
     * ahead, a read fails. An orphaned group nobody would continue. */
    if (signal == LINUX_SIGTTIN ? caller->ttin_ignored : caller->ttou_ignored)
        return signal == LINUX_SIGTTIN ? -LINUX_EIO : 0;
    if (caller->group_orphaned)
        return -LINUX_EIO;
    effects->signal_group = caller->ids.pgid;
    effects->signals[0] = signal;
    return -LINUX_ERESTARTSYS;
}

int64_t terminal_set_foreground(struct terminal_control *terminal,
                                const struct terminal_caller *caller, int64_t pgid, bool faulted,
                                group_session_function *group_session, void *context,
                                struct terminal_effects *effects)
{
    int64_t status = terminal_check_access(terminal, caller, LINUX_SIGTTOU, effects);
    if (status == -LINUX_EIO)
        return -LINUX_ENOTTY;
    if (status < 0)
        return status;
    if (faulted)
        return -LINUX_EFAULT;
    if (pgid < 0)
        return -LINUX_EINVAL;
    if (!controls_caller(terminal, caller) || terminal->sid != caller->ids.sid)
        return -LINUX_ENOTTY;
    uint64_t session = group_session(context, (uint64_t)pgid);
    if (session == 0)
        return -LINUX_ESRCH;
    if (session != caller->ids.sid)
        return -LINUX_EPERM;
    terminal->pgid = (uint64_t)pgid;
    return 0;
}

int64_t terminal_set_controlling(struct terminal_control *terminal,
                                 const struct terminal_caller *caller, bool steal, bool readable,
                                 struct terminal_effects *effects)
{
    if (leads_session(caller) && terminal->sid == caller->ids.sid)
        return 0;
    if (!leads_session(caller) || caller->terminal != 0)
        return -LINUX_EPERM;
    if (terminal->sid != 0) {
        if (!steal || !caller->privileged)
            return -LINUX_EPERM;
        effects->session_detached = terminal->sid;
    }
    /* Without read access a process could take a terminal it cannot
     * use, and its keyboard's signals with it. */
    if (!readable && !caller->privileged)
        return -LINUX_EPERM;
    terminal->sid = caller->ids.sid;
    terminal->pgid = caller->ids.pgid;
    effects->caller_attached = true;
    return 0;
}

/* The terminal leaves session it controls: its processes lose it. */
static void release(struct terminal_control *terminal, struct terminal_effects *effects)
{
    effects->session_detached = terminal->sid;
    terminal->sid = 0;
    terminal->pgid = 0;
}

int64_t terminal_detach(struct terminal_control *terminal, const struct terminal_caller *caller,
                        struct terminal_effects *effects)
{
    if (!controls_caller(terminal, caller))
        return -LINUX_ENOTTY;
    effects->caller_detached = true;
    if (!leads_session(caller))
        return 0;
    if (terminal->pgid != 0) {
        effects->signal_group = terminal->pgid;
        effects->signals[0] = LINUX_SIGHUP;
        effects->signals[1] = LINUX_SIGCONT;
    }
    release(terminal, effects);
    return 0;
}

void terminal_leader_exited(struct terminal_control *terminal, uint64_t sid,
                            struct terminal_effects *effects)
{
    if (terminal->sid == 0 || terminal->sid != sid)
        return;
    if (terminal->pgid != 0) {
        effects->signal_group = terminal->pgid;
        effects->signals[0] = LINUX_SIGHUP;
    }
    release(terminal, effects);
}
