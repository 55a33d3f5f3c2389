/*
 * Processes and threads (protocol/procmgr.h): clone, fork, execve, exit,
 * exit_group, wait4, waitid, and the ids a thread knows itself.
 *
 * A new thread or process starts from a struct linux_user_frame: the
 * registers this thread had at its svc (from the upcall frame), resuming
 * after the svc with x0 = 0. It never passes through the personality, so
 * nothing here runs in the child.
 */
#include "descriptors.h"
#include "exec_block.h"
#include "paths.h"
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"
#include "sys/protocol/vfs.h"

/* PROC_CLONE's register after the child's tid address: the parent's
 * (CLONE_PARENT_SETTID), for procmgr to store the tid before the child
 * runs, as Linux does. Not in protocol/procmgr.h yet. */
#define PROC_CLONE_PARENT_TID_MR    (PROC_CLONE_CHILD_TID_MR + 1)

static uint64_t current_tls(void)
{
    uint64_t tls;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(tls));
    return tls;
}

/* The child's registers into message registers 4 onwards. */
static void set_frame_registers(const struct linux_syscall_frame *frame, uint64_t tls)
{
    struct linux_user_frame child = {
        .sp = frame->sp,
        .pc = frame->pc,
        .pstate = frame->pstate,
        .tpidr_el0 = tls,
    };
    for (unsigned i = 1; i < 31; i++)
        child.x[i] = frame->x[i];
    const uint64_t *words = (const uint64_t *)&child;
    for (unsigned i = 0; i < PROC_FRAME_WORDS; i++)
        tern_set_mr(PROC_FRAME_FIRST_MR + i, words[i]);
}

/* PROC_FORK: flags CLONE_NEWIPC and CLONE_PIDFD (its pidfd into
 * pidfd_slot). */
static int64_t fork_process(uint64_t stack, uint64_t flags, uint64_t pidfd_slot,
                            const struct linux_syscall_frame *frame)
{
    set_frame_registers(frame, current_tls());
    uint64_t mr[4] = {linux_thread_id(), stack, flags & (LINUX_CLONE_NEWIPC | LINUX_CLONE_PIDFD),
                      pidfd_slot};
    return linux_call(LINUX_SLOT_PROCMGR, PROC_FORK, PROC_FRAME_FIRST_MR + PROC_FRAME_WORDS, 0, 0,
                      mr);
}

static int64_t clone_thread(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t tls,
                            uint64_t child_tid, const struct linux_syscall_frame *frame)
{
    uint64_t child_tls = (flags & LINUX_CLONE_SETTLS) ? tls : current_tls();
    set_frame_registers(frame, child_tls);
    tern_set_mr(PROC_CLONE_CHILD_TID_MR, child_tid);
    tern_set_mr(PROC_CLONE_PARENT_TID_MR, parent_tid);
    uint64_t mr[4] = {linux_thread_id(), flags, stack, child_tls};
    int64_t tid = linux_call(LINUX_SLOT_PROCMGR, PROC_CLONE, PROC_CLONE_PARENT_TID_MR + 1, 0, 0, mr);
    if (tid < 0)
        return tid;
    /* Stored here too (procmgr stores CLONE_CHILD_SETTID's before the
     * child runs): harmless twice in the memory the threads share. */
    if ((flags & LINUX_CLONE_PARENT_SETTID) && parent_tid != 0)
        *(volatile int32_t *)(uintptr_t)parent_tid = (int32_t)tid;
    if ((flags & LINUX_CLONE_CHILD_SETTID) && child_tid != 0)
        *(volatile int32_t *)(uintptr_t)child_tid = (int32_t)tid;
    return tid;
}

