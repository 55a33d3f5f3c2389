/*
 * The text of /proc's files, as Linux 6.1 lays it out (fs/proc/array.c,
 * meminfo.c, stat.c, loadavg.c, uptime.c; arch/arm64/kernel/cpuinfo.c),
 * from values procmgr gathers: plain C with no IPC, host-tested in
 * tests/host/test_procmgr_procfs_text.c. The values may differ from
 * Linux's; the layout and the fields tools parse (busybox ps, top, free,
 * uptime; procps) do not.
 *
 * Every function appends to a struct procfs_text, which keeps at most
 * its capacity and counts what would not fit (length > capacity means
 * truncated).
 */
#ifndef PROCMGR_PROCFS_TEXT_H
#define PROCMGR_PROCFS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct procfs_text {
    char *bytes;
    size_t capacity;
    size_t length;
};

/* USER_HZ: the unit of times in /proc/stat and /proc/<pid>/stat. */
#define PROCFS_CLOCK_TICKS 100
/* comm's bound: TASK_COMM_LEN less the NUL. */
#define PROCFS_COMM_MAX 15

struct procfs_process {
    uint64_t pid, ppid, pgid, sid;
    char state;                 /* 'R', 'S', 'T', 'Z' */
    const char *comm;           /* at most PROCFS_COMM_MAX bytes */
    uint64_t uid, euid, suid, gid, egid, sgid;
    uint64_t threads;
    uint64_t utime, stime, cutime, cstime;  /* clock ticks */
    uint64_t start_time;        /* clock ticks after boot */
    uint64_t vsize_bytes, rss_pages;
    uint64_t umask;
    uint64_t signals_pending, signals_blocked, signals_ignored, signals_caught;
    uint64_t cpu_count;
};

struct procfs_memory {
    uint64_t total_bytes, free_bytes;
};

void procfs_append(struct procfs_text *text, const char *bytes, size_t length);
void procfs_append_string(struct procfs_text *text, const char *string);
/* A decimal right-aligned in width columns (0: no padding). */
void procfs_append_decimal(struct procfs_text *text, uint64_t value, unsigned width);
/* Hexadecimal, lower case, zero-padded to width digits. */
void procfs_append_hex(struct procfs_text *text, uint64_t value, unsigned width);
/* value / 100 "." value % 100 as two digits ("12.05"). */
void procfs_append_hundredths(struct procfs_text *text, uint64_t hundredths);

/* /proc/<pid>/stat: one line of 52 fields. */
void procfs_process_stat(struct procfs_text *text, const struct procfs_process *process);
/* /proc/<pid>/status. */
void procfs_process_status(struct procfs_text *text, const struct procfs_process *process);
/* /proc/meminfo (no swap, no caches). */
void procfs_meminfo(struct procfs_text *text, const struct procfs_memory *memory);
/* /proc/uptime: seconds up and idle, in hundredths. */
void procfs_uptime(struct procfs_text *text, uint64_t up_hundredths, uint64_t idle_hundredths);
/* /proc/loadavg: the three averages (hundredths), runnable and all
 * threads, the last pid made. */
void procfs_loadavg(struct procfs_text *text, const uint64_t loads[3], uint64_t running,
                    uint64_t threads, uint64_t last_pid);
/* /proc/stat: per-core and total times (clock ticks; idle only for
 * cores, user and system for all), boot time, processes made. */
struct procfs_system {
    uint64_t cpu_count;
    uint64_t user, system, idle;        /* summed over the cores */
    uint64_t boot_time;                 /* seconds since the epoch */
    uint64_t processes_made, running, blocked, context_switches;
};
void procfs_stat(struct procfs_text *text, const struct procfs_system *system);
/* /proc/cpuinfo: cpu_count arm64 entries. */
void procfs_cpuinfo(struct procfs_text *text, uint64_t cpu_count);

/* One line of /proc/<pid>/maps (fs/proc/task_mmu.c's show_map_vma). */
struct procfs_mapping {
    uint64_t start, end;
    bool read, write, execute;
    bool shared;                /* 's' (VM_MAYSHARE), else 'p' */
    uint64_t offset;            /* bytes into the file */
    uint64_t device;            /* st_dev as stat shows it (0: none) */
    uint64_t inode;
    const char *name;           /* a path or "[heap]", "[stack]"; NULL: none */
    size_t name_length;
};
/* "start-end perms offset major:minor inode ", then the name from
 * column 73 (a newline in it as "\012", as seq_file_path escapes it). */
void procfs_maps_line(struct procfs_text *text, const struct procfs_mapping *mapping);

#endif
