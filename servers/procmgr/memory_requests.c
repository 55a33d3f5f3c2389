/*
 * procmgr's requests about memory (request.h): the mmap family, futex
 * keys, what is mapped where, and the faults of every thread it made (it is their pager). The
 * work is space.c's, with memory_object.c for what files lend.
 */
#include "memory_object.h"
#include "out_of_memory.h"
#include "request.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"
#include "sys/syscall.h"

#define ESR_WRITE_NOT_READ  (1ULL << 6)
#define ESR_CLASS(esr)      (((esr) >> 26) & 0x3f)
#define ESR_CLASS_BRK       0x3c
/* A data or instruction abort's fault status: its kind, level aside. */
#define ESR_FAULT_KIND(esr)         ((esr) & 0x3c)
#define FAULT_KIND_TRANSLATION      0x04
#define FAULT_KIND_ACCESS_FLAG      0x08
#define FAULT_KIND_PERMISSION       0x0c

/* A file mapping: its descriptor (capability 0) says whether and how the
 * file maps (memory_object_map_file); 0 or -errno. */
static int map_file(struct request *request, struct mapping *mapping)
{
    uint64_t descriptor = server_keep_capability(request->message, 0);
    if (!descriptor)
        return -LINUX_EBADF;
    bool writable = false;
    int status = memory_object_map_file(descriptor, mapping->prot, mapping->shared,
                                        mapping->offset, mapping->length, &mapping->object,
                                        &writable);
    if (status != 0)                        /* the object did not take it */
        memory_delete(&server_memory, descriptor);
    if (status < 0)
        return status;
    mapping->write_forbidden = mapping->shared && !writable;
    return 0;
}

/* PROC_MMAP: anonymous memory, or a file (capability 0, offset in MR4);
 * the calling thread's id in MR5. A MAP_FIXED mapping replaces what was
 * there as munmap would: a userfaultfd's UNMAP event, and the answer
 * waits until it is read. */
void handle_mmap(struct request *request)
{
    const uint64_t *mr = request->mr;
    unsigned type = (unsigned)mr[3] & LINUX_MAP_TYPE;
    struct mapping mapping = { .address = mr[0], .length = mr[1], .prot = (unsigned)mr[2],
                               .flags = (unsigned)mr[3], .offset = argument(request, 4),
                               .shared = type == LINUX_MAP_SHARED
                                         || type == LINUX_MAP_SHARED_VALIDATE };
    uint64_t page_length;
    int status = address_map_check_mmap(mapping.address, mapping.length, mapping.flags,
                                        mapping.offset, &page_length);
    if (status == 0 && !(mapping.flags & LINUX_MAP_ANONYMOUS))
        status = map_file(request, &mapping);
    else if (status == 0 && type == LINUX_MAP_SHARED_VALIDATE)
        status = -LINUX_EINVAL;     /* it validates flags for files only */
    mapping.offset = mapping.object ? mapping.offset : 0;
    if (status < 0)
        return result(request, status);
    mapping.privileged = request->process->euid == 0;
    struct space *space = request->process->space;
    bool replaces = (mapping.flags & LINUX_MAP_FIXED) && !(mapping.flags & LINUX_MAP_FIXED_NOREPLACE);
    if (replaces)
        userfault_unmap(space, mapping.address, mapping.address + page_length);
    int64_t address = space_mmap(space, &mapping);
    if (!replaces || !userfault_unmap_wait(request, calling_thread_in(request, 5), address))
        result(request, address);
}

/* PROC_MAPPING: the region holding address, or the first above it: its
 * start, end, the key of the memory object it maps (0: none) and the
 * offset of its start in that object; -ENOMEM above the last region.
 * shmdt looks for the attachments it detaches this way. */
static void handle_mapping(struct request *request, const struct space *space,
                           uint64_t address)
{
    for (unsigned i = 0; i < space->map.count; i++) {
        const struct region *region = &space->map.regions[i];
        if (region->end <= address)
            continue;
        uint64_t values[] = { 0, region->start, region->end,
                              region->object ? memory_object_key(region->object) : 0,
                              region->object_offset };
        memcpy(request->results, values, sizeof values);
        request->result_count = sizeof values / sizeof values[0];
        return;
    }
    result(request, -LINUX_ENOMEM);
}

/* PROC_MEMORY_LOCK: mlock, munlock, mlockall and munlockall, as
 * Linux's mm/mlock.c counts them against RLIMIT_MEMLOCK; root has
 * CAP_IPC_LOCK and is not limited. Nothing is ever swapped out, so a
 * lock changes no page: only what later locks may take. */
