/*
 * /proc/<pid>/maps in Linux's line format (start-end perms offset
 * major:minor inode, then the name from column 73): the program's own
 * file, [stack], [heap] once brk grew, anonymous mappings (no name),
 * file mappings (their path, offset, device and inode as stat gives
 * them), memfds (/memfd:NAME (deleted)), shared anonymous memory
 * (/dev/zero (deleted)), a System V segment (/SYSV<key> (deleted)), and
 * mprotect splitting a line; /proc/<pid>/exe, a link to the program;
 * and another user's maps and exe refused (EACCES). Addresses, inodes
 * and the layout around them vary: only the lines the program made
 * itself are looked at.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include "check.h"

static char text[65536];

/* One line of maps, parsed. */
struct line {
    unsigned long start, end, offset;
    char perms[5];
    unsigned major, minor;
    unsigned long long inode;
    char name[4200];            /* "" for none */
    int name_column;            /* where it starts in its line */
};

static int read_maps(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -errno;
    long length = 0;
    for (;;) {
        ssize_t got = read(fd, text + length, sizeof text - 1 - (size_t)length);
        if (got <= 0)
            break;
        length += got;
    }
    close(fd);
    text[length] = 0;
    return (int)length;
}

/* The line of maps that starts at start. */
static int line_at(unsigned long start, struct line *found)
{
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        if (!end)
            return 0;
        char copy[4300];
        size_t length = (size_t)(end - line) < sizeof copy - 1 ? (size_t)(end - line)
                                                               : sizeof copy - 1;
        memcpy(copy, line, length);
        copy[length] = 0;
        int consumed = 0;
        if (sscanf(copy, "%lx-%lx %4s %lx %x:%x %llu %n", &found->start, &found->end,
                   found->perms, &found->offset, &found->major, &found->minor, &found->inode,
                   &consumed) == 7 && found->start == start) {
            strcpy(found->name, copy + consumed);
            found->name_column = consumed;
            return 1;
        }
        line = end + 1;
    }
    return 0;
}

/* Whether some line names name (and its perms has perm, if given). */
static int named(const char *name, char perm)
{
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        if (!end)
            return 0;
        size_t length = strlen(name);
        if ((size_t)(end - line) > length && memcmp(end - length, name, length) == 0 &&
            end[-(long)length - 1] == ' ') {
            char perms[5] = "";
            sscanf(line, "%*x-%*x %4s", perms);
            if (!perm || strchr(perms, perm))
                return 1;
        }
        line = end + 1;
    }
    return 0;
}

static void every_line_has_the_six_fields(void)
{
    CHECK(read_maps("/proc/self/maps") > 0);
    int lines = 0, good = 0, sorted = 1;
    unsigned long previous = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        if (!end)
            break;
        unsigned long start, stop, offset;
        char perms[5];
        unsigned major, minor;
        unsigned long long inode;
        if (sscanf(line, "%lx-%lx %4s %lx %x:%x %llu", &start, &stop, perms, &offset, &major,
                   &minor, &inode) == 7 && start < stop && strlen(perms) == 4 &&
            strchr("rs-", perms[0]) && (perms[3] == 'p' || perms[3] == 's'))
            good++;
        if (start < previous)
            sorted = 0;
        previous = stop;
        lines++;
        line = end + 1;
    }
    CHECK(lines > 3);
    CHECK_EQ(good, lines);
    CHECK(sorted);
    CHECK(named("[stack]", 'w'));
    printf("maps: a line a mapping, in address order, [stack] among them\n");
}

