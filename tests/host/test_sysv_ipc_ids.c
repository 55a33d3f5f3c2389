/* System V ids, keys and permissions (servers/sysv/ipc_ids.c), as Linux
 * 6.1's ipc/util.c hands them out and checks them. */
#include "test_sysv_support.h"
#include "sysv/ipc_ids.h"

#define LIMIT 100

static struct ipc_ids ids;
static struct ipc_object objects[LIMIT + 1];

static void fresh(void)
{
    if (ids.objects)
        free(ids.objects), blocks_live--;
    ipc_ids_init(&ids, LIMIT, &services);
    memset(objects, 0, sizeof objects);
}

static int32_t add(unsigned which, int32_t key, uint32_t mode)
{
    return ipc_ids_add(&ids, &objects[which], key, mode, &user);
}

static void first_ids_count_up_from_zero(void)
{
    fresh();
    CHECK_EQ_U64(add(0, 0, 0600), 0);
    CHECK_EQ_U64(add(1, 0, 0600), 1);
    CHECK_EQ_U64(add(2, 0, 0600), 2);
    CHECK_EQ_U64(ipc_ids_highest_index(&ids), 2);
    CHECK(ipc_ids_find(&ids, 1) == &objects[1]);
    CHECK(ipc_ids_find(&ids, -1) == NULL);
    CHECK(ipc_ids_find(&ids, 3) == NULL);
}

static void owner_and_creator_are_the_caller(void)
{
    fresh();
    add(0, 0x1234, 0640 | SYSV_IPC_CREAT | SYSV_IPC_EXCL);
    CHECK_EQ_U64(objects[0].uid, 1000);
    CHECK_EQ_U64(objects[0].cuid, 1000);
    CHECK_EQ_U64(objects[0].gid, 1000);
    CHECK_EQ_U64(objects[0].cgid, 1000);
    CHECK_EQ_U64(objects[0].mode, 0640);   /* only the permission bits */
    CHECK_EQ_U64(objects[0].key, 0x1234);
}

/* A removed index is not reused at once: indexes go round (at least 64),
 * and the sequence number moves on when they wrap, so an old id never
 * names a new object. */
static void indexes_cycle_and_ids_change_on_wrap(void)
{
    fresh();
    for (unsigned i = 0; i < 64; i++)
        add(0, 0, 0600), ipc_ids_remove(&ids, &objects[0]);
    CHECK_EQ_U64(ids.last_index, 63);
    CHECK_EQ_U64(ipc_ids_highest_index(&ids), 0);   /* none in use */
    int32_t wrapped = add(0, 0, 0600);
    CHECK_EQ_U64(wrapped, 1 << SYSV_ID_INDEX_BITS);     /* index 0, sequence 1 */
    CHECK(ipc_ids_find(&ids, 0) == NULL);
    CHECK(ipc_ids_find(&ids, wrapped) == &objects[0]);
    /* *_STAT take an index: the sequence bits do not matter there. */
    CHECK(ipc_ids_at(&ids, 0) == &objects[0]);
}

static void the_limit_is_enospc(void)
{
    fresh();
    for (unsigned i = 0; i < LIMIT; i++)
        CHECK(add(i, 0, 0600) >= 0);
    CHECK_EQ_U64(add(LIMIT, 0, 0600), -LINUX_ENOSPC);
    ipc_ids_remove(&ids, &objects[5]);
    CHECK(add(LIMIT, 0, 0600) >= 0);
}

static void highest_index_follows_removals(void)
{
    fresh();
    add(0, 0, 0600);
    add(1, 0, 0600);
    add(2, 0, 0600);
    ipc_ids_remove(&ids, &objects[2]);
    CHECK_EQ_U64(ipc_ids_highest_index(&ids), 1);
    ipc_ids_remove(&ids, &objects[0]);
    CHECK_EQ_U64(ipc_ids_highest_index(&ids), 1);
}

/* The table shrinks as objects go, and is freed when none is left; ids
 * go on cycling from where they were. */
static void the_table_gives_back_what_it_grew(void)
{
    fresh();
    for (unsigned i = 0; i < LIMIT; i++)
        add(i, 0, 0600);
    CHECK_EQ_U64(ids.capacity, 128);
    for (unsigned i = 10; i < LIMIT; i++)
        ipc_ids_remove(&ids, &objects[i]);
    CHECK_EQ_U64(ids.capacity, 64);
    for (unsigned i = 0; i < 10; i++)
        CHECK(ipc_ids_find(&ids, objects[i].id) == &objects[i]);
    for (unsigned i = 0; i < 10; i++)
        ipc_ids_remove(&ids, &objects[i]);
    CHECK(ids.objects == NULL);
    CHECK_EQ_U64(ids.capacity, 0);
    CHECK_EQ_U64(blocks_live, 0);
    /* Index 0 again, past the few indexes one object may cycle through:
     * its sequence number says it is new. */
    int32_t again = add(0, 0, 0600);
    CHECK_EQ_U64(again, 1 << SYSV_ID_INDEX_BITS);
    CHECK(ipc_ids_find(&ids, again) == &objects[0]);
}

