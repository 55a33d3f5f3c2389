/*
 * vfs: the path namespace and the files in it, as a native server.
 *
 * It receives Calls on SERVER_SLOT_ENDPOINT. A session capability
 * (badge VFS_SESSION_BADGE(uid, gid)) speaks sys/protocol/vfs.h; a
 * descriptor (badge: an OFD handle of the core) speaks
 * sys/protocol/file.h. Every reply has label 0 and the result in message
 * register 0 (protocol/common.h); VFS_OPEN's reply also carries the new
 * descriptor, a capability to this endpoint minted with the OFD's handle.
 * Client memory is reached only through the Call's message windows, or
 * for FILE_READ_SMALL and FILE_WRITE_SMALL, whose bytes travel in the
 * message registers (file.h). Every request is answered at once but a
 * read of the console with nothing to read, which waits for a line
 * (console_input.c).
 */
#include "console_input.h"
#include "core.h"
#include "sys/counter.h"
#include "sys/invoke.h"
#include "sys/print.h"
#include "sys/protocol/common.h"
#include "sys/protocol/file.h"
#include "sys/protocol/pipe.h"
#include "sys/protocol/vfs.h"
#include "sys/runtime.h"
#include "sys/syscall.h"

_Static_assert(VFS_OPEN_EXEC == VFS_CORE_OPEN_EXEC, "the core knows VFS_OPEN_EXEC");

#define ROOT_CNODE_DEPTH 64
/* What a descriptor capability lets its holder do: Call, and pass it on. */
#define DESCRIPTOR_RIGHTS (TERN_RIGHT_WRITE | TERN_RIGHT_GRANT | TERN_RIGHT_GRANT_REPLY)
/* A directory argument that is not one of vfs's descriptors: the core
 * reports EBADF if a relative path needs it (absolute paths ignore it). */
#define NOT_A_VFS_DESCRIPTOR UINT64_MAX
/* The badge bit of a Recv that took the bound notification's word. */
#define NOTIFICATION_BADGE_BIT (1ULL << 63)

static const struct tern_boot_info *boot_info;
static struct vfs vfs;
static uint64_t slot_bitmap[(1 << 12) / 64];    /* vfs's CNode has 4096 slots */
static struct slot_allocator slots;
static struct untyped_pool untyped;
static struct memory memory;
/* File data, nodes and OFDs: pages mapped from here up, 1 GiB-aligned and
 * far from the image, stack, IPC buffer, boot info and boot archive. */
#define PAGES_BASE  0x4000000000ULL
#define PAGES_LIMIT 0x5000000000ULL
static struct page_pool pages;
static uint64_t reply_slot;
static uint64_t descriptor_slot;        /* where a new descriptor is minted */
static uint64_t receive_slots;          /* TERN_MSG_MAX_CAPS slots for stray capabilities */
static char paths[2][LINUX_PATH_MAX];

struct request {
    tern_message_info info;
    uint64_t badge;
    uint64_t registers[TERN_MSG_REGISTERS];
};

/* ---- The core's services ---- */

static void *allocate_page(void *context)
{
    (void)context;
    return page_pool_allocate(&pages);
}

static void free_page(void *context, void *page)
{
    (void)context;
    page_pool_free(&pages, page);
}

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
    tern_counter_to_wall_clock(tern_counter_now(), boot_info->realtime_seconds,
                               boot_info->realtime_counter, &now.seconds, &now.nanoseconds);
    return now;
}

/* ---- Message windows as the core's client buffers ---- */

struct window {
    uint64_t index;
    struct vfs_buffer buffer;
};

static int copy_to_window(void *context, uint64_t offset, const void *source, size_t length)
{
    const struct window *window = context;
    uint64_t copied;
    return tern_reply_write_window(reply_slot, window->index, offset, length,
                                   (uint64_t)source, &copied) == TERN_OK
               ? 0
               : -LINUX_EFAULT;
}

static int copy_from_window(void *context, uint64_t offset, void *destination, size_t length)
{
    const struct window *window = context;
    uint64_t copied;
    return tern_reply_read_window(reply_slot, window->index, offset, length,
                                  (uint64_t)destination, &copied) == TERN_OK
               ? 0
               : -LINUX_EFAULT;
}

