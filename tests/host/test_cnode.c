/*
 * The derivation tree (cnode.c) and capability addressing (cspace.c),
 * compiled natively. Objects are plain host memory: a capability's object
 * is the host address, as it is the kernel address in the kernel. The other
 * object files are replaced by stubs that record which destroy functions
 * ran; the TCB stub deletes the TCB's own slots as tcb_destroy does.
 */
#include <pthread.h>
#include "check.h"
#include "object/objects.h"

/* ---- Stubs for the other object files ---- */

#define MAX_RECORDS 40000

struct destroy_record {
    enum cap_type type;
    const void *object;
};

static struct destroy_record destroyed[MAX_RECORDS];
static unsigned destroyed_count;
static unsigned unmap_count;

static void record_destroy(enum cap_type type, const void *object)
{
    if (destroyed_count < MAX_RECORDS)
        destroyed[destroyed_count] = (struct destroy_record){ type, object };
    destroyed_count++;
}

/* How many times object was destroyed as a type. */
static unsigned destroy_count(enum cap_type type, const void *object)
{
    unsigned count = 0;
    for (unsigned i = 0; i < destroyed_count && i < MAX_RECORDS; i++)
        if (destroyed[i].type == type && destroyed[i].object == object)
            count++;
    return count;
}

void tcb_destroy(struct tcb *tcb)
{
    record_destroy(CAP_TCB, tcb);
    cte_delete(&tcb->cspace_root);
    cte_delete(&tcb->vspace_root);
    cte_delete(&tcb->ipc_buffer_frame);
    cte_delete(&tcb->fault_handler);
}

void endpoint_destroy(struct endpoint *endpoint) { record_destroy(CAP_ENDPOINT, endpoint); }
void notification_destroy(struct notification *notification)
{
    record_destroy(CAP_NOTIFICATION, notification);
}
void reply_destroy(struct reply *reply) { record_destroy(CAP_REPLY, reply); }
void vspace_destroy(struct vspace *vspace) { record_destroy(CAP_VSPACE, vspace); }

void irq_handler_release(uint32_t irq) { record_destroy(CAP_IRQ_HANDLER, (void *)(uintptr_t)irq); }

/* Compare's key comes from the counter (cnode.c). */
uint64_t timer_now(void) { return 0x1234567; }

void mapping_cap_unmap(struct cap *cap)
{
    unmap_count++;
    cap->word = cap->word2 = 0;
}

static void reset_records(void)
{
    destroyed_count = 0;
    unmap_count = 0;
}

/* ---- Objects and capabilities ---- */

static struct cte *new_cnode(unsigned radix)
{
    struct cte *slots = calloc(1u << radix, sizeof(struct cte));
    if (!slots)
        abort();
    return slots;
}

static struct cap cnode_cap(struct cte *slots, unsigned radix, uint64_t guard_bits,
                            uint64_t guard)
{
    return (struct cap){ .type = CAP_CNODE, .rights = TERN_RIGHTS_ALL, .size_bits = radix,
                         .object = (uint64_t)slots, .word = guard, .word2 = guard_bits };
}

static struct cap object_cap(enum cap_type type, const void *object)
{
    return (struct cap){ .type = type, .rights = TERN_RIGHTS_ALL, .object = (uint64_t)object };
}

static struct cap endpoint_cap(struct endpoint *endpoint, uint64_t badge)
{
    struct cap cap = object_cap(CAP_ENDPOINT, endpoint);
    cap.word = badge;
    return cap;
}

static struct cap untyped_cap(uint64_t physical, unsigned size_bits)
{
    return (struct cap){ .type = CAP_UNTYPED, .rights = TERN_RIGHTS_ALL,
                         .size_bits = (uint8_t)size_bits, .object = physical };
}

static bool is_empty(const struct cte *slot)
{
    return slot->cap.type == CAP_NULL && !slot->parent && !slot->first_child &&
           !slot->next_sibling && !slot->previous_sibling;
}

/* The children of parent, in list order; returns how many (at most max). */
static unsigned children_of(const struct cte *parent, const struct cte **children, unsigned max)
{
    unsigned count = 0;
    for (const struct cte *child = parent->first_child; child && count < max;
         child = child->next_sibling)
        children[count++] = child;
    return count;
}

/* Every link in slots[0..count) agrees with its other end. */
static bool tree_consistent(const struct cte *slots, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        const struct cte *slot = &slots[i];
        if (slot->cap.type == CAP_NULL) {
            if (!is_empty(slot))
                return false;
            continue;
        }
        if (slot->first_child && (slot->first_child->parent != slot ||
                                  slot->first_child->previous_sibling))
            return false;
        if (slot->next_sibling && (slot->next_sibling->previous_sibling != slot ||
                                   slot->next_sibling->parent != slot->parent))
            return false;
        if (slot->previous_sibling && slot->previous_sibling->next_sibling != slot)
            return false;
        if (!slot->previous_sibling && slot->parent && slot->parent->first_child != slot)
            return false;
        if (slot->parent && slot->parent->cap.type == CAP_NULL)
            return false;
    }
    return true;
}

/* Run fn on a thread with a small stack: recursion as deep as the trees
 * in these tests would overflow it. */
#define SMALL_STACK (256 * 1024)

static void *run_thread(void *fn)
{
    ((void (*)(void))fn)();
    return NULL;
}

static void run_on_small_stack(void (*fn)(void))
{
    pthread_attr_t attributes;
    pthread_t thread;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, SMALL_STACK);
    union { void (*function)(void); void *pointer; } argument = { .function = fn };
    if (pthread_create(&thread, &attributes, run_thread, argument.pointer) != 0)
        abort();
    pthread_join(thread, NULL);
    pthread_attr_destroy(&attributes);
}

/* ---- Insertion ---- */

static void insert_makes_the_first_child(void)
{
    struct cte *slots = new_cnode(3);
    static struct endpoint endpoint;
    cte_insert(0, &slots[0], endpoint_cap(&endpoint, 0));
    cte_insert(&slots[0], &slots[1], slots[0].cap);
    cte_insert(&slots[0], &slots[2], slots[0].cap);
    const struct cte *children[4];
    CHECK_EQ_U64(children_of(&slots[0], children, 4), 2);
    CHECK(children[0] == &slots[2]);
    CHECK(children[1] == &slots[1]);
    CHECK(slots[1].parent == &slots[0]);
    CHECK(slots[0].parent == NULL);
    CHECK(cte_has_children(&slots[0]));
    CHECK(!cte_has_children(&slots[1]));
    CHECK(tree_consistent(slots, 8));
    free(slots);
}

static void insert_counts_a_reference(void)
{
    struct cte *slots = new_cnode(2);
    static struct endpoint endpoint;
    static struct tcb tcb;
    endpoint.cap_count = 0;
    cte_insert(0, &slots[0], endpoint_cap(&endpoint, 0));
    cte_insert(&slots[0], &slots[1], slots[0].cap);
    CHECK_EQ_U64(endpoint.cap_count, 2);
    cte_insert(0, &slots[2], object_cap(CAP_TCB, &tcb));
    CHECK_EQ_U64(tcb.cap_count, 1);
    free(slots);
}

/* ---- Move ---- */

