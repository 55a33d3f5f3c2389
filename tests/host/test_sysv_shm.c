/* System V shared memory (servers/sysv/shm.c, shm_attach.c): shmget's
 * rules, a segment's life through grants and attachments (shm_nattch,
 * IPC_RMID deferred to the last detach), its pages, and shmctl, as Linux
 * 6.1 has them (each checked on Debian's kernel first). */
#include "test_sysv_support.h"
#include "sys/protocol/memory.h"
#include "sysv/shm.h"

#define CAPACITY (8 << 20)
#define RW (LINUX_PROT_READ | LINUX_PROT_WRITE)

static struct shm_core core;
static struct shm_descriptors descriptors;

/* What the last core kept for good (its OFD table's pages, its ids
 * table) goes, everything else must have gone already; then a fresh one. */
static void fresh(void)
{
    for (unsigned i = 0; i < FILE_TABLE_PAGES; i++)
        if (descriptors.files.pages[i])
            free_page(NULL, descriptors.files.pages[i]);
    if (core.ids.objects)
        release(NULL, core.ids.objects);
    CHECK_EQ_U64(blocks_live, 0);
    CHECK_EQ_U64(pages_live, 0);
    shm_descriptors_init(&descriptors, &services, CAPACITY);
    shm_core_init(&core, &services, CAPACITY, &descriptors);
}

static int32_t new_segment(uint64_t size, int32_t mode)
{
    int64_t id = shm_get(&core, &user, SYSV_IPC_PRIVATE, size, mode);
    CHECK(id >= 0);
    return (int32_t)id;
}

static struct sysv_shmid64_ds stat_of(int32_t id)
{
    struct sysv_shmid64_ds stat = {0};
    struct client buffer;
    CHECK_EQ_U64(shm_control(&core, &root, id, SYSV_IPC_STAT, 0,
                             client(&buffer, &stat, sizeof stat)), 0);
    return stat;
}

static int64_t control(const struct sysv_caller *caller, int32_t id, int32_t cmd)
{
    struct client buffer;
    return shm_control(&core, caller, id, cmd, 8 << 20, client(&buffer, NULL, 0));
}

/* shmat by caller: the grant, then its mapping's attachment. */
static uint64_t attach(const struct sysv_caller *caller, int32_t id, int32_t flags)
{
    uint64_t grant, size, identity, attachment = 0;
    CHECK_EQ_U64(shm_attach(&core, caller, id, flags, &grant, &size), 0);
    uint32_t prot = (flags & SYSV_SHM_RDONLY) ? LINUX_PROT_READ : RW;
    CHECK(shm_map(&core, grant, prot, &identity, &attachment) & MEMORY_MAP_DESCRIPTOR);
    CHECK_EQ_U64(shm_close(&core, grant), 0);
    return attachment;
}

static void shmget_rules(void)
{
    fresh();
    CHECK_EQ_U64(shm_get(&core, &user, SYSV_IPC_PRIVATE, 0, 0600), -LINUX_EINVAL);
    CHECK_EQ_U64(shm_get(&core, &user, SYSV_IPC_PRIVATE, UINT64_MAX, 0600), -LINUX_EINVAL);
    CHECK_EQ_U64(shm_get(&core, &user, SYSV_IPC_PRIVATE, CAPACITY + 1, 0600), -LINUX_ENOMEM);
    int64_t unreserved = shm_get(&core, &user, SYSV_IPC_PRIVATE, 1ULL << 40,
                                 0600 | SYSV_SHM_NORESERVE);
    CHECK(unreserved >= 0);
    CHECK_EQ_U64(shm_get(&core, &user, SYSV_IPC_PRIVATE, 4096, 0600 | SYSV_SHM_HUGETLB),
                 -LINUX_ENOMEM);
    CHECK_EQ_U64(shm_get(&core, &user, SYSV_IPC_PRIVATE, 4096,
                         0600 | SYSV_SHM_HUGETLB | (22 << SYSV_SHM_HUGE_SHIFT)), -LINUX_EINVAL);
    CHECK_EQ_U64(shm_get(&core, &user, 9, 100, 0600), -LINUX_ENOENT);
    int64_t id = shm_get(&core, &user, 9, 100, 0600 | SYSV_IPC_CREAT);
    CHECK(id >= 0);
    CHECK_EQ_U64(shm_get(&core, &user, 9, 200, SYSV_IPC_CREAT), -LINUX_EINVAL);
    CHECK_EQ_U64(shm_get(&core, &user, 9, 0, 0), id);
    CHECK_EQ_U64(shm_get(&core, &user, 9, 0, SYSV_IPC_CREAT | SYSV_IPC_EXCL), -LINUX_EEXIST);
    CHECK_EQ_U64(shm_get(&core, &stranger, 9, 0, 0400), -LINUX_EACCES);
    struct sysv_shmid64_ds stat = stat_of((int32_t)id);
    CHECK_EQ_U64(stat.shm_segsz, 100);
    CHECK_EQ_U64(stat.shm_cpid, user.pid);
    CHECK_EQ_U64(stat.shm_lpid, 0);
    CHECK_EQ_U64(stat.shm_atime, 0);
    CHECK_EQ_U64(stat.shm_ctime, clock_seconds);
    CHECK_EQ_U64(stat.shm_perm.key, 9);
    CHECK_EQ_U64(control(&user, (int32_t)id, SYSV_IPC_RMID), 0);
    CHECK_EQ_U64(control(&user, (int32_t)unreserved, SYSV_IPC_RMID), 0);
}

