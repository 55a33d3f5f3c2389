/* File data pages in a radix tree of index pages: see file_data.h. */
#include "file_data.h"
#include "sys/runtime.h"

#define ENTRIES_PER_INDEX (VFS_PAGE_SIZE / sizeof(void *))
#define ENTRY_BITS 9
#define MAX_HEIGHT 4

_Static_assert(ENTRIES_PER_INDEX == (1u << ENTRY_BITS), "an index page holds 512 entries");
_Static_assert(VFS_MAX_FILE_SIZE == (uint64_t)VFS_PAGE_SIZE << (ENTRY_BITS * (MAX_HEIGHT - 1)),
               "the tallest tree reaches VFS_MAX_FILE_SIZE");

/* How many data pages a tree of this height reaches. */
static uint64_t pages_reached(unsigned height)
{
    return height == 0 ? 0 : 1ULL << (ENTRY_BITS * (height - 1));
}

/* Which entry of an index page at `level` (2 and up) leads to the page. */
static unsigned entry_index(uint64_t page_index, unsigned level)
{
    return (page_index >> (ENTRY_BITS * (level - 2))) & (ENTRIES_PER_INDEX - 1);
}

static void *allocate_zeroed_page(struct vfs *vfs)
{
    void *page = vfs->services.allocate_page(vfs->services.context);
    if (page != NULL)
        memset(page, 0, VFS_PAGE_SIZE);
    return page;
}

void *file_data_find(const struct file_data *data, uint64_t page_index)
{
    if (page_index >= pages_reached(data->height))
        return NULL;
    void *page = data->root;
    for (unsigned level = data->height; level > 1 && page != NULL; level--)
        page = ((void **)page)[entry_index(page_index, level)];
    return page;
}

/* Makes the tree tall enough to reach page_index. */
static bool grow(struct vfs *vfs, struct file_data *data, uint64_t page_index)
{
    while (page_index >= pages_reached(data->height)) {
        if (data->height == MAX_HEIGHT)
            return false;
        if (data->root != NULL) {
            void **index = allocate_zeroed_page(vfs);
            if (index == NULL)
                return false;
            index[0] = data->root;
            data->root = index;
        }
        data->height++;
    }
    return true;
}

void *file_data_get(struct vfs *vfs, struct file_data *data, uint64_t page_index)
{
    if (!grow(vfs, data, page_index))
        return NULL;
    void **slot = &data->root;
    for (unsigned level = data->height; level > 1; level--) {
        if (*slot == NULL && (*slot = allocate_zeroed_page(vfs)) == NULL)
            return NULL;
        slot = &((void **)*slot)[entry_index(page_index, level)];
    }
    if (*slot == NULL) {
        if ((*slot = allocate_zeroed_page(vfs)) == NULL)
            return NULL;
        data->page_count++;
    }
    return *slot;
}

/* Frees what `page` (at `level`, reaching pages from `first`) holds from
 * first_dropped on; returns whether the page itself went too. */
static bool drop_from(struct vfs *vfs, struct file_data *data, void *page, unsigned level,
                      uint64_t first, uint64_t first_dropped)
{
    if (level > 1) {
        void **entries = page;
        uint64_t span = pages_reached(level - 1);
        for (unsigned i = 0; i < ENTRIES_PER_INDEX; i++) {
            uint64_t child_first = first + i * span;
            if (entries[i] != NULL && child_first + span > first_dropped &&
                drop_from(vfs, data, entries[i], level - 1, child_first, first_dropped))
                entries[i] = NULL;
        }
    }
    if (first < first_dropped)
        return false;
    if (level == 1)
        data->page_count--;
    vfs->services.free_page(vfs->services.context, page);
    return true;
}

void file_data_truncate(struct vfs *vfs, struct file_data *data, uint64_t first_dropped)
{
    if (data->root != NULL &&
        drop_from(vfs, data, data->root, data->height, 0, first_dropped)) {
        data->root = NULL;
    }
    if (data->root == NULL) {
        data->height = 0;
        return;
    }
    /* Lower the tree while only the first entry of its root can be used. */
    while (data->height > 1 && first_dropped <= pages_reached(data->height - 1)) {
        void **index = data->root;
        data->root = index[0];
        vfs->services.free_page(vfs->services.context, index);
        data->height--;
        if (data->root == NULL) {
            data->height = 0;
            return;
        }
    }
}
