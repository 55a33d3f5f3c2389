/*
 * FUTEX_WAKE_OP's operation on its second word, as Linux encodes it
 * (FUTEX_OP: bits 31-28 the operation, bit 31 of them
 * FUTEX_OP_OPARG_SHIFT; 27-24 the comparison; 23-12 the operation's
 * argument and 11-0 the comparison's, both signed 12-bit). Arithmetic
 * only, host-tested (tests/host/test_personality_futex_op.c); futex.c
 * does the operation atomically on the word.
 */
#ifndef LINUX_FUTEX_OP_H
#define LINUX_FUTEX_OP_H

#include <stdbool.h>
#include <stdint.h>

struct futex_operation {
    uint32_t operation;             /* LINUX_FUTEX_OP_SET ... _XOR */
    uint32_t argument;              /* sign-extended, or 1 << the shift */
    uint32_t comparison;            /* LINUX_FUTEX_OP_CMP_*, or unknown */
    int32_t comparison_argument;    /* sign-extended */
};

/* Decodes encoded; false for an operation Linux does not know, which it
 * refuses (ENOSYS) before it touches the word. An unknown comparison
 * decodes: Linux finds it only after the operation is done. */
bool futex_operation_decode(uint32_t encoded, struct futex_operation *operation);

/* The word's new value, from its old one. */
uint32_t futex_operation_apply(const struct futex_operation *operation, uint32_t old);

/* 1 if the old value passes the comparison (signed, as Linux's int), 0
 * if not, -LINUX_ENOSYS for an unknown comparison. */
int futex_operation_compare(const struct futex_operation *operation, uint32_t old);

#endif