static void move_keeps_the_place_in_the_tree(void)
{
    struct cte *slots = new_cnode(3);
    static struct endpoint endpoint;
    reset_records();
    cte_insert(0, &slots[0], endpoint_cap(&endpoint, 0));
    cte_insert(&slots[0], &slots[1], slots[0].cap);     /* children: 3, 2, 1 */
    cte_insert(&slots[0], &slots[2], slots[0].cap);
    cte_insert(&slots[0], &slots[3], slots[0].cap);
    cte_insert(&slots[2], &slots[4], slots[2].cap);
    cte_move(&slots[2], &slots[7]);
    CHECK(is_empty(&slots[2]));
    const struct cte *children[4];
    CHECK_EQ_U64(children_of(&slots[0], children, 4), 3);
    CHECK(children[0] == &slots[3]);
    CHECK(children[1] == &slots[7]);
    CHECK(children[2] == &slots[1]);
    CHECK(slots[4].parent == &slots[7]);
    CHECK(slots[7].first_child == &slots[4]);
    CHECK(slots[7].cap.type == CAP_ENDPOINT);
    cte_move(&slots[0], &slots[6]);     /* a parent: children follow */
    CHECK(slots[3].parent == &slots[6]);
    CHECK(slots[1].parent == &slots[6]);
    CHECK(slots[6].first_child == &slots[3]);
    CHECK(tree_consistent(slots, 8));
    CHECK_EQ_U64(destroyed_count, 0);
    free(slots);
}

static void move_of_a_first_child_updates_the_parent(void)
{
    struct cte *slots = new_cnode(2);
    static struct endpoint endpoint;
    cte_insert(0, &slots[0], endpoint_cap(&endpoint, 0));
    cte_insert(&slots[0], &slots[1], slots[0].cap);
    cte_move(&slots[1], &slots[3]);
    CHECK(slots[0].first_child == &slots[3]);
    CHECK(tree_consistent(slots, 4));
    free(slots);
}

/* ---- Delete ---- */

static void delete_hands_children_to_the_parent_in_place(void)
{
    struct cte *slots = new_cnode(4);
    static struct endpoint endpoint;
    cte_insert(0, &slots[0], endpoint_cap(&endpoint, 0));
    cte_insert(&slots[0], &slots[1], slots[0].cap);
    cte_insert(&slots[0], &slots[2], slots[0].cap);
    cte_insert(&slots[0], &slots[3], slots[0].cap);     /* 0: 3, 2, 1 */
    cte_insert(&slots[2], &slots[4], slots[2].cap);
    cte_insert(&slots[2], &slots[5], slots[2].cap);     /* 2: 5, 4 */
    cte_delete(&slots[2]);
    CHECK(is_empty(&slots[2]));
    const struct cte *children[8];
    CHECK_EQ_U64(children_of(&slots[0], children, 8), 4);
    CHECK(children[0] == &slots[3]);
    CHECK(children[1] == &slots[5]);
    CHECK(children[2] == &slots[4]);
    CHECK(children[3] == &slots[1]);
    CHECK(slots[5].parent == &slots[0]);
    CHECK(slots[4].parent == &slots[0]);
    CHECK(tree_consistent(slots, 16));
    free(slots);
}

static void delete_of_a_root_keeps_its_children_siblings(void)
{
    struct cte *slots = new_cnode(2);
    static struct endpoint endpoint;
    cte_insert(0, &slots[0], endpoint_cap(&endpoint, 0));
    cte_insert(&slots[0], &slots[1], slots[0].cap);
    cte_insert(&slots[0], &slots[2], slots[0].cap);
    cte_delete(&slots[0]);
    CHECK(slots[2].parent == NULL && slots[1].parent == NULL);
    CHECK(slots[2].next_sibling == &slots[1]);
    CHECK(slots[1].previous_sibling == &slots[2]);
    CHECK(tree_consistent(slots, 4));
    free(slots);
}

static void delete_of_an_empty_slot_does_nothing(void)
{
    struct cte *slots = new_cnode(1);
    reset_records();
    cte_delete(&slots[0]);
    CHECK(is_empty(&slots[0]));
    CHECK_EQ_U64(destroyed_count, 0);
    free(slots);
}

static void delete_of_the_last_cap_destroys_the_object_once(void)
{
    struct cte *slots = new_cnode(2);
    static struct endpoint endpoint;
    endpoint.cap_count = 0;
    reset_records();
    cte_insert(0, &slots[0], endpoint_cap(&endpoint, 0));
    cte_insert(&slots[0], &slots[1], slots[0].cap);
    cte_insert(&slots[1], &slots[2], slots[1].cap);
    cte_delete(&slots[1]);
    cte_delete(&slots[0]);
    CHECK_EQ_U64(destroyed_count, 0);
    CHECK_EQ_U64(endpoint.cap_count, 1);
    cte_delete(&slots[2]);
    CHECK_EQ_U64(destroyed_count, 1);
    CHECK_EQ_U64(destroy_count(CAP_ENDPOINT, &endpoint), 1);
    CHECK_EQ_U64(endpoint.cap_count, 0);
    free(slots);
}

static void each_counted_type_has_its_destroy_function(void)
{
    struct cte *slots = new_cnode(3);
    static struct tcb tcb;
    static struct notification notification;
    static struct reply reply;
    static _Alignas(4096) uint8_t vspace_object[8192];
    struct vspace *vspace = (struct vspace *)(vspace_object + 4096);
    reset_records();
    cte_insert(0, &slots[0], object_cap(CAP_TCB, &tcb));
    cte_insert(0, &slots[1], object_cap(CAP_NOTIFICATION, &notification));
    cte_insert(0, &slots[2], object_cap(CAP_REPLY, &reply));
    cte_insert(0, &slots[3], object_cap(CAP_VSPACE, vspace_object));
    CHECK_EQ_U64(vspace->cap_count, 1);
    for (unsigned i = 0; i < 4; i++)
        cte_delete(&slots[i]);
    CHECK_EQ_U64(destroyed_count, 4);
    CHECK_EQ_U64(destroy_count(CAP_TCB, &tcb), 1);
    CHECK_EQ_U64(destroy_count(CAP_NOTIFICATION, &notification), 1);
    CHECK_EQ_U64(destroy_count(CAP_REPLY, &reply), 1);
    CHECK_EQ_U64(destroy_count(CAP_VSPACE, vspace), 1);
    free(slots);
}

static void delete_of_uncounted_caps_destroys_nothing(void)
{
    struct cte *slots = new_cnode(2);
    reset_records();
    cte_insert(0, &slots[0], untyped_cap(0x40000000, 20));
    cte_insert(0, &slots[1], (struct cap){ .type = CAP_IRQ_CONTROL });
    cte_insert(0, &slots[2], (struct cap){ .type = CAP_FRAME, .object = 0x1000 });
    for (unsigned i = 0; i < 3; i++)
        cte_delete(&slots[i]);
    CHECK_EQ_U64(destroyed_count, 0);
    CHECK_EQ_U64(unmap_count, 0);
    free(slots);
}

static void every_delete_of_a_mapped_frame_unmaps_it(void)
{
    struct cte *slots = new_cnode(2);
    reset_records();
    struct cap frame = { .type = CAP_FRAME, .object = 0x1000, .size_bits = 12 };
    struct cap mapped = frame;
    mapped.word = 0x400000;
    mapped.word2 = 7;
    cte_insert(0, &slots[0], mapped);
    cte_insert(&slots[0], &slots[1], mapped);
    cte_insert(&slots[0], &slots[2], frame);
    struct cap table = { .type = CAP_PAGE_TABLE, .object = 0x2000, .word = 0x200000,
                         .word2 = 7 };
    cte_insert(0, &slots[3], table);
    cte_delete(&slots[1]);
    CHECK_EQ_U64(unmap_count, 1);
    cte_delete(&slots[2]);
    CHECK_EQ_U64(unmap_count, 1);
    cte_delete(&slots[0]);
    CHECK_EQ_U64(unmap_count, 2);
    cte_delete(&slots[3]);
    CHECK_EQ_U64(unmap_count, 3);
    free(slots);
}

