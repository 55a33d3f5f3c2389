/*
 * wait4 and waitid: which zombie children a waiter may collect, and
 * answering waiters whose reply procmgr held when a child ends.
 */
#include "procmgr.h"
#include "sys/runtime.h"
#include "sys/linux_abi.h"
#include "sys/syscall.h"

int64_t wait_find(struct process *parent, const struct wait_request *request,
                  struct process **found)
{
    struct wait_search search = { .any_child = false, .found = 0 };
    for (struct process *process = parent->first_child; process;
         process = process->next_sibling) {
        struct process_ids ids = process_ids_of(process);
        if (wait_search_add(&search, request, parent->pid, &ids,
                            process->state == PROCESS_ZOMBIE))
            break;
    }
    *found = search.found ? processes[search.found] : 0;
    return wait_search_result(&search);
}

/* What waitid and SIGCHLD's siginfo say of an ended child. */
static struct signal_info child_info(const struct process *child)
{
    return wait_child_info(child->pid, child->uid, child->wait_status);
}

unsigned wait_answer_values(const struct wait_request *request, struct process *child,
                            uint64_t values[WAIT_ANSWER_MAX])
{
    unsigned count = 2;
    if (request->is_waitid) {
        struct signal_info info = child_info(child);
        uint64_t waitid[] = { 0, info.pid, info.uid, (uint64_t)info.code, info.value };
        memcpy(values, waitid, sizeof waitid);
        count = 5;
    } else {
        values[0] = child->pid;
        values[1] = child->wait_status;
    }
    if (wait_request_reaps(request))
        process_reap(child);
    return count;
}

/* Answers a waiter procmgr kept about child. */
static void answer_about(const struct waiter *waiter, struct process *child)
{
    uint64_t values[WAIT_ANSWER_MAX];
    unsigned count = wait_answer_values(&waiter->request, child, values);
    answer_waiter(waiter->reply, count, values);
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
        if (wait_find(parent, &waiter.request, &child) != -LINUX_ECHILD)
            continue;
        remove_waiter(parent, i--);
        answer_waiter(waiter.reply, 1, &(uint64_t){ (uint64_t)-LINUX_ECHILD });
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
            struct process_ids ids = process_ids_of(child);
            if (!wait_request_matches(&waiter.request, parent->pid, &ids))
                continue;
            remove_waiter(parent, i);
            answer_about(&waiter, child);
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
        answer_waiter(waiter.reply, 1, &(uint64_t){ (uint64_t)-LINUX_ERESTARTSYS });
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
        server_release_reply(process->waiters[i].reply);
        remove_waiter(process, i);
        i--;
    }
}
