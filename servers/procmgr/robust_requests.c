/*
 * Robust futex lists (robust_list.h decides what to do): each thread's
 * set_robust_list head is in its info page (linux_thread_info's
 * robust_list), where procmgr finds it when the thread ends, however it
 * ends: its exit, exit_group, a fatal signal, SIGKILL, execve. procmgr
 * walks the list in the process's memory then, before the address space
 * goes, as Linux's exit does: a killed process runs nothing of its own.
 * PROC_ROBUST_LIST answers get_robust_list for another thread;
 * PROC_ROBUST_RELEASE walks the caller's list ahead of its exit.
 *
 * The futex words are swapped with the CPU's own compare-and-swap on
 * procmgr's mapping of their frame (space_compare_exchange), so a thread
 * of another process that locks the mutex or sets FUTEX_WAITERS at the
 * same moment is never overwritten. The thread whose list it is has
 * stopped by then (thread_destroy suspends it first; PROC_ROBUST_RELEASE
 * comes from it). As in Linux, the list itself is read without any lock,
 * and a word that another process keeps rewriting is given up after
 * ROBUST_WORD_ATTEMPTS tries (Linux tries on): its mutex stays owned by
 * the dead thread.
 */
#include "request.h"
#include "robust_list.h"
#include "sys/invoke.h"
#include "sys/protocol/futex.h"
#include "sys/syscall.h"

#define FUTEX_BITSET_MATCH_ANY 0xffffffffULL

/* Where the thread's head is: its info page. */
static uint64_t head_address(const struct thread *thread)
{
    return linux_thread_ipc_buffer(thread->area) + LINUX_THREAD_INFO_OFFSET +
           __builtin_offsetof(struct linux_thread_info, robust_list);
}

static uint64_t head_of(const struct thread *thread)
{
    uint64_t head = 0;
    space_read(thread->process->space, head_address(thread), &head, sizeof head);
    return head;
}

static int read_memory(void *space, uint64_t address, void *bytes, unsigned length)
{
    return space_read(space, address, bytes, length) < 0 ? -1 : 0;
}

static int compare_exchange(void *space, uint64_t address, uint32_t expected, uint32_t desired,
                            uint32_t *found)
{
    int swapped = space_compare_exchange(space, address, expected, desired, found);
    return swapped < 0 ? -1 : swapped;
}

/* FUTEX_WAKE of one waiter, as a shared futex: the key PROC_FUTEX_KEY
 * gives the address, through the futex server's endpoint itself (badge
 * 0, a pid no process has, which a shared key does not need). The server
 * answers at once and never calls procmgr. */
static void wake_one(void *space, uint64_t address)
{
    int64_t key = space_futex_key(space, address);
    if (key < 0)
        return;
    uint64_t mr[TERN_MSG_REGISTERS] = { (uint64_t)key, address, 1, FUTEX_BITSET_MATCH_ANY };
    tern_call(PROCMGR_SLOT_SERVERS + SERVER_FUTEX, tern_message(FUTEX_WAKE, 0, 4), mr);
}

void thread_release_robust_list(struct thread *thread)
{
    struct space *space = thread->process->space;
    uint64_t head = space ? head_of(thread) : 0;
    if (!head)
        return;
    struct robust_list_memory memory = { read_memory, compare_exchange, wake_one, space };
    robust_list_release(&memory, head, (uint32_t)thread->tid);
    /* Walked once: Linux forgets the head too. */
    uint64_t none = 0;
    space_write(space, head_address(thread), &none, sizeof none);
}

/* PROC_ROBUST_LIST: get_robust_list of thread tid. Another process's
 * needs ptrace's read access (PTRACE_MODE_READ_REALCREDS), which is
 * pidfd_getfd's check: they differ only in Yama, which looks at attaching
 * alone. A process whose thread of that id has ended (its main thread
 * exited first, or the process is a zombie) still has that id, with no
 * list, as in Linux. */
void handle_robust_list(struct request *request)
{
    int64_t tid = (int32_t)request->mr[0];
    struct thread *thread = tid > 0 && tid < ID_LIMIT ? threads[tid] : 0;
    struct process *target = thread ? thread->process
                           : tid > 0 && tid < ID_LIMIT ? processes[tid] : 0;
    if (!target)
        return result(request, -LINUX_ESRCH);
    /* PTRACE_MODE_READ_REALCREDS (a zombie, with no memory, has no
     * dumpable check). */
    if (process_may_inspect(request->process, target, ACCESS_QUERY) < 0)
        return result(request, -LINUX_EPERM);
    request->results[0] = 0;
    request->results[1] = thread ? head_of(thread) : 0;
    request->result_count = 2;
}

/* PROC_ROBUST_RELEASE: the calling thread, about to exit, has its list
 * walked first, so that the futex words are marked before the
 * personality wakes clear_child_tid's waiter (a joiner), as Linux orders
 * them. The thread waits in this call meanwhile. */
void handle_robust_release(struct request *request)
{
    struct thread *caller = calling_thread(request);
    if (!caller)
        return result(request, -LINUX_ESRCH);
    thread_release_robust_list(caller);
    result(request, 0);
}
