/*
 * Attaching segments: attach grants, attachments, the pages they lend,
 * and the counts and times shmctl reports (shm.h).
 */
#include "shm_internal.h"
#include "sys/linux_abi.h"
#include "sys/protocol/memory.h"

#define PAGE_SIZE PAGE_TREE_PAGE_SIZE
/* Linux's acc_mode for shmat: S_IRUGO, S_IWUGO, S_IXUGO. */
#define READ_PERMISSION  0444
#define WRITE_PERMISSION 0222
#define EXEC_PERMISSION  0111

/* An OFD's object: an attachment's is its segment, a grant's its record
 * with the low bit set (records are aligned, so the bit is free). */
#define GRANT_MARK ((uintptr_t)1)

static bool is_grant(const struct file_description *ofd)
{
    return (uintptr_t)ofd->object & GRANT_MARK;
}

static struct shm_grant *grant_of(const struct file_description *ofd)
{
    return (struct shm_grant *)((uintptr_t)ofd->object & ~GRANT_MARK);
}

/* The segment an OFD reaches: NULL for a grant used already. */
static struct shm_segment *segment_of(const struct file_description *ofd)
{
    return is_grant(ofd) ? grant_of(ofd)->segment : ofd->object;
}

static bool writable(const struct file_description *ofd)
{
    return (ofd->flags & LINUX_O_ACCMODE) == LINUX_O_RDWR;
}

static int64_t now(struct shm_core *core)
{
    return core->services.now(core->services.context);
}

/* ---- Grants ---- */

int shm_attach(struct shm_core *core, const struct sysv_caller *caller, int32_t shmid,
               int32_t flags, uint64_t *handle, uint64_t *size)
{
    struct shm_segment *segment = shm_find(core, shmid);
    if (!segment)
        return -LINUX_EINVAL;
    bool read_only = flags & SYSV_SHM_RDONLY;
    bool exec = flags & SYSV_SHM_EXEC;
    int32_t access = READ_PERMISSION | (read_only ? 0 : WRITE_PERMISSION) |
                     (exec ? EXEC_PERMISSION : 0);
    if (!ipc_permitted(&segment->ipc, caller, access))
        return -LINUX_EACCES;
    struct shm_grant *grant = core->services.allocate(core->services.context, sizeof *grant);
    if (!grant)
        return -LINUX_ENOMEM;
    void *object = (void *)((uintptr_t)grant | GRANT_MARK);
    int error = file_table_open(&core->descriptors->files, object,
                                read_only ? LINUX_O_RDONLY : LINUX_O_RDWR, handle);
    if (error < 0) {
        core->services.free(core->services.context, grant);
        return error;
    }
    *grant = (struct shm_grant){.segment = segment, .handle = *handle, .pid = caller->pid,
                                .exec = exec};
    list_append(&core->unused_grants, &grant->in_unused);
    segment->attaching++;
    *size = segment->size;
    return 0;
}

/* The grant no longer holds its segment: it was used, or it goes unused. */
static void let_go_of_segment(struct shm_core *core, struct shm_grant *grant)
{
    list_remove(&core->unused_grants, &grant->in_unused);
    grant->segment->attaching--;
    grant->segment = NULL;
}

int shm_detach(struct shm_core *core, const struct sysv_caller *caller, int32_t shmid)
{
    struct shm_segment *segment = shm_find(core, shmid);
    if (!segment)
        return -LINUX_EINVAL;
    segment->lpid = caller->pid;
    return 0;
}

static struct shm_grant *unused_grant(struct list_link *link)
{
    return link ? list_entry(link, struct shm_grant, in_unused) : NULL;
}

void shm_process_ended(struct shm_core *core, uint32_t pid)
{
    struct shm_grant *next;
    for (struct shm_grant *grant = unused_grant(core->unused_grants.first); grant;
         grant = next) {
        next = unused_grant(grant->in_unused.next);
        if (grant->pid != pid)
            continue;
        /* Its capability went with the process: no reference is left. */
        uint64_t handle = grant->handle;
        while (file_table_find(&core->descriptors->files, handle))
            shm_close(core, handle);
    }
}

