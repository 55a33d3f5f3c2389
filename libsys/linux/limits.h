/*
 * Resource limits (getrlimit, setrlimit, prlimit64), kept per process in
 * the personality. Only RLIMIT_NOFILE has an effect here: descriptors at
 * or above its soft limit are not handed out.
 */
#ifndef LINUX_LIMITS_H
#define LINUX_LIMITS_H

#include <stdint.h>

/* The soft RLIMIT_NOFILE, at most LINUX_MAX_FDS. */
unsigned linux_descriptor_limit(void);

#endif
