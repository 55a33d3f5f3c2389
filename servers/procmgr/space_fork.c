/*
 * fork (procmgr.h's space_fork): the parent's private frames move into an
 * inherited index that parent and child then share, frozen, with one use
 * of each frame for all of them; each keeps its mappings of those frames
 * in its views. A write copies the page into the writer's own index (or,
 * with no one else left, takes it: space.c), so a fork costs what changed
 * since the last one, not every page. A space still sharing its
 * inherited index takes a copy of it (detach) before pages leave it or
 * before it forks again.
 */
#include "frames.h"
#include "memory_object.h"
#include "procmgr.h"
#include "space_internal.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"

/* fork write-protects the parent's pages one by one up to this many,
 * beyond it region by region. */
#define PROTECT_ONE_BY_ONE 16

/* Private pages fork copies rather than shares: the process info page
 * and the threads' IPC buffers, which procmgr writes with VSpace_Write
 * and the kernel directly, neither of which fault. */
static bool copied_at_fork(uint64_t page)
{
    uint64_t areas_end = LINUX_THREAD_AREAS + LINUX_MAX_THREADS * LINUX_THREAD_AREA_SIZE;
    if (page == LINUX_PROCESS_INFO)
        return true;
    return page >= LINUX_THREAD_AREAS && page < areas_end &&
           (page - LINUX_THREAD_AREAS) % LINUX_THREAD_AREA_SIZE == LINUX_THREAD_IPC_BUFFER_OFFSET;
}

/* Maps entry, which an index holds already, in space with prot. */
static int map_entry(struct space *space, struct page_entry *entry, unsigned prot)
{
    if (prot == LINUX_PROT_NONE)
        return 0;
    if (allotment_map_frame(&space->objects, space->vspace, entry->slot, entry->page,
                            rights_for_page(entry->flags, prot)) != TERN_OK)
        return -LINUX_ENOMEM;
    entry->flags |= PAGE_MAPPED;
    return 0;
}

/* The child's own copy of a page of the parent's that fork does not make
 * inherited: another owner's frame borrowed again, a private one copied
 * byte for byte; indexed and mapped. */
static int copy_entry(struct space *child, const struct page_entry *parent_entry, unsigned prot)
{
    bool borrowed = parent_entry->flags & PAGE_BORROWED;
    uint64_t frame = borrowed ? memory_copy_frame(parent_entry->slot)
                              : private_copy_of(parent_entry->frame);
    if (!frame)
        return -LINUX_ENOMEM;
    uint64_t page = parent_entry->page;
    struct page_entry entry =
        borrowed ? (struct page_entry){ page, (uint32_t)frame, 0,
                                        parent_entry->flags & (PAGE_BORROWED | PAGE_WRITABLE) }
                 : (struct page_entry){ page, (uint32_t)frame, (uint32_t)frame, 0 };
    return place(child, entry, prot);
}

/* The child's entry for one of the parent's own pages after fork made the
 * private ones inherited: the personality's pages are borrowed again at
 * the child's first touch, a lent object's page (or a revoked one) is
 * asked of the object then, and what fork copies is copied now. */
static int fork_own_entry(struct space *child, const struct page_entry *parent_entry)
{
    uint64_t page = parent_entry->page;
    bool borrowed = parent_entry->flags & PAGE_BORROWED;
    if (borrowed && parent_entry->frame)
        return index_insert(&child->pages,
                            (struct page_entry){ page, 0, parent_entry->frame, PAGE_BORROWED });
    const struct region *region = address_map_lookup(&child->map, page);
    if (borrowed && (!frame_still_there(parent_entry->slot) || (region && region->object)))
        return 0;
    return copy_entry(child, parent_entry, region ? region->prot : LINUX_PROT_READ);
}

static bool becomes_inherited(const struct page_entry *entry)
{
    return !(entry->flags & PAGE_BORROWED) && !copied_at_fork(entry->page);
}

/* The pages of the parent's that must become read-only at fork: a few
 * one by one, more region by region. */
struct protection {
    uint64_t pages[PROTECT_ONE_BY_ONE];
    unsigned count;
};

static void note_protection(struct protection *protection, const struct page_entry *entry)
{
    if (!(entry->flags & PAGE_MAPPED) || (entry->flags & PAGE_COPY_ON_WRITE))
        return;     /* not mapped, or read-only already */
    if (protection->count < PROTECT_ONE_BY_ONE)
        protection->pages[protection->count] = entry->page;
    protection->count++;
}

/* Puts what an older inherited index (or older views) held into the new
 * one, which has room: but for an inherited frame a newer copy shadowed,
 * which goes (nothing maps it: its view went at the copy; a view never
 * meets a newer one, as the space had no own page where it had a view). */
