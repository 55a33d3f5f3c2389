/* The devices of /dev: see device.h. */
#include "device.h"
#include "sys/client_buffer.h"
#include "sys/linux_userfault.h"
#include "sys/protocol/file.h"
#include "sys/runtime.h"

/* Bytes written to the console go out through a buffer this long. */
#define CONSOLE_PIECE 256

int64_t device_read(const struct vfs_node *node, const struct client_buffer *buffer,
                    uint64_t length)
{
    if (device_is_userfaultfd(node))
        return -LINUX_EINVAL;
    if (node->device != VFS_DEVICE_ZERO)
        return 0;   /* the console has no input yet; /dev/null is empty */
    if (length > CLIENT_BUFFER_MAX_TRANSFER)
        length = CLIENT_BUFFER_MAX_TRANSFER;
    return client_buffer_result(client_buffer_zero(buffer, 0, length), -LINUX_EFAULT);
}

int64_t device_write(struct vfs *vfs, const struct vfs_node *node,
                     const struct client_buffer *buffer, uint64_t length)
{
    if (device_is_userfaultfd(node))
        return -LINUX_EINVAL;
    if (length > CLIENT_BUFFER_MAX_TRANSFER)
        length = CLIENT_BUFFER_MAX_TRANSFER;
    if (!device_is_console(node))
        return (int64_t)length;
    char piece[CONSOLE_PIECE];
    uint64_t done = 0;
    while (done < length) {
        uint64_t size = length - done < sizeof(piece) ? length - done : sizeof(piece);
        if (buffer->copy_from_client(buffer->context, done, piece, size) != 0)
            return client_buffer_result(done, -LINUX_EFAULT);
        vfs->services.console_write(vfs->services.context, piece, size,
                                    node->device == VFS_DEVICE_CONSOLE_ERRORS);
        done += size;
    }
    return (int64_t)done;
}

bool device_is_console(const struct vfs_node *node)
{
    return node->device == VFS_DEVICE_CONSOLE || node->device == VFS_DEVICE_CONSOLE_ERRORS;
}

bool device_is_userfaultfd(const struct vfs_node *node)
{
    return node->device == VFS_DEVICE_USERFAULTFD;
}

bool device_is_seekable(const struct vfs_node *node)
{
    return !device_is_console(node);
}

static int64_t copy_result(const struct client_buffer *argument, const void *value, size_t size)
{
    return client_buffer_copy_to(argument, 0, value, size) == size ? 0 : -LINUX_EFAULT;
}

/* What the console's settings change to: from the argument. */
static int64_t set_terminal(struct terminal *terminal, const struct client_buffer *argument,
                            bool flush)
{
    struct linux_termios settings;
    if (argument->copy_from_client(argument->context, 0, &settings, sizeof settings) != 0)
        return -LINUX_EFAULT;
    terminal_set(terminal, &settings, flush);
    return 0;
}

static int64_t resize_terminal(struct terminal *terminal, const struct client_buffer *argument)
{
    struct linux_winsize size;
    if (argument->copy_from_client(argument->context, 0, &size, sizeof size) != 0)
        return -LINUX_EFAULT;
    terminal_resize(terminal, &size);
    return 0;
}

int64_t device_ioctl(struct vfs *vfs, const struct vfs_node *node, uint64_t request,
                     const struct client_buffer *argument)
{
    if (device_is_userfaultfd(node)) {
        /* Linux's userfaultfd_dev_ioctl: only USERFAULTFD_IOC_NEW. */
        return request == LINUX_USERFAULTFD_IOC_NEW ? USERFAULT_DEVICE_REFERRAL : -LINUX_EINVAL;
    }
    if (!device_is_console(node))
        return -LINUX_ENOTTY;
    struct terminal *terminal = &vfs->console;
    int32_t count = (int32_t)terminal_input_count(terminal);
    switch (request) {
    case LINUX_TCGETS:
        return copy_result(argument, &terminal->settings, sizeof terminal->settings);
    case LINUX_TCSETS:
    case LINUX_TCSETSW:         /* output is written at once: nothing to drain */
    case LINUX_TCSETSF:
        return set_terminal(terminal, argument, request == LINUX_TCSETSF);
    case LINUX_TIOCGWINSZ:
        return copy_result(argument, &terminal->size, sizeof terminal->size);
    case LINUX_TIOCSWINSZ:
        return resize_terminal(terminal, argument);
    case LINUX_FIONREAD:
        return copy_result(argument, &count, sizeof count);
    case LINUX_TIOCOUTQ:
        count = 0;
        return copy_result(argument, &count, sizeof count);
    case LINUX_TCSBRK:          /* tcdrain: nothing is ever left to send */
        return 0;
    case LINUX_TIOCSCTTY:
    case LINUX_TIOCNOTTY:
    case LINUX_TIOCGPGRP:
    case LINUX_TIOCSPGRP:
    case LINUX_TIOCGSID:
    case LINUX_TIOCSTI:
        return FILE_TERMINAL_REFERRAL;
    default:
        return -LINUX_ENOTTY;
    }
}