/* ---- The memory-object protocol ---- */

int shm_map(struct shm_core *core, uint64_t handle, uint32_t prot, uint64_t *identity,
            uint64_t *attachment)
{
    struct file_description *ofd = file_table_find(&core->descriptors->files, handle);
    if (!ofd)
        return -LINUX_EBADF;
    if (!is_grant(ofd))
        return -LINUX_ENODEV;   /* an attachment makes no other */
    struct shm_grant *grant = grant_of(ofd);
    struct shm_segment *segment = grant->segment;
    if (!segment)
        return -LINUX_EBADF;
    if (((prot & LINUX_PROT_WRITE) && !writable(ofd)) ||
        ((prot & LINUX_PROT_EXEC) && !grant->exec))
        return -LINUX_EACCES;
    int error = file_table_open(&core->descriptors->files, segment, ofd->flags, attachment);
    if (error < 0)
        return error;
    /* __shm_open */
    segment->attachments++;
    segment->atime = now(core);
    segment->lpid = grant->pid;
    let_go_of_segment(segment->core, grant);
    *identity = (uint64_t)SHM_DEVICE << 32 | segment->inode;
    return MEMORY_MAP_DESCRIPTOR | MEMORY_MAP_NO_USERFAULT |
           (writable(ofd) ? MEMORY_MAP_WRITABLE : 0);
}

int shm_map_page(struct shm_core *core, uint64_t handle, uint64_t offset, bool write,
                 void **page)
{
    struct file_description *ofd = file_table_find(&core->descriptors->files, handle);
    struct shm_segment *segment = ofd ? segment_of(ofd) : NULL;
    if (!segment)
        return -LINUX_EBADF;
    if (offset % PAGE_SIZE != 0)
        return -LINUX_EINVAL;
    if (write && !writable(ofd))
        return -LINUX_EACCES;
    if (offset >= segment->size)
        return -LINUX_ENXIO;
    *page = page_tree_get(&segment->pages, &segment->charged_pages, offset / PAGE_SIZE);
    return *page ? 0 : -LINUX_ENOMEM;
}

/* ---- References ---- */

int shm_retain(struct shm_core *core, uint64_t handle)
{
    struct file_description *ofd = file_table_find(&core->descriptors->files, handle);
    if (!ofd)
        return -LINUX_EBADF;
    int error = file_table_retain(&core->descriptors->files, handle);
    if (error == 0 && !is_grant(ofd)) {
        /* fork: one more address space attaches it (shm_open) */
        struct shm_segment *segment = ofd->object;
        segment->attachments++;
        segment->atime = now(core);
    }
    return error;
}

int64_t shm_path(struct shm_core *core, uint64_t handle, char *name)
{
    struct file_description *ofd = file_table_find(&core->descriptors->files, handle);
    struct shm_segment *segment = ofd ? segment_of(ofd) : NULL;
    if (!segment)
        return -LINUX_EBADF;
    static const char digits[] = "0123456789abcdef";
    int64_t length = 0;
    for (const char *c = "/SYSV"; *c; c++)
        name[length++] = *c;
    for (int shift = 28; shift >= 0; shift -= 4)
        name[length++] = digits[((uint32_t)segment->created_key >> shift) & 0xf];
    for (const char *c = " (deleted)"; *c; c++)
        name[length++] = *c;
    return length;
}

int shm_close(struct shm_core *core, uint64_t handle)
{
    struct file_description *ofd = file_table_find(&core->descriptors->files, handle);
    if (!ofd)
        return -LINUX_EBADF;
    bool grant = is_grant(ofd);
    struct shm_grant *record = grant ? grant_of(ofd) : NULL;
    struct shm_segment *segment = segment_of(ofd);
    void *last;
    file_table_close(&core->descriptors->files, handle, &last);
    if (grant) {
        if (!last)
            return 0;
        if (segment)
            let_go_of_segment(segment->core, record);
        core->services.free(core->services.context, record);
    } else {
        /* shm_close: one address space detaches it */
        segment->attachments--;
        segment->dtime = now(core);
    }
    if (segment)
        shm_settle(segment->core, segment);
    return 0;
}
