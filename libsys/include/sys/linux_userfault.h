/*
 * userfaultfd's ABI as Linux defines it (include/uapi/linux/userfaultfd.h):
 * the ioctl requests and their argument structures, the message read(2)
 * gives, and the feature and mode bits. Shared by the personality (which
 * learns the ioctl numbers only to name UFFDIO_COPY's source as a window)
 * and procmgr, which serves the descriptor (docs/protocols/userfault.md).
 */
#ifndef SYS_LINUX_USERFAULT_H
#define SYS_LINUX_USERFAULT_H

#include <stdint.h>

#define LINUX_UFFD_API                  0xaaULL
#define LINUX_UFFD_USER_MODE_ONLY       1

/* The ioctls' numbers (_UFFDIO_*): bits of the ioctls masks. */
#define LINUX_UFFDIO_REGISTER_BIT       0x00
#define LINUX_UFFDIO_UNREGISTER_BIT     0x01
#define LINUX_UFFDIO_WAKE_BIT           0x02
#define LINUX_UFFDIO_COPY_BIT           0x03
#define LINUX_UFFDIO_ZEROPAGE_BIT       0x04
#define LINUX_UFFDIO_WRITEPROTECT_BIT   0x06
#define LINUX_UFFDIO_CONTINUE_BIT       0x07
#define LINUX_UFFDIO_API_BIT            0x3f

/* _IOWR(0xAA, nr, struct): read and write, the struct's size. */
#define LINUX_UFFD_IOWR(nr, size)       (0xc0000000U | ((uint32_t)(size) << 16) | 0xaa00U | (nr))
#define LINUX_UFFDIO_API        LINUX_UFFD_IOWR(LINUX_UFFDIO_API_BIT, 24)
#define LINUX_UFFDIO_REGISTER   LINUX_UFFD_IOWR(LINUX_UFFDIO_REGISTER_BIT, 32)
#define LINUX_UFFDIO_UNREGISTER (0x80000000U | (16U << 16) | 0xaa00U | LINUX_UFFDIO_UNREGISTER_BIT)
#define LINUX_UFFDIO_WAKE       (0x80000000U | (16U << 16) | 0xaa00U | LINUX_UFFDIO_WAKE_BIT)
#define LINUX_UFFDIO_COPY       LINUX_UFFD_IOWR(LINUX_UFFDIO_COPY_BIT, 40)
#define LINUX_UFFDIO_ZEROPAGE   LINUX_UFFD_IOWR(LINUX_UFFDIO_ZEROPAGE_BIT, 32)
#define LINUX_UFFDIO_WRITEPROTECT LINUX_UFFD_IOWR(LINUX_UFFDIO_WRITEPROTECT_BIT, 24)
#define LINUX_UFFDIO_CONTINUE   LINUX_UFFD_IOWR(LINUX_UFFDIO_CONTINUE_BIT, 32)

/* What UFFDIO_API answers in ioctls, and UFFDIO_REGISTER for a range
 * registered MISSING (Linux's UFFD_API_IOCTLS; UFFD_API_RANGE_IOCTLS
 * without WRITEPROTECT and CONTINUE, which need WP and MINOR modes);
 * a MINOR range adds CONTINUE. */
#define LINUX_UFFD_API_IOCTLS   ((1ULL << LINUX_UFFDIO_REGISTER_BIT) | \
                                 (1ULL << LINUX_UFFDIO_UNREGISTER_BIT) | \
                                 (1ULL << LINUX_UFFDIO_API_BIT))
#define LINUX_UFFD_MISSING_RANGE_IOCTLS ((1ULL << LINUX_UFFDIO_WAKE_BIT) | \
                                         (1ULL << LINUX_UFFDIO_COPY_BIT) | \
                                         (1ULL << LINUX_UFFDIO_ZEROPAGE_BIT))
#define LINUX_UFFD_MINOR_RANGE_IOCTLS (LINUX_UFFD_MISSING_RANGE_IOCTLS | \
                                       (1ULL << LINUX_UFFDIO_CONTINUE_BIT))

#define LINUX_UFFDIO_REGISTER_MODE_MISSING  1ULL
#define LINUX_UFFDIO_REGISTER_MODE_WP       2ULL
#define LINUX_UFFDIO_REGISTER_MODE_MINOR    4ULL
#define LINUX_UFFDIO_COPY_MODE_DONTWAKE     1ULL
#define LINUX_UFFDIO_COPY_MODE_WP           2ULL
#define LINUX_UFFDIO_ZEROPAGE_MODE_DONTWAKE 1ULL
#define LINUX_UFFDIO_WRITEPROTECT_MODE_WP   1ULL
#define LINUX_UFFDIO_WRITEPROTECT_MODE_DONTWAKE 2ULL
#define LINUX_UFFDIO_CONTINUE_MODE_DONTWAKE 1ULL

