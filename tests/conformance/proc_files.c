/*
 * /proc's files as Linux programs parse them: /proc/self and
 * /proc/<pid>/{stat,status,cmdline,comm}, /proc/meminfo, uptime, loadavg,
 * stat and cpuinfo, and the listing of /proc. Only which fields exist,
 * how they parse and how they relate to the process's own ids are
 * printed or checked, never their values (memory, times).
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include "check.h"

static char text[65536];

/* The whole file, NUL-terminated; its length or -1. */
static long slurp(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    long length = 0;
    for (;;) {
        ssize_t got = read(fd, text + length, sizeof text - 1 - (size_t)length);
        if (got <= 0)
            break;
        length += got;
    }
    close(fd);
    text[length] = 0;
    return length;
}

/* The value after "Name:" in status-like text ("Name:\tvalue"), or 0. */
static const char *field_of(const char *name)
{
    size_t length = strlen(name);
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : 0)
        if (strncmp(line, name, length) == 0 && line[length] == ':')
            return line + length + 1;
    return 0;
}

/* A meminfo line "Name:   <digits> kB". */
static int meminfo_has(const char *name, unsigned long long *value)
{
    const char *at = field_of(name);
    char unit[8] = "";
    return at && sscanf(at, " %llu %7s", value, unit) == 2 && strcmp(unit, "kB") == 0;
}

/* /proc/<pid>/stat's fields after the comm: fields[3] is the 3rd (state is
 * fields[3] as a character), up to 52; the count of fields. */
static int stat_fields(const char *path, char *comm, char *state, long long fields[53])
{
    if (slurp(path) <= 0)
        return -1;
    char *open_paren = strchr(text, '('), *close_paren = strrchr(text, ')');
    if (!open_paren || !close_paren || close_paren[1] != ' ')
        return -1;
    fields[1] = atoll(text);
    size_t comm_length = (size_t)(close_paren - open_paren - 1);
    memcpy(comm, open_paren + 1, comm_length);
    comm[comm_length] = 0;
    *state = close_paren[2];
    int count = 3;
    char *cursor = close_paren + 3;
    while (*cursor == ' ' && count < 52) {
        char *end;
        long long value = strtoll(cursor + 1, &end, 10);
        if (end == cursor + 1)
            break;
        fields[++count] = value;
        cursor = end;
    }
    return *cursor == '\n' ? count : -count;
}

static void self_status_names_this_process(void)
{
    CHECK(slurp("/proc/self/status") > 0);
    static const char *const names[] = {
        "Name", "Umask", "State", "Tgid", "Pid", "PPid", "TracerPid", "Uid", "Gid", "FDSize",
        "Groups", "VmSize", "VmRSS", "Threads", "SigPnd", "ShdPnd", "SigBlk", "SigIgn",
        "SigCgt", "CapEff", "Cpus_allowed_list",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!CHECK(field_of(names[i]) != 0))
            fprintf(stderr, "    no %s:\n", names[i]);
    CHECK(field_of("Pid") && atoi(field_of("Pid")) == getpid());
    CHECK(field_of("Tgid") && atoi(field_of("Tgid")) == getpid());
    CHECK(field_of("PPid") && atoi(field_of("PPid")) == getppid());
    CHECK(field_of("Threads") && atoi(field_of("Threads")) == 1);
    CHECK(field_of("State") && strncmp(field_of("State"), "\tR (running)", 12) == 0);
    unsigned ids[4];
    CHECK(field_of("Uid") && sscanf(field_of("Uid"), "%u %u %u %u", &ids[0], &ids[1], &ids[2],
                                    &ids[3]) == 4 && ids[0] == getuid() && ids[1] == geteuid());
    CHECK(field_of("Gid") && sscanf(field_of("Gid"), "%u %u %u %u", &ids[0], &ids[1], &ids[2],
                                    &ids[3]) == 4 && ids[0] == getgid() && ids[1] == getegid());
    unsigned long long kilobytes;
    CHECK(field_of("VmRSS") && sscanf(field_of("VmRSS"), " %llu kB", &kilobytes) == 1);
    printf("status: the fields ps and top read are there\n");
}