static void the_program_and_its_link(const char *program)
{
    char link[4096] = "";
    CHECK(readlink("/proc/self/exe", link, sizeof link - 1) > 0);
    if (program[0] == '/')
        CHECK(strcmp(link, program) == 0);
    struct stat by_link, by_path;
    CHECK_OK(stat("/proc/self/exe", &by_link));
    CHECK_OK(stat(link, &by_path));
    CHECK(by_link.st_ino == by_path.st_ino && by_link.st_dev == by_path.st_dev);
    CHECK_OK(lstat("/proc/self/exe", &by_link));
    CHECK(S_ISLNK(by_link.st_mode));
    int fd = open("/proc/self/exe", O_RDONLY);
    char magic[4] = "";
    CHECK(fd >= 0 && read(fd, magic, 4) == 4 && memcmp(magic, "\177ELF", 4) == 0);
    close(fd);
    CHECK(read_maps("/proc/self/maps") > 0);
    CHECK(named(link, 'x'));            /* its text */
    CHECK(named(link, 'w'));            /* its data */
    /* The text's line: offset 0, the file's device and inode. */
    static struct line line;
    int found = 0;
    for (const char *at = text; *at && !found;) {
        unsigned long start;
        if (sscanf(at, "%lx-", &start) == 1 && line_at(start, &line) &&
            strcmp(line.name, link) == 0 && strchr(line.perms, 'x'))
            found = 1;
        at = strchr(at, '\n') ? strchr(at, '\n') + 1 : "";
    }
    CHECK(found && line.offset == 0 && line.inode == (unsigned long long)by_path.st_ino &&
          line.major == major(by_path.st_dev) && line.minor == minor(by_path.st_dev));
    printf("exe: a link to the program, whose file maps names with its text and data\n");
}

static void anonymous_memory_has_no_name_and_mprotect_splits_it(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *memory = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
    REQUIRE(memory != MAP_FAILED);
    static struct line line;
    CHECK(read_maps("/proc/self/maps") > 0);
    CHECK(line_at((unsigned long)memory, &line) &&
          line.end >= (unsigned long)memory + 4 * page && strcmp(line.perms, "rw-p") == 0 &&
          line.offset == 0 && line.major == 0 && line.minor == 0 && line.inode == 0 &&
          line.name[0] == 0);
    CHECK_OK(mprotect(memory + page, page, PROT_READ));
    CHECK(read_maps("/proc/self/maps") > 0);
    CHECK(line_at((unsigned long)memory + page, &line) &&
          line.end == (unsigned long)memory + 2 * page && strcmp(line.perms, "r--p") == 0);
    CHECK(line_at((unsigned long)memory + 2 * page, &line) && strcmp(line.perms, "rw-p") == 0);
    /* The line ends with the space after the inode. */
    char *at = strstr(text, "r--p 00000000 00:00 0 \n");
    CHECK(at != NULL);
    munmap(memory, 4 * page);
    printf("anonymous memory: no name; mprotect of its middle makes three lines\n");
}

static void the_heap_appears_once_brk_grows(void)
{
    unsigned long start = (unsigned long)syscall(SYS_brk, 0);
    long page = sysconf(_SC_PAGESIZE);
    unsigned long grown = (unsigned long)syscall(SYS_brk, start + 4 * page);
    CHECK(grown == start + 4 * page);
    CHECK(read_maps("/proc/self/maps") > 0);
    CHECK(named("[heap]", 'w'));
    syscall(SYS_brk, start);
    printf("[heap]: once brk grew\n");
}

static void files_and_memfds_show_path_offset_and_inode(void)
{
    long page = sysconf(_SC_PAGESIZE);
    int fd = open("/tmp/proc-maps-file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0 && ftruncate(fd, 4 * page) == 0);
    char *shared = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, page);
    char *private = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 2 * page);
    REQUIRE(shared != MAP_FAILED && private != MAP_FAILED);
    struct stat status;
    CHECK_OK(fstat(fd, &status));
    static struct line line;
    CHECK(read_maps("/proc/self/maps") > 0);
    CHECK(line_at((unsigned long)shared, &line) && strcmp(line.perms, "rw-s") == 0 &&
          line.offset == (unsigned long)page && line.inode == (unsigned long long)status.st_ino &&
          line.major == major(status.st_dev) && line.minor == minor(status.st_dev) &&
          strcmp(line.name, "/tmp/proc-maps-file") == 0 && line.name_column == 73);
    CHECK(line_at((unsigned long)private, &line) && strcmp(line.perms, "r--p") == 0 &&
          line.offset == 2 * (unsigned long)page && strcmp(line.name, "/tmp/proc-maps-file") == 0);
    /* Unlinked, the mapping stays, named so. */
    CHECK_OK(unlink("/tmp/proc-maps-file"));
    CHECK(read_maps("/proc/self/maps") > 0);
    CHECK(line_at((unsigned long)shared, &line) &&
          strcmp(line.name, "/tmp/proc-maps-file (deleted)") == 0);
    munmap(shared, 2 * page);
    munmap(private, page);
    close(fd);

    int memory = memfd_create("proc-maps", 0);
    REQUIRE(memory >= 0 && ftruncate(memory, page) == 0);
    char *mapped = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, memory, 0);
    REQUIRE(mapped != MAP_FAILED);
    CHECK(read_maps("/proc/self/maps") > 0);
    CHECK(line_at((unsigned long)mapped, &line) && strcmp(line.perms, "rw-s") == 0 &&
          strcmp(line.name, "/memfd:proc-maps (deleted)") == 0);
    munmap(mapped, page);
    close(memory);

    char *zero = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(zero != MAP_FAILED);
    CHECK(read_maps("/proc/self/maps") > 0);
    CHECK(line_at((unsigned long)zero, &line) && strcmp(line.perms, "rw-s") == 0 &&
          strcmp(line.name, "/dev/zero (deleted)") == 0);
    munmap(zero, page);

    int segment = shmget(0x51f0cafe, (size_t)page, IPC_CREAT | IPC_EXCL | 0600);
    REQUIRE(segment >= 0);
    char *attached = shmat(segment, NULL, SHM_RDONLY);
    REQUIRE(attached != (char *)-1);
    CHECK(read_maps("/proc/self/maps") > 0);
    CHECK(line_at((unsigned long)attached, &line) && strcmp(line.perms, "r--s") == 0 &&
          strcmp(line.name, "/SYSV51f0cafe (deleted)") == 0);
    shmdt(attached);
    shmctl(segment, IPC_RMID, NULL);
    printf("files: path, offset, device, inode (deleted once unlinked); memfds, shared "
           "anonymous memory and segments: their names\n");
}

