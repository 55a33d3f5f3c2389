/* The text of /proc's files: procfs_text.h. */
#include "procfs_text.h"
#include "sys/digits.h"

void procfs_append(struct procfs_text *text, const char *bytes, size_t length)
{
    for (size_t i = 0; i < length; i++, text->length++)
        if (text->length < text->capacity)
            text->bytes[text->length] = bytes[i];
}

void procfs_append_string(struct procfs_text *text, const char *string)
{
    size_t length = 0;
    while (string[length])
        length++;
    procfs_append(text, string, length);
}

void procfs_append_decimal(struct procfs_text *text, uint64_t value, unsigned width)
{
    char digits[DIGITS_MAX];
    unsigned count = digits_of(value, 10, digits);
    for (unsigned pad = count; pad < width; pad++)
        procfs_append(text, " ", 1);
    procfs_append(text, digits, count);
}

void procfs_append_hex(struct procfs_text *text, uint64_t value, unsigned width)
{
    char digits[16];
    unsigned count = 0;
    do {
        digits[count++] = "0123456789abcdef"[value & 15];
        value >>= 4;
    } while (value);
    for (unsigned pad = count; pad < width; pad++)
        procfs_append(text, "0", 1);
    while (count)
        procfs_append(text, &digits[--count], 1);
}

void procfs_append_hundredths(struct procfs_text *text, uint64_t hundredths)
{
    procfs_append_decimal(text, hundredths / 100, 0);
    procfs_append(text, ".", 1);
    char fraction[2] = {(char)('0' + hundredths % 100 / 10), (char)('0' + hundredths % 10)};
    procfs_append(text, fraction, 2);
}

/* " value" as the fields of a stat line are. */
static void field(struct procfs_text *text, uint64_t value)
{
    procfs_append(text, " ", 1);
    procfs_append_decimal(text, value, 0);
}

void procfs_process_stat(struct procfs_text *text, const struct procfs_process *process)
{
    procfs_append_decimal(text, process->pid, 0);
    procfs_append_string(text, " (");
    procfs_append_string(text, process->comm);
    procfs_append_string(text, ") ");
    procfs_append(text, &process->state, 1);
    field(text, process->ppid);
    field(text, process->pgid);
    field(text, process->sid);
    procfs_append_string(text, " 0 -1");        /* tty_nr, tpgid: no terminal told */
    field(text, 0x400000);                      /* flags: PF_FORKNOEXEC's neighbour, as a user task */
    for (int i = 0; i < 4; i++)                 /* minflt cminflt majflt cmajflt */
        field(text, 0);
    field(text, process->utime);
    field(text, process->stime);
    field(text, process->cutime);
    field(text, process->cstime);
    field(text, 20);                            /* priority: nice 0's */
    field(text, 0);                             /* nice */
    field(text, process->threads);
    field(text, 0);                             /* itrealvalue */
    field(text, process->start_time);
    field(text, process->vsize_bytes);
    field(text, process->rss_pages);
    field(text, UINT64_MAX);                    /* rsslim: RLIM_INFINITY */
    for (int i = 0; i < 5; i++)                 /* startcode endcode startstack esp eip */
        field(text, 0);
    field(text, process->signals_pending & 0x7fffffff);
    field(text, process->signals_blocked & 0x7fffffff);
    field(text, process->signals_ignored & 0x7fffffff);
    field(text, process->signals_caught & 0x7fffffff);
    for (int i = 0; i < 3; i++)                 /* wchan, nswap, cnswap */
        field(text, 0);
    field(text, 17);                            /* exit_signal: SIGCHLD */
    for (int i = 0; i < 13; i++)                /* processor .. env_end */
        field(text, 0);
    field(text, 0);                             /* exit_code */
    procfs_append(text, "\n", 1);
}

static const char *state_name(char state)
{
    switch (state) {
    case 'R': return "R (running)";
    case 'T': return "T (stopped)";
    case 'Z': return "Z (zombie)";
    default:  return "S (sleeping)";
    }
}

/* "Name:\tvalue\n" */
static void line(struct procfs_text *text, const char *name, uint64_t value)
{
    procfs_append_string(text, name);
    procfs_append(text, ":\t", 2);
    procfs_append_decimal(text, value, 0);
    procfs_append(text, "\n", 1);
}

