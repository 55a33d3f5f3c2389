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
/* What waitid and SIGCHLD's siginfo say of an ended child. */
static struct signal_info child_info(const struct process *child)
{
    bool killed = (child->wait_status & 0x7f) != 0;
    return (struct signal_info){
        .code = killed ? LINUX_CLD_KILLED : LINUX_CLD_EXITED,
        .pid = (uint32_t)child->pid,
        .uid = (uint32_t)child->uid,
        .value = killed ? (child->wait_status & 0x7f) : (child->wait_status >> 8) & 0xff,
    };
}

void wait_answer(uint64_t reply, const struct waiter *waiter, struct process *child)
{
    if (waiter->is_waitid) {
        struct signal_info info = child_info(child);
        uint64_t values[] = { 0, info.pid, info.uid, (uint64_t)info.code, info.value };
        answer(reply, 5, values);
    } else {
        uint64_t values[] = { child->pid, child->wait_status };
        answer(reply, 2, values);
    }
    if (!(waiter->is_waitid && (waiter->options & LINUX_WNOWAIT)))
        process_reap(child);
}

static void remove_waiter(struct process *parent, unsigned index)
{
    parent->waiters[index] = parent->waiters[--parent->waiter_count];
}

/* Waiters of parent that no child can answer any more: -ECHILD. */
static void answer_childless_waiters(struct process *parent)
{
    for (unsigned i = 0; i < parent->waiter_count; i++) {
        struct waiter waiter = parent->waiters[i];
        struct process *child;
        if (wait_find(parent, waiter.idtype, waiter.id, &child) != -LINUX_ECHILD)
            continue;
        remove_waiter(parent, i--);
        answer(waiter.reply, 1, &(uint64_t){ (uint64_t)-LINUX_ECHILD });
        reply_free(waiter.reply);
    }
}

void wait_notify_parent(struct process *child)
{
    struct process *parent = processes[child->ppid];
    if (!parent)
        return;
    struct signal_info info = child_info(child);      /* an answer may reap the child */
    if (parent->space && signal_reaps_children(parent)) {
        /* SIGCHLD ignored or SA_NOCLDWAIT: no zombie, as on Linux. */
        process_reap(child);
        answer_childless_waiters(parent);
    } else {
        for (unsigned i = 0; i < parent->waiter_count; i++) {
            struct waiter waiter = parent->waiters[i];
            if (!matches(parent, child, waiter.idtype, waiter.id))
                continue;
            remove_waiter(parent, i);
            wait_answer(waiter.reply, &waiter, child);
            reply_free(waiter.reply);
            break;
        }
    }
    /* Last: a handler's wait4 finds the child answered or still there. */
    if (parent->space)
        signal_send(parent, 0, LINUX_SIGCHLD, &info);
}

bool wait_interrupt(struct thread *thread)
{
    struct process *process = thread->process;
    for (unsigned i = 0; i < process->waiter_count; i++) {
        struct waiter waiter = process->waiters[i];
        if (waiter.tid != thread->tid)
            continue;
        remove_waiter(process, i);
        answer(waiter.reply, 1, &(uint64_t){ (uint64_t)-LINUX_ERESTARTSYS });
        reply_free(waiter.reply);
        return true;
    }
    return false;
}

void wait_forget_thread(struct thread *thread)
{
    struct process *process = thread->process;
    for (unsigned i = 0; i < process->waiter_count; i++) {
        if (process->waiters[i].tid != thread->tid)
            continue;
        reply_free(process->waiters[i].reply);
        remove_waiter(process, i);
        i--;
    }
}