static void a_child_is_looked_into_by_its_parent_not_by_another_user(void)
{
    int hold[2];
    REQUIRE(pipe(hold) == 0);
    pid_t child = fork();
    if (child == 0) {
        close(hold[1]);
        char byte;
        read(hold[0], &byte, 1);
        _exit(0);
    }
    close(hold[0]);
    char path[64], link[4096] = "", own[4096] = "";
    snprintf(path, sizeof path, "/proc/%d/exe", (int)child);
    CHECK(readlink(path, link, sizeof link - 1) > 0);
    CHECK(readlink("/proc/self/exe", own, sizeof own - 1) > 0 && strcmp(link, own) == 0);
    snprintf(path, sizeof path, "/proc/%d/maps", (int)child);
    CHECK(read_maps(path) > 0 && named("[stack]", 0));
    pid_t stranger = fork();
    if (stranger == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        CHECK_ERRNO(open(path, O_RDONLY), EACCES);
        snprintf(path, sizeof path, "/proc/%d/exe", (int)child);
        CHECK_ERRNO(readlink(path, link, sizeof link), EACCES);
        /* Its own, it may read. */
        CHECK(read_maps("/proc/self/maps") > 0);
        check_child_exit();
    }
    check_child_passed(stranger);
    close(hold[1]);
    check_child_passed(child);
    printf("a child's maps and exe: read by its parent; another user's: EACCES\n");
}

/* After execve: the link names the new program, still after the
 * program has opened and looked at descriptors. */
static int execed(const char *program)
{
    char link[4096] = "", path[64], target[64];
    int fd = open("/dev/null", O_RDONLY);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    CHECK(readlink(path, target, sizeof target) == 9);
    close(fd);
    CHECK(readlink("/proc/self/exe", link, sizeof link - 1) > 0);
    if (program[0] == '/')
        CHECK(strcmp(link, program) == 0);
    struct stat by_link;
    CHECK_OK(stat("/proc/self/exe", &by_link));
    return check_failures ? 1 : 0;
}

static void an_execve_moves_the_link_to_the_new_program(char **argv)
{
    pid_t child = fork();
    if (child == 0) {
        char *again[] = {argv[0], "again", NULL};
        execv(argv[0], again);
        _exit(3);
    }
    check_child_passed(child);
    printf("execve: the link names the program it ran\n");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "again") == 0)
        return execed(argv[0]);
    every_line_has_the_six_fields();
    the_program_and_its_link(argv[0]);
    anonymous_memory_has_no_name_and_mprotect_splits_it();
    the_heap_appears_once_brk_grows();
    files_and_memfds_show_path_offset_and_inode();
    a_child_is_looked_into_by_its_parent_not_by_another_user();
    an_execve_moves_the_link_to_the_new_program(argv);
    return check_finish("proc_maps_exe");
}
