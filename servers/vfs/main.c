/*
 * vfs: the path namespace and the files in it, as a server on the
 * server runtime (sys/server.h).
 *
 * A session capability (badge VFS_SESSION_BADGE(uid, gid)) speaks
 * sys/protocol/vfs.h; a descriptor (badge: an OFD handle of the core)
 * speaks sys/protocol/file.h, through the runtime's file protocol
 * (sys/file_server.h) with the operations below; the OFDs' flags and
 * references are the file table's (the runtime's generic answers). Every
 * reply has label 0 and the result in message register 0
 * (protocol/common.h); VFS_OPEN's reply also carries the new descriptor,
 * a capability to this endpoint minted with the OFD's handle. Client
 * memory is reached only through the Call's message windows, or for
 * FILE_READ_SMALL and FILE_WRITE_SMALL, whose bytes travel in the message
 * registers (file.h), as the runtime's client buffers
 * (sys/server_buffer.h). Every request is answered at once but a read of
 * the console with nothing to read, which waits for a line
 * (console_input.c).
 */
#include "console_input.h"
#include "core.h"
#include "lookup.h"
#include "sys/counter.h"
#include "sys/file_server.h"
#include "sys/invoke.h"
#include "sys/print.h"
#include "sys/protocol/common.h"
#include "sys/protocol/file.h"
#include "sys/protocol/memory.h"
#include "sys/protocol/mqueue.h"
#include "sys/protocol/pipe.h"
#include "sys/protocol/unix.h"
#include "sys/protocol/vfs.h"
#include "sys/runtime.h"
#include "sys/server.h"
#include "sys/server_buffer.h"
#include "sys/syscall.h"

_Static_assert(VFS_OPEN_EXEC == VFS_CORE_OPEN_EXEC, "the core knows VFS_OPEN_EXEC");

/* A directory argument that is not one of vfs's descriptors: the core
 * reports EBADF if a relative path needs it (absolute paths ignore it). */
#define NOT_A_VFS_DESCRIPTOR UINT64_MAX
/* Console readers waiting for a line at once. */
#define WAITING_READERS 16
/* Callers waiting for file locks at once (F_SETLKW, flock): beyond
 * them a wait is refused with ENOLCK. */
#define WAITING_FOR_LOCKS 64

static struct vfs vfs;
static char paths[2][LINUX_PATH_MAX];

/* ---- The core's services ---- */

/* The console's diagnostics channel is marked on the wire (OSC sequences a
 * terminal ignores) so that a host running us (tools/exec) can pass it on
 * as stderr. */
#define CONSOLE_ERRORS_BEGIN "\033]tern-stderr\007"
#define CONSOLE_ERRORS_END "\033]tern-stdout\007"

static void console_put(const char *bytes, size_t length)
{
    for (size_t i = 0; i < length; i++)
        tern_debug_put_char(bytes[i]);
}

static void console_write(void *context, const char *bytes, size_t length, bool errors)
{
    (void)context;
    if (errors)
        console_put(CONSOLE_ERRORS_BEGIN, sizeof CONSOLE_ERRORS_BEGIN - 1);
    console_put(bytes, length);
    if (errors)
        console_put(CONSOLE_ERRORS_END, sizeof CONSOLE_ERRORS_END - 1);
}

/* The time of day: the boot's (from the board's real-time clock, 1970
 * without one) plus the virtual counter's progress since. */
static struct vfs_time current_time(void *context)
{
    (void)context;
    struct vfs_time now;
    tern_counter_to_wall_clock(tern_counter_now(), server_boot_info->realtime_seconds,
                               server_boot_info->realtime_counter, &now.seconds,
                               &now.nanoseconds);
    return now;
}

/* /dev/mqueue's listing: MQ_LIST through vfs's session of the mqueue
 * server, which never calls vfs, so neither waits on the other. */
