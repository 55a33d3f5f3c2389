/*
 * userfaultfd: procmgr makes the descriptor (PROC_USERFAULTFD) in the
 * slot reserved here and serves it (docs/protocols/userfault.md); read,
 * poll, close and the ioctls go to it as for any descriptor. The one
 * thing the personality adds is UFFDIO_COPY's source: its bytes are the
 * caller's, so they go as a second window (sys_ioctl asks here), which
 * procmgr copies from into the new page.
 */
#include "descriptors.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/linux_userfault.h"
#include "sys/protocol/file.h"
#include "sys/protocol/procmgr.h"

int64_t sys_userfaultfd(uint64_t flags)
{
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    uint64_t mr[4] = {(uint32_t)flags, linux_fd_slot((unsigned)fd), 0, 0};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_USERFAULTFD, 2, 0, 0, mr);
    return linux_fd_settle((unsigned)fd, result, flags & LINUX_O_CLOEXEC);
}

int64_t linux_userfault_from_device(uint64_t slot, uint64_t flags)
{
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    tern_set_cap(0, slot);
    uint64_t mr[4] = {(uint32_t)flags | PROC_USERFAULTFD_DEVICE, linux_fd_slot((unsigned)fd), 0, 0};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_USERFAULTFD, 2, 1, 0, mr);
    return linux_fd_settle((unsigned)fd, result, flags & LINUX_O_CLOEXEC);
}

unsigned linux_userfault_windows(uint32_t request, uint64_t argument)
{
    if (request != LINUX_UFFDIO_COPY)
        return 1;
    /* Window 0 (the structure) was checked and touched already. The
     * source is named, not touched: procmgr checks the destination first,
     * as Linux does, and says if a source page is not mapped yet. */
    const struct linux_uffdio_copy *copy = (const void *)(uintptr_t)argument;
    tern_set_window(1, copy->src, copy->len, TERN_WINDOW_READ);
    return 2;
}

int64_t linux_userfault_fork_event(uint64_t slot, uint64_t buffer, uint64_t length,
                                   uint64_t child)
{
    if (length < sizeof(struct linux_uffd_msg))
        return -LINUX_EINVAL;
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    uint64_t mr[4] = {USERFAULT_TAKE_FORK, child, 0, 0};
    int64_t result = linux_call_receiving(linux_fd_slot((unsigned)fd), slot, FILE_IOCTL, 2, 0, 0,
                                          mr);
    fd = linux_fd_settle((unsigned)fd, result, mr[1] & LINUX_O_CLOEXEC);
    if (fd < 0)
        return fd;
    /* The buffer was touched for writing before the read. */
    struct linux_uffd_msg message = { .event = LINUX_UFFD_EVENT_FORK };
    message.arg.fork.ufd = (uint32_t)fd;
    __builtin_memcpy((void *)(uintptr_t)buffer, &message, sizeof message);
    return sizeof message;
}

int64_t linux_userfault_copy_rest(uint64_t slot, uint64_t argument, uint64_t done)
{
    struct linux_uffdio_copy *copy = (struct linux_uffdio_copy *)(uintptr_t)argument;
    /* The rest of the source, mapped now (a bad one ends the call with
     * EFAULT here), asked for through a copy of the structure. */
    struct linux_uffdio_copy rest = { copy->dst + done, copy->src + done, copy->len - done,
                                      copy->mode, 0 };
    linux_touch_pages(rest.src, rest.len, false);
    linux_set_window(0, (uint64_t)(uintptr_t)&rest, sizeof rest,
                     TERN_WINDOW_READ | TERN_WINDOW_WRITE);
    tern_set_window(1, rest.src, rest.len, TERN_WINDOW_READ);
    uint64_t mr[4] = {LINUX_UFFDIO_COPY, (uint64_t)(uintptr_t)&rest, 0, 0};
    int64_t result = linux_call(slot, FILE_IOCTL, 2, 0, 2, mr);
    if (result == USERFAULT_SOURCE_UNMAPPED) {     /* unmapped again meanwhile */
        rest.copy = mr[1] ? (int64_t)mr[1] : -LINUX_EFAULT;
        result = mr[1] ? -LINUX_EAGAIN : -LINUX_EFAULT;
    }
    /* What the two calls did together, as one call of Linux's reports it. */
    int64_t total = (int64_t)done + (rest.copy > 0 ? rest.copy : 0);
    copy->copy = total > 0 ? total : rest.copy;
    if (total > 0 && (uint64_t)total < copy->len)
        return -LINUX_EAGAIN;
    return total > 0 ? 0 : result;
}
