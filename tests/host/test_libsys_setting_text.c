/*
 * Host tests of the text of a server's settings (sys/setting_text.h):
 * what Linux 6.1's proc_dointvec_minmax and proc_doulongvec_minmax show
 * and take.
 */
#include "check.h"
#include "sys/linux_abi.h"
#include "sys/setting_text.h"

static const struct setting_format msgmax = {1, false, 0, 2147483647};
static const struct setting_format msg_max = {1, false, 1, 65536};
static const struct setting_format sem = {4, false, -2147483647 - 1, 2147483647};
static const struct setting_format shmmax = {1, true, 0, 0};

static int64_t parse(const struct setting_format *format, const char *text, uint64_t *values,
                     unsigned *count)
{
    return setting_text_parse(format, text, strlen(text), values, count);
}

static void a_read_shows_the_values_tab_separated_and_a_newline(void)
{
    char text[SETTING_TEXT_MAX];
    uint64_t values[4] = {32000, 1024000000, 500, (uint64_t)-5};
    size_t length = setting_text_format(&sem, values, text);
    CHECK_EQ_U64(length, strlen("32000\t1024000000\t500\t-5\n"));
    CHECK(memcmp(text, "32000\t1024000000\t500\t-5\n", length) == 0);
    uint64_t big = 18446744073692774399ULL;
    length = setting_text_format(&shmmax, &big, text);
    CHECK(memcmp(text, "18446744073692774399\n", length) == 0);
}

static void a_write_takes_decimal_hex_and_octal_and_its_white_space(void)
{
    uint64_t values[4];
    unsigned count;
    CHECK_EQ_U64(parse(&msgmax, "100\n", values, &count), 4);
    CHECK_EQ_U64(count, 1);
    CHECK_EQ_U64(values[0], 100);
    CHECK_EQ_U64(parse(&msgmax, "  0x10 \n", values, &count), 8);
    CHECK_EQ_U64(values[0], 16);
    CHECK_EQ_U64(parse(&msgmax, "010", values, &count), 3);
    CHECK_EQ_U64(values[0], 8);
    CHECK_EQ_U64(parse(&sem, "250 32000\t32 128\n", values, &count), 17);
    CHECK_EQ_U64(count, 4);
    CHECK_EQ_U64(values[3], 128);
    CHECK_EQ_U64(parse(&sem, "-1 2", values, &count), 4);
    CHECK_EQ_U64(count, 2);
    CHECK_EQ_U64(values[0], (uint64_t)-1);
}

static void a_write_of_more_values_than_it_has_takes_only_theirs(void)
{
    uint64_t values[4];
    unsigned count;
    CHECK_EQ_U64(parse(&msgmax, "5 6", values, &count), 2);
    CHECK_EQ_U64(count, 1);
    CHECK_EQ_U64(values[0], 5);
}

static void bad_values_are_einval(void)
{
    uint64_t values[4];
    unsigned count;
    const char *bad[] = {"", "  \n", "abc", "12abc", "1.5", "-", "2147483648", "-1",
                         "123456789012345678901", "08"};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_EQ_U64(parse(&msgmax, bad[i], values, &count), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(parse(&msg_max, "0", values, &count), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(parse(&msg_max, "65537", values, &count), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(parse(&msg_max, "65536", values, &count), 5);
    CHECK_EQ_U64(parse(&shmmax, "-1", values, &count), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(parse(&shmmax, "18446744073709551615", values, &count), 20);
    CHECK_EQ_U64(values[0], UINT64_MAX);
    CHECK_EQ_U64(parse(&shmmax, "18446744073709551616", values, &count),
                 (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(parse(&sem, "-2147483648", values, &count), 11);
    CHECK_EQ_U64(parse(&sem, "-2147483649", values, &count), (uint64_t)-LINUX_EINVAL);
}

static void values_before_a_bad_one_still_count(void)
{
    uint64_t values[4];
    unsigned count;
    CHECK_EQ_U64(parse(&sem, "1 2 x 4", values, &count), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(count, 2);
    CHECK_EQ_U64(values[1], 2);
}

int main(void)
{
    a_read_shows_the_values_tab_separated_and_a_newline();
    a_write_takes_decimal_hex_and_octal_and_its_white_space();
    a_write_of_more_values_than_it_has_takes_only_theirs();
    bad_values_are_einval();
    values_before_a_bad_one_still_count();
    return check_report();
}
