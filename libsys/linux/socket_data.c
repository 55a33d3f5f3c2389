/*
 * Data through AF_UNIX sockets: send, sendto, sendmsg, sendmmsg and their
 * receiving halves (sockets.c makes the sockets). A send with control
 * messages (socket_control.c) or one the server answers
 * UNIX_IDENTITY_NEEDED (its receiver wants to know who sends:
 * SO_PASSCRED) goes through the session as UNIX_SEND_AS, whose badge
 * says who sends; write() and writev() too (linux_socket_write_as).
 *
 * A timed call (SO_RCVTIMEO, SO_SNDTIMEO: socket_options.c) that a signal
 * interrupts ends with the -EINTR the server left with its reply (no
 * restart, as Linux's), one that timed out with -EAGAIN or the count it
 * moved (server_call.c passes both on). recvmmsg's timeout is Linux's:
 * looked at after each message, never ending a wait.
 */
#include "clock_math.h"
#include "descriptors.h"
#include "file_transfer.h"
#include "iovec.h"
#include "limits.h"
#include "paths.h"
#include "personality.h"
#include "server_call.h"
#include "sockets.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/unix.h"
#include "sys/protocol/vfs.h"
#include "sys/syscall.h"

/* A datagram gathered from several buffers goes through one buffer here:
 * on the stack up to this, beyond in a mapping made for the call. */
#define GATHERED_LIMIT  4096

/* Whether a socket is a datagram one: only they look a destination up
 * (a stream socket's answer is -EISCONN or -EOPNOTSUPP, a seqpacket
 * socket's ignores it, whatever the path names). */
static bool socket_is_datagram(uint64_t socket)
{
    return socket_type(socket) == LINUX_SOCK_DGRAM;
}

/* The send itself: UNIX_SEND through the socket, or UNIX_SEND_AS
 * through the session with the socket as capability 0 and the claim (if
 * any) in MR4-MR7, and when it passes descriptors (with_rights) the
 * soft RLIMIT_NOFILE in MR8, which bounds its user's descriptors in
 * flight (Linux's too_many_unix_fds; the server counts them);
 * caps[0..count) follow. */
static int64_t send_call(uint64_t socket, bool as, bool with_rights, const uint64_t *caps,
                         unsigned count, unsigned windows, uint64_t mr[4],
                         const struct claimed_credentials *claim)
{
    unsigned index = 0;
    if (as)
        tern_set_cap(index++, socket);
    for (unsigned i = 0; i < count; i++)
        tern_set_cap(index++, caps[i]);
    if (!as)
        return socket_result(linux_write_call(socket, UNIX_SEND, 4, index, windows, mr));
    bool claimed = claim && claim->claimed;
    tern_set_mr(4, claimed ? claim->pid : 0);
    tern_set_mr(5, claimed ? claim->uid : 0);
    tern_set_mr(6, claimed ? claim->gid : 0);
    tern_set_mr(7, claimed);
    if (with_rights)
        tern_set_mr(8, linux_descriptor_soft_limit());
    int64_t result = linux_write_call(socket_session(), UNIX_SEND_AS, with_rights ? 9 : 8, index,
                                      windows, mr);
    return result == -LINUX_EBADF ? -LINUX_ENOTSOCK : result;
}

/* One UNIX_SEND of a buffer to the destination name (NULL: the peer),
 * with the descriptors passed (NULL: none), which the server releases if
 * the send fails, and the credentials claimed (NULL: none; one not
 * claimed: the sender's identity is needed). One with descriptors or
 * credentials goes through the session (UNIX_SEND_AS); so does
 * a plain one again when the server needs its sender's identity. */
