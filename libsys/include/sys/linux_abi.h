/*
 * The parts of Linux's arm64 user ABI that servers and the personality
 * share: errnos, open and fcntl flags, file modes, struct stat and
 * linux_dirent64, mmap, signals, wait, clone and futex constants. The
 * values are Linux's (asm-generic and arch/arm64 uapi); native code has no
 * libc headers, so they are restated here once.
 */
#ifndef SYS_LINUX_ABI_H
#define SYS_LINUX_ABI_H

#include <stdint.h>

/* errno */
#define LINUX_EPERM         1
#define LINUX_ENOENT        2
#define LINUX_ESRCH         3
#define LINUX_EINTR         4
#define LINUX_EIO           5
#define LINUX_ENXIO         6
#define LINUX_E2BIG         7
#define LINUX_ENOEXEC       8
#define LINUX_EBADF         9
#define LINUX_ECHILD        10
#define LINUX_EAGAIN        11
#define LINUX_ENOMEM        12
#define LINUX_EACCES        13
#define LINUX_EFAULT        14
#define LINUX_EBUSY         16
#define LINUX_EEXIST        17
#define LINUX_EXDEV         18
#define LINUX_ENODEV        19
#define LINUX_ENOTDIR       20
#define LINUX_EISDIR        21
#define LINUX_EINVAL        22
#define LINUX_ENFILE        23
#define LINUX_EMFILE        24
#define LINUX_ENOTTY        25
#define LINUX_ETXTBSY       26
#define LINUX_EFBIG         27
#define LINUX_ENOSPC        28
#define LINUX_ESPIPE        29
#define LINUX_EROFS         30
#define LINUX_EMLINK        31
#define LINUX_EPIPE         32
#define LINUX_EDOM          33
#define LINUX_ERANGE        34
#define LINUX_EDEADLK       35
#define LINUX_ENAMETOOLONG  36
#define LINUX_ENOLCK        37
#define LINUX_ENOSYS        38
#define LINUX_ENOTEMPTY     39
#define LINUX_ELOOP         40
#define LINUX_ENOMSG        42
#define LINUX_EIDRM         43
#define LINUX_ENODATA       61
#define LINUX_EOVERFLOW     75
#define LINUX_ENOTSOCK      88
#define LINUX_EDESTADDRREQ  89
#define LINUX_EMSGSIZE      90
#define LINUX_EPROTOTYPE    91
#define LINUX_ENOPROTOOPT   92
#define LINUX_EPROTONOSUPPORT 93
#define LINUX_ESOCKTNOSUPPORT 94
#define LINUX_EOPNOTSUPP    95
#define LINUX_EAFNOSUPPORT  97
#define LINUX_EADDRINUSE    98
#define LINUX_ECONNRESET    104
#define LINUX_ENOBUFS       105
#define LINUX_EISCONN       106
#define LINUX_ENOTCONN      107
#define LINUX_ETOOMANYREFS  109
#define LINUX_ETIMEDOUT     110
#define LINUX_ECONNREFUSED  111
#define LINUX_ECANCELED     125

/* open(2) and fcntl(2) status flags (arm64 values) */
#define LINUX_O_ACCMODE     03
#define LINUX_O_RDONLY      00
#define LINUX_O_WRONLY      01
#define LINUX_O_RDWR        02
#define LINUX_O_CREAT       0100
#define LINUX_O_EXCL        0200
#define LINUX_O_NOCTTY      0400
#define LINUX_O_TRUNC       01000
#define LINUX_O_APPEND      02000
#define LINUX_O_NONBLOCK    04000
#define LINUX_O_DSYNC       010000
#define LINUX_O_DIRECTORY   040000
#define LINUX_O_NOFOLLOW    0100000
#define LINUX_O_DIRECT      0200000
#define LINUX_O_LARGEFILE   0400000
#define LINUX_O_NOATIME     01000000
#define LINUX_O_CLOEXEC     02000000
#define LINUX_O_PATH        010000000

