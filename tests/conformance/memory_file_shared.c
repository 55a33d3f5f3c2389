/* MAP_SHARED mappings of a file in /tmp: one memory with the file. A store
 * through the mapping is what read() sees and a write() is what the
 * mapping sees; another process sees the same bytes, whether it inherited
 * the mapping (fork) or opened and mapped the file itself; a futex in the
 * file works between them; the mapping outlives its descriptor and the
 * file's name; an offset maps the file from there; a page past the end
 * of the file is SIGBUS, also after the file shrinks under the mapping,
 * and readable again (zeros) once it grows. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bus_error.h"
#include "check.h"
#include "futex.h"

enum { page = 4096 };

static const char path[] = "/tmp/memory_file_shared";

static int open_file(int flags)
{
    int fd = open(path, flags, 0600);
    REQUIRE(fd >= 0);
    return fd;
}

static char *map_file(int fd, size_t length, int prot, off_t offset)
{
    char *mapped = mmap(NULL, length, prot, MAP_SHARED, fd, offset);
    REQUIRE(mapped != MAP_FAILED);
    return mapped;
}

static void waits_for_child(pid_t child)
{
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void stores_and_writes_meet(void)
{
    int fd = open_file(O_RDWR | O_CREAT | O_TRUNC);
    CHECK_EQ(write(fd, "hello", 5), 5);
    CHECK_EQ(ftruncate(fd, 2 * page), 0);
    char *mapped = map_file(fd, 2 * page, PROT_READ | PROT_WRITE, 0);
    CHECK(memcmp(mapped, "hello", 5) == 0);
    CHECK_EQ(mapped[page + 7], 0);

    memcpy(mapped + 1, "ELLO", 4);
    mapped[page + 7] = 'x';
    char bytes[8] = {0};
    CHECK_EQ(pread(fd, bytes, 5, 0), 5);
    CHECK(memcmp(bytes, "hELLO", 5) == 0);
    CHECK_EQ(pread(fd, bytes, 1, page + 7), 1);
    CHECK_EQ(bytes[0], 'x');

    CHECK_EQ(pwrite(fd, "world", 5, 100), 5);
    CHECK(memcmp(mapped + 100, "world", 5) == 0);
    CHECK_EQ(msync(mapped, 2 * page, MS_SYNC), 0);
    CHECK_EQ(munmap(mapped, 2 * page), 0);
    CHECK_EQ(close(fd), 0);
}

/* A child that inherited the mapping, and one that mapped the file on its
 * own, both write; the parent sees it in its mapping and through read(). */
static void other_processes_share_it(void)
{
    int fd = open_file(O_RDWR);
    volatile char *mapped = map_file(fd, page, PROT_READ | PROT_WRITE, 0);
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(mapped[100], 'w');
        mapped[200] = 'f';
        check_child_exit();
    }
    waits_for_child(child);
    CHECK_EQ(mapped[200], 'f');

    child = fork();
    if (child == 0) {
        int own_fd = open_file(O_RDWR);
        volatile char *own = map_file(own_fd, page, PROT_READ | PROT_WRITE, 0);
        CHECK_EQ(own[200], 'f');
        own[300] = 'o';
        check_child_exit();
    }
    waits_for_child(child);
    CHECK_EQ(mapped[300], 'o');
    char byte = 0;
    CHECK_EQ(pread(fd, &byte, 1, 300), 1);
    CHECK_EQ(byte, 'o');
    CHECK_EQ(munmap((void *)mapped, page), 0);
    CHECK_EQ(close(fd), 0);
}

/* A shared futex in the file: a child that mapped it on its own waits,
 * the parent wakes it through its own mapping. */
