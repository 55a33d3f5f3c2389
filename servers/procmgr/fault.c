/* What a page fault needs: fault.h. */
#include "fault.h"
#include "sys/linux_abi.h"
#include "sys/linux_userfault.h"

#define USERFAULT_MODE_MISSING LINUX_UFFDIO_REGISTER_MODE_MISSING
#define USERFAULT_MODE_MINOR LINUX_UFFDIO_REGISTER_MODE_MINOR

static bool allows(const struct region *region, bool write)
{
    unsigned needed = write ? LINUX_PROT_WRITE : LINUX_PROT_READ | LINUX_PROT_EXEC;
    return (region->prot & needed) != 0;
}

enum fault_action fault_decide(const struct region *region, struct fault_page page, bool write,
                               bool ignore_protection)
{
    if (region == 0)
        return FAULT_SEGV_MAPERR;
    if (!ignore_protection && !allows(region, write))
        return FAULT_SEGV_ACCERR;
    bool private_file = region->kind != REGION_SHARED && region->object != 0;
    if (!page.present && !ignore_protection && !page.in_object &&
        (region->userfault_modes & USERFAULT_MODE_MISSING))
        return FAULT_USERFAULT_MISSING;
    if (!page.present && page.in_object && !ignore_protection && region->object != 0 &&
        (region->userfault_modes & USERFAULT_MODE_MINOR))
        return FAULT_USERFAULT_MINOR;
    if (!page.present) {
        if (region->kind == REGION_SHARED)
            return FAULT_OBJECT_PAGE;
        if (private_file)
            return write ? FAULT_COPY_OBJECT_PAGE : FAULT_OBJECT_PAGE;
        return FAULT_NEW_PAGE;
    }
    if (write && page.copy_on_write)
        return FAULT_COPY_ON_WRITE;
    if (!page.mapped)
        return FAULT_MAP_PRESENT;
    /* Mapped, and yet it faulted: a write to an object page mapped
     * without write (a private mapping's, to copy; a shared one's lent
     * read-only before PROT_WRITE came), or a real violation. */
    if (!write || !page.from_object || page.writable)
        return FAULT_SEGV_ACCERR;
    return private_file ? FAULT_COPY_OBJECT_PAGE : FAULT_OBJECT_PAGE;
}

bool fault_wants_writable(const struct region *region, bool write)
{
    if (region->kind != REGION_SHARED)
        return false;
    return write || ((region->prot & LINUX_PROT_WRITE) && !region->write_forbidden);
}

bool fault_mapped_for(const struct region *region, struct fault_page page, bool write,
                      bool execute)
{
    if (!region || !page.present || !page.mapped || region->prot == LINUX_PROT_NONE)
        return false;
    if (execute)
        return (region->prot & LINUX_PROT_EXEC) != 0;
    if (!write)
        return true;        /* every mapping may be read (memory_rights_for) */
    /* Mapped with write: the region's, but never a frame shared
     * copy-on-write or an object's lent read-only (rights_for_page). */
    return (region->prot & LINUX_PROT_WRITE) && !page.copy_on_write
        && (!page.from_object || page.writable);
}
