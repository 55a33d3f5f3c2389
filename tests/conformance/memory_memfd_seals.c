/* File seals (F_ADD_SEALS, F_GET_SEALS) as Linux 6.1 has them: a memfd
 * made without MFD_ALLOW_SEALING is sealed against seals; unknown seals and
 * seals past 32 bits are EINVAL; F_SEAL_WRITE waits for shared writable
 * mappings to go (EBUSY), then stops write, pwrite and new shared writable
 * mappings (EPERM) but neither truncation nor private mappings;
 * F_SEAL_GROW stops what would end past the size, page by page, and
 * F_SEAL_SHRINK what would shrink it; F_SEAL_FUTURE_WRITE leaves existing
 * mappings writing and stops the rest, mprotect included (EACCES). Files
 * that are not memfds answer as Linux's do: a tmpfs file is sealed
 * against seals, a pipe or device has none (EINVAL), and adding through a
 * descriptor not open for writing is EPERM. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "check.h"

enum { page = 4096 };

static int sealable(void)
{
    int fd = memfd_create("seals", MFD_ALLOW_SEALING);
    REQUIRE(fd >= 0);
    return fd;
}

static void sealing_must_be_allowed(void)
{
    int fd = memfd_create("sealed", 0);
    REQUIRE(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GET_SEALS), F_SEAL_SEAL);
    CHECK_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM);
    CHECK_EQ(close(fd), 0);

    fd = sealable();
    CHECK_EQ(fcntl(fd, F_GET_SEALS), 0);
    CHECK_ERRNO(fcntl(fd, F_ADD_SEALS, 0x20), EINVAL);     /* F_SEAL_EXEC: Linux 6.3 */
    CHECK_ERRNO(fcntl(fd, F_ADD_SEALS, 0x40), EINVAL);
    CHECK_ERRNO(fcntl(fd, F_ADD_SEALS, 0x100000000L), EINVAL);
    CHECK_EQ(fcntl(fd, F_ADD_SEALS, 0), 0);
    CHECK_EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
    CHECK_EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);    /* again: no change */
    CHECK_EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL), 0);
    CHECK_EQ(fcntl(fd, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_SEAL);
    CHECK_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), EPERM);
    /* Seals belong to the file, not to the descriptor. */
    int copy = dup(fd);
    CHECK_EQ(fcntl(copy, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_SEAL);
    CHECK_EQ(close(copy), 0);
    CHECK_EQ(close(fd), 0);
}

static void the_write_seal_waits_for_shared_writers(void)
{
    int fd = sealable();
    CHECK_EQ(write(fd, "abcd", 4), 4);
    CHECK_EQ(ftruncate(fd, 2 * page), 0);
    /* A shared mapping of a writable descriptor may write later (by
     * mprotect), even one made read-only; a private one never writes the
     * file. */
    char *shared = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
    REQUIRE(shared != MAP_FAILED);
    char *private = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    REQUIRE(private != MAP_FAILED);
    CHECK_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
    CHECK_EQ(munmap(shared, page), 0);
    CHECK_EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), 0);
    CHECK_EQ(fcntl(fd, F_GET_SEALS), F_SEAL_WRITE);

    CHECK_ERRNO(write(fd, "x", 1), EPERM);
    CHECK_ERRNO(pwrite(fd, "x", 1, 0), EPERM);
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), MAP_FAILED,
                    EPERM);
    shared = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
    REQUIRE(shared != MAP_FAILED);
    CHECK(memcmp(shared, "abcd", 4) == 0);
    /* The private copy still writes: its own page. */
    private[0] = 'P';
    CHECK_EQ(shared[0], 'a');
    /* The size is not the write seal's business. */
    CHECK_EQ(ftruncate(fd, 100), 0);
    CHECK_EQ(ftruncate(fd, 10000), 0);
    CHECK_EQ(munmap(shared, page), 0);
    CHECK_EQ(munmap(private, page), 0);
    CHECK_EQ(close(fd), 0);
}

