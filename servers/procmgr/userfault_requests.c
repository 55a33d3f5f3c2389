/*
 * userfaultfd descriptors, served by procmgr itself (request.h;
 * docs/protocols/userfault.md): faults and address spaces are procmgr's,
 * so the pager's descriptor is too, and a fault in a registered range
 * costs no call to another server. A descriptor is a capability to
 * procmgr's endpoint badged with its open file description's handle; the
 * runtime hands file-protocol requests through one to userfault_files
 * (sys/file_server.h), whose operations are here: read, poll, the
 * UFFDIO ioctls and release. The contexts' rules are userfault.c's.
 *
 * A faulting thread's reply is kept in its struct thread (a thread waits
 * on one fault at a time), so a thread that ends takes its place in the
 * queue with it (so does procmgr's access for a thread's process_vm
 * call). Fork events are userfault_fork.c's, the others
 * userfault_events.c's.
 */
#include "frames.h"
#include "request.h"
#include "space_internal.h"
#include "userfault.h"
#include "userfault_objects.h"
#include "sys/file_server.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/protocol/common.h"
#include "sys/protocol/vfs.h"
#include "sys/runtime.h"
#include "sys/syscall.h"

#define MESSAGE_SIZE    sizeof(struct linux_uffd_msg)
/* The most messages one read gives: FILE_READ_SMALL's registers hold 15. */
#define READ_BATCH      (FILE_SMALL_MAX / MESSAGE_SIZE)

static struct file_table files;
static struct userfault_object *objects[USERFAULT_LIMIT];
static unsigned object_count;

static struct userfault_object *object_of(uint64_t handle)
{
    struct file_description *description = file_table_find(&files, handle);
    return description ? description->object : 0;
}

struct userfault_object *userfault_object_by_id(uint32_t id)
{
    return id && id <= USERFAULT_LIMIT ? objects[id - 1] : 0;
}

unsigned userfault_objects_live(void)
{
    return object_count;
}

static struct thread *thread_of(struct userfault_waiter *waiter)
{
    return (struct thread *)((char *)waiter - __builtin_offsetof(struct thread, userfault));
}

/* ---- Waking faulting threads ---- */

/* The thread retries its access: the page is there now, or it faults
 * again (a new message), as Linux's woken faults do. */
static void resume(void *context, struct userfault_waiter *waiter)
{
    (void)context;
    thread_of(waiter)->userfault_context = 0;
    if (waiter->for_call) {
        uint64_t again[1] = { (uint64_t)USERFAULT_ACCESS_AGAIN };
        server_answer_deferred(waiter->reply, tern_message(0, 0, 1), again);
        return;
    }
    server_answer_deferred(waiter->reply, tern_message(0, 0, 0), 0);
}

static void wake_range(struct userfault_object *object, uint64_t start, uint64_t end)
{
    userfault_take_range(&object->core, start, end, resume, 0);
}

/* The thread's place in a fault queue, if it has one, goes. */
static void leave_queue(struct thread *thread)
{
    struct userfault *context = thread->userfault_context;
    if (!context)
        return;
    userfault_remove(context, &thread->userfault);
    server_release_reply(thread->userfault.reply);
    thread->userfault_context = 0;
}

void userfault_thread_gone(struct thread *thread)
{
    if (thread->userfault_event_wait.pending) {
        userfault_release_held(thread);     /* the fork made its child: it runs */
        server_release_reply(thread->userfault_event_wait.reply);
        thread->userfault_event_wait.pending = 0;
        thread->userfault_event_wait.reply = 0;
    }
    leave_queue(thread);
}

bool userfault_interrupt(struct thread *thread)
{
    /* A call waiting for its events (a fork, a munmap) is killable only,
     * as Linux's: the signal waits until the call returns (a fork has
     * made the child). */
    if (thread->userfault_event_wait.pending)
        return true;
    struct userfault *context = thread->userfault_context;
    if (!context)
        return false;
    /* procmgr's access for a call waits on: Linux's remote access is
     * killable only. */
    if (thread->userfault.for_call)
        return true;
    /* Marked first, so the fault's answer resumes it into the handler;
     * back from it, the access faults again (a new message), as Linux's
     * interruptible user faults return to take a signal. */
    tern_tcb_interrupt(thread->tcb);
    userfault_remove(context, &thread->userfault);
    resume(0, &thread->userfault);
    return true;
}

