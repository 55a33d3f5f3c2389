/* CNodes: copy, mint, move, mutate, delete, revoke, and addressing. */
#include "ktest.h"

/* Signal through `sender` and see the word arrive through `receiver`. */
static uint64_t signal_and_poll(uint64_t sender, uint64_t receiver)
{
    uint64_t word = 0;
    CHECK_LABEL(tern_signal(sender), TERN_OK);
    CHECK_LABEL(tern_poll(receiver, &word), TERN_OK);
    return word;
}

static void copy_reaches_the_same_object(void)
{
    uint64_t original = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t badged = cap_mint(original, TERN_RIGHTS_ALL, 0x10);
    uint64_t copy = cap_copy(badged, TERN_RIGHTS_ALL);
    CHECK_EQ(signal_and_poll(copy, original), 0x10);
    CHECK_EQ(signal_and_poll(badged, original), 0x10);
}

static void mint_sets_the_badge(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t a = cap_mint(notification, TERN_RIGHTS_ALL, 0x1);
    uint64_t b = cap_mint(notification, TERN_RIGHTS_ALL, 0x40);
    CHECK_EQ(signal_and_poll(a, notification), 0x1);
    CHECK_EQ(signal_and_poll(b, notification), 0x40);
}

/* A badge, once set, stays: minting a badged capability again fails. */
static void badge_cannot_be_changed(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t badged = cap_mint(notification, TERN_RIGHTS_ALL, 0x2);
    uint64_t slot = slot_new();
    CHECK_ERROR(tern_cnode_mint(ROOT_CNODE, slot, ROOT_DEPTH, ROOT_CNODE, badged, ROOT_DEPTH,
                                TERN_RIGHTS_ALL, 0x4),
                TERN_ILLEGAL_OPERATION);
    CHECK_ERROR(tern_cnode_mutate(ROOT_CNODE, slot, ROOT_DEPTH, ROOT_CNODE, badged, ROOT_DEPTH,
                                  0x4),
                TERN_ILLEGAL_OPERATION);
    CHECK(slot_is_empty(slot));
    CHECK_EQ(signal_and_poll(badged, notification), 0x2);
}

/* Derived rights are the source's AND the mask; a right once dropped
 * cannot come back. */
static void rights_are_masked(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t send_only = cap_mint(notification, TERN_RIGHT_WRITE, 0x8);
    uint64_t receive_only = cap_copy(notification, TERN_RIGHT_READ);
    uint64_t word;
    CHECK_LABEL(tern_poll(send_only, &word), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_wait(send_only, &word), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_signal(receive_only), TERN_INVALID_CAPABILITY);
    CHECK_EQ(signal_and_poll(send_only, receive_only), 0x8);
    uint64_t widened = cap_copy(receive_only, TERN_RIGHTS_ALL);
    CHECK_LABEL(tern_signal(widened), TERN_INVALID_CAPABILITY);
}

static void copy_into_occupied_slot(void)
{
    uint64_t a = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t b = object_new(TERN_OBJECT_ENDPOINT, 0);
    CHECK_ERROR(tern_cnode_copy(ROOT_CNODE, b, ROOT_DEPTH, ROOT_CNODE, a, ROOT_DEPTH,
                                TERN_RIGHTS_ALL),
                TERN_DELETE_FIRST);
    CHECK_ERROR(tern_cnode_move(ROOT_CNODE, b, ROOT_DEPTH, ROOT_CNODE, a, ROOT_DEPTH),
                TERN_DELETE_FIRST);
    CHECK(slot_holds(a, TERN_OBJECT_NOTIFICATION));
    CHECK(slot_holds(b, TERN_OBJECT_ENDPOINT));
}

static void copy_from_empty_slot(void)
{
    uint64_t empty = slot_new();
    uint64_t destination = slot_new();
    CHECK_ERROR(tern_cnode_copy(ROOT_CNODE, destination, ROOT_DEPTH, ROOT_CNODE, empty,
                                ROOT_DEPTH, TERN_RIGHTS_ALL),
                TERN_FAILED_LOOKUP);
    CHECK_ERROR(tern_cnode_move(ROOT_CNODE, destination, ROOT_DEPTH, ROOT_CNODE, empty,
                                ROOT_DEPTH),
                TERN_FAILED_LOOKUP);
    CHECK(slot_is_empty(destination));
}