static void grow_and_shrink_seals_hold_the_size(void)
{
    int fd = sealable();
    CHECK_EQ(ftruncate(fd, 10), 0);
    CHECK_EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), 0);
    CHECK_ERRNO(write(fd, "0123456789abcdef", 16), EPERM);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
    CHECK_ERRNO(pwrite(fd, "0123456789abcdef", 16, 0), EPERM);
    CHECK_EQ(pwrite(fd, "0123456789", 10, 0), 10);      /* within the size */
    CHECK_ERRNO(ftruncate(fd, 11), EPERM);
    CHECK_EQ(ftruncate(fd, 5), 0);
    CHECK_EQ(ftruncate(fd, 5), 0);
    CHECK_EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
    CHECK_ERRNO(ftruncate(fd, 4), EPERM);
    CHECK_EQ(ftruncate(fd, 5), 0);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 5);
    CHECK_EQ(close(fd), 0);

    /* With GROW, a write that crosses the end writes the pages that fit. */
    fd = sealable();
    CHECK_EQ(ftruncate(fd, page + 100), 0);
    CHECK_EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), 0);
    static char block[2 * page];
    memset(block, 'g', sizeof block);
    CHECK_EQ(pwrite(fd, block, sizeof block, 10), page - 10);
    CHECK_EQ(close(fd), 0);
}

static void the_future_write_seal_spares_existing_mappings(void)
{
    int fd = sealable();
    CHECK_EQ(ftruncate(fd, page), 0);
    volatile char *writer = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    REQUIRE(writer != MAP_FAILED);
    CHECK_EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE), 0);
    writer[0] = 'z';
    char byte = 0;
    CHECK_EQ(pread(fd, &byte, 1, 0), 1);
    CHECK_EQ(byte, 'z');
    CHECK_PTR_ERRNO(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), MAP_FAILED,
                    EPERM);
    char *reader = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
    REQUIRE(reader != MAP_FAILED);
    CHECK_EQ(reader[0], 'z');
    CHECK_ERRNO(mprotect(reader, page, PROT_READ | PROT_WRITE), EACCES);
    CHECK_ERRNO(write(fd, "q", 1), EPERM);
    /* The writer still maps the file writable: no WRITE seal yet. */
    CHECK_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
    CHECK_EQ(munmap((void *)writer, page), 0);
    CHECK_EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), 0);
    CHECK_EQ(fcntl(fd, F_GET_SEALS), F_SEAL_FUTURE_WRITE | F_SEAL_WRITE);
    CHECK_EQ(munmap(reader, page), 0);
    CHECK_EQ(close(fd), 0);
}

static void other_files_answer_as_linuxs_do(void)
{
    int tmp = open("/tmp/memory_memfd_seals", O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(tmp >= 0);
    CHECK_EQ(fcntl(tmp, F_GET_SEALS), F_SEAL_SEAL);
    CHECK_ERRNO(fcntl(tmp, F_ADD_SEALS, F_SEAL_WRITE), EPERM);
    CHECK_ERRNO(fcntl(tmp, F_ADD_SEALS, 0x40), EINVAL);
    CHECK_EQ(close(tmp), 0);
    CHECK_EQ(unlink("/tmp/memory_memfd_seals"), 0);

    int ends[2];
    REQUIRE(pipe(ends) == 0);
    CHECK_ERRNO(fcntl(ends[0], F_GET_SEALS), EINVAL);
    CHECK_ERRNO(fcntl(ends[0], F_ADD_SEALS, F_SEAL_WRITE), EPERM);    /* not writable */
    CHECK_ERRNO(fcntl(ends[1], F_ADD_SEALS, F_SEAL_WRITE), EINVAL);
    CHECK_EQ(close(ends[0]), 0);
    CHECK_EQ(close(ends[1]), 0);

    int null = open("/dev/null", O_RDWR);
    REQUIRE(null >= 0);
    CHECK_ERRNO(fcntl(null, F_GET_SEALS), EINVAL);
    CHECK_ERRNO(fcntl(null, F_ADD_SEALS, F_SEAL_WRITE), EINVAL);
    CHECK_EQ(close(null), 0);
    CHECK_ERRNO(fcntl(-1, F_GET_SEALS), EBADF);
}

int main(void)
{
    sealing_must_be_allowed();
    the_write_seal_waits_for_shared_writers();
    grow_and_shrink_seals_hold_the_size();
    the_future_write_seal_spares_existing_mappings();
    other_files_answer_as_linuxs_do();
    return check_finish("memory_memfd_seals");
}
