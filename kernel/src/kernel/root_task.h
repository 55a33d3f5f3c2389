/* Starting the root task from the boot archive. */
#ifndef KERNEL_ROOT_TASK_H
#define KERNEL_ROOT_TASK_H

#include <stdbool.h>
#include "kernel/board.h"
#include "kernel/physical_memory.h"

/* Build the root task from the ELF file "init" in the boot archive (the
 * initrd): its CNode, VSpace, TCB, image, stack, IPC buffer and boot info,
 * and untyped capabilities for all remaining free memory. The thread is
 * made runnable on the boot core. Returns false, saying why, if there is
 * no boot archive or no usable "init" in it. */
bool root_task_create(const struct board_facts *facts, struct free_memory *free_memory);

#endif
