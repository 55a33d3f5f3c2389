/*
 * linux_syscall: the upcall entry's C half. Decodes the syscall number
 * (x8) and arguments (x0..x5) as Linux's arm64 prototypes type them
 * (an int argument is the low 32 bits of its register, sign-extended),
 * and calls the implementation. Anything else is -ENOSYS, counted per
 * number and listed on the kernel console when the process exits, so
 * the missing calls are easy to find.
 */
#include <stddef.h>
#include "frame.h"
#include "personality.h"
#include "signals.h"
#include "syscall_numbers.h"
#include "syscalls.h"
#include "sys/print.h"

_Static_assert(offsetof(struct linux_syscall_frame, x[1]) == LINUX_FRAME_X1, "frame layout");
_Static_assert(offsetof(struct linux_syscall_frame, x[2]) == LINUX_FRAME_X2, "frame layout");
_Static_assert(offsetof(struct linux_syscall_frame, x[30]) == LINUX_FRAME_X30, "frame layout");
_Static_assert(offsetof(struct linux_syscall_frame, sp) == LINUX_FRAME_SP, "frame layout");
_Static_assert(offsetof(struct linux_syscall_frame, pc) == LINUX_FRAME_PC, "frame layout");
_Static_assert(offsetof(struct linux_syscall_frame, pstate) == LINUX_FRAME_PSTATE, "frame layout");
_Static_assert(sizeof(struct linux_syscall_frame) == LINUX_FRAME_SIZE, "frame layout");
_Static_assert(offsetof(struct tern_ipc_buffer, upcall_return_address) ==
                   LINUX_IPC_UPCALL_RETURN_ADDRESS, "IPC buffer layout");
_Static_assert(offsetof(struct tern_ipc_buffer, upcall_return_pstate) ==
                   LINUX_IPC_UPCALL_RETURN_PSTATE, "IPC buffer layout");
_Static_assert(offsetof(struct tern_ipc_buffer, upcall_saved_sp) == LINUX_IPC_UPCALL_SAVED_SP,
               "IPC buffer layout");
_Static_assert(TERN_SVC(TERN_SYS_UPCALL_RETURN) == LINUX_SVC_UPCALL_RETURN, "svc number");
_Static_assert(LINUX_THREAD_INFO_OFFSET + sizeof(struct linux_thread_info) <=
                   LINUX_THREAD_STATE_OFFSET, "thread state overlaps the thread info");
_Static_assert(LINUX_THREAD_STATE_OFFSET + sizeof(struct linux_thread_state) <= 4096,
               "thread state beyond the IPC buffer page");

static uint32_t unknown_counts[LINUX_NR_LIMIT];
static uint32_t unknown_beyond_limit;

static int64_t unknown_syscall(uint64_t number)
{
    uint32_t *count = number < LINUX_NR_LIMIT ? &unknown_counts[number] : &unknown_beyond_limit;
    __atomic_fetch_add(count, 1, __ATOMIC_RELAXED);
    return -LINUX_ENOSYS;
}

void linux_report_unknown_syscalls(void)
{
    bool any = unknown_beyond_limit != 0;
    for (unsigned number = 0; number < LINUX_NR_LIMIT && !any; number++)
        any = unknown_counts[number] != 0;
    if (!any)
        return;
    /* On the console's diagnostics channel (see vfs), as stderr would be. */
    tern_printf("\033]tern-stderr\007tern: pid %lu: unknown syscalls:",
                (unsigned long)linux_process_info()->pid);
    for (unsigned number = 0; number < LINUX_NR_LIMIT; number++) {
        if (unknown_counts[number] != 0)
            tern_printf(" %ux%u", number, unknown_counts[number]);
    }
    if (unknown_beyond_limit != 0)
        tern_printf(" >=%ux%u", LINUX_NR_LIMIT, unknown_beyond_limit);
    tern_printf("\n\033]tern-stdout\007");
}

/* Argument i as Linux's int, as a pointer, as a string. */
#define INT(i)          ((int64_t)(int32_t)arguments[i])
#define UINT(i)         ((uint64_t)(uint32_t)arguments[i])
#define POINTER(type, i) ((type)(uintptr_t)arguments[i])
#define PATH(i)         POINTER(const char *, i)

