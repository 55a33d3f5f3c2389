/*
 * Address spaces (procmgr.h): regions (address_map), the frames behind
 * their pages (page_index), faults, fork, and the mmap family. Pages are
 * made when first touched: procmgr is the default pager. What a fault
 * needs is fault.c's decision; what shared mappings and private file
 * mappings map are memory objects (memory_object.h); private pages are
 * frames of the pool (frames.h), which fork shares copy-on-write.
 *
 * A space's own pages are in its page index. fork moves the parent's
 * private frames into an inherited index that parent and child then
 * share, frozen, with one use of each frame for all of them; each keeps
 * its mappings of those frames in its views. A write copies the page
 * into the space's own index (or, with no one else left, takes it), so
 * a fork costs what changed since the last one, not every page. A space
 * still sharing its inherited index takes a copy of it (detach) before
 * pages leave it or before it forks again.
 */
#include "fault.h"
#include "frames.h"
#include "memory_object.h"
#include "procmgr.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"

#define INITIAL_PAGE_CAPACITY 1024
#define INITIAL_VIEW_CAPACITY 16
/* fork write-protects the parent's pages one by one up to this many,
 * beyond it region by region. */
#define PROTECT_ONE_BY_ONE 16

/* Private frames fork shared: frozen while more than one space uses
 * them; each entry holds one use of its frame (frames.h). */
struct inherited_pages {
    struct page_index index;
    unsigned users;
};

static uint64_t next_space_id = 1;

/* Empty storage for an index of capacity entries, or 0. */
static bool index_create(struct page_index *index, uint32_t capacity)
{
    struct page_entry *entries = heap_allocate_unzeroed(capacity * sizeof *entries);
    if (entries)
        page_index_init(index, entries, capacity);
    return entries;
}

/* Room for `more` entries, moving the index into bigger storage if
 * needed: 0, or -LINUX_ENOMEM (then the index is as it was). */
static int index_make_room(struct page_index *index, uint32_t more)
{
    uint32_t capacity = page_index_capacity_for(index->count + more);
    if (capacity <= index->capacity)
        return 0;
    struct page_entry *entries = heap_allocate_unzeroed(capacity * sizeof *entries);
    if (!entries)
        return -LINUX_ENOMEM;
    struct page_entry *old = index->entries;
    page_index_move(index, entries, capacity);
    heap_free(old);
    return 0;
}

/* Record an entry, growing the index when it fills up. */
static int index_insert(struct page_index *index, struct page_entry entry)
{
    int result = index_make_room(index, 1);
    return result < 0 ? result : page_index_insert(index, entry);
}

static struct page_entry *inherited_entry(struct space *space, uint64_t page)
{
    return space->inherited ? page_index_find(&space->inherited->index, page) : 0;
}

/* One space less uses the inherited frames; with the last they go. Its
 * views must be gone. */
static void inherited_release(struct inherited_pages *inherited)
{
    if (--inherited->users)
        return;
    for (uint32_t i = 0; i < inherited->index.capacity; i++)
        if (inherited->index.entries[i].page != PAGE_INDEX_EMPTY)
            frames_release(inherited->index.entries[i].frame);
    heap_free(inherited->index.entries);
    heap_free(inherited);
}

/* An empty space whose page index starts with room for capacity entries
 * (a power of two). */
static struct space *space_create_sized(uint32_t capacity)
{
    struct space *space = heap_allocate(sizeof *space);
    if (!space)
        return 0;
    space->id = next_space_id++;
    allotment_init(&space->objects);
    address_map_init(&space->map);
    space->inherited = 0;
    if (!index_create(&space->pages, capacity) ||
        !index_create(&space->views, INITIAL_VIEW_CAPACITY) ||
        !(space->vspace = allotment_new_object(&space->objects, TERN_OBJECT_VSPACE, 0)))
        goto fail;
    return space;
fail:
    allotment_release(&space->objects);
    heap_free(space->pages.entries);
    heap_free(space->views.entries);
    heap_free(space);
    return 0;
}

