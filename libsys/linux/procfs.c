/*
 * /proc, in the reading process (docs/personality.md, /proc). vfs holds
 * /proc as an empty read-only directory; the personality recognises
 * absolute paths under it before they reach vfs and asks whoever owns
 * the facts:
 *   - procmgr (PROC_PROCFS) for a process's stat, status, cmdline, comm,
 *     maps and exe, the system's files, the pids and a process's open
 *     descriptors; PROC_PROCFS_FD for a copy of one of them, through
 *     which the descriptor's own server names it (FILE_PATH: fd/N) and
 *     says its offset, flags and inode (fdinfo/N);
 *   - the sysv server (SYSV_PROCFS) for /proc/sysvipc;
 *   - the sysv and mqueue servers for their settings, /proc/sys/kernel's
 *     and /proc/sys/fs/mqueue's files, which they serve themselves as
 *     descriptors (SERVER_SETTING_OPEN): writing one changes their limit.
 * A text file becomes a sealed memfd holding those bytes: a snapshot
 * taken at open, as tools read them. Directories are descriptors of
 * vfs's /proc whose getdents the personality answers.
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
#include "sys/protocol/common.h"
#include "sys/protocol/file.h"
#include "sys/protocol/memfd.h"
#include "sys/protocol/procmgr.h"
#include "sys/protocol/sysv.h"
#include "sys/digits.h"

#define PROCFS_TEXT_MAX 16384
#define PROCFS_DEVICE   3           /* st_dev of vfs's /proc (on its /dev mount) */
/* memfd's seals (F_ADD_SEALS): the text cannot change. */
#define SEALED (0x1 | 0x2 | 0x4 | 0x8)  /* F_SEAL_SEAL, _SHRINK, _GROW, _WRITE */

#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

/* /proc's directories. A directory descriptor or working directory in
 * /proc is one of them and a pid, as one word (directory_word). */
enum procfs_directory {
    DIRECTORY_ROOT = 1,             /* /proc */
    DIRECTORY_PROCESS,              /* /proc/<pid> */
    DIRECTORY_FD,                   /* /proc/<pid>/fd */
    DIRECTORY_FDINFO,               /* /proc/<pid>/fdinfo */
    DIRECTORY_SYS,                  /* /proc/sys */
    DIRECTORY_SYS_KERNEL,
    DIRECTORY_SYS_FS,
    DIRECTORY_SYS_MQUEUE,           /* /proc/sys/fs/mqueue */
    DIRECTORY_SYSVIPC,              /* /proc/sysvipc */
};

/* What a path names. */
enum procfs_kind {
    PROCFS_NONE,                    /* not under /proc */
    PROCFS_MISSING,                 /* under /proc, but nothing */
    PROCFS_DIRECTORY,               /* value: enum procfs_directory */
    PROCFS_FILE,                    /* procmgr's text; value: enum proc_procfs_file */
    PROCFS_SELF,                    /* /proc/self, a link to the pid */
    PROCFS_EXE,                     /* /proc/<pid>/exe, a link to the program */
    PROCFS_FD,                      /* /proc/<pid>/fd/<value>, a link to the file */
    PROCFS_FDINFO,                  /* /proc/<pid>/fdinfo/<value> */
    PROCFS_SETTING,                 /* value: its entry in settings below */
    PROCFS_SYSVIPC,                 /* value: SYSV_PROCFS_MSG, _SEM, _SHM */
};

struct procfs_name {
    enum procfs_kind kind;
    uint32_t value;
    uint64_t pid;                   /* a process's names; 0: the system's */
};

/* One name in a directory. */
struct procfs_entry {
    const char *name;
    uint8_t kind;                   /* enum procfs_kind */
    uint8_t type;                   /* getdents' d_type */
    uint16_t value;
};

#define COUNT(array) (sizeof array / sizeof array[0])

