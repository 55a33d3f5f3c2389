/*
 * Address spaces (procmgr.h): regions (address_map), the frames behind
 * their pages (page_index), and faults. Pages are made when first
 * touched: procmgr is the default pager. What a fault needs is fault.c's
 * decision; what shared mappings and private file mappings map are
 * memory objects (memory_object.h); private pages are frames of the pool
 * (frames.h), which fork shares copy-on-write (space_fork.c). The mmap
 * family is space_mmap.c; what the three share, space_internal.h.
 */
#include "fault.h"
#include "frames.h"
#include "memory_object.h"
#include "procmgr.h"
#include "space_internal.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/linux_userfault.h"
#include "sys/runtime.h"

#define INITIAL_PAGE_CAPACITY 1024

static uint64_t next_space_id = 1;

/* Empty storage for an index of capacity entries, or 0. */
bool index_create(struct page_index *index, uint32_t capacity)
{
    struct page_entry *entries = heap_allocate_unzeroed(capacity * sizeof *entries);
    if (entries)
        page_index_init(index, entries, capacity);
    return entries;
}

/* Room for `more` entries, moving the index into bigger storage if
 * needed: 0, or -LINUX_ENOMEM (then the index is as it was). */
int index_make_room(struct page_index *index, uint32_t more)
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
int index_insert(struct page_index *index, struct page_entry entry)
{
    int result = index_make_room(index, 1);
    return result < 0 ? result : page_index_insert(index, entry);
}

struct page_entry *inherited_entry(struct space *space, uint64_t page)
{
    return space->inherited ? page_index_find(&space->inherited->index, page) : 0;
}

/* One space less uses the inherited frames; with the last they go. Its
 * views must be gone. */
void inherited_release(struct inherited_pages *inherited)
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
struct space *space_create_sized(uint32_t capacity)
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

/* Region i's object if no region before it maps that object; else 0. */
static uint64_t first_mapping_of_object(const struct space *space, unsigned i)
{
    uint64_t object = space->map.regions[i].object;
    for (unsigned j = 0; j < i && object; j++)
        if (space->map.regions[j].object == object)
            return 0;
    return object;
}

/* Objects count the address spaces that map them (once each, in however
 * many regions). Call visit once per object this space maps. */
void for_each_object(struct space *space, void (*visit)(uint64_t id))
{
    for (unsigned i = 0; i < space->map.count; i++) {
        uint64_t object = first_mapping_of_object(space, i);
        if (object)
            visit(object);
    }
}

bool maps_object(const struct space *space, uint64_t id)
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
void let_go_of(const struct page_entry *entry)
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

struct region *address_map_storage_new(unsigned capacity)
{
    return heap_allocate_unzeroed(capacity * sizeof(struct region));
}

void address_map_storage_free(struct region *regions)
{
    heap_free(regions);
}

void space_destroy(struct space *space)
{
    userfault_space_gone(space);
    /* The pages first: an object's frames may go back to the pool with
     * it, and by then nothing may map them. */
    let_go_of_all(&space->pages);
    let_go_of_all(&space->views);
    for_each_object(space, memory_object_release);
    if (space->inherited)
        inherited_release(space->inherited);
    allotment_release(&space->objects);
    address_map_release(&space->map);
    heap_free(space->pages.entries);
    heap_free(space->views.entries);
    heap_free(space);
}

/* The rights a page's frame is mapped with: the region's, but never
 * write for a frame shared copy-on-write. */
uint64_t rights_for_page(uint32_t flags, unsigned prot)
{
    if (flags & PAGE_COPY_ON_WRITE)
        prot &= ~LINUX_PROT_WRITE;
    return memory_rights_for(prot);
}

/* Put entry (its capability in slot) at its page with prot (not mapped
 * at all for PROT_NONE); the capability's own rights may allow less (a
 * lent frame read-only). On failure what the entry holds is let go of. */
