/* libsys's memcpy, memmove and memset (libsys/src/string.c), which every
 * server and the personality use: every alignment of source and
 * destination, every short length and a few long ones, and nothing
 * outside the range touched. The functions are compiled here under other
 * names (libsys_string_renamed.c), beside the host's own. */
#include "check.h"

void *libsys_memcpy(void *destination, const void *source, size_t length);
void *libsys_memmove(void *destination, const void *source, size_t length);
void *libsys_memset(void *destination, int value, size_t length);

#define AREA 5000
#define GUARD 0x5a

static unsigned char source[AREA], target[AREA], expected[AREA];

static void fill_source(void)
{
    for (size_t i = 0; i < AREA; i++)
        source[i] = (unsigned char)(i * 7 + 3);
}

static const size_t lengths[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65,
                                 100, 255, 4096, 4099};

static void memcpy_copies_every_alignment_and_nothing_more(void)
{
    fill_source();
    int wrong = 0;
    for (size_t from = 0; from < 16; from++)
        for (size_t to = 0; to < 16; to++)
            for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
                size_t length = lengths[i];
                memset(target, GUARD, AREA);
                memset(expected, GUARD, AREA);
                memcpy(expected + to, source + from, length);
                void *result = libsys_memcpy(target + to, source + from, length);
                wrong += result != target + to || memcmp(target, expected, AREA) != 0;
            }
    CHECK_EQ_U64(wrong, 0);
}

static void memset_fills_every_alignment_and_nothing_more(void)
{
    int wrong = 0;
    for (size_t to = 0; to < 16; to++)
        for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++)
            for (int value = 0; value < 0x200; value += 0xa5) {
                size_t length = lengths[i];
                memset(target, GUARD, AREA);
                memset(expected, GUARD, AREA);
                memset(expected + to, value, length);
                void *result = libsys_memset(target + to, value, length);
                wrong += result != target + to || memcmp(target, expected, AREA) != 0;
            }
    CHECK_EQ_U64(wrong, 0);
}

static void memmove_handles_overlap_both_ways(void)
{
    int wrong = 0;
    for (size_t shift = 1; shift < 20; shift++)
        for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
            size_t length = lengths[i];
            if (length + shift + 16 > AREA)
                continue;
            fill_source();
            memcpy(target, source, AREA);
            memcpy(expected, source, AREA);
            memmove(expected + shift, expected, length);
            libsys_memmove(target + shift, target, length);
            wrong += memcmp(target, expected, AREA) != 0;
            memcpy(target, source, AREA);
            memcpy(expected, source, AREA);
            memmove(expected, expected + shift, length);
            libsys_memmove(target, target + shift, length);
            wrong += memcmp(target, expected, AREA) != 0;
        }
    CHECK_EQ_U64(wrong, 0);
}

int main(void)
{
    memcpy_copies_every_alignment_and_nothing_more();
    memset_fills_every_alignment_and_nothing_more();
    memmove_handles_overlap_both_ways();
    return check_report();
}
