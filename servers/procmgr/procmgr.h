/*
 * procmgr's state: processes, their threads and their address spaces,
 * and the memory everything is made from.
 *
 * Memory: procmgr splits its untyped memory into CHUNK_BITS chunks. Each
 * address space (and each shared memory object) takes chunks as it needs
 * them and makes its objects from them (page tables, threads...), so when
 * it goes away, revoking its chunks destroys everything at once and the
 * chunks are free again. Private frames are the exception: fork shares
 * them between spaces, so they come from a pool of their own (frames.h).
 */
#ifndef PROCMGR_PROCMGR_H
#define PROCMGR_PROCMGR_H

#include <stdbool.h>
#include <stdint.h>
#include "access_model.h"
#include "address_map.h"
#include "credentials.h"
#include "job_control.h"
#include "kill_rules.h"
#include "pending_signals.h"
#include "pi_chain.h"
#include "scheduling.h"
#include "process_group.h"
#include "process_ids.h"
#include "signal_delivery.h"
#include "userfault.h"
#include "wait_match.h"
#include "page_index.h"
#include "sys/linux_abi.h"
#include "sys/linux_process.h"
#include "sys/memory.h"
#include "sys/protocol/procmgr.h"
#include "sys/server.h"

#define CHUNK_BITS          20
#define ID_LIMIT            32768           /* pids and tids: 1 .. ID_LIMIT - 1 */
#define CNODE_DEPTH         64
#define PAGE_SIZE           4096
/* A capability to call a server with (the sessions procmgr mints). */
#define CLIENT_RIGHTS (TERN_RIGHT_WRITE | TERN_RIGHT_GRANT | TERN_RIGHT_GRANT_REPLY)
#define PROCESS_PRIORITY    100

/* Where procmgr maps frames of other address spaces to fill them. */
#define SCRATCH_PAGE        0x7d00000000ULL /* SCRATCH_PAGES pages */
#define SCRATCH_PAGES       2
#define SCRATCH_BUFFER      0x7d00200000ULL /* SCRATCH_BUFFER_SIZE for reading files */
#define SCRATCH_BUFFER_SIZE 0x100000ULL
/* Where procmgr sees every private frame of the pool (frames.h): the
 * frame in slot n at FRAME_WINDOW + n * PAGE_SIZE. */
#define FRAME_WINDOW        0x7e00000000ULL

/* Objects made from chunks of their own: when the owner goes, revoking
 * the chunks destroys them all, and the procmgr slots that held them
 * (owned_slots) are free again. */
struct allotment {
    struct untyped_pool pool;
    uint32_t *owned_slots;
    uint32_t owned_count, owned_capacity;
};

/* One address space. */
struct space {
    uint64_t id;
    uint64_t vspace;
    uint64_t upcall_entry;              /* the personality's (VSpace_SetUpcall) */
    struct allotment objects;
    struct address_map map;
    struct page_index pages;            /* page -> frame (flags: PAGE_*) */
    /* The private frames the space shares with those it forked from or
     * forked (space.c), and its mappings of them (PAGE_INHERITED). */
    struct inherited_pages *inherited;
    struct page_index views;
};
/* page_entry flags */
#define PAGE_MAPPED     1               /* mapped now (PROT_NONE pages are not) */
/* A copy of a frame the space does not own (a memory object's, the
 * personality's text): never reused. A fork child asks the object for it
 * again, or borrows the personality's when it first touches it. */
#define PAGE_BORROWED   2
#define PAGE_WRITABLE   4               /* a borrowed frame that may be written through */
/* A private frame fork shared (frames.h): mapped read-only, copied on
 * the first write unless no other space uses it by then. */
#define PAGE_COPY_ON_WRITE 8
/* A view of an inherited frame: the space maps it, but the inherited
 * index holds the frame's use (space.c). */
#define PAGE_INHERITED 16

/* What mmap asks for (space_mmap). */
struct mapping {
    uint64_t address, length;
    unsigned prot, flags;               /* mmap's (MAP_FIXED...) */
    bool shared;
    /* A memory object to map (a file's), whose reference the mapping
     * takes, or 0: anonymous memory (shared: a new object). */
    uint64_t object;
    uint64_t offset;                    /* in the object */
    bool write_forbidden;               /* address_map.h */
    bool privileged;                    /* CAP_IPC_LOCK: MAP_LOCKED is not limited */
};

/* A fault procmgr cannot resolve: the signal and its si_code. */
struct fault_signal {
    unsigned signal;
    int32_t code;
};