static int next_queue(void *context, uint64_t from, char *name, uint64_t *inode)
{
    (void)context;
    tern_set_window(0, (uint64_t)(uintptr_t)name, LINUX_NAME_MAX, TERN_WINDOW_WRITE);
    uint64_t mr[TERN_MSG_REGISTERS] = {from};
    tern_message_info info = tern_call(VFS_SLOT_MQUEUE, tern_message_with_windows(
                                                            tern_message(MQ_LIST, 0, 1), 1), mr);
    if (tern_message_label(info) != 0)
        return -LINUX_EIO;
    if ((int64_t)mr[0] <= 0 || mr[0] > LINUX_NAME_MAX)
        return (int64_t)mr[0] < 0 ? (int)mr[0] : 0;
    *inode = mr[1];
    return (int)mr[0];
}

/* ---- Arguments ---- */

/* Reads the path in window `index` into paths[index]. Empty paths are
 * ENOENT unless the operation takes AT_EMPTY_PATH. */
static int read_path(struct server_request *request, unsigned index, uint64_t length,
                     bool empty_allowed)
{
    if (length > LINUX_PATH_MAX - 1)
        return -LINUX_ENAMETOOLONG;
    if (length == 0)
        return empty_allowed ? 0 : -LINUX_ENOENT;
    return server_read_window(request, index, 0, paths[index], length);
}

/* The directory a relative path starts from: capability `index` if the
 * client sent one (it must be one of our descriptors, which the kernel
 * hands over as its badge), else "/". */
static uint64_t directory_argument(const struct server_request *request, unsigned index)
{
    uint64_t badge;
    if (tern_message_caps(request->info) <= index)
        return VFS_ROOT_DIRECTORY;
    if (!server_received_badge(request, index, &badge) || (badge & VFS_SESSION_FLAG) ||
        badge == VFS_ROOT_DIRECTORY)
        return NOT_A_VFS_DESCRIPTOR;
    return badge;
}

/* How many registers each session label needs. */
static unsigned registers_needed(uint64_t label)
{
    switch (label) {
    case VFS_CHOWN:
        return 4;
    case VFS_OPEN:
    case VFS_MKNOD:
    case VFS_ACCESS:
    case VFS_LINK:
        return 3;
    case VFS_MKDIR:
    case VFS_UNLINK:
    case VFS_STAT:
    case VFS_RENAME:
    case VFS_CHMOD:
    case VFS_BIND_SOCKET:
        return 2;
    case VFS_GETCWD:
    case VFS_SOCKET_NODE:
        return 1;
    default:
        return 0;
    }
}

/* ---- The vfs protocol ---- */

/* VFS_IN_MQUEUE: the path (of `length` bytes, without a trailing slash)
 * names a queue, its last component. */
static enum server_outcome answer_in_mqueue(struct server_request *request, const char *path,
                                            uint64_t length)
{
    length = lookup_path_length(path, length);
    uint64_t start = length;
    while (start > 0 && path[start - 1] != '/')
        start--;
    request->mr[0] = VFS_IN_MQUEUE;
    request->mr[1] = start;
    request->mr[2] = length - start;
    request->answer = tern_message(0, 0, 3);
    return SERVER_ANSWER;
}

/* VFS_OPEN: on success the reply carries the new descriptor. */
static enum server_outcome open_file(struct server_request *request,
                                     const struct vfs_credentials *who)
{
    const uint64_t *r = request->mr;
    int error = read_path(request, 0, r[0], false);
    if (error != 0)
        return server_answer(request, error);
    uint64_t handle;
    error = vfs_open(&vfs, who, directory_argument(request, 0), paths[0], r[0], r[1],
                     (uint32_t)r[2], &handle);
    if (error < 0)
        return server_answer(request, error);
    if (error == VFS_CORE_IN_MQUEUE)
        return answer_in_mqueue(request, paths[0], r[0]);
    /* A FIFO's ends come from the pipe server: hand out a capability to it
     * that names this node (pipe.h), to open it with. */
    bool fifo = error == VFS_CORE_OPENED_FIFO;
    server_answer(request, fifo ? VFS_OPENED_FIFO : 0);
    if (fifo ? server_give_descriptor(request, VFS_SLOT_PIPE, PIPE_FIFO_BADGE(handle))
             : server_give_descriptor(request, SERVER_SLOT_ENDPOINT, handle))
        return SERVER_ANSWER;
    if (!fifo)
        vfs_close(&vfs, handle);
    return server_answer(request, fifo ? -LINUX_ENXIO : -LINUX_ENFILE);
}