/* ---- CNodes: the last capability empties the CNode ---- */

/* A CNode whose slot 1 holds the only capability to a fresh endpoint, so
 * emptying the CNode shows as that endpoint's destruction. */
static struct cte *cnode_with_sentinel(unsigned radix, struct endpoint *sentinel)
{
    struct cte *slots = new_cnode(radix);
    sentinel->cap_count = 0;
    cte_insert(0, &slots[1], endpoint_cap(sentinel, 0));
    return slots;
}

static void cnode_survives_while_a_copy_remains(void)
{
    static struct endpoint sentinel;
    struct cte *target = cnode_with_sentinel(2, &sentinel);
    struct cte *slots = new_cnode(3);
    reset_records();
    cte_insert(0, &slots[0], cnode_cap(target, 2, 0, 0));
    cte_insert(&slots[0], &slots[1], slots[0].cap);
    cte_insert(&slots[1], &slots[2], slots[1].cap);
    cte_delete(&slots[0]);
    cte_delete(&slots[2]);
    CHECK_EQ_U64(destroyed_count, 0);
    CHECK(target[1].cap.type == CAP_ENDPOINT);
    cte_delete(&slots[1]);
    CHECK_EQ_U64(destroy_count(CAP_ENDPOINT, &sentinel), 1);
    CHECK_EQ_U64(destroyed_count, 1);
    for (unsigned i = 0; i < 4; i++)
        CHECK(is_empty(&target[i]));
    free(slots);
    free(target);
}

/* Copies separated by caps to other objects under one untyped (as after
 * Retype and deletions) are still found. */
static void cnode_copies_among_other_objects_are_found(void)
{
    static struct endpoint sentinel, other;
    struct cte *target = cnode_with_sentinel(1, &sentinel);
    struct cte *slots = new_cnode(4);
    reset_records();
    other.cap_count = 0;
    cte_insert(0, &slots[0], untyped_cap(0x80000000, 20));
    cte_insert(&slots[0], &slots[1], endpoint_cap(&other, 0));
    cte_insert(&slots[0], &slots[2], cnode_cap(target, 1, 0, 0));
    cte_insert(&slots[0], &slots[3], endpoint_cap(&other, 0));
    cte_insert(&slots[2], &slots[4], slots[2].cap);
    cte_insert(&slots[2], &slots[5], slots[2].cap);
    cte_insert(&slots[4], &slots[6], slots[4].cap);
    /* 0: 3, 2 (5, 4 (6)), 1 */
    cte_delete(&slots[2]);      /* 0: 3, 5, 4 (6), 1 */
    cte_delete(&slots[4]);      /* 0: 3, 5, 6, 1 */
    cte_delete(&slots[5]);
    CHECK_EQ_U64(destroyed_count, 0);
    CHECK(tree_consistent(slots, 16));
    cte_delete(&slots[6]);
    CHECK_EQ_U64(destroy_count(CAP_ENDPOINT, &sentinel), 1);
    CHECK_EQ_U64(destroyed_count, 1);
    free(slots);
    free(target);
}

static void cnode_whose_only_cap_is_in_itself_is_emptied_when_it_is_deleted(void)
{
    static struct endpoint sentinel, in_slot0;
    struct cte *target = cnode_with_sentinel(2, &sentinel);
    reset_records();
    in_slot0.cap_count = 0;
    cte_insert(0, &target[0], endpoint_cap(&in_slot0, 0));
    cte_insert(0, &target[3], cnode_cap(target, 2, 0, 0));
    cte_delete(&target[3]);
    CHECK_EQ_U64(destroy_count(CAP_ENDPOINT, &sentinel), 1);
    CHECK_EQ_U64(destroy_count(CAP_ENDPOINT, &in_slot0), 1);
    CHECK_EQ_U64(destroyed_count, 2);
    for (unsigned i = 0; i < 4; i++)
        CHECK(is_empty(&target[i]));
    free(target);
}

static void cnode_whose_only_cap_is_in_its_slot_0_is_emptied(void)
{
    static struct endpoint sentinel;
    struct cte *target = cnode_with_sentinel(1, &sentinel);
    reset_records();
    cte_insert(0, &target[0], cnode_cap(target, 1, 0, 0));
    cte_delete(&target[0]);
    CHECK_EQ_U64(destroy_count(CAP_ENDPOINT, &sentinel), 1);
    CHECK(is_empty(&target[0]) && is_empty(&target[1]));
    free(target);
}

/* Slot 1 of CNode i holds the only cap to CNode i + 1; slot 0 a sentinel
 * endpoint (so each level also exercises moving slot 0 aside). */
#define CHAIN_LENGTH 10000

static struct cte *chain_cnodes[CHAIN_LENGTH];
static struct endpoint chain_endpoints[CHAIN_LENGTH];
static struct tcb *chain_tcbs[CHAIN_LENGTH];
static struct cte chain_head;

static void delete_chain_head(void)
{
    cte_delete(&chain_head);
}

static void deleting_a_long_chain_of_cnodes_does_not_recurse(void)
{
    reset_records();
    for (unsigned i = 0; i < CHAIN_LENGTH; i++) {
        chain_cnodes[i] = new_cnode(1);
        chain_endpoints[i].cap_count = 0;
        cte_insert(0, &chain_cnodes[i][0], endpoint_cap(&chain_endpoints[i], 0));
    }
    for (unsigned i = 0; i + 1 < CHAIN_LENGTH; i++)
        cte_insert(0, &chain_cnodes[i][1], cnode_cap(chain_cnodes[i + 1], 1, 0, 0));
    cte_insert(0, &chain_head, cnode_cap(chain_cnodes[0], 1, 0, 0));
    run_on_small_stack(delete_chain_head);
    CHECK_EQ_U64(destroyed_count, CHAIN_LENGTH);
    unsigned wrong = 0;
    for (unsigned i = 0; i < CHAIN_LENGTH; i++) {
        if (chain_endpoints[i].cap_count != 0 || !is_empty(&chain_cnodes[i][0]) ||
            !is_empty(&chain_cnodes[i][1]))
            wrong++;
        free(chain_cnodes[i]);
    }
    CHECK_EQ_U64(wrong, 0);
}

/* TCB i's CSpace root is the only cap to CNode i, whose slot 1 holds the
 * only cap to TCB i + 1: destruction alternates tcb_destroy and CNodes. */
