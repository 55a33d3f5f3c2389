/*
 * PROC_PROCFS: the text of /proc's files (procfs_text.h lays it out);
 * PROC_PROCFS_FD: a copy of a process's descriptor, for fd/N and
 * fdinfo/N. The personality of the reading process asks, never vfs:
 * procmgr calls vfs (it opens programs), so vfs asking procmgr could
 * wait on a procmgr that waits on it. procmgr answers at once; for maps
 * and exe it asks the servers of the files it keeps itself (a program's,
 * a mapping's: vfs, memfd, sysv) for their names, as it asks them for
 * pages, and those never call procmgr.
 */
#include "memory_object.h"
#include "procfs_text.h"
#include "procmgr.h"
#include "request.h"
#include "signal_delivery.h"
#include "sys/counter.h"
#include "sys/invoke.h"
#include "sys/syscall.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/procmgr.h"
#include "sys/runtime.h"

/* The largest text procmgr makes (cpuinfo of 64 cores, the maps of
 * most address spaces fit); a longer one is cut there. */
#define PROCFS_TEXT_MAX 65536

void process_record_command(struct process *process, const char *block, uint64_t length,
                            unsigned argc)
{
    uint64_t start = strlen(block) + 1, end = start;     /* past the path */
    for (unsigned i = 0; i < argc && end < length; i++)
        end += strlen(block + end) + 1;
    if (end > length)
        end = length;
    uint64_t kept = end - start < PROCESS_COMMAND_LINE_MAX ? end - start
                                                           : PROCESS_COMMAND_LINE_MAX;
    memcpy(process->command_line, block + start, kept);
    process->command_line_length = (uint32_t)kept;
    /* comm: the last component of the file execve ran (Linux's
     * bprm->filename), truncated to 15 bytes. */
    const char *name = block;
    for (const char *c = block; *c; c++)
        if (*c == '/' && c[1])
            name = c + 1;
    size_t n = 0;
    while (n < PROCFS_COMM_MAX && name[n])
        n++;
    memcpy(process->comm, name, n);
    process->comm[n] = '\0';
}

void process_drop_executable(struct process *process)
{
    struct executable *executable = process->executable;
    process->executable = 0;
    if (!executable || --executable->references)
        return;
    file_call(TERN_SLOT_CNODE, executable->descriptor, FILE_CLOSE);
    memory_delete(&server_memory, executable->descriptor);
    heap_free(executable);
}

void process_set_executable(struct process *process, uint64_t descriptor)
{
    process_drop_executable(process);
    struct executable *executable = descriptor ? heap_allocate(sizeof *executable) : 0;
    if (descriptor && !executable) {
        file_call(TERN_SLOT_CNODE, descriptor, FILE_CLOSE);
        memory_delete(&server_memory, descriptor);
        return;
    }
    if (executable)
        *executable = (struct executable){descriptor, 1};
    process->executable = executable;
}

void process_share_executable(struct process *child, const struct process *parent)
{
    child->executable = parent->executable;
    if (child->executable)
        child->executable->references++;
}

static uint64_t ticks(uint64_t counter)
{
    return counter / (tern_counter_frequency() / PROCFS_CLOCK_TICKS);
}

static void describe(const struct process *process, const struct request *request,
                     struct procfs_process *out)
{
    char state = 'S';
    if (process->state == PROCESS_ZOMBIE)
        state = 'Z';
    else if (job_stopping(&process->job))
        state = 'T';
    else if (process == request->process)
        state = 'R';
    uint64_t ignored = 0, caught = 0;
    for (unsigned signal = 1; signal <= LINUX_NSIG && signal < 65; signal++) {
        if (process->signal_disposition[signal] == SIGNAL_IGNORE)
            ignored |= 1ULL << (signal - 1);
        if (process->signal_disposition[signal] == SIGNAL_HANDLER)
            caught |= 1ULL << (signal - 1);
    }
    uint64_t vsize = 0, resident = 0;
    if (process->state == PROCESS_ALIVE && process->space) {
        const struct address_map *map = &process->space->map;
        for (unsigned i = 0; i < map->count; i++)
            vsize += map->regions[i].end - map->regions[i].start;
        resident = process->space->pages.count;     /* pages it has frames for */
    }
    uint64_t cpu = process->state == PROCESS_ZOMBIE ? process->ended_threads_time
                                                    : process_cpu_time(process);
    *out = (struct procfs_process){
        .pid = process->pid, .ppid = process->ppid, .pgid = process->pgid, .sid = process->sid,
        .state = state,
        .comm = process->comm,
        .uid = process->uid, .euid = process->euid, .suid = process->suid,
        .gid = process->gid, .egid = process->egid, .sgid = process->sgid,
        .threads = process->thread_count ? process->thread_count : 1,
        .utime = ticks(cpu),
        .cutime = ticks(process->reaped_children_time),
        .start_time = ticks(process->start_counter),
        .vsize_bytes = vsize,
        .rss_pages = resident,
        .umask = LINUX_DEFAULT_UMASK,
        .signals_ignored = ignored,
        .signals_caught = caught,
        .cpu_count = server_boot_info->cpu_count,
    };
}