/* VFS_BIND_SOCKET and VFS_SOCKET_NODE: the answer carries the node's
 * capability, one to the unix server that names it (unix.h). */
static enum server_outcome socket_node(struct server_request *request,
                                       const struct vfs_credentials *who)
{
    const uint64_t *r = request->mr;
    int error = read_path(request, 0, r[0], false);
    if (error != 0)
        return server_answer(request, error);
    uint64_t directory = directory_argument(request, 0);
    uint64_t inode;
    if (tern_message_label(request->info) == VFS_BIND_SOCKET)
        error = vfs_bind_socket(&vfs, who, directory, paths[0], r[0], (uint32_t)r[1], &inode);
    else
        error = vfs_socket_node(&vfs, who, directory, paths[0], r[0], &inode);
    if (error != 0)
        return server_answer(request, error);
    server_answer(request, 0);
    if (!server_give_capability(request, VFS_SLOT_UNIX, TERN_RIGHT_WRITE, UNIX_NODE_BADGE(inode)))
        return server_answer(request, -LINUX_ENOMEM);
    return SERVER_ANSWER;
}

static int64_t stat_path(struct server_request *request, const struct vfs_credentials *who)
{
    const uint64_t *r = request->mr;
    int error = read_path(request, 0, r[0], r[1] & LINUX_AT_EMPTY_PATH);
    if (error != 0)
        return error;
    struct linux_stat stat;
    error = vfs_stat(&vfs, who, directory_argument(request, 0), paths[0], r[0], r[1], &stat);
    if (error != 0)
        return error;
    return server_write_window(request, 1, 0, &stat, sizeof stat);
}

static int64_t rename_path(struct server_request *request, const struct vfs_credentials *who)
{
    const uint64_t *r = request->mr;
    int error = read_path(request, 0, r[0], false);
    if (error == 0)
        error = read_path(request, 1, r[1], false);
    if (error != 0)
        return error;
    return vfs_rename(&vfs, who, directory_argument(request, 0), paths[0], r[0],
                      directory_argument(request, 1), paths[1], r[1]);
}

/* An empty old path passes here with AT_EMPTY_PATH; the core decides
 * who may name a file by its descriptor. */
static int64_t link_path(struct server_request *request, const struct vfs_credentials *who)
{
    const uint64_t *r = request->mr;
    int error = read_path(request, 0, r[0], r[2] & LINUX_AT_EMPTY_PATH);
    if (error == 0)
        error = read_path(request, 1, r[1], false);
    if (error != 0)
        return error;
    return vfs_link(&vfs, who, directory_argument(request, 0), paths[0], r[0],
                    directory_argument(request, 1), paths[1], r[1], r[2]);
}

static int64_t get_working_directory(struct server_request *request)
{
    uint64_t size = request->mr[0];
    int length = vfs_getcwd(&vfs, directory_argument(request, 0), paths[0],
                            size < LINUX_PATH_MAX ? size : LINUX_PATH_MAX);
    if (length < 0)
        return length;
    int error = server_write_window(request, 0, 0, paths[0], (size_t)length);
    return error != 0 ? error : length;
}