static void deleting_a_long_chain_through_tcbs_does_not_recurse(void)
{
    reset_records();
    for (unsigned i = 0; i < CHAIN_LENGTH; i++) {
        chain_cnodes[i] = new_cnode(1);
        chain_tcbs[i] = calloc(1, sizeof(struct tcb));
        if (!chain_tcbs[i])
            abort();
        cte_insert(0, &chain_tcbs[i]->cspace_root, cnode_cap(chain_cnodes[i], 1, 0, 0));
    }
    for (unsigned i = 0; i + 1 < CHAIN_LENGTH; i++)
        cte_insert(0, &chain_cnodes[i][1], object_cap(CAP_TCB, chain_tcbs[i + 1]));
    cte_insert(0, &chain_head, object_cap(CAP_TCB, chain_tcbs[0]));
    run_on_small_stack(delete_chain_head);
    CHECK_EQ_U64(destroyed_count, CHAIN_LENGTH);
    unsigned wrong = 0;
    for (unsigned i = 0; i < CHAIN_LENGTH; i++) {
        if (destroy_count(CAP_TCB, chain_tcbs[i]) != 1 || chain_tcbs[i]->cap_count != 0 ||
            !is_empty(&chain_tcbs[i]->cspace_root) || !is_empty(&chain_cnodes[i][1]))
            wrong++;
        free(chain_cnodes[i]);
        free(chain_tcbs[i]);
    }
    CHECK_EQ_U64(wrong, 0);
}

/* ---- Revoke ---- */

static void revoke_deletes_descendants_only(void)
{
    struct cte *slots = new_cnode(3);
    static struct endpoint endpoint;
    endpoint.cap_count = 0;
    reset_records();
    cte_insert(0, &slots[0], endpoint_cap(&endpoint, 0));
    cte_insert(&slots[0], &slots[1], slots[0].cap);
    cte_insert(&slots[1], &slots[2], slots[1].cap);
    cte_insert(&slots[2], &slots[3], slots[2].cap);
    cte_insert(&slots[1], &slots[4], slots[1].cap);
    cte_insert(&slots[0], &slots[5], slots[0].cap);
    cte_revoke(&slots[1]);
    for (unsigned i = 2; i <= 4; i++)
        CHECK(is_empty(&slots[i]));
    CHECK(slots[1].cap.type == CAP_ENDPOINT && !cte_has_children(&slots[1]));
    CHECK(slots[5].cap.type == CAP_ENDPOINT);
    CHECK_EQ_U64(endpoint.cap_count, 3);
    CHECK_EQ_U64(destroyed_count, 0);
    CHECK(tree_consistent(slots, 8));
    free(slots);
}

static void revoke_of_a_leaf_or_empty_slot_does_nothing(void)
{
    struct cte *slots = new_cnode(1);
    static struct endpoint endpoint;
    reset_records();
    cte_insert(0, &slots[0], endpoint_cap(&endpoint, 0));
    cte_revoke(&slots[0]);
    cte_revoke(&slots[1]);
    CHECK(slots[0].cap.type == CAP_ENDPOINT);
    CHECK_EQ_U64(destroyed_count, 0);
    free(slots);
}

static struct cte *deep_slots;

static void revoke_deep_root(void)
{
    cte_revoke(&deep_slots[0]);
}

static void revoke_of_a_deep_chain_does_not_recurse(void)
{
    static struct endpoint endpoint;
    deep_slots = new_cnode(14);
    endpoint.cap_count = 0;
    reset_records();
    cte_insert(0, &deep_slots[0], endpoint_cap(&endpoint, 0));
    for (unsigned i = 1; i <= CHAIN_LENGTH; i++)
        cte_insert(&deep_slots[i - 1], &deep_slots[i], deep_slots[i - 1].cap);
    run_on_small_stack(revoke_deep_root);
    CHECK_EQ_U64(endpoint.cap_count, 1);
    CHECK(!cte_has_children(&deep_slots[0]));
    unsigned left = 0;
    for (unsigned i = 1; i <= CHAIN_LENGTH; i++)
        left += !is_empty(&deep_slots[i]);
    CHECK_EQ_U64(left, 0);
    CHECK_EQ_U64(destroyed_count, 0);
    free(deep_slots);
}

static void revoke_of_an_untyped_destroys_what_was_made_from_it(void)
{
    static struct endpoint sentinel, endpoint;
    struct cte *target = cnode_with_sentinel(1, &sentinel);
    struct cte *slots = new_cnode(3);
    endpoint.cap_count = 0;
    reset_records();
    cte_insert(0, &slots[0], untyped_cap(0x80000000, 20));
    cte_insert(&slots[0], &slots[1], endpoint_cap(&endpoint, 0));
    cte_insert(&slots[0], &slots[2], cnode_cap(target, 1, 0, 0));
    cte_insert(&slots[2], &slots[3], slots[2].cap);
    cte_insert(&slots[1], &slots[4], slots[1].cap);
    cte_revoke(&slots[0]);
    CHECK_EQ_U64(destroy_count(CAP_ENDPOINT, &endpoint), 1);
    CHECK_EQ_U64(destroy_count(CAP_ENDPOINT, &sentinel), 1);
    CHECK_EQ_U64(destroyed_count, 2);
    for (unsigned i = 1; i < 8; i++)
        CHECK(is_empty(&slots[i]));
    free(slots);
    free(target);
}

/* ---- Random operations against a reference count ---- */

#define FUZZ_TARGETS 4
#define FUZZ_SLOTS 64

static uint32_t fuzz_random_state = 12345;

static uint32_t fuzz_random(uint32_t limit)
{
    fuzz_random_state = fuzz_random_state * 1103515245u + 12345u;
    return (fuzz_random_state >> 8) % limit;
}

/* Copy, move, delete and revoke at random among CNode and endpoint caps:
 * a CNode is emptied (its sentinel endpoint destroyed) exactly when its
 * last cap goes, never before. A dead CNode is made again, with a cap
 * retyped from the untyped in slot 0, so the run keeps exercising all. */
static void random_operations_empty_a_cnode_exactly_at_its_last_cap(void)
{
    static struct endpoint sentinels[FUZZ_TARGETS], endpoint;
    struct cte *targets[FUZZ_TARGETS];
    struct cte *slots = new_cnode(6);
    endpoint.cap_count = 0;
    cte_insert(0, &slots[0], untyped_cap(0x80000000, 20));
    cte_insert(&slots[0], &slots[1], endpoint_cap(&endpoint, 0));
    for (unsigned t = 0; t < FUZZ_TARGETS; t++) {
        targets[t] = cnode_with_sentinel(1, &sentinels[t]);
        cte_insert(&slots[0], &slots[2 + t], cnode_cap(targets[t], 1, 0, 0));
    }
    unsigned failures = 0;
    for (unsigned step = 0; step < 20000 && failures == 0; step++) {
        reset_records();
        struct cte *a = &slots[1 + fuzz_random(FUZZ_SLOTS - 1)];
        struct cte *b = &slots[1 + fuzz_random(FUZZ_SLOTS - 1)];
        switch (fuzz_random(4)) {
        case 0:
            if (a->cap.type != CAP_NULL && b->cap.type == CAP_NULL)
                cte_insert(a, b, a->cap);
            break;
        case 1:
            if (a->cap.type != CAP_NULL && b->cap.type == CAP_NULL)
                cte_move(a, b);
            break;
        case 2:
            cte_delete(a);
            break;
        default:
            if (fuzz_random(8) == 0)
                cte_revoke(a);
            break;
        }
        if (!tree_consistent(slots, FUZZ_SLOTS))
            failures++;
        for (unsigned t = 0; t < FUZZ_TARGETS; t++) {
            unsigned caps = 0;
            for (unsigned i = 0; i < FUZZ_SLOTS; i++)
                caps += slots[i].cap.type == CAP_CNODE &&
                        slots[i].cap.object == (uint64_t)targets[t];
            bool emptied = sentinels[t].cap_count == 0;
            if ((caps == 0) != emptied)
                failures++;
            struct cte *free_slot = &slots[1 + fuzz_random(FUZZ_SLOTS - 1)];
            if (emptied && free_slot->cap.type == CAP_NULL) {
                free(targets[t]);
                targets[t] = cnode_with_sentinel(1, &sentinels[t]);
                cte_insert(&slots[0], free_slot, cnode_cap(targets[t], 1, 0, 0));
            }
        }
    }
    CHECK_EQ_U64(failures, 0);
    cte_revoke(&slots[0]);
    for (unsigned t = 0; t < FUZZ_TARGETS; t++) {
        CHECK(is_empty(&targets[t][1]));
        free(targets[t]);
    }
    free(slots);
}