struct space *space_create(void)
{
    return space_create_sized(INITIAL_PAGE_CAPACITY);
}

/* Objects count the address spaces that map them (once each, in however
 * many regions). Call visit once per object this space maps. */
static void for_each_object(struct space *space, void (*visit)(uint64_t id))
{
    for (unsigned i = 0; i < space->map.count; i++) {
        uint64_t object = space->map.regions[i].object;
        bool seen = false;
        for (unsigned j = 0; j < i && !seen; j++)
            seen = space->map.regions[j].object == object;
        if (object && !seen)
            visit(object);
    }
}

static bool maps_object(const struct space *space, uint64_t id)
{
    for (unsigned i = 0; i < space->map.count; i++)
        if (space->map.regions[i].object == id)
            return true;
    return false;
}

static void free_frame_slot(uint64_t slot)
{
    memory_delete(&server_memory, slot);
}

/* What a page held goes: another owner's frame (its copy deleted), or the
 * space's use of a private frame (a copy of its capability deleted, or
 * the capability itself unmapped), the frame back to the pool with its
 * last user; a view's frame stays the inherited index's. */
static void let_go_of(const struct page_entry *entry)
{
    if (entry->flags & PAGE_BORROWED) {
        if (entry->slot)
            free_frame_slot(entry->slot);
        return;
    }
    if (entry->slot && entry->slot != entry->frame)
        free_frame_slot(entry->slot);
    else if (entry->slot)
        tern_frame_unmap(entry->slot);
    if (!(entry->flags & PAGE_INHERITED))
        frames_release(entry->frame);
}

static void let_go_of_all(struct page_index *index)
{
    for (uint32_t i = 0; i < index->capacity; i++)
        if (index->entries[i].page != PAGE_INDEX_EMPTY)
            let_go_of(&index->entries[i]);
}

void space_destroy(struct space *space)
{
    for_each_object(space, memory_object_release);
    let_go_of_all(&space->pages);
    let_go_of_all(&space->views);
    if (space->inherited)
        inherited_release(space->inherited);
    allotment_release(&space->objects);
    heap_free(space->pages.entries);
    heap_free(space->views.entries);
    heap_free(space);
}

/* The rights a page's frame is mapped with: the region's, but never
 * write for a frame shared copy-on-write. */
static uint64_t rights_for_page(uint32_t flags, unsigned prot)
{
    if (flags & PAGE_COPY_ON_WRITE)
        prot &= ~LINUX_PROT_WRITE;
    return memory_rights_for(prot);
}

/* Put entry (its capability in slot) at its page with prot (not mapped
 * at all for PROT_NONE); the capability's own rights may allow less (a
 * lent frame read-only). On failure what the entry holds is let go of. */
static int place(struct space *space, struct page_entry entry, unsigned prot)
{
    if (prot != LINUX_PROT_NONE) {
        if (allotment_map_frame(&space->objects, space->vspace, entry.slot, entry.page,
                                rights_for_page(entry.flags, prot)) != TERN_OK) {
            let_go_of(&entry);
            return -LINUX_ENOMEM;
        }
        entry.flags |= PAGE_MAPPED;
    }
    int result = index_insert(&space->pages, entry);
    if (result < 0)
        let_go_of(&entry);
    return result;
}

/* A private frame of the space's own at page. */
static int place_private(struct space *space, uint64_t page, uint64_t frame, unsigned prot)
{
    return place(space, (struct page_entry){ page, (uint32_t)frame, (uint32_t)frame, 0 }, prot);
}

int space_map_new_page(struct space *space, uint64_t address, unsigned prot)
{
    uint64_t frame = frames_new();
    if (!frame)
        return -LINUX_ENOMEM;
    return place_private(space, address & ~(uint64_t)(PAGE_SIZE - 1), frame, prot);
}

