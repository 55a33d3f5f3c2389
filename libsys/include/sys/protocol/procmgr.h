/*
 * The procmgr protocol: processes, threads, credentials and memory.
 * A process reaches procmgr through LINUX_SLOT_PROCMGR, badged with its
 * pid, so procmgr knows who asks; operations that concern the calling
 * thread carry its tid, which procmgr checks belongs to that pid. init
 * holds a capability badged PROCMGR_BADGE_INIT, the parent of the first
 * process.
 *
 *   label              registers in                           result (then more registers)
 *   PROC_SPAWN         path_length, argc, envc, block_length, stdin   pid (init only; block as for
 *                      execve; stdin: PROC_SPAWN_STDIN_FILE or 0 for the console)
 *   PROC_FORK          tid, stack (0: the same), flags, slot, frame  child pid (flags: CLONE_NEWIPC
 *                      puts the child in a new IPC namespace; CLONE_PIDFD makes a pidfd of it
 *                      in the caller's CNode slot)
 *   PROC_CLONE         tid, flags, stack, tls, frame, ctid, ptid   child tid (CLONE_VM|CLONE_THREAD...)
 *   PROC_EXECVE        tid, argc, envc, block_length          no reply on success
 *                      cap 0: the program (VFS_OPEN_EXEC); window 0: the block
 *   PROC_EXIT          tid, status, whole_group               no reply
 *   PROC_WAIT4         pid, options, tid                      pid; status
 *   PROC_WAITID        idtype, id, options, tid               0; pid, uid, si_code, si_status
 *   PROC_KILL          pid, signal                            0
 *   PROC_TGKILL        tgid, tid, signal, flags               0 (flags, for a thread of the
 *                      caller only: PROC_TGKILL_FROM_KERNEL, PROC_TGKILL_AS_KILL)
 *   PROC_GET_IDS                                              0; pid, ppid, uid, euid, suid, gid, egid, sgid, pgid, sid
 *   PROC_SET_IDS       which, a, b, c                         0 (which: enum proc_set_ids; -1 keeps a value)
 *   PROC_SETPGID       pid, pgid                              0
 *   PROC_GETPGID       pid                                    pgid
 *   PROC_SETSID                                               sid
 *   PROC_GETSID        pid                                    sid
 *   PROC_SIGACTION     signal, disposition (0 SIG_DFL, 1 SIG_IGN, 2 handler), sa_flags   0
 *   PROC_SIGNAL_TAKE   tid, blocked mask, flags               signal (0: none); si_code,
 *                                                             si_pid | si_uid << 32, si_status
 *                      (flags PROC_SIGNAL_ACCEPT: taken whatever its action, as
 *                      sigwait takes it)
 *   PROC_SIGNAL_PAUSE  tid, blocked mask                      -ERESTARTNOHAND once a signal
 *                                                             the mask lets through is pending
 *   PROC_SETITIMER     value, interval (counter ticks), which 0; old remaining, old interval
 *                      (which: ITIMER_REAL, _VIRTUAL, _PROF; 0 when absent)
 *   PROC_GETITIMER     which                                  0; remaining, interval
 *   PROC_SIGQUEUE      pid, tid (0: the process), signal, si_code, si_value, si_pid, si_uid   0
 *   PROC_SCHED_AFFINITY tid, mask (0: only ask)              the thread's mask of cores
 *   PROC_SCHED_POLICY  tid, target tid (0: the caller), policy, priority   0; the target's
 *                      policy (with SCHED_RESET_ON_FORK), its priority (policy
 *                      PROC_SCHED_KEEP: sched_setparam; PROC_SCHED_ASK: only ask)
 *   PROC_UNSHARE       flags (CLONE_NEWIPC)                   0 (-EPERM but for root, -EINVAL
 *                      for other flags): the caller's process gets a new IPC namespace
 *   PROC_PIDFD_OPEN    pid, flags, slot                       0: a pidfd in the caller's CNode slot
 *   PROC_PIDFD_SEND_SIGNAL  signal, has siginfo, si_code, si_value, si_pid, si_uid   0
 *                      (cap 0: the pidfd)
 *   PROC_PIDFD_GETFD   fd, flags, slot                        0: the target's descriptor fd
 *                      in the caller's CNode slot (cap 0: the pidfd)
 *   PROC_WAITID's idtype P_PIDFD takes the pidfd as cap 0 (its id is ignored)
 *   PROC_DUMPABLE      -1 (ask), 0 or 1 (set)                 the value before (prctl's
 *                      PR_GET_DUMPABLE, PR_SET_DUMPABLE)
 *   PROC_CPU_TIME      tid, pid (0: the caller's)             0; the thread's CPU time, the
 *                      process's, its reaped children's (counter ticks)
 *   PROC_SYSINFO                                              0; bytes of memory for processes,
 *                      those free, the threads that exist
 *   PROC_LEND_MEMORY   server id                              0 once the server has been lent
 *                      memory, -ENOMEM when procmgr lends it no more (a server's
 *                      SERVER_WANTS_MEMORY answer, sys/protocol/common.h)
 *   PROC_PROCESS_VM    pid, local iovecs, count, remote iovecs, count, flags, write, tid
 *                                                             bytes copied (process_vm_readv,
 *                      or process_vm_writev when write is not 0; the arrays are read from
 *                      the caller's memory; errors as Linux's); USERFAULT_ACCESS_AGAIN
 *                      (sys/linux_userfault.h) after waiting for a userfaultfd's pager:
 *                      the call is made again
 *   PROC_RLIMIT        resource, soft limit[, hard]           0: the limits procmgr enforces,
 *                      told by the personality, which keeps them all: RLIMIT_AS (mmap, mremap
 *                      and brk keep the caller's mappings within it), RLIMIT_DATA (the same
 *                      for its private writable ones but the stack, mprotect too),
 *                      RLIMIT_CPU (hard limit in MR 2: SIGXCPU at the soft limit and each
 *                      second after, which raises it, SIGKILL at the hard),
 *                      RLIMIT_RTPRIO and RLIMIT_NICE (what an unprivileged
 *                      sched_setscheduler may ask, as Linux's) and
 *                      RLIMIT_NPROC (fork and
 *                      clone give EAGAIN while the caller's real user has that many tasks,
 *                      root exempt), RLIMIT_MEMLOCK (PROC_MEMORY_LOCK, MAP_LOCKED),
 *                      RLIMIT_SIGPENDING (a queued real-time signal is -EAGAIN while the
 *                      target's real user has that many pending); ~0: no limit; -EINVAL for
 *                      another resource
 *   PROC_PROCFS        file (enum proc_procfs_file), pid (0: the caller's), from, bytes
 *                                                             the file's text in window 0 (as
 *                      much as fits in its bytes), its whole length returned; -ESRCH for a pid
 *                      that does not exist. PROC_PROCFS_PIDS writes the pids >= from as
 *                      uint32_t, as many as fit, and returns their bytes;
 *                      PROC_PROCFS_OWNER answers 0, the process's euid and egid
 *                      (stat of /proc/<pid>); PROC_PROCFS_FDS writes its open
 *                      descriptors >= from as uint32_t, as PIDS does. Text files
 *                      give their bytes from `from` on. FDS, MAPS and EXE are
 *                      -EACCES unless the caller may look into the process (Linux's
 *                      PTRACE_MODE_READ_FSCREDS), EXE -ENOENT for a zombie. procmgr
 *                      answers at once; it calls no server but, for MAPS and EXE, the
 *                      servers of the files it keeps for mappings and programs (vfs,
 *                      memfd, sysv: FILE_PATH, FILE_STAT), which never call procmgr
 *                      (docs/protocols/procmgr.md, /proc)
 *   PROC_PROCFS_FD     pid (0: the caller's), fd, slot             0, whether fd is close-on-exec:
 *                      a copy of the process's descriptor fd in the caller's CNode slot,
 *                      counted by nobody (the caller only asks through it and deletes it:
 *                      /proc/<pid>/fd/N and fdinfo/N); -ESRCH, -EACCES (as FDS), -ENOENT
 *                      for a descriptor it has not
 *   PROC_ACCESS        wanted (-1: none)                      the caller's access descriptor
 *                      as one word before (docs/access.md), replaced by wanted if that
 *                      only tightens it (-EPERM otherwise, -EINVAL for a bad word)
 *   PROC_KCMP          pid1, pid2, type, idx1, idx2, efd, tfd, slot faulted   0, 1 or 2
 *                      (kcmp; efd and tfd: KCMP_EPOLL_TFD's slot, which the personality
 *                      reads: slot faulted not 0 if it could not)
 *   PROC_USERFAULTFD   flags, slot                            0: a userfaultfd descriptor in the
 *                      caller's CNode slot, served by procmgr itself (docs/protocols/userfault.md)
 *   PROC_TIMER_CREATE  clock, notify (-1: the default), signal, value, tid, the calling
 *                      thread (CLOCK_THREAD_CPUTIME_ID's)             the timer's id
 *   PROC_TIMER_SETTIME id, flags (TIMER_ABSTIME), value, interval (ticks), epoch offset
 *                                                             0; the old remaining, interval
 *   PROC_TIMER_GETTIME id                                     0; remaining, interval
 *   PROC_TIMER_GETOVERRUN id                                  the overrun of its last signal
 *   PROC_TIMER_DELETE  id                                     0
 *   PROC_CLOCK_SET     seconds, nanoseconds (valid)           0 (-EPERM but for root): the
 *                      time of day (clock_settime's CLOCK_REALTIME)
 *   PROC_TERMINAL      tid, ioctl request, terminal, value, flags   the ioctl's result
 *                      (TIOCGPGRP, TIOCGSID: the id): a job-control ioctl
 *                      (TIOCSCTTY, TIOCNOTTY, TIOCGPGRP, TIOCSPGRP, TIOCGSID) or
 *                      TIOCSTI a terminal's server referred here (FILE_TERMINAL_REFERRAL,
 *                      file.h); value: the argument, or the int (char for TIOCSTI)
 *                      it points at; flags: PROC_TERMINAL_READABLE (the descriptor
 *                      is open for reading), PROC_TERMINAL_FAULTED (the argument
 *                      could not be read). Or PROC_TERMINAL_READ, _WRITE for the
 *                      request: 0 if the caller may (FILE_TERMINAL_ACCESS, file.h)
 *   PROC_FUTEX_PI      tid, operation, address, deadline       0 (a lock's answer waits until the
 *                      caller owns it); window 0: the futex word (R/W); operation
 *                      PROC_FUTEX_PI_LOCK, _TRYLOCK, _UNLOCK; deadline in counter ticks, 0: none.
 *                      PROC_FUTEX_PI_WAIT_REQUEUE: address the condition word, deadline,
 *                      the PI word's address, the expected value; window 1: the PI word.
 *                      PROC_FUTEX_PI_CMP_REQUEUE: address, the count to requeue, the PI
 *                      word's address, the expected value: the count moved
 *   PROC_ROBUST_LIST   tid                                    0; the head set_robust_list
 *                      gave that thread (get_robust_list: -ESRCH, -EPERM as ptrace's read
 *                      check; 0 for a process whose thread of that id has ended)
 *   PROC_ROBUST_RELEASE tid                                   0: the calling thread's robust
 *                      list is walked now, as at its end, and unregistered (exit sends it
 *                      before waking clear_child_tid's waiter, in Linux's order)
 *   PROC_MMAP          address, length, prot, flags, offset, tid
 *                                                             address (a MAP_FIXED one once a
 *                      userfaultfd's monitor read the UFFD_EVENT_UNMAP it made, if any)
 *   PROC_MUNMAP        address, length, tid                   0 (once a userfaultfd's monitor
 *                      read the UFFD_EVENT_UNMAP it made, if any)
 *   PROC_MPROTECT      address, length, prot                  0
 *   PROC_MADVISE       address, length, advice, tid           0 (madvise(2); the pages
 *                      MADV_DONTNEED, _LOCKED and MADV_FREE name are gone, once a
 *                      userfaultfd's monitor read the UFFD_EVENT_REMOVE it made, if any)
 *   PROC_BRK           address (0 asks)                       the break
 *   PROC_MREMAP        address, old_length, new_length, flags, new_address, tid
 *                                                             the new address (once a
 *                      userfaultfd's monitor read the UFFD_EVENT_UNMAP and REMAP it made, if
 *                      any; new_address: MREMAP_FIXED's target, or the hint)
 *   PROC_FUTEX_KEY     address                                key (for a shared futex)
 *   PROC_MAPPING       address                                0; start, end, object key
 *                      (0: none), offset of start in it: the region holding address or the
 *                      first above it (-ENOMEM: none); shmdt finds attachments so
 *   PROC_MEMORY_LOCK   operation, address, length or flags    0: PROC_MEMORY_LOCK_RANGE and
 *                      _UNLOCK_RANGE (mlock, munlock), _ALL with mlockall's flags, _UNLOCK_ALL
 *                      (munlockall); against RLIMIT_MEMLOCK (PROC_RLIMIT), root exempt:
 *                      -EPERM to lock with a limit of 0, -ENOMEM past it or for a hole in the
 *                      range; mmap with MAP_LOCKED (or after MCL_FUTURE) is -EPERM with a
 *                      limit of 0 and -EAGAIN past it
 *
 * "frame" is struct linux_user_frame in message registers 4 onwards: the
 * registers the new thread or process starts with (x0 becomes 0; for
 * PROC_CLONE and a non-zero stack, sp becomes stack).
 *
 * The execve/spawn block: the path, then argc argument strings, then envc
 * environment strings, each NUL-terminated.
 *
 * Signals (docs/protocols/procmgr.md, "Signals"): procmgr keeps what is
 * pending, per process and per thread, mirrored in the process's info
 * pages (sys/linux_process.h). A signal with a handler makes procmgr
 * interrupt a thread that does not block it (TCB_Interrupt, or its own
 * deferred reply: wait4 answers -ERESTARTSYS, PROC_SIGNAL_PAUSE
 * -ERESTARTNOHAND); the personality then takes it with PROC_SIGNAL_TAKE
 * and runs the handler. Taking a signal whose action is now to terminate
 * ends the process instead of answering.
 *
 * A thread's fault endpoint is procmgr's endpoint badged
 * PROCMGR_FAULT_BADGE(tid): procmgr is the default pager, and a fault it
 * cannot resolve kills the process with SIGSEGV (SIGBUS, SIGILL).
 */
