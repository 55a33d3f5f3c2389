/* epoll's bookkeeping (epoll_core.h). */
#include "epoll_core.h"

void epoll_instance_init(struct epoll_instance *instance, uint64_t id, uint32_t pid,
                         uint64_t block_size)
{
    instance->id = id;
    instance->pid = pid;
    instance->descriptors = 1;
    instance->block_size = block_size;
    instance->next = 0;
    instance->item_count = 0;
    instance->item_limit = 0;
    instance->free_item = EPOLL_NO_ITEM;
    instance->ready_first = instance->ready_last = EPOLL_NO_ITEM;
    instance->board_count = 0;
    for (unsigned i = 0; i < EPOLL_MAX_SLEEPERS; i++)
        instance->sleepers[i] = 0;
}

uint16_t epoll_item_index(const struct epoll_instance *instance, const struct epoll_item *item)
{
    return (uint16_t)(item - instance->items);
}

struct epoll_item *epoll_find(struct epoll_instance *instance, int32_t fd)
{
    for (uint32_t i = 0; i < instance->item_limit; i++) {
        struct epoll_item *item = &instance->items[i];
        if (item->used && item->fd == fd)
            return item;
    }
    return 0;
}

struct epoll_item *epoll_item_new(struct epoll_instance *instance)
{
    struct epoll_item *item;
    if (instance->free_item != EPOLL_NO_ITEM) {
        item = &instance->items[instance->free_item];
        instance->free_item = item->next_ready;
    } else if (instance->item_limit < EPOLL_MAX_ITEMS) {
        item = &instance->items[instance->item_limit++];
    } else {
        return 0;
    }
    *item = (struct epoll_item){.used = true, .next_ready = EPOLL_NO_ITEM,
                                .board = EPOLL_NO_ITEM, .slot = EPOLL_NO_ITEM};
    instance->item_count++;
    return item;
}

static void enqueue(struct epoll_instance *instance, struct epoll_item *item)
{
    uint16_t index = epoll_item_index(instance, item);
    item->queued = true;
    item->next_ready = EPOLL_NO_ITEM;
    if (instance->ready_last == EPOLL_NO_ITEM)
        instance->ready_first = index;
    else
        instance->items[instance->ready_last].next_ready = index;
    instance->ready_last = index;
}

/* Takes item off the ready list, whose entry before it is previous
 * (EPOLL_NO_ITEM: it is the first). */
static void unlink_ready(struct epoll_instance *instance, uint16_t previous,
                         struct epoll_item *item)
{
    if (previous == EPOLL_NO_ITEM)
        instance->ready_first = item->next_ready;
    else
        instance->items[previous].next_ready = item->next_ready;
    if (instance->ready_last == epoll_item_index(instance, item))
        instance->ready_last = previous;
    item->queued = false;
    item->next_ready = EPOLL_NO_ITEM;
}

static void dequeue(struct epoll_instance *instance, struct epoll_item *item)
{
    uint16_t index = epoll_item_index(instance, item), previous = EPOLL_NO_ITEM;
    for (uint16_t at = instance->ready_first; at != EPOLL_NO_ITEM;
         previous = at, at = instance->items[at].next_ready) {
        if (at == index) {
            unlink_ready(instance, previous, item);
            return;
        }
    }
}

void epoll_item_free(struct epoll_instance *instance, struct epoll_item *item)
{
    if (item->queued)
        dequeue(instance, item);
    if (item->board != EPOLL_NO_ITEM) {
        struct epoll_board *board = &instance->boards[item->board];
        board->items[item->slot] = EPOLL_NO_ITEM;
        board->used--;
    }
    item->used = false;
    item->next_ready = instance->free_item;
    instance->free_item = epoll_item_index(instance, item);
    instance->item_count--;
}

int epoll_board_free_slot(const struct epoll_board *board)
{
    if (board->used >= WATCH_BOARD_SLOTS)
        return -1;
    for (int slot = 0; slot < WATCH_BOARD_SLOTS; slot++)
        if (board->items[slot] == EPOLL_NO_ITEM)
            return slot;
    return -1;
}