struct thread {
    uint64_t tid;
    struct process *process;
    unsigned area;                      /* its thread area (linux_process.h) */
    uint64_t tcb;
    uint64_t ipc_buffer_frame;
    uint64_t fault_endpoint;            /* procmgr's endpoint, badged for this thread */
    struct pending_signals pending;     /* sent to this thread (tgkill) */
    uint64_t paused_reply;              /* PROC_SIGNAL_PAUSE's, held until a signal; or 0 */
    /* Stopped (job control): its PROC_SIGNAL_TAKE, held until SIGCONT, and
     * the mask it took with; or 0. */
    uint64_t stop_reply, stop_blocked;
    uint64_t cpu_mask;                  /* sched_setaffinity's, cores online only */
    struct scheduling scheduling;       /* sched_setscheduler's policy and priority */
    /* PI futexes (pi_futexes.c): its priorities and the locks it owns with
     * waiters; while it waits for one, its kept reply and deadline. */
    struct pi_thread pi;
    uint64_t pi_reply, pi_deadline;
    unsigned pi_window;                 /* the kept reply's window that reaches the PI word */
    /* FUTEX_WAIT_REQUEUE_PI: the condition word it waits on (0: none), the
     * PI word it is to move to, its place among such waiters, and
     * whether FUTEX_CMP_REQUEUE_PI moved it. */
    uint64_t requeue_key, requeue_key2;
    struct thread *requeue_next;
    bool requeued;
    unsigned cpu;                       /* the core of the mask it runs on */
    /* A fault it waits on in a userfaultfd range: its place in that
     * context's queue (userfault.h; context NULL: none). */
    struct userfault_waiter userfault;
    struct userfault *userfault_context;
    /* A call it made (fork, munmap) waits until the userfaultfd events
     * it queued (UFFD_EVENT_FORK, UNMAP) are read (pending of them; its
     * kept reply and the call's result), as Linux's calls wait for the
     * monitor: 0 pending: none. A fork's child does not run until then
     * either: held is its thread's id (0: none), resumed with the
     * answer, or when this thread ends. */
    struct {
        uint64_t reply;
        int64_t result;
        unsigned pending;
        uint32_t held;
    } userfault_event_wait;
};

/* A wait4/waitid caller whose reply procmgr holds until a child changes. */
struct waiter {
    uint64_t reply;
    uint64_t tid;                       /* the waiting thread */
    struct wait_request request;
};

enum process_state { PROCESS_ALIVE, PROCESS_ZOMBIE };

#define PROCESS_COMMAND_LINE_MAX 1024

struct process {
    uint64_t pid, ppid, pgid, sid;
    /* Its children, oldest first (wait4 looks at them in that order),
     * and its place among its parent's. */
    struct process *first_child, *last_child;
    struct process *next_sibling, *previous_sibling;
    enum process_state state;
    bool first_program;                 /* init's child: init waits for it */
    uint64_t wait_status;               /* as wait4 reports it, once a zombie */
    uint64_t uid, euid, suid, gid, egid, sgid;
    uint32_t ipc_namespace;             /* sys/ipc_namespace.h */
    /* Linux's dumpable: others of its user may take its descriptors
     * (pidfd_getfd); lost when its effective ids change, set again by an
     * execve with equal real and effective ids, or prctl. */
    bool dumpable;
    /* What it lets others do to it (access_model.h): Linux's rules
     * unless it tightened them; kept across fork and execve. */
    struct process_access access;
    /* RLIMIT_NPROC's soft limit (UINT64_MAX: none), told by the
     * personality; fork copies it, execve keeps it. */
    uint64_t task_limit;
    /* RLIMIT_SIGPENDING's soft limit (UINT64_MAX: none), the same way:
     * signals pending for its real user (signals.c). */
    uint64_t pending_limit;
    /* Linux's SEM_UNDO list (kcmp's KCMP_SYSVSEM): made when the process
     * first makes a thread (clone's CLONE_SYSVSEM shares it), never for a
     * fork child; a semop with SEM_UNDO makes one in Linux too, which is
     * not told here (docs/personality.md). */
    bool has_undo_list;
    /* CPU time in counter ticks: of its threads that ended, and of its
     * children and their own that it reaped (times' cutime). */
    uint64_t ended_threads_time, reaped_children_time;
    uint64_t cnode;                     /* its CSpace (guarded: slot n is cptr n) */
    struct allotment objects;           /* its CNode and threads: they outlive execve */
    struct space *space;
    struct thread *threads[LINUX_MAX_THREADS];  /* by thread area */
    unsigned thread_count;
    /* SIGNAL_DEFAULT, _IGNORE or _HANDLER (signal_delivery.h) */
    uint8_t signal_disposition[LINUX_NSIG + 1];
    struct pending_signals pending;     /* sent to the process (kill) */
    bool no_child_zombies;              /* SIGCHLD's SA_NOCLDWAIT */
    bool no_child_stops;                /* SIGCHLD's SA_NOCLDSTOP */
    struct job_control job;             /* stopped or not (job_control.h) */
    uint64_t terminal;                  /* its controlling terminal (terminal_requests.c); 0: none */
    uint64_t signals_queued;            /* mirrored in the info page (signals.c) */
    /* ITIMER_REAL (timers.c): counter deadline (0: not armed) and period. */
    uint64_t timer_deadline, timer_interval;
    struct process *timer_next;
    /* ITIMER_VIRTUAL and ITIMER_PROF: a deadline on its CPU time (0: not
     * armed) and the period, and its place among processes with one. */
    uint64_t cpu_timer_deadline[2], cpu_timer_interval[2];
    /* RLIMIT_CPU's soft and hard limits, in seconds (UINT64_MAX: none):
     * SIGXCPU at the soft one, then each second, SIGKILL at the hard. */
    uint64_t cpu_limit_soft, cpu_limit_hard;
    /* RLIMIT_RTPRIO and RLIMIT_NICE (Linux's defaults: 0), which
     * sched_setscheduler reads for an unprivileged caller. */
    uint64_t real_time_limit, nice_limit;
    struct process *cpu_timer_next;
    struct posix_timer *posix_timers;   /* timer_create's (posix_timers.c) */
    int32_t next_timer_id;
    struct waiter waiters[8];
    unsigned waiter_count;
    /* For /proc (procfs_requests.c): when it was made (counter ticks),
     * its program's arguments as execve gave them (NUL-separated, the
     * first PROCESS_COMMAND_LINE_MAX bytes) and its comm (argv[0]'s
     * last component, at most 15 bytes); a fork child has its
     * parent's. */
    uint64_t start_counter;
    char command_line[PROCESS_COMMAND_LINE_MAX];
    uint32_t command_line_length;
    char comm[16];
    /* The file its program came from (/proc/<pid>/exe, and the image's
     * regions in maps), shared with fork children; NULL: none (init, a
     * zombie). */
    struct executable *executable;
};

