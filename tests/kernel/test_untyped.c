/* Untyped memory: Retype, its errors, and memory coming back. */
#include "ktest.h"

/* The boot info describes what the root task holds. */
static void boot_info_is_consistent(void)
{
    CHECK(boot_info->cpu_count >= 1);
    CHECK(boot_info->untyped_count >= 1);
    CHECK(boot_info->untyped_count <= TERN_BOOT_INFO_MAX_UNTYPED);
    CHECK(boot_info->empty_first < boot_info->empty_last);
    CHECK(boot_info->empty_last <= (1ULL << TERN_ROOT_CNODE_BITS));
    CHECK(boot_info->untyped_first >= TERN_SLOT_FIRST_FREE_FIXED);
    CHECK_EQ(boot_info->ipc_buffer, (uint64_t)tern_ipc_buffer());
    CHECK(boot_info->timer_frequency > 0);
    for (uint64_t i = 0; i < boot_info->untyped_count; i++) {
        const struct tern_untyped_description *u = &boot_info->untyped[i];
        CHECK(u->size_bits >= 12);
        if (u->physical_address & ((1ULL << u->size_bits) - 1))
            FAIL("untyped %lu at 0x%lx is not aligned to its size, 2^%u bytes", i,
                 u->physical_address, u->size_bits);
        CHECK(slot_holds(boot_info->untyped_first + i, TERN_OBJECT_UNTYPED));
    }
    /* The fixed slots hold what boot_info.h says. */
    CHECK(slot_holds(ROOT_TCB, TERN_OBJECT_TCB));
    CHECK(slot_holds(ROOT_CNODE, TERN_OBJECT_CNODE));
    CHECK(slot_holds(ROOT_VSPACE, TERN_OBJECT_VSPACE));
    CHECK(slot_holds(TERN_SLOT_IPC_BUFFER, TERN_OBJECT_FRAME_4K));
    CHECK(slot_holds(TERN_SLOT_BOOT_INFO, TERN_OBJECT_FRAME_4K));
    CHECK(slot_is_empty(TERN_SLOT_NULL));
    CHECK(slot_is_empty(boot_info->empty_last - 1));
}

/* One object of every type, each answering as its type. */
static void retype_every_type(void)
{
    static const struct {
        enum tern_object_type type;
        uint64_t size_bits;
    } kinds[] = {
        { TERN_OBJECT_UNTYPED, 16 },    { TERN_OBJECT_TCB, 0 },
        { TERN_OBJECT_ENDPOINT, 0 },    { TERN_OBJECT_NOTIFICATION, 0 },
        { TERN_OBJECT_CNODE, 4 },       { TERN_OBJECT_REPLY, 0 },
        { TERN_OBJECT_FRAME_4K, 0 },    { TERN_OBJECT_FRAME_2M, 0 },
        { TERN_OBJECT_PAGE_TABLE, 0 },  { TERN_OBJECT_PAGE_DIRECTORY, 0 },
        { TERN_OBJECT_VSPACE, 0 },
    };
    for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        uint64_t slot = object_new(kinds[i].type, kinds[i].size_bits);
        if (!slot_holds(slot, kinds[i].type))
            FAIL("object type %u does not answer as its type", kinds[i].type);
    }
}

/* count objects land in count consecutive slots, and no further. */
static void retype_fills_consecutive_slots(void)
{
    uint64_t first = slots_new(5);
    CHECK_OK(tern_untyped_retype(arena(), TERN_OBJECT_NOTIFICATION, 0, ROOT_CNODE, first,
                                 ROOT_DEPTH, 4));
    for (unsigned i = 0; i < 4; i++)
        CHECK(slot_holds(first + i, TERN_OBJECT_NOTIFICATION));
    CHECK(slot_is_empty(first + 4));
}

/* Frames come out aligned to their size and inside the untyped. */
static void retyped_frames_are_aligned_and_inside(void)
{
    uint64_t untyped = object_new(TERN_OBJECT_UNTYPED, 23);
    uint64_t small = object_new_from(untyped, TERN_OBJECT_FRAME_4K, 0);
    uint64_t large = object_new_from(untyped, TERN_OBJECT_FRAME_2M, 0);
    uint64_t small_address, large_address;
    CHECK_OK(tern_frame_get_address(small, &small_address));
    CHECK_OK(tern_frame_get_address(large, &large_address));
    CHECK_EQ(small_address & (PAGE_SIZE - 1), 0);
    CHECK_EQ(large_address & (LARGE_PAGE_SIZE - 1), 0);
    /* The 8 MiB child starts at the arena's base (its first object). */
    uint64_t base = arena_physical();
    CHECK(small_address >= base && small_address < base + (1ULL << 23));
    CHECK(large_address >= base && large_address + LARGE_PAGE_SIZE <= base + (1ULL << 23));
    /* The 2 MiB frame is placed past the 4 KiB one, rounded up. */
    CHECK(large_address > small_address);
}

