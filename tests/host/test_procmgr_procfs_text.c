/* The text of /proc's files: Linux 6.1's layouts, field by field where
 * tools parse them (busybox ps reads stat's fields by position, free and
 * top meminfo's lines by name, uptime /proc/uptime's first number). */
#include "check.h"
#include "procfs_text.h"

static char buffer[8192];

static struct procfs_text fresh(void)
{
    memset(buffer, 0, sizeof buffer);
    return (struct procfs_text){buffer, sizeof buffer - 1, 0};
}

static const struct procfs_process shell = {
    .pid = 7, .ppid = 1, .pgid = 7, .sid = 7, .state = 'S', .comm = "sh",
    .uid = 1000, .euid = 1001, .suid = 1002, .gid = 100, .egid = 101, .sgid = 102,
    .threads = 1, .utime = 12, .stime = 3, .start_time = 250,
    .vsize_bytes = 1 << 20, .rss_pages = 50, .umask = 022, .cpu_count = 4,
};

static void appending_past_the_capacity_counts_without_writing(void)
{
    char small[4] = "zzzz";
    struct procfs_text text = {small, 3, 0};
    procfs_append_string(&text, "hello");
    CHECK_EQ_U64(text.length, 5);
    CHECK(memcmp(small, "helz", 4) == 0);
}

static void decimals_pad_to_their_width_and_hundredths_keep_two_digits(void)
{
    struct procfs_text text = fresh();
    procfs_append_decimal(&text, 42, 8);
    procfs_append_hundredths(&text, 1205);
    procfs_append_hex(&text, 0x1f, 4);
    CHECK(strcmp(buffer, "      4212.05001f") == 0);
}

static void stat_line_has_52_fields_with_comm_in_parentheses(void)
{
    struct procfs_text text = fresh();
    procfs_process_stat(&text, &shell);
    CHECK(strncmp(buffer, "7 (sh) S 1 7 7 0 -1 ", 20) == 0);
    CHECK(buffer[text.length - 1] == '\n');
    unsigned fields = 1;
    for (size_t i = 0; i < text.length; i++)
        fields += buffer[i] == ' ';
    CHECK_EQ_U64(fields, 52);
    /* utime, stime are fields 14 and 15; start_time 22; vsize 23; rss 24 */
    unsigned long long value[53] = {0};
    char *cursor = strchr(buffer, ')') + 2;
    for (unsigned field = 3; field <= 52; field++) {
        if (field == 3) {
            cursor += 2;
            continue;
        }
        value[field] = strtoull(cursor, &cursor, 10);
    }
    CHECK_EQ_U64(value[14], 12);
    CHECK_EQ_U64(value[15], 3);
    CHECK_EQ_U64(value[20], 1);
    CHECK_EQ_U64(value[22], 250);
    CHECK_EQ_U64(value[23], 1 << 20);
    CHECK_EQ_U64(value[24], 50);
}

static void status_names_ids_in_linux_order(void)
{
    struct procfs_text text = fresh();
    procfs_process_status(&text, &shell);
    CHECK(strncmp(buffer, "Name:\tsh\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t7\n", 46) == 0);
    CHECK(strstr(buffer, "\nPid:\t7\nPPid:\t1\n") != 0);
    CHECK(strstr(buffer, "\nUid:\t1000\t1001\t1002\t1001\n") != 0);
    CHECK(strstr(buffer, "\nGid:\t100\t101\t102\t101\n") != 0);
    CHECK(strstr(buffer, "\nVmRSS:\t     200 kB\n") != 0);
    CHECK(strstr(buffer, "\nThreads:\t1\n") != 0);
    CHECK(strstr(buffer, "\nSigBlk:\t0000000000000000\n") != 0);
    CHECK(strstr(buffer, "\nCpus_allowed_list:\t0-3\n") != 0);
}

static void a_zombie_has_no_memory_lines(void)
{
    struct procfs_process zombie = shell;
    zombie.state = 'Z';
    struct procfs_text text = fresh();
    procfs_process_status(&text, &zombie);
    CHECK(strstr(buffer, "State:\tZ (zombie)\n") != 0);
    CHECK(strstr(buffer, "VmRSS") == 0);
}