/* A program file a process runs: a vfs descriptor procmgr keeps (from
 * execve or spawn), counted by the processes that run it. */
struct executable {
    uint64_t descriptor;                /* a procmgr slot */
    uint32_t references;
};

extern struct process *processes[ID_LIMIT];
extern struct thread *threads[ID_LIMIT];

/* process.c: the last pid handed out (/proc/loadavg). */
uint64_t process_last_pid(void);
/* procfs_requests.c: records the program's arguments (the execve
 * block: path, then argc strings) as its command line and comm. */
void process_record_command(struct process *process, const char *block, uint64_t length,
                            unsigned argc);
/* procfs_requests.c: the process now runs the program in descriptor (a
 * procmgr slot, which it takes; 0: unknown), in place of the one it ran;
 * it lets go of it (exit); a fork child shares its parent's. */
void process_set_executable(struct process *process, uint64_t descriptor);
void process_drop_executable(struct process *process);
void process_share_executable(struct process *child, const struct process *parent);

/* allotment.c */
void chunks_init(const struct tern_boot_info *info);
/* The bytes of memory for processes, and of those no allotment has
 * (sysinfo's totalram and freeram). */
void chunks_count(uint64_t *total, uint64_t *free);
/* A free chunk's slot (0: none), and one given back unused. */
uint64_t chunk_take(void);
void chunk_put(uint64_t chunk);
/* lending.c: lend server (its id in sys/servers.h) a chunk, if it may
 * borrow and the policy allows (lending_policy.h): 0 or -errno. */
int lend_memory(uint64_t server);
void allotment_init(struct allotment *allotment);
/* An untyped pool that takes chunks as it needs them. */
void allotment_init_pool(struct untyped_pool *pool);
/* Revoke its chunks (destroying its objects) and free its slots. */
void allotment_release(struct allotment *allotment);
/* Record a procmgr slot as the allotment's, to be freed with it. */
bool allotment_own(struct allotment *allotment, uint64_t slot);
/* A new object in a procmgr slot the allotment owns; 0 if out of memory. */
uint64_t allotment_new_object(struct allotment *allotment, enum tern_object_type type,
                              unsigned size_bits);
/* A new object straight into slot index of a process CNode procmgr holds. */
bool allotment_new_object_in(struct allotment *allotment, enum tern_object_type type,
                             uint64_t cnode, uint64_t index);
/* Map frame into vspace at address; page tables come from the allotment. */
enum tern_error allotment_map_frame(struct allotment *allotment, uint64_t vspace, uint64_t frame,
                                    uint64_t address, uint64_t rights);

/* space.c */
/* Page indexes in procmgr's heap: empty storage for capacity entries
 * (false without memory); room for `more` entries (0, or -LINUX_ENOMEM
 * with the index as it was); an entry recorded, growing the index. */
bool index_create(struct page_index *index, uint32_t capacity);
int index_make_room(struct page_index *index, uint32_t more);
int index_insert(struct page_index *index, struct page_entry entry);

