/*
 * The derivation tree and the CNode invocations.
 *
 * Every slot (struct cte) is a node of the derivation tree. A capability
 * made from another (Copy, Mint, Retype, a copy into a TCB slot or an IPC
 * transfer) is inserted as the FIRST child of the slot it came from; Move
 * keeps the node where it is; Delete replaces the node by its children, in
 * place, so nothing is left pointing at an empty slot. Capabilities made
 * from nothing (at boot) are roots: parent 0. Roots may have siblings
 * (children of a deleted root), linked like any sibling list.
 *
 * When is a capability the last one to its object?
 *   - Endpoints, notifications, replies, TCBs and VSpaces count their
 *     capabilities (cap_count): cte_insert adds one, deletion removes one,
 *     and at zero the object's destroy function runs.
 *   - CNodes have no room for a count (their object is exactly their
 *     slots), so, as seL4's isFinalCapability does, a CNode capability is
 *     the last one when none of its tree neighbours (parent, first child,
 *     previous and next sibling) is a capability to the same CNode. That
 *     is exact because two rules keep the capabilities to one CNode
 *     connected through those links:
 *       1. cte_insert(0, ...) makes only the first capability to an object;
 *          every further one is inserted as a child of an existing one;
 *       2. the children of a CNode capability are capabilities to that
 *          same CNode (only untyped and IRQ-control capabilities have
 *          children of other objects);
 *     together with inserting at the head of a child list (which breaks no
 *     sibling adjacency) and deletion splicing the children into the
 *     deleted node's place.
 *   - Frames, page tables and page directories need nothing at their end,
 *     but every deletion of a mapped one (word2 = its ASID, non-zero)
 *     removes its mapping: a mapping belongs to exactly one capability.
 *   - Untyped memory comes back to its parent untyped when the parent has
 *     no children left (see untyped.c).
 *
 * Emptying a dead CNode deletes the capabilities in it, which can be the
 * last capability to another CNode, and so on as deep as user memory
 * allows. To keep the kernel stack bounded, dead CNodes are queued and
 * emptied one after another by the outermost cte_delete instead of
 * recursively. The other destroy functions delete no capabilities except
 * tcb_destroy (the four TCB slots), so the recursion is at most
 * cte_delete -> tcb_destroy -> cte_delete.
 *
 * Capability data (Mint's badge, Mutate's badge argument):
 *   - endpoint, notification: the badge, only on an unbadged capability
 *     (badge 0); a badge, once set, cannot be changed;
 *   - CNode: the guard as in seL4: bits 0-5 guard size, bits 6-63 guard
 *     value, which must fit in the guard size; guard size plus radix must
 *     not exceed 64;
 *   - other types: ignored.
 *
 * Derivation (Copy, Mint): rights become the source's AND the mask. Reply
 * and IRQ-control capabilities cannot be copied (they can be moved).
 * Untyped capabilities can be copied while they have no children, and the
 * source is then marked full so that only the copy allocates (seL4's rule:
 * otherwise both would hand out the same memory). A derived frame or page
 * table capability is unmapped.
 */
#include "arch/timer.h"
#include "object/objects.h"

/* ---- Object lifetime ---- */

/* The capability count of a counted object, 0 for other types. */
static uint32_t *object_cap_count(const struct cap *cap)
{
    switch (cap->type) {
    case CAP_TCB:           return &((struct tcb *)cap->object)->cap_count;
    case CAP_ENDPOINT:      return &((struct endpoint *)cap->object)->cap_count;
    case CAP_NOTIFICATION:  return &((struct notification *)cap->object)->cap_count;
    case CAP_REPLY:         return &((struct reply *)cap->object)->cap_count;
    case CAP_VSPACE:        return &vspace_of_cap(cap)->cap_count;
    default:                return 0;
    }
}

