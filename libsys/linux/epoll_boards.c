/*
 * epoll's boards (epoll.c's side of sys/protocol/watch.h): mapping the
 * boards the servers lend an instance, watching and unwatching a
 * descriptor through a slot of one, and making them again in a fork's
 * child. Boards are named by capabilities in the CSpace's board slots
 * (LINUX_SLOT_BOARD_BASE on, sys/linux_process.h). Callers hold epoll.c's
 * lock.
 */
#include "descriptors.h"
#include "epoll_boards.h"
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/protocol/file.h"
#include "sys/protocol/watch.h"

#define BOARD_SLOT_COUNT    1024

static uint64_t board_slots_used[BOARD_SLOT_COUNT / 64];

static uint64_t take_board_slot(void)
{
    for (unsigned i = 0; i < BOARD_SLOT_COUNT; i++) {
        if (!(board_slots_used[i / 64] & (1ULL << (i % 64)))) {
            board_slots_used[i / 64] |= 1ULL << (i % 64);
            return LINUX_SLOT_BOARD_BASE + i;
        }
    }
    return 0;
}

static void give_back_board_slot(uint64_t slot)
{
    unsigned i = (unsigned)(slot - LINUX_SLOT_BOARD_BASE);
    linux_slot_delete(slot);
    board_slots_used[i / 64] &= ~(1ULL << (i % 64));
}

/* A new board from the server of the descriptor in target, mapped; its
 * index, or -errno. Only the mapping holds the board: it goes with the
 * instance's munmap, or with the process. */
static int64_t new_board(struct epoll_instance *instance, uint64_t target)
{
    if (instance->board_count == EPOLL_MAX_BOARDS)
        return -LINUX_ENOSPC;
    uint64_t slot = take_board_slot();
    if (!slot)
        return -LINUX_ENOSPC;
    uint64_t mr[4] = {0};
    int64_t result = linux_call_receiving(slot, target, FILE_WATCH_BOARD, 0, 0, 0, mr);
    if (result < 0) {
        give_back_board_slot(slot);
        return result == -LINUX_ENOSYS ? -LINUX_EPERM : result;
    }
    int64_t address = linux_map_object(0, sizeof(struct watch_board_page),
                                       LINUX_PROT_READ | LINUX_PROT_WRITE, LINUX_MAP_SHARED,
                                       slot, 0);
    linux_close_call(slot, epoll_process_id());
    if (address < 0) {
        give_back_board_slot(slot);
        return address;
    }
    struct epoll_board *board = &instance->boards[instance->board_count];
    board->page = (struct watch_board_page *)address;
    board->capability = slot;
    board->used = 0;
    __builtin_memset(board->items, 0xff, sizeof board->items);
    return instance->board_count++;
}

void epoll_drop_boards(struct epoll_instance *instance, bool close_them)
{
    for (uint32_t b = 0; b < instance->board_count; b++) {
        struct epoll_board *board = &instance->boards[b];
        sys_munmap((uint64_t)(uintptr_t)board->page, sizeof *board->page);
        if (close_them)
            give_back_board_slot(board->capability);
        board->page = 0;
    }
    instance->board_count = 0;
    /* Polled items' copies too (a fork's child has none: the slot is
     * only marked free, and its items are watched anew). */
    for (uint32_t i = 0; i < instance->item_limit; i++) {
        struct epoll_item *item = &instance->items[i];
        if (item->used && item->polled) {
            give_back_board_slot(item->capability);
            item->polled = false;
        }
    }
}

/* FILE_WATCH of the descriptor in target through slot of board b: the
 * description's handle, or -errno (-EXDEV: a board of another server). */
static int64_t watch_through(struct epoll_instance *instance, uint16_t b, uint64_t target,
                             struct epoll_item *item)
{
    struct epoll_board *board = &instance->boards[b];
    int slot = epoll_board_free_slot(board);
    if (slot < 0)
        return -LINUX_EXDEV;
    tern_set_cap(0, board->capability);
    uint64_t mr[4] = {(uint64_t)slot, 0, 0, 0};
    int64_t result = linux_call(target, FILE_WATCH, 1, 1, 0, mr);
    if (result > 0) {
        epoll_board_attach(instance, b, (uint16_t)slot, item);
        item->description = (uint64_t)result;
    }
    return result == -LINUX_ENOSYS ? -LINUX_EPERM : result;
}

/* A descriptor whose server lends no boards: item polls a copy of it. */
static int64_t watch_by_polling(uint64_t target, struct epoll_item *item)
{
    uint64_t slot = take_board_slot();
    if (!slot)
        return -LINUX_ENOSPC;
    if (tern_cnode_copy(LINUX_SLOT_CNODE, slot, LINUX_SLOT_DEPTH, LINUX_SLOT_CNODE, target,
                        LINUX_SLOT_DEPTH, TERN_RIGHTS_ALL) != TERN_OK) {
        give_back_board_slot(slot);
        return -LINUX_ENOMEM;
    }
    item->polled = true;
    item->capability = slot;
    item->board = item->slot = EPOLL_NO_ITEM;
    return 0;
}

static int64_t watch_through_boards(struct epoll_instance *instance, uint64_t target,
                                    struct epoll_item *item)
{
    for (uint32_t b = 0; b < instance->board_count; b++) {
        int64_t result = watch_through(instance, (uint16_t)b, target, item);
        if (result != -LINUX_EXDEV)
            return result < 0 ? result : 0;
    }
    int64_t b = new_board(instance, target);
    if (b < 0)
        return b;
    int64_t result = watch_through(instance, (uint16_t)b, target, item);
    return result < 0 ? (result == -LINUX_EXDEV ? -LINUX_EIO : result) : 0;
}

int64_t epoll_watch(struct epoll_instance *instance, uint64_t target, struct epoll_item *item)
{
    int64_t result = watch_through_boards(instance, target, item);
    return result == WATCH_POLL_ONLY ? watch_by_polling(target, item) : result;
}

void epoll_unwatch(struct epoll_instance *instance, struct epoll_item *item)
{
    if (item->polled) {
        give_back_board_slot(item->capability);
        item->polled = false;
        return;
    }
    int64_t target = linux_fd_capability(item->fd);
    if (item->board == EPOLL_NO_ITEM || target < 0)
        return;
    /* The server keeps the watch until told, whatever signal comes. */
    int64_t result;
    do {
        tern_set_cap(0, instance->boards[item->board].capability);
        uint64_t mr[4] = {item->slot, 0, 0, 0};
        result = linux_call((uint64_t)target, FILE_UNWATCH, 1, 1, 0, mr);
    } while (result == -LINUX_ERESTARTSYS);
}

void epoll_rebuild(struct epoll_instance *instance)
{
    if (instance->pid == epoll_process_id())
        return;
    epoll_drop_boards(instance, true);
    instance->pid = epoll_process_id();
    for (uint32_t i = 0; i < instance->item_limit; i++) {
        struct epoll_item *item = &instance->items[i];
        if (!item->used || epoll_item_local(item))
            continue;
        item->board = item->slot = EPOLL_NO_ITEM;
        int64_t target = item->fd >= 0 ? linux_fd_capability(item->fd) : -1;
        if (target < 0 || epoll_watch(instance, (uint64_t)target, item) < 0)
            epoll_item_free(instance, item);
    }
    /* What the parent had not noted yet is readiness the new boards show. */
    epoll_note_changes(instance);
    for (uint32_t i = 0; i < instance->item_limit; i++)
        if (instance->items[i].used)
            epoll_item_check(instance, &instance->items[i]);
}
