/*
 * The regions (VMAs) of one address space: what mmap, munmap, mprotect,
 * brk and the pager consult and change. Pure bookkeeping: procmgr maps and
 * unmaps the frames, told which ranges through the callbacks.
 *
 * Invariants: regions are sorted by start, page-aligned, never overlap,
 * and no two adjacent regions are compatible (same kind, prot and
 * write_forbidden, and the same object, or the program's image, at
 * contiguous offsets, or neither): those are merged.
 */
#ifndef PROCMGR_ADDRESS_MAP_H
#define PROCMGR_ADDRESS_MAP_H

#include <stdbool.h>
#include <stdint.h>

/* The most regions a map holds: Linux's default vm.max_map_count, past
 * which its mmap, munmap and mprotect fail with ENOMEM. The table starts
 * small and doubles as regions come. */
#define ADDRESS_MAP_MAX_REGIONS 65530
#define ADDRESS_MAP_PAGE_SIZE 4096ULL
/* Nothing is mapped below this (Linux's default mmap_min_addr). */
#define ADDRESS_MAP_LOWEST 0x10000ULL
/* mmap without a hint stays this far above brk_start, leaving the heap room
 * to grow (musl's malloc falls back to mmap when brk cannot grow). */
#define ADDRESS_MAP_HEAP_RESERVE (4ULL << 30)

/* REGION_PRIVATE: the process's own pages (a private mapping of a file
 * starts with the object's and copies one when it is first written);
 * REGION_SHARED: the object's pages, seen by every space that maps it. */
enum region_kind { REGION_PRIVATE, REGION_SHARED, REGION_STACK, REGION_HEAP };

struct region {
    uint64_t start, end;        /* page-aligned, end exclusive */
    unsigned prot;              /* LINUX_PROT_* */
    enum region_kind kind;
    /* The memory object it maps (memory_object.h): always for
     * REGION_SHARED, for REGION_PRIVATE a file's; 0: none. */
    uint64_t object;
    uint64_t object_offset;     /* byte offset of start within that object, or the file */
    /* The program's own bytes as execve loaded them (no object: private
     * pages made from the file): /proc/<pid>/maps names the program's
     * file, at object_offset. */
    bool image;
    /* PROT_WRITE can never be added (EACCES): a shared mapping of a file
     * not open for writing (Linux's VM_MAYWRITE cleared). */
    bool write_forbidden;
    /* Registered with a userfaultfd (userfault.h): its context's id (0:
     * none) and the UFFDIO_REGISTER modes. Linux splits VMAs the same
     * way, so a registration covers whole regions. */
    uint32_t userfault;
    uint32_t userfault_modes;
    /* mlock, mlockall or MAP_LOCKED locked it (Linux's VM_LOCKED). Every
     * page is resident anyway (nothing is swapped): only RLIMIT_MEMLOCK
     * counts it. */
    bool locked;
};

struct address_map {
    unsigned count, capacity;
    struct region *regions;     /* sorted by start, never overlapping */
    uint64_t brk_start, brk;    /* the heap: [brk_start, page_up(brk)) is a REGION_HEAP */
    /* RLIMIT_AS: the most bytes its regions may cover at once (Linux's
     * may_expand_vm); kept across fork and execve. */
    uint64_t limit;
    /* RLIMIT_DATA: the most bytes its data regions may cover at once
     * (private and writable, but the stack: Linux's is_data_mapping, its
     * data_vm); kept across fork and execve. */
    uint64_t data_limit;
    /* RLIMIT_MEMLOCK: the most bytes its locked regions may cover
     * (Linux's locked_vm against the limit), kept across execve; and
     * whether mlockall(MCL_FUTURE) locks what is mapped from now on. */
    uint64_t lock_limit;
    bool lock_future;
};
/* RLIMIT_MEMLOCK's default, as the personality's table has it. */
#define ADDRESS_MAP_LOCK_LIMIT (8ULL << 20)

/* Called for every piece of an old region that a change removes or
 * re-protects, with the old region's facts (before the change) and the
 * piece's range. */