/* ---- CSpace addressing ---- */

static void lookup_resolves_guard_then_radix(void)
{
    struct cte *root = new_cnode(4);
    struct cap cap = cnode_cap(root, 4, 60, 0);
    enum tern_error error = TERN_OK;
    CHECK(cspace_lookup_slot(&cap, 5, 64, &error) == &root[5]);
    CHECK(cspace_lookup_slot(&cap, 15, 64, &error) == &root[15]);
    struct cap guarded = cnode_cap(root, 4, 4, 0xa);
    CHECK(cspace_lookup_slot(&guarded, 0xa3, 8, &error) == &root[3]);
    free(root);
}

static void lookup_rejects_a_guard_mismatch(void)
{
    struct cte *root = new_cnode(4);
    struct cap cap = cnode_cap(root, 4, 60, 0);
    enum tern_error error = TERN_OK;
    CHECK(cspace_lookup_slot(&cap, (1ULL << 63) | 5, 64, &error) == NULL);
    CHECK_EQ_U64(error, TERN_FAILED_LOOKUP);
    struct cap guarded = cnode_cap(root, 4, 4, 0xa);
    error = TERN_OK;
    CHECK(cspace_lookup_slot(&guarded, 0xb3, 8, &error) == NULL);
    CHECK_EQ_U64(error, TERN_FAILED_LOOKUP);
    free(root);
}

static void lookup_depth_must_be_1_to_64(void)
{
    struct cte *root = new_cnode(4);
    struct cap cap = cnode_cap(root, 4, 0, 0);
    enum tern_error error = TERN_OK;
    CHECK(cspace_lookup_slot(&cap, 0, 0, &error) == NULL);
    CHECK_EQ_U64(error, TERN_RANGE_ERROR);
    error = TERN_OK;
    CHECK(cspace_lookup_slot(&cap, 0, 65, &error) == NULL);
    CHECK_EQ_U64(error, TERN_RANGE_ERROR);
    free(root);
}

static void lookup_fails_when_the_depth_ends_inside_a_level(void)
{
    struct cte *root = new_cnode(4);
    struct cap cap = cnode_cap(root, 4, 4, 0);
    enum tern_error error = TERN_OK;
    CHECK(cspace_lookup_slot(&cap, 3, 6, &error) == NULL);
    CHECK_EQ_U64(error, TERN_FAILED_LOOKUP);
    free(root);
}

static void lookup_fails_on_a_root_that_is_not_a_cnode(void)
{
    static struct endpoint endpoint;
    struct cap cap = endpoint_cap(&endpoint, 0);
    enum tern_error error = TERN_OK;
    CHECK(cspace_lookup_slot(&cap, 0, 64, &error) == NULL);
    CHECK_EQ_U64(error, TERN_FAILED_LOOKUP);
}

static void lookup_fails_on_a_level_that_resolves_no_bits(void)
{
    struct cte *root = new_cnode(1);
    struct cap cap = cnode_cap(root, 0, 0, 0);
    enum tern_error error = TERN_OK;
    CHECK(cspace_lookup_slot(&cap, 0, 64, &error) == NULL);
    CHECK_EQ_U64(error, TERN_FAILED_LOOKUP);
    free(root);
}

/* Root: radix 4, no guard, looked up with depth 8; its slot 2 holds a CNode
 * of radix 3 with a 1-bit guard of 1, slot 3 an endpoint. */
static void two_level_lookup_continues_into_the_next_cnode(void)
{
    struct cte *root = new_cnode(4);
    struct cte *leaf = new_cnode(3);
    static struct endpoint endpoint;
    cte_insert(0, &root[2], cnode_cap(leaf, 3, 1, 1));
    cte_insert(0, &root[3], endpoint_cap(&endpoint, 0));
    struct cap cap = cnode_cap(root, 4, 0, 0);
    enum tern_error error = TERN_OK;
    CHECK(cspace_lookup_slot(&cap, (2 << 4) | (1 << 3) | 5, 8, &error) == &leaf[5]);
    /* Ending right after the first radix names the CNode cap's own slot. */
    CHECK(cspace_lookup_slot(&cap, 2, 4, &error) == &root[2]);
    error = TERN_OK;
    CHECK(cspace_lookup_slot(&cap, (2 << 4) | (0 << 3) | 5, 8, &error) == NULL);
    CHECK_EQ_U64(error, TERN_FAILED_LOOKUP);
    error = TERN_OK;
    CHECK(cspace_lookup_slot(&cap, (2 << 2) | 1, 6, &error) == NULL);
    CHECK_EQ_U64(error, TERN_FAILED_LOOKUP);
    /* Bits left below a slot that holds no CNode: no slot is named. */
    error = TERN_OK;
    CHECK(cspace_lookup_slot(&cap, (3 << 4) | 1, 8, &error) == NULL);
    CHECK_EQ_U64(error, TERN_FAILED_LOOKUP);
    cte_delete(&root[2]);
    cte_delete(&root[3]);
    free(leaf);
    free(root);
}

/* A thread's CSpace: root radix 4 with a 56-bit guard; its slot 1 is a
 * CNode of radix 4, its slot 2 an endpoint. */
static void lookup_cap_resolves_all_64_bits(void)
{
    static struct tcb thread;
    static struct endpoint endpoint;
    struct cte *root = new_cnode(4);
    struct cte *leaf = new_cnode(4);
    memset(&thread, 0, sizeof(thread));
    thread.cspace_root.cap = cnode_cap(root, 4, 56, 0);
    cte_insert(0, &root[1], cnode_cap(leaf, 4, 0, 0));
    cte_insert(0, &root[2], endpoint_cap(&endpoint, 0));
    cte_insert(&root[2], &leaf[7], root[2].cap);
    enum tern_error error = TERN_OK;
    CHECK(cspace_lookup_cap(&thread, (1 << 4) | 7, &error) == &leaf[7]);
    /* As in seL4, a non-CNode cap ends the lookup; bits left are ignored. */
    CHECK(cspace_lookup_cap(&thread, (2 << 4) | 9, &error) == &root[2]);
    CHECK(cspace_lookup_cap(&thread, (1 << 4) | 8, &error) == NULL);
    CHECK_EQ_U64(error, TERN_FAILED_LOOKUP);
    error = TERN_OK;
    CHECK(cspace_lookup_cap(&thread, 3 << 4, &error) == NULL);
    CHECK_EQ_U64(error, TERN_FAILED_LOOKUP);
    error = TERN_OK;
    CHECK(cspace_lookup_cap(&thread, 1ULL << 63, &error) == NULL);
    CHECK_EQ_U64(error, TERN_FAILED_LOOKUP);
    cte_delete(&leaf[7]);
    cte_delete(&root[1]);
    cte_delete(&root[2]);
    free(leaf);
    free(root);
}

/* ---- CNode invocations ---- */

