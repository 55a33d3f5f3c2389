/*
 * AF_UNIX control messages. SCM_RIGHTS: the sender retains each
 * descriptor (FILE_RETAIN, as dup does) and passes its capability, up to
 * three a message, staging the rest first; the receiver takes them one
 * by one into new descriptors. SCM_CREDENTIALS: a claim goes with a
 * UNIX_SEND_AS, which the server checks against the session's badge; a
 * receiver with SO_PASSCRED gets one before any SCM_RIGHTS message
 * (docs/protocols/unix.md).
 */
#include "descriptors.h"
#include "personality.h"
#include "server_call.h"
#include "sockets.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/unix.h"
#include "sys/syscall.h"

static uint64_t cmsg_align(uint64_t length)
{
    return (length + 7) & ~7ULL;
}

void socket_release_rights(const struct passed_rights *rights, unsigned from)
{
    uint64_t pid = (uint64_t)linux_process_info()->pid;
    for (unsigned i = from; i < rights->count; i++)
        linux_close_call(rights->slots[i], pid);
}

#define UCRED_SIZE 12

/* A claimed pid that names no process is -ESRCH (Linux's find_get_pid),
 * which only procmgr knows: asked (kill's signal 0) when the server
 * would let the claim through, for root claiming another pid. The
 * server checks the claim itself (unix_check_claim). */
static int64_t check_claimed_pid(const struct claimed_credentials *claim)
{
    if (!claim->claimed || claim->uid == UINT32_MAX || claim->gid == UINT32_MAX ||
        claim->pid == (uint32_t)linux_process_info()->pid || sys_geteuid() != 0)
        return 0;
    if ((int32_t)claim->pid <= 0)
        return -LINUX_ESRCH;
    int64_t result = sys_kill((int32_t)claim->pid, 0);
    return result == -LINUX_ESRCH ? result : 0;
}

/* Reads a sendmsg's control messages as Linux's __scm_send does: another
 * level's are ignored, SCM_RIGHTS's descriptors are gathered (at most
 * 253), SCM_CREDENTIALS's claim kept (its length must be a ucred's),
 * anything else is -EINVAL. Then retains the descriptors. */
int64_t socket_read_control(uint64_t control, uint64_t length, struct passed_rights *rights,
                            struct claimed_credentials *claim)
{
    rights->count = 0;
    claim->claimed = false;
    if (!length)
        return 0;
    if (!linux_user_range(control, length))
        return -LINUX_EFAULT;
    linux_touch_pages(control, length, false);
    for (uint64_t offset = 0; offset + CMSG_HEADER_SIZE <= length;) {
        const uint8_t *header = (const uint8_t *)(uintptr_t)(control + offset);
        uint64_t cmsg_length = *(const uint64_t *)header;
        int32_t level = *(const int32_t *)(header + 8);
        int32_t type = *(const int32_t *)(header + 12);
        if (cmsg_length < CMSG_HEADER_SIZE || cmsg_length > length - offset)
            return -LINUX_EINVAL;
        if (level == LINUX_SOL_SOCKET && type == LINUX_SCM_CREDENTIALS) {
            if (cmsg_length != CMSG_HEADER_SIZE + UCRED_SIZE)
                return -LINUX_EINVAL;
            const uint32_t *ucred = (const uint32_t *)(header + CMSG_HEADER_SIZE);
            *claim = (struct claimed_credentials){ucred[0], ucred[1], ucred[2], true};
        } else if (level == LINUX_SOL_SOCKET && type != LINUX_SCM_RIGHTS) {
            return -LINUX_EINVAL;
        } else if (level == LINUX_SOL_SOCKET) {
            const int32_t *fds = (const int32_t *)(header + CMSG_HEADER_SIZE);
            uint64_t count = (cmsg_length - CMSG_HEADER_SIZE) / sizeof *fds;
            if (rights->count + count > LINUX_SCM_MAX_FD)
                return -LINUX_EINVAL;
            for (uint64_t i = 0; i < count; i++) {
                int64_t slot = linux_fd_capability(fds[i]);
                if (slot < 0)
                    return slot;
                rights->slots[rights->count++] = (uint64_t)slot;
            }
        }
        offset += cmsg_align(cmsg_length);
    }
    int64_t found = check_claimed_pid(claim);
    if (found < 0)
        return found;
    for (unsigned i = 0; i < rights->count; i++) {
        int64_t result = linux_request(rights->slots[i], FILE_RETAIN, 0, 0, 0, 0, 0);
        if (result < 0) {
            rights->count = i;
            socket_release_rights(rights, 0);
            return result;
        }
    }
    return 0;
}