static void segments_run_out_at_shmmni(void)
{
    fresh();
    int32_t count = 0;
    while (shm_get(&core, &user, SYSV_IPC_PRIVATE, 1, 0600) >= 0)
        count++;
    CHECK_EQ_U64(count, SYSV_SHMMNI);
    CHECK_EQ_U64(shm_get(&core, &user, SYSV_IPC_PRIVATE, 1, 0600), -LINUX_ENOSPC);
    /* The size check comes first. */
    CHECK_EQ_U64(shm_get(&core, &user, SYSV_IPC_PRIVATE, CAPACITY * 2, 0600), -LINUX_ENOMEM);
    for (int32_t index = 0; index <= core.ids.max_index; index++) {
        struct ipc_object *segment = ipc_ids_at(&core.ids, index);
        if (segment)
            CHECK_EQ_U64(control(&user, segment->id, SYSV_IPC_RMID), 0);
    }
    CHECK_EQ_U64(core.ids.in_use, 0);
}

/* Attachments count shm_nattch: one per address space (fork retains). */
static void attachments_count_nattch(void)
{
    fresh();
    int32_t id = new_segment(10000, 0600);
    clock_seconds = 1100;
    uint64_t attachment = attach(&user, id, 0);
    struct sysv_shmid64_ds stat = stat_of(id);
    CHECK_EQ_U64(stat.shm_nattch, 1);
    CHECK_EQ_U64(stat.shm_lpid, user.pid);
    CHECK_EQ_U64(stat.shm_atime, 1100);
    CHECK_EQ_U64(shm_retain(&core, attachment), 0);      /* fork */
    CHECK_EQ_U64(stat_of(id).shm_nattch, 2);
    clock_seconds = 1200;
    CHECK_EQ_U64(shm_close(&core, attachment), 0);       /* the child exits */
    stat = stat_of(id);
    CHECK_EQ_U64(stat.shm_nattch, 1);
    CHECK_EQ_U64(stat.shm_dtime, 1200);
    CHECK_EQ_U64(shm_detach(&core, &stranger, id), 0);   /* shmdt names who */
    CHECK_EQ_U64(shm_close(&core, attachment), 0);
    stat = stat_of(id);
    CHECK_EQ_U64(stat.shm_nattch, 0);
    CHECK_EQ_U64(stat.shm_lpid, stranger.pid);
    CHECK_EQ_U64(shm_close(&core, attachment), -LINUX_EBADF);
    CHECK_EQ_U64(control(&user, id, SYSV_IPC_RMID), 0);
}

/* IPC_RMID while attached: SHM_DEST, the key gone, the id still there
 * (and attachable) until the last detach. */
static void removal_waits_for_the_last_detach(void)
{
    fresh();
    int64_t id = shm_get(&core, &user, 31, 4096, 0600 | SYSV_IPC_CREAT);
    uint64_t first = attach(&user, (int32_t)id, 0);
    CHECK_EQ_U64(control(&stranger, (int32_t)id, SYSV_IPC_RMID), -LINUX_EPERM);
    CHECK_EQ_U64(control(&user, (int32_t)id, SYSV_IPC_RMID), 0);
    struct sysv_shmid64_ds stat = stat_of((int32_t)id);
    CHECK_EQ_U64(stat.shm_perm.mode, SYSV_SHM_DEST | 0600);
    CHECK_EQ_U64(stat.shm_perm.key, SYSV_IPC_PRIVATE);
    CHECK_EQ_U64(shm_get(&core, &user, 31, 0, 0), -LINUX_ENOENT);
    uint64_t second = attach(&user, (int32_t)id, 0);
    CHECK_EQ_U64(control(&user, (int32_t)id, SYSV_IPC_RMID), 0);     /* again: fine */
    CHECK_EQ_U64(shm_close(&core, first), 0);
    CHECK_EQ_U64(stat_of((int32_t)id).shm_nattch, 1);
    CHECK_EQ_U64(shm_close(&core, second), 0);
    CHECK_EQ_U64(control(&user, (int32_t)id, SYSV_IPC_STAT), -LINUX_EINVAL);
    CHECK_EQ_U64(blocks_live, 0);       /* the ids table went with the last */
}

