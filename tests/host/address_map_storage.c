/* The address map's table storage for host tests: malloc's, refused
 * while a test sets address_map_storage_refused. */
#include <stdlib.h>
#include "address_map.h"

bool address_map_storage_refused;

struct region *address_map_storage_new(unsigned capacity)
{
    return address_map_storage_refused ? NULL : malloc(capacity * sizeof(struct region));
}

void address_map_storage_free(struct region *regions)
{
    free(regions);
}