int space_map_shared_frame(struct space *space, uint64_t page, uint64_t frame, unsigned prot)
{
    uint64_t copy = memory_copy_frame(frame);
    if (!copy)
        return -LINUX_ENOMEM;
    struct page_entry entry = { page, (uint32_t)copy, (uint32_t)frame, PAGE_BORROWED };
    return place(space, entry, prot);
}

/* Takes a page out of the space and lets go of what it held. An
 * inherited frame goes from the inherited index too, which the space
 * must have to itself by then (detach_from_range). */
static void drop_page(struct space *space, uint64_t page)
{
    struct page_entry removed;
    if (page_index_remove(&space->pages, page, &removed))
        let_go_of(&removed);
    if (page_index_remove(&space->views, page, &removed))
        let_go_of(&removed);
    if (space->inherited && space->inherited->users == 1 &&
        page_index_remove(&space->inherited->index, page, &removed))
        frames_release(removed.frame);
}

/* Whether the borrowed frame in slot is still there: its owner revokes
 * what it lent when the page leaves the object (a file that shrinks). */
static bool frame_still_there(uint64_t slot)
{
    uint64_t physical;
    return tern_frame_get_address(slot, &physical) == TERN_OK;
}

/* The page's state for fault_decide; a revoked borrowed frame is dropped
 * (the page is absent again). */
static struct fault_page page_state(struct space *space, uint64_t page)
{
    struct page_entry *entry = page_index_find(&space->pages, page);
    if (entry && (entry->flags & PAGE_BORROWED) && entry->slot &&
        !frame_still_there(entry->slot)) {
        drop_page(space, page);
        entry = 0;
    }
    if (!entry && inherited_entry(space, page)) {
        struct page_entry *view = page_index_find(&space->views, page);
        return (struct fault_page){ .present = true, .copy_on_write = true,
                                    .mapped = view && (view->flags & PAGE_MAPPED) };
    }
    if (!entry)
        return (struct fault_page){ .present = false };
    return (struct fault_page){ .present = true,
                                .from_object = entry->flags & PAGE_BORROWED,
                                .writable = entry->flags & PAGE_WRITABLE,
                                .mapped = entry->flags & PAGE_MAPPED,
                                .copy_on_write = entry->flags & PAGE_COPY_ON_WRITE };
}

/* The object's page for region at page: 0, or -errno. */
static int object_page(struct space *space, const struct region *region, uint64_t page,
                       bool write)
{
    bool writable = fault_wants_writable(region, write);
    uint64_t frame;
    int result = memory_object_page(region->object, region->object_offset + (page - region->start),
                                    writable, &frame);
    if (result < 0)
        return result;
    drop_page(space, page);     /* one lent read-only, before a write came */
    struct page_entry entry = { page, (uint32_t)frame, 0,
                                PAGE_BORROWED | (writable ? PAGE_WRITABLE : 0) };
    return place(space, entry, region->prot);
}

/* A private frame with a copy of private frame source's bytes; 0
 * without memory. */
static uint64_t private_copy_of(uint64_t source)
{
    uint64_t frame = frames_new_unzeroed();
    if (frame)
        memcpy(frames_contents(frame), frames_contents(source), PAGE_SIZE);
    return frame;
}

/* The same of the frame in slot source, another owner's (an object's):
 * procmgr maps it for a moment to read it. */
static uint64_t private_copy_of_borrowed(uint64_t source)
{
    uint8_t *from = scratch_map(0, source);
    if (!from)
        return 0;
    uint64_t frame = frames_new_unzeroed();
    if (frame)
        memcpy(frames_contents(frame), from, PAGE_SIZE);
    scratch_unmap(0);
    return frame;
}

/* A private mapping's first write to a file page: the space's own copy of
 * it. */
