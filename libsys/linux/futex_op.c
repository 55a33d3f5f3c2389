/*
 * FUTEX_WAKE_OP's encoded operation (futex_op.h).
 */
#include "futex_op.h"

#include "sys/linux_abi.h"

/* The signed 12-bit field of encoded at bit shift. */
static int32_t signed_field(uint32_t encoded, unsigned shift)
{
    int32_t field = (int32_t)((encoded >> shift) & 0xfff);
    return field >= 0x800 ? field - 0x1000 : field;
}

bool futex_operation_decode(uint32_t encoded, struct futex_operation *operation)
{
    uint32_t op = (encoded >> 28) & 0x7;
    if (op > LINUX_FUTEX_OP_XOR)
        return false;
    int32_t argument = signed_field(encoded, 12);
    bool shift = (encoded >> 28) & LINUX_FUTEX_OP_OPARG_SHIFT;
    /* A shift outside 0..31 is taken modulo 32: Linux warns, and goes on
     * with that. */
    *operation = (struct futex_operation){
        .operation = op,
        .argument = shift ? 1u << ((uint32_t)argument & 31) : (uint32_t)argument,
        .comparison = (encoded >> 24) & 0xf,
        .comparison_argument = signed_field(encoded, 0),
    };
    return true;
}

uint32_t futex_operation_apply(const struct futex_operation *operation, uint32_t old)
{
    switch (operation->operation) {
    case LINUX_FUTEX_OP_SET:
        return operation->argument;
    case LINUX_FUTEX_OP_ADD:
        return old + operation->argument;
    case LINUX_FUTEX_OP_OR:
        return old | operation->argument;
    case LINUX_FUTEX_OP_ANDN:
        return old & ~operation->argument;
    default:    /* LINUX_FUTEX_OP_XOR: decode lets no other through */
        return old ^ operation->argument;
    }
}

int futex_operation_compare(const struct futex_operation *operation, uint32_t old)
{
    int32_t value = (int32_t)old, argument = operation->comparison_argument;
    switch (operation->comparison) {
    case LINUX_FUTEX_OP_CMP_EQ:
        return value == argument;
    case LINUX_FUTEX_OP_CMP_NE:
        return value != argument;
    case LINUX_FUTEX_OP_CMP_LT:
        return value < argument;
    case LINUX_FUTEX_OP_CMP_LE:
        return value <= argument;
    case LINUX_FUTEX_OP_CMP_GT:
        return value > argument;
    case LINUX_FUTEX_OP_CMP_GE:
        return value >= argument;
    default:
        return -LINUX_ENOSYS;
    }
}