/* The destination CNode argument must be a CNode. */
static void retype_into_non_cnode(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t slot = slot_new();
    CHECK_ERROR(tern_untyped_retype(arena(), TERN_OBJECT_ENDPOINT, 0, notification, slot,
                                    ROOT_DEPTH, 1),
                TERN_INVALID_CAPABILITY);
    CHECK(slot_is_empty(slot));
}

/* Retype invoked on something that is not an untyped. */
static void retype_on_non_untyped(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t slot = slot_new();
    CHECK_ERROR(tern_untyped_retype(notification, TERN_OBJECT_ENDPOINT, 0, ROOT_CNODE, slot,
                                    ROOT_DEPTH, 1),
                TERN_ILLEGAL_OPERATION);
    CHECK(slot_is_empty(slot));
}

static void retype_into_occupied_slot(void)
{
    uint64_t taken = object_new(TERN_OBJECT_NOTIFICATION, 0);
    CHECK_ERROR(tern_untyped_retype(arena(), TERN_OBJECT_ENDPOINT, 0, ROOT_CNODE, taken,
                                    ROOT_DEPTH, 1),
                TERN_DELETE_FIRST);
    CHECK(slot_holds(taken, TERN_OBJECT_NOTIFICATION));
    /* A range whose last slot is taken fails as a whole. */
    uint64_t first = slots_new(3);
    uint64_t last = first + 2;
    CHECK_OK(tern_untyped_retype(arena(), TERN_OBJECT_NOTIFICATION, 0, ROOT_CNODE, last,
                                 ROOT_DEPTH, 1));
    CHECK_ERROR(tern_untyped_retype(arena(), TERN_OBJECT_ENDPOINT, 0, ROOT_CNODE, first,
                                    ROOT_DEPTH, 3),
                TERN_DELETE_FIRST);
    CHECK(slot_is_empty(first));
    CHECK(slot_is_empty(first + 1));
}

/* Destination slots that do not exist. */
static void retype_bad_destination(void)
{
    uint64_t beyond = 1ULL << TERN_ROOT_CNODE_BITS;     /* slot 4096 of 4096 */
    CHECK_ERROR(tern_untyped_retype(arena(), TERN_OBJECT_ENDPOINT, 0, ROOT_CNODE, beyond,
                                    ROOT_DEPTH, 1),
                TERN_FAILED_LOOKUP);
    /* Depth 12 leaves the 52-bit guard unresolved: a depth mismatch. */
    uint64_t slot = slot_new();
    CHECK_ERROR(tern_untyped_retype(arena(), TERN_OBJECT_ENDPOINT, 0, ROOT_CNODE, slot,
                                    TERN_ROOT_CNODE_BITS, 1),
                TERN_FAILED_LOOKUP);
    /* Assumed (seL4): a depth over 64 is a range error. */
    CHECK_ERROR(tern_untyped_retype(arena(), TERN_OBJECT_ENDPOINT, 0, ROOT_CNODE, slot, 65, 1),
                TERN_RANGE_ERROR);
    /* Assumed: a range running off the end of the CNode is a range error. */
    CHECK_ERROR(tern_untyped_retype(arena(), TERN_OBJECT_ENDPOINT, 0, ROOT_CNODE, beyond - 1,
                                    ROOT_DEPTH, 2),
                TERN_RANGE_ERROR);
    CHECK(slot_is_empty(slot));
}

/* Arguments outside their valid sets. Assumed (seL4): an unknown type is
 * an invalid argument; a count of 0 or a size out of range a range error;
 * a message without all five arguments or the CNode cap truncated. */