static int copy_object_page(struct space *space, const struct region *region, uint64_t page)
{
    uint64_t source;
    int result = memory_object_page(region->object, region->object_offset + (page - region->start),
                                    false, &source);
    if (result < 0)
        return result;
    uint64_t frame = private_copy_of_borrowed(source);
    free_frame_slot(source);
    if (!frame)
        return -LINUX_ENOMEM;
    drop_page(space, page);
    return place_private(space, page, frame, region->prot);
}

/* A write to an inherited page: the space's own copy, or, when no other
 * space uses the inherited index or the frame, the frame itself taken
 * out of the index. Its view goes; the space's own entry shadows an
 * inherited entry others still see. */
static int copy_inherited(struct space *space, const struct region *region, uint64_t page)
{
    struct inherited_pages *inherited = space->inherited;
    uint64_t frame = page_index_find(&inherited->index, page)->frame;
    bool alone = inherited->users == 1;
    bool take = alone && frames_users(frame) == 1;
    uint64_t copy = take ? 0 : private_copy_of(frame);
    if (!take && !copy)
        return -LINUX_ENOMEM;
    struct page_entry view = { .slot = 0 };
    if (page_index_remove(&space->views, page, &view) && !take)
        let_go_of(&view);
    if (alone)
        page_index_remove(&inherited->index, page, 0);
    if (take)   /* the view's capability, or the frame's own, which nothing maps */
        return place(space, (struct page_entry){ page, view.slot ? view.slot : (uint32_t)frame,
                                                 (uint32_t)frame, 0 }, region->prot);
    if (alone)
        frames_release(frame);
    return place_private(space, page, copy, region->prot);
}

/* A write to a private frame fork shared: a copy of the space's own, or,
 * once no other space uses the frame, the frame itself, made writable. */
static int copy_on_write(struct space *space, const struct region *region, uint64_t page)
{
    struct page_entry *entry = page_index_find(&space->pages, page);
    if (!entry)
        return copy_inherited(space, region, page);
    if (frames_users(entry->frame) == 1) {
        if (!entry->slot)
            entry->slot = entry->frame;     /* its capability, which nothing maps now */
        entry->flags &= ~PAGE_COPY_ON_WRITE;
        if (region->prot == LINUX_PROT_NONE)
            return 0;
        if (allotment_map_frame(&space->objects, space->vspace, entry->slot, page,
                                memory_rights_for(region->prot)) != TERN_OK)
            return -LINUX_ENOMEM;
        entry->flags |= PAGE_MAPPED;
        return 0;
    }
    uint64_t frame = private_copy_of(entry->frame);
    if (!frame)
        return -LINUX_ENOMEM;
    drop_page(space, page);
    return place_private(space, page, frame, region->prot);
}

/* The space's view of an inherited page, made (unmapped) if it has none;
 * 0 without memory. */
static struct page_entry *view_of(struct space *space, uint64_t page)
{
    struct page_entry *view = page_index_find(&space->views, page);
    if (view)
        return view;
    struct page_entry entry = { page, 0, inherited_entry(space, page)->frame,
                                PAGE_INHERITED | PAGE_COPY_ON_WRITE };
    if (index_insert(&space->views, entry) < 0)
        return 0;
    return page_index_find(&space->views, page);
}

/* A page whose frame the space has but does not map: an inherited page
 * fork shared, which gets a copy of the frame's capability of its own,
 * or one fork write-protected or mprotect left unmapped. */
static int map_present(struct space *space, const struct region *region, uint64_t page)
{
    struct page_entry *entry = page_index_find(&space->pages, page);
    if (!entry)
        entry = view_of(space, page);
    if (!entry)
        return -LINUX_ENOMEM;
    if (!entry->slot) {
        uint64_t copy = memory_copy_frame(entry->frame);
        if (!copy)
            return -LINUX_ENOMEM;
        entry->slot = (uint32_t)copy;
    }
    if (region->prot == LINUX_PROT_NONE)
        return 0;
    if (allotment_map_frame(&space->objects, space->vspace, entry->slot, page,
                            rights_for_page(entry->flags, region->prot)) != TERN_OK)
        return -LINUX_ENOMEM;
    entry->flags |= PAGE_MAPPED;
    return 0;
}

