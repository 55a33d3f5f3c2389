/*
 * Capability addressing: how a capability address (cptr) and a depth name a
 * slot in a CSpace, a tree of CNodes (seL4's resolveAddressBits).
 *
 * The address is read from its most significant bit (bit depth - 1)
 * downwards. At each CNode the lookup first consumes the CNode
 * capability's guard (word2 bits that must equal its word), then radix
 * (size_bits) bits that index a slot. If bits are left and that slot holds
 * a CNode capability, the lookup continues in that CNode.
 *
 * Two ways to end:
 *   - cspace_lookup_slot (CNode invocations, IPC receive slots) names a slot
 *     exactly: the bits must run out right after a radix, else the address
 *     is a depth mismatch (TERN_FAILED_LOOKUP).
 *   - cspace_lookup_cap (a thread naming a capability with a full 64-bit
 *     address) stops at the first slot that does not hold a CNode
 *     capability, ignoring any bits left, as seL4's lookupCap does. A CNode
 *     capability is reached only when its radix consumes the last bit.
 */
#include "object/objects.h"

#define ADDRESS_BITS 64

/* The width bits of value starting at bit shift (width 0..64, shift + width
 * <= 64). */
static uint64_t address_bits(uint64_t value, unsigned shift, unsigned width)
{
    if (width == 0)
        return 0;
    value >>= shift;
    return width >= ADDRESS_BITS ? value : value & ((1ULL << width) - 1);
}

/*
 * Resolve the low `bits` bits of cptr from the CNode capability node until
 * they run out or reach a slot that holds no CNode capability. Returns that
 * slot and the bits left unresolved, or 0 with *error set when a guard does
 * not match or a level needs more bits than are left.
 */
static struct cte *resolve_address_bits(const struct cap *node, uint64_t cptr, unsigned bits,
                                        unsigned *bits_left, enum tern_error *error)
{
    for (;;) {
        if (node->type != CAP_CNODE) {
            *error = TERN_FAILED_LOOKUP;
            return 0;
        }
        uint64_t guard_bits = node->word2;
        unsigned radix_bits = node->size_bits;
        /* A level must consume at least one bit, so the loop ends. */
        if (guard_bits > bits || guard_bits + radix_bits > bits ||
            guard_bits + radix_bits == 0) {
            *error = TERN_FAILED_LOOKUP;
            return 0;
        }
        unsigned level_bits = (unsigned)guard_bits + radix_bits;
        if (address_bits(cptr, bits - (unsigned)guard_bits, (unsigned)guard_bits) != node->word) {
            *error = TERN_FAILED_LOOKUP;
            return 0;
        }
        uint64_t index = address_bits(cptr, bits - level_bits, radix_bits);
        struct cte *slot = (struct cte *)node->object + index;
        bits -= level_bits;
        if (bits == 0 || slot->cap.type != CAP_CNODE) {
            *bits_left = bits;
            return slot;
        }
        node = &slot->cap;
    }
}

struct cte *cspace_lookup_slot(const struct cap *root, uint64_t cptr, unsigned depth,
                               enum tern_error *error)
{
    if (depth == 0 || depth > ADDRESS_BITS) {
        *error = TERN_RANGE_ERROR;
        return 0;
    }
    unsigned bits_left;
    struct cte *slot = resolve_address_bits(root, cptr, depth, &bits_left, error);
    if (slot && bits_left != 0) {
        /* The address ends inside a level below a non-CNode slot. */
        *error = TERN_FAILED_LOOKUP;
        return 0;
    }
    return slot;
}

struct cte *cspace_lookup_cap(struct tcb *thread, uint64_t cptr, enum tern_error *error)
{
    unsigned bits_left;
    struct cte *slot = resolve_address_bits(&thread->cspace_root.cap, cptr, ADDRESS_BITS,
                                            &bits_left, error);
    if (slot && slot->cap.type == CAP_NULL) {
        *error = TERN_FAILED_LOOKUP;
        return 0;
    }
    return slot;
}
