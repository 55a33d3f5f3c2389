/* Faults a system call takes in a userfaultfd's range: a read(2) into a
 * missing registered page waits for the pager (a write fault's message)
 * and then reads, a write(2) from one waits too (a read fault's message);
 * with UFFD_USER_MODE_ONLY those faults are not the pager's, and the call
 * fails with EFAULT, leaving the pipe's bytes where they were. */
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>

#include "check.h"
#include "userfault.h"

#define PAGE 4096

struct pager {
    int fd;
    uint64_t flags;             /* the message's */
    int served;
};

static void *serve_one(void *argument)
{
    struct pager *pager = argument;
    static char source[PAGE] __attribute__((aligned(PAGE)));
    memset(source, 's', sizeof source);
    struct uffd_msg message;
    if (read(pager->fd, &message, sizeof message) != sizeof message)
        return 0;
    pager->flags = message.arg.pagefault.flags;
    struct uffdio_copy copy = { message.arg.pagefault.address & ~(uint64_t)(PAGE - 1),
                                (uint64_t)(uintptr_t)source, PAGE, 0, 0 };
    if (ioctl(pager->fd, UFFDIO_COPY, &copy) == 0)
        pager->served = 1;
    return 0;
}

static char *registered_page(int fd)
{
    char *area = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(area != MAP_FAILED && userfault_register(fd, area, PAGE) == 0);
    return area;
}

static void calls_wait_for_the_pager(void)
{
    int fd = userfault_open(0, 0);
    REQUIRE(fd >= 0);
    int pipe_ends[2];
    REQUIRE(pipe(pipe_ends) == 0);
    CHECK_EQ(write(pipe_ends[1], "hello", 5), 5);

    char *into = registered_page(fd);
    struct pager pager = { fd, 0, 0 };
    pthread_t thread;
    REQUIRE(pthread_create(&thread, 0, serve_one, &pager) == 0);
    CHECK_EQ(read(pipe_ends[0], into + 10, 5), 5);
    pthread_join(thread, 0);
    CHECK_EQ(pager.served, 1);
    CHECK_EQ(pager.flags & UFFD_PAGEFAULT_FLAG_WRITE, UFFD_PAGEFAULT_FLAG_WRITE);
    CHECK(memcmp(into + 10, "hello", 5) == 0);
    CHECK_EQ(into[9], 's');         /* the pager's page, then the bytes read */

    char *from = registered_page(fd);
    pager = (struct pager){ fd, 0, 0 };
    REQUIRE(pthread_create(&thread, 0, serve_one, &pager) == 0);
    CHECK_EQ(write(pipe_ends[1], from, 3), 3);
    pthread_join(thread, 0);
    CHECK_EQ(pager.served, 1);
    CHECK_EQ(pager.flags & UFFD_PAGEFAULT_FLAG_WRITE, 0);
    char got[3];
    CHECK_EQ(read(pipe_ends[0], got, 3), 3);
    CHECK(memcmp(got, "sss", 3) == 0);
    close(pipe_ends[0]);
    close(pipe_ends[1]);
    close(fd);
}

static void user_mode_only_calls_fail(void)
{
    int fd = userfault_open(UFFD_USER_MODE_ONLY | O_NONBLOCK, 0);
    REQUIRE(fd >= 0);
    int pipe_ends[2];
    REQUIRE(pipe(pipe_ends) == 0);
    CHECK_EQ(write(pipe_ends[1], "abc", 3), 3);
    char *into = registered_page(fd);
    CHECK_ERRNO(read(pipe_ends[0], into, 3), EFAULT);
    struct uffd_msg message;
    CHECK_ERRNO(read(fd, &message, sizeof message), EAGAIN);
    char got[3];
    CHECK_EQ(read(pipe_ends[0], got, 3), 3);
    CHECK(memcmp(got, "abc", 3) == 0);
    close(pipe_ends[0]);
    close(pipe_ends[1]);
    close(fd);
}

int main(void)
{
    calls_wait_for_the_pager();
    user_mode_only_calls_fail();
    return check_finish("memory_userfaultfd_syscalls");
}