int place(struct space *space, struct page_entry entry, unsigned prot)
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
void drop_page(struct space *space, uint64_t page)
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
bool frame_still_there(uint64_t slot)
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
uint64_t private_copy_of(uint64_t source)
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

/* Whether region's object has a page at page already (its server is
 * asked: nothing is made). */
static bool object_has_page(const struct region *region, uint64_t page)
{
    uint64_t frame;
    if (memory_object_existing_page(region->object, region->object_offset + (page - region->start),
                                    false, &frame) < 0)
        return false;
    free_frame_slot(frame);
    return true;
}

/* Makes the page at address ready for the access (write or not), as a
 * fault needs it or, with ignore_protection, as procmgr's own writes do:
 * FAULT_NEW_PAGE when it is (the action is done), else what stops it. */
static enum fault_action prepare_page(struct space *space, uint64_t address, bool write,
                                      bool ignore_protection, int *error)
{
    uint64_t page = address & ~(uint64_t)(PAGE_SIZE - 1);
    const struct region *region = address_map_lookup(&space->map, page);
    struct fault_page state = page_state(space, page);
    /* Only a registration of an object's mapping asks the object whether
     * it has the page. */
    if (!state.present && !ignore_protection && region && region->object &&
        region->userfault_modes)
        state.in_object = object_has_page(region, page);
    enum fault_action action = fault_decide(region, state, write, ignore_protection);
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
    case FAULT_USERFAULT_MISSING:
        *error = SPACE_FAULT_USERFAULT;
        break;
    case FAULT_USERFAULT_MINOR:
        *error = SPACE_FAULT_USERFAULT_MINOR;
        break;
    default:
        *error = 0;
        break;
    }
    return action;
}

/* Whether the page a fault wanted is of procmgr's memory (the process's
 * own, or shared anonymous memory), whose lack is the OOM killer's,
 * rather than a server's. Asked only when memory ran out. */
static bool from_procmgr_memory(struct space *space, uint64_t address, enum fault_action action)
{
    if (action == FAULT_OBJECT_PAGE)
        return memory_object_is_anonymous(address_map_lookup(&space->map, address)->object);
    return action == FAULT_NEW_PAGE || action == FAULT_COPY_ON_WRITE ||
           action == FAULT_MAP_PRESENT;
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
    if (error == SPACE_FAULT_USERFAULT || error == SPACE_FAULT_USERFAULT_MINOR)
        return error;
    if (error == -LINUX_ENOMEM && from_procmgr_memory(space, address, action))
        return SPACE_FAULT_OUT_OF_MEMORY;
    if (error < 0) {
        /* The object has no such page (past the end of a file), or no
         * memory for it (a memfd past what it may borrow): Linux's
         * VM_FAULT_SIGBUS. The process's own memory and shared anonymous
         * memory are the OOM killer's (above). */
        *signal = (struct fault_signal){ LINUX_SIGBUS, LINUX_BUS_ADRERR };
        return error;
    }
    return 0;
}

int space_prepare_access(struct space *space, uint64_t address, bool write)
{
    uint64_t page = address & ~(uint64_t)(PAGE_SIZE - 1);
    const struct region *region = address_map_lookup(&space->map, page);
    struct fault_page state = page_state(space, page);
    /* The fault path takes a fault on a page mapped for the access as a
     * violation, so such a page is left alone. */
    bool shared_or_lent = state.copy_on_write || (state.from_object && !state.writable);
    bool ready = state.present && state.mapped && !(write && shared_or_lent);
    if (ready && region && (region->prot & (write ? LINUX_PROT_WRITE : LINUX_PROT_READ)))
        return 0;
    struct fault_signal signal;
    int result = space_handle_fault(space, page, write, &signal);
    /* A system call's access that finds no memory is -ENOMEM. */
    return result == SPACE_FAULT_OUT_OF_MEMORY ? -LINUX_ENOMEM : result;
}