static const struct procfs_entry root_entries[] = {
    {"cpuinfo", PROCFS_FILE, DT_REG, PROC_PROCFS_CPUINFO},
    {"loadavg", PROCFS_FILE, DT_REG, PROC_PROCFS_LOADAVG},
    {"meminfo", PROCFS_FILE, DT_REG, PROC_PROCFS_MEMINFO},
    {"self", PROCFS_SELF, DT_LNK, 0},
    {"stat", PROCFS_FILE, DT_REG, PROC_PROCFS_SYSTEM_STAT},
    {"sys", PROCFS_DIRECTORY, DT_DIR, DIRECTORY_SYS},
    {"sysvipc", PROCFS_DIRECTORY, DT_DIR, DIRECTORY_SYSVIPC},
    {"uptime", PROCFS_FILE, DT_REG, PROC_PROCFS_UPTIME},
}, process_entries[] = {
    {"cmdline", PROCFS_FILE, DT_REG, PROC_PROCFS_CMDLINE},
    {"comm", PROCFS_FILE, DT_REG, PROC_PROCFS_COMM},
    {"exe", PROCFS_EXE, DT_LNK, 0},
    {"fd", PROCFS_DIRECTORY, DT_DIR, DIRECTORY_FD},
    {"fdinfo", PROCFS_DIRECTORY, DT_DIR, DIRECTORY_FDINFO},
    {"maps", PROCFS_FILE, DT_REG, PROC_PROCFS_MAPS},
    {"stat", PROCFS_FILE, DT_REG, PROC_PROCFS_STAT},
    {"status", PROCFS_FILE, DT_REG, PROC_PROCFS_STATUS},
}, sys_entries[] = {
    {"fs", PROCFS_DIRECTORY, DT_DIR, DIRECTORY_SYS_FS},
    {"kernel", PROCFS_DIRECTORY, DT_DIR, DIRECTORY_SYS_KERNEL},
}, sys_fs_entries[] = {
    {"mqueue", PROCFS_DIRECTORY, DT_DIR, DIRECTORY_SYS_MQUEUE},
}, sysvipc_entries[] = {
    {"msg", PROCFS_SYSVIPC, DT_REG, SYSV_PROCFS_MSG},
    {"sem", PROCFS_SYSVIPC, DT_REG, SYSV_PROCFS_SEM},
    {"shm", PROCFS_SYSVIPC, DT_REG, SYSV_PROCFS_SHM},
};

/* The servers' settings (SERVER_SETTING_OPEN): their file, the session
 * they open through, and their index in that server's table (the sysv
 * server's enum sysv_setting, the mqueue server's own). */
static const struct {
    const char *name;
    uint8_t directory;
    uint8_t session;                /* enum server_id */
    uint8_t index;
} settings[] = {
    {"msgmax", DIRECTORY_SYS_KERNEL, SERVER_SYSV, 3},
    {"msgmnb", DIRECTORY_SYS_KERNEL, SERVER_SYSV, 5},
    {"msgmni", DIRECTORY_SYS_KERNEL, SERVER_SYSV, 4},
    {"sem", DIRECTORY_SYS_KERNEL, SERVER_SYSV, 6},
    {"shmall", DIRECTORY_SYS_KERNEL, SERVER_SYSV, 1},
    {"shmmax", DIRECTORY_SYS_KERNEL, SERVER_SYSV, 0},
    {"shmmni", DIRECTORY_SYS_KERNEL, SERVER_SYSV, 2},
    {"msg_max", DIRECTORY_SYS_MQUEUE, SERVER_MQUEUE, 1},
    {"msgsize_max", DIRECTORY_SYS_MQUEUE, SERVER_MQUEUE, 2},
    {"queues_max", DIRECTORY_SYS_MQUEUE, SERVER_MQUEUE, 0},
};

/* A directory's fixed names; NULL for those that list what is (fd). */
static const struct procfs_entry *entries_of(enum procfs_directory directory, unsigned *count)
{
    switch (directory) {
    case DIRECTORY_ROOT: *count = COUNT(root_entries); return root_entries;
    case DIRECTORY_PROCESS: *count = COUNT(process_entries); return process_entries;
    case DIRECTORY_SYS: *count = COUNT(sys_entries); return sys_entries;
    case DIRECTORY_SYS_FS: *count = COUNT(sys_fs_entries); return sys_fs_entries;
    case DIRECTORY_SYSVIPC: *count = COUNT(sysvipc_entries); return sysvipc_entries;
    default: *count = 0; return 0;
    }
}

/* Directory descriptors: 0, or directory_word's; and how far getdents
 * has come. The table is the process's memory, so a fork child has its
 * parent's; execve starts afresh (a /proc directory descriptor kept
 * across it lists nothing). */
static uint32_t directory_of[LINUX_MAX_FDS];
static uint32_t directory_position[LINUX_MAX_FDS];

static uint32_t directory_word(enum procfs_directory directory, uint64_t pid)
{
    return (uint32_t)directory << 20 | (uint32_t)pid;
}

static enum procfs_directory word_directory(uint32_t word)
{
    return (enum procfs_directory)(word >> 20);
}

static uint64_t word_pid(uint32_t word)
{
    return word & 0xfffff;
}

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

/* A decimal without a leading zero (Linux's name_to_int): true and
 * *value, or false. */
static bool number_of(const char *name, uint64_t length, uint64_t *value)
{
    if (length == 0 || length > 9 || (name[0] == '0' && length > 1))
        return false;
    *value = 0;
    for (uint64_t i = 0; i < length; i++) {
        if (name[i] < '0' || name[i] > '9')
            return false;
        *value = *value * 10 + (uint64_t)(name[i] - '0');
    }
    return true;
}

