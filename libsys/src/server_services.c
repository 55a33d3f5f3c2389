/* The runtime's calls as a core's services: sys/server_services.h. */
#include "sys/server_services.h"
#include "sys/counter.h"
#include "sys/memory.h"
#include "sys/server.h"
#include "sys/syscall.h"

void *server_core_allocate(void *context, size_t size)
{
    (void)context;
    return heap_allocate(size);
}

void *server_core_allocate_unzeroed(void *context, size_t size)
{
    (void)context;
    return heap_allocate_unzeroed(size);
}

void server_core_free(void *context, void *block)
{
    (void)context;
    heap_free(block);
}

bool server_core_caller_waits(void *context, uint64_t reply)
{
    (void)context;
    return server_caller_waits(reply);
}

void server_core_release_reply(void *context, uint64_t reply)
{
    (void)context;
    server_release_reply(reply);
}

void server_core_notify(void *context, uint64_t notification)
{
    (void)context;
    tern_signal(notification);
    memory_delete(&server_memory, notification);
}

uint64_t server_core_counter(void *context)
{
    (void)context;
    return tern_counter_now();
}