struct space *space_create(void);
void space_destroy(struct space *space);
/* A zeroed frame mapped at address with prot, recorded in the index. */
int space_map_new_page(struct space *space, uint64_t address, unsigned prot);
/* Map a copy of frame (procmgr's, shared with others) at page. */
int space_map_shared_frame(struct space *space, uint64_t page, uint64_t frame, unsigned prot);
/* Resolve a fault at address (write: a write access): 0, or -errno and
 * the signal Linux would send (SIGSEGV, or SIGBUS for a page a mapped
 * object does not have), or SPACE_FAULT_OUT_OF_MEMORY. */
int space_handle_fault(struct space *space, uint64_t address, bool write,
                       struct fault_signal *signal);
/* Whether the page at address is mapped for the access (an instruction
 * fetch if execute, else a write or a read) already: a fault there was
 * spurious (fault_mapped_for). */
bool space_mapped_for(struct space *space, uint64_t address, bool write, bool execute);
/* space_handle_fault's answers for a missing page of a range registered
 * with a userfaultfd in MISSING mode, and for a page of a MINOR range
 * that the object has and the space does not map: the thread is to wait
 * for its pager. */
#define SPACE_FAULT_USERFAULT 1
#define SPACE_FAULT_USERFAULT_MINOR 2
/* Its answer when no memory is left for the process's own page (a new
 * one, a copy on write, the mapping of one it has) or for a page of
 * shared anonymous memory: Linux's
 * VM_FAULT_OOM, for the OOM killer (out_of_memory.h). */
#define SPACE_FAULT_OUT_OF_MEMORY 3
/* UFFDIO_COPY and ZEROPAGE: whether the page is there (it is, however it
 * got there); frame, a private frame of the pool (frames.h), placed at an
 * absent page with its region's protection: 0 or -ENOMEM. In shared
 * memory the frame's bytes go to the object's new page instead, which
 * is mapped (the frame goes back to the pool): -EEXIST if the object has
 * a page there already, -EFAULT past its end, as Linux's
 * shmem_mfill_atomic_pte. */
bool space_page_present(struct space *space, uint64_t page);
/* What ending the space would give back, for the OOM killer: the pages
 * it has frames of its own for, and those of anonymous objects only it
 * maps (not those others map too, or a file's). */
uint64_t space_reclaimable_pages(struct space *space);
/* UFFDIO_CONTINUE: maps the page the region's object has at page
 * (writable if the region is shared and writable; a private mapping's
 * is copied at its first write): 0, or -EEXIST if the space has it
 * already, -EFAULT if the object has none (a hole, or past its end),
 * -ENOENT outside an object's region, -ENOMEM. */
int space_map_existing_object_page(struct space *space, uint64_t page);
int space_place_missing(struct space *space, uint64_t page, uint64_t frame);
/* The page at address made ready for an access the program could make
 * (write or not), as its own access would make it, and left alone if it
 * is already: 0, or -errno where the program would fault (-EFAULT; -ENOMEM
 * where no memory is left), or
 * SPACE_FAULT_USERFAULT or _MINOR where it would wait for a
 * userfaultfd's pager. */
int space_prepare_access(struct space *space, uint64_t address, bool write);
/* Write bytes into the space (its pages are made as needed). */
int space_write(struct space *space, uint64_t address, const void *bytes, uint64_t length);
/* Read bytes of the space as the program could (pages it has not touched
 * yet are paged in): 0, or -EFAULT where it could not. */
int space_read(struct space *space, uint64_t address, void *bytes, uint64_t length);
/* An atomic compare-and-swap of the 4-byte-aligned word at address, which
 * the program could write (its page is made writable as its own write
 * would make it): 1 if the word held expected and now holds desired, 0
 * if it held *found; -EFAULT (-ENOMEM) if it cannot be done. */
int space_compare_exchange(struct space *space, uint64_t address, uint32_t expected,
                           uint32_t desired, uint32_t *found);
/* The fork copy of a whole address space. */
struct space *space_fork(struct space *parent);
/* mmap family: results as the syscalls return them. */
int64_t space_mmap(struct space *space, const struct mapping *mapping);
int64_t space_munmap(struct space *space, uint64_t address, uint64_t length);
int64_t space_mprotect(struct space *space, uint64_t address, uint64_t length, unsigned prot);
/* madvise(2) (madvise.h): the pages of the range that the advice lets go
 * are dropped, and a later access finds them as a first one would. */
int64_t space_madvise(struct space *space, uint64_t address, uint64_t length, int advice);
int64_t space_brk(struct space *space, uint64_t address);
/* mremap(2) (remap.h), new_address MREMAP_FIXED's target or the hint;
 * privileged: RLIMIT_MEMLOCK does not limit the caller. Userfaultfd
 * events are noted for userfault_events_wait. */
