/*
 * The UFFDIO ioctls of a userfaultfd descriptor (userfault_requests.c
 * hands them here): the argument structure is window 0 of the request,
 * as the personality names every ioctl's; UFFDIO_COPY's source bytes are
 * window 1, which the personality names for it alone, so that the kernel
 * copies them straight from the caller (whichever process that is, as
 * Linux reads them from current->mm) into the new page's frame.
 * Errors and their order are Linux 6.1's (fs/userfaultfd.c,
 * mm/userfaultfd.c).
 */
#include "frames.h"
#include "memory_object.h"
#include "request.h"
#include "userfault.h"
#include "sys/linux_abi.h"

#define PAGE 4096ULL

/* Wakes the waiters in [start, end) of the context whose id is given. */
typedef void wake_function(uint32_t id, uint64_t start, uint64_t end);

static enum server_outcome api(struct server_request *request, struct userfault *context)
{
    struct linux_uffdio_api argument;
    if (server_read_window(request, 0, 0, &argument, sizeof argument) < 0)
        return server_answer(request, -LINUX_EFAULT);
    int status = userfault_api(context, &argument);
    if (server_write_window(request, 0, 0, &argument, sizeof argument) < 0)
        status = -LINUX_EFAULT;
    return server_answer(request, status);
}

/* The regions register and unregister look at, as Linux's find_vma_prev
 * then "vma->vm_start >= end": -ENOMEM with none ending above start,
 * -EINVAL if the first starts at or past end; then each must be one a
 * userfaultfd can take in modes (userfault_region_takes: -EINVAL), and,
 * with busy_for set, not registered with another (-EBUSY). */
static int check_regions(const struct address_map *map, uint64_t start, uint64_t end,
                         uint64_t modes, uint32_t busy_for)
{
    const struct region *first = 0;
    for (unsigned i = 0; i < map->count && !first; i++)
        if (map->regions[i].end > start)
            first = &map->regions[i];
    if (!first)
        return -LINUX_ENOMEM;
    if (first->start >= end)
        return -LINUX_EINVAL;
    for (const struct region *region = first;
         region < map->regions + map->count && region->start < end; region++) {
        if (!userfault_region_takes(region, modes) ||
            (region->object && !memory_object_takes_userfault(region->object)))
            return -LINUX_EINVAL;
        if (busy_for && region->userfault && region->userfault != busy_for)
            return -LINUX_EBUSY;
    }
    return 0;
}

static enum server_outcome register_range(struct server_request *request,
                                          struct userfault *context)
{
    struct linux_uffdio_register argument;
    if (server_read_window(request, 0, 0, &argument, sizeof argument - 8) < 0)
        return server_answer(request, -LINUX_EFAULT);
    int status = userfault_check_modes(argument.mode);
    if (status == 0)
        status = userfault_check_range(argument.range.start, argument.range.len);
    if (status == 0 && !context->space)
        status = -LINUX_ESRCH;
    uint64_t start = argument.range.start, end = start + argument.range.len;
    if (status == 0)
        status = check_regions(&context->space->map, start, end, argument.mode, context->id);
    if (status == 0)
        status = address_map_set_userfault(&context->space->map, start, end, context->id,
                                           (uint32_t)argument.mode);
    if (status < 0)
        return server_answer(request, status);
    uint64_t ioctls = argument.mode & LINUX_UFFDIO_REGISTER_MODE_MINOR
                          ? LINUX_UFFD_MINOR_RANGE_IOCTLS
                          : LINUX_UFFD_MISSING_RANGE_IOCTLS;
    if (server_write_window(request, 0, 24, &ioctls, sizeof ioctls) < 0)
        return server_answer(request, -LINUX_EFAULT);
    return server_answer(request, 0);
}

static enum server_outcome unregister_range(struct server_request *request,
                                            struct userfault *context, wake_function *wake)
{
    struct linux_uffdio_range range;
    if (server_read_window(request, 0, 0, &range, sizeof range) < 0)
        return server_answer(request, -LINUX_EFAULT);
    int status = userfault_check_range(range.start, range.len);
    if (status == 0 && !context->space)
        status = -LINUX_ESRCH;
    uint64_t start = range.start, end = start + range.len;
    if (status == 0)
        status = check_regions(&context->space->map, start, end, 0, 0);
    /* Whichever context had a region of the range (Linux's unregister
     * clears any), its waiters there fault again, as ordinary faults. */
    uint32_t had[8];
    unsigned had_count = 0;
    const struct address_map *map = status == 0 ? &context->space->map : 0;
    for (unsigned i = 0; map && i < map->count; i++) {
        const struct region *region = &map->regions[i];
        if (region->end <= start || region->start >= end || !region->userfault)
            continue;
        bool known = false;
        for (unsigned j = 0; j < had_count; j++)
            known |= had[j] == region->userfault;
        if (!known && had_count < 8)
            had[had_count++] = region->userfault;
    }
    if (status == 0)
        status = address_map_set_userfault(&context->space->map, start, end, 0, 0);
    for (unsigned j = 0; status == 0 && j < had_count; j++)
        wake(had[j], start, end);
    return server_answer(request, status);
}