#ifndef SYS_PROTOCOL_PROCMGR_H
#define SYS_PROTOCOL_PROCMGR_H

#include <stdint.h>

enum procmgr_label {
    PROC_SPAWN = 0x300,
    PROC_FORK,
    PROC_CLONE,
    PROC_EXECVE,
    PROC_EXIT,
    PROC_WAIT4,
    PROC_WAITID,
    PROC_KILL,
    PROC_TGKILL,
    PROC_GET_IDS,
    PROC_SET_IDS,
    PROC_SETPGID,
    PROC_GETPGID,
    PROC_SETSID,
    PROC_GETSID,
    PROC_SIGACTION,
    PROC_MMAP,
    PROC_MUNMAP,
    PROC_MPROTECT,
    PROC_BRK,
    PROC_MREMAP,
    PROC_FUTEX_KEY,
    PROC_SIGNAL_TAKE,
    PROC_SIGNAL_PAUSE,
    PROC_SETITIMER,
    PROC_GETITIMER,
    PROC_SIGQUEUE,
    PROC_SCHED_AFFINITY,
    PROC_MAPPING,
    PROC_MQ_NOTIFIED,
    PROC_UNSHARE,
    PROC_PIDFD_OPEN,
    PROC_PIDFD_SEND_SIGNAL,
    PROC_PIDFD_GETFD,
    PROC_DUMPABLE,
    PROC_CPU_TIME,
    PROC_SYSINFO,
    PROC_TIMER_CREATE,
    PROC_TIMER_SETTIME,
    PROC_TIMER_GETTIME,
    PROC_TIMER_GETOVERRUN,
    PROC_TIMER_DELETE,
    PROC_CLOCK_SET,
    PROC_TERMINAL,
    PROC_SCHED_POLICY,
    PROC_FUTEX_PI,
    PROC_ROBUST_LIST,
    PROC_ROBUST_RELEASE,
    PROC_LEND_MEMORY,
    PROC_PROCESS_VM,
    PROC_KCMP,
    PROC_ACCESS,
    PROC_RLIMIT,
    PROC_USERFAULTFD,
    PROC_PROCFS,
    PROC_MEMORY_LOCK,
    PROC_PROCFS_FD,
    PROC_MADVISE,
};

