/*
 * PROC_PROCFS: the text of /proc's files (procfs_text.h lays it out).
 * The personality of the reading process asks, never vfs: procmgr calls
 * vfs (it opens programs), so vfs asking procmgr could wait on a procmgr
 * that waits on it. procmgr answers at once and calls no server here.
 */
#include "procfs_text.h"
#include "procmgr.h"
#include "request.h"
#include "signal_delivery.h"
#include "sys/counter.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"
#include "sys/runtime.h"

/* The largest text procmgr makes (cpuinfo of 64 cores fits). */
#define PROCFS_TEXT_MAX 16384

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
    struct process *process = pid ? (pid < ID_LIMIT ? processes[pid] : 0) : request->process;
    if (file <= PROC_PROCFS_COMM && !process)
        return result(request, -LINUX_ESRCH);
    if (file == PROC_PROCFS_OWNER) {
        request->results[0] = 0;
        request->results[1] = process->euid;
        request->results[2] = process->egid;
        request->results[3] = ticks(process->start_counter);
        request->result_count = 4;
        return;
    }
    if (file > PROC_PROCFS_SYSTEM_STAT)
        return result(request, -LINUX_EINVAL);
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
    default: system_text(&text, file); break;
    }
    uint64_t length = text.length < text.capacity ? text.length : text.capacity;
    uint64_t copied = length < room ? length : room;
    if (copied && server_write_window(request->message, 0, 0, buffer, copied))
        return result(request, -LINUX_EFAULT);
    result(request, (int64_t)length);
}