/* The one region [start, end) lies in, registered: Linux's find_dst_vma
 * (-ENOENT otherwise). */
static int destination(struct userfault *context, uint64_t start, uint64_t end)
{
    if (!context->space)
        return -LINUX_ESRCH;
    const struct region *region = address_map_lookup(&context->space->map, start);
    return !region || end > region->end || !region->userfault ? -LINUX_ENOENT : 0;
}

/* Fills the missing pages of [start, start + length) from window 1 (copy)
 * or with zeroes: the bytes done, or -errno if none was (-EEXIST for a
 * page already there). *unmapped: it stopped at a source page the caller
 * has not mapped yet. */
static int64_t fill(struct server_request *request, struct space *space, uint64_t start,
                    uint64_t length, bool copy, bool *unmapped)
{
    uint64_t done = 0;
    int error = 0;
    while (done < length && !error) {
        uint64_t page = start + done;
        if (space_page_present(space, page)) {
            error = -LINUX_EEXIST;
            break;
        }
        uint64_t frame = copy ? frames_new_unzeroed() : frames_new();
        if (!frame) {
            error = -LINUX_ENOMEM;
            break;
        }
        if (copy && server_read_window(request, 1, done, frames_contents(frame), PAGE) < 0) {
            frames_release(frame);
            *unmapped = true;
            error = -LINUX_EFAULT;
            break;
        }
        error = space_place_missing(space, page, frame);
        if (!error)
            done += PAGE;
    }
    return done ? (int64_t)done : error;
}

/* UFFDIO_COPY and UFFDIO_ZEROPAGE: the result written back into the
 * structure at result_offset, waiters of the range done woken unless
 * DONTWAKE; -EAGAIN for a partial fill. */
static enum server_outcome fill_range(struct server_request *request, struct userfault *context,
                                      wake_function *wake, bool copy)
{
    struct linux_uffdio_copy argument = { 0 };
    uint64_t start, length, mode, result_offset, modes;
    if (copy) {
        if (server_read_window(request, 0, 0, &argument, 32) < 0)
            return server_answer(request, -LINUX_EFAULT);
        start = argument.dst, length = argument.len, mode = argument.mode, result_offset = 32;
        modes = LINUX_UFFDIO_COPY_MODE_DONTWAKE | LINUX_UFFDIO_COPY_MODE_WP;
    } else {
        struct linux_uffdio_zeropage zero;
        if (server_read_window(request, 0, 0, &zero, 24) < 0)
            return server_answer(request, -LINUX_EFAULT);
        start = zero.range.start, length = zero.range.len, mode = zero.mode, result_offset = 24;
        modes = LINUX_UFFDIO_ZEROPAGE_MODE_DONTWAKE;
    }
    int status = userfault_check_range(start, length);
    if (status == 0 && copy && argument.src + length <= argument.src)
        status = -LINUX_EINVAL;
    if (status == 0 && (mode & ~modes))
        status = -LINUX_EINVAL;
    if (status < 0)
        return server_answer(request, status);
    int64_t done = destination(context, start, start + length);
    /* MODE_WP asks for a write-protected page: only in a WP range, and
     * arm64's 6.1 has none (REGISTER refuses MODE_WP). */
    if (done == 0 && (mode & LINUX_UFFDIO_COPY_MODE_WP))
        done = -LINUX_EINVAL;
    bool unmapped = false;
    if (done == 0)
        done = fill(request, context->space, start, length, copy, &unmapped);
    if (unmapped) {
        /* The personality maps the rest of the source and asks again
         * for it: what was done is reported then, and woken now. */
        uint64_t bytes = done > 0 ? (uint64_t)done : 0;
        if (bytes && !(mode & LINUX_UFFDIO_COPY_MODE_DONTWAKE))
            wake(context->id, start, start + bytes);
        request->mr[0] = (uint64_t)USERFAULT_SOURCE_UNMAPPED;
        request->mr[1] = bytes;
        request->answer = tern_message(0, 0, 2);
        return SERVER_ANSWER;
    }
    if (server_write_window(request, 0, result_offset, &done, sizeof done) < 0)
        return server_answer(request, -LINUX_EFAULT);
    if (done < 0)
        return server_answer(request, done);
    if (!(mode & LINUX_UFFDIO_COPY_MODE_DONTWAKE))
        wake(context->id, start, start + (uint64_t)done);
    return server_answer(request, (uint64_t)done == length ? 0 : -LINUX_EAGAIN);
}

/* UFFDIO_WRITEPROTECT, as arm64's 6.1 answers it (it has the ioctl but
 * no write-protect ranges): the checks, then -ENOENT, as
 * mwriteprotect_range finds no WP-registered region. */