/* Makes the page at address ready for the access (write or not), as a
 * fault needs it or, with ignore_protection, as procmgr's own writes do:
 * FAULT_NEW_PAGE when it is (the action is done), else what stops it. */
static enum fault_action prepare_page(struct space *space, uint64_t address, bool write,
                                      bool ignore_protection, int *error)
{
    uint64_t page = address & ~(uint64_t)(PAGE_SIZE - 1);
    const struct region *region = address_map_lookup(&space->map, page);
    enum fault_action action = fault_decide(region, page_state(space, page), write,
                                            ignore_protection);
    switch (action) {
    case FAULT_NEW_PAGE:
        *error = space_map_new_page(space, page, region->prot);
        break;
    case FAULT_OBJECT_PAGE:
        *error = object_page(space, region, page, write);
        break;
    case FAULT_COPY_OBJECT_PAGE:
        *error = copy_object_page(space, region, page);
        break;
    case FAULT_COPY_ON_WRITE:
        *error = copy_on_write(space, region, page);
        break;
    case FAULT_MAP_PRESENT:
        *error = map_present(space, region, page);
        break;
    default:
        *error = 0;
        break;
    }
    return action;
}

int space_handle_fault(struct space *space, uint64_t address, bool write,
                       struct fault_signal *signal)
{
    int error;
    enum fault_action action = prepare_page(space, address, write, false, &error);
    if (action == FAULT_SEGV_MAPERR || action == FAULT_SEGV_ACCERR) {
        *signal = (struct fault_signal){ LINUX_SIGSEGV, action == FAULT_SEGV_MAPERR
                                                            ? LINUX_SEGV_MAPERR
                                                            : LINUX_SEGV_ACCERR };
        return -LINUX_EFAULT;
    }
    if (error < 0) {
        /* The object has no such page (past the end of a file), or no
         * memory for it: Linux's VM_FAULT_SIGBUS. */
        *signal = (struct fault_signal){ LINUX_SIGBUS, LINUX_BUS_ADRERR };
        return error;
    }
    return 0;
}

int space_write(struct space *space, uint64_t address, const void *bytes, uint64_t length)
{
    const uint8_t *source = bytes;
    while (length) {
        uint64_t page = address & ~(uint64_t)(PAGE_SIZE - 1);
        uint64_t chunk = PAGE_SIZE - (address - page);
        if (chunk > length)
            chunk = length;
        struct page_entry *entry = page_index_find(&space->pages, page);
        bool read_only = entry && (entry->flags & PAGE_BORROWED) && !(entry->flags & PAGE_WRITABLE);
        bool shared = entry && (entry->flags & PAGE_COPY_ON_WRITE);
        if (!entry || read_only || shared || !entry->slot) {
            int error = 0;
            if (!address_map_lookup(&space->map, page)) {
                /* Outside every region: the process info page. */
                error = space_map_new_page(space, page, LINUX_PROT_READ);
            } else {
                enum fault_action action = prepare_page(space, page, true, true, &error);
                if (action == FAULT_SEGV_MAPERR || action == FAULT_SEGV_ACCERR)
                    error = -LINUX_EFAULT;
            }
            if (error < 0)
                return error;
            entry = page_index_find(&space->pages, page);
            if (!entry)
                return -LINUX_EFAULT;
        }
        bool borrowed = entry->flags & PAGE_BORROWED;
        uint8_t *mapped = borrowed ? scratch_map(0, entry->slot) : frames_contents(entry->frame);
        if (!mapped)
            return -LINUX_ENOMEM;
        memcpy(mapped + (address - page), source, chunk);
        if (borrowed)
            scratch_unmap(0);
        address += chunk;
        source += chunk;
        length -= chunk;
    }
    return 0;
}

