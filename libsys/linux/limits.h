/*
 * Resource limits (getrlimit, setrlimit, prlimit64), kept per process in
 * the personality. RLIMIT_NOFILE has an effect here: descriptors at or
 * above its soft limit are not handed out; RLIMIT_MEMLOCK's goes with
 * shmctl's SHM_LOCK and RLIMIT_MSGQUEUE's with mq_open to the server
 * that decides it.
 */
#ifndef LINUX_LIMITS_H
#define LINUX_LIMITS_H

#include <stdint.h>

/* The soft RLIMIT_NOFILE, at most LINUX_MAX_FDS. */
unsigned linux_descriptor_limit(void);
/* The soft RLIMIT_NOFILE as set (~0: unlimited), which also bounds the
 * descriptors its user has in flight over unix sockets (the server
 * keeps that count: socket_data.c). */
uint64_t linux_descriptor_soft_limit(void);
/* The soft RLIMIT_MEMLOCK, in bytes (~0: unlimited). */
uint64_t linux_memory_lock_limit(void);
/* The soft RLIMIT_MSGQUEUE, in bytes (~0: unlimited). */
uint64_t linux_message_queue_limit(void);

#endif
