/*
 * Controlling terminals, as Linux's tty layer keeps them: the session a
 * terminal controls and its foreground process group, and the rules of
 * TIOCSCTTY, TIOCNOTTY, TIOCGPGRP, TIOCSPGRP and TIOCGSID, and of a
 * process outside the foreground that touches its terminal (SIGTTIN,
 * SIGTTOU).
 * A terminal's server (vfs, for the console) refers these requests to
 * procmgr, which keeps sessions (docs/protocols/file.md). Plain C,
 * host-tested (tests/host/test_procmgr_terminal_control.c);
 * terminal_requests.c looks the processes up and applies what these
 * decide.
 */
#ifndef PROCMGR_TERMINAL_CONTROL_H
#define PROCMGR_TERMINAL_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include "process_ids.h"

struct terminal_control {
    uint64_t device;        /* the terminal's device number; 0: an unused entry */
    uint64_t sid;           /* the session it controls; 0: none */
    uint64_t pgid;          /* its foreground process group; 0: none */
};

/* The calling process, as the rules see it. */
struct terminal_caller {
    struct process_ids ids;
    uint64_t terminal;      /* its controlling terminal's device; 0: none */
    bool ttou_ignored;      /* SIGTTOU blocked by the calling thread, or ignored */
    bool ttin_ignored;      /* the same for SIGTTIN */
    bool group_orphaned;    /* its process group is (process_group.h) */
    bool privileged;        /* CAP_SYS_ADMIN's: root */
};

/* What a decision asks procmgr to do besides answering. */
struct terminal_effects {
    uint64_t signal_group;          /* a process group to signal; 0: none */
    unsigned signals[2];            /* what it gets, in order; 0: no more */
    uint64_t session_detached;      /* no process of this session has a controlling terminal any more; 0: none */
    bool caller_attached;           /* the caller's controlling terminal is this one now */
    bool caller_detached;           /* the caller has none now */
};

/* The session a process group lives in, 0 if no process is in it. */
typedef uint64_t group_session_function(void *context, uint64_t pgid);

/* TIOCGPGRP: the foreground group (0 if none), or -ENOTTY unless this
 * is the caller's controlling terminal. */
int64_t terminal_get_foreground(const struct terminal_control *terminal,
                                const struct terminal_caller *caller);

/* TIOCGSID: the session, or -ENOTTY unless this is the caller's
 * controlling terminal and controls a session. */
int64_t terminal_get_session(const struct terminal_control *terminal,
                             const struct terminal_caller *caller);

/* A read (signal SIGTTIN), or a write under TOSTOP or a change of the
 * settings (SIGTTOU), of the terminal by the caller (Linux's
 * tty_check_change): 0 if it may (it is in the foreground, or this is not
 * its controlling terminal); -EIO for an orphaned group, or a read with
 * SIGTTIN ignored; else -ERESTARTSYS with the signal for its group in
 * effects (a write or a change goes ahead when SIGTTOU is ignored). */
int64_t terminal_check_access(const struct terminal_control *terminal,
                              const struct terminal_caller *caller, unsigned signal,
                              struct terminal_effects *effects);

/* TIOCSPGRP of pgid (faulted: the caller could not read it): 0 with the
 * foreground changed; -ENOTTY unless it is the caller's controlling
 * terminal (or for an orphaned group outside the foreground), -EFAULT,
 * -EINVAL for a negative pgid, -ESRCH for a group nobody is in, -EPERM
 * for one of another session; or, for a caller outside the foreground
 * that does not ignore SIGTTOU, -ERESTARTSYS with SIGTTOU for its group
 * in effects. */
int64_t terminal_set_foreground(struct terminal_control *terminal,
                                const struct terminal_caller *caller, int64_t pgid, bool faulted,
                                group_session_function *group_session, void *context,
                                struct terminal_effects *effects);

/* TIOCSCTTY (steal: its argument is 1; readable: the caller's descriptor
 * is open for reading): 0 with the terminal controlling the caller's
 * session, its group in the foreground (nothing changes if it does
 * already); -EPERM for a caller that does not lead its session or has a
 * controlling terminal, for a terminal another session has (unless a
 * privileged caller steals it: that session loses it) and for an
 * unprivileged caller without read access. */
int64_t terminal_set_controlling(struct terminal_control *terminal,
                                 const struct terminal_caller *caller, bool steal, bool readable,
                                 struct terminal_effects *effects);

/* TIOCNOTTY: -ENOTTY unless this is the caller's controlling terminal;
 * else 0, the caller without it, and for a session leader its whole
 * session, the foreground group getting SIGHUP and SIGCONT. */
int64_t terminal_detach(struct terminal_control *terminal, const struct terminal_caller *caller,
                        struct terminal_effects *effects);

/* The leader of session sid ended: the terminal it controls (if this is
 * it) is free, and its foreground group gets SIGHUP. */
void terminal_leader_exited(struct terminal_control *terminal, uint64_t sid,
                            struct terminal_effects *effects);

#endif