int64_t sys_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t tls,
                  uint64_t child_tid, const struct linux_syscall_frame *frame)
{
    if ((flags & LINUX_CLONE_THREAD) && !(flags & LINUX_CLONE_SIGHAND))
        return -LINUX_EINVAL;
    if ((flags & LINUX_CLONE_SIGHAND) && !(flags & LINUX_CLONE_VM))
        return -LINUX_EINVAL;
    /* A new IPC namespace is for a new process, and its SEM_UNDO list
     * cannot be shared with the old one's. */
    if ((flags & LINUX_CLONE_NEWIPC) && (flags & (LINUX_CLONE_THREAD | LINUX_CLONE_SYSVSEM)))
        return -LINUX_EINVAL;
    if ((flags & LINUX_CLONE_PIDFD) && (flags & LINUX_CLONE_THREAD))
        return -LINUX_EINVAL;
    if (flags & LINUX_CLONE_THREAD)
        return clone_thread(flags, stack, parent_tid, tls, child_tid, frame);
    if ((flags & LINUX_CLONE_VM) && !(flags & LINUX_CLONE_VFORK))
        return -LINUX_EINVAL;   /* processes sharing memory: not supported */
    /* fork, and vfork as posix_spawn does it (CLONE_VM|CLONE_VFORK on a
     * stack of its own): the child gets a copy of the address space and
     * starts on the given stack, which is all vfork promises. */
    if (!(flags & LINUX_CLONE_PIDFD)) {
        int64_t pid = fork_process(stack, flags, 0, frame);
        if (pid > 0 && (flags & LINUX_CLONE_PARENT_SETTID) && parent_tid != 0)
            *(volatile int32_t *)(uintptr_t)parent_tid = (int32_t)pid;
        return pid;
    }
    /* CLONE_PIDFD stores the pidfd where CLONE_PARENT_SETTID would the tid. */
    if (flags & LINUX_CLONE_PARENT_SETTID)
        return -LINUX_EINVAL;
    if (!linux_user_range(parent_tid, sizeof(int32_t)))
        return -LINUX_EFAULT;
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    /* Only the parent comes back here: the child starts from the frame. */
    int64_t pid = fork_process(stack, flags, linux_fd_slot((unsigned)fd), frame);
    if (linux_fd_settle((unsigned)fd, pid, true) >= 0)
        *(volatile int32_t *)(uintptr_t)parent_tid = (int32_t)fd;
    return pid;
}

/* Only a new IPC namespace can be had; the rest is not done (EINVAL). */
int64_t sys_unshare(uint64_t flags)
{
    return linux_request(LINUX_SLOT_PROCMGR, PROC_UNSHARE, 1, flags, 0, 0, 0);
}

int64_t sys_execve(const char *path, const char *const *argv, const char *const *envp)
{
    if (path == 0)
        return -LINUX_EFAULT;
    struct exec_block_layout layout;
    int64_t result = exec_block_measure(path, argv, envp, EXEC_BLOCK_LIMIT, &layout);
    if (result < 0)
        return result;

    uint64_t program = linux_scratch_slot();
    result = linux_open_into(program, LINUX_AT_FDCWD, path, VFS_OPEN_EXEC | LINUX_O_RDONLY, 0);
    if (result < 0)
        return result;

    uint64_t block_size = (layout.length + LINUX_PAGE_SIZE - 1) & ~(uint64_t)(LINUX_PAGE_SIZE - 1);
    int64_t block = linux_request(LINUX_SLOT_PROCMGR, PROC_MMAP, 4, 0, block_size,
                                  LINUX_PROT_READ | LINUX_PROT_WRITE,
                                  LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS);
    if (block < 0) {
        linux_capability_close(program);
        return block;
    }
    exec_block_fill((char *)(uintptr_t)block, path, argv, envp, &layout);

    tern_set_cap(0, program);
    linux_set_window(0, (uint64_t)block, layout.length, TERN_WINDOW_READ);
    uint64_t mr[4] = {linux_thread_id(), layout.argc, layout.envc, layout.length};
    result = linux_call(LINUX_SLOT_PROCMGR, PROC_EXECVE, 4, 1, 1, mr);

    /* Only a failed execve comes back. */
    linux_request_uninterrupted(LINUX_SLOT_PROCMGR, PROC_MUNMAP, 2, (uint64_t)block, block_size,
                                0, 0);
    linux_capability_close(program);
    return result < 0 ? result : -LINUX_EIO;
}

