/*
 * Shared memory segments: shmget and shmctl (shm.h), each check in Linux
 * 6.1's order (ipc/shm.c: newseg, shmctl_stat, shmctl_ipc_info,
 * shmctl_shm_info, shmctl_down, shmctl_do_lock).
 */
#include "shm_internal.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"

#define PAGE_SIZE PAGE_TREE_PAGE_SIZE
#define READ_PERMISSION 0444
#define RLIMIT_UNLIMITED UINT64_MAX

/* A page for a segment, charged to its creator's user (root's are
 * never counted: client_user_amount is 0), or NULL. */
static void *allocate_page(void *context)
{
    struct shm_segment *segment = context;
    const struct sysv_services *services = &segment->core->services;
    if (client_user_amount(&segment->creator) >= segment->core->descriptors->user_page_ceiling)
        return NULL;
    void *page = services->allocate_page(services->context);
    if (page)
        client_user_amount_add(&segment->creator, 1);
    return page;
}

static void free_page(void *context, void *page)
{
    struct shm_segment *segment = context;
    const struct sysv_services *services = &segment->core->services;
    client_user_amount_add(&segment->creator, -1);
    services->free_page(services->context, page);
}

/* Segments are counted by shmmni, not by these accounts' ceilings. */
#define UNCOUNTED UINT32_MAX

void shm_descriptors_init(struct shm_descriptors *descriptors,
                          const struct sysv_services *services, uint64_t capacity)
{
    file_table_init(&descriptors->files, services->allocate_page, services->context);
    descriptors->next_inode = 1;
    client_accounts_init(&descriptors->creators, services->allocate, services->free,
                         services->context, UNCOUNTED, UNCOUNTED);
    descriptors->user_page_ceiling = capacity / 4 / PAGE_SIZE;
}

void shm_descriptors_process_ended(struct shm_descriptors *descriptors, uint32_t pid)
{
    client_process_ended(&descriptors->creators, pid);
}

void shm_core_init(struct shm_core *core, const struct sysv_services *services,
                   uint64_t capacity, struct shm_descriptors *descriptors)
{
    memset(core, 0, sizeof *core);
    core->services = *services;
    ipc_ids_init(&core->ids, SYSV_SHMMNI, &core->services);
    core->max_segment_size = SYSV_SHMMAX;
    core->max_total_pages = SYSV_SHMALL;
    core->descriptors = descriptors;
    core->capacity = capacity;
}

static int64_t now(struct shm_core *core)
{
    return core->services.now(core->services.context);
}

static uint64_t pages_of(uint64_t size)
{
    return size / PAGE_SIZE + (size % PAGE_SIZE != 0);
}

struct shm_segment *shm_find(const struct shm_core *core, int32_t shmid)
{
    return (struct shm_segment *)ipc_ids_find(&core->ids, shmid);
}

/* shm_destroy: the id, the pages and the record go. */
static void destroy(struct shm_core *core, struct shm_segment *segment)
{
    ipc_ids_remove(&core->ids, &segment->ipc);
    core->pages_total -= pages_of(segment->size);
    page_tree_truncate(&segment->pages, &segment->charged_pages, 0);
    client_uncharge(&core->descriptors->creators, &segment->creator);
    core->services.free(core->services.context, segment);
}

void shm_settle(struct shm_core *core, struct shm_segment *segment)
{
    if ((segment->ipc.mode & SYSV_SHM_DEST) && segment->attachments == 0 &&
        segment->attaching == 0)
        destroy(core, segment);
}

/* ---- shmget ---- */

/* The huge page sizes arm64 has with 4 KiB pages (64 KiB, 2 MiB, 32 MiB,
 * 1 GiB; 0 means the default, 2 MiB): hstate_sizelog finds no other. */
static bool huge_page_size_known(int32_t flags)
{
    uint32_t bits = ((uint32_t)flags >> SYSV_SHM_HUGE_SHIFT) & SYSV_SHM_HUGE_MASK;
    return bits == 0 || bits == 16 || bits == 21 || bits == 25 || bits == 30;
}

