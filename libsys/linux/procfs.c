/*
 * /proc, in the reading process (docs/personality.md, /proc). vfs holds
 * /proc as an empty read-only directory; the personality recognises
 * absolute paths under it before they reach vfs and asks procmgr
 * (PROC_PROCFS) for the text of the file, which becomes a sealed memfd
 * holding those bytes: a snapshot taken at open, as tools read them.
 * Directories (/proc, /proc/<pid>) are descriptors of vfs's /proc whose
 * getdents the personality answers from procmgr's list of pids.
 *
 * Not vfs: procmgr calls vfs (it opens programs), so a vfs that waited
 * on procmgr could wait on a procmgr waiting on it. Here only the
 * reading process waits, on procmgr, which answers at once.
 */
#include "procfs.h"
#include "descriptors.h"
#include "file_transfer.h"
#include "paths.h"
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/memfd.h"
#include "sys/protocol/procmgr.h"

#define PROCFS_TEXT_MAX 16384
#define PROCFS_DEVICE   3           /* st_dev of vfs's /proc (on its /dev mount) */
/* memfd's seals (F_ADD_SEALS): the text cannot change. */
#define SEALED (0x1 | 0x2 | 0x4 | 0x8)  /* F_SEAL_SEAL, _SHRINK, _GROW, _WRITE */

/* What a path names. */
enum procfs_kind { PROCFS_NONE, PROCFS_ROOT, PROCFS_PROCESS, PROCFS_FILE, PROCFS_MISSING };

struct procfs_name {
    enum procfs_kind kind;
    uint64_t pid;                   /* 0: the system's files */
    uint64_t file;                  /* enum proc_procfs_file */
};

static const struct {
    const char *name;
    uint64_t file;
} process_files[] = {
    {"cmdline", PROC_PROCFS_CMDLINE}, {"comm", PROC_PROCFS_COMM},
    {"stat", PROC_PROCFS_STAT}, {"status", PROC_PROCFS_STATUS},
}, system_files[] = {
    {"cpuinfo", PROC_PROCFS_CPUINFO}, {"loadavg", PROC_PROCFS_LOADAVG},
    {"meminfo", PROC_PROCFS_MEMINFO}, {"stat", PROC_PROCFS_SYSTEM_STAT},
    {"uptime", PROC_PROCFS_UPTIME},
};
#define COUNT(array) (sizeof array / sizeof array[0])

/* Directory descriptors: 0, or 1 + the pid whose directory it lists
 * (0 + 1 for /proc itself), and how far getdents has come. The table is
 * the process's memory, so a fork child has its parent's; execve starts
 * afresh (a /proc directory descriptor kept across it lists nothing). */
static uint32_t directory_of[LINUX_MAX_FDS];
static uint32_t directory_position[LINUX_MAX_FDS];

/* The next component of *path (slashes skipped), its length in *length. */
static const char *component(const char **path, uint64_t *length)
{
    for (;;) {
        while (**path == '/')
            (*path)++;
        const char *start = *path;
        while (**path && **path != '/')
            (*path)++;
        *length = (uint64_t)(*path - start);
        if (*length != 1 || start[0] != '.')       /* "." names where it is */
            return start;
    }
}

static bool same(const char *a, uint64_t length, const char *b)
{
    uint64_t i = 0;
    for (; i < length && b[i]; i++)
        if (a[i] != b[i])
            return false;
    return i == length && b[i] == 0;
}

static struct procfs_name recognise(const char *path)
{
    struct procfs_name name = {PROCFS_NONE, 0, 0};
    if (path == 0 || !linux_user_range((uint64_t)(uintptr_t)path, 1) || path[0] != '/')
        return name;
    uint64_t length;
    const char *part = component(&path, &length);
    if (!same(part, length, "proc"))
        return name;
    part = component(&path, &length);
    if (length == 0)
        return (struct procfs_name){PROCFS_ROOT, 0, 0};
    name.kind = PROCFS_MISSING;
    uint64_t pid = 0;
    if (same(part, length, "self"))
        pid = (uint64_t)sys_getpid();
    else if (part[0] >= '1' && part[0] <= '9' && length < 10) {
        for (uint64_t i = 0; i < length; i++) {
            if (part[i] < '0' || part[i] > '9')
                return name;
            pid = pid * 10 + (uint64_t)(part[i] - '0');
        }
    }
    const char *rest = component(&path, &length);
    if (pid == 0) {
        uint64_t first_length = 0;
        const char *first = part;
        while (first[first_length] && first[first_length] != '/')
            first_length++;
        if (length != 0)
            return name;
        for (unsigned i = 0; i < COUNT(system_files); i++)
            if (same(first, first_length, system_files[i].name))
                return (struct procfs_name){PROCFS_FILE, 0, system_files[i].file};
        return name;
    }
    if (length == 0)
        return (struct procfs_name){PROCFS_PROCESS, pid, 0};
    uint64_t trailing;
    component(&path, &trailing);
    if (trailing != 0)
        return name;
    for (unsigned i = 0; i < COUNT(process_files); i++)
        if (same(rest, length, process_files[i].name))
            return (struct procfs_name){PROCFS_FILE, pid, process_files[i].file};
    return name;
}

