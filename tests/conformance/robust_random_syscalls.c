/* Bad input loses nothing: 4000 system calls drawn from a fixed
 * pseudo-random sequence, with bad pointers (NULL, unmapped, kernel
 * addresses, unaligned), absurd lengths, descriptors and flags, must each
 * come back (with whatever error) without killing the process or any
 * server; afterwards files, processes and memory still work. Calls that
 * could block for good (reading a terminal or an empty pipe, waiting on a
 * futex without a timeout) or harm the run (closing 0-2, signals to
 * others, brk below the heap) are left out, on both systems alike, and
 * every call that changes the file system stays in /tmp/robust: only the
 * paths below, or pointers nothing can be read through. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

#define CALLS 4000

static uint64_t state = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static uint64_t pick(uint64_t count)
{
    return next() % count;
}

/* Three pages with an unmapped page after them, so a length that runs past
 * the buffer meets a fault (EFAULT), never other data of this program. */
#define BUFFER_SIZE (3 * 4096)
static char *buffer;
static void *unmapped;

static uint64_t any_pointer(void)
{
    switch (pick(8)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return (uint64_t)unmapped;
    case 3: return 0xffff000000001000ULL;          /* the kernel's half */
    case 4: return 0x0000ffffffff0000ULL;          /* above any user mapping we made */
    case 5: return (uint64_t)buffer + 1;           /* unaligned but valid */
    default: return (uint64_t)buffer;
    }
}

/* A pointer no call may read or write: its data can never be taken as a
 * (long) sleep. */
static uint64_t bad_pointer(void)
{
    static const uint64_t bad[] = { 0, 1, 0xffff000000001000ULL, 0x0000ffffffff0000ULL };
    return pick(5) == 0 ? (uint64_t)unmapped : bad[pick(4)];
}

static uint64_t any_length(void)
{
    switch (pick(6)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 4096;
    case 3: return BUFFER_SIZE + 4096;             /* runs past the buffer */
    case 4: return 1ULL << 40;
    default: return pick(100);
    }
}

/* Descriptors this test may do anything to: never 0-2. */
static long any_descriptor(void)
{
    switch (pick(5)) {
    case 0: return -1;
    case 1: return 1000000;
    default: return 3 + (long)pick(30);
    }
}

/* Paths a call may change (the working directory is /tmp/robust). */
static const char *const paths[] = {
    "a", "b", "dir/x", "a/b", "", "/tmp/robust/c", "/tmp/robust", "/nonexistent-robust",
    "/tmp/robust/../robust/d",
};
/* Paths only opened without O_CREAT or O_TRUNC, and never unlinked. */
static const char *const read_only_paths[] = { "/dev/null", "/dev/zero", "/", "/tmp" };

static uint64_t any_path(void)
{
    if (pick(5) == 0)
        return bad_pointer();
    return (uint64_t)paths[pick(sizeof paths / sizeof paths[0])];
}

static void any_open(void)
{
    long flags = (long)(next() & 0x7fffff);
    uint64_t path = any_path();
    if (pick(3) == 0) {
        path = (uint64_t)read_only_paths[pick(sizeof read_only_paths / sizeof read_only_paths[0])];
        flags &= ~(long)(O_CREAT | O_TRUNC | O_ACCMODE | O_TMPFILE);
    }
    syscall(SYS_openat, AT_FDCWD, path, flags, 0644);
}

static void one_call(void)
{
    struct iovec vectors[2] = { { (void *)any_pointer(), any_length() },
                                { buffer, 16 } };
    struct timespec tiny = { 0, 1000 };
    switch (pick(20)) {
    case 0: syscall(SYS_read, any_descriptor(), any_pointer(), any_length()); break;
    case 1: syscall(SYS_write, any_descriptor(), any_pointer(), any_length()); break;
    case 2: any_open(); break;
    case 3: syscall(SYS_close, any_descriptor()); break;
    case 4: syscall(SYS_lseek, any_descriptor(), (long)next(), (long)pick(6)); break;
    case 5: syscall(SYS_fstat, (long)pick(40) - 1, any_pointer()); break;
    case 6: syscall(SYS_newfstatat, AT_FDCWD, any_path(), any_pointer(), (long)pick(0x2000)); break;
    case 7: syscall(SYS_getdents64, any_descriptor(), any_pointer(), any_length()); break;
    case 8: syscall(SYS_dup3, any_descriptor(), 3 + (long)pick(30), (long)pick(3) << 19); break;
    case 9: syscall(SYS_fcntl, any_descriptor(), (long)pick(1100), (long)next()); break;
    case 10: syscall(SYS_mkdirat, AT_FDCWD, any_path(), 0755); break;
    case 11: syscall(SYS_unlinkat, AT_FDCWD, any_path(), (long)pick(2) * AT_REMOVEDIR); break;
    case 12: syscall(SYS_pread64, any_descriptor(), any_pointer(), any_length(), (long)next());
             break;
    case 13: syscall(SYS_readv, any_descriptor(), vectors, (long)pick(4)); break;
    case 14: syscall(SYS_writev, any_descriptor(), vectors, (long)pick(4)); break;
    case 15: syscall(SYS_uname, any_pointer()); break;
    case 16: syscall(SYS_clock_gettime, (long)pick(16) - 2, any_pointer()); break;
    case 17: syscall(SYS_nanosleep, pick(2) ? (uint64_t)&tiny : bad_pointer(), any_pointer());
             break;
    case 18: syscall(SYS_getrandom, any_pointer(), any_length() & 0xffff, (long)pick(8)); break;
    default: {
        /* Memory: map, protect and unmap only what this call mapped. */
        void *area = mmap(NULL, any_length() & 0xfffff, (int)pick(8),
                          MAP_PRIVATE | MAP_ANONYMOUS | (pick(2) ? MAP_NORESERVE : 0), -1, 0);
        if (area != MAP_FAILED) {
            syscall(SYS_mprotect, area, 4096, (long)pick(16));
            munmap(area, 4096);
        }
        break;
    }
    }
}

int main(void)
{
    buffer = mmap(NULL, BUFFER_SIZE + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                  -1, 0);
    REQUIRE(buffer != MAP_FAILED);
    REQUIRE(munmap(buffer + BUFFER_SIZE, 4096) == 0);
    unmapped = buffer + BUFFER_SIZE;
    mkdir("/tmp/robust", 0755);
    REQUIRE(chdir("/tmp/robust") == 0);
    for (int i = 0; i < CALLS; i++)
        one_call();

    /* Everything still works. */
    int fd = open("/tmp/robust/after", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "still here", 10), 10);
    char back[10];
    CHECK_EQ(pread(fd, back, sizeof back, 0), 10);
    CHECK(memcmp(back, "still here", 10) == 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
    char *memory = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
    CHECK(memory != MAP_FAILED);
    if (memory != MAP_FAILED) {
        memset(memory, 0x5a, 1 << 20);
        CHECK_EQ(memory[(1 << 20) - 1], 0x5a);
    }
    printf("%d random calls with bad arguments; files, fork and memory still work\n", CALLS);
    return check_finish("robust_random_syscalls");
}
