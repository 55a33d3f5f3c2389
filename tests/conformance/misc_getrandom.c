/* getrandom: fills the whole buffer (up to 256 bytes at once, and more in
 * pieces), two draws differ, flags GRND_NONBLOCK and GRND_RANDOM work,
 * length 0 returns 0; EINVAL for unknown flags, EFAULT for a bad buffer.
 * AT_RANDOM's bytes are there too. Prints no random value. */
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/syscall.h>

#include "check.h"

static int count_zero_bytes(const unsigned char *bytes, size_t length)
{
    int zeros = 0;
    for (size_t i = 0; i < length; i++)
        zeros += bytes[i] == 0;
    return zeros;
}

int main(void)
{
    unsigned char first[256], second[256];
    memset(first, 0, sizeof first);
    memset(second, 0, sizeof second);
    CHECK_EQ(getrandom(first, sizeof first, 0), 256);
    CHECK_EQ(getrandom(second, sizeof second, 0), 256);
    CHECK(memcmp(first, second, sizeof first) != 0);
    /* 256 random bytes with more than 16 zeros: about 1 in 10^9. */
    CHECK(count_zero_bytes(first, sizeof first) < 16);

    CHECK_EQ(getrandom(first, sizeof first, GRND_NONBLOCK), 256);
    CHECK_EQ(getrandom(first, 16, GRND_RANDOM), 16);
    CHECK_EQ(getrandom(first, 0, 0), 0);

    /* A large buffer. */
    size_t large = 100000;
    unsigned char *buffer = calloc(large, 1);
    REQUIRE(buffer != NULL);
    size_t filled = 0;
    while (filled < large) {
        ssize_t got = getrandom(buffer + filled, large - filled, 0);
        if (got <= 0)
            break;
        filled += (size_t)got;
    }
    CHECK_EQ(filled, large);
    CHECK(count_zero_bytes(buffer, large) < 1000);
    free(buffer);

    /* Only the last byte written: the first stays untouched. */
    unsigned char guard[4] = {0xaa, 0, 0xaa, 0xaa};
    CHECK_EQ(getrandom(guard + 1, 1, 0), 1);
    CHECK(guard[0] == 0xaa && guard[2] == 0xaa && guard[3] == 0xaa);

    CHECK_ERRNO(getrandom(first, 16, 0x40), EINVAL);
    CHECK_ERRNO(getrandom(first, 16, ~0u), EINVAL);
    CHECK_ERRNO(syscall(SYS_getrandom, (void *)1, 16, 0), EFAULT);

    const unsigned char *at_random = (const unsigned char *)getauxval(AT_RANDOM);
    CHECK(at_random != NULL);
    CHECK(count_zero_bytes(at_random, 16) < 8);

    printf("getrandom fills 256 bytes and 100000 in pieces; flags and errors\n");
    return check_finish("misc_getrandom");
}
