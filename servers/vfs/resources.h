/*
 * What vfs owns as a native program: the empty slots of its CSpace and
 * its untyped memory (struct tern_boot_info), handed out in order and
 * never given back (vfs lives as long as the system).
 */
#ifndef SERVERS_VFS_RESOURCES_H
#define SERVERS_VFS_RESOURCES_H

#include <stdbool.h>
#include <stdint.h>
#include "tern/boot_info.h"
#include "tern/objects.h"

struct resources {
    const struct tern_boot_info *boot_info;
    uint64_t next_slot;
    /* Untypeds before this one have no room left even for a page. */
    uint64_t first_untyped_with_room;
};

void resources_init(struct resources *resources, const struct tern_boot_info *boot_info);
/* An empty slot of vfs's CNode (slot n is cptr n); false when none is left. */
bool resources_take_slot(struct resources *resources, uint64_t *slot);
/* Makes one object of a fixed-size type in a new slot, from the first
 * untyped that has room for it; false when none has. */
bool resources_retype(struct resources *resources, enum tern_object_type type, uint64_t *slot);

#endif