static int64_t session_call(struct server_request *request, const struct vfs_credentials *who)
{
    const uint64_t *r = request->mr;
    uint64_t directory = directory_argument(request, 0);
    int error;
    switch (tern_message_label(request->info)) {
    case VFS_MKDIR:
        error = read_path(request, 0, r[0], false);
        return error != 0 ? error
                          : vfs_mkdir(&vfs, who, directory, paths[0], r[0], (uint32_t)r[1]);
    case VFS_MKNOD:
        error = read_path(request, 0, r[0], false);
        return error != 0 ? error
                          : vfs_mknod(&vfs, who, directory, paths[0], r[0], (uint32_t)r[1],
                                      r[2]);
    case VFS_UNLINK:
        error = read_path(request, 0, r[0], false);
        return error != 0 ? error : vfs_unlink(&vfs, who, directory, paths[0], r[0], r[1]);
    case VFS_STAT:
        return stat_path(request, who);
    case VFS_ACCESS:
        error = read_path(request, 0, r[0], r[2] & LINUX_AT_EMPTY_PATH);
        return error != 0 ? error
                          : vfs_access(&vfs, who, directory, paths[0], r[0], (uint32_t)r[1],
                                       r[2]);
    case VFS_RENAME:
        return rename_path(request, who);
    case VFS_LINK:
        return link_path(request, who);
    case VFS_CHMOD: {
        /* flags (a third register) is optional: fchmodat2's AT_EMPTY_PATH. */
        uint64_t flags = tern_message_length(request->info) > 2 ? r[2] : 0;
        error = read_path(request, 0, r[0], flags & LINUX_AT_EMPTY_PATH);
        return error != 0 ? error
                          : vfs_chmod(&vfs, who, directory, paths[0], r[0], (uint32_t)r[1],
                                      flags);
    }
    case VFS_CHOWN:
        error = read_path(request, 0, r[0], r[3] & LINUX_AT_EMPTY_PATH);
        return error != 0 ? error
                          : vfs_chown(&vfs, who, directory, paths[0], r[0], (uint32_t)r[1],
                                      (uint32_t)r[2], r[3]);
    case VFS_GETCWD:
        return get_working_directory(request);
    default:
        return -LINUX_ENOSYS;
    }
}

static enum server_outcome handle_session(struct server_request *request)
{
    const struct vfs_credentials who = {VFS_SESSION_UID(request->badge),
                                        VFS_SESSION_GID(request->badge)};
    if (tern_message_length(request->info) < registers_needed(tern_message_label(request->info)))
        return server_answer(request, -LINUX_EINVAL);
    switch (tern_message_label(request->info)) {
    case VFS_OPEN:
        return open_file(request, &who);
    case VFS_BIND_SOCKET:
    case VFS_SOCKET_NODE:
        return socket_node(request, &who);
    }
    int64_t result = session_call(request, &who);
    if (result == VFS_CORE_IN_MQUEUE)
        return answer_in_mqueue(request, paths[0], request->mr[0]);
    return server_answer(request, result);
}

/* ---- The console's job control (FILE_TERMINAL_ACCESS, file.h) ---- */

/* Whether the caller must ask procmgr before it reads the console (or
 * writes under TOSTOP, or changes its settings): a session has the
 * console and the request's flags do not say procmgr let it. */
static bool asks_foreground(uint64_t flags, bool writes)
{
    if (!console_input_controlled() || (flags & FILE_FOREGROUND))
        return false;
    return !writes || terminal_stops_background_writes(&vfs.console);
}

/* The request's flags register (index), 0 if it has none. */
static uint64_t flags_of(const struct server_request *request, unsigned index)
{
    return index < tern_message_length(request->info) ? request->mr[index] : 0;
}

static enum server_outcome ask_foreground(struct server_request *request)
{
    uint64_t values[2] = {(uint64_t)FILE_TERMINAL_ACCESS, VFS_CONSOLE_TERMINAL};
    return server_answer_values(request, 2, values);
}

/* ---- The file protocol ---- */

/* A read of the console that must wait for a line is deferred. */
static enum server_outcome console_read(struct server_request *request, uint8_t *bytes)
{
    uint64_t handle = request->badge;
    int64_t nonblocking = file_table_get_flags(&vfs.files, handle) & LINUX_O_NONBLOCK;
    int64_t result = console_input_read(request->reply, request->mr[0], nonblocking, bytes);
    return result == CONSOLE_INPUT_WAITING ? SERVER_DEFER : server_answer(request, result);
}

static enum server_outcome read_file(struct server_request *request)
{
    if (vfs_reads_console(&vfs, request->badge))
        return asks_foreground(flags_of(request, 1), false) ? ask_foreground(request)
                                                  : console_read(request, 0);
    struct client_buffer buffer = server_window_buffer(request);
    return server_answer(request, vfs_read(&vfs, request->badge, &buffer, request->mr[0]));
}

