#ifndef DRIVERS_PL031_H
#define DRIVERS_PL031_H

#include <stdint.h>

/* Seconds since the epoch from the PL031 at physical_base. */
uint64_t pl031_read_seconds(uint64_t physical_base);

#endif
