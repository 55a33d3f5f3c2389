/* memfd_create: an anonymous memory file. Its flags and name are checked
 * as Linux 6.1 checks them (EINVAL before EFAULT, a name of at most 249
 * bytes, MFD_HUGETLB's page sizes); it is a regular file of mode 0777 with
 * no link, owned by its maker, opened for reading and writing; read,
 * write, lseek and ftruncate work on it as on any file; a
 * MAP_SHARED mapping is one memory with it, shared with a child that
 * inherited the mapping or mapped the memfd itself, outliving the
 * descriptor; a page past its end is SIGBUS. A huge-page memfd has no
 * write() and sizes in whole huge pages, and maps only if huge pages were
 * set aside (Debian sets none aside). */
/* musl names the huge page sizes MAP_HUGE_*: memfd_create shares them. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bus_error.h"
#include "check.h"

enum { page = 4096 };

static int make(const char *name, unsigned flags)
{
    int fd = memfd_create(name, flags);
    REQUIRE(fd >= 0);
    return fd;
}

static void waits_for_child(pid_t child)
{
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void flags_are_checked(void)
{
    int fd = make("plain", 0);
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    CHECK_EQ(close(fd), 0);
    fd = make("cloexec", MFD_CLOEXEC);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(close(fd), 0);
    fd = make("sealable", MFD_ALLOW_SEALING | MFD_CLOEXEC);
    CHECK_EQ(close(fd), 0);
    CHECK_ERRNO(memfd_create("x", 0x8), EINVAL);      /* MFD_NOEXEC_SEAL: Linux 6.3 */
    CHECK_ERRNO(memfd_create("x", 0x10), EINVAL);     /* MFD_EXEC: Linux 6.3 */
    CHECK_ERRNO(memfd_create("x", 0x40), EINVAL);
    CHECK_ERRNO(memfd_create("x", 21u << MAP_HUGE_SHIFT), EINVAL);  /* no MFD_HUGETLB */
    /* An unknown flag is found before a bad name. */
    CHECK_ERRNO(memfd_create((const char *)8, 0x100), EINVAL);
    /* The flags are an unsigned int: the register's upper half is not
     * looked at. */
    fd = (int)syscall(SYS_memfd_create, "wide", MFD_CLOEXEC | 1ull << 32);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(close(fd), 0);
}

static void names_are_checked(void)
{
    char name[251];
    memset(name, 'n', sizeof name);
    name[249] = 0;
    int fd = make(name, 0);
    CHECK_EQ(close(fd), 0);
    name[249] = 'n';
    name[250] = 0;
    CHECK_ERRNO(memfd_create(name, 0), EINVAL);
    fd = make("", 0);
    CHECK_EQ(close(fd), 0);
    fd = make("a/b", 0);             /* the name names nothing: any bytes do */
    CHECK_EQ(close(fd), 0);
    CHECK_ERRNO(memfd_create(NULL, 0), EFAULT);
    CHECK_ERRNO(memfd_create((const char *)8, 0), EFAULT);
    /* A name running into an unmapped page. */
    char *pages = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
    REQUIRE(pages != MAP_FAILED);
    CHECK_EQ(munmap(pages + page, page), 0);
    memset(pages, 'q', page);
    CHECK_ERRNO(memfd_create(pages + page - 10, 0), EFAULT);
    CHECK_EQ(munmap(pages, page), 0);
}

static void it_is_an_unlinked_regular_file(void)
{
    int fd = make("stat", 0);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0777);
    CHECK_EQ(st.st_nlink, 0);
    CHECK_EQ(st.st_uid, getuid());
    CHECK_EQ(st.st_gid, getgid());
    CHECK_EQ(st.st_size, 0);
    CHECK_EQ(st.st_blksize, page);
    CHECK_EQ(st.st_blocks, 0);
    CHECK_EQ(fcntl(fd, F_GETFL), O_RDWR | O_LARGEFILE);
    CHECK_EQ(write(fd, "hello", 5), 5);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 5);
    CHECK_EQ(st.st_blocks, 8);

    int other = make("stat", 0);
    struct stat other_st;
    CHECK_EQ(fstat(other, &other_st), 0);
    CHECK_EQ(other_st.st_dev, st.st_dev);
    CHECK(other_st.st_ino != st.st_ino);
    CHECK_EQ(close(other), 0);
    CHECK_EQ(close(fd), 0);
}

