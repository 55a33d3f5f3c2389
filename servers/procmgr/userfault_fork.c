/*
 * UFFD_EVENT_FORK (docs/protocols/userfault.md, "Fork"): a fork's child
 * keeps the registrations of a context that asked for the event, under a
 * context of its own; the parent's context queues the event, a read gives
 * it (userfault_requests.c), the reader takes the child's context as a
 * descriptor (USERFAULT_TAKE_FORK), and the fork answers once its events
 * are read.
 */
#include "request.h"
#include "userfault.h"
#include "userfault_objects.h"
#include "sys/linux_abi.h"
#include "sys/protocol/common.h"
#include "sys/protocol/file.h"
#include "sys/runtime.h"

/* The fork events the last space_fork queued, for userfault_fork_wait. */
#define FORK_EVENTS_HELD 8
static struct userfault_fork *last_fork_events[FORK_EVENTS_HELD];
static unsigned last_fork_event_count;

/* A fork event was read, or goes unread: one less for its fork to wait
 * for; the last lets the fork answer. */
static void fork_event_done(struct userfault_fork *fork)
{
    userfault_event_done(fork->forker, fork->forker_reply);
    fork->forker = 0;
}

/* How many of the last space_fork's events no read gave yet (a reader
 * waiting may have taken one as it came). */
static unsigned fork_events_unread(void)
{
    unsigned count = 0;
    for (unsigned i = 0; i < last_fork_event_count; i++)
        count += !last_fork_events[i]->reported;
    return count;
}

bool userfault_fork_events_unread(void)
{
    return fork_events_unread() != 0;
}

bool userfault_fork_wait(struct request *request, struct thread *forker, int64_t pid,
                         uint32_t child_tid)
{
    unsigned count = fork_events_unread();
    if (!count || !server_can_defer()) {
        last_fork_event_count = 0;
        return false;
    }
    forker->userfault_event_wait.reply = request->reply;
    forker->userfault_event_wait.result = pid;
    forker->userfault_event_wait.pending = count;
    forker->userfault_event_wait.held = child_tid;
    for (unsigned i = 0; i < last_fork_event_count; i++) {
        if (!last_fork_events[i]->reported) {
            last_fork_events[i]->forker = (uint32_t)forker->tid;
            last_fork_events[i]->forker_reply = request->reply;
        }
    }
    last_fork_event_count = 0;
    request->deferred = true;
    return true;
}

/* The next fork event no read gave yet (marked given), or NULL. */
struct userfault_fork *userfault_next_fork(struct userfault_object *object)
{
    if (!object->forks_unreported)
        return 0;
    for (struct userfault_fork *fork = object->forks; fork; fork = fork->next) {
        if (!fork->reported) {
            fork->reported = true;
            object->forks_unreported--;
            object->core.changing--;
            fork_event_done(fork);
            return fork;
        }
    }
    return 0;
}

void userfault_fork(struct space *parent, struct space *child)
{
    last_fork_event_count = 0;
    for (unsigned i = 0; i < USERFAULT_LIMIT && userfault_objects_live(); i++) {
        struct userfault_object *object = userfault_object_by_id(i + 1);
        if (!object || object->core.space != parent)
            continue;
        uint32_t id = object->core.id;
        bool registered = false;
        for (unsigned r = 0; r < child->map.count; r++)
            registered |= child->map.regions[r].userfault == id;
        if (!registered)
            continue;
        /* Without UFFD_FEATURE_EVENT_FORK the child's memory is its own
         * pager's, as Linux's dup_userfaultfd leaves it; with it, the
         * child's regions get a context of their own, for the reader of
         * this one to take (userfault_fork_child's message). */
        struct userfault_fork *fork = 0;
        struct userfault_object *twin = 0;
        int status;
        if (object->core.features & LINUX_UFFD_FEATURE_EVENT_FORK) {
            fork = heap_allocate(sizeof *fork);
            twin = fork ? userfault_object_make(child, object->core.flags, object->core.privileged, &status)
                        : 0;
        }
        if (!twin) {
            heap_free(fork);
            address_map_clear_userfault(&child->map, id);
            continue;
        }
        twin->core.features = object->core.features;
        twin->core.initialized = true;
        twin->core.user_mode_only = object->core.user_mode_only;
        for (unsigned r = 0; r < child->map.count; r++)
            if (child->map.regions[r].userfault == id)
                child->map.regions[r].userfault = twin->core.id;
        *fork = (struct userfault_fork){ .child = twin };
        if (last_fork_event_count < FORK_EVENTS_HELD)
            last_fork_events[last_fork_event_count++] = fork;
        struct userfault_fork **last = &object->forks;
        while (*last)
            last = &(*last)->next;
        *last = fork;
        object->forks_unreported++;
        object->core.changing++;    /* the parent's space is changing too, as Linux's */
        userfault_message_came(object);
    }
    /* Registrations of contexts of other spaces cannot be (a context
     * registers only its own space's regions), but none is kept blind. */
    for (unsigned r = 0; r < child->map.count; r++) {
        struct userfault_object *owner = userfault_object_by_id(child->map.regions[r].userfault);
        if (child->map.regions[r].userfault && (!owner || owner->core.space != child))
            address_map_clear_userfault(&child->map, child->map.regions[r].userfault);
    }
}

enum server_outcome userfault_take_fork(struct server_request *request,
                                        struct userfault_object *object)
{
    for (struct userfault_fork **link = &object->forks; *link; link = &(*link)->next) {
        struct userfault_fork *fork = *link;
        if (fork->child->handle != request->mr[1] || !fork->reported)
            continue;
        server_answer(request, 0);
        if (!server_give_descriptor(request, SERVER_SLOT_ENDPOINT, fork->child->handle))
            return server_answer(request, -LINUX_ENOMEM);
        request->mr[1] = fork->child->core.flags & LINUX_O_CLOEXEC;
        request->answer = tern_message(0, 1, 2);
        *link = fork->next;
        heap_free(fork);
        return SERVER_ANSWER;
    }
    return server_answer(request, -LINUX_ENOENT);
}

void userfault_forks_release(struct userfault_object *object)
{
    /* Fork events no reader took: their children's contexts go (their
     * registrations with them, their waiters retrying). */
    while (object->forks) {
        struct userfault_fork *fork = object->forks;
        object->forks = fork->next;
        if (!fork->reported)
            object->core.changing--;
        fork_event_done(fork);      /* a fork waiting for it goes on */
        userfault_file_call(fork->child->handle, FILE_CLOSE);
        heap_free(fork);
    }
}
