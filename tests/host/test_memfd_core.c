/* The memfd server's core (servers/memfd/core.h): memfd_create's flags,
 * the file protocol on a memfd, and the seal rules, as Linux 6.1 has them
 * (each checked on Debian's kernel before it was written down here). */
#include <stdlib.h>
#include "check.h"
#include "test_client_memory.h"
#include "test_core_blocks.h"
#include "core.h"
#include "sys/protocol/file.h"
#include "sys/protocol/memfd.h"
#include "sys/protocol/memory.h"

#define RW (LINUX_PROT_READ | LINUX_PROT_WRITE)

static long pages_live;
/* Every page handed out and not freed, so that a fresh core can free its
 * OFD table's pages, which a core keeps for good. */
static void *live_pages[4096];
static long page_budget = -1;           /* pages left to hand out; -1: no end */

static void *allocate_page(void *context)
{
    (void)context;
    if (page_budget == 0)
        return NULL;
    if (page_budget > 0)
        page_budget--;
    void *page = aligned_alloc(4096, 4096);
    live_pages[pages_live++] = page;
    return page;
}

static void free_page(void *context, void *page)
{
    (void)context;
    for (long i = 0; i < pages_live; i++) {
        if (live_pages[i] == page) {
            live_pages[i] = live_pages[--pages_live];
            free(page);
            return;
        }
    }
    CHECK(!"the core freed a page it was never given");
}

/* Frees what the last core kept (its OFD table's pages). */
static void free_kept_pages(void)
{
    while (pages_live > 0)
        free(live_pages[--pages_live]);
}

static int64_t clock_ticks;

static struct memfd_time now(void *context)
{
    (void)context;
    return (struct memfd_time){++clock_ticks, 0};
}

static const struct memfd_services services = {allocate_page, free_page, allocate, release,
                                               now, NULL};
static struct memfd_core core;
/* Pages live once the memfd is made: its OFD table's, kept for good. */
static long pages_at_start;

static int64_t write_text(uint64_t handle, const char *text)
{
    struct client buffer;
    return memfd_write(&core, handle, client(&buffer, text, strlen(text)), strlen(text));
}

static int64_t pwrite_text(uint64_t handle, const char *text, int64_t offset)
{
    struct client buffer;
    return memfd_pwrite(&core, handle, client(&buffer, text, strlen(text)), strlen(text),
                        offset);
}

/* A fresh core and one memfd made with flags. */
static uint64_t fresh(uint32_t flags)
{
    free_kept_pages();
    memfd_core_init(&core, &services);
    uint64_t handle = 0;
    CHECK_EQ_U64(memfd_create(&core, flags, 50, 1000, 100, &handle), 0);
    pages_at_start = pages_live;
    return handle;
}

/* One OFD's last reference goes: FILE_CLOSE, or procmgr letting go of a
 * mapping's OFD. */
static void close_one(uint64_t handle)
{
    void *last = NULL;
    CHECK_EQ_U64(file_table_close(&core.files, handle, &last), 0);
    if (last)
        memfd_release(&core, last);
}

/* The memfd's last OFD goes, and everything it held with it. */
static void close_all(uint64_t handle)
{
    close_one(handle);
    CHECK_EQ_U64(pages_live, pages_at_start);     /* every data page went back */
    CHECK_EQ_U64(blocks_live, 0);
}

static void flags_are_linux_6_1s(void)
{
    uint64_t handle = fresh(0);
    close_all(handle);
    handle = fresh(MEMFD_ALLOW_SEALING);
    close_all(handle);
    handle = fresh(MEMFD_HUGETLB);
    close_all(handle);
    handle = fresh(MEMFD_HUGETLB | 21u << MEMFD_HUGE_SHIFT);
    close_all(handle);
    /* MFD_NOEXEC_SEAL and MFD_EXEC came in Linux 6.3. */
    CHECK_EQ_U64(memfd_create(&core, 0x8, 50, 0, 0, &handle), -LINUX_EINVAL);
    CHECK_EQ_U64(memfd_create(&core, 0x10, 50, 0, 0, &handle), -LINUX_EINVAL);
    CHECK_EQ_U64(memfd_create(&core, 0x40, 50, 0, 0, &handle), -LINUX_EINVAL);
    /* A huge page size without MFD_HUGETLB. */
    CHECK_EQ_U64(memfd_create(&core, 21u << MEMFD_HUGE_SHIFT, 50, 0, 0, &handle), -LINUX_EINVAL);
}

