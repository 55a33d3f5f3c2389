/*
 * userfaultfd events of an address space's changes other than fork
 * (docs/protocols/userfault.md, "Unmap events"): munmap of registered
 * memory (or a MAP_FIXED mmap over it, or an mremap's shrink or move)
 * queues UFFD_EVENT_UNMAP in each context that asked for it, madvise
 * that drops its pages UFFD_EVENT_REMOVE (the range of each region),
 * mremap that moves it UFFD_EVENT_REMAP, a read gives them after
 * the faults
 * (userfault_requests.c), and the call answers once its events are
 * read, as Linux's waits for the monitor; the wait is the one a fork's
 * events make too (userfault_fork.c), whose child is held until then.
 * Until then the context's COPY, ZEROPAGE, CONTINUE and WRITEPROTECT are
 * -EAGAIN (Linux's mmap_changing: userfault.h's `changing`, which fork
 * events count too).
 */
#include "request.h"
#include "userfault.h"
#include "userfault_objects.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"

/* The events queue_events queued last, for userfault_unmap_wait. */
#define EVENTS_HELD 8
static struct userfault_event *last_events[EVENTS_HELD];
static unsigned last_event_count;

void userfault_event_done(uint32_t tid, uint64_t reply)
{
    struct thread *waiter = tid && tid < ID_LIMIT ? threads[tid] : 0;
    if (waiter && waiter->userfault_event_wait.pending &&
        waiter->userfault_event_wait.reply == reply &&
        --waiter->userfault_event_wait.pending == 0) {
        userfault_release_held(waiter);
        uint64_t result = (uint64_t)waiter->userfault_event_wait.result;
        answer_waiter(waiter->userfault_event_wait.reply, 1, &result);
        waiter->userfault_event_wait.reply = 0;
    }
}

void userfault_release_held(struct thread *waiter)
{
    uint32_t tid = waiter->userfault_event_wait.held;
    struct thread *child = tid && tid < ID_LIMIT ? threads[tid] : 0;
    if (child)
        tern_tcb_resume(child->tcb);
    waiter->userfault_event_wait.held = 0;
}

/* Takes the first event out: its call is told, the context changes no
 * more for it. */
static struct userfault_event *take_first(struct userfault_object *object)
{
    struct userfault_event *event = object->events;
    object->events = event->next;
    if (!object->events)
        object->last_event = &object->events;
    object->core.changing--;
    for (unsigned i = 0; i < last_event_count; i++)
        if (last_events[i] == event)
            last_events[i] = 0;
    userfault_event_done(event->waiter, event->waiter_reply);
    return event;
}

bool userfault_next_event(struct userfault_object *object, struct linux_uffd_msg *message)
{
    if (!object->events)
        return false;
    struct userfault_event *event = take_first(object);
    *message = event->message;
    heap_free(event);
    return true;
}

void userfault_events_release(struct userfault_object *object)
{
    while (object->events)
        heap_free(take_first(object));
}

/* Whether space has memory in [start, end) registered with context id. */
static bool registered_within(const struct space *space, uint32_t id, uint64_t start,
                              uint64_t end)
{
    for (unsigned i = 0; i < space->map.count; i++) {
        const struct region *region = &space->map.regions[i];
        if (region->userfault == id && region->start < end && region->end > start)
            return true;
    }
    return false;
}

/* The events userfault_unmap, userfault_removed and userfault_remapped
 * noted, in the order the call made them, to queue once it is done:
 * each one's context, kind and message arguments (UNMAP's and REMOVE's
 * range, REMAP's from, to and length). */
static struct {
    struct space *space;
    struct {
        uint32_t context;
        uint8_t event;
        uint64_t arguments[3];
    } events[EVENTS_HELD];
    unsigned count;
} noted;

static void note(struct space *space, uint32_t context, uint8_t event, uint64_t first,
                 uint64_t second, uint64_t third)
{
    if (noted.count && noted.space != space)
        noted.count = 0;
    noted.space = space;
    if (noted.count < EVENTS_HELD)
        noted.events[noted.count++] =
            (typeof(noted.events[0])){context, event, {first, second, third}};
}

void userfault_unmap(struct space *space, uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < USERFAULT_LIMIT && userfault_objects_live(); i++) {
        struct userfault_object *object = userfault_object_by_id(i + 1);
        if (object && object->core.space == space &&
            (object->core.features & LINUX_UFFD_FEATURE_EVENT_UNMAP) &&
            registered_within(space, object->core.id, start, end))
            note(space, object->core.id, LINUX_UFFD_EVENT_UNMAP, start, end, 0);
    }
}

void userfault_removed(struct space *space, uint32_t context, uint64_t start, uint64_t end)
{
    struct userfault_object *object = context ? userfault_object_by_id(context) : 0;
    if (object && object->core.space == space &&
        (object->core.features & LINUX_UFFD_FEATURE_EVENT_REMOVE))
        note(space, context, LINUX_UFFD_EVENT_REMOVE, start, end, 0);
}

bool userfault_remapped(struct space *space, uint32_t context, uint64_t from, uint64_t to,
                        uint64_t length)
{
    struct userfault_object *object = context ? userfault_object_by_id(context) : 0;
    if (!object || object->core.space != space ||
        !(object->core.features & LINUX_UFFD_FEATURE_EVENT_REMAP))
        return false;
    note(space, context, LINUX_UFFD_EVENT_REMAP, from, to, length);
    return true;
}

/* The noted events, queued: in last_events. */
static void queue_events(void)
{
    last_event_count = 0;
    for (unsigned i = 0; i < noted.count; i++) {
        struct userfault_object *object = userfault_object_by_id(noted.events[i].context);
        if (!object || object->core.space != noted.space)
            continue;
        struct userfault_event *event = heap_allocate(sizeof *event);
        if (!event)
            continue;       /* as Linux's, which drops the event without memory */
        *event = (struct userfault_event){ .message = { .event = noted.events[i].event } };
        memcpy(event->message.arg.reserved, noted.events[i].arguments,
               sizeof noted.events[i].arguments);
        *object->last_event = event;
        object->last_event = &event->next;
        object->core.changing++;
        last_events[last_event_count++] = event;
        userfault_message_came(object);
    }
    noted.count = 0;
}

bool userfault_unmap_wait(struct request *request, struct thread *thread, int64_t result)
{
    if (result < 0) {
        noted.count = 0;        /* nothing was unmapped: no event */
        return false;
    }
    return userfault_events_wait(request, thread, result);
}

bool userfault_events_wait(struct request *request, struct thread *thread, int64_t result)
{
    queue_events();
    unsigned count = 0;
    for (unsigned i = 0; i < last_event_count; i++)
        count += last_events[i] != 0;
    if (!count || !thread || !server_can_defer()) {
        last_event_count = 0;
        return false;
    }
    thread->userfault_event_wait.reply = request->reply;
    thread->userfault_event_wait.result = result;
    thread->userfault_event_wait.pending = count;
    for (unsigned i = 0; i < last_event_count; i++) {
        if (last_events[i]) {
            last_events[i]->waiter = (uint32_t)thread->tid;
            last_events[i]->waiter_reply = request->reply;
        }
    }
    last_event_count = 0;
    request->deferred = true;
    return true;
}
