/*
 * userfaultfd's ABI for the conformance programs (musl's headers have no
 * linux/userfaultfd.h): Linux's include/uapi/linux/userfaultfd.h, the
 * parts the tests use, and small helpers.
 */
#ifndef CONFORMANCE_USERFAULT_H
#define CONFORMANCE_USERFAULT_H

#include <poll.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_userfaultfd
#define SYS_userfaultfd 282
#endif

#define UFFD_API ((uint64_t)0xAA)
#define UFFD_USER_MODE_ONLY 1

struct uffdio_range { uint64_t start, len; };
struct uffdio_api { uint64_t api, features, ioctls; };
struct uffdio_register { struct uffdio_range range; uint64_t mode, ioctls; };
struct uffdio_copy { uint64_t dst, src, len, mode; int64_t copy; };
struct uffdio_zeropage { struct uffdio_range range; uint64_t mode; int64_t zeropage; };
struct uffd_msg {
    uint8_t event, reserved1;
    uint16_t reserved2;
    uint32_t reserved3;
    union {
        struct { uint64_t flags, address; uint32_t ptid; } pagefault;
        uint64_t reserved[3];
    } arg;
} __attribute__((packed));

#define UFFDIO 0xAA
#define _UFFDIO_REGISTER    0x00
#define _UFFDIO_UNREGISTER  0x01
#define _UFFDIO_WAKE        0x02
#define _UFFDIO_COPY        0x03
#define _UFFDIO_ZEROPAGE    0x04
#define _UFFDIO_MOVE        0x05    /* 6.8 */
#define _UFFDIO_WRITEPROTECT 0x06
#define _UFFDIO_CONTINUE    0x07
#define _UFFDIO_POISON      0x08    /* 6.6 */
#define _UFFDIO_API         0x3F
#define UFFDIO_API          _IOWR(UFFDIO, _UFFDIO_API, struct uffdio_api)
#define UFFDIO_REGISTER     _IOWR(UFFDIO, _UFFDIO_REGISTER, struct uffdio_register)
#define UFFDIO_UNREGISTER   _IOR(UFFDIO, _UFFDIO_UNREGISTER, struct uffdio_range)
#define UFFDIO_WAKE         _IOR(UFFDIO, _UFFDIO_WAKE, struct uffdio_range)
#define UFFDIO_COPY         _IOWR(UFFDIO, _UFFDIO_COPY, struct uffdio_copy)
#define UFFDIO_ZEROPAGE     _IOWR(UFFDIO, _UFFDIO_ZEROPAGE, struct uffdio_zeropage)
struct uffdio_writeprotect { struct uffdio_range range; uint64_t mode; };
struct uffdio_continue { struct uffdio_range range; uint64_t mode; int64_t mapped; };
struct uffdio_poison { struct uffdio_range range; uint64_t mode; int64_t updated; };
struct uffdio_move { uint64_t dst, src, len, mode; int64_t move; };
#define UFFDIO_WRITEPROTECT _IOWR(UFFDIO, _UFFDIO_WRITEPROTECT, struct uffdio_writeprotect)
#define UFFDIO_CONTINUE     _IOWR(UFFDIO, _UFFDIO_CONTINUE, struct uffdio_continue)
#define UFFDIO_POISON       _IOWR(UFFDIO, _UFFDIO_POISON, struct uffdio_poison)
#define UFFDIO_MOVE         _IOWR(UFFDIO, _UFFDIO_MOVE, struct uffdio_move)

#define UFFDIO_REGISTER_MODE_MISSING    1
#define UFFDIO_REGISTER_MODE_WP         2
#define UFFDIO_REGISTER_MODE_MINOR      4
#define UFFDIO_WRITEPROTECT_MODE_WP     1
#define UFFDIO_WRITEPROTECT_MODE_DONTWAKE 2
#define UFFDIO_COPY_MODE_DONTWAKE       1
#define UFFDIO_COPY_MODE_WP             2
#define UFFD_FEATURE_THREAD_ID          (1ULL << 8)
#define UFFD_FEATURE_EXACT_ADDRESS      (1ULL << 11)
#define UFFD_EVENT_PAGEFAULT            0x12
#define UFFD_PAGEFAULT_FLAG_WRITE       1

#define UFFD_API_IOCTLS ((1ULL << _UFFDIO_REGISTER) | (1ULL << _UFFDIO_UNREGISTER) | \
                         (1ULL << _UFFDIO_API))
#define UFFD_MISSING_IOCTLS ((1ULL << _UFFDIO_WAKE) | (1ULL << _UFFDIO_COPY) | \
                             (1ULL << _UFFDIO_ZEROPAGE))

static inline int userfaultfd(int flags)
{
    return (int)syscall(SYS_userfaultfd, flags);
}

/* A descriptor past UFFDIO_API with features: -1 on failure. */
static inline int userfault_open(int flags, uint64_t features)
{
    int fd = userfaultfd(flags);
    struct uffdio_api api = { .api = UFFD_API, .features = features };
    if (fd < 0 || ioctl(fd, UFFDIO_API, &api) != 0)
        return -1;
    return fd;
}

static inline int userfault_register(int fd, void *start, uint64_t length)
{
    struct uffdio_register argument = { { (uint64_t)(uintptr_t)start, length },
                                        UFFDIO_REGISTER_MODE_MISSING, 0 };
    return ioctl(fd, UFFDIO_REGISTER, &argument);
}

/* An UNMAP or REMOVE event's message: the range in arg.remove. */
struct remove_message {
    uint8_t event, reserved1;
    uint16_t reserved2;
    uint32_t reserved3;
    uint64_t start, end, reserved;
} __attribute__((packed));

static inline uint64_t address_of(const void *pointer)
{
    return (uint64_t)(uintptr_t)pointer;
}

/* Time for another thread to get where it waits (50 ms). */
static inline void pause_briefly(void)
{
    struct timespec pause = { 0, 50 * 1000 * 1000 };
    nanosleep(&pause, 0);
}

/* Whether a message comes to fd within ten seconds. */
static inline int message_waits(int fd)
{
    struct pollfd poller = { fd, POLLIN, 0 };
    return poll(&poller, 1, 10000) == 1 && poller.revents == POLLIN;
}

/* A thread's touch of one byte (touch_byte, for pthread_create): a
 * write of 'w' first if asked, then a read of what is there. */
struct byte_touch {
    volatile char *address;
    int write;
    volatile char seen;
};

static inline void *touch_byte(void *argument)
{
    struct byte_touch *touch = argument;
    if (touch->write)
        *touch->address = 'w';
    touch->seen = *touch->address;
    return 0;
}

#endif