/* The runtime checked the small calls' lengths (sys/file_server.h). */
static enum server_outcome read_file_small(struct server_request *request)
{
    uint64_t length = request->mr[0];
    if (vfs_reads_console(&vfs, request->badge)) {
        if (asks_foreground(flags_of(request, 1), false))
            return ask_foreground(request);
        enum server_outcome outcome = console_read(request, server_small_bytes(request));
        int64_t result = (int64_t)request->mr[0];
        return outcome == SERVER_ANSWER ? server_answer_small_read(request, result) : outcome;
    }
    struct client_buffer buffer = server_small_buffer(request);
    return server_answer_small_read(request, vfs_read(&vfs, request->badge, &buffer, length));
}

static enum server_outcome write_file(struct server_request *request)
{
    if (vfs_is_console(&vfs, request->badge) && asks_foreground(flags_of(request, 1), true))
        return ask_foreground(request);
    struct client_buffer buffer = server_window_buffer(request);
    return server_answer(request, vfs_write(&vfs, request->badge, &buffer, request->mr[0]));
}

static enum server_outcome write_file_small(struct server_request *request)
{
    if (vfs_is_console(&vfs, request->badge) && asks_foreground(0, true))
        return ask_foreground(request);
    struct client_buffer buffer = server_small_buffer(request);
    return server_answer(request, vfs_write(&vfs, request->badge, &buffer, request->mr[0]));
}

static enum server_outcome pread_file(struct server_request *request)
{
    struct client_buffer buffer = server_window_buffer(request);
    return server_answer(request, vfs_pread(&vfs, request->badge, &buffer, request->mr[0],
                                            (int64_t)request->mr[1]));
}

static enum server_outcome pread_file_small(struct server_request *request)
{
    struct client_buffer buffer = server_small_buffer(request);
    return server_answer_small_read(request, vfs_pread(&vfs, request->badge, &buffer,
                                                       request->mr[0], (int64_t)request->mr[1]));
}

static enum server_outcome pwrite_file(struct server_request *request)
{
    struct client_buffer buffer = server_window_buffer(request);
    return server_answer(request, vfs_pwrite(&vfs, request->badge, &buffer, request->mr[0],
                                             (int64_t)request->mr[1]));
}

static enum server_outcome seek_file(struct server_request *request)
{
    return server_answer(request,
                         vfs_seek(&vfs, request->badge, (int64_t)request->mr[0], request->mr[1]));
}

static enum server_outcome stat_file(struct server_request *request)
{
    struct linux_stat stat;
    int error = vfs_fstat(&vfs, request->badge, &stat);
    if (error == 0)
        error = server_write_window(request, 0, 0, &stat, sizeof stat);
    return server_answer(request, error);
}

static enum server_outcome list_directory(struct server_request *request)
{
    struct client_buffer buffer = server_window_buffer(request);
    return server_answer(request, vfs_getdents(&vfs, request->badge, &buffer, request->mr[0]));
}

/* The console's job-control ioctls go to procmgr (FILE_TERMINAL_REFERRAL,
 * sys/protocol/file.h); its others may change what its readers get. */
static enum server_outcome ioctl_file(struct server_request *request)
{
    uint64_t command = request->mr[0];
    bool sets = command == LINUX_TCSETS || command == LINUX_TCSETSW || command == LINUX_TCSETSF;
    if (sets && vfs_is_console(&vfs, request->badge) && asks_foreground(flags_of(request, 2), false))
        return ask_foreground(request);
    struct client_buffer buffer = server_window_buffer(request);
    int64_t result = vfs_ioctl(&vfs, request->badge, request->mr[0], &buffer);
    if (result == FILE_TERMINAL_REFERRAL) {
        uint64_t values[3] = {FILE_TERMINAL_REFERRAL, VFS_CONSOLE_TERMINAL,
                              vfs_reads_console(&vfs, request->badge)};
        return server_answer_values(request, 3, values);
    }
    if (result == 0 && vfs_is_console(&vfs, request->badge))
        console_input_changed();
    return server_answer(request, result);
}

