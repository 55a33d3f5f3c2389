/*
 * System V shared memory and semaphores: shmget, shmat, shmdt, shmctl,
 * semget, semop, semtimedop and semctl, through the process's session of
 * the sysv server (LINUX_SLOT_SYSV, protocol/sysv.h). The server checks
 * ids and permissions and keeps the objects; this file checks what Linux
 * checks before it looks at an object (addresses, counts, timeouts),
 * moves the caller's structures through window 0, and does the mapping
 * part of shmat and shmdt with procmgr.
 *
 * shmat: the server hands out an attach grant for the segment, which is
 * mapped with PROC_MMAP like a file (MAP_SHARED; MAP_FIXED_NOREPLACE at
 * a given address, whose EEXIST is shmat's EINVAL; MAP_FIXED with
 * SHM_REMAP) and then closed. shmdt unmaps what Linux's shmdt does: the
 * first region at or above the address that maps an attachment at the
 * offset it has from the address, then the regions after it that map the
 * same segment so, within the segment's size. Regions are found with
 * PROC_MAPPING, which names the memory object each maps; the segments
 * this process attached are known by those names (the table below, which
 * fork copies with the rest of the personality's data and execve, which
 * detaches everything, starts afresh).
 */
#include "clock_math.h"
#include "descriptors.h"
#include "limits.h"
#include "paths.h"
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"
#include "sys/protocol/sysv.h"

#define PAGE_MASK ((uint64_t)LINUX_PAGE_SIZE - 1)

/* ---- Regions, as procmgr names them ---- */

struct region {
    uint64_t start, end;
    uint64_t key;               /* the memory object's, 0: none */
    uint64_t offset;            /* of start in the object */
};

/* The region holding address, or the first above it: 0, or -ENOMEM. */
static int64_t region_from(uint64_t address, struct region *region)
{
    uint64_t mr[4] = {address, 0, 0, 0};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_MAPPING, 1, 0, 0, mr);
    if (result == 0)
        *region = (struct region){mr[1], mr[2], mr[3], tern_get_mr(4)};
    return result;
}

/* ---- The segments this process attached ---- */

#define ATTACHED_MAX 128

struct attached_segment {
    uint64_t key;               /* procmgr's name for its mappings; 0: a free entry */
    uint64_t size;
    int32_t shmid;
    uint32_t attachments;       /* shmat's not yet undone by shmdt */
};

static struct attached_segment attached[ATTACHED_MAX];
static struct linux_lock attached_lock;

static struct attached_segment *entry_of(uint64_t key)
{
    for (unsigned i = 0; i < ATTACHED_MAX; i++)
        if (attached[i].key == key)
            return &attached[i];
    return 0;
}

/* Segments detached by munmap rather than shmdt leave their entry
 * behind: with the table full, the entries no region maps any more go.
 * (Keys are never reused, so a stale entry names no other object.) */
static void forget_unmapped(void)
{
    uint64_t keys[ATTACHED_MAX];
    bool mapped[ATTACHED_MAX] = {false};
    linux_lock(&attached_lock);
    for (unsigned i = 0; i < ATTACHED_MAX; i++)
        keys[i] = attached[i].key;
    linux_unlock(&attached_lock);
    struct region region;
    for (uint64_t address = 0; region_from(address, &region) == 0; address = region.end)
        for (unsigned i = 0; i < ATTACHED_MAX; i++)
            mapped[i] |= region.key != 0 && region.key == keys[i];
    linux_lock(&attached_lock);
    for (unsigned i = 0; i < ATTACHED_MAX; i++)
        if (!mapped[i] && attached[i].key == keys[i])
            attached[i] = (struct attached_segment){0};
    linux_unlock(&attached_lock);
}