static void ids_line(struct procfs_text *text, const char *name, uint64_t real, uint64_t effective,
                     uint64_t saved)
{
    procfs_append_string(text, name);
    procfs_append(text, ":", 1);
    uint64_t ids[] = {real, effective, saved, effective};  /* the fs id is the effective */
    for (int i = 0; i < 4; i++) {
        procfs_append(text, "\t", 1);
        procfs_append_decimal(text, ids[i], 0);
    }
    procfs_append(text, "\n", 1);
}

/* "Name:\t    1234 kB\n", Linux's 8 columns for task_mem's values. */
static void kilobytes_line(struct procfs_text *text, const char *name, uint64_t kilobytes)
{
    procfs_append_string(text, name);
    procfs_append(text, ":\t", 2);
    procfs_append_decimal(text, kilobytes, 8);
    procfs_append_string(text, " kB\n");
}

static void mask_line(struct procfs_text *text, const char *name, uint64_t mask)
{
    procfs_append_string(text, name);
    procfs_append(text, ":\t", 2);
    procfs_append_hex(text, mask, 16);
    procfs_append(text, "\n", 1);
}

void procfs_process_status(struct procfs_text *text, const struct procfs_process *process)
{
    procfs_append_string(text, "Name:\t");
    procfs_append_string(text, process->comm);
    procfs_append_string(text, "\nUmask:\t");
    procfs_append_decimal(text, 0, 0);
    procfs_append_decimal(text, process->umask >> 6 & 7, 0);
    procfs_append_decimal(text, process->umask >> 3 & 7, 0);
    procfs_append_decimal(text, process->umask & 7, 0);
    procfs_append_string(text, "\nState:\t");
    procfs_append_string(text, state_name(process->state));
    procfs_append(text, "\n", 1);
    line(text, "Tgid", process->pid);
    line(text, "Ngid", 0);
    line(text, "Pid", process->pid);
    line(text, "PPid", process->ppid);
    line(text, "TracerPid", 0);
    ids_line(text, "Uid", process->uid, process->euid, process->suid);
    ids_line(text, "Gid", process->gid, process->egid, process->sgid);
    line(text, "FDSize", 64);
    procfs_append_string(text, "Groups:\t\n");
    line(text, "NStgid", process->pid);
    line(text, "NSpid", process->pid);
    line(text, "NSpgid", process->pgid);
    line(text, "NSsid", process->sid);
    if (process->state != 'Z') {
        uint64_t vsize = process->vsize_bytes / 1024, rss = process->rss_pages * 4;
        kilobytes_line(text, "VmPeak", vsize);
        kilobytes_line(text, "VmSize", vsize);
        kilobytes_line(text, "VmLck", 0);
        kilobytes_line(text, "VmPin", 0);
        kilobytes_line(text, "VmHWM", rss);
        kilobytes_line(text, "VmRSS", rss);
        kilobytes_line(text, "RssAnon", rss);
        kilobytes_line(text, "RssFile", 0);
        kilobytes_line(text, "RssShmem", 0);
        kilobytes_line(text, "VmData", vsize);
        kilobytes_line(text, "VmStk", 132);
        kilobytes_line(text, "VmExe", 0);
        kilobytes_line(text, "VmLib", 0);
        kilobytes_line(text, "VmPTE", 0);
        kilobytes_line(text, "VmSwap", 0);
        kilobytes_line(text, "HugetlbPages", 0);
    }
    line(text, "CoreDumping", 0);
    line(text, "THP_enabled", 1);
    line(text, "Threads", process->threads);
    procfs_append_string(text, "SigQ:\t0/7823\n");
    mask_line(text, "SigPnd", process->signals_pending);
    mask_line(text, "ShdPnd", 0);
    mask_line(text, "SigBlk", process->signals_blocked);
    mask_line(text, "SigIgn", process->signals_ignored);
    mask_line(text, "SigCgt", process->signals_caught);
    {
        uint64_t all = process->euid == 0 ? 0x000001ffffffffffULL : 0;
        mask_line(text, "CapInh", 0);
        mask_line(text, "CapPrm", all);
        mask_line(text, "CapEff", all);
        mask_line(text, "CapBnd", 0x000001ffffffffffULL);
        mask_line(text, "CapAmb", 0);
    }
    line(text, "NoNewPrivs", 0);
    line(text, "Seccomp", 0);
    line(text, "Seccomp_filters", 0);
    procfs_append_string(text, "Speculation_Store_Bypass:\tthread vulnerable\n");
    procfs_append_string(text, "SpeculationIndirectBranch:\tunknown\n");
    uint64_t cores = process->cpu_count ? process->cpu_count : 1;
    procfs_append_string(text, "Cpus_allowed:\t");
    procfs_append_hex(text, cores >= 64 ? ~0ULL : (1ULL << cores) - 1, 1);
    procfs_append_string(text, "\nCpus_allowed_list:\t0");
    if (cores > 1) {
        procfs_append(text, "-", 1);
        procfs_append_decimal(text, cores - 1, 0);
    }
    procfs_append_string(text, "\nMems_allowed:\t1\nMems_allowed_list:\t0\n");
    line(text, "voluntary_ctxt_switches", 0);
    line(text, "nonvoluntary_ctxt_switches", 0);
}

