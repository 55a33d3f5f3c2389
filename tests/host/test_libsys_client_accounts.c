/*
 * Host tests of the per-client accounts servers keep (sys/client_accounts.h):
 * the process and user ceilings and their errnos, root's exemption, charges
 * given back, accounts that go with their last charge, and a process that
 * ended.
 */
#include <stdlib.h>
#include "check.h"
#include "sys/client_accounts.h"
#include "sys/linux_abi.h"

static unsigned live_blocks;
static unsigned block_limit = 100000;

static void *allocate(void *context, size_t size)
{
    (void)context;
    if (live_blocks == block_limit)
        return NULL;
    live_blocks++;
    return calloc(1, size);
}

static void release(void *context, void *block)
{
    (void)context;
    live_blocks--;
    free(block);
}

static struct client_accounts accounts;

static void fresh(uint32_t process_ceiling, uint32_t user_ceiling)
{
    client_accounts_init(&accounts, allocate, release, NULL, process_ceiling, user_ceiling);
}

static void a_process_stops_at_its_ceiling_with_emfile(void)
{
    fresh(3, 100);
    struct client_owner owners[4];
    for (int i = 0; i < 3; i++)
        CHECK_EQ_U64(client_charge(&accounts, 10, 1000, &owners[i]), 0);
    CHECK_EQ_U64(client_charge(&accounts, 10, 1000, &owners[3]), -LINUX_EMFILE);
    CHECK_EQ_U64(client_process_charges(&accounts, 10), 3);
    CHECK_EQ_U64(client_user_charges(&accounts, 1000), 3);
    /* Another process of the same user is not refused. */
    CHECK_EQ_U64(client_charge(&accounts, 11, 1000, &owners[3]), 0);
    /* A charge given back makes room again. */
    client_uncharge(&accounts, &owners[0]);
    CHECK_EQ_U64(client_charge(&accounts, 10, 1000, &owners[0]), 0);
    for (int i = 0; i < 4; i++)
        client_uncharge(&accounts, &owners[i]);
    CHECK_EQ_U64(live_blocks, 0);
}

static void a_user_stops_at_its_ceiling_with_enfile_and_others_go_on(void)
{
    fresh(100, 4);
    struct client_owner owners[8];
    CHECK_EQ_U64(client_charge(&accounts, 20, 1000, &owners[0]), 0);
    CHECK_EQ_U64(client_charge(&accounts, 21, 1000, &owners[1]), 0);
    CHECK_EQ_U64(client_charge(&accounts, 22, 1000, &owners[2]), 0);
    CHECK_EQ_U64(client_charge(&accounts, 22, 1000, &owners[3]), 0);
    CHECK_EQ_U64(client_charge(&accounts, 23, 1000, &owners[4]), -LINUX_ENFILE);
    CHECK_EQ_U64(client_charge_owner(&accounts, &owners[0]), -LINUX_ENFILE);
    /* The refused process has no account left behind. */
    CHECK_EQ_U64(client_process_charges(&accounts, 23), 0);
    CHECK_EQ_U64(live_blocks, 4);    /* three processes and the user */
    /* Another user, and root, are not refused. */
    CHECK_EQ_U64(client_charge(&accounts, 24, 1001, &owners[4]), 0);
    CHECK_EQ_U64(client_charge(&accounts, 25, 0, &owners[5]), 0);
    CHECK(owners[5].user == NULL);
    for (int i = 0; i < 6; i++)
        client_uncharge(&accounts, &owners[i]);
    CHECK_EQ_U64(client_user_charges(&accounts, 1000), 0);
    CHECK_EQ_U64(live_blocks, 0);
}

static void root_is_held_by_the_process_ceiling_only(void)
{
    fresh(5, 2);
    struct client_owner owners[6];
    for (int i = 0; i < 5; i++)
        CHECK_EQ_U64(client_charge(&accounts, 1, 0, &owners[i]), 0);
    CHECK_EQ_U64(client_charge(&accounts, 1, 0, &owners[5]), -LINUX_EMFILE);
    CHECK_EQ_U64(client_user_charges(&accounts, 0), 0);
    for (int i = 0; i < 5; i++)
        client_uncharge(&accounts, &owners[i]);
    CHECK_EQ_U64(live_blocks, 0);
}

static void charges_to_an_owner_go_to_its_maker(void)
{
    fresh(3, 100);
    struct client_owner pipe;
    CHECK_EQ_U64(client_charge(&accounts, 30, 1000, &pipe), 0);
    /* Its other ends, whoever opens them, are the maker's. */
    CHECK_EQ_U64(client_charge_owner(&accounts, &pipe), 0);
    CHECK_EQ_U64(client_charge_owner(&accounts, &pipe), 0);
    CHECK_EQ_U64(client_charge_owner(&accounts, &pipe), -LINUX_EMFILE);
    CHECK_EQ_U64(client_process_charges(&accounts, 30), 3);
    CHECK_EQ_U64(client_user_charges(&accounts, 1000), 3);
    for (int i = 0; i < 3; i++)
        client_uncharge(&accounts, &pipe);
    CHECK_EQ_U64(client_process_charges(&accounts, 30), 0);
    CHECK_EQ_U64(live_blocks, 0);
}

