/*
 * The pipe protocol (servers/pipe): pipes and FIFOs. A pipe end is a
 * descriptor speaking the file protocol (file.h), badged with the end's
 * open file description in the pipe server; the calls below add what is
 * particular to pipes. A process reaches the server through
 * LINUX_SLOT_PIPE (a session badged PIPE_SESSION_FLAG with its pid, uid
 * and gid, SESSION_BY_PROCESS in sys/servers.h, minted by procmgr: what
 * it makes is charged to it and its user, docs/limits.md); a FIFO through the capability vfs hands out when a FIFO node
 * is opened (badged PIPE_FIFO_BADGE(node id), minted by vfs).
 *
 *   label            through      registers in              result; caps
 *   PIPE_CREATE      session      flags (O_NONBLOCK, O_DIRECT)   0; cap: the read end
 *                    (-EMFILE: the process holds 4,096 ends; -ENFILE: its user,
 *                    not root, holds half the server's, or none is free)
 *   PIPE_OPEN_WRITER a read end   flags                     0; cap: a write end of the same pipe
 *                    (charged to the pipe's maker: -EMFILE, -ENFILE as above)
 *                    (any end of the pipe will do, as opening /proc/self/fd/N for
 *                    writing does; it never waits)
 *   PIPE_OPEN_FIFO   FIFO cap     flags (access mode, O_NONBLOCK)  0; cap: the end
 *                    (blocks until the other end is open, as Linux's open of
 *                    a FIFO; O_NONBLOCK: a reader opens at once, a writer
 *                    without a reader gets -ENXIO)
 *   PIPE_GET_SIZE    an end                                 capacity in bytes
 *   PIPE_SET_SIZE    an end       size, privileged          the new capacity (rounded up to a
 *                    power-of-two number of pages); -EPERM above 1 MiB unless
 *                    privileged, -EBUSY below the buffers the pipe holds, -EINVAL
 *                    above 2^31 (the size is Linux's unsigned int: the low 32 bits;
 *                    0 gives one page, as Linux's round_pipe_size does)
 *                    (Linux's rules: docs/protocols/pipe.md)
 *   PIPE_SPLICE      an end (in)  length, flags; cap 0: the out end   bytes moved
 *   PIPE_TEE         an end (in)  length, flags; cap 0: the out end   bytes copied
 *
 * Flags are Linux's: O_NONBLOCK (04000), O_DIRECT (0200000) for packet
 * mode, SPLICE_F_NONBLOCK (2) for splice and tee. Reads and writes of pipe
 * ends block (the server keeps the reply until they can go on) unless the
 * end is O_NONBLOCK (-EAGAIN). A write to a pipe without readers is
 * -EPIPE: raising SIGPIPE is the personality's job.
 *
 * Every reply (but FILE_READ_SMALL's, whose registers from MR1 on are
 * data) carries a second register: PIPE_REPLY_SIGPIPE when Linux
 * would have sent SIGPIPE to the caller. That is so for -EPIPE from
 * FILE_WRITE, PIPE_SPLICE and PIPE_TEE, and also for a blocked write that
 * had put some bytes in when the last reader went: it returns their
 * count, and Linux raises SIGPIPE all the same.
 */
#ifndef SYS_PROTOCOL_PIPE_H
#define SYS_PROTOCOL_PIPE_H

#include <stdint.h>

enum pipe_label {
    PIPE_CREATE = 0x500,
    PIPE_OPEN_WRITER,
    PIPE_OPEN_FIFO,
    PIPE_GET_SIZE,
    PIPE_SET_SIZE,
    PIPE_SPLICE,
    PIPE_TEE,
};

/* Badges: sessions and FIFOs are marked; anything else is an end. */
#define PIPE_SESSION_FLAG       (1ULL << 62)
#define PIPE_FIFO_FLAG          (1ULL << 61)
#define PIPE_FIFO_BADGE(node)   (PIPE_FIFO_FLAG | (uint64_t)(node))

/* Reply register 1 (see above). */
#define PIPE_REPLY_SIGPIPE      1

#define PIPE_DEFAULT_CAPACITY   65536
#define PIPE_MAX_CAPACITY       (1 << 20)   /* /proc/sys/fs/pipe-max-size */
#define PIPE_ATOMIC_WRITE       4096        /* PIPE_BUF */

#endif