static enum server_outcome truncate_file(struct server_request *request)
{
    return server_answer(request, vfs_truncate(&vfs, request->badge, (int64_t)request->mr[0]));
}

static enum server_outcome sync_file(struct server_request *request)
{
    return server_answer(request, vfs_sync(&vfs, request->badge));
}

static enum server_outcome get_seals(struct server_request *request)
{
    return server_answer(request, vfs_get_seals(&vfs, request->badge));
}

static enum server_outcome add_seals(struct server_request *request)
{
    return server_answer(request, vfs_add_seals(&vfs, request->badge, request->mr[0]));
}

/* Files, directories and the other devices never make a poller wait; the
 * console keeps a poller's notification until a line comes. */
static enum server_outcome poll_file(struct server_request *request)
{
    uint64_t events = request->mr[0];
    if (file_table_get_flags(&vfs.files, request->badge) < 0)
        return server_answer(request, -LINUX_EBADF);
    if (vfs_reads_console(&vfs, request->badge))
        return server_answer(request,
                             console_input_poll(events, server_received_slot(request, 0)));
    return server_answer(request,
                         (int64_t)(events & (FILE_POLLIN | FILE_POLLRDNORM | FILE_POLLOUT |
                                             FILE_POLLWRNORM)));
}

/* The console open only for writing: always writable, so its watches
 * are written once and never woken. */
static struct watch_list console_writers;

static uint32_t always_writable(const void *object)
{
    (void)object;
    return FILE_POLLOUT | FILE_POLLWRNORM;
}

/* epoll watches the console; every other file of vfs is a file without
 * poll to Linux's epoll_ctl (-EPERM). */
static bool watch_file(uint64_t handle, struct watch_target *target)
{
    if (vfs_reads_console(&vfs, handle))
        console_input_watch(target);
    else if (vfs_is_console(&vfs, handle))
        *target = (struct watch_target){&console_writers, &console_writers, always_writable};
    else
        return false;
    return true;
}

static void release_node(void *node)
{
    vfs_release(&vfs, node);
}

static int64_t path_file(uint64_t handle, char *path)
{
    return vfs_path(&vfs, handle, path);
}

static const struct file_operations file_operations = {
    .read = read_file,
    .write = write_file,
    .read_small = read_file_small,
    .write_small = write_file_small,
    .pread = pread_file,
    .pwrite = pwrite_file,
    .pread_small = pread_file_small,
    .seek = seek_file,
    .stat = stat_file,
    .getdents = list_directory,
    .ioctl = ioctl_file,
    .truncate = truncate_file,
    .sync = sync_file,
    .poll = poll_file,
    .get_seals = get_seals,
    .add_seals = add_seals,
    .release = release_node,
    .watch = watch_file,
    .path = path_file,
};
static const struct file_server files_served = {.operations = &file_operations,
                                                .files = &vfs.files};

/* ---- Lending pages to procmgr (sys/protocol/memory.h) ---- */

/* MEMORY_MAP: may the file be mapped so? Its identity, or "anonymous". */
static enum server_outcome map_file(struct server_request *request)
{
    uint32_t prot = (uint32_t)request->mr[2];
    bool shared = (request->mr[3] & LINUX_MAP_TYPE) != LINUX_MAP_PRIVATE;
    uint64_t identity = 0;
    int result = vfs_map(&vfs, request->badge, prot, shared, &identity);
    if (result < 0)
        return server_answer(request, result);
    uint64_t flags = (result & VFS_MAP_ANONYMOUS ? MEMORY_MAP_ANONYMOUS : 0) |
                     (result & VFS_MAP_WRITABLE ? MEMORY_MAP_WRITABLE : 0);
    server_answer_mapping(request, identity, flags, 0);
    return SERVER_ANSWER;
}

/* MEMORY_PAGE: a capability to the page's frame, writable if asked and
 * allowed, which freeing the page (the file shrinks) revokes. */