/* All but the last few rights go ahead of the message, three a call,
 * under this thread's key; the rest (*first on) go with it. */
int64_t socket_stage_rights(uint64_t socket, const struct passed_rights *rights, unsigned room,
                            unsigned *first)
{
    unsigned staged = 0;
    while (rights->count - staged > room) {
        unsigned batch = rights->count - staged - room;
        batch = batch > TERN_MSG_MAX_CAPS ? TERN_MSG_MAX_CAPS : batch;
        for (unsigned i = 0; i < batch; i++)
            tern_set_cap(i, rights->slots[staged + i]);
        uint64_t mr[4] = {linux_thread_id(), 0, 0, 0};
        int64_t result = socket_result(linux_call(socket, UNIX_STAGE_RIGHTS, 1, batch, 0, mr));
        if (result < 0) {
            /* The unix server released what it had (a descriptor of
             * another server kept none); the rest are still ours. */
            socket_release_rights(rights, result == -LINUX_ENOTSOCK ? staged : staged + batch);
            return result;
        }
        staged += batch;
    }
    *first = staged;
    return staged ? (int64_t)linux_thread_id() : 0;
}

/* SCM_CREDENTIALS into the control buffer as Linux's put_cmsg: cut
 * (MSG_CTRUNC) when it does not fit, nothing below a header. Returns the
 * control length used. */
uint64_t socket_put_credentials(uint64_t control, uint64_t room,
                                const struct claimed_credentials *credentials,
                                uint64_t *message_flags)
{
    uint64_t length = CMSG_HEADER_SIZE + UCRED_SIZE;
    if (!control || room < CMSG_HEADER_SIZE) {
        *message_flags |= LINUX_MSG_CTRUNC;
        return 0;
    }
    if (room < length) {
        *message_flags |= LINUX_MSG_CTRUNC;
        length = room;
    }
    uint8_t message[CMSG_HEADER_SIZE + UCRED_SIZE];
    *(uint64_t *)message = length;
    ((int32_t *)message)[2] = LINUX_SOL_SOCKET;
    ((int32_t *)message)[3] = LINUX_SCM_CREDENTIALS;
    uint32_t *ucred = (uint32_t *)(message + CMSG_HEADER_SIZE);
    ucred[0] = credentials->pid;
    ucred[1] = credentials->uid;
    ucred[2] = credentials->gid;
    __builtin_memcpy((void *)(uintptr_t)control, message, length);
    uint64_t used = cmsg_align(CMSG_HEADER_SIZE + UCRED_SIZE);
    return used < room ? used : room;
}

/* Takes the descriptors a received message carried (held under this
 * thread's key) into new descriptors, as many as the control buffer
 * holds (Linux's scm_detach_fds); the rest are dropped and the message
 * marked MSG_CTRUNC. Returns the control length used. */
uint64_t socket_take_rights(uint64_t socket, uint64_t held, uint64_t control, uint64_t room,
                            bool cloexec, uint64_t *message_flags)
{
    uint64_t fit = room >= CMSG_HEADER_SIZE ? (room - CMSG_HEADER_SIZE) / sizeof(int32_t) : 0;
    int32_t *fds = (int32_t *)(uintptr_t)(control + CMSG_HEADER_SIZE);
    uint64_t taken = 0;
    for (; taken < held && taken < fit; taken++) {
        int64_t fd = linux_fd_reserve(0);
        if (fd < 0)
            break;
        uint64_t mr[4] = {linux_thread_id(), 0, 0, 0};
        int64_t result = linux_call_receiving(linux_fd_slot((unsigned)fd), socket,
                                              UNIX_TAKE_RIGHT, 1, 0, 0, mr);
        if (linux_fd_settle((unsigned)fd, result, cloexec) < 0)
            break;
        fds[taken] = (int32_t)fd;
    }
    if (taken < held) {
        linux_request_uninterrupted(socket, UNIX_DROP_RIGHTS, 1, linux_thread_id(), 0, 0, 0);
        *message_flags |= LINUX_MSG_CTRUNC;
    }
    if (!taken)
        return 0;
    uint64_t *header = (uint64_t *)(uintptr_t)control;
    header[0] = CMSG_HEADER_SIZE + taken * sizeof(int32_t);
    ((int32_t *)header)[2] = LINUX_SOL_SOCKET;
    ((int32_t *)header)[3] = LINUX_SCM_RIGHTS;
    uint64_t used = cmsg_align(header[0]);
    return used < room ? used : room;
}

