/*
 * What the three parts of an address space share: space.c (pages and
 * faults), space_fork.c (fork and the inherited index) and space_mmap.c
 * (the mmap family). Not for the rest of procmgr, which uses procmgr.h.
 */
#ifndef PROCMGR_SPACE_INTERNAL_H
#define PROCMGR_SPACE_INTERNAL_H

#include "procmgr.h"

#define INITIAL_VIEW_CAPACITY 16

/* Private frames fork shared: frozen while more than one space uses
 * them; each entry holds one use of its frame (frames.h). */
struct inherited_pages {
    struct page_index index;
    unsigned users;
};

/* The space's inherited entry for page, or NULL. */
struct page_entry *inherited_entry(struct space *space, uint64_t page);
/* One space less uses the inherited frames; with the last they go. */
void inherited_release(struct inherited_pages *inherited);

/* An empty space whose page index has room for capacity entries. */
struct space *space_create_sized(uint32_t capacity);
/* visit once for each memory object the space maps; whether it maps id. */
void for_each_object(struct space *space, void (*visit)(uint64_t id));
bool maps_object(const struct space *space, uint64_t id);

/* What a page entry held goes (a view's frame stays the inherited index's). */
void let_go_of(const struct page_entry *entry);
/* The rights a page's frame is mapped with: prot, never write for a frame
 * shared copy-on-write. */
uint64_t rights_for_page(uint32_t flags, unsigned prot);
/* Maps entry at its page with prot and records it in the own index; on
 * failure what it holds is let go of. */
int place(struct space *space, struct page_entry entry, unsigned prot);
/* Takes a page out of the space (own, view and, when the space has the
 * inherited index to itself, inherited). */
void drop_page(struct space *space, uint64_t page);
/* Whether a borrowed frame's capability in slot still names a frame. */
bool frame_still_there(uint64_t slot);
/* A new private frame with source's bytes, or 0. */
uint64_t private_copy_of(uint64_t source);

/* Before pages of [start, end) leave the space: detached from an
 * inherited index it shares in that range (0, or -LINUX_ENOMEM). */
int detach_from_range(struct space *space, uint64_t start, uint64_t end);
/* Before pages of [start, end) move to other addresses: every inherited
 * page of that range the space's own (the inherited index, keyed by
 * address, cannot follow them), even if no other space shares it (0,
 * or -LINUX_ENOMEM). */
int own_inherited_range(struct space *space, uint64_t start, uint64_t end);

#endif