#define LINUX_AT_FDCWD              (-100)
#define LINUX_AT_SYMLINK_NOFOLLOW   0x100
#define LINUX_AT_REMOVEDIR          0x200
#define LINUX_AT_EACCESS            0x200
#define LINUX_AT_SYMLINK_FOLLOW     0x400
#define LINUX_AT_EMPTY_PATH         0x1000

#define LINUX_F_DUPFD           0
#define LINUX_F_GETFD           1
#define LINUX_F_SETFD           2
#define LINUX_F_GETFL           3
#define LINUX_F_SETFL           4
#define LINUX_F_DUPFD_CLOEXEC   1030
#define LINUX_F_SETPIPE_SZ      1031
#define LINUX_F_GETPIPE_SZ      1032
#define LINUX_F_ADD_SEALS       1033
#define LINUX_F_GET_SEALS       1034
#define LINUX_FD_CLOEXEC        1
/* Record locks (struct flock): POSIX ones, and OFD ones. */
#define LINUX_F_GETLK           5
#define LINUX_F_SETLK           6
#define LINUX_F_SETLKW          7
#define LINUX_F_OFD_GETLK       36
#define LINUX_F_OFD_SETLK       37
#define LINUX_F_OFD_SETLKW      38
#define LINUX_F_RDLCK           0
#define LINUX_F_WRLCK           1
#define LINUX_F_UNLCK           2
/* flock(2) */
#define LINUX_LOCK_SH           1
#define LINUX_LOCK_EX           2
#define LINUX_LOCK_NB           4
#define LINUX_LOCK_UN           8
#define LINUX_LOCK_MAND         32

struct linux_flock {
    int16_t l_type;
    int16_t l_whence;
    int64_t l_start;
    int64_t l_len;
    int32_t l_pid;
};

#define LINUX_SEEK_SET  0
#define LINUX_SEEK_CUR  1
#define LINUX_SEEK_END  2

/* access(2) */
#define LINUX_F_OK  0
#define LINUX_X_OK  1
#define LINUX_W_OK  2
#define LINUX_R_OK  4

/* File types and modes */
#define LINUX_S_IFMT    0170000
#define LINUX_S_IFSOCK  0140000
#define LINUX_S_IFLNK   0120000
#define LINUX_S_IFREG   0100000
#define LINUX_S_IFBLK   0060000
#define LINUX_S_IFDIR   0040000
#define LINUX_S_IFCHR   0020000
#define LINUX_S_IFIFO   0010000
#define LINUX_S_ISVTX   01000

/* linux_dirent64 d_type */
#define LINUX_DT_UNKNOWN 0
#define LINUX_DT_FIFO    1
#define LINUX_DT_CHR     2
#define LINUX_DT_DIR     4
#define LINUX_DT_REG     8
#define LINUX_DT_LNK     10
#define LINUX_DT_SOCK    12

/* struct stat as arm64 (asm-generic) lays it out: 128 bytes. */
struct linux_stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    uint64_t pad1;
    int64_t st_size;
    int32_t st_blksize;
    int32_t pad2;
    int64_t st_blocks;
    int64_t st_atime_sec;
    uint64_t st_atime_nsec;
    int64_t st_mtime_sec;
    uint64_t st_mtime_nsec;
    int64_t st_ctime_sec;
    uint64_t st_ctime_nsec;
    uint32_t unused[2];
};

/* getdents64 records: d_reclen bytes each, 8-byte aligned. */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};

/* mmap(2) */
#define LINUX_PROT_NONE     0
#define LINUX_PROT_READ     1
#define LINUX_PROT_WRITE    2
#define LINUX_PROT_EXEC     4
#define LINUX_MAP_SHARED    0x01
#define LINUX_MAP_PRIVATE   0x02
#define LINUX_MAP_SHARED_VALIDATE 0x03
#define LINUX_MAP_TYPE      0x0f
#define LINUX_MAP_FIXED     0x10
#define LINUX_MAP_ANONYMOUS 0x20
#define LINUX_MAP_NORESERVE 0x4000
#define LINUX_MAP_LOCKED    0x2000
#define LINUX_MAP_POPULATE  0x8000
#define LINUX_MCL_CURRENT   1
#define LINUX_MCL_FUTURE    2
#define LINUX_MCL_ONFAULT   4
#define LINUX_MAP_FIXED_NOREPLACE 0x100000
#define LINUX_MAP_FAILED    ((uint64_t)-1)
/* mremap(2) */
#define LINUX_MREMAP_MAYMOVE   1
#define LINUX_MREMAP_FIXED     2
#define LINUX_MREMAP_DONTUNMAP 4