/* PROC_MEMORY_LOCK's operations. */
#define PROC_MEMORY_LOCK_RANGE      0
#define PROC_MEMORY_UNLOCK_RANGE    1
#define PROC_MEMORY_LOCK_ALL        2
#define PROC_MEMORY_UNLOCK_ALL      3

/* PROC_PROCFS's files: /proc/<pid>/... and /proc/... */
enum proc_procfs_file {
    PROC_PROCFS_PIDS,
    PROC_PROCFS_OWNER,
    PROC_PROCFS_STAT,           /* /proc/<pid>/stat */
    PROC_PROCFS_STATUS,
    PROC_PROCFS_CMDLINE,
    PROC_PROCFS_COMM,
    PROC_PROCFS_MEMINFO,        /* /proc/meminfo */
    PROC_PROCFS_UPTIME,
    PROC_PROCFS_LOADAVG,
    PROC_PROCFS_CPUINFO,
    PROC_PROCFS_SYSTEM_STAT,    /* /proc/stat */
    PROC_PROCFS_FDS,            /* /proc/<pid>/fd's and fdinfo's listing */
    PROC_PROCFS_MAPS,           /* /proc/<pid>/maps */
    PROC_PROCFS_EXE,            /* /proc/<pid>/exe's link */
};

/* PROC_RLIMIT's resources (Linux's numbers). */
#define PROC_RLIMIT_CPU         0
#define PROC_RLIMIT_DATA        2
#define PROC_RLIMIT_NPROC       6
#define PROC_RLIMIT_MEMLOCK     8
#define PROC_RLIMIT_AS          9
#define PROC_RLIMIT_SIGPENDING  11
#define PROC_RLIMIT_NICE        13
#define PROC_RLIMIT_RTPRIO      14
/* Those resources, a bit each: the personality tells procmgr of every
 * change to one of them. */
