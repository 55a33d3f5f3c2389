/* signalfd without waiting. Creation: musl's signalfd() (signalfd4 with
 * a sigset size of 8): F_GETFD 0 or FD_CLOEXEC (SFD_CLOEXEC), F_GETFL
 * O_RDWR, with O_NONBLOCK for SFD_NONBLOCK (a read with nothing pending
 * is EAGAIN); fstat mode 0600, no file type; a mask holding SIGKILL and
 * SIGSTOP (or every signal) is accepted; a second signalfd(fd, mask,
 * flags) on the same descriptor returns it, replaces its mask and ignores
 * the flags. The raw signalfd4's errors in Linux's order: a sigset size
 * other than 8 is EINVAL, then an unreadable mask EFAULT, then flags other
 * than SFD_CLOEXEC | SFD_NONBLOCK EINVAL, then a descriptor: not open
 * (-2 too: only -1 makes a new one) EBADF, not a signalfd (a pipe) EINVAL.
 * I/O: a read under 128 bytes is EINVAL even when it would wait, a write
 * EINVAL, lseek 0, pread ESPIPE, a read into an unmapped buffer EFAULT.
 * Records (struct signalfd_siginfo, 128 bytes, every field not set zero):
 * kill() gives SI_USER, ssi_pid, ssi_uid; sigqueue() SI_QUEUE with
 * ssi_int and ssi_ptr (the two views of the one sigval: a pointer's low
 * half is ssi_int); raise() and tgkill() SI_TKILL; a child's SIGCHLD
 * (blocked, default action) CLD_EXITED with the exit status or CLD_KILLED
 * with the signal, the child's pid and real uid; a POSIX timer's SI_TIMER
 * with ssi_tid the timer's id, ssi_overrun (0 once, the missed expiries of
 * a blocked 1 ms periodic timer), ssi_int = ssi_ptr = the sigev_value and
 * ssi_pid 0. Reading consumes: the signal is no longer pending and its
 * handler does not run once unblocked; a signal not in the mask stays
 * pending and is not read; an unblocked signal with a handler is delivered
 * at once and never read; a blocked signal whose action is SIG_IGN is
 * still queued and read, and setting SIG_IGN discards a pending one. One
 * read returns as many whole records as fit and are pending (300 bytes:
 * two), the calling thread's own signals first, then the process's, each
 * set in number order but the synchronous signals (SIGBUS, SIGSEGV...)
 * first; standard signals merge (two kills, one record), real-time ones
 * queue in order with their values, after the standard ones. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "check.h"
#include "signals.h"

#define RECORD ((long)sizeof(struct signalfd_siginfo))
#define SIGSET_SIZE 8                    /* the kernel's sigset_t */
#define NS 1000000000ll
#define MS 1000000ll

/* The kernel's id in musl's timer_t (SIGEV_SIGNAL timers). */
#define ID(timer) ((int)(intptr_t)(timer))

static int make(uint64_t bits, int flags)
{
    sigset_t set = signal_set_of(bits);
    return signalfd(-1, &set, flags);
}

static long raw_signalfd4(int fd, const void *mask, long size, long flags)
{
    return syscall(SYS_signalfd4, fd, mask, size, flags);
}

static struct signalfd_siginfo records[10];

/* A read of up to count records into records[], zeroed first. */
static long get(int fd, int count)
{
    memset(records, 0x5a, sizeof records);
    return read(fd, records, count * RECORD);
}

/* The record a kill-like sender fills: everything else zero. */
static int only_sender_fields(const struct signalfd_siginfo *record)
{
    struct signalfd_siginfo expected;
    memset(&expected, 0, sizeof expected);
    expected.ssi_signo = record->ssi_signo;
    expected.ssi_code = record->ssi_code;
    expected.ssi_pid = record->ssi_pid;
    expected.ssi_uid = record->ssi_uid;
    expected.ssi_int = record->ssi_int;
    expected.ssi_ptr = record->ssi_ptr;
    return memcmp(&expected, record, sizeof expected) == 0;
}