static int64_t send_buffer(uint64_t socket, uint64_t buffer, uint64_t length, uint64_t flags,
                           const struct socket_address *name, const struct passed_rights *rights,
                           const struct claimed_credentials *claim)
{
    bool with_rights = rights && rights->count;
    bool as = claim || with_rights;
    uint64_t node = 0;
    uint64_t caps[TERN_MSG_MAX_CAPS];
    unsigned windows = 1, count = 0;
    if (name) {
        if (socket_names_path(name) && socket_is_datagram(socket)) {
            node = linux_scratch_slot();
            int64_t result = socket_node(VFS_SOCKET_NODE, name, node);
            if (result < 0) {
                if (rights)
                    socket_release_rights(rights, 0);
                return result;
            }
            caps[count++] = node;
        }
        windows = 2;
    }
    uint64_t key = 0;
    unsigned first = 0;
    if (rights && rights->count) {
        int64_t staged = socket_stage_rights(socket, rights, TERN_MSG_MAX_CAPS - count - 1, &first);
        if (staged < 0) {
            if (node)
                linux_slot_delete(node);
            return staged;
        }
        key = (uint64_t)staged;
        for (unsigned i = first; i < rights->count; i++)
            caps[count++] = rights->slots[i];
    }
    if (length > LINUX_MAX_RW_COUNT)
        length = LINUX_MAX_RW_COUNT;
    int64_t result;
    for (;;) {
        linux_set_window(0, buffer, length, TERN_WINDOW_READ);
        if (name)
            linux_set_window(1, (uint64_t)(uintptr_t)name->bytes, name->length,
                             TERN_WINDOW_READ);
        uint64_t mr[4] = {length, flags, name ? name->length : 0, key};
        result = send_call(socket, as, with_rights, caps, count, windows, mr, claim);
        if (result != UNIX_IDENTITY_NEEDED || as)
            break;
        as = true;      /* a plain send: nothing passed, nothing lost */
    }
    if (result == UNIX_IDENTITY_NEEDED)
        result = -LINUX_EIO;        /* a server that asks again */
    if (node)
        linux_slot_delete(node);
    if (result == -LINUX_ENOTSOCK && rights)
        socket_release_rights(rights, first);      /* another server kept none */
    return result;
}

int64_t linux_socket_write_as(uint64_t slot, uint64_t buffer, uint64_t length)
{
    struct claimed_credentials none = {0, 0, 0, false};
    return send_buffer(slot, buffer, length, 0, 0, 0, &none);
}

/* A write's SIGPIPE (linux_written), unless MSG_NOSIGNAL. */
static int64_t sent(int64_t result, uint64_t flags)
{
    return flags & LINUX_MSG_NOSIGNAL ? result : linux_written(result);
}

int64_t sys_sendto(int64_t fd, uint64_t buffer, uint64_t length, uint64_t flags,
                   uint64_t address, int64_t address_length)
{
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    struct socket_address name;
    bool named = address && address_length;
    if (named) {
        int64_t result = socket_read_address(address, address_length, &name, false);
        if (result < 0)
            return result;
    }
    return sent(send_buffer((uint64_t)socket, buffer, length, flags, named ? &name : 0, 0, 0),
                flags);
}

/* One UNIX_RECV into a buffer; the sender's name into name (room for a
 * sockaddr_un) when it is not NULL, its length in *name_length, the
 * message flags in *message_flags. */