/* ---- Messages ---- */

/* Whether a read would give something now: a fault's message, or else
 * an event's (Linux reads faults first). */
static bool has_message(const struct userfault_object *object)
{
    return object->core.unreported || object->forks_unreported || object->events;
}

/* Whether the next message is a fork's, which a read gives alone
 * (faults and the other events first). */
static bool fork_is_next(const struct userfault_object *object)
{
    return !object->core.unreported && !object->events && object->forks_unreported;
}

/* Up to max messages into messages: of waiters not yet reported, then
 * of events. */
static unsigned take_messages(struct userfault_object *object, struct linux_uffd_msg *messages,
                              unsigned max)
{
    unsigned count = 0;
    struct userfault_waiter *waiter;
    while (count < max && (waiter = userfault_next_unreported(&object->core)))
        messages[count++] = userfault_message(&object->core, waiter);
    while (count < max && userfault_next_event(object, &messages[count]))
        count++;
    return count;
}

/* Answers a reader kept waiting with what there is: whether it took any. */
static bool serve_reader(struct userfault_object *object, struct userfault_reader *reader)
{
    if (fork_is_next(object)) {
        struct userfault_fork *fork = userfault_next_fork(object);
        uint64_t event[2] = { (uint64_t)USERFAULT_FORK_EVENT, fork ? fork->child->handle : 0 };
        return server_answer_deferred(reader->reply, tern_message(0, 0, 2), event);
    }
    struct linux_uffd_msg messages[READ_BATCH];
    unsigned max = (unsigned)(reader->length / MESSAGE_SIZE);
    unsigned count = take_messages(object, messages, max < READ_BATCH ? max : READ_BATCH);
    uint64_t bytes = count * MESSAGE_SIZE;
    uint64_t mr[TERN_MSG_MAX_LENGTH] = { bytes };
    if (reader->small) {
        memcpy(&mr[1], messages, bytes);
        return server_answer_deferred(reader->reply, tern_message(0, 0, 1 + bytes / 8), mr);
    }
    uint64_t copied;
    if (tern_reply_write_window(reader->reply, 0, 0, bytes, (uint64_t)messages, &copied) != TERN_OK
        || copied != bytes)
        mr[0] = (uint64_t)-LINUX_EFAULT;    /* its messages are lost, as a bad buffer loses them on Linux */
    return server_answer_deferred(reader->reply, tern_message(0, 0, 1), mr);
}

/* A message came: the first reader still waiting takes it, and pollers
 * are told. */
void userfault_message_came(struct userfault_object *object)
{
    while (object->readers && has_message(object)) {
        struct userfault_reader *reader = object->readers;
        object->readers = reader->next;
        if (!object->readers)
            object->last_reader = &object->readers;
        if (server_caller_waits(reader->reply))
            serve_reader(object, reader);
        else
            server_release_reply(reader->reply);
        heap_free(reader);
    }
    for (unsigned i = 0; i < 4; i++) {
        if (object->pollers[i]) {
            tern_signal(object->pollers[i]);
            memory_delete(&server_memory, object->pollers[i]);
            object->pollers[i] = 0;
        }
    }
}

/* ---- The fault path ---- */

/* thread waits, its request's reply kept, for the pager of the context
 * that registered address in space; the waiter's fields but the reply
 * and the thread's id come in `waiter`. */
static int wait_for_pager(struct request *request, struct thread *thread, struct space *space,
                          struct userfault_waiter waiter, bool in_system_call)
{
    const struct region *region = address_map_lookup(&space->map, waiter.address);
    struct userfault_object *object = region ? userfault_object_by_id(region->userfault) : 0;
    if (!object || object->core.space != space)
        return -LINUX_EFAULT;
    if (object->core.features & LINUX_UFFD_FEATURE_SIGBUS)
        return -LINUX_EFAULT;   /* SIGBUS, BUS_ADRERR: the caller's */
    if (in_system_call && object->core.user_mode_only)
        return -LINUX_EFAULT;   /* Linux's kernel access: VM_FAULT_SIGBUS, so EFAULT */
    if (!server_can_defer())
        return -LINUX_ENOMEM;
    /* A wait a signal ended (the kernel cancelled the fault's IPC) left
     * its place: the thread faults anew. */
    leave_queue(thread);
    waiter.reply = request->reply;
    waiter.tid = (uint32_t)thread->tid;
    thread->userfault = waiter;
    thread->userfault_context = &object->core;
    userfault_enqueue(&object->core, &thread->userfault);
    request->deferred = true;
    userfault_message_came(object);
    return 0;
}

