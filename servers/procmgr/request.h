/*
 * A request to procmgr as its handlers see it (main.c decodes who asks,
 * then dispatches on the label to process_requests.c, signal_requests.c
 * and memory_requests.c), and the answer they build: results in
 * registers, or a deferred or silent outcome.
 */
#ifndef PROCMGR_REQUEST_H
#define PROCMGR_REQUEST_H

#include "procmgr.h"
#include "sys/server.h"

struct request {
    struct server_request *message;     /* as the runtime received it */
    tern_message_info info;
    const uint64_t *mr;                 /* all its message registers */
    uint64_t reply;
    struct process *process;            /* who asks */
    uint64_t results[12];
    unsigned result_count;
    bool deferred;                      /* the reply object is kept: take another */
    bool silent;                        /* no answer: the caller is gone */
};

/* Message register index, or 0 past the message's length. */
static inline uint64_t argument(const struct request *request, unsigned index)
{
    return index < tern_message_length(request->info) ? request->mr[index] : 0;
}

static inline void result(struct request *request, int64_t value)
{
    request->results[0] = (uint64_t)value;
    request->result_count = 1;
}

/* The calling thread, if the tid in register index is one of the
 * caller's. */
static inline struct thread *calling_thread_in(const struct request *request, unsigned index)
{
    uint64_t tid = argument(request, index);
    struct thread *thread = tid < ID_LIMIT ? threads[tid] : 0;
    return thread && thread->process == request->process ? thread : 0;
}

/* The same for register 0, where most requests that name it have it. */
static inline struct thread *calling_thread(const struct request *request)
{
    return calling_thread_in(request, 0);
}

/* process_requests.c */
void handle_fork(struct request *request);
void handle_clone(struct request *request);
void handle_spawn(struct request *request);
void handle_execve(struct request *request);
void handle_exit(struct request *request);
void handle_wait4(struct request *request);
void handle_waitid(struct request *request);
void handle_get_ids(struct request *request);
void handle_set_ids(struct request *request);
void handle_process_groups(struct request *request, uint64_t label);
void handle_sched_affinity(struct request *request);
void handle_sched_policy(struct request *request);
/* pi_futexes.c */
void handle_futex_pi(struct request *request);
void handle_unshare(struct request *request);
void handle_dumpable(struct request *request);
void handle_cpu_time(struct request *request);
void handle_sysinfo(struct request *request);
/* procfs_requests.c */
void handle_procfs(struct request *request);
void handle_procfs_descriptor(struct request *request);
void handle_lend_memory(struct request *request);
void handle_access(struct request *request);
void handle_rlimit(struct request *request);
void handle_clock_set(struct request *request);
/* terminal_requests.c */
void handle_terminal(struct request *request);
/* robust_requests.c */
void handle_robust_list(struct request *request);
void handle_robust_release(struct request *request);

/* signal_requests.c */
void handle_kill(struct request *request);
void handle_tgkill(struct request *request);
void handle_sigqueue(struct request *request);
void handle_mq_notified(struct request *request);
void handle_sigaction(struct request *request);
void handle_signal_take(struct request *request);
void handle_signal_pause(struct request *request);
void handle_getitimer(struct request *request);
void handle_setitimer(struct request *request);

/* pidfd_requests.c */
void handle_pidfd_open(struct request *request);
void handle_pidfd_send_signal(struct request *request);
void handle_pidfd_getfd(struct request *request);
/* A pidfd of target in owner's CNode slot (CLONE_PIDFD, pidfd_open): 0
 * or -errno. */
int make_pidfd(struct process *target, uint32_t flags, struct process *owner, uint64_t slot);
/* waitid's P_PIDFD: the pid the pidfd in capability 0 names, 0 once it
 * is reaped, and whether its description is O_NONBLOCK; -EBADF for
 * anything but a pidfd. */
int pidfd_wait_target(struct request *request, int64_t *pid, bool *nonblocking);
/* kill's checks and a signal with its siginfo, from sender (signal_requests.c). */
int signal_deliver_from(struct process *sender, struct process *target, uint64_t signal,
                        const struct signal_info *info);

/* process_vm.c: process_vm_readv and process_vm_writev */
void handle_process_vm(struct request *request);
/* kcmp_requests.c */
void handle_kcmp(struct request *request);

/* posix_timers.c */
void handle_timer_create(struct request *request);
void handle_timer_settime(struct request *request);
void handle_timer_gettime(struct request *request);
void handle_timer_getoverrun(struct request *request);
void handle_timer_delete(struct request *request);

/* userfault_requests.c: userfaultfd(2); a fault at a missing page of a
 * registered range (minor: a page a MINOR range's object has),
 * in_system_call if the personality took it (0: the
 * thread waits, its reply kept; -errno: it cannot, and the fault is
 * SIGBUS, or EFAULT for the system call: UFFD_FEATURE_SIGBUS, and
 * UFFD_USER_MODE_ONLY for a system call's). */
void handle_userfaultfd(struct request *request);
int userfault_fault(struct request *request, struct thread *thread, uint64_t address, bool write,
                    bool minor, bool in_system_call);
/* The same for procmgr's own access to space for thread's system call
 * (process_vm_readv/writev; kind: SPACE_FAULT_USERFAULT or _MINOR):
 * 0, the call waits (answered USERFAULT_ACCESS_AGAIN once the pager
 * fills the page, or the wait ends, and killable only, as Linux's remote
 * access); -EFAULT when the pager does not take it (SIGBUS feature,
 * UFFD_USER_MODE_ONLY, no reply object to keep). */
int userfault_wait_for_access(struct request *request, struct thread *thread,
                              struct space *space, uint64_t address, bool write, int kind);

/* memory_requests.c */
void handle_memory(struct request *request, uint64_t label);
/* A fault of thread tid: paged in, or the signal Linux would send. */
void handle_fault(struct request *request, uint64_t tid);

#endif