/* Signals */
#define LINUX_SIGHUP    1
#define LINUX_SIGINT    2
#define LINUX_SIGQUIT   3
#define LINUX_SIGILL    4
#define LINUX_SIGTRAP   5
#define LINUX_SIGABRT   6
#define LINUX_SIGBUS    7
#define LINUX_SIGFPE    8
#define LINUX_SIGKILL   9
#define LINUX_SIGUSR1   10
#define LINUX_SIGSEGV   11
#define LINUX_SIGUSR2   12
#define LINUX_SIGPIPE   13
#define LINUX_SIGALRM   14
#define LINUX_SIGTERM   15
#define LINUX_SIGCHLD   17
#define LINUX_SIGCONT   18
#define LINUX_SIGSTOP   19
#define LINUX_SIGTSTP   20
#define LINUX_SIGURG    23
#define LINUX_SIGVTALRM 26
#define LINUX_SIGPROF   27
#define LINUX_SIGSYS    31
#define LINUX_SIGWINCH  28
#define LINUX_NSIG      64
#define LINUX_SIGTTIN   21
#define LINUX_SIGTTOU   22
#define LINUX_SIGXCPU   24
#define LINUX_SIGXFSZ   25
#define LINUX_SIGRTMIN  32
#define LINUX_SIG_DFL   0
#define LINUX_SIG_IGN   1
/* struct sigevent's sigev_notify */
#define LINUX_SIGEV_SIGNAL  0
#define LINUX_SIGEV_NONE    1
#define LINUX_SIGEV_THREAD  2
#define LINUX_SIGNAL_BIT(signal)    (1ULL << ((signal) - 1))

/* sigaction(2) flags */
#define LINUX_SA_NOCLDSTOP  0x00000001
#define LINUX_SA_NOCLDWAIT  0x00000002
#define LINUX_SA_SIGINFO    0x00000004
#define LINUX_SA_RESTORER   0x04000000
#define LINUX_SA_ONSTACK    0x08000000
#define LINUX_SA_RESTART    0x10000000
#define LINUX_SA_NODEFER    0x40000000
#define LINUX_SA_RESETHAND  0x80000000

/* siginfo's si_code for signals a process sent */
#define LINUX_SI_USER       0
#define LINUX_SI_KERNEL     0x80
#define LINUX_SI_TKILL      (-6)
#define LINUX_SI_TIMER      (-2)
#define LINUX_SI_MESGQ      (-3)
/* and for faults */
#define LINUX_SEGV_MAPERR   1
#define LINUX_SEGV_ACCERR   2
#define LINUX_BUS_ADRERR    2
#define LINUX_ILL_ILLOPC    1
#define LINUX_TRAP_BRKPT    1

/* What an interrupted system call returns inside the kernel, as Linux's
 * do: never seen by a program. The signal code turns them into -EINTR or
 * a restart (docs/personality.md, "Signals"). */
#define LINUX_ERESTARTSYS       512     /* restart if the handler has SA_RESTART */
#define LINUX_ERESTARTNOINTR    513     /* restart, handler or not */
#define LINUX_ERESTARTNOHAND    514     /* restart only if no handler ran */
/* Restart only if no handler ran, as restart_syscall, which goes on with
 * what the thread's restart block says (a sleep's deadline). */
#define LINUX_ERESTART_RESTARTBLOCK 516