/* The invoked CNode: radix 5 with a 59-bit guard, addressed like a root
 * CNode (index, 64). Its own cap lives outside it. */
#define CNODE_RADIX 5

static struct cte *cnode;
static struct cte cnode_slot;

static void setup_cnode(void)
{
    cnode = new_cnode(CNODE_RADIX);
    memset(&cnode_slot, 0, sizeof(cnode_slot));
    cte_insert(0, &cnode_slot, cnode_cap(cnode, CNODE_RADIX, 64 - CNODE_RADIX, 0));
    reset_records();
}

static void teardown_cnode(void)
{
    cte_delete(&cnode_slot);
    free(cnode);
}

static enum tern_error invoke(uint64_t label, unsigned length, uint64_t a0, uint64_t a1,
                              uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    static struct invocation inv;
    memset(&inv, 0, sizeof(inv));
    inv.slot = &cnode_slot;
    inv.label = label;
    inv.length = length;
    uint64_t args[] = { a0, a1, a2, a3, a4, a5 };
    memcpy(inv.args, args, sizeof(args));
    inv.extra_caps[0] = &cnode_slot;
    inv.extra_cap_count = 1;
    return cnode_decode(&inv);
}

static enum tern_error copy(uint64_t destination, uint64_t source, uint64_t rights)
{
    return invoke(TERN_CNODE_COPY, 5, destination, 64, source, 64, rights, 0);
}

static enum tern_error mint(uint64_t destination, uint64_t source, uint64_t rights,
                            uint64_t data)
{
    return invoke(TERN_CNODE_MINT, 6, destination, 64, source, 64, rights, data);
}

static void copy_derives_a_child_with_masked_rights(void)
{
    static struct endpoint endpoint;
    setup_cnode();
    cte_insert(0, &cnode[1], endpoint_cap(&endpoint, 5));
    CHECK_EQ_U64(copy(2, 1, TERN_RIGHT_WRITE | 64), TERN_OK);
    CHECK(cnode[2].parent == &cnode[1]);
    CHECK_EQ_U64(cnode[2].cap.rights, TERN_RIGHT_WRITE);
    CHECK_EQ_U64(cnode[2].cap.word, 5);
    CHECK_EQ_U64(cnode[2].cap.object, (uint64_t)&endpoint);
    CHECK_EQ_U64(copy(3, 2, TERN_RIGHTS_ALL), TERN_OK);
    CHECK_EQ_U64(cnode[3].cap.rights, TERN_RIGHT_WRITE);
    teardown_cnode();
}

static void copy_of_a_mapped_frame_is_unmapped(void)
{
    setup_cnode();
    cte_insert(0, &cnode[1], (struct cap){ .type = CAP_FRAME, .rights = TERN_RIGHTS_ALL,
                                           .object = 0x1000, .word = 0x400000, .word2 = 3 });
    CHECK_EQ_U64(copy(2, 1, TERN_RIGHTS_ALL), TERN_OK);
    CHECK_EQ_U64(cnode[2].cap.word, 0);
    CHECK_EQ_U64(cnode[2].cap.word2, 0);
    CHECK_EQ_U64(cnode[1].cap.word2, 3);
    teardown_cnode();
}

static void copy_refuses_reply_and_irq_control_caps(void)
{
    static struct reply reply;
    setup_cnode();
    cte_insert(0, &cnode[1], object_cap(CAP_REPLY, &reply));
    cte_insert(0, &cnode[2], (struct cap){ .type = CAP_IRQ_CONTROL });
    CHECK_EQ_U64(copy(3, 1, TERN_RIGHTS_ALL), TERN_ILLEGAL_OPERATION);
    CHECK_EQ_U64(copy(3, 2, TERN_RIGHTS_ALL), TERN_ILLEGAL_OPERATION);
    CHECK_EQ_U64(mint(3, 1, TERN_RIGHTS_ALL, 0), TERN_ILLEGAL_OPERATION);
    CHECK(is_empty(&cnode[3]));
    /* They can be moved. */
    CHECK_EQ_U64(invoke(TERN_CNODE_MOVE, 4, 3, 64, 1, 64, 0, 0), TERN_OK);
    CHECK(cnode[3].cap.type == CAP_REPLY && is_empty(&cnode[1]));
    CHECK_EQ_U64(invoke(TERN_CNODE_MOVE, 4, 4, 64, 2, 64, 0, 0), TERN_OK);
    CHECK(cnode[4].cap.type == CAP_IRQ_CONTROL);
    teardown_cnode();
}

static void copy_of_an_untyped_needs_no_children_and_fills_the_source(void)
{
    static struct endpoint endpoint;
    setup_cnode();
    cte_insert(0, &cnode[1], untyped_cap(0x80000000, 16));
    CHECK_EQ_U64(copy(2, 1, TERN_RIGHTS_ALL), TERN_OK);
    CHECK_EQ_U64(cnode[1].cap.word, 1 << 16);
    CHECK_EQ_U64(cnode[2].cap.word, 0);
    CHECK_EQ_U64(copy(3, 1, TERN_RIGHTS_ALL), TERN_REVOKE_FIRST);
    cte_insert(&cnode[2], &cnode[4], endpoint_cap(&endpoint, 0));
    CHECK_EQ_U64(copy(3, 2, TERN_RIGHTS_ALL), TERN_REVOKE_FIRST);
    teardown_cnode();
}

static void mint_badges_an_unbadged_endpoint_only(void)
{
    static struct endpoint endpoint;
    static struct notification notification;
    setup_cnode();
    cte_insert(0, &cnode[1], endpoint_cap(&endpoint, 0));
    cte_insert(0, &cnode[2], object_cap(CAP_NOTIFICATION, &notification));
    CHECK_EQ_U64(mint(3, 1, TERN_RIGHT_WRITE, 42), TERN_OK);
    CHECK_EQ_U64(cnode[3].cap.word, 42);
    CHECK_EQ_U64(cnode[3].cap.rights, TERN_RIGHT_WRITE);
    CHECK(cnode[3].parent == &cnode[1]);
    CHECK_EQ_U64(mint(4, 3, TERN_RIGHTS_ALL, 7), TERN_ILLEGAL_OPERATION);
    CHECK_EQ_U64(mint(4, 3, TERN_RIGHTS_ALL, 0), TERN_ILLEGAL_OPERATION);
    CHECK(is_empty(&cnode[4]));
    CHECK_EQ_U64(mint(4, 2, TERN_RIGHTS_ALL, 9), TERN_OK);
    CHECK_EQ_U64(cnode[4].cap.word, 9);
    teardown_cnode();
}

static void mint_sets_a_cnode_guard(void)
{
    struct cte *other = new_cnode(4);
    setup_cnode();
    cte_insert(0, &cnode[1], cnode_cap(other, 4, 0, 0));
    CHECK_EQ_U64(mint(2, 1, TERN_RIGHTS_ALL, (0x5ULL << 6) | 3), TERN_OK);
    CHECK_EQ_U64(cnode[2].cap.word, 5);
    CHECK_EQ_U64(cnode[2].cap.word2, 3);
    CHECK_EQ_U64(mint(3, 1, TERN_RIGHTS_ALL, 61), TERN_RANGE_ERROR);       /* 61 + 4 > 64 */
    CHECK_EQ_U64(mint(3, 1, TERN_RIGHTS_ALL, (0x8ULL << 6) | 3), TERN_RANGE_ERROR);
    CHECK(is_empty(&cnode[3]));
    teardown_cnode();
    free(other);
}

