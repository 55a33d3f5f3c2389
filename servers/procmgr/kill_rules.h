/*
 * kill(2)'s rules and those of its kin (tgkill, rt_sigqueueinfo): which
 * processes a kill reaches, whether the sender may signal each, and the
 * result Linux gives for a kill that reaches many. Plain C, host-tested
 * (tests/host/test_procmgr_kill_rules.c); main.c finds the processes and
 * sends.
 */
#ifndef PROCMGR_KILL_RULES_H
#define PROCMGR_KILL_RULES_H

#include <stdbool.h>
#include <stdint.h>
#include "credentials.h"
#include "process_ids.h"

/* A process as kill sees it. */
struct kill_target {
    bool exists;                        /* false: there is none */
    bool alive;                         /* false: a zombie, which takes no signal */
    /* false for init (pid 1), procmgr's stand-in for Linux's: alive and
     * root's like any init, but with no program to act on a signal. */
    bool runs_program;
    struct credentials credentials;
    bool in_senders_session;            /* the sender's session is its own */
};

/* The checks for one target, in this order: -LINUX_EINVAL for a signal
 * past LINUX_NSIG, -LINUX_ESRCH for no target, -LINUX_EPERM if the
 * sender may not signal it (credentials_may_signal), but for SIGCONT
 * within the sender's session, which any process may send (for job
 * control shells, as Linux's check_kill_permission); else 0, and *send
 * says whether the signal goes on to the target: a zombie drops it (as
 * Linux's kill of a zombie succeeds), and init drops every signal, as
 * Linux's init drops one it has no handler for. Signal 0 is only the
 * checks. */
int kill_check(uint64_t signal, const struct credentials *sender, const struct kill_target *target,
               bool *send);

/* Whether kill(pid, ...) reaches candidate, an alive process (the sender
 * may be one): pid 0 is the sender's process group, -1 every process but
 * the sender and pid 1, below -1 process group -pid. (pid > 0 names one
 * process: no search.) */
bool kill_reaches(int64_t pid, const struct process_ids *sender,
                  const struct process_ids *candidate);

/* The result of a kill that reaches many processes (pid 0, -1 or below
 * -1), added up one target at a time as Linux does: -LINUX_ESRCH if there
 * was none to try; for a process group, 0 if one took the signal, else
 * the last error; for everyone (-1), the last status but EPERM, so 0 when
 * the only refusals were processes the sender may not signal. */
struct kill_tally {
    bool everyone;                      /* kill(-1) */
    unsigned targets;                   /* tried */
    bool delivered;                     /* one took it */
    int status;                         /* the last status that counts */
};
struct kill_tally kill_tally_start(int64_t pid);
void kill_tally_add(struct kill_tally *tally, int status);
int kill_tally_result(const struct kill_tally *tally);

/* What the sender hears of a signal that passed the checks, from what
 * sending it gave (0, or -LINUX_EAGAIN for a real-time instance that
 * could not queue): kill's (si_code SI_USER) counts as sent all the same,
 * as Linux then queues it without its siginfo; others hear the error. */
int kill_sent_status(int32_t code, int send_status);

/* PROC_TGKILL's flags, for the signals the personality raises as the
 * kernel it stands in for would: the siginfo code they give (SI_TKILL
 * without flags, SI_KERNEL for PROC_TGKILL_FROM_KERNEL, SI_USER for
 * PROC_TGKILL_AS_KILL), or -LINUX_EPERM for flags to another process
 * than the caller's. */
int kill_tgkill_code(uint64_t flags, bool to_own_process, int32_t *code);

/* rt_sigqueueinfo's siginfo code: a process may pass a signal off as the
 * kernel's (si_code >= 0) or tgkill's (SI_TKILL) only to itself:
 * -LINUX_EPERM to another, else 0. */
int kill_check_sigqueue_code(int32_t code, bool to_own_process);

#endif