typedef void (*address_map_change)(void *context, const struct region *old, uint64_t start,
                                   uint64_t end);

/* The table's storage, which the map's user provides (procmgr: its
 * heap; the host tests: malloc): room for capacity regions, or NULL
 * without memory; and storage given back (NULL: none). */
struct region *address_map_storage_new(unsigned capacity);
void address_map_storage_free(struct region *regions);

/* Empty, with no table yet, no heap (execve sets brk_start = brk = the
 * image's end), no limit and the default lock limit. */
void address_map_init(struct address_map *map);
/* The table given back; the map is empty (and may be used again). */
void address_map_release(struct address_map *map);
/* fork: dest (not initialised) becomes a copy of src, but for its locks:
 * a child locks nothing, now or in future (Linux's fork). false without
 * memory for its table (dest is then empty). */
bool address_map_copy(struct address_map *dest, const struct address_map *src);
/* Room in the table for `more` regions than it has: false past
 * ADDRESS_MAP_MAX_REGIONS or without memory. */
bool address_map_make_room(struct address_map *map, unsigned more);

/* The region holding address, or NULL. */
const struct region *address_map_lookup(const struct address_map *map, uint64_t address);
/* Whether a region is data (Linux's is_data_mapping): private and
 * writable, and not the stack. */
bool address_map_is_data(const struct region *region);
/* The bytes data regions cover within [start, end); and those private
 * regions but the stack cover that are not writable (data once they are:
 * mprotect's RLIMIT_DATA). */
uint64_t address_map_data_within(const struct address_map *map, uint64_t start, uint64_t end);
uint64_t address_map_unwritable_data_within(const struct address_map *map, uint64_t start,
                                            uint64_t end);
/* Linux's may_expand_vm: whether growth more bytes, once `freed` mapped
 * bytes, freed_data of them data, are gone, keep the map within
 * RLIMIT_AS and, when what grows is data, within RLIMIT_DATA. */
bool address_map_may_expand(const struct address_map *map, uint64_t growth, uint64_t freed,
                            uint64_t freed_data, bool data);
/* Whether mapping [start, start + length) (page-aligned), data or not, in
 * place of whatever regions it covers, keeps the map within its limits. */
bool address_map_may_map(const struct address_map *map, uint64_t start, uint64_t length,
                         bool data);
/* True if no region intersects [start, start + length). */
bool address_map_is_free(const struct address_map *map, uint64_t start, uint64_t length);
/* The highest free page-aligned range of length bytes (rounded up to pages)
 * that ends at or below `below` and starts at or above the heap's reserve
 * (brk_start + ADDRESS_MAP_HEAP_RESERVE, or ADDRESS_MAP_LOWEST without a
 * heap); 0 if none. */
uint64_t address_map_find_free(const struct address_map *map, uint64_t length, uint64_t below);
/* Where mmap without MAP_FIXED puts length bytes: at the hint rounded up to
 * a page if that range is free and in [ADDRESS_MAP_LOWEST, LINUX_MMAP_TOP),
 * else address_map_find_free(length, LINUX_MMAP_TOP); 0 if none. */
uint64_t address_map_place(const struct address_map *map, uint64_t hint, uint64_t length);

/* Maps region->[start, end): whatever was there is removed first (reported
 * through `removed`, may be NULL), adjacent compatible regions merge.
 * -LINUX_ENOMEM if the region table could overflow (then nothing changed);
 * -LINUX_EINVAL if the region is empty or not page-aligned. */
int address_map_insert(struct address_map *map, const struct region *region,
                       address_map_change removed, void *context);
/* munmap: removes [start, start + length) (length rounded up to pages),
 * splitting regions; unmapped holes are fine (0). -LINUX_ENOMEM if a split
 * would overflow the table (then nothing changed). */
int address_map_remove(struct address_map *map, uint64_t start, uint64_t length,
                       address_map_change removed, void *context);