static enum server_outcome lend_page(struct server_request *request)
{
    bool write = request->mr[1] & MEMORY_PAGE_WRITE;
    void *page;
    int result = vfs_map_page(&vfs, request->badge, request->mr[0], (unsigned)request->mr[1],
                              &page);
    return result < 0 ? server_answer(request, result) : server_answer_page(request, page, write);
}

/* procmgr's requests about the console's sessions (VFS_TERMINAL_*). */
static enum server_outcome handle_procmgr(struct server_request *request)
{
    uint64_t label = tern_message_label(request->info);
    if (label == VFS_TERMINAL_LISTEN) {
        uint64_t notification = server_keep_capability(request, 0);
        if (!notification)
            return server_answer(request, -LINUX_EINVAL);
        console_input_listen(notification);
        return server_answer(request, 0);
    }
    if (label == VFS_USERFAULTFD_DEVICE) {
        /* One of ours comes as its badge; another server's as a capability. */
        uint64_t badge;
        bool device = server_received_badge(request, 0, &badge) && !(badge & VFS_SESSION_FLAG) &&
                      vfs_is_userfaultfd_device(&vfs, badge);
        return server_answer(request, device ? 0 : -LINUX_EBADF);
    }
    if (tern_message_length(request->info) < 1 || request->mr[0] != VFS_CONSOLE_TERMINAL)
        return server_answer(request, -LINUX_ENOTTY);
    switch (label) {
    case VFS_TERMINAL_TAKE_SIGNALS:
        return server_answer(request, (int64_t)console_input_take_signals());
    case VFS_TERMINAL_CONTROLLED:
        console_input_control(tern_message_length(request->info) > 1 && request->mr[1]);
        return server_answer(request, 0);
    case VFS_TERMINAL_PUSH:
        if (tern_message_length(request->info) < 2)
            return server_answer(request, -LINUX_EINVAL);
        console_input_push((char)request->mr[1]);
        return server_answer(request, 0);
    default:
        return server_answer(request, -LINUX_ENOSYS);
    }
}

/* Sessions (procmgr's own among them), and the memory-object protocol
 * through a descriptor; the runtime hands the file protocol's requests
 * through a descriptor straight to file_operations. */
static enum server_outcome handle(struct server_request *request)
{
    if (request->badge == VFS_PROCMGR_BADGE)
        return handle_procmgr(request);
    if (request->badge & VFS_SESSION_FLAG)
        return handle_session(request);
    return server_memory_request(request, map_file, lend_page);
}

/* The timer: the console may have input for waiting readers. */
static void timer_fired(uint64_t word)
{
    (void)word;
    console_input_tick();
}

/* The pages of node and entry records, which pools keep (pool.h), and
 * the archive files' copies, kept while vfs runs (mapping.c). */
static uint64_t kept_pages(void)
{
    return vfs.nodes.pages + vfs.entries.pages + vfs.archive_copy_pages;
}

static const struct server_config vfs_server = {
    .name = "vfs",
    .id = SERVER_VFS,
    .deferred_capacity = WAITING_READERS + WAITING_FOR_LOCKS,
    .handle = handle,
    .descriptors = &files_served,
    .session_badge_bits = VFS_SESSION_FLAG,
    .notified = timer_fired,
    .lendable_pages = true,
    .kept_pages = kept_pages,
};

int root_main(const struct tern_boot_info *info)
{
    server_init(info, &vfs_server);
    if (!console_input_init(&server_memory, info->timer_frequency, &vfs.console))
        server_stop("no slots for the console's pollers");
    const struct vfs_services services = {
        .allocate_page = server_allocate_page,
        .free_page = server_free_page,
        .console_write = console_write,
        .current_time = current_time,
        .next_queue = next_queue,
    };
    int error = vfs_init(&vfs, &services);
    if (error != 0)
        server_stop("cannot build the tree");
    error = vfs_load_archive(&vfs, (const void *)info->boot_archive, info->boot_archive_size);
    if (error != 0)
        tern_printf("vfs: the boot archive is damaged (%d); keeping what came before\n", error);
    server_run();
}
