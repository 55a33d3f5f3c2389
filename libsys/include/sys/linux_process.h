/*
 * How procmgr lays out a Linux process, and what the Linux personality
 * (libsys/linux) may rely on. One address space and one CSpace per
 * process (thread group); its threads share both.
 *
 * Address space (39-bit, below 0x8000000000):
 *
 *   0x0000400000..       the program's PT_LOAD segments (ET_EXEC), or at
 *                        LINUX_PIE_BASE for a static PIE (ET_DYN); brk
 *                        starts at the page after the highest segment
 *   ..LINUX_MMAP_TOP     mmap without a hint, placed top-down
 *   LINUX_PERSONALITY    the personality image (its own ELF, linked there)
 *   LINUX_PROCESS_INFO   one page shared between procmgr and the personality
 *   LINUX_THREAD_AREAS   one area per thread: personality stack + IPC buffer
 *   ..LINUX_STACK_TOP    the main thread's stack, grown on fault
 */
#ifndef SYS_LINUX_PROCESS_H
#define SYS_LINUX_PROCESS_H

#include <stdint.h>
#include "sys/servers.h"

#define LINUX_PIE_BASE          0x5500000000ULL
#define LINUX_MMAP_TOP          0x7f00000000ULL
#define LINUX_PERSONALITY       0x7f80000000ULL
#define LINUX_PROCESS_INFO      0x7f9fff0000ULL
#define LINUX_THREAD_AREAS      0x7fa0000000ULL
#define LINUX_STACK_TOP         0x7ff0000000ULL
#define LINUX_STACK_LIMIT       (8ULL << 20)    /* RLIMIT_STACK's default */

/*
 * Thread area i starts at LINUX_THREAD_AREAS + i * LINUX_THREAD_AREA_SIZE:
 * a guard gap, the personality's stack (it grows down to the gap), then
 * the IPC buffer page. The upcall entry switches to the stack that ends
 * where the IPC buffer (TPIDRRO_EL0) begins.
 */
#define LINUX_THREAD_AREA_SIZE      0x10000ULL
#define LINUX_THREAD_STACK_OFFSET   0x2000ULL
#define LINUX_THREAD_STACK_SIZE     0x8000ULL
#define LINUX_THREAD_IPC_BUFFER_OFFSET (LINUX_THREAD_STACK_OFFSET + LINUX_THREAD_STACK_SIZE)
#define LINUX_MAX_THREADS           512

static inline uint64_t linux_thread_ipc_buffer(unsigned area)
{
    return LINUX_THREAD_AREAS + area * LINUX_THREAD_AREA_SIZE + LINUX_THREAD_IPC_BUFFER_OFFSET;
}

/* Per-thread facts, in the IPC buffer page after struct tern_ipc_buffer.
 * procmgr writes them when it makes the thread (a new thread, and the
 * one of a fork or execve, has no robust list, as in Linux); the
 * personality keeps clear_child_tid up to date (set_tid_address,
 * CLONE_CHILD_CLEARTID) and robust_list (set_robust_list).
 *
 * Signals: procmgr holds the pending sets and mirrors them here (and in
 * the process info page for the process's own set) so the personality
 * sees with a load whether anything is deliverable; the personality owns
 * the blocked mask, which procmgr reads to pick the thread to interrupt.
 * Each side writes its word, then reads the other's (with a full barrier
 * between), so a signal sent while the mask changes is never missed. */
#define LINUX_THREAD_INFO_OFFSET    2048
struct linux_thread_info {
    uint64_t tid;
    uint64_t area;                  /* i: which thread area, slots below */
    uint64_t clear_child_tid;       /* 0 or the address to clear at exit */
    uint64_t pending_signals;       /* procmgr's: bit n-1 for signal n, sent to this thread */
    uint64_t blocked_signals;       /* the personality's: rt_sigprocmask's mask */
    /* the personality's: while in sigtimedwait, the signals it waits for:
     * procmgr interrupts it for them, blocked or not, and never carries
     * out their action (Linux's real_blocked) */
    uint64_t accepting_signals;
    /* procmgr's: the cores the thread may run on (sched_setaffinity), and
     * the one it runs on (getcpu): tern runs a thread on one core. */
    uint64_t cpu_mask;
    uint64_t cpu;
    /* the personality's: set_robust_list's head (0: none). Here, not in
     * the personality's own state, because procmgr walks the list when
     * the thread ends (a process killed runs nothing of its own) and
     * answers get_robust_list for other processes' threads. */
    uint64_t robust_list;
};

/* The process info page: procmgr writes pid at start and after fork; the
 * personality keeps the descriptor bitmaps, which procmgr reads on fork,
 * execve (close-on-exec) and exit (close every descriptor).
 *
 * LINUX_MAX_FDS is the table's size: RLIMIT_NOFILE's soft limit is
 * honoured up to it (its default hard limit, as Linux's), and beyond it
 * a new descriptor is EMFILE as at the limit. Each descriptor takes a
 * CNode slot (below), so it sets the CNode's size. */
