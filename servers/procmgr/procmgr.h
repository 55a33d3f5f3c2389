/*
 * procmgr's state: processes, their threads and their address spaces,
 * and the memory everything is made from.
 *
 * Memory: procmgr splits its untyped memory into CHUNK_BITS chunks. Each
 * address space (and each shared memory object) takes chunks as it needs
 * them and makes all its objects from them, so when it goes away, revoking
 * its chunks destroys everything at once and the chunks are free again.
 */
#ifndef PROCMGR_PROCMGR_H
#define PROCMGR_PROCMGR_H

#include <stdbool.h>
#include <stdint.h>
#include "address_map.h"
#include "page_index.h"
#include "sys/linux_abi.h"
#include "sys/linux_process.h"
#include "sys/memory.h"
#include "sys/protocol/procmgr.h"

#define CHUNK_BITS          20
#define ID_LIMIT            32768           /* pids and tids: 1 .. ID_LIMIT - 1 */
#define CNODE_DEPTH         64
#define PAGE_SIZE           4096
#define PROCESS_PRIORITY    100

/* Where procmgr maps frames of other address spaces to fill them. */
#define SCRATCH_PAGE        0x7d00000000ULL /* SCRATCH_PAGES pages */
#define SCRATCH_PAGES       2
#define SCRATCH_BUFFER      0x7d00200000ULL /* SCRATCH_BUFFER_SIZE for reading files */
#define SCRATCH_BUFFER_SIZE 0x100000ULL

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
    struct page_index pages;            /* page -> frame slot (flags: PAGE_*) */
    uint32_t *spare_frames;             /* unmapped private frames, for reuse */
    uint32_t spare_count, spare_capacity;
};
/* page_entry flags */
#define PAGE_MAPPED     1               /* mapped now (PROT_NONE pages are not) */
#define PAGE_SHARED     2               /* a copy of a shared object's frame */

struct thread {
    uint64_t tid;
    struct process *process;
    unsigned area;                      /* its thread area (linux_process.h) */
    uint64_t tcb;
    uint64_t ipc_buffer_frame;
    uint64_t fault_endpoint;            /* procmgr's endpoint, badged for this thread */
};

/* A wait4/waitid caller whose reply procmgr holds until a child changes. */
struct waiter {
    uint64_t reply;
    int64_t id;                         /* wait4's pid argument, or waitid's */
    uint64_t idtype;                    /* waitid's, or P_ALL/P_PID/P_PGID from wait4's pid */
    uint64_t options;
    bool is_waitid;
};

enum process_state { PROCESS_ALIVE, PROCESS_ZOMBIE };

struct process {
    uint64_t pid, ppid, pgid, sid;
    enum process_state state;
    bool first_program;                 /* init's child: init waits for it */
    uint64_t wait_status;               /* as wait4 reports it, once a zombie */
    uint64_t uid, euid, suid, gid, egid, sgid;
    uint64_t cnode;                     /* its CSpace (guarded: slot n is cptr n) */
    struct allotment objects;           /* its CNode and threads: they outlive execve */
    struct space *space;
    struct thread *threads[LINUX_MAX_THREADS];  /* by thread area */
    unsigned thread_count;
    uint8_t signal_disposition[LINUX_NSIG + 1]; /* 0 default, 1 ignore, 2 handler */
    struct waiter waiters[8];
    unsigned waiter_count;
};

extern struct memory procmgr_memory;
extern uint64_t procmgr_realtime_seconds, procmgr_realtime_counter;    /* from the boot info */
extern struct process *processes[ID_LIMIT];
extern struct thread *threads[ID_LIMIT];

/* allotment.c */
void chunks_init(const struct tern_boot_info *info);
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
struct space *space_create(void);
void space_destroy(struct space *space);
/* A zeroed frame mapped at address with prot, recorded in the index. */
int space_map_new_page(struct space *space, uint64_t address, unsigned prot);
/* Map a copy of frame (procmgr's, shared with others) at page. */
int space_map_shared_frame(struct space *space, uint64_t page, uint64_t frame, unsigned prot);
/* Resolve a fault at address (write: a write access): 0 or -EFAULT. */
int space_handle_fault(struct space *space, uint64_t address, bool write);
/* Write bytes into the space (its pages are made as needed). */
int space_write(struct space *space, uint64_t address, const void *bytes, uint64_t length);
/* The fork copy of a whole address space. */
struct space *space_fork(struct space *parent);
/* mmap family: results as the syscalls return them. */
int64_t space_mmap(struct space *space, uint64_t address, uint64_t length, unsigned prot,
                   unsigned flags);
int64_t space_munmap(struct space *space, uint64_t address, uint64_t length);
int64_t space_mprotect(struct space *space, uint64_t address, uint64_t length, unsigned prot);
int64_t space_brk(struct space *space, uint64_t address);
int64_t space_mremap(struct space *space, uint64_t address, uint64_t old_length,
                     uint64_t new_length, unsigned flags);
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
/* A new thread (tid: 0 picks one) in thread area `area` (-1 picks one) of
 * the process's current space, suspended. */
struct thread *thread_new(struct process *process, uint64_t tid, int area);
/* Start it with struct tern_user_registers values (pc, sp, spsr, x0...). */
int thread_start(struct thread *thread, const uint64_t *registers, unsigned count);
void thread_destroy(struct thread *thread);
/* Every thread gone, its memory and capabilities released, a zombie for
 * its parent (wait_status as wait4 reports it). */
void process_exit(struct process *process, uint64_t wait_status);
/* Reap a zombie: its pid is free again. */
void process_reap(struct process *process);
/* Give the process a vfs session with its current credentials. */
bool process_mint_session(struct process *process);

/* files.c: descriptors as procmgr sees them (capabilities in a process's
 * CNode, listed in its process info page). */
int64_t file_call(uint64_t cnode, uint64_t slot, uint64_t label);
void files_close_all(struct process *process);
/* execve: close the close-on-exec descriptors (read from the old space's
 * info page), and say which stay open and what the umask is. */
void files_close_on_exec(struct process *process, uint64_t survivors[], uint64_t *umask);
int files_copy_all(struct process *parent, struct process *child);
/* The working directory "/" and descriptors 0-2 on the console (stdin
 * from PROC_STDIN_FILE_PATH instead if asked), for the first program (its
 * info page is written when it is loaded). */
int files_open_console(struct process *process, bool stdin_from_file);
/* Write the process info page: pid, clocks, the descriptor bitmaps and
 * the umask (which survive execve). */
int files_write_info(struct process *process, uint64_t fd_open[], uint64_t fd_cloexec[],
                     uint64_t umask);

/* wait.c */
/* The zombie child that wait4/waitid asked for, -ECHILD if the caller has
 * no such child at all, or 0 if none has changed yet. */
int64_t wait_find(struct process *parent, uint64_t idtype, int64_t id, struct process **found);
void wait_notify_parent(struct process *child);
void wait_answer(uint64_t reply, const struct waiter *waiter, struct process *child);

/* main.c */
extern uint64_t procmgr_endpoint_slot;
void reply_free(uint64_t reply);
void answer(uint64_t reply, unsigned count, const uint64_t *values);

#endif