static const struct vfs_buffer *window(struct window *window, uint64_t index)
{
    window->index = index;
    window->buffer = (struct vfs_buffer){copy_to_window, copy_from_window, window};
    return &window->buffer;
}

/* ---- A small call's bytes as the core's client buffer ---- */

/* A small write's bytes out of the registers, or a small read's before
 * they go in its reply: not in the IPC buffer, which invocations (and
 * the window copies of other requests) overwrite. */
static uint64_t small_words[FILE_SMALL_MAX / 8];
_Static_assert(FILE_SMALL_REGISTERS(FILE_SMALL_MAX) <= TERN_MSG_MAX_LENGTH,
               "a small call fits the message registers");

static int copy_to_small(void *context, uint64_t offset, const void *source, size_t length)
{
    (void)context;
    memcpy((uint8_t *)small_words + offset, source, length);
    return 0;
}

static int copy_from_small(void *context, uint64_t offset, void *destination, size_t length)
{
    (void)context;
    memcpy(destination, (const uint8_t *)small_words + offset, length);
    return 0;
}

static const struct vfs_buffer small_buffer = {copy_to_small, copy_from_small, 0};

/* Puts a reply's data (struct linux_stat, a path) at the start of a window. */
static int write_to_window(uint64_t index, const void *source, size_t length)
{
    uint64_t copied;
    return tern_reply_write_window(reply_slot, index, 0, length, (uint64_t)source, &copied) ==
                   TERN_OK
               ? 0
               : -LINUX_EFAULT;
}

/* ---- Arguments ---- */

/* Reads the path in window `index` into paths[index]. Empty paths are
 * ENOENT unless the operation takes AT_EMPTY_PATH. */
static int read_path(uint64_t index, uint64_t length, bool empty_allowed)
{
    if (length > LINUX_PATH_MAX - 1)
        return -LINUX_ENAMETOOLONG;
    if (length == 0)
        return empty_allowed ? 0 : -LINUX_ENOENT;
    uint64_t copied;
    if (tern_reply_read_window(reply_slot, index, 0, length, (uint64_t)paths[index], &copied) !=
        TERN_OK)
        return -LINUX_EFAULT;
    return 0;
}

/* The directory a relative path starts from: capability `index` if the
 * client sent one (it must be one of our descriptors, which the kernel
 * hands over as its badge), else "/". */
static uint64_t directory_argument(const struct request *request, unsigned index)
{
    if (tern_message_caps(request->info) <= index)
        return VFS_ROOT_DIRECTORY;
    if (!(tern_message_unwrapped(request->info) & (1u << index)))
        return NOT_A_VFS_DESCRIPTOR;
    uint64_t badge = tern_get_badge(index);
    if ((badge & VFS_SESSION_FLAG) || badge == VFS_ROOT_DIRECTORY)
        return NOT_A_VFS_DESCRIPTOR;
    return badge;
}

/* How many registers each label needs. */
static unsigned registers_needed(uint64_t label)
{
    switch (label) {
    case VFS_CHOWN:
        return 4;
    case VFS_OPEN:
    case VFS_MKNOD:
    case VFS_ACCESS:
        return 3;
    case VFS_MKDIR:
    case VFS_UNLINK:
    case VFS_STAT:
    case VFS_RENAME:
    case VFS_CHMOD:
    case FILE_PREAD:
    case FILE_PWRITE:
    case FILE_SEEK:
    case FILE_IOCTL:
        return 2;
    case VFS_GETCWD:
    case FILE_READ:
    case FILE_WRITE:
    case FILE_READ_SMALL:
    case FILE_WRITE_SMALL:
    case FILE_GETDENTS:
    case FILE_SET_FLAGS:
    case FILE_TRUNCATE:
    case FILE_POLL:
        return 1;
    default:
        return 0;
    }
}

/* ---- The vfs protocol ---- */

