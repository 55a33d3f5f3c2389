/* procmgr's region map: mmap, munmap, mprotect and brk bookkeeping, with
 * the pieces it reports for procmgr to unmap or re-protect. */
#include "address_map.h"
#include "check.h"
#include "sys/linux_abi.h"
#include "sys/linux_process.h"

#define PAGE 0x1000ULL
#define RW (LINUX_PROT_READ | LINUX_PROT_WRITE)
#define RX (LINUX_PROT_READ | LINUX_PROT_EXEC)
#define R LINUX_PROT_READ

static struct address_map map;
static struct address_map other;

struct change { struct region old; uint64_t start, end; };
static struct change changes[16];
static unsigned change_count;

static void record(void *context, const struct region *old, uint64_t start, uint64_t end)
{
    (void)context;
    if (change_count < 16)
        changes[change_count] = (struct change){ *old, start, end };
    change_count++;
}

static void reset(void)
{
    address_map_release(&map);     /* the last test's table */
    address_map_init(&map);
    change_count = 0;
}

static struct region private_region(uint64_t start, uint64_t end, unsigned prot)
{
    return (struct region){ .start = start, .end = end, .prot = prot, .kind = REGION_PRIVATE };
}

static struct region shared_region(uint64_t start, uint64_t end, uint64_t object, uint64_t offset)
{
    return (struct region){ .start = start, .end = end, .prot = RW, .kind = REGION_SHARED,
                            .object = object, .object_offset = offset };
}

static int insert(struct region region)
{
    return address_map_insert(&map, &region, record, NULL);
}

static void check_region(unsigned index, uint64_t start, uint64_t end, unsigned prot)
{
    CHECK(index < map.count);
    if (index >= map.count)
        return;
    CHECK_EQ_U64(map.regions[index].start, start);
    CHECK_EQ_U64(map.regions[index].end, end);
    CHECK_EQ_U64(map.regions[index].prot, prot);
}

static void check_change(unsigned index, uint64_t start, uint64_t end, unsigned old_prot)
{
    CHECK(index < change_count);
    if (index >= change_count)
        return;
    CHECK_EQ_U64(changes[index].start, start);
    CHECK_EQ_U64(changes[index].end, end);
    CHECK_EQ_U64(changes[index].old.prot, old_prot);
}

/* --- lookup and insert --------------------------------------------------- */

static void empty_map_holds_nothing(void)
{
    reset();
    CHECK_EQ_U64(map.count, 0);
    CHECK(address_map_lookup(&map, 0x400000) == NULL);
    CHECK(address_map_is_free(&map, 0x10000, LINUX_MMAP_TOP - 0x10000));
}

static void lookup_finds_start_but_not_end(void)
{
    reset();
    CHECK_EQ_U64(insert(private_region(0x400000, 0x402000, RX)), 0);
    CHECK(address_map_lookup(&map, 0x400000) == &map.regions[0]);
    CHECK(address_map_lookup(&map, 0x401fff) == &map.regions[0]);
    CHECK(address_map_lookup(&map, 0x402000) == NULL);
    CHECK(address_map_lookup(&map, 0x3fffff) == NULL);
}

static void regions_stay_sorted(void)
{
    reset();
    insert(private_region(0x800000, 0x801000, R));
    insert(private_region(0x400000, 0x401000, R));
    insert(private_region(0x600000, 0x601000, R));
    CHECK_EQ_U64(map.count, 3);
    check_region(0, 0x400000, 0x401000, R);
    check_region(1, 0x600000, 0x601000, R);
    check_region(2, 0x800000, 0x801000, R);
    CHECK(address_map_lookup(&map, 0x600800) == &map.regions[1]);
}

/* The program's own pages (image) merge only with the image's pages that
 * follow them in the file, never with anonymous ones, and a split keeps
 * the offset maps shows. */
static void image_regions_merge_along_the_file_only(void)
{
    reset();
    struct region text = private_region(0x400000, 0x402000, RW);
    text.image = true;
    text.object_offset = 0;
    struct region more = private_region(0x402000, 0x403000, RW);
    more.image = true;
    more.object_offset = 0x2000;
    insert(text);
    insert(more);
    CHECK_EQ_U64(map.count, 1);
    check_region(0, 0x400000, 0x403000, RW);
    insert(private_region(0x403000, 0x404000, RW));     /* bss: anonymous */
    CHECK_EQ_U64(map.count, 2);
    struct region elsewhere = private_region(0x404000, 0x405000, RW);
    elsewhere.image = true;
    elsewhere.object_offset = 0x9000;                   /* not where the file goes on */
    insert(elsewhere);
    CHECK_EQ_U64(map.count, 3);
    CHECK_EQ_U64(address_map_protect(&map, 0x401000, 0x1000, R, record, NULL), 0);
    CHECK_EQ_U64(map.count, 5);
    CHECK(map.regions[1].image && map.regions[1].object_offset == 0x1000);
    CHECK(map.regions[2].image && map.regions[2].object_offset == 0x2000);
}

static void unaligned_or_empty_insert_is_einval(void)
{
    reset();
    CHECK_EQ_U64(insert(private_region(0x400010, 0x401000, R)), -LINUX_EINVAL);
    CHECK_EQ_U64(insert(private_region(0x400000, 0x400800, R)), -LINUX_EINVAL);
    CHECK_EQ_U64(insert(private_region(0x400000, 0x400000, R)), -LINUX_EINVAL);
    CHECK_EQ_U64(insert(private_region(0x401000, 0x400000, R)), -LINUX_EINVAL);
    CHECK_EQ_U64(map.count, 0);
}

