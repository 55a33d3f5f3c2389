/*
 * Address spaces (procmgr.h): regions (address_map), the frames behind
 * their pages (page_index), faults, fork, and the mmap family. Pages are
 * made when first touched: procmgr is the default pager. What a fault
 * needs is fault.c's decision; what shared mappings and private file
 * mappings map are memory objects (memory_object.h); private pages are
 * frames of the pool (frames.h), which fork shares copy-on-write.
 */
#include "fault.h"
#include "frames.h"
#include "memory_object.h"
#include "procmgr.h"
#include "sys/invoke.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"

#define INITIAL_PAGE_CAPACITY 1024

static uint64_t next_space_id = 1;

/* An empty space whose page index starts with room for capacity entries
 * (a power of two). */
static struct space *space_create_sized(uint32_t capacity)
{
    struct space *space = heap_allocate(sizeof *space);
    struct page_entry *entries = heap_allocate(capacity * sizeof *entries);
    if (!space || !entries)
        goto fail;
    space->id = next_space_id++;
    allotment_init(&space->objects);
    address_map_init(&space->map);
    page_index_init(&space->pages, entries, capacity);
    space->vspace = allotment_new_object(&space->objects, TERN_OBJECT_VSPACE, 0);
    if (!space->vspace)
        goto fail;
    return space;
fail:
    if (space)
        allotment_release(&space->objects);
    heap_free(entries);
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
 * last user. */
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
    frames_release(entry->frame);
}

void space_destroy(struct space *space)
{
    for_each_object(space, memory_object_release);
    for (uint32_t i = 0; i < space->pages.capacity; i++)
        if (space->pages.entries[i].page != PAGE_INDEX_EMPTY)
            let_go_of(&space->pages.entries[i]);
    allotment_release(&space->objects);
    heap_free(space->pages.entries);
    heap_free(space);
}

