/*
 * Linear probing with backward-shift deletion: when an entry is removed,
 * the entries after it in its probe run move back into the hole whenever
 * that does not put them before their home slot. Every run is then
 * contiguous from each entry's home to the entry, which is what find
 * relies on.
 */
#include "page_index.h"

#include <stddef.h>

#include "sys/linux_abi.h"
#include "sys/runtime.h"

#define PAGE_SIZE 4096ULL

static uint32_t home_of(const struct page_index *index, uint64_t page)
{
    /* Fibonacci hashing of the page number: consecutive pages spread out. */
    uint64_t hash = (page / PAGE_SIZE) * 0x9e3779b97f4a7c15ULL;
    return (uint32_t)(hash >> 32) & (index->capacity - 1);
}

static uint32_t next_slot(const struct page_index *index, uint32_t position)
{
    return (position + 1) & (index->capacity - 1);
}

void page_index_init(struct page_index *index, struct page_entry *storage, uint32_t capacity)
{
    index->entries = storage;
    index->capacity = capacity;
    index->count = 0;
    for (uint32_t i = 0; i < capacity; i++)
        storage[i] = (struct page_entry){ .page = PAGE_INDEX_EMPTY };
}

/* The position holding page, or of the empty entry where it would go. The
 * table always has an empty entry (at most 3/4 full), so this ends. */
static uint32_t probe(const struct page_index *index, uint64_t page)
{
    uint32_t position = home_of(index, page);
    while (index->entries[position].page != PAGE_INDEX_EMPTY &&
           index->entries[position].page != page)
        position = next_slot(index, position);
    return position;
}

struct page_entry *page_index_find(struct page_index *index, uint64_t page)
{
    if (page == PAGE_INDEX_EMPTY)
        return NULL;
    struct page_entry *entry = &index->entries[probe(index, page)];
    return entry->page == page ? entry : NULL;
}

int page_index_insert(struct page_index *index, struct page_entry entry)
{
    if (entry.page % PAGE_SIZE != 0)
        return -LINUX_EINVAL;
    uint32_t position = probe(index, entry.page);
    if (index->entries[position].page == entry.page)
        return -LINUX_EEXIST;
    if ((uint64_t)(index->count + 1) * 4 > (uint64_t)index->capacity * 3)
        return -LINUX_ENOMEM;
    index->entries[position] = entry;
    index->count++;
    return 0;
}

/* Empties the entry at hole and moves later entries of its run back. */
static void remove_at(struct page_index *index, uint32_t hole)
{
    uint32_t position = next_slot(index, hole);
    while (index->entries[position].page != PAGE_INDEX_EMPTY) {
        uint32_t home = home_of(index, index->entries[position].page);
        /* The entry may move to hole unless its home lies cyclically in
         * (hole, position]: then it would sit before its home. */
        uint32_t distance_to_home = (position - home) & (index->capacity - 1);
        uint32_t distance_to_hole = (position - hole) & (index->capacity - 1);
        if (distance_to_home >= distance_to_hole) {
            index->entries[hole] = index->entries[position];
            hole = position;
        }
        position = next_slot(index, position);
    }
    index->entries[hole] = (struct page_entry){ .page = PAGE_INDEX_EMPTY };
    index->count--;
}

bool page_index_remove(struct page_index *index, uint64_t page, struct page_entry *removed)
{
    struct page_entry *entry = page_index_find(index, page);
    if (entry == NULL)
        return false;
    if (removed != NULL)
        *removed = *entry;
    remove_at(index, (uint32_t)(entry - index->entries));
    return true;
}

void page_index_for_each(struct page_index *index,
                         void (*visit)(void *context, struct page_entry *entry), void *context)
{
    for (uint32_t i = 0; i < index->capacity; i++) {
        if (index->entries[i].page != PAGE_INDEX_EMPTY)
            visit(context, &index->entries[i]);
    }
}

uint32_t page_index_capacity_for(uint32_t count)
{
    uint32_t capacity = 1;
    while ((uint64_t)count * 4 > (uint64_t)capacity * 3)
        capacity *= 2;
    return capacity;
}

void page_index_move(struct page_index *index, struct page_entry *storage, uint32_t capacity)
{
    struct page_index old = *index;
    page_index_init(index, storage, capacity);
    for (uint32_t i = 0; i < old.capacity; i++)
        if (old.entries[i].page != PAGE_INDEX_EMPTY)
            page_index_insert(index, old.entries[i]);
}

bool page_index_has_range(struct page_index *index, uint64_t start, uint64_t end)
{
    if (start >= end || index->count == 0)
        return false;
    if ((end - start) / PAGE_SIZE < index->capacity) {
        for (uint64_t page = start & ~(PAGE_SIZE - 1); page < end; page += PAGE_SIZE)
            if (page_index_find(index, page))
                return true;
        return false;
    }
    for (uint32_t i = 0; i < index->capacity; i++) {
        uint64_t page = index->entries[i].page;
        if (page != PAGE_INDEX_EMPTY && page >= start && page < end)
            return true;
    }
    return false;
}

/*
 * Small ranges are removed page by page; large ones by one pass over the
 * table. In the pass, a removal may pull a later entry back into the
 * current position, so that position is looked at again; entries only
 * move back towards their home, so none that is still to be looked at can
 * land on a position already passed.
 */
void page_index_remove_range(struct page_index *index, uint64_t start, uint64_t end,
                             void (*removed)(void *context, const struct page_entry *entry),
                             void *context)
{
    if (start >= end)
        return;
    struct page_entry entry;
    if ((end - start) / PAGE_SIZE < index->capacity) {
        for (uint64_t page = start & ~(PAGE_SIZE - 1); page < end; page += PAGE_SIZE) {
            if (page_index_remove(index, page, &entry) && removed != NULL)
                removed(context, &entry);
        }
        return;
    }
    for (uint32_t position = 0; position < index->capacity;) {
        entry = index->entries[position];
        if (entry.page != PAGE_INDEX_EMPTY && entry.page >= start && entry.page < end) {
            remove_at(index, position);
            if (removed != NULL)
                removed(context, &entry);
        } else {
            position++;
        }
    }
}
