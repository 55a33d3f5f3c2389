/*
 * Host tests of epoll's readiness boards on the server side (sys/watch.h):
 * what a watch writes into its slot and when, wake-up keys, descriptions
 * and objects that go, boards that close, and armed notifications.
 */
#include <stdlib.h>
#include "check.h"
#include "sys/linux_abi.h"
#include "sys/watch.h"

static unsigned pages_live, released_notifications;

static void *allocate(size_t size) { return calloc(1, size); }
static void *allocate_page(void)
{
    pages_live++;
    return aligned_alloc(4096, 4096);
}
static void free_page(void *page)
{
    pages_live--;
    free(page);
}
static void release_notification(uint64_t notification)
{
    (void)notification;
    released_notifications++;
}

/* A watched object: its events are whatever the test says. */
struct object {
    struct watch_list watches;
    uint32_t events;
};

static uint32_t object_events(const void *object)
{
    return ((const struct object *)object)->events;
}

static struct watch_target target_of(struct object *object)
{
    return (struct watch_target){&object->watches, object, object_events};
}

static struct watch_board *new_board(void)
{
    int64_t handle = watch_board_create();
    CHECK(handle > 0 && (handle & WATCH_BOARD_FLAG));
    return watch_board_find((uint64_t)handle);
}

static bool changed(struct watch_board *board, unsigned slot)
{
    const struct watch_board_page *page = watch_board_page(board);
    return (page->summary >> (slot / 64) & 1) && (page->changed[slot / 64] >> (slot % 64) & 1);
}

static void take_changes(struct watch_board *board)
{
    struct watch_board_page *page = watch_board_page(board);
    memset(page->changed, 0, sizeof page->changed);
    page->summary = 0;
}

static void a_watch_publishes_its_events_at_once_without_a_wake_up(void)
{
    struct watch_board *board = new_board();
    struct object object = {.events = 0x5};
    struct watch_target target = target_of(&object);
    CHECK_EQ_U64(watch_add(board, 70, 42, &target), 0);
    CHECK(changed(board, 70));
    CHECK_EQ_U64(watch_board_page(board)->revents[70], 0x5);    /* no WOKEN bits */
    CHECK(watch_board_changed(board));
    CHECK_EQ_U64(watch_add(board, 70, 43, &target), -LINUX_EINVAL);   /* in use */
    CHECK_EQ_U64(watch_add(board, WATCH_BOARD_SLOTS, 43, &target), -LINUX_EINVAL);
    watch_board_close(board);
    CHECK(object.watches.first == NULL);
}

static void changes_carry_their_wake_up_keys_until_taken(void)
{
    struct watch_board *board = new_board();
    struct object object = {.events = 0};
    struct watch_target target = target_of(&object);
    CHECK_EQ_U64(watch_add(board, 3, 42, &target), 0);
    take_changes(board);
    object.events = 0x1;
    watch_list_woken(&object.watches, 0x1);
    uint32_t word = watch_board_page(board)->revents[3];
    CHECK_EQ_U64(word & WATCH_EVENTS, 0x1);
    CHECK_EQ_U64((word & WATCH_WOKEN) >> WATCH_WOKEN_SHIFT, 0x1);
    object.events = 0x5;
    watch_list_woken(&object.watches, 0x4);     /* keys add up */
    word = watch_board_page(board)->revents[3];
    CHECK_EQ_U64(word & WATCH_EVENTS, 0x5);
    CHECK_EQ_U64((word & WATCH_WOKEN) >> WATCH_WOKEN_SHIFT, 0x5);
    /* A change that wakes nobody still writes the readiness. */
    watch_board_page(board)->revents[3] &= ~WATCH_WOKEN;
    take_changes(board);
    object.events = 0x4;
    watch_list_woken(&object.watches, 0);
    CHECK(changed(board, 3));
    CHECK_EQ_U64(watch_board_page(board)->revents[3], 0x4);
    watch_list_changed(&object.watches);
    CHECK_EQ_U64(watch_board_page(board)->revents[3] >> WATCH_WOKEN_SHIFT,
                 WATCH_WAKE_ALL);
    watch_board_close(board);
}

