/*
 * epoll (epoll_create1, epoll_ctl, epoll_pwait, epoll_pwait2) on the
 * servers' readiness boards (sys/protocol/watch.h).
 *
 * An epoll descriptor is a descriptor of the event server (EVENT_EPOLL),
 * so dup, fork, close-on-exec and close treat it as any other; what it
 * watches is this process's, in an instance block of its own memory
 * (epoll_core.h), found through the descriptor (by_fd, or the server's
 * EVENT_EPOLL_ID when the descriptor came some other way). Each watched
 * descriptor is a slot of a board its server lent the instance and this
 * process maps (epoll_boards.c), so epoll_wait reads what is ready
 * without a call to anyone; it calls the boards' servers only to sleep
 * (FILE_POLL on a board keeps the thread's notification until the board
 * changes).
 *
 * A fork copies the instances: the child's first use of one makes boards
 * of its own and watches through them again (its inherited mappings of
 * the parent's boards go). After an execve an inherited epoll descriptor
 * has an empty instance. docs/personality.md lists what differs from
 * Linux.
 */
#include "descriptors.h"
#include "epoll_boards.h"
#include "epoll_core.h"
#include "personality.h"
#include "poll.h"
#include "server_call.h"
#include "signals.h"
#include "syscalls.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/protocol/event.h"
#include "sys/protocol/file.h"

#define EPOLL_CTL_ADD       1
#define EPOLL_CTL_DEL       2
#define EPOLL_CTL_MOD       3
#define EPOLL_CLOEXEC       LINUX_O_CLOEXEC
/* Linux's EP_MAX_NESTS, and the events EPOLLEXCLUSIVE may come with. */
#define MAX_NESTS           4
#define EXCLUSIVE_OK_BITS   (EPOLL_IN | EPOLL_OUT | EPOLL_ERR | EPOLL_HUP | EPOLL_WAKEUP |     \
                             EPOLL_ET | EPOLL_EXCLUSIVE)
/* Linux's EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event). */
#define MAX_EVENTS          (0x7fffffff / (int64_t)sizeof(struct epoll_report))
#define SIGSET_SIZE         8

static struct linux_lock epoll_lock;
static struct epoll_instance *instances;
static struct epoll_instance *by_fd[LINUX_MAX_FDS];
static uint64_t registered_fds[LINUX_MAX_FDS / 64];    /* some item names the descriptor */

/* ---- Instances ---- */

static struct epoll_instance *new_instance(uint64_t id)
{
    uint64_t size = (sizeof(struct epoll_instance) + LINUX_PAGE_SIZE - 1) &
                    ~(uint64_t)(LINUX_PAGE_SIZE - 1);
    int64_t address = sys_mmap(0, size, LINUX_PROT_READ | LINUX_PROT_WRITE,
                               LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS, -1, 0);
    if (address < 0)
        return 0;
    struct epoll_instance *instance = (struct epoll_instance *)address;
    epoll_instance_init(instance, id, epoll_process_id(), size);
    instance->next = instances;
    instances = instance;
    return instance;
}

static void destroy_instance(struct epoll_instance *instance)
{
    for (struct epoll_instance **link = &instances; *link; link = &(*link)->next) {
        if (*link == instance) {
            *link = instance->next;
            break;
        }
    }
    /* Linux's epoll drops an epoll that goes from every epoll holding it. */
    for (struct epoll_instance *outer = instances; outer; outer = outer->next)
        for (uint32_t i = 0; i < outer->item_limit; i++)
            if (outer->items[i].used && outer->items[i].inner == instance)
                epoll_item_free(outer, &outer->items[i]);
    epoll_drop_boards(instance, instance->pid == epoll_process_id());
    sys_munmap((uint64_t)(uintptr_t)instance, instance->block_size);
}

/* The instance epfd names, rebuilt after a fork; NULL with *error -EBADF
 * (no such descriptor) or -EINVAL (not an epoll). */
