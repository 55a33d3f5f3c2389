/* Where procmgr runs a new thread: the least loaded core its mask allows
 * (servers/procmgr/placement.h). */
#include "check.h"
#include "placement.h"

static void new_threads_spread_over_the_cores(void)
{
    struct placement p = { .cores = 4 };
    unsigned seen[4] = { 0 };
    for (unsigned i = 0; i < 8; i++) {
        unsigned core = placement_choose(&p, 0xf);
        placement_add(&p, core);
        seen[core]++;
    }
    for (unsigned core = 0; core < 4; core++)
        CHECK_EQ_U64(seen[core], 2);
}

static void the_lowest_of_equally_loaded_cores_comes_first(void)
{
    struct placement p = { .cores = 4, .threads = { 3, 1, 1, 2 } };
    CHECK_EQ_U64(placement_choose(&p, 0xf), 1);
    struct placement idle = { .cores = 2 };
    CHECK_EQ_U64(placement_choose(&idle, 0x3), 0);
}

static void the_mask_is_respected_however_loaded_its_cores(void)
{
    struct placement p = { .cores = 4, .threads = { 0, 9, 5, 0 } };
    CHECK_EQ_U64(placement_choose(&p, 0x6), 2);
    CHECK_EQ_U64(placement_choose(&p, 0x2), 1);
    CHECK_EQ_U64(placement_choose(&p, 0x8), 3);
}

static void cores_not_online_are_never_chosen(void)
{
    struct placement p = { .cores = 2, .threads = { 4, 4 } };
    CHECK_EQ_U64(placement_choose(&p, 0xf), 0);
}

static void a_thread_whose_core_stays_allowed_stays(void)
{
    struct placement p = { .cores = 4, .threads = { 0, 0, 7, 0 } };
    CHECK_EQ_U64(placement_rechoose(&p, 0xc, 2), 2);
    CHECK_EQ_U64(placement_rechoose(&p, 0x6, 0), 1);
}

static void ended_threads_free_their_core(void)
{
    struct placement p = { .cores = 2 };
    placement_add(&p, 0);
    placement_add(&p, 1);
    placement_add(&p, 1);
    CHECK_EQ_U64(placement_choose(&p, 0x3), 0);
    placement_remove(&p, 1);
    placement_remove(&p, 1);
    CHECK_EQ_U64(placement_choose(&p, 0x3), 1);
    placement_remove(&p, 1);        /* more ends than starts: stays at 0 */
    CHECK_EQ_U64(p.threads[1], 0);
}

int main(void)
{
    RUN_TEST(new_threads_spread_over_the_cores);
    RUN_TEST(the_lowest_of_equally_loaded_cores_comes_first);
    RUN_TEST(the_mask_is_respected_however_loaded_its_cores);
    RUN_TEST(cores_not_online_are_never_chosen);
    RUN_TEST(a_thread_whose_core_stays_allowed_stays);
    RUN_TEST(ended_threads_free_their_core);
    return check_report();
}
