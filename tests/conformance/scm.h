/*
 * What the SCM tests (unix_scm_*.c, unix_gc.c) share: sending and
 * receiving descriptors with SCM_RIGHTS.
 */
#ifndef CONFORMANCE_SCM_H
#define CONFORMANCE_SCM_H

#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* Sends one byte with `count` descriptors; sendmsg's result. */
static inline ssize_t send_fds(int socket_fd, const int *fds, int count)
{
    char byte = 'F';
    struct iovec vector = {&byte, 1};
    static char control[CMSG_SPACE(sizeof(int) * 300)];
    memset(control, 0, sizeof control);
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)count);
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)count);
    memcpy(CMSG_DATA(header), fds, sizeof(int) * (size_t)count);
    /* The raw call: Debian's musl copies the control data into a buffer
     * of its own, 1024 bytes, and fails with ENOMEM (no system call) for
     * more, and 253 descriptors need CMSG_SPACE(253 * 4) = 1032. */
    return syscall(SYS_sendmsg, socket_fd, &message, 0);
}

static inline ssize_t send_fd(int socket_fd, int fd)
{
    return send_fds(socket_fd, &fd, 1);
}

/* Receives one byte and up to `room` descriptors into fds[]; returns
 * recvmsg's result, the descriptors' count in *count (-1: a control
 * message that is not SCM_RIGHTS) and msg_flags in *flags. */
static inline ssize_t receive_fds(int socket_fd, int *fds, int room, int *count, int *flags,
                                  int recv_flags)
{
    char byte;
    struct iovec vector = {&byte, 1};
    static char control[CMSG_SPACE(sizeof(int) * 300)];
    memset(control, 0, sizeof control);
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = room > 0 ? control : NULL;
    message.msg_controllen = room > 0 ? CMSG_SPACE(sizeof(int) * (size_t)room) : 0;
    ssize_t result = recvmsg(socket_fd, &message, recv_flags);
    *count = 0;
    *flags = message.msg_flags;
    if (result < 0)
        return result;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL;
         header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) {
            *count = -1;
            return result;
        }
        int here = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        memcpy(fds + *count, CMSG_DATA(header), sizeof(int) * (size_t)here);
        *count += here;
    }
    return result;
}

/* One descriptor, or -1. */
static inline int receive_fd(int socket_fd, int recv_flags)
{
    int fd = -1, count = 0, flags = 0;
    if (receive_fds(socket_fd, &fd, 1, &count, &flags, recv_flags) != 1 || count != 1)
        return -1;
    return fd;
}

#endif