static int64_t memory_lock(struct process *process, uint64_t operation, uint64_t address,
                           uint64_t length)
{
    struct address_map *map = &process->space->map;
    bool privileged = process->euid == 0;
    bool may_lock = map->lock_limit != 0 || privileged;    /* Linux's can_do_mlock */
    switch (operation) {
    case PROC_MEMORY_LOCK_RANGE:
    case PROC_MEMORY_UNLOCK_RANGE: {
        bool lock = operation == PROC_MEMORY_LOCK_RANGE;
        if (lock && !may_lock)
            return -LINUX_EPERM;
        uint64_t start = address & ~(uint64_t)(PAGE_SIZE - 1);
        uint64_t end = (address + length + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
        if (end < start || (length && end == start))
            return -LINUX_EINVAL;       /* the range wraps */
        if (end == start)
            return 0;
        if (lock && !privileged && !address_map_may_lock(map, start, end))
            return -LINUX_ENOMEM;
        return address_map_set_locked(map, start, end, lock);
    }
    case PROC_MEMORY_LOCK_ALL: {
        uint64_t flags = length;
        if (!may_lock)
            return -LINUX_EPERM;
        if ((flags & LINUX_MCL_CURRENT) && !privileged && address_map_mapped(map) > map->lock_limit)
            return -LINUX_ENOMEM;
        map->lock_future = flags & LINUX_MCL_FUTURE;
        if (flags & (LINUX_MCL_CURRENT))
            address_map_set_all_locked(map, true);
        return 0;
    }
    case PROC_MEMORY_UNLOCK_ALL:
        map->lock_future = false;
        address_map_set_all_locked(map, false);
        return 0;
    default:
        return -LINUX_EINVAL;
    }
}

/* PROC_MUNMAP: address, length, the calling thread's id. A context that
 * asked for UFFD_EVENT_UNMAP and has memory registered in the range
 * gets the event, and the answer waits until it is read. */
static void handle_munmap(struct request *request, struct space *space)
{
    uint64_t address = argument(request, 0), length = argument(request, 1);
    if (address_map_check_munmap(address, length) == 0)
        userfault_unmap(space, address, address + ((length + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)));
    int64_t status = space_munmap(space, address, length);
    if (!userfault_unmap_wait(request, calling_thread_in(request, 2), status))
        result(request, status);
}

/* PROC_MADVISE: address, length, advice, the calling thread's id. Pages
 * of a userfaultfd's registered memory that go make UFFD_EVENT_REMOVE
 * for a context that asked for it, and the answer waits until it is
 * read. */
static void handle_madvise(struct request *request, struct space *space)
{
    int64_t status = space_madvise(space, argument(request, 0), argument(request, 1),
                                   (int)argument(request, 2));
    if (!userfault_events_wait(request, calling_thread_in(request, 3), status))
        result(request, status);
}

/* PROC_MREMAP: address, old length, new length, flags, MREMAP_FIXED's
 * target (or the hint), the calling thread's id. The unmaps it makes and
 * a move of registered memory give a userfaultfd's UNMAP and REMAP
 * events, and the answer waits until they are read. */
static void handle_mremap(struct request *request, struct space *space)
{
    const uint64_t *mr = request->mr;
    int64_t status = space_mremap(space, mr[0], mr[1], mr[2], mr[3],
                                  argument(request, 4), request->process->euid == 0);
    if (!userfault_events_wait(request, calling_thread_in(request, 5), status))
        result(request, status);
}

void handle_memory(struct request *request, uint64_t label)
{
    struct space *space = request->process->space;
    const uint64_t *mr = request->mr;
    switch (label) {
    case PROC_MMAP:
        return handle_mmap(request);
    case PROC_MUNMAP: return handle_munmap(request, space);
    case PROC_MPROTECT: return result(request, space_mprotect(space, mr[0], mr[1], (unsigned)mr[2]));
    case PROC_MADVISE: return handle_madvise(request, space);
    case PROC_BRK: return result(request, space_brk(space, mr[0]));
    case PROC_MREMAP: return handle_mremap(request, space);
    case PROC_FUTEX_KEY: return result(request, space_futex_key(space, mr[0]));
    case PROC_MAPPING: return handle_mapping(request, space, mr[0]);
    case PROC_MEMORY_LOCK:
        return result(request, memory_lock(request->process, mr[0], mr[1], mr[2]));
    }
}

/* Whether the personality's instruction at pc is an exclusive load
 * (LDXR, LDAXR, any size): it faults as a read (ESR's WnR is 0), but the
 * personality uses one only to begin an atomic read-modify-write, and it
 * touches a system call's buffer for writing with one (linux_touch_pages),
 * where Linux's copy_to_user would fault as a write. */
static bool personality_writes_at(struct space *space, uint64_t pc)
{
    uint32_t instruction = 0;
    uint64_t copied;
    if (tern_vspace_read(space->vspace, pc, sizeof instruction, (uint64_t)&instruction, &copied)
        != TERN_OK)
        return false;
    return (instruction & 0x3fff7c00u) == 0x085f7c00u;
}

/* Memory for processes ran out at a fault of faulting's: Linux's OOM
 * killer ends the process that holds the most pages with SIGKILL
 * (out_of_memory.h). Whether that was another one, so that the fault
 * may be tried again with what it gave back. */
static bool killed_another_for(struct process *faulting)
{
    struct oom_choice choice = {0, 0};
    for (unsigned pid = 1; pid < ID_LIMIT; pid++) {
        struct process *process = processes[pid];
        if (!process)
            continue;
        struct oom_candidate candidate = {
            .pid = pid,
            .pages = process->space ? space_reclaimable_pages(process->space) : 0,
            .exempt = process->state != PROCESS_ALIVE || !process->space,
        };
        oom_consider(&choice, &candidate);
    }
    if (choice.pid == 0 || choice.pid == faulting->pid)
        return false;
    process_exit(processes[choice.pid], LINUX_W_EXITCODE(0, LINUX_SIGKILL));
    return true;
}

/* Whether the hardware faulted on the page's mapping (missing, or without
 * the access flag or the right), rather than on the access itself (an
 * exclusive access out of alignment, say), which no mapping cures. */
static bool faulted_on_the_mapping(uint64_t esr)
{
    uint64_t kind = ESR_FAULT_KIND(esr);
    return kind == FAULT_KIND_TRANSLATION || kind == FAULT_KIND_ACCESS_FLAG
        || kind == FAULT_KIND_PERMISSION;
}

/* A fault of one of the threads procmgr made: page it in, or the process
 * dies of the signal Linux would send. */
void handle_fault(struct request *request, uint64_t tid)
{
    struct thread *thread = tid < ID_LIMIT ? threads[tid] : 0;
    request->silent = true;
    if (!thread)
        return;
    struct process *process = thread->process;
    uint64_t label = tern_message_label(request->info);
    uint64_t signal = LINUX_SIGSEGV, address = 0;
    int32_t code = 0;
    if (label == TERN_FAULT_VM) {
        bool write = !request->mr[2] && (request->mr[3] & ESR_WRITE_NOT_READ);
        uint64_t pc = request->mr[0];
        address = request->mr[1];
        bool in_personality = pc >= LINUX_PERSONALITY && pc < LINUX_PROCESS_INFO;
        if (faulted_on_the_mapping(request->mr[3])
            && space_mapped_for(process->space, address, write, request->mr[2])) {
            request->silent = false;    /* spurious: the access is tried again */
            request->result_count = 0;
            return;
        }
        struct fault_signal unresolved;
        int status = space_handle_fault(process->space, address, write, &unresolved);
        if (status == SPACE_FAULT_OUT_OF_MEMORY) {
            if (killed_another_for(process)) {
                request->silent = false;    /* resume: the access faults again */
                request->result_count = 0;
                return;
            }
            process_exit(process, LINUX_W_EXITCODE(0, LINUX_SIGKILL));
            return;
        }
        if (status == SPACE_FAULT_USERFAULT || status == SPACE_FAULT_USERFAULT_MINOR) {
            /* A userfaultfd's range: the thread waits for its pager. */
            if (in_personality && !write)
                write = personality_writes_at(process->space, pc);
            bool minor = status == SPACE_FAULT_USERFAULT_MINOR;
            if (userfault_fault(request, thread, address, write, minor, in_personality) == 0) {
                request->silent = false;
                return;
            }
            status = -LINUX_EFAULT;
            unresolved = (struct fault_signal){ LINUX_SIGBUS, LINUX_BUS_ADRERR };
        }
        if (status == 0
            || (in_personality && tern_tcb_write_registers(thread->tcb,
                   TERN_WRITE_REGISTERS_IN_UPCALL, 1,
                   &(uint64_t){ process->space->upcall_entry + TERN_UPCALL_FAULT_RETURN_OFFSET })
                   == TERN_OK)) {
            /* Paged in, or a bad address in a syscall: the personality
             * ends it with EFAULT (SIGSEGV for a signal frame). */
            request->silent = false;
            request->result_count = 0;
            return;
        }
        signal = unresolved.signal;
        code = unresolved.code;
    } else if (label == TERN_FAULT_USER_EXCEPTION) {
        bool breakpoint = ESR_CLASS(request->mr[3]) == ESR_CLASS_BRK;
        signal = breakpoint ? LINUX_SIGTRAP : LINUX_SIGILL;
        code = breakpoint ? LINUX_TRAP_BRKPT : LINUX_ILL_ILLOPC;
        address = request->mr[0];
    } else {
        signal = LINUX_SIGSYS;      /* a syscall the personality did not take */
    }
    if (signal != LINUX_SIGSYS && signal_fault(thread, (unsigned)signal, code, address)) {
        request->silent = false;    /* resume: into the handler */
        request->result_count = 0;
        return;
    }
    process_exit(process, LINUX_W_EXITCODE(0, signal));
}
