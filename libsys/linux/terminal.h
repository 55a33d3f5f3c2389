/*
 * Terminal ioctls that procmgr decides (terminal.c).
 */
#ifndef LINUX_TERMINAL_H
#define LINUX_TERMINAL_H

#include <stdbool.h>
#include <stdint.h>

/* ioctl request with argument, which the descriptor's server answered
 * with FILE_TERMINAL_REFERRAL and the terminal in referral[1], whether
 * the descriptor reads in referral[2]: procmgr's answer. */
int64_t linux_terminal_ioctl(uint32_t request, uint64_t argument, const uint64_t referral[4]);

/* A read (reads) or a write or change of terminal by the caller, which
 * its server sent to procmgr first (FILE_TERMINAL_ACCESS): 0 if it may go
 * on; -EIO; or -ERESTARTSYS with its group sent SIGTTIN or SIGTTOU. */
int64_t linux_terminal_access(uint64_t terminal, bool reads);

#endif