static int64_t receive_buffer(uint64_t socket, uint64_t buffer, uint64_t length, uint64_t flags,
                              uint8_t *name, uint64_t *name_length, uint64_t *message_flags,
                              uint64_t key, uint64_t *rights_held,
                              struct claimed_credentials *credentials)
{
    if (length > LINUX_MAX_RW_COUNT)
        length = LINUX_MAX_RW_COUNT;
    linux_set_window(0, buffer, length, TERN_WINDOW_WRITE);
    if (name)
        linux_set_window(1, (uint64_t)(uintptr_t)name, LINUX_SOCKADDR_UN_SIZE, TERN_WINDOW_WRITE);
    uint64_t mr[4] = {length, flags, name ? LINUX_SOCKADDR_UN_SIZE : 0, key};
    int64_t result = socket_result(linux_call(socket, UNIX_RECV, 4, 0, name ? 2 : 1, mr));
    if (result >= 0) {
        *message_flags = (uint32_t)mr[1];
        *name_length = mr[2] < LINUX_SOCKADDR_UN_SIZE ? mr[2] : LINUX_SOCKADDR_UN_SIZE;
        *rights_held = mr[3];
        /* SO_PASSCRED: the credentials of what was read. */
        bool passed = mr[1] & UNIX_RECV_CREDENTIALS;
        if (credentials)
            *credentials = (struct claimed_credentials){
                passed ? (uint32_t)tern_get_mr(4) : 0, passed ? (uint32_t)tern_get_mr(5) : 0,
                passed ? (uint32_t)tern_get_mr(6) : 0, passed};
    }
    return result;
}

int64_t sys_recvfrom(int64_t fd, uint64_t buffer, uint64_t length, uint64_t flags,
                     uint64_t address, uint64_t length_pointer)
{
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    int32_t room = 0;
    if (address) {
        int64_t result = socket_read_room(length_pointer, &room);
        if (result < 0)
            return result;
    }
    uint8_t name[LINUX_SOCKADDR_UN_SIZE];
    uint64_t name_length = 0, message_flags = 0, rights_held = 0;
    int64_t result = receive_buffer((uint64_t)socket, buffer, length, flags, address ? name : 0,
                                    &name_length, &message_flags, 0, &rights_held, 0);
    if (result >= 0 && address) {
        int64_t error = socket_write_address(address, length_pointer, room, name, name_length);
        if (error < 0)
            return error;
    }
    return result;
}

/* struct msghdr as arm64 lays it out. */
struct linux_msghdr {
    uint64_t name;
    uint32_t name_length;
    uint32_t padding;
    uint64_t iov;
    uint64_t iov_count;
    uint64_t control;
    uint64_t control_length;
    int32_t flags;
    uint32_t padding2;
};

/* The message's data as one buffer: its only one, or the small total
 * gathered in (or to be scattered from) gathered; else the first. */
/* A message's data as one buffer, as a datagram or record must go: its
 * only buffer, or all of them gathered in (or to be scattered from) one
 * here: on the stack up to 4 KiB, beyond in a mapping made for the call. */
struct message_data {
    const struct linux_iovec *iov;
    int count;
    uint64_t buffer, length;
    uint64_t mapped;            /* the mapping's length, 0 if none */
    uint8_t stack[GATHERED_LIMIT];
};

static int64_t message_data_open(struct message_data *data, const struct linux_iovec *iov,
                                 int64_t count, int64_t total, bool sending)
{
    data->iov = iov;
    data->count = (int)count;
    data->mapped = 0;
    if (count <= 1) {
        data->buffer = count ? iov[0].base : 0;
        data->length = count ? iov[0].length : 0;
        return 0;
    }
    uint8_t *into = data->stack;
    if (total > GATHERED_LIMIT) {
        uint64_t size = ((uint64_t)total + LINUX_PAGE_SIZE - 1) & ~(uint64_t)(LINUX_PAGE_SIZE - 1);
        int64_t address = sys_mmap(0, size, LINUX_PROT_READ | LINUX_PROT_WRITE,
                                   LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS, -1, 0);
        if (address < 0)
            return address;
        into = (uint8_t *)(uintptr_t)address;
        data->mapped = size;
    }
    if (sending)
        iovec_gather(iov, (int)count, into);
    data->buffer = (uint64_t)(uintptr_t)into;
    data->length = (uint64_t)total;
    return 0;
}