/* Slot addresses that name nothing. */
static void bad_slot_addresses(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t slot = slot_new();
    uint64_t beyond = 1ULL << TERN_ROOT_CNODE_BITS;
    CHECK_ERROR(tern_cnode_copy(ROOT_CNODE, beyond, ROOT_DEPTH, ROOT_CNODE, notification,
                                ROOT_DEPTH, TERN_RIGHTS_ALL),
                TERN_FAILED_LOOKUP);
    CHECK_ERROR(tern_cnode_copy(ROOT_CNODE, slot, ROOT_DEPTH, ROOT_CNODE, beyond, ROOT_DEPTH,
                                TERN_RIGHTS_ALL),
                TERN_FAILED_LOOKUP);
    /* The guard is not resolved at depth 12: depth mismatch. */
    CHECK_ERROR(tern_cnode_copy(ROOT_CNODE, slot, TERN_ROOT_CNODE_BITS, ROOT_CNODE,
                                notification, ROOT_DEPTH, TERN_RIGHTS_ALL),
                TERN_FAILED_LOOKUP);
    CHECK_ERROR(tern_cnode_delete(ROOT_CNODE, slot, 65), TERN_RANGE_ERROR);
    CHECK_ERROR(tern_cnode_delete(ROOT_CNODE, beyond, ROOT_DEPTH), TERN_FAILED_LOOKUP);
    /* A cptr past the root CNode names no capability either. */
    CHECK_LABEL(tern_signal(beyond), TERN_FAILED_LOOKUP);
    CHECK_LABEL(tern_signal(~0ULL), TERN_FAILED_LOOKUP);
    CHECK(slot_is_empty(slot));
}

/* The source CNode argument must be a CNode; CNode operations on
 * something else are not understood. */
static void wrong_capability_types(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t slot = slot_new();
    CHECK_ERROR(tern_cnode_copy(ROOT_CNODE, slot, ROOT_DEPTH, notification, notification,
                                ROOT_DEPTH, TERN_RIGHTS_ALL),
                TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_cnode_copy(notification, slot, ROOT_DEPTH, ROOT_CNODE, notification,
                                ROOT_DEPTH, TERN_RIGHTS_ALL),
                TERN_ILLEGAL_OPERATION);
    CHECK_ERROR(tern_cnode_delete(notification, slot, ROOT_DEPTH), TERN_ILLEGAL_OPERATION);
    /* Too few arguments, or no source CNode capability. */
    const uint64_t args[] = { slot, ROOT_DEPTH, notification };
    const uint64_t caps[] = { ROOT_CNODE };
    CHECK_ERROR(tern_invoke(ROOT_CNODE, TERN_CNODE_COPY, args, 3, caps, 1, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    const uint64_t all_args[] = { slot, ROOT_DEPTH, notification, ROOT_DEPTH, TERN_RIGHTS_ALL };
    CHECK_ERROR(tern_invoke(ROOT_CNODE, TERN_CNODE_COPY, all_args, 5, 0, 0, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    CHECK(slot_is_empty(slot));
}

/* Reply and IRQ-control capabilities cannot be copied. */
static void uncopyable_capabilities(void)
{
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t slot = slot_new();
    CHECK_ERROR(tern_cnode_copy(ROOT_CNODE, slot, ROOT_DEPTH, ROOT_CNODE, reply, ROOT_DEPTH,
                                TERN_RIGHTS_ALL),
                TERN_ILLEGAL_OPERATION);
    CHECK_ERROR(tern_cnode_copy(ROOT_CNODE, slot, ROOT_DEPTH, ROOT_CNODE,
                                TERN_SLOT_IRQ_CONTROL, ROOT_DEPTH, TERN_RIGHTS_ALL),
                TERN_ILLEGAL_OPERATION);
    /* They can be moved. */
    CHECK_OK(tern_cnode_move(ROOT_CNODE, slot, ROOT_DEPTH, ROOT_CNODE, reply, ROOT_DEPTH));
    CHECK(slot_holds(slot, TERN_OBJECT_REPLY));
    CHECK(slot_is_empty(reply));
}

static void move_empties_the_source(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t badged = cap_mint(notification, TERN_RIGHTS_ALL, 0x20);
    uint64_t destination = slot_new();
    CHECK_OK(tern_cnode_move(ROOT_CNODE, destination, ROOT_DEPTH, ROOT_CNODE, badged,
                             ROOT_DEPTH));
    CHECK(slot_is_empty(badged));
    CHECK_LABEL(tern_signal(badged), TERN_FAILED_LOOKUP);
    CHECK_EQ(signal_and_poll(destination, notification), 0x20);
}

static void mutate_sets_the_badge_while_moving(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t unbadged = cap_copy(notification, TERN_RIGHTS_ALL);
    uint64_t destination = slot_new();
    CHECK_OK(tern_cnode_mutate(ROOT_CNODE, destination, ROOT_DEPTH, ROOT_CNODE, unbadged,
                               ROOT_DEPTH, 0x100));
    CHECK(slot_is_empty(unbadged));
    CHECK_EQ(signal_and_poll(destination, notification), 0x100);
}

static void delete_empties_the_slot(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t copy = cap_copy(notification, TERN_RIGHTS_ALL);
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, copy, ROOT_DEPTH));
    CHECK_LABEL(tern_signal(copy), TERN_FAILED_LOOKUP);
    CHECK_LABEL(tern_signal(notification), TERN_OK);
    /* Deleting an empty slot is not an error. */
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, copy, ROOT_DEPTH));
}