static void adjacent_private_regions_with_equal_prot_merge(void)
{
    reset();
    insert(private_region(0x400000, 0x401000, RW));
    insert(private_region(0x402000, 0x403000, RW));
    insert(private_region(0x401000, 0x402000, RW));
    CHECK_EQ_U64(map.count, 1);
    check_region(0, 0x400000, 0x403000, RW);
    CHECK_EQ_U64(change_count, 0);
}

static void different_prot_or_kind_does_not_merge(void)
{
    reset();
    insert(private_region(0x400000, 0x401000, RW));
    insert(private_region(0x401000, 0x402000, R));
    struct region heap = private_region(0x402000, 0x403000, RW);
    heap.kind = REGION_HEAP;
    insert(heap);
    CHECK_EQ_U64(map.count, 3);
}

static void shared_regions_merge_only_at_contiguous_offsets(void)
{
    reset();
    insert(shared_region(0x400000, 0x401000, 7, 0));
    insert(shared_region(0x401000, 0x402000, 7, 0x1000));
    CHECK_EQ_U64(map.count, 1);
    insert(shared_region(0x402000, 0x403000, 7, 0x5000));
    insert(shared_region(0x403000, 0x404000, 8, 0x6000));
    CHECK_EQ_U64(map.count, 3);
}

static void private_regions_of_a_file_merge_only_at_contiguous_offsets(void)
{
    reset();
    struct region file = private_region(0x400000, 0x401000, RW);
    file.object = 7;
    insert(file);
    file = (struct region){ .start = 0x401000, .end = 0x402000, .prot = RW, .object = 7,
                            .object_offset = 0x1000 };
    insert(file);
    CHECK_EQ_U64(map.count, 1);
    /* Anonymous memory next to it is not the file's. */
    insert(private_region(0x402000, 0x403000, RW));
    CHECK_EQ_U64(map.count, 2);
    file.start = 0x403000, file.end = 0x404000, file.object_offset = 0x9000;
    insert(file);
    CHECK_EQ_U64(map.count, 3);
}

static void write_forbidden_regions_merge_only_with_their_like(void)
{
    reset();
    struct region writable = shared_region(0x400000, 0x401000, 7, 0);
    writable.prot = R;
    struct region forbidden = shared_region(0x401000, 0x402000, 7, 0x1000);
    forbidden.prot = R;
    forbidden.write_forbidden = true;
    insert(writable);
    insert(forbidden);
    CHECK_EQ_U64(map.count, 2);
}

static void insert_over_the_middle_splits_and_reports(void)
{
    reset();
    insert(private_region(0x400000, 0x410000, RW));
    CHECK_EQ_U64(insert(private_region(0x404000, 0x406000, R)), 0);
    CHECK_EQ_U64(map.count, 3);
    check_region(0, 0x400000, 0x404000, RW);
    check_region(1, 0x404000, 0x406000, R);
    check_region(2, 0x406000, 0x410000, RW);
    CHECK_EQ_U64(change_count, 1);
    check_change(0, 0x404000, 0x406000, RW);
}

static void insert_over_several_regions_reports_each_piece(void)
{
    reset();
    insert(private_region(0x400000, 0x402000, R));
    insert(private_region(0x403000, 0x404000, RW));
    insert(private_region(0x405000, 0x407000, R));
    CHECK_EQ_U64(insert(private_region(0x401000, 0x406000, RX)), 0);
    CHECK_EQ_U64(map.count, 3);
    check_region(0, 0x400000, 0x401000, R);
    check_region(1, 0x401000, 0x406000, RX);
    check_region(2, 0x406000, 0x407000, R);
    CHECK_EQ_U64(change_count, 3);
    check_change(0, 0x401000, 0x402000, R);
    check_change(1, 0x403000, 0x404000, RW);
    check_change(2, 0x405000, 0x406000, R);
}

static void replacing_a_shared_piece_reports_its_object_offset(void)
{
    reset();
    insert(shared_region(0x400000, 0x404000, 9, 0x10000));
    CHECK_EQ_U64(insert(private_region(0x402000, 0x403000, RW)), 0);
    CHECK_EQ_U64(change_count, 1);
    CHECK_EQ_U64(changes[0].old.object, 9);
    CHECK_EQ_U64(changes[0].old.object_offset + (changes[0].start - changes[0].old.start),
                 0x12000);
    /* The upper remainder starts further into the object. */
    CHECK_EQ_U64(map.regions[2].object_offset, 0x13000);
}

/* --- remove (munmap) ----------------------------------------------------- */

static void remove_from_the_middle_splits(void)
{
    reset();
    insert(private_region(0x400000, 0x410000, RW));
    CHECK_EQ_U64(address_map_remove(&map, 0x404000, 0x2000, record, NULL), 0);
    CHECK_EQ_U64(map.count, 2);
    check_region(0, 0x400000, 0x404000, RW);
    check_region(1, 0x406000, 0x410000, RW);
    CHECK_EQ_U64(change_count, 1);
    check_change(0, 0x404000, 0x406000, RW);
}

