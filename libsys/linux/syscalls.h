/*
 * The system call implementations, one file per area; syscall_table.c
 * decodes x0..x5 into these. Each returns what Linux's syscall returns:
 * a result >= 0 or -errno.
 */
#ifndef LINUX_SYSCALLS_H
#define LINUX_SYSCALLS_H

#include <stdbool.h>
#include <stdint.h>
#include "clock_math.h"
#include "frame.h"
#include "iovec.h"
#include "statx.h"
#include "sys/linux_abi.h"

struct linux_resource_limit;
struct linux_sigaction;
struct linux_stack;
struct linux_itimerval;
struct linux_timeval;
struct linux_utsname;

/* descriptors.c */
int64_t sys_dup(int64_t fd);
int64_t sys_dup3(int64_t old, int64_t new, uint64_t flags);
int64_t sys_fcntl(int64_t fd, int64_t command, uint64_t argument);
int64_t sys_close(int64_t fd);

/* files.c */
int64_t sys_openat(int64_t dirfd, const char *path, uint64_t flags, uint64_t mode);
int64_t sys_read(int64_t fd, uint64_t buffer, uint64_t length);
int64_t sys_write(int64_t fd, uint64_t buffer, uint64_t length);
int64_t sys_pread64(int64_t fd, uint64_t buffer, uint64_t length, int64_t offset);
int64_t sys_pwrite64(int64_t fd, uint64_t buffer, uint64_t length, int64_t offset);
int64_t sys_readv(int64_t fd, const struct linux_iovec *iov, int64_t count);
int64_t sys_writev(int64_t fd, const struct linux_iovec *iov, int64_t count);
int64_t sys_preadv(int64_t fd, const struct linux_iovec *iov, int64_t count, int64_t offset);
int64_t sys_pwritev(int64_t fd, const struct linux_iovec *iov, int64_t count, int64_t offset);
int64_t sys_lseek(int64_t fd, int64_t offset, uint64_t whence);
int64_t sys_getdents64(int64_t fd, uint64_t buffer, uint64_t length);
int64_t sys_ioctl(int64_t fd, uint64_t request, uint64_t argument);
int64_t sys_ftruncate(int64_t fd, int64_t length);
int64_t sys_truncate(const char *path, int64_t length);
int64_t sys_fsync(int64_t fd);

/* filesystem.c */
int64_t sys_fstat(int64_t fd, struct linux_stat *stat);
int64_t sys_sendfile(int64_t out_fd, int64_t in_fd, int64_t *offset, uint64_t count);
int64_t sys_readlinkat(int64_t dirfd, const char *path, char *buffer, int64_t size);
int64_t sys_newfstatat(int64_t dirfd, const char *path, struct linux_stat *stat, uint64_t flags);
int64_t sys_statx(int64_t dirfd, const char *path, uint64_t flags, uint64_t mask,
                  struct linux_statx *statx);
int64_t sys_mkdirat(int64_t dirfd, const char *path, uint64_t mode);
int64_t sys_mknodat(int64_t dirfd, const char *path, uint64_t mode, uint64_t device);
int64_t sys_unlinkat(int64_t dirfd, const char *path, uint64_t flags);
int64_t sys_renameat(int64_t old_dirfd, const char *old_path, int64_t new_dirfd,
                     const char *new_path);
int64_t sys_renameat2(int64_t old_dirfd, const char *old_path, int64_t new_dirfd,
                      const char *new_path, uint64_t flags);
int64_t sys_linkat(int64_t old_dirfd, const char *old_path, int64_t new_dirfd,
                   const char *new_path, uint64_t flags);
int64_t sys_faccessat(int64_t dirfd, const char *path, uint64_t mode);
int64_t sys_faccessat2(int64_t dirfd, const char *path, uint64_t mode, uint64_t flags);
int64_t sys_fchmodat(int64_t dirfd, const char *path, uint64_t mode);
int64_t sys_fchownat(int64_t dirfd, const char *path, uint64_t uid, uint64_t gid,
                     uint64_t flags);
int64_t sys_fchown(int64_t fd, uint64_t uid, uint64_t gid);
int64_t sys_fchmod(int64_t fd, uint64_t mode);
int64_t sys_umask(uint64_t mask);
int64_t sys_chdir(const char *path);
int64_t sys_fchdir(int64_t fd);
int64_t sys_getcwd(uint64_t buffer, uint64_t size);

/* process.c */
int64_t sys_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t tls,
                  uint64_t child_tid, const struct linux_syscall_frame *frame);