/* PROC_PROCFS into buffer: the text's whole length, or -errno. */
static int64_t ask(uint64_t file, uint64_t pid, uint64_t from, void *buffer, uint64_t size)
{
    linux_set_window(0, (uint64_t)(uintptr_t)buffer, size, TERN_WINDOW_WRITE);
    uint64_t mr[4] = {file, pid, from, size};
    return linux_call(LINUX_SLOT_PROCMGR, PROC_PROCFS, 4, 0, 1, mr);
}

static int64_t owner(uint64_t pid, uint32_t *uid, uint32_t *gid, uint64_t *start)
{
    uint64_t mr[4] = {PROC_PROCFS_OWNER, pid, 0, 0};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_PROCFS, 4, 0, 0, mr);
    if (result < 0)
        return -LINUX_ENOENT;
    *uid = (uint32_t)mr[1];
    *gid = (uint32_t)mr[2];
    *start = mr[3];
    return 0;
}

/* value in decimal at out (room for 20 digits): the digits' count. */
static unsigned put_decimal(char *out, uint64_t value)
{
    char digits[20];
    unsigned count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    for (unsigned i = 0; i < count; i++)
        out[i] = digits[count - 1 - i];
    return count;
}

/* The working directory's, as directory_of's values: set by chdir and
 * fchdir, in the info page, which procmgr keeps across fork and execve. */
#define working_directory (linux_process_info()->procfs_directory)

const char *linux_procfs_path(int64_t dirfd, const char *path, char buffer[LINUX_PROCFS_PATH_MAX])
{
    if (path == 0 || !linux_user_range((uint64_t)(uintptr_t)path, 1) || path[0] == 0)
        return 0;
    if (path[0] == '/')
        return recognise(path).kind != PROCFS_NONE ? path : 0;
    uint32_t directory = 0;
    if ((int32_t)dirfd == LINUX_AT_FDCWD)
        directory = (uint32_t)working_directory;
    else if (dirfd >= 0 && dirfd < LINUX_MAX_FDS)
        directory = directory_of[dirfd];
    if (!directory)
        return 0;
    /* "/proc" or "/proc/<pid>", "/", then the path. */
    char prefix[24] = "/proc/";
    unsigned used = 6;
    if (directory > 1) {
        used += put_decimal(prefix + used, directory - 1);
        prefix[used++] = '/';
    }
    unsigned length = 0;
    for (; length < used; length++)
        buffer[length] = prefix[length];
    for (const char *c = path; *c; c++) {
        if (length + 1 >= LINUX_PROCFS_PATH_MAX)
            return 0;
        buffer[length++] = *c;
    }
    buffer[length] = 0;
    return recognise(buffer).kind != PROCFS_NONE ? buffer : 0;
}

int64_t linux_procfs_chdir(const char *path, uint64_t slot)
{
    struct procfs_name name = recognise(path);
    if (name.kind == PROCFS_FILE)
        return -LINUX_ENOTDIR;
    if (name.kind == PROCFS_MISSING)
        return -LINUX_ENOENT;
    uint32_t uid, gid;
    uint64_t start;
    if (name.kind == PROCFS_PROCESS && owner(name.pid, &uid, &gid, &start) < 0)
        return -LINUX_ENOENT;
    int64_t result = linux_open_into(slot, LINUX_AT_FDCWD, "/proc",
                                     LINUX_O_DIRECTORY | LINUX_O_PATH, 0);
    if (result >= 0)
        working_directory = name.pid + 1;
    return result;
}

void linux_procfs_working_directory(int64_t fd)
{
    working_directory = fd >= 0 && fd < LINUX_MAX_FDS ? directory_of[fd] : 0;
}