/* The name part (length bytes) means in directory (of pid). */
static struct procfs_name look_up(enum procfs_directory directory, uint64_t pid,
                                  const char *part, uint64_t length)
{
    struct procfs_name name = {PROCFS_MISSING, 0, pid};
    uint64_t number;
    if (directory == DIRECTORY_ROOT && number_of(part, length, &number)) {
        if (number == 0)
            return name;
        return (struct procfs_name){PROCFS_DIRECTORY, DIRECTORY_PROCESS, number};
    }
    if (directory == DIRECTORY_FD || directory == DIRECTORY_FDINFO) {
        if (number_of(part, length, &number))
            return (struct procfs_name){directory == DIRECTORY_FD ? PROCFS_FD : PROCFS_FDINFO,
                                        (uint32_t)number, pid};
        return name;
    }
    if (directory == DIRECTORY_SYS_KERNEL || directory == DIRECTORY_SYS_MQUEUE) {
        for (unsigned i = 0; i < COUNT(settings); i++)
            if (settings[i].directory == directory && same(part, length, settings[i].name))
                return (struct procfs_name){PROCFS_SETTING, i, 0};
        return name;
    }
    unsigned count;
    const struct procfs_entry *entries = entries_of(directory, &count);
    for (unsigned i = 0; i < count; i++)
        if (same(part, length, entries[i].name))
            return (struct procfs_name){entries[i].kind, entries[i].value, pid};
    return name;
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
    name = (struct procfs_name){PROCFS_DIRECTORY, DIRECTORY_ROOT, 0};
    for (;;) {
        part = component(&path, &length);
        if (length == 0)
            return name;
        if (name.kind == PROCFS_SELF)       /* /proc/self/...: the caller's directory */
            name = (struct procfs_name){PROCFS_DIRECTORY, DIRECTORY_PROCESS,
                                        (uint64_t)sys_getpid()};
        if (name.kind != PROCFS_DIRECTORY)
            return (struct procfs_name){PROCFS_MISSING, 0, 0};
        name = look_up((enum procfs_directory)name.value, name.pid, part, length);
        if (name.kind == PROCFS_MISSING)
            return name;
    }
}

/* PROC_PROCFS into buffer: the text's whole length, or -errno. */
static int64_t ask(uint64_t file, uint64_t pid, uint64_t from, void *buffer, uint64_t size)
{
    linux_set_window(0, (uint64_t)(uintptr_t)buffer, size, TERN_WINDOW_WRITE);
    uint64_t mr[4] = {file, pid, from, size};
    return linux_call(LINUX_SLOT_PROCMGR, PROC_PROCFS, 4, 0, 1, mr);
}

/* SYSV_PROCFS into buffer: /proc/sysvipc's text's whole length, or -errno. */
static int64_t ask_sysv(uint64_t which, uint64_t from, void *buffer, uint64_t size)
{
    linux_set_window(0, (uint64_t)(uintptr_t)buffer, size, TERN_WINDOW_WRITE);
    uint64_t mr[4] = {which, from, size, 0};
    return linux_call(LINUX_SLOT_SYSV, SYSV_PROCFS, 3, 0, 1, mr);
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

/* Whether pid exists (zombies do): 0 or -ENOENT. */
static int64_t process_exists(uint64_t pid)
{
    uint32_t uid, gid;
    uint64_t start;
    return owner(pid, &uid, &gid, &start);
}

/* May the caller look at pid's descriptors (the FDS check): 0, -EACCES,
 * -ENOENT. */
static int64_t may_list_descriptors(uint64_t pid)
{
    uint32_t none;
    int64_t result = ask(PROC_PROCFS_FDS, pid, 0, &none, 0);
    return result == -LINUX_ESRCH ? -LINUX_ENOENT : result < 0 ? result : 0;
}

/* A copy of pid's descriptor fd in this thread's scratch slot, counted
 * by nobody: ask through it, then linux_slot_delete it. Its slot, and
 * whether fd is close-on-exec; or -ENOENT, -EACCES. */
static int64_t descriptor_copy(uint64_t pid, uint64_t fd, bool *cloexec)
{
    uint64_t slot = linux_scratch_slot();
    uint64_t mr[4] = {pid, fd, slot, 0};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_PROCFS_FD, 3, 0, 0, mr);
    if (result < 0)
        return result == -LINUX_ESRCH ? -LINUX_ENOENT : result;
    if (cloexec)
        *cloexec = mr[1] != 0;
    return (int64_t)slot;
}


/* A text being built: at most its capacity, NUL-terminated. */
struct text {
    char *bytes;
    unsigned capacity, length;
};

static void append(struct text *text, const char *string)
{
    while (*string && text->length + 1 < text->capacity)
        text->bytes[text->length++] = *string++;
    text->bytes[text->length] = 0;
}

static void append_number(struct text *text, uint64_t value, unsigned base)
{
    char digits[DIGITS_MAX + 1];
    digits[digits_of(value, base, digits)] = 0;
    append(text, digits);
}

