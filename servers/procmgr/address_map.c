/*
 * The region table: a sorted array, searched by bisection. Every change is
 * checked against the table's capacity before anything moves, so a
 * failing call leaves the map as it was. The check counts the splits a
 * change needs and ignores the merges that may follow (as Linux's
 * __split_vma checks map_count before splitting).
 */
#include "address_map.h"

#include "sys/linux_abi.h"
#include "sys/linux_process.h"
#include "sys/runtime.h"

#define PAGE_SIZE ADDRESS_MAP_PAGE_SIZE
#define PROT_ALL (LINUX_PROT_READ | LINUX_PROT_WRITE | LINUX_PROT_EXEC)

static uint64_t page_down(uint64_t address)
{
    return address & ~(PAGE_SIZE - 1);
}

/* Rounds length up to whole pages; 0 if that overflows. */
static uint64_t page_up(uint64_t length)
{
    return (length + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

#define INITIAL_CAPACITY 16

void address_map_init(struct address_map *map)
{
    map->count = map->capacity = 0;
    map->regions = NULL;
    map->brk_start = 0;
    map->brk = 0;
    map->limit = UINT64_MAX;
    map->data_limit = UINT64_MAX;
    map->lock_limit = ADDRESS_MAP_LOCK_LIMIT;
    map->lock_future = false;
}

void address_map_release(struct address_map *map)
{
    address_map_storage_free(map->regions);
    map->regions = NULL;
    map->count = map->capacity = 0;
}

bool address_map_make_room(struct address_map *map, unsigned more)
{
    if (more > ADDRESS_MAP_MAX_REGIONS - map->count)
        return false;
    unsigned needed = map->count + more;
    if (needed <= map->capacity)
        return true;
    unsigned capacity = map->capacity ? map->capacity : INITIAL_CAPACITY;
    while (capacity < needed)
        capacity *= 2;
    if (capacity > ADDRESS_MAP_MAX_REGIONS)
        capacity = ADDRESS_MAP_MAX_REGIONS;
    struct region *regions = address_map_storage_new(capacity);
    if (!regions)
        return false;
    if (map->count)
        memcpy(regions, map->regions, map->count * sizeof *regions);
    address_map_storage_free(map->regions);
    map->regions = regions;
    map->capacity = capacity;
    return true;
}

bool address_map_copy(struct address_map *dest, const struct address_map *src)
{
    address_map_init(dest);
    if (!address_map_make_room(dest, src->count))
        return false;
    dest->count = src->count;
    if (src->count)
        memcpy(dest->regions, src->regions, src->count * sizeof(src->regions[0]));
    dest->brk_start = src->brk_start;
    dest->brk = src->brk;
    dest->limit = src->limit;
    dest->data_limit = src->data_limit;
    dest->lock_limit = src->lock_limit;
    dest->lock_future = false;
    address_map_set_all_locked(dest, false);
    return true;
}

/* The bytes within [start, end) of the regions counts says count (all
 * for NULL). */
static uint64_t bytes_within(const struct address_map *map, uint64_t start, uint64_t end,
                             bool (*counts)(const struct region *region))
{
    uint64_t bytes = 0;
    for (unsigned i = 0; i < map->count; i++) {
        const struct region *region = &map->regions[i];
        uint64_t from = region->start > start ? region->start : start;
        uint64_t to = region->end < end ? region->end : end;
        if (from < to && (!counts || counts(region)))
            bytes += to - from;
    }
    return bytes;
}

uint64_t address_map_mapped_within(const struct address_map *map, uint64_t start, uint64_t end)
{
    return bytes_within(map, start, end, NULL);
}

/* Private and not the stack: data while writable. */
static bool private_memory(const struct region *region)
{
    return region->kind != REGION_SHARED && region->kind != REGION_STACK;
}

bool address_map_is_data(const struct region *region)
{
    return private_memory(region) && (region->prot & LINUX_PROT_WRITE);
}

static bool data_once_writable(const struct region *region)
{
    return private_memory(region) && !(region->prot & LINUX_PROT_WRITE);
}

uint64_t address_map_data_within(const struct address_map *map, uint64_t start, uint64_t end)
{
    return bytes_within(map, start, end, address_map_is_data);
}

uint64_t address_map_unwritable_data_within(const struct address_map *map, uint64_t start,
                                            uint64_t end)
{
    return bytes_within(map, start, end, data_once_writable);
}

/* Whether bytes there, growth more and `freed` of them gone, stay within
 * limit (bytes + growth is never less than freed). */
static bool within(uint64_t bytes, uint64_t growth, uint64_t freed, uint64_t limit)
{
    if (limit == UINT64_MAX)
        return true;
    uint64_t sum = bytes + growth;
    return sum >= bytes && sum - freed <= limit;
}

bool address_map_may_expand(const struct address_map *map, uint64_t growth, uint64_t freed,
                            uint64_t freed_data, bool data)
{
    return within(address_map_mapped(map), growth, freed, map->limit) &&
           (!data || within(address_map_data_within(map, 0, UINT64_MAX), growth, freed_data,
                            map->data_limit));
}

/* Linux's mmap_region counts what a mapping replaces (of any kind) off
 * both its RLIMIT_AS and its RLIMIT_DATA growth. */
bool address_map_may_map(const struct address_map *map, uint64_t start, uint64_t length,
                         bool data)
{
    uint64_t replaced = address_map_mapped_within(map, start, start + length);
    return address_map_may_expand(map, length, replaced, replaced, data);
}

/* The index of the first region that ends above address (count if none). */
static unsigned first_ending_above(const struct address_map *map, uint64_t address)
{
    unsigned low = 0, high = map->count;
    while (low < high) {
        unsigned middle = low + (high - low) / 2;
        if (map->regions[middle].end <= address)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

const struct region *address_map_lookup(const struct address_map *map, uint64_t address)
{
    unsigned index = first_ending_above(map, address);
    if (index < map->count && map->regions[index].start <= address)
        return &map->regions[index];
    return NULL;
}

bool address_map_is_free(const struct address_map *map, uint64_t start, uint64_t length)
{
    unsigned index = first_ending_above(map, start);
    if (index == map->count)
        return true;
    const struct region *next = &map->regions[index];
    return next->start >= start && next->start - start >= length;
}

uint64_t address_map_find_free(const struct address_map *map, uint64_t length, uint64_t below)
{
    length = page_up(length);
    below = page_down(below);
    uint64_t floor = ADDRESS_MAP_LOWEST;
    if (map->brk_start != 0)
        floor = map->brk_start + ADDRESS_MAP_HEAP_RESERVE;
    if (length == 0 || below < floor || below - floor < length)
        return 0;
    /* Walk the gaps from the top: the gap below region i ends at its start. */
    unsigned index = first_ending_above(map, below);
    uint64_t gap_end = below;
    if (index < map->count && map->regions[index].start < below)
        gap_end = map->regions[index].start;
    for (;;) {
        uint64_t gap_start = index == 0 ? 0 : map->regions[index - 1].end;
        if (gap_start < floor)
            gap_start = floor;
        if (gap_end >= gap_start && gap_end - gap_start >= length)
            return gap_end - length;
        if (index == 0 || map->regions[index - 1].end <= floor)
            return 0;
        index--;
        gap_end = map->regions[index].start;
    }
}

uint64_t address_map_place(const struct address_map *map, uint64_t hint, uint64_t length)
{
    uint64_t start = page_up(hint);
    length = page_up(length);
    if (length != 0 && start >= ADDRESS_MAP_LOWEST && start <= LINUX_MMAP_TOP &&
        LINUX_MMAP_TOP - start >= length && address_map_is_free(map, start, length))
        return start;
    return address_map_find_free(map, length, LINUX_MMAP_TOP);
}

/* --- Changing the table ------------------------------------------------- */

static bool compatible(const struct region *low, const struct region *high)
{
    if (low->end != high->start || low->kind != high->kind || low->prot != high->prot ||
        low->write_forbidden != high->write_forbidden || low->object != high->object ||
        low->userfault != high->userfault || low->userfault_modes != high->userfault_modes ||
        low->locked != high->locked || low->image != high->image)
        return false;
    return (low->object == 0 && !low->image) ||
           low->object_offset + (low->end - low->start) == high->object_offset;
}

static void insert_at(struct address_map *map, unsigned index, const struct region *region)
{
    memmove(&map->regions[index + 1], &map->regions[index],
            (map->count - index) * sizeof(map->regions[0]));
    map->regions[index] = *region;
    map->count++;
}

static void delete_at(struct address_map *map, unsigned index, unsigned how_many)
{
    memmove(&map->regions[index], &map->regions[index + how_many],
            (map->count - index - how_many) * sizeof(map->regions[0]));
    map->count -= how_many;
}

/* The part [start, end) of region, as a region of its own. */
static struct region piece_of(const struct region *region, uint64_t start, uint64_t end)
{
    struct region piece = *region;
    piece.start = start;
    piece.end = end;
    piece.object_offset += start - region->start;
    return piece;
}

static void report(address_map_change callback, void *context, const struct region *region,
                   uint64_t start, uint64_t end)
{
    if (callback != NULL) {
        struct region piece = piece_of(region, start, end);
        callback(context, &piece, start, end);
    }
}

/* Splits the region at index, which holds address strictly inside, into two;
 * the caller has checked there is room. */
static void split(struct address_map *map, unsigned index, uint64_t address)
{
    struct region upper = piece_of(&map->regions[index], address, map->regions[index].end);
    map->regions[index].end = address;
    insert_at(map, index + 1, &upper);
}

/* Merges compatible neighbours among regions low..high (inclusive,
 * clamped to the table), from the top so lower indices stay valid. */
static void merge_between(struct address_map *map, unsigned low, unsigned high)
{
    if (high >= map->count)
        high = map->count - 1;
    for (unsigned index = high; index > low && index < map->count; index--) {
        if (compatible(&map->regions[index - 1], &map->regions[index])) {
            map->regions[index - 1].end = map->regions[index].end;
            delete_at(map, index, 1);
        }
    }
}

/* True if one region reaches both below start and above end: removing
 * [start, end) from it leaves two. */
static bool range_splits_one_region(const struct address_map *map, uint64_t start, uint64_t end)
{
    const struct region *region = address_map_lookup(map, start);
    return region != NULL && region->start < start && region->end > end;
}

/* The number of regions inside [start, end) entirely. */
static unsigned regions_within(const struct address_map *map, uint64_t start, uint64_t end)
{
    unsigned within = 0;
    for (unsigned index = first_ending_above(map, start);
         index < map->count && map->regions[index].end <= end; index++) {
        if (map->regions[index].start >= start)
            within++;
    }
    return within;
}

/* Removes [start, end) from the table, reporting every piece; returns the
 * index where a region for [start, end) belongs. Needs room for one more
 * region when range_splits_one_region. */
static unsigned carve(struct address_map *map, uint64_t start, uint64_t end,
                      address_map_change removed, void *context)
{
    unsigned first = first_ending_above(map, start);
    if (first < map->count && map->regions[first].start < start) {
        struct region *region = &map->regions[first];
        if (region->end > end) {
            report(removed, context, region, start, end);
            split(map, first, end);
            region->end = start;
            return first + 1;
        }
        report(removed, context, region, start, region->end);
        region->end = start;
        first++;
    }
    unsigned last = first;
    while (last < map->count && map->regions[last].end <= end) {
        report(removed, context, &map->regions[last], map->regions[last].start,
               map->regions[last].end);
        last++;
    }
    if (last < map->count && map->regions[last].start < end) {
        struct region *region = &map->regions[last];
        report(removed, context, region, region->start, end);
        *region = piece_of(region, end, region->end);
    }
    delete_at(map, first, last - first);
    return first;
}

static bool range_is_valid(uint64_t start, uint64_t end)
{
    return start % PAGE_SIZE == 0 && end % PAGE_SIZE == 0 && start < end;
}

int address_map_insert(struct address_map *map, const struct region *region,
                       address_map_change removed, void *context)
{
    if (!range_is_valid(region->start, region->end))
        return -LINUX_EINVAL;
    unsigned after = map->count - regions_within(map, region->start, region->end) + 1 +
                     (range_splits_one_region(map, region->start, region->end) ? 1 : 0);
    if (after > map->count && !address_map_make_room(map, after - map->count))
        return -LINUX_ENOMEM;
    unsigned index = carve(map, region->start, region->end, removed, context);
    insert_at(map, index, region);
    merge_between(map, index == 0 ? 0 : index - 1, index + 1);
    return 0;
}

int address_map_remove(struct address_map *map, uint64_t start, uint64_t length,
                       address_map_change removed, void *context)
{
    uint64_t end = start + page_up(length);
    if (!range_is_valid(start, end))
        return -LINUX_EINVAL;
    if (range_splits_one_region(map, start, end) && !address_map_make_room(map, 1))
        return -LINUX_ENOMEM;
    carve(map, start, end, removed, context);
    return 0;
}

/* Splits the first of regions [*first, *last) at start and the last at
 * end, each where asked (*first and *last move with the regions);
 * -ENOMEM, with nothing split, when the table has no room. */
static int split_at_ends(struct address_map *map, unsigned *first, unsigned *last,
                         uint64_t start, uint64_t end, bool split_low, bool split_high)
{
    if (!address_map_make_room(map, split_low + split_high))
        return -LINUX_ENOMEM;
    if (split_low) {
        split(map, *first, start);
        (*first)++;
        (*last)++;
    }
    if (split_high)
        split(map, *last - 1, end);
    return 0;
}

int address_map_protect(struct address_map *map, uint64_t start, uint64_t length, unsigned prot,
                        address_map_change changed, void *context)
{
    uint64_t end = start + page_up(length);
    if (!range_is_valid(start, end))
        return -LINUX_EINVAL;
    /* Every page must be mapped: the regions from first to last (exclusive)
     * cover the range without a hole. */
    unsigned first = first_ending_above(map, start);
    unsigned last = first;
    bool write_forbidden = false;
    for (uint64_t covered = start; covered < end; last++) {
        if (last == map->count || map->regions[last].start > covered)
            return -LINUX_ENOMEM;
        covered = map->regions[last].end;
        write_forbidden |= map->regions[last].write_forbidden;
    }
    if (write_forbidden && (prot & LINUX_PROT_WRITE))
        return -LINUX_EACCES;
    bool split_low = map->regions[first].start < start && map->regions[first].prot != prot;
    bool split_high = map->regions[last - 1].end > end && map->regions[last - 1].prot != prot;
    if (split_at_ends(map, &first, &last, start, end, split_low, split_high) < 0)
        return -LINUX_ENOMEM;
    for (unsigned index = first; index < last; index++) {
        struct region *region = &map->regions[index];
        if (region->prot == prot)
            continue;
        uint64_t piece_start = region->start < start ? start : region->start;
        uint64_t piece_end = region->end > end ? end : region->end;
        report(changed, context, region, piece_start, piece_end);
        region->prot = prot;
    }
    merge_between(map, first == 0 ? 0 : first - 1, last);
    return 0;
}

int address_map_set_userfault(struct address_map *map, uint64_t start, uint64_t end,
                              uint32_t userfault, uint32_t modes)
{
    if (!range_is_valid(start, end))
        return -LINUX_EINVAL;
    unsigned first = first_ending_above(map, start);
    unsigned last = first;      /* one past the last region reaching into the range */
    while (last < map->count && map->regions[last].start < end)
        last++;
    if (first == last)
        return 0;
    if (split_at_ends(map, &first, &last, start, end, map->regions[first].start < start,
                      map->regions[last - 1].end > end) < 0)
        return -LINUX_ENOMEM;
    for (unsigned index = first; index < last; index++) {
        map->regions[index].userfault = userfault;
        map->regions[index].userfault_modes = modes;
    }
    merge_between(map, first == 0 ? 0 : first - 1, last);
    return 0;
}

void address_map_clear_userfault(struct address_map *map, uint32_t userfault)
{
    bool changed = false;
    for (unsigned index = 0; index < map->count; index++) {
        struct region *region = &map->regions[index];
        if (region->userfault && (userfault == 0 || region->userfault == userfault)) {
            region->userfault = 0;
            region->userfault_modes = 0;
            changed = true;
        }
    }
    if (changed && map->count)
        merge_between(map, 0, map->count - 1);
}

static bool is_locked(const struct region *region)
{
    return region->locked;
}

uint64_t address_map_locked_within(const struct address_map *map, uint64_t start, uint64_t end)
{
    return bytes_within(map, start, end, is_locked);
}

uint64_t address_map_mapped(const struct address_map *map)
{
    return address_map_mapped_within(map, 0, UINT64_MAX);
}

bool address_map_may_lock(const struct address_map *map, uint64_t start, uint64_t end)
{
    uint64_t after = address_map_locked_within(map, 0, UINT64_MAX)
                   - address_map_locked_within(map, start, end) + (end - start);
    return after <= map->lock_limit;
}

int address_map_set_locked(struct address_map *map, uint64_t start, uint64_t end, bool locked)
{
    if (!range_is_valid(start, end))
        return -LINUX_EINVAL;
    /* Every page must be mapped, as for mprotect. */
    unsigned first = first_ending_above(map, start);
    unsigned last = first;
    for (uint64_t covered = start; covered < end; last++) {
        if (last == map->count || map->regions[last].start > covered)
            return -LINUX_ENOMEM;
        covered = map->regions[last].end;
    }
    bool split_low = map->regions[first].start < start && map->regions[first].locked != locked;
    bool split_high = map->regions[last - 1].end > end && map->regions[last - 1].locked != locked;
    if (split_at_ends(map, &first, &last, start, end, split_low, split_high) < 0)
        return -LINUX_ENOMEM;
    for (unsigned index = first; index < last; index++)
        map->regions[index].locked = locked;
    merge_between(map, first == 0 ? 0 : first - 1, last);
    return 0;
}

void address_map_set_all_locked(struct address_map *map, bool locked)
{
    for (unsigned index = 0; index < map->count; index++)
        map->regions[index].locked = locked;
    if (map->count)
        merge_between(map, 0, map->count - 1);
}

uint64_t address_map_set_brk(struct address_map *map, uint64_t new_brk,
                             address_map_change removed, void *context)
{
    if (map->brk_start == 0 || new_brk < map->brk_start || new_brk > LINUX_MMAP_TOP)
        return map->brk;
    uint64_t old_top = page_up(map->brk);
    uint64_t new_top = page_up(new_brk);
    if (new_top < old_top) {
        if (address_map_remove(map, new_top, old_top - new_top, removed, context) != 0)
            return map->brk;
    } else if (new_top > old_top) {
        /* Like Linux, keep a page free between the heap and what follows. */
        if (!address_map_is_free(map, old_top, new_top - old_top + PAGE_SIZE) ||
            !address_map_may_map(map, old_top, new_top - old_top, true))
            return map->brk;
        struct region heap = {
            .start = old_top, .end = new_top,
            .prot = LINUX_PROT_READ | LINUX_PROT_WRITE, .kind = REGION_HEAP,
        };
        if (address_map_insert(map, &heap, NULL, NULL) != 0)
            return map->brk;
    }
    map->brk = new_brk;
    return map->brk;
}

/* --- System call argument checks ----------------------------------------- */

int address_map_check_mmap(uint64_t address, uint64_t length, uint64_t flags, uint64_t offset,
                           uint64_t *page_length)
{
    if (offset % PAGE_SIZE != 0 || length == 0)
        return -LINUX_EINVAL;
    uint64_t rounded = page_up(length);
    if (rounded == 0)
        return -LINUX_ENOMEM;
    if (flags & (LINUX_MAP_FIXED | LINUX_MAP_FIXED_NOREPLACE)) {
        if (rounded > LINUX_MMAP_TOP || address > LINUX_MMAP_TOP - rounded)
            return -LINUX_ENOMEM;
        if (address % PAGE_SIZE != 0)
            return -LINUX_EINVAL;
    }
    uint64_t type = flags & LINUX_MAP_TYPE;
    if (type != LINUX_MAP_SHARED && type != LINUX_MAP_PRIVATE &&
        type != LINUX_MAP_SHARED_VALIDATE)
        return -LINUX_EINVAL;
    *page_length = rounded;
    return 0;
}

int address_map_check_munmap(uint64_t start, uint64_t length)
{
    if (start % PAGE_SIZE != 0 || start > LINUX_MMAP_TOP || length > LINUX_MMAP_TOP - start ||
        length == 0)
        return -LINUX_EINVAL;
    return 0;
}

int address_map_check_mprotect(uint64_t start, uint64_t length, unsigned prot, uint64_t *end)
{
    if (start % PAGE_SIZE != 0 || (prot & ~PROT_ALL) != 0)
        return -LINUX_EINVAL;
    *end = start;
    if (length == 0)
        return 0;
    uint64_t rounded = page_up(length);
    if (rounded == 0 || start + rounded <= start || start + rounded > LINUX_MMAP_TOP)
        return -LINUX_ENOMEM;
    *end = start + rounded;
    return 0;
}