static void remove_over_holes_reports_only_mapped_pieces(void)
{
    reset();
    insert(private_region(0x400000, 0x402000, R));
    insert(private_region(0x404000, 0x406000, RW));
    CHECK_EQ_U64(address_map_remove(&map, 0x401000, 0x4000, record, NULL), 0);
    CHECK_EQ_U64(map.count, 2);
    check_region(0, 0x400000, 0x401000, R);
    check_region(1, 0x405000, 0x406000, RW);
    CHECK_EQ_U64(change_count, 2);
    check_change(0, 0x401000, 0x402000, R);
    check_change(1, 0x404000, 0x405000, RW);
}

static void remove_of_nothing_succeeds(void)
{
    reset();
    insert(private_region(0x400000, 0x401000, R));
    CHECK_EQ_U64(address_map_remove(&map, 0x500000, 0x1000, record, NULL), 0);
    CHECK_EQ_U64(map.count, 1);
    CHECK_EQ_U64(change_count, 0);
}

static void remove_rounds_the_length_up_to_pages(void)
{
    reset();
    insert(private_region(0x400000, 0x404000, R));
    CHECK_EQ_U64(address_map_remove(&map, 0x400000, 0x1001, record, NULL), 0);
    check_region(0, 0x402000, 0x404000, R);
}

static void remove_whole_regions(void)
{
    reset();
    insert(private_region(0x400000, 0x401000, R));
    insert(private_region(0x402000, 0x403000, R));
    CHECK_EQ_U64(address_map_remove(&map, 0x400000, 0x3000, record, NULL), 0);
    CHECK_EQ_U64(map.count, 0);
    CHECK_EQ_U64(change_count, 2);
}

static void remove_with_bad_range_is_einval(void)
{
    reset();
    CHECK_EQ_U64(address_map_remove(&map, 0x400010, 0x1000, record, NULL), -LINUX_EINVAL);
    CHECK_EQ_U64(address_map_remove(&map, 0x400000, 0, record, NULL), -LINUX_EINVAL);
    CHECK_EQ_U64(address_map_remove(&map, 0x400000, UINT64_MAX - 0x100, record, NULL),
                 -LINUX_EINVAL);
}

/* --- protect (mprotect) -------------------------------------------------- */

static void protect_the_middle_splits_into_three(void)
{
    reset();
    insert(private_region(0x400000, 0x404000, RW));
    CHECK_EQ_U64(address_map_protect(&map, 0x401000, 0x2000, R, record, NULL), 0);
    CHECK_EQ_U64(map.count, 3);
    check_region(0, 0x400000, 0x401000, RW);
    check_region(1, 0x401000, 0x403000, R);
    check_region(2, 0x403000, 0x404000, RW);
    CHECK_EQ_U64(change_count, 1);
    check_change(0, 0x401000, 0x403000, RW);
}

static void protect_back_merges_again(void)
{
    reset();
    insert(private_region(0x400000, 0x404000, RW));
    address_map_protect(&map, 0x401000, 0x2000, R, record, NULL);
    CHECK_EQ_U64(address_map_protect(&map, 0x401000, 0x2000, RW, record, NULL), 0);
    CHECK_EQ_U64(map.count, 1);
    check_region(0, 0x400000, 0x404000, RW);
}

static void protect_with_unchanged_prot_reports_nothing(void)
{
    reset();
    insert(private_region(0x400000, 0x404000, RW));
    CHECK_EQ_U64(address_map_protect(&map, 0x401000, 0x1000, RW, record, NULL), 0);
    CHECK_EQ_U64(map.count, 1);
    CHECK_EQ_U64(change_count, 0);
}

static void protect_across_adjacent_regions(void)
{
    reset();
    insert(private_region(0x400000, 0x402000, R));
    insert(private_region(0x402000, 0x404000, RW));
    CHECK_EQ_U64(address_map_protect(&map, 0x401000, 0x2000, RX, record, NULL), 0);
    CHECK_EQ_U64(map.count, 3);
    check_region(0, 0x400000, 0x401000, R);
    check_region(1, 0x401000, 0x403000, RX);
    check_region(2, 0x403000, 0x404000, RW);
    CHECK_EQ_U64(change_count, 2);
    check_change(0, 0x401000, 0x402000, R);
    check_change(1, 0x402000, 0x403000, RW);
}

static void protect_over_a_hole_is_enomem_and_changes_nothing(void)
{
    reset();
    insert(private_region(0x400000, 0x401000, RW));
    insert(private_region(0x402000, 0x403000, RW));
    CHECK_EQ_U64(address_map_protect(&map, 0x400000, 0x3000, R, record, NULL), -LINUX_ENOMEM);
    CHECK_EQ_U64(address_map_protect(&map, 0x500000, 0x1000, R, record, NULL), -LINUX_ENOMEM);
    CHECK_EQ_U64(address_map_protect(&map, 0x3ff000, 0x2000, R, record, NULL), -LINUX_ENOMEM);
    CHECK_EQ_U64(map.count, 2);
    check_region(0, 0x400000, 0x401000, RW);
    CHECK_EQ_U64(change_count, 0);
}

static void protect_adding_write_where_it_is_forbidden_is_eacces(void)
{
    reset();
    struct region forbidden = shared_region(0x401000, 0x402000, 7, 0);
    forbidden.prot = R;
    forbidden.write_forbidden = true;
    insert(private_region(0x400000, 0x401000, R));
    insert(forbidden);
    change_count = 0;
    CHECK_EQ_U64(address_map_protect(&map, 0x400000, 0x2000, RW, record, NULL), -LINUX_EACCES);
    CHECK_EQ_U64(change_count, 0);
    check_region(0, 0x400000, 0x401000, R);     /* nothing changed, not even the first */
    /* Any other protection is fine. */
    CHECK_EQ_U64(address_map_protect(&map, 0x401000, 0x1000, R | LINUX_PROT_EXEC, record, NULL),
                 0);
    CHECK_EQ_U64(address_map_protect(&map, 0x401000, 0x1000, LINUX_PROT_NONE, record, NULL), 0);
}

