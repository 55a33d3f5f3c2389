/* The userfaultfd ioctls this system answers as arm64's Linux 6.1 does
 * though it has no range they act on: write-protect mode came to arm64
 * in 6.10, so UFFDIO_REGISTER refuses MODE_WP (EINVAL), UFFDIO_COPY's
 * MODE_WP is EINVAL in a registered range (ENOENT outside one, as any
 * copy), and UFFDIO_WRITEPROTECT checks its mode (EINVAL for unknown
 * bits and for WP with DONTWAKE) and then finds no write-protected range
 * (ENOENT). UFFDIO_CONTINUE needs a MINOR range of shared memory: in a
 * MISSING range of anonymous memory it is EINVAL (ENOENT outside one),
 * with the error written back in `mapped`; MODE_MINOR on anonymous
 * memory is EINVAL. UFFDIO_POISON (6.6) and UFFDIO_MOVE (6.8) are
 * unknown to 6.1: EINVAL. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include "check.h"
#include "userfault.h"

#define PAGE 4096

int main(void)
{
    int fd = userfault_open(O_CLOEXEC | UFFD_USER_MODE_ONLY, 0);
    REQUIRE(fd >= 0);
    char *region = mmap(0, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(region != MAP_FAILED);
    REQUIRE(userfault_register(fd, region, 4 * PAGE) == 0);
    uint64_t registered = (uint64_t)(uintptr_t)region;
    uint64_t outside = registered + 6 * PAGE;
    static char source[PAGE];

    /* Write-protect mode. */
    struct uffdio_register wp = { { outside, PAGE }, UFFDIO_REGISTER_MODE_WP, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_REGISTER, &wp), EINVAL);
    wp.mode = UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP;
    CHECK_ERRNO(ioctl(fd, UFFDIO_REGISTER, &wp), EINVAL);
    struct uffdio_copy copy = { registered, (uint64_t)(uintptr_t)source, PAGE,
                                UFFDIO_COPY_MODE_WP, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_COPY, &copy), EINVAL);
    CHECK_EQ(copy.copy, -EINVAL);
    copy = (struct uffdio_copy){ outside, (uint64_t)(uintptr_t)source, PAGE, UFFDIO_COPY_MODE_WP, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_COPY, &copy), ENOENT);
    struct uffdio_writeprotect protect = { { registered, PAGE }, UFFDIO_WRITEPROTECT_MODE_WP };
    CHECK_ERRNO(ioctl(fd, UFFDIO_WRITEPROTECT, &protect), ENOENT);
    protect.mode = 0;
    CHECK_ERRNO(ioctl(fd, UFFDIO_WRITEPROTECT, &protect), ENOENT);
    protect.range.start = outside;
    CHECK_ERRNO(ioctl(fd, UFFDIO_WRITEPROTECT, &protect), ENOENT);
    protect.mode = UFFDIO_WRITEPROTECT_MODE_WP | UFFDIO_WRITEPROTECT_MODE_DONTWAKE;
    CHECK_ERRNO(ioctl(fd, UFFDIO_WRITEPROTECT, &protect), EINVAL);
    protect.mode = 4;
    CHECK_ERRNO(ioctl(fd, UFFDIO_WRITEPROTECT, &protect), EINVAL);
    protect = (struct uffdio_writeprotect){ { registered + 1, PAGE }, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_WRITEPROTECT, &protect), EINVAL);

    /* Minor mode. */
    struct uffdio_register minor = { { outside, PAGE }, UFFDIO_REGISTER_MODE_MINOR, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_REGISTER, &minor), EINVAL);
    struct uffdio_continue next = { { registered, PAGE }, 0, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_CONTINUE, &next), EINVAL);
    CHECK_EQ(next.mapped, -EINVAL);
    next = (struct uffdio_continue){ { outside, PAGE }, 0, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_CONTINUE, &next), ENOENT);
    CHECK_EQ(next.mapped, -ENOENT);
    next = (struct uffdio_continue){ { registered, PAGE }, 2, 7 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_CONTINUE, &next), EINVAL);
    CHECK_EQ(next.mapped, 7);           /* a bad mode: not written */

    /* Later kernels' ioctls. */
    struct uffdio_poison poison = { { registered, PAGE }, 0, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_POISON, &poison), EINVAL);
    struct uffdio_move move = { registered, outside, PAGE, 0, 0 };
    CHECK_ERRNO(ioctl(fd, UFFDIO_MOVE, &move), EINVAL);

    /* None of it touched the range: its pages are still missing. */
    struct uffdio_zeropage zero = { { registered, 4 * PAGE }, 0, 0 };
    CHECK_OK(ioctl(fd, UFFDIO_ZEROPAGE, &zero));
    CHECK_EQ(zero.zeropage, 4 * PAGE);
    CHECK_EQ(region[0], 0);
    return check_finish("memory_userfaultfd_modes");
}