/* Features (uffdio_api.features). */
#define LINUX_UFFD_FEATURE_PAGEFAULT_FLAG_WP    (1ULL << 0)
#define LINUX_UFFD_FEATURE_EVENT_FORK           (1ULL << 1)
#define LINUX_UFFD_FEATURE_EVENT_REMAP          (1ULL << 2)
#define LINUX_UFFD_FEATURE_EVENT_REMOVE         (1ULL << 3)
#define LINUX_UFFD_FEATURE_MISSING_SHMEM        (1ULL << 5)
#define LINUX_UFFD_FEATURE_EVENT_UNMAP          (1ULL << 6)
#define LINUX_UFFD_FEATURE_SIGBUS               (1ULL << 7)
#define LINUX_UFFD_FEATURE_THREAD_ID            (1ULL << 8)
#define LINUX_UFFD_FEATURE_MINOR_SHMEM          (1ULL << 10)
#define LINUX_UFFD_FEATURE_EXACT_ADDRESS        (1ULL << 11)

/* The events and a page fault's flags. */
#define LINUX_UFFD_EVENT_PAGEFAULT      0x12
#define LINUX_UFFD_EVENT_FORK           0x13
#define LINUX_UFFD_EVENT_REMAP          0x14
#define LINUX_UFFD_EVENT_REMOVE         0x15
#define LINUX_UFFD_EVENT_UNMAP          0x16
#define LINUX_UFFD_PAGEFAULT_FLAG_WRITE 1ULL
#define LINUX_UFFD_PAGEFAULT_FLAG_MINOR 4ULL

/* procmgr's answer to UFFDIO_COPY when the source page at MR1 bytes in
 * (those before it copied) is not mapped in the caller yet: a kernel
 * window copy does not fault pages in, so the personality touches the
 * rest of the source and asks again for it (no errno). */
#define USERFAULT_SOURCE_UNMAPPED   (-4097)

/* procmgr's answer to a PROC_PROCESS_VM call that waited for a
 * userfaultfd's pager (a page it had to touch was a registered one's):
 * the page is filled, or the wait ended otherwise, and the call is to be
 * made again (no errno). */
#define USERFAULT_ACCESS_AGAIN      (-4101)

/* procmgr's answer to a read whose next message is UFFD_EVENT_FORK: the
 * child's new descriptor is to be taken (no errno). MR1 is the child
 * context's handle, which the personality hands back through the same
 * descriptor in a FILE_IOCTL of USERFAULT_TAKE_FORK; the answer carries
 * the new descriptor as capability 0 and, in MR1, O_CLOEXEC if it is to
 * be close-on-exec. The personality then writes the message with the
 * new descriptor's number. */
#define USERFAULT_FORK_EVENT        (-4099)
#define USERFAULT_TAKE_FORK         0x7ffeU     /* no _IOC direction: not a Linux request */

/* /dev/userfaultfd (6.1): USERFAULTFD_IOC_NEW makes a userfaultfd with
 * the flags in its argument, without userfaultfd(2)'s privilege rule
 * (the device's permissions are the rule). vfs owns the device and
 * answers it USERFAULT_DEVICE_REFERRAL (no errno): the personality asks
 * procmgr (PROC_USERFAULTFD with PROC_USERFAULTFD_DEVICE and the device's
 * descriptor as capability 0), which hands it to vfs (VFS_USERFAULTFD_DEVICE,
 * vfs.h) to learn it is the device's before it skips the rule: procmgr
 * calls no server but vfs for it, whatever the caller sent. */
#define LINUX_USERFAULTFD_IOC_NEW   0xaa00U
#define USERFAULT_DEVICE_REFERRAL   (-4100)
#define PROC_USERFAULTFD_DEVICE     (1ULL << 32)

struct linux_uffdio_range {
    uint64_t start, len;
};

struct linux_uffdio_api {
    uint64_t api, features, ioctls;
};

struct linux_uffdio_register {
    struct linux_uffdio_range range;
    uint64_t mode, ioctls;
};

struct linux_uffdio_copy {
    uint64_t dst, src, len, mode;
    int64_t copy;               /* bytes copied, or -errno (written back) */
};

struct linux_uffdio_zeropage {
    struct linux_uffdio_range range;
    uint64_t mode;
    int64_t zeropage;           /* bytes zeroed, or -errno (written back) */
};

/* What read(2) gives: 32 bytes, packed as Linux's struct uffd_msg. */
struct linux_uffd_msg {
    uint8_t event;
    uint8_t reserved1;
    uint16_t reserved2;
    uint32_t reserved3;
    union {
        struct {
            uint64_t flags;
            uint64_t address;
            uint32_t ptid;
            uint32_t pad;
        } pagefault;
        struct {
            uint32_t ufd;
        } fork;
        struct {
            uint64_t start, end;
        } remove;               /* UNMAP's range */
        struct {
            uint64_t from, to, len;
        } remap;
        uint64_t reserved[3];
    } arg;
};

#endif
