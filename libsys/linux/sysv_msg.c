/*
 * System V message queues: msgget, msgsnd, msgrcv and msgctl through the
 * process's session of the sysv server (sys/protocol/sysv.h). A text of
 * at most SYSV_MSG_SMALL_MAX bytes travels in message registers, a
 * longer one through window 0. A wait a signal ends is -EINTR even with
 * SA_RESTART, as Linux's -ERESTARTNOHAND is when a handler runs.
 */
#include "server_call.h"
#include "syscalls.h"
#include "tern/ipc_buffer.h"
#include "sys/linux_abi.h"
#include "sys/syscall.h"
#include "sys/protocol/sysv.h"

/* struct msgbuf: the type, then the text. */
#define TEXT_OFFSET 8

int64_t sys_msgget(int64_t key, int64_t flags)
{
    return linux_request(LINUX_SLOT_SYSV, SYSV_MSGGET, 2, (uint64_t)key, (uint64_t)flags, 0, 0);
}

/* The caller's namespace's msgmax now (root may have changed it from
 * SYSV_MSGMAX: /proc/sys/kernel/msgmax), asked only for texts and
 * buffers longer than SYSV_MSGMAX: a text longer is EINVAL before its
 * buffer is touched, and a receive touches no more of its buffer than a
 * message can fill. */
static uint64_t current_msgmax(void)
{
    struct sysv_msginfo info;
    linux_set_window(0, (uint64_t)(uintptr_t)&info, sizeof info, TERN_WINDOW_WRITE);
    uint64_t mr[4] = {0, SYSV_IPC_INFO, 0, 0};
    int64_t result = linux_call(LINUX_SLOT_SYSV, SYSV_MSGCTL, 2, 0, 1, mr);
    return result < 0 || info.msgmax < 0 ? SYSV_MSGMAX : (uint64_t)info.msgmax;
}

int64_t sys_msgsnd(int64_t id, uint64_t buffer, uint64_t length, int64_t flags)
{
    /* Linux's order: the type is read, the sizes and the id checked,
     * then the type, then the text read (none for an empty text). */
    if (!linux_user_range(buffer, TEXT_OFFSET))
        return -LINUX_EFAULT;
    int64_t type = *(const int64_t *)buffer;
    if ((int64_t)length < 0 || (int32_t)id < 0 || type < 1 ||
        (length > SYSV_MSGMAX && length > current_msgmax()))
        return -LINUX_EINVAL;
    if (length && !linux_user_range(buffer + TEXT_OFFSET, length))
        return -LINUX_EFAULT;
    uint64_t mr[4] = {(uint32_t)id | (uint64_t)(uint32_t)flags << 32, length, (uint64_t)type, 0};
    int64_t result;
    if (length <= SYSV_MSG_SMALL_MAX) {
        linux_pack_registers(mr, 3, (const uint8_t *)buffer + TEXT_OFFSET, length);
        result = linux_call(LINUX_SLOT_SYSV, SYSV_MSGSND, SYSV_MSG_SMALL_REGISTERS(3, length), 0,
                            0, mr);
    } else {
        linux_set_window(0, buffer + TEXT_OFFSET, length, TERN_WINDOW_READ);
        result = linux_call(LINUX_SLOT_SYSV, SYSV_MSGSND, 3, 0, 1, mr);
    }
    return result == -LINUX_ERESTARTSYS ? -LINUX_ERESTARTNOHAND : result;
}

int64_t sys_msgrcv(int64_t id, uint64_t buffer, uint64_t size, int64_t type, int64_t flags)
{
    /* MSG_COPY reads the caller's buffer first (Linux's prepare_copy). */
    if ((flags & SYSV_MSG_COPY) && (int64_t)size >= 0 && !(flags & SYSV_MSG_EXCEPT) &&
        (flags & SYSV_IPC_NOWAIT) && !linux_user_range(buffer, size))
        return -LINUX_EFAULT;
    /* Only a text longer than a small one is copied to the window: a
     * buffer no longer needs none (and the call, four registers and no
     * window, takes the kernel's fast path). */
    uint64_t most = size > SYSV_MSGMAX ? current_msgmax() : SYSV_MSGMAX;
    uint64_t window = size < most ? size : most;
    bool windowed = window > SYSV_MSG_SMALL_MAX;
    if (windowed)
        linux_set_window(0, buffer + TEXT_OFFSET, window, TERN_WINDOW_WRITE);
    uint64_t mr[4] = {(uint64_t)id, size, (uint64_t)type, (uint64_t)flags};
    int64_t result = linux_call(LINUX_SLOT_SYSV, SYSV_MSGRCV, 4, 0, windowed ? 1 : 0, mr);
    if (result == -LINUX_ERESTARTSYS)
        return -LINUX_ERESTARTNOHAND;
    if (result < 0)
        return result;
    /* The message is taken: a bad buffer loses it (EFAULT), as on Linux. */
    if (!linux_user_range(buffer, TEXT_OFFSET + (uint64_t)result))
        return -LINUX_EFAULT;
    *(int64_t *)buffer = (int64_t)mr[1];
    if ((uint64_t)result <= SYSV_MSG_SMALL_MAX)
        linux_unpack_registers((uint8_t *)buffer + TEXT_OFFSET, mr, 2, (uint64_t)result);
    return result;
}

/* msgctl's buffer for cmd: its length and rights, or 0. */
static uint64_t queue_buffer(int64_t cmd, uint64_t *rights)
{
    *rights = TERN_WINDOW_WRITE;
    switch (cmd) {
    case SYSV_IPC_STAT:
    case SYSV_MSG_STAT:
    case SYSV_MSG_STAT_ANY:
        return sizeof(struct sysv_msqid64_ds);
    case SYSV_IPC_SET:
        *rights = TERN_WINDOW_READ;
        return sizeof(struct sysv_msqid64_ds);
    case SYSV_IPC_INFO:
    case SYSV_MSG_INFO:
        return sizeof(struct sysv_msginfo);
    default:
        return 0;
    }
}

int64_t sys_msgctl(int64_t id, int64_t cmd, uint64_t buffer)
{
    uint64_t rights;
    uint64_t length = queue_buffer((int32_t)cmd, &rights);
    if (length)
        linux_set_window(0, buffer, length, rights);
    uint64_t mr[4] = {(uint64_t)id, (uint64_t)cmd, 0, 0};
    return linux_call(LINUX_SLOT_SYSV, SYSV_MSGCTL, 2, 0, length ? 1 : 0, mr);
}