bool space_mapped_for(struct space *space, uint64_t address, bool write, bool execute)
{
    uint64_t page = address & ~(uint64_t)(PAGE_SIZE - 1);
    return fault_mapped_for(address_map_lookup(&space->map, page), page_state(space, page), write,
                            execute);
}

static void count_private(void *context, struct page_entry *entry)
{
    if (!(entry->flags & PAGE_BORROWED))
        ++*(uint64_t *)context;
}

uint64_t space_reclaimable_pages(struct space *space)
{
    uint64_t pages = 0;
    page_index_for_each(&space->pages, count_private, &pages);
    for (unsigned i = 0; i < space->map.count; i++) {
        uint64_t object = first_mapping_of_object(space, i);
        if (object)
            pages += memory_object_sole_pages(object);
    }
    return pages;
}

bool space_page_present(struct space *space, uint64_t page)
{
    return page_state(space, page).present;
}

int space_map_existing_object_page(struct space *space, uint64_t page)
{
    const struct region *region = address_map_lookup(&space->map, page);
    if (!region || !region->object)
        return -LINUX_ENOENT;
    if (page_state(space, page).present)
        return -LINUX_EEXIST;
    bool writable = fault_wants_writable(region, false);
    uint64_t frame;
    int result = memory_object_existing_page(region->object,
                                             region->object_offset + (page - region->start),
                                             writable, &frame);
    if (result == -LINUX_ENOENT || result == -LINUX_ENXIO)
        return -LINUX_EFAULT;   /* a hole, or past the end: Linux's mcontinue_atomic_pte */
    if (result < 0)
        return result;
    struct page_entry entry = { page, (uint32_t)frame, 0,
                                PAGE_BORROWED | (writable ? PAGE_WRITABLE : 0) };
    return place(space, entry, region->prot);
}

/* space_place_missing in shared memory: the object's page made with
 * frame's bytes (the object must not have one yet), and mapped. */
static int fill_object_page(struct space *space, const struct region *region, uint64_t page,
                            uint64_t frame)
{
    uint64_t offset = region->object_offset + (page - region->start), own;
    int result = memory_object_existing_page(region->object, offset, false, &own);
    if (result == 0) {
        free_frame_slot(own);
        result = -LINUX_EEXIST;
    } else if (result == -LINUX_ENOENT) {
        result = memory_object_page(region->object, offset, true, &own);
    }
    if (result == -LINUX_ENXIO)
        result = -LINUX_EFAULT;     /* past the end of the file */
    uint8_t *into = result == 0 ? scratch_map(0, own) : 0;
    if (into) {
        memcpy(into, frames_contents(frame), PAGE_SIZE);
        scratch_unmap(0);
    } else if (result == 0) {
        free_frame_slot(own);
        result = -LINUX_ENOMEM;
    }
    frames_release(frame);
    if (result < 0)
        return result;
    struct page_entry entry = { page, (uint32_t)own, 0, PAGE_BORROWED | PAGE_WRITABLE };
    return place(space, entry, region->prot);
}

int space_place_missing(struct space *space, uint64_t page, uint64_t frame)
{
    const struct region *region = address_map_lookup(&space->map, page);
    if (!region) {
        frames_release(frame);
        return -LINUX_ENOENT;
    }
    if (region->kind == REGION_SHARED)
        return fill_object_page(space, region, page, frame);
    return place_private(space, page, frame, region->prot);
}

/* The page's entry, ready for procmgr to write through its own view of
 * the frame: made, copied or asked of its object as a write needs. A
 * write for the program (as_program) must be one its region allows;
 * procmgr's own go anywhere, a page outside every region being the
 * process info page. 0, with -errno in *error, if it cannot be. */
