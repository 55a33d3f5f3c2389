/*
 * What a handler's siginfo says of a signal: procmgr keeps one with each
 * pending instance (pending_signals.h) and answers PROC_SIGNAL_TAKE and
 * waitid with it.
 */
#ifndef PROCMGR_SIGNAL_INFO_H
#define PROCMGR_SIGNAL_INFO_H

#include <stdint.h>

struct signal_info {
    int32_t code;                       /* si_code */
    /* The sender, or the child (SIGCHLD); for a fault the address, low
     * half in pid (siginfo's si_addr overlaps both). */
    uint32_t pid, uid;
    /* SIGCHLD: the exit code or the signal (si_status); sigqueue: its
     * value (si_value). */
    uint64_t value;
};

#endif