int64_t space_mremap(struct space *space, uint64_t address, uint64_t old_length,
                     uint64_t new_length, uint64_t flags, uint64_t new_address,
                     bool privileged);
int64_t space_futex_key(struct space *space, uint64_t address);
/* Map (a copy of) a frame procmgr holds at its scratch page which
 * (0 .. SCRATCH_PAGES - 1), and take it away again. */
void *scratch_map(unsigned which, uint64_t frame);
void scratch_unmap(unsigned which);

/* loader.c */
/* Load the program the file capability names into a new space for
 * process; on success the space is ready, and entry and stack_pointer say
 * where its main thread starts. */
int loader_load(struct process *process, uint64_t file, const char *block,
                uint64_t block_length, unsigned argc, unsigned envc, struct space **space,
                uint64_t *entry, uint64_t *stack_pointer);
int loader_init(void);

/* process.c */
/* A new process with a fresh CSpace: its fixed capabilities are made,
 * its descriptors not. */
struct process *process_new(struct process *parent);
/* The CPU time of its threads, the ended ones' too (counter ticks). */
uint64_t process_cpu_time(const struct process *process);
/* unshare(CLONE_NEWIPC), and clone's for a new child: the process moves
 * to a new IPC namespace (ipc_namespaces.h: -EPERM, -ENOSPC), the servers
 * told before it runs there. */
int process_unshare_ipc_namespace(struct process *process);
/* A new thread (tid: 0 picks one) in thread area `area` (-1 picks one) of
 * the process's current space, suspended, with nothing pending,
 * blocked_signals blocked, cpu_mask's cores to run on (0: all), and the
 * scheduling policy given (NULL: SCHED_OTHER). */
struct thread *thread_new(struct process *process, uint64_t tid, int area,
                          uint64_t blocked_signals, uint64_t cpu_mask,
                          const struct scheduling *scheduling);
/* sched_setscheduler: the thread runs with the policy from now on. */
int thread_set_scheduling(struct thread *thread, const struct scheduling *scheduling);
/* sched_setaffinity: the thread runs on a core of mask from now on (it
 * stays where it is if that core is in it). -EINVAL if mask names no
 * core online. */
int thread_set_cpu_mask(struct thread *thread, uint64_t mask);
/* Start it with struct tern_user_registers values (pc, sp, spsr, x0...);
 * without run, its registers are set but it waits for tern_tcb_resume. */
int thread_start(struct thread *thread, const uint64_t *registers, unsigned count, bool run);
void thread_destroy(struct thread *thread);
/* Every thread gone, its memory and capabilities released, a zombie for
 * its parent (wait_status as wait4 reports it). */
void process_exit(struct process *process, uint64_t wait_status);
/* Reap a zombie: its pid is free again. */
void process_reap(struct process *process);
/* Its user and group ids, and new ones (with a vfs session to match:
 * false if that could not be made). */
struct credentials process_credentials(const struct process *process);
bool process_set_credentials(struct process *process, const struct credentials *credentials);
/* Its pid, parent, process group and session, for the rules that relate processes. */
struct process_ids process_ids_of(const struct process *process);
/* inspect_access.c: whether caller may use right on target: Linux's
 * ptrace_may_access with the _REALCREDS modes (kcmp, get_robust_list:
 * ACCESS_QUERY; process_vm_readv and pidfd_getfd: ACCESS_VM_READ;
 * process_vm_writev: ACCESS_VM_WRITE), then the target's own access
 * descriptor (access_model.h): 0 or -EPERM. */
int process_may_inspect(struct process *caller, struct process *target, enum access_right right);
/* The same with Linux's PTRACE_MODE_READ_FSCREDS (/proc's fd, fdinfo,
 * maps, exe): the caller's effective ids stand for its file-system ids;
 * -EACCES, as /proc answers. */
int process_may_look_into(struct process *caller, struct process *target,
                          enum access_right right);
/* The process a Linux task id names (a process's pid, or any thread's
 * tid, as find_task_by_vpid finds them; zombies too), or 0. */
struct process *process_by_task_id(int64_t id);
/* The session of process group pgid, 0 if no process is in it (zombies
 * count: they keep their group until reaped). */
uint64_t process_group_session(uint64_t pgid);

/* files.c: descriptors as procmgr sees them (capabilities in a process's
 * CNode, listed in its process info page). */
int64_t file_call(uint64_t cnode, uint64_t slot, uint64_t label);
/* FILE_STAT through a file descriptor procmgr holds (as file_path_of's):
 * 0 with *status filled, or -EIO. */
struct linux_stat;
int file_stat_of(uint64_t descriptor, struct linux_stat *status);
/* FILE_PATH through a file descriptor procmgr holds (a procmgr slot, a
 * file of vfs, memfd or sysv, which never call procmgr): the name's
 * whole length, as much of it as fits in room written to name. */