static void lookup_by_key(void)
{
    fresh();
    struct ipc_object *found;
    CHECK_EQ_U64(ipc_ids_lookup(&ids, SYSV_IPC_PRIVATE, 0, &found), IPC_GET_CREATE);
    CHECK_EQ_U64(ipc_ids_lookup(&ids, 77, 0, &found), -LINUX_ENOENT);
    CHECK_EQ_U64(ipc_ids_lookup(&ids, 77, SYSV_IPC_CREAT, &found), IPC_GET_CREATE);
    add(0, 77, 0600);
    CHECK_EQ_U64(ipc_ids_lookup(&ids, 77, 0, &found), 0);
    CHECK(found == &objects[0]);
    CHECK_EQ_U64(ipc_ids_lookup(&ids, 77, SYSV_IPC_CREAT, &found), 0);
    CHECK_EQ_U64(ipc_ids_lookup(&ids, 77, SYSV_IPC_CREAT | SYSV_IPC_EXCL, &found),
                 -LINUX_EEXIST);
    /* IPC_EXCL alone is ignored, as on Linux. */
    CHECK_EQ_U64(ipc_ids_lookup(&ids, 77, SYSV_IPC_EXCL, &found), 0);
    /* A removed-but-attached segment's key is IPC_PRIVATE: not found. */
    objects[0].key = SYSV_IPC_PRIVATE;
    CHECK_EQ_U64(ipc_ids_lookup(&ids, 77, 0, &found), -LINUX_ENOENT);
}

static void permissions_by_owner_group_other(void)
{
    fresh();
    add(0, 0, 0640);
    const struct sysv_caller group_member = {40, 3000, 1000};
    CHECK(ipc_permitted(&objects[0], &user, 0666));         /* rw asked of the owner's rw */
    CHECK(!ipc_permitted(&objects[0], &user, 0111));        /* no execute */
    CHECK(ipc_permitted(&objects[0], &group_member, 0444));
    CHECK(!ipc_permitted(&objects[0], &group_member, 0222));
    CHECK(!ipc_permitted(&objects[0], &stranger, 0444));
    CHECK(ipc_permitted(&objects[0], &stranger, 0));         /* nothing asked */
    CHECK(ipc_permitted(&objects[0], &root, 0777));          /* CAP_IPC_OWNER */
    /* The flags semget and shmget pass count by their low nine bits only. */
    CHECK(ipc_permitted(&objects[0], &stranger, SYSV_IPC_CREAT | SYSV_IPC_EXCL));
    /* A new owner is judged as the owner, the creator still is too. */
    objects[0].uid = 2000;
    CHECK(ipc_permitted(&objects[0], &stranger, 0600));
    CHECK(ipc_permitted(&objects[0], &user, 0600));
    objects[0].mode = 0004;
    CHECK(!ipc_permitted(&objects[0], &user, 0444));        /* owner bits, not others' */
}

static void control_is_for_owner_creator_or_root(void)
{
    fresh();
    add(0, 0, 0666);
    CHECK(ipc_may_control(&objects[0], &user));
    CHECK(ipc_may_control(&objects[0], &root));
    CHECK(!ipc_may_control(&objects[0], &stranger));
    objects[0].uid = 2000;
    CHECK(ipc_may_control(&objects[0], &stranger));         /* the owner now */
    CHECK(ipc_may_control(&objects[0], &user));             /* still the creator */
}

static void ipc_set_changes_owner_and_permission_bits(void)
{
    fresh();
    add(0, 55, 0600);
    objects[0].mode |= SYSV_SHM_DEST;
    struct sysv_ipc64_perm wanted = {.uid = 7, .gid = 8, .mode = 07777};
    CHECK_EQ_U64(ipc_object_set(&objects[0], &wanted, 77), 0);
    CHECK_EQ_U64(objects[0].ctime, 77);
    CHECK_EQ_U64(objects[0].uid, 7);
    CHECK_EQ_U64(objects[0].gid, 8);
    CHECK_EQ_U64(objects[0].mode, SYSV_SHM_DEST | 0777);
    CHECK_EQ_U64(objects[0].cuid, 1000);
    wanted.uid = UINT32_MAX;
    CHECK_EQ_U64(ipc_object_set(&objects[0], &wanted, 78), -LINUX_EINVAL);
    struct sysv_ipc64_perm shown;
    ipc_object_get(&objects[0], &shown);
    CHECK_EQ_U64(shown.key, 55);
    CHECK_EQ_U64(shown.uid, 7);
    CHECK_EQ_U64(shown.cuid, 1000);
    CHECK_EQ_U64(shown.mode, SYSV_SHM_DEST | 0777);
}

int main(void)
{
    RUN_TEST(first_ids_count_up_from_zero);
    RUN_TEST(owner_and_creator_are_the_caller);
    RUN_TEST(indexes_cycle_and_ids_change_on_wrap);
    RUN_TEST(the_limit_is_enospc);
    RUN_TEST(highest_index_follows_removals);
    RUN_TEST(the_table_gives_back_what_it_grew);
    RUN_TEST(lookup_by_key);
    RUN_TEST(permissions_by_owner_group_other);
    RUN_TEST(control_is_for_owner_creator_or_root);
    RUN_TEST(ipc_set_changes_owner_and_permission_bits);
    fresh();
    return check_report();
}
