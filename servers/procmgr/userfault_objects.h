/*
 * What userfault_requests.c (descriptors, faults, reads),
 * userfault_fork.c (fork events) and userfault_events.c (unmap events)
 * share of a userfaultfd: its object and the helpers each needs of the
 * others. Not for the rest of procmgr (procmgr.h, request.h).
 */
#ifndef PROCMGR_USERFAULT_OBJECTS_H
#define PROCMGR_USERFAULT_OBJECTS_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/server.h"
#include "userfault.h"

struct space;

/* Contexts at once; an id is an index plus one. */
#define USERFAULT_LIMIT 256

/* A read(2) waiting for a message. */
struct userfault_reader {
    uint64_t reply;
    uint64_t length;
    bool small;                 /* FILE_READ_SMALL: the messages go in registers */
    struct userfault_reader *next;
};

/* UFFD_EVENT_FORK: a fork's child context, which holds the one reference
 * to its description until the reader takes it as a descriptor. */
struct userfault_fork {
    struct userfault_object *child;
    bool reported;              /* a read gave it: USERFAULT_FORK_EVENT */
    struct userfault_fork *next;
    /* The thread whose fork waits for it (its tid and kept reply; 0: none). */
    uint32_t forker;
    uint64_t forker_reply;
};

/* Another event of the address space (UFFD_EVENT_UNMAP, REMOVE, REMAP):
 * its message, and the thread whose call waits until it is read (its
 * tid and kept reply; 0: none). */
struct userfault_event {
    struct linux_uffd_msg message;
    uint32_t waiter;
    uint64_t waiter_reply;
    struct userfault_event *next;
};

struct userfault_object {
    struct userfault core;
    uint64_t handle;            /* its OFD's */
    uint64_t own_slot;          /* a copy of the descriptor: procmgr knows its own by it */
    struct userfault_reader *readers, **last_reader;
    uint64_t pollers[4];        /* FILE_POLL's notifications, signalled at the next message */
    struct userfault_fork *forks;   /* in the order they came */
    unsigned forks_unreported;
    /* The other events no read gave yet, in the order they came. */
    struct userfault_event *events, **last_event;
};

/* The context whose id regions carry, or NULL; how many there are. */
struct userfault_object *userfault_object_by_id(uint32_t id);
unsigned userfault_objects_live(void);
/* A context of space and its description (one reference), flags as
 * userfaultfd(2) took them; NULL with -errno in *status. */
struct userfault_object *userfault_object_make(struct space *space, uint64_t flags,
                                               bool privileged, int *status);
/* A message came: the first reader waiting takes it, pollers are told. */
void userfault_message_came(struct userfault_object *object);

/* userfault_events.c: an event a call of the thread tid waits for was
 * read, or goes unread (reply: the call's, kept), and with the last of
 * them the call answers; the next event's message (the event gone, its
 * call told): false with none; the events of a context whose last
 * reference goes, each as if read. */
void userfault_event_done(uint32_t tid, uint64_t reply);
bool userfault_next_event(struct userfault_object *object, struct linux_uffd_msg *message);
void userfault_events_release(struct userfault_object *object);

/* userfault_fork.c: the next fork event no read gave yet (marked given,
 * its fork told), or NULL; USERFAULT_TAKE_FORK; the events of a context
 * whose last reference goes. */
struct userfault_fork *userfault_next_fork(struct userfault_object *object);
enum server_outcome userfault_take_fork(struct server_request *request,
                                        struct userfault_object *object);
void userfault_forks_release(struct userfault_object *object);

#endif