/* A directory's path ("/proc/12/fd") into text. */
static void directory_path(struct text *text, enum procfs_directory directory, uint64_t pid)
{
    append(text, "/proc");
    if (directory == DIRECTORY_PROCESS || directory == DIRECTORY_FD ||
        directory == DIRECTORY_FDINFO) {
        append(text, "/");
        append_number(text, pid, 10);
    }
    static const char *const rest[] = {
        [DIRECTORY_FD] = "/fd", [DIRECTORY_FDINFO] = "/fdinfo", [DIRECTORY_SYS] = "/sys",
        [DIRECTORY_SYS_KERNEL] = "/sys/kernel", [DIRECTORY_SYS_FS] = "/sys/fs",
        [DIRECTORY_SYS_MQUEUE] = "/sys/fs/mqueue", [DIRECTORY_SYSVIPC] = "/sysvipc",
    };
    if (directory < COUNT(rest) && rest[directory])
        append(text, rest[directory]);
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
    /* The directory's path, "/", then the path. */
    struct text text = {buffer, LINUX_PROCFS_PATH_MAX, 0};
    directory_path(&text, word_directory(directory), word_pid(directory));
    append(&text, "/");
    unsigned before = text.length;
    append(&text, path);
    unsigned length = 0;
    while (path[length])
        length++;
    if (text.length - before != length)
        return 0;                   /* too long for the buffer */
    return recognise(buffer).kind != PROCFS_NONE ? buffer : 0;
}

/* Whether what name names exists, and the caller may reach it: 0 or
 * -errno (a reaped process: ENOENT; fd/ of another's: EACCES). */
static int64_t reachable(struct procfs_name name)
{
    if (name.kind == PROCFS_MISSING)
        return -LINUX_ENOENT;
    if (name.kind == PROCFS_DIRECTORY && (name.value == DIRECTORY_FD ||
                                          name.value == DIRECTORY_FDINFO))
        return may_list_descriptors(name.pid);
    if (name.kind == PROCFS_FD || name.kind == PROCFS_FDINFO) {
        int64_t slot = descriptor_copy(name.pid, name.value, 0);
        if (slot < 0)
            return slot;
        linux_slot_delete((uint64_t)slot);
        return 0;
    }
    return name.pid ? process_exists(name.pid) : 0;
}

int64_t linux_procfs_chdir(const char *path, uint64_t slot)
{
    struct procfs_name name = recognise(path);
    if (name.kind == PROCFS_SELF)
        name = (struct procfs_name){PROCFS_DIRECTORY, DIRECTORY_PROCESS, (uint64_t)sys_getpid()};
    int64_t result = reachable(name);
    if (result < 0)
        return result;
    if (name.kind != PROCFS_DIRECTORY)
        return -LINUX_ENOTDIR;
    result = linux_open_into(slot, LINUX_AT_FDCWD, "/proc", LINUX_O_DIRECTORY | LINUX_O_PATH, 0);
    if (result >= 0)
        working_directory = directory_word((enum procfs_directory)name.value, name.pid);
    return result;
}

void linux_procfs_working_directory(int64_t fd)
{
    working_directory = fd >= 0 && fd < LINUX_MAX_FDS ? directory_of[fd] : 0;
}

/* The text a file's snapshot holds, asked chunk by chunk from `from`:
 * the whole length, the chunk's bytes in buffer. */
typedef int64_t text_source(const struct procfs_name *name, uint64_t from, void *buffer,
                            uint64_t size);

static int64_t procmgr_text(const struct procfs_name *name, uint64_t from, void *buffer,
                            uint64_t size)
{
    int64_t length = ask(name->value, name->pid, from, buffer, size);
    return length == -LINUX_ESRCH ? -LINUX_ENOENT : length;
}

static int64_t sysvipc_text(const struct procfs_name *name, uint64_t from, void *buffer,
                            uint64_t size)
{
    return ask_sysv(name->value, from, buffer, size);
}

/* fdinfo/N, as Linux's seq_show lays it out, made here from what the
 * descriptor's server says through a copy of it. */
