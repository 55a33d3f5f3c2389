/*
 * The runtime's calls in the shape a server core's services take them
 * (a context argument, which they ignore), so that a main.c hands them
 * to its core as they are: the heap, the reply objects of callers kept
 * waiting, a poller's notification, the counter.
 */
#ifndef SYS_SERVER_SERVICES_H
#define SYS_SERVER_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* heap_allocate (zeroed), heap_allocate_unzeroed, heap_free. */
void *server_core_allocate(void *context, size_t size);
void *server_core_allocate_unzeroed(void *context, size_t size);
void server_core_free(void *context, void *block);
/* server_caller_waits and server_release_reply of a deferred reply. */
bool server_core_caller_waits(void *context, uint64_t reply);
void server_core_release_reply(void *context, uint64_t reply);
/* A poller's notification the server kept: signalled once, then its
 * capability deleted. */
void server_core_notify(void *context, uint64_t notification);
/* The virtual counter (deadlines are in its ticks). */
uint64_t server_core_counter(void *context);

#endif