static void destroy_object(const struct cap *cap)
{
    switch (cap->type) {
    case CAP_TCB:           tcb_destroy((struct tcb *)cap->object); break;
    case CAP_ENDPOINT:      endpoint_destroy((struct endpoint *)cap->object); break;
    case CAP_NOTIFICATION:  notification_destroy((struct notification *)cap->object); break;
    case CAP_REPLY:         reply_destroy((struct reply *)cap->object); break;
    case CAP_VSPACE:        vspace_destroy(vspace_of_cap(cap)); break;
    default:                break;
    }
}

static void count_reference(const struct cap *cap)
{
    uint32_t *count = object_cap_count(cap);
    if (count)
        ++*count;
}

/* Drop the reference of a capability already removed from its slot. */
static void release_reference(const struct cap *cap)
{
    uint32_t *count = object_cap_count(cap);
    if (count && --*count == 0)
        destroy_object(cap);
}

static bool maps_memory(const struct cap *cap)
{
    return (cap->type == CAP_FRAME || cap->type == CAP_PAGE_TABLE ||
            cap->type == CAP_PAGE_DIRECTORY) && cap->word2 != 0;
}

static bool same_object(const struct cap *a, const struct cap *b)
{
    return a->type == b->type && a->object == b->object;
}

/* Whether a tree neighbour of slot holds a capability to its object (see
 * the head of the file for why the neighbours are enough for CNodes). */
static bool has_neighbour_to_same_object(const struct cte *slot)
{
    const struct cte *neighbours[] = {
        slot->parent, slot->first_child, slot->previous_sibling, slot->next_sibling,
    };
    for (unsigned i = 0; i < sizeof(neighbours) / sizeof(neighbours[0]); i++)
        if (neighbours[i] && same_object(&neighbours[i]->cap, &slot->cap))
            return true;
    return false;
}

/* ---- Tree links ---- */

static void link_as_first_child(struct cte *parent, struct cte *child)
{
    child->parent = parent;
    child->first_child = 0;
    child->previous_sibling = 0;
    child->next_sibling = parent ? parent->first_child : 0;
    if (child->next_sibling)
        child->next_sibling->previous_sibling = child;
    if (parent)
        parent->first_child = child;
}

/* Take slot out of the tree: its children, in order, take its place among
 * its siblings and become its parent's children. O(children). */
static void replace_by_children(struct cte *slot)
{
    struct cte *previous = slot->previous_sibling;
    struct cte *next = slot->next_sibling;
    struct cte *first = slot->first_child;
    struct cte *last = first;
    for (struct cte *child = first; child; child = child->next_sibling) {
        child->parent = slot->parent;
        last = child;
    }
    /* What follows previous and what precedes next from now on. */
    struct cte *after_previous = first ? first : next;
    struct cte *before_next = first ? last : previous;
    if (first) {
        first->previous_sibling = previous;
        last->next_sibling = next;
    }
    if (previous)
        previous->next_sibling = after_previous;
    else if (slot->parent)
        slot->parent->first_child = after_previous;
    if (next)
        next->previous_sibling = before_next;
}

/* ---- Deletion ---- */

/*
 * Dead CNodes waiting to be emptied (see the head of the file). A waiting
 * CNode is recorded in its own slot 0, which looks empty: cap.size_bits
 * holds the CNode's radix and next_sibling the next waiting CNode's slot 0.
 */
static struct cte *cnodes_to_empty;
/* cte_delete calls in progress: only the outermost empties the queue. */
static unsigned delete_depth;

/*
 * The last capability to a CNode has just been taken out of freed_slot.
 * Queue the CNode, recording it in its slot 0; if slot 0 holds a
 * capability, it moves to freed_slot first, for the caller to delete.
 */
static void queue_cnode_for_emptying(struct cte *freed_slot, const struct cap *cnode_cap)
{
    struct cte *slot0 = (struct cte *)cnode_cap->object;
    if (slot0->cap.type != CAP_NULL)
        cte_move(slot0, freed_slot);
    slot0->cap.size_bits = cnode_cap->size_bits;
    slot0->next_sibling = cnodes_to_empty;
    cnodes_to_empty = slot0;
}