static void an_ended_process_keeps_its_charges_apart_from_a_new_one(void)
{
    fresh(2, 100);
    struct client_owner passed_on, other;
    CHECK_EQ_U64(client_charge(&accounts, 40, 1000, &passed_on), 0);
    CHECK_EQ_U64(client_charge_owner(&accounts, &passed_on), 0);
    client_process_ended(&accounts, 40);
    /* A later process with the same pid starts from nothing. */
    CHECK_EQ_U64(client_process_charges(&accounts, 40), 0);
    CHECK_EQ_U64(client_charge(&accounts, 40, 1000, &other), 0);
    CHECK(other.process != passed_on.process);
    CHECK_EQ_U64(client_user_charges(&accounts, 1000), 3);
    /* What the ended one made goes when it is given back. */
    client_uncharge(&accounts, &passed_on);
    client_uncharge(&accounts, &passed_on);
    CHECK_EQ_U64(live_blocks, 2);    /* the new process and the user */
    client_uncharge(&accounts, &other);
    CHECK_EQ_U64(live_blocks, 0);
    /* An end with nothing charged leaves nothing. */
    client_process_ended(&accounts, 41);
    CHECK_EQ_U64(live_blocks, 0);
}

/* A user's amount lives with its account, across its processes; root
 * has none. */
static void a_user_measures_an_amount_across_its_processes(void)
{
    fresh(10, 10);
    struct client_owner first, second, root;
    CHECK_EQ_U64(client_charge(&accounts, 60, 1000, &first), 0);
    CHECK_EQ_U64(client_charge(&accounts, 61, 1000, &second), 0);
    client_user_amount_add(&first, 16);
    client_user_amount_add(&second, 2);
    CHECK_EQ_U64(client_user_amount(&first), 18);
    CHECK_EQ_U64(client_user_amount(&second), 18);
    client_user_amount_add(&first, -16);
    CHECK_EQ_U64(client_user_amount(&second), 2);
    CHECK_EQ_U64(client_charge(&accounts, 62, 0, &root), 0);
    client_user_amount_add(&root, 16);
    CHECK_EQ_U64(client_user_amount(&root), 0);
    client_user_amount_add(&second, -2);
    client_uncharge(&accounts, &first);
    client_uncharge(&accounts, &second);
    client_uncharge(&accounts, &root);
    CHECK_EQ_U64(live_blocks, 0);
}

static void no_memory_for_an_account_is_enomem_and_leaves_nothing(void)
{
    fresh(10, 10);
    struct client_owner owner;
    block_limit = 0;
    CHECK_EQ_U64(client_charge(&accounts, 50, 1000, &owner), -LINUX_ENOMEM);
    block_limit = 1;    /* the process's account but not the user's */
    CHECK_EQ_U64(client_charge(&accounts, 50, 1000, &owner), -LINUX_ENOMEM);
    CHECK_EQ_U64(live_blocks, 0);
    CHECK_EQ_U64(client_charge(&accounts, 50, 0, &owner), 0);   /* root needs one */
    client_uncharge(&accounts, &owner);
    block_limit = 100000;
    CHECK_EQ_U64(live_blocks, 0);
}

static void many_clients_share_the_buckets(void)
{
    fresh(1, 1);
    static struct client_owner owners[500];
    for (uint32_t i = 0; i < 500; i++)
        CHECK_EQ_U64(client_charge(&accounts, 1000 + i, 5000 + i, &owners[i]), 0);
    for (uint32_t i = 0; i < 500; i++)
        CHECK_EQ_U64(client_process_charges(&accounts, 1000 + i), 1);
    CHECK_EQ_U64(client_charge(&accounts, 1250, 9999, &owners[0]), -LINUX_EMFILE);
    for (uint32_t i = 0; i < 500; i += 2)
        client_uncharge(&accounts, &owners[i]);
    for (uint32_t i = 1; i < 500; i += 2)
        CHECK_EQ_U64(client_user_charges(&accounts, 5000 + i), 1);
    for (uint32_t i = 1; i < 500; i += 2)
        client_uncharge(&accounts, &owners[i]);
    CHECK_EQ_U64(live_blocks, 0);
}

int main(void)
{
    a_process_stops_at_its_ceiling_with_emfile();
    a_user_stops_at_its_ceiling_with_enfile_and_others_go_on();
    root_is_held_by_the_process_ceiling_only();
    charges_to_an_owner_go_to_its_maker();
    an_ended_process_keeps_its_charges_apart_from_a_new_one();
    no_memory_for_an_account_is_enomem_and_leaves_nothing();
    a_user_measures_an_amount_across_its_processes();
    many_clients_share_the_buckets();
    return check_report();
}