static void retype_bad_arguments(void)
{
    uint64_t slot = slot_new();
    CHECK_ERROR(tern_untyped_retype(arena(), TERN_OBJECT_TYPE_COUNT, 0, ROOT_CNODE, slot,
                                    ROOT_DEPTH, 1),
                TERN_INVALID_ARGUMENT);
    CHECK_ERROR(tern_untyped_retype(arena(), TERN_OBJECT_IRQ_HANDLER, 0, ROOT_CNODE, slot,
                                    ROOT_DEPTH, 1),
                TERN_INVALID_ARGUMENT);
    CHECK_ERROR(tern_untyped_retype(arena(), TERN_OBJECT_ENDPOINT, 0, ROOT_CNODE, slot,
                                    ROOT_DEPTH, 0),
                TERN_RANGE_ERROR);
    CHECK_ERROR(tern_untyped_retype(arena(), TERN_OBJECT_CNODE, 0, ROOT_CNODE, slot,
                                    ROOT_DEPTH, 1),
                TERN_RANGE_ERROR);
    CHECK_ERROR(tern_untyped_retype(arena(), TERN_OBJECT_UNTYPED, 64, ROOT_CNODE, slot,
                                    ROOT_DEPTH, 1),
                TERN_RANGE_ERROR);
    const uint64_t args[] = { TERN_OBJECT_ENDPOINT, 0, slot, ROOT_DEPTH };
    const uint64_t caps[] = { ROOT_CNODE };
    CHECK_ERROR(tern_invoke(arena(), TERN_UNTYPED_RETYPE, args, 4, caps, 1, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    const uint64_t all_args[] = { TERN_OBJECT_ENDPOINT, 0, slot, ROOT_DEPTH, 1 };
    CHECK_ERROR(tern_invoke(arena(), TERN_UNTYPED_RETYPE, all_args, 5, 0, 0, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    CHECK(slot_is_empty(slot));
}

/* A small untyped runs out; a failed Retype makes nothing. */
static void exhausted_untyped(void)
{
    uint64_t untyped = object_new(TERN_OBJECT_UNTYPED, 16);     /* 16 pages */
    uint64_t first = slots_new(17);
    CHECK_ERROR(tern_untyped_retype(untyped, TERN_OBJECT_FRAME_4K, 0, ROOT_CNODE, first,
                                    ROOT_DEPTH, 17),
                TERN_NOT_ENOUGH_MEMORY);
    CHECK(slot_is_empty(first));
    CHECK_OK(tern_untyped_retype(untyped, TERN_OBJECT_FRAME_4K, 0, ROOT_CNODE, first,
                                 ROOT_DEPTH, 16));
    CHECK_ERROR(tern_untyped_retype(untyped, TERN_OBJECT_NOTIFICATION, 0, ROOT_CNODE,
                                    first + 16, ROOT_DEPTH, 1),
                TERN_NOT_ENOUGH_MEMORY);
    CHECK(slot_is_empty(first + 16));
    /* An object larger than the whole untyped. */
    uint64_t other = object_new(TERN_OBJECT_UNTYPED, 16);
    CHECK_ERROR(tern_untyped_retype(other, TERN_OBJECT_FRAME_2M, 0, ROOT_CNODE, first + 16,
                                    ROOT_DEPTH, 1),
                TERN_NOT_ENOUGH_MEMORY);
    CHECK_ERROR(tern_untyped_retype(other, TERN_OBJECT_UNTYPED, 17, ROOT_CNODE, first + 16,
                                    ROOT_DEPTH, 1),
                TERN_NOT_ENOUGH_MEMORY);
}

/* Revoking an untyped destroys what was made from it and gives the
 * memory back: the same objects fit again, at the same addresses. */
static void revoke_returns_memory(void)
{
    uint64_t untyped = object_new(TERN_OBJECT_UNTYPED, 14);     /* 4 pages */
    uint64_t first = slots_new(4);
    CHECK_OK(tern_untyped_retype(untyped, TERN_OBJECT_FRAME_4K, 0, ROOT_CNODE, first,
                                 ROOT_DEPTH, 4));
    uint64_t address_before;
    CHECK_OK(tern_frame_get_address(first, &address_before));
    CHECK_OK(tern_cnode_revoke(ROOT_CNODE, untyped, ROOT_DEPTH));
    for (unsigned i = 0; i < 4; i++)
        CHECK(slot_is_empty(first + i));
    CHECK_OK(tern_untyped_retype(untyped, TERN_OBJECT_FRAME_4K, 0, ROOT_CNODE, first,
                                 ROOT_DEPTH, 4));
    uint64_t address_after;
    CHECK_OK(tern_frame_get_address(first, &address_after));
    CHECK_EQ(address_after, address_before);
}

/* Deleting the last capability of every object made from an untyped also
 * gives the memory back (the untyped has no children left). */
static void deleting_every_child_returns_memory(void)
{
    uint64_t untyped = object_new(TERN_OBJECT_UNTYPED, 14);
    uint64_t first = slots_new(4);
    CHECK_OK(tern_untyped_retype(untyped, TERN_OBJECT_FRAME_4K, 0, ROOT_CNODE, first,
                                 ROOT_DEPTH, 4));
    for (unsigned i = 0; i < 4; i++)
        CHECK_OK(tern_cnode_delete(ROOT_CNODE, first + i, ROOT_DEPTH));
    CHECK_OK(tern_untyped_retype(untyped, TERN_OBJECT_FRAME_4K, 0, ROOT_CNODE, first,
                                 ROOT_DEPTH, 4));
    /* While one child remains, the rest does not come back. */
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, first, ROOT_DEPTH));
    CHECK_ERROR(tern_untyped_retype(untyped, TERN_OBJECT_FRAME_4K, 0, ROOT_CNODE, first,
                                    ROOT_DEPTH, 1),
                TERN_NOT_ENOUGH_MEMORY);
}

/* seL4's rule, which cnode.c documents: an untyped with children cannot
 * be copied, and after a copy only the copy allocates. */
static void copying_an_untyped(void)
{
    uint64_t untyped = object_new(TERN_OBJECT_UNTYPED, 14);
    uint64_t copy = cap_copy(untyped, TERN_RIGHTS_ALL);
    uint64_t slot = slot_new();
    CHECK_ERROR(tern_untyped_retype(untyped, TERN_OBJECT_FRAME_4K, 0, ROOT_CNODE, slot,
                                    ROOT_DEPTH, 1),
                TERN_NOT_ENOUGH_MEMORY);
    CHECK_OK(tern_untyped_retype(copy, TERN_OBJECT_FRAME_4K, 0, ROOT_CNODE, slot,
                                 ROOT_DEPTH, 1));
    uint64_t second = slot_new();
    CHECK_ERROR(tern_cnode_copy(ROOT_CNODE, second, ROOT_DEPTH, ROOT_CNODE, copy, ROOT_DEPTH,
                                TERN_RIGHTS_ALL),
                TERN_REVOKE_FIRST);
}

/* Objects come out zeroed: a frame reads as zeros, and a reused frame
 * too after its memory went back. */
static void frames_come_out_zeroed(void)
{
    uint64_t untyped = object_new(TERN_OBJECT_UNTYPED, 12);
    uint64_t frame = object_new_from(untyped, TERN_OBJECT_FRAME_4K, 0);
    uint64_t address = va_new(1, false);
    CHECK_OK(map_frame(ROOT_VSPACE, frame, address, RIGHTS_RW));
    volatile uint64_t *words = (volatile uint64_t *)address;
    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        CHECK_EQ(words[i], 0);
    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        words[i] = 0x5a5a5a5a00000000ULL | i;
    CHECK_OK(tern_cnode_revoke(ROOT_CNODE, untyped, ROOT_DEPTH));
    frame = object_new_from(untyped, TERN_OBJECT_FRAME_4K, 0);
    CHECK_OK(map_frame(ROOT_VSPACE, frame, address, RIGHTS_RW));
    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        CHECK_EQ(words[i], 0);
}

const struct test_case untyped_tests[] = {
    { "boot_info_is_consistent", boot_info_is_consistent },
    { "retype_every_type", retype_every_type },
    { "retype_fills_consecutive_slots", retype_fills_consecutive_slots },
    { "retyped_frames_are_aligned_and_inside", retyped_frames_are_aligned_and_inside },
    { "retype_into_non_cnode", retype_into_non_cnode },
    { "retype_on_non_untyped", retype_on_non_untyped },
    { "retype_into_occupied_slot", retype_into_occupied_slot },
    { "retype_bad_destination", retype_bad_destination },
    { "retype_bad_arguments", retype_bad_arguments },
    { "exhausted_untyped", exhausted_untyped },
    { "revoke_returns_memory", revoke_returns_memory },
    { "deleting_every_child_returns_memory", deleting_every_child_returns_memory },
    { "copying_an_untyped", copying_an_untyped },
    { "frames_come_out_zeroed", frames_come_out_zeroed },
    TEST_SUITE_END,
};
