/* Memory files: see core.h. */
#include "core.h"
#include "sys/protocol/file.h"
#include "sys/protocol/memfd.h"
#include "sys/protocol/memory.h"
#include "sys/runtime.h"

#define PAGE_SIZE PAGE_TREE_PAGE_SIZE
#define SEALS_AGAINST_WRITING (FILE_SEAL_WRITE | FILE_SEAL_FUTURE_WRITE)
/* An OFD of a memfd: open for reading and writing, large files. */
#define OFD_FLAGS (LINUX_O_RDWR | LINUX_O_LARGEFILE)
#define DEFAULT_HUGE_PAGE_BITS 21

/* A page for a memfd, charged to its maker's user (root's are never
 * counted: client_user_amount is 0), or NULL: out of pages, or over
 * the user's ceiling (which user_refused tells apart). */
static void *allocate_page(void *context)
{
    struct memfd *memfd = context;
    struct memfd_core *core = memfd->core;
    if (client_user_amount(&memfd->owner) >= core->user_page_ceiling) {
        core->user_refused = true;
        return NULL;
    }
    void *page = core->services.allocate_page(core->services.context);
    if (page)
        client_user_amount_add(&memfd->owner, 1);
    return page;
}

static void free_page(void *context, void *page)
{
    struct memfd *memfd = context;
    client_user_amount_add(&memfd->owner, -1);
    memfd->core->services.free_page(memfd->core->services.context, page);
}

void memfd_core_init(struct memfd_core *core, const struct memfd_services *services)
{
    memset(core, 0, sizeof *core);
    core->services = *services;
    file_table_init(&core->files, services->allocate_page, services->context);
    core->next_inode = 1;
    client_accounts_init(&core->accounts, services->allocate, services->free, services->context,
                         MEMFD_PROCESS_FILES, MEMFD_USER_FILES);
    core->user_page_ceiling = MEMFD_USER_PAGES;
}

/* The huge page size MFD_HUGETLB asks for, as its log2: one of arm64's
 * with 4 KiB pages (64 KiB, 2 MiB, 32 MiB, 1 GiB), 2 MiB by default; 0
 * for any other (Linux: ENODEV). */
static unsigned huge_page_bits(uint32_t flags)
{
    unsigned bits = (flags >> MEMFD_HUGE_SHIFT) & MEMFD_HUGE_MASK;
    if (bits == 0)
        return DEFAULT_HUGE_PAGE_BITS;
    return bits == 16 || bits == 21 || bits == 25 || bits == 30 ? bits : 0;
}

int memfd_create(struct memfd_core *core, uint32_t flags, uint32_t pid, uint32_t uid,
                 uint32_t gid, uint64_t *handle)
{
    if (!memfd_flags_valid(flags) || (flags & MEMFD_CLOEXEC))
        return -LINUX_EINVAL;   /* MFD_CLOEXEC is the caller's, never sent */
    bool huge = flags & MEMFD_HUGETLB;
    if (huge && huge_page_bits(flags) == 0)
        return -LINUX_ENODEV;
    struct client_owner owner;
    int refused = client_charge(&core->accounts, pid, uid, &owner);
    if (refused < 0)
        return refused;
    struct memfd *memfd = core->services.allocate(core->services.context, sizeof *memfd);
    if (memfd == NULL) {
        client_uncharge(&core->accounts, &owner);
        return -LINUX_ENOMEM;
    }
    struct memfd_time now = core->services.now(core->services.context);
    *memfd = (struct memfd){
        .inode = core->next_inode,
        .seals = (flags & MEMFD_ALLOW_SEALING) ? 0 : FILE_SEAL_SEAL,
        .mode = LINUX_S_IFREG | 0777,
        .uid = uid,
        .gid = gid,
        .owner = owner,
        .core = core,
        .block_size = huge ? 1u << huge_page_bits(flags) : PAGE_SIZE,
        .descriptions = 1,
        .modify_time = now,
        .change_time = now,
    };
    memfd->pages = (struct page_tree_pages){allocate_page, free_page, memfd};
    int error = file_table_open(&core->files, memfd, OFD_FLAGS, handle);
    if (error != 0) {
        client_uncharge(&core->accounts, &owner);
        core->services.free(core->services.context, memfd);
        return error;
    }
    core->next_inode++;
    return 0;
}