static int64_t dispatch(uint64_t number, const uint64_t *arguments,
                        const struct linux_syscall_frame *frame)
{
    const uint64_t *a = arguments;
    switch (number) {
    /* descriptors */
    case LINUX_NR_dup: return sys_dup(INT(0));
    case LINUX_NR_dup3: return sys_dup3(INT(0), INT(1), UINT(2));
    case LINUX_NR_fcntl: return sys_fcntl(INT(0), INT(1), a[2]);
    case LINUX_NR_flock: return sys_flock(INT(0), UINT(1));
    case LINUX_NR_close: return sys_close(INT(0));
    /* pipes */
    case LINUX_NR_pipe2: return sys_pipe2(POINTER(int32_t *, 0), UINT(1));
    case LINUX_NR_memfd_create: return sys_memfd_create(POINTER(const char *, 0), UINT(1));
    case LINUX_NR_eventfd2: return sys_eventfd2(UINT(0), UINT(1));
    case LINUX_NR_epoll_create1: return sys_epoll_create1(INT(0));
    case LINUX_NR_signalfd4:
        return sys_signalfd4(INT(0), POINTER(const uint64_t *, 1), a[2], UINT(3));
    case LINUX_NR_epoll_ctl:
        return sys_epoll_ctl(INT(0), INT(1), INT(2), POINTER(const struct epoll_report *, 3));
    case LINUX_NR_epoll_pwait:
        return sys_epoll_pwait(INT(0), POINTER(struct epoll_report *, 1), INT(2), INT(3),
                               POINTER(const uint64_t *, 4), a[5]);
    case LINUX_NR_epoll_pwait2:
        return sys_epoll_pwait2(INT(0), POINTER(struct epoll_report *, 1), INT(2),
                                POINTER(const struct linux_timespec *, 3),
                                POINTER(const uint64_t *, 4), a[5]);
    case LINUX_NR_pidfd_open: return sys_pidfd_open(INT(0), UINT(1));
    case LINUX_NR_userfaultfd: return sys_userfaultfd(UINT(0));
    case LINUX_NR_timer_create:
        return sys_timer_create(INT(0), POINTER(const struct linux_sigevent *, 1),
                                POINTER(int32_t *, 2));
    case LINUX_NR_timer_settime:
        return sys_timer_settime(INT(0), INT(1), POINTER(const struct linux_itimerspec *, 2),
                                 POINTER(struct linux_itimerspec *, 3));
    case LINUX_NR_timer_gettime:
        return sys_timer_gettime(INT(0), POINTER(struct linux_itimerspec *, 1));
    case LINUX_NR_timer_getoverrun: return sys_timer_getoverrun(INT(0));
    case LINUX_NR_timer_delete: return sys_timer_delete(INT(0));
    case LINUX_NR_pidfd_send_signal:
        return sys_pidfd_send_signal(INT(0), INT(1), POINTER(const void *, 2), UINT(3));
    case LINUX_NR_pidfd_getfd: return sys_pidfd_getfd(INT(0), INT(1), UINT(2));
    case LINUX_NR_process_vm_readv:
        return sys_process_vm_readv(INT(0), a[1], a[2], a[3], a[4], a[5]);
    case LINUX_NR_process_vm_writev:
        return sys_process_vm_writev(INT(0), a[1], a[2], a[3], a[4], a[5]);
    case LINUX_NR_kcmp: return sys_kcmp(INT(0), INT(1), INT(2), a[3], a[4]);
    /* sockets */
    case LINUX_NR_socket: return sys_socket(INT(0), INT(1), INT(2));
    case LINUX_NR_socketpair:
        return sys_socketpair(INT(0), INT(1), INT(2), POINTER(int32_t *, 3));
    case LINUX_NR_bind: return sys_bind(INT(0), a[1], INT(2));
    case LINUX_NR_listen: return sys_listen(INT(0), INT(1));
    case LINUX_NR_accept: return sys_accept4(INT(0), a[1], a[2], 0);
    case LINUX_NR_accept4: return sys_accept4(INT(0), a[1], a[2], INT(3));
    case LINUX_NR_connect: return sys_connect(INT(0), a[1], INT(2));
    case LINUX_NR_getsockname: return sys_getsockname(INT(0), a[1], a[2]);
    case LINUX_NR_getpeername: return sys_getpeername(INT(0), a[1], a[2]);
    case LINUX_NR_sendto: return sys_sendto(INT(0), a[1], a[2], UINT(3), a[4], INT(5));
    case LINUX_NR_recvfrom: return sys_recvfrom(INT(0), a[1], a[2], UINT(3), a[4], a[5]);
    case LINUX_NR_setsockopt: return sys_setsockopt(INT(0), INT(1), INT(2), a[3], INT(4));
    case LINUX_NR_getsockopt: return sys_getsockopt(INT(0), INT(1), INT(2), a[3], a[4]);
    case LINUX_NR_shutdown: return sys_shutdown(INT(0), INT(1));
    case LINUX_NR_sendmsg: return sys_sendmsg(INT(0), a[1], UINT(2));
    case LINUX_NR_recvmsg: return sys_recvmsg(INT(0), a[1], UINT(2));
    case LINUX_NR_sendmmsg: return sys_sendmmsg(INT(0), a[1], UINT(2), UINT(3));
    case LINUX_NR_recvmmsg: return sys_recvmmsg(INT(0), a[1], UINT(2), UINT(3), a[4]);
    case LINUX_NR_timerfd_create: return sys_timerfd_create(INT(0), UINT(1));
    case LINUX_NR_timerfd_settime:
        return sys_timerfd_settime(INT(0), INT(1), POINTER(const struct linux_itimerspec *, 2),
                                   POINTER(struct linux_itimerspec *, 3));
    case LINUX_NR_timerfd_gettime:
        return sys_timerfd_gettime(INT(0), POINTER(struct linux_itimerspec *, 1));
    /* message queues */
    case LINUX_NR_msgget: return sys_msgget(INT(0), INT(1));
    case LINUX_NR_msgsnd: return sys_msgsnd(INT(0), a[1], a[2], INT(3));
    case LINUX_NR_msgrcv: return sys_msgrcv(INT(0), a[1], a[2], (int64_t)a[3], INT(4));
    case LINUX_NR_msgctl: return sys_msgctl(INT(0), INT(1), a[2]);
    case LINUX_NR_mq_open:
        return sys_mq_open(POINTER(const char *, 0), UINT(1), UINT(2),
                           POINTER(const struct linux_mq_attr *, 3));
    case LINUX_NR_mq_unlink: return sys_mq_unlink(POINTER(const char *, 0));
    case LINUX_NR_mq_timedsend:
        return sys_mq_timedsend(INT(0), POINTER(const void *, 1), a[2], UINT(3),
                                POINTER(const struct linux_timespec *, 4));
    case LINUX_NR_mq_timedreceive:
        return sys_mq_timedreceive(INT(0), POINTER(void *, 1), a[2], POINTER(uint32_t *, 3),
                                   POINTER(const struct linux_timespec *, 4));
    case LINUX_NR_mq_notify:
        return sys_mq_notify(INT(0), POINTER(const struct linux_sigevent *, 1));
    case LINUX_NR_mq_getsetattr:
        return sys_mq_getsetattr(INT(0), POINTER(const struct linux_mq_attr *, 1),
                                 POINTER(struct linux_mq_attr *, 2));
    case LINUX_NR_splice:
        return sys_splice(INT(0), POINTER(int64_t *, 1), INT(2), POINTER(int64_t *, 3), a[4],
                          UINT(5));
    case LINUX_NR_tee: return sys_tee(INT(0), INT(1), a[2], UINT(3));
    case LINUX_NR_vmsplice:
        return sys_vmsplice(INT(0), POINTER(const struct linux_iovec *, 1), a[2], UINT(3));
    /* files */
    case LINUX_NR_openat: return sys_openat(INT(0), PATH(1), UINT(2), UINT(3));
    case LINUX_NR_read: return sys_read(INT(0), a[1], a[2]);
    case LINUX_NR_write: return sys_write(INT(0), a[1], a[2]);
    case LINUX_NR_pread64: return sys_pread64(INT(0), a[1], a[2], (int64_t)a[3]);
    case LINUX_NR_pwrite64: return sys_pwrite64(INT(0), a[1], a[2], (int64_t)a[3]);
    case LINUX_NR_readv:
        return sys_readv(INT(0), POINTER(const struct linux_iovec *, 1), INT(2));
    case LINUX_NR_writev:
        return sys_writev(INT(0), POINTER(const struct linux_iovec *, 1), INT(2));
    case LINUX_NR_preadv:
        return sys_preadv(INT(0), POINTER(const struct linux_iovec *, 1), INT(2), (int64_t)a[3]);
    case LINUX_NR_pwritev:
        return sys_pwritev(INT(0), POINTER(const struct linux_iovec *, 1), INT(2), (int64_t)a[3]);
    case LINUX_NR_lseek: return sys_lseek(INT(0), (int64_t)a[1], UINT(2));
    case LINUX_NR_getdents64: return sys_getdents64(INT(0), a[1], UINT(2));
    case LINUX_NR_ioctl: return sys_ioctl(INT(0), UINT(1), a[2]);
    case LINUX_NR_ftruncate: return sys_ftruncate(INT(0), (int64_t)a[1]);
    case LINUX_NR_truncate: return sys_truncate(PATH(0), (int64_t)a[1]);
    case LINUX_NR_fsync:
    case LINUX_NR_fdatasync: return sys_fsync(INT(0));
    /* the file system */
    case LINUX_NR_fstat: return sys_fstat(INT(0), POINTER(struct linux_stat *, 1));
    case LINUX_NR_newfstatat:
        return sys_newfstatat(INT(0), PATH(1), POINTER(struct linux_stat *, 2), UINT(3));
    case LINUX_NR_statx:
        return sys_statx(INT(0), PATH(1), UINT(2), UINT(3), POINTER(struct linux_statx *, 4));
    case LINUX_NR_mkdirat: return sys_mkdirat(INT(0), PATH(1), UINT(2));
    case LINUX_NR_mknodat: return sys_mknodat(INT(0), PATH(1), UINT(2), UINT(3));
    case LINUX_NR_unlinkat: return sys_unlinkat(INT(0), PATH(1), UINT(2));
    case LINUX_NR_linkat: return sys_linkat(INT(0), PATH(1), INT(2), PATH(3), UINT(4));
    case LINUX_NR_renameat: return sys_renameat(INT(0), PATH(1), INT(2), PATH(3));
    case LINUX_NR_renameat2: return sys_renameat2(INT(0), PATH(1), INT(2), PATH(3), UINT(4));
    case LINUX_NR_faccessat: return sys_faccessat(INT(0), PATH(1), UINT(2));
    case LINUX_NR_faccessat2: return sys_faccessat2(INT(0), PATH(1), UINT(2), UINT(3));
    case LINUX_NR_fchmodat: return sys_fchmodat(INT(0), PATH(1), UINT(2));
    case LINUX_NR_fchownat: return sys_fchownat(INT(0), PATH(1), UINT(2), UINT(3), UINT(4));
    case LINUX_NR_fchown: return sys_fchown(INT(0), UINT(1), UINT(2));
    case LINUX_NR_fchmod: return sys_fchmod(INT(0), UINT(1));
    case LINUX_NR_umask: return sys_umask(UINT(0));
    case LINUX_NR_chdir: return sys_chdir(PATH(0));
    case LINUX_NR_fchdir: return sys_fchdir(INT(0));
    case LINUX_NR_getcwd: return sys_getcwd(a[0], a[1]);
    /* processes and threads */
    case LINUX_NR_clone: return sys_clone(a[0], a[1], a[2], a[3], a[4], frame);
    case LINUX_NR_execve:
        return sys_execve(PATH(0), POINTER(const char *const *, 1),
                          POINTER(const char *const *, 2));
    case LINUX_NR_exit: return sys_exit(INT(0));
    case LINUX_NR_exit_group: return sys_exit_group(INT(0));
    case LINUX_NR_wait4: return sys_wait4(INT(0), POINTER(int32_t *, 1), UINT(2), POINTER(void *, 3));
    case LINUX_NR_waitid:
        return sys_waitid(INT(0), INT(1), POINTER(void *, 2), UINT(3), POINTER(void *, 4));
    case LINUX_NR_getpid: return sys_getpid();
    case LINUX_NR_gettid: return sys_gettid();
    case LINUX_NR_set_tid_address: return sys_set_tid_address(a[0]);
    case LINUX_NR_unshare: return sys_unshare(a[0]);
    /* credentials, groups, sessions */
    case LINUX_NR_getppid: return sys_getppid();
    case LINUX_NR_getuid: return sys_getuid();
    case LINUX_NR_geteuid: return sys_geteuid();
    case LINUX_NR_getgid: return sys_getgid();
    case LINUX_NR_getegid: return sys_getegid();
    case LINUX_NR_getresuid:
        return sys_getresuid(POINTER(uint32_t *, 0), POINTER(uint32_t *, 1), POINTER(uint32_t *, 2));
    case LINUX_NR_getresgid:
        return sys_getresgid(POINTER(uint32_t *, 0), POINTER(uint32_t *, 1), POINTER(uint32_t *, 2));
    case LINUX_NR_setuid: return sys_setuid(UINT(0));
    case LINUX_NR_setgid: return sys_setgid(UINT(0));
    case LINUX_NR_setreuid: return sys_setreuid(UINT(0), UINT(1));
    case LINUX_NR_setregid: return sys_setregid(UINT(0), UINT(1));
    case LINUX_NR_setresuid: return sys_setresuid(UINT(0), UINT(1), UINT(2));
    case LINUX_NR_setresgid: return sys_setresgid(UINT(0), UINT(1), UINT(2));
    case LINUX_NR_getgroups: return sys_getgroups(INT(0), POINTER(uint32_t *, 1));
    case LINUX_NR_setpgid: return sys_setpgid(INT(0), INT(1));
    case LINUX_NR_getpgid: return sys_getpgid(INT(0));
    case LINUX_NR_setsid: return sys_setsid();
    case LINUX_NR_getsid: return sys_getsid(INT(0));
    /* signals */
    case LINUX_NR_kill: return sys_kill(INT(0), INT(1));
    case LINUX_NR_tgkill: return sys_tgkill(INT(0), INT(1), INT(2));
    case LINUX_NR_tkill: return sys_tkill(INT(0), INT(1));
    case LINUX_NR_rt_sigaction:
        return sys_rt_sigaction(INT(0), POINTER(const struct linux_sigaction *, 1),
                                POINTER(struct linux_sigaction *, 2), a[3]);
    case LINUX_NR_rt_sigprocmask:
        return sys_rt_sigprocmask(INT(0), POINTER(const uint64_t *, 1), POINTER(uint64_t *, 2), a[3]);
    case LINUX_NR_rt_sigpending: return sys_rt_sigpending(POINTER(uint64_t *, 0), a[1]);
    case LINUX_NR_rt_sigsuspend: return sys_rt_sigsuspend(POINTER(const uint64_t *, 0), a[1]);
    case LINUX_NR_rt_sigqueueinfo:
        return sys_rt_sigqueueinfo(INT(0), INT(1), POINTER(const void *, 2));
    case LINUX_NR_rt_tgsigqueueinfo:
        return sys_rt_tgsigqueueinfo(INT(0), INT(1), INT(2), POINTER(const void *, 3));
    case LINUX_NR_rt_sigtimedwait:
        return sys_rt_sigtimedwait(POINTER(const uint64_t *, 0), POINTER(void *, 1),
                                   POINTER(const struct linux_timespec *, 2), a[3]);
    case LINUX_NR_sigaltstack:
        return sys_sigaltstack(POINTER(const struct linux_stack *, 0),
                               POINTER(struct linux_stack *, 1));
    /* memory */
    case LINUX_NR_brk: return sys_brk(a[0]);
    case LINUX_NR_mmap: return sys_mmap(a[0], a[1], UINT(2), UINT(3), INT(4), a[5]);
    case LINUX_NR_munmap: return sys_munmap(a[0], a[1]);
    case LINUX_NR_mprotect: return sys_mprotect(a[0], a[1], UINT(2));
    case LINUX_NR_mremap: return sys_mremap(a[0], a[1], a[2], a[3], a[4]);
    case LINUX_NR_madvise: return sys_madvise(a[0], a[1], INT(2));
    case LINUX_NR_msync: return sys_memory_hint(a[0]);
    case LINUX_NR_mlock: return sys_mlock2(a[0], a[1], 0);
    case LINUX_NR_mlock2: return sys_mlock2(a[0], a[1], UINT(2));
    case LINUX_NR_munlock: return sys_munlock(a[0], a[1]);
    case LINUX_NR_mlockall: return sys_mlockall(INT(0));
    case LINUX_NR_munlockall: return sys_munlockall();
    /* time */
    case LINUX_NR_clock_settime:
        return sys_clock_settime(INT(0), POINTER(const struct linux_timespec *, 1));
    case LINUX_NR_clock_gettime:
        return sys_clock_gettime(INT(0), POINTER(struct linux_timespec *, 1));
    case LINUX_NR_clock_getres:
        return sys_clock_getres(INT(0), POINTER(struct linux_timespec *, 1));
    case LINUX_NR_gettimeofday:
        return sys_gettimeofday(POINTER(struct linux_timeval *, 0), POINTER(void *, 1));
    case LINUX_NR_sendfile:
        return sys_sendfile(INT(0), INT(1), POINTER(int64_t *, 2), arguments[3]);
    case LINUX_NR_readlinkat:
        return sys_readlinkat(INT(0), PATH(1), POINTER(char *, 2), INT(3));
    /* Restartable sequences are an optimisation glibc probes for and does
     * without: known, and not supported. */
    case LINUX_NR_rseq: return -LINUX_ENOSYS;
    case LINUX_NR_ppoll:
        return sys_ppoll(POINTER(struct linux_pollfd *, 0), UINT(1),
                         POINTER(struct linux_timespec *, 2), POINTER(const uint64_t *, 3),
                         arguments[4]);
    case LINUX_NR_pselect6:
        return sys_pselect6(INT(0), POINTER(uint64_t *, 1), POINTER(uint64_t *, 2),
                            POINTER(uint64_t *, 3), POINTER(struct linux_timespec *, 4),
                            POINTER(const uint64_t *, 5));
    case LINUX_NR_restart_syscall: return sys_restart_syscall();
    case LINUX_NR_nanosleep:
        return sys_nanosleep(POINTER(const struct linux_timespec *, 0),
                             POINTER(struct linux_timespec *, 1));
    case LINUX_NR_clock_nanosleep:
        return sys_clock_nanosleep(INT(0), UINT(1), POINTER(const struct linux_timespec *, 2),
                                   POINTER(struct linux_timespec *, 3));
    case LINUX_NR_times: return sys_times(POINTER(int64_t *, 0));
    case LINUX_NR_sysinfo: return sys_sysinfo(POINTER(struct linux_sysinfo *, 0));
    case LINUX_NR_setitimer:
        return sys_setitimer(INT(0), POINTER(const struct linux_itimerval *, 1),
                             POINTER(struct linux_itimerval *, 2));
    case LINUX_NR_getitimer: return sys_getitimer(INT(0), POINTER(struct linux_itimerval *, 1));
    case LINUX_NR_getrusage: return sys_getrusage(INT(0), POINTER(void *, 1));
    /* futexes */
    case LINUX_NR_futex:
        return sys_futex(a[0], UINT(1), UINT(2), POINTER(const struct linux_timespec *, 3), a[4],
                         UINT(5));
    case LINUX_NR_futex_waitv:
        return sys_futex_waitv(POINTER(const struct linux_futex_waitv *, 0), UINT(1), UINT(2),
                               POINTER(const struct linux_timespec *, 3), INT(4));
    /* System V shared memory and semaphores */
    case LINUX_NR_shmget: return sys_shmget(INT(0), a[1], INT(2));
    case LINUX_NR_shmat: return sys_shmat(INT(0), a[1], INT(2));
    case LINUX_NR_shmdt: return sys_shmdt(a[0]);
    case LINUX_NR_shmctl: return sys_shmctl(INT(0), INT(1), a[2]);
    case LINUX_NR_semget: return sys_semget(INT(0), INT(1), INT(2));
    case LINUX_NR_semctl: return sys_semctl(INT(0), INT(1), INT(2), a[3]);
    case LINUX_NR_semop:
        return sys_semtimedop(INT(0), POINTER(const struct sysv_sembuf *, 1), UINT(2), 0);
    case LINUX_NR_semtimedop:
        return sys_semtimedop(INT(0), POINTER(const struct sysv_sembuf *, 1), UINT(2),
                              POINTER(const struct linux_timespec *, 3));
    /* limits */
    case LINUX_NR_prlimit64:
        return sys_prlimit64(INT(0), UINT(1), POINTER(const struct linux_resource_limit *, 2),
                             POINTER(struct linux_resource_limit *, 3));
    case LINUX_NR_getrlimit: return sys_getrlimit(UINT(0), POINTER(struct linux_resource_limit *, 1));
    case LINUX_NR_setrlimit: return sys_setrlimit(UINT(0), POINTER(const struct linux_resource_limit *, 1));
    /* the system and this thread */
    case LINUX_NR_uname: return sys_uname(POINTER(struct linux_utsname *, 0));
    case LINUX_NR_getrandom: return sys_getrandom(POINTER(uint8_t *, 0), a[1], UINT(2));
    case LINUX_NR_prctl: return sys_prctl(INT(0), a[1]);
    case LINUX_NR_sched_yield: return sys_sched_yield();
    case LINUX_NR_sched_setscheduler:
        return sys_sched_setscheduler(INT(0), INT(1), POINTER(const int32_t *, 2));
    case LINUX_NR_sched_setparam: return sys_sched_setparam(INT(0), POINTER(const int32_t *, 1));
    case LINUX_NR_sched_getscheduler: return sys_sched_getscheduler(INT(0));
    case LINUX_NR_sched_getparam: return sys_sched_getparam(INT(0), POINTER(int32_t *, 1));
    case LINUX_NR_sched_rr_get_interval:
        return sys_sched_rr_get_interval(INT(0), POINTER(struct linux_timespec *, 1));
    case LINUX_NR_sched_get_priority_max: return sys_sched_get_priority(INT(0), true);
    case LINUX_NR_sched_get_priority_min: return sys_sched_get_priority(INT(0), false);
    case LINUX_NR_sched_getaffinity:
        return sys_sched_getaffinity(INT(0), UINT(1), POINTER(uint64_t *, 2));
    case LINUX_NR_sched_setaffinity:
        return sys_sched_setaffinity(INT(0), UINT(1), POINTER(const uint8_t *, 2));
    case LINUX_NR_getcpu:
        return sys_getcpu(POINTER(uint32_t *, 0), POINTER(uint32_t *, 1));
    case LINUX_NR_membarrier: return sys_membarrier(INT(0), UINT(1), INT(2));
    case LINUX_NR_set_robust_list: return sys_set_robust_list(a[0], a[1]);
    case LINUX_NR_get_robust_list:
        return sys_get_robust_list(INT(0), POINTER(uint64_t *, 1), POINTER(uint64_t *, 2));
    default:
        return unknown_syscall(number);
    }
}