/* Record an entry, growing the index when it fills up. */
static int index_page(struct space *space, struct page_entry entry)
{
    int result = page_index_insert(&space->pages, entry);
    if (result != -LINUX_ENOMEM)
        return result;
    struct page_index old = space->pages;
    uint32_t capacity = old.capacity * 2;
    struct page_entry *entries = heap_allocate(capacity * sizeof *entries);
    if (!entries)
        return -LINUX_ENOMEM;
    page_index_init(&space->pages, entries, capacity);
    for (uint32_t i = 0; i < old.capacity; i++)
        if (old.entries[i].page != PAGE_INDEX_EMPTY)
            page_index_insert(&space->pages, old.entries[i]);
    heap_free(old.entries);
    return page_index_insert(&space->pages, entry);
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
    int result = index_page(space, entry);
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

/* Takes a page out of the index and lets go of what it held. */
static void drop_page(struct space *space, uint64_t page)
{
    struct page_entry removed;
    if (page_index_remove(&space->pages, page, &removed))
        let_go_of(&removed);
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

/* A write to a private frame fork shared: a copy of the space's own, or,
 * once no other space uses the frame, the frame itself, made writable. */
static int copy_on_write(struct space *space, const struct region *region, uint64_t page)
{
    struct page_entry *entry = page_index_find(&space->pages, page);
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

/* A page whose frame the space has but does not map: a child's page
 * fork shared, which gets a copy of the frame's capability of its own,
 * or one fork write-protected or mprotect left unmapped. */
static int map_present(struct space *space, const struct region *region, uint64_t page)
{
    struct page_entry *entry = page_index_find(&space->pages, page);
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

/* Maps entry, which the index holds already, in space with prot. */
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

/* The child's entry for a page fork does not share, made from the
 * parent's (same page): another owner's frame borrowed again, a private
 * one copied byte for byte; mapped. */
static int copy_entry(struct space *child, struct page_entry *entry,
                      const struct page_entry *parent_entry, unsigned prot)
{
    bool borrowed = parent_entry->flags & PAGE_BORROWED;
    uint64_t frame = borrowed ? memory_copy_frame(parent_entry->slot)
                              : private_copy_of(parent_entry->frame);
    if (!frame)
        return -LINUX_ENOMEM;
    *entry = borrowed ? (struct page_entry){ entry->page, (uint32_t)frame, 0,
                                             parent_entry->flags & (PAGE_BORROWED |
                                                                    PAGE_WRITABLE) }
                      : (struct page_entry){ entry->page, (uint32_t)frame, (uint32_t)frame, 0 };
    return map_entry(child, entry, prot);
}

/* The child's view of one page, in place in its copy of the parent's
 * index (same place in both). A private frame is shared copy-on-write:
 * the child's entry is not mapped yet (its first access maps it), and
 * the parent's mapping becomes read-only (space_fork). A lent object's
 * page (or a revoked one) is left out (PAGE_FORK_DROPPED): the child asks
 * the object when it touches it. What fork copies instead is copied now.
 * Until it is done, an entry holds nothing of the parent's. */
static int fork_entry(struct space *child, struct page_entry *entry,
                      struct page_entry *parent_entry, bool copied)
{
    bool borrowed = entry->flags & PAGE_BORROWED;
    if (!borrowed && !copied) {
        frames_share(entry->frame);
        parent_entry->flags |= PAGE_COPY_ON_WRITE;
        *entry = (struct page_entry){ entry->page, 0, entry->frame, PAGE_COPY_ON_WRITE };
        return 0;
    }
    if (borrowed && entry->frame) {
        /* The personality's: borrowed again at the child's first touch. */
        *entry = (struct page_entry){ entry->page, 0, entry->frame, PAGE_BORROWED };
        return 0;
    }
    *entry = (struct page_entry){ entry->page, 0, 0, PAGE_FORK_DROPPED };
    const struct region *region = address_map_lookup(&child->map, entry->page);
    if (borrowed && (!frame_still_there(parent_entry->slot) || (region && region->object)))
        return 0;
    return copy_entry(child, entry, parent_entry, region ? region->prot : LINUX_PROT_READ);
}

static bool dropped_at_fork(const struct page_entry *entry)
{
    return entry->flags & PAGE_FORK_DROPPED;
}

/* The parent's private pages are the child's too now: none may be
 * written through its mappings any more. */
static void write_protect_private_regions(struct space *space)
{
    for (unsigned i = 0; i < space->map.count; i++) {
        const struct region *region = &space->map.regions[i];
        if (region->kind != REGION_SHARED)
            tern_vspace_write_protect(space->vspace, region->start, region->end - region->start);
    }
}

/* But for the pages fork copies: the parent's are writable again. */
static void map_copied_pages_again(struct space *space, const uint64_t *pages, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        struct page_entry *entry = page_index_find(&space->pages, pages[i]);
        const struct region *region = address_map_lookup(&space->map, pages[i]);
        if (entry && region && (entry->flags & PAGE_MAPPED))
            map_entry(space, entry, region->prot);
    }
}

struct space *space_fork(struct space *parent)
{
    uint32_t capacity = parent->pages.capacity;
    struct page_entry *entries = heap_allocate_unzeroed(capacity * sizeof *entries);
    struct space *child = entries ? space_create_sized(1) : 0;
    if (!child) {
        heap_free(entries);
        return 0;
    }
    /* The parent's index, then each entry made the child's where it lies. */
    heap_free(child->pages.entries);
    page_index_copy(&child->pages, entries, &parent->pages);
    address_map_copy(&child->map, &parent->map);
    for_each_object(child, memory_object_retain);
    child->upcall_entry = parent->upcall_entry;
    tern_vspace_set_upcall(child->vspace, child->upcall_entry);
    int result = 0;
    bool dropped = false;
    static uint64_t copied[LINUX_MAX_THREADS + 1];     /* the IPC buffers and the info page */
    unsigned copied_count = 0;
    for (uint32_t i = 0; i < capacity; i++) {
        struct page_entry *entry = &child->pages.entries[i];
        if (entry->page == PAGE_INDEX_EMPTY)
            continue;
        bool copy = copied_at_fork(entry->page);
        if (copy && copied_count < LINUX_MAX_THREADS + 1)
            copied[copied_count++] = entry->page;
        if (result == 0)
            result = fork_entry(child, entry, &parent->pages.entries[i], copy);
        else
            *entry = (struct page_entry){ entry->page, 0, 0, PAGE_FORK_DROPPED };
        dropped |= entry->flags & PAGE_FORK_DROPPED;
    }
    if (dropped)
        page_index_remove_if(&child->pages, dropped_at_fork);
    write_protect_private_regions(parent);
    map_copied_pages_again(parent, copied, copied_count);
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
    if (!start)
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
    if (check < 0)
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