int64_t file_path_of(uint64_t descriptor, char *name, uint64_t room);

/* userfault_requests.c: userfaultfd descriptors, which procmgr serves
 * itself. Its file-protocol operations; a thread that ends leaves the
 * fault queue it waits in; a space that goes leaves its contexts with no
 * space. procmgr cannot call its own endpoint, so its file_call through
 * one of these descriptors (found by userfault_owns) is done at once by
 * userfault_file_call (FILE_RETAIN, FILE_CLOSE). */
extern const struct file_server userfault_files;
void userfault_files_init(void);
void userfault_thread_gone(struct thread *thread);
/* A signal for a thread waiting on a userfaultfd: it goes to take it,
 * and faults again after; true too for a wait only a kill ends (the
 * signal stays pending until the call returns); false: it waits on
 * none. */
bool userfault_interrupt(struct thread *thread);
void userfault_space_gone(struct space *space);
/* fork: the child's copy of the map keeps the registrations of contexts
 * with UFFD_FEATURE_EVENT_FORK, with a new context each (a fork event
 * queued for the parent's), and loses the others. */
void userfault_fork(struct space *parent, struct space *child);
/* After a fork whose space_fork queued fork events (unread ones:
 * userfault_fork_events_unread, when the child's thread is to be made
 * without running it): the forking thread's answer (the child's pid)
 * waits until they are read, and the child's thread (child_tid) is
 * resumed then; true if it does (request deferred); false: the caller
 * answers and lets the child run. */
struct request;
bool userfault_fork_events_unread(void);
bool userfault_fork_wait(struct request *request, struct thread *forker, int64_t pid,
                         uint32_t child_tid);
/* A thread's held fork child (userfault_event_wait.held) runs now. */
void userfault_release_held(struct thread *waiter);
/* userfault_events.c: before munmap (or a MAP_FIXED mmap, or one of
 * mremap's unmaps) of [start, end) in space, the contexts that asked for
 * UFFD_EVENT_UNMAP and have memory registered there are noted (after
 * what the call noted before); after the call, with its result (-errno:
 * nothing unmapped, no event), each gets the event (that range) and the
 * calling thread's answer (result) waits until they are read, killable
 * only: true if it does (request deferred; thread NULL: none waits). */
void userfault_unmap(struct space *space, uint64_t start, uint64_t end);
bool userfault_unmap_wait(struct request *request, struct thread *thread, int64_t result);
/* madvise dropped [start, end) of a region registered with context
 * (0: none): the context gets UFFD_EVENT_REMOVE if it asked for it. The
 * call then answers through userfault_events_wait, which queues what
 * was noted and waits as userfault_unmap_wait does, whatever result. */
void userfault_removed(struct space *space, uint32_t context, uint64_t start, uint64_t end);
/* mremap moves [from, from + length) of a region registered with context
 * (0: none) to `to`: a context that asked for UFFD_EVENT_REMAP gets it
 * (answered as userfault_removed's) and true, the registration moving
 * with the memory; false: the moved memory is not registered (Linux's
 * mremap_userfaultfd_prep). */
bool userfault_remapped(struct space *space, uint32_t context, uint64_t from, uint64_t to,
                        uint64_t length);
bool userfault_events_wait(struct request *request, struct thread *thread, int64_t result);
bool userfault_owns(uint64_t cnode, uint64_t slot, uint64_t *handle);
int64_t userfault_file_call(uint64_t handle, uint64_t label);
/* Closes what the process's CNode slot holds (FILE_CLOSE, for a
 * descriptor) and empties it: a slot procmgr fills for it is empty
 * first, whatever the process put there. */
void files_close_slot(struct process *process, uint64_t slot);
/* Changes one soft limit in the process's info page, where its
 * personality keeps them (RLIMIT_CPU's, which the kernel raises as it
 * sends SIGXCPU): 0 or -EFAULT. */
int files_set_soft_limit(struct process *process, unsigned resource, uint64_t soft);
/* Whether descriptor fd of the process is open (its info page says). */
bool files_is_open(struct process *process, uint64_t fd);
/* The process's open and close-on-exec descriptor bitmaps (its info
 * page's): 0 or -EFAULT (no address space: none open). */
int files_read_bitmaps(struct process *process, uint64_t open[LINUX_MAX_FDS / 64],
                       uint64_t cloexec[LINUX_MAX_FDS / 64]);
/* Opens path through procmgr's own vfs session (root) into the empty
 * slot of the CNode that cnode names: 0 or -errno. */
int file_open(uint64_t cnode, uint64_t slot, const char *path, uint64_t flags);
void files_close_all(struct process *process);
/* The words of the info page that survive execve (and fork). */
struct files_kept {                 /* linux_process_info's */
    uint64_t umask;
    uint64_t procfs_directory;
    uint64_t limits_set;
    struct linux_resource_limit limits[LINUX_RLIMIT_COUNT];
};
/* execve: close the close-on-exec descriptors (read from the old space's
 * info page), and say which stay open and what else is kept. */