int userfault_fault(struct request *request, struct thread *thread, uint64_t address, bool write,
                    bool minor, bool in_system_call)
{
    struct userfault_waiter waiter = { .address = address, .write = write, .minor = minor };
    return wait_for_pager(request, thread, thread->process->space, waiter, in_system_call);
}

int userfault_wait_for_access(struct request *request, struct thread *thread,
                              struct space *space, uint64_t address, bool write, int kind)
{
    struct userfault_waiter waiter = { .address = address, .write = write,
                                       .minor = kind == SPACE_FAULT_USERFAULT_MINOR,
                                       .for_call = true };
    return wait_for_pager(request, thread, space, waiter, true) < 0 ? -LINUX_EFAULT : 0;
}

/* ---- Making one ---- */

/* A context of space and its description (one reference), flags as
 * userfaultfd(2) took them; NULL with -errno in *status. */
struct userfault_object *userfault_object_make(struct space *space, uint64_t flags,
                                            bool privileged, int *status)
{
    unsigned index = 0;
    while (index < USERFAULT_LIMIT && objects[index])
        index++;
    struct userfault_object *object = index < USERFAULT_LIMIT ? heap_allocate(sizeof *object) : 0;
    if (!object) {
        *status = index < USERFAULT_LIMIT ? -LINUX_ENOMEM : -LINUX_ENFILE;
        return 0;
    }
    userfault_init(&object->core, index + 1, space);
    object->core.user_mode_only = flags & LINUX_UFFD_USER_MODE_ONLY;
    object->core.privileged = privileged;
    object->core.flags = (uint32_t)(flags & (LINUX_O_CLOEXEC | LINUX_O_NONBLOCK));
    object->last_reader = &object->readers;
    object->last_event = &object->events;
    *status = file_table_open(&files, object, LINUX_O_RDONLY | (flags & LINUX_O_NONBLOCK),
                              &object->handle);
    object->own_slot = *status < 0 ? 0 : slot_allocate(server_memory.slots);
    if (*status < 0 || !object->own_slot ||
        tern_cnode_mint(TERN_SLOT_CNODE, object->own_slot, CNODE_DEPTH, TERN_SLOT_CNODE,
                        SERVER_SLOT_ENDPOINT, CNODE_DEPTH, SERVER_DESCRIPTOR_RIGHTS,
                        object->handle) != TERN_OK) {
        if (*status >= 0) {
            void *last;
            file_table_close(&files, object->handle, &last);
        }
        if (object->own_slot)
            memory_delete(&server_memory, object->own_slot);
        heap_free(object);
        *status = *status < 0 ? *status : -LINUX_ENOMEM;
        return 0;
    }
    objects[index] = object;
    object_count++;
    return object;
}

/* PROC_USERFAULTFD_DEVICE: whether capability 0 is a descriptor of
 * vfs's /dev/userfaultfd, which only a caller the device's permissions
 * let open holds. procmgr hands it to vfs through its own capability
 * (VFS_USERFAULTFD_DEVICE) rather than calling the descriptor: it calls
 * no server but vfs, which never calls procmgr, so a descriptor of a
 * server that may be calling procmgr now cannot make the two wait on
 * each other. */
static bool through_device(struct request *request)
{
    static uint64_t vfs;
    uint64_t device = server_received_slot(request->message, 0);
    if (!device)
        return false;
    if (!vfs) {
        uint64_t slot = slot_allocate(server_memory.slots);
        if (!slot || tern_cnode_mint(TERN_SLOT_CNODE, slot, CNODE_DEPTH, TERN_SLOT_CNODE,
                                     PROCMGR_SLOT_SERVERS + SERVER_VFS, CNODE_DEPTH,
                                     CLIENT_RIGHTS, VFS_PROCMGR_BADGE) != TERN_OK) {
            if (slot)
                slot_free(server_memory.slots, slot);
            return false;
        }
        vfs = slot;
    }
    uint64_t mr[TERN_MSG_REGISTERS] = { 0 };
    tern_set_cap(0, device);
    tern_message_info info = tern_call(vfs, tern_message(VFS_USERFAULTFD_DEVICE, 1, 0), mr);
    return tern_message_label(info) == 0 && mr[0] == 0;
}

