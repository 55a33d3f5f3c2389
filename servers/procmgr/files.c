/*
 * Descriptors as procmgr handles them: capabilities in a process's CNode
 * (linux_fd_slot(n)), listed in the process info page the personality
 * keeps. procmgr copies them for fork, closes the close-on-exec ones for
 * execve and all of them at exit, telling each server to count.
 */
#include "procmgr.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/procmgr.h"
#include "sys/protocol/vfs.h"
#include "sys/runtime.h"
#include "sys/server.h"
#include "sys/syscall.h"

/* Send a file-protocol message with length (0 or 1) registers, the one
 * being argument, through the descriptor capability in slot of the
 * process CNode. */
static int64_t file_call_with(uint64_t cnode, uint64_t slot, uint64_t label, unsigned length,
                              uint64_t argument)
{
    uint64_t handle;
    if (userfault_owns(cnode, slot, &handle))
        return userfault_file_call(handle, label);  /* procmgr's own: a call would never return */
    uint64_t temporary = slot_allocate(server_memory.slots);
    if (!temporary)
        return -LINUX_ENOMEM;
    int64_t result = -LINUX_EBADF;
    if (tern_cnode_copy(TERN_SLOT_CNODE, temporary, CNODE_DEPTH, cnode, slot, CNODE_DEPTH,
                        TERN_RIGHTS_ALL) == TERN_OK) {
        uint64_t mr[TERN_MSG_REGISTERS] = { argument };
        tern_message_info info = tern_call(temporary, tern_message(label, 0, length), mr);
        result = tern_message_label(info) ? -LINUX_EBADF : (int64_t)mr[0];
    }
    memory_delete(&server_memory, temporary);
    return result;
}

int64_t file_call(uint64_t cnode, uint64_t slot, uint64_t label)
{
    return file_call_with(cnode, slot, label, 0, 0);
}

int file_stat_of(uint64_t descriptor, struct linux_stat *status)
{
    tern_set_window(0, (uint64_t)status, sizeof *status, TERN_WINDOW_WRITE);
    uint64_t mr[TERN_MSG_REGISTERS] = { 0 };
    tern_message_info info = tern_call(descriptor, tern_message_with_windows(
                                                       tern_message(FILE_STAT, 0, 0), 1), mr);
    return tern_message_label(info) || (int64_t)mr[0] < 0 ? -LINUX_EIO : 0;
}

int64_t file_path_of(uint64_t descriptor, char *name, uint64_t room)
{
    tern_set_window(0, (uint64_t)name, room, TERN_WINDOW_WRITE);
    uint64_t mr[TERN_MSG_REGISTERS] = { room };
    tern_message_info info = tern_call(descriptor, tern_message_with_windows(
                                                       tern_message(FILE_PATH, 0, 1), 1), mr);
    return tern_message_label(info) ? -LINUX_EBADF : (int64_t)mr[0];
}

static int read_info(struct process *process, struct linux_process_info *info)
{
    uint64_t copied;
    memset(info, 0, sizeof *info);
    if (!process->space
        || tern_vspace_read(process->space->vspace, LINUX_PROCESS_INFO, sizeof *info,
                            (uint64_t)info, &copied) != TERN_OK)
        return -LINUX_EFAULT;
    return 0;
}

bool files_is_open(struct process *process, uint64_t fd)
{
    static struct linux_process_info info;
    return fd < LINUX_MAX_FDS && read_info(process, &info) == 0 &&
           (info.fd_open[fd / 64] >> (fd % 64) & 1);
}

int files_read_bitmaps(struct process *process, uint64_t open[LINUX_MAX_FDS / 64],
                       uint64_t cloexec[LINUX_MAX_FDS / 64])
{
    static struct linux_process_info info;
    int result = read_info(process, &info);
    memcpy(open, info.fd_open, sizeof info.fd_open);
    memcpy(cloexec, info.fd_cloexec, sizeof info.fd_cloexec);
    return result;
}

int files_write_info(struct process *process, uint64_t fd_open[], uint64_t fd_cloexec[],
                     const struct files_kept *kept)
{
    static struct linux_process_info info;
    memset(&info, 0, sizeof info);
    uint64_t copied;
    if (process->space)
        tern_vspace_read(process->space->vspace, LINUX_PROCESS_INFO, sizeof info,
                         (uint64_t)&info, &copied);
    info.pid = process->pid;
    info.umask = kept->umask;
    info.procfs_directory = kept->procfs_directory;
    info.limits_set = kept->limits_set;
    memcpy(info.limits, kept->limits, sizeof info.limits);
    info.pending_signals = process->pending.set;
    info.ignored_signals = signal_ignored_set(process);
    info.stopped = signal_process_stopping(process);
    wall_clock_info(&info.realtime_seconds, &info.realtime_counter);
    if (fd_open)
        memcpy(info.fd_open, fd_open, sizeof info.fd_open);
    if (fd_cloexec)
        memcpy(info.fd_cloexec, fd_cloexec, sizeof info.fd_cloexec);
    return space_write(process->space, LINUX_PROCESS_INFO, &info, sizeof info);
}

int files_set_soft_limit(struct process *process, unsigned resource, uint64_t soft)
{
    uint64_t address = LINUX_PROCESS_INFO + offsetof(struct linux_process_info, limits) +
                       resource * sizeof(struct linux_resource_limit) +
                       offsetof(struct linux_resource_limit, soft);
    return process->space ? space_write(process->space, address, &soft, sizeof soft)
                          : -LINUX_EFAULT;
}