/* What Linux 6.1 on arm64 does with MFD_HUGETLB and no huge pages set
 * aside (Debian's default). */
static void huge_page_memfds_are_hugetlbfss(void)
{
    uint64_t handle;
    CHECK_EQ_U64(memfd_create(&core, MEMFD_HUGETLB | 22u << MEMFD_HUGE_SHIFT, 50, 0, 0, &handle),
                 -LINUX_ENODEV);
    CHECK_EQ_U64(memfd_create(&core, MEMFD_HUGETLB | 12u << MEMFD_HUGE_SHIFT, 50, 0, 0, &handle),
                 -LINUX_ENODEV);
    handle = fresh(MEMFD_HUGETLB | 16u << MEMFD_HUGE_SHIFT);
    struct linux_stat stat;
    CHECK_EQ_U64(memfd_stat(&core, handle, &stat), 0);
    CHECK_EQ_U64(stat.st_blksize, 64 << 10);
    CHECK_EQ_U64(write_text(handle, "x"), -LINUX_EINVAL);
    CHECK_EQ_U64(memfd_truncate(&core, handle, 4096), -LINUX_EINVAL);
    CHECK_EQ_U64(memfd_truncate(&core, handle, 128 << 10), 0);
    uint64_t identity, mapping;
    CHECK_EQ_U64(memfd_map(&core, handle, LINUX_PROT_READ, true, &identity, &mapping),
                 -LINUX_ENOMEM);
    close_all(handle);
}