int64_t sys_exit(int64_t status)
{
    struct linux_thread_info *thread = linux_thread_info();
    /* Its robust futexes are marked (procmgr walks the list) before a
     * joiner can wake, as Linux's exit does it. */
    if (thread->robust_list != 0)
        linux_request_uninterrupted(LINUX_SLOT_PROCMGR, PROC_ROBUST_RELEASE, 1, linux_thread_id(),
                                    0, 0, 0);
    if (thread->clear_child_tid != 0) {
        /* What Linux does for CLONE_CHILD_CLEARTID: clear the word and
         * wake one waiter on it (pthread_join waits there). */
        __atomic_store_n((uint32_t *)(uintptr_t)thread->clear_child_tid, 0, __ATOMIC_SEQ_CST);
        linux_futex_wake_any(thread->clear_child_tid, 1);
    }
    return linux_request(LINUX_SLOT_PROCMGR, PROC_EXIT, 3, linux_thread_id(),
                         (uint64_t)status & 0xff, 0, 0);
}

int64_t sys_exit_group(int64_t status)
{
    linux_report_unknown_syscalls();
    return linux_request(LINUX_SLOT_PROCMGR, PROC_EXIT, 3, linux_thread_id(),
                         (uint64_t)status & 0xff, 1, 0);
}

#define LINUX_WNOTHREAD 0x20000000
#define LINUX_WALL      0x40000000
#define LINUX_WCLONE    0x80000000
#define LINUX_RUSAGE_SIZE 144
#define LINUX_SIGINFO_SIZE 128

int64_t sys_wait4(int64_t pid, int32_t *status, uint64_t options, void *usage)
{
    if (options & ~(uint64_t)(LINUX_WNOHANG | LINUX_WUNTRACED | LINUX_WCONTINUED |
                              LINUX_WNOTHREAD | LINUX_WALL | LINUX_WCLONE))
        return -LINUX_EINVAL;
    uint64_t mr[4] = {(uint64_t)(int64_t)(int32_t)pid, options, linux_thread_id(), 0};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_WAIT4, 3, 0, 0, mr);
    if (result > 0 && status != 0)
        *status = (int32_t)mr[1];
    if (result >= 0 && usage != 0)
        __builtin_memset(usage, 0, LINUX_RUSAGE_SIZE);    /* no accounting yet */
    return result;
}

/* The parts of siginfo_t waitid fills (Linux's layout on arm64). */
struct linux_child_siginfo {
    int32_t signal;
    int32_t error;
    int32_t code;
    int32_t pad;
    int32_t pid;
    uint32_t uid;
    int32_t status;
};

int64_t sys_waitid(int64_t type, int64_t id, void *info, uint64_t options, void *usage)
{
    if (options & ~(uint64_t)(LINUX_WNOHANG | LINUX_WUNTRACED | LINUX_WEXITED | LINUX_WCONTINUED |
                              LINUX_WNOWAIT | LINUX_WNOTHREAD | LINUX_WALL | LINUX_WCLONE))
        return -LINUX_EINVAL;
    if (!(options & (LINUX_WEXITED | LINUX_WUNTRACED | LINUX_WCONTINUED)))
        return -LINUX_EINVAL;
    unsigned caps = 0;
    if (type == LINUX_P_PIDFD) {
        int64_t status = linux_pidfd_argument(id);
        if (status < 0)
            return status;
        caps = 1;
    }
    uint64_t mr[4] = {(uint64_t)type, (uint64_t)(int64_t)(int32_t)id, options,
                      linux_thread_id()};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_WAITID, 4, caps, 0, mr);
    if (result < 0)
        return result;
    if (info != 0) {
        /* With WNOHANG and no child ready, Linux clears it: pid 0. */
        __builtin_memset(info, 0, LINUX_SIGINFO_SIZE);
        struct linux_child_siginfo *child = info;
        if (mr[1] != 0) {
            child->signal = LINUX_SIGCHLD;
            child->pid = (int32_t)mr[1];
            child->uid = (uint32_t)mr[2];
            child->code = (int32_t)mr[3];
            child->status = (int32_t)tern_get_mr(4);
        }
    }
    if (usage != 0)
        __builtin_memset(usage, 0, LINUX_RUSAGE_SIZE);
    return 0;
}

int64_t sys_getpid(void)
{
    return (int64_t)linux_process_info()->pid;
}

int64_t sys_gettid(void)
{
    return (int64_t)linux_thread_id();
}

int64_t sys_set_tid_address(uint64_t address)
{
    linux_thread_info()->clear_child_tid = address;
    return (int64_t)linux_thread_id();
}