/* mprotect: -LINUX_ENOMEM if any page of [start, start + length) is not
 * mapped or a split would overflow the table, -LINUX_EACCES if prot has
 * PROT_WRITE and a region of the range forbids it (then nothing
 * changes), else sets prot, splitting as needed, reporting each piece
 * whose prot changes through `changed`. */
int address_map_protect(struct address_map *map, uint64_t start, uint64_t length, unsigned prot,
                        address_map_change changed, void *context);
/* UFFDIO_REGISTER and UNREGISTER: the regions of [start, end) (page-
 * aligned; holes are skipped) get userfault and modes (0, 0: none),
 * split at start and end as needed. -LINUX_ENOMEM if a split would
 * overflow the table (then nothing changed). */
int address_map_set_userfault(struct address_map *map, uint64_t start, uint64_t end,
                              uint32_t userfault, uint32_t modes);
/* Every region registered with userfault (0: with any) is so no more, as
 * when its descriptor goes or a fork's child inherits the map. */
void address_map_clear_userfault(struct address_map *map, uint32_t userfault);

/* The bytes of locked regions within [start, end). */
uint64_t address_map_locked_within(const struct address_map *map, uint64_t start, uint64_t end);
/* The bytes of every region (Linux's total_vm); of regions within
 * [start, end). */
uint64_t address_map_mapped(const struct address_map *map);
uint64_t address_map_mapped_within(const struct address_map *map, uint64_t start, uint64_t end);
/* mlock's limit (Linux's do_mlock): whether locking [start, end) keeps
 * the locked bytes within lock_limit (what is locked already in the
 * range is not counted twice). */
bool address_map_may_lock(const struct address_map *map, uint64_t start, uint64_t end);
/* mlock and munlock: every region of [start, end) (page-aligned) gets
 * locked, split at start and end as needed. -LINUX_ENOMEM if a page of
 * the range is not mapped or a split would overflow the table (then
 * nothing changed). */
int address_map_set_locked(struct address_map *map, uint64_t start, uint64_t end, bool locked);
/* mlockall(MCL_CURRENT) and munlockall: every region gets locked. */
void address_map_set_all_locked(struct address_map *map, bool locked);
/* brk(2): returns the new break, or the old one if the request is invalid
 * (below brk_start, above LINUX_MMAP_TOP, growing into another region or
 * within a page of it, or the table is full); new_brk 0 asks for the
 * current break. Growing maps [page_up(brk), page_up(new_brk)) as a
 * read-write REGION_HEAP; shrinking removes [page_up(new_brk),
 * page_up(brk)) and reports it through `removed`. */
uint64_t address_map_set_brk(struct address_map *map, uint64_t new_brk,
                             address_map_change removed, void *context);

/*
 * Argument checks of the system calls, in Linux's order and with its
 * errnos (mm/mmap.c, mm/mprotect.c, arch/arm64 sys_mmap). Each returns 0
 * or a negated errno.
 */
/* mmap: EINVAL for length 0, an unaligned offset, a mapping type that is
 * not shared, private or shared-validate, or an unaligned address with
 * MAP_FIXED / MAP_FIXED_NOREPLACE; ENOMEM if the length overflows when
 * rounded up, or a fixed range reaches above LINUX_MMAP_TOP. (Linux's
 * EOVERFLOW for offset + length counts pages in 64 bits: it cannot happen
 * on a 64-bit system.) Sets *page_length to the rounded-up length. */
int address_map_check_mmap(uint64_t address, uint64_t length, uint64_t flags, uint64_t offset,
                           uint64_t *page_length);
/* munmap: EINVAL for an unaligned start, length 0, or a range reaching
 * above LINUX_MMAP_TOP. */
int address_map_check_munmap(uint64_t start, uint64_t length);
/* mprotect: EINVAL for an unaligned start or prot bits other than
 * PROT_READ|WRITE|EXEC; ENOMEM if start + length wraps or reaches above
 * LINUX_MMAP_TOP. Sets *end to the page-aligned end (== start for length
 * 0, which succeeds without doing anything). */
int address_map_check_mprotect(uint64_t start, uint64_t length, unsigned prot, uint64_t *end);

#endif