static void empty_queued_cnodes(void)
{
    while (cnodes_to_empty) {
        struct cte *slots = cnodes_to_empty;
        unsigned radix = slots->cap.size_bits;
        cnodes_to_empty = slots->next_sibling;
        *slots = (struct cte){ 0 };
        cnode_destroy(slots, radix);
    }
}

/* Delete the capability in slot and whatever a dead CNode's slot 0 hands
 * back into it, until slot is empty. */
static void empty_slot(struct cte *slot)
{
    while (slot->cap.type != CAP_NULL) {
        if (maps_memory(&slot->cap))
            mapping_cap_unmap(&slot->cap);
        struct cap cap = slot->cap;
        bool last_cnode_cap = cap.type == CAP_CNODE && !has_neighbour_to_same_object(slot);
        bool last_irq_handler_cap = cap.type == CAP_IRQ_HANDLER &&
                                    !has_neighbour_to_same_object(slot);
        replace_by_children(slot);
        *slot = (struct cte){ 0 };
        if (last_irq_handler_cap)
            irq_handler_release(cap.irq);
        if (last_cnode_cap)
            queue_cnode_for_emptying(slot, &cap);
        else
            release_reference(&cap);
    }
}

void cte_delete(struct cte *slot)
{
    delete_depth++;
    empty_slot(slot);
    if (delete_depth == 1)
        empty_queued_cnodes();
    delete_depth--;
}

/*
 * Deleting the first child promotes its children to slot's children, so
 * the loop visits every descendant once, without recursion, and re-links
 * each at most once. Destroying an object can empty slot itself (a CNode
 * holding slot dies): slot then has no children and the loop ends.
 */
void cte_revoke(struct cte *slot)
{
    while (slot->first_child)
        cte_delete(slot->first_child);
}

bool cte_has_children(const struct cte *slot)
{
    return slot->first_child != 0;
}

void cnode_destroy(struct cte *slots, unsigned radix)
{
    /* An empty slot has nothing to delete and no children: most of a
     * process's CNode is empty when it goes. */
    for (uint64_t i = 0; i < (1ULL << radix); i++)
        if (slots[i].cap.type != CAP_NULL)
            cte_delete(&slots[i]);
}

/* ---- Insertion and moves ---- */

static bool is_untyped_copy_of(const struct cap *copy, const struct cap *untyped)
{
    return untyped->type == CAP_UNTYPED && same_object(copy, untyped) &&
           copy->size_bits == untyped->size_bits;
}

void cte_insert(struct cte *parent, struct cte *child, struct cap cap)
{
    child->cap = cap;
    link_as_first_child(parent, child);
    /* Only the copy of an untyped allocates from then on (seL4's
     * setUntypedCapAsFull); the parent resets once it has no children. */
    if (parent && is_untyped_copy_of(&cap, &parent->cap))
        parent->cap.word = 1ULL << parent->cap.size_bits;
    count_reference(&cap);
}

/* O(children of from): each child's parent pointer is updated. */
void cte_move(struct cte *from, struct cte *to)
{
    *to = *from;
    if (to->previous_sibling)
        to->previous_sibling->next_sibling = to;
    else if (to->parent)
        to->parent->first_child = to;
    if (to->next_sibling)
        to->next_sibling->previous_sibling = to;
    for (struct cte *child = to->first_child; child; child = child->next_sibling)
        child->parent = to;
    *from = (struct cte){ 0 };
}

/* ---- CNode invocations ---- */

#define CNODE_GUARD_SIZE_BITS   6
#define ADDRESS_BITS            64

/* The slot (index, depth) names under root; depth comes straight from
 * user mode, so it is range-checked before it is narrowed. */
static struct cte *lookup_argument_slot(const struct cap *root, uint64_t index, uint64_t depth,
                                        enum tern_error *error)
{
    if (depth > ADDRESS_BITS) {
        *error = TERN_RANGE_ERROR;
        return 0;
    }
    return cspace_lookup_slot(root, index, (unsigned)depth, error);
}

