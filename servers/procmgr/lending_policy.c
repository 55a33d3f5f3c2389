/* The lending policy: lending_policy.h. */
#include "lending_policy.h"

bool lending_allowed(uint64_t total, uint64_t free, uint64_t lent)
{
    uint64_t reserve = total / 16;
    return lent < total / 2 && free > reserve;
}
