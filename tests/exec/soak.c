/* The soak: many random system calls, good and bad arguments, from
 * several unprivileged processes at once, and afterwards every server
 * holds what it held before (SERVER_STATISTICS). check-soak runs it on 4
 * cores and looks at the console for panics and servers that faulted.
 *
 *   soak SEED CALLS WORKERS [KINDS]
 *
 * Each worker (a child that drops to uid and gid 2000 + its index) makes
 * CALLS / WORKERS calls drawn from its own xorshift sequence, seeded from
 * SEED and its index, so a worker's calls are the same on every run (the
 * interleaving of the workers is not). Every failure line names the seed;
 * `soak SEED CALLS WORKERS` runs the same sequences again; KINDS, a mask
 * of one_call's cases (bit 0: files ... bit 7: getrandom; 0xff, all, by
 * default), makes only calls of those kinds, to narrow a failure down.
 *
 * Nothing a call does may outlive the workers but what they make under
 * /tmp/soak, in /dev/mqueue/soak-* and in SysV IPC keys SOAK_KEY..+7,
 * which the parent removes before it compares. Calls that would end or
 * stop a worker (exit, signals it does not catch, unmapping its own
 * code) are left out; a call that blocks is ended within a tenth of a
 * second by SIGALRM, which no call may block, catch or ignore. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server_statistics.h"

#define SOAK_KEY        0x50a0
#define MAX_WORKERS     16
#define SETTLE_TRIES    50          /* tenths of a second for servers to let go */
#define WARM_UP_CALLS   500         /* per worker, in the first round */

static uint64_t seed;
static uint64_t state;

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

/* ---- Arguments ---- */

/* Three pages and an inaccessible one after them (PROT_NONE): a length
 * that runs past the buffer meets a fault (EFAULT), never other data of
 * the worker. Not unmapped: a later mmap could land in the hole, and a
 * sigaction "from nowhere" then installs a handler at whatever that
 * page holds (which once killed workers, on Linux as it would here). */
#define BUFFER_SIZE (3 * 4096)
static char *buffer;
static char *unmapped;      /* never readable */

static uint64_t any_pointer(void)
{
    switch (pick(8)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return (uint64_t)unmapped;
    case 3: return 0xffff000000001000ULL;          /* the kernel's half */
    case 4: return 0x0000ffffffff0000ULL;          /* above any mapping */
    case 5: return (uint64_t)buffer + 1;           /* unaligned but valid */
    default: return (uint64_t)buffer + 8 * pick(64);
    }
}

static uint64_t unreadable_pointer(void)
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
    default: return pick(200);
    }
}

/* A worker has at most this many descriptors (RLIMIT_NOFILE), so that
 * calls on descriptors mostly meet open ones. */
#define DESCRIPTORS     64

/* Descriptors a call may do anything to: never 0-2. */
static long any_descriptor(void)
{
    switch (pick(6)) {
    case 0: return -1;
    case 1: return 1000000;
    default: return 3 + (long)pick(DESCRIPTORS - 3);
    }
}

static long any_flags(void)
{
    return pick(4) == 0 ? (long)next() : (long)(next() & 0x80800);     /* O_CLOEXEC, O_NONBLOCK */
}

/* Paths below the working directory /tmp/soak/N, and a few others. */
static const char *const paths[] = {
    "a", "b", "dir", "dir/x", "a/b", "", "/tmp/soak", "/nonexistent-soak", "../x", "fifo",
};

/* A pointer that could be read would name whatever the buffer holds,
 * anywhere: only ones nothing can be read through. */
static uint64_t any_path(void)
{
    if (pick(6) == 0)
        return unreadable_pointer();
    return (uint64_t)paths[pick(sizeof paths / sizeof paths[0])];
}

static char queue_name[32];

/* A signal a call may send, mask or handle: never SIGALRM (the
 * watchdog), nor one that would stop or end the worker. */
static long any_signal(void)
{
    static const long harmless[] = { 0, SIGCHLD, SIGWINCH, SIGURG, SIGUSR1, SIGUSR2, 65, -1 };
    return harmless[pick(sizeof harmless / sizeof harmless[0])];
}

static uint64_t any_mask(void)
{
    return next() & ~((1ULL << (SIGALRM - 1)) | (1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1)));
}