static void meminfo_pads_names_to_16_and_values_to_8(void)
{
    struct procfs_memory memory = {256ULL << 20, 100ULL << 20};
    struct procfs_text text = fresh();
    procfs_meminfo(&text, &memory);
    CHECK(strncmp(buffer, "MemTotal:         262144 kB\nMemFree:          102400 kB\n"
                          "MemAvailable:     102400 kB\n", 84) == 0);
    CHECK(strstr(buffer, "\nSwapTotal:             0 kB\n") != 0);
    CHECK(strstr(buffer, "\nHugePages_Total:       0\n") != 0);
    CHECK(strstr(buffer, "\nHugepagesize:       2048 kB\n") != 0);
}

static void uptime_and_loadavg_are_one_line(void)
{
    struct procfs_text text = fresh();
    procfs_uptime(&text, 12345, 40007);
    CHECK(strcmp(buffer, "123.45 400.07\n") == 0);
    uint64_t loads[3] = {5, 110, 0};
    text = fresh();
    procfs_loadavg(&text, loads, 1, 9, 42);
    CHECK(strcmp(buffer, "0.05 1.10 0.00 1/9 42\n") == 0);
}

static void system_stat_starts_with_the_total_then_each_core(void)
{
    struct procfs_system system = {.cpu_count = 2, .user = 10, .idle = 400, .boot_time = 1000,
                                   .processes_made = 5, .running = 1};
    struct procfs_text text = fresh();
    procfs_stat(&text, &system);
    CHECK(strncmp(buffer, "cpu  10 0 0 400 0 0 0 0 0 0\ncpu0 5 0 0 200 0 0 0 0 0 0\n"
                          "cpu1 5 0 0 200 0 0 0 0 0 0\n", 82) == 0);
    CHECK(strstr(buffer, "\nbtime 1000\nprocesses 5\nprocs_running 1\nprocs_blocked 0\n") != 0);
}

static void cpuinfo_has_one_entry_a_core(void)
{
    struct procfs_text text = fresh();
    procfs_cpuinfo(&text, 2);
    CHECK(strncmp(buffer, "processor\t: 0\nBogoMIPS\t: ", 25) == 0);
    CHECK(strstr(buffer, "\n\nprocessor\t: 1\n") != 0);
    CHECK(strstr(buffer, "CPU architecture: 8\n") != 0);
}

static void maps_lines_put_the_name_at_column_73(void)
{
    struct procfs_text text = fresh();
    struct procfs_mapping file = {
        .start = 0x400000, .end = 0x452000, .read = true, .execute = true,
        .offset = 0x1000, .device = (8 << 8) | 1, .inode = 1234,
        .name = "/bin/prog", .name_length = 9,
    };
    procfs_maps_line(&text, &file);
    const char *expected = "00400000-00452000 r-xp 00001000 08:01 1234";
    CHECK(strncmp(buffer, expected, strlen(expected)) == 0);
    CHECK(buffer[72] == ' ' && buffer[71] == ' ');
    CHECK(strcmp(buffer + 73, "/bin/prog\n") == 0);
}

static void anonymous_maps_lines_end_with_a_space(void)
{
    struct procfs_text text = fresh();
    struct procfs_mapping anonymous = {.start = 0x7f0000000000, .end = 0x7f0000001000,
                                       .read = true, .write = true, .shared = true};
    procfs_maps_line(&text, &anonymous);
    CHECK(strcmp(buffer, "7f0000000000-7f0000001000 rw-s 00000000 00:00 0 \n") == 0);
    text = fresh();
    struct procfs_mapping odd = {.start = 0x1000, .end = 0x2000, .name = "a\nb",
                                 .name_length = 3};
    procfs_maps_line(&text, &odd);
    CHECK(strcmp(buffer + 73, "a\\012b\n") == 0);
}

int main(void)
{
    appending_past_the_capacity_counts_without_writing();
    decimals_pad_to_their_width_and_hundredths_keep_two_digits();
    stat_line_has_52_fields_with_comm_in_parentheses();
    status_names_ids_in_linux_order();
    a_zombie_has_no_memory_lines();
    meminfo_pads_names_to_16_and_values_to_8();
    uptime_and_loadavg_are_one_line();
    system_stat_starts_with_the_total_then_each_core();
    cpuinfo_has_one_entry_a_core();
    maps_lines_put_the_name_at_column_73();
    anonymous_maps_lines_end_with_a_space();
    return check_report();
}