static void protect_a_whole_region_merges_with_neighbours(void)
{
    reset();
    insert(private_region(0x400000, 0x401000, R));
    insert(private_region(0x401000, 0x402000, RW));
    insert(private_region(0x402000, 0x403000, R));
    CHECK_EQ_U64(address_map_protect(&map, 0x401000, 0x1000, R, record, NULL), 0);
    CHECK_EQ_U64(map.count, 1);
    check_region(0, 0x400000, 0x403000, R);
}

/* --- the table's storage --------------------------------------------------- */

extern bool address_map_storage_refused;        /* address_map_storage.c */

/* The table starts empty and doubles as regions come; without memory
 * for a bigger one, what needs it is refused and nothing changes. */
static void the_table_grows_and_without_memory_refuses(void)
{
    reset();
    CHECK_EQ_U64(map.capacity, 0);
    for (uint64_t i = 0; i < 100; i++)
        CHECK_EQ_U64(insert(private_region(0x400000 + i * 2 * PAGE, 0x400000 + i * 2 * PAGE + PAGE,
                                           RW)), 0);
    CHECK_EQ_U64(map.count, 100);
    CHECK(map.capacity >= 100 && map.capacity < 256);
    check_region(99, 0x400000 + 198 * PAGE, 0x400000 + 199 * PAGE, RW);
    while (map.count < map.capacity)
        insert(private_region(0x400000 + map.count * 2 * PAGE,
                              0x400000 + map.count * 2 * PAGE + PAGE, RW));
    address_map_storage_refused = true;
    unsigned count = map.count;
    change_count = 0;
    CHECK_EQ_U64(insert(private_region(0x100000, 0x101000, R)), -LINUX_ENOMEM);
    CHECK_EQ_U64(address_map_remove(&map, 0x400000, 4 * PAGE, record, NULL), 0);   /* no split */
    CHECK_EQ_U64(map.count, count - 2);
    struct address_map copy;
    CHECK(!address_map_copy(&copy, &map));
    CHECK_EQ_U64(copy.count, 0);
    address_map_storage_refused = false;
}

/* --- a full table -------------------------------------------------------- */

/* Fills the table with one-page regions two pages apart. */
static void fill(void)
{
    reset();
    for (uint64_t i = 0; i < ADDRESS_MAP_MAX_REGIONS; i++)
        insert(private_region(0x400000 + i * 2 * PAGE, 0x400000 + i * 2 * PAGE + PAGE, RW));
}

static void full_table_refuses_a_new_region(void)
{
    fill();
    CHECK_EQ_U64(map.count, ADDRESS_MAP_MAX_REGIONS);
    CHECK_EQ_U64(insert(private_region(0x100000, 0x101000, R)), -LINUX_ENOMEM);
    CHECK_EQ_U64(map.count, ADDRESS_MAP_MAX_REGIONS);
    CHECK_EQ_U64(change_count, 0);
}

static void full_table_accepts_a_replacement(void)
{
    fill();
    CHECK_EQ_U64(insert(private_region(0x400000, 0x401000, R)), 0);
    CHECK_EQ_U64(map.count, ADDRESS_MAP_MAX_REGIONS);
    /* One region over three old ones frees two entries. */
    CHECK_EQ_U64(insert(private_region(0x402000, 0x407000, R)), 0);
    CHECK_EQ_U64(map.count, ADDRESS_MAP_MAX_REGIONS - 2);
}

static void full_table_refuses_a_splitting_unmap(void)
{
    fill();
    insert(private_region(0x400000, 0x403000, RW));   /* merges two: one entry free */
    insert(private_region(0x100000, 0x101000, R));    /* full again */
    CHECK_EQ_U64(address_map_remove(&map, 0x401000, PAGE, record, NULL), -LINUX_ENOMEM);
    CHECK_EQ_U64(address_map_remove(&map, 0x400000, PAGE, record, NULL), 0);
}

static void full_table_refuses_a_splitting_mprotect(void)
{
    fill();
    insert(private_region(0x400000, 0x403000, RW));
    insert(private_region(0x100000, 0x101000, R));
    change_count = 0;
    CHECK_EQ_U64(address_map_protect(&map, 0x401000, PAGE, R, record, NULL), -LINUX_ENOMEM);
    check_region(1, 0x400000, 0x403000, RW);
    CHECK_EQ_U64(change_count, 0);
    CHECK_EQ_U64(address_map_protect(&map, 0x404000, PAGE, R, record, NULL), 0);
}

/* --- finding room -------------------------------------------------------- */

static void find_free_takes_the_highest_range(void)
{
    reset();
    CHECK_EQ_U64(address_map_find_free(&map, 0x3000, LINUX_MMAP_TOP), LINUX_MMAP_TOP - 0x3000);
}

static void find_free_rounds_the_length_up(void)
{
    reset();
    CHECK_EQ_U64(address_map_find_free(&map, 1, LINUX_MMAP_TOP), LINUX_MMAP_TOP - PAGE);
}