/* VFS_OPEN: on success the reply carries the new descriptor. */
static int64_t open_file(const struct request *request, const struct vfs_credentials *who,
                         bool *with_descriptor)
{
    const uint64_t *r = request->registers;
    int error = read_path(0, r[0], false);
    if (error != 0)
        return error;
    uint64_t handle;
    error = vfs_open(&vfs, who, directory_argument(request, 0), paths[0], r[0], r[1],
                     (uint32_t)r[2], &handle);
    if (error < 0)
        return error;
    /* A FIFO's ends come from the pipe server: hand out a capability to it
     * that names this node (pipe.h), to open it with. */
    bool fifo = error == VFS_CORE_OPENED_FIFO;
    uint64_t source = fifo ? VFS_SLOT_PIPE : SERVER_SLOT_ENDPOINT;
    uint64_t badge = fifo ? PIPE_FIFO_BADGE(handle) : handle;
    if (tern_cnode_mint(TERN_SLOT_CNODE, descriptor_slot, ROOT_CNODE_DEPTH, TERN_SLOT_CNODE,
                        source, ROOT_CNODE_DEPTH, DESCRIPTOR_RIGHTS, badge) != TERN_OK) {
        if (!fifo)
            vfs_close(&vfs, handle);
        return fifo ? -LINUX_ENXIO : -LINUX_ENFILE;
    }
    tern_set_cap(0, descriptor_slot);
    *with_descriptor = true;
    return fifo ? VFS_OPENED_FIFO : 0;
}

static int64_t stat_path(const struct request *request, const struct vfs_credentials *who)
{
    const uint64_t *r = request->registers;
    int error = read_path(0, r[0], r[1] & LINUX_AT_EMPTY_PATH);
    if (error != 0)
        return error;
    struct linux_stat stat;
    error = vfs_stat(&vfs, who, directory_argument(request, 0), paths[0], r[0], r[1], &stat);
    if (error != 0)
        return error;
    return write_to_window(1, &stat, sizeof(stat));
}

static int64_t rename_path(const struct request *request, const struct vfs_credentials *who)
{
    const uint64_t *r = request->registers;
    int error = read_path(0, r[0], false);
    if (error == 0)
        error = read_path(1, r[1], false);
    if (error != 0)
        return error;
    return vfs_rename(&vfs, who, directory_argument(request, 0), paths[0], r[0],
                      directory_argument(request, 1), paths[1], r[1]);
}

static int64_t get_working_directory(const struct request *request)
{
    uint64_t size = request->registers[0];
    int length = vfs_getcwd(&vfs, directory_argument(request, 0), paths[0],
                            size < LINUX_PATH_MAX ? size : LINUX_PATH_MAX);
    if (length < 0)
        return length;
    int error = write_to_window(0, paths[0], (size_t)length);
    return error != 0 ? error : length;
}

static int64_t handle_session(const struct request *request, bool *with_descriptor)
{
    const struct vfs_credentials who = {VFS_SESSION_UID(request->badge),
                                        VFS_SESSION_GID(request->badge)};
    const uint64_t *r = request->registers;
    uint64_t directory = directory_argument(request, 0);
    int error;
    switch (tern_message_label(request->info)) {
    case VFS_OPEN:
        return open_file(request, &who, with_descriptor);
    case VFS_MKDIR:
        error = read_path(0, r[0], false);
        return error != 0 ? error
                          : vfs_mkdir(&vfs, &who, directory, paths[0], r[0], (uint32_t)r[1]);
    case VFS_MKNOD:
        error = read_path(0, r[0], false);
        return error != 0 ? error
                          : vfs_mknod(&vfs, &who, directory, paths[0], r[0], (uint32_t)r[1],
                                      r[2]);
    case VFS_UNLINK:
        error = read_path(0, r[0], false);
        return error != 0 ? error : vfs_unlink(&vfs, &who, directory, paths[0], r[0], r[1]);
    case VFS_STAT:
        return stat_path(request, &who);
    case VFS_ACCESS:
        error = read_path(0, r[0], r[2] & LINUX_AT_EMPTY_PATH);
        return error != 0 ? error
                          : vfs_access(&vfs, &who, directory, paths[0], r[0], (uint32_t)r[1],
                                       r[2]);
    case VFS_RENAME:
        return rename_path(request, &who);
    case VFS_CHMOD: {
        /* flags (a third register) is optional: fchmodat2's AT_EMPTY_PATH. */
        uint64_t flags = tern_message_length(request->info) > 2 ? r[2] : 0;
        error = read_path(0, r[0], flags & LINUX_AT_EMPTY_PATH);
        return error != 0 ? error
                          : vfs_chmod(&vfs, &who, directory, paths[0], r[0], (uint32_t)r[1],
                                      flags);
    }
    case VFS_CHOWN:
        error = read_path(0, r[0], r[3] & LINUX_AT_EMPTY_PATH);
        return error != 0 ? error
                          : vfs_chown(&vfs, &who, directory, paths[0], r[0], (uint32_t)r[1],
                                      (uint32_t)r[2], r[3]);
    case VFS_GETCWD:
        return get_working_directory(request);
    default:
        return -LINUX_ENOSYS;
    }
}

