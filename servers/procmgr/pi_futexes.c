/*
 * PI futexes (FUTEX_LOCK_PI, FUTEX_LOCK_PI2, FUTEX_TRYLOCK_PI,
 * FUTEX_UNLOCK_PI): locks whose waiters lend their priority to the owner
 * thread. They live in procmgr, not in the futex server, because
 * priorities are procmgr's: it keeps every thread's policy and TCB. The
 * word's protocol is pi_word.c's, applied with Reply_CompareExchange
 * through the caller's window (atomic against the program's own fast
 * paths), and the chain of loans pi_chain.c's. A waiter's reply is kept
 * (deferred) until the lock is handed to it, its deadline passes
 * (ETIMEDOUT), a signal comes (the lock is tried again: ERESTARTNOINTR,
 * as Linux's futex_lock_pi) or it ends. A thread that ends owning a lock
 * with waiters hands it to the top one, FUTEX_OWNER_DIED kept. Condition
 * variables over PI mutexes (FUTEX_WAIT_REQUEUE_PI, FUTEX_CMP_REQUEUE_PI)
 * wait here too, so that the requeue moves them straight onto the lock.
 */
#include "pi_word.h"
#include "request.h"
#include "sys/counter.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"

/* Attempts at a word another thread keeps changing before giving up
 * (the caller goes again: EAGAIN is what Linux's retry loop hides). */
#define WORD_ATTEMPTS 64

/* A PI futex while threads wait on it. */
struct pi_futex {
    uint64_t key;                   /* space_futex_key's */
    struct pi_lock lock;
    struct pi_futex *next;
};

static struct pi_futex *futexes;

static struct thread *thread_of(struct pi_thread *pi)
{
    return (struct thread *)((char *)pi - __builtin_offsetof(struct thread, pi));
}

static struct pi_futex *futex_of(struct pi_lock *lock)
{
    return (struct pi_futex *)((char *)lock - __builtin_offsetof(struct pi_futex, lock));
}

/* pi_chain.c changed a thread's effective priority: the kernel's turn. */
static void apply_priority(void *context, struct pi_thread *pi)
{
    (void)context;
    struct thread *thread = thread_of(pi);
    tern_tcb_set_scheduling(thread->tcb, pi->effective,
                            scheduling_kernel_flags(&thread->scheduling));
}

static struct pi_futex *futex_find(uint64_t key)
{
    for (struct pi_futex *futex = futexes; futex; futex = futex->next)
        if (futex->key == key)
            return futex;
    return 0;
}

/* A futex nobody waits on is forgotten. */
static void futex_forget_if_idle(struct pi_futex *futex)
{
    if (futex->lock.waiters)
        return;
    pi_release(&futex->lock);
    for (struct pi_futex **link = &futexes; *link; link = &(*link)->next) {
        if (*link == futex) {
            *link = futex->next;
            break;
        }
    }
    heap_free(futex);
}

/* A word as procmgr reaches it: a window of a kept or current reply. */
struct word_access {
    uint64_t reply;
    unsigned window;
};

/* The word, read atomically (a compare-exchange that changes nothing),
 * or -EFAULT. */
static int64_t read_word(struct word_access access, uint32_t *word)
{
    return tern_reply_compare_exchange(access.reply, access.window, 0, 0, 0, word) == TERN_OK
               ? 0
               : -LINUX_EFAULT;
}

/* Whether word went to desired (false: it changed meanwhile), or -EFAULT. */
static int64_t exchange_word(struct word_access access, uint32_t word, uint32_t desired)
{
    uint32_t previous;
    if (tern_reply_compare_exchange(access.reply, access.window, 0, word, desired, &previous)
        != TERN_OK)
        return -LINUX_EFAULT;
    return previous == word;
}

static void answer_waiter_with(struct thread *thread, int64_t value)
{
    uint64_t reply = thread->pi_reply;
    thread->pi_reply = 0;
    thread->pi_deadline = 0;
    answer_waiter(reply, 1, &(uint64_t){ (uint64_t)value });
}

/* The owner thread a word names, if it is alive. */
static struct thread *owner_named(uint32_t word)
{
    uint32_t tid = word & PI_WORD_TID_MASK;
    struct thread *owner = tid < ID_LIMIT ? threads[tid] : 0;
    return owner && owner->process->state == PROCESS_ALIVE ? owner : 0;
}