static void it_reads_and_writes_as_a_file(void)
{
    int fd = make("file", 0);
    CHECK_EQ(write(fd, "hello, world", 12), 12);
    CHECK_EQ(lseek(fd, 7, SEEK_SET), 7);
    char bytes[16] = {0};
    CHECK_EQ(read(fd, bytes, sizeof bytes), 5);
    CHECK(memcmp(bytes, "world", 5) == 0);
    CHECK_EQ(read(fd, bytes, sizeof bytes), 0);
    CHECK_EQ(pwrite(fd, "W", 1, 7), 1);
    CHECK_EQ(pread(fd, bytes, 5, 7), 5);
    CHECK(memcmp(bytes, "World", 5) == 0);
    CHECK_ERRNO(pread(fd, bytes, 1, -1), EINVAL);
    CHECK_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL);

    /* Growing reads as zeros; shrinking forgets. */
    CHECK_EQ(ftruncate(fd, 3 * page), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_END), 3 * page);
    CHECK_EQ(pread(fd, bytes, 4, 2 * page), 4);
    CHECK(memcmp(bytes, "\0\0\0\0", 4) == 0);
    CHECK_EQ(ftruncate(fd, 3), 0);
    CHECK_EQ(ftruncate(fd, 12), 0);
    CHECK_EQ(pread(fd, bytes, 12, 0), 12);
    CHECK(memcmp(bytes, "hel\0\0\0\0\0\0\0\0\0", 12) == 0);
    CHECK_ERRNO(ftruncate(fd, -1), EINVAL);

    /* Descriptors from dup share the offset; O_APPEND writes at the end. */
    int copy = dup(fd);
    CHECK_EQ(lseek(copy, 2, SEEK_SET), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2);
    CHECK_EQ(fcntl(fd, F_SETFL, O_APPEND), 0);
    CHECK_EQ(write(copy, "!", 1), 1);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 13);
    CHECK_EQ(close(copy), 0);
    CHECK_EQ(close(fd), 0);
}

static void shared_mappings_are_the_file(void)
{
    int fd = make("shared", 0);
    CHECK_EQ(ftruncate(fd, 2 * page), 0);
    volatile char *mapped = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    REQUIRE(mapped != MAP_FAILED);
    mapped[10] = 'm';
    char byte = 0;
    CHECK_EQ(pread(fd, &byte, 1, 10), 1);
    CHECK_EQ(byte, 'm');
    CHECK_EQ(pwrite(fd, "w", 1, page + 1), 1);
    CHECK_EQ(mapped[page + 1], 'w');

    /* A child with the inherited mapping, and one mapping the memfd
     * itself, both write what the parent sees. */
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(mapped[10], 'm');
        mapped[20] = 'c';
        check_child_exit();
    }
    waits_for_child(child);
    CHECK_EQ(mapped[20], 'c');
    child = fork();
    if (child == 0) {
        volatile char *own = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, page);
        REQUIRE(own != MAP_FAILED);
        CHECK_EQ(own[1], 'w');
        own[2] = 'o';
        check_child_exit();
    }
    waits_for_child(child);
    CHECK_EQ(mapped[page + 2], 'o');

    /* A private mapping copies on write; the file stays as it was. */
    char *private = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    REQUIRE(private != MAP_FAILED);
    CHECK_EQ(private[10], 'm');
    private[10] = 'p';
    CHECK_EQ(mapped[10], 'm');
    CHECK_EQ(munmap(private, page), 0);

    /* The mapping outlives the descriptor. */
    CHECK_EQ(close(fd), 0);
    mapped[30] = 'x';
    CHECK_EQ(mapped[30], 'x');
    CHECK_EQ(mapped[20], 'c');
    CHECK_EQ(munmap((void *)mapped, 2 * page), 0);
}

static void past_the_end_is_sigbus(void)
{
    CHECK_EQ(bus_error_catch(), 0);
    int fd = make("short", 0);
    CHECK_EQ(ftruncate(fd, page), 0);
    volatile char *mapped = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0);
    REQUIRE(mapped != MAP_FAILED);
    CHECK_EQ(read_faults(mapped), 0);
    CHECK_EQ(read_faults(mapped + page), 1);
    CHECK_EQ(ftruncate(fd, 2 * page), 0);
    CHECK_EQ(read_faults(mapped + page), 0);
    CHECK_EQ(munmap((void *)mapped, 2 * page), 0);
    CHECK_EQ(close(fd), 0);
}

static void huge_page_memfds_are_hugetlbfss(void)
{
    CHECK_ERRNO(memfd_create("x", MFD_HUGETLB | 22u << MAP_HUGE_SHIFT), ENODEV);
    int fd = make("huge", MFD_HUGETLB);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_blksize, 2 << 20);
    CHECK_EQ(close(fd), 0);
    fd = make("huge", MFD_HUGETLB | MAP_HUGE_64KB);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_blksize, 64 << 10);
    CHECK_ERRNO(write(fd, "x", 1), EINVAL);
    CHECK_ERRNO(ftruncate(fd, page), EINVAL);
    CHECK_EQ(ftruncate(fd, 128 << 10), 0);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 128 << 10);
    char byte = 1;
    CHECK_EQ(pread(fd, &byte, 1, 0), 1);
    CHECK_EQ(byte, 0);
    CHECK_PTR_ERRNO(mmap(NULL, 64 << 10, PROT_READ, MAP_SHARED, fd, 0), MAP_FAILED, ENOMEM);
    CHECK_EQ(close(fd), 0);
}

int main(void)
{
    flags_are_checked();
    names_are_checked();
    it_is_an_unlinked_regular_file();
    it_reads_and_writes_as_a_file();
    shared_mappings_are_the_file();
    past_the_end_is_sigbus();
    huge_page_memfds_are_hugetlbfss();
    return check_finish("memory_memfd");
}