static void merge_older(struct page_index *index, const struct page_index *older)
{
    for (uint32_t i = 0; i < older->capacity; i++) {
        const struct page_entry *entry = &older->entries[i];
        if (entry->page == PAGE_INDEX_EMPTY)
            continue;
        if (!page_index_find(index, entry->page))
            page_index_insert(index, *entry);
        else if (!(entry->flags & PAGE_INHERITED))
            frames_release(entry->frame);
    }
    heap_free(older->entries);
}

/* When most of what moves is in the own index (the first fork, or one
 * after the space wrote most of its pages): the own index's storage
 * becomes the views and a copy of it the inherited index, the entries
 * fixed in place, and the pages that stay the space's own (in kept) go
 * from both; what the older inherited index and views held is merged
 * in. */
static int adopt_own_index(struct space *parent, struct page_index *kept,
                           struct protection *protection)
{
    struct page_index *own = &parent->pages, *inherited = &parent->inherited->index;
    uint32_t older = inherited->count > parent->views.count ? inherited->count
                                                            : parent->views.count;
    if (index_make_room(own, older) < 0)
        return -LINUX_ENOMEM;
    struct page_entry *copy = heap_allocate_unzeroed(own->capacity * sizeof *copy);
    if (!copy)
        return -LINUX_ENOMEM;
    memcpy(copy, own->entries, own->capacity * sizeof *copy);
    struct page_index older_inherited = *inherited, older_views = parent->views;
    *inherited = (struct page_index){ copy, own->capacity, own->count };
    parent->views = *own;
    for (uint32_t i = 0; i < own->capacity; i++) {
        struct page_entry *view = &parent->views.entries[i];
        if (view->page == PAGE_INDEX_EMPTY)
            continue;
        if (!becomes_inherited(view)) {
            page_index_insert(kept, *view);
            continue;
        }
        copy[i].slot = 0;
        copy[i].flags = 0;
        note_protection(protection, view);
        view->flags = PAGE_INHERITED | PAGE_COPY_ON_WRITE | (view->flags & PAGE_MAPPED);
    }
    for (uint32_t i = 0; i < kept->capacity; i++) {
        if (kept->entries[i].page != PAGE_INDEX_EMPTY) {
            page_index_remove(inherited, kept->entries[i].page, 0);
            page_index_remove(&parent->views, kept->entries[i].page, 0);
        }
    }
    merge_older(inherited, &older_inherited);
    merge_older(&parent->views, &older_views);
    return 0;
}

/* Otherwise entry by entry: each frame's use goes into the inherited
 * index (replacing the frame an older copy shadowed), its mapping into
 * the views. */
static int move_into_inherited(struct space *parent, uint32_t moving, struct page_index *kept,
                               struct protection *protection)
{
    struct page_index *own = &parent->pages, *inherited = &parent->inherited->index;
    if (index_make_room(inherited, moving) < 0 || index_make_room(&parent->views, moving) < 0)
        return -LINUX_ENOMEM;
    for (uint32_t i = 0; i < own->capacity; i++) {
        struct page_entry entry = own->entries[i];
        if (entry.page == PAGE_INDEX_EMPTY)
            continue;
        if (!becomes_inherited(&entry)) {
            page_index_insert(kept, entry);
            continue;
        }
        struct page_entry *older = page_index_find(inherited, entry.page);
        if (older) {
            frames_release(older->frame);       /* nothing maps it: its view went at the copy */
            older->frame = entry.frame;
        } else {
            page_index_insert(inherited, (struct page_entry){ entry.page, 0, entry.frame, 0 });
        }
        if (entry.slot)
            page_index_insert(&parent->views,
                              (struct page_entry){ entry.page, entry.slot, entry.frame,
                                                   PAGE_INHERITED | PAGE_COPY_ON_WRITE |
                                                   (entry.flags & PAGE_MAPPED) });
        note_protection(protection, &entry);
    }
    heap_free(own->entries);
    return 0;
}

/* Moves the parent's private pages (but those fork copies) into the
 * inherited index; the own index keeps the rest, in storage sized for
 * them. -LINUX_ENOMEM changes nothing. */
static int make_inherited(struct space *parent, struct protection *protection)
{
    struct page_index *own = &parent->pages, kept;
    uint32_t moving = 0;
    for (uint32_t i = 0; i < own->capacity; i++)
        moving += own->entries[i].page != PAGE_INDEX_EMPTY && becomes_inherited(&own->entries[i]);
    if (!index_create(&kept, 2 * page_index_capacity_for(own->count - moving)))
        return -LINUX_ENOMEM;
    bool mostly_own = parent->inherited->index.count + parent->views.count <= moving;
    int result = mostly_own ? adopt_own_index(parent, &kept, protection)
                            : move_into_inherited(parent, moving, &kept, protection);
    if (result < 0) {
        heap_free(kept.entries);
        return result;
    }
    *own = kept;
    return 0;
}