/* One more attachment of the segment whose mappings procmgr names key. */
static bool remember(uint64_t key, int32_t shmid, uint64_t size)
{
    for (unsigned tries = 0; tries < 2; tries++) {
        linux_lock(&attached_lock);
        struct attached_segment *entry = entry_of(key);
        if (!entry && (entry = entry_of(0)) != 0)
            *entry = (struct attached_segment){key, size, shmid, 0};
        if (entry)
            entry->attachments++;
        linux_unlock(&attached_lock);
        if (entry)
            return true;
        forget_unmapped();
    }
    return false;
}

/* ---- Shared memory ---- */

int64_t sys_shmget(int64_t key, uint64_t size, int64_t flags)
{
    return linux_request(LINUX_SLOT_SYSV, SYSV_SHMGET, 3, (uint64_t)key, size, (uint64_t)flags,
                         0);
}

/* PROC_MMAP of the grant in slot: the address, or -errno. */
static int64_t map_grant(uint64_t slot, uint64_t address, uint64_t size, int64_t flags)
{
    uint64_t prot = LINUX_PROT_READ | ((flags & SYSV_SHM_RDONLY) ? 0 : LINUX_PROT_WRITE) |
                    ((flags & SYSV_SHM_EXEC) ? LINUX_PROT_EXEC : 0);
    uint64_t placement = !address ? 0
                         : (flags & SYSV_SHM_REMAP) ? LINUX_MAP_FIXED
                                                    : LINUX_MAP_FIXED_NOREPLACE;
    int64_t result = linux_map_object(address, size, prot, LINUX_MAP_SHARED | placement, slot, 0);
    /* Taken since range_in_use looked (another thread): still EINVAL. */
    return result == -LINUX_EEXIST ? -LINUX_EINVAL : result;
}

/* Linux's shmat refuses (EINVAL) an address whose range wraps or meets a
 * mapping before it maps anything, so before mmap's own errors. */
static bool range_in_use(uint64_t address, uint64_t size)
{
    struct region region;
    return address + size < address ||
           (region_from(address, &region) == 0 && region.start < address + size);
}

int64_t sys_shmat(int64_t shmid, uint64_t address, int64_t flags)
{
    if (shmid < 0)
        return -LINUX_EINVAL;
    if (address & (SYSV_SHMLBA - 1)) {
        if (!(flags & SYSV_SHM_RND))
            return -LINUX_EINVAL;
        address &= ~(uint64_t)(SYSV_SHMLBA - 1);
        if (!address && (flags & SYSV_SHM_REMAP))
            return -LINUX_EINVAL;
    } else if (!address && (flags & SYSV_SHM_REMAP)) {
        return -LINUX_EINVAL;
    }
    uint64_t grant = linux_scratch_slot();
    uint64_t mr[4] = {(uint64_t)shmid, (uint64_t)flags, 0, 0};
    int64_t result = linux_call_receiving(grant, LINUX_SLOT_SYSV, SYSV_SHMAT, 2, 0, 0, mr);
    if (result < 0)
        return result;
    uint64_t size = mr[1];
    result = address && !(flags & SYSV_SHM_REMAP) && range_in_use(address, size)
                 ? -LINUX_EINVAL
                 : map_grant(grant, address, size, flags);
    linux_capability_close(grant);
    if (result < 0)
        return result;
    struct region region;
    if (region_from((uint64_t)result, &region) < 0 || !remember(region.key, (int32_t)shmid, size)) {
        sys_munmap((uint64_t)result, size);
        return -LINUX_ENOMEM;   /* no room to remember it, so shmdt could not find it */
    }
    return result;
}

/* The attachment shmdt detaches first: the first region at or above
 * address that maps an attached segment at its distance from address. */
static bool first_attachment(uint64_t address, struct region *region,
                             struct attached_segment *segment)
{
    uint64_t reach = 0;     /* no attachment begins further above address */
    linux_lock(&attached_lock);
    for (unsigned i = 0; i < ATTACHED_MAX; i++)
        if (attached[i].key && attached[i].size > reach)
            reach = attached[i].size;
    linux_unlock(&attached_lock);
    for (uint64_t from = address; region_from(from, region) == 0; from = region->end) {
        if (region->start < address)
            continue;
        if (region->start - address >= reach)
            return false;
        if (region->start - address != region->offset)
            continue;
        linux_lock(&attached_lock);
        struct attached_segment *entry = region->key ? entry_of(region->key) : 0;
        if (entry)
            *segment = *entry;
        linux_unlock(&attached_lock);
        if (entry)
            return true;
    }
    return false;
}