/* Revoke deletes every capability derived from a slot, at any depth, and
 * leaves the slot itself. A revoked capability fails to look up. */
static void revoke_deletes_derived_capabilities(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t child = cap_copy(notification, TERN_RIGHTS_ALL);
    uint64_t badged = cap_mint(notification, TERN_RIGHTS_ALL, 0x3);
    uint64_t grandchild = cap_copy(child, TERN_RIGHT_WRITE);
    uint64_t moved = slot_new();
    CHECK_OK(tern_cnode_move(ROOT_CNODE, moved, ROOT_DEPTH, ROOT_CNODE, badged, ROOT_DEPTH));
    CHECK_OK(tern_cnode_revoke(ROOT_CNODE, notification, ROOT_DEPTH));
    CHECK_LABEL(tern_signal(child), TERN_FAILED_LOOKUP);
    CHECK_LABEL(tern_signal(grandchild), TERN_FAILED_LOOKUP);
    CHECK_LABEL(tern_signal(moved), TERN_FAILED_LOOKUP);
    CHECK_EQ(signal_and_poll(notification, notification), 0);
    CHECK(slot_holds(notification, TERN_OBJECT_NOTIFICATION));
}

/* Revoking a middle capability leaves its parent and siblings. */
static void revoke_is_limited_to_the_subtree(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t left = cap_mint(notification, TERN_RIGHTS_ALL, 0x1);
    uint64_t right = cap_mint(notification, TERN_RIGHTS_ALL, 0x2);
    uint64_t below_left = cap_copy(left, TERN_RIGHTS_ALL);
    uint64_t below_right = cap_copy(right, TERN_RIGHTS_ALL);
    CHECK_OK(tern_cnode_revoke(ROOT_CNODE, left, ROOT_DEPTH));
    CHECK_LABEL(tern_signal(below_left), TERN_FAILED_LOOKUP);
    CHECK_EQ(signal_and_poll(left, notification), 0x1);
    CHECK_EQ(signal_and_poll(right, notification), 0x2);
    CHECK_EQ(signal_and_poll(below_right, notification), 0x2);
}

/* Deleting the last capability destroys the object: a thread waiting on
 * it is released. Assumed (seL4 restarts such a thread): its Wait runs
 * again, finds no capability, and returns TERN_FAILED_LOOKUP. */
static volatile uint64_t waiter_started, waiter_error, waiter_returned;
static uint64_t waiter_slot;

static void waiter(uint64_t unused)
{
    (void)unused;
    uint64_t word;
    store(&waiter_started, 1);
    tern_message_info info = tern_wait(waiter_slot, &word);
    store(&waiter_error, tern_message_label(info));
    store(&waiter_returned, 1);
}

static void deleting_last_capability_releases_waiters(void)
{
    waiter_started = waiter_returned = 0;
    waiter_error = ~0ULL;
    waiter_slot = object_new(TERN_OBJECT_NOTIFICATION, 0);
    thread_spawn(waiter, 0, PRIORITY_MIDDLE, 0);
    WAIT_FOR(&waiter_started, 1);
    sleep_ticks(1);
    CHECK_EQ(load(&waiter_returned), 0);
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, waiter_slot, ROOT_DEPTH));
    WAIT_FOR(&waiter_returned, 1);
    CHECK_ERROR(load(&waiter_error), TERN_FAILED_LOOKUP);
}

/* A two-level CSpace: a CNode's slots named through it with their own
 * depth, and guards set by Mint. */