static void find_free_skips_mapped_ranges(void)
{
    reset();
    uint64_t top = LINUX_MMAP_TOP;
    insert(private_region(top - 0x2000, top, RW));
    insert(private_region(top - 0x5000, top - 0x3000, RW));
    CHECK_EQ_U64(address_map_find_free(&map, 0x1000, top), top - 0x3000);
    CHECK_EQ_U64(address_map_find_free(&map, 0x2000, top), top - 0x7000);
}

static void find_free_stays_below_the_limit(void)
{
    reset();
    insert(private_region(0x10000000, 0x10001000, RW));
    CHECK_EQ_U64(address_map_find_free(&map, 0x1000, 0x10000800), 0xffff000);
}

static void find_free_keeps_the_heap_reserve(void)
{
    reset();
    map.brk_start = map.brk = 0x500000;
    uint64_t floor = 0x500000 + ADDRESS_MAP_HEAP_RESERVE;
    CHECK_EQ_U64(address_map_find_free(&map, 0x2000, floor + 0x2000), floor);
    CHECK_EQ_U64(address_map_find_free(&map, 0x3000, floor + 0x2000), 0);
    insert(private_region(floor + 0x1000, floor + 0x2000, R));
    CHECK_EQ_U64(address_map_find_free(&map, 0x2000, floor + 0x4000), floor + 0x2000);
    CHECK_EQ_U64(address_map_find_free(&map, 0x3000, floor + 0x4000), 0);
}

static void find_free_without_room_is_zero(void)
{
    reset();
    insert(private_region(ADDRESS_MAP_LOWEST, LINUX_MMAP_TOP, RW));
    CHECK_EQ_U64(address_map_find_free(&map, 0x1000, LINUX_MMAP_TOP), 0);
    CHECK_EQ_U64(address_map_find_free(&map, 0, LINUX_MMAP_TOP), 0);
}

static void place_uses_a_free_hint(void)
{
    reset();
    CHECK_EQ_U64(address_map_place(&map, 0x20000000, 0x2000), 0x20000000);
    CHECK_EQ_U64(address_map_place(&map, 0x20000010, 0x2000), 0x20001000);
}

static void place_ignores_a_taken_or_bad_hint(void)
{
    reset();
    insert(private_region(0x20000000, 0x20001000, RW));
    CHECK_EQ_U64(address_map_place(&map, 0x1fffff000, 0x2000), 0x1fffff000);
    CHECK_EQ_U64(address_map_place(&map, 0x1ffff000, 0x2000), LINUX_MMAP_TOP - 0x2000);
    CHECK_EQ_U64(address_map_place(&map, 0, 0x2000), LINUX_MMAP_TOP - 0x2000);
    CHECK_EQ_U64(address_map_place(&map, 0x1000, 0x2000), LINUX_MMAP_TOP - 0x2000);
    CHECK_EQ_U64(address_map_place(&map, LINUX_MMAP_TOP - 0x1000, 0x2000),
                 LINUX_MMAP_TOP - 0x2000);
}

static void is_free_sees_any_overlap(void)
{
    reset();
    insert(private_region(0x400000, 0x402000, RW));
    CHECK(address_map_is_free(&map, 0x3fe000, 0x2000));
    CHECK(!address_map_is_free(&map, 0x3fe000, 0x3000));
    CHECK(!address_map_is_free(&map, 0x401000, 0x1000));
    CHECK(address_map_is_free(&map, 0x402000, 0x1000));
}

/* --- brk ----------------------------------------------------------------- */

static void start_heap(void)
{
    reset();
    map.brk_start = map.brk = 0x420000;
}

static void brk_grows_a_read_write_heap(void)
{
    start_heap();
    CHECK_EQ_U64(address_map_set_brk(&map, 0x421800, record, NULL), 0x421800);
    CHECK_EQ_U64(map.brk, 0x421800);
    CHECK_EQ_U64(map.count, 1);
    check_region(0, 0x420000, 0x422000, RW);
    CHECK_EQ_U64(map.regions[0].kind, REGION_HEAP);
    CHECK_EQ_U64(address_map_set_brk(&map, 0x425000, record, NULL), 0x425000);
    CHECK_EQ_U64(map.count, 1);
    check_region(0, 0x420000, 0x425000, RW);
}

static void brk_within_the_same_page_maps_nothing_new(void)
{
    start_heap();
    address_map_set_brk(&map, 0x420010, record, NULL);
    CHECK_EQ_U64(address_map_set_brk(&map, 0x420ff0, record, NULL), 0x420ff0);
    CHECK_EQ_U64(map.count, 1);
    check_region(0, 0x420000, 0x421000, RW);
}

static void brk_shrinks_and_reports_removed_pages(void)
{
    start_heap();
    address_map_set_brk(&map, 0x425000, record, NULL);
    CHECK_EQ_U64(address_map_set_brk(&map, 0x421010, record, NULL), 0x421010);
    check_region(0, 0x420000, 0x422000, RW);
    CHECK_EQ_U64(change_count, 1);
    check_change(0, 0x422000, 0x425000, RW);
    CHECK_EQ_U64(address_map_set_brk(&map, 0x420000, record, NULL), 0x420000);
    CHECK_EQ_U64(map.count, 0);
}

static void brk_zero_or_below_start_returns_the_current_break(void)
{
    start_heap();
    address_map_set_brk(&map, 0x423000, record, NULL);
    CHECK_EQ_U64(address_map_set_brk(&map, 0, record, NULL), 0x423000);
    CHECK_EQ_U64(address_map_set_brk(&map, 0x41f000, record, NULL), 0x423000);
    CHECK_EQ_U64(map.count, 1);
}