/* meminfo's "Name:" padded to 16 columns, then the value in 8. */
static void meminfo_value(struct procfs_text *text, const char *name, uint64_t value)
{
    size_t length = 0;
    while (name[length])
        length++;
    procfs_append(text, name, length);
    procfs_append(text, ":", 1);
    for (size_t column = length + 1; column < 16; column++)
        procfs_append(text, " ", 1);
    procfs_append_decimal(text, value, 8);
}

/* A line of kilobytes, " kB" after the value. */
static void meminfo_line(struct procfs_text *text, const char *name, uint64_t kilobytes)
{
    meminfo_value(text, name, kilobytes);
    procfs_append_string(text, " kB\n");
}

/* A line of a count (huge pages), nothing after it. */
static void meminfo_count(struct procfs_text *text, const char *name, uint64_t count)
{
    meminfo_value(text, name, count);
    procfs_append(text, "\n", 1);
}

void procfs_meminfo(struct procfs_text *text, const struct procfs_memory *memory)
{
    uint64_t total = memory->total_bytes / 1024, free = memory->free_bytes / 1024;
    meminfo_line(text, "MemTotal", total);
    meminfo_line(text, "MemFree", free);
    meminfo_line(text, "MemAvailable", free);
    static const char *const zeros[] = {
        "Buffers", "Cached", "SwapCached", "Active", "Inactive", "Active(anon)",
        "Inactive(anon)", "Active(file)", "Inactive(file)", "Unevictable", "Mlocked",
        "SwapTotal", "SwapFree", "Dirty", "Writeback", "AnonPages", "Mapped", "Shmem",
        "KReclaimable", "Slab", "SReclaimable", "SUnreclaim", "KernelStack", "PageTables",
        "NFS_Unstable", "Bounce", "WritebackTmp",
    };
    for (size_t i = 0; i < sizeof zeros / sizeof zeros[0]; i++)
        meminfo_line(text, zeros[i], 0);
    meminfo_line(text, "CommitLimit", total);
    meminfo_line(text, "Committed_AS", total - free);
    meminfo_line(text, "VmallocTotal", 0);
    meminfo_line(text, "VmallocUsed", 0);
    meminfo_line(text, "VmallocChunk", 0);
    meminfo_line(text, "Percpu", 0);
    meminfo_line(text, "HardwareCorrupted", 0);
    meminfo_line(text, "AnonHugePages", 0);
    meminfo_line(text, "ShmemHugePages", 0);
    meminfo_line(text, "ShmemPmdMapped", 0);
    meminfo_line(text, "FileHugePages", 0);
    meminfo_line(text, "FilePmdMapped", 0);
    meminfo_count(text, "HugePages_Total", 0);
    meminfo_count(text, "HugePages_Free", 0);
    meminfo_count(text, "HugePages_Rsvd", 0);
    meminfo_count(text, "HugePages_Surp", 0);
    meminfo_line(text, "Hugepagesize", 2048);
    meminfo_line(text, "Hugetlb", 0);
}

void procfs_uptime(struct procfs_text *text, uint64_t up_hundredths, uint64_t idle_hundredths)
{
    procfs_append_hundredths(text, up_hundredths);
    procfs_append(text, " ", 1);
    procfs_append_hundredths(text, idle_hundredths);
    procfs_append(text, "\n", 1);
}

void procfs_loadavg(struct procfs_text *text, const uint64_t loads[3], uint64_t running,
                    uint64_t threads, uint64_t last_pid)
{
    for (int i = 0; i < 3; i++) {
        procfs_append_hundredths(text, loads[i]);
        procfs_append(text, " ", 1);
    }
    procfs_append_decimal(text, running, 0);
    procfs_append(text, "/", 1);
    procfs_append_decimal(text, threads, 0);
    procfs_append(text, " ", 1);
    procfs_append_decimal(text, last_pid, 0);
    procfs_append(text, "\n", 1);
}