static void a_description_or_object_that_goes_leaves_its_slots_gone(void)
{
    struct watch_board *board = new_board();
    struct object object = {.events = 0x1};
    struct watch_target target = target_of(&object);
    CHECK_EQ_U64(watch_add(board, 1, 42, &target), 0);
    CHECK_EQ_U64(watch_add(board, 2, 43, &target), 0);
    CHECK_EQ_U64(watch_add(board, 3, 42, &target), 0);
    watch_list_forget(&object.watches, 42);
    CHECK_EQ_U64(watch_board_page(board)->revents[1], WATCH_GONE);
    CHECK_EQ_U64(watch_board_page(board)->revents[3], WATCH_GONE);
    CHECK_EQ_U64(watch_board_page(board)->revents[2], 0x1);
    CHECK_EQ_U64(watch_add(board, 1, 44, &target), 0);      /* the slot is free again */
    watch_list_drop(&object.watches);
    CHECK(object.watches.first == NULL);
    CHECK_EQ_U64(watch_board_page(board)->revents[1], WATCH_GONE);
    CHECK_EQ_U64(watch_board_page(board)->revents[2], WATCH_GONE);
    CHECK_EQ_U64(watch_remove(board, 2), 0);    /* nothing there: still 0 */
    watch_board_close(board);
}

static void removing_a_watch_takes_it_off_its_list(void)
{
    struct watch_board *board = new_board();
    struct object object = {.events = 0x1};
    struct watch_target target = target_of(&object);
    CHECK_EQ_U64(watch_add(board, 5, 42, &target), 0);
    CHECK_EQ_U64(watch_add(board, 6, 42, &target), 0);
    CHECK_EQ_U64(watch_remove(board, 5), 0);
    take_changes(board);
    watch_list_changed(&object.watches);
    CHECK(!changed(board, 5));
    CHECK(changed(board, 6));
    watch_board_close(board);
}

static void a_closed_board_frees_its_page_and_its_handle_matches_nothing(void)
{
    unsigned before = pages_live;
    int64_t handle = watch_board_create();
    struct watch_board *board = watch_board_find((uint64_t)handle);
    CHECK_EQ_U64(pages_live, before + 1);
    watch_board_retain(board);
    watch_board_close(board);
    CHECK(watch_board_find((uint64_t)handle) == board);     /* one reference left */
    struct object object = {.events = 0x1};
    struct watch_target target = target_of(&object);
    CHECK_EQ_U64(watch_add(board, 9, 1, &target), 0);
    watch_board_close(board);
    CHECK(watch_board_find((uint64_t)handle) == NULL);
    CHECK_EQ_U64(pages_live, before);
    CHECK(object.watches.first == NULL);
    int64_t again = watch_board_create();       /* the same index, a new generation */
    CHECK(again != handle);
    CHECK(watch_board_find((uint64_t)handle) == NULL);
    CHECK(watch_board_find(0x1234) == NULL);
    watch_board_close(watch_board_find((uint64_t)again));
}

static void an_armed_board_becomes_due_once_at_its_next_change(void)
{
    struct watch_board *board = new_board();
    struct object object = {.events = 0};
    struct watch_target target = target_of(&object);
    CHECK_EQ_U64(watch_add(board, 0, 42, &target), 0);
    CHECK(!watch_board_arm(board, 77));         /* changed already: not kept */
    take_changes(board);
    CHECK(watch_board_arm(board, 77));
    CHECK_EQ_U64(watch_take_due(), 0);
    watch_list_changed(&object.watches);
    watch_list_changed(&object.watches);
    CHECK_EQ_U64(watch_take_due(), 77);
    CHECK_EQ_U64(watch_take_due(), 0);           /* once */
    take_changes(board);
    unsigned released = released_notifications;
    CHECK(watch_board_arm(board, 78));
    CHECK(watch_board_arm(board, 79));           /* the older one is let go */
    CHECK_EQ_U64(released_notifications, released + 1);
    watch_board_close(board);                   /* and the kept one with the board */
    CHECK_EQ_U64(released_notifications, released + 2);
    CHECK_EQ_U64(watch_take_due(), 0);
}

int main(void)
{
    watch_init(&(struct watch_services){allocate, free, allocate_page, free_page,
                                        release_notification});
    a_watch_publishes_its_events_at_once_without_a_wake_up();
    changes_carry_their_wake_up_keys_until_taken();
    a_description_or_object_that_goes_leaves_its_slots_gone();
    removing_a_watch_takes_it_off_its_list();
    a_closed_board_frees_its_page_and_its_handle_matches_nothing();
    an_armed_board_becomes_due_once_at_its_next_change();
    return check_report();
}
