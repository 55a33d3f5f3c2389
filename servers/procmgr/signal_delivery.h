/*
 * What becomes of a signal: the action a process's disposition gives it,
 * which thread takes it, what sending it comes to, and which pending
 * signal a thread takes next. Plain C, host-tested
 * (tests/host/test_procmgr_signal_delivery.c); signals.c reads the masks,
 * keeps the pending sets and acts on the answers.
 */
#ifndef PROCMGR_SIGNAL_DELIVERY_H
#define PROCMGR_SIGNAL_DELIVERY_H

#include <stdbool.h>
#include <stdint.h>

/* A process's disposition of a signal, as PROC_SIGACTION names them. */
enum { SIGNAL_DEFAULT, SIGNAL_IGNORE, SIGNAL_HANDLER };

/* PROC_SIGACTION's checks: 0, or -LINUX_EINVAL for signal 0 or past
 * LINUX_NSIG, an unknown disposition, or SIGKILL or SIGSTOP other than
 * by default. */
int signal_check_disposition(uint64_t signal, uint64_t disposition);

/* SIGCHLD, SIGCONT, SIGURG and SIGWINCH: nothing happens by default. */
bool signal_ignored_by_default(unsigned signal);
/* SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU: the default stops the process
 * (job_control.h). */
bool signal_stops_by_default(unsigned signal);

enum signal_action {
    SIGNAL_ACTION_NONE,                 /* ignored, or a default that does nothing */
    SIGNAL_ACTION_TERMINATE,            /* the default of most signals */
    SIGNAL_ACTION_STOP,                 /* the default of the stop signals */
    SIGNAL_ACTION_HANDLER,
};
/* What signal does to a process with this disposition of it (SIGKILL
 * always terminates). */
enum signal_action signal_action(unsigned signal, uint8_t disposition);

/* A thread's masks, as its personality keeps them in its info page:
 * blocked (sigprocmask), and accepting (what it waits for in
 * sigtimedwait). */
struct thread_masks {
    uint64_t blocked, accepting;
};

/* Whether a thread with masks takes signal now: it does not block it, or
 * waits for it. */
bool signal_taken_by(struct thread_masks masks, unsigned signal);

/* The thread that takes a signal sent to the process: the first of count
 * threads (their masks in thread-area order, the main thread first) that
 * takes it; count if none does. */
unsigned signal_choose_thread(const struct thread_masks masks[], unsigned count, unsigned signal);

/* What comes of a signal once it is pending, taken (or not) by a thread
 * with the masks taker, in a process that is stopped (or stopping) or
 * not. */
enum signal_outcome {
    SIGNAL_STAYS_PENDING,               /* no thread takes it now */
    /* The thread is interrupted: a handler is to run, or sigtimedwait
     * accepts it whatever its action. */
    SIGNAL_INTERRUPTS,
    SIGNAL_DISCARDED,                   /* ignored, and nobody blocks it: it goes */
    SIGNAL_TERMINATES,
    SIGNAL_STOPS,                       /* it is taken, and the process stops */
};
/* A stopped process takes nothing until it continues: its signals stay
 * pending (but ignored ones go, as ever), as Linux's stopped threads do
 * not want any (SIGKILL and SIGCONT are the sender's to act on first). */
enum signal_outcome signal_outcome(unsigned signal, uint8_t disposition, bool taken,
                                   struct thread_masks taker, bool stopped);

/* The pending signals that sending signal discards, whatever either's
 * action or mask (Linux's prepare_signal): SIGCONT discards the stop
 * signals, a stop signal discards SIGCONT. */
uint64_t signal_discarded_by(unsigned signal);

/* Whether a stop signal taken with its default action stops a process
 * whose process group is orphaned or not: SIGSTOP always does, SIGTSTP,
 * SIGTTIN and SIGTTOU do nothing in an orphaned group (nobody there
 * could continue it), as on Linux. */
bool signal_stop_applies(unsigned signal, bool group_orphaned);

/* Whether a parent hears by SIGCHLD that a child stopped or continued:
 * not when it ignores SIGCHLD, nor with SA_NOCLDSTOP. */
bool signal_child_stop_notifies(uint8_t sigchld_disposition, bool no_child_stop);

/* The signal PROC_SIGNAL_TAKE takes next from a thread's pending set and
 * its process's, with blocked held back, as Linux's dequeue_signal: the
 * thread's own first (*from_thread), then the process's; within a set a
 * synchronous signal (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS)
 * first, else the lowest; 0 if none. */
unsigned signal_next(uint64_t thread_pending, uint64_t process_pending, uint64_t blocked,
                     bool *from_thread);

/* A fault the program may catch (SIGSEGV, SIGILL, SIGTRAP...): whether a
 * handler runs for it. If the signal is blocked or not caught the fault
 * kills, as Linux's force_sig does. */
bool signal_fault_caught(unsigned signal, uint8_t disposition, uint64_t blocked);

#endif
