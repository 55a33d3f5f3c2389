/*
 * epoll's server side: readiness boards and the watches that write them
 * (sys/protocol/watch.h says what a subscriber sees).
 *
 * A server keeps a struct watch_list in each object whose readiness can
 * change (a pipe, an eventfd, a queue) and calls watch_list_changed when
 * it may have, at the places it wakes pollers; watch_list_forget when one
 * of the object's descriptions goes away, and watch_list_drop before the
 * object itself is freed. Each watch knows its description's object and
 * the function that reads its poll events, so the list needs nothing else.
 * A board whose subscriber armed a notification (FILE_POLL on the board)
 * and that changed becomes due: the runtime signals it after the request
 * (watch_take_due).
 *
 * Plain C with no IPC in it (tests/host/test_libsys_watch.c); one set of
 * boards per program, as one server per program.
 */
#ifndef SYS_WATCH_H
#define SYS_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sys/protocol/watch.h"

struct watch;
struct watch_board;

struct watch_list {
    struct watch *first;
};

/* Where a description's watches go, and how its readiness is read:
 * events(object) is its poll(2) events now (the file_operations' watch
 * answers it, sys/file_server.h). */
struct watch_target {
    struct watch_list *list;
    const void *object;
    uint32_t (*events)(const void *object);
};

struct watch_services {
    void *(*allocate)(size_t size);     /* zeroed; NULL when out of memory */
    void (*free)(void *block);
    void *(*allocate_page)(void);       /* a lendable page; NULL when out of memory */
    void (*free_page)(void *page);      /* revokes what was lent of it */
    void (*release_notification)(uint64_t notification);
};

void watch_init(const struct watch_services *services);

/* A new board with one reference: its handle (WATCH_BOARD_FLAG set), or
 * -ENOMEM, or -ENFILE when the table is full. */
int64_t watch_board_create(void);
/* The board a handle names, or NULL. */
struct watch_board *watch_board_find(uint64_t handle);
struct watch_board_page *watch_board_page(struct watch_board *board);
uint64_t watch_board_handle(const struct watch_board *board);
void watch_board_retain(struct watch_board *board);
/* One reference less; the last takes every watch off its list and frees
 * the board and its page. */
void watch_board_close(struct watch_board *board);

/* FILE_POLL on a board: whether a changed bit is set; if not and
 * notification is not 0, it is kept (an older one released) and becomes
 * due at the next change. Returns whether it was kept. */
bool watch_board_changed(const struct watch_board *board);
bool watch_board_arm(struct watch_board *board, uint64_t notification);

/* Watches description through slot of board; its revents are written at
 * once. 0, -EINVAL (slot out of range or in use), -ENOMEM. */
int watch_add(struct watch_board *board, uint32_t slot, uint64_t description,
              const struct watch_target *target);
/* Stops the watch in slot (none there: 0 all the same). */
int watch_remove(struct watch_board *board, uint32_t slot);

/* The readiness may have changed, and woke those of events (poll's,
 * Linux's wake-up key; 0: none, the new readiness is only written). An
 * object nobody watches costs a load (servers call this on every change). */
void watch_list_publish(struct watch_list *list, uint32_t events);
static inline void watch_list_woken(struct watch_list *list, uint32_t events)
{
    if (list->first)
        watch_list_publish(list, events);
}
/* A wake-up for every event. */
static inline void watch_list_changed(struct watch_list *list)
{
    watch_list_woken(list, WATCH_WAKE_ALL);
}
void watch_list_forget(struct watch_list *list, uint64_t description);
void watch_list_drop(struct watch_list *list);

/* A due board's notification, handed over (the caller signals and
 * releases it), or 0 when none is due; watch_due says whether one is,
 * without a call (the runtime asks after every request). */
uint64_t watch_take_due(void);
extern struct watch_board *watch_due_first;
static inline bool watch_due(void)
{
    return watch_due_first != NULL;
}

#endif
