/*
 * Host tests of the OOM killer's choice (servers/procmgr/out_of_memory.h):
 * the process with the most pages, the first of equals, never an exempt
 * one or one with nothing to free.
 */
#include "check.h"
#include "out_of_memory.h"

static uint32_t choose(const struct oom_candidate *candidates, unsigned count)
{
    struct oom_choice choice = {0, 0};
    for (unsigned i = 0; i < count; i++)
        oom_consider(&choice, &candidates[i]);
    return choice.pid;
}

static void the_largest_is_chosen(void)
{
    const struct oom_candidate candidates[] = {
        {2, 100, false}, {7, 5000, false}, {9, 4999, false}, {12, 1, false},
    };
    CHECK_EQ_U64(choose(candidates, 4), 7);
}

static void the_first_of_equals_is_chosen(void)
{
    const struct oom_candidate candidates[] = {{30, 64, false}, {31, 64, false}};
    CHECK_EQ_U64(choose(candidates, 2), 30);
}

static void exempt_ones_and_empty_ones_are_never_chosen(void)
{
    const struct oom_candidate candidates[] = {
        {1, 90000, true}, {5, 0, false}, {6, 10, false},
    };
    CHECK_EQ_U64(choose(candidates, 3), 6);
    const struct oom_candidate nothing[] = {{1, 90000, true}, {5, 0, false}};
    CHECK_EQ_U64(choose(nothing, 2), 0);
    CHECK_EQ_U64(choose(nothing, 0), 0);
}

int main(void)
{
    the_largest_is_chosen();
    the_first_of_equals_is_chosen();
    exempt_ones_and_empty_ones_are_never_chosen();
    return check_report();
}