static void mint_ignores_data_for_other_types(void)
{
    static struct tcb tcb;
    setup_cnode();
    cte_insert(0, &cnode[1], object_cap(CAP_TCB, &tcb));
    CHECK_EQ_U64(mint(2, 1, TERN_RIGHTS_ALL, 99), TERN_OK);
    CHECK_EQ_U64(cnode[2].cap.word, 0);
    teardown_cnode();
}

static void move_and_mutate_keep_the_tree_position(void)
{
    static struct endpoint endpoint;
    setup_cnode();
    cte_insert(0, &cnode[1], endpoint_cap(&endpoint, 0));
    cte_insert(&cnode[1], &cnode[2], cnode[1].cap);
    cte_insert(&cnode[2], &cnode[3], cnode[2].cap);
    CHECK_EQ_U64(invoke(TERN_CNODE_MOVE, 4, 10, 64, 2, 64, 0, 0), TERN_OK);
    CHECK(is_empty(&cnode[2]));
    CHECK(cnode[10].parent == &cnode[1] && cnode[3].parent == &cnode[10]);
    CHECK_EQ_U64(invoke(TERN_CNODE_MUTATE, 5, 11, 64, 10, 64, 77, 0), TERN_OK);
    CHECK(cnode[11].parent == &cnode[1] && cnode[3].parent == &cnode[11]);
    CHECK_EQ_U64(cnode[11].cap.word, 77);
    CHECK_EQ_U64(invoke(TERN_CNODE_MUTATE, 5, 12, 64, 11, 64, 78, 0), TERN_ILLEGAL_OPERATION);
    CHECK(cnode[11].cap.word == 77 && is_empty(&cnode[12]));
    CHECK_EQ_U64(endpoint.cap_count, 3);
    CHECK(tree_consistent(cnode, 1 << CNODE_RADIX));
    teardown_cnode();
}

static void transfer_errors(void)
{
    static struct endpoint endpoint;
    setup_cnode();
    cte_insert(0, &cnode[1], endpoint_cap(&endpoint, 0));
    cte_insert(0, &cnode[2], endpoint_cap(&endpoint, 0));
    CHECK_EQ_U64(copy(2, 1, TERN_RIGHTS_ALL), TERN_DELETE_FIRST);
    CHECK_EQ_U64(copy(1, 1, TERN_RIGHTS_ALL), TERN_DELETE_FIRST);
    CHECK_EQ_U64(copy(3, 4, TERN_RIGHTS_ALL), TERN_FAILED_LOOKUP);
    CHECK_EQ_U64(copy(3, 1ULL << 40, TERN_RIGHTS_ALL), TERN_FAILED_LOOKUP);
    CHECK_EQ_U64(invoke(TERN_CNODE_COPY, 5, 3, 65, 1, 64, TERN_RIGHTS_ALL, 0),
                 TERN_RANGE_ERROR);
    CHECK_EQ_U64(invoke(TERN_CNODE_COPY, 5, 3, 64, 1, 1ULL << 32 | 64, TERN_RIGHTS_ALL, 0),
                 TERN_RANGE_ERROR);
    CHECK_EQ_U64(invoke(TERN_CNODE_COPY, 4, 3, 64, 1, 64, 0, 0), TERN_TRUNCATED_MESSAGE);
    CHECK_EQ_U64(invoke(TERN_CNODE_MINT, 5, 3, 64, 1, 64, TERN_RIGHTS_ALL, 0),
                 TERN_TRUNCATED_MESSAGE);
    CHECK_EQ_U64(invoke(TERN_CNODE_MOVE, 3, 3, 64, 1, 0, 0, 0), TERN_TRUNCATED_MESSAGE);
    CHECK_EQ_U64(invoke(TERN_CNODE_MUTATE, 4, 3, 64, 1, 64, 0, 0), TERN_TRUNCATED_MESSAGE);
    CHECK_EQ_U64(invoke(TERN_CNODE_DELETE, 1, 3, 0, 0, 0, 0, 0), TERN_TRUNCATED_MESSAGE);
    CHECK_EQ_U64(invoke(TERN_UNTYPED_RETYPE, 6, 0, 0, 0, 0, 0, 0), TERN_ILLEGAL_OPERATION);

    static struct invocation inv;
    memset(&inv, 0, sizeof(inv));
    inv.slot = &cnode_slot;
    inv.label = TERN_CNODE_COPY;
    inv.length = 5;
    inv.args[0] = 3, inv.args[1] = 64, inv.args[2] = 1, inv.args[3] = 64;
    CHECK_EQ_U64(cnode_decode(&inv), TERN_TRUNCATED_MESSAGE);     /* no source CNode */
    inv.extra_caps[0] = &cnode[1];
    inv.extra_cap_count = 1;
    CHECK_EQ_U64(cnode_decode(&inv), TERN_INVALID_CAPABILITY);    /* not a CNode */
    CHECK(is_empty(&cnode[3]));
    CHECK_EQ_U64(endpoint.cap_count, 2);
    teardown_cnode();
}

static void copy_between_two_cnodes(void)
{
    static struct endpoint endpoint;
    struct cte *source_cnode = new_cnode(2);
    struct cte source_slot = { 0 };
    setup_cnode();
    cte_insert(0, &source_slot, cnode_cap(source_cnode, 2, 0, 0));
    cte_insert(0, &source_cnode[3], endpoint_cap(&endpoint, 0));
    static struct invocation inv;
    memset(&inv, 0, sizeof(inv));
    inv.slot = &cnode_slot;
    inv.label = TERN_CNODE_COPY;
    inv.length = 5;
    inv.args[0] = 6, inv.args[1] = 64, inv.args[2] = 3, inv.args[3] = 2;
    inv.args[4] = TERN_RIGHTS_ALL;
    inv.extra_caps[0] = &source_slot;
    inv.extra_cap_count = 1;
    CHECK_EQ_U64(cnode_decode(&inv), TERN_OK);
    CHECK(cnode[6].parent == &source_cnode[3]);
    teardown_cnode();
    cte_delete(&source_cnode[3]);
    cte_delete(&source_slot);
    free(source_cnode);
}

static void delete_and_revoke_invocations(void)
{
    static struct endpoint endpoint;
    setup_cnode();
    endpoint.cap_count = 0;
    cte_insert(0, &cnode[1], endpoint_cap(&endpoint, 0));
    cte_insert(&cnode[1], &cnode[2], cnode[1].cap);
    cte_insert(&cnode[2], &cnode[3], cnode[2].cap);
    CHECK_EQ_U64(invoke(TERN_CNODE_REVOKE, 2, 1, 64, 0, 0, 0, 0), TERN_OK);
    CHECK(is_empty(&cnode[2]) && is_empty(&cnode[3]));
    CHECK_EQ_U64(destroyed_count, 0);
    CHECK_EQ_U64(invoke(TERN_CNODE_DELETE, 2, 1, 64, 0, 0, 0, 0), TERN_OK);
    CHECK_EQ_U64(destroy_count(CAP_ENDPOINT, &endpoint), 1);
    CHECK_EQ_U64(invoke(TERN_CNODE_DELETE, 2, 1, 64, 0, 0, 0, 0), TERN_OK);
    CHECK_EQ_U64(invoke(TERN_CNODE_DELETE, 2, 1, 0, 0, 0, 0, 0), TERN_RANGE_ERROR);
    CHECK_EQ_U64(invoke(TERN_CNODE_REVOKE, 2, 1ULL << 60, 64, 0, 0, 0, 0),
                 TERN_FAILED_LOOKUP);
    teardown_cnode();
}

