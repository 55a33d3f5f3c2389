/* readv/writev's walk over the iovec array: Linux's checks, short
 * transfers stop the walk, errors after progress become the progress. */
#include "check.h"
#include "iovec.h"
#include "sys/linux_abi.h"

/* A transfer that moves at most `budget` bytes in all and records the
 * calls; `error` is returned once the budget is spent, if set. */
struct fake_file {
    uint64_t budget;
    int64_t error;
    unsigned calls;
    uint64_t bases[8];
    uint64_t lengths[8];
};

static int64_t fake_transfer(void *context, uint64_t base, uint64_t length)
{
    struct fake_file *file = context;
    if (file->calls < 8) {
        file->bases[file->calls] = base;
        file->lengths[file->calls] = length;
    }
    file->calls++;
    if (file->budget == 0 && file->error != 0)
        return file->error;
    uint64_t moved = length < file->budget ? length : file->budget;
    file->budget -= moved;
    return (int64_t)moved;
}

static void total_is_the_sum_of_lengths(void)
{
    struct linux_iovec iov[3] = {{0x1000, 5}, {0x2000, 0}, {0x3000, 7}};
    CHECK_EQ_U64(iovec_total_length(iov, 3), 12);
    CHECK_EQ_U64(iovec_total_length(iov, 0), 0);
}

static void negative_or_huge_count_is_einval(void)
{
    struct linux_iovec iov[1] = {{0x1000, 1}};
    CHECK_EQ_U64(iovec_total_length(iov, -1), (uint64_t)-LINUX_EINVAL);
    CHECK_EQ_U64(iovec_total_length(iov, LINUX_UIO_MAXIOV + 1), (uint64_t)-LINUX_EINVAL);
}

static void length_beyond_ssize_max_is_einval(void)
{
    struct linux_iovec iov[2] = {{0x1000, 1ULL << 63}, {0x2000, 1}};
    CHECK_EQ_U64(iovec_total_length(iov, 1), (uint64_t)-LINUX_EINVAL);
    struct linux_iovec sum[2] = {{0x1000, INT64_MAX}, {0x2000, 1}};
    CHECK_EQ_U64(iovec_total_length(sum, 2), (uint64_t)-LINUX_EINVAL);
}

static void total_is_clamped_to_max_rw_count(void)
{
    struct linux_iovec iov[2] = {{0x1000, LINUX_MAX_RW_COUNT}, {0x2000, 100}};
    CHECK_EQ_U64(iovec_total_length(iov, 2), LINUX_MAX_RW_COUNT);
}

static void every_buffer_is_transferred_in_order(void)
{
    struct linux_iovec iov[3] = {{0x1000, 5}, {0x2000, 0}, {0x3000, 7}};
    struct fake_file file = {.budget = 100};
    CHECK_EQ_U64(iovec_transfer_each(iov, 3, fake_transfer, &file), 12);
    CHECK_EQ_U64(file.calls, 2);        /* the empty buffer is skipped */
    CHECK_EQ_U64(file.bases[0], 0x1000);
    CHECK_EQ_U64(file.bases[1], 0x3000);
    CHECK_EQ_U64(file.lengths[1], 7);
}

static void short_transfer_stops_the_walk(void)
{
    struct linux_iovec iov[3] = {{0x1000, 5}, {0x2000, 5}, {0x3000, 5}};
    struct fake_file file = {.budget = 7};
    CHECK_EQ_U64(iovec_transfer_each(iov, 3, fake_transfer, &file), 7);
    CHECK_EQ_U64(file.calls, 2);
}

static void error_before_progress_is_returned(void)
{
    struct linux_iovec iov[2] = {{0x1000, 5}, {0x2000, 5}};
    struct fake_file file = {.budget = 0, .error = -LINUX_EBADF};
    CHECK_EQ_U64(iovec_transfer_each(iov, 2, fake_transfer, &file), (uint64_t)-LINUX_EBADF);
}

static void error_after_progress_returns_the_progress(void)
{
    struct linux_iovec iov[2] = {{0x1000, 5}, {0x2000, 5}};
    struct fake_file file = {.budget = 5, .error = -LINUX_EPIPE};
    CHECK_EQ_U64(iovec_transfer_each(iov, 2, fake_transfer, &file), 5);
}

static void nothing_to_transfer_is_zero(void)
{
    struct linux_iovec iov[1] = {{0x1000, 0}};
    struct fake_file file = {.budget = 10};
    CHECK_EQ_U64(iovec_transfer_each(iov, 1, fake_transfer, &file), 0);
    CHECK_EQ_U64(file.calls, 0);
}

static void walk_stops_at_max_rw_count(void)
{
    struct linux_iovec iov[2] = {{0x1000, LINUX_MAX_RW_COUNT - 10}, {0x2000, 100}};
    struct fake_file file = {.budget = UINT64_MAX};
    CHECK_EQ_U64(iovec_transfer_each(iov, 2, fake_transfer, &file), LINUX_MAX_RW_COUNT);
    CHECK_EQ_U64(file.lengths[1], 10);
}

static void gather_concatenates_the_buffers(void)
{
    char first[] = "abc", second[] = "de";
    struct linux_iovec iov[3] = {
        {(uint64_t)(uintptr_t)first, 3}, {0, 0}, {(uint64_t)(uintptr_t)second, 2}};
    uint8_t buffer[5];
    iovec_gather(iov, 3, buffer);
    CHECK(memcmp(buffer, "abcde", 5) == 0);
}

static void scatter_fills_the_buffers_in_order(void)
{
    char first[4] = "....", second[4] = "....", third[2] = "..";
    struct linux_iovec iov[4] = {{(uint64_t)(uintptr_t)first, 3}, {0, 0},
                                 {(uint64_t)(uintptr_t)second, 4},
                                 {(uint64_t)(uintptr_t)third, 2}};
    iovec_scatter(iov, 4, (const uint8_t *)"abcdef", 6);
    CHECK(memcmp(first, "abc.", 4) == 0);
    CHECK(memcmp(second, "def.", 4) == 0);
    CHECK(memcmp(third, "..", 2) == 0);
}

int main(void)
{
    RUN_TEST(total_is_the_sum_of_lengths);
    RUN_TEST(negative_or_huge_count_is_einval);
    RUN_TEST(length_beyond_ssize_max_is_einval);
    RUN_TEST(total_is_clamped_to_max_rw_count);
    RUN_TEST(every_buffer_is_transferred_in_order);
    RUN_TEST(short_transfer_stops_the_walk);
    RUN_TEST(error_before_progress_is_returned);
    RUN_TEST(error_after_progress_returns_the_progress);
    RUN_TEST(nothing_to_transfer_is_zero);
    RUN_TEST(walk_stops_at_max_rw_count);
    RUN_TEST(gather_concatenates_the_buffers);
    RUN_TEST(scatter_fills_the_buffers_in_order);
    return check_report();
}