static void system_text(struct procfs_text *text, uint64_t file)
{
    uint64_t now = tern_counter_now(), frequency = tern_counter_frequency();
    uint64_t up = now / (frequency / 100);
    uint64_t cores = server_boot_info->cpu_count ? server_boot_info->cpu_count : 1;
    uint64_t threads_alive = 0, processes_alive = 0, busy = 0;
    for (unsigned pid = 1; pid < ID_LIMIT; pid++)
        if (processes[pid]) {
            threads_alive += processes[pid]->thread_count;
            processes_alive++;
            if (processes[pid]->state == PROCESS_ALIVE)
                busy += process_cpu_time(processes[pid]);
        }
    switch (file) {
    case PROC_PROCFS_MEMINFO: {
        struct procfs_memory memory;
        chunks_count(&memory.total_bytes, &memory.free_bytes);
        procfs_meminfo(text, &memory);
        break;
    }
    case PROC_PROCFS_UPTIME: {
        uint64_t all = up * cores, used = ticks(busy);
        procfs_uptime(text, up, all > used ? all - used : 0);
        break;
    }
    case PROC_PROCFS_LOADAVG: {
        uint64_t loads[3] = {0, 0, 0};
        procfs_loadavg(text, loads, 1, threads_alive, process_last_pid());
        break;
    }
    case PROC_PROCFS_CPUINFO:
        procfs_cpuinfo(text, cores);
        break;
    case PROC_PROCFS_SYSTEM_STAT: {
        uint64_t seconds, counter, all = ticks(now) * cores, used = ticks(busy);
        wall_clock_info(&seconds, &counter);
        struct procfs_system system = {
            .cpu_count = cores,
            .user = used,
            .idle = all > used ? all - used : 0,
            .boot_time = seconds - counter / frequency,
            .processes_made = process_last_pid(),
            .running = 1,
            .blocked = 0,
            .context_switches = 0,
        };
        (void)processes_alive;
        procfs_stat(text, &system);
        break;
    }
    }
}

/* FILE_STAT through a descriptor procmgr holds: its st_dev and st_ino. */
static int identity_of(uint64_t descriptor, uint64_t *device, uint64_t *inode)
{
    static struct linux_stat status;
    int error = file_stat_of(descriptor, &status);
    if (error)
        return error;
    *device = status.st_dev;
    *inode = status.st_ino;
    return 0;
}

/* Names of the files maps shows, asked once a text. */
static char program_name[FILE_PATH_MAX], object_name[FILE_PATH_MAX];

