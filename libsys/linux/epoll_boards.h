/*
 * epoll's boards, mapped and watched through (epoll_boards.c). Callers
 * hold epoll.c's lock.
 */
#ifndef LINUX_EPOLL_BOARDS_H
#define LINUX_EPOLL_BOARDS_H

#include <stdbool.h>
#include <stdint.h>
#include "epoll_core.h"
#include "personality.h"

/* The process the instances' boards are made for (a fork's child sees
 * another than its copies were made for). */
static inline uint32_t epoll_process_id(void)
{
    return (uint32_t)linux_process_info()->pid;
}

/* Watches the descriptor in slot target for item through a board of its
 * server, a new one if none has room: 0, or -EPERM (it cannot be
 * polled), -ENOSPC (no board slot left), -ENOMEM... */
int64_t epoll_watch(struct epoll_instance *instance, uint64_t target, struct epoll_item *item);
/* Stops item's watch (its descriptor still names its description). */
void epoll_unwatch(struct epoll_instance *instance, struct epoll_item *item);
/* Unmaps every board of the instance (and with close_them lets go of
 * their capabilities, which a fork's child never had). */
void epoll_drop_boards(struct epoll_instance *instance, bool close_them);
/* A fork's child: boards of its own, every item watched again through
 * them (one whose descriptor is gone goes). */
void epoll_rebuild(struct epoll_instance *instance);

#endif