/* Scatters a receive's moved bytes back (if gathered) and unmaps. */
static void message_data_close(struct message_data *data, int64_t moved)
{
    if (data->count > 1 && moved > 0)
        iovec_scatter(data->iov, data->count, (const uint8_t *)(uintptr_t)data->buffer,
                      (uint64_t)moved < data->length ? (uint64_t)moved : data->length);
    if (data->mapped)
        sys_munmap(data->buffer, data->mapped);
}

static int64_t read_message_header(uint64_t message, struct linux_msghdr *header, bool writes)
{
    if (!linux_user_range(message, sizeof *header))
        return -LINUX_EFAULT;
    linux_touch_pages(message, sizeof *header, writes);
    *header = *(const struct linux_msghdr *)(uintptr_t)message;
    const struct linux_iovec *iov = (const struct linux_iovec *)(uintptr_t)header->iov;
    int64_t total = iovec_total_length(iov, (int64_t)header->iov_count);
    if (total < 0)
        return total;
    if (header->iov_count && !linux_user_range(header->iov, header->iov_count * sizeof *iov))
        return -LINUX_EFAULT;
    return total;
}

static int64_t send_message(int64_t fd, uint64_t message, uint64_t flags)
{
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    struct linux_msghdr header;
    int64_t total = read_message_header(message, &header, false);
    if (total < 0)
        return total;
    struct socket_address name;
    bool named = header.name && header.name_length;
    if (named) {
        int64_t result = socket_read_address(header.name, header.name_length, &name, false);
        if (result < 0)
            return result;
    }
    struct passed_rights rights;
    struct claimed_credentials claim;
    int64_t retained = socket_read_control(header.control, header.control_length, &rights, &claim);
    if (retained < 0)
        return retained;
    struct message_data data;
    int64_t opened = message_data_open(&data, (const struct linux_iovec *)(uintptr_t)header.iov,
                                       (int64_t)header.iov_count, total, true);
    if (opened < 0) {
        socket_release_rights(&rights, 0);
        return opened;
    }
    int64_t result = send_buffer((uint64_t)socket, data.buffer, data.length, flags,
                                 named ? &name : 0, &rights, claim.claimed ? &claim : 0);
    message_data_close(&data, 0);
    return sent(result, flags);
}

static int64_t receive_message(int64_t fd, uint64_t message, uint64_t flags)
{
    int64_t socket = linux_fd_capability(fd);
    if (socket < 0)
        return socket;
    struct linux_msghdr header;
    int64_t total = read_message_header(message, &header, true);
    if (total < 0)
        return total;
    struct message_data data;
    int64_t opened = message_data_open(&data, (const struct linux_iovec *)(uintptr_t)header.iov,
                                       (int64_t)header.iov_count, total, false);
    if (opened < 0)
        return opened;
    bool takes_rights = header.control && header.control_length >= CMSG_HEADER_SIZE;
    if (takes_rights && !linux_user_range(header.control, header.control_length)) {
        message_data_close(&data, 0);
        return -LINUX_EFAULT;
    }
    if (takes_rights)
        linux_touch_pages(header.control, header.control_length, true);
    uint8_t name[LINUX_SOCKADDR_UN_SIZE];
    uint64_t name_length = 0, message_flags = 0, rights_held = 0;
    struct claimed_credentials credentials;
    int64_t result = receive_buffer((uint64_t)socket, data.buffer, data.length,
                                    flags & ~(uint64_t)LINUX_MSG_CMSG_CLOEXEC,
                                    header.name ? name : 0, &name_length, &message_flags,
                                    takes_rights ? linux_thread_id() : 0, &rights_held,
                                    &credentials);
    message_data_close(&data, result);
    if (result < 0)
        return result;
    uint64_t control_used = 0;
    if (credentials.claimed)
        control_used = socket_put_credentials(takes_rights ? header.control : 0, header.control_length,
                                       &credentials, &message_flags);
    if (rights_held && takes_rights)
        control_used += socket_take_rights((uint64_t)socket, rights_held, header.control + control_used,
                                    header.control_length - control_used,
                                    flags & LINUX_MSG_CMSG_CLOEXEC, &message_flags);
    else if (rights_held)
        message_flags |= LINUX_MSG_CTRUNC;     /* the server released them */
    struct linux_msghdr *out = (struct linux_msghdr *)(uintptr_t)message;
    if (header.name) {
        uint64_t copied = name_length < header.name_length ? name_length : header.name_length;
        if (copied && !linux_user_range(header.name, copied))
            return -LINUX_EFAULT;
        linux_touch_pages(header.name, copied, true);
        __builtin_memcpy((void *)(uintptr_t)header.name, name, copied);
        out->name_length = (uint32_t)name_length;
    }
    out->control_length = control_used;
    out->flags = (int32_t)message_flags;
    return result;
}

