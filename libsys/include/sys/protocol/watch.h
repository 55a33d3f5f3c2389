/*
 * Readiness boards: how epoll learns which of the descriptors it watches
 * changed, and how ready each is, without a call per descriptor.
 *
 * A server that owns pollable descriptors lends a subscriber (one epoll
 * instance of one process) a board: a page both map, the server writing,
 * the subscriber reading and clearing. Each watch is a slot of a board:
 * whenever the watched open file description's readiness may have
 * changed (data came or went, an end closed, a timer expired), the server
 * writes all its poll(2) events into revents[slot] and then sets the
 * slot's bit in changed and the word's bit in summary. The subscriber
 * takes the summary, then the changed words it names, each with an
 * atomic exchange, and reads the revents of each slot whose bit was set;
 * revents[slot] is always the description's readiness as of the last
 * change, so a level-triggered epoll re-checks a descriptor by reading
 * it. Its low 16 bits are the poll events; bits 16-29 (WATCH_WOKEN) the
 * events of the wake-ups since the subscriber last looked, as Linux's
 * wake-up keys (a write to a pipe wakes POLLIN, a read that frees room
 * POLLOUT, a close everything): an edge-triggered watch reports only a
 * wake-up for its events. The server ORs them in, the subscriber clears
 * them (both atomically). WATCH_GONE says the description went away (its
 * last reference was closed), and the slot is free again.
 *
 * The board is a descriptor of the server, badged WATCH_BOARD_FLAG |
 * its handle, speaking a few labels of the file and memory-object
 * protocols:
 *
 *   label             through            registers in     cap             result
 *   FILE_WATCH_BOARD  any descriptor     -                -               0; cap 0: a new board
 *   FILE_WATCH        the watched one    slot             0: the board    the description's handle (> 0)
 *   FILE_UNWATCH      any descriptor     slot             0: the board    0
 *   FILE_POLL         the board          events           0: notification POLLIN if a changed bit is set
 *   MEMORY_MAP, MEMORY_PAGE  the board   (memory.h)                       its page, shared and writable
 *   FILE_RETAIN, FILE_CLOSE  the board                                    references, as any descriptor's
 *
 * FILE_WATCH's errors: -EBADF (no such description), -EPERM (a
 * description that cannot be polled: Linux's epoll_ctl error for a
 * regular file), -EXDEV (cap 0 is not a board of this server), -EINVAL
 * (a slot out of range or in use), -ENOMEM. Its result tells the
 * subscriber which description it watches (two descriptors of one
 * description answer the same). A FILE_POLL on a board keeps the
 * notification, when nothing has changed, and signals it once at the
 * next change (sys/protocol/file.h's FILE_POLL). The board lives while
 * anything references it: the subscriber maps it (procmgr holds a
 * reference per address space) and may then close its own reference,
 * so that the board goes with the last address space that maps it.
 *
 * A server that cannot lend boards answers FILE_WATCH_BOARD and
 * FILE_WATCH with WATCH_POLL_ONLY (no errno): its descriptors can be
 * polled, and epoll polls them itself (FILE_POLL with its notification,
 * as poll(2) does). procmgr's userfaultfds are so: a board is mapped into
 * a process by procmgr, which cannot call itself for the page.
 */
#ifndef SYS_PROTOCOL_WATCH_H
#define SYS_PROTOCOL_WATCH_H

#include <stdint.h>

#define WATCH_BOARD_FLAG    (1ULL << 60)
#define WATCH_POLL_ONLY     (-4098)
#define WATCH_BOARD_WORDS   16
#define WATCH_BOARD_SLOTS   990
/* A slot's parts (see above). */
#define WATCH_EVENTS        0x0000ffffu
#define WATCH_WOKEN_SHIFT   16
#define WATCH_WOKEN         0x3fff0000u
#define WATCH_GONE          0x80000000u
/* A wake-up for every event (Linux's key 0). */
#define WATCH_WAKE_ALL      0x3fffu

struct watch_board_page {
    uint64_t summary;                       /* bit w: changed[w] may have a bit set */
    uint64_t changed[WATCH_BOARD_WORDS];    /* bit i of word w: slot 64 * w + i */
    uint32_t revents[WATCH_BOARD_SLOTS];
};

_Static_assert(sizeof(struct watch_board_page) == 4096, "a board is one page");
_Static_assert(WATCH_BOARD_WORDS * 64 >= WATCH_BOARD_SLOTS, "a bit for every slot");

#endif