int64_t sys_shmdt(uint64_t address)
{
    if (address & PAGE_MASK)
        return -LINUX_EINVAL;
    struct region region;
    struct attached_segment segment;
    if (!first_attachment(address, &region, &segment))
        return -LINUX_EINVAL;
    /* Who detaches (shm_lpid), before the last detach can remove it. */
    linux_request_uninterrupted(LINUX_SLOT_SYSV, SYSV_SHMDT, 1, (uint64_t)segment.shmid, 0, 0, 0);
    sys_munmap(region.start, region.end - region.start);
    /* Pieces of it mprotect or munmap split off, up to its size. */
    uint64_t span = (segment.size + PAGE_MASK) & ~PAGE_MASK;
    for (uint64_t from = region.end; region_from(from, &region) == 0 &&
                                     region.end - address <= span; from = region.end) {
        if (region.key == segment.key && region.start - address == region.offset)
            sys_munmap(region.start, region.end - region.start);
    }
    linux_lock(&attached_lock);
    struct attached_segment *entry = entry_of(segment.key);
    if (entry && --entry->attachments == 0)
        *entry = (struct attached_segment){0};
    linux_unlock(&attached_lock);
    return 0;
}

/* The window shmctl's command moves its struct through: its length and
 * rights, or 0. */
static uint64_t segment_buffer(int64_t cmd, uint64_t *rights)
{
    *rights = TERN_WINDOW_WRITE;
    switch (cmd) {
    case SYSV_IPC_STAT:
    case SYSV_SHM_STAT:
    case SYSV_SHM_STAT_ANY:
        return sizeof(struct sysv_shmid64_ds);
    case SYSV_IPC_SET:
        *rights = TERN_WINDOW_READ;
        return sizeof(struct sysv_shmid64_ds);
    case SYSV_IPC_INFO:
        return sizeof(struct sysv_shminfo64);
    case SYSV_SHM_INFO:
        return sizeof(struct sysv_shm_info);
    default:
        return 0;
    }
}

int64_t sys_shmctl(int64_t shmid, int64_t cmd, uint64_t buffer)
{
    uint64_t rights;
    uint64_t length = segment_buffer(cmd, &rights);
    if (length)
        linux_set_window(0, buffer, length, rights);
    uint64_t mr[4] = {(uint64_t)shmid, (uint64_t)cmd, linux_memory_lock_limit(), 0};
    return linux_call(LINUX_SLOT_SYSV, SYSV_SHMCTL, 3, 0, length ? 1 : 0, mr);
}

/* ---- Semaphores ---- */

int64_t sys_semget(int64_t key, int64_t count, int64_t flags)
{
    return linux_request(LINUX_SLOT_SYSV, SYSV_SEMGET, 3, (uint64_t)key, (uint64_t)count,
                         (uint64_t)flags, 0);
}

/* semctl's buffer for cmd: its length and rights, or 0; GETALL and SETALL
 * move the set's values, so the server says how many there are. */
static int64_t set_buffer(int64_t semid, int64_t cmd, uint64_t *rights)
{
    *rights = TERN_WINDOW_WRITE;
    switch (cmd) {
    case SYSV_IPC_STAT:
    case SYSV_SEM_STAT:
    case SYSV_SEM_STAT_ANY:
        return sizeof(struct sysv_semid64_ds);
    case SYSV_IPC_SET:
        *rights = TERN_WINDOW_READ;
        return sizeof(struct sysv_semid64_ds);
    case SYSV_IPC_INFO:
    case SYSV_SEM_INFO:
        return sizeof(struct sysv_seminfo);
    case SYSV_GETALL:
    case SYSV_SETALL: {
        if (cmd == SYSV_SETALL)
            *rights = TERN_WINDOW_READ;
        int64_t count = linux_request(LINUX_SLOT_SYSV, SYSV_SEM_COUNT, 1, (uint64_t)semid, 0, 0,
                                      0);
        return count < 0 ? count : count * (int64_t)sizeof(uint16_t);
    }
    default:
        return 0;
    }
}