static enum server_outcome write_protect(struct server_request *request,
                                         struct userfault *context)
{
    struct { struct linux_uffdio_range range; uint64_t mode; } argument;
    if (server_read_window(request, 0, 0, &argument, sizeof argument) < 0)
        return server_answer(request, -LINUX_EFAULT);
    int status = userfault_check_range(argument.range.start, argument.range.len);
    uint64_t modes = LINUX_UFFDIO_WRITEPROTECT_MODE_WP | LINUX_UFFDIO_WRITEPROTECT_MODE_DONTWAKE;
    if (status == 0 && ((argument.mode & ~modes) || argument.mode == modes))
        status = -LINUX_EINVAL;     /* WP with DONTWAKE is refused too */
    if (status == 0 && !context->space)
        status = -LINUX_ESRCH;
    return server_answer(request, status < 0 ? status : -LINUX_ENOENT);
}

/* UFFDIO_CONTINUE (Linux 6.1's mcopy_continue): the range must lie in
 * one registered region (-ENOENT) that maps a memory object (-EINVAL
 * for anonymous memory); then page by page the object's page is mapped:
 * -EEXIST at a page mapped already, -EFAULT at one the object does not
 * have. `mapped` gets the bytes done, or the error if none was; the
 * waiters of the pages done are woken unless DONTWAKE; a partial one
 * answers -EAGAIN. */
static enum server_outcome continue_range(struct server_request *request,
                                          struct userfault *context, wake_function *wake)
{
    struct { struct linux_uffdio_range range; uint64_t mode; } argument;
    if (server_read_window(request, 0, 0, &argument, sizeof argument) < 0)
        return server_answer(request, -LINUX_EFAULT);
    uint64_t start = argument.range.start, length = argument.range.len;
    int64_t status = userfault_check_range(start, length);
    if (status == 0 && (argument.mode & ~LINUX_UFFDIO_CONTINUE_MODE_DONTWAKE))
        status = -LINUX_EINVAL;
    if (status == 0 && !context->space)
        status = -LINUX_ESRCH;      /* not written back, as Linux's */
    if (status < 0)
        return server_answer(request, status);
    const struct region *region = address_map_lookup(&context->space->map, start);
    if (!region || start + length > region->end || !region->userfault)
        status = -LINUX_ENOENT;
    else if (!region->object)
        status = -LINUX_EINVAL;
    uint64_t done = 0;
    while (status == 0 && done < length) {
        int error = space_map_existing_object_page(context->space, start + done);
        if (error < 0)
            status = error;
        else
            done += PAGE;
    }
    int64_t mapped = done ? (int64_t)done : status;
    if (server_write_window(request, 0, 24, &mapped, sizeof mapped) < 0)
        return server_answer(request, -LINUX_EFAULT);
    if (mapped < 0)
        return server_answer(request, mapped);
    if (!(argument.mode & LINUX_UFFDIO_CONTINUE_MODE_DONTWAKE))
        wake(context->id, start, start + done);
    return server_answer(request, done == length ? 0 : -LINUX_EAGAIN);
}

static enum server_outcome wake_only(struct server_request *request, struct userfault *context,
                                     wake_function *wake)
{
    struct linux_uffdio_range range;
    if (server_read_window(request, 0, 0, &range, sizeof range) < 0)
        return server_answer(request, -LINUX_EFAULT);
    int status = userfault_check_range(range.start, range.len);
    if (status == 0)
        wake(context->id, range.start, range.start + range.len);
    return server_answer(request, status);
}

enum server_outcome userfault_ioctl(struct server_request *request, struct userfault *context,
                                    wake_function *wake)
{
    uint32_t command = (uint32_t)request->mr[0];
    if (command != LINUX_UFFDIO_API && !context->initialized)
        return server_answer(request, -LINUX_EINVAL);
    /* While an event of a change to the space is unread (Linux's
     * mmap_changing), what would fill or change pages waits: -EAGAIN
     * before the argument is read. */
    bool fills = command == LINUX_UFFDIO_COPY || command == LINUX_UFFDIO_ZEROPAGE ||
                 command == LINUX_UFFDIO_CONTINUE || command == LINUX_UFFDIO_WRITEPROTECT;
    if (fills && context->changing)
        return server_answer(request, -LINUX_EAGAIN);
    switch (command) {
    case LINUX_UFFDIO_API: return api(request, context);
    case LINUX_UFFDIO_REGISTER: return register_range(request, context);
    case LINUX_UFFDIO_UNREGISTER: return unregister_range(request, context, wake);
    case LINUX_UFFDIO_COPY: return fill_range(request, context, wake, true);
    case LINUX_UFFDIO_ZEROPAGE: return fill_range(request, context, wake, false);
    case LINUX_UFFDIO_WAKE: return wake_only(request, context, wake);
    case LINUX_UFFDIO_WRITEPROTECT: return write_protect(request, context);
    case LINUX_UFFDIO_CONTINUE: return continue_range(request, context, wake);
    default: return server_answer(request, -LINUX_EINVAL);
    }
}