static void self_stat_has_52_fields(const char *program)
{
    char comm[64], state;
    long long fields[53] = {0};
    CHECK_EQ(stat_fields("/proc/self/stat", comm, &state, fields), 52);
    CHECK_EQ(fields[1], getpid());
    CHECK(state == 'R');
    CHECK_EQ(fields[4], getppid());
    CHECK_EQ(fields[5], getpgrp());
    CHECK_EQ(fields[6], getsid(0));
    CHECK_EQ(fields[20], 1);            /* num_threads */
    CHECK(fields[22] >= 0);             /* starttime */
    const char *base = strrchr(program, '/') ? strrchr(program, '/') + 1 : program;
    CHECK(strncmp(comm, base, 15) == 0 && strlen(comm) == (strlen(base) < 15 ? strlen(base) : 15));
    printf("stat: 52 fields, comm in parentheses\n");
    CHECK(slurp("/proc/self/comm") > 0);
    CHECK(strncmp(text, comm, strlen(comm)) == 0 && text[strlen(comm)] == '\n');
    printf("comm: the name and a newline\n");
}

static void self_cmdline_is_the_arguments(int argc, char **argv)
{
    long length = slurp("/proc/self/cmdline");
    long expected = 0;
    int same = 1;
    for (int i = 0; i < argc; i++) {
        size_t size = strlen(argv[i]) + 1;
        same = same && expected + (long)size <= length && memcmp(text + expected, argv[i], size) == 0;
        expected += (long)size;
    }
    CHECK_EQ(length, expected);
    CHECK(same);
    printf("cmdline: the arguments, each NUL-terminated\n");
}