/* Set a capability's badge or guard from capability data (see the head of
 * the file). */
static enum tern_error apply_cap_data(struct cap *cap, uint64_t data)
{
    switch (cap->type) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        if (cap->word != 0)
            return TERN_ILLEGAL_OPERATION;
        cap->word = data;
        return TERN_OK;
    case CAP_CNODE: {
        uint64_t guard_size = data & ((1u << CNODE_GUARD_SIZE_BITS) - 1);
        uint64_t guard = data >> CNODE_GUARD_SIZE_BITS;
        if (guard_size + cap->size_bits > ADDRESS_BITS || guard >> guard_size != 0)
            return TERN_RANGE_ERROR;
        cap->word = guard;
        cap->word2 = guard_size;
        return TERN_OK;
    }
    default:
        return TERN_OK;
    }
}

/* The capability Copy or Mint makes from source (see the head of the
 * file). */
static enum tern_error derive_cap(const struct cte *source, uint64_t rights, struct cap *derived)
{
    struct cap cap = source->cap;
    switch (cap.type) {
    case CAP_REPLY:
    case CAP_IRQ_CONTROL:
        return TERN_ILLEGAL_OPERATION;
    case CAP_UNTYPED:
        if (cte_has_children(source))
            return TERN_REVOKE_FIRST;
        break;
    case CAP_FRAME:
    case CAP_PAGE_TABLE:
    case CAP_PAGE_DIRECTORY:
        cap.word = cap.word2 = 0;
        break;
    default:
        break;
    }
    cap.rights &= (uint8_t)(rights & TERN_RIGHTS_ALL);
    *derived = cap;
    return TERN_OK;
}

static unsigned transfer_argument_count(uint64_t label)
{
    switch (label) {
    case TERN_CNODE_COPY:   return 5;
    case TERN_CNODE_MINT:   return 6;
    case TERN_CNODE_MUTATE: return 5;
    default:                return 4;   /* Move */
    }
}

/* Copy, Mint, Move, Mutate: destination (args 0, 1) in the invoked CNode,
 * source (args 2, 3) under the CNode capability extra_caps[0]. */
static enum tern_error decode_transfer(struct invocation *inv)
{
    if (inv->length < transfer_argument_count(inv->label) || inv->extra_cap_count < 1)
        return TERN_TRUNCATED_MESSAGE;
    enum tern_error error;
    struct cte *destination = lookup_argument_slot(&inv->slot->cap, inv->args[0], inv->args[1],
                                                   &error);
    if (!destination)
        return error;
    if (destination->cap.type != CAP_NULL)
        return TERN_DELETE_FIRST;
    const struct cap *source_root = &inv->extra_caps[0]->cap;
    if (source_root->type != CAP_CNODE)
        return TERN_INVALID_CAPABILITY;
    struct cte *source = lookup_argument_slot(source_root, inv->args[2], inv->args[3], &error);
    if (!source)
        return error;
    if (source->cap.type == CAP_NULL)
        return TERN_FAILED_LOOKUP;

    struct cap cap = source->cap;
    switch (inv->label) {
    case TERN_CNODE_COPY:
        error = derive_cap(source, inv->args[4], &cap);
        break;
    case TERN_CNODE_MINT:
        error = derive_cap(source, inv->args[4], &cap);
        if (error == TERN_OK)
            error = apply_cap_data(&cap, inv->args[5]);
        break;
    case TERN_CNODE_MUTATE:
        error = apply_cap_data(&cap, inv->args[4]);
        break;
    default:    /* Move */
        error = TERN_OK;
        break;
    }
    if (error != TERN_OK)
        return error;

    /* Perform: nothing below can fail. */
    if (inv->label == TERN_CNODE_COPY || inv->label == TERN_CNODE_MINT) {
        cte_insert(source, destination, cap);
    } else {
        cte_move(source, destination);
        destination->cap = cap;
    }
    return TERN_OK;
}