#define PROC_RLIMITS_ENFORCED                                                   \
    (1u << PROC_RLIMIT_CPU | 1u << PROC_RLIMIT_DATA | 1u << PROC_RLIMIT_NPROC |  \
     1u << PROC_RLIMIT_MEMLOCK | 1u << PROC_RLIMIT_AS | 1u << PROC_RLIMIT_SIGPENDING | \
     1u << PROC_RLIMIT_NICE | 1u << PROC_RLIMIT_RTPRIO)

/* PROC_FUTEX_PI's operations (FUTEX_LOCK_PI and FUTEX_LOCK_PI2 lock). */
#define PROC_FUTEX_PI_LOCK      0
#define PROC_FUTEX_PI_TRYLOCK   1
#define PROC_FUTEX_PI_UNLOCK    2
#define PROC_FUTEX_PI_WAIT_REQUEUE  3   /* FUTEX_WAIT_REQUEUE_PI */
#define PROC_FUTEX_PI_CMP_REQUEUE   4   /* FUTEX_CMP_REQUEUE_PI */

/* PROC_SCHED_POLICY's policy register: keep the policy, or change nothing. */
#define PROC_SCHED_KEEP         ((uint64_t)-1)
#define PROC_SCHED_ASK          ((uint64_t)-2)

#define PROC_TERMINAL_READABLE  1
#define PROC_TERMINAL_FAULTED   2
/* PROC_TERMINAL's requests that are not ioctls: may the caller read the
 * terminal, or write or set it (FILE_TERMINAL_ACCESS, file.h)? */