static void brk_into_another_region_fails(void)
{
    start_heap();
    insert(private_region(0x430000, 0x431000, RW));
    CHECK_EQ_U64(address_map_set_brk(&map, 0x430001, record, NULL), 0x420000);
    /* Linux also keeps a page between the break and the next mapping. */
    CHECK_EQ_U64(address_map_set_brk(&map, 0x42f001, record, NULL), 0x420000);
    CHECK_EQ_U64(address_map_set_brk(&map, 0x42f000, record, NULL), 0x42f000);
    CHECK_EQ_U64(map.count, 2);
}

static void brk_above_the_mmap_top_fails(void)
{
    start_heap();
    CHECK_EQ_U64(address_map_set_brk(&map, LINUX_MMAP_TOP + 1, record, NULL), 0x420000);
    CHECK_EQ_U64(address_map_set_brk(&map, UINT64_MAX, record, NULL), 0x420000);
}

static void brk_without_a_heap_does_nothing(void)
{
    reset();
    CHECK_EQ_U64(address_map_set_brk(&map, 0x500000, record, NULL), 0);
    CHECK_EQ_U64(map.count, 0);
}

/* --- fork ---------------------------------------------------------------- */

static void copy_is_independent(void)
{
    start_heap();
    insert(private_region(0x400000, 0x401000, RX));
    address_map_set_brk(&map, 0x421000, record, NULL);
    CHECK(address_map_copy(&other, &map));
    CHECK_EQ_U64(other.count, 2);
    CHECK_EQ_U64(other.brk_start, 0x420000);
    CHECK_EQ_U64(other.brk, 0x421000);
    address_map_remove(&map, 0x400000, 0x1000, NULL, NULL);
    CHECK(address_map_lookup(&other, 0x400000) != NULL);
}

/* --- system call argument checks ----------------------------------------- */

static void mmap_checks_follow_linux(void)
{
    uint64_t length = 0;
    uint64_t private_anonymous = LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS;
    CHECK_EQ_U64(address_map_check_mmap(0, 1, private_anonymous, 0, &length), 0);
    CHECK_EQ_U64(length, PAGE);
    CHECK_EQ_U64(address_map_check_mmap(0, 0, private_anonymous, 0, &length), -LINUX_EINVAL);
    CHECK_EQ_U64(address_map_check_mmap(0, PAGE, LINUX_MAP_SHARED, 0x10, &length), -LINUX_EINVAL);
    CHECK_EQ_U64(address_map_check_mmap(0, UINT64_MAX, private_anonymous, 0, &length),
                 -LINUX_ENOMEM);
    CHECK_EQ_U64(address_map_check_mmap(0, PAGE, LINUX_MAP_ANONYMOUS, 0, &length), -LINUX_EINVAL);
    CHECK_EQ_U64(address_map_check_mmap(0, PAGE, LINUX_MAP_SHARED_VALIDATE, 0, &length), 0);
}

static void mmap_fixed_checks_the_address(void)
{
    uint64_t length = 0;
    uint64_t fixed = LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS | LINUX_MAP_FIXED;
    uint64_t noreplace = LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS | LINUX_MAP_FIXED_NOREPLACE;
    CHECK_EQ_U64(address_map_check_mmap(0x400000, PAGE, fixed, 0, &length), 0);
    CHECK_EQ_U64(address_map_check_mmap(0x400010, PAGE, fixed, 0, &length), -LINUX_EINVAL);
    CHECK_EQ_U64(address_map_check_mmap(0x400010, PAGE, noreplace, 0, &length), -LINUX_EINVAL);
    CHECK_EQ_U64(address_map_check_mmap(LINUX_MMAP_TOP - PAGE, PAGE, fixed, 0, &length), 0);
    CHECK_EQ_U64(address_map_check_mmap(LINUX_MMAP_TOP, PAGE, fixed, 0, &length), -LINUX_ENOMEM);
    CHECK_EQ_U64(address_map_check_mmap(0x400000, LINUX_MMAP_TOP, fixed, 0, &length),
                 -LINUX_ENOMEM);
    /* A hint is only a hint: unaligned or high is fine without MAP_FIXED. */
    CHECK_EQ_U64(address_map_check_mmap(UINT64_MAX - 5, PAGE, LINUX_MAP_PRIVATE, 0, &length), 0);
}