static struct epoll_instance *instance_of(int64_t epfd, int64_t *error)
{
    int64_t slot = linux_fd_capability(epfd);
    if (slot < 0) {
        *error = slot;
        return 0;
    }
    struct epoll_instance *instance = by_fd[epfd];
    if (!instance) {
        uint64_t mr[4] = {0};
        int64_t id = linux_call((uint64_t)slot, EVENT_EPOLL_ID, 0, 0, 0, mr);
        if (id <= 0) {
            *error = -LINUX_EINVAL;
            return 0;
        }
        for (instance = instances; instance && instance->id != (uint64_t)id;
             instance = instance->next)
            ;
        if (instance)
            instance->descriptors++;
        else if (!(instance = new_instance((uint64_t)id))) {
            *error = -LINUX_ENOMEM;
            return 0;
        }
        by_fd[epfd] = instance;
    }
    epoll_rebuild(instance);
    return instance;
}

/* kcmp's KCMP_EPOLL_TFD about this process: whether epfd watches its
 * descriptor tfd (Linux's ep_find_tfd: the toff-th item registered under
 * that number; an item whose descriptor was closed here has none). 0,
 * -ENOENT, or instance_of's -EBADF, -EINVAL. */
int64_t linux_epoll_watches(int64_t epfd, int64_t tfd, uint64_t toff)
{
    int64_t error = 0;
    linux_lock(&epoll_lock);
    struct epoll_instance *instance = instance_of(epfd, &error);
    uint64_t found = 0;
    for (uint32_t i = 0; instance && i < instance->item_limit; i++)
        if (instance->items[i].used && instance->items[i].fd == tfd && found++ == toff)
            break;
    linux_unlock(&epoll_lock);
    if (!instance)
        return error;
    return found > toff ? 0 : -LINUX_ENOENT;
}

/* ---- Hooks of the descriptor table (descriptors.c) ---- */

void linux_epoll_descriptor_closed(unsigned fd)
{
    if (!instances || fd >= LINUX_MAX_FDS)
        return;
    linux_lock(&epoll_lock);
    struct epoll_instance *instance = by_fd[fd];
    if (instance) {
        by_fd[fd] = 0;
        if (--instance->descriptors == 0)
            destroy_instance(instance);
    }
    if (registered_fds[fd / 64] & (1ULL << (fd % 64))) {
        registered_fds[fd / 64] &= ~(1ULL << (fd % 64));
        for (instance = instances; instance; instance = instance->next)
            epoll_detach_fd(instance, (int32_t)fd);
    }
    linux_unlock(&epoll_lock);
}

void linux_epoll_descriptor_copied(unsigned from, unsigned to)
{
    if (!instances || from >= LINUX_MAX_FDS || to >= LINUX_MAX_FDS)
        return;
    linux_lock(&epoll_lock);
    if (by_fd[from]) {
        by_fd[to] = by_fd[from];
        by_fd[to]->descriptors++;
    }
    linux_unlock(&epoll_lock);
}

/* ---- Readiness ---- */

static uint32_t local_events(struct epoll_item *item);

static bool inner_ready(struct epoll_instance *inner)
{
    epoll_rebuild(inner);
    epoll_note_changes(inner);
    return epoll_harvest(inner, 0, 1, true, local_events) > 0;
}

/* A nested epoll is readable while it has an event to give; a signalfd
 * while a signal of its mask is pending. */
static uint32_t local_events(struct epoll_item *item)
{
    if (item->polled) {
        /* A description gone (its last descriptor closed) is no longer
         * ready: Linux drops the registration with the file. */
        uint64_t ready = linux_poll_capability(item->capability,
                                               item->events & EPOLL_EVENT_BITS, 0);
        return ready & FILE_POLLNVAL ? 0 : (uint32_t)ready;
    }
    if (item->inner)
        return inner_ready(item->inner) ? EPOLL_IN | EPOLL_RDNORM : 0;
    uint64_t pending = linux_signalfd_pending(item->signals);
    if (!(item->events & EPOLL_ET))
        return pending ? EPOLL_IN : 0;
    /* Edge-triggered: with one of its signals pending, a signal queued
     * since it last looked (a repeat of a pending standard signal is
     * none), as Linux's wake-ups of a signalfd's waiters. */
    uint64_t queued = __atomic_load_n(&linux_process_info()->signals_queued, __ATOMIC_ACQUIRE);
    bool news = queued != item->signals_seen;
    item->signals_seen = queued;
    return pending && news ? EPOLL_IN : 0;
}

