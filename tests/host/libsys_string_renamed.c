/* libsys/src/string.c under names that do not clash with the host's C
 * library, for test_libsys_string.c. */
#define memcpy libsys_memcpy
#define memmove libsys_memmove
#define memset libsys_memset
#define memcmp libsys_memcmp
#define strlen libsys_strlen
#define strcmp libsys_strcmp
#include "../../libsys/src/string.c"