void memfd_process_ended(struct memfd_core *core, uint32_t pid)
{
    client_process_ended(&core->accounts, pid);
}

/* An OFD's object is its memfd; the low bit of the pointer marks a
 * mapping's OFD (memfds are aligned, so the bit is free). */
#define MAPPING_MARK ((uintptr_t)1)

static struct memfd *memfd_of_object(void *object)
{
    return (struct memfd *)((uintptr_t)object & ~MAPPING_MARK);
}

static struct memfd *memfd_of(const struct file_description *ofd)
{
    return memfd_of_object(ofd->object);
}

void memfd_release(struct memfd_core *core, void *object)
{
    struct memfd *memfd = memfd_of_object(object);
    if ((uintptr_t)object & MAPPING_MARK)
        memfd->mappings_that_may_write--;
    if (--memfd->descriptions > 0)
        return;
    file_pages_resize(&memfd->data, &memfd->pages, 0);
    if (memfd->path)
        core->services.free(core->services.context, memfd->path);
    client_uncharge(&core->accounts, &memfd->owner);
    core->services.free(core->services.context, memfd);
}

int memfd_set_name(struct memfd_core *core, uint64_t handle, const char *name, uint64_t length,
                   bool as_path)
{
    struct file_description *ofd = file_table_find(&core->files, handle);
    if (!ofd)
        return -LINUX_EBADF;
    struct memfd *memfd = memfd_of_object(ofd->object);
    static const char prefix[] = "/memfd:", suffix[] = " (deleted)";
    uint64_t total = as_path ? length : sizeof prefix - 1 + length + sizeof suffix - 1;
    char *path = core->services.allocate(core->services.context, total);
    if (!path)
        return -LINUX_ENOMEM;
    uint64_t at = 0;
    if (!as_path) {
        memcpy(path, prefix, sizeof prefix - 1);
        at = sizeof prefix - 1;
    }
    memcpy(path + at, name, length);
    if (!as_path)
        memcpy(path + at + length, suffix, sizeof suffix - 1);
    memfd->path = path;
    memfd->path_length = (uint32_t)total;
    return 0;
}

int64_t memfd_path(struct memfd_core *core, uint64_t handle, char *path)
{
    struct file_description *ofd = file_table_find(&core->files, handle);
    if (!ofd)
        return -LINUX_EBADF;
    const struct memfd *memfd = memfd_of_object(ofd->object);
    if (!memfd->path) {
        static const char unnamed[] = "/memfd: (deleted)";
        memcpy(path, unnamed, sizeof unnamed - 1);
        return sizeof unnamed - 1;
    }
    memcpy(path, memfd->path, memfd->path_length);
    return memfd->path_length;
}

static bool readable(const struct file_description *ofd)
{
    return file_flags_readable(ofd->flags);
}

static bool writable(const struct file_description *ofd)
{
    return file_flags_writable(ofd->flags);
}

/* A memfd of huge pages (MFD_HUGETLB) is hugetlbfs's: no write(2), sizes
 * in whole huge pages, and no mapping without huge pages set aside. */
static bool huge(const struct memfd *memfd)
{
    return memfd->block_size != PAGE_SIZE;
}

static void touch(struct memfd_core *core, struct memfd *memfd)
{
    memfd->modify_time = core->services.now(core->services.context);
    memfd->change_time = memfd->modify_time;
}

/* ---- Reading and writing ---- */

static int64_t read_at(struct file_description *ofd, const struct client_buffer *buffer,
                       uint64_t length, uint64_t offset)
{
    if (!readable(ofd))
        return -LINUX_EBADF;
    return file_pages_read(&memfd_of(ofd)->data, buffer, length, offset);
}