static int64_t fdinfo_text(const struct procfs_name *name, uint64_t from, void *buffer,
                           uint64_t size)
{
    bool cloexec;
    int64_t slot = descriptor_copy(name->pid, name->value, &cloexec);
    if (slot < 0)
        return slot;
    int64_t flags = linux_request((uint64_t)slot, FILE_GET_FLAGS, 0, 0, 0, 0, 0);
    int64_t position = linux_request((uint64_t)slot, FILE_SEEK, 2, 0, LINUX_SEEK_CUR, 0, 0);
    struct linux_stat status = {0};
    int64_t stated = linux_stat_capability((uint64_t)slot, &status);
    linux_slot_delete((uint64_t)slot);
    if (flags < 0 || stated < 0)
        return -LINUX_ENOENT;       /* closed meanwhile */
    char line[128];
    struct text text = {line, sizeof line, 0};
    append(&text, "pos:\t");
    append_number(&text, position < 0 ? 0 : (uint64_t)position, 10);
    append(&text, "\nflags:\t0");
    append_number(&text, (uint64_t)flags | (cloexec ? LINUX_O_CLOEXEC : 0), 8);
    append(&text, "\nmnt_id:\t");
    append_number(&text, 20 + status.st_dev, 10);     /* a mount a device, as it were */
    append(&text, "\nino:\t");
    append_number(&text, status.st_ino, 10);
    append(&text, "\n");
    uint64_t start = from < text.length ? from : text.length;
    uint64_t copied = text.length - start < size ? text.length - start : size;
    __builtin_memcpy(buffer, line + start, copied);
    return text.length;
}

/* The path a file of name shows (readlink of its descriptor):
 * "/proc/<pid>/<file>". */
static void file_path(struct text *text, const struct procfs_name *name, const char *file)
{
    append(text, "/proc/");
    if (name->pid) {
        append_number(text, name->pid, 10);
        append(text, "/");
    }
    if (name->kind == PROCFS_FDINFO) {
        append(text, "fdinfo/");
        append_number(text, name->value, 10);
    } else if (name->kind == PROCFS_SYSVIPC) {
        append(text, "sysvipc/");
        append(text, file);
    } else {
        append(text, file);
    }
}

/* A file's text as a sealed memfd in the reserved descriptor fd, shown
 * as path. */
