/*
 * Process groups and sessions: the rules of setpgid, getpgid, setsid and
 * getsid, and which groups are orphaned (job control's). Plain C, host-tested (tests/host/test_procmgr_process_group.c);
 * main.c looks the processes up and stores what these decide.
 */
#ifndef PROCMGR_PROCESS_GROUP_H
#define PROCMGR_PROCESS_GROUP_H

#include <stdbool.h>
#include <stdint.h>
#include "process_ids.h"

/* Whether a process group exists in a session: the caller's answer, for
 * setpgid into another group (which must exist there already). */
typedef bool group_in_session_function(void *context, uint64_t pgid, uint64_t sid);

/* getpgid(pid) and getsid(pid), target being the live process pid names
 * (pid 0: the caller; NULL: none): its group or session, or -LINUX_EINVAL
 * for pid < 0, -LINUX_ESRCH without a target. */
int64_t process_group_getpgid(int64_t pid, const struct process_ids *target);
int64_t process_group_getsid(int64_t pid, const struct process_ids *target);

/* setsid: the caller's new session and group (its own pid), or
 * -LINUX_EPERM if it leads a process group already. */
int64_t process_group_setsid(const struct process_ids *caller);

/* setpgid(pid, pgid), target as for getpgid: the group the target is to
 * join (pgid 0: its own pid), or -LINUX_EINVAL for pid or pgid < 0,
 * -LINUX_ESRCH without a target or for one that is neither the caller nor
 * its child, -LINUX_EPERM for a target in another session or leading its
 * own, or for a group that does not exist in the caller's session. */
int64_t process_group_setpgid(const struct process_ids *caller, int64_t pid,
                              const struct process_ids *target, int64_t pgid,
                              group_in_session_function *group_in_session, void *context);

/* Whether member (ended: a zombie) keeps its process group from being
 * orphaned: its parent (whose ids are parent) is in another group of the
 * same session. A group none of whose members does is orphaned: nobody
 * outside it in its session could continue it, so the job control stop
 * signals but SIGSTOP do nothing there. Linux's will_become_orphaned_pgrp
 * looks at each member this way, passing over zombies and members whose
 * parent is init. */
bool process_group_member_anchors(const struct process_ids *member, bool ended,
                                  const struct process_ids *parent);

#endif