static inline bool signals_to_look_at(void)
{
    return linux_signal_deliverable() || linux_thread_state()->mask_is_temporary;
}

/* rt_sigreturn rewrites the whole frame: whatever x0 it restores is not a
 * syscall's result, and the thread resumes where the frame now says. */
static __attribute__((noinline)) struct linux_syscall_return
signal_returned(struct linux_syscall_frame *frame)
{
    int64_t result = linux_signal_return(frame);
    if (signals_to_look_at())
        return (struct linux_syscall_return){
            linux_signals_after_syscall(frame, result, false), true};
    linux_resume_with(frame);
    return (struct linux_syscall_return){result, true};
}

struct linux_syscall_return linux_syscall(struct linux_syscall_frame *frame)
{
    uint64_t number = frame->x[8];
    if (__builtin_expect(number == LINUX_NR_rt_sigreturn, 0))
        return signal_returned(frame);
    int64_t result = dispatch(number, frame->x, frame);
    bool interrupted = result == -LINUX_ERESTARTSYS || result == -LINUX_ERESTARTNOINTR ||
                       result == -LINUX_ERESTARTNOHAND || result == -LINUX_ERESTART_RESTARTBLOCK;
    /* The thread resumes where and with which sp linux_resume_with says,
     * which only signals change (the kernel wrote the IPC buffer's copy
     * at the svc, and nothing else writes it). */
    if (__builtin_expect(interrupted || signals_to_look_at(), 0))
        return (struct linux_syscall_return){
            linux_signals_after_syscall(frame, result, interrupted), true};
    return (struct linux_syscall_return){result, false};
}
