/*
 * The mqueue protocol (servers/mqueue, docs/protocols/mqueue.md): POSIX
 * message queues. A process reaches the server through its session
 * (LINUX_SLOT_MQUEUE, badged with its pid and credentials:
 * SESSION_PROCESS_BADGE with MQUEUE_SESSION_FLAG, minted by procmgr). A
 * queue descriptor speaks the file protocol (file.h: close, dup, poll,
 * F_GETFL/F_SETFL, and a read gives the queue's status line) and the
 * labels below.
 *
 *   label           through     registers in                       windows         result
 *   MQ_OPEN         session     flags, mode, name length,          0: name (R)     0; cap 0: the descriptor
 *                               RLIMIT_MSGQUEUE[, maxmsg, msgsize]
 *   MQ_UNLINK       session     name length                        0: name (R)     0
 *   MQ_SEND         descriptor  length, priority, deadline         0: message (R)  0
 *   MQ_SEND_SMALL   descriptor  length | priority << 32, deadline,                 0
 *                               the bytes from MR2
 *   MQ_RECEIVE      descriptor  length, deadline                   0: buffer (W)   bytes; MR1: priority;
 *                                                                                  a small message's bytes from MR2
 *   MQ_ATTRIBUTES   descriptor  set (0 or 1), flags                                0; MR1-4: flags,
 *                                                                                  maxmsg, msgsize, curmsgs
 *   MQ_NOTIFY       session     register (0 or 1), kind, signal,   cap 0: the      0
 *                               value                              descriptor
 *   MQ_TAKE_NOTICE  procmgr's notice session                                       0; MR1-3: owner pid,
 *                                                                                  signal, value; -ENOENT
 *   MQ_STAT         session     name length, access (R_OK...)      0: name (R),    0
 *                                                                  1: struct linux_stat (W), optional
 *   MQ_LIST         vfs's listing session: from (an inode number)  0: name (W,     the name's length, 0 for
 *                                                                  NAME_MAX bytes) none; MR1: its inode
 *
 * MQ_OPEN's flags are Linux's (access mode, O_CREAT, O_EXCL, O_NONBLOCK;
 * O_CLOEXEC is the personality's), mode has the umask applied, the
 * caller's soft RLIMIT_MSGQUEUE bounds what its user's queues may take,
 * and the attributes come only with O_CREAT and a struct mq_attr (six
 * registers; four: Linux's defaults). The name is musl's, without the
 * leading slash. Deadlines are absolute, in ticks of the virtual counter
 * (0: none). A send or receive that must wait keeps the caller until it
 * can go on, its deadline passes (-ETIMEDOUT) or a signal ends the call.
 *
 * A message of at most MQ_SMALL_MAX bytes travels in message registers
 * (packed from MR2 on, eight bytes a register, in memory order), not
 * through a window: MQ_SEND_SMALL carries it, and MQ_RECEIVE answers
 * with it (the buffer's window stays untouched, and a buffer no longer
 * than that needs none); a longer one goes through the windows. Up to 16 bytes a message has at most four
 * registers, which the kernel's IPC fast path takes.
 *
 * mq_notify registers through the session, so the owner is the caller's
 * pid. A send that fires a SIGEV_SIGNAL registration answers with
 * MQ_SEND_NOTIFIED in MR1; the sender's personality then asks procmgr
 * (PROC_MQ_NOTIFIED), which takes the notice from the server through its
 * notice session (SESSION_NOTICE_BADGE) and delivers the signal with
 * si_code SI_MESGQ and the sender's pid and uid, as Linux's kernel does
 * (no permission check). The server also takes SERVER_PROCESS_ENDED
 * there: an ended owner's registrations go.
 *
 * /dev/mqueue: vfs answers a path naming a queue there with
 * VFS_IN_MQUEUE (vfs.h), and the personality asks here by the name:
 * open is MQ_OPEN, unlink MQ_UNLINK, stat and access MQ_STAT. vfs lists
 * the directory through its own session (MQUEUE_LISTING_BADGE, given by
 * the wiring table): MQ_LIST answers the queue with the smallest inode
 * number at least `from`, so the listing's position is an inode number.
 */
#ifndef SYS_PROTOCOL_MQUEUE_H
#define SYS_PROTOCOL_MQUEUE_H

#include <stdint.h>
#include "sys/servers.h"

enum mqueue_label {
    MQ_OPEN = 0xa00,
    MQ_UNLINK,
    MQ_SEND,
    MQ_RECEIVE,
    MQ_ATTRIBUTES,
    MQ_NOTIFY,
    MQ_TAKE_NOTICE,
    MQ_SEND_SMALL,
    MQ_STAT,
    MQ_LIST,
};

/* The longest message that travels in registers: MR2 to the last. */
#define MQ_SMALL_MAX            496
#define MQ_SMALL_REGISTERS(bytes) (2 + ((bytes) + 7) / 8)

/* In MQ_OPEN's and MQ_UNLINK's MR0: the name came by a path in
 * /dev/mqueue, which is the initial IPC namespace's file system, not by
 * mq_open or mq_unlink, whose names are the caller's namespace's (MQ_STAT
 * is always by path). */
#define MQ_BY_PATH              (1ULL << 32)

/* MQ_SEND's MR1: the send fired a signal registration (see above). */
#define MQ_SEND_NOTIFIED        1

/* Sessions are marked: descriptor handles never have this bit. */
#define MQUEUE_SESSION_FLAG     (1ULL << 62)
/* vfs's session, to list /dev/mqueue: pid 0 (no process's) with uid 1,
 * which procmgr's notice session (all ids 0) is not. */
#define MQUEUE_LISTING_BADGE    SESSION_PROCESS_BADGE(MQUEUE_SESSION_FLAG, 0, 1, 0)

#endif