#define PROC_TERMINAL_READ      (1ULL << 32)
#define PROC_TERMINAL_WRITE     (2ULL << 32)

/* PROC_TGKILL flags: the signals Linux's kernel sends a thread itself,
 * which the personality raises for it. FROM_KERNEL: force_sig's si_code
 * SI_KERNEL and no sender (SIGSEGV for a signal frame that cannot be
 * written); AS_KILL: send_sig's SI_USER from the thread's own process
 * (SIGPIPE). */
#define PROC_TGKILL_FROM_KERNEL 1
#define PROC_TGKILL_AS_KILL     2

/* PROC_SPAWN: the first program's stdin is this file, not the console (a
 * host feeding it input from a file, as tools/exec does). */
#define PROC_SPAWN_STDIN_FILE   1
#define PROC_STDIN_FILE_PATH    "/etc/tern/stdin"

enum proc_set_ids {
    PROC_SETUID, PROC_SETGID, PROC_SETREUID, PROC_SETREGID, PROC_SETRESUID, PROC_SETRESGID,
};

/* The registers a forked or cloned thread starts with. */
struct linux_user_frame {
    uint64_t x[31];
    uint64_t sp;
    uint64_t pc;
    uint64_t pstate;
    uint64_t tpidr_el0;
};
#define PROC_FRAME_FIRST_MR     4
#define PROC_FRAME_WORDS        (sizeof(struct linux_user_frame) / 8)
/* PROC_CLONE: the child's clear/set tid address (CLONE_CHILD_CLEARTID,
 * CLONE_CHILD_SETTID) after the frame. */