/* A grant not used yet is a shmat under way: IPC_RMID waits for it. */
static void grants_hold_the_segment_until_used_or_closed(void)
{
    fresh();
    int32_t id = new_segment(4096, 0600);
    uint64_t grant, size;
    CHECK_EQ_U64(shm_attach(&core, &user, id, 0, &grant, &size), 0);
    CHECK_EQ_U64(size, 4096);
    CHECK_EQ_U64(stat_of(id).shm_nattch, 1);
    CHECK_EQ_U64(control(&user, id, SYSV_IPC_RMID), 0);
    CHECK_EQ_U64(stat_of(id).shm_perm.mode & SYSV_SHM_DEST, SYSV_SHM_DEST);
    CHECK_EQ_U64(shm_close(&core, grant), 0);            /* the mapping failed */
    CHECK_EQ_U64(control(&user, id, SYSV_IPC_STAT), -LINUX_EINVAL);
    /* A process killed inside shmat: its grants go with it. */
    id = new_segment(4096, 0600);
    CHECK_EQ_U64(shm_attach(&core, &user, id, 0, &grant, &size), 0);
    CHECK_EQ_U64(control(&user, id, SYSV_IPC_RMID), 0);
    shm_process_ended(&core, stranger.pid);
    CHECK_EQ_U64(stat_of(id).shm_nattch, 1);
    shm_process_ended(&core, user.pid);
    CHECK_EQ_U64(control(&user, id, SYSV_IPC_STAT), -LINUX_EINVAL);
    CHECK_EQ_U64(shm_close(&core, grant), -LINUX_EBADF);
}

static void grants_map_once_with_the_access_asked(void)
{
    fresh();
    int32_t id = new_segment(8192, 0644);
    uint64_t grant, size, identity, attachment;
    CHECK_EQ_U64(shm_attach(&core, &stranger, id, 0, &grant, &size), -LINUX_EACCES);
    CHECK_EQ_U64(shm_attach(&core, &stranger, id, SYSV_SHM_RDONLY, &grant, &size), 0);
    CHECK_EQ_U64(shm_map(&core, grant, RW, &identity, &attachment), -LINUX_EACCES);
    CHECK_EQ_U64(shm_map(&core, grant, LINUX_PROT_READ | LINUX_PROT_EXEC, &identity,
                         &attachment), -LINUX_EACCES);
    int flags = shm_map(&core, grant, LINUX_PROT_READ, &identity, &attachment);
    CHECK_EQ_U64(flags, MEMORY_MAP_DESCRIPTOR | MEMORY_MAP_NO_USERFAULT);  /* never writable */
    CHECK_EQ_U64(identity, (uint64_t)SHM_DEVICE << 32 | 1);
    CHECK_EQ_U64(shm_map(&core, grant, LINUX_PROT_READ, &identity, &attachment),
                 -LINUX_EBADF);                          /* used */
    CHECK_EQ_U64(shm_map(&core, attachment, LINUX_PROT_READ, &identity, &attachment),
                 -LINUX_ENODEV);
    void *page;
    CHECK_EQ_U64(shm_map_page(&core, attachment, 0, true, &page), -LINUX_EACCES);
    CHECK_EQ_U64(shm_map_page(&core, attachment, 0, false, &page), 0);
    CHECK_EQ_U64(shm_close(&core, grant), 0);
    CHECK_EQ_U64(shm_close(&core, attachment), 0);
    CHECK_EQ_U64(shm_attach(&core, &root, id, SYSV_SHM_EXEC, &grant, &size), 0);
    CHECK(shm_map(&core, grant, RW | LINUX_PROT_EXEC, &identity, &attachment) ==
          (MEMORY_MAP_DESCRIPTOR | MEMORY_MAP_NO_USERFAULT | MEMORY_MAP_WRITABLE));
    CHECK_EQ_U64(shm_close(&core, grant), 0);
    CHECK_EQ_U64(shm_close(&core, attachment), 0);
    CHECK_EQ_U64(shm_attach(&core, &user, -1, 0, &grant, &size), -LINUX_EINVAL);
    CHECK_EQ_U64(control(&user, id, SYSV_IPC_RMID), 0);
}