int64_t sys_execve(const char *path, const char *const *argv, const char *const *envp);
int64_t sys_unshare(uint64_t flags);
int64_t sys_exit(int64_t status);
int64_t sys_exit_group(int64_t status);
int64_t sys_wait4(int64_t pid, int32_t *status, uint64_t options, void *usage);
int64_t sys_waitid(int64_t type, int64_t id, void *info, uint64_t options, void *usage);
int64_t sys_getpid(void);
int64_t sys_gettid(void);
int64_t sys_set_tid_address(uint64_t address);

/* identity.c */
int64_t sys_getppid(void);
int64_t sys_getuid(void);
int64_t sys_geteuid(void);
int64_t sys_getgid(void);
int64_t sys_getegid(void);
int64_t sys_getresuid(uint32_t *real, uint32_t *effective, uint32_t *saved);
int64_t sys_getresgid(uint32_t *real, uint32_t *effective, uint32_t *saved);
int64_t sys_setuid(uint64_t uid);
int64_t sys_setgid(uint64_t gid);
int64_t sys_setreuid(uint64_t real, uint64_t effective);
int64_t sys_setregid(uint64_t real, uint64_t effective);
int64_t sys_setresuid(uint64_t real, uint64_t effective, uint64_t saved);
int64_t sys_setresgid(uint64_t real, uint64_t effective, uint64_t saved);
int64_t sys_getgroups(int64_t size, uint32_t *list);
int64_t sys_setpgid(int64_t pid, int64_t pgid);
int64_t sys_getpgid(int64_t pid);
int64_t sys_setsid(void);
int64_t sys_getsid(int64_t pid);

/* signals.c */
int64_t sys_kill(int64_t pid, int64_t signal);
int64_t sys_tgkill(int64_t tgid, int64_t tid, int64_t signal);
int64_t sys_tkill(int64_t tid, int64_t signal);
int64_t sys_rt_sigaction(int64_t signal, const struct linux_sigaction *action,
                         struct linux_sigaction *old_action, uint64_t set_size);
int64_t sys_rt_sigprocmask(int64_t how, const uint64_t *set, uint64_t *old_set, uint64_t set_size);
int64_t sys_rt_sigpending(uint64_t *set, uint64_t set_size);
int64_t sys_rt_sigsuspend(const uint64_t *mask, uint64_t set_size);
int64_t sys_rt_sigtimedwait(const uint64_t *set, void *info,
                            const struct linux_timespec *timeout, uint64_t set_size);
int64_t sys_sigaltstack(const struct linux_stack *stack, struct linux_stack *old_stack);
int64_t sys_rt_sigqueueinfo(int64_t pid, int64_t signal, const void *info);
/* restart_syscall: goes on with the wait the thread's restart block
 * names (a sleep or a futex wait a stop ended), -EINTR without one. */
int64_t sys_restart_syscall(void);
int64_t sys_rt_tgsigqueueinfo(int64_t tgid, int64_t tid, int64_t signal, const void *info);
/* signal (one whose default action ends the process) for the calling
 * thread, as Linux's kernel sends it (how: PROC_TGKILL_AS_KILL, as a
 * write that failed with EPIPE raises SIGPIPE, or PROC_TGKILL_FROM_KERNEL):
 * with the default action this waits for the end; ignored or caught, it
 * returns. */
void linux_raise_signal(unsigned signal, uint64_t how);

/* memory.c */
int64_t sys_brk(uint64_t address);
int64_t sys_mmap(uint64_t address, uint64_t length, uint64_t protection, uint64_t flags,
                 int64_t fd, uint64_t offset);
int64_t sys_munmap(uint64_t address, uint64_t length);
/* mmap of the object a descriptor capability in slot names (a file, a
 * System V grant, an epoll board): the address or -errno. */
int64_t linux_map_object(uint64_t address, uint64_t length, uint64_t protection,
                         uint64_t flags, uint64_t slot, uint64_t offset);
int64_t sys_mprotect(uint64_t address, uint64_t length, uint64_t protection);
int64_t sys_mremap(uint64_t address, uint64_t old_length, uint64_t new_length, uint64_t flags,
                   uint64_t new_address);
int64_t sys_madvise(uint64_t address, uint64_t length, int64_t advice);
int64_t sys_memory_hint(uint64_t address);
int64_t sys_mlock2(uint64_t address, uint64_t length, uint64_t flags);
int64_t sys_munlock(uint64_t address, uint64_t length);
int64_t sys_mlockall(uint64_t flags);
int64_t sys_munlockall(void);

