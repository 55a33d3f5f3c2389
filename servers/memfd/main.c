/*
 * The memfd server: memory files (sys/protocol/memfd.h,
 * docs/protocols/memfd.md). The state machine lives in core.c; this file
 * binds it to the server runtime (sys/server.h), the file protocol
 * (sys/file_server.h) and the memory-object protocol (memory.h).
 *
 * A session (SESSION_PROCESS_BADGE: the maker's pid and credentials)
 * speaks MEMFD_CREATE, procmgr's notice session (pid 0) its exit notices; a descriptor (badge: an OFD of the core's file
 * table) speaks the file protocol, seals included, and lends its pages
 * to procmgr. Every request is answered at once but a wait for a file
 * lock (the runtime's).
 */
#include "core.h"
#include "sys/counter.h"
#include "sys/file_server.h"
#include "sys/protocol/common.h"
#include "sys/protocol/file.h"
#include "sys/protocol/memfd.h"
#include "sys/protocol/memory.h"
#include "sys/runtime.h"
#include "sys/server.h"
#include "sys/server_services.h"
#include "sys/server_buffer.h"
#include "sys/servers.h"

static struct memfd_core core;

/* Callers waiting for file locks at once (F_SETLKW, flock; the
 * runtime's, sys/file_server.h): beyond them a wait is ENOLCK. */
#define WAITING_FOR_LOCKS 64

/* ---- The core's services ---- */

/* The time of day: the boot's plus the virtual counter's progress since. */
static struct memfd_time now(void *context)
{
    (void)context;
    struct memfd_time time;
    tern_counter_to_wall_clock(tern_counter_now(), server_boot_info->realtime_seconds,
                               server_boot_info->realtime_counter, &time.seconds,
                               &time.nanoseconds);
    return time;
}

/* ---- The file protocol ---- */

/* A write that found no page for its first byte: the caller gets the
 * server memory lent and writes again (server_answer_wants_memory). */
static enum server_outcome answer_write(struct server_request *request, int64_t result)
{
    return result == -LINUX_ENOSPC ? server_answer_wants_memory(request)
                                   : server_answer(request, result);
}

static enum server_outcome read_file(struct server_request *request)
{
    struct client_buffer buffer = server_window_buffer(request);
    return server_answer(request, memfd_read(&core, request->badge, &buffer, request->mr[0]));
}

static enum server_outcome write_file(struct server_request *request)
{
    struct client_buffer buffer = server_window_buffer(request);
    return answer_write(request, memfd_write(&core, request->badge, &buffer, request->mr[0]));
}

/* The runtime checked the small calls' lengths (sys/file_server.h). */
static enum server_outcome read_file_small(struct server_request *request)
{
    struct client_buffer buffer = server_small_buffer(request);
    return server_answer_small_read(request,
                                    memfd_read(&core, request->badge, &buffer, request->mr[0]));
}

static enum server_outcome write_file_small(struct server_request *request)
{
    struct client_buffer buffer = server_small_buffer(request);
    return answer_write(request, memfd_write(&core, request->badge, &buffer, request->mr[0]));
}

static enum server_outcome pread_file(struct server_request *request)
{
    struct client_buffer buffer = server_window_buffer(request);
    return server_answer(request, memfd_pread(&core, request->badge, &buffer, request->mr[0],
                                              (int64_t)request->mr[1]));
}

static enum server_outcome pread_file_small(struct server_request *request)
{
    struct client_buffer buffer = server_small_buffer(request);
    return server_answer_small_read(request, memfd_pread(&core, request->badge, &buffer,
                                                         request->mr[0], (int64_t)request->mr[1]));
}

static enum server_outcome pwrite_file(struct server_request *request)
{
    struct client_buffer buffer = server_window_buffer(request);
    return answer_write(request, memfd_pwrite(&core, request->badge, &buffer, request->mr[0],
                                              (int64_t)request->mr[1]));
}

static enum server_outcome seek_file(struct server_request *request)
{
    return server_answer(request, memfd_seek(&core, request->badge, (int64_t)request->mr[0],
                                             request->mr[1]));
}

static enum server_outcome stat_file(struct server_request *request)
{
    struct linux_stat stat;
    int error = memfd_stat(&core, request->badge, &stat);
    if (error == 0)
        error = server_write_window(request, 0, 0, &stat, sizeof stat);
    return server_answer(request, error);
}

/* FIONREAD: the bytes from the offset to the end, as an int. */
static enum server_outcome ioctl_file(struct server_request *request)
{
    int64_t left = memfd_bytes_left(&core, request->badge);
    if (left < 0 || request->mr[0] != LINUX_FIONREAD)
        return server_answer(request, left < 0 ? left : -LINUX_ENOTTY);
    int32_t value = (int32_t)left;
    return server_answer(request, server_write_window(request, 0, 0, &value, sizeof value));
}

static enum server_outcome truncate_file(struct server_request *request)
{
    return server_answer(request, memfd_truncate(&core, request->badge, (int64_t)request->mr[0]));
}

/* Everything is in memory: there is nothing to wait for. */
static enum server_outcome sync_file(struct server_request *request)
{
    int64_t flags = file_table_get_flags(&core.files, request->badge);
    return server_answer(request, flags < 0 ? flags : 0);
}

static enum server_outcome get_seals(struct server_request *request)
{
    return server_answer(request, memfd_get_seals(&core, request->badge));
}