static void a_futex_in_the_file_is_shared(void)
{
    int fd = open_file(O_RDWR);
    int *word = (int *)map_file(fd, page, PROT_READ | PROT_WRITE, 0);
    word[512] = 0;      /* the ready flag */
    word[513] = 0;      /* the futex */
    pid_t child = fork();
    if (child == 0) {
        int own_fd = open_file(O_RDWR);
        int *own = (int *)map_file(own_fd, page, PROT_READ | PROT_WRITE, 0);
        __atomic_store_n(&own[512], 1, __ATOMIC_RELEASE);
        while (__atomic_load_n(&own[513], __ATOMIC_ACQUIRE) == 0)
            futex_wait(&own[513], 0, NULL, 0);
        CHECK_EQ(own[513], 7);
        check_child_exit();
    }
    while (__atomic_load_n(&word[512], __ATOMIC_ACQUIRE) == 0)
        usleep(1000);
    usleep(20000);      /* most likely asleep in FUTEX_WAIT by now */
    __atomic_store_n(&word[513], 7, __ATOMIC_RELEASE);
    futex_wake(&word[513], 1, 0);
    waits_for_child(child);
    CHECK_EQ(munmap((void *)word, page), 0);
    CHECK_EQ(close(fd), 0);
}

/* Closed and unlinked, the file lives on in its mapping. */
static void the_mapping_outlives_descriptor_and_name(void)
{
    int fd = open_file(O_RDWR);
    char *mapped = map_file(fd, page, PROT_READ | PROT_WRITE, 0);
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(unlink(path), 0);
    CHECK_EQ(access(path, F_OK), -1);
    CHECK(memcmp(mapped, "hELLO", 5) == 0);
    mapped[10] = 'z';
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(mapped[10], 'z');
        mapped[11] = 'y';
        check_child_exit();
    }
    waits_for_child(child);
    CHECK_EQ(mapped[11], 'y');
    CHECK_EQ(munmap(mapped, page), 0);
}

static void an_offset_maps_from_there(void)
{
    int fd = open_file(O_RDWR | O_CREAT | O_TRUNC);
    CHECK_EQ(ftruncate(fd, 3 * page), 0);
    CHECK_EQ(pwrite(fd, "second", 6, page), 6);
    CHECK_EQ(pwrite(fd, "third", 5, 2 * page), 5);
    char *mapped = map_file(fd, 2 * page, PROT_READ | PROT_WRITE, page);
    CHECK(memcmp(mapped, "second", 6) == 0);
    CHECK(memcmp(mapped + page, "third", 5) == 0);
    mapped[page + 5] = '!';
    char bytes[6] = {0};
    CHECK_EQ(pread(fd, bytes, 6, 2 * page), 6);
    CHECK(memcmp(bytes, "third!", 6) == 0);
    CHECK_EQ(munmap(mapped, 2 * page), 0);
    CHECK_EQ(close(fd), 0);
}

static void pages_past_the_end_are_sigbus(void)
{
    CHECK_EQ(bus_error_catch(), 0);
    int fd = open_file(O_RDWR | O_CREAT | O_TRUNC);
    CHECK_EQ(ftruncate(fd, page + 10), 0);
    volatile char *mapped = map_file(fd, 3 * page, PROT_READ | PROT_WRITE, 0);
    mapped[page] = 'a';
    CHECK_EQ(read_faults(mapped + page + 100), 0);      /* the page holding the end */
    CHECK_EQ(read_faults(mapped + 2 * page), 1);

    /* Shrunk under the mapping: the page it held is gone... */
    CHECK_EQ(ftruncate(fd, 10), 0);
    CHECK_EQ(read_faults(mapped + page), 1);
    CHECK_EQ(read_faults(mapped + 5), 0);
    /* ...and grown again, it is back, as zeros. */
    CHECK_EQ(ftruncate(fd, 2 * page), 0);
    CHECK_EQ(read_faults(mapped + page), 0);
    CHECK_EQ(mapped[page], 0);
    CHECK_EQ(munmap((void *)mapped, 3 * page), 0);
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(unlink(path), 0);
}

int main(void)
{
    stores_and_writes_meet();
    other_processes_share_it();
    a_futex_in_the_file_is_shared();
    the_mapping_outlives_descriptor_and_name();
    an_offset_maps_from_there();
    pages_past_the_end_are_sigbus();
    return check_finish("memory_file_shared");
}