/* Every attachment lends the same pages; they go with the segment. */
static void attachments_share_pages(void)
{
    fresh();
    int32_t id = new_segment(10000, 0600);
    uint64_t first = attach(&user, id, 0), second = attach(&root, id, 0);
    long pages_before = pages_live;
    void *page, *same;
    CHECK_EQ_U64(shm_map_page(&core, first, 8192, true, &page), 0);
    CHECK_EQ_U64(shm_map_page(&core, second, 8192, false, &same), 0);
    CHECK(page == same);
    CHECK_EQ_U64(shm_map_page(&core, first, 12288, false, &page), -LINUX_ENXIO);
    CHECK_EQ_U64(shm_map_page(&core, first, 100, false, &page), -LINUX_EINVAL);
    CHECK_EQ_U64(shm_map_page(&core, 12345, 0, false, &page), -LINUX_EBADF);
    struct sysv_shm_info info;
    struct client buffer;
    CHECK_EQ_U64(shm_control(&core, &stranger, 0, SYSV_SHM_INFO, 0,
                             client(&buffer, &info, sizeof info)), id);
    CHECK_EQ_U64(info.used_ids, 1);
    CHECK_EQ_U64(info.shm_tot, 3);
    CHECK_EQ_U64(info.shm_rss, 1);
    CHECK_EQ_U64(control(&user, id, SYSV_IPC_RMID), 0);
    CHECK_EQ_U64(shm_close(&core, first), 0);
    CHECK_EQ_U64(shm_close(&core, second), 0);
    CHECK_EQ_U64(pages_live, pages_before);              /* the data pages went too */
}

/* A user's segments hold at most a quarter of the server's memory in
 * pages (index pages included): past it a page is ENOMEM (SIGBUS for
 * whoever touched it); another user's and root's segments go on, and
 * the pages come back with the segment. */
static void a_users_pages_are_held_to_a_quarter_of_the_memory(void)
{
    fresh();
    int32_t mine = new_segment(CAPACITY, 0600);
    uint64_t attachment = attach(&user, mine, 0);
    void *page;
    uint64_t made = 0;
    while (shm_map_page(&core, attachment, made * 4096, true, &page) == 0)
        made++;
    CHECK(made > CAPACITY / 4 / 4096 - 8 && made < CAPACITY / 4 / 4096);
    CHECK_EQ_U64(shm_map_page(&core, attachment, made * 4096, true, &page), -LINUX_ENOMEM);
    int64_t theirs = shm_get(&core, &stranger, SYSV_IPC_PRIVATE, 4096, 0600);
    int64_t roots = shm_get(&core, &root, SYSV_IPC_PRIVATE, CAPACITY, 0600);
    CHECK(theirs >= 0 && roots >= 0);
    uint64_t their_attachment = attach(&stranger, (int32_t)theirs, 0);
    uint64_t root_attachment = attach(&root, (int32_t)roots, 0);
    CHECK_EQ_U64(shm_map_page(&core, their_attachment, 0, true, &page), 0);
    for (uint64_t offset = 0; offset < CAPACITY * 3 / 4; offset += 4096)
        CHECK_EQ_U64(shm_map_page(&core, root_attachment, offset, true, &page), 0);
    CHECK_EQ_U64(control(&stranger, (int32_t)theirs, SYSV_IPC_RMID), 0);
    CHECK_EQ_U64(control(&root, (int32_t)roots, SYSV_IPC_RMID), 0);
    CHECK_EQ_U64(shm_close(&core, their_attachment), 0);
    CHECK_EQ_U64(shm_close(&core, root_attachment), 0);
    CHECK_EQ_U64(control(&user, mine, SYSV_IPC_RMID), 0);
    CHECK_EQ_U64(shm_close(&core, attachment), 0);
    int32_t again = new_segment(4096, 0600);
    attachment = attach(&user, again, 0);
    CHECK_EQ_U64(shm_map_page(&core, attachment, 0, true, &page), 0);
    CHECK_EQ_U64(control(&user, again, SYSV_IPC_RMID), 0);
    CHECK_EQ_U64(shm_close(&core, attachment), 0);
}

