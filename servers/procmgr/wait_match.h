/*
 * wait4 and waitid: what a caller waits for, which children that
 * selects, whether it has any, and what it hears of one that ended,
 * stopped or continued.
 * Plain C, host-tested (tests/host/test_procmgr_wait_match.c); wait.c
 * and main.c look through the processes and answer.
 */
#ifndef PROCMGR_WAIT_MATCH_H
#define PROCMGR_WAIT_MATCH_H

#include <stdbool.h>
#include <stdint.h>
#include "process_ids.h"
#include "signal_info.h"

/* What a wait4 or waitid caller waits for. */
struct wait_request {
    uint64_t idtype;                    /* LINUX_P_ALL, _P_PID or _P_PGID */
    int64_t id;                         /* the child, or the process group */
    uint64_t options;                   /* WNOHANG, WNOWAIT... */
    bool is_waitid;
};

/* wait4(pid, options) from a process in group caller_pgid: pid -1 waits
 * for any child, 0 for one in the caller's group, below -1 for one in
 * group -pid, above 0 for that child. 0, or -LINUX_EINVAL for an option
 * wait4 does not know. wait4 always waits for ends (WEXITED is added, as
 * Linux's kernel_wait4 does), for stops with WUNTRACED, for continues
 * with WCONTINUED. */
int wait_request_from_wait4(int64_t pid, uint64_t options, uint64_t caller_pgid,
                            struct wait_request *request);

/* waitid(idtype, id, options), P_PGID 0 being the caller's group: 0, or
 * -LINUX_EINVAL (an option waitid does not know, none of WEXITED,
 * WSTOPPED and WCONTINUED, an unknown idtype, or a negative id but for
 * P_ALL). */
int wait_request_from_waitid(uint64_t idtype, int64_t id, uint64_t options,
                             uint64_t caller_pgid, struct wait_request *request);

/* Whether process is a child of parent_pid that request selects. */
bool wait_request_matches(const struct wait_request *request, uint64_t parent_pid,
                          const struct process_ids *process);

/* Whether collecting what a child reports uses it up (reaps an ended
 * child, reports a stop or continue once): not with waitid's WNOWAIT. */
bool wait_request_reaps(const struct wait_request *request);

/* What a child has to report, as wait sees it. */
struct wait_child {
    bool ended;                         /* a zombie */
    uint64_t wait_status;               /* if ended: as wait4 reports it */
    unsigned stop_signal;               /* stopped by it, not reported yet (0: no) */
    bool continued;                     /* continued, not reported yet */
};

enum wait_event {
    WAIT_EVENT_NONE,
    WAIT_EVENT_EXITED,                  /* it ended (exit or signal) */
    WAIT_EVENT_STOPPED,
    WAIT_EVENT_CONTINUED,
};

/* What a child request selects reports to it: its end with WEXITED, a
 * stop with WUNTRACED (WSTOPPED), a continue with WCONTINUED, in that
 * order, as Linux's wait_consider_task looks; WAIT_EVENT_NONE if none. */
enum wait_event wait_event_for(const struct wait_request *request, const struct wait_child *child);

/* The search for a child to collect, one process at a time. */
struct wait_search {
    /* One matched that counts against ECHILD: any live one, an ended one
     * only for a caller that waits for ends (Linux's notask_error). */
    bool any_child;
    uint64_t found;                     /* the first one with an event's pid, or 0 */
    enum wait_event event;              /* and that event */
};

/* Look at one process; true once a child with something to report is
 * found, when the search can stop. */
bool wait_search_add(struct wait_search *search, const struct wait_request *request,
                     uint64_t parent_pid, const struct process_ids *process,
                     const struct wait_child *child);

/* The found child's pid, 0 if there are matching children but none has
 * anything to report, or -LINUX_ECHILD if there are none. */
int64_t wait_search_result(const struct wait_search *search);

/* What waitid and SIGCHLD's siginfo say of a child that ended with
 * wait_status (as wait4 reports it): CLD_EXITED and the exit code, or
 * CLD_KILLED and the signal. */
struct signal_info wait_child_info(uint64_t pid, uint64_t uid, uint64_t wait_status);

/* wait4's status word for an event of child: how it ended, the stop
 * signal as WIFSTOPPED reads it, or WIFCONTINUED's 0xffff. */
uint64_t wait_event_status(enum wait_event event, const struct wait_child *child);

/* waitid's siginfo for an event of child pid (of user uid): as
 * wait_child_info for an end, CLD_STOPPED and the stop signal,
 * CLD_CONTINUED and SIGCONT. */
struct signal_info wait_event_info(enum wait_event event, uint64_t pid, uint64_t uid,
                                   const struct wait_child *child);

#endif
