/* The OFD table: see ofd.h. */
#include "ofd.h"
#include "sys/runtime.h"

_Static_assert(sizeof(struct vfs_ofd) * VFS_OFDS_PER_PAGE == VFS_PAGE_SIZE,
               "OFD slots fill their pages exactly");
_Static_assert(VFS_MAX_OFDS <= (1u << VFS_HANDLE_INDEX_BITS), "slot indices fit in a handle");

static struct vfs_ofd *slot(const struct vfs *vfs, uint32_t index)
{
    return &vfs->ofd_pages[index / VFS_OFDS_PER_PAGE][index % VFS_OFDS_PER_PAGE];
}

/* Makes a page of new slots and puts them on the free list. */
static int add_slots(struct vfs *vfs)
{
    if (vfs->ofd_slots_made == VFS_MAX_OFDS)
        return -LINUX_ENFILE;
    struct vfs_ofd *page = vfs->services.allocate_page(vfs->services.context);
    if (page == NULL)
        return -LINUX_ENOMEM;
    memset(page, 0, VFS_PAGE_SIZE);
    uint32_t first = vfs->ofd_slots_made;
    vfs->ofd_pages[first / VFS_OFDS_PER_PAGE] = page;
    for (uint32_t i = VFS_OFDS_PER_PAGE; i-- > 0;) {
        page[i].next_free = vfs->ofd_free_head;
        vfs->ofd_free_head = first + i + 1;
    }
    vfs->ofd_slots_made += VFS_OFDS_PER_PAGE;
    return 0;
}

int ofd_create(struct vfs *vfs, struct vfs_node *node, uint32_t flags, uint64_t *handle)
{
    if (vfs->ofd_free_head == 0) {
        int error = add_slots(vfs);
        if (error != 0)
            return error;
    }
    uint32_t index = vfs->ofd_free_head - 1;
    struct vfs_ofd *ofd = slot(vfs, index);
    vfs->ofd_free_head = ofd->next_free;
    /* Generation 0 never appears, so no handle is 0 (VFS_ROOT_DIRECTORY). */
    uint32_t generation = ofd->generation + 1 == 0 ? 1 : ofd->generation + 1;
    *ofd = (struct vfs_ofd){.node = node, .flags = flags, .references = 1,
                            .generation = generation};
    node->open_count++;
    *handle = (uint64_t)generation << VFS_HANDLE_INDEX_BITS | index;
    return 0;
}

struct vfs_ofd *ofd_find(const struct vfs *vfs, uint64_t handle)
{
    uint64_t index = handle & ((1u << VFS_HANDLE_INDEX_BITS) - 1);
    uint64_t generation = handle >> VFS_HANDLE_INDEX_BITS;
    if (index >= vfs->ofd_slots_made || generation > UINT32_MAX)
        return NULL;
    struct vfs_ofd *ofd = slot(vfs, (uint32_t)index);
    if (ofd->node == NULL || ofd->generation != generation)
        return NULL;
    return ofd;
}

void ofd_release(struct vfs *vfs, uint64_t handle)
{
    uint32_t index = (uint32_t)(handle & ((1u << VFS_HANDLE_INDEX_BITS) - 1));
    struct vfs_ofd *ofd = slot(vfs, index);
    if (--ofd->references > 0)
        return;
    struct vfs_node *node = ofd->node;
    ofd->node = NULL;
    ofd->next_free = vfs->ofd_free_head;
    vfs->ofd_free_head = index + 1;
    node->open_count--;
    node_release(vfs, node);
}