/* ---- Calls, by server ---- */

static void file_call(void)
{
    switch (pick(12)) {
    case 0: syscall(SYS_openat, AT_FDCWD, any_path(), any_flags() | (pick(2) ? O_CREAT : 0), 0600);
            break;
    case 1: syscall(SYS_read, any_descriptor(), any_pointer(), any_length()); break;
    case 2: syscall(SYS_write, any_descriptor(), any_pointer(), any_length()); break;
    case 3: syscall(SYS_lseek, any_descriptor(), (long)next(), (long)pick(6)); break;
    case 4: syscall(SYS_newfstatat, AT_FDCWD, any_path(), any_pointer(), (long)pick(0x2000));
            break;
    case 5: syscall(SYS_getdents64, any_descriptor(), any_pointer(), any_length()); break;
    case 6: syscall(SYS_mkdirat, AT_FDCWD, any_path(), 0700); break;
    case 7: syscall(SYS_unlinkat, AT_FDCWD, any_path(), (long)pick(2) * AT_REMOVEDIR); break;
    case 8: syscall(SYS_renameat, AT_FDCWD, any_path(), AT_FDCWD, any_path()); break;
    case 9: syscall(SYS_ftruncate, any_descriptor(), (long)pick(3 * 4096)); break;
    case 10: syscall(SYS_mknodat, AT_FDCWD, any_path(), S_IFIFO | 0600, 0); break;
    default: syscall(SYS_pwrite64, any_descriptor(), any_pointer(), any_length(), (long)pick(8192));
             break;
    }
}

static void descriptor_call(void)
{
    struct iovec vectors[2] = { { (void *)any_pointer(), any_length() }, { buffer, 16 } };
    switch (pick(10)) {
    case 0: syscall(SYS_close, any_descriptor()); break;
    case 1: syscall(SYS_dup3, any_descriptor(), 3 + (long)pick(DESCRIPTORS - 3), (long)pick(3) << 19); break;
    case 2: syscall(SYS_fcntl, any_descriptor(), (long)pick(1100), (long)next()); break;
    case 3: syscall(SYS_readv, any_descriptor(), vectors, (long)pick(4)); break;
    case 4: syscall(SYS_writev, any_descriptor(), vectors, (long)pick(4)); break;
    case 5: syscall(SYS_ioctl, any_descriptor(), (long)(pick(2) ? 0x541b : next()), any_pointer());
            break;    /* FIONREAD, or anything */
    case 6: syscall(SYS_fstat, any_descriptor(), any_pointer()); break;
    case 7: {
        struct pollfd polled[2] = { { (int)any_descriptor(), (short)next(), 0 },
                                    { (int)any_descriptor(), POLLIN, 0 } };
        syscall(SYS_ppoll, pick(5) ? (uint64_t)polled : any_pointer(), (long)pick(3), 0, 0, 8);
        break;
    }
    case 8: syscall(SYS_flock, any_descriptor(), (long)pick(16)); break;
    default: syscall(SYS_fsync, any_descriptor()); break;
    }
}

static void ipc_object_call(void)
{
    int pair[2];
    switch (pick(12)) {
    case 0: syscall(SYS_pipe2, pick(5) ? (uint64_t)pair : any_pointer(), any_flags()); break;
    case 1: syscall(SYS_eventfd2, (long)pick(10), any_flags()); break;
    case 2: syscall(SYS_memfd_create, pick(5) ? (uint64_t)"soak" : any_pointer(),
                    (long)pick(16)); break;
    case 3: syscall(SYS_socketpair, (long)(pick(4) ? AF_UNIX : pick(64)),
                    (long)(1 + pick(5)) | (any_flags() & 0x80800), 0,
                    pick(5) ? (uint64_t)pair : any_pointer()); break;
    case 4: syscall(SYS_epoll_create1, (long)(pick(3) ? 0 : next())); break;
    case 5: {
        struct epoll_event event = { (uint32_t)next(), { .u64 = next() } };
        syscall(SYS_epoll_ctl, any_descriptor(), (long)pick(5), any_descriptor(),
                pick(5) ? (uint64_t)&event : any_pointer());
        break;
    }
    case 6: syscall(SYS_epoll_pwait, any_descriptor(), any_pointer(), (long)pick(8) - 1, 0, 0, 8);
            break;
    case 7: syscall(SYS_timerfd_create, (long)pick(3), any_flags()); break;
    case 8: syscall(SYS_sendto, any_descriptor(), any_pointer(), any_length(),
                    (long)(MSG_DONTWAIT | (next() & MSG_NOSIGNAL)), 0, 0); break;
    case 9: syscall(SYS_recvfrom, any_descriptor(), any_pointer(), any_length(),
                    (long)(MSG_DONTWAIT | (next() & 0x2)), 0, 0); break;
    case 10: syscall(SYS_socket, (long)(pick(3) ? AF_UNIX : pick(64)), (long)(1 + pick(6)), 0);
             break;
    default: {
        uint64_t set = any_mask();
        syscall(SYS_signalfd4, pick(2) ? -1 : any_descriptor(), &set, 8, any_flags());
        break;
    }
    }
}