void files_close_on_exec(struct process *process, uint64_t survivors[], struct files_kept *kept);
int files_copy_all(struct process *parent, struct process *child);
/* The working directory "/" and descriptors 0-2 on the console (stdin
 * from PROC_STDIN_FILE_PATH instead if asked), for the first program (its
 * info page is written when it is loaded). */
int files_open_console(struct process *process, bool stdin_from_file);
/* Write the process info page: pid, clocks, the descriptor bitmaps and
 * what else survives execve. */
int files_write_info(struct process *process, uint64_t fd_open[], uint64_t fd_cloexec[],
                     const struct files_kept *kept);

/* wait.c */
/* The child that wait4/waitid asked for with something to report (*event:
 * its end, a stop, a continue), -ECHILD if the caller has no such child
 * at all, or 0 if none has anything yet. */
int64_t wait_find(struct process *parent, const struct wait_request *request,
                  struct process **found, enum wait_event *event);
/* The child ended: its parent's waiters are answered, SIGCHLD sent. */
void wait_notify_parent(struct process *child);
/* The child stopped or continued (code: CLD_STOPPED, CLD_CONTINUED): its
 * parent's waiters are answered, and SIGCHLD sent unless the parent asked
 * not to hear of it. */
void wait_notify_job_change(struct process *child, int32_t code);
/* The answer of a wait4 (pid, status) or waitid (0, pid, uid, si_code,
 * si_status) about child's event, in values; its count. An end is reaped,
 * a stop or continue reported once, unless the caller only peeks
 * (WNOWAIT). */
#define WAIT_ANSWER_MAX 5
unsigned wait_answer_values(const struct wait_request *request, struct process *child,
                            enum wait_event event, uint64_t values[WAIT_ANSWER_MAX]);
/* A signal for thread: if it waits in wait4/waitid, answer -ERESTARTSYS. */
bool wait_interrupt(struct thread *thread);
/* A thread is going: its waits end unanswered. */
void wait_forget_thread(struct thread *thread);

/* timers.c: setitimer's timers, in counter ticks: which is ITIMER_REAL
 * (on the counter), or ITIMER_VIRTUAL and ITIMER_PROF (on the process's
 * CPU time). */
void timer_get(struct process *process, unsigned which, uint64_t *remaining, uint64_t *interval);
/* value 0 disarms; else the first expiry after value, then every interval. */
void timer_set(struct process *process, unsigned which, uint64_t value, uint64_t interval);
/* RLIMIT_CPU's limits, in seconds (UINT64_MAX: none), for a process
 * that lives on: looked at with the CPU-time timers. */
void timer_set_cpu_limit(struct process *process, uint64_t soft, uint64_t hard);
/* The bound notification fired: SIGALRM (SIGVTALRM, SIGPROF) where a
 * deadline passed, SIGXCPU and SIGKILL where RLIMIT_CPU's did. */
void timers_expired(void);
/* The kernel timeout goes to the soonest deadline of every timer. */
void timers_rearm(void);

/* wall_clock.c: the time of day, settable by root (PROC_CLOCK_SET). */
void wall_clock_init(uint64_t realtime_seconds, uint64_t realtime_counter);
uint64_t wall_clock_offset(void);
void wall_clock_info(uint64_t *realtime_seconds, uint64_t *realtime_counter);
/* process.c: a notice to every server that asks for procmgr's notices. */
void process_tell_servers(uint64_t label, uint64_t first, uint64_t second);

/* posix_timers.c */
struct posix_timer;
uint64_t posix_timers_soonest(void);
void posix_timers_expired(uint64_t now);
/* Timers on CPU-time clocks: whether any is armed (then timers.c looks
 * every tick's worth of time), and firing those whose clock passed. */
bool posix_timers_cpu_armed(void);
void posix_timers_cpu_expired(void);
/* A signal of a timer is taken: its si_overrun is the timer's, which
 * timer_getoverrun says from then on. */
void posix_timer_taken(struct process *process, struct signal_info *info);
/* execve and exit: the process's timers go. */
void posix_timers_delete_all(struct process *process);
/* The time of day moved from epoch offset old to new: timers set for an
 * instant of the realtime clock move with it. */
void posix_timers_clock_set(uint64_t old, uint64_t new);

/* terminal_requests.c: controlling terminals (terminal_control.h). */
/* Give vfs procmgr's notification for the console's keyboard signals. */
void terminals_init(void);
/* init's first program, reading the console, has it as its terminal. */
void terminal_attach_first_program(struct process *process);
/* A process ends: a session leader's terminal is free. */
void terminal_process_exited(struct process *process);
/* The notification came from vfs: signals for foreground groups. */
void terminals_notified(void);