/* /proc/<pid>/maps: a line a region, named as Linux names its VMAs. */
static void maps_text(struct procfs_text *text, const struct process *process)
{
    if (process->state != PROCESS_ALIVE || !process->space)
        return;                     /* a zombie's memory is gone: nothing */
    const struct address_map *map = &process->space->map;
    int64_t program_length = -1;
    uint64_t program_device = 0, program_inode = 0;
    if (process->executable) {
        program_length = file_path_of(process->executable->descriptor, program_name,
                                      sizeof program_name);
        if (program_length < 0 || identity_of(process->executable->descriptor,
                                              &program_device, &program_inode) < 0)
            program_length = -1;
    }
    uint64_t described = 0, identity = 0;
    int64_t object_length = -1;
    for (unsigned i = 0; i < map->count; i++) {
        const struct region *region = &map->regions[i];
        struct procfs_mapping line = {
            .start = region->start, .end = region->end,
            .read = region->prot & LINUX_PROT_READ, .write = region->prot & LINUX_PROT_WRITE,
            .execute = region->prot & LINUX_PROT_EXEC, .shared = region->kind == REGION_SHARED,
        };
        if (region->image && program_length >= 0) {
            line.offset = region->object_offset;
            line.device = program_device;
            line.inode = program_inode;
            line.name = program_name;
            line.name_length = (size_t)program_length;
        } else if (region->object) {
            if (region->object != described) {
                described = region->object;
                object_length = memory_object_describe(region->object, object_name,
                                                       sizeof object_name, &identity);
            }
            line.offset = region->object_offset;
            if (object_length >= 0) {
                line.device = identity >> 32;
                line.inode = identity & 0xffffffffULL;
                line.name = object_name;
                line.name_length = (size_t)object_length;
            }
        } else if (region->kind == REGION_HEAP) {
            line.name = "[heap]";
            line.name_length = 6;
        } else if (region->kind == REGION_STACK) {
            line.name = "[stack]";
            line.name_length = 7;
        }
        if (line.name_length > FILE_PATH_MAX)
            line.name_length = FILE_PATH_MAX;
        procfs_maps_line(text, &line);
    }
}

/* PROC_PROCFS_FDS: the process's open descriptors from `from` on, as
 * uint32_t into window 0: their bytes. */
static void list_descriptors(struct request *request, struct process *process, uint64_t from,
                             uint64_t room)
{
    uint64_t open[LINUX_MAX_FDS / 64], cloexec[LINUX_MAX_FDS / 64];
    uint32_t found[256];
    unsigned count = 0;
    if (process->state == PROCESS_ALIVE && files_read_bitmaps(process, open, cloexec) == 0)
        for (uint64_t fd = from; fd < LINUX_MAX_FDS && count < 256
                                 && (count + 1) * sizeof found[0] <= room; fd++)
            if (open[fd / 64] >> (fd % 64) & 1)
                found[count++] = (uint32_t)fd;
    if (count && server_write_window(request->message, 0, 0, found, count * sizeof found[0]))
        return result(request, -LINUX_EFAULT);
    result(request, (int64_t)(count * sizeof found[0]));
}

void handle_procfs(struct request *request)
{
    uint64_t file = request->mr[0], pid = argument(request, 1), from = argument(request, 2);
    uint64_t room = tern_message_windows(request->info) >= 1 ? argument(request, 3) : 0;
    if (file == PROC_PROCFS_PIDS) {
        uint32_t pids[256];
        unsigned count = 0;
        for (uint64_t id = from ? from : 1; id < ID_LIMIT && count < 256
                                            && (count + 1) * sizeof pids[0] <= room; id++)
            if (processes[id])
                pids[count++] = (uint32_t)id;
        if (count && server_write_window(request->message, 0, 0, pids, count * sizeof pids[0]))
            return result(request, -LINUX_EFAULT);
        return result(request, (int64_t)(count * sizeof pids[0]));
    }
    bool of_process = file <= PROC_PROCFS_COMM || file >= PROC_PROCFS_FDS;
    if (file > PROC_PROCFS_EXE)
        return result(request, -LINUX_EINVAL);
    struct process *process = pid ? (pid < ID_LIMIT ? processes[pid] : 0) : request->process;
    if (of_process && !process)
        return result(request, -LINUX_ESRCH);
    if (file == PROC_PROCFS_OWNER) {
        request->results[0] = 0;
        request->results[1] = process->euid;
        request->results[2] = process->egid;
        request->results[3] = ticks(process->start_counter);
        request->result_count = 4;
        return;
    }
    if (file >= PROC_PROCFS_FDS) {
        int allowed = process_may_look_into(request->process, process, ACCESS_QUERY);
        if (allowed < 0)
            return result(request, allowed);
    }
    if (file == PROC_PROCFS_FDS)
        return list_descriptors(request, process, from, room);
    static char buffer[PROCFS_TEXT_MAX];
    struct procfs_text text = {buffer, sizeof buffer, 0};
    struct procfs_process described;
    if (file <= PROC_PROCFS_COMM)
        describe(process, request, &described);
    switch (file) {
    case PROC_PROCFS_STAT: procfs_process_stat(&text, &described); break;
    case PROC_PROCFS_STATUS: procfs_process_status(&text, &described); break;
    case PROC_PROCFS_CMDLINE:
        /* A zombie's is empty, as Linux's (its memory is gone). */
        if (process->state == PROCESS_ALIVE)
            procfs_append(&text, process->command_line, process->command_line_length);
        break;
    case PROC_PROCFS_COMM:
        procfs_append_string(&text, process->comm);
        procfs_append(&text, "\n", 1);
        break;
    case PROC_PROCFS_MAPS: maps_text(&text, process); break;
    case PROC_PROCFS_EXE: {
        /* A zombie has no program left: ENOENT, as Linux's exe link. */
        int64_t length = process->executable
                             ? file_path_of(process->executable->descriptor, program_name,
                                            sizeof program_name)
                             : -LINUX_ENOENT;
        if (length < 0)
            return result(request, -LINUX_ENOENT);
        procfs_append(&text, program_name, (size_t)length);
        break;
    }
    default: system_text(&text, file); break;
    }
    uint64_t length = text.length < text.capacity ? text.length : text.capacity;
    uint64_t start = from < length ? from : length;
    uint64_t copied = length - start < room ? length - start : room;
    if (copied && server_write_window(request->message, 0, 0, buffer + start, copied))
        return result(request, -LINUX_EFAULT);
    result(request, (int64_t)length);
}

