/* Slots and untyped memory: see resources.h. */
#include "resources.h"
#include "sys/invoke.h"

#define ROOT_CNODE_DEPTH 64
#define PAGE_BITS 12
#define LARGE_PAGE_BITS 21

void resources_init(struct resources *resources, const struct tern_boot_info *boot_info)
{
    resources->boot_info = boot_info;
    resources->next_slot = boot_info->empty_first;
    resources->first_untyped_with_room = 0;
}

bool resources_take_slot(struct resources *resources, uint64_t *slot)
{
    if (resources->next_slot >= resources->boot_info->empty_last)
        return false;
    *slot = resources->next_slot++;
    return true;
}

/* log2 of the object's size, for skipping untypeds too small for it. */
static unsigned object_bits(enum tern_object_type type)
{
    return type == TERN_OBJECT_FRAME_2M ? LARGE_PAGE_BITS : PAGE_BITS;
}

/* Tries to make the object from untyped i; false if it has no room. */
static bool retype_from(struct resources *resources, uint64_t i, enum tern_object_type type,
                        uint64_t destination, enum tern_error *error)
{
    const struct tern_untyped_description *untyped = &resources->boot_info->untyped[i];
    if (untyped->is_device || untyped->size_bits < object_bits(type)) {
        *error = TERN_NOT_ENOUGH_MEMORY;
        return false;
    }
    *error = tern_untyped_retype(resources->boot_info->untyped_first + i, type, 0,
                                 TERN_SLOT_CNODE, destination, ROOT_CNODE_DEPTH, 1);
    return *error == TERN_OK;
}

bool resources_retype(struct resources *resources, enum tern_object_type type, uint64_t *slot)
{
    const struct tern_boot_info *boot_info = resources->boot_info;
    if (resources->next_slot >= boot_info->empty_last)
        return false;
    uint64_t destination = resources->next_slot;
    /* Small objects come from untypeds too small for 2 MiB frames first:
     * placed in a large one they would push its next 2 MiB frame up to
     * the following 2 MiB boundary and waste the gap. */
    for (int pass = type == TERN_OBJECT_FRAME_2M ? 1 : 0; pass < 2; pass++) {
        for (uint64_t i = resources->first_untyped_with_room; i < boot_info->untyped_count; i++) {
            if (pass == 0 && boot_info->untyped[i].size_bits >= LARGE_PAGE_BITS)
                continue;
            enum tern_error error;
            if (retype_from(resources, i, type, destination, &error)) {
                resources->next_slot++;
                *slot = destination;
                return true;
            }
            if (error != TERN_NOT_ENOUGH_MEMORY)
                return false;
            /* Not even a page fits (or it is device memory): this untyped
             * is done for every later request. */
            if (object_bits(type) == PAGE_BITS && i == resources->first_untyped_with_room)
                resources->first_untyped_with_room++;
        }
    }
    return false;
}