/* wait4(2) and waitid(2) */
#define LINUX_WNOHANG       1
#define LINUX_WUNTRACED     2
#define LINUX_WEXITED       4
#define LINUX_WCONTINUED    8
#define LINUX_WNOWAIT       0x01000000
#define LINUX_P_ALL         0
#define LINUX_P_PID         1
#define LINUX_P_PGID        2
#define LINUX_P_PIDFD       3
#define LINUX_CLD_EXITED    1
#define LINUX_CLD_KILLED    2
#define LINUX_CLD_DUMPED    3
#define LINUX_CLD_STOPPED   5
#define LINUX_CLD_CONTINUED 6
/* Status words as wait4 reports them. */
#define LINUX_W_EXITCODE(code, signal)  (((code) & 0xff) << 8 | ((signal) & 0x7f))
#define LINUX_W_STOPCODE(signal)        (((signal) & 0xff) << 8 | 0x7f)
#define LINUX_W_CONTINUED               0xffff

/* clone(2) */
#define LINUX_CSIGNAL               0x000000ff
#define LINUX_CLONE_VM              0x00000100
#define LINUX_CLONE_FS              0x00000200
#define LINUX_CLONE_FILES           0x00000400
#define LINUX_CLONE_SIGHAND         0x00000800
#define LINUX_CLONE_VFORK           0x00004000
#define LINUX_CLONE_PARENT          0x00008000
#define LINUX_CLONE_THREAD          0x00010000
#define LINUX_CLONE_SYSVSEM         0x00040000
#define LINUX_CLONE_SETTLS          0x00080000
#define LINUX_CLONE_PARENT_SETTID   0x00100000
#define LINUX_CLONE_CHILD_CLEARTID  0x00200000
#define LINUX_CLONE_DETACHED        0x00400000
#define LINUX_CLONE_CHILD_SETTID    0x01000000
#define LINUX_CLONE_PIDFD           0x00001000
#define LINUX_CLONE_NEWIPC          0x08000000

/* futex(2) */
#define LINUX_FUTEX_WAIT            0
#define LINUX_FUTEX_WAKE            1
#define LINUX_FUTEX_REQUEUE         3
#define LINUX_FUTEX_CMP_REQUEUE     4
#define LINUX_FUTEX_WAKE_OP         5
#define LINUX_FUTEX_LOCK_PI         6
#define LINUX_FUTEX_UNLOCK_PI       7
#define LINUX_FUTEX_TRYLOCK_PI      8
#define LINUX_FUTEX_WAIT_BITSET     9
#define LINUX_FUTEX_WAKE_BITSET     10
#define LINUX_FUTEX_WAIT_REQUEUE_PI 11
#define LINUX_FUTEX_CMP_REQUEUE_PI  12
#define LINUX_FUTEX_LOCK_PI2        13
#define LINUX_FUTEX_PRIVATE_FLAG    128
#define LINUX_FUTEX_CLOCK_REALTIME  256
#define LINUX_FUTEX_CMD_MASK        (~(LINUX_FUTEX_PRIVATE_FLAG | LINUX_FUTEX_CLOCK_REALTIME))
/* FUTEX_WAKE_OP's encoded operation: FUTEX_OP(op, oparg, cmp, cmparg) =
 * op << 28 | cmp << 24 | oparg << 12 | cmparg, the arguments signed
 * 12-bit. */
#define LINUX_FUTEX_OP_SET          0   /* word = oparg */
#define LINUX_FUTEX_OP_ADD          1   /* word += oparg */
#define LINUX_FUTEX_OP_OR           2   /* word |= oparg */
#define LINUX_FUTEX_OP_ANDN         3   /* word &= ~oparg */
#define LINUX_FUTEX_OP_XOR          4   /* word ^= oparg */
#define LINUX_FUTEX_OP_OPARG_SHIFT  8   /* with op: oparg is 1 << oparg */
#define LINUX_FUTEX_OP_CMP_EQ       0
#define LINUX_FUTEX_OP_CMP_NE       1
#define LINUX_FUTEX_OP_CMP_LT       2
#define LINUX_FUTEX_OP_CMP_LE       3
#define LINUX_FUTEX_OP_CMP_GT       4
#define LINUX_FUTEX_OP_CMP_GE       5
/* futex_waitv(2)'s struct futex_waitv flags: the word's size (only
 * FUTEX2_SIZE_U32, as Linux 6.1) and FUTEX_PRIVATE_FLAG. */
