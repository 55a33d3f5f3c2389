/* malloc, calloc, realloc, free, aligned allocation: small and large
 * (mmap-backed) sizes keep their contents, calloc zeroes, realloc
 * preserves, alignment is honoured, impossible sizes fail with ENOMEM. */
#include <malloc.h>
#include <stdint.h>

#include "check.h"

static int filled_with(const unsigned char *bytes, size_t length, unsigned char value)
{
    for (size_t i = 0; i < length; i++)
        if (bytes[i] != value)
            return 0;
    return 1;
}

int main(void)
{
    static const size_t sizes[] = {1, 7, 16, 100, 4095, 4096, 65536,
                                   200000, 1 << 20, 8 << 20};
    enum { count = sizeof sizes / sizeof sizes[0] };
    unsigned char *blocks[count];
    for (int i = 0; i < count; i++) {
        blocks[i] = malloc(sizes[i]);
        CHECK(blocks[i] != NULL);
        CHECK_EQ((uintptr_t)blocks[i] % 16, 0);
        memset(blocks[i], i + 1, sizes[i]);
    }
    /* No block overwrote another. */
    int intact = 1;
    for (int i = 0; i < count; i++)
        intact &= filled_with(blocks[i], sizes[i], (unsigned char)(i + 1));
    CHECK(intact);
    for (int i = 0; i < count; i++)
        free(blocks[i]);

    /* calloc zeroes, also reusing freed memory. */
    for (int i = 0; i < count; i++) {
        unsigned char *zeroed = calloc(sizes[i], 1);
        CHECK(zeroed != NULL && filled_with(zeroed, sizes[i], 0));
        free(zeroed);
    }
    /* volatile: the compiler must not reject the sizes at build time. */
    volatile size_t huge = SIZE_MAX / 2;
    CHECK_PTR_ERRNO(calloc(huge, 4), NULL, ENOMEM);

    /* realloc keeps the prefix while growing through small to large. */
    unsigned char *growing = malloc(10);
    REQUIRE(growing != NULL);
    memset(growing, 0x5a, 10);
    size_t size = 10;
    int preserved = 1;
    while (size < (4 << 20)) {
        size_t new_size = size * 4;
        unsigned char *moved = realloc(growing, new_size);
        if (!moved) {
            preserved = 0;
            break;
        }
        preserved &= filled_with(moved, size, 0x5a);
        memset(moved + size, 0x5a, new_size - size);
        growing = moved;
        size = new_size;
    }
    CHECK(preserved);
    unsigned char *shrunk = realloc(growing, 100);
    CHECK(shrunk != NULL && filled_with(shrunk, 100, 0x5a));
    free(shrunk);
    /* realloc(NULL) is malloc. */
    void *from_null = realloc(NULL, 64);
    CHECK(from_null != NULL);
    free(from_null);
    free(NULL);

    /* Alignment. */
    void *aligned = NULL;
    CHECK_EQ(posix_memalign(&aligned, 4096, 10000), 0);
    CHECK_EQ((uintptr_t)aligned % 4096, 0);
    free(aligned);
    CHECK_EQ(posix_memalign(&aligned, 3, 64), EINVAL);
    aligned = aligned_alloc(256, 1024);
    CHECK(aligned != NULL && (uintptr_t)aligned % 256 == 0);
    free(aligned);

    /* Sizes no system can give. */
    huge = SIZE_MAX - 4096;
    CHECK_PTR_ERRNO(malloc(huge), NULL, ENOMEM);
    CHECK_PTR_ERRNO(malloc((size_t)1 << 62), NULL, ENOMEM);

    /* Many small allocations, freed in an interleaved order. */
    enum { small = 2000 };
    static void *many[small];
    int all_allocated = 1;
    for (int i = 0; i < small; i++) {
        many[i] = malloc((size_t)(i % 97) + 1);
        all_allocated &= many[i] != NULL;
    }
    CHECK(all_allocated);
    for (int i = 0; i < small; i += 2)
        free(many[i]);
    for (int i = 1; i < small; i += 2)
        free(many[i]);

    printf("malloc/calloc/realloc/free from 1 byte to 8 MiB; ENOMEM for impossible sizes\n");
    return check_finish("memory_malloc");
}