#define PROC_CLONE_CHILD_TID_MR (PROC_FRAME_FIRST_MR + PROC_FRAME_WORDS)
/* PROC_CLONE: where the parent wants the new tid (CLONE_PARENT_SETTID),
 * written before the child runs, as Linux does. */
#define PROC_CLONE_PARENT_TID_MR (PROC_CLONE_CHILD_TID_MR + 1)

#define PROCMGR_BADGE_INIT          (1ULL << 61)
#define PROCMGR_FAULT_FLAG          (1ULL << 62)
#define PROCMGR_FAULT_BADGE(tid)    (PROCMGR_FAULT_FLAG | (uint64_t)(tid))
/* PROC_SIGNAL_TAKE: the caller accepts the signal (sigtimedwait), so its
 * action (terminate, ignore) does not apply. */
#define PROC_SIGNAL_ACCEPT          1

/* procmgr's own timer notification (interval timers), not a sender. */
#define PROCMGR_TIMER_BADGE         (1ULL << 63)
/* Its notification as vfs holds it: a terminal's keyboard raised signals. */
#define PROCMGR_TERMINAL_BADGE      (PROCMGR_TIMER_BADGE | 2)

/* procmgr's own fixed slots (after enum server_slot). */
enum procmgr_slot {
    /* Its own session of vfs, as root: it opens programs and consoles. */
    PROCMGR_SLOT_VFS_SESSION = 16,
    /* Every server's endpoint, unbadged, to mint each process's sessions
     * from: server s's (sys/servers.h) in PROCMGR_SLOT_SERVERS + s. */
    PROCMGR_SLOT_SERVERS = 32,
};

#endif
