/* FUTEX_WAKE_OP's encoded operation: every operation and comparison,
 * signed 12-bit arguments, the shift, and what Linux refuses. */
#include "check.h"
#include "futex_op.h"
#include "sys/linux_abi.h"

/* uapi linux/futex.h's FUTEX_OP. */
static uint32_t encode(uint32_t op, int32_t argument, uint32_t comparison, int32_t compared)
{
    return (op & 0xf) << 28 | (comparison & 0xf) << 24 | ((uint32_t)argument & 0xfff) << 12 |
           ((uint32_t)compared & 0xfff);
}

/* The new value of old under the encoded operation. */
static uint32_t applied(uint32_t encoded, uint32_t old)
{
    struct futex_operation operation;
    CHECK(futex_operation_decode(encoded, &operation));
    return futex_operation_apply(&operation, old);
}

static int compared(uint32_t comparison, int32_t argument, uint32_t old)
{
    struct futex_operation operation;
    CHECK(futex_operation_decode(encode(LINUX_FUTEX_OP_SET, 0, comparison, argument),
                                 &operation));
    return futex_operation_compare(&operation, old);
}

static void every_operation_changes_the_word(void)
{
    CHECK_EQ_U64(applied(encode(LINUX_FUTEX_OP_SET, 7, 0, 0), 100), 7);
    CHECK_EQ_U64(applied(encode(LINUX_FUTEX_OP_ADD, 7, 0, 0), 100), 107);
    CHECK_EQ_U64(applied(encode(LINUX_FUTEX_OP_OR, 0x30, 0, 0), 0x0f), 0x3f);
    CHECK_EQ_U64(applied(encode(LINUX_FUTEX_OP_ANDN, 0x3, 0, 0), 0xff), 0xfc);
    CHECK_EQ_U64(applied(encode(LINUX_FUTEX_OP_XOR, 0x5, 0, 0), 0xf), 0xa);
}

static void arguments_are_signed_twelve_bits(void)
{
    CHECK_EQ_U64(applied(encode(LINUX_FUTEX_OP_SET, -1, 0, 0), 0), 0xffffffffu);
    CHECK_EQ_U64(applied(encode(LINUX_FUTEX_OP_ADD, -2, 0, 0), 5), 3);
    CHECK_EQ_U64(applied(encode(LINUX_FUTEX_OP_SET, 0x7ff, 0, 0), 0), 0x7ff);
    CHECK_EQ_U64(applied(encode(LINUX_FUTEX_OP_SET, -0x800, 0, 0), 0), (uint32_t)-0x800);
    CHECK_EQ_U64(compared(LINUX_FUTEX_OP_CMP_EQ, -1, 0xffffffffu), 1);
    CHECK_EQ_U64(compared(LINUX_FUTEX_OP_CMP_LT, 0, 0x80000000u), 1);
}

static void addition_wraps(void)
{
    CHECK_EQ_U64(applied(encode(LINUX_FUTEX_OP_ADD, 1, 0, 0), 0xffffffffu), 0);
}

static void the_shift_makes_the_argument_a_bit(void)
{
    uint32_t shifted_or = LINUX_FUTEX_OP_OR | LINUX_FUTEX_OP_OPARG_SHIFT;
    CHECK_EQ_U64(applied(encode(shifted_or, 4, 0, 0), 1), 0x11);
    CHECK_EQ_U64(applied(encode(LINUX_FUTEX_OP_SET | LINUX_FUTEX_OP_OPARG_SHIFT, 31, 0, 0), 0),
                 0x80000000u);
    CHECK_EQ_U64(applied(encode(LINUX_FUTEX_OP_ANDN | LINUX_FUTEX_OP_OPARG_SHIFT, 0, 0, 0), 3),
                 2);
}

static void a_shift_out_of_range_is_taken_modulo_32(void)
{
    uint32_t shifted_set = LINUX_FUTEX_OP_SET | LINUX_FUTEX_OP_OPARG_SHIFT;
    CHECK_EQ_U64(applied(encode(shifted_set, 33, 0, 0), 0), 2);
    CHECK_EQ_U64(applied(encode(shifted_set, -1, 0, 0), 0), 0x80000000u);
}

static void every_comparison_of_the_old_value(void)
{
    CHECK_EQ_U64(compared(LINUX_FUTEX_OP_CMP_EQ, 3, 3), 1);
    CHECK_EQ_U64(compared(LINUX_FUTEX_OP_CMP_EQ, 3, 4), 0);
    CHECK_EQ_U64(compared(LINUX_FUTEX_OP_CMP_NE, 3, 4), 1);
    CHECK_EQ_U64(compared(LINUX_FUTEX_OP_CMP_NE, 3, 3), 0);
    CHECK_EQ_U64(compared(LINUX_FUTEX_OP_CMP_LT, 3, 2), 1);
    CHECK_EQ_U64(compared(LINUX_FUTEX_OP_CMP_LT, 3, 3), 0);
    CHECK_EQ_U64(compared(LINUX_FUTEX_OP_CMP_LE, 3, 3), 1);
    CHECK_EQ_U64(compared(LINUX_FUTEX_OP_CMP_LE, 3, 4), 0);
    CHECK_EQ_U64(compared(LINUX_FUTEX_OP_CMP_GT, 3, 4), 1);
    CHECK_EQ_U64(compared(LINUX_FUTEX_OP_CMP_GT, 3, 3), 0);
    CHECK_EQ_U64(compared(LINUX_FUTEX_OP_CMP_GE, 3, 3), 1);
    CHECK_EQ_U64(compared(LINUX_FUTEX_OP_CMP_GE, 3, 2), 0);
}

static void an_unknown_operation_does_not_decode(void)
{
    struct futex_operation operation;
    for (uint32_t op = 5; op <= 7; op++) {
        CHECK(!futex_operation_decode(encode(op, 1, 0, 0), &operation));
        CHECK(!futex_operation_decode(encode(op | LINUX_FUTEX_OP_OPARG_SHIFT, 1, 0, 0),
                                      &operation));
    }
}

static void an_unknown_comparison_decodes_and_then_is_enosys(void)
{
    for (uint32_t comparison = 6; comparison <= 15; comparison++)
        CHECK_EQ_U64(compared(comparison, 0, 0), -LINUX_ENOSYS);
}

int main(void)
{
    RUN_TEST(every_operation_changes_the_word);
    RUN_TEST(arguments_are_signed_twelve_bits);
    RUN_TEST(addition_wraps);
    RUN_TEST(the_shift_makes_the_argument_a_bit);
    RUN_TEST(a_shift_out_of_range_is_taken_modulo_32);
    RUN_TEST(every_comparison_of_the_old_value);
    RUN_TEST(an_unknown_operation_does_not_decode);
    RUN_TEST(an_unknown_comparison_decodes_and_then_is_enosys);
    return check_report();
}
