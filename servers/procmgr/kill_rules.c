/*
 * kill(2)'s rules (kill_rules.h).
 */
#include "kill_rules.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"

int kill_check(uint64_t signal, const struct credentials *sender, const struct kill_target *target,
               bool *send)
{
    *send = false;
    if (signal > LINUX_NSIG)
        return -LINUX_EINVAL;
    if (!target->exists)
        return -LINUX_ESRCH;
    if (!credentials_may_signal(sender, &target->credentials)
        && !(signal == LINUX_SIGCONT && target->in_senders_session))
        return -LINUX_EPERM;
    *send = target->alive && target->runs_program;
    return 0;
}

bool kill_reaches(int64_t pid, const struct process_ids *sender,
                  const struct process_ids *candidate)
{
    if (pid == -1)
        return candidate->pid != sender->pid && candidate->pid != 1;
    uint64_t group = pid == 0 ? sender->pgid : (uint64_t)-pid;
    return candidate->pgid == group;
}

struct kill_tally kill_tally_start(int64_t pid)
{
    return (struct kill_tally){ .everyone = pid == -1 };
}

void kill_tally_add(struct kill_tally *tally, int status)
{
    tally->targets++;
    if (status == 0)
        tally->delivered = true;
    /* kill(-1) means "all I may signal": the others do not count, and
     * the last one that does decides. */
    if (tally->everyone ? status != -LINUX_EPERM : status != 0)
        tally->status = status;
}

int kill_tally_result(const struct kill_tally *tally)
{
    if (tally->targets == 0)
        return -LINUX_ESRCH;
    if (tally->everyone)
        return tally->status;
    return tally->delivered ? 0 : tally->status;
}

int kill_sent_status(int32_t code, int send_status)
{
    return code == LINUX_SI_USER ? 0 : send_status;
}

int kill_tgkill_code(uint64_t flags, bool to_own_process, int32_t *code)
{
    if (flags && !to_own_process)
        return -LINUX_EPERM;
    if (flags & PROC_TGKILL_FROM_KERNEL)
        *code = LINUX_SI_KERNEL;        /* force_sig: no sender */
    else if (flags & PROC_TGKILL_AS_KILL)
        *code = LINUX_SI_USER;          /* send_sig: from the caller's process */
    else
        *code = LINUX_SI_TKILL;
    return 0;
}

int kill_check_sigqueue_code(int32_t code, bool to_own_process)
{
    if ((code >= 0 || code == LINUX_SI_TKILL) && !to_own_process)
        return -LINUX_EPERM;
    return 0;
}