static int64_t open_snapshot(unsigned fd, const struct procfs_name *name, text_source *source,
                             const char *path, uint64_t path_length)
{
    static char text[PROCFS_TEXT_MAX];
    static int busy;
    while (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
        sys_sched_yield();
    int64_t length = source(name, 0, text, sizeof text);
    uint64_t mr[4] = {MEMFD_ALLOW_SEALING | MEMFD_SHOWN_AS_PATH, path_length, 0, 0};
    int64_t result = length;
    if (result >= 0) {
        linux_set_window(0, (uint64_t)(uintptr_t)path, path_length, TERN_WINDOW_READ);
        result = linux_call_receiving(linux_fd_slot(fd), LINUX_SLOT_MEMFD, MEMFD_CREATE, 2, 0, 1,
                                      mr);
    }
    /* The rest of a text longer than the buffer, a chunk at a time. */
    for (uint64_t written = 0; result >= 0 && written < (uint64_t)length;) {
        uint64_t chunk = (uint64_t)length - written < sizeof text ? (uint64_t)length - written
                                                                  : sizeof text;
        if (written && source(name, written, text, chunk) < 0)
            break;
        int64_t put = linux_file_transfer(linux_fd_slot(fd), FILE_PWRITE,
                                          (uint64_t)(uintptr_t)text, chunk, written);
        if (put <= 0) {
            linux_capability_close(linux_fd_slot(fd));
            result = put < 0 ? put : -LINUX_EIO;
        }
        written += chunk;
    }
    __atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
    if (result >= 0)
        linux_request_uninterrupted(linux_fd_slot(fd), FILE_ADD_SEALS, 1, SEALED, 0, 0, 0);
    return result < 0 ? result : 0;
}

/* The name of name's text file, for the path its descriptor shows. */
static const char *file_name(const struct procfs_name *name)
{
    unsigned count;
    const struct procfs_entry *entries =
        entries_of(name->kind == PROCFS_SYSVIPC ? DIRECTORY_SYSVIPC
                   : name->pid ? DIRECTORY_PROCESS : DIRECTORY_ROOT, &count);
    for (unsigned i = 0; i < count; i++)
        if (entries[i].kind == name->kind && entries[i].value == name->value)
            return entries[i].name;
    return "";
}

/* A file's descriptor in reserved fd: a snapshot, or a setting's own. */
static int64_t open_file(unsigned fd, const struct procfs_name *name, uint64_t flags)
{
    if (name->kind == PROCFS_SETTING) {
        uint64_t mr[4] = {settings[name->value].index, flags, 0, 0};
        return linux_call_receiving(linux_fd_slot(fd),
                                    linux_session_slot(settings[name->value].session),
                                    SERVER_SETTING_OPEN, 2, 0, 0, mr);
    }
    if ((flags & LINUX_O_ACCMODE) != LINUX_O_RDONLY)
        return -LINUX_EACCES;
    char path[64];
    struct text text = {path, sizeof path, 0};
    file_path(&text, name, file_name(name));
    text_source *source = name->kind == PROCFS_SYSVIPC ? sysvipc_text
                        : name->kind == PROCFS_FDINFO  ? fdinfo_text
                                                       : procmgr_text;
    return open_snapshot(fd, name, source, path, text.length);
}

/* FILE_PATH through the descriptor in slot into buffer (size bytes):
 * the name's whole length, or -errno. */
static int64_t path_through(uint64_t slot, char *buffer, uint64_t size)
{
    linux_set_window(0, (uint64_t)(uintptr_t)buffer, size, TERN_WINDOW_WRITE);
    uint64_t mr[4] = {size, 0, 0, 0};
    return linux_call(slot, FILE_PATH, 1, 0, 1, mr);
}

static char link_text[FILE_PATH_MAX + 1];
static int link_busy;

static void link_lock(void)
{
    while (__atomic_exchange_n(&link_busy, 1, __ATOMIC_ACQUIRE))
        sys_sched_yield();
}

static void link_unlock(void)
{
    __atomic_store_n(&link_busy, 0, __ATOMIC_RELEASE);
}

/* What a link names into link_text (NUL-terminated, lock held): its
 * length, or -errno. */
static int64_t link_target(const struct procfs_name *name)
{
    int64_t length;
    if (name->kind == PROCFS_SELF) {
        length = digits_of((uint64_t)sys_getpid(), 10, link_text);
    } else if (name->kind == PROCFS_EXE) {
        length = ask(PROC_PROCFS_EXE, name->pid, 0, link_text, FILE_PATH_MAX);
        if (length == -LINUX_ESRCH)
            length = -LINUX_ENOENT;
    } else if (name->pid == (uint64_t)sys_getpid() && name->value < LINUX_MAX_FDS &&
               directory_of[name->value] && linux_fd_capability(name->value) >= 0) {
        /* One of the caller's own /proc directories: its path, as Linux
         * names it (vfs knows only its /proc). */
        struct text text = {link_text, FILE_PATH_MAX, 0};
        uint32_t word = directory_of[name->value];
        directory_path(&text, word_directory(word), word_pid(word));
        length = text.length;
    } else {
        int64_t slot = descriptor_copy(name->pid, name->value, 0);
        if (slot < 0)
            return slot;
        length = path_through((uint64_t)slot, link_text, FILE_PATH_MAX);
        linux_slot_delete((uint64_t)slot);
        if (length < 0)
            return -LINUX_ENOENT;
    }
    if (length > FILE_PATH_MAX)
        length = FILE_PATH_MAX;
    if (length >= 0)
        link_text[length] = 0;
    return length;
}

/* What a link names, when that is a path that can still be opened
 * (not " (deleted)"), into path: 1; 0 when it is something else (a
 * pipe's "pipe:[N]", a deleted file), *socket for a socket's; -errno. */
static int64_t link_path(const struct procfs_name *name, char path[LINUX_PROCFS_PATH_MAX],
                         bool *socket)
{
    static const char deleted[] = " (deleted)";
    uint64_t tail = sizeof deleted - 1;
    link_lock();
    int64_t length = link_target(name);
    bool openable = length > 0 && length < LINUX_PROCFS_PATH_MAX && link_text[0] == '/' &&
                    !((uint64_t)length > tail && same(link_text + length - tail, tail, deleted));
    if (socket)
        *socket = length > 8 && same(link_text, 8, "socket:[");
    if (openable)
        for (int64_t i = 0; i <= length; i++)
            path[i] = link_text[i];
    link_unlock();
    return length < 0 ? length : openable;
}

/* open of fd/N: a file that has a path is opened again by it (a new
 * description, with flags), as Linux's magic link opens its inode; a
 * socket is ENXIO, as on Linux; anything else (a pipe, a memfd, an event
 * descriptor) is a new descriptor of the same description. */
static int64_t open_descriptor_link(const struct procfs_name *name, uint64_t flags)
{
    char path[LINUX_PROCFS_PATH_MAX];
    bool socket;
    int64_t result = link_path(name, path, &socket);
    if (result < 0)
        return result;
    if (result == 1)
        return sys_openat(LINUX_AT_FDCWD, path, flags, 0);
    if (socket)
        return -LINUX_ENXIO;
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    int64_t slot = descriptor_copy(name->pid, name->value, 0);
    result = slot;
    if (slot >= 0) {
        result = linux_capability_duplicate((uint64_t)slot, linux_fd_slot((unsigned)fd));
        linux_slot_delete((uint64_t)slot);
    }
    return linux_fd_settle((unsigned)fd, result, flags & LINUX_O_CLOEXEC);
}

int64_t linux_procfs_open(const char *path, uint64_t flags)
{
    struct procfs_name name = recognise(path);
    if (name.kind == PROCFS_SELF)
        name = (struct procfs_name){PROCFS_DIRECTORY, DIRECTORY_PROCESS, (uint64_t)sys_getpid()};
    int64_t result = name.kind == PROCFS_FD || name.kind == PROCFS_EXE ? 0 : reachable(name);
    if (result < 0)
        return result;
    if (name.kind != PROCFS_DIRECTORY && (flags & LINUX_O_DIRECTORY) &&
        name.kind != PROCFS_FD && name.kind != PROCFS_EXE)
        return -LINUX_ENOTDIR;
    if (name.kind == PROCFS_FD)
        return open_descriptor_link(&name, flags);
    if (name.kind == PROCFS_EXE) {
        char program[LINUX_PROCFS_PATH_MAX];
        result = link_path(&name, program, 0);
        if (result <= 0)
            return result < 0 ? result : -LINUX_ENOENT;
        return sys_openat(LINUX_AT_FDCWD, program, flags, 0);
    }
    int64_t fd = linux_fd_reserve(0);
    if (fd < 0)
        return fd;
    if (name.kind == PROCFS_DIRECTORY) {
        /* vfs's empty /proc, whose listing is answered here. */
        result = linux_open_into(linux_fd_slot((unsigned)fd), LINUX_AT_FDCWD, "/proc",
                                 LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
        if (result >= 0) {
            directory_of[fd] = directory_word((enum procfs_directory)name.value, name.pid);
            directory_position[fd] = 0;
        }
    } else {
        result = open_file((unsigned)fd, &name, flags);
    }
    return linux_fd_settle((unsigned)fd, result, flags & LINUX_O_CLOEXEC);
}

/* A made-up but steady inode number for name. */
static uint64_t inode_of(const struct procfs_name *name)
{
    return name->pid << 20 | (uint64_t)name->kind << 16 | name->value;
}

/* stat of what a link names. */
static int64_t stat_link_target(const struct procfs_name *name, struct linux_stat *stat)
{
    if (name->kind == PROCFS_FD) {
        int64_t slot = descriptor_copy(name->pid, name->value, 0);
        if (slot < 0)
            return slot;
        int64_t result = linux_stat_capability((uint64_t)slot, stat);
        linux_slot_delete((uint64_t)slot);
        return result < 0 ? -LINUX_ENOENT : 0;
    }
    char program[LINUX_PROCFS_PATH_MAX];
    int64_t result = link_path(name, program, 0);
    if (result <= 0)
        return result < 0 ? result : -LINUX_ENOENT;
    return sys_newfstatat(LINUX_AT_FDCWD, program, stat, 0);
}

int64_t linux_procfs_stat(const char *path, struct linux_stat *stat, bool nofollow)
{
    struct procfs_name name = recognise(path);
    if (name.kind == PROCFS_SELF && !nofollow)
        name = (struct procfs_name){PROCFS_DIRECTORY, DIRECTORY_PROCESS, (uint64_t)sys_getpid()};
    if (name.kind == PROCFS_DIRECTORY && name.value == DIRECTORY_ROOT)
        return 1;                       /* vfs's /proc */
    int64_t result = reachable(name);
    if (result < 0)
        return result;
    if (!linux_user_range((uint64_t)(uintptr_t)stat, sizeof *stat))
        return -LINUX_EFAULT;
    bool link = name.kind == PROCFS_SELF || name.kind == PROCFS_EXE || name.kind == PROCFS_FD;
    if (link && !nofollow)
        return stat_link_target(&name, stat);
    uint32_t uid = 0, gid = 0;
    uint64_t start = 0;
    if (name.pid && owner(name.pid, &uid, &gid, &start) < 0)
        return -LINUX_ENOENT;
    uint32_t mode = LINUX_S_IFREG | 0444;
    uint32_t links = 1;
    if (name.kind == PROCFS_DIRECTORY) {
        mode = LINUX_S_IFDIR | (name.value == DIRECTORY_FD ? 0500 : 0555);
        links = name.value == DIRECTORY_PROCESS ? 9 : 2;
    } else if (name.kind == PROCFS_SETTING) {
        mode = LINUX_S_IFREG | 0644;
        uid = gid = 0;
    } else if (name.kind == PROCFS_FD) {
        /* lr-x------ for reading, l-wx------ for writing, lrwx------ both. */
        int64_t slot = descriptor_copy(name.pid, name.value, 0);
        if (slot < 0)
            return slot;
        int64_t flags = linux_request((uint64_t)slot, FILE_GET_FLAGS, 0, 0, 0, 0, 0);
        linux_slot_delete((uint64_t)slot);
        uint64_t access = flags < 0 ? LINUX_O_RDWR : (uint64_t)flags & LINUX_O_ACCMODE;
        mode = LINUX_S_IFLNK | (access != LINUX_O_WRONLY ? 0500 : 0) |
               (access != LINUX_O_RDONLY ? 0300 : 0);
    } else if (link) {
        mode = LINUX_S_IFLNK | 0777;
    }
    *stat = (struct linux_stat){
        .st_dev = PROCFS_DEVICE,
        .st_ino = inode_of(&name),
        .st_mode = mode,
        .st_nlink = links,
        .st_uid = uid,
        .st_gid = gid,
        .st_size = link && name.kind != PROCFS_SELF ? 64 : 0,
        .st_blksize = 1024,
        .st_atime_sec = (int64_t)(start / 100),
        .st_mtime_sec = (int64_t)(start / 100),
        .st_ctime_sec = (int64_t)(start / 100),
    };
    return 0;
}

int64_t linux_procfs_readlink(const char *path, char *buffer, int64_t size)
{
    struct procfs_name name = recognise(path);
    if (name.kind != PROCFS_SELF && name.kind != PROCFS_EXE && name.kind != PROCFS_FD)
        return -LINUX_EINVAL;
    if (!linux_user_range((uint64_t)(uintptr_t)buffer, (uint64_t)size))
        return -LINUX_EFAULT;
    link_lock();
    int64_t length = link_target(&name);
    int64_t n = 0;
    for (; n < size && n < length; n++)
        buffer[n] = link_text[n];
    link_unlock();
    return length < 0 ? length : n;
}

/* One linux_dirent64 record at buffer + at if it fits: its length, or 0. */
static uint64_t put_entry(char *buffer, uint64_t room, uint64_t inode, uint64_t next,
                          uint8_t type, const char *name)
{
    uint64_t name_length = 0;
    while (name_length < 31 && name[name_length])
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

/* The entry at *position of a directory that lists what exists (/proc's
 * pids, fd's and fdinfo's descriptors): false at the end; else its name
 * in number and *position moved to it. Pids list from position 1000 +
 * pid, descriptors from 2 + fd, so a listing that goes on after one goes
 * or comes neither repeats nor skips the others. */
static bool next_listed(enum procfs_directory directory, uint64_t pid, uint64_t *position,
                        char number[16])
{
    uint32_t found;
    if (directory == DIRECTORY_ROOT) {
        uint64_t from = *position < 1000 ? 1 : *position - 1000;
        if (ask(PROC_PROCFS_PIDS, 0, from, &found, sizeof found) < (int64_t)sizeof found)
            return false;
        *position = 1000 + found;
    } else {
        if (ask(PROC_PROCFS_FDS, pid, *position - 2, &found, sizeof found) <
            (int64_t)sizeof found)
            return false;
        *position = 2 + found;
    }
    number[digits_of(found, 10, number)] = 0;
    return true;
}

bool linux_procfs_getdents(int64_t fd, uint64_t buffer, uint64_t length, int64_t *result)
{
    if (fd < 0 || fd >= LINUX_MAX_FDS || !directory_of[fd] || linux_fd_capability(fd) < 0)
        return false;
    if (!linux_user_range(buffer, length)) {
        *result = -LINUX_EFAULT;
        return true;
    }
    enum procfs_directory directory = word_directory(directory_of[fd]);
    uint64_t pid = word_pid(directory_of[fd]);
    unsigned count;
    const struct procfs_entry *entries = entries_of(directory, &count);
    bool settings_directory = directory == DIRECTORY_SYS_KERNEL ||
                              directory == DIRECTORY_SYS_MQUEUE;
    char *out = (char *)(uintptr_t)buffer;
    uint64_t used = 0, position = directory_position[fd];
    /* Positions: 0 ".", 1 "..", then the fixed names (or settings), then
     * what is listed (next_listed). */
    for (;;) {
        char number[16];
        const char *name = number;
        uint8_t type = DT_REG;
        uint64_t inode = pid << 20 | (uint64_t)directory << 12 | position;
        if (position == 0 || position == 1) {
            name = position == 0 ? "." : "..";
            type = DT_DIR;
        } else if (settings_directory) {
            unsigned seen = 0, i = 0;
            for (; i < COUNT(settings); i++)
                if (settings[i].directory == directory && seen++ == position - 2)
                    break;
            if (i == COUNT(settings))
                break;
            name = settings[i].name;
        } else if (position - 2 < count) {
            name = entries[position - 2].name;
            type = entries[position - 2].type;
        } else if ((directory == DIRECTORY_ROOT && position >= 2 + count) ||
                   directory == DIRECTORY_FD || directory == DIRECTORY_FDINFO) {
            if (directory == DIRECTORY_ROOT && position < 1000)
                position = 1000;
            if (!next_listed(directory, pid, &position, number))
                break;
            type = directory == DIRECTORY_ROOT ? DT_DIR
                   : directory == DIRECTORY_FD ? DT_LNK : DT_REG;
            inode = pid << 20 | (uint64_t)directory << 12 | position;
        } else {
            break;
        }
        uint64_t put = put_entry(out + used, length - used, inode, position + 1, type, name);
        if (put == 0) {
            if (used == 0) {
                *result = -LINUX_EINVAL;
                return true;
            }
            break;
        }
        used += put;
        position++;
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