#define LINUX_MAX_FDS           4096
#define LINUX_RLIMIT_COUNT      16
#define LINUX_RLIMIT_CPU        0
#define LINUX_RLIMIT_FSIZE      1
struct linux_resource_limit {
    uint64_t soft;
    uint64_t hard;
};
struct linux_process_info {
    uint64_t pid;
    uint64_t umask;
    uint64_t pending_signals;       /* procmgr's: signals sent to the whole process */
    uint64_t ignored_signals;       /* SIG_IGN when the program started (they stay across execve) */
    /* The time of day: realtime_seconds since the epoch when CNTVCT_EL0
     * read realtime_counter (0, 0 without a real-time clock). */
    uint64_t realtime_seconds;
    uint64_t realtime_counter;
    uint64_t fd_open[LINUX_MAX_FDS / 64];
    uint64_t fd_cloexec[LINUX_MAX_FDS / 64];
    /* procmgr's: not 0 while the process is stopped or stopping (job
     * control): each thread then takes its signals (PROC_SIGNAL_TAKE),
     * which procmgr answers only once SIGCONT continues the process. */
    uint64_t stopped;
    /* procmgr's: how many signals were queued to the process or its
     * threads (one merged with a pending standard signal is none): a
     * signalfd's edge-triggered epoll watch sees news by it. */
    uint64_t signals_queued;
    /* The personality's (libsys/linux/procfs.c): the working directory
     * as a /proc directory (0: not in /proc; 1: /proc; 1 + pid:
     * /proc/<pid>), kept with the umask across fork and execve. */
    uint64_t procfs_directory;
    /* The personality's (libsys/linux/limits.c): getrlimit's table, here
     * so that procmgr keeps it across fork and execve as Linux does;
     * limits_set is 0 until the first program's personality writes the
     * defaults. */
    uint64_t limits_set;
    struct linux_resource_limit limits[LINUX_RLIMIT_COUNT];
};

/*
 * CSpace: one CNode of LINUX_CNODE_BITS slots, the whole cptr (depth 64
 * with a guard of zeros), so cptr == slot index. A session of each server
 * of sys/servers.h sits at LINUX_SLOT_SESSIONS + its server_id, minted by
 * procmgr as the server's entry says.
 */
#define LINUX_CNODE_BITS        13
enum linux_slot {
    LINUX_SLOT_CNODE = 1,           /* its own CNode: dup copies fd slots with it */
    LINUX_SLOT_CWD = 2,             /* file capability of the working directory */
    LINUX_SLOT_SESSIONS = 8,
    LINUX_SLOT_VFS = LINUX_SLOT_SESSIONS + SERVER_VFS,      /* badged with the credentials */
    LINUX_SLOT_FUTEX = LINUX_SLOT_SESSIONS + SERVER_FUTEX,  /* badged with the pid */
    LINUX_SLOT_PIPE = LINUX_SLOT_SESSIONS + SERVER_PIPE,    /* with the pid and credentials */
    LINUX_SLOT_MEMFD = LINUX_SLOT_SESSIONS + SERVER_MEMFD,  /* with the pid and credentials */
    LINUX_SLOT_SYSV = LINUX_SLOT_SESSIONS + SERVER_SYSV,    /* with the pid and credentials */
    LINUX_SLOT_MQUEUE = LINUX_SLOT_SESSIONS + SERVER_MQUEUE,    /* with the pid and credentials */
    LINUX_SLOT_EVENT = LINUX_SLOT_SESSIONS + SERVER_EVENT,      /* with the pid and credentials */
    LINUX_SLOT_PROCMGR = LINUX_SLOT_SESSIONS + SERVER_PROCMGR,  /* badged with the pid */
    LINUX_SLOT_THREAD_BASE = 64,    /* per thread area i: two slots, below */
    LINUX_SLOT_FD_BASE = 2048,      /* descriptor n in LINUX_SLOT_FD_BASE + n */
    /* epoll's readiness boards (libsys/linux/epoll.c): 1024 slots */
    LINUX_SLOT_BOARD_BASE = LINUX_SLOT_FD_BASE + LINUX_MAX_FDS,
    LINUX_SLOT_END = LINUX_SLOT_BOARD_BASE + 1024,
};
_Static_assert(LINUX_SLOT_THREAD_BASE + 2 * LINUX_MAX_THREADS <= LINUX_SLOT_FD_BASE,
               "every thread area's two slots lie below the descriptors");
_Static_assert(LINUX_SLOT_END <= 1 << LINUX_CNODE_BITS, "the CNode holds every slot");
_Static_assert(sizeof(struct linux_process_info) <= 4096, "the process info fits its page");
_Static_assert(LINUX_SLOT_SESSIONS + SERVER_COUNT <= LINUX_SLOT_THREAD_BASE,
               "every server's session has a slot");

static inline uint64_t linux_session_slot(enum server_id server)
{
    return LINUX_SLOT_SESSIONS + server;
}

/* Thread area i's notification (timeouts: nanosleep, poll) and a scratch
 * slot that only that thread uses (received capabilities). */
static inline uint64_t linux_thread_notification_slot(unsigned area)
{
    return LINUX_SLOT_THREAD_BASE + 2 * area;
}
static inline uint64_t linux_thread_scratch_slot(unsigned area)
{
    return LINUX_SLOT_THREAD_BASE + 2 * area + 1;
}
static inline uint64_t linux_fd_slot(unsigned fd)
{
    return LINUX_SLOT_FD_BASE + fd;
}

#endif
