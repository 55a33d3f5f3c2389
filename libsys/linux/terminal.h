/*
 * Terminal ioctls that procmgr decides (terminal.c).
 */
#ifndef LINUX_TERMINAL_H
#define LINUX_TERMINAL_H

#include <stdint.h>

/* ioctl request with argument, which the descriptor's server answered
 * with FILE_TERMINAL_REFERRAL and the terminal in referral[1], whether
 * the descriptor reads in referral[2]: procmgr's answer. */
int64_t linux_terminal_ioctl(uint32_t request, uint64_t argument, const uint64_t referral[4]);

#endif