/* The parent's pages that were written since the last fork are the
 * child's too now: none may be written through its mappings any more. */
static void write_protect(struct space *space, const struct protection *protection)
{
    if (protection->count <= PROTECT_ONE_BY_ONE) {
        for (unsigned i = 0; i < protection->count; i++) {
            uint64_t page = protection->pages[i];
            const struct region *region = address_map_lookup(&space->map, page);
            if (region)
                map_entry(space, page_index_find(&space->views, page), region->prot);
        }
        return;
    }
    for (unsigned i = 0; i < space->map.count; i++) {
        const struct region *region = &space->map.regions[i];
        if (region->kind != REGION_SHARED)
            tern_vspace_write_protect(space->vspace, region->start, region->end - region->start);
    }
    /* But for the pages fork copies, which stay the parent's own. */
    for (uint32_t i = 0; i < space->pages.capacity; i++) {
        struct page_entry *entry = &space->pages.entries[i];
        if (entry->page == PAGE_INDEX_EMPTY || !(entry->flags & PAGE_MAPPED) ||
            (entry->flags & PAGE_BORROWED))
            continue;
        const struct region *region = address_map_lookup(&space->map, entry->page);
        if (region)
            map_entry(space, entry, region->prot);
    }
}

/* The space's own copy of what it inherits, for a space that shares it:
 * each frame one use more, each view its own entry again. */
static int detach(struct space *space)
{
    struct inherited_pages *inherited = space->inherited;
    if (index_make_room(&space->pages, inherited->index.count) < 0)
        return -LINUX_ENOMEM;
    for (uint32_t i = 0; i < inherited->index.capacity; i++) {
        struct page_entry entry = inherited->index.entries[i];
        if (entry.page == PAGE_INDEX_EMPTY || page_index_find(&space->pages, entry.page))
            continue;   /* the space's own copy shadows it */
        page_index_remove(&space->views, entry.page, &entry);
        entry.flags = (entry.flags & PAGE_MAPPED) | PAGE_COPY_ON_WRITE;
        frames_share(entry.frame);
        page_index_insert(&space->pages, entry);
    }
    space->inherited = 0;
    inherited_release(inherited);
    return 0;
}

/* Before pages of [start, end) leave the space: detached, if it shares
 * inherited pages of that range with another space. */
int detach_from_range(struct space *space, uint64_t start, uint64_t end)
{
    struct inherited_pages *inherited = space->inherited;
    if (!inherited || inherited->users == 1 || !page_index_has_range(&inherited->index, start, end))
        return 0;
    return detach(space);
}

/* Before pages of [start, end) move: detached even from an inherited
 * index no other space shares (detach then takes every frame from it). */
int own_inherited_range(struct space *space, uint64_t start, uint64_t end)
{
    struct inherited_pages *inherited = space->inherited;
    if (!inherited || !page_index_has_range(&inherited->index, start, end))
        return 0;
    return detach(space);
}

static struct inherited_pages *inherited_create(void)
{
    struct inherited_pages *inherited = heap_allocate(sizeof *inherited);
    if (inherited && !index_create(&inherited->index, INITIAL_VIEW_CAPACITY)) {
        heap_free(inherited);
        return 0;
    }
    if (inherited)
        inherited->users = 1;
    return inherited;
}

/*
 * The parent's private pages become inherited (shared with the child,
 * mapped read-only in the parent, not yet mapped in the child: its first
 * access maps them); an index the parent shares with an earlier child
 * still alive is detached from first. The rest of its own pages the child
 * gets as fork_own_entry says.
 */
struct space *space_fork(struct space *parent)
{
    if (parent->inherited && parent->inherited->users > 1 && detach(parent) < 0)
        return 0;
    if (!parent->inherited && !(parent->inherited = inherited_create()))
        return 0;
    struct protection protection = { .count = 0 };
    if (make_inherited(parent, &protection) < 0)
        return 0;
    write_protect(parent, &protection);
    struct space *child = space_create_sized(2 * page_index_capacity_for(parent->pages.count));
    if (!child)
        return 0;
    child->inherited = parent->inherited;
    child->inherited->users++;
    if (!address_map_copy(&child->map, &parent->map)) {
        space_destroy(child);
        return 0;
    }
    for_each_object(child, memory_object_retain);
    child->upcall_entry = parent->upcall_entry;
    tern_vspace_set_upcall(child->vspace, child->upcall_entry);
    int result = 0;
    for (uint32_t i = 0; i < parent->pages.capacity && result == 0; i++)
        if (parent->pages.entries[i].page != PAGE_INDEX_EMPTY)
            result = fork_own_entry(child, &parent->pages.entries[i]);
    if (result < 0) {
        space_destroy(child);
        return 0;
    }
    userfault_fork(parent, child);      /* a userfaultfd's registrations */
    return child;
}