/* Leaves notification with every board of instance (and of the
 * instances inside it), to be signalled at their next change: whether
 * one had changed already. */
static bool arm(struct epoll_instance *instance, uint64_t notification, unsigned depth)
{
    bool changed = false;
    for (uint32_t b = 0; b < instance->board_count; b++)
        changed |= linux_poll_capability(instance->boards[b].capability, FILE_POLLIN,
                                         notification) != 0;
    for (uint32_t i = 0; i < instance->item_limit && depth <= MAX_NESTS; i++) {
        struct epoll_item *item = &instance->items[i];
        if (item->used && item->inner)
            changed |= arm(item->inner, notification, depth + 1);
        else if (item->used && item->signalfd)
            changed |= linux_signalfd_poll(item->signals, FILE_POLLIN, notification) != 0;
        else if (item->used && item->polled)
            changed |= (linux_poll_capability(item->capability, item->events & EPOLL_EVENT_BITS,
                                              notification) & ~(uint64_t)FILE_POLLNVAL) != 0;
    }
    return changed;
}

uint64_t linux_epoll_poll(int64_t fd, uint64_t events, uint64_t notification, bool *is_epoll)
{
    *is_epoll = false;
    if (!instances || fd < 0 || fd >= LINUX_MAX_FDS || !by_fd[fd])
        return 0;
    *is_epoll = true;
    linux_lock(&epoll_lock);
    struct epoll_instance *instance = by_fd[fd];
    bool ready = instance && inner_ready(instance);
    if (instance && !ready && notification && arm(instance, notification, 0))
        ready = inner_ready(instance);
    linux_unlock(&epoll_lock);
    return ready ? events & (FILE_POLLIN | FILE_POLLRDNORM) : 0;
}

/* ---- The system calls ---- */

int64_t sys_epoll_create1(int64_t flags)
{
    if ((uint32_t)flags & ~(uint32_t)EPOLL_CLOEXEC)
        return -LINUX_EINVAL;
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    uint64_t mr[4] = {0, 0, 0, 0};
    int64_t result = linux_call_receiving(linux_fd_slot((unsigned)fd), LINUX_SLOT_EVENT,
                                          EVENT_EPOLL, 2, 0, 0, mr);
    if (result >= 0) {
        linux_lock(&epoll_lock);
        struct epoll_instance *instance = new_instance(mr[1]);
        by_fd[fd] = instance;
        linux_unlock(&epoll_lock);
        if (!instance) {
            linux_capability_close(linux_fd_slot((unsigned)fd));
            result = -LINUX_ENOMEM;
        }
    }
    return linux_fd_settle((unsigned)fd, result, (uint32_t)flags & EPOLL_CLOEXEC);
}

/* The most events one epoll_wait reports (fewer than asked is Linux's
 * right too): they are taken into the thread's stack first. */
#define REPORTS_AT_ONCE 256

struct wait_state {
    int64_t epfd;
    struct epoll_report *reports;   /* the caller's; NULL: one that cannot be written */
    int max;
    uint64_t sleeping;              /* the wake-up capability recorded in the instance */
    bool probed;                    /* the caller's buffer took a store */
    struct epoll_report taken[REPORTS_AT_ONCE];
};

/* A thread that sleeps is woken by an epoll_ctl that readies an item. */
static void note_sleeper(struct epoll_instance *instance, struct wait_state *wait,
                         uint64_t notification)
{
    if (wait->sleeping == notification)
        return;
    for (unsigned i = 0; i < EPOLL_MAX_SLEEPERS; i++) {
        if (!instance->sleepers[i]) {
            instance->sleepers[i] = notification;
            wait->sleeping = notification;
            return;
        }
    }
}

static void forget_sleeper(int64_t epfd, uint64_t notification)
{
    struct epoll_instance *instance = by_fd[epfd];
    for (unsigned i = 0; instance && i < EPOLL_MAX_SLEEPERS; i++)
        if (instance->sleepers[i] == notification)
            instance->sleepers[i] = 0;
}

