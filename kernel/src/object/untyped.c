/*
 * Untyped memory and Retype.
 *
 * An untyped capability names 2^size_bits bytes at a physical address
 * (object) and keeps a watermark (word): the bytes at its start already
 * handed out. Retype places count objects of one type at the watermark
 * rounded up to the object size, and inserts their capabilities, with all
 * rights, as children of the untyped's slot.
 *
 * How memory comes back: every capability to an object made from an
 * untyped stays below the untyped's slot in the derivation tree (deleting a
 * capability hands its children up to its parent), and an object is
 * destroyed with its last capability. So when the untyped's slot has no
 * children, nothing made from it is alive, and Retype starts again from a
 * watermark of 0. A copied untyped is marked full (cnode.c), so only the
 * copy allocates until the copy and everything made from it are gone.
 *
 * New objects in normal memory are zeroed, except untyped ones (whatever
 * is later made from them is zeroed then). Device memory is never touched:
 * a device untyped makes only frames and smaller device untypeds.
 *
 * Untyped and frame capabilities hold physical addresses; the others the
 * object's address in the kernel's linear map.
 */
#include "arch/mmu.h"
#include "arch/cache.h"
#include "lib/string.h"
#include "object/objects.h"

#define UNTYPED_MIN_BITS        4
#define UNTYPED_MAX_BITS        47
#define CNODE_MAX_RADIX         20      /* 2^20 slots: 64 MiB to zero */
#define RETYPE_MAX_COUNT        256
#define ADDRESS_BITS            64

_Static_assert(sizeof(struct tcb) <= (1u << TCB_SIZE_BITS), "TCB object size");
_Static_assert(sizeof(struct endpoint) <= (1u << ENDPOINT_SIZE_BITS), "endpoint object size");
_Static_assert(sizeof(struct notification) <= (1u << NOTIFICATION_SIZE_BITS),
               "notification object size");
_Static_assert(sizeof(struct reply) <= (1u << REPLY_SIZE_BITS), "reply object size");
_Static_assert(VSPACE_SIZE_BITS == PAGE_SHIFT + 1 && sizeof(struct vspace) <= PAGE_SIZE,
               "a VSpace object is its L1 table page, then struct vspace");

int object_size_bits(enum tern_object_type type, unsigned size_bits)
{
    switch (type) {
    case TERN_OBJECT_UNTYPED:
        if (size_bits < UNTYPED_MIN_BITS || size_bits > UNTYPED_MAX_BITS)
            return -1;
        return (int)size_bits;
    case TERN_OBJECT_CNODE:
        if (size_bits < 1 || size_bits > CNODE_MAX_RADIX)
            return -1;
        return (int)size_bits + CTE_SIZE_BITS;
    case TERN_OBJECT_TCB:               return TCB_SIZE_BITS;
    case TERN_OBJECT_ENDPOINT:          return ENDPOINT_SIZE_BITS;
    case TERN_OBJECT_NOTIFICATION:      return NOTIFICATION_SIZE_BITS;
    case TERN_OBJECT_REPLY:             return REPLY_SIZE_BITS;
    case TERN_OBJECT_FRAME_4K:          return PAGE_SHIFT;
    case TERN_OBJECT_FRAME_2M:          return BLOCK_SHIFT;
    case TERN_OBJECT_PAGE_TABLE:        return PAGE_SHIFT;
    case TERN_OBJECT_PAGE_DIRECTORY:    return PAGE_SHIFT;
    case TERN_OBJECT_VSPACE:            return VSPACE_SIZE_BITS;
    default:                            return -1;
    }
}

static bool allowed_in_device_memory(enum tern_object_type type)
{
    return type == TERN_OBJECT_UNTYPED || type == TERN_OBJECT_FRAME_4K ||
           type == TERN_OBJECT_FRAME_2M;
}

static enum cap_type cap_type_of(enum tern_object_type type)
{
    switch (type) {
    case TERN_OBJECT_UNTYPED:           return CAP_UNTYPED;
    case TERN_OBJECT_TCB:               return CAP_TCB;
    case TERN_OBJECT_ENDPOINT:          return CAP_ENDPOINT;
    case TERN_OBJECT_NOTIFICATION:      return CAP_NOTIFICATION;
    case TERN_OBJECT_CNODE:             return CAP_CNODE;
    case TERN_OBJECT_REPLY:             return CAP_REPLY;
    case TERN_OBJECT_FRAME_4K:
    case TERN_OBJECT_FRAME_2M:          return CAP_FRAME;
    case TERN_OBJECT_PAGE_TABLE:        return CAP_PAGE_TABLE;
    case TERN_OBJECT_PAGE_DIRECTORY:    return CAP_PAGE_DIRECTORY;
    default:                            return CAP_VSPACE;
    }
}

/*
 * The `count` destination slots: consecutive slots of one CNode, the first
 * named by (index, depth) under root. Returns the first, or 0 with *error:
 * the first slot's lookup error, or TERN_RANGE_ERROR if the range leaves
 * the CNode (a later index fails to resolve, or resolves elsewhere).
 */