static enum tern_error decode_delete_or_revoke(struct invocation *inv)
{
    if (inv->length < 2)
        return TERN_TRUNCATED_MESSAGE;
    enum tern_error error;
    struct cte *slot = lookup_argument_slot(&inv->slot->cap, inv->args[0], inv->args[1], &error);
    if (!slot)
        return error;
    if (inv->label == TERN_CNODE_DELETE)
        cte_delete(slot);
    else
        cte_revoke(slot);
    return TERN_OK;
}

/* ---- Compare: which object, and which badge, two capabilities name ---- */

/* The identity Compare orders by: the object, and for endpoints and
 * notifications the badge (a server tells its clients apart by it, so
 * two badges are two things, as two open file descriptions are). Other
 * capabilities' words say where they are mapped, not what they name. */
static uint64_t compared_badge(const struct cap *cap)
{
    return cap->type == CAP_ENDPOINT || cap->type == CAP_NOTIFICATION ? cap->word : 0;
}

/* Objects are ordered by their address mixed with a key drawn when the
 * kernel first compares, so the order a caller sees says nothing about
 * where objects lie (Linux's kcmp obfuscates its pointers the same way).
 * The mix is a bijection (XOR, then a multiplication by an odd number),
 * so equal objects stay equal. The key is as good as the counter's value
 * at that moment: unpredictable on hardware, not under -icount. */
static uint64_t compare_key[2];

static uint64_t mixed_object(uint64_t object)
{
    if (!compare_key[1]) {
        uint64_t seed = timer_now() * 0x9e3779b97f4a7c15ULL;
        compare_key[0] = seed ^ (seed >> 29);
        compare_key[1] = (seed * 0xbf58476d1ce4e5b9ULL) | 1;
    }
    return (object ^ compare_key[0]) * compare_key[1];
}

/* Compare: index, depth in the invoked CNode; other_index, other_depth
 * under the CNode capability extra_caps[0]. 0 if both name the same
 * object with the same badge, else 1 (the first orders before) or 2: a
 * total order that stays the same for as long as both objects live. */
static enum tern_error decode_compare(struct invocation *inv)
{
    if (inv->length < 4 || inv->extra_cap_count < 1)
        return TERN_TRUNCATED_MESSAGE;
    const struct cap *other_root = &inv->extra_caps[0]->cap;
    if (other_root->type != CAP_CNODE)
        return TERN_INVALID_CAPABILITY;
    enum tern_error error;
    struct cte *first = lookup_argument_slot(&inv->slot->cap, inv->args[0], inv->args[1], &error);
    if (!first)
        return error;
    struct cte *second = lookup_argument_slot(other_root, inv->args[2], inv->args[3], &error);
    if (!second)
        return error;
    const struct cap *a = &first->cap, *b = &second->cap;
    if (a->type == CAP_NULL || b->type == CAP_NULL)
        return TERN_FAILED_LOOKUP;
    uint64_t key_a[3] = { mixed_object(a->object), compared_badge(a), a->type };
    uint64_t key_b[3] = { mixed_object(b->object), compared_badge(b), b->type };
    uint64_t order = 0;
    for (unsigned i = 0; i < 3 && order == 0; i++)
        if (key_a[i] != key_b[i])
            order = key_a[i] < key_b[i] ? 1 : 2;
    inv->results[0] = order;
    inv->result_count = 1;
    return TERN_OK;
}

enum tern_error cnode_decode(struct invocation *inv)
{
    switch (inv->label) {
    case TERN_CNODE_COPY:
    case TERN_CNODE_MINT:
    case TERN_CNODE_MOVE:
    case TERN_CNODE_MUTATE:
        return decode_transfer(inv);
    case TERN_CNODE_DELETE:
    case TERN_CNODE_REVOKE:
        return decode_delete_or_revoke(inv);
    case TERN_CNODE_COMPARE:
        return decode_compare(inv);
    default:
        return TERN_ILLEGAL_OPERATION;
    }
}