/* time.c */
int64_t sys_clock_gettime(int64_t clock, struct linux_timespec *time);
int64_t sys_clock_settime(int64_t clock, const struct linux_timespec *time);
int64_t sys_clock_getres(int64_t clock, struct linux_timespec *resolution);
int64_t sys_gettimeofday(struct linux_timeval *time, void *zone);
int64_t sys_clock_nanosleep(int64_t clock, uint64_t flags, const struct linux_timespec *request,
                            struct linux_timespec *remaining);
int64_t sys_nanosleep(const struct linux_timespec *request, struct linux_timespec *remaining);
/* restart_syscall of a relative sleep (the restart block's deadline). */
int64_t linux_nanosleep_restart(void);
int64_t sys_setitimer(int64_t which, const struct linux_itimerval *timer,
                      struct linux_itimerval *old_timer);
int64_t sys_getitimer(int64_t which, struct linux_itimerval *timer);
struct linux_sysinfo;
int64_t sys_sysinfo(struct linux_sysinfo *info);
int64_t sys_times(int64_t *counts);
int64_t sys_getrusage(int64_t who, void *usage);

/* poll.c, select.c */
struct linux_pollfd;
int64_t sys_ppoll(struct linux_pollfd *fds, uint64_t count, struct linux_timespec *timeout,
                  const uint64_t *signal_mask, uint64_t mask_size);
int64_t sys_pselect6(int64_t count, uint64_t *read_set, uint64_t *write_set,
                     uint64_t *except_set, struct linux_timespec *timeout,
                     const uint64_t *signal_mask_argument);

/* pipes.c, splice.c */
int64_t sys_pipe2(int32_t *fds, uint64_t flags);
/* sockets.c, socket_data.c, socket_options.c */
int64_t sys_socket(int64_t domain, int64_t type, int64_t protocol);
int64_t sys_socketpair(int64_t domain, int64_t type, int64_t protocol, int32_t *fds);
int64_t sys_bind(int64_t fd, uint64_t address, int64_t length);
int64_t sys_listen(int64_t fd, int64_t backlog);
int64_t sys_accept4(int64_t fd, uint64_t address, uint64_t length_pointer, int64_t flags);
int64_t sys_connect(int64_t fd, uint64_t address, int64_t length);
int64_t sys_getsockname(int64_t fd, uint64_t address, uint64_t length_pointer);
int64_t sys_getpeername(int64_t fd, uint64_t address, uint64_t length_pointer);
int64_t sys_sendto(int64_t fd, uint64_t buffer, uint64_t length, uint64_t flags,
                   uint64_t address, int64_t address_length);
int64_t sys_recvfrom(int64_t fd, uint64_t buffer, uint64_t length, uint64_t flags,
                     uint64_t address, uint64_t length_pointer);
int64_t sys_sendmsg(int64_t fd, uint64_t message, uint64_t flags);
int64_t sys_recvmsg(int64_t fd, uint64_t message, uint64_t flags);
int64_t sys_sendmmsg(int64_t fd, uint64_t vector, uint64_t count, uint64_t flags);
int64_t sys_recvmmsg(int64_t fd, uint64_t vector, uint64_t count, uint64_t flags,
                     uint64_t timeout);
int64_t sys_shutdown(int64_t fd, int64_t how);
int64_t sys_getsockopt(int64_t fd, int64_t level, int64_t option, uint64_t value,
                       uint64_t length_pointer);
int64_t sys_setsockopt(int64_t fd, int64_t level, int64_t option, uint64_t value,
                       int64_t length);
int64_t sys_splice(int64_t in_fd, int64_t *in_offset, int64_t out_fd, int64_t *out_offset,
                   uint64_t length, uint64_t flags);
int64_t sys_tee(int64_t in_fd, int64_t out_fd, uint64_t length, uint64_t flags);
int64_t sys_vmsplice(int64_t fd, const struct linux_iovec *iov, uint64_t count, uint64_t flags);

/* mqueue.c */
struct linux_mq_attr;
int64_t sys_mq_open(const char *name, uint64_t flags, uint64_t mode,
                    const struct linux_mq_attr *attributes);
int64_t sys_mq_unlink(const char *name);
int64_t sys_mq_timedsend(int64_t fd, const void *message, uint64_t length, uint64_t priority,
                         const struct linux_timespec *timeout);
int64_t sys_mq_timedreceive(int64_t fd, void *buffer, uint64_t length, uint32_t *priority,
                            const struct linux_timespec *timeout);
int64_t sys_mq_getsetattr(int64_t fd, const struct linux_mq_attr *wanted,
                          struct linux_mq_attr *old);