void epoll_board_attach(struct epoll_instance *instance, uint16_t board, uint16_t slot,
                        struct epoll_item *item)
{
    instance->boards[board].items[slot] = epoll_item_index(instance, item);
    instance->boards[board].used++;
    item->board = board;
    item->slot = slot;
}

/* The events an item may report now. */
static uint32_t wanted(const struct epoll_item *item)
{
    return item->disabled ? 0 : (item->events | EPOLL_ERR | EPOLL_HUP) & EPOLL_EVENT_BITS;
}

void epoll_item_check(struct epoll_instance *instance, struct epoll_item *item)
{
    if (!item->queued && (epoll_item_local(item) || (item->revents & wanted(item))))
        enqueue(instance, item);
}

void epoll_item_modify(struct epoll_instance *instance, struct epoll_item *item,
                       uint32_t events, uint64_t data)
{
    item->events = events;
    item->data = data;
    item->disabled = false;
    epoll_item_check(instance, item);
}

/* A slot's change: its item's new revents, or its end. */
static void note_slot(struct epoll_instance *instance, struct epoll_board *board,
                      unsigned slot)
{
    uint16_t index = board->items[slot];
    if (index == EPOLL_NO_ITEM)
        return;
    struct epoll_item *item = &instance->items[index];
    uint32_t word = __atomic_fetch_and(&board->page->revents[slot], ~WATCH_WOKEN,
                                       __ATOMIC_ACQUIRE);
    if (word & WATCH_GONE) {
        /* The server freed the slot when the description went. */
        epoll_item_free(instance, item);
        return;
    }
    item->revents = word & WATCH_EVENTS;
    /* Only a wake-up for its events puts an item on the ready list (the
     * list then re-checks its readiness, for level-triggered items). */
    if ((word >> WATCH_WOKEN_SHIFT) & wanted(item))
        epoll_item_check(instance, item);
}

void epoll_note_changes(struct epoll_instance *instance)
{
    for (uint32_t b = 0; b < instance->board_count; b++) {
        struct epoll_board *board = &instance->boards[b];
        if (!board->page || !__atomic_load_n(&board->page->summary, __ATOMIC_RELAXED))
            continue;
        uint64_t words = __atomic_exchange_n(&board->page->summary, 0, __ATOMIC_ACQUIRE);
        while (words) {
            unsigned word = (unsigned)__builtin_ctzll(words);
            words &= words - 1;
            uint64_t bits = __atomic_exchange_n(&board->page->changed[word], 0, __ATOMIC_ACQUIRE);
            while (bits) {
                unsigned bit = (unsigned)__builtin_ctzll(bits);
                bits &= bits - 1;
                note_slot(instance, board, word * 64 + bit);
            }
        }
    }
}

int epoll_harvest(struct epoll_instance *instance, struct epoll_report *reports, int max,
                  bool peek, uint32_t (*local_events)(struct epoll_item *item))
{
    int count = 0;
    uint16_t previous = EPOLL_NO_ITEM;
    uint16_t stop = instance->ready_last;   /* items requeued go after it: seen once */
    uint16_t at = instance->ready_first;
    while (at != EPOLL_NO_ITEM && count < max) {
        struct epoll_item *item = &instance->items[at];
        uint16_t next = item->next_ready;
        bool last = at == stop;
        uint32_t events = epoll_item_local(item) ? local_events(item) : item->revents;
        events &= wanted(item);
        if (peek) {
            if (events)
                return 1;
        } else if (!events) {
            if (!epoll_item_local(item))
                unlink_ready(instance, previous, item);     /* no longer ready */
            else
                previous = at;
        } else {
            reports[count++] = (struct epoll_report){.events = events, .data = item->data};
            unlink_ready(instance, previous, item);
            if (item->events & EPOLL_ONESHOT)
                item->disabled = true;
            else if (!(item->events & EPOLL_ET) || epoll_item_local(item))
                enqueue(instance, item);    /* level-triggered: again next time */
        }
        if (peek)
            previous = at;
        if (last)
            break;
        at = next;
    }
    return count;
}

void epoll_detach_fd(struct epoll_instance *instance, int32_t fd)
{
    for (uint32_t i = 0; i < instance->item_limit; i++) {
        struct epoll_item *item = &instance->items[i];
        if (item->used && item->fd == fd)
            item->fd = -1;
    }
}
