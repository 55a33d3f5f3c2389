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
 * with waiters hands it to the top one, FUTEX_OWNER_DIED kept.
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

/* The word in the caller's window, read atomically (a compare-exchange
 * that changes nothing), or -EFAULT. */
static int64_t read_word(uint64_t reply, uint32_t *word)
{
    return tern_reply_compare_exchange(reply, 0, 0, 0, 0, word) == TERN_OK ? 0 : -LINUX_EFAULT;
}

/* Whether word went to desired (false: it changed meanwhile), or -EFAULT. */
static int64_t exchange_word(uint64_t reply, uint32_t word, uint32_t desired)
{
    uint32_t previous;
    if (tern_reply_compare_exchange(reply, 0, 0, word, desired, &previous) != TERN_OK)
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

static int64_t lock(struct request *request, struct thread *caller, uint64_t key, bool trying,
                    uint64_t deadline)
{
    struct pi_futex *futex = futex_find(key);
    for (unsigned attempt = 0; attempt < WORD_ATTEMPTS; attempt++) {
        uint32_t word, desired;
        int64_t status = read_word(request->reply, &word);
        if (status < 0)
            return status;
        enum pi_lock_step step = pi_lock_step(word, (uint32_t)caller->tid,
                                              futex && futex->lock.waiters, &desired);
        if (step == PI_LOCK_DEADLOCK)
            return -LINUX_EDEADLK;
        struct thread *owner = step == PI_LOCK_WAIT ? owner_named(word) : 0;
        if (step == PI_LOCK_WAIT && !owner)
            return -LINUX_ESRCH;
        /* A try fails on a held word once its owner is known to exist,
         * as Linux's, which sets FUTEX_WAITERS on the way. */
        if (step == PI_LOCK_WAIT && trying) {
            status = exchange_word(request->reply, word, desired);
            if (status == 0)
                continue;
            return status < 0 ? status : -LINUX_EAGAIN;
        }
        /* procmgr already knows the owner: the word must agree. */
        if (owner && futex && futex->lock.owner && futex->lock.owner != &owner->pi)
            return -LINUX_EINVAL;
        status = exchange_word(request->reply, word, desired);
        if (status < 0)
            return status;
        if (!status)
            continue;
        if (step == PI_LOCK_ACQUIRE) {
            /* A word nobody owned while waiters were kept: they wait
             * for the caller now. */
            if (futex && futex->lock.waiters)
                pi_set_owner(&futex->lock, &caller->pi, apply_priority, 0);
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
        status = pi_wait(&futex->lock, &caller->pi, apply_priority, 0);
        if (status < 0) {
            futex_forget_if_idle(futex);
            return status;
        }
        caller->pi_reply = request->reply;
        caller->pi_deadline = deadline;
        request->deferred = true;
        if (deadline)
            timers_rearm();
        return 0;
    }
    return -LINUX_EAGAIN;
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
    for (unsigned attempt = 0; attempt < WORD_ATTEMPTS; attempt++) {
        uint32_t word, desired;
        int64_t status = read_word(request->reply, &word);
        if (status < 0)
            return status;
        struct pi_thread *next = futex ? futex->lock.waiters : 0;
        status = pi_unlock_step(word, (uint32_t)caller->tid,
                                next ? (uint32_t)thread_of(next)->tid : 0, &desired);
        if (status < 0)
            return status;
        status = exchange_word(request->reply, word, desired);
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

/* PROC_FUTEX_PI: tid, operation (PROC_FUTEX_PI_LOCK, _TRYLOCK, _UNLOCK),
 * the word's address, the deadline (counter ticks; 0: none); window 0:
 * the word, read and write. */
void handle_futex_pi(struct request *request)
{
    struct thread *caller = calling_thread(request);
    if (!caller)
        return result(request, -LINUX_ESRCH);
    if (tern_message_windows(request->info) < 1)
        return result(request, -LINUX_EFAULT);
    int64_t key = space_futex_key(request->process->space, argument(request, 2));
    if (key < 0)
        return result(request, key);
    switch (argument(request, 1)) {
    case PROC_FUTEX_PI_LOCK:
        return result(request, lock(request, caller, (uint64_t)key, false, argument(request, 3)));
    case PROC_FUTEX_PI_TRYLOCK:
        return result(request, lock(request, caller, (uint64_t)key, true, 0));
    case PROC_FUTEX_PI_UNLOCK:
        return result(request, unlock(request, caller, (uint64_t)key));
    default:
        return result(request, -LINUX_EINVAL);
    }
}

/* A waiter leaves without the lock. */
static void leave(struct thread *thread, int64_t answer)
{
    struct pi_futex *futex = futex_of(thread->pi.waiting_on);
    pi_leave(&thread->pi, apply_priority, 0);
    futex_forget_if_idle(futex);
    if (answer)
        answer_waiter_with(thread, answer);
}

bool pi_futex_interrupt(struct thread *thread)
{
    if (!thread->pi_reply)
        return false;
    leave(thread, -LINUX_ERESTARTNOINTR);
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
        for (unsigned attempt = 0; attempt < WORD_ATTEMPTS; attempt++) {
            uint32_t word;
            if (read_word(next->pi_reply, &word) < 0 ||
                exchange_word(next->pi_reply, word,
                              pi_inherited_word(word, (uint32_t)next->tid)) != 0)
                break;
        }
        hand_to_top_waiter(futex);
    }
}

void pi_futex_set_base(struct thread *thread)
{
    pi_set_base(&thread->pi, scheduling_kernel_priority(&thread->scheduling), apply_priority, 0);
}

uint64_t pi_futexes_soonest(void)
{
    uint64_t soonest = 0;
    for (struct pi_futex *futex = futexes; futex; futex = futex->next)
        for (struct pi_thread *waiter = futex->lock.waiters; waiter; waiter = waiter->next_waiter) {
            uint64_t deadline = thread_of(waiter)->pi_deadline;
            if (deadline && (!soonest || deadline < soonest))
                soonest = deadline;
        }
    return soonest;
}

void pi_futexes_expire(uint64_t now)
{
    bool expired;
    do {
        expired = false;
        for (struct pi_futex *futex = futexes; futex && !expired; futex = futex->next)
            for (struct pi_thread *waiter = futex->lock.waiters; waiter;
                 waiter = waiter->next_waiter) {
                struct thread *thread = thread_of(waiter);
                if (thread->pi_deadline && thread->pi_deadline <= now) {
                    leave(thread, -LINUX_ETIMEDOUT);   /* the lists change: look again */
                    expired = true;
                    break;
                }
            }
    } while (expired);
}