/* newseg */
static int64_t create(struct shm_core *core, const struct sysv_caller *caller, int32_t key,
                      uint64_t size, int32_t flags)
{
    if (size < SYSV_SHMMIN || size > core->max_segment_size)
        return -LINUX_EINVAL;
    uint64_t pages = pages_of(size);
    if (core->pages_total + pages < core->pages_total ||
        core->pages_total + pages > core->max_total_pages)
        return -LINUX_ENOSPC;
    if (flags & SYSV_SHM_HUGETLB) {
        /* Debian sets no huge pages aside (vm.nr_hugepages is 0). */
        return huge_page_size_known(flags) ? -LINUX_ENOMEM : -LINUX_EINVAL;
    }
    /* Linux refuses what its memory could never hold, unless asked not to
     * reserve it (shmem_acct_size). */
    if (!(flags & SYSV_SHM_NORESERVE) && size > core->capacity)
        return -LINUX_ENOMEM;
    struct client_owner creator;
    if (client_charge(&core->descriptors->creators, caller->pid, caller->uid, &creator) < 0)
        return -LINUX_ENOMEM;
    struct shm_segment *segment =
        core->services.allocate(core->services.context, sizeof *segment);
    if (!segment) {
        client_uncharge(&core->descriptors->creators, &creator);
        return -LINUX_ENOMEM;
    }
    *segment = (struct shm_segment){
        .size = size,
        .core = core,
        .inode = core->descriptors->next_inode,
        .created_key = key,
        .cpid = caller->pid,
        .creator = creator,
    };
    segment->charged_pages = (struct page_tree_pages){allocate_page, free_page, segment};
    int32_t id = ipc_ids_add(&core->ids, &segment->ipc, key, (uint32_t)flags, caller);
    if (id < 0) {
        client_uncharge(&core->descriptors->creators, &creator);
        core->services.free(core->services.context, segment);
        return id;
    }
    segment->ipc.ctime = now(core);
    core->descriptors->next_inode++;
    core->pages_total += pages;
    return id;
}

int64_t shm_get(struct shm_core *core, const struct sysv_caller *caller, int32_t key,
                uint64_t size, int32_t flags)
{
    struct ipc_object *found;
    int lookup = ipc_ids_lookup(&core->ids, key, flags, &found);
    if (lookup < 0)
        return lookup;
    if (lookup == IPC_GET_CREATE)
        return create(core, caller, key, size, flags);
    if (((struct shm_segment *)found)->size < size)
        return -LINUX_EINVAL;
    if (!ipc_permitted(found, caller, flags))
        return -LINUX_EACCES;
    return found->id;
}

/* ---- shmctl ---- */

/* IPC_STAT (by id), SHM_STAT and SHM_STAT_ANY (by index, SHM_STAT_ANY
 * without a permission check): 0 or the full id. */
static int64_t stat_segment(struct shm_core *core, const struct sysv_caller *caller,
                            int32_t shmid, int32_t cmd, const struct client_buffer *buffer)
{
    struct shm_segment *segment = cmd == SYSV_IPC_STAT
        ? shm_find(core, shmid)
        : (struct shm_segment *)ipc_ids_at(&core->ids, shmid & (int32_t)(IPC_IDS_INDEXES - 1));
    if (!segment)
        return -LINUX_EINVAL;
    if (cmd != SYSV_SHM_STAT_ANY && !ipc_permitted(&segment->ipc, caller, READ_PERMISSION))
        return -LINUX_EACCES;
    struct sysv_shmid64_ds stat = {
        .shm_segsz = segment->size,
        .shm_atime = segment->atime,
        .shm_dtime = segment->dtime,
        .shm_ctime = segment->ipc.ctime,
        .shm_cpid = (int32_t)segment->cpid,
        .shm_lpid = (int32_t)segment->lpid,
        /* a shmat under way counts, as in Linux */
        .shm_nattch = segment->attachments + segment->attaching,
    };
    ipc_object_get(&segment->ipc, &stat.shm_perm);
    if (buffer->copy_to_client(buffer->context, 0, &stat, sizeof stat) != 0)
        return -LINUX_EFAULT;
    return cmd == SYSV_IPC_STAT ? 0 : segment->ipc.id;
}

static int64_t limits(struct shm_core *core, const struct client_buffer *buffer)
{
    struct sysv_shminfo64 info = {
        .shmmax = core->max_segment_size, .shmmin = SYSV_SHMMIN,
        .shmmni = core->ids.limit, .shmseg = core->ids.limit,
        .shmall = core->max_total_pages,
    };
    if (buffer->copy_to_client(buffer->context, 0, &info, sizeof info) != 0)
        return -LINUX_EFAULT;
    return ipc_ids_highest_index(&core->ids);
}