/* ---- The file protocol ---- */

static int64_t handle_file(const struct request *request)
{
    uint64_t handle = request->badge;
    const uint64_t *r = request->registers;
    struct window buffer;
    struct linux_stat stat;
    switch (tern_message_label(request->info)) {
    case FILE_READ:
        if (vfs_reads_console(&vfs, handle))
            return console_input_read(&reply_slot, r[0],
                                      vfs_get_flags(&vfs, handle) & LINUX_O_NONBLOCK, 0);
        return vfs_read(&vfs, handle, window(&buffer, 0), r[0]);
    case FILE_WRITE:
        return vfs_write(&vfs, handle, window(&buffer, 0), r[0]);
    case FILE_READ_SMALL:
        if (r[0] > FILE_SMALL_MAX)
            return -LINUX_EINVAL;
        if (vfs_reads_console(&vfs, handle))
            return console_input_read(&reply_slot, r[0],
                                      vfs_get_flags(&vfs, handle) & LINUX_O_NONBLOCK,
                                      (uint8_t *)small_words);
        return vfs_read(&vfs, handle, &small_buffer, r[0]);
    case FILE_WRITE_SMALL:
        if (r[0] > FILE_SMALL_MAX ||
            tern_message_length(request->info) < FILE_SMALL_REGISTERS(r[0]))
            return -LINUX_EINVAL;
        file_small_unpack(small_words, r, tern_ipc_buffer()->message, r[0]);
        return vfs_write(&vfs, handle, &small_buffer, r[0]);
    case FILE_PREAD:
        return vfs_pread(&vfs, handle, window(&buffer, 0), r[0], (int64_t)r[1]);
    case FILE_PWRITE:
        return vfs_pwrite(&vfs, handle, window(&buffer, 0), r[0], (int64_t)r[1]);
    case FILE_SEEK:
        return vfs_seek(&vfs, handle, (int64_t)r[0], r[1]);
    case FILE_STAT: {
        int error = vfs_fstat(&vfs, handle, &stat);
        return error != 0 ? error : write_to_window(0, &stat, sizeof(stat));
    }
    case FILE_GETDENTS:
        return vfs_getdents(&vfs, handle, window(&buffer, 0), r[0]);
    case FILE_GET_FLAGS:
        return vfs_get_flags(&vfs, handle);
    case FILE_SET_FLAGS:
        return vfs_set_flags(&vfs, handle, r[0]);
    case FILE_IOCTL:
        return vfs_ioctl(&vfs, handle, r[0], window(&buffer, 0));
    case FILE_TRUNCATE:
        return vfs_truncate(&vfs, handle, (int64_t)r[0]);
    case FILE_RETAIN:
        return vfs_retain(&vfs, handle);
    case FILE_CLOSE:
        return vfs_close(&vfs, handle);
    case FILE_SYNC:
        return vfs_sync(&vfs, handle);
    case FILE_POLL:
        if (vfs_get_flags(&vfs, handle) < 0)
            return -LINUX_EBADF;
        if (vfs_reads_console(&vfs, handle))
            return console_input_poll(r[0], tern_message_caps(request->info) > 0
                                                ? receive_slots : 0);
        /* Files, directories and the other devices never make one wait. */
        return r[0] & (FILE_POLLIN | FILE_POLLRDNORM | FILE_POLLOUT | FILE_POLLWRNORM);
    default:
        return -LINUX_ENOSYS;
    }
}

/* Answers one request: the result goes in mr[0]; returns the reply's
 * message info. */