static void guards_and_depths(void)
{
    uint64_t cnode = object_new(TERN_OBJECT_CNODE, 8);
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    /* Unguarded: slot j of the new CNode is (j, 8). */
    CHECK_OK(tern_cnode_mint(cnode, 5, 8, ROOT_CNODE, notification, ROOT_DEPTH,
                             TERN_RIGHTS_ALL, 0x7));
    CHECK_ERROR(tern_cnode_copy(cnode, 6, 9, ROOT_CNODE, notification, ROOT_DEPTH,
                                TERN_RIGHTS_ALL),
                TERN_FAILED_LOOKUP);
    /* Back out to the root through the new CNode as the source. */
    uint64_t back = slot_new();
    CHECK_OK(tern_cnode_copy(ROOT_CNODE, back, ROOT_DEPTH, cnode, 5, 8, TERN_RIGHTS_ALL));
    CHECK_EQ(signal_and_poll(back, notification), 0x7);

    /* Guard of 4 bits, value 0x5: slots are now (0x5 << 8 | j, 12).
     * Capability data for a CNode: guard size in bits 0-5, guard above. */
    uint64_t guarded = slot_new();
    CHECK_OK(tern_cnode_mint(ROOT_CNODE, guarded, ROOT_DEPTH, ROOT_CNODE, cnode, ROOT_DEPTH,
                             TERN_RIGHTS_ALL, (0x5 << 6) | 4));
    uint64_t through_guard = slot_new();
    CHECK_OK(tern_cnode_copy(ROOT_CNODE, through_guard, ROOT_DEPTH, guarded, (0x5 << 8) | 5,
                             12, TERN_RIGHTS_ALL));
    CHECK_EQ(signal_and_poll(through_guard, notification), 0x7);
    uint64_t miss = slot_new();
    CHECK_ERROR(tern_cnode_copy(ROOT_CNODE, miss, ROOT_DEPTH, guarded, (0x4 << 8) | 5, 12,
                                TERN_RIGHTS_ALL),
                TERN_FAILED_LOOKUP);
    CHECK_ERROR(tern_cnode_copy(ROOT_CNODE, miss, ROOT_DEPTH, guarded, 5, 8, TERN_RIGHTS_ALL),
                TERN_FAILED_LOOKUP);
    /* A guard that does not fit its size, or too big with the radix. */
    CHECK_ERROR(tern_cnode_mint(ROOT_CNODE, miss, ROOT_DEPTH, ROOT_CNODE, cnode, ROOT_DEPTH,
                                TERN_RIGHTS_ALL, (0x10 << 6) | 4),
                TERN_RANGE_ERROR);
    CHECK_ERROR(tern_cnode_mint(ROOT_CNODE, miss, ROOT_DEPTH, ROOT_CNODE, cnode, ROOT_DEPTH,
                                TERN_RIGHTS_ALL, 57),
                TERN_RANGE_ERROR);
    CHECK(slot_is_empty(miss));
}

/* Deleting the last capability to a CNode deletes what it holds: the
 * memory of an object whose only capability was inside comes back. */
static void deleting_a_cnode_deletes_its_contents(void)
{
    uint64_t untyped = object_new(TERN_OBJECT_UNTYPED, 12);
    uint64_t inner = object_new_from(untyped, TERN_OBJECT_NOTIFICATION, 0);
    uint64_t cnode = object_new(TERN_OBJECT_CNODE, 4);
    CHECK_OK(tern_cnode_move(cnode, 1, 4, ROOT_CNODE, inner, ROOT_DEPTH));
    uint64_t slot = slot_new();
    CHECK_ERROR(tern_untyped_retype(untyped, TERN_OBJECT_FRAME_4K, 0, ROOT_CNODE, slot,
                                    ROOT_DEPTH, 1),
                TERN_NOT_ENOUGH_MEMORY);
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, cnode, ROOT_DEPTH));
    CHECK_OK(tern_untyped_retype(untyped, TERN_OBJECT_FRAME_4K, 0, ROOT_CNODE, slot,
                                 ROOT_DEPTH, 1));
}

/* A CNode holding a capability to itself, unreachable once the root
 * task's capability is deleted, still goes with a Revoke of the untyped
 * it came from, and so does what it holds. */
