/*
 * Notifications: a word of flags that Signal ORs badges into and Wait
 * collects, plus the kernel's timer service (Notification_SetTimeout): a
 * notification armed with a deadline is signalled when the deadline passes.
 */
#include "arch/timer.h"
#include "kernel/ipc.h"
#include "kernel/run_queue.h"
#include "kernel/scheduler.h"

/* Armed notifications, soonest deadline first. */
static struct notification *timeouts;

static void deliver(struct tcb *thread, uint64_t word)
{
    set_return(thread, word, 0);
    thread_make_runnable(thread);
}

void notification_signal(struct notification *notification, uint64_t badge)
{
    if (notification->waiters.head) {
        struct tcb *waiter = notification->waiters.head;
        thread_queue_remove(&notification->waiters, waiter);
        deliver(waiter, badge | notification->word);
        notification->word = 0;
        return;
    }
    struct tcb *bound = notification->bound_tcb;
    if (bound && bound->state == THREAD_BLOCKED_RECEIVE) {
        ipc_cancel(bound);
        deliver(bound, badge | notification->word);
        notification->word = 0;
        return;
    }
    notification->word |= badge;
}

void notification_wait(struct notification *notification, struct tcb *thread, bool blocking)
{
    if (notification->word || !blocking) {
        set_return(thread, notification->word, 0);
        notification->word = 0;
        return;
    }
    thread_block(thread, THREAD_BLOCKED_NOTIFICATION);
    thread->blocked_on = notification;
    thread_queue_append(&notification->waiters, thread);
}

bool notification_deliver_bound(struct tcb *thread)
{
    struct notification *notification = thread->bound_notification;
    if (!notification || !notification->word)
        return false;
    set_return(thread, notification->word, 0);
    notification->word = 0;
    return true;
}

static void timeout_cancel(struct notification *notification)
{
    if (!notification->timeout_armed)
        return;
    for (struct notification **link = &timeouts; *link; link = &(*link)->timeout_next) {
        if (*link == notification) {
            *link = notification->timeout_next;
            break;
        }
    }
    notification->timeout_armed = 0;
    notification->timeout_next = 0;
}

/* This core's timeout timer is set for the earliest timeout. */
static void program_timeout_timer(void)
{
    timer_set_timeout(timeouts ? timeouts->timeout_deadline : 0);
}

static void timeout_arm(struct notification *notification, uint64_t deadline, uint64_t badge)
{
    timeout_cancel(notification);
    notification->timeout_deadline = deadline;
    notification->timeout_badge = badge;
    notification->timeout_armed = 1;
    struct notification **link = &timeouts;
    while (*link && (*link)->timeout_deadline <= deadline)
        link = &(*link)->timeout_next;
    notification->timeout_next = *link;
    *link = notification;
    if (timeouts == notification)
        program_timeout_timer();
}

void notification_timeouts_expire(uint64_t now)
{
    while (timeouts && timeouts->timeout_deadline <= now) {
        struct notification *due = timeouts;
        timeouts = due->timeout_next;
        due->timeout_armed = 0;
        due->timeout_next = 0;
        notification_signal(due, due->timeout_badge);
    }
    program_timeout_timer();
}

/* Notification_SetTimeout(deadline in counter ticks (CNTVCT, absolute;
 * 0 cancels), badge). The timeout timer fires for the earliest; every
 * tick checks them too. */
enum tern_error notification_decode(struct invocation *inv)
{
    if (inv->label != TERN_NOTIFICATION_SET_TIMEOUT)
        return TERN_ILLEGAL_OPERATION;
    if (!(inv->slot->cap.rights & TERN_RIGHT_WRITE))
        return TERN_INVALID_CAPABILITY;
    if (inv->length < 2)
        return TERN_TRUNCATED_MESSAGE;
    struct notification *notification = (struct notification *)inv->slot->cap.object;
    if (inv->args[0] == 0)
        timeout_cancel(notification);
    else
        timeout_arm(notification, inv->args[0], inv->args[1]);
    return TERN_OK;
}

void notification_destroy(struct notification *notification)
{
    timeout_cancel(notification);
    irq_handler_forget_notification(notification);
    while (notification->waiters.head) {
        struct tcb *waiter = notification->waiters.head;
        thread_queue_remove(&notification->waiters, waiter);
        waiter->context.pc -= 4;    /* re-executes Wait, which then fails */
        thread_make_runnable(waiter);
    }
    if (notification->bound_tcb) {
        notification->bound_tcb->bound_notification = 0;
        notification->bound_tcb = 0;
    }
}
