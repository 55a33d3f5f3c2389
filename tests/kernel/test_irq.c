/* IRQControl and IRQHandler: handing out interrupt lines, and the checks
 * on their arguments. Interrupt numbers are QEMU virt SPIs nothing uses. */
#include "ktest.h"

#define HANDLER_IRQ     100
#define ERRORS_IRQ      101
#define RELEASED_IRQ    102

static void control_get_and_handler(void)
{
    uint64_t handler = slot_new();
    CHECK_OK(tern_irq_control_get(TERN_SLOT_IRQ_CONTROL, HANDLER_IRQ, ROOT_CNODE, handler,
                                  ROOT_DEPTH));
    CHECK(!slot_is_empty(handler));
    /* Assumed (seL4): one handler capability per line, until it goes. */
    uint64_t again = slot_new();
    CHECK_ERROR(tern_irq_control_get(TERN_SLOT_IRQ_CONTROL, HANDLER_IRQ, ROOT_CNODE, again,
                                     ROOT_DEPTH),
                TERN_REVOKE_FIRST);
    CHECK(slot_is_empty(again));

    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t badged = cap_mint(notification, TERN_RIGHTS_ALL, 0x2);
    uint64_t read_only = cap_copy(notification, TERN_RIGHT_READ);
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    CHECK_ERROR(tern_irq_handler_set_notification(handler, endpoint), TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_irq_handler_set_notification(handler, read_only), TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_invoke(handler, TERN_IRQ_HANDLER_SET_NOTIFICATION, 0, 0, 0, 0, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    CHECK_OK(tern_irq_handler_set_notification(handler, badged));
    CHECK_OK(tern_irq_handler_ack(handler));
    CHECK_OK(tern_irq_handler_clear(handler));
    CHECK_ERROR(tern_invoke(handler, TERN_TCB_RESUME, 0, 0, 0, 0, 0, 0, 0),
                TERN_ILLEGAL_OPERATION);
    /* A copy works like the original. */
    uint64_t copy = cap_copy(handler, TERN_RIGHTS_ALL);
    CHECK_OK(tern_irq_handler_ack(copy));
    /* The line never fired: nothing was signalled. */
    uint64_t word = 99;
    CHECK_LABEL(tern_poll(notification, &word), TERN_OK);
    CHECK_EQ(word, 0);
}

static void control_get_errors(void)
{
    uint64_t slot = slot_new();
    uint64_t control = TERN_SLOT_IRQ_CONTROL;
    /* Software-generated and nonexistent lines; the kernel's own timer. */
    CHECK_ERROR(tern_irq_control_get(control, 5, ROOT_CNODE, slot, ROOT_DEPTH),
                TERN_RANGE_ERROR);
    CHECK_ERROR(tern_irq_control_get(control, 2000, ROOT_CNODE, slot, ROOT_DEPTH),
                TERN_RANGE_ERROR);
    CHECK_ERROR(tern_irq_control_get(control, boot_info->timer_irq, ROOT_CNODE, slot,
                                     ROOT_DEPTH),
                TERN_RANGE_ERROR);
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    CHECK_ERROR(tern_irq_control_get(control, ERRORS_IRQ, notification, slot, ROOT_DEPTH),
                TERN_INVALID_CAPABILITY);
    CHECK_ERROR(tern_irq_control_get(control, ERRORS_IRQ, ROOT_CNODE, notification, ROOT_DEPTH),
                TERN_DELETE_FIRST);
    CHECK_ERROR(tern_irq_control_get(control, ERRORS_IRQ, ROOT_CNODE,
                                     1ULL << TERN_ROOT_CNODE_BITS, ROOT_DEPTH),
                TERN_FAILED_LOOKUP);
    const uint64_t args[] = { ERRORS_IRQ, slot, ROOT_DEPTH };
    CHECK_ERROR(tern_invoke(control, TERN_IRQ_CONTROL_GET, args, 3, 0, 0, 0, 0, 0),
                TERN_TRUNCATED_MESSAGE);
    CHECK_ERROR(tern_irq_control_get(notification, ERRORS_IRQ, ROOT_CNODE, slot, ROOT_DEPTH),
                TERN_ILLEGAL_OPERATION);
    CHECK_ERROR(tern_invoke(control, TERN_IRQ_HANDLER_ACK, 0, 0, 0, 0, 0, 0, 0),
                TERN_ILLEGAL_OPERATION);
    CHECK(slot_is_empty(slot));
    /* None of the failures claimed the line. */
    CHECK_OK(tern_irq_control_get(control, ERRORS_IRQ, ROOT_CNODE, slot, ROOT_DEPTH));
}

/* A line goes back to IRQControl when its last handler capability goes. */
static void line_is_released_with_its_last_handler(void)
{
    uint64_t handler = slot_new(), other = slot_new();
    CHECK_OK(tern_irq_control_get(TERN_SLOT_IRQ_CONTROL, RELEASED_IRQ, ROOT_CNODE, handler,
                                  ROOT_DEPTH));
    uint64_t copy = cap_copy(handler, TERN_RIGHTS_ALL);
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, handler, ROOT_DEPTH));
    CHECK_ERROR(tern_irq_control_get(TERN_SLOT_IRQ_CONTROL, RELEASED_IRQ, ROOT_CNODE, other,
                                     ROOT_DEPTH),
                TERN_REVOKE_FIRST);
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, copy, ROOT_DEPTH));
    CHECK_OK(tern_irq_control_get(TERN_SLOT_IRQ_CONTROL, RELEASED_IRQ, ROOT_CNODE, other,
                                  ROOT_DEPTH));
}