#define LINUX_FUTEX2_SIZE_U32       2

/* sched_setscheduler(2)'s policies, and the flag that rides with one */
#define LINUX_SCHED_OTHER           0
#define LINUX_SCHED_FIFO            1
#define LINUX_SCHED_RR              2
#define LINUX_SCHED_BATCH           3
#define LINUX_SCHED_IDLE            5
#define LINUX_SCHED_DEADLINE        6
#define LINUX_SCHED_RESET_ON_FORK   0x40000000

/* ioctl(2) on terminals and files (asm-generic/ioctls.h) */
#define LINUX_TCGETS        0x5401
#define LINUX_TCSETS        0x5402
#define LINUX_TCSETSW       0x5403
#define LINUX_TCSETSF       0x5404
#define LINUX_TCSBRK        0x5409
#define LINUX_TIOCSCTTY     0x540e
#define LINUX_TIOCGPGRP     0x540f
#define LINUX_TIOCSPGRP     0x5410
#define LINUX_TIOCOUTQ      0x5411
#define LINUX_TIOCSTI       0x5412
#define LINUX_TIOCGWINSZ    0x5413
#define LINUX_TIOCSWINSZ    0x5414
#define LINUX_FIONREAD      0x541b
#define LINUX_FIONBIO       0x5421
#define LINUX_TIOCNOTTY     0x5422
#define LINUX_TIOCGSID      0x5429

#define LINUX_PAGE_SIZE     4096
#define LINUX_DEFAULT_UMASK 022         /* what init starts with on Linux */
#define LINUX_PATH_MAX      4096
#define LINUX_NAME_MAX      255

/* Sockets (AF_UNIX is the only family there is) */
#define LINUX_AF_UNIX           1
#define LINUX_SOCK_STREAM       1
#define LINUX_SOCK_DGRAM        2
#define LINUX_SOCK_SEQPACKET    5
#define LINUX_SOCK_TYPE_MASK    0xf
#define LINUX_SOCK_NONBLOCK     LINUX_O_NONBLOCK
#define LINUX_SOCK_CLOEXEC      LINUX_O_CLOEXEC
#define LINUX_SOL_SOCKET        1
#define LINUX_SO_TYPE           3
#define LINUX_SO_ERROR          4
#define LINUX_SO_SNDBUF         7
#define LINUX_SO_RCVBUF         8
#define LINUX_SO_PASSCRED       16
#define LINUX_SO_PEERCRED       17
#define LINUX_SO_RCVLOWAT       18
#define LINUX_SO_RCVTIMEO       20  /* struct timeval (the _OLD option; 64-bit time on arm64) */
#define LINUX_SO_SNDTIMEO       21
#define LINUX_SO_ACCEPTCONN     30
#define LINUX_SO_PROTOCOL       38
#define LINUX_SO_DOMAIN         39
#define LINUX_SO_PEEK_OFF       42
#define LINUX_SO_RCVTIMEO_NEW   66  /* __kernel_sock_timeval: the same layout on arm64 */
#define LINUX_SO_SNDTIMEO_NEW   67
#define LINUX_MSG_OOB           0x1
#define LINUX_MSG_PEEK          0x2
#define LINUX_MSG_CTRUNC        0x8
#define LINUX_MSG_TRUNC         0x20
#define LINUX_MSG_DONTWAIT      0x40
#define LINUX_MSG_EOR           0x80
#define LINUX_MSG_WAITALL       0x100
#define LINUX_MSG_NOSIGNAL      0x4000
#define LINUX_MSG_CMSG_CLOEXEC  0x40000000
#define LINUX_SHUT_RD           0
#define LINUX_SHUT_WR           1
#define LINUX_SHUT_RDWR         2
#define LINUX_SOCKADDR_UN_SIZE  110     /* sizeof(struct sockaddr_un) */
#define LINUX_SUN_PATH_OFFSET   2       /* offsetof(struct sockaddr_un, sun_path) */

#endif
