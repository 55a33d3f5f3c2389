/*
 * The ioctls a terminal's server refers to procmgr (FILE_TERMINAL_REFERRAL,
 * sys/protocol/file.h): TIOCSCTTY, TIOCNOTTY, TIOCGPGRP, TIOCSPGRP,
 * TIOCGSID and TIOCSTI. Sessions and process groups are procmgr's, so it
 * decides (PROC_TERMINAL); the personality reads the argument for it and
 * writes back the id TIOCGPGRP and TIOCGSID give. procmgr also says
 * whether a caller outside the foreground group may read, write or set
 * the terminal (FILE_TERMINAL_ACCESS).
 */
#include "terminal.h"
#include "personality.h"
#include "server_call.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"

int64_t linux_terminal_ioctl(uint32_t request, uint64_t argument, const uint64_t referral[4])
{
    uint64_t value = argument;
    uint64_t flags = referral[2] ? PROC_TERMINAL_READABLE : 0;
    if (request == LINUX_TIOCSPGRP || request == LINUX_TIOCSTI) {
        /* A bad pointer here faults: the call ends with -EFAULT. Linux
         * checks a background caller (SIGTTOU) first: an argument that
         * cannot be user memory at all waits for that check. */
        bool readable = linux_user_range(argument, request == LINUX_TIOCSTI ? 1 : 4);
        if (!readable)
            flags |= PROC_TERMINAL_FAULTED;
        else if (request == LINUX_TIOCSPGRP)
            value = (uint64_t)(int64_t)*(const int32_t *)argument;
        else
            value = *(const uint8_t *)argument;
    }
    tern_set_mr(4, flags);
    uint64_t mr[4] = {linux_thread_id(), request, referral[1], value};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_TERMINAL, 5, 0, 0, mr);
    if (result >= 0 && (request == LINUX_TIOCGPGRP || request == LINUX_TIOCGSID)) {
        *(int32_t *)argument = (int32_t)result;         /* faults: -EFAULT */
        return 0;
    }
    return result;
}

int64_t linux_terminal_access(uint64_t terminal, bool reads)
{
    tern_set_mr(4, 0);
    uint64_t request = reads ? PROC_TERMINAL_READ : PROC_TERMINAL_WRITE;
    uint64_t mr[4] = {linux_thread_id(), request, terminal, 0};
    return linux_call(LINUX_SLOT_PROCMGR, PROC_TERMINAL, 5, 0, 0, mr);
}