static void wake_sleepers(struct epoll_instance *instance, const struct epoll_item *item)
{
    for (unsigned i = 0; item->queued && i < EPOLL_MAX_SLEEPERS; i++)
        if (instance->sleepers[i])
            tern_signal(instance->sleepers[i]);
}

#define LOOPS 1000

/* How many epoll links lead down from instance (0: it holds no epoll),
 * or LOOPS if one leads to outer. */
static unsigned depth_below(const struct epoll_instance *instance,
                            const struct epoll_instance *outer, unsigned visited)
{
    unsigned deepest = 0;
    if (visited > MAX_NESTS + 1)
        return LOOPS;
    for (uint32_t i = 0; i < instance->item_limit; i++) {
        const struct epoll_instance *nested =
            instance->items[i].used ? instance->items[i].inner : 0;
        if (!nested)
            continue;
        if (nested == outer)
            return LOOPS;
        unsigned below = 1 + depth_below(nested, outer, visited + 1);
        if (below > deepest)
            deepest = below;
    }
    return deepest;
}

/* How many epoll links lead up from instance: the epolls holding it. */
static unsigned depth_above(const struct epoll_instance *instance, unsigned visited)
{
    unsigned highest = 0;
    if (visited > MAX_NESTS + 1)
        return LOOPS;
    for (struct epoll_instance *outer = instances; outer; outer = outer->next) {
        for (uint32_t i = 0; i < outer->item_limit; i++) {
            if (outer->items[i].used && outer->items[i].inner == instance) {
                unsigned above = 1 + depth_above(outer, visited + 1);
                if (above > highest)
                    highest = above;
                break;
            }
        }
    }
    return highest;
}

/* Linux's ep_loop_check: ELOOP if putting inner into outer makes a
 * cycle, or a path of more than MAX_NESTS epoll links, counted from the
 * highest epoll above outer to the deepest below inner. */
static bool loops(const struct epoll_instance *outer, const struct epoll_instance *inner)
{
    unsigned below = depth_below(inner, outer, 0);
    return below > MAX_NESTS || below + 1 + depth_above(outer, 0) > MAX_NESTS;
}

static int64_t add(struct epoll_instance *instance, int64_t fd, uint64_t target,
                   const struct epoll_report *event)
{
    if (epoll_find(instance, (int32_t)fd))
        return -LINUX_EEXIST;
    struct epoll_instance *inner = by_fd[fd];
    if (inner && loops(instance, inner))
        return -LINUX_ELOOP;
    uint64_t signals = 0;
    bool signalfd = linux_signalfd_mask(fd, &signals);
    struct epoll_item *item = epoll_item_new(instance);
    if (!item)
        return -LINUX_ENOSPC;
    item->fd = (int32_t)fd;
    item->events = event->events;
    item->data = event->data;
    if (inner) {
        epoll_rebuild(inner);
        item->inner = inner;
    } else if (signalfd) {
        item->signalfd = true;
        item->signals = signals;
        item->signals_seen = linux_process_info()->signals_queued - 1;  /* new to it */
    } else {
        int64_t result = epoll_watch(instance, target, item);
        if (result < 0) {
            epoll_item_free(instance, item);
            return result;
        }
    }
    registered_fds[fd / 64] |= 1ULL << (fd % 64);
    epoll_note_changes(instance);
    epoll_item_check(instance, item);
    wake_sleepers(instance, item);
    return 0;
}

/* Whether the descriptor in target can be polled at all (Linux's
 * file_can_poll): its server answers FILE_WATCH without a board with
 * -EPERM if not. Asked only where the answer decides an error. */
static bool pollable(int64_t fd, uint64_t target)
{
    uint64_t mask;
    if (by_fd[fd] || linux_signalfd_mask(fd, &mask))
        return true;
    uint64_t mr[4] = {WATCH_BOARD_SLOTS, 0, 0, 0};
    int64_t result = linux_call(target, FILE_WATCH, 1, 0, 0, mr);
    return result != -LINUX_EPERM && result != -LINUX_ENOSYS;
}