static tern_message_info answer(const struct request *request, uint64_t mr[TERN_MSG_REGISTERS])
{
    bool with_descriptor = false;
    int64_t result;
    if (tern_message_length(request->info) < registers_needed(tern_message_label(request->info)))
        result = -LINUX_EINVAL;
    else if (request->badge & VFS_SESSION_FLAG)
        result = handle_session(request, &with_descriptor);
    else
        result = handle_file(request);
    /* Capabilities that were not our descriptors landed here: drop them. */
    if (tern_message_caps(request->info) != 0) {
        for (uint64_t i = 0; i < TERN_MSG_MAX_CAPS; i++)
            tern_cnode_delete(TERN_SLOT_CNODE, receive_slots + i, ROOT_CNODE_DEPTH);
    }
    mr[0] = (uint64_t)result;
    if (tern_message_label(request->info) == FILE_READ_SMALL && result > 0 &&
        result != CONSOLE_INPUT_WAITING) {
        file_small_pack(mr, tern_ipc_buffer()->message, small_words, (uint64_t)result);
        return tern_message(0, 0, FILE_SMALL_REGISTERS((uint64_t)result));
    }
    return tern_message(0, with_descriptor ? 1 : 0, 1);
}

static bool take_slots(void)
{
    reply_slot = memory_new_object(&memory, TERN_OBJECT_REPLY, 0);
    descriptor_slot = slot_allocate(&slots);
    receive_slots = slot_allocate(&slots);
    bool consecutive = true;
    for (uint64_t i = 1; i < TERN_MSG_MAX_CAPS; i++)
        consecutive &= slot_allocate(&slots) == receive_slots + i;
    return reply_slot && descriptor_slot && receive_slots && consecutive;
}

int root_main(const struct tern_boot_info *info)
{
    boot_info = info;
    if (info->empty_last - info->empty_first > sizeof(slot_bitmap) * 8) {
        tern_printf("vfs: more free slots than the slot bitmap holds\n");
        return 1;
    }
    memory_init(&memory, &slots, &untyped, info, slot_bitmap);
    page_pool_init(&pages, &memory, PAGES_BASE, PAGES_LIMIT);
    if (!take_slots() || !console_input_init(&memory, boot_info->timer_frequency)) {
        tern_printf("vfs: no slots or memory for reply objects\n");
        return 1;
    }
    const struct vfs_services services = {
        .allocate_page = allocate_page,
        .free_page = free_page,
        .console_write = console_write,
        .current_time = current_time,
    };
    int error = vfs_init(&vfs, &services);
    if (error != 0) {
        tern_printf("vfs: cannot build the tree: %d\n", error);
        return 1;
    }
    error = vfs_load_archive(&vfs, (const void *)boot_info->boot_archive,
                             boot_info->boot_archive_size);
    if (error != 0)
        tern_printf("vfs: the boot archive is damaged (%d); keeping what came before\n", error);
    tern_set_receive_slot(TERN_SLOT_CNODE, receive_slots, ROOT_CNODE_DEPTH);

    struct request request;
    request.info = tern_recv(SERVER_SLOT_ENDPOINT, reply_slot, &request.badge, request.registers);
    for (;;) {
        if (request.badge & NOTIFICATION_BADGE_BIT) {
            /* The timer: the console may have input for waiting readers. */
            console_input_tick();
            request.info = tern_recv(SERVER_SLOT_ENDPOINT, reply_slot, &request.badge,
                                     request.registers);
            continue;
        }
        /* The registers carry the reply out and the next request in. */
        uint64_t mr[TERN_MSG_REGISTERS] = {0};
        tern_message_info reply = answer(&request, mr);
        if ((int64_t)mr[0] == CONSOLE_INPUT_WAITING) {
            /* The reader keeps the reply object; reply_slot is a fresh one. */
            request.info = tern_recv(SERVER_SLOT_ENDPOINT, reply_slot, &request.badge,
                                     request.registers);
            continue;
        }
        if (tern_message_caps(reply) == 0) {
            request.info = tern_reply_recv(SERVER_SLOT_ENDPOINT, reply_slot, reply,
                                           &request.badge, mr);
        } else {
            /* The client holds its own copy once the reply is delivered. */
            tern_reply(reply_slot, reply, mr);
            tern_cnode_delete(TERN_SLOT_CNODE, descriptor_slot, ROOT_CNODE_DEPTH);
            request.info = tern_recv(SERVER_SLOT_ENDPOINT, reply_slot, &request.badge, mr);
        }
        memcpy(request.registers, mr, sizeof(mr));
    }
}