/* "cpuN user nice system idle iowait irq softirq steal guest guest_nice" */
static void cpu_line(struct procfs_text *text, const char *name, uint64_t user, uint64_t system,
                     uint64_t idle)
{
    procfs_append_string(text, name);
    uint64_t values[] = {user, 0, system, idle, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 10; i++)
        field(text, values[i]);
    procfs_append(text, "\n", 1);
}

void procfs_stat(struct procfs_text *text, const struct procfs_system *system)
{
    uint64_t cores = system->cpu_count ? system->cpu_count : 1;
    cpu_line(text, "cpu ", system->user, system->system, system->idle);
    for (uint64_t core = 0; core < cores; core++) {
        char name[8] = "cpu";
        struct procfs_text number = {name + 3, 4, 0};
        procfs_append_decimal(&number, core, 0);
        name[3 + (number.length < 4 ? number.length : 3)] = '\0';
        cpu_line(text, name, system->user / cores, system->system / cores, system->idle / cores);
    }
    procfs_append_string(text, "intr 0\nctxt ");
    procfs_append_decimal(text, system->context_switches, 0);
    procfs_append_string(text, "\nbtime ");
    procfs_append_decimal(text, system->boot_time, 0);
    procfs_append_string(text, "\nprocesses ");
    procfs_append_decimal(text, system->processes_made, 0);
    procfs_append_string(text, "\nprocs_running ");
    procfs_append_decimal(text, system->running, 0);
    procfs_append_string(text, "\nprocs_blocked ");
    procfs_append_decimal(text, system->blocked, 0);
    procfs_append_string(text, "\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

void procfs_cpuinfo(struct procfs_text *text, uint64_t cpu_count)
{
    uint64_t cores = cpu_count ? cpu_count : 1;
    for (uint64_t core = 0; core < cores; core++) {
        procfs_append_string(text, "processor\t: ");
        procfs_append_decimal(text, core, 0);
        procfs_append_string(text, "\nBogoMIPS\t: 125.00\n"
                                   "Features\t: fp asimd evtstrm cpuid\n"
                                   "CPU implementer\t: 0x41\n"
                                   "CPU architecture: 8\n"
                                   "CPU variant\t: 0x0\n"
                                   "CPU part\t: 0xd08\n"
                                   "CPU revision\t: 3\n\n");
    }
}

/* seq_setwidth's width for a maps line: the name starts one past it. */
#define MAPS_NAME_COLUMN 72

void procfs_maps_line(struct procfs_text *text, const struct procfs_mapping *mapping)
{
    size_t line_start = text->length;
    procfs_append_hex(text, mapping->start, 8);
    procfs_append(text, "-", 1);
    procfs_append_hex(text, mapping->end, 8);
    char perms[6] = {' ', mapping->read ? 'r' : '-', mapping->write ? 'w' : '-',
                     mapping->execute ? 'x' : '-', mapping->shared ? 's' : 'p', ' '};
    procfs_append(text, perms, sizeof perms);
    procfs_append_hex(text, mapping->offset, 8);
    /* The device as Linux's MAJOR and MINOR of the st_dev stat gives
     * (glibc's gnu_dev_major and gnu_dev_minor). */
    uint64_t major = ((mapping->device >> 8) & 0xfff) | ((mapping->device >> 32) & ~0xfffULL);
    uint64_t minor = (mapping->device & 0xff) | ((mapping->device >> 12) & ~0xffULL);
    procfs_append(text, " ", 1);
    procfs_append_hex(text, major, 2);
    procfs_append(text, ":", 1);
    procfs_append_hex(text, minor, 2);
    procfs_append(text, " ", 1);
    procfs_append_decimal(text, mapping->inode, 0);
    procfs_append(text, " ", 1);
    if (mapping->name) {
        while (text->length - line_start < MAPS_NAME_COLUMN)
            procfs_append(text, " ", 1);
        procfs_append(text, " ", 1);
        for (size_t i = 0; i < mapping->name_length; i++) {
            if (mapping->name[i] == '\n')
                procfs_append_string(text, "\\012");
            else
                procfs_append(text, &mapping->name[i], 1);
        }
    }
    procfs_append(text, "\n", 1);
}