int64_t sys_epoll_ctl(int64_t epfd, int64_t operation, int64_t fd,
                      const struct epoll_report *user_event)
{
    struct epoll_report event = {0};
    bool has_event = operation != EPOLL_CTL_DEL;
    if (has_event) {
        if (!linux_user_range((uint64_t)(uintptr_t)user_event, sizeof event))
            return -LINUX_EFAULT;
        event = *user_event;
    }
    /* Linux's order: both descriptors, then whether fd can be polled
     * (the server answers that), then the epoll. */
    int64_t epoll_slot = linux_fd_capability(epfd);
    if (epoll_slot < 0)
        return epoll_slot;
    int64_t target = linux_fd_capability(fd);
    if (target < 0)
        return target;
    linux_lock(&epoll_lock);
    int64_t error = 0;
    struct epoll_instance *instance = instance_of(epfd, &error);
    if (instance && (epfd == fd || by_fd[fd] == instance))
        error = -LINUX_EINVAL;      /* the epoll itself, through any descriptor */
    struct epoll_item *item = instance ? epoll_find(instance, (int32_t)fd) : 0;
    /* Linux refuses a file without poll first, whatever else is wrong;
     * a registration found shows fd can be polled. */
    if (!item && (error || operation != EPOLL_CTL_ADD) && !pollable(fd, (uint64_t)target))
        error = -LINUX_EPERM;
    if (!error && has_event && (event.events & EPOLL_EXCLUSIVE) &&
        (operation == EPOLL_CTL_MOD ||
         (operation == EPOLL_CTL_ADD && (by_fd[fd] || (event.events & ~EXCLUSIVE_OK_BITS)))))
        error = -LINUX_EINVAL;
    if (error) {
        linux_unlock(&epoll_lock);
        return error;
    }
    switch (operation) {
    case EPOLL_CTL_ADD:
        error = add(instance, fd, (uint64_t)target, &event);
        break;
    case EPOLL_CTL_DEL:
        if (!item) {
            error = -LINUX_ENOENT;
            break;
        }
        epoll_unwatch(instance, item);
        epoll_item_free(instance, item);
        break;
    case EPOLL_CTL_MOD:
        if (!item)
            error = -LINUX_ENOENT;
        else if (item->events & EPOLL_EXCLUSIVE)
            error = -LINUX_EINVAL;
        else {
            epoll_item_modify(instance, item, event.events, event.data);
            if (item->signalfd)     /* looked at anew, as Linux's ep_modify polls */
                item->signals_seen = linux_process_info()->signals_queued - 1;
            wake_sleepers(instance, item);
        }
        break;
    default:
        error = -LINUX_EINVAL;
    }
    linux_unlock(&epoll_lock);
    return error;
}

/* The caller's buffer must take a report before anything is taken off
 * the ready list: a bad buffer faults the thread into linux_fault_return
 * (EFAULT) here, with the lock free and nothing lost, as Linux puts back
 * an event its copy could not store. */
static void probe_buffer(struct wait_state *wait)
{
    *(volatile uint32_t *)&wait->reports[0].events = 0;
    wait->probed = true;
}

/* Whether the instance may have something to report: then the buffer is
 * probed first (and the pass starts again, the lock having been let go).
 * An instance whose list holds only items no longer ready probes a
 * buffer Linux would not have looked at. */
static bool must_probe(struct wait_state *wait, const struct epoll_instance *instance)
{
    return instance->ready_first != EPOLL_NO_ITEM && !wait->probed && wait->reports;
}

/* What is ready, into wait->taken; with no buffer, -EFAULT if there is
 * anything (it stays). */
static int64_t harvest(struct wait_state *wait, struct epoll_instance *instance)
{
    if (wait->reports)
        return epoll_harvest(instance, wait->taken, wait->max, false, local_events);
    return epoll_harvest(instance, 0, 1, true, local_events) ? -LINUX_EFAULT : 0;
}

/* One pass of epoll_wait (poll.h's scan): what is ready, taken into
 * wait->taken (the caller's buffer gets it with the lock free), or the
 * notification left with every board. */
