/*
 * Host tests of epoll's bookkeeping in the personality (epoll_core.h):
 * what epoll_wait reports from the boards, level- and edge-triggered,
 * one-shot, the ready list's order with few report slots, items whose
 * description went, detached descriptors and nested instances. The
 * server's side is simulated by writing a board page as watch.c does.
 */
#include <stdlib.h>
#include "check.h"
#include "epoll_core.h"

static struct watch_board_page page;

static struct epoll_instance *new_instance(void)
{
    struct epoll_instance *instance = calloc(1, sizeof *instance);
    epoll_instance_init(instance, 1, 100, sizeof *instance);
    memset(&page, 0, sizeof page);
    instance->boards[0].page = &page;
    memset(instance->boards[0].items, 0xff, sizeof instance->boards[0].items);
    instance->board_count = 1;
    return instance;
}

/* What a server's watch writes: the events now, the wake-up's keys. */
static void publish(unsigned slot, uint32_t events, uint32_t woken)
{
    page.revents[slot] = (page.revents[slot] & WATCH_WOKEN) | events | woken << WATCH_WOKEN_SHIFT;
    page.changed[slot / 64] |= 1ULL << (slot % 64);
    page.summary |= 1ULL << (slot / 64);
}

static struct epoll_item *watched(struct epoll_instance *instance, int fd, unsigned slot,
                                  uint32_t events, uint64_t data)
{
    struct epoll_item *item = epoll_item_new(instance);
    item->fd = fd;
    item->events = events;
    item->data = data;
    epoll_board_attach(instance, 0, (uint16_t)slot, item);
    return item;
}

static uint32_t never_ready(struct epoll_item *item)
{
    (void)item;
    return 0;
}

static int wait_for(struct epoll_instance *instance, struct epoll_report *reports, int max)
{
    epoll_note_changes(instance);
    return epoll_harvest(instance, reports, max, false, never_ready);
}

static void level_triggered_items_are_reported_until_not_ready(void)
{
    struct epoll_instance *instance = new_instance();
    struct epoll_report reports[4];
    watched(instance, 3, 10, EPOLL_IN, 77);
    CHECK_EQ_U64(wait_for(instance, reports, 4), 0);
    publish(10, EPOLL_IN | EPOLL_RDNORM, EPOLL_IN);
    CHECK_EQ_U64(wait_for(instance, reports, 4), 1);
    CHECK_EQ_U64(reports[0].events, EPOLL_IN);          /* masked by what it asked */
    CHECK_EQ_U64(reports[0].data, 77);
    CHECK_EQ_U64(wait_for(instance, reports, 4), 1);    /* again: still ready */
    publish(10, 0, 0);                                  /* drained: no wake-up */
    CHECK_EQ_U64(wait_for(instance, reports, 4), 0);
    publish(10, EPOLL_IN | EPOLL_HUP, WATCH_WAKE_ALL);
    CHECK_EQ_U64(wait_for(instance, reports, 4), 1);
    CHECK_EQ_U64(reports[0].events, EPOLL_IN | EPOLL_HUP);  /* HUP always counts */
    free(instance);
}

static void edge_triggered_items_are_reported_once_per_wake_up(void)
{
    struct epoll_instance *instance = new_instance();
    struct epoll_report reports[4];
    watched(instance, 3, 0, EPOLL_IN | EPOLL_ET, 5);
    publish(0, EPOLL_IN, EPOLL_IN);
    CHECK_EQ_U64(wait_for(instance, reports, 4), 1);
    CHECK_EQ_U64(wait_for(instance, reports, 4), 0);
    publish(0, EPOLL_IN, 0);                            /* a change, no wake-up for it */
    CHECK_EQ_U64(wait_for(instance, reports, 4), 0);
    publish(0, EPOLL_IN | EPOLL_OUT, EPOLL_OUT);        /* a wake-up for another event */
    CHECK_EQ_U64(wait_for(instance, reports, 4), 0);
    publish(0, EPOLL_IN, EPOLL_IN);
    publish(0, EPOLL_IN, EPOLL_IN);                     /* two wake-ups, one report */
    CHECK_EQ_U64(wait_for(instance, reports, 4), 1);
    CHECK_EQ_U64(wait_for(instance, reports, 4), 0);
    free(instance);
}