static struct cte *lookup_destination(const struct cap *root, uint64_t index, uint64_t depth,
                                      uint64_t count, enum tern_error *error)
{
    /* depth comes from user mode: out of range stays out of range. */
    unsigned lookup_depth = depth > ADDRESS_BITS ? ADDRESS_BITS + 1 : (unsigned)depth;
    struct cte *first = cspace_lookup_slot(root, index, lookup_depth, error);
    if (!first)
        return 0;
    for (uint64_t i = 1; i < count; i++) {
        enum tern_error ignored;
        struct cte *slot = cspace_lookup_slot(root, index + i, lookup_depth, &ignored);
        if ((uintptr_t)slot != (uintptr_t)first + i * sizeof(struct cte)) {
            *error = TERN_RANGE_ERROR;
            return 0;
        }
    }
    return first;
}

/* A new object's memory, zeroed: by cache blocks where it can be (RAM
 * objects are aligned to their size), else by stores. */
static void zero(void *memory, uint64_t length)
{
    if (!zero_by_blocks(memory, length))
        memset(memory, 0, length);
}

/* The kernel state of a new object, in its zeroed memory (physical for
 * untyped and frames, else the linear map) and its capability. */
static struct cap make_object(enum tern_object_type type, uint64_t physical,
                              unsigned object_bits, unsigned requested_bits, bool device)
{
    struct cap cap = { .type = cap_type_of(type), .rights = TERN_RIGHTS_ALL,
                       .size_bits = object_bits, .object = physical };
    if (type == TERN_OBJECT_UNTYPED || type == TERN_OBJECT_FRAME_4K ||
        type == TERN_OBJECT_FRAME_2M) {
        cap.flags = device ? CAP_FLAG_DEVICE : 0;
        if (!device && type != TERN_OBJECT_UNTYPED)
            zero(phys_to_virt(physical), 1ULL << object_bits);
        return cap;
    }
    void *object = phys_to_virt(physical);
    zero(object, 1ULL << object_bits);
    cap.object = (uint64_t)object;
    if (type == TERN_OBJECT_CNODE) {
        cap.size_bits = requested_bits;     /* the radix; guard 0 */
    } else if (type == TERN_OBJECT_TCB) {
        struct tcb *tcb = object;
        tcb->state = THREAD_INACTIVE;
        tcb->priority = 0;
        tcb->cpu = 0;
        tcb->follow_cores = ~0ULL;      /* a server follows its callers anywhere */
    } else if (type == TERN_OBJECT_VSPACE) {
        vspace_init_object(vspace_of_cap(&cap));
    }
    return cap;
}

/* Retype: type, size_bits, dest_index, dest_depth, count; extra_caps[0] =
 * the CNode the destination slots are looked up in. */
enum tern_error untyped_decode(struct invocation *inv)
{
    if (inv->label != TERN_UNTYPED_RETYPE)
        return TERN_ILLEGAL_OPERATION;
    if (inv->length < 5 || inv->extra_cap_count < 1)
        return TERN_TRUNCATED_MESSAGE;
    uint64_t type = inv->args[0], requested_bits = inv->args[1], count = inv->args[4];
    struct cte *untyped_slot = inv->slot;
    struct cap *untyped = &untyped_slot->cap;
    bool device = untyped->flags & CAP_FLAG_DEVICE;

    if (type >= TERN_OBJECT_TYPE_COUNT)
        return TERN_INVALID_ARGUMENT;
    /* Fixed-size types ignore size_bits; 64 is invalid for the others. */
    unsigned size_bits = requested_bits < ADDRESS_BITS ? (unsigned)requested_bits : ADDRESS_BITS;
    int object_bits = object_size_bits((enum tern_object_type)type, size_bits);
    if (object_bits < 0)
        return TERN_RANGE_ERROR;
    if (device && !allowed_in_device_memory((enum tern_object_type)type))
        return TERN_INVALID_ARGUMENT;
    if (count == 0 || count > RETYPE_MAX_COUNT)
        return TERN_RANGE_ERROR;

    const struct cap *destination_cnode = &inv->extra_caps[0]->cap;
    if (destination_cnode->type != CAP_CNODE)
        return TERN_INVALID_CAPABILITY;
    enum tern_error error;
    struct cte *destination = lookup_destination(destination_cnode, inv->args[2], inv->args[3],
                                                 count, &error);
    if (!destination)
        return error;
    for (uint64_t i = 0; i < count; i++)
        if (destination[i].cap.type != CAP_NULL)
            return TERN_DELETE_FIRST;

    uint64_t base = untyped->object;
    uint64_t size = 1ULL << untyped->size_bits;
    uint64_t used = cte_has_children(untyped_slot) ? untyped->word : 0;
    uint64_t object_size = 1ULL << object_bits;
    uint64_t start = (base + used + object_size - 1) & ~(object_size - 1);
    uint64_t offset = start - base;
    if (offset > size || count > (size - offset) >> object_bits)
        return TERN_NOT_ENOUGH_MEMORY;
    if (type == TERN_OBJECT_VSPACE && !vspace_asids_available((unsigned)count))
        return TERN_NOT_ENOUGH_MEMORY;

    /* Perform: nothing below can fail. */
    untyped->word = offset + (count << object_bits);
    for (uint64_t i = 0; i < count; i++) {
        struct cap cap = make_object((enum tern_object_type)type, start + i * object_size,
                                     (unsigned)object_bits, size_bits, device);
        cte_insert(untyped_slot, &destination[i], cap);
    }
    return TERN_OK;
}