static void queue_call(void)
{
    struct timespec soon = { 0, 1000 };
    int key = SOAK_KEY + (int)pick(8);
    switch (pick(10)) {
    case 0: syscall(SYS_mq_open, pick(5) ? (uint64_t)queue_name : unreadable_pointer(),
                    (long)(O_RDWR | O_NONBLOCK | (pick(2) ? O_CREAT : 0)), 0600, 0); break;
    case 1: syscall(SYS_mq_timedsend, any_descriptor(), any_pointer(), any_length(),
                    (long)pick(40), &soon); break;
    case 2: syscall(SYS_mq_timedreceive, any_descriptor(), any_pointer(), any_length() + 8192, 0,
                    &soon); break;
    case 3: syscall(SYS_mq_unlink, (uint64_t)queue_name); break;
    case 4: syscall(SYS_msgget, (long)key, (long)(IPC_CREAT | 0600)); break;
    case 5: syscall(SYS_msgsnd, (long)msgget(key, 0), any_pointer(), any_length() & 0xfff,
                    (long)IPC_NOWAIT); break;
    case 6: syscall(SYS_msgrcv, (long)msgget(key, 0), any_pointer(), any_length() & 0xfff,
                    (long)pick(4), (long)(IPC_NOWAIT | (next() & MSG_NOERROR))); break;
    case 7: syscall(SYS_semget, (long)key, (long)pick(4), (long)(IPC_CREAT | 0600)); break;
    case 8: {
        struct sembuf operation = { (unsigned short)pick(4), (short)(pick(5) - 2),
                                    (short)(IPC_NOWAIT | (pick(2) ? SEM_UNDO : 0)) };
        syscall(SYS_semtimedop, (long)semget(key, 0, 0), &operation, 1, &soon);
        break;
    }
    default: {
        int segment = shmget(key, 4096 * (1 + pick(3)), IPC_CREAT | 0600);
        void *at = shmat(segment, 0, pick(2) ? SHM_RDONLY : 0);
        if (at != (void *)-1)
            shmdt(at);
        break;
    }
    }
}

static void futex_call(void)
{
    static uint32_t word;
    struct timespec soon = { 0, 1000 };
    uint64_t address = pick(4) ? (uint64_t)&word : any_pointer();
    long operation = (long)(pick(16) | (pick(2) ? 128 : 0));
    /* A wait always has a deadline; anything else goes as drawn. */
    syscall(SYS_futex, address, operation, (long)pick(3), &soon, any_pointer(), (long)pick(3));
}

static void memory_call(void)
{
    void *area = mmap(NULL, any_length() & 0xfffff, (int)pick(8),
                      (pick(2) ? MAP_PRIVATE : MAP_SHARED) | MAP_ANONYMOUS |
                      (pick(2) ? MAP_NORESERVE : 0), -1, 0);
    if (area == MAP_FAILED)
        return;
    switch (pick(5)) {
    case 0: syscall(SYS_mprotect, area, 4096, (long)pick(16)); break;
    case 1: syscall(SYS_madvise, area, 4096, (long)pick(30)); break;
    case 2: syscall(SYS_mincore, area, 4096, any_pointer()); break;
    case 3: syscall(SYS_msync, area, 4096, (long)pick(8)); break;
    default: break;
    }
    munmap(area, 4096);
}