static void fstat_shows_linuxs_mode_and_owner(void)
{
    uint64_t handle = fresh(0);
    struct linux_stat stat;
    CHECK_EQ_U64(memfd_stat(&core, handle, &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFREG | 0777);
    CHECK_EQ_U64(stat.st_nlink, 0);
    CHECK_EQ_U64(stat.st_uid, 1000);
    CHECK_EQ_U64(stat.st_gid, 100);
    CHECK_EQ_U64(stat.st_size, 0);
    CHECK_EQ_U64(stat.st_blksize, 4096);
    CHECK_EQ_U64(stat.st_dev, MEMFD_DEVICE);
    CHECK_EQ_U64(write_text(handle, "hello"), 5);
    CHECK_EQ_U64(memfd_stat(&core, handle, &stat), 0);
    CHECK_EQ_U64(stat.st_size, 5);
    CHECK_EQ_U64(stat.st_blocks, 8);
    CHECK_EQ_U64(file_table_get_flags(&core.files, handle), LINUX_O_RDWR | LINUX_O_LARGEFILE);
    close_all(handle);
    uint64_t huge = fresh(MEMFD_HUGETLB);
    CHECK_EQ_U64(memfd_stat(&core, huge, &stat), 0);
    CHECK_EQ_U64(stat.st_blksize, 2 << 20);
    close_all(huge);
}

static void reads_writes_and_seeks_are_a_files(void)
{
    uint64_t handle = fresh(0);
    CHECK_EQ_U64(write_text(handle, "hello, world"), 12);
    CHECK_EQ_U64(memfd_seek(&core, handle, 7, LINUX_SEEK_SET), 7);
    char bytes[16] = {0};
    struct client buffer;
    CHECK_EQ_U64(memfd_read(&core, handle, client(&buffer, bytes, 16), 16), 5);
    CHECK_EQ_STR(bytes, "world");
    CHECK_EQ_U64(memfd_seek(&core, handle, -3, LINUX_SEEK_END), 9);
    CHECK_EQ_U64(memfd_bytes_left(&core, handle), 3);
    CHECK_EQ_U64(memfd_seek(&core, handle, -100, LINUX_SEEK_CUR), -LINUX_EINVAL);
    CHECK_EQ_U64(memfd_seek(&core, handle, 0, 7), -LINUX_EINVAL);
    CHECK_EQ_U64(pwrite_text(handle, "W", 7), 1);
    CHECK_EQ_U64(memfd_pread(&core, handle, client(&buffer, bytes, 16), 5, 7), 5);
    CHECK(memcmp(bytes, "World", 5) == 0);
    CHECK_EQ_U64(memfd_pread(&core, handle, client(&buffer, bytes, 16), 5, -1), -LINUX_EINVAL);
    CHECK_EQ_U64(memfd_truncate(&core, handle, 3 * 4096), 0);
    CHECK_EQ_U64(memfd_truncate(&core, handle, -1), -LINUX_EINVAL);
    CHECK_EQ_U64(memfd_truncate(&core, handle, (int64_t)PAGE_TREE_MAX_SIZE + 1), -LINUX_EFBIG);
    close_all(handle);
}

/* Out of pages, a write writes nothing (so the server can borrow memory
 * and take it again): neither the bytes, the size nor the offset move. */
static void a_write_without_memory_writes_nothing(void)
{
    uint64_t handle = fresh(0);
    CHECK_EQ_U64(write_text(handle, "abc"), 3);
    static char big[3 * 4096];
    memset(big, 'x', sizeof big);
    struct client buffer;
    page_budget = 1;
    CHECK_EQ_U64(memfd_write(&core, handle, client(&buffer, big, sizeof big), sizeof big),
                 -LINUX_ENOSPC);
    page_budget = -1;
    CHECK_EQ_U64(memfd_bytes_left(&core, handle), 0);
    CHECK_EQ_U64(memfd_seek(&core, handle, 0, LINUX_SEEK_END), 3);
    char bytes[8] = {0};
    CHECK_EQ_U64(memfd_pread(&core, handle, client(&buffer, bytes, 8), 8, 0), 3);
    CHECK_EQ_STR(bytes, "abc");
    CHECK_EQ_U64(memfd_pwrite(&core, handle, client(&buffer, big, sizeof big), sizeof big, 3),
                 sizeof big);
    close_all(handle);
}

/* A write whose buffer ends early writes what it can and takes pages
 * only for that, however long a write it asks for (the soak found one
 * of 2^40 bytes taking every page the server could borrow). */
/* A user's memfds hold at most user_page_ceiling pages (index pages
 * included): past it a write writes nothing and answers ENOMEM, and a
 * page asked for a mapping ENOMEM (not ENOSPC: the server could borrow,
 * but the user may not have more); others and root go on, and what a
 * memfd frees the user may take again. */
static void a_users_pages_are_held_to_its_ceiling(void)
{
    uint64_t mine = fresh(0);
    core.user_page_ceiling = 6;
    static char page[4096];
    struct client buffer;
    int64_t written;
    unsigned pages = 0;
    while ((written = memfd_write(&core, mine, client(&buffer, page, sizeof page),
                                  sizeof page)) == (int64_t)sizeof page)
        pages++;
    CHECK_EQ_U64(written, -LINUX_ENOMEM);
    CHECK(pages >= 4 && pages < 6);
    CHECK_EQ_U64(memfd_truncate(&core, mine, (pages + 1) * 4096), 0);
    void *lent;
    CHECK_EQ_U64(memfd_map_page(&core, mine, pages * 4096, MEMORY_PAGE_WRITE, &lent),
                 -LINUX_ENOMEM);
    uint64_t theirs, roots;
    CHECK_EQ_U64(memfd_create(&core, 0, 51, 1001, 100, &theirs), 0);
    CHECK_EQ_U64(memfd_create(&core, 0, 52, 0, 0, &roots), 0);
    CHECK_EQ_U64(memfd_write(&core, theirs, client(&buffer, page, sizeof page), sizeof page),
                 sizeof page);
    for (unsigned i = 0; i < 8; i++)
        CHECK_EQ_U64(memfd_write(&core, roots, client(&buffer, page, sizeof page), sizeof page),
                     sizeof page);
    /* Without a page in the server, it is ENOSPC again: borrow and retry. */
    page_budget = 0;
    CHECK_EQ_U64(memfd_map_page(&core, theirs, 0, MEMORY_PAGE_WRITE, &lent), 0);
    CHECK_EQ_U64(memfd_truncate(&core, theirs, 2 * 4096), 0);
    CHECK_EQ_U64(memfd_map_page(&core, theirs, 4096, MEMORY_PAGE_WRITE, &lent), -LINUX_ENOSPC);
    page_budget = -1;
    CHECK_EQ_U64(memfd_truncate(&core, mine, 4096), 0);
    CHECK_EQ_U64(memfd_map_page(&core, mine, 0, MEMORY_PAGE_WRITE, &lent), 0);
    CHECK_EQ_U64(memfd_pwrite(&core, mine, client(&buffer, page, sizeof page), sizeof page, 4096),
                 sizeof page);
    close_one(theirs);
    close_one(roots);
    close_all(mine);
}

static void a_write_past_the_clients_buffer_takes_only_its_pages(void)
{
    uint64_t handle = fresh(0);
    static char small[4096 + 10];
    struct client buffer;
    page_budget = 8;
    CHECK_EQ_U64(memfd_write(&core, handle, client(&buffer, small, sizeof small), 1ULL << 40),
                 sizeof small);
    CHECK_EQ_U64(memfd_write(&core, handle, client(&buffer, small, 0), 1ULL << 30),
                 -LINUX_EFAULT);
    page_budget = -1;
    CHECK_EQ_U64(memfd_seek(&core, handle, 0, LINUX_SEEK_END), sizeof small);
    close_all(handle);
}

static void unknown_handles_are_ebadf(void)
{
    uint64_t handle = fresh(0);
    struct client buffer;
    char byte;
    struct linux_stat stat;
    void *page;
    uint64_t identity, mapping;
    uint64_t bogus = handle + 1;
    CHECK_EQ_U64(memfd_read(&core, bogus, client(&buffer, &byte, 1), 1), -LINUX_EBADF);
    CHECK_EQ_U64(memfd_write(&core, bogus, client(&buffer, &byte, 1), 1), -LINUX_EBADF);
    CHECK_EQ_U64(memfd_stat(&core, bogus, &stat), -LINUX_EBADF);
    CHECK_EQ_U64(memfd_truncate(&core, bogus, 0), -LINUX_EBADF);
    CHECK_EQ_U64(memfd_get_seals(&core, bogus), -LINUX_EBADF);
    CHECK_EQ_U64(memfd_add_seals(&core, bogus, 1), -LINUX_EBADF);
    CHECK_EQ_U64(memfd_map(&core, bogus, RW, true, &identity, &mapping), -LINUX_EBADF);
    CHECK_EQ_U64(memfd_map_page(&core, bogus, 0, 0, &page), -LINUX_EBADF);
    close_all(handle);
}

static void without_allow_sealing_it_is_sealed_already(void)
{
    uint64_t handle = fresh(0);
    CHECK_EQ_U64(memfd_get_seals(&core, handle), FILE_SEAL_SEAL);
    CHECK_EQ_U64(memfd_add_seals(&core, handle, FILE_SEAL_GROW), -LINUX_EPERM);
    close_all(handle);
}

static void seal_checks_come_in_linuxs_order(void)
{
    uint64_t handle = fresh(MEMFD_ALLOW_SEALING);
    CHECK_EQ_U64(memfd_get_seals(&core, handle), 0);
    CHECK_EQ_U64(memfd_add_seals(&core, handle, 1ULL << 32), -LINUX_EINVAL);
    CHECK_EQ_U64(memfd_add_seals(&core, handle, 0x20), -LINUX_EINVAL);  /* F_SEAL_EXEC: 6.3 */
    file_table_find(&core.files, handle)->flags = LINUX_O_RDONLY;
    CHECK_EQ_U64(memfd_add_seals(&core, handle, 0x20), -LINUX_EPERM);   /* write access first */
    file_table_find(&core.files, handle)->flags = LINUX_O_RDWR;
    CHECK_EQ_U64(memfd_add_seals(&core, handle, FILE_SEAL_SEAL), 0);
    CHECK_EQ_U64(memfd_add_seals(&core, handle, FILE_SEAL_GROW), -LINUX_EPERM);
    CHECK_EQ_U64(memfd_add_seals(&core, handle, 0), -LINUX_EPERM);
    close_all(handle);
}

static void grow_and_shrink_seals_hold_the_size(void)
{
    uint64_t handle = fresh(MEMFD_ALLOW_SEALING);
    CHECK_EQ_U64(memfd_truncate(&core, handle, 4096 + 10), 0);
    CHECK_EQ_U64(memfd_add_seals(&core, handle, FILE_SEAL_GROW | FILE_SEAL_SHRINK), 0);
    CHECK_EQ_U64(memfd_truncate(&core, handle, 5), -LINUX_EPERM);
    CHECK_EQ_U64(memfd_truncate(&core, handle, 9000), -LINUX_EPERM);
    CHECK_EQ_U64(memfd_truncate(&core, handle, 4096 + 10), 0);       /* the same size */
    /* A write that would grow it: nothing of its first page goes... */
    char text[32];
    memset(text, 'x', sizeof text);
    struct client buffer;
    CHECK_EQ_U64(memfd_pwrite(&core, handle, client(&buffer, text, 32), 32, 4096),
                 -LINUX_EPERM);
    /* ...but the pages before the one that would grow it do. */
    CHECK_EQ_U64(memfd_pwrite(&core, handle, client(&buffer, text, 32), 32, 4080), 16);
    CHECK_EQ_U64(memfd_pwrite(&core, handle, client(&buffer, text, 10), 10, 4096), 10);
    close_all(handle);
}

static void the_write_seal_stops_writes_and_waits_for_mappings(void)
{
    uint64_t handle = fresh(MEMFD_ALLOW_SEALING);
    CHECK_EQ_U64(memfd_truncate(&core, handle, 8192), 0);
    uint64_t identity, mapping = 0, unused;
    int flags = memfd_map(&core, handle, LINUX_PROT_READ, true, &identity, &mapping);
    CHECK_EQ_U64(flags, MEMORY_MAP_WRITABLE | MEMORY_MAP_DESCRIPTOR);
    CHECK(mapping != handle);
    /* Even a read-only shared mapping could become writable: busy. */
    CHECK_EQ_U64(memfd_add_seals(&core, handle, FILE_SEAL_WRITE), -LINUX_EBUSY);
    /* Private: no OFD, nothing to wait for. */
    CHECK_EQ_U64(memfd_map(&core, handle, RW, false, &identity, &unused), 0);
    /* The mapping's OFD is the memfd's as much as the first. */
    CHECK_EQ_U64(memfd_get_seals(&core, mapping), 0);
    close_one(mapping);
    CHECK_EQ_U64(memfd_add_seals(&core, handle, FILE_SEAL_WRITE), 0);
    CHECK_EQ_U64(write_text(handle, "x"), -LINUX_EPERM);
    CHECK_EQ_U64(pwrite_text(handle, "x", 0), -LINUX_EPERM);
    CHECK_EQ_U64(write_text(handle, ""), 0);
    CHECK_EQ_U64(memfd_truncate(&core, handle, 100), 0);       /* the size is not the seal's */
    CHECK_EQ_U64(memfd_map(&core, handle, RW, true, &identity, &unused), -LINUX_EPERM);
    /* Sealed, a read-only shared mapping cannot come to write: no OFD. */
    CHECK_EQ_U64(memfd_map(&core, handle, LINUX_PROT_READ, true, &identity, &unused), 0);
    void *page;
    CHECK_EQ_U64(memfd_map_page(&core, handle, 0, MEMORY_PAGE_WRITE, &page), -LINUX_EPERM);
    CHECK_EQ_U64(memfd_map_page(&core, handle, 0, 0, &page), 0);
    close_all(handle);
}

static void the_future_write_seal_lets_existing_mappings_write(void)
{
    uint64_t handle = fresh(MEMFD_ALLOW_SEALING);
    CHECK_EQ_U64(memfd_truncate(&core, handle, 4096), 0);
    uint64_t identity, mapping = 0, unused;
    CHECK_EQ_U64(memfd_map(&core, handle, RW, true, &identity, &mapping),
                 MEMORY_MAP_WRITABLE | MEMORY_MAP_DESCRIPTOR);
    CHECK_EQ_U64(memfd_add_seals(&core, handle, FILE_SEAL_FUTURE_WRITE), 0);
    void *page;
    CHECK_EQ_U64(memfd_map_page(&core, mapping, 0, MEMORY_PAGE_WRITE, &page), 0);    /* the old mapping's */
    CHECK_EQ_U64(memfd_map(&core, handle, RW, true, &identity, &unused), -LINUX_EPERM);
    CHECK_EQ_U64(memfd_map(&core, handle, LINUX_PROT_READ, true, &identity, &unused), 0);
    CHECK_EQ_U64(write_text(handle, "q"), -LINUX_EPERM);
    CHECK_EQ_U64(memfd_add_seals(&core, handle, FILE_SEAL_WRITE), -LINUX_EBUSY);
    /* The first OFD closing first: the mapping's keeps the memfd. */
    close_one(handle);
    CHECK_EQ_U64(memfd_get_seals(&core, mapping), FILE_SEAL_FUTURE_WRITE);
    CHECK_EQ_U64(memfd_add_seals(&core, mapping, FILE_SEAL_WRITE), -LINUX_EBUSY);
    close_all(mapping);
}

static void lent_pages_are_the_files(void)
{
    uint64_t handle = fresh(0);
    CHECK_EQ_U64(write_text(handle, "shared"), 6);
    uint64_t identity = 0, mapping = 0;
    CHECK(memfd_map(&core, handle, RW, true, &identity, &mapping) >= 0);
    CHECK_EQ_U64(identity >> 32, MEMFD_DEVICE);
    close_one(mapping);
    void *page = NULL;
    CHECK_EQ_U64(memfd_map_page(&core, handle, 0, MEMORY_PAGE_WRITE, &page), 0);
    CHECK(memcmp(page, "shared", 6) == 0);
    memcpy(page, "SH", 2);
    char bytes[6];
    struct client buffer;
    CHECK_EQ_U64(memfd_pread(&core, handle, client(&buffer, bytes, 6), 6, 0), 6);
    CHECK(memcmp(bytes, "SHared", 6) == 0);
    CHECK_EQ_U64(memfd_map_page(&core, handle, 4096, 0, &page), -LINUX_ENXIO);
    CHECK_EQ_U64(memfd_map_page(&core, handle, 1, 0, &page), -LINUX_EINVAL);
    close_all(handle);
}

/* MEMORY_PAGE_EXISTING: a page the memfd has, and -ENOENT for a hole,
 * which stays one. */
static void existing_pages_are_lent_and_holes_are_not_made(void)
{
    uint64_t handle = fresh(0);
    CHECK_EQ_U64(write_text(handle, "page"), 4);
    CHECK_EQ_U64(memfd_truncate(&core, handle, 2 * 4096), 0);
    void *page = NULL, *again = NULL;
    CHECK_EQ_U64(memfd_map_page(&core, handle, 0, MEMORY_PAGE_EXISTING, &page), 0);
    CHECK(memcmp(page, "page", 4) == 0);
    CHECK_EQ_U64(memfd_map_page(&core, handle, 4096, MEMORY_PAGE_EXISTING, &again),
                 -LINUX_ENOENT);
    CHECK_EQ_U64(memfd_map_page(&core, handle, 4096, MEMORY_PAGE_EXISTING, &again),
                 -LINUX_ENOENT);
    CHECK_EQ_U64(memfd_map_page(&core, handle, 2 * 4096, MEMORY_PAGE_EXISTING, &again),
                 -LINUX_ENXIO);
    CHECK_EQ_U64(memfd_map_page(&core, handle, 4096, 0, &again), 0);
    CHECK_EQ_U64(memfd_map_page(&core, handle, 4096, MEMORY_PAGE_EXISTING, &page), 0);
    CHECK(page == again);
    close_all(handle);
}

static void the_name_shows_as_linuxs_readlink_shows_it(void)
{
    static char path[FILE_PATH_MAX];
    uint64_t handle = fresh(0);
    CHECK_EQ_U64(memfd_path(&core, handle, path), strlen("/memfd: (deleted)"));
    CHECK(memcmp(path, "/memfd: (deleted)", 17) == 0);
    CHECK_EQ_U64(memfd_set_name(&core, handle, "cache", 5, false), 0);
    CHECK_EQ_U64(memfd_path(&core, handle, path), strlen("/memfd:cache (deleted)"));
    CHECK(memcmp(path, "/memfd:cache (deleted)", 22) == 0);
    close_all(handle);          /* the name goes with it */
    handle = fresh(MEMFD_ALLOW_SEALING);
    CHECK_EQ_U64(memfd_set_name(&core, handle, "/proc/7/status", 14, true), 0);
    CHECK_EQ_U64(memfd_path(&core, handle, path), 14);
    CHECK(memcmp(path, "/proc/7/status", 14) == 0);
    CHECK_EQ_U64(memfd_path(&core, handle + 1, path), -LINUX_EBADF);
    close_all(handle);
}

/* Each memfd is charged to its maker until it goes: a process makes at
 * most MEMFD_PROCESS_FILES (-EMFILE), a user but root MEMFD_USER_FILES
 * (-ENFILE); another user, and root, go on; the charges come back. */
static void memfds_are_charged_to_their_maker(void)
{
    uint64_t first = fresh(0);      /* process 50, user 1000 */
    static uint64_t handles[MEMFD_USER_FILES];
    unsigned made = 1;
    for (; made < MEMFD_PROCESS_FILES; made++)
        CHECK_EQ_U64(memfd_create(&core, 0, 50, 1000, 100, &handles[made]), 0);
    uint64_t refused;
    CHECK_EQ_U64(memfd_create(&core, 0, 50, 1000, 100, &refused), -LINUX_EMFILE);
    for (; made < MEMFD_USER_FILES; made++)
        CHECK_EQ_U64(memfd_create(&core, 0, 51 + made % 2, 1000, 100, &handles[made]), 0);
    CHECK_EQ_U64(memfd_create(&core, 0, 53, 1000, 100, &refused), -LINUX_ENFILE);
    uint64_t other, root;
    CHECK_EQ_U64(memfd_create(&core, 0, 60, 1001, 100, &other), 0);
    CHECK_EQ_U64(write_text(other, "mine"), 4);
    CHECK_EQ_U64(memfd_create(&core, 0, 61, 0, 0, &root), 0);
    /* Its maker ended: a later process 60 starts from nothing. */
    memfd_process_ended(&core, 60);
    CHECK_EQ_U64(client_process_charges(&core.accounts, 60), 0);
    /* A description more (dup) is no charge more. */
    CHECK_EQ_U64(file_table_retain(&core.files, other), 0);
    CHECK_EQ_U64(client_user_charges(&core.accounts, 1001), 1);
    close_one(other);
    CHECK_EQ_U64(client_user_charges(&core.accounts, 1001), 1);
    close_one(other);
    close_one(root);
    for (unsigned i = 1; i < made; i++)
        close_one(handles[i]);
    CHECK_EQ_U64(client_user_charges(&core.accounts, 1000), 1);
    pages_at_start = pages_live;    /* the table grew, and keeps its pages */
    close_all(first);
    CHECK_EQ_U64(client_user_charges(&core.accounts, 1000), 0);
    CHECK_EQ_U64(client_user_charges(&core.accounts, 1001), 0);
}

int main(void)
{
    flags_are_linux_6_1s();
    memfds_are_charged_to_their_maker();
    huge_page_memfds_are_hugetlbfss();
    fstat_shows_linuxs_mode_and_owner();
    reads_writes_and_seeks_are_a_files();
    a_write_without_memory_writes_nothing();
    a_write_past_the_clients_buffer_takes_only_its_pages();
    a_users_pages_are_held_to_its_ceiling();
    unknown_handles_are_ebadf();
    without_allow_sealing_it_is_sealed_already();
    seal_checks_come_in_linuxs_order();
    grow_and_shrink_seals_hold_the_size();
    the_write_seal_stops_writes_and_waits_for_mappings();
    the_future_write_seal_lets_existing_mappings_write();
    lent_pages_are_the_files();
    existing_pages_are_lent_and_holes_are_not_made();
    the_name_shows_as_linuxs_readlink_shows_it();
    free_kept_pages();
    return check_report();
}