/* ---- Scratch mappings in procmgr's own address space ---- */

static uint64_t scratch_copies[SCRATCH_PAGES];  /* copies of the frames looked at */

void *scratch_map(unsigned which, uint64_t frame)
{
    /* A copy, so a frame that is mapped elsewhere can be mapped here too. */
    uint64_t copy = memory_copy_frame(frame);
    uint64_t address = SCRATCH_PAGE + which * PAGE_SIZE;
    if (!copy)
        return 0;
    if (memory_map_frame(&server_memory, TERN_SLOT_VSPACE, copy, address,
                         TERN_RIGHT_READ | TERN_RIGHT_WRITE, 0, 0) != TERN_OK) {
        memory_delete(&server_memory, copy);
        return 0;
    }
    scratch_copies[which] = copy;
    return (void *)address;
}

void scratch_unmap(unsigned which)
{
    memory_delete(&server_memory, scratch_copies[which]);   /* deleting unmaps it */
}

/* ---- fork ---- */

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
static int detach_from_range(struct space *space, uint64_t start, uint64_t end)
{
    struct inherited_pages *inherited = space->inherited;
    if (!inherited || inherited->users == 1 || !page_index_has_range(&inherited->index, start, end))
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
    address_map_copy(&child->map, &parent->map);
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
    return child;
}

/* ---- The mmap family ---- */

/* What an address_map change removed: the space, and the objects some of
 * whose pages went (checked afterwards: does the space still map them?). */
#define REMOVAL_MAX_OBJECTS 16
struct removal {
    struct space *space;
    uint64_t objects[REMOVAL_MAX_OBJECTS];
    unsigned object_count;
};

/* address_map callback: the pages of [start, end) leave the space. */
static void drop_pages(void *context, const struct region *old, uint64_t start, uint64_t end)
{
    struct removal *removal = context;
    if (old->object && removal->object_count < REMOVAL_MAX_OBJECTS)
        removal->objects[removal->object_count++] = old->object;
    for (uint64_t page = start; page < end; page += PAGE_SIZE)
        drop_page(removal->space, page);
}

/* After a change: release the objects the space no longer maps. */
static void finish_removal(struct removal *removal)
{
    for (unsigned i = 0; i < removal->object_count; i++) {
        uint64_t id = removal->objects[i];
        bool again = false;
        for (unsigned j = 0; j < i; j++)
            again |= removal->objects[j] == id;
        if (!again && !maps_object(removal->space, id))
            memory_object_release(id);
    }
}

int64_t space_mmap(struct space *space, const struct mapping *mapping)
{
    uint64_t page_length;
    uint64_t address = mapping->address;
    unsigned flags = mapping->flags;
    int check = address_map_check_mmap(address, mapping->length, flags, mapping->offset,
                                       &page_length);
    if (check < 0)
        goto fail;
    check = -LINUX_EINVAL;
    if (mapping->prot & ~(LINUX_PROT_READ | LINUX_PROT_WRITE | LINUX_PROT_EXEC))
        goto fail;
    bool fixed = flags & (LINUX_MAP_FIXED | LINUX_MAP_FIXED_NOREPLACE);
    check = -LINUX_EEXIST;
    if (flags & LINUX_MAP_FIXED_NOREPLACE && !address_map_is_free(&space->map, address, page_length))
        goto fail;
    uint64_t start = fixed ? address : address_map_place(&space->map, address, page_length);
    check = -LINUX_ENOMEM;
    if (!start || detach_from_range(space, start, start + page_length) < 0)
        goto fail;
    struct region region = { .start = start, .end = start + page_length, .prot = mapping->prot,
                             .kind = mapping->shared ? REGION_SHARED : REGION_PRIVATE,
                             .object = mapping->object, .object_offset = mapping->offset,
                             .write_forbidden = mapping->write_forbidden };
    if (mapping->shared && !region.object) {
        region.object = memory_object_create_anonymous(page_length);
        region.object_offset = 0;
        if (!region.object)
            return -LINUX_ENOMEM;
    }
    struct removal removal = { .space = space };
    int result = address_map_insert(&space->map, &region, drop_pages, &removal);
    finish_removal(&removal);
    if (result < 0) {
        if (region.object)
            memory_object_release(region.object);
        return result;
    }
    return (int64_t)start;
fail:
    if (mapping->object)
        memory_object_release(mapping->object);
    return check;
}