/* Compare: 0 for the same object and badge whatever the rights, 1 and
 * 2 as a consistent order for anything else; errors for empty slots. */
static enum tern_error compare(uint64_t a, uint64_t b, uint64_t *order)
{
    static struct invocation inv;
    memset(&inv, 0, sizeof(inv));
    inv.slot = &cnode_slot;
    inv.label = TERN_CNODE_COMPARE;
    inv.length = 4;
    inv.args[0] = a, inv.args[1] = 64, inv.args[2] = b, inv.args[3] = 64;
    inv.extra_caps[0] = &cnode_slot;
    inv.extra_cap_count = 1;
    enum tern_error error = cnode_decode(&inv);
    *order = inv.result_count ? inv.results[0] : 99;
    return error;
}

static void compare_orders_object_and_badge(void)
{
    static struct endpoint first, second;
    setup_cnode();
    first.cap_count = second.cap_count = 0;
    cte_insert(0, &cnode[1], endpoint_cap(&first, 5));
    cte_insert(&cnode[1], &cnode[2], cnode[1].cap);
    cnode[2].cap.rights = TERN_RIGHT_WRITE;
    cte_insert(0, &cnode[3], endpoint_cap(&first, 6));
    cte_insert(0, &cnode[4], endpoint_cap(&second, 5));
    uint64_t order;
    CHECK_EQ_U64(compare(1, 2, &order), TERN_OK);
    CHECK_EQ_U64(order, 0);
    CHECK_EQ_U64(compare(1, 1, &order), TERN_OK);
    CHECK_EQ_U64(order, 0);
    /* Other badge, other object: never 0, and the reverse is the other way. */
    uint64_t pairs[][2] = { { 1, 3 }, { 1, 4 }, { 3, 4 } };
    uint64_t forward[3];
    for (unsigned i = 0; i < 3; i++) {
        uint64_t backward;
        CHECK_EQ_U64(compare(pairs[i][0], pairs[i][1], &forward[i]), TERN_OK);
        CHECK_EQ_U64(compare(pairs[i][1], pairs[i][0], &backward), TERN_OK);
        CHECK(forward[i] == 1 || forward[i] == 2);
        CHECK_EQ_U64(forward[i] + backward, 3);
    }
    /* Transitive: 1 < 3 and 3 < 4 mean 1 < 4 (and the same for >). */
    if (forward[0] == forward[2])
        CHECK_EQ_U64(forward[1], forward[0]);
    CHECK_EQ_U64(compare(1, 9, &order), TERN_FAILED_LOOKUP);
    CHECK_EQ_U64(compare(9, 1, &order), TERN_FAILED_LOOKUP);
    CHECK_EQ_U64(compare(1, 1ULL << 60, &order), TERN_FAILED_LOOKUP);
    CHECK_EQ_U64(invoke(TERN_CNODE_COMPARE, 3, 1, 64, 2, 0, 0, 0), TERN_TRUNCATED_MESSAGE);
    teardown_cnode();
}

/* Deleting the invoked CNode's last cap through itself empties it. */
static void delete_of_the_invoked_cnodes_own_cap(void)
{
    static struct endpoint endpoint;
    setup_cnode();
    endpoint.cap_count = 0;
    cte_insert(0, &cnode[1], endpoint_cap(&endpoint, 0));
    cte_insert(&cnode_slot, &cnode[0], cnode_slot.cap);
    cte_delete(&cnode_slot);                  /* only the copy in slot 0 is left */
    CHECK_EQ_U64(destroyed_count, 0);
    static struct invocation inv;
    memset(&inv, 0, sizeof(inv));
    inv.slot = &cnode[0];
    inv.label = TERN_CNODE_DELETE;
    inv.length = 2;
    inv.args[0] = 0, inv.args[1] = 64;
    CHECK_EQ_U64(cnode_decode(&inv), TERN_OK);
    CHECK_EQ_U64(destroy_count(CAP_ENDPOINT, &endpoint), 1);
    CHECK(is_empty(&cnode[0]) && is_empty(&cnode[1]));
    free(cnode);
}

int main(void)
{
    RUN_TEST(insert_makes_the_first_child);
    RUN_TEST(insert_counts_a_reference);
    RUN_TEST(move_keeps_the_place_in_the_tree);
    RUN_TEST(move_of_a_first_child_updates_the_parent);
    RUN_TEST(delete_hands_children_to_the_parent_in_place);
    RUN_TEST(delete_of_a_root_keeps_its_children_siblings);
    RUN_TEST(delete_of_an_empty_slot_does_nothing);
    RUN_TEST(delete_of_the_last_cap_destroys_the_object_once);
    RUN_TEST(each_counted_type_has_its_destroy_function);
    RUN_TEST(delete_of_uncounted_caps_destroys_nothing);
    RUN_TEST(every_delete_of_a_mapped_frame_unmaps_it);
    RUN_TEST(cnode_survives_while_a_copy_remains);
    RUN_TEST(cnode_copies_among_other_objects_are_found);
    RUN_TEST(cnode_whose_only_cap_is_in_itself_is_emptied_when_it_is_deleted);
    RUN_TEST(cnode_whose_only_cap_is_in_its_slot_0_is_emptied);
    RUN_TEST(deleting_a_long_chain_of_cnodes_does_not_recurse);
    RUN_TEST(deleting_a_long_chain_through_tcbs_does_not_recurse);
    RUN_TEST(revoke_deletes_descendants_only);
    RUN_TEST(revoke_of_a_leaf_or_empty_slot_does_nothing);
    RUN_TEST(revoke_of_a_deep_chain_does_not_recurse);
    RUN_TEST(revoke_of_an_untyped_destroys_what_was_made_from_it);
    RUN_TEST(random_operations_empty_a_cnode_exactly_at_its_last_cap);
    RUN_TEST(lookup_resolves_guard_then_radix);
    RUN_TEST(lookup_rejects_a_guard_mismatch);
    RUN_TEST(lookup_depth_must_be_1_to_64);
    RUN_TEST(lookup_fails_when_the_depth_ends_inside_a_level);
    RUN_TEST(lookup_fails_on_a_root_that_is_not_a_cnode);
    RUN_TEST(lookup_fails_on_a_level_that_resolves_no_bits);
    RUN_TEST(two_level_lookup_continues_into_the_next_cnode);
    RUN_TEST(lookup_cap_resolves_all_64_bits);
    RUN_TEST(copy_derives_a_child_with_masked_rights);
    RUN_TEST(copy_of_a_mapped_frame_is_unmapped);
    RUN_TEST(copy_refuses_reply_and_irq_control_caps);
    RUN_TEST(copy_of_an_untyped_needs_no_children_and_fills_the_source);
    RUN_TEST(mint_badges_an_unbadged_endpoint_only);
    RUN_TEST(mint_sets_a_cnode_guard);
    RUN_TEST(mint_ignores_data_for_other_types);
    RUN_TEST(move_and_mutate_keep_the_tree_position);
    RUN_TEST(transfer_errors);
    RUN_TEST(copy_between_two_cnodes);
    RUN_TEST(delete_and_revoke_invocations);
    RUN_TEST(delete_of_the_invoked_cnodes_own_cap);
    RUN_TEST(compare_orders_object_and_badge);
    return check_report();
}