static void munmap_checks_follow_linux(void)
{
    CHECK_EQ_U64(address_map_check_munmap(0x400000, 1), 0);
    CHECK_EQ_U64(address_map_check_munmap(0x400010, PAGE), -LINUX_EINVAL);
    CHECK_EQ_U64(address_map_check_munmap(0x400000, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(address_map_check_munmap(LINUX_MMAP_TOP - PAGE, 2 * PAGE), -LINUX_EINVAL);
    CHECK_EQ_U64(address_map_check_munmap(LINUX_MMAP_TOP + PAGE, PAGE), -LINUX_EINVAL);
    CHECK_EQ_U64(address_map_check_munmap(0x400000, UINT64_MAX), -LINUX_EINVAL);
}

static void mprotect_checks_follow_linux(void)
{
    uint64_t end = 1;
    CHECK_EQ_U64(address_map_check_mprotect(0x400000, 1, R, &end), 0);
    CHECK_EQ_U64(end, 0x401000);
    CHECK_EQ_U64(address_map_check_mprotect(0x400000, 0, R, &end), 0);
    CHECK_EQ_U64(end, 0x400000);
    CHECK_EQ_U64(address_map_check_mprotect(0x400010, PAGE, R, &end), -LINUX_EINVAL);
    CHECK_EQ_U64(address_map_check_mprotect(0x400000, PAGE, 0x8, &end), -LINUX_EINVAL);
    CHECK_EQ_U64(address_map_check_mprotect(0x400000, UINT64_MAX, R, &end), -LINUX_ENOMEM);
    CHECK_EQ_U64(address_map_check_mprotect(0x400000, UINT64_MAX - 0x500000, R, &end),
                 -LINUX_ENOMEM);
    CHECK_EQ_U64(address_map_check_mprotect(LINUX_MMAP_TOP, PAGE, R, &end), -LINUX_ENOMEM);
}

/* RLIMIT_AS: what is mapped, less what a new mapping replaces, plus the
 * new one, stays within the limit; the heap counts too. */
static void the_limit_bounds_what_is_mapped(void)
{
    reset();
    CHECK(address_map_may_map(&map, 0x400000, 1ULL << 40, false));    /* no limit yet */
    map.limit = 0x10000;                                        /* 16 pages */
    CHECK_EQ_U64(insert(private_region(0x400000, 0x40c000, R)), 0);    /* 12 */
    CHECK(address_map_may_map(&map, 0x800000, 0x4000, false));
    CHECK(!address_map_may_map(&map, 0x800000, 0x5000, false));
    CHECK(address_map_may_map(&map, 0x404000, 0xc000, false));         /* 4 of its own pages replaced */
    CHECK(!address_map_may_map(&map, 0x404000, 0xd000, false));
    map.brk_start = map.brk = 0x600000;
    CHECK_EQ_U64(address_map_set_brk(&map, 0x604000, record, NULL), 0x604000);
    CHECK_EQ_U64(address_map_set_brk(&map, 0x605000, record, NULL), 0x604000);   /* refused */
    struct address_map copy;
    CHECK(address_map_copy(&copy, &map));
    CHECK_EQ_U64(copy.limit, 0x10000);
    address_map_release(&copy);
}

/* UFFDIO_REGISTER splits regions at the range's ends, as Linux splits
 * VMAs; UNREGISTER and the descriptor's release merge them back. */
static void a_registration_splits_and_its_end_merges(void)
{
    reset();
    struct region region = private_region(0x100000, 0x110000, RW);
    CHECK(address_map_insert(&map, &region, 0, 0) == 0);
    CHECK(address_map_set_userfault(&map, 0x104000, 0x108000, 7, 1) == 0);
    CHECK_EQ_U64(map.count, 3);
    CHECK_EQ_U64(address_map_lookup(&map, 0x104000)->userfault, 7);
    CHECK_EQ_U64(address_map_lookup(&map, 0x107fff)->userfault_modes, 1);
    CHECK_EQ_U64(address_map_lookup(&map, 0x103fff)->userfault, 0);
    CHECK_EQ_U64(address_map_lookup(&map, 0x108000)->userfault, 0);
    CHECK(address_map_set_userfault(&map, 0x104000, 0x106000, 0, 0) == 0);
    CHECK_EQ_U64(map.count, 3);
    CHECK_EQ_U64(address_map_lookup(&map, 0x106000)->userfault, 7);
    address_map_clear_userfault(&map, 7);
    CHECK_EQ_U64(map.count, 1);
    CHECK(address_map_set_userfault(&map, 0x100001, 0x104000, 7, 1) == -LINUX_EINVAL);
}

/* mlock splits regions at the range's ends and munlock merges them back;
 * what is locked counts once against the limit; a fork's copy has
 * nothing locked. */
static void a_lock_splits_counts_once_and_is_not_inherited(void)
{
    reset();
    map.lock_limit = 0x8000;                                    /* 8 pages */
    CHECK_EQ_U64(insert(private_region(0x100000, 0x110000, RW)), 0);
    CHECK(address_map_may_lock(&map, 0x104000, 0x10c000));
    CHECK(!address_map_may_lock(&map, 0x104000, 0x10d000));
    CHECK(address_map_set_locked(&map, 0x104000, 0x10c000, true) == 0);
    CHECK_EQ_U64(map.count, 3);
    CHECK_EQ_U64(address_map_locked_within(&map, 0, UINT64_MAX), 0x8000);
    CHECK(address_map_may_lock(&map, 0x104000, 0x105000));      /* locked already */
    CHECK(!address_map_may_lock(&map, 0x100000, 0x101000));
    CHECK(address_map_set_locked(&map, 0x10f000, 0x111000, true) == -LINUX_ENOMEM);   /* hole */
    CHECK_EQ_U64(map.count, 3);
    struct address_map copy;
    CHECK(address_map_copy(&copy, &map));
    CHECK_EQ_U64(copy.count, 1);
    CHECK_EQ_U64(address_map_locked_within(&copy, 0, UINT64_MAX), 0);
    CHECK_EQ_U64(copy.lock_limit, 0x8000);
    address_map_release(&copy);
    CHECK(address_map_set_locked(&map, 0x104000, 0x10c000, false) == 0);
    CHECK_EQ_U64(map.count, 1);
    address_map_set_all_locked(&map, true);
    CHECK_EQ_U64(address_map_locked_within(&map, 0x10f000, 0x120000), 0x1000);
    CHECK_EQ_U64(address_map_mapped(&map), 0x10000);
}

/* RLIMIT_DATA: private writable regions but the stack (Linux's data_vm)
 * stay within it; what a mapping replaces counts off its growth, of any
 * kind, as Linux's mmap_region counts it; the heap is data; the limit
 * goes with a fork. */
static void the_data_limit_bounds_private_writable_memory(void)
{
    reset();
    map.data_limit = 0x8000;                                    /* 8 pages */
    CHECK_EQ_U64(insert(private_region(0x400000, 0x404000, R)), 0);      /* not data */
    CHECK_EQ_U64(insert(private_region(0x500000, 0x506000, RW)), 0);  /* 6 of data */
    struct region stack = private_region(0x7f0000, 0x800000, RW);
    stack.kind = REGION_STACK;
    CHECK_EQ_U64(insert(stack), 0);
    CHECK_EQ_U64(address_map_data_within(&map, 0, UINT64_MAX), 0x6000);
    CHECK(address_map_may_map(&map, 0x900000, 0x2000, true));
    CHECK(!address_map_may_map(&map, 0x900000, 0x3000, true));
    CHECK(address_map_may_map(&map, 0x900000, 0x100000, false));   /* read-only: no limit */
    CHECK(address_map_may_map(&map, 0x400000, 0x5000, true));      /* 4 replaced: 1 grown */
    CHECK(!address_map_may_map(&map, 0x400000, 0x7000, true));
    map.brk_start = map.brk = 0x600000;
    CHECK_EQ_U64(address_map_set_brk(&map, 0x602000, record, NULL), 0x602000);
    CHECK_EQ_U64(address_map_set_brk(&map, 0x603000, record, NULL), 0x602000);   /* refused */
    struct address_map copy;
    CHECK(address_map_copy(&copy, &map));
    CHECK_EQ_U64(copy.data_limit, 0x8000);
    address_map_release(&copy);
}

int main(void)
{
    a_lock_splits_counts_once_and_is_not_inherited();
    a_registration_splits_and_its_end_merges();
    RUN_TEST(empty_map_holds_nothing);
    RUN_TEST(lookup_finds_start_but_not_end);
    RUN_TEST(regions_stay_sorted);
    RUN_TEST(image_regions_merge_along_the_file_only);
    RUN_TEST(unaligned_or_empty_insert_is_einval);
    RUN_TEST(adjacent_private_regions_with_equal_prot_merge);
    RUN_TEST(different_prot_or_kind_does_not_merge);
    RUN_TEST(shared_regions_merge_only_at_contiguous_offsets);
    RUN_TEST(private_regions_of_a_file_merge_only_at_contiguous_offsets);
    RUN_TEST(write_forbidden_regions_merge_only_with_their_like);
    RUN_TEST(insert_over_the_middle_splits_and_reports);
    RUN_TEST(insert_over_several_regions_reports_each_piece);
    RUN_TEST(replacing_a_shared_piece_reports_its_object_offset);
    RUN_TEST(remove_from_the_middle_splits);
    RUN_TEST(remove_over_holes_reports_only_mapped_pieces);
    RUN_TEST(remove_of_nothing_succeeds);
    RUN_TEST(remove_rounds_the_length_up_to_pages);
    RUN_TEST(remove_whole_regions);
    RUN_TEST(remove_with_bad_range_is_einval);
    RUN_TEST(protect_the_middle_splits_into_three);
    RUN_TEST(protect_back_merges_again);
    RUN_TEST(protect_with_unchanged_prot_reports_nothing);
    RUN_TEST(protect_across_adjacent_regions);
    RUN_TEST(protect_over_a_hole_is_enomem_and_changes_nothing);
    RUN_TEST(protect_adding_write_where_it_is_forbidden_is_eacces);
    RUN_TEST(protect_a_whole_region_merges_with_neighbours);
    RUN_TEST(the_table_grows_and_without_memory_refuses);
    RUN_TEST(full_table_refuses_a_new_region);
    RUN_TEST(full_table_accepts_a_replacement);
    RUN_TEST(full_table_refuses_a_splitting_unmap);
    RUN_TEST(full_table_refuses_a_splitting_mprotect);
    RUN_TEST(find_free_takes_the_highest_range);
    RUN_TEST(find_free_rounds_the_length_up);
    RUN_TEST(find_free_skips_mapped_ranges);
    RUN_TEST(find_free_stays_below_the_limit);
    RUN_TEST(find_free_keeps_the_heap_reserve);
    RUN_TEST(find_free_without_room_is_zero);
    RUN_TEST(place_uses_a_free_hint);
    RUN_TEST(place_ignores_a_taken_or_bad_hint);
    RUN_TEST(is_free_sees_any_overlap);
    RUN_TEST(brk_grows_a_read_write_heap);
    RUN_TEST(brk_within_the_same_page_maps_nothing_new);
    RUN_TEST(brk_shrinks_and_reports_removed_pages);
    RUN_TEST(brk_zero_or_below_start_returns_the_current_break);
    RUN_TEST(brk_into_another_region_fails);
    RUN_TEST(brk_above_the_mmap_top_fails);
    RUN_TEST(brk_without_a_heap_does_nothing);
    RUN_TEST(copy_is_independent);
    RUN_TEST(mmap_checks_follow_linux);
    RUN_TEST(mmap_fixed_checks_the_address);
    RUN_TEST(munmap_checks_follow_linux);
    RUN_TEST(mprotect_checks_follow_linux);
    the_limit_bounds_what_is_mapped();
    the_data_limit_bounds_private_writable_memory();
    return check_report();
}
