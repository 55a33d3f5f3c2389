/*
 * AF_UNIX socket options: SOL_SOCKET's, kept by the unix server
 * (UNIX_GET_OPTION, UNIX_SET_OPTION); SO_RCVTIMEO and SO_SNDTIMEO are
 * checked and converted here (Linux's sock_set_timeout) and timed by the
 * server.
 */
#include "descriptors.h"
#include "personality.h"
#include "server_call.h"
#include "sockets.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/unix.h"
#include "sys/syscall.h"

/* Options of a level other than SOL_SOCKET: unix sockets have none
 * (-EOPNOTSUPP), but a descriptor that is no socket is -ENOTSOCK first. */
static int64_t other_level(uint64_t socket)
{
    int64_t type = socket_type(socket);
    return type < 0 ? type : -LINUX_EOPNOTSUPP;
}

/* SO_RCVTIMEO and SO_SNDTIMEO (and their _NEW numbers, the same
 * struct on arm64): the server keeps Linux's timeo in jiffies at HZ 250
 * (0: forever; UNIX_TIMEOUT_NEVER_WAITS: a negative time, as Linux's
 * timeo of 0), as sock_set_timeout and sock_get_timeout convert it. */
#define TIMEOUT_HZ                  250
#define UNIX_TIMEOUT_NEVER_WAITS    UINT64_MAX
#define MICROSECONDS                1000000

static int64_t timeout_option(int64_t option)
{
    if (option == LINUX_SO_RCVTIMEO || option == LINUX_SO_RCVTIMEO_NEW)
        return LINUX_SO_RCVTIMEO;
    if (option == LINUX_SO_SNDTIMEO || option == LINUX_SO_SNDTIMEO_NEW)
        return LINUX_SO_SNDTIMEO;
    return 0;
}

static int64_t set_timeout(uint64_t socket, int64_t option, uint64_t value, int64_t length)
{
    int64_t time[2];
    if (length < (int64_t)sizeof time)
        return -LINUX_EINVAL;
    if (!linux_user_range(value, sizeof time))
        return -LINUX_EFAULT;
    linux_touch_pages(value, sizeof time, false);
    __builtin_memcpy(time, (const void *)(uintptr_t)value, sizeof time);
    if (time[1] < 0 || time[1] >= MICROSECONDS)
        return -LINUX_EDOM;
    uint64_t jiffies = 0;
    if (time[0] < 0)
        jiffies = UNIX_TIMEOUT_NEVER_WAITS;
    else if ((time[0] || time[1]) && time[0] < INT64_MAX / TIMEOUT_HZ - 1)
        jiffies = (uint64_t)time[0] * TIMEOUT_HZ +
                  ((uint64_t)time[1] + MICROSECONDS / TIMEOUT_HZ - 1) / (MICROSECONDS / TIMEOUT_HZ);
    return socket_result(linux_request(socket, UNIX_SET_OPTION, 2, (uint64_t)option, jiffies,
                                      0, 0));
}

static int64_t get_timeout(uint64_t socket, int64_t option, int64_t time[2])
{
    uint64_t mr[4] = {(uint64_t)option, 0, 0, 0};
    int64_t result = socket_result(linux_call(socket, UNIX_GET_OPTION, 1, 0, 0, mr));
    if (result < 0)
        return result;
    uint64_t jiffies = mr[1];
    time[0] = time[1] = 0;
    if (jiffies && jiffies != UNIX_TIMEOUT_NEVER_WAITS) {
        time[0] = (int64_t)(jiffies / TIMEOUT_HZ);
        time[1] = (int64_t)((jiffies % TIMEOUT_HZ) * MICROSECONDS / TIMEOUT_HZ);
    }
    return 0;
}

/* getsockopt's answer: as much of bytes as room holds, and its length. */
static int64_t copy_option_out(uint64_t value, uint64_t length_pointer, int32_t room,
                               const void *bytes, uint64_t size)
{
    uint64_t copied = size < (uint64_t)room ? size : (uint64_t)room;
    if (copied && !linux_user_range(value, copied))
        return -LINUX_EFAULT;
    linux_touch_pages(value, copied, true);
    __builtin_memcpy((void *)(uintptr_t)value, bytes, copied);
    *(int32_t *)(uintptr_t)length_pointer = (int32_t)copied;
    return 0;
}

int64_t sys_getsockopt(int64_t fd, int64_t level, int64_t option, uint64_t value,
                       uint64_t length_pointer)
{
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    if (level != LINUX_SOL_SOCKET)
        return other_level((uint64_t)socket);
    int32_t room;
    int64_t result = socket_read_room(length_pointer, &room);
    if (result < 0)
        return result;
    if (timeout_option(option)) {
        int64_t time[2];
        result = get_timeout((uint64_t)socket, timeout_option(option), time);
        if (result < 0)
            return result;
        return copy_option_out(value, length_pointer, room, time, sizeof time);
    }
    uint64_t mr[4] = {(uint64_t)option, 0, 0, 0};
    result = socket_result(linux_call((uint64_t)socket, UNIX_GET_OPTION, 1, 0, 0, mr));
    if (result < 0)
        return result;
    int32_t words[3] = {(int32_t)result, 0, 0};
    uint64_t size = sizeof(int32_t);
    if (option == LINUX_SO_PEERCRED) {
        words[0] = (int32_t)mr[1];
        words[1] = (int32_t)mr[2];
        words[2] = (int32_t)mr[3];
        size = sizeof words;
    }
    return copy_option_out(value, length_pointer, room, words, size);
}

int64_t sys_setsockopt(int64_t fd, int64_t level, int64_t option, uint64_t value,
                       int64_t length)
{
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    if (level != LINUX_SOL_SOCKET)
        return other_level((uint64_t)socket);
    if (length < (int64_t)sizeof(int32_t))
        return -LINUX_EINVAL;
    if (!linux_user_range(value, sizeof(int32_t)))
        return -LINUX_EFAULT;
    if (timeout_option(option))
        return set_timeout((uint64_t)socket, timeout_option(option), value, length);
    linux_touch_pages(value, sizeof(int32_t), false);
    int32_t number = *(const int32_t *)(uintptr_t)value;
    return socket_result(linux_request((uint64_t)socket, UNIX_SET_OPTION, 2, (uint64_t)option,
                                      (uint64_t)(int64_t)number, 0, 0));
}