static enum server_outcome add_seals(struct server_request *request)
{
    return server_answer(request, memfd_add_seals(&core, request->badge, request->mr[0]));
}

static void release_memfd(void *object)
{
    memfd_release(&core, object);
}

/* An OFD made for a client that could not be given it. */
static void close_description(uint64_t handle)
{
    void *last;
    file_table_close(&core.files, handle, &last);
    if (last)
        memfd_release(&core, last);
}

static int64_t path_file(uint64_t handle, char *path)
{
    return memfd_path(&core, handle, path);
}

static const struct file_operations memfd_operations = {
    .read = read_file,
    .write = write_file,
    .read_small = read_file_small,
    .write_small = write_file_small,
    .pread = pread_file,
    .pwrite = pwrite_file,
    .pread_small = pread_file_small,
    .seek = seek_file,
    .stat = stat_file,
    .ioctl = ioctl_file,
    .truncate = truncate_file,
    .sync = sync_file,
    .get_seals = get_seals,
    .add_seals = add_seals,
    .release = release_memfd,
    .path = path_file,
};
static const struct file_server memfds_served = {.operations = &memfd_operations,
                                                 .files = &core.files};

/* ---- Lending pages to procmgr (sys/protocol/memory.h) ---- */

static enum server_outcome map_memfd(struct server_request *request)
{
    uint32_t prot = (uint32_t)request->mr[2];
    bool shared = (request->mr[3] & LINUX_MAP_TYPE) != LINUX_MAP_PRIVATE;
    uint64_t identity = 0, mapping = 0;
    int flags = memfd_map(&core, request->badge, prot, shared, &identity, &mapping);
    if (flags < 0)
        return server_answer(request, flags);
    if (server_answer_mapping(request, identity, (uint64_t)flags, mapping))
        return SERVER_ANSWER;
    close_description(mapping);
    return server_answer(request, -LINUX_ENFILE);
}

/* A capability to the page's frame, which freeing the page (the memfd
 * shrinks or goes) revokes. */
static enum server_outcome lend_page(struct server_request *request)
{
    bool write = request->mr[1] & MEMORY_PAGE_WRITE;
    void *page;
    int result = memfd_map_page(&core, request->badge, request->mr[0], (unsigned)request->mr[1],
                                &page);
    if (result == -LINUX_ENOSPC)
        return server_answer_wants_memory(request);
    return result < 0 ? server_answer(request, result) : server_answer_page(request, page, write);
}

/* ---- Sessions ---- */

/* MEMFD_CREATE: the name is kept for FILE_PATH. */
static enum server_outcome create(struct server_request *request)
{
    if (tern_message_length(request->info) < 2)
        return server_answer(request, -LINUX_EINVAL);
    uint32_t flags = (uint32_t)request->mr[0];
    bool as_path = request->mr[0] & MEMFD_SHOWN_AS_PATH;
    if (request->mr[0] >> 32 & ~(MEMFD_SHOWN_AS_PATH >> 32))
        return server_answer(request, -LINUX_EINVAL);
    uint64_t name_length = request->mr[1];
    char name[MEMFD_NAME_MAX];
    if (name_length > MEMFD_NAME_MAX)
        return server_answer(request, -LINUX_EINVAL);
    if (server_read_window(request, 0, 0, name, name_length) != 0)
        return server_answer(request, -LINUX_EFAULT);
    uint64_t handle;
    int error = memfd_create(&core, flags & ~(uint32_t)MEMFD_CLOEXEC,
                             SESSION_PROCESS_PID(request->badge),
                             SESSION_PROCESS_UID(request->badge),
                             SESSION_PROCESS_GID(request->badge), &handle);
    if (error < 0)
        return server_answer(request, error);
    memfd_set_name(&core, handle, name, name_length, as_path);
    server_answer(request, 0);
    if (server_give_descriptor(request, SERVER_SLOT_ENDPOINT, handle))
        return SERVER_ANSWER;
    close_description(handle);
    return server_answer(request, -LINUX_ENFILE);
}

static enum server_outcome handle(struct server_request *request)
{
    if (!(request->badge & MEMFD_SESSION_FLAG))
        return server_memory_request(request, map_memfd, lend_page);
    /* procmgr's notices: a process that ended has its account set aside
     * (core.h); the namespace notices are no business of memfds. */
    if (request->badge == SESSION_NOTICE_BADGE(MEMFD_SESSION_FLAG)) {
        if (tern_message_label(request->info) == SERVER_PROCESS_ENDED &&
            tern_message_length(request->info) >= 1)
            memfd_process_ended(&core, (uint32_t)request->mr[0]);
        return server_answer(request, 0);
    }
    if (tern_message_label(request->info) == MEMFD_CREATE)
        return create(request);
    return server_answer(request, -LINUX_ENOSYS);
}

static const struct server_config memfd_server = {
    .name = "memfd",
    .id = SERVER_MEMFD,
    .handle = handle,
    .deferred_capacity = WAITING_FOR_LOCKS,
    .descriptors = &memfds_served,
    .session_badge_bits = MEMFD_SESSION_FLAG,
    .lendable_pages = true,
};

int root_main(const struct tern_boot_info *info)
{
    server_init(info, &memfd_server);
    const struct memfd_services services = {
        .allocate_page = server_allocate_page,
        .free_page = server_free_page,
        .allocate = server_core_allocate,
        .free = server_core_free,
        .now = now,
    };
    memfd_core_init(&core, &services);
    server_run();
}