static void one_shot_items_wait_for_a_modify(void)
{
    struct epoll_instance *instance = new_instance();
    struct epoll_report reports[4];
    struct epoll_item *item = watched(instance, 3, 1, EPOLL_IN | EPOLL_ONESHOT, 1);
    publish(1, EPOLL_IN, EPOLL_IN);
    CHECK_EQ_U64(wait_for(instance, reports, 4), 1);
    publish(1, EPOLL_IN | EPOLL_HUP, WATCH_WAKE_ALL);
    CHECK_EQ_U64(wait_for(instance, reports, 4), 0);    /* even HUP waits */
    epoll_item_modify(instance, item, EPOLL_IN | EPOLL_ONESHOT, 2);
    CHECK_EQ_U64(wait_for(instance, reports, 4), 1);
    CHECK_EQ_U64(reports[0].data, 2);
    CHECK_EQ_U64(reports[0].events, EPOLL_IN | EPOLL_HUP);
    free(instance);
}

static void few_report_slots_go_round_the_ready_list(void)
{
    struct epoll_instance *instance = new_instance();
    struct epoll_report reports[2];
    for (unsigned i = 0; i < 5; i++) {
        watched(instance, (int)i + 3, i, EPOLL_IN, i);
        publish(i, EPOLL_IN, EPOLL_IN);
    }
    uint64_t seen = 0;
    for (unsigned call = 0; call < 3; call++) {
        int count = wait_for(instance, reports, 2);
        CHECK_EQ_U64(count, 2);
        for (int i = 0; i < count; i++)
            seen |= 1ULL << reports[i].data;
    }
    CHECK_EQ_U64(seen, 0x1f);       /* three calls of two cover all five */
    free(instance);
}

static void an_item_whose_description_went_is_freed(void)
{
    struct epoll_instance *instance = new_instance();
    struct epoll_report reports[4];
    struct epoll_item *item = watched(instance, 3, 7, EPOLL_IN, 1);
    publish(7, EPOLL_IN, EPOLL_IN);
    page.revents[7] = WATCH_GONE;
    CHECK_EQ_U64(wait_for(instance, reports, 4), 0);
    CHECK(!item->used);
    CHECK_EQ_U64(instance->item_count, 0);
    CHECK_EQ_U64(instance->boards[0].items[7], EPOLL_NO_ITEM);
    CHECK(epoll_find(instance, 3) == NULL);
    struct epoll_item *again = epoll_item_new(instance);    /* from the free list */
    CHECK(again == item);
    free(instance);
}

static void a_closed_descriptor_no_longer_names_its_item(void)
{
    struct epoll_instance *instance = new_instance();
    struct epoll_report reports[4];
    watched(instance, 3, 2, EPOLL_IN, 9);
    epoll_detach_fd(instance, 3);
    CHECK(epoll_find(instance, 3) == NULL);
    publish(2, EPOLL_IN, EPOLL_IN);                     /* but it still reports */
    CHECK_EQ_U64(wait_for(instance, reports, 4), 1);
    CHECK_EQ_U64(reports[0].data, 9);
    free(instance);
}

static struct epoll_instance *ready_inner;

static uint32_t inner_is_ready(struct epoll_item *item)
{
    return item->inner == ready_inner ? EPOLL_IN | EPOLL_RDNORM : 0;
}

static void a_nested_instance_is_readable_while_it_has_events(void)
{
    struct epoll_instance *instance = new_instance();
    static struct epoll_instance inner_storage;
    struct epoll_report reports[4];
    struct epoll_item *item = epoll_item_new(instance);
    item->fd = 4;
    item->events = EPOLL_IN | EPOLL_RDNORM;
    item->data = 3;
    item->inner = &inner_storage;
    epoll_item_check(instance, item);
    ready_inner = NULL;
    CHECK_EQ_U64(epoll_harvest(instance, reports, 4, false, inner_is_ready), 0);
    CHECK_EQ_U64(epoll_harvest(instance, reports, 4, true, inner_is_ready), 0);
    ready_inner = &inner_storage;
    CHECK_EQ_U64(epoll_harvest(instance, reports, 4, true, inner_is_ready), 1);
    CHECK_EQ_U64(epoll_harvest(instance, reports, 4, false, inner_is_ready), 1);
    CHECK_EQ_U64(reports[0].events, EPOLL_IN | EPOLL_RDNORM);
    CHECK_EQ_U64(epoll_harvest(instance, reports, 4, false, inner_is_ready), 1);
    free(instance);
}

int main(void)
{
    level_triggered_items_are_reported_until_not_ready();
    edge_triggered_items_are_reported_once_per_wake_up();
    one_shot_items_wait_for_a_modify();
    few_report_slots_go_round_the_ready_list();
    an_item_whose_description_went_is_freed();
    a_closed_descriptor_no_longer_names_its_item();
    a_nested_instance_is_readable_while_it_has_events();
    return check_report();
}