/* thread locks the word access reaches (key: its futex key): 0 with
 * *waits false once it has it, 0 with *waits true once it waits in the
 * futex's queue (the caller keeps its reply), or -errno. */
static int64_t lock_word(struct thread *thread, struct word_access access, uint64_t key,
                         bool trying, bool *waits)
{
    struct pi_futex *futex = futex_find(key);
    *waits = false;
    for (unsigned attempt = 0; attempt < WORD_ATTEMPTS; attempt++) {
        uint32_t word, desired;
        int64_t status = read_word(access, &word);
        if (status < 0)
            return status;
        enum pi_lock_step step = pi_lock_step(word, (uint32_t)thread->tid,
                                              futex && futex->lock.waiters, &desired);
        if (step == PI_LOCK_DEADLOCK)
            return -LINUX_EDEADLK;
        struct thread *owner = step == PI_LOCK_WAIT ? owner_named(word) : 0;
        if (step == PI_LOCK_WAIT && !owner)
            return -LINUX_ESRCH;
        /* A try fails on a held word once its owner is known to exist,
         * as Linux's, which sets FUTEX_WAITERS on the way. */
        if (step == PI_LOCK_WAIT && trying) {
            status = exchange_word(access, word, desired);
            if (status == 0)
                continue;
            return status < 0 ? status : -LINUX_EAGAIN;
        }
        /* procmgr already knows the owner: the word must agree. */
        if (owner && futex && futex->lock.owner && futex->lock.owner != &owner->pi)
            return -LINUX_EINVAL;
        status = exchange_word(access, word, desired);
        if (status < 0)
            return status;
        if (!status)
            continue;
        if (step == PI_LOCK_ACQUIRE) {
            /* A word nobody owned while waiters were kept: they wait
             * for the caller now. */
            if (futex && futex->lock.waiters)
                pi_set_owner(&futex->lock, &thread->pi, apply_priority, 0);
            return 0;
        }
        if (!futex) {
            futex = heap_allocate(sizeof *futex);
            if (!futex)
                return -LINUX_ENOMEM;
            *futex = (struct pi_futex){ .key = key, .lock = { .owner = &owner->pi },
                                        .next = futexes };
            futexes = futex;
        }
        status = pi_wait(&futex->lock, &thread->pi, apply_priority, 0);
        if (status < 0) {
            futex_forget_if_idle(futex);
            return status;
        }
        thread->pi_window = access.window;
        *waits = true;
        return 0;
    }
    return -LINUX_EAGAIN;
}

/* The caller keeps waiting: its reply is kept, with its deadline. */
static void keep_waiting(struct request *request, struct thread *caller, uint64_t deadline)
{
    caller->pi_reply = request->reply;
    caller->pi_deadline = deadline;
    request->deferred = true;
    if (deadline)
        timers_rearm();
}

static int64_t lock(struct request *request, struct thread *caller, uint64_t key, bool trying,
                    uint64_t deadline)
{
    bool waits;
    int64_t status = lock_word(caller, (struct word_access){request->reply, 0}, key, trying,
                               &waits);
    if (status == 0 && waits)
        keep_waiting(request, caller, deadline);
    return status;
}

/* The lock goes to its top waiter, whose call returns 0 owning it. */
static void hand_to_top_waiter(struct pi_futex *futex)
{
    struct pi_thread *next = pi_hand_over(&futex->lock, apply_priority, 0);
    if (next)
        answer_waiter_with(thread_of(next), 0);
    futex_forget_if_idle(futex);
}

static int64_t unlock(struct request *request, struct thread *caller, uint64_t key)
{
    struct pi_futex *futex = futex_find(key);
    struct word_access access = {request->reply, 0};
    for (unsigned attempt = 0; attempt < WORD_ATTEMPTS; attempt++) {
        uint32_t word, desired;
        int64_t status = read_word(access, &word);
        if (status < 0)
            return status;
        struct pi_thread *next = futex ? futex->lock.waiters : 0;
        status = pi_unlock_step(word, (uint32_t)caller->tid,
                                next ? (uint32_t)thread_of(next)->tid : 0, &desired);
        if (status < 0)
            return status;
        status = exchange_word(access, word, desired);
        if (status < 0)
            return status;
        if (!status)
            continue;
        if (futex) {
            pi_set_owner(&futex->lock, &caller->pi, apply_priority, 0);   /* the word says so */
            hand_to_top_waiter(futex);
        }
        return 0;
    }
    return -LINUX_EAGAIN;
}