/* Whether slot is one the caller may have a copy put in: a thread's
 * scratch slot or a descriptor's. */
static bool receiving_slot(uint64_t slot)
{
    return (slot >= linux_thread_scratch_slot(0) &&
            slot <= linux_thread_scratch_slot(LINUX_MAX_THREADS - 1) &&
            (slot - linux_thread_scratch_slot(0)) % 2 == 0) ||
           (slot >= LINUX_SLOT_FD_BASE && slot < LINUX_SLOT_FD_BASE + LINUX_MAX_FDS);
}

/* PROC_PROCFS_FD: pid, fd, the caller's slot. The copy counts no
 * reference: the caller only asks through it (FILE_PATH, FILE_STAT,
 * FILE_GET_FLAGS, FILE_SEEK) and deletes it, so the description may go
 * meanwhile (its server then answers -EBADF). Giving it is what
 * pidfd_getfd gives, so it takes the memory-read right too. */
void handle_procfs_descriptor(struct request *request)
{
    uint64_t pid = request->mr[0], fd = argument(request, 1), slot = argument(request, 2);
    struct process *caller = request->process;
    struct process *target = pid ? (pid < ID_LIMIT ? processes[pid] : 0) : caller;
    if (!target)
        return result(request, -LINUX_ESRCH);
    int allowed = process_may_look_into(caller, target, ACCESS_QUERY);
    if (allowed == 0)
        allowed = process_may_look_into(caller, target, ACCESS_VM_READ);
    if (allowed < 0)
        return result(request, allowed);
    if (!receiving_slot(slot))
        return result(request, -LINUX_EINVAL);
    uint64_t open[LINUX_MAX_FDS / 64], cloexec[LINUX_MAX_FDS / 64];
    if (fd >= LINUX_MAX_FDS || target->state != PROCESS_ALIVE ||
        files_read_bitmaps(target, open, cloexec) < 0 || !(open[fd / 64] >> (fd % 64) & 1))
        return result(request, -LINUX_ENOENT);
    tern_cnode_delete(caller->cnode, slot, CNODE_DEPTH);
    if (tern_cnode_copy(caller->cnode, slot, CNODE_DEPTH, target->cnode, linux_fd_slot((unsigned)fd),
                        CNODE_DEPTH, TERN_RIGHTS_ALL) != TERN_OK)
        return result(request, -LINUX_ENOENT);
    request->results[0] = 0;
    request->results[1] = cloexec[fd / 64] >> (fd % 64) & 1;
    request->result_count = 2;
}
