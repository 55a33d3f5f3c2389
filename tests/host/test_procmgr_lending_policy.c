/* How much memory procmgr lends to servers (lending_policy.h). */
#include "check.h"
#include "lending_policy.h"

/* A 1 GiB machine: 1,024 chunks of 1 MiB. */
#define TOTAL 1024

static void borrowers_get_at_most_half_of_memory(void)
{
    CHECK(lending_allowed(TOTAL, TOTAL, 0));
    CHECK(lending_allowed(TOTAL, TOTAL / 2 + 1, TOTAL / 2 - 1));
    CHECK(!lending_allowed(TOTAL, TOTAL / 2, TOTAL / 2));
    CHECK(!lending_allowed(TOTAL, TOTAL, TOTAL));
}

static void the_last_sixteenth_stays_for_processes(void)
{
    CHECK(lending_allowed(TOTAL, TOTAL / 16 + 1, 0));
    CHECK(!lending_allowed(TOTAL, TOTAL / 16, 0));
    CHECK(!lending_allowed(TOTAL, 0, 0));
}

static void a_tiny_machine_lends_nothing(void)
{
    CHECK(!lending_allowed(1, 1, 0));       /* half of one chunk is none */
    CHECK(!lending_allowed(0, 0, 0));
}

int main(void)
{
    borrowers_get_at_most_half_of_memory();
    the_last_sixteenth_stays_for_processes();
    a_tiny_machine_lends_nothing();
    return check_report();
}
