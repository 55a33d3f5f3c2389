/* Readiness boards and watches (sys/watch.h). */
#include "sys/watch.h"
#include "sys/linux_abi.h"

#define MAX_BOARDS      1024
#define HANDLE_INDEX(h) ((uint32_t)((h) & 0xffff))
#define HANDLE_GEN(h)   ((uint32_t)(((h) >> 16) & 0xffffffff))

struct watch {
    struct watch *next;             /* on its list */
    struct watch **link;            /* what points at it there */
    struct watch_board *board;
    uint32_t slot;
    uint64_t description;
    struct watch_target target;
};

struct watch_board {
    struct watch_board_page *page;
    uint64_t handle;
    uint32_t references;
    uint64_t notification;          /* armed: signal at the next change */
    bool due;
    struct watch_board *next_due;
    struct watch *slots[WATCH_BOARD_SLOTS];
};

static struct watch_services services;
static struct watch_board *boards[MAX_BOARDS];
static uint32_t generations[MAX_BOARDS];
struct watch_board *watch_due_first;

void watch_init(const struct watch_services *given)
{
    services = *given;
}

int64_t watch_board_create(void)
{
    unsigned index = 0;
    while (index < MAX_BOARDS && boards[index])
        index++;
    if (index == MAX_BOARDS)
        return -LINUX_ENFILE;
    struct watch_board *board = services.allocate(sizeof *board);
    struct watch_board_page *page = board ? services.allocate_page() : NULL;
    if (!page) {
        if (board)
            services.free(board);
        return -LINUX_ENOMEM;
    }
    *page = (struct watch_board_page){0};
    generations[index] = generations[index] + 1 == 0 ? 1 : generations[index] + 1;
    board->page = page;
    board->handle = WATCH_BOARD_FLAG | (uint64_t)generations[index] << 16 | index;
    board->references = 1;
    boards[index] = board;
    return (int64_t)board->handle;
}

struct watch_board *watch_board_find(uint64_t handle)
{
    if (!(handle & WATCH_BOARD_FLAG) || HANDLE_INDEX(handle) >= MAX_BOARDS)
        return NULL;
    struct watch_board *board = boards[HANDLE_INDEX(handle)];
    return board && board->handle == handle ? board : NULL;
}

struct watch_board_page *watch_board_page(struct watch_board *board)
{
    return board->page;
}

uint64_t watch_board_handle(const struct watch_board *board)
{
    return board->handle;
}

void watch_board_retain(struct watch_board *board)
{
    board->references++;
}

/* Off its list and freed; the slot is left as it is. */
static void unlink_watch(struct watch *watch)
{
    *watch->link = watch->next;
    if (watch->next)
        watch->next->link = watch->link;
    watch->board->slots[watch->slot] = NULL;
    services.free(watch);
}

static void take_off_due_list(struct watch_board *board)
{
    for (struct watch_board **link = &watch_due_first; *link; link = &(*link)->next_due) {
        if (*link == board) {
            *link = board->next_due;
            break;
        }
    }
    board->due = false;
}

void watch_board_close(struct watch_board *board)
{
    if (--board->references > 0)
        return;
    for (uint32_t slot = 0; slot < WATCH_BOARD_SLOTS; slot++)
        if (board->slots[slot])
            unlink_watch(board->slots[slot]);
    if (board->due)
        take_off_due_list(board);
    if (board->notification)
        services.release_notification(board->notification);
    boards[HANDLE_INDEX(board->handle)] = NULL;
    services.free_page(board->page);
    services.free(board);
}

bool watch_board_changed(const struct watch_board *board)
{
    return __atomic_load_n(&board->page->summary, __ATOMIC_ACQUIRE) != 0;
}

bool watch_board_arm(struct watch_board *board, uint64_t notification)
{
    if (!notification || watch_board_changed(board))
        return false;
    if (board->notification)
        services.release_notification(board->notification);
    board->notification = notification;
    return true;
}

/* The slot's new revents with the wake-up's events added, its changed
 * bit after them, and the board due if armed. */
static void publish(struct watch_board *board, uint32_t slot, uint32_t revents, uint32_t woken)
{
    uint32_t *word = &board->page->revents[slot];
    uint32_t old = __atomic_load_n(word, __ATOMIC_RELAXED), new;
    do {
        new = revents == WATCH_GONE ? WATCH_GONE
                                    : (old & WATCH_WOKEN) | (revents & WATCH_EVENTS) |
                                          ((woken << WATCH_WOKEN_SHIFT) & WATCH_WOKEN);
    } while (!__atomic_compare_exchange_n(word, &old, new, true, __ATOMIC_RELAXED,
                                          __ATOMIC_RELAXED));
    __atomic_fetch_or(&board->page->changed[slot / 64], 1ULL << (slot % 64), __ATOMIC_RELEASE);
    __atomic_fetch_or(&board->page->summary, 1ULL << (slot / 64), __ATOMIC_RELEASE);
    if (board->notification && !board->due) {
        board->due = true;
        board->next_due = watch_due_first;
        watch_due_first = board;
    }
}

int watch_add(struct watch_board *board, uint32_t slot, uint64_t description,
              const struct watch_target *target)
{
    if (slot >= WATCH_BOARD_SLOTS || board->slots[slot])
        return -LINUX_EINVAL;
    struct watch *watch = services.allocate(sizeof *watch);
    if (!watch)
        return -LINUX_ENOMEM;
    *watch = (struct watch){.board = board, .slot = slot, .description = description,
                            .target = *target};
    watch->next = target->list->first;
    watch->link = &target->list->first;
    if (watch->next)
        watch->next->link = &watch->next;
    target->list->first = watch;
    board->slots[slot] = watch;
    /* The subscriber judges a new watch by its events, not a wake-up. */
    __atomic_store_n(&board->page->revents[slot], 0, __ATOMIC_RELAXED);
    publish(board, slot, target->events(target->object), 0);
    return 0;
}

int watch_remove(struct watch_board *board, uint32_t slot)
{
    if (slot < WATCH_BOARD_SLOTS && board->slots[slot])
        unlink_watch(board->slots[slot]);
    return 0;
}

void watch_list_publish(struct watch_list *list, uint32_t events)
{
    for (struct watch *watch = list->first; watch; watch = watch->next)
        publish(watch->board, watch->slot, watch->target.events(watch->target.object), events);
}

void watch_list_forget(struct watch_list *list, uint64_t description)
{
    struct watch *watch = list->first;
    while (watch) {
        struct watch *next = watch->next;
        if (watch->description == description) {
            publish(watch->board, watch->slot, WATCH_GONE, 0);
            unlink_watch(watch);
        }
        watch = next;
    }
}

void watch_list_drop(struct watch_list *list)
{
    while (list->first) {
        struct watch *watch = list->first;
        publish(watch->board, watch->slot, WATCH_GONE, 0);
        unlink_watch(watch);
    }
}

uint64_t watch_take_due(void)
{
    struct watch_board *board = watch_due_first;
    if (!board)
        return 0;
    watch_due_first = board->next_due;
    board->due = false;
    uint64_t notification = board->notification;
    board->notification = 0;
    return notification;
}