/* ---- FUTEX_WAIT_REQUEUE_PI and FUTEX_CMP_REQUEUE_PI ---- */

/* Threads waiting on a condition word (FUTEX_WAIT_REQUEUE_PI), oldest
 * first: their kept reply's window 0 is that word, window 1 the PI word
 * they will be moved to. */
static struct thread *condition_waiters;

static void remove_condition_waiter(struct thread *thread)
{
    for (struct thread **link = &condition_waiters; *link; link = &(*link)->requeue_next) {
        if (*link == thread) {
            *link = thread->requeue_next;
            break;
        }
    }
    thread->requeue_next = 0;
    thread->requeue_key = 0;
}

/* The condition word (the caller's window 0) still holds expected: 0,
 * else -EAGAIN (or -EFAULT). */
static int64_t condition_holds(struct request *request, uint32_t expected)
{
    uint32_t word;
    int64_t status = read_word((struct word_access){request->reply, 0}, &word);
    if (status < 0)
        return status;
    return word == expected ? 0 : -LINUX_EAGAIN;
}

static int64_t wait_requeue(struct request *request, struct thread *caller, uint64_t key,
                            uint64_t key2, uint32_t expected, uint64_t deadline)
{
    int64_t status = condition_holds(request, expected);
    if (status < 0)
        return status;
    caller->requeue_key = key;
    caller->requeue_key2 = key2;
    caller->requeued = false;
    struct thread **link = &condition_waiters;
    while (*link)
        link = &(*link)->requeue_next;
    *link = caller;
    keep_waiting(request, caller, deadline);
    return 0;
}

/* Up to 1 + requeue threads waiting on the condition word key move to
 * the PI word key2: the first takes it if it is free (its call returns
 * owning it), the others wait for it as PI waiters. The count moved, or
 * -errno (nothing moves). */
static int64_t cmp_requeue(struct request *request, uint64_t key, uint64_t key2,
                           uint64_t requeue, uint32_t expected)
{
    int64_t status = condition_holds(request, expected);
    if (status < 0)
        return status;
    /* Every waiter of the word must be waiting to go to this PI word. */
    for (struct thread *waiter = condition_waiters; waiter; waiter = waiter->requeue_next)
        if (waiter->requeue_key == key && waiter->requeue_key2 != key2)
            return -LINUX_EINVAL;
    int64_t moved = 0;
    struct thread *next;
    for (struct thread *waiter = condition_waiters; waiter && (uint64_t)moved <= requeue;
         waiter = next) {
        next = waiter->requeue_next;
        if (waiter->requeue_key != key)
            continue;
        remove_condition_waiter(waiter);
        bool waits;
        status = lock_word(waiter, (struct word_access){waiter->pi_reply, 1}, key2, false,
                           &waits);
        if (status < 0 || !waits)
            answer_waiter_with(waiter, status);     /* it owns the word, or cannot */
        else
            waiter->requeued = true;
        moved++;
    }
    return moved;
}

/* PROC_FUTEX_PI: tid, operation, the word's address, the deadline
 * (counter ticks; 0: none); for the requeue operations the condition
 * word's address, then the PI word's (MR4) and the expected value (MR5),
 * and for PROC_FUTEX_PI_CMP_REQUEUE the count to requeue in MR3 instead
 * of a deadline. Window 0: the word (for the requeue operations the
 * condition word), window 1 the PI word (FUTEX_WAIT_REQUEUE_PI's), each
 * read and write. */