struct linux_sigevent;
int64_t sys_mq_notify(int64_t fd, const struct linux_sigevent *event);

/* sysv_msg.c */
int64_t sys_msgget(int64_t key, int64_t flags);
int64_t sys_msgsnd(int64_t id, uint64_t buffer, uint64_t length, int64_t flags);
int64_t sys_msgrcv(int64_t id, uint64_t buffer, uint64_t size, int64_t type, int64_t flags);
int64_t sys_msgctl(int64_t id, int64_t cmd, uint64_t buffer);

/* memfd.c */
int64_t sys_memfd_create(const char *name, uint64_t flags);
/* posix_timers.c */
struct linux_sigevent;
struct linux_itimerspec;
int64_t sys_timer_create(int64_t clock, const struct linux_sigevent *event, int32_t *timer);
int64_t sys_timer_settime(int64_t timer, int64_t flags, const struct linux_itimerspec *wanted,
                          struct linux_itimerspec *old);
int64_t sys_timer_gettime(int64_t timer, struct linux_itimerspec *current);
int64_t sys_timer_getoverrun(int64_t timer);
int64_t sys_timer_delete(int64_t timer);

/* pidfd.c */
int64_t sys_pidfd_open(int64_t pid, uint64_t flags);
int64_t sys_userfaultfd(uint64_t flags);
/* /dev/userfaultfd's USERFAULTFD_IOC_NEW (vfs referred it: the device's
 * descriptor is in slot): a userfaultfd made with flags by procmgr. */
int64_t linux_userfault_from_device(uint64_t slot, uint64_t flags);
/* userfaultfd.c: the windows an ioctl of request needs beyond its
 * argument's (window 0, set): UFFDIO_COPY's source as window 1. The
 * count of windows in all. */
unsigned linux_userfault_windows(uint32_t request, uint64_t argument);
/* UFFDIO_COPY that procmgr found done bytes into a source page not
 * mapped yet: the rest, with the source touched; the ioctl's result. */
int64_t linux_userfault_copy_rest(uint64_t slot, uint64_t argument, uint64_t done);
/* A read of a userfaultfd whose answer was USERFAULT_FORK_EVENT: the
 * fork's child context taken as a new descriptor, and its message
 * written into buffer; the read's result. */
int64_t linux_userfault_fork_event(uint64_t slot, uint64_t buffer, uint64_t length,
                                   uint64_t child);
int64_t sys_pidfd_send_signal(int64_t pidfd, int64_t signal, const void *info, uint64_t flags);
int64_t sys_pidfd_getfd(int64_t pidfd, int64_t target, uint64_t flags);
/* cross_process.c */
int64_t sys_process_vm_readv(int64_t pid, uint64_t local, uint64_t local_count, uint64_t remote,
                             uint64_t remote_count, uint64_t flags);
int64_t sys_process_vm_writev(int64_t pid, uint64_t local, uint64_t local_count,
                              uint64_t remote, uint64_t remote_count, uint64_t flags);
int64_t sys_kcmp(int64_t pid1, int64_t pid2, int64_t type, uint64_t idx1, uint64_t idx2);
/* The pidfd as capability 0 of the next call to procmgr: 0, or -EBADF
 * if it is not open (waitid's P_PIDFD too). */
int64_t linux_pidfd_argument(int64_t pidfd);

/* event.c */
struct linux_itimerspec;
int64_t sys_eventfd2(uint64_t initial, uint64_t flags);
struct epoll_report;
int64_t sys_epoll_create1(int64_t flags);
int64_t sys_signalfd4(int64_t fd, const uint64_t *mask, uint64_t size, uint64_t flags);
int64_t sys_epoll_ctl(int64_t epfd, int64_t operation, int64_t fd,
                      const struct epoll_report *event);
int64_t sys_epoll_pwait(int64_t epfd, struct epoll_report *events, int64_t max,
                        int64_t milliseconds, const uint64_t *signal_mask, uint64_t mask_size);
int64_t sys_epoll_pwait2(int64_t epfd, struct epoll_report *events, int64_t max,
                         const struct linux_timespec *timeout, const uint64_t *signal_mask,
                         uint64_t mask_size);
int64_t sys_timerfd_create(int64_t clock, uint64_t flags);
int64_t sys_timerfd_settime(int64_t fd, int64_t flags, const struct linux_itimerspec *wanted,
                            struct linux_itimerspec *old);