static void test_create(void)
{
    CHECK_EQ(sizeof(struct signalfd_siginfo), 128);
    block_signals(signal_bit(SIGUSR1) | signal_bit(SIGUSR2));
    int plain = make(signal_bit(SIGUSR1), 0);
    REQUIRE(plain >= 0);
    CHECK_EQ(fcntl(plain, F_GETFD), 0);
    CHECK_EQ(fcntl(plain, F_GETFL), O_RDWR);
    struct stat status;
    CHECK_OK(fstat(plain, &status));
    CHECK_EQ(status.st_mode, 0600);      /* no S_IFMT bits */

    int cloexec = make(signal_bit(SIGUSR1), SFD_CLOEXEC);
    CHECK_EQ(fcntl(cloexec, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(cloexec, F_GETFL), O_RDWR);
    int nonblock = make(signal_bit(SIGUSR1), SFD_NONBLOCK);
    CHECK_EQ(fcntl(nonblock, F_GETFD), 0);
    CHECK_EQ(fcntl(nonblock, F_GETFL), O_RDWR | O_NONBLOCK);
    CHECK_ERRNO(get(nonblock, 1), EAGAIN);
    int both = make(signal_bit(SIGUSR1), SFD_CLOEXEC | SFD_NONBLOCK);
    CHECK_EQ(fcntl(both, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(both, F_GETFL), O_RDWR | O_NONBLOCK);
    CHECK_ERRNO(get(both, 1), EAGAIN);

    /* A second call on the descriptor changes its mask, not its flags. */
    sigset_t usr2 = signal_set_of(signal_bit(SIGUSR2));
    CHECK_EQ(signalfd(plain, &usr2, SFD_CLOEXEC | SFD_NONBLOCK), plain);
    CHECK_EQ(fcntl(plain, F_GETFD), 0);
    CHECK_EQ(fcntl(plain, F_GETFL), O_RDWR);
    CHECK_EQ(signalfd(both, &usr2, 0), both);
    CHECK_EQ(fcntl(both, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(both, F_GETFL), O_RDWR | O_NONBLOCK);
    CHECK_OK(kill(getpid(), SIGUSR2));
    CHECK_EQ(get(plain, 1), RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR2);

    /* SIGKILL and SIGSTOP are left out silently (never sent here). */
    int unstoppable = make(signal_bit(SIGKILL) | signal_bit(SIGSTOP) |
                               signal_bit(SIGUSR1), SFD_NONBLOCK);
    CHECK(unstoppable >= 0);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(get(unstoppable, 4), RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR1);
    sigset_t everything;
    sigfillset(&everything);
    int all = signalfd(-1, &everything, SFD_NONBLOCK);
    CHECK(all >= 0);
    CHECK_ERRNO(get(all, 1), EAGAIN);
    CHECK_EQ(signalfd(all, &everything, 0), all);
    close(unstoppable);
    close(all);
    close(plain);
    close(cloexec);
    close(nonblock);
    close(both);
}

static void test_create_errors(void)
{
    sigset_t usr1 = signal_set_of(signal_bit(SIGUSR1));
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    int closed = dup(fds[0]);
    close(closed);

    CHECK_ERRNO(raw_signalfd4(-1, &usr1, 4, 0), EINVAL);
    CHECK_ERRNO(raw_signalfd4(-1, &usr1, 16, 0), EINVAL);
    CHECK_ERRNO(raw_signalfd4(-1, &usr1, 0, 0), EINVAL);
    CHECK_ERRNO(raw_signalfd4(-1, (void *)8, SIGSET_SIZE, 0), EFAULT);
    CHECK_ERRNO(raw_signalfd4(-1, &usr1, SIGSET_SIZE, O_APPEND), EINVAL);
    CHECK_ERRNO(raw_signalfd4(-1, &usr1, SIGSET_SIZE, 1), EINVAL);
    CHECK_ERRNO(raw_signalfd4(-1, &usr1, SIGSET_SIZE, -1), EINVAL);
    CHECK_ERRNO(raw_signalfd4(fds[0], &usr1, SIGSET_SIZE, 0), EINVAL);
    CHECK_ERRNO(signalfd(fds[1], &usr1, 0), EINVAL);
    CHECK_ERRNO(raw_signalfd4(closed, &usr1, SIGSET_SIZE, 0), EBADF);
    CHECK_ERRNO(raw_signalfd4(-2, &usr1, SIGSET_SIZE, 0), EBADF);
    CHECK_ERRNO(signalfd(1000, &usr1, 0), EBADF);

    /* The order: size, mask, flags, descriptor. */
    CHECK_ERRNO(raw_signalfd4(closed, (void *)8, 4, 1), EINVAL);
    CHECK_ERRNO(raw_signalfd4(closed, (void *)8, SIGSET_SIZE, 1), EFAULT);
    CHECK_ERRNO(raw_signalfd4(closed, &usr1, SIGSET_SIZE, 1), EINVAL);
    CHECK_ERRNO(raw_signalfd4(fds[0], &usr1, SIGSET_SIZE, O_APPEND), EINVAL);
    CHECK_ERRNO(raw_signalfd4(closed, (void *)8, SIGSET_SIZE, 0), EFAULT);

    /* A good call with the raw size works; nothing leaked before it. */
    int fd = raw_signalfd4(-1, &usr1, SIGSET_SIZE, 0);
    CHECK_EQ(fd, closed);
    CHECK_EQ(raw_signalfd4(fd, &usr1, SIGSET_SIZE, 0), fd);
    close(fd);
    close(fds[0]);
    close(fds[1]);
}

static void test_io_errors(void)
{
    int fd = make(signal_bit(SIGUSR1), 0);   /* blocking: EINVAL first */
    char buffer[2 * RECORD];
    CHECK_ERRNO(read(fd, buffer, 0), EINVAL);
    CHECK_ERRNO(read(fd, buffer, RECORD - 1), EINVAL);
    CHECK_ERRNO(write(fd, buffer, RECORD), EINVAL);
    CHECK_ERRNO(write(fd, buffer, 8), EINVAL);
    CHECK_EQ(lseek(fd, 5, SEEK_SET), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_END), 0);
    CHECK_ERRNO(pread(fd, buffer, RECORD, 0), ESPIPE);

    /* A pending signal changes nothing for a short read. */
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_ERRNO(read(fd, buffer, RECORD - 1), EINVAL);
    CHECK_EQ(pending_signal_bits(), signal_bit(SIGUSR1));
    /* Whether the signal survives the fault is not checked (Linux 6.1
     * has taken it off the queue by then and loses it). */
    void *hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(hole != MAP_FAILED);
    CHECK_ERRNO(read(fd, hole, RECORD), EFAULT);
    discard_signals(signal_bit(SIGUSR1));
    munmap(hole, 4096);
    close(fd);
}

static void test_senders(void)
{
    int fd = make(signal_bit(SIGUSR1) | signal_bit(SIGUSR2) | signal_bit(SIGRTMIN),
                  SFD_NONBLOCK);
    REQUIRE(fd >= 0);
    block_signals(signal_bit(SIGRTMIN));

    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(get(fd, 4), RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR1);
    CHECK_EQ(records[0].ssi_errno, 0);
    CHECK_EQ(records[0].ssi_code, SI_USER);
    CHECK_EQ(records[0].ssi_pid, getpid());
    CHECK_EQ(records[0].ssi_uid, 0);
    CHECK_EQ(records[0].ssi_int, 0);
    CHECK_EQ(records[0].ssi_ptr, 0);
    CHECK(only_sender_fields(&records[0]));

    union sigval value;
    memset(&value, 0, sizeof value);
    value.sival_int = 42;
    CHECK_OK(sigqueue(getpid(), SIGUSR2, value));
    CHECK_EQ(get(fd, 4), RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR2);
    CHECK_EQ(records[0].ssi_code, SI_QUEUE);
    CHECK_EQ(records[0].ssi_pid, getpid());
    CHECK_EQ(records[0].ssi_uid, 0);
    CHECK_EQ(records[0].ssi_int, 42);
    CHECK_EQ(records[0].ssi_ptr, 42);
    CHECK(only_sender_fields(&records[0]));

    value.sival_ptr = (void *)0x1122334455667788ull;
    CHECK_OK(sigqueue(getpid(), SIGRTMIN, value));
    CHECK_EQ(get(fd, 4), RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGRTMIN);
    CHECK_EQ(records[0].ssi_code, SI_QUEUE);
    CHECK(records[0].ssi_ptr == 0x1122334455667788ull);
    CHECK_EQ(records[0].ssi_int, 0x55667788);
    CHECK(only_sender_fields(&records[0]));

    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(get(fd, 4), RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR1);
    CHECK_EQ(records[0].ssi_code, SI_TKILL);
    CHECK_EQ(records[0].ssi_pid, getpid());
    CHECK_EQ(records[0].ssi_uid, 0);
    CHECK(only_sender_fields(&records[0]));

    CHECK_OK(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2));
    CHECK_EQ(get(fd, 4), RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR2);
    CHECK_EQ(records[0].ssi_code, SI_TKILL);
    CHECK_EQ(records[0].ssi_pid, getpid());
    CHECK(only_sender_fields(&records[0]));
    CHECK_ERRNO(get(fd, 4), EAGAIN);
    CHECK_EQ(pending_signal_bits(), 0);
    unblock_signals(signal_bit(SIGRTMIN));
    close(fd);
}

static void test_sigchld(void)
{
    block_signals(signal_bit(SIGCHLD));
    int fd = make(signal_bit(SIGCHLD), 0);
    REQUIRE(fd >= 0);
    pid_t child = fork();
    if (child == 0)
        _exit(5);
    REQUIRE(child > 0);
    CHECK_EQ(get(fd, 1), RECORD);        /* waits for it */
    CHECK_EQ(records[0].ssi_signo, SIGCHLD);
    CHECK_EQ(records[0].ssi_code, CLD_EXITED);
    CHECK_EQ(records[0].ssi_pid, child);
    CHECK_EQ(records[0].ssi_uid, 0);
    CHECK_EQ(records[0].ssi_status, 5);
    CHECK(exited_with(child, 5));

    /* Killed, and another user's. */
    child = fork();
    if (child == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(99);
        kill(getpid(), SIGTERM);
        _exit(98);
    }
    REQUIRE(child > 0);
    CHECK_EQ(get(fd, 1), RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGCHLD);
    CHECK_EQ(records[0].ssi_code, CLD_KILLED);
    CHECK_EQ(records[0].ssi_pid, child);
    CHECK_EQ(records[0].ssi_uid, 1000);
    CHECK_EQ(records[0].ssi_status, SIGTERM);
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    CHECK_EQ(pending_signal_bits(), 0);
    close(fd);
    unblock_signals(signal_bit(SIGCHLD));
}

static long long now(void)
{
    struct timespec time = {0, 0};
    clock_gettime(CLOCK_MONOTONIC, &time);
    return time.tv_sec * NS + time.tv_nsec;
}

static void test_timer(void)
{
    block_signals(signal_bit(SIGALRM));
    int fd = make(signal_bit(SIGALRM), 0);
    REQUIRE(fd >= 0);
    struct sigevent event;
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_SIGNAL;
    event.sigev_signo = SIGALRM;
    event.sigev_value.sival_int = 99;
    timer_t first = 0, timer = 0;
    REQUIRE(timer_create(CLOCK_MONOTONIC, NULL, &first) == 0);
    REQUIRE(timer_create(CLOCK_MONOTONIC, &event, &timer) == 0);
    CHECK_EQ(ID(timer), 1);

    struct itimerspec once = {{0, 0}, {0, 10 * MS}};
    CHECK_OK(timer_settime(timer, 0, &once, NULL));
    CHECK_EQ(get(fd, 1), RECORD);        /* waits for it */
    CHECK_EQ(records[0].ssi_signo, SIGALRM);
    CHECK_EQ(records[0].ssi_code, SI_TIMER);
    CHECK_EQ(records[0].ssi_tid, ID(timer));
    CHECK_EQ(records[0].ssi_overrun, 0);
    CHECK_EQ(records[0].ssi_int, 99);
    CHECK_EQ(records[0].ssi_ptr, 99);
    CHECK_EQ(records[0].ssi_pid, 0);
    CHECK_EQ(records[0].ssi_uid, 0);
    CHECK_EQ(records[0].ssi_status, 0);

    /* Every 1 ms while blocked: one record, the rest as overruns. (One
     * record is read: the timer is re-armed as its signal is taken, and
     * an emulator may take a millisecond before a second read.) */
    struct itimerspec often = {{0, 1 * MS}, {0, 1 * MS}};
    long long start = now();
    CHECK_OK(timer_settime(timer, 0, &often, NULL));
    sleep_milliseconds(100);
    CHECK_EQ(get(fd, 1), RECORD);
    long long passed = now() - start;
    struct itimerspec off = {{0, 0}, {0, 0}};
    CHECK_OK(timer_settime(timer, 0, &off, NULL));
    CHECK_EQ(records[0].ssi_code, SI_TIMER);
    CHECK_EQ(records[0].ssi_tid, ID(timer));
    CHECK(records[0].ssi_overrun >= 10 && records[0].ssi_overrun <= passed / MS + 1);
    CHECK_EQ(records[0].ssi_int, 99);
    CHECK_OK(timer_delete(timer));
    CHECK_OK(timer_delete(first));
    discard_signals(signal_bit(SIGALRM));
    close(fd);
    unblock_signals(signal_bit(SIGALRM));
}

static void test_consumed(void)
{
    uint64_t usr1 = signal_bit(SIGUSR1), usr2 = signal_bit(SIGUSR2);
    int fd = make(usr1, SFD_NONBLOCK);
    handle_sigusr1(0);

    /* The usual pattern: blocked, then read; the handler never runs. */
    CHECK_EQ(blocked_bits() & (usr1 | usr2), usr1 | usr2);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(pending_signal_bits(), usr1);
    CHECK_EQ(get(fd, 1), RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR1);
    CHECK_EQ(pending_signal_bits(), 0);
    unblock_signals(usr1);
    CHECK_EQ(sigusr1_handled, 0);

    /* Unblocked, it goes to its handler at once: nothing to read. */
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(sigusr1_handled, 1);
    CHECK_ERRNO(get(fd, 1), EAGAIN);
    block_signals(usr1);

    /* Not in the mask: not read, still pending. */
    CHECK_OK(kill(getpid(), SIGUSR2));
    CHECK_ERRNO(get(fd, 4), EAGAIN);
    CHECK_EQ(pending_signal_bits(), usr2);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(get(fd, 4), RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR1);
    CHECK_EQ(pending_signal_bits(), usr2);
    discard_signals(usr2);

    /* Blocked, an ignored signal is queued all the same; making it
     * ignored discards it. */
    signal(SIGUSR1, SIG_IGN);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(pending_signal_bits(), usr1);
    CHECK_EQ(get(fd, 1), RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR1);
    signal(SIGUSR1, SIG_DFL);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(pending_signal_bits(), usr1);
    signal(SIGUSR1, SIG_IGN);
    CHECK_EQ(pending_signal_bits(), 0);
    CHECK_ERRNO(get(fd, 1), EAGAIN);
    signal(SIGUSR1, SIG_DFL);
    close(fd);
}

static void test_several(void)
{
    int order[] = {SIGUSR2, SIGHUP, SIGSEGV, SIGRTMIN, SIGUSR1, SIGTERM, SIGBUS};
    int count = sizeof order / sizeof order[0];
    uint64_t bits = 0;
    for (int i = 0; i < count; i++)
        bits |= signal_bit(order[i]);
    bits |= signal_bit(SIGRTMIN + 1);
    block_signals(bits);
    int fd = make(bits, SFD_NONBLOCK);
    REQUIRE(fd >= 0);

    for (int i = 0; i < count; i++)
        kill(getpid(), order[i]);
    CHECK_EQ(pending_signal_bits(), bits & ~signal_bit(SIGRTMIN + 1));
    CHECK_EQ(get(fd, 10), count * RECORD);
    int got[7];
    for (int i = 0; i < count; i++)
        got[i] = records[i].ssi_signo;
    /* The synchronous ones first, then by number. */
    CHECK_EQ(got[0], SIGBUS);
    CHECK_EQ(got[1], SIGSEGV);
    CHECK_EQ(got[2], SIGHUP);
    CHECK_EQ(got[3], SIGUSR1);
    CHECK_EQ(got[4], SIGUSR2);
    CHECK_EQ(got[5], SIGTERM);
    CHECK_EQ(got[6], SIGRTMIN);
    CHECK_EQ(pending_signal_bits(), 0);
    CHECK_ERRNO(get(fd, 10), EAGAIN);

    /* The thread's own signals come before the process's. */
    CHECK_EQ(raise(SIGUSR2), 0);
    CHECK_OK(kill(getpid(), SIGHUP));
    CHECK_EQ(get(fd, 10), 2 * RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR2);
    CHECK_EQ(records[0].ssi_code, SI_TKILL);
    CHECK_EQ(records[1].ssi_signo, SIGHUP);
    CHECK_EQ(records[1].ssi_code, SI_USER);

    /* As many as fit: 300 bytes hold two records. */
    kill(getpid(), SIGUSR2);
    kill(getpid(), SIGHUP);
    kill(getpid(), SIGUSR1);
    memset(records, 0, sizeof records);
    CHECK_EQ(read(fd, records, 300), 2 * RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGHUP);
    CHECK_EQ(records[1].ssi_signo, SIGUSR1);
    CHECK_EQ(records[2].ssi_signo, 0);
    CHECK_EQ(pending_signal_bits(), signal_bit(SIGUSR2));
    CHECK_EQ(get(fd, 10), RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR2);

    /* Standard signals merge: the first sender's record stays. */
    union sigval value;
    memset(&value, 0, sizeof value);
    value.sival_int = 7;
    CHECK_OK(sigqueue(getpid(), SIGUSR1, value));
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(get(fd, 10), RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR1);
    CHECK_EQ(records[0].ssi_code, SI_QUEUE);
    CHECK_EQ(records[0].ssi_int, 7);

    /* Real-time signals queue, each with its value, in order; a lower
     * one first, after the standard ones. */
    for (int i = 1; i <= 3; i++) {
        value.sival_int = 100 + i;
        sigqueue(getpid(), SIGRTMIN + 1, value);
    }
    for (int i = 1; i <= 3; i++) {
        value.sival_int = i;
        sigqueue(getpid(), SIGRTMIN, value);
    }
    CHECK_OK(kill(getpid(), SIGTERM));
    CHECK_EQ(get(fd, 10), 7 * RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGTERM);
    CHECK_EQ(records[1].ssi_signo, SIGRTMIN);
    CHECK_EQ(records[1].ssi_int, 1);
    CHECK_EQ(records[2].ssi_signo, SIGRTMIN);
    CHECK_EQ(records[2].ssi_int, 2);
    CHECK_EQ(records[3].ssi_signo, SIGRTMIN);
    CHECK_EQ(records[3].ssi_int, 3);
    CHECK_EQ(records[4].ssi_signo, SIGRTMIN + 1);
    CHECK_EQ(records[4].ssi_int, 101);
    CHECK_EQ(records[5].ssi_int, 102);
    CHECK_EQ(records[6].ssi_signo, SIGRTMIN + 1);
    CHECK_EQ(records[6].ssi_int, 103);
    CHECK_EQ(records[6].ssi_code, SI_QUEUE);

    /* Three of one, read one at a time. */
    for (int i = 1; i <= 3; i++) {
        value.sival_int = 10 * i;
        sigqueue(getpid(), SIGRTMIN, value);
    }
    CHECK_EQ(get(fd, 1), RECORD);
    CHECK_EQ(records[0].ssi_int, 10);
    CHECK_EQ(pending_signal_bits(), signal_bit(SIGRTMIN));
    CHECK_EQ(get(fd, 1), RECORD);
    CHECK_EQ(records[0].ssi_int, 20);
    CHECK_EQ(get(fd, 1), RECORD);
    CHECK_EQ(records[0].ssi_int, 30);
    CHECK_EQ(pending_signal_bits(), 0);
    CHECK_ERRNO(get(fd, 1), EAGAIN);
    close(fd);
    unblock_signals(bits & ~(signal_bit(SIGUSR1) | signal_bit(SIGUSR2)));
}

static void test_mask_update(void)
{
    uint64_t usr1 = signal_bit(SIGUSR1), usr2 = signal_bit(SIGUSR2);
    int fd = make(usr1, SFD_NONBLOCK);
    CHECK_OK(kill(getpid(), SIGUSR2));
    CHECK_ERRNO(get(fd, 4), EAGAIN);
    sigset_t only_usr2 = signal_set_of(usr2);
    CHECK_EQ(signalfd(fd, &only_usr2, 0), fd);
    CHECK_EQ(get(fd, 4), RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR2);

    /* The old signal is no longer read. */
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_ERRNO(get(fd, 4), EAGAIN);
    CHECK_EQ(pending_signal_bits(), usr1);
    sigset_t both = signal_set_of(usr1 | usr2);
    CHECK_EQ(signalfd(fd, &both, SFD_CLOEXEC), fd);
    CHECK_OK(kill(getpid(), SIGUSR2));
    CHECK_EQ(get(fd, 4), 2 * RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR1);
    CHECK_EQ(records[1].ssi_signo, SIGUSR2);

    /* An empty mask reads nothing. */
    sigset_t none = signal_set_of(0);
    CHECK_EQ(signalfd(fd, &none, 0), fd);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_ERRNO(get(fd, 4), EAGAIN);
    CHECK_EQ(pending_signal_bits(), usr1);
    discard_signals(usr1);

    /* A dup reads through the same mask. */
    int copy = dup(fd);
    CHECK_EQ(signalfd(copy, &only_usr2, 0), copy);
    CHECK_OK(kill(getpid(), SIGUSR2));
    CHECK_EQ(get(fd, 4), RECORD);
    CHECK_EQ(records[0].ssi_signo, SIGUSR2);
    close(copy);
    close(fd);
    unblock_signals(usr1 | usr2);
    CHECK_EQ(blocked_bits(), 0);
}

int main(void)
{
    test_create();
    test_create_errors();
    test_io_errors();
    test_senders();
    test_sigchld();
    test_timer();
    test_consumed();
    test_several();
    test_mask_update();
    signal(SIGUSR1, SIG_DFL);
    return check_finish("signalfd_basics");
}