static void process_call(void)
{
    switch (pick(10)) {
    case 0: syscall(SYS_kill, (long)getpid(), any_signal()); break;
    case 1: syscall(SYS_kill, (long)pick(5000) - 2500, 0L); break;     /* only asks */
    case 2: {
        uint64_t set = any_mask();
        syscall(SYS_rt_sigprocmask, (long)pick(4), pick(5) ? (uint64_t)&set : any_pointer(),
                any_pointer(), 8);
        break;
    }
    case 3: {
        /* SIGCHLD, SIGWINCH and SIGURG are ignored by default; SIGUSR1
         * and SIGUSR2 stay ignored (the worker ignores them from the
         * start). A pointer that could be read would make a handler of
         * whatever it points to: only ones nothing can be read through. */
        struct sigaction action = { 0 };
        long signal = any_signal();
        action.sa_handler = signal == SIGUSR1 || signal == SIGUSR2 || pick(2) ? SIG_IGN : SIG_DFL;
        action.sa_flags = (int)(next() & (SA_RESTART | SA_NODEFER | SA_RESETHAND));
        syscall(SYS_rt_sigaction, signal, pick(5) ? (uint64_t)&action : unreadable_pointer(),
                any_pointer(), 8);
        break;
    }
    case 4: syscall(SYS_getpid); syscall(SYS_getppid); syscall(SYS_gettid); break;
    case 5: syscall(SYS_sched_yield); break;
    case 6: syscall(SYS_clock_gettime, (long)pick(16) - 2, any_pointer()); break;
    case 7: syscall(SYS_getrusage, (long)pick(4) - 2, any_pointer()); break;
    case 8: syscall(SYS_setpgid, 0, (long)pick(2) ? 0 : (long)next()); break;
    default: {
        /* A child that ends at once, reaped or left to the worker's exit. */
        pid_t child = fork();
        if (child == 0)
            _exit(0);
        if (child > 0 && pick(2))
            waitpid(child, 0, 0);
        break;
    }
    }
}

/* The kinds of call (one_call's cases, a bit each) a run makes: all, or
 * fewer to narrow a failure down. */
static unsigned kinds = 0xff;

/* Where each worker is, in memory the parent shares: what it says of a
 * worker that ended badly (its last call may be what killed it). */
struct progress {
    uint64_t calls;
    unsigned kind;
    int line;       /* of the system call in this file */
};
static struct progress unshared;
static struct progress *progress = &unshared;   /* a worker's is shared */
#define syscall(...) (progress->line = __LINE__, syscall(__VA_ARGS__))

static void one_call(void)
{
    unsigned kind;
    do
        kind = (unsigned)pick(8);
    while (!(kinds & 1u << kind));
    progress->kind = kind;
    progress->line = 0;
    switch (kind) {
    case 0: file_call(); break;
    case 1: descriptor_call(); break;
    case 2: ipc_object_call(); break;
    case 3: queue_call(); break;
    case 4: futex_call(); break;
    case 5: memory_call(); break;
    case 6: process_call(); break;
    default: syscall(SYS_getrandom, any_pointer(), any_length() & 0xffff, (long)pick(8)); break;
    }
}

/* ---- Workers ---- */

static void wake(int signal)
{
    (void)signal;
}

static void unblock_alarm(void)
{
    sigset_t alarm;
    sigemptyset(&alarm);
    sigaddset(&alarm, SIGALRM);
    sigprocmask(SIG_UNBLOCK, &alarm, 0);
}