void handle_userfaultfd(struct request *request)
{
    struct process *process = request->process;
    uint64_t flags = request->mr[0], slot = request->mr[1];
    struct credentials credentials = process_credentials(process);
    bool device = flags & PROC_USERFAULTFD_DEVICE;
    flags &= ~PROC_USERFAULTFD_DEVICE;
    if (device && !through_device(request))
        return result(request, -LINUX_EBADF);
    int status = userfault_check_flags(flags, device || credentials_privileged(&credentials));
    if (status < 0)
        return result(request, status);
    if (slot < LINUX_SLOT_FD_BASE || slot >= LINUX_SLOT_FD_BASE + LINUX_MAX_FDS)
        return result(request, -LINUX_EINVAL);
    struct userfault_object *object = userfault_object_make(process->space, flags,
                                                  credentials_privileged(&credentials), &status);
    if (!object)
        return result(request, status);
    files_close_slot(process, slot);
    if (tern_cnode_copy(process->cnode, slot, CNODE_DEPTH, TERN_SLOT_CNODE, object->own_slot,
                        CNODE_DEPTH, TERN_RIGHTS_ALL) != TERN_OK) {
        userfault_file_call(object->handle, FILE_CLOSE);
        return result(request, -LINUX_ENOMEM);
    }
    result(request, 0);
}

/* ---- Its last reference goes ---- */

static void release(void *item)
{
    struct userfault_object *object = item;
    /* Every waiter retries its fault, which finds no registration now. */
    if (object->core.space)
        address_map_clear_userfault(&object->core.space->map, object->core.id);
    wake_range(object, 0, ~0ULL);
    while (object->readers) {
        struct userfault_reader *reader = object->readers;
        object->readers = reader->next;
        uint64_t mr[1] = { (uint64_t)-LINUX_EBADF };
        server_answer_deferred(reader->reply, tern_message(0, 0, 1), mr);
        heap_free(reader);
    }
    for (unsigned i = 0; i < 4; i++)
        if (object->pollers[i])
            memory_delete(&server_memory, object->pollers[i]);
    userfault_forks_release(object);
    userfault_events_release(object);
    memory_delete(&server_memory, object->own_slot);
    objects[object->core.id - 1] = 0;
    object_count--;
    heap_free(object);
}

void userfault_space_gone(struct space *space)
{
    for (unsigned i = 0; i < USERFAULT_LIMIT && object_count; i++) {
        if (objects[i] && objects[i]->core.space == space) {
            wake_range(objects[i], 0, ~0ULL);   /* its threads are gone: nobody answers */
            objects[i]->core.space = 0;
        }
    }
}

/* ---- procmgr's own calls through a descriptor ---- */

bool userfault_owns(uint64_t cnode, uint64_t slot, uint64_t *handle)
{
    for (unsigned i = 0; i < USERFAULT_LIMIT && object_count; i++) {
        uint64_t order;
        if (objects[i] &&
            tern_cnode_compare(TERN_SLOT_CNODE, objects[i]->own_slot, CNODE_DEPTH, cnode, slot,
                               CNODE_DEPTH, &order) == TERN_OK && order == 0) {
            *handle = objects[i]->handle;
            return true;
        }
    }
    return false;
}

int64_t userfault_file_call(uint64_t handle, uint64_t label)
{
    if (label == FILE_RETAIN)
        return file_table_retain(&files, handle);
    if (label != FILE_CLOSE)
        return -LINUX_EINVAL;
    void *last = 0;
    int status = file_table_close(&files, handle, &last);
    if (last)
        release(last);
    return status;
}

/* ---- read(2) and poll(2) ---- */