/* How much of a write the seals let through: with GROW, Linux writes
 * page by page and stops at the first piece that would end past the size
 * (shmem_write_begin). */
static uint64_t writable_length(const struct memfd *memfd, uint64_t length, uint64_t offset)
{
    if (!(memfd->seals & FILE_SEAL_GROW) || offset + length <= memfd->data.size)
        return length;
    uint64_t allowed = 0;
    while (allowed < length) {
        uint64_t position = offset + allowed;
        uint64_t piece = PAGE_SIZE - position % PAGE_SIZE;
        if (piece > length - allowed)
            piece = length - allowed;
        if (position + piece > memfd->data.size)
            break;
        allowed += piece;
    }
    return allowed;
}

/* How much of the client's first length bytes can be read, if they are
 * readable from the start up to some point (a buffer that runs into
 * unmapped memory): the last byte is tried, then the end found by
 * halving. So a write whose buffer ends early reserves pages only for
 * what it can copy, not for the whole length asked (up to every page the
 * server could borrow, as the soak found). */
static uint64_t readable_length(const struct client_buffer *buffer, uint64_t length)
{
    uint8_t byte;
    if (buffer->copy_from_client(buffer->context, length - 1, &byte, 1) == 0)
        return length;
    /* Bytes before good can be read; byte bad cannot. */
    uint64_t good = 0, bad = length - 1;
    while (good < bad) {
        uint64_t middle = good + (bad - good) / 2;
        if (buffer->copy_from_client(buffer->context, middle, &byte, 1) == 0)
            good = middle + 1;
        else
            bad = middle;
    }
    return good;
}

static int64_t write_at(struct memfd_core *core, struct file_description *ofd,
                        const struct client_buffer *buffer, uint64_t length, uint64_t offset)
{
    struct memfd *memfd = memfd_of(ofd);
    if (!writable(ofd))
        return -LINUX_EBADF;
    if (huge(memfd))
        return -LINUX_EINVAL;
    if (length == 0)
        return 0;
    if (memfd->seals & SEALS_AGAINST_WRITING)
        return -LINUX_EPERM;
    uint64_t allowed = writable_length(memfd, length, offset);
    if (allowed == 0)
        return -LINUX_EPERM;
    allowed = readable_length(buffer, allowed);
    if (allowed == 0)
        return -LINUX_EFAULT;
    /* All or nothing for want of memory: the server borrows more and the
     * write comes again (server_answer_wants_memory). */
    core->user_refused = false;
    int error = file_pages_reserve(&memfd->data, &memfd->pages, allowed, offset);
    if (error != 0)
        return error == -LINUX_ENOSPC && core->user_refused ? -LINUX_ENOMEM : error;
    int64_t result = file_pages_write(&memfd->data, &memfd->pages, buffer, allowed, offset);
    if (result > 0)
        touch(core, memfd);
    return result;
}