int64_t sys_semctl(int64_t semid, int64_t semnum, int64_t cmd, uint64_t argument)
{
    uint64_t rights;
    int64_t length = set_buffer(semid, cmd, &rights);
    if (length < 0)
        return length;
    if (length)
        linux_set_window(0, argument, (uint64_t)length, rights);
    uint64_t mr[4] = {(uint64_t)semid, (uint64_t)semnum, (uint64_t)cmd, argument};
    return linux_call(LINUX_SLOT_SYSV, SYSV_SEMCTL, 4, 0, length ? 1 : 0, mr);
}

/* The caller's namespace's semopm now, as Linux compares it (unsigned),
 * asked only for more than SYSV_SEMOPM operations: root may have raised
 * it (/proc/sys/kernel/sem). */
static uint64_t current_semopm(void)
{
    struct sysv_seminfo info;
    linux_set_window(0, (uint64_t)(uintptr_t)&info, sizeof info, TERN_WINDOW_WRITE);
    uint64_t mr[4] = {0, 0, SYSV_IPC_INFO, 0};
    int64_t result = linux_call(LINUX_SLOT_SYSV, SYSV_SEMCTL, 4, 0, 1, mr);
    return result < 0 ? SYSV_SEMOPM : (uint32_t)info.semopm;
}

int64_t sys_semtimedop(int64_t semid, const struct sysv_sembuf *operations, uint64_t count,
                       const struct linux_timespec *timeout)
{
    /* Linux's order: the timeout is read, the count checked, the
     * operations read, and only then the timeout checked. */
    struct linux_timespec limit;
    if (timeout) {
        if (!linux_user_range((uint64_t)(uintptr_t)timeout, sizeof limit))
            return -LINUX_EFAULT;
        limit = *timeout;
    }
    if (count < 1 || semid < 0)
        return -LINUX_EINVAL;
    if (count > SYSV_SEMOPM && count > current_semopm())
        return -LINUX_E2BIG;
    uint64_t bytes = count * sizeof *operations;
    if (!linux_user_range((uint64_t)(uintptr_t)operations, bytes))
        return -LINUX_EFAULT;
    uint64_t mr[4] = {(uint64_t)semid, count, 0, 0};
    bool inline_operations = count <= SYSV_SEMOP_INLINE;
    if (inline_operations) {
        mr[SYSV_SEMOP_FIRST_MR] = sysv_sembuf_pack(operations[0]);
        for (uint64_t i = 1; i < count; i++)
            tern_set_mr(SYSV_SEMOP_FIRST_MR + (unsigned)i, sysv_sembuf_pack(operations[i]));
    } else {
        linux_touch_pages((uint64_t)(uintptr_t)operations, bytes, false);
    }
    if (timeout) {
        if (!timespec_is_valid(&limit))
            return -LINUX_EINVAL;
        uint64_t ticks = timespec_to_ticks(&limit, linux_counter_frequency());
        mr[2] = deadline_after(linux_counter_now(), ticks);
    }
    unsigned windows = 0;
    if (!inline_operations) {
        tern_set_window(0, (uint64_t)(uintptr_t)operations, bytes, TERN_WINDOW_READ);
        windows = 1;
    }
    unsigned length = SYSV_SEMOP_FIRST_MR + (inline_operations ? (unsigned)count : 0);
    int64_t result = linux_call(LINUX_SLOT_SYSV, SYSV_SEMOP, length, 0, windows, mr);
    /* A signal ends a wait with EINTR: Linux never restarts semop. */
    return result == -LINUX_ERESTARTSYS ? -LINUX_EINTR : result;
}
