/*
 * Which frame backs each mapped page of one address space: an
 * open-addressing hash map (linear probing) from page address to a 32-bit
 * value (procmgr's CSpace slot of the frame capability) and flags, in
 * storage the caller gives. Removal uses backward-shift deletion, so there
 * are no tombstones and lookups stay short however many removals happen.
 */
#ifndef PROCMGR_PAGE_INDEX_H
#define PROCMGR_PAGE_INDEX_H

#include <stdbool.h>
#include <stdint.h>

/* The page value of an unused entry: never page-aligned, so never a key. */
#define PAGE_INDEX_EMPTY UINT64_MAX

/* slot: the capability the page is mapped with (a procmgr slot; 0: none
 * yet); frame: the private frame it maps (frames.h), or for another
 * owner's frame the capability it can be borrowed again from (the
 * personality's pages; 0 for an object's); flags: the user's. */
struct page_entry { uint64_t page; uint32_t slot; uint32_t frame; uint32_t flags; };
struct page_index { struct page_entry *entries; uint32_t capacity; /* power of two */ uint32_t count; };

/* capacity must be a power of two (at least 1); marks every entry empty. */
void page_index_init(struct page_index *index, struct page_entry *storage, uint32_t capacity);
/* The entry for page, or NULL. It stays valid until the next insert or remove. */
struct page_entry *page_index_find(struct page_index *index, uint64_t page);
/* Adds entry: 0; -LINUX_EINVAL if its page is not page-aligned;
 * -LINUX_EEXIST if present; -LINUX_ENOMEM when the index would become
 * more than 3/4 full. */
int page_index_insert(struct page_index *index, struct page_entry entry);
/* Removes page, copying its entry to *removed (may be NULL); false if absent. */
bool page_index_remove(struct page_index *index, uint64_t page, struct page_entry *removed);
/* Calls visit for every entry (order unspecified); visit may change an
 * entry's slot and flags but must not insert or remove. */
void page_index_for_each(struct page_index *index,
                         void (*visit)(void *context, struct page_entry *entry), void *context);
/* The smallest capacity (a power of two) that holds count entries. */
uint32_t page_index_capacity_for(uint32_t count);
/* Moves every entry into storage of capacity entries (a power of two
 * that holds them all), which the index uses from then on. */
void page_index_move(struct page_index *index, struct page_entry *storage, uint32_t capacity);
/* Whether any page p with start <= p < end has an entry. */
bool page_index_has_range(struct page_index *index, uint64_t start, uint64_t end);
/* Removes and reports every entry with start <= page < end (removed may be NULL). */
void page_index_remove_range(struct page_index *index, uint64_t start, uint64_t end,
                             void (*removed)(void *context, const struct page_entry *entry),
                             void *context);

#endif
