/*
 * wait4 and waitid: what a caller waits for, which children that
 * selects, whether it has any, and what it hears of one that ended.
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
 * wait4 does not know. */
int wait_request_from_wait4(int64_t pid, uint64_t options, uint64_t caller_pgid,
                            struct wait_request *request);

/* waitid(idtype, id, options), P_PGID 0 being the caller's group: 0,
 * -LINUX_EINVAL (an option waitid does not know, none of WEXITED,
 * WSTOPPED and WCONTINUED, an unknown idtype, or a negative id but for
 * P_ALL), or -LINUX_ECHILD without WEXITED (only exits are reported). */
int wait_request_from_waitid(uint64_t idtype, int64_t id, uint64_t options,
                             uint64_t caller_pgid, struct wait_request *request);

/* Whether process is a child of parent_pid that request selects. */
bool wait_request_matches(const struct wait_request *request, uint64_t parent_pid,
                          const struct process_ids *process);

/* Whether collecting a child ends it for good: not with waitid's WNOWAIT. */
bool wait_request_reaps(const struct wait_request *request);

/* The search for a child to collect, one process at a time. */
struct wait_search {
    bool any_child;                     /* one matched, ended or not */
    uint64_t found;                     /* the first ended one's pid, or 0 */
};

/* Look at one process (ended: a zombie); true once an ended child is
 * found, when the search can stop. */
bool wait_search_add(struct wait_search *search, const struct wait_request *request,
                     uint64_t parent_pid, const struct process_ids *process, bool ended);

/* The ended child's pid, 0 if there are matching children but none has
 * ended, or -LINUX_ECHILD if there are none. */
int64_t wait_search_result(const struct wait_search *search);

/* What waitid and SIGCHLD's siginfo say of a child that ended with
 * wait_status (as wait4 reports it): CLD_EXITED and the exit code, or
 * CLD_KILLED and the signal. */
struct signal_info wait_child_info(uint64_t pid, uint64_t uid, uint64_t wait_status);

#endif
