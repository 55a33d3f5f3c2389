/* Counter ticks and timespecs: exact where they can be, sleeps rounded
 * up, nothing overflows. */
#include "check.h"
#include "clock_math.h"

#define QEMU_FREQUENCY 62500000ULL      /* 16 ns per tick */
#define PI4_FREQUENCY  54000000ULL

static void valid_timespecs(void)
{
    struct linux_timespec zero = {0, 0}, almost = {5, 999999999};
    CHECK(timespec_is_valid(&zero));
    CHECK(timespec_is_valid(&almost));
}

static void invalid_timespecs(void)
{
    struct linux_timespec negative_seconds = {-1, 0};
    struct linux_timespec negative_nanoseconds = {0, -1};
    struct linux_timespec full_second = {0, 1000000000};
    CHECK(!timespec_is_valid(&negative_seconds));
    CHECK(!timespec_is_valid(&negative_nanoseconds));
    CHECK(!timespec_is_valid(&full_second));
}

static void ticks_become_seconds_and_nanoseconds(void)
{
    struct linux_timespec time = ticks_to_timespec(QEMU_FREQUENCY * 3 + 1000, QEMU_FREQUENCY);
    CHECK_EQ_U64(time.seconds, 3);
    CHECK_EQ_U64(time.nanoseconds, 16000);
}

static void largest_tick_count_does_not_overflow(void)
{
    struct linux_timespec time = ticks_to_timespec(UINT64_MAX, PI4_FREQUENCY);
    CHECK_EQ_U64(time.seconds, UINT64_MAX / PI4_FREQUENCY);
    CHECK(time.nanoseconds >= 0 && time.nanoseconds < 1000000000);
}

static void timespec_becomes_ticks(void)
{
    struct linux_timespec time = {2, 16000};
    CHECK_EQ_U64(timespec_to_ticks(&time, QEMU_FREQUENCY), 2 * QEMU_FREQUENCY + 1000);
}

static void partial_tick_rounds_up(void)
{
    struct linux_timespec one_nanosecond = {0, 1};
    CHECK_EQ_U64(timespec_to_ticks(&one_nanosecond, QEMU_FREQUENCY), 1);
    struct linux_timespec zero = {0, 0};
    CHECK_EQ_U64(timespec_to_ticks(&zero, QEMU_FREQUENCY), 0);
}

static void round_trip_never_shortens(void)
{
    struct linux_timespec time = {1, 123456789};
    uint64_t ticks = timespec_to_ticks(&time, PI4_FREQUENCY);
    struct linux_timespec back = ticks_to_timespec(ticks, PI4_FREQUENCY);
    CHECK(back.seconds == 1 && back.nanoseconds >= 123456789);
}

static void huge_timespec_saturates(void)
{
    struct linux_timespec time = {INT64_MAX, 999999999};
    CHECK_EQ_U64(timespec_to_ticks(&time, QEMU_FREQUENCY), UINT64_MAX);
}

static void deadline_saturates_instead_of_wrapping(void)
{
    CHECK_EQ_U64(deadline_after(100, 50), 150);
    CHECK_EQ_U64(deadline_after(UINT64_MAX - 10, 50), UINT64_MAX);
}

int main(void)
{
    RUN_TEST(valid_timespecs);
    RUN_TEST(invalid_timespecs);
    RUN_TEST(ticks_become_seconds_and_nanoseconds);
    RUN_TEST(largest_tick_count_does_not_overflow);
    RUN_TEST(timespec_becomes_ticks);
    RUN_TEST(partial_tick_rounds_up);
    RUN_TEST(round_trip_never_shortens);
    RUN_TEST(huge_timespec_saturates);
    RUN_TEST(deadline_saturates_instead_of_wrapping);
    return check_report();
}
