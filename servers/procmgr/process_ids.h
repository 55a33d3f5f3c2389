/*
 * Where a process stands among the others: the ids the process-group,
 * kill and wait rules look at (process_group.h, kill_rules.h,
 * wait_match.h), as plain data.
 */
#ifndef PROCMGR_PROCESS_IDS_H
#define PROCMGR_PROCESS_IDS_H

#include <stdint.h>

struct process_ids {
    uint64_t pid, ppid, pgid, sid;      /* itself, its parent, its group, its session */
};

#endif