/* The process closes it, as its own close would (file.h): its pid goes
 * with it, so the server drops what the process held on the file (its
 * POSIX locks, at exit or exec too, as Linux's close does). */
void files_close_slot(struct process *process, uint64_t slot)
{
    file_call_with(process->cnode, slot, FILE_CLOSE, 1, process->pid);
    tern_cnode_delete(process->cnode, slot, CNODE_DEPTH);
}

/* Close the descriptors the mask selects (all open ones when mask is 0);
 * the ones left open are written to survivors (may be 0). */
static void keep_from(const struct linux_process_info *info, struct files_kept *kept)
{
    kept->umask = info->umask;
    kept->procfs_directory = info->procfs_directory;
    kept->limits_set = info->limits_set;
    memcpy(kept->limits, info->limits, sizeof kept->limits);
}

static void close_selected(struct process *process, bool only_cloexec, uint64_t survivors[],
                           struct files_kept *kept)
{
    static struct linux_process_info info;
    if (read_info(process, &info) < 0)
        return;
    /* Word by word: most of the table is empty. */
    for (unsigned word = 0; word < LINUX_MAX_FDS / 64; word++) {
        uint64_t closing = info.fd_open[word] & (only_cloexec ? info.fd_cloexec[word] : ~0ULL);
        info.fd_open[word] &= ~closing;
        for (; closing; closing &= closing - 1)
            files_close_slot(process, linux_fd_slot(word * 64 + __builtin_ctzll(closing)));
    }
    if (survivors)
        memcpy(survivors, info.fd_open, sizeof info.fd_open);
    if (kept)
        keep_from(&info, kept);
}

void files_close_all(struct process *process)
{
    close_selected(process, false, 0, 0);
    files_close_slot(process, LINUX_SLOT_CWD);
}

void files_close_on_exec(struct process *process, uint64_t survivors[], struct files_kept *kept)
{
    close_selected(process, true, survivors, kept);
}

/* Copy a descriptor capability (between process CNodes or within one) and
 * count the new reference. A copy its server would not count (its
 * description is gone) leaves the slot empty: the descriptor is not
 * open, and the personality receives a new one's capability there. */
static int copy_reference(struct process *from, uint64_t from_slot, struct process *to,
                          uint64_t to_slot)
{
    if (tern_cnode_copy(to->cnode, to_slot, CNODE_DEPTH, from->cnode, from_slot, CNODE_DEPTH,
                        TERN_RIGHTS_ALL) != TERN_OK)
        return -LINUX_EBADF;
    if (file_call(to->cnode, to_slot, FILE_RETAIN) < 0) {
        tern_cnode_delete(to->cnode, to_slot, CNODE_DEPTH);
        return -LINUX_EBADF;
    }
    return 0;
}

int files_copy_all(struct process *parent, struct process *child)
{
    static struct linux_process_info info;
    int result = read_info(parent, &info);
    if (result < 0)
        return result;
    copy_reference(parent, LINUX_SLOT_CWD, child, LINUX_SLOT_CWD);
    for (unsigned word = 0; word < LINUX_MAX_FDS / 64; word++)
        for (uint64_t open = info.fd_open[word]; open; open &= open - 1) {
            unsigned fd = word * 64 + (unsigned)__builtin_ctzll(open);
            if (copy_reference(parent, linux_fd_slot(fd), child, linux_fd_slot(fd)) < 0)
                info.fd_open[word] &= ~(1ULL << (fd % 64));
        }
    static struct files_kept kept;
    keep_from(&info, &kept);
    return files_write_info(child, info.fd_open, info.fd_cloexec, &kept);
}

int file_open(uint64_t cnode, uint64_t slot, const char *path, uint64_t flags)
{
    tern_cnode_delete(cnode, slot, CNODE_DEPTH);
    tern_set_window(0, (uint64_t)path, strlen(path), TERN_WINDOW_READ);
    uint64_t mr[TERN_MSG_REGISTERS] = { strlen(path), flags, 0 };
    tern_message_info info = server_call_receiving(
        PROCMGR_SLOT_VFS_SESSION, tern_message_with_windows(tern_message(VFS_OPEN, 0, 3), 1),
        mr, cnode, slot);
    if (tern_message_label(info) || (int64_t)mr[0] < 0 || tern_message_caps(info) != 1)
        return tern_message_label(info) ? -LINUX_EIO : (int)mr[0];
    return 0;
}

/* Open path through procmgr's own vfs session into slot of the process. */
static int open_into(struct process *process, uint64_t slot, const char *path, uint64_t flags)
{
    return file_open(process->cnode, slot, path, flags);
}

int files_open_console(struct process *process, bool stdin_from_file)
{
    int result = open_into(process, LINUX_SLOT_CWD, "/", LINUX_O_RDONLY | LINUX_O_DIRECTORY);
    if (result == 0 && stdin_from_file) {
        result = open_into(process, linux_fd_slot(0), PROC_STDIN_FILE_PATH, LINUX_O_RDONLY);
        if (result == 0)
            result = open_into(process, linux_fd_slot(1), "/dev/console", LINUX_O_RDWR);
    } else if (result == 0) {
        result = open_into(process, linux_fd_slot(0), "/dev/console", LINUX_O_RDWR);
        if (result == 0)
            result = copy_reference(process, linux_fd_slot(0), process, linux_fd_slot(1));
    }
    /* stderr on the console's diagnostics channel, which a host can tell apart. */
    if (result == 0)
        result = open_into(process, linux_fd_slot(2), "/dev/stderr", LINUX_O_RDWR);
    return result;
}
