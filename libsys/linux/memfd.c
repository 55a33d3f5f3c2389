/*
 * memfd_create and the seal fcntls. A memfd is a descriptor of the memfd
 * server (protocol/memfd.h), made through the process's session
 * (LINUX_SLOT_MEMFD) and spoken to in the file protocol from then on;
 * seals are two labels of the file protocol (FILE_GET_SEALS,
 * FILE_ADD_SEALS) that any file server answers, most of them as Linux's
 * files that are not memory files do.
 */
#include "descriptors.h"
#include "server_call.h"
#include "syscalls.h"
#include "tern/ipc_buffer.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/memfd.h"

int64_t sys_memfd_create(const char *name, uint64_t flags_argument)
{
    uint32_t flags = (uint32_t)flags_argument;     /* an unsigned int */
    if (!memfd_flags_valid(flags))
        return -LINUX_EINVAL;
    if (!linux_user_range((uint64_t)(uintptr_t)name, 1))
        return -LINUX_EFAULT;
    /* A name past the limit is EINVAL; one crossing into a bad page
     * faults here (EFAULT), before anything is made. */
    uint64_t length = 0;
    while (name[length] != 0) {
        if (++length > MEMFD_NAME_MAX)
            return -LINUX_EINVAL;
    }
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    linux_set_window(0, (uint64_t)(uintptr_t)name, length, TERN_WINDOW_READ);
    uint64_t mr[4] = {flags & ~(uint32_t)MEMFD_CLOEXEC, length, 0, 0};
    int64_t result = linux_call_receiving(linux_fd_slot((unsigned)fd), LINUX_SLOT_MEMFD,
                                          MEMFD_CREATE, 2, 0, 1, mr);
    return linux_fd_settle((unsigned)fd, result, flags & MEMFD_CLOEXEC);
}

int64_t linux_seal_fcntl(uint64_t slot, int64_t command, uint64_t argument)
{
    if (command == LINUX_F_GET_SEALS)
        return linux_request(slot, FILE_GET_SEALS, 0, 0, 0, 0, 0);
    if (argument > UINT32_MAX)
        return -LINUX_EINVAL;   /* seals are an unsigned int */
    return linux_request(slot, FILE_ADD_SEALS, 1, argument, 0, 0, 0);
}
