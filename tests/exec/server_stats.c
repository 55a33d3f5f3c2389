/* What each server holds now (SERVER_STATISTICS, sys/protocol/common.h):
 * one line per server, "NAME PAGES HEAP_BYTES WAITING", asked through the
 * session the program holds of it, as a native Call. The conformance
 * suite's shared boot prints them before and after the tests
 * (tests/conformance/tern-suite), so that run can see what no server gave
 * back. tern only. */
#include <stdio.h>

#include "server_statistics.h"

int main(void)
{
    int failed = 0;
    for (unsigned id = 0; id < SERVER_COUNT; id++) {
        struct server_holdings held;
        if (!server_holdings(id, &held)) {
            printf("%s ?\n", server_names[id]);
            failed = 1;
            continue;
        }
        printf("%s %lu %lu %lu\n", server_names[id], (unsigned long)held.pages,
               (unsigned long)held.heap_bytes, (unsigned long)held.waiting);
    }
    return failed;
}
