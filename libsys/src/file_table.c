/* The open file description table: sys/file_table.h. */
#include "sys/file_table.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"

_Static_assert(sizeof(struct file_description) * FILE_TABLE_PER_PAGE == FILE_TABLE_PAGE_SIZE,
               "OFD slots fill their pages exactly");
_Static_assert(FILE_TABLE_CAPACITY <= (1u << FILE_TABLE_INDEX_BITS),
               "slot indices fit in a handle");

#define INDEX_MASK ((1ULL << FILE_TABLE_INDEX_BITS) - 1)

void file_table_init(struct file_table *table, void *(*allocate_page)(void *context),
                     void *context)
{
    memset(table, 0, sizeof *table);
    table->allocate_page = allocate_page;
    table->context = context;
}

static struct file_description *slot(const struct file_table *table, uint32_t index)
{
    return &table->pages[index / FILE_TABLE_PER_PAGE][index % FILE_TABLE_PER_PAGE];
}

/* Makes a page of new slots and puts them on the free list. */
static int add_slots(struct file_table *table)
{
    if (table->slots_made == FILE_TABLE_CAPACITY)
        return -LINUX_ENFILE;
    struct file_description *page = table->allocate_page(table->context);
    if (page == NULL)
        return -LINUX_ENOMEM;
    memset(page, 0, FILE_TABLE_PAGE_SIZE);
    uint32_t first = table->slots_made;
    table->pages[first / FILE_TABLE_PER_PAGE] = page;
    for (uint32_t i = FILE_TABLE_PER_PAGE; i-- > 0;) {
        page[i].next_free = table->free_head;
        table->free_head = first + i + 1;
    }
    table->slots_made += FILE_TABLE_PER_PAGE;
    return 0;
}

int file_table_open(struct file_table *table, void *object, uint32_t flags, uint64_t *handle)
{
    if (table->free_head == 0) {
        int error = add_slots(table);
        if (error != 0)
            return error;
    }
    uint32_t index = table->free_head - 1;
    struct file_description *description = slot(table, index);
    table->free_head = description->next_free;
    /* Generation 0 never appears, so no handle is 0. */
    uint32_t generation = description->generation + 1 == 0 ? 1 : description->generation + 1;
    *description = (struct file_description){
        .object = object, .flags = flags, .references = 1, .generation = generation};
    *handle = (uint64_t)generation << FILE_TABLE_INDEX_BITS | index;
    return 0;
}

struct file_description *file_table_find(const struct file_table *table, uint64_t handle)
{
    uint64_t index = handle & INDEX_MASK;
    uint64_t generation = handle >> FILE_TABLE_INDEX_BITS;
    if (index >= table->slots_made || generation > UINT32_MAX)
        return NULL;
    struct file_description *description = slot(table, (uint32_t)index);
    if (description->object == NULL || description->generation != generation)
        return NULL;
    return description;
}

int file_table_retain(struct file_table *table, uint64_t handle)
{
    struct file_description *description = file_table_find(table, handle);
    if (description == NULL)
        return -LINUX_EBADF;
    if (description->references == UINT32_MAX)
        return -LINUX_ENFILE;
    description->references++;
    return 0;
}

int file_table_close(struct file_table *table, uint64_t handle, void **last_object)
{
    struct file_description *description = file_table_find(table, handle);
    *last_object = NULL;
    if (description == NULL)
        return -LINUX_EBADF;
    if (--description->references > 0)
        return 0;
    *last_object = description->object;
    description->object = NULL;
    description->next_free = table->free_head;
    table->free_head = (uint32_t)(handle & INDEX_MASK) + 1;
    if (table->description_ended)
        table->description_ended(table, handle, *last_object);
    return 0;
}

int64_t file_table_get_flags(const struct file_table *table, uint64_t handle)
{
    const struct file_description *description = file_table_find(table, handle);
    return description != NULL ? (int64_t)description->flags : -LINUX_EBADF;
}

int file_table_set_flags(struct file_table *table, uint64_t handle, uint64_t flags)
{
    struct file_description *description = file_table_find(table, handle);
    if (description == NULL || (description->flags & LINUX_O_PATH))
        return -LINUX_EBADF;
    description->flags = (description->flags & ~(uint32_t)FILE_TABLE_SETTABLE_FLAGS) |
                         (uint32_t)(flags & FILE_TABLE_SETTABLE_FLAGS);
    return 0;
}

bool file_table_names(const struct file_table *table, const void *object)
{
    for (uint32_t index = 0; index < table->slots_made; index++)
        if (slot(table, index)->object == object)
            return true;
    return false;
}

uint32_t file_table_pages(const struct file_table *table)
{
    return table->slots_made / FILE_TABLE_PER_PAGE;
}
