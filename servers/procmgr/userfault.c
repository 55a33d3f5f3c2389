/* userfaultfd contexts: userfault.h. Rules as Linux 6.1's fs/userfaultfd.c. */
#include "userfault.h"
#include "address_map.h"
#include "sys/linux_abi.h"
#include "sys/linux_process.h"

#define PAGE_MASK (ADDRESS_MAP_PAGE_SIZE - 1)
/* arm64 Linux's TASK_SIZE with 48-bit addresses: validate_range's limit. */
#define USER_ADDRESS_LIMIT (1ULL << 48)

void userfault_init(struct userfault *context, uint32_t id, struct space *space)
{
    *context = (struct userfault){ .id = id, .space = space };
    context->last_waiter = &context->waiters;
}

int userfault_check_flags(uint64_t flags, bool privileged)
{
    /* userfaultfd_syscall_allowed comes before new_userfaultfd's check. */
    if (!(flags & LINUX_UFFD_USER_MODE_ONLY) && !privileged)
        return -LINUX_EPERM;
    if (flags & ~(uint64_t)(LINUX_O_CLOEXEC | LINUX_O_NONBLOCK | LINUX_UFFD_USER_MODE_ONLY))
        return -LINUX_EINVAL;
    return 0;
}

int userfault_api(struct userfault *context, struct linux_uffdio_api *api)
{
    uint64_t features = api->features;
    int error = 0;
    if (api->api != LINUX_UFFD_API || (features & ~(uint64_t)USERFAULT_FEATURES))
        error = -LINUX_EINVAL;
    else if ((features & LINUX_UFFD_FEATURE_EVENT_FORK) && !context->privileged)
        error = -LINUX_EPERM;
    else if (context->initialized)
        error = -LINUX_EINVAL;
    if (error) {
        /* Linux answers a second call after writing the offer, then
         * zeroes it: the caller sees zeroes either way. */
        *api = (struct linux_uffdio_api){ 0 };
        return error;
    }
    api->features = USERFAULT_FEATURES;
    api->ioctls = LINUX_UFFD_API_IOCTLS;
    context->features = features;
    context->initialized = true;
    return 0;
}

int userfault_check_range(uint64_t start, uint64_t length)
{
    if ((start & PAGE_MASK) || (length & PAGE_MASK) || length == 0)
        return -LINUX_EINVAL;
    if (start < ADDRESS_MAP_LOWEST || start >= USER_ADDRESS_LIMIT ||
        length > USER_ADDRESS_LIMIT - start)
        return -LINUX_EINVAL;
    return 0;
}

int userfault_check_modes(uint64_t modes)
{
    if (modes == 0 || (modes & ~(uint64_t)USERFAULT_MODES))
        return -LINUX_EINVAL;
    return 0;
}

bool userfault_region_takes(const struct region *region, uint64_t modes)
{
    return !(modes & LINUX_UFFDIO_REGISTER_MODE_MINOR) || region->object != 0;
}

void userfault_enqueue(struct userfault *context, struct userfault_waiter *waiter)
{
    waiter->next = 0;
    waiter->reported = false;
    *context->last_waiter = waiter;
    context->last_waiter = &waiter->next;
    context->unreported++;
}

struct userfault_waiter *userfault_next_unreported(struct userfault *context)
{
    if (context->unreported == 0)
        return 0;
    for (struct userfault_waiter *waiter = context->waiters; waiter; waiter = waiter->next) {
        if (!waiter->reported) {
            waiter->reported = true;
            context->unreported--;
            return waiter;
        }
    }
    return 0;
}

/* Unlinks the waiter *link points at; returns it. */
static struct userfault_waiter *unlink_at(struct userfault *context,
                                          struct userfault_waiter **link)
{
    struct userfault_waiter *waiter = *link;
    *link = waiter->next;
    if (context->last_waiter == &waiter->next)
        context->last_waiter = link;
    if (!waiter->reported)
        context->unreported--;
    return waiter;
}

void userfault_take_range(struct userfault *context, uint64_t start, uint64_t end,
                          void (*release)(void *release_context, struct userfault_waiter *waiter),
                          void *release_context)
{
    struct userfault_waiter **link = &context->waiters;
    while (*link) {
        uint64_t address = (*link)->address;
        if (address >= start && address < end)
            release(release_context, unlink_at(context, link));
        else
            link = &(*link)->next;
    }
}

void userfault_remove(struct userfault *context, struct userfault_waiter *waiter)
{
    for (struct userfault_waiter **link = &context->waiters; *link; link = &(*link)->next) {
        if (*link == waiter) {
            unlink_at(context, link);
            return;
        }
    }
}

struct linux_uffd_msg userfault_message(const struct userfault *context,
                                        const struct userfault_waiter *waiter)
{
    struct linux_uffd_msg message = { .event = LINUX_UFFD_EVENT_PAGEFAULT };
    bool exact = context->features & LINUX_UFFD_FEATURE_EXACT_ADDRESS;
    message.arg.pagefault.address = exact ? waiter->address : waiter->address & ~PAGE_MASK;
    message.arg.pagefault.flags = (waiter->write ? LINUX_UFFD_PAGEFAULT_FLAG_WRITE : 0) |
                                  (waiter->minor ? LINUX_UFFD_PAGEFAULT_FLAG_MINOR : 0);
    if (context->features & LINUX_UFFD_FEATURE_THREAD_ID)
        message.arg.pagefault.ptid = waiter->tid;
    return message;
}
