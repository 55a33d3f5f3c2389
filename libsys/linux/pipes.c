/*
 * pipe2, the pipe-size fcntls and the second half of opening a FIFO
 * (pipes.h). A pipe is two descriptors: PIPE_CREATE through the process's
 * pipe session (LINUX_SLOT_PIPE) gives the read end, PIPE_OPEN_WRITER
 * through that end the write end; each is an open file description of
 * its own in the pipe server, as on Linux.
 */
#include "descriptors.h"
#include "paths.h"
#include "personality.h"
#include "pipes.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/pipe.h"

#define PIPE_FLAGS          (LINUX_O_CLOEXEC | LINUX_O_NONBLOCK | LINUX_O_DIRECT)

int64_t linux_pipe_capacity(uint64_t slot)
{
    return linux_request(slot, PIPE_GET_SIZE, 0, 0, 0, 0, 0);
}

int64_t linux_pipe_bytes_held(uint64_t slot)
{
    int32_t held = 0;
    linux_set_window(0, (uint64_t)(uintptr_t)&held, sizeof held, TERN_WINDOW_WRITE);
    uint64_t mr[4] = {LINUX_FIONREAD, (uint64_t)(uintptr_t)&held, 0, 0};
    int64_t result = linux_call(slot, FILE_IOCTL, 2, 0, 1, mr);
    return result < 0 ? result : held;
}

/* A call through endpoint with flags, whose answer's capability lands in slot. */
static int64_t call_receiving(uint64_t endpoint, uint64_t label, uint64_t flags, uint64_t slot)
{
    uint64_t mr[4] = {flags, 0, 0, 0};
    return linux_call_receiving(slot, endpoint, label, 1, 0, 0, mr);
}

int64_t sys_pipe2(int32_t *fds, uint64_t flags)
{
    if (flags & ~(uint64_t)PIPE_FLAGS)
        return -LINUX_EINVAL;
    /* A bad fds is -EFAULT (here, or as the touch faults) before
     * anything is made. */
    if (!linux_user_range((uint64_t)(uintptr_t)fds, 2 * sizeof *fds))
        return -LINUX_EFAULT;
    linux_touch_pages((uint64_t)(uintptr_t)fds, 2 * sizeof *fds, true);
    int64_t read_fd = linux_fd_reserve(0);
    if (read_fd < 0)
        return read_fd;
    int64_t write_fd = linux_fd_reserve(0);
    if (write_fd < 0) {
        linux_fd_release((unsigned)read_fd);
        return write_fd;
    }
    uint64_t read_slot = linux_fd_slot((unsigned)read_fd);
    uint64_t write_slot = linux_fd_slot((unsigned)write_fd);
    uint64_t server_flags = flags & (LINUX_O_NONBLOCK | LINUX_O_DIRECT);
    int64_t result = call_receiving(LINUX_SLOT_PIPE, PIPE_CREATE, server_flags, read_slot);
    if (result >= 0) {
        result = call_receiving(read_slot, PIPE_OPEN_WRITER, server_flags, write_slot);
        if (result < 0)
            linux_capability_close(read_slot);
    }
    bool cloexec = flags & LINUX_O_CLOEXEC;
    linux_fd_settle((unsigned)read_fd, result, cloexec);
    linux_fd_settle((unsigned)write_fd, result, cloexec);
    if (result < 0)
        return result;
    fds[0] = (int32_t)read_fd;
    fds[1] = (int32_t)write_fd;
    return 0;
}

/* Servers that are not the pipe server do not know its labels. */
static int64_t not_a_pipe_is_ebadf(int64_t result)
{
    return result == -LINUX_ENOSYS ? -LINUX_EBADF : result;
}

int64_t linux_pipe_fcntl(uint64_t slot, int64_t command, uint64_t argument)
{
    if (command == LINUX_F_GETPIPE_SZ)
        return not_a_pipe_is_ebadf(linux_pipe_capacity(slot));
    /* Beyond /proc/sys/fs/pipe-max-size takes CAP_SYS_RESOURCE: root
     * here; only then is procmgr asked. */
    uint64_t privileged = argument > PIPE_MAX_CAPACITY && sys_geteuid() == 0;
    return not_a_pipe_is_ebadf(linux_request(slot, PIPE_SET_SIZE, 2, argument, privileged, 0, 0));
}

int64_t linux_fifo_open(uint64_t slot, uint64_t flags)
{
    uint64_t end = linux_scratch_slot();
    int64_t result = call_receiving(slot, PIPE_OPEN_FIFO,
                                    flags & (LINUX_O_ACCMODE | LINUX_O_NONBLOCK), end);
    linux_slot_delete(slot);    /* the FIFO itself: no descriptor, nothing to close */
    if (result < 0)
        return result;
    enum tern_error error = tern_cnode_move(LINUX_SLOT_CNODE, slot, LINUX_SLOT_DEPTH,
                                            LINUX_SLOT_CNODE, end, LINUX_SLOT_DEPTH);
    if (error != TERN_OK) {
        linux_capability_close(end);
        return -LINUX_EIO;
    }
    return 0;
}