/* Power off needs IRQControl: with anything else the call fails and the
 * machine runs on. */
static void power_off_needs_irq_control(void)
{
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    CHECK_LABEL(tern_debug_power_off(notification), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_debug_power_off(ROOT_TCB), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_debug_power_off(slot_new()), TERN_FAILED_LOOKUP);
    CHECK_LABEL(tern_debug_power_off(1ULL << TERN_ROOT_CNODE_BITS), TERN_FAILED_LOOKUP);
}

/* The console needs the Console capability in TERN_SLOT_CONSOLE: with the
 * slot empty or holding anything else, the byte goes nowhere and the call
 * says why. (Checked once the capability is back: CHECK prints.) */
static void console_needs_its_capability(void)
{
    uint64_t kept = slot_new(), notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    CHECK_OK(tern_cnode_move(ROOT_CNODE, kept, ROOT_DEPTH, ROOT_CNODE, TERN_SLOT_CONSOLE,
                             ROOT_DEPTH));
    enum tern_error empty = tern_debug_put_char('!');
    int nothing = tern_debug_get_char();
    enum tern_error moved = tern_cnode_move(ROOT_CNODE, TERN_SLOT_CONSOLE, ROOT_DEPTH,
                                            ROOT_CNODE, notification, ROOT_DEPTH);
    enum tern_error wrong = tern_debug_put_char('!');
    enum tern_error back = tern_cnode_delete(ROOT_CNODE, TERN_SLOT_CONSOLE, ROOT_DEPTH);
    if (back == TERN_OK)
        back = tern_cnode_move(ROOT_CNODE, TERN_SLOT_CONSOLE, ROOT_DEPTH, ROOT_CNODE, kept,
                               ROOT_DEPTH);
    CHECK_OK(back);
    CHECK_ERROR(empty, TERN_FAILED_LOOKUP);
    CHECK(nothing == -1);
    CHECK_OK(moved);
    CHECK_ERROR(wrong, TERN_INVALID_CAPABILITY);
    CHECK_OK(tern_debug_put_char(' '));
}

const struct test_case irq_tests[] = {
    { "line_is_released_with_its_last_handler", line_is_released_with_its_last_handler },
    { "control_get_and_handler", control_get_and_handler },
    { "control_get_errors", control_get_errors },
    { "power_off_needs_irq_control", power_off_needs_irq_control },
    { "console_needs_its_capability", console_needs_its_capability },
    TEST_SUITE_END,
};