int64_t space_munmap(struct space *space, uint64_t address, uint64_t length)
{
    int check = address_map_check_munmap(address, length);
    if (check < 0 || (check = detach_from_range(space, address, address + length)) < 0)
        return check;
    struct removal removal = { .space = space };
    int result = address_map_remove(&space->map, address, length, drop_pages, &removal);
    finish_removal(&removal);
    return result;
}

/* What mprotect changes: the space, and the prot its pages get. */
struct reprotection {
    struct space *space;
    unsigned prot;
};

/* address_map callback: [start, end) gets the new prot (a frame's own
 * rights still limit it: a lent read-only page stays read-only until a
 * write fault asks for more, and so does a page shared copy-on-write). */
static void reprotect_pages(void *context, const struct region *old, uint64_t start,
                            uint64_t end)
{
    struct reprotection *change = context;
    struct space *space = change->space;
    (void)old;
    for (uint64_t page = start; page < end; page += PAGE_SIZE) {
        struct page_entry *entry = page_index_find(&space->pages, page);
        if (!entry)
            entry = page_index_find(&space->views, page);
        if (!entry || !entry->slot)
            continue;   /* nothing mapped: the first access maps it as it is then */
        if (change->prot == LINUX_PROT_NONE) {
            tern_frame_unmap(entry->slot);
            entry->flags &= ~PAGE_MAPPED;
        } else if (allotment_map_frame(&space->objects, space->vspace, entry->slot, page,
                                       rights_for_page(entry->flags, change->prot)) == TERN_OK) {
            entry->flags |= PAGE_MAPPED;
        }
    }
}

int64_t space_mprotect(struct space *space, uint64_t address, uint64_t length, unsigned prot)
{
    uint64_t end;
    int check = address_map_check_mprotect(address, length, prot, &end);
    if (check < 0 || end == address)
        return check;
    struct reprotection change = { space, prot };
    return address_map_protect(&space->map, address, end - address, prot, reprotect_pages,
                               &change);
}

int64_t space_brk(struct space *space, uint64_t address)
{
    /* A shrinking heap's pages leave (an invalid request keeps them). */
    if (address >= space->map.brk_start && address < space->map.brk &&
        detach_from_range(space, address, space->map.brk + PAGE_SIZE) < 0)
        return (int64_t)space->map.brk;
    struct removal removal = { .space = space };
    return (int64_t)address_map_set_brk(&space->map, address, drop_pages, &removal);
}

int64_t space_mremap(struct space *space, uint64_t address, uint64_t old_length,
                     uint64_t new_length, unsigned flags)
{
    (void)space, (void)address, (void)old_length, (void)new_length, (void)flags;
    return -LINUX_ENOSYS;   /* musl falls back to malloc, copy and free */
}

/* A shared mapping's futexes are named by its object's key and the
 * offset in it, so every process that maps the object meets on them;
 * any other by the space and the address. */
int64_t space_futex_key(struct space *space, uint64_t address)
{
    const struct region *region = address_map_lookup(&space->map, address);
    if (!region || (address & 3))
        return -LINUX_EFAULT;
    if (region->kind == REGION_SHARED)
        return (int64_t)((1ULL << 62) | (memory_object_key(region->object) << 40)
                         | (region->object_offset + (address - region->start)));
    return (int64_t)((1ULL << 61) | (space->id << 40) | address);
}