static void cnode_cycle_goes_with_revoke(void)
{
    uint64_t untyped = object_new(TERN_OBJECT_UNTYPED, 12);
    uint64_t cnode = object_new_from(untyped, TERN_OBJECT_CNODE, 4);
    uint64_t inner = object_new_from(untyped, TERN_OBJECT_NOTIFICATION, 0);
    CHECK_OK(tern_cnode_move(cnode, 1, 4, ROOT_CNODE, inner, ROOT_DEPTH));
    CHECK_OK(tern_cnode_copy(cnode, 2, 4, ROOT_CNODE, cnode, ROOT_DEPTH, TERN_RIGHTS_ALL));
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, cnode, ROOT_DEPTH));
    CHECK(slot_is_empty(cnode));
    CHECK_OK(tern_cnode_revoke(ROOT_CNODE, untyped, ROOT_DEPTH));
    uint64_t slot = slot_new();
    CHECK_OK(tern_untyped_retype(untyped, TERN_OBJECT_UNTYPED, 12, ROOT_CNODE, slot,
                                 ROOT_DEPTH, 1));
}

/* Compare: the same object and badge is 0, whatever the rights or the
 * CNode; another badge or object 1 or 2, the reverse the other way. */
static void compare_object_and_badge(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t other = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t badged = cap_mint(endpoint, TERN_RIGHTS_ALL, 0x21);
    uint64_t copy = cap_copy(badged, TERN_RIGHT_WRITE);
    uint64_t second_badge = cap_mint(endpoint, TERN_RIGHTS_ALL, 0x22);
    uint64_t other_badged = cap_mint(other, TERN_RIGHTS_ALL, 0x21);
    uint64_t order = 99;
    CHECK_OK(tern_cnode_compare(ROOT_CNODE, badged, ROOT_DEPTH, ROOT_CNODE, copy, ROOT_DEPTH,
                                &order));
    CHECK_EQ(order, 0);
    uint64_t pairs[][2] = { { badged, second_badge }, { badged, other_badged },
                            { endpoint, badged } };
    for (unsigned i = 0; i < 3; i++) {
        uint64_t forward = 0, backward = 0;
        CHECK_OK(tern_cnode_compare(ROOT_CNODE, pairs[i][0], ROOT_DEPTH, ROOT_CNODE,
                                    pairs[i][1], ROOT_DEPTH, &forward));
        CHECK_OK(tern_cnode_compare(ROOT_CNODE, pairs[i][1], ROOT_DEPTH, ROOT_CNODE,
                                    pairs[i][0], ROOT_DEPTH, &backward));
        CHECK(forward == 1 || forward == 2);
        CHECK_EQ(forward + backward, 3);
    }
    uint64_t empty = slot_new();
    CHECK_ERROR(tern_cnode_compare(ROOT_CNODE, badged, ROOT_DEPTH, ROOT_CNODE, empty,
                                   ROOT_DEPTH, &order),
                TERN_FAILED_LOOKUP);
    CHECK_ERROR(tern_cnode_compare(ROOT_CNODE, badged, ROOT_DEPTH, endpoint, copy, ROOT_DEPTH,
                                   &order),
                TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_cnode_compare(ROOT_CNODE, badged, 65, ROOT_CNODE, copy, ROOT_DEPTH,
                                   &order),
                TERN_RANGE_ERROR);
}

const struct test_case cnode_tests[] = {
    { "copy_reaches_the_same_object", copy_reaches_the_same_object },
    { "mint_sets_the_badge", mint_sets_the_badge },
    { "badge_cannot_be_changed", badge_cannot_be_changed },
    { "rights_are_masked", rights_are_masked },
    { "copy_into_occupied_slot", copy_into_occupied_slot },
    { "copy_from_empty_slot", copy_from_empty_slot },
    { "bad_slot_addresses", bad_slot_addresses },
    { "wrong_capability_types", wrong_capability_types },
    { "uncopyable_capabilities", uncopyable_capabilities },
    { "move_empties_the_source", move_empties_the_source },
    { "mutate_sets_the_badge_while_moving", mutate_sets_the_badge_while_moving },
    { "delete_empties_the_slot", delete_empties_the_slot },
    { "revoke_deletes_derived_capabilities", revoke_deletes_derived_capabilities },
    { "revoke_is_limited_to_the_subtree", revoke_is_limited_to_the_subtree },
    { "deleting_last_capability_releases_waiters", deleting_last_capability_releases_waiters },
    { "guards_and_depths", guards_and_depths },
    { "deleting_a_cnode_deletes_its_contents", deleting_a_cnode_deletes_its_contents },
    { "cnode_cycle_goes_with_revoke", cnode_cycle_goes_with_revoke },
    { "compare_object_and_badge", compare_object_and_badge },
    TEST_SUITE_END,
};
