/*
 * The runtime's side of epoll's readiness boards (sys/protocol/watch.h):
 * the labels through a description (FILE_WATCH_BOARD, FILE_WATCH,
 * FILE_UNWATCH), the requests through a board, and the signals of boards
 * that became due. The boards and watches themselves: watch.c.
 */
#include "sys/file_server.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/memory.h"
#include "sys/protocol/common.h"
#include "sys/protocol/memory.h"
#include "sys/server.h"
#include "sys/syscall.h"
#include "sys/watch.h"
#include "watch_server.h"

/* Boards come from a lendable pool of their own, past the data pages. */
#define BOARDS_BASE     SERVER_PAGES_LIMIT
#define BOARDS_LIMIT    (SERVER_PAGES_LIMIT + 0x40000000ULL)

static struct page_pool board_pages;

static void *allocate(size_t size) { return heap_allocate(size); }
static void *allocate_board_page(void) { return page_pool_allocate(&board_pages); }
static void free_board_page(void *page) { page_pool_free(&board_pages, page); }
static void release_notification(uint64_t slot) { memory_delete(&server_memory, slot); }

void watch_server_init(void)
{
    page_pool_init_lendable(&board_pages, &server_memory, BOARDS_BASE, BOARDS_LIMIT);
    watch_init(&(struct watch_services){
        .allocate = allocate,
        .free = heap_free,
        .allocate_page = allocate_board_page,
        .free_page = free_board_page,
        .release_notification = release_notification,
    });
}

void watch_server_signal_due(void)
{
    uint64_t notification;
    while ((notification = watch_take_due())) {
        tern_signal(notification);
        memory_delete(&server_memory, notification);
    }
}

/* The board capability 0 names, if it is one of this server's. */
static struct watch_board *board_received(const struct server_request *request)
{
    uint64_t badge;
    if (tern_message_caps(request->info) < 1 || !server_received_badge(request, 0, &badge))
        return NULL;
    return watch_board_find(badge);
}

enum server_outcome watch_server_description_request(const struct file_server *server,
                                                     struct server_request *request)
{
    uint64_t handle = request->badge;
    int64_t flags = file_server_flags(server, handle);
    if (flags < 0)
        return server_answer(request, flags);
    uint64_t label = tern_message_label(request->info);
    if (server->poll_only)
        return server_answer(request, label == FILE_UNWATCH ? -LINUX_EINVAL : WATCH_POLL_ONLY);
    struct watch_target target;
    if (label != FILE_UNWATCH &&
        (!server->operations->watch || !server->operations->watch(handle, &target)))
        return server_answer(request, -LINUX_EPERM);
    if (label == FILE_WATCH_BOARD) {
        int64_t board = watch_board_create();
        if (board < 0)
            return server_answer(request, board);
        server_answer(request, 0);
        if (!server_give_descriptor(request, SERVER_SLOT_ENDPOINT, (uint64_t)board)) {
            watch_board_close(watch_board_find((uint64_t)board));
            return server_answer(request, -LINUX_ENOMEM);
        }
        return SERVER_ANSWER;
    }
    if (tern_message_length(request->info) < 1)
        return server_answer(request, -LINUX_EINVAL);
    struct watch_board *board = board_received(request);
    if (!board)
        return server_answer(request, -LINUX_EXDEV);
    uint64_t slot = request->mr[0];
    if (label == FILE_UNWATCH)
        return server_answer(request, watch_remove(board, (uint32_t)slot));
    if (slot >= WATCH_BOARD_SLOTS)
        return server_answer(request, -LINUX_EINVAL);
    int result = watch_add(board, (uint32_t)slot, handle, &target);
    return server_answer(request, result < 0 ? result : (int64_t)handle);
}

/* FILE_POLL: POLLIN once something changed, else the notification is
 * kept for the next change. */
static enum server_outcome poll_board(struct watch_board *board, struct server_request *request)
{
    if (watch_board_changed(board))
        return server_answer(request, FILE_POLLIN & request->mr[0]);
    uint64_t notification = server_keep_capability(request, 0);
    if (notification && !watch_board_arm(board, notification))
        memory_delete(&server_memory, notification);
    return server_answer(request, 0);
}

static enum server_outcome map_board(struct watch_board *board, struct server_request *request)
{
    uint64_t offset = request->mr[0], length = request->mr[1];
    if (offset != 0 || length > sizeof(struct watch_board_page))
        return server_answer(request, -LINUX_EINVAL);
    /* The identity only has to differ from every file's (st_dev << 32 |
     * st_ino): the board flag sees to that. */
    server_answer_mapping(request, watch_board_handle(board), MEMORY_MAP_WRITABLE, 0);
    return SERVER_ANSWER;
}

static enum server_outcome lend_board_page(struct watch_board *board,
                                           struct server_request *request)
{
    if (request->mr[0] != 0)
        return server_answer(request, -LINUX_ENXIO);
    const void *page = watch_board_page(board);
    server_answer(request, 0);
    if (!server_give_capability(request, page_pool_frame(&board_pages, page),
                                TERN_RIGHT_READ | TERN_RIGHT_WRITE, 0))
        return server_answer(request, -LINUX_ENOMEM);
    return SERVER_ANSWER;
}

enum server_outcome watch_server_board_request(struct server_request *request)
{
    struct watch_board *board = watch_board_find(request->badge);
    if (!board)
        return server_answer(request, -LINUX_EBADF);
    unsigned registers = tern_message_length(request->info);
    switch (tern_message_label(request->info)) {
    case FILE_POLL:
        return registers < 1 ? server_answer(request, -LINUX_EINVAL) : poll_board(board, request);
    case MEMORY_MAP:
        return registers < 4 ? server_answer(request, -LINUX_EINVAL) : map_board(board, request);
    case MEMORY_PAGE:
        return registers < 2 ? server_answer(request, -LINUX_EINVAL)
                             : lend_board_page(board, request);
    case FILE_GET_FLAGS:
        return server_answer(request, LINUX_O_RDWR);
    case FILE_RETAIN:
        watch_board_retain(board);
        return server_answer(request, 0);
    case FILE_CLOSE:
        watch_board_close(board);
        return server_answer(request, 0);
    default:
        return server_answer(request, -LINUX_EINVAL);
    }
}

uint64_t watch_server_frame_table_bytes(void)
{
    return page_pool_table_bytes(&board_pages);
}