static int64_t scan_instance(void *context, uint64_t notification)
{
    struct wait_state *wait = context;
    /* A hint without the lock: the common case probes before locking. */
    struct epoll_instance *hint = by_fd[wait->epfd];
    if (hint && must_probe(wait, hint))
        probe_buffer(wait);
    for (;;) {
        linux_lock(&epoll_lock);
        int64_t count = 0;
        struct epoll_instance *instance = instance_of(wait->epfd, &count);
        if (!instance) {
            linux_unlock(&epoll_lock);
            return count;
        }
        epoll_note_changes(instance);
        if (must_probe(wait, instance)) {
            linux_unlock(&epoll_lock);
            probe_buffer(wait);
            continue;
        }
        count = harvest(wait, instance);
        if (count == 0 && notification) {
            note_sleeper(instance, wait, notification);
            if (arm(instance, notification, 0)) {
                epoll_note_changes(instance);
                if (must_probe(wait, instance)) {
                    linux_unlock(&epoll_lock);
                    probe_buffer(wait);
                    continue;
                }
                count = harvest(wait, instance);
            }
        }
        linux_unlock(&epoll_lock);
        /* A signal pending already (one the call's mask lets through)
         * ends the wait before it begins, as Linux's ep_poll. */
        if (count == 0 && notification && linux_signal_deliverable())
            count = -LINUX_ERESTARTNOHAND;
        return count;
    }
}

static int64_t wait_for_events(int64_t epfd, struct epoll_report *reports, int64_t max,
                               struct linux_timespec *timeout, const uint64_t *signal_mask,
                               uint64_t mask_size)
{
    if (signal_mask && mask_size != SIGSET_SIZE)
        return -LINUX_EINVAL;
    if (max <= 0 || max > MAX_EVENTS)
        return -LINUX_EINVAL;
    /* Linux's access_ok: a buffer is looked at only when an event is
     * stored; one in the page at 0 is never writable. */
    if ((uintptr_t)reports < LINUX_PAGE_SIZE)
        reports = 0;
    else if (!linux_user_range((uint64_t)(uintptr_t)reports, (uint64_t)max * sizeof *reports))
        return -LINUX_EFAULT;
    struct wait_state wait;     /* taken is written before it is read: no zeroing */
    wait.epfd = epfd;
    wait.reports = reports;
    wait.max = max < REPORTS_AT_ONCE ? (int)max : REPORTS_AT_ONCE;
    wait.sleeping = 0;
    wait.probed = false;
    /* The common case first: something is ready (or the epoll is bad). */
    int64_t result = scan_instance(&wait, 0);
    if (result == 0) {
        if (signal_mask)
            linux_block_temporarily(*signal_mask);     /* until the call ends (signals.h) */
        result = linux_poll_wait(scan_instance, &wait, timeout, false);
        if (wait.sleeping) {
            linux_lock(&epoll_lock);
            forget_sleeper(epfd, wait.sleeping);
            linux_unlock(&epoll_lock);
        }
    }
    if (result > 0)
        __builtin_memcpy(reports, wait.taken, (uint64_t)result * sizeof *reports);
    /* -ERESTARTNOHAND: -EINTR once a handler ran, SA_RESTART or not, as
     * Linux's epoll_wait is never restarted. */
    return result;
}

int64_t sys_epoll_pwait(int64_t epfd, struct epoll_report *reports, int64_t max,
                        int64_t milliseconds, const uint64_t *signal_mask, uint64_t mask_size)
{
    int32_t ms = (int32_t)milliseconds;
    struct linux_timespec timeout = {ms / 1000, (ms % 1000) * 1000000};
    return wait_for_events(epfd, reports, (int32_t)max, ms < 0 ? 0 : &timeout, signal_mask,
                           mask_size);
}

int64_t sys_epoll_pwait2(int64_t epfd, struct epoll_report *reports, int64_t max,
                         const struct linux_timespec *user_timeout, const uint64_t *signal_mask,
                         uint64_t mask_size)
{
    struct linux_timespec timeout;
    if (user_timeout) {
        if (!linux_user_range((uint64_t)(uintptr_t)user_timeout, sizeof timeout))
            return -LINUX_EFAULT;
        timeout = *user_timeout;
        if (!timespec_is_valid(&timeout))
            return -LINUX_EINVAL;
    }
    return wait_for_events(epfd, reports, (int32_t)max, user_timeout ? &timeout : 0,
                           signal_mask, mask_size);
}