/* A file's text as a sealed memfd in the reserved descriptor fd. */
static int64_t open_file(unsigned fd, struct procfs_name name, uint64_t flags)
{
    static char text[PROCFS_TEXT_MAX];
    static int busy;
    if ((flags & LINUX_O_ACCMODE) != LINUX_O_RDONLY)
        return -LINUX_EACCES;
    while (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
        sys_sched_yield();
    int64_t length = ask(name.file, name.pid, 0, text, sizeof text);
    if (length == -LINUX_ESRCH)
        length = -LINUX_ENOENT;
    if (length > (int64_t)sizeof text)
        length = sizeof text;
    uint64_t mr[4] = {MEMFD_ALLOW_SEALING, 0, 0, 0};
    int64_t result = length;
    if (result >= 0) {
        linux_set_window(0, (uint64_t)(uintptr_t)"", 0, TERN_WINDOW_READ);
        result = linux_call_receiving(linux_fd_slot(fd), LINUX_SLOT_MEMFD, MEMFD_CREATE, 2, 0, 1,
                                      mr);
    }
    if (result >= 0 && length > 0) {
        int64_t written = linux_file_transfer(linux_fd_slot(fd), FILE_PWRITE,
                                              (uint64_t)(uintptr_t)text, (uint64_t)length, 0);
        if (written < 0) {
            linux_capability_close(linux_fd_slot(fd));
            result = written;
        }
    }
    __atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
    if (result >= 0)
        linux_request(linux_fd_slot(fd), FILE_ADD_SEALS, 1,
                      SEALED, 0, 0, 0);
    return result < 0 ? result : 0;
}

int64_t linux_procfs_open(const char *path, uint64_t flags)
{
    struct procfs_name name = recognise(path);
    if (name.kind == PROCFS_MISSING)
        return -LINUX_ENOENT;
    if (name.kind == PROCFS_FILE && (flags & LINUX_O_DIRECTORY))
        return -LINUX_ENOTDIR;
    if (name.kind == PROCFS_PROCESS) {
        uint32_t uid, gid;
        uint64_t start;
        if (owner(name.pid, &uid, &gid, &start) < 0)
            return -LINUX_ENOENT;
    }
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    int64_t result;
    if (name.kind == PROCFS_FILE) {
        result = open_file((unsigned)fd, name, flags);
    } else {
        /* vfs's empty /proc, whose listing is answered here. */
        result = linux_open_into(linux_fd_slot((unsigned)fd), LINUX_AT_FDCWD, "/proc",
                                 LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
        if (result >= 0) {
            directory_of[fd] = (uint32_t)name.pid + 1;
            directory_position[fd] = 0;
        }
    }
    return linux_fd_settle((unsigned)fd, result, flags & LINUX_O_CLOEXEC);
}

int64_t linux_procfs_stat(const char *path, struct linux_stat *stat, bool nofollow)
{
    struct procfs_name name = recognise(path);
    if (name.kind == PROCFS_MISSING)
        return -LINUX_ENOENT;
    if (name.kind == PROCFS_ROOT)
        return 1;                       /* vfs's /proc */
    if (nofollow && linux_procfs_readlink(path, 0, 0) == 0) {
        /* lstat of /proc/self: the link itself */
        *stat = (struct linux_stat){.st_dev = PROCFS_DEVICE, .st_ino = 2,
                                    .st_mode = LINUX_S_IFLNK | 0777, .st_nlink = 1};
        return 0;
    }
    uint32_t uid = 0, gid = 0;
    uint64_t start = 0;
    if (name.pid && owner(name.pid, &uid, &gid, &start) < 0)
        return -LINUX_ENOENT;
    if (!linux_user_range((uint64_t)(uintptr_t)stat, sizeof *stat))
        return -LINUX_EFAULT;
    *stat = (struct linux_stat){
        .st_dev = PROCFS_DEVICE,
        .st_ino = name.pid << 8 | name.file << 1 | (name.kind == PROCFS_PROCESS),
        .st_mode = name.kind == PROCFS_PROCESS ? LINUX_S_IFDIR | 0555 : LINUX_S_IFREG | 0444,
        .st_nlink = name.kind == PROCFS_PROCESS ? 9 : 1,
        .st_uid = uid,
        .st_gid = gid,
        .st_blksize = 1024,
        .st_atime_sec = (int64_t)(start / 100),
        .st_mtime_sec = (int64_t)(start / 100),
        .st_ctime_sec = (int64_t)(start / 100),
    };
    return 0;
}

int64_t linux_procfs_readlink(const char *path, char *buffer, int64_t size)
{
    uint64_t length;
    const char *rest = path;
    component(&rest, &length);
    const char *part = component(&rest, &length);
    const char *after = rest;
    uint64_t trailing;
    component(&after, &trailing);
    if (recognise(path).kind != PROCFS_PROCESS || !same(part, length, "self") || trailing)
        return -LINUX_EINVAL;
    if (buffer == 0)
        return 0;                       /* only asking whether it is the link */
    char digits[20];
    unsigned count = put_decimal(digits, (uint64_t)sys_getpid());
    int64_t n = 0;
    for (; n < size && (unsigned)n < count; n++)
        buffer[n] = digits[n];
    return n;
}

/* One linux_dirent64 record at buffer + at if it fits: its length, or 0. */
static uint64_t put_entry(char *buffer, uint64_t room, uint64_t inode, uint64_t next,
                          uint8_t type, const char *name)
{
    uint64_t name_length = 0;
    while (name_length < 15 && name[name_length])
        name_length++;
    uint64_t length = (19 + name_length + 1 + 7) & ~7ULL;
    if (length > room)
        return 0;
    for (uint64_t i = 0; i < length; i++)
        buffer[i] = 0;
    __builtin_memcpy(buffer, &inode, 8);
    __builtin_memcpy(buffer + 8, &next, 8);
    uint16_t record = (uint16_t)length;
    __builtin_memcpy(buffer + 16, &record, 2);
    buffer[18] = (char)type;
    for (uint64_t i = 0; i < name_length; i++)
        buffer[19 + i] = name[i];
    return length;
}

#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

bool linux_procfs_getdents(int64_t fd, uint64_t buffer, uint64_t length, int64_t *result)
{
    if (fd < 0 || fd >= LINUX_MAX_FDS || !directory_of[fd] || linux_fd_capability(fd) < 0)
        return false;
    if (!linux_user_range(buffer, length)) {
        *result = -LINUX_EFAULT;
        return true;
    }
    char *out = (char *)(uintptr_t)buffer;
    uint64_t used = 0, position = directory_position[fd], pid = directory_of[fd] - 1;
    /* Positions: 0 ".", 1 "..", then the fixed names, then (for /proc)
     * 1000 + pid for each process. */
    for (;;) {
        char number[16];
        const char *name = number;
        uint8_t type = DT_REG;
        uint64_t next = position + 1, inode = pid << 8 | position;
        if (position == 0 || position == 1) {
            name = position == 0 ? "." : "..";
            type = DT_DIR;
        } else if (pid != 0 && position - 2 < COUNT(process_files)) {
            name = process_files[position - 2].name;
        } else if (pid == 0 && position - 2 < COUNT(system_files)) {
            name = system_files[position - 2].name;
        } else if (pid == 0 && position - 2 == COUNT(system_files)) {
            name = "self";
            type = DT_LNK;
        } else if (pid == 0) {
            uint32_t found;
            uint64_t from = position < 1000 ? 1 : position - 1000;
            if (ask(PROC_PROCFS_PIDS, 0, from, &found, sizeof found) < (int64_t)sizeof found)
                break;
            position = 1000 + found;
            next = position + 1;
            inode = (uint64_t)found << 8;
            number[put_decimal(number, found)] = 0;
            type = DT_DIR;
        } else {
            break;
        }
        uint64_t put = put_entry(out + used, length - used, inode, next, type, name);
        if (put == 0) {
            if (used == 0) {
                *result = -LINUX_EINVAL;
                return true;
            }
            break;
        }
        used += put;
        position = next;
    }
    directory_position[fd] = (uint32_t)position;
    *result = (int64_t)used;
    return true;
}

int64_t linux_procfs_seek(int64_t fd, int64_t offset, uint64_t whence, bool *handled)
{
    *handled = fd >= 0 && fd < LINUX_MAX_FDS && directory_of[fd];
    if (!*handled)
        return 0;
    if (whence != 0 || offset < 0)
        return -LINUX_EINVAL;
    directory_position[fd] = (uint32_t)offset;
    return offset;
}

void linux_procfs_closed(unsigned fd)
{
    if (fd < LINUX_MAX_FDS)
        directory_of[fd] = 0;
}

void linux_procfs_copied(unsigned from, unsigned to)
{
    if (from < LINUX_MAX_FDS && to < LINUX_MAX_FDS) {
        directory_of[to] = directory_of[from];
        directory_position[to] = directory_position[from];
    }
}
