/* MAP_PRIVATE mappings of a file: they read the file, and a page is the
 * process's own from its first write: the file, other mappings and a
 * forked child's copy do not see the store, and the page no longer sees
 * the file's later writes. A private writable mapping of a file opened
 * read-only is allowed (nothing reaches the file); mprotect may add
 * PROT_WRITE to it. Files of the boot archive (read-only) map too, and
 * /dev/zero maps zeros, shared between parent and child when shared. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

enum { page = 4096 };

static const char path[] = "/tmp/memory_file_private";

static void waits_for_child(pid_t child)
{
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void a_written_page_becomes_the_processes_own(void)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    CHECK_EQ(ftruncate(fd, 2 * page), 0);
    CHECK_EQ(pwrite(fd, "first", 5, 0), 5);
    CHECK_EQ(pwrite(fd, "second", 6, page), 6);
    char *private = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    char *shared = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    REQUIRE(private != MAP_FAILED && shared != MAP_FAILED);
    CHECK(memcmp(private, "first", 5) == 0);
    CHECK(memcmp(private + page, "second", 6) == 0);

    private[0] = 'F';
    char byte = 0;
    CHECK_EQ(pread(fd, &byte, 1, 0), 1);
    CHECK_EQ(byte, 'f');
    CHECK_EQ(shared[0], 'f');
    /* The written page no longer follows the file. */
    CHECK_EQ(pwrite(fd, "x", 1, 1), 1);
    CHECK_EQ(private[1], 'i');
    CHECK_EQ(private[0], 'F');

    /* A child's copy of the mapping: the page written before the fork
     * is copied, and the child's own write stays its own. */
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(private[0], 'F');
        private[0] = 'C';
        private[page] = 'S';
        check_child_exit();
    }
    waits_for_child(child);
    CHECK_EQ(private[0], 'F');
    CHECK_EQ(private[page], 's');
    CHECK_EQ(pread(fd, &byte, 1, page), 1);
    CHECK_EQ(byte, 's');

    CHECK_EQ(munmap(private, 2 * page), 0);
    CHECK_EQ(munmap(shared, 2 * page), 0);
    CHECK_EQ(close(fd), 0);
}

static void a_read_only_file_maps_privately_for_writing(void)
{
    int fd = open(path, O_RDONLY);
    REQUIRE(fd >= 0);
    char *private = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    REQUIRE(private != MAP_FAILED);
    private[0] = 'P';
    char byte = 0;
    CHECK_EQ(pread(fd, &byte, 1, 0), 1);
    CHECK_EQ(byte, 'f');
    CHECK_EQ(munmap(private, page), 0);

    char *read_only = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
    REQUIRE(read_only != MAP_FAILED);
    CHECK_EQ(mprotect(read_only, page, PROT_READ | PROT_WRITE), 0);
    read_only[0] = 'Q';
    CHECK_EQ(pread(fd, &byte, 1, 0), 1);
    CHECK_EQ(byte, 'f');
    CHECK_EQ(munmap(read_only, page), 0);
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(unlink(path), 0);
}

/* A program file of the boot archive (Linux: of the initramfs): this
 * program's own, by the path it was started with where there is no
 * /proc/self/exe. */
static void an_archive_file_maps(const char *own_path)
{
    int fd = open("/proc/self/exe", O_RDONLY);
    if (fd < 0)
        fd = open(own_path, O_RDONLY);
    REQUIRE(fd >= 0);
    char header[4];
    CHECK_EQ(pread(fd, header, 4, 0), 4);
    const char *mapped = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
    const char *shared = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
    REQUIRE(mapped != MAP_FAILED && shared != MAP_FAILED);
    CHECK(memcmp(mapped, "\177ELF", 4) == 0);
    CHECK(memcmp(shared, header, 4) == 0);
    CHECK_EQ(munmap((void *)mapped, page), 0);
    CHECK_EQ(munmap((void *)shared, page), 0);
    CHECK_EQ(close(fd), 0);
}

static void dev_zero_maps_zeros(void)
{
    int fd = open("/dev/zero", O_RDWR);
    REQUIRE(fd >= 0);
    volatile char *private = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    volatile char *shared = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    REQUIRE(private != MAP_FAILED && shared != MAP_FAILED);
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(private[100], 0);
    CHECK_EQ(shared[100], 0);
    pid_t child = fork();
    if (child == 0) {
        shared[1] = 's';
        private[1] = 'p';
        check_child_exit();
    }
    waits_for_child(child);
    CHECK_EQ(shared[1], 's');
    CHECK_EQ(private[1], 0);
    CHECK_EQ(munmap((void *)private, page), 0);
    CHECK_EQ(munmap((void *)shared, page), 0);
}

int main(int argc, char **argv)
{
    (void)argc;
    a_written_page_becomes_the_processes_own();
    a_read_only_file_maps_privately_for_writing();
    an_archive_file_maps(argv[0]);
    dev_zero_maps_zeros();
    return check_finish("memory_file_private");
}