/* Worker index's calls: the sequence'th of the seed's. */
static int work(unsigned sequence, unsigned index, uint64_t calls)
{
    state = seed ^ (0x9e3779b97f4a7c15ULL * (sequence + 1));
    char directory[32];
    snprintf(directory, sizeof directory, "/tmp/soak/%u", index);
    snprintf(queue_name, sizeof queue_name, "/soak-%u", index);
    if (mkdir(directory, 0777) != 0 || chmod(directory, 0777) != 0 ||
        setgid(2000 + index) != 0 || setuid(2000 + index) != 0 || chdir(directory) != 0)
        return 3;
    buffer = mmap(NULL, BUFFER_SIZE + 4096, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buffer == MAP_FAILED || mprotect(buffer + BUFFER_SIZE, 4096, PROT_NONE) != 0)
        return 3;
    unmapped = buffer + BUFFER_SIZE;
    struct rlimit descriptors = { DESCRIPTORS, DESCRIPTORS };
    if (setrlimit(RLIMIT_NOFILE, &descriptors) != 0)
        return 3;
    /* The signals a worker sends itself are ignored, as is SIGPIPE (a
     * write to a pipe or socket nobody reads), and the watchdog
     * sees that no call blocks for longer than a tenth of a second. */
    signal(SIGUSR1, SIG_IGN);
    signal(SIGUSR2, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    struct sigaction action = { 0 };
    action.sa_handler = wake;
    struct itimerval tenth = { { 0, 100000 }, { 0, 100000 } };
    if (sigaction(SIGALRM, &action, 0) != 0 || setitimer(ITIMER_REAL, &tenth, 0) != 0)
        return 3;
    for (uint64_t i = 0; i < calls; i++) {
        progress->calls = i;
        one_call();
        unblock_alarm();    /* a sigprocmask drawn with a pointer it could not check */
    }
    return 0;
}

/* ---- What the servers hold ---- */

static void read_holdings(struct server_holdings holdings[SERVER_COUNT])
{
    for (unsigned id = 0; id < SERVER_COUNT; id++)
        if (!server_holdings(id, &holdings[id]))
            holdings[id] = (struct server_holdings){ ~0ULL, ~0ULL, ~0ULL };
}

/* Remove a tree the workers left, whatever renames made of it. */
static void remove_tree(const char *path)
{
    DIR *directory = opendir(path);
    if (directory) {
        struct dirent *entry;
        while ((entry = readdir(directory))) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            char below[512];
            snprintf(below, sizeof below, "%s/%s", path, entry->d_name);
            remove_tree(below);
        }
        closedir(directory);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* What the workers made that outlives them: their files, queues and
 * SysV IPC objects. */
static void remove_leftovers(unsigned workers)
{
    remove_tree("/tmp/soak");
    for (unsigned index = 0; index < workers; index++) {
        char name[32];
        snprintf(name, sizeof name, "/soak-%u", index);
        mq_unlink(name);
    }
    for (int key = SOAK_KEY; key < SOAK_KEY + 8; key++) {
        int id = msgget(key, 0);
        if (id >= 0)
            msgctl(id, IPC_RMID, 0);
        id = semget(key, 0, 0);
        if (id >= 0)
            semctl(id, 0, IPC_RMID);
        id = shmget(key, 0, 0);
        if (id >= 0)
            shmctl(id, IPC_RMID, 0);
    }
}

static int same(const struct server_holdings *a, const struct server_holdings *b)
{
    return a->pages == b->pages && a->heap_bytes == b->heap_bytes && a->waiting == b->waiting;
}

/* Servers let go of a dead process's things as procmgr's notices reach
 * them: give them a moment. */
static int holdings_settle(const struct server_holdings before[SERVER_COUNT],
                           struct server_holdings after[SERVER_COUNT])
{
    for (int tries = 0;; tries++) {
        read_holdings(after);
        int settled = 1;
        for (unsigned id = 0; id < SERVER_COUNT; id++)
            settled &= same(&before[id], &after[id]);
        if (settled || tries == SETTLE_TRIES)
            return settled;
        struct timespec tenth = { 0, 100 * 1000 * 1000 };
        nanosleep(&tenth, 0);
    }
}

/* One of each kind of object, watched by epoll and polled, then closed:
 * what the servers make once for the first of them (tables that grow,
 * a pool's frame table) is there before they are counted. */
static int prime(void)
{
    int ends[2], pair[2];
    struct mq_attr attributes = { .mq_maxmsg = 4, .mq_msgsize = 64 };
    if (pipe(ends) != 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0)
        return 3;
    int descriptors[] = {
        ends[0], ends[1], pair[0], pair[1], eventfd(0, 0), timerfd_create(CLOCK_MONOTONIC, 0),
        (int)syscall(SYS_memfd_create, "soak", 0),
        mq_open("/soak-prime", O_RDWR | O_CREAT, 0600, &attributes),
    };
    int epoll = epoll_create1(0);
    for (unsigned i = 0; i < sizeof descriptors / sizeof descriptors[0]; i++) {
        struct epoll_event event = { EPOLLIN, { .u32 = i } };
        struct pollfd polled = { descriptors[i], POLLIN, 0 };
        /* A memfd is a regular file, which epoll refuses (EPERM). */
        if (descriptors[i] < 0 ||
            (epoll_ctl(epoll, EPOLL_CTL_ADD, descriptors[i], &event) != 0 && errno != EPERM) ||
            poll(&polled, 1, 0) < 0) {
            printf("soak: the primer's object %u: %s\n", i, strerror(errno));
            return 3;
        }
    }
    for (unsigned i = 0; i < sizeof descriptors / sizeof descriptors[0]; i++)
        close(descriptors[i]);
    close(epoll);
    mq_unlink("/soak-prime");
    return 0;
}

/* One round: the workers' calls, then their leftovers removed. The
 * seed's round-th sequence; false if a worker did not end well. */
static int run_round(unsigned round, uint64_t calls, unsigned workers)
{
    if (mkdir("/tmp/soak", 0777) != 0 || chmod("/tmp/soak", 0777) != 0) {
        printf("soak: seed %#llx: cannot make /tmp/soak\n", (unsigned long long)seed);
        return 0;
    }
    static struct progress *shared;
    if (!shared)
        shared = mmap(NULL, MAX_WORKERS * sizeof *shared, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        printf("soak: seed %#llx: no shared memory for the workers\n", (unsigned long long)seed);
        return 0;
    }
    pid_t pids[MAX_WORKERS];
    for (unsigned i = 0; i < workers; i++) {
        progress = &shared[i];
        *progress = (struct progress){ 0 };
        pids[i] = fork();
        if (pids[i] == 0)
            _exit(work(round * MAX_WORKERS + i, i, calls / workers + (i < calls % workers)));
    }
    int passed = 1;
    for (unsigned i = 0; i < workers; i++) {
        int status = 0;
        if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            printf("soak: seed %#llx: worker %u of round %u ended with status %#x at call %llu "
                   "(kind %u, soak.c line %d)\n", (unsigned long long)seed, i, round, status,
                   (unsigned long long)shared[i].calls, shared[i].kind, shared[i].line);
            passed = 0;
        }
    }
    remove_leftovers(workers);
    return passed;
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: soak SEED CALLS WORKERS [KINDS]\n");
        return 2;
    }
    if (argc == 5)
        kinds = (unsigned)strtoul(argv[4], 0, 0) & 0xff;
    if (kinds == 0)
        return 2;
    seed = strtoull(argv[1], 0, 0);
    uint64_t calls = strtoull(argv[2], 0, 0);
    unsigned workers = (unsigned)strtoul(argv[3], 0, 0);
    if (workers == 0 || workers > MAX_WORKERS)
        return 2;
    printf("soak: seed %#llx, %llu calls from %u workers\n", (unsigned long long)seed,
           (unsigned long long)calls, workers);
    fflush(stdout);

    /* A primer and a first, short round make what servers make once and
     * keep (tables that grow, pages their pools hold on to); what the
     * second round leaves behind beyond that is a leak. */
    struct server_holdings before[SERVER_COUNT], after[SERVER_COUNT];
    pid_t primer = fork();
    if (primer == 0)
        _exit(prime());
    int status = 0;
    int failed = waitpid(primer, &status, 0) != primer || status != 0;
    if (failed)
        printf("soak: seed %#llx: the primer ended with status %#x\n", (unsigned long long)seed,
               status);
    failed |= !run_round(0, WARM_UP_CALLS * workers, workers);
    read_holdings(before);
    failed |= !run_round(1, calls, workers);
    if (!holdings_settle(before, after)) {
        for (unsigned id = 0; id < SERVER_COUNT; id++)
            if (!same(&before[id], &after[id]))
                printf("soak: seed %#llx: %s held %llu pages, %llu heap bytes, %llu callers "
                       "before and %llu, %llu, %llu after\n", (unsigned long long)seed,
                       server_names[id], (unsigned long long)before[id].pages,
                       (unsigned long long)before[id].heap_bytes,
                       (unsigned long long)before[id].waiting,
                       (unsigned long long)after[id].pages,
                       (unsigned long long)after[id].heap_bytes,
                       (unsigned long long)after[id].waiting);
        failed = 1;
    }
    printf("soak: %s\n", failed ? "FAILED" : "passed: every server holds what it held before");
    return failed;
}