int64_t memfd_read(struct memfd_core *core, uint64_t handle, const struct client_buffer *buffer,
                   uint64_t length)
{
    struct file_description *ofd = file_table_find(&core->files, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    int64_t result = read_at(ofd, buffer, length, ofd->position);
    if (result > 0)
        ofd->position += (uint64_t)result;
    return result;
}

int64_t memfd_write(struct memfd_core *core, uint64_t handle, const struct client_buffer *buffer,
                    uint64_t length)
{
    struct file_description *ofd = file_table_find(&core->files, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    /* O_APPEND writes at the end. */
    uint64_t offset = (ofd->flags & LINUX_O_APPEND) ? memfd_of(ofd)->data.size : ofd->position;
    int64_t result = write_at(core, ofd, buffer, length, offset);
    if (result > 0)
        ofd->position = offset + (uint64_t)result;
    return result;
}

int64_t memfd_pread(struct memfd_core *core, uint64_t handle, const struct client_buffer *buffer,
                    uint64_t length, int64_t offset)
{
    struct file_description *ofd = file_table_find(&core->files, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    if (offset < 0)
        return -LINUX_EINVAL;
    return read_at(ofd, buffer, length, (uint64_t)offset);
}

int64_t memfd_pwrite(struct memfd_core *core, uint64_t handle,
                     const struct client_buffer *buffer, uint64_t length, int64_t offset)
{
    struct file_description *ofd = file_table_find(&core->files, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    if (offset < 0)
        return -LINUX_EINVAL;
    /* O_APPEND writes at the end even through pwrite, as on Linux. */
    uint64_t at = (ofd->flags & LINUX_O_APPEND) ? memfd_of(ofd)->data.size : (uint64_t)offset;
    return write_at(core, ofd, buffer, length, at);
}

int64_t memfd_seek(struct memfd_core *core, uint64_t handle, int64_t offset, uint64_t whence)
{
    struct file_description *ofd = file_table_find(&core->files, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    int64_t base;
    switch (whence) {
    case LINUX_SEEK_SET: base = 0; break;
    case LINUX_SEEK_CUR: base = (int64_t)ofd->position; break;
    case LINUX_SEEK_END: base = (int64_t)memfd_of(ofd)->data.size; break;
    default: return -LINUX_EINVAL;
    }
    int64_t position;
    if (__builtin_add_overflow(base, offset, &position) || position < 0)
        return -LINUX_EINVAL;
    ofd->position = (uint64_t)position;
    return position;
}

int memfd_stat(struct memfd_core *core, uint64_t handle, struct linux_stat *stat)
{
    struct file_description *ofd = file_table_find(&core->files, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    const struct memfd *memfd = memfd_of(ofd);
    *stat = (struct linux_stat){
        .st_dev = MEMFD_DEVICE,
        .st_ino = memfd->inode,
        .st_mode = memfd->mode,
        .st_nlink = 0,              /* no name links to it */
        .st_uid = memfd->uid,
        .st_gid = memfd->gid,
        .st_size = (int64_t)memfd->data.size,
        .st_blksize = (int32_t)memfd->block_size,
        .st_blocks = (int64_t)memfd->data.tree.page_count * (PAGE_SIZE / 512),
        .st_atime_sec = memfd->modify_time.seconds,
        .st_atime_nsec = memfd->modify_time.nanoseconds,
        .st_mtime_sec = memfd->modify_time.seconds,
        .st_mtime_nsec = memfd->modify_time.nanoseconds,
        .st_ctime_sec = memfd->change_time.seconds,
        .st_ctime_nsec = memfd->change_time.nanoseconds,
    };
    return 0;
}

int memfd_truncate(struct memfd_core *core, uint64_t handle, int64_t length)
{
    struct file_description *ofd = file_table_find(&core->files, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    struct memfd *memfd = memfd_of(ofd);
    if (length < 0 || !writable(ofd))
        return -LINUX_EINVAL;
    if ((uint64_t)length > PAGE_TREE_MAX_SIZE)
        return -LINUX_EFBIG;
    uint64_t size = (uint64_t)length;
    if (huge(memfd) && size % memfd->block_size != 0)
        return -LINUX_EINVAL;
    if ((size < memfd->data.size && (memfd->seals & FILE_SEAL_SHRINK)) ||
        (size > memfd->data.size && (memfd->seals & FILE_SEAL_GROW)))
        return -LINUX_EPERM;
    if (size != memfd->data.size) {
        file_pages_resize(&memfd->data, &memfd->pages, size);
        touch(core, memfd);
    }
    return 0;
}

int64_t memfd_bytes_left(struct memfd_core *core, uint64_t handle)
{
    struct file_description *ofd = file_table_find(&core->files, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    uint64_t size = memfd_of(ofd)->data.size;
    uint64_t left = size > ofd->position ? size - ofd->position : 0;
    return left > INT32_MAX ? INT32_MAX : (int64_t)left;
}

/* ---- Seals ---- */

int64_t memfd_get_seals(struct memfd_core *core, uint64_t handle)
{
    struct file_description *ofd = file_table_find(&core->files, handle);
    return ofd != NULL ? (int64_t)memfd_of(ofd)->seals : -LINUX_EBADF;
}

int memfd_add_seals(struct memfd_core *core, uint64_t handle, uint64_t seals)
{
    struct file_description *ofd = file_table_find(&core->files, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    struct memfd *memfd = memfd_of(ofd);
    if (seals > UINT32_MAX)
        return -LINUX_EINVAL;
    if (!writable(ofd))
        return -LINUX_EPERM;
    if (seals & ~(uint64_t)FILE_SEALS_KNOWN)
        return -LINUX_EINVAL;
    if (memfd->seals & FILE_SEAL_SEAL)
        return -LINUX_EPERM;
    if ((seals & FILE_SEAL_WRITE) && memfd->mappings_that_may_write > 0)
        return -LINUX_EBUSY;
    memfd->seals |= (uint32_t)seals;
    return 0;
}

/* ---- Lending pages ---- */

int memfd_map(struct memfd_core *core, uint64_t handle, uint32_t prot, bool shared,
              uint64_t *identity, uint64_t *mapping)
{
    struct file_description *ofd = file_table_find(&core->files, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    struct memfd *memfd = memfd_of(ofd);
    if (shared && (prot & LINUX_PROT_WRITE) && !writable(ofd))
        return -LINUX_EACCES;
    if (!readable(ofd))
        return -LINUX_EACCES;
    /* Debian sets no huge pages aside (vm.nr_hugepages is 0): Linux
     * fails the reservation a mapping makes. */
    if (huge(memfd))
        return -LINUX_ENOMEM;
    bool sealed = memfd->seals & SEALS_AGAINST_WRITING;
    if (shared && (prot & LINUX_PROT_WRITE) && sealed)
        return -LINUX_EPERM;
    *identity = (uint64_t)MEMFD_DEVICE << 32 | memfd->inode;
    /* A shared mapping of a writable OFD may write, now or after
     * mprotect, unless a seal forbade it when it was made. */
    if (!shared || !writable(ofd) || sealed)
        return 0;
    void *marked = (void *)((uintptr_t)memfd | MAPPING_MARK);
    int error = file_table_open(&core->files, marked, OFD_FLAGS, mapping);
    if (error != 0)
        return error;
    memfd->descriptions++;
    memfd->mappings_that_may_write++;
    return MEMORY_MAP_WRITABLE | MEMORY_MAP_DESCRIPTOR;
}

int memfd_map_page(struct memfd_core *core, uint64_t handle, uint64_t offset, unsigned access,
                   void **page)
{
    bool write = access & MEMORY_PAGE_WRITE;
    struct file_description *ofd = file_table_find(&core->files, handle);
    if (ofd == NULL)
        return -LINUX_EBADF;
    struct memfd *memfd = memfd_of(ofd);
    if (offset % PAGE_SIZE != 0)
        return -LINUX_EINVAL;
    if (write && !writable(ofd))
        return -LINUX_EACCES;
    if (write && (memfd->seals & FILE_SEAL_WRITE))
        return -LINUX_EPERM;
    if (offset >= memfd->data.size)
        return -LINUX_ENXIO;
    if (access & MEMORY_PAGE_EXISTING) {
        *page = page_tree_find(&memfd->data.tree, offset / PAGE_SIZE);
        return *page != NULL ? 0 : -LINUX_ENOENT;
    }
    core->user_refused = false;
    *page = page_tree_get(&memfd->data.tree, &memfd->pages, offset / PAGE_SIZE);
    if (*page == NULL)
        return core->user_refused ? -LINUX_ENOMEM : -LINUX_ENOSPC;
    return 0;
}