static struct page_entry *page_for_writing(struct space *space, uint64_t page, bool as_program,
                                           int *error)
{
    const struct region *region = address_map_lookup(&space->map, page);
    if (as_program && (!region || !(region->prot & LINUX_PROT_WRITE))) {
        *error = -LINUX_EFAULT;
        return 0;
    }
    struct page_entry *entry = page_index_find(&space->pages, page);
    bool read_only = entry && (entry->flags & PAGE_BORROWED) && !(entry->flags & PAGE_WRITABLE);
    bool shared = entry && (entry->flags & PAGE_COPY_ON_WRITE);
    if (entry && !read_only && !shared && entry->slot)
        return entry;
    *error = 0;
    if (!region) {
        *error = space_map_new_page(space, page, LINUX_PROT_READ);
    } else {
        enum fault_action action = prepare_page(space, page, true, !as_program, error);
        if (action == FAULT_SEGV_MAPERR || action == FAULT_SEGV_ACCERR)
            *error = -LINUX_EFAULT;
    }
    if (*error < 0)
        return 0;
    entry = page_index_find(&space->pages, page);
    if (!entry)
        *error = -LINUX_EFAULT;
    return entry;
}

/* The bytes of an entry's frame in procmgr's address space (a borrowed
 * one at scratch page 0 until contents_done), or 0 without memory. */
static uint8_t *contents_of(const struct page_entry *entry)
{
    return entry->flags & PAGE_BORROWED ? scratch_map(0, entry->slot)
                                        : frames_contents(entry->frame);
}

static void contents_done(const struct page_entry *entry)
{
    if (entry->flags & PAGE_BORROWED)
        scratch_unmap(0);
}

int space_write(struct space *space, uint64_t address, const void *bytes, uint64_t length)
{
    const uint8_t *source = bytes;
    while (length) {
        uint64_t page = address & ~(uint64_t)(PAGE_SIZE - 1);
        uint64_t chunk = PAGE_SIZE - (address - page);
        if (chunk > length)
            chunk = length;
        int error;
        struct page_entry *entry = page_for_writing(space, page, false, &error);
        if (!entry)
            return error;
        uint8_t *mapped = contents_of(entry);
        if (!mapped)
            return -LINUX_ENOMEM;
        memcpy(mapped + (address - page), source, chunk);
        contents_done(entry);
        address += chunk;
        source += chunk;
        length -= chunk;
    }
    return 0;
}

int space_read(struct space *space, uint64_t address, void *bytes, uint64_t length)
{
    uint8_t *into = bytes;
    while (length) {
        uint64_t chunk = PAGE_SIZE - (address & (PAGE_SIZE - 1));
        if (chunk > length)
            chunk = length;
        uint64_t copied;
        if (tern_vspace_read(space->vspace, address, chunk, (uint64_t)into, &copied) != TERN_OK) {
            /* Not mapped (yet): paged in as the program's own read
             * would be, then read again. */
            struct fault_signal signal;
            if (space_handle_fault(space, address, false, &signal) < 0
                || tern_vspace_read(space->vspace, address, chunk, (uint64_t)into, &copied)
                       != TERN_OK)
                return -LINUX_EFAULT;
        }
        address += chunk;
        into += chunk;
        length -= chunk;
    }
    return 0;
}

int space_compare_exchange(struct space *space, uint64_t address, uint32_t expected,
                           uint32_t desired, uint32_t *found)
{
    if (address & 3)
        return -LINUX_EFAULT;
    uint64_t page = address & ~(uint64_t)(PAGE_SIZE - 1);
    int error;
    struct page_entry *entry = page_for_writing(space, page, true, &error);
    if (!entry)
        return error;
    uint8_t *mapped = contents_of(entry);
    if (!mapped)
        return -LINUX_ENOMEM;
    /* The frame's own word, so the swap is as atomic against the threads
     * of other processes that map it as theirs against each other. */
    *found = expected;
    bool swapped = __atomic_compare_exchange_n((uint32_t *)(mapped + (address - page)), found,
                                               desired, false, __ATOMIC_SEQ_CST,
                                               __ATOMIC_SEQ_CST);
    contents_done(entry);
    return swapped;
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
