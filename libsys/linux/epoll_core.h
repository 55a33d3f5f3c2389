/*
 * epoll's bookkeeping in the personality, without IPC: an instance's
 * registrations (items), the readiness boards the servers lend it
 * (sys/protocol/watch.h) and which slot of which board each item
 * watches, and the ready list epoll_wait reports from.
 *
 * An instance lives in one block of its process's memory (made by
 * epoll.c), so a fork copies it: the child's copy then watches through
 * boards of its own (epoll.c rebuilds them), and an epoll_ctl in one
 * process after a fork is not seen by the other (docs/personality.md).
 *
 * What the boards say is taken by epoll_note_changes: each slot whose
 * changed bit was set gets its item's revents updated, and an item with
 * any of its events becomes ready (queued, once). epoll_harvest reports
 * queued items as Linux's ep_send_events does: an item whose events went
 * away meanwhile is dropped from the queue, an edge-triggered one leaves
 * the queue once reported, a one-shot one is disabled until EPOLL_CTL_MOD,
 * and a level-triggered one goes back to the end of the queue.
 *
 * Host-tested: tests/host/test_personality_epoll_core.c.
 */
#ifndef LINUX_EPOLL_CORE_H
#define LINUX_EPOLL_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/protocol/watch.h"

/* epoll's events and flags (Linux's values; the events are poll's). */
#define EPOLL_IN            0x001u
#define EPOLL_PRI           0x002u
#define EPOLL_OUT           0x004u
#define EPOLL_ERR           0x008u
#define EPOLL_HUP           0x010u
#define EPOLL_RDNORM        0x040u
#define EPOLL_RDBAND        0x080u
#define EPOLL_WRNORM        0x100u
#define EPOLL_WRBAND        0x200u
#define EPOLL_MSG           0x400u
#define EPOLL_RDHUP         0x2000u
#define EPOLL_EXCLUSIVE     (1u << 28)
#define EPOLL_WAKEUP        (1u << 29)
#define EPOLL_ONESHOT       (1u << 30)
#define EPOLL_ET            (1u << 31)
/* What an item may be woken for: its events, and always ERR and HUP. */
#define EPOLL_EVENT_BITS    (EPOLL_IN | EPOLL_PRI | EPOLL_OUT | EPOLL_ERR | EPOLL_HUP |     \
                             EPOLL_RDNORM | EPOLL_RDBAND | EPOLL_WRNORM | EPOLL_WRBAND |     \
                             EPOLL_MSG | EPOLL_RDHUP)

#define EPOLL_MAX_BOARDS    16
#define EPOLL_MAX_ITEMS     8192
#define EPOLL_NO_ITEM       0xffff
#define EPOLL_MAX_SLEEPERS  8

struct epoll_instance;

struct epoll_item {
    int32_t fd;                 /* its descriptor; -1 once that was closed */
    uint32_t events;            /* as registered: events and EPOLL_ET, EPOLL_ONESHOT... */
    uint64_t data;
    uint64_t description;       /* its server's handle of the watched description */
    struct epoll_instance *inner;   /* a nested epoll (no board), else NULL */
    bool signalfd;                  /* a signalfd (no board): its mask is signals */
    /* A descriptor whose server lends no boards (WATCH_POLL_ONLY): polled
     * through capability, a copy of it in a board slot. */
    bool polled;
    uint64_t capability;
    uint64_t signals;
    uint64_t signals_seen;          /* an edge-triggered one's: signals_queued when last looked */
    uint16_t board, slot;
    uint32_t revents;           /* the board's, as last noted */
    bool used;
    bool queued;                /* on the ready list */
    bool disabled;              /* EPOLL_ONESHOT reported it */
    uint16_t next_ready;        /* EPOLL_NO_ITEM ends the list; also the free list */
};

/* A board this instance maps: the page, the capability the personality
 * names it by, and which item watches through each slot. */
struct epoll_board {
    struct watch_board_page *page;
    uint64_t capability;
    uint32_t used;
    uint16_t items[WATCH_BOARD_SLOTS];     /* EPOLL_NO_ITEM: a free slot */
};

struct epoll_instance {
    uint64_t id;                /* the event server's (EVENT_EPOLL_ID) */
    uint32_t pid;               /* the process the boards were made for */
    uint32_t descriptors;       /* this process's descriptors naming it */
    uint64_t block_size;        /* the instance's memory, for munmap */
    struct epoll_instance *next;    /* every instance of the process */
    uint32_t item_count;        /* used */
    uint32_t item_limit;        /* items made so far (the rest is untouched memory) */
    uint16_t free_item;         /* first of the free list */
    uint16_t ready_first, ready_last;
    uint32_t board_count;
    /* The wake-up capabilities of threads sleeping in epoll_wait: an
     * epoll_ctl that makes an item ready signals them (0: free). */
    uint64_t sleepers[EPOLL_MAX_SLEEPERS];
    struct epoll_board boards[EPOLL_MAX_BOARDS];
    struct epoll_item items[EPOLL_MAX_ITEMS];
};

/* What one event reports (struct epoll_event's layout on arm64). */
struct epoll_report {
    uint32_t events;
    uint32_t pad;
    uint64_t data;
};

void epoll_instance_init(struct epoll_instance *instance, uint64_t id, uint32_t pid,
                         uint64_t block_size);

/* The item registered for descriptor fd (not detached), or NULL. */
struct epoll_item *epoll_find(struct epoll_instance *instance, int32_t fd);
/* A new, unused item (zeroed, not queued): NULL at EPOLL_MAX_ITEMS. */
struct epoll_item *epoll_item_new(struct epoll_instance *instance);
/* Off the ready list and its board's slot, and back on the free list. */
void epoll_item_free(struct epoll_instance *instance, struct epoll_item *item);
uint16_t epoll_item_index(const struct epoll_instance *instance, const struct epoll_item *item);

/* A free slot of board b (its items entry is for the caller to fill),
 * or -1. */
int epoll_board_free_slot(const struct epoll_board *board);
void epoll_board_attach(struct epoll_instance *instance, uint16_t board, uint16_t slot,
                        struct epoll_item *item);

/* EPOLL_CTL_MOD's new events: the item is disabled no more, and is
 * queued if it is ready for them. */
void epoll_item_modify(struct epoll_instance *instance, struct epoll_item *item,
                       uint32_t events, uint64_t data);
/* Queues the item if its noted revents have any of its events. */
void epoll_item_check(struct epoll_instance *instance, struct epoll_item *item);

/* Takes every board's changed bits (see above). Items whose description
 * went are freed. */
void epoll_note_changes(struct epoll_instance *instance);

/* Whether an item is the personality's own (a nested epoll, a
 * signalfd): no board, always on the ready list, its events asked of
 * local_events at each harvest. */
static inline bool epoll_item_local(const struct epoll_item *item)
{
    return item->inner || item->signalfd || item->polled;
}

/* Reports up to max ready events into reports (see above). With peek
 * the queue is left as it is and nothing is written: the count is
 * whether any event is ready (0 or 1). */
int epoll_harvest(struct epoll_instance *instance, struct epoll_report *reports, int max,
                  bool peek, uint32_t (*local_events)(struct epoll_item *item));

/* Every descriptor of the instance's items that is fd becomes detached
 * (close: the registration stays, but fd no longer names it). */
void epoll_detach_fd(struct epoll_instance *instance, int32_t fd);

#endif
