/*
 * What every part of the personality shares: where the per-process and
 * per-thread state lives, and a lock for state threads share.
 *
 * Per process: the personality's .data and .bss (each process has its
 * own copy; fork copies them) and the process info page procmgr shares
 * with it (LINUX_PROCESS_INFO). Per thread: the thread's IPC buffer page
 * (TPIDRRO_EL0), which holds procmgr's struct linux_thread_info and,
 * after it, the personality's own struct linux_thread_state.
 */
#ifndef LINUX_PERSONALITY_H
#define LINUX_PERSONALITY_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/counter.h"
#include "sys/linux_process.h"
#include "sys/syscall.h"

/* The personality's part of the IPC buffer page: a fresh thread's page
 * is zero, which is the state a new thread starts with. */
#define LINUX_THREAD_STATE_OFFSET   3072
struct linux_thread_state {
    uint64_t altstack_base;         /* sigaltstack */
    uint64_t altstack_size;
    uint64_t altstack_enabled;
    uint64_t altstack_given_flags;  /* as sigaltstack got them (SS_AUTODISARM...) */
    /* sigsuspend, ppoll, pselect6: the mask to restore once their
     * temporary mask has done its job (signals.h). */
    uint64_t mask_to_restore;
    uint64_t mask_is_temporary;
    char name[16];                  /* prctl(PR_SET_NAME) */
    /* The last write's reply marked PIPE_REPLY_SIGPIPE (linux_write_call):
     * a write that put bytes in before the last reader went still raises
     * SIGPIPE. */
    uint64_t reply_asked_sigpipe;
    /* While a handler's signal frame is written (or rt_sigreturn reads
     * one back: SIGSEGV), the signal it is for: a bad address there ends
     * in SIGSEGV, as on Linux, rather than the syscall's EFAULT. */
    uint64_t frame_for_signal;
    /* Linux's restart_block: a timed wait that ended with
     * -ERESTART_RESTARTBLOCK and is restarted without a handler (a stop
     * and SIGCONT) goes on as restart_syscall with the same deadline:
     * the call (LINUX_NR_clock_nanosleep, LINUX_NR_futex; 0: none), its
     * counter deadline and what else it needs. */
    uint64_t restart_call;
    uint64_t restart_deadline;
    uint64_t restart_arguments[4];
};

static inline struct linux_process_info *linux_process_info(void)
{
    return (struct linux_process_info *)LINUX_PROCESS_INFO;
}

static inline struct linux_thread_info *linux_thread_info(void)
{
    return (struct linux_thread_info *)((uintptr_t)tern_ipc_buffer() + LINUX_THREAD_INFO_OFFSET);
}

static inline struct linux_thread_state *linux_thread_state(void)
{
    return (struct linux_thread_state *)((uintptr_t)tern_ipc_buffer() + LINUX_THREAD_STATE_OFFSET);
}

static inline uint64_t linux_thread_id(void)
{
    return linux_thread_info()->tid;
}

/* A spinlock for state the threads of a process share. A holder never
 * blocks in IPC, so a waiter only yields to let it finish. */
struct linux_lock {
    uint32_t held;
};

static inline void linux_lock(struct linux_lock *lock)
{
    while (__atomic_exchange_n(&lock->held, 1, __ATOMIC_ACQUIRE) != 0)
        tern_yield();
}

static inline void linux_unlock(struct linux_lock *lock)
{
    __atomic_store_n(&lock->held, 0, __ATOMIC_RELEASE);
}

/* Blocks this thread until the counter reaches deadline: true, or false
 * if a signal interrupted it (TCB_Interrupt ended its wait). time.c. */
bool linux_sleep_until(uint64_t deadline);
struct linux_timespec;
/* The counter deadline of an absolute CLOCK_REALTIME time (a valid
 * timespec); a time before boot is 1, long past. */
uint64_t linux_realtime_deadline(const struct linux_timespec *time);
/* The counter's ticks from the epoch to boot: CLOCK_REALTIME less
 * CLOCK_MONOTONIC. time.c. */
uint64_t linux_epoch_offset_ticks(void);
struct linux_itimerspec;
/* Writes a timer's setting, the ticks to its next expiry and its
 * interval, as a struct itimerspec at the caller's address: 0 or
 * -EFAULT. time.c. */
int64_t linux_store_itimerspec(struct linux_itimerspec *setting, uint64_t remaining,
                               uint64_t interval);

/* The generic timer's virtual counter and its frequency. */
static inline uint64_t linux_counter_now(void)
{
    return tern_counter_now();
}

static inline uint64_t linux_counter_frequency(void)
{
    return tern_counter_frequency();
}

#endif