void handle_futex_pi(struct request *request)
{
    struct thread *caller = calling_thread(request);
    if (!caller)
        return result(request, -LINUX_ESRCH);
    uint64_t operation = argument(request, 1);
    bool requeues = operation == PROC_FUTEX_PI_WAIT_REQUEUE ||
                    operation == PROC_FUTEX_PI_CMP_REQUEUE;
    unsigned windows = operation == PROC_FUTEX_PI_WAIT_REQUEUE ? 2 : 1;
    if (tern_message_windows(request->info) < windows)
        return result(request, -LINUX_EFAULT);
    struct space *space = request->process->space;
    int64_t key = space_futex_key(space, argument(request, 2));
    int64_t key2 = requeues ? space_futex_key(space, argument(request, 4)) : 0;
    if (key < 0 || key2 < 0)
        return result(request, key < 0 ? key : key2);
    if (requeues && key == key2)
        return result(request, -LINUX_EINVAL);
    uint32_t expected = (uint32_t)argument(request, 5);
    switch (operation) {
    case PROC_FUTEX_PI_LOCK:
        return result(request, lock(request, caller, (uint64_t)key, false, argument(request, 3)));
    case PROC_FUTEX_PI_TRYLOCK:
        return result(request, lock(request, caller, (uint64_t)key, true, 0));
    case PROC_FUTEX_PI_UNLOCK:
        return result(request, unlock(request, caller, (uint64_t)key));
    case PROC_FUTEX_PI_WAIT_REQUEUE:
        return result(request, wait_requeue(request, caller, (uint64_t)key, (uint64_t)key2,
                                            expected, argument(request, 3)));
    case PROC_FUTEX_PI_CMP_REQUEUE:
        return result(request, cmp_requeue(request, (uint64_t)key, (uint64_t)key2,
                                           argument(request, 3), expected));
    default:
        return result(request, -LINUX_EINVAL);
    }
}

/* ---- Waiters that go without the lock ---- */

/* A waiter leaves (answer 0: no answer, its caller is gone). */
static void leave(struct thread *thread, int64_t answer)
{
    if (thread->requeue_key) {
        remove_condition_waiter(thread);
    } else {
        struct pi_futex *futex = futex_of(thread->pi.waiting_on);
        pi_leave(&thread->pi, apply_priority, 0);
        futex_forget_if_idle(futex);
    }
    if (answer)
        answer_waiter_with(thread, answer);
}

/* A signal: a lock is tried again after the handler, as is a wait on a
 * condition word; a waiter moved to a PI word by FUTEX_CMP_REQUEUE_PI
 * cannot go back, and its call ends EAGAIN (as Linux's futex_wait_requeue_pi). */
bool pi_futex_interrupt(struct thread *thread)
{
    if (!thread->pi_reply)
        return false;
    leave(thread, thread->requeued ? -LINUX_EAGAIN : -LINUX_ERESTARTNOINTR);
    return true;
}

void pi_futex_thread_gone(struct thread *thread)
{
    if (thread->pi_reply) {
        server_release_reply(thread->pi_reply);
        thread->pi_reply = 0;
        leave(thread, 0);
    }
    /* Its locks with waiters go on to them: the top waiter's window
     * reaches the word. */
    while (thread->pi.owned) {
        struct pi_futex *futex = futex_of(thread->pi.owned);
        struct thread *next = thread_of(futex->lock.waiters);
        struct word_access access = {next->pi_reply, next->pi_window};
        for (unsigned attempt = 0; attempt < WORD_ATTEMPTS; attempt++) {
            uint32_t word;
            if (read_word(access, &word) < 0 ||
                exchange_word(access, word, pi_inherited_word(word, (uint32_t)next->tid)) != 0)
                break;
        }
        hand_to_top_waiter(futex);
    }
}

void pi_futex_set_base(struct thread *thread)
{
    pi_set_base(&thread->pi, scheduling_kernel_priority(&thread->scheduling), apply_priority, 0);
}

static void consider(struct thread *thread, uint64_t limit, struct thread **found)
{
    uint64_t deadline = thread->pi_deadline;
    if (deadline && (!limit || deadline <= limit) &&
        (!*found || deadline < (*found)->pi_deadline))
        *found = thread;
}

/* The waiter with the earliest deadline at or before limit (0: any), or NULL. */
static struct thread *earliest(uint64_t limit)
{
    struct thread *found = 0;
    for (struct pi_futex *futex = futexes; futex; futex = futex->next)
        for (struct pi_thread *waiter = futex->lock.waiters; waiter; waiter = waiter->next_waiter)
            consider(thread_of(waiter), limit, &found);
    for (struct thread *waiter = condition_waiters; waiter; waiter = waiter->requeue_next)
        consider(waiter, limit, &found);
    return found;
}

uint64_t pi_futexes_soonest(void)
{
    struct thread *thread = earliest(0);
    return thread ? thread->pi_deadline : 0;
}

void pi_futexes_expire(uint64_t now)
{
    struct thread *thread;
    while ((thread = earliest(now)))
        leave(thread, -LINUX_ETIMEDOUT);
}