static void stat_set_and_info(void)
{
    fresh();
    int32_t id = new_segment(5000, 0640);
    struct sysv_shmid64_ds stat;
    struct client buffer;
    CHECK_EQ_U64(shm_control(&core, &stranger, id, SYSV_IPC_STAT, 0,
                             client(&buffer, &stat, sizeof stat)), -LINUX_EACCES);
    CHECK_EQ_U64(shm_control(&core, &stranger, id & 0x7fff, SYSV_SHM_STAT_ANY, 0,
                             client(&buffer, &stat, sizeof stat)), id);
    CHECK_EQ_U64(shm_control(&core, &user, id & 0x7fff, SYSV_SHM_STAT, 0,
                             client(&buffer, &stat, sizeof stat)), id);
    CHECK_EQ_U64(shm_control(&core, &user, id, SYSV_IPC_STAT, 0, client(&buffer, &stat, 8)),
                 -LINUX_EFAULT);
    CHECK_EQ_U64(shm_control(&core, &user, id, SYSV_IPC_SET, 0, client(&buffer, &stat, 8)),
                 -LINUX_EFAULT);
    stat = stat_of(id);
    stat.shm_perm.mode = 07777;
    stat.shm_perm.gid = 5;
    clock_seconds = 4000;
    CHECK_EQ_U64(shm_control(&core, &stranger, id, SYSV_IPC_SET, 0,
                             client(&buffer, &stat, sizeof stat)), -LINUX_EPERM);
    CHECK_EQ_U64(shm_control(&core, &user, id, SYSV_IPC_SET, 0,
                             client(&buffer, &stat, sizeof stat)), 0);
    stat = stat_of(id);
    CHECK_EQ_U64(stat.shm_perm.mode, 0777);
    CHECK_EQ_U64(stat.shm_perm.gid, 5);
    CHECK_EQ_U64(stat.shm_perm.cgid, 1000);
    CHECK_EQ_U64(stat.shm_ctime, 4000);
    struct sysv_shminfo64 limits;
    CHECK_EQ_U64(shm_control(&core, &stranger, 0, SYSV_IPC_INFO, 0,
                             client(&buffer, &limits, sizeof limits)), id & 0x7fff);
    CHECK_EQ_U64(limits.shmmni, SYSV_SHMMNI);
    CHECK_EQ_U64(limits.shmmax, SYSV_SHMMAX);
    CHECK_EQ_U64(control(&user, id, 99), -LINUX_EINVAL);
    CHECK_EQ_U64(control(&user, id, -1), -LINUX_EINVAL);
    CHECK_EQ_U64(control(&user, -1, SYSV_IPC_INFO), -LINUX_EINVAL);
    CHECK_EQ_U64(control(&user, id, SYSV_IPC_RMID), 0);
}

static void lock_and_unlock(void)
{
    fresh();
    int32_t id = new_segment(3 << 20, 0666);
    struct client buffer;
    CHECK_EQ_U64(control(&stranger, id, SYSV_SHM_LOCK), -LINUX_EPERM);
    CHECK_EQ_U64(shm_control(&core, &user, id, SYSV_SHM_LOCK, 0, client(&buffer, NULL, 0)),
                 -LINUX_EPERM);
    CHECK_EQ_U64(shm_control(&core, &user, id, SYSV_SHM_LOCK, 1 << 20,
                             client(&buffer, NULL, 0)), -LINUX_ENOMEM);
    CHECK_EQ_U64(control(&user, id, SYSV_SHM_LOCK), 0);
    CHECK_EQ_U64(stat_of(id).shm_perm.mode, SYSV_SHM_LOCKED | 0666);
    CHECK_EQ_U64(control(&user, id, SYSV_SHM_UNLOCK), 0);
    CHECK_EQ_U64(stat_of(id).shm_perm.mode, 0666);
    CHECK_EQ_U64(shm_control(&core, &root, id, SYSV_SHM_LOCK, 0, client(&buffer, NULL, 0)), 0);
    CHECK_EQ_U64(control(&user, id + 1, SYSV_SHM_UNLOCK), -LINUX_EINVAL);
    CHECK_EQ_U64(control(&user, id, SYSV_IPC_RMID), 0);
}

int main(void)
{
    RUN_TEST(shmget_rules);
    RUN_TEST(segments_run_out_at_shmmni);
    RUN_TEST(attachments_count_nattch);
    RUN_TEST(removal_waits_for_the_last_detach);
    RUN_TEST(grants_hold_the_segment_until_used_or_closed);
    RUN_TEST(grants_map_once_with_the_access_asked);
    RUN_TEST(attachments_share_pages);
    RUN_TEST(a_users_pages_are_held_to_a_quarter_of_the_memory);
    RUN_TEST(stat_set_and_info);
    RUN_TEST(lock_and_unlock);
    fresh();
    return check_report();
}