static void a_child_is_seen_by_its_parent(char **argv)
{
    int ready[2];
    CHECK_OK(pipe(ready));
    pid_t child = fork();
    if (child == 0) {
        close(ready[0]);
        char byte = 1;
        if (write(ready[1], &byte, 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    close(ready[1]);
    char byte;
    CHECK_EQ(read(ready[0], &byte, 1), 1);
    close(ready[0]);
    char path[64], comm[64], state;
    long long fields[53] = {0};
    snprintf(path, sizeof path, "/proc/%d/stat", (int)child);
    CHECK_EQ(stat_fields(path, comm, &state, fields), 52);
    CHECK_EQ(fields[1], child);
    CHECK_EQ(fields[4], getpid());
    CHECK(state == 'S' || state == 'R');
    /* A fork child runs its parent's program with its arguments. */
    long own_length = slurp("/proc/self/cmdline");
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)child);
    CHECK_EQ(slurp(path), own_length);
    CHECK(strcmp(text, argv[0]) == 0);
    snprintf(path, sizeof path, "/proc/%d", (int)child);
    struct stat status;
    CHECK_OK(stat(path, &status));
    CHECK(S_ISDIR(status.st_mode));
    CHECK(status.st_uid == geteuid());
    /* It is listed. */
    DIR *proc = opendir("/proc");
    CHECK(proc != 0);
    int seen_child = 0, seen_self_pid = 0, seen_self = 0, seen_meminfo = 0;
    struct dirent *entry;
    while (proc && (entry = readdir(proc))) {
        if (atoi(entry->d_name) == child)
            seen_child = 1;
        if (atoi(entry->d_name) == getpid())
            seen_self_pid = entry->d_type == DT_DIR;
        if (strcmp(entry->d_name, "self") == 0)
            seen_self = 1;
        if (strcmp(entry->d_name, "meminfo") == 0)
            seen_meminfo = 1;
    }
    if (proc)
        closedir(proc);
    CHECK(seen_child && seen_self_pid && seen_self && seen_meminfo);
    printf("a child's stat, cmdline and directory: seen by its parent, listed in /proc\n");
    kill(child, SIGKILL);
    int wait_status;
    CHECK_EQ(waitpid(child, &wait_status, 0), child);
    CHECK_ERRNO(open(path, O_RDONLY | O_DIRECTORY), ENOENT);
    snprintf(path, sizeof path, "/proc/%d/stat", (int)child);
    CHECK_ERRNO(open(path, O_RDONLY), ENOENT);
    printf("a reaped child's files are gone\n");
}

static void self_is_a_link_to_the_pid(void)
{
    char link[32] = "", expected[32];
    snprintf(expected, sizeof expected, "%d", (int)getpid());
    CHECK(readlink("/proc/self", link, sizeof link - 1) == (ssize_t)strlen(expected));
    CHECK(strcmp(link, expected) == 0);
    printf("/proc/self: a link to the pid\n");
}

/* busybox top: chdir("/proc"), then names relative to it. */
static void relative_names_start_at_a_proc_directory(void)
{
    struct stat status;
    CHECK_OK(lstat("/proc/self", &status));
    CHECK(S_ISLNK(status.st_mode));
    CHECK_OK(chdir("/proc"));
    CHECK(slurp("stat") > 0 && strncmp(text, "cpu ", 4) == 0);
    CHECK(slurp("self/status") > 0 && strncmp(text, "Name:", 5) == 0);
    CHECK_OK(chdir("self"));
    CHECK(slurp("status") > 0 && strncmp(text, "Name:", 5) == 0);
    CHECK_OK(chdir("/"));
    CHECK_ERRNO(open("status", O_RDONLY), ENOENT);
    int proc = open("/proc", O_RDONLY | O_DIRECTORY);
    CHECK(proc >= 0);
    CHECK_OK(fstatat(proc, "meminfo", &status, 0));
    CHECK(S_ISREG(status.st_mode));
    int fd = openat(proc, "self/stat", O_RDONLY);
    CHECK(fd >= 0);
    char byte = 0;
    CHECK(read(fd, &byte, 1) == 1 && byte >= '1' && byte <= '9');
    close(fd);
    close(proc);
    printf("relative names: from a chdir into /proc and from a /proc descriptor\n");
}

static void meminfo_has_the_lines_free_reads(void)
{
    CHECK(slurp("/proc/meminfo") > 0);
    unsigned long long total = 0, free = 0, available = 0, value;
    CHECK(meminfo_has("MemTotal", &total));
    CHECK(meminfo_has("MemFree", &free));
    CHECK(meminfo_has("MemAvailable", &available));
    CHECK(total > 0 && free <= total && available <= total);
    static const char *const others[] = {"Buffers", "Cached", "SwapCached", "SwapTotal",
                                         "SwapFree", "Shmem", "Slab", "SReclaimable"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (!CHECK(meminfo_has(others[i], &value)))
            fprintf(stderr, "    no %s:\n", others[i]);
    CHECK(strncmp(text, "MemTotal:", 9) == 0);
    printf("meminfo: MemTotal, MemFree, MemAvailable and the others in kB\n");
}

static void uptime_loadavg_stat_cpuinfo_parse(void)
{
    double up, idle, loads[3];
    CHECK(slurp("/proc/uptime") > 0);
    CHECK(sscanf(text, "%lf %lf", &up, &idle) == 2 && up > 0);
    printf("uptime: two numbers\n");
    int running, threads, last;
    CHECK(slurp("/proc/loadavg") > 0);
    CHECK(sscanf(text, "%lf %lf %lf %d/%d %d", &loads[0], &loads[1], &loads[2], &running,
                 &threads, &last) == 6);
    CHECK(running >= 1 && threads >= running && last > 0);
    printf("loadavg: three averages, running/threads, last pid\n");
    CHECK(slurp("/proc/stat") > 0);
    unsigned long long times[10];
    CHECK(sscanf(text, "cpu  %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &times[0],
                 &times[1], &times[2], &times[3], &times[4], &times[5], &times[6], &times[7],
                 &times[8], &times[9]) == 10);
    CHECK(strstr(text, "\ncpu0 ") != 0);
    CHECK(strstr(text, "\nbtime ") != 0);
    CHECK(strstr(text, "\nprocesses ") != 0);
    CHECK(strstr(text, "\nprocs_running ") != 0);
    printf("stat: the cpu lines, btime, processes\n");
    CHECK(slurp("/proc/cpuinfo") > 0);
    CHECK(strncmp(text, "processor\t: 0\n", 14) == 0);
    printf("cpuinfo: processor 0 first\n");
}

static void missing_names_are_enoent(void)
{
    CHECK_ERRNO(open("/proc/self/no-such-file", O_RDONLY), ENOENT);
    CHECK_ERRNO(open("/proc/999999/stat", O_RDONLY), ENOENT);
    CHECK_ERRNO(access("/proc/999999", F_OK), ENOENT);
    CHECK_OK(access("/proc/meminfo", R_OK));
    CHECK_OK(access("/proc/self/", R_OK | X_OK));
    CHECK_ERRNO(access("/proc/self/status", X_OK), EACCES);
    printf("missing files: ENOENT; access: readable files, searchable directories\n");
}

int main(int argc, char **argv)
{
    self_status_names_this_process();
    self_stat_has_52_fields(argv[0]);
    self_cmdline_is_the_arguments(argc, argv);
    a_child_is_seen_by_its_parent(argv);
    self_is_a_link_to_the_pid();
    relative_names_start_at_a_proc_directory();
    meminfo_has_the_lines_free_reads();
    uptime_loadavg_stat_cpuinfo_parse();
    missing_names_are_enoent();
    return check_finish("proc_files");
}