/* robust_requests.c: the end of a thread walks its robust futex list (if
 * it set one) in its process's memory, which must still be there. */
void thread_release_robust_list(struct thread *thread);

/* procmgr's notice session of server (exit_notices, sys/servers.h),
 * minted when first asked for; 0 for a server without one. */
uint64_t server_notice_slot(enum server_id server);

/* signals.c */
/* Send signal to a thread of process (thread 0: to the process): pending
 * and a thread interrupted to run its handler, or the default action, or
 * nothing if it is ignored. Permission checks are the caller's. Returns 0,
 * or -EAGAIN when a real-time signal already pending could not queue
 * another instance (sigqueue fails then; kill's still counts as sent). */
int signal_send(struct process *process, struct thread *thread, unsigned signal,
                const struct signal_info *info);
/* Whether signal_send would take one more signal with info there (a
 * real-time one already pending queues only so many instances, and
 * RLIMIT_SIGPENDING bounds its user's). */
bool signal_can_queue(struct process *process, struct thread *thread, unsigned signal,
                      const struct signal_info *info);
/* A fault the program may catch: true if a handler will run (the fault's
 * answer resumes the thread into it), false if the process must die. */
bool signal_fault(struct thread *thread, unsigned signal, int32_t code, uint64_t address);
/* PROC_SIGNAL_TAKE: the lowest pending signal blocked does not hold back,
 * now taken; 0 if none; -1 if taking it ended the process;
 * SIGNAL_TAKE_STOPPED if the process is stopped (or taking a stop signal
 * stopped it): reply is kept until SIGCONT, which answers it with what
 * the thread takes then (signal_take_values). With accept (sigtimedwait)
 * its action does not apply, and it never stops. */
#define SIGNAL_TAKE_STOPPED (-2)
int signal_take(struct thread *thread, uint64_t blocked, bool accept, struct signal_info *info,
                uint64_t reply);
/* PROC_SIGNAL_TAKE's answer for a signal signal_take gave (0: none):
 * the count of values. */
unsigned signal_take_values(int signal, const struct signal_info *info, uint64_t values[4]);
/* A thread begins to run (clone, execve's new one): in a stopped process
 * it stops at once. */
void signal_thread_started(struct thread *thread);
/* A thread of process ended: a stop under way may be complete now. */
void signal_thread_ended(struct process *process);
/* Whether the process is stopped or stopping: its threads wait in
 * procmgr (wait4, sigsuspend) no more, but stop. */
bool signal_process_stopping(const struct process *process);
/* PROC_SIGNAL_PAUSE: keeps reply until a signal comes (true), or false if
 * one blocked lets through is already pending. */
bool signal_pause(struct thread *thread, uint64_t blocked, uint64_t reply);
/* PROC_SIGACTION (flags: sa_flags; SA_NOCLDWAIT and SA_NOCLDSTOP count
 * for SIGCHLD). */
void signal_set_disposition(struct process *process, unsigned signal, unsigned disposition,
                            uint64_t flags);
/* execve: handlers go back to the default; ignored signals stay. */
void signal_reset_handlers(struct process *process);
/* The signals the process ignores (for its info page). */
uint64_t signal_ignored_set(const struct process *process);
/* Move a thread's pending signals to another (execve keeps them across
 * the change of thread); to->process 0: only the move, no mirror. */
void signal_keep(struct thread *to, struct thread *from);
/* Whether the process's ended children are reaped at once (SIGCHLD
 * ignored, or SA_NOCLDWAIT). */
bool signal_reaps_children(const struct process *process);
/* A thread or process ends: what it has pending goes. */
void signal_thread_gone(struct thread *thread);
void signal_process_gone(struct process *process);
/* pi_futexes.c */
/* A signal for a thread waiting for a PI futex: it goes, to try again
 * after the handler (ERESTARTNOINTR); false if it was not waiting. */
bool pi_futex_interrupt(struct thread *thread);
/* A thread ends: it waits no more, and its locks go to their waiters. */
void pi_futex_thread_gone(struct thread *thread);
/* Its policy changed: its priority, with what it inherits. */
void pi_futex_set_base(struct thread *thread);
/* The earliest deadline of a PI waiter (0: none), and those past now. */
uint64_t pi_futexes_soonest(void);
void pi_futexes_expire(uint64_t now);

/* Whether the process's group is orphaned (process_group.h). */
bool process_group_orphaned(const struct process *process);
/* The thread's blocked mask, as its personality keeps it. */
uint64_t signal_blocked_mask(const struct thread *thread);

/* main.c */
/* Answers a caller procmgr kept waiting (wait4, PROC_SIGNAL_PAUSE) with
 * count registers; its reply object goes back to the runtime's pool. */
void answer_waiter(uint64_t reply, unsigned count, const uint64_t *values);

#endif