int64_t sys_timerfd_gettime(int64_t fd, struct linux_itimerspec *current);
/* fcntl's F_GET_SEALS and F_ADD_SEALS on the descriptor in slot. */
int64_t linux_seal_fcntl(uint64_t slot, int64_t command, uint64_t argument);

/* file_locks.c */
/* fcntl's record locks (F_GETLK, F_SETLK, F_SETLKW, F_OFD_*) on the
 * descriptor in slot; argument is the struct flock. */
int64_t linux_lock_fcntl(uint64_t slot, int64_t command, uint64_t argument);
int64_t sys_flock(int64_t fd, uint64_t operation);

/* futex.c */
int64_t sys_futex(uint64_t address, uint64_t operation, uint64_t value,
                  const struct linux_timespec *timeout, uint64_t address2, uint64_t value3);
/* restart_syscall of a timed wait (the restart block's arguments). */
int64_t linux_futex_wait_restart(void);
/* FUTEX_WAKE of count waiters on a word, keyed as a shared futex (what
 * Linux does for clear_child_tid at thread exit). */
int64_t linux_futex_wake_any(uint64_t address, uint64_t count);
/* The process's mappings change: the futex keys remembered are stale. */
void linux_futex_forget_keys(void);
/* The key register of a futex request for the word at address: 0 for a
 * private futex, procmgr's key for a shared one (or its -errno). */
int64_t linux_futex_key(uint64_t address, bool private);
/* A futex timeout's counter deadline: relative, or absolute (on
 * CLOCK_REALTIME with realtime); 0 waits forever, -EINVAL for a bad
 * timespec. FUTEX_LOCK_PI's is absolute on CLOCK_REALTIME, LOCK_PI2's on
 * CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME. */
int64_t linux_futex_deadline(const struct linux_timespec *timeout, bool absolute, bool realtime,
                             uint64_t *deadline);

/* futex_waitv.c */
struct linux_futex_waitv;
int64_t sys_futex_waitv(const struct linux_futex_waitv *waiters, uint32_t count, uint32_t flags,
                        const struct linux_timespec *timeout, int32_t clock);

/* sysv.c */
struct sysv_sembuf;
int64_t sys_shmget(int64_t key, uint64_t size, int64_t flags);
int64_t sys_shmat(int64_t shmid, uint64_t address, int64_t flags);
int64_t sys_shmdt(uint64_t address);
int64_t sys_shmctl(int64_t shmid, int64_t cmd, uint64_t buffer);
int64_t sys_semget(int64_t key, int64_t count, int64_t flags);
int64_t sys_semctl(int64_t semid, int64_t semnum, int64_t cmd, uint64_t argument);
/* semop is semtimedop without a timeout. */
int64_t sys_semtimedop(int64_t semid, const struct sysv_sembuf *operations, uint64_t count,
                       const struct linux_timespec *timeout);

/* limits.c */
int64_t sys_prlimit64(int64_t pid, uint64_t resource, const struct linux_resource_limit *new_limit,
                      struct linux_resource_limit *old_limit);
int64_t sys_getrlimit(uint64_t resource, struct linux_resource_limit *limit);
int64_t sys_setrlimit(uint64_t resource, const struct linux_resource_limit *limit);

/* system.c */
int64_t sys_uname(struct linux_utsname *name);
int64_t sys_getrandom(uint8_t *buffer, uint64_t length, uint64_t flags);
int64_t sys_prctl(uint64_t option, uint64_t argument);
int64_t sys_sched_yield(void);
int64_t sys_sched_setscheduler(int64_t pid, int64_t policy, const int32_t *param);
int64_t sys_sched_setparam(int64_t pid, const int32_t *param);
int64_t sys_sched_getscheduler(int64_t pid);
int64_t sys_sched_getparam(int64_t pid, int32_t *param);
int64_t sys_sched_rr_get_interval(int64_t pid, struct linux_timespec *interval);
int64_t sys_sched_get_priority(int64_t policy, bool maximum);
int64_t sys_sched_getaffinity(int64_t pid, uint64_t size, uint64_t *mask);
int64_t sys_sched_setaffinity(int64_t pid, uint64_t size, const uint8_t *mask);
int64_t sys_getcpu(uint32_t *cpu, uint32_t *node);
int64_t sys_membarrier(uint64_t command, uint64_t flags, int64_t cpu);
int64_t sys_set_robust_list(uint64_t head, uint64_t length);
int64_t sys_get_robust_list(int64_t pid, uint64_t *head, uint64_t *length);

/* syscall_table.c: prints the unknown system calls this process made, if
 * any, on the kernel console (at exit_group). */
void linux_report_unknown_syscalls(void);

#endif