static enum server_outcome read_either(struct server_request *request, bool small)
{
    struct userfault_object *object = object_of(request->badge);
    if (!object)
        return server_answer(request, -LINUX_EBADF);
    uint64_t length = request->mr[0];
    if (!object->core.initialized || length < MESSAGE_SIZE)
        return server_answer(request, -LINUX_EINVAL);
    if (fork_is_next(object)) {
        struct userfault_fork *fork = userfault_next_fork(object);
        request->mr[0] = (uint64_t)USERFAULT_FORK_EVENT;
        request->mr[1] = fork->child->handle;
        request->answer = tern_message(0, 0, 2);
        return SERVER_ANSWER;
    }
    if (!has_message(object)) {
        if (file_server_flags(&userfault_files, request->badge) & LINUX_O_NONBLOCK)
            return server_answer(request, -LINUX_EAGAIN);
        struct userfault_reader *reader = server_can_defer() ? heap_allocate(sizeof *reader) : 0;
        if (!reader)
            return server_answer(request, -LINUX_ENOMEM);
        *reader = (struct userfault_reader){ .reply = request->reply, .length = length,
                                             .small = small };
        *object->last_reader = reader;
        object->last_reader = &reader->next;
        return SERVER_DEFER;
    }
    struct linux_uffd_msg messages[READ_BATCH];
    unsigned max = (unsigned)(length / MESSAGE_SIZE);
    unsigned count = take_messages(object, messages, max < READ_BATCH ? max : READ_BATCH);
    uint64_t bytes = count * MESSAGE_SIZE;
    if (small) {
        memcpy(&request->mr[1], messages, bytes);
        request->mr[0] = bytes;
        request->answer = tern_message(0, 0, 1 + bytes / 8);
        return SERVER_ANSWER;
    }
    if (server_write_window(request, 0, 0, messages, bytes) < 0)
        return server_answer(request, -LINUX_EFAULT);
    return server_answer(request, (int64_t)bytes);
}

static enum server_outcome read_messages(struct server_request *request)
{
    return read_either(request, false);
}

static enum server_outcome read_messages_small(struct server_request *request)
{
    return read_either(request, true);
}

/* Linux's userfaultfd_poll: POLLERR before UFFDIO_API and for a
 * descriptor without O_NONBLOCK (a poll never promises a read will not
 * block: a fault can be woken before it is read), else POLLIN while a
 * message waits. */
static int64_t poll_messages(struct server_request *request, uint32_t events,
                             uint64_t notification, bool *kept)
{
    (void)events;
    struct userfault_object *object = object_of(request->badge);
    if (!object)
        return -LINUX_EBADF;
    if (!object->core.initialized ||
        !(file_server_flags(&userfault_files, request->badge) & LINUX_O_NONBLOCK))
        return FILE_POLLERR;
    if (has_message(object))
        return FILE_POLLIN;
    if (!notification)
        return 0;
    unsigned free = 0;
    while (free < 4 && object->pollers[free])
        free++;
    if (free == 4) {
        /* Full: the ones kept are woken now (a poller that wakes for
         * nothing polls again), making room. */
        for (unsigned i = 0; i < 4; i++) {
            tern_signal(object->pollers[i]);
            memory_delete(&server_memory, object->pollers[i]);
            object->pollers[i] = 0;
        }
        free = 0;
    }
    object->pollers[free] = notification;
    *kept = true;
    return 0;
}

static enum server_outcome poll(struct server_request *request)
{
    return server_answer(request, server_poll(request, poll_messages));
}

/* ---- The ioctls (userfault_ioctls.c) ---- */

enum server_outcome userfault_ioctl(struct server_request *request, struct userfault *context,
                                    void (*wake)(uint32_t id, uint64_t start, uint64_t end));

static void wake_context(uint32_t id, uint64_t start, uint64_t end)
{
    struct userfault_object *object = userfault_object_by_id(id);
    if (object)
        wake_range(object, start, end);
}

static enum server_outcome control(struct server_request *request)
{
    struct userfault_object *object = object_of(request->badge);
    if (!object)
        return server_answer(request, -LINUX_EBADF);
    if ((uint32_t)request->mr[0] == USERFAULT_TAKE_FORK)
        return userfault_take_fork(request, object);
    return userfault_ioctl(request, &object->core, wake_context);
}

static int retain(uint64_t handle)
{
    return file_table_retain(&files, handle);
}

static int close(uint64_t handle)
{
    return (int)userfault_file_call(handle, FILE_CLOSE);
}

static const struct file_operations operations = {
    .read = read_messages,
    .read_small = read_messages_small,
    .poll = poll,
    .ioctl = control,
    .retain = retain,
    .close = close,
};

/* poll_only: epoll polls these (sys/protocol/watch.h), since a board
 * would be mapped by procmgr, which cannot call itself for its page. */
const struct file_server userfault_files = { .operations = &operations, .files = &files,
                                             .poll_only = true,
                                             .anonymous_name = "userfaultfd" };

void userfault_files_init(void)
{
    file_table_init(&files, server_allocate_page, 0);
}
