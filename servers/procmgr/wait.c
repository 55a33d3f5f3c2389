/*
 * wait4 and waitid: which zombie children a waiter may collect, and
 * answering waiters whose reply procmgr held when a child ends.
 */
#include "procmgr.h"
#include "sys/linux_abi.h"
#include "sys/syscall.h"

static bool matches(const struct process *parent, const struct process *child, uint64_t idtype,
                    int64_t id)
{
    if (child->ppid != parent->pid)
        return false;
    switch (idtype) {
    case LINUX_P_ALL: return true;
    case LINUX_P_PID: return (int64_t)child->pid == id;
    case LINUX_P_PGID: return (int64_t)child->pgid == id;
    default: return false;
    }
}

int64_t wait_find(struct process *parent, uint64_t idtype, int64_t id, struct process **found)
{
    bool any_child = false;
    *found = 0;
    for (uint64_t pid = 1; pid < ID_LIMIT; pid++) {
        struct process *child = processes[pid];
        if (!child || !matches(parent, child, idtype, id))
            continue;
        any_child = true;
        if (child->state == PROCESS_ZOMBIE) {
            *found = child;
            return (int64_t)child->pid;
        }
    }
    return any_child ? 0 : -LINUX_ECHILD;
}

/* The answer to a waiter about child, which is then reaped unless the
 * waiter only peeks (WNOWAIT). */
void wait_answer(uint64_t reply, const struct waiter *waiter, struct process *child)
{
    uint64_t status = child->wait_status;
    if (waiter->is_waitid) {
        bool killed = (status & 0x7f) != 0;
        uint64_t values[] = { 0, child->pid, child->uid,
                              killed ? LINUX_CLD_KILLED : LINUX_CLD_EXITED,
                              killed ? (status & 0x7f) : (status >> 8) & 0xff };
        answer(reply, 5, values);
    } else {
        uint64_t values[] = { child->pid, status };
        answer(reply, 2, values);
    }
    if (!(waiter->is_waitid && (waiter->options & LINUX_WNOWAIT)))
        process_reap(child);
}

void wait_notify_parent(struct process *child)
{
    struct process *parent = processes[child->ppid];
    if (!parent)
        return;
    for (unsigned i = 0; i < parent->waiter_count; i++) {
        struct waiter waiter = parent->waiters[i];
        if (!matches(parent, child, waiter.idtype, waiter.id))
            continue;
        parent->waiters[i] = parent->waiters[--parent->waiter_count];
        wait_answer(waiter.reply, &waiter, child);
        reply_free(waiter.reply);
        return;
    }
}