int64_t sys_sendmsg(int64_t fd, uint64_t message, uint64_t flags)
{
    return send_message(fd, message, flags);
}

int64_t sys_recvmsg(int64_t fd, uint64_t message, uint64_t flags)
{
    return receive_message(fd, message, flags);
}

/* struct mmsghdr: a msghdr and the length it moved. */
#define MMSGHDR_SIZE        64
#define MMSGHDR_LENGTH      56
#define LINUX_MSG_WAITFORONE 0x10000
#define LINUX_UIO_MAXIOV_MESSAGES 1024

/* sendmmsg and recvmmsg: one message after the other, the count done, or
 * the first one's error when none went (Linux's __sys_sendmmsg). A
 * deadline (counter ticks; 0: none) is looked at after each message, as
 * Linux's do_recvmmsg does: it never ends a wait for one. */
static int64_t each_message(int64_t fd, uint64_t vector, uint64_t count, uint64_t flags,
                            bool sending, uint64_t deadline)
{
    if (count > LINUX_UIO_MAXIOV_MESSAGES)
        count = LINUX_UIO_MAXIOV_MESSAGES;
    uint64_t done = 0;
    for (; done < count; done++) {
        uint64_t message = vector + done * MMSGHDR_SIZE;
        int64_t result = sending ? send_message(fd, message, flags)
                                 : receive_message(fd, message,
                                                   flags & ~(uint64_t)LINUX_MSG_WAITFORONE);
        if (result < 0)
            return done ? (int64_t)done : result;
        *(uint32_t *)(uintptr_t)(message + MMSGHDR_LENGTH) = (uint32_t)result;
        if (!sending && (flags & LINUX_MSG_WAITFORONE))
            flags = (flags & ~(uint64_t)LINUX_MSG_WAITFORONE) | LINUX_MSG_DONTWAIT;
        if (deadline && linux_counter_now() >= deadline)
            return (int64_t)done + 1;
    }
    return (int64_t)done;
}

int64_t sys_sendmmsg(int64_t fd, uint64_t vector, uint64_t count, uint64_t flags)
{
    return each_message(fd, vector, count, flags, true, 0);
}

int64_t sys_recvmmsg(int64_t fd, uint64_t vector, uint64_t count, uint64_t flags,
                     uint64_t timeout)
{
    if (!timeout)
        return each_message(fd, vector, count, flags, false, 0);
    struct linux_timespec *left = (struct linux_timespec *)(uintptr_t)timeout;
    if (!linux_user_range(timeout, sizeof *left))
        return -LINUX_EFAULT;
    linux_touch_pages(timeout, sizeof *left, true);
    if (!timespec_is_valid(left))
        return -LINUX_EINVAL;
    uint64_t frequency = linux_counter_frequency();
    uint64_t deadline = deadline_after(linux_counter_now(), timespec_to_ticks(left, frequency));
    int64_t result = each_message(fd, vector, count, flags, false, deadline);
    /* The time left goes back, as Linux's recvmmsg writes it. */
    uint64_t now = linux_counter_now();
    *left = ticks_to_timespec(now < deadline ? deadline - now : 0, frequency);
    return result;
}

