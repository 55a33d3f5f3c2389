/* The devices of /dev: see device.h. */
#include "device.h"
#include "sys/client_buffer.h"
#include "sys/runtime.h"

/* Bytes written to the console go out through a buffer this long. */
#define CONSOLE_PIECE 256

/* Linux's struct termios (TCGETS) on arm64: four tcflag_t, c_line and
 * NCCS = 19 control characters. */
#define TERMIOS_CONTROL_CHARACTERS 19
struct linux_termios {
    uint32_t input_flags;
    uint32_t output_flags;
    uint32_t control_flags;
    uint32_t local_flags;
    uint8_t line_discipline;
    uint8_t control_characters[TERMIOS_CONTROL_CHARACTERS];
};
_Static_assert(sizeof(struct linux_termios) == 36, "struct termios is 36 bytes on arm64");

struct linux_winsize {
    uint16_t rows;
    uint16_t columns;
    uint16_t x_pixels;
    uint16_t y_pixels;
};

/* What a freshly opened Linux terminal reports (tty_std_termios): ICRNL
 * IXON; OPOST ONLCR; B38400 CS8 CREAD HUPCL; ISIG ICANON ECHO ECHOE
 * ECHOK ECHOCTL ECHOKE IEXTEN; and the usual control characters. */
static const struct linux_termios console_termios = {
    .input_flags = 0000400 | 0002000,
    .output_flags = 0000001 | 0000004,
    .control_flags = 0000017 | 0000060 | 0000200 | 0002000,
    .local_flags = 0000001 | 0000002 | 0000010 | 0000020 | 0000040 | 0001000 | 0004000 |
                   0100000,
    .line_discipline = 0,
    .control_characters = {3, 034, 0177, 025, 4, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0},
};

static const struct linux_winsize console_size = {.rows = 24, .columns = 80};

int64_t device_read(const struct vfs_node *node, const struct client_buffer *buffer,
                    uint64_t length)
{
    if (node->device != VFS_DEVICE_ZERO)
        return 0;   /* the console has no input yet; /dev/null is empty */
    if (length > CLIENT_BUFFER_MAX_TRANSFER)
        length = CLIENT_BUFFER_MAX_TRANSFER;
    return client_buffer_result(client_buffer_zero(buffer, 0, length), -LINUX_EFAULT);
}

int64_t device_write(struct vfs *vfs, const struct vfs_node *node,
                     const struct client_buffer *buffer, uint64_t length)
{
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

bool device_is_seekable(const struct vfs_node *node)
{
    return !device_is_console(node);
}

static int64_t copy_result(const struct client_buffer *argument, const void *value, size_t size)
{
    return client_buffer_copy_to(argument, 0, value, size) == size ? 0 : -LINUX_EFAULT;
}

int64_t device_ioctl(const struct vfs_node *node, uint64_t request,
                     const struct client_buffer *argument)
{
    if (!device_is_console(node))
        return -LINUX_ENOTTY;
    int32_t nothing_to_read = 0;
    switch (request) {
    case LINUX_TCGETS:
        return copy_result(argument, &console_termios, sizeof(console_termios));
    case LINUX_TIOCGWINSZ:
        return copy_result(argument, &console_size, sizeof(console_size));
    case LINUX_FIONREAD:
        return copy_result(argument, &nothing_to_read, sizeof(nothing_to_read));
    default:
        return -LINUX_ENOTTY;
    }
}
