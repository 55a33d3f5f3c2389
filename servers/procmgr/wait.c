/*
 * wait4 and waitid: which children a waiter may collect (ended, stopped
 * or continued), and answering waiters whose reply procmgr held when a
 * child ends, stops or continues.
 */
#include "procmgr.h"
#include "sys/runtime.h"
#include "sys/linux_abi.h"
#include "sys/syscall.h"

/* What the child has to report, as wait_match.h sees it. */
static struct wait_child wait_child_of(const struct process *child)
{
    return (struct wait_child){
        .ended = child->state == PROCESS_ZOMBIE,
        .wait_status = child->wait_status,
        .stop_signal = job_stop_to_report(&child->job),
        .continued = job_continue_to_report(&child->job),
    };
}

int64_t wait_find(struct process *parent, const struct wait_request *request,
                  struct process **found, enum wait_event *event)
{
    struct wait_search search = { .any_child = false, .found = 0 };
    for (struct process *process = parent->first_child; process;
         process = process->next_sibling) {
        struct process_ids ids = process_ids_of(process);
        struct wait_child child = wait_child_of(process);
        if (wait_search_add(&search, request, parent->pid, &ids, &child))
            break;
    }
    *found = search.found ? processes[search.found] : 0;
    *event = search.event;
    return wait_search_result(&search);
}

unsigned wait_answer_values(const struct wait_request *request, struct process *child,
                            enum wait_event event, uint64_t values[WAIT_ANSWER_MAX])
{
    unsigned count = 2;
    struct wait_child state = wait_child_of(child);
    if (request->is_waitid) {
        struct signal_info info = wait_event_info(event, child->pid, child->uid, &state);
        uint64_t waitid[] = { 0, info.pid, info.uid, (uint64_t)info.code, info.value };
        memcpy(values, waitid, sizeof waitid);
        count = 5;
    } else {
        values[0] = child->pid;
        values[1] = wait_event_status(event, &state);
    }
    if (!wait_request_reaps(request))
        return count;
    if (event == WAIT_EVENT_EXITED)
        process_reap(child);
    else if (event == WAIT_EVENT_STOPPED)
        job_stop_reported(&child->job);
    else
        job_continue_reported(&child->job);
    return count;
}

/* Answers a waiter procmgr kept about child's event. */
static void answer_about(const struct waiter *waiter, struct process *child,
                         enum wait_event event)
{
    uint64_t values[WAIT_ANSWER_MAX];
    unsigned count = wait_answer_values(&waiter->request, child, event, values);
    answer_waiter(waiter->reply, count, values);
}

static void remove_waiter(struct process *parent, unsigned index)
{
    parent->waiters[index] = parent->waiters[--parent->waiter_count];
}

/* Waiters of parent that no child can answer any more: -ECHILD (also
 * one waiting only for stops whose last child ended). */
static void answer_childless_waiters(struct process *parent)
{
    for (unsigned i = 0; i < parent->waiter_count; i++) {
        struct waiter waiter = parent->waiters[i];
        struct process *child;
        enum wait_event event;
        if (wait_find(parent, &waiter.request, &child, &event) != -LINUX_ECHILD)
            continue;
        remove_waiter(parent, i--);
        answer_waiter(waiter.reply, 1, &(uint64_t){ (uint64_t)-LINUX_ECHILD });
    }
}

/* Waiters of parent that child's news answers: each that only peeks
 * (WNOWAIT), and the first that takes it. */
static void answer_waiters_about(struct process *parent, struct process *child)
{
    struct process_ids ids = process_ids_of(child);
    for (unsigned i = 0; i < parent->waiter_count; i++) {
        struct waiter waiter = parent->waiters[i];
        struct wait_child state = wait_child_of(child);
        if (!wait_request_matches(&waiter.request, parent->pid, &ids))
            continue;
        enum wait_event event = wait_event_for(&waiter.request, &state);
        if (event == WAIT_EVENT_NONE)
            continue;
        remove_waiter(parent, i--);
        answer_about(&waiter, child, event);
        if (wait_request_reaps(&waiter.request))
            return;     /* taken (an ended child is gone) */
    }
}

void wait_notify_parent(struct process *child)
{
    struct process *parent = processes[child->ppid];
    if (!parent)
        return;
    struct wait_child state = wait_child_of(child);     /* an answer may reap the child */
    struct signal_info info = wait_event_info(WAIT_EVENT_EXITED, child->pid, child->uid, &state);
    if (parent->space && signal_reaps_children(parent))
        process_reap(child);    /* SIGCHLD ignored or SA_NOCLDWAIT: no zombie, as on Linux */
    else
        answer_waiters_about(parent, child);
    answer_childless_waiters(parent);
    /* Last: a handler's wait4 finds the child answered or still there. */
    if (parent->space)
        signal_send(parent, 0, LINUX_SIGCHLD, &info);
}

void wait_notify_job_change(struct process *child, int32_t code)
{
    struct process *parent = processes[child->ppid];
    if (!parent)
        return;
    /* Linux's do_notify_parent_cldstop: the stop signal (0 for a stop a
     * SIGCONT cut short), or SIGCONT. */
    struct signal_info info = {
        .code = code, .pid = (uint32_t)child->pid, .uid = (uint32_t)child->uid,
        .value = code == LINUX_CLD_CONTINUED ? LINUX_SIGCONT : child->job.stop_signal,
    };
    answer_waiters_about(parent, child);
    if (parent->space && signal_child_stop_notifies(parent->signal_disposition[LINUX_SIGCHLD],
                                                    parent->no_child_stops))
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