static int64_t usage(struct shm_core *core, const struct client_buffer *buffer)
{
    struct sysv_shm_info info = {.used_ids = (int32_t)core->ids.in_use,
                                 .shm_tot = core->pages_total};
    for (int32_t index = 0; index <= core->ids.max_index; index++) {
        struct shm_segment *segment = (struct shm_segment *)ipc_ids_at(&core->ids, index);
        if (segment)
            info.shm_rss += segment->pages.page_count;
    }
    if (buffer->copy_to_client(buffer->context, 0, &info, sizeof info) != 0)
        return -LINUX_EFAULT;
    return ipc_ids_highest_index(&core->ids);
}

/* do_shm_rmid: gone now if nothing is attached, else once the last
 * attachment goes; meanwhile no key finds it. */
static void remove_segment(struct shm_core *core, struct shm_segment *segment)
{
    segment->ipc.mode |= SYSV_SHM_DEST;
    segment->ipc.key = SYSV_IPC_PRIVATE;
    shm_settle(core, segment);
}

/* shmctl_down: IPC_SET and IPC_RMID. */
static int64_t change(struct shm_core *core, const struct sysv_caller *caller, int32_t shmid,
                      int32_t cmd, const struct client_buffer *buffer)
{
    struct sysv_ipc64_perm wanted;
    int error;
    struct shm_segment *segment = (struct shm_segment *)ipc_ids_control(
        &core->ids, caller, shmid, cmd, buffer, &wanted, &error);
    if (!segment)
        return error;
    if (cmd == SYSV_IPC_SET)
        return ipc_object_set(&segment->ipc, &wanted, now(core));
    remove_segment(core, segment);
    return 0;
}

/* shmctl_do_lock: nothing is ever swapped, so locking only marks the
 * segment SHM_LOCKED. Without privilege: the owner or creator only, with
 * some RLIMIT_MEMLOCK for SHM_LOCK, and no more than it to lock (Linux
 * counts what the user has locked in all; here each segment alone). */
static int64_t lock(struct shm_core *core, const struct sysv_caller *caller, int32_t shmid,
                    int32_t cmd, uint64_t memory_lock_limit)
{
    struct shm_segment *segment = shm_find(core, shmid);
    if (!segment)
        return -LINUX_EINVAL;
    bool locking = cmd == SYSV_SHM_LOCK;
    if (!ipc_privileged(caller)) {
        if (caller->uid != segment->ipc.uid && caller->uid != segment->ipc.cuid)
            return -LINUX_EPERM;
        if (locking && memory_lock_limit == 0)
            return -LINUX_EPERM;
    }
    if (!locking) {
        segment->ipc.mode &= ~(uint32_t)SYSV_SHM_LOCKED;
        return 0;
    }
    if (segment->ipc.mode & SYSV_SHM_LOCKED)
        return 0;
    uint64_t limit_pages = memory_lock_limit == RLIMIT_UNLIMITED ? UINT64_MAX
                                                                 : memory_lock_limit / PAGE_SIZE;
    if (!ipc_privileged(caller) && pages_of(segment->size) > limit_pages)
        return -LINUX_ENOMEM;
    segment->ipc.mode |= SYSV_SHM_LOCKED;
    return 0;
}

int64_t shm_control(struct shm_core *core, const struct sysv_caller *caller, int32_t shmid,
                    int32_t cmd, uint64_t memory_lock_limit,
                    const struct client_buffer *buffer)
{
    if (cmd < 0 || shmid < 0)
        return -LINUX_EINVAL;
    switch (cmd) {
    case SYSV_IPC_INFO:
        return limits(core, buffer);
    case SYSV_SHM_INFO:
        return usage(core, buffer);
    case SYSV_IPC_STAT:
    case SYSV_SHM_STAT:
    case SYSV_SHM_STAT_ANY:
        return stat_segment(core, caller, shmid, cmd, buffer);
    case SYSV_IPC_SET:
    case SYSV_IPC_RMID:
        return change(core, caller, shmid, cmd, buffer);
    case SYSV_SHM_LOCK:
    case SYSV_SHM_UNLOCK:
        return lock(core, caller, shmid, cmd, memory_lock_limit);
    default:
        return -LINUX_EINVAL;
    }
}
