/* What the event server's descriptors share: waiters.h. */
#include "waiters.h"
#include "sys/linux_abi.h"

void *event_find(struct event_descriptors *descriptors, uint64_t handle, enum event_kind kind,
                 bool *nonblocking)
{
    struct file_description *file = file_table_find(descriptors->files, handle);
    if (!file || *(const enum event_kind *)file->object != kind)
        return 0;
    *nonblocking = file->flags & LINUX_O_NONBLOCK;
    return file->object;
}

void event_accounts_init(struct event_descriptors *descriptors)
{
    const struct event_services *services = &descriptors->services;
    client_accounts_init(&descriptors->accounts, services->allocate, services->free,
                         services->context, EVENT_PROCESS_OBJECTS, EVENT_USER_OBJECTS);
}

int event_charge(struct event_descriptors *descriptors, uint64_t handle, uint32_t pid,
                 uint32_t uid)
{
    struct file_description *file = file_table_find(descriptors->files, handle);
    if (!file)
        return -LINUX_EBADF;
    struct event_object *object = file->object;
    int refused = client_charge(&descriptors->accounts, pid, uid, &object->owner);
    if (refused < 0) {
        void *last = 0;
        file_table_close(descriptors->files, handle, &last);
        if (last)
            descriptors->services.release(descriptors->services.context, last);
    }
    return refused;
}

void event_uncharge(struct event_descriptors *descriptors, void *object)
{
    struct event_object *head = object;
    if (head->owner.process)
        client_uncharge(&descriptors->accounts, &head->owner);
    head->owner = (struct client_owner){0};
}

void event_client_ended(struct event_descriptors *descriptors, uint32_t pid)
{
    client_process_ended(&descriptors->accounts, pid);
}

int64_t event_wait(struct event_descriptors *descriptors, struct event_waiter **list,
                   uint64_t handle, uint64_t caller, bool small, uint64_t value, bool may_wait)
{
    const struct event_services *services = &descriptors->services;
    if (!may_wait)
        return -LINUX_ENOMEM;
    struct event_waiter *waiter = descriptors->spare_waiters;
    if (waiter)
        descriptors->spare_waiters = waiter->next;
    else if (!(waiter = services->allocate(services->context, sizeof *waiter)))
        return -LINUX_ENOMEM;
    if (file_table_retain(descriptors->files, handle) < 0) {
        waiter->next = descriptors->spare_waiters;
        descriptors->spare_waiters = waiter;
        return -LINUX_ENOMEM;
    }
    *waiter = (struct event_waiter){ .caller = caller, .handle = handle, .value = value,
                                     .small = small };
    while (*list)
        list = &(*list)->next;
    *list = waiter;
    return EVENT_QUEUED;
}

bool event_let_go(struct event_descriptors *descriptors, struct event_waiter *waiter)
{
    void *last;
    file_table_close(descriptors->files, waiter->handle, &last);
    waiter->next = descriptors->spare_waiters;
    descriptors->spare_waiters = waiter;
    if (last)
        descriptors->services.release(descriptors->services.context, last);
    return last != 0;
}

void event_free_spares(struct event_descriptors *descriptors)
{
    while (descriptors->spare_waiters) {
        struct event_waiter *spare = descriptors->spare_waiters;
        descriptors->spare_waiters = spare->next;
        descriptors->services.free(descriptors->services.context, spare);
    }
}

bool event_prune(struct event_descriptors *descriptors, struct event_waiter **list)
{
    const struct event_services *services = &descriptors->services;
    while (*list) {
        struct event_waiter *waiter = *list;
        if (services->caller_waits(services->context, waiter->caller)) {
            list = &waiter->next;
            continue;
        }
        *list = waiter->next;
        services->forget(services->context, waiter->caller);
        if (event_let_go(descriptors, waiter))
            return true;
    }
    return false;
}

int event_keep_poller(struct event_descriptors *descriptors, struct event_poller **pollers,
                      uint64_t notification)
{
    const struct event_services *services = &descriptors->services;
    struct event_poller *poller = services->allocate(services->context, sizeof *poller);
    if (!poller)
        return -LINUX_ENOMEM;
    *poller = (struct event_poller){ .next = *pollers, .notification = notification };
    *pollers = poller;
    return 0;
}

void event_notify_pollers(struct event_descriptors *descriptors, struct event_poller **pollers)
{
    const struct event_services *services = &descriptors->services;
    while (*pollers) {
        struct event_poller *poller = *pollers;
        *pollers = poller->next;
        services->notify(services->context, poller->notification);
        services->free(services->context, poller);
    }
}
