/*
 * Device interrupts for user-mode drivers. IRQControl_Get makes an
 * IRQHandler capability for one interrupt number; the handler names a
 * notification to signal. The kernel masks the line when it fires and the
 * driver unmasks it with IRQHandler_Ack once the device is serviced.
 */
#include "kernel/ipc.h"
#include "kernel/irq.h"

#define MAX_IRQS 1020   /* GIC INTIDs below the special ones */

struct irq_slot {
    bool claimed;               /* an IRQHandler capability exists */
    struct notification *notification;
    uint64_t badge;
};

static struct irq_slot irqs[MAX_IRQS];

void irq_handler_deliver(uint32_t irq)
{
    if (irq < MAX_IRQS && irqs[irq].notification)
        notification_signal(irqs[irq].notification, irqs[irq].badge);
}

void irq_handler_release(uint32_t irq)
{
    if (irq >= MAX_IRQS)
        return;
    irq_disable_line(irq);
    irqs[irq] = (struct irq_slot){ 0 };
}

void irq_handler_forget_notification(struct notification *notification)
{
    for (unsigned irq = 0; irq < MAX_IRQS; irq++)
        if (irqs[irq].notification == notification)
            irqs[irq].notification = 0;
}

/* IRQControl_Get(irq, dest_index, dest_depth; cap0 = dest CNode). */
enum tern_error irq_control_decode(struct invocation *inv)
{
    if (inv->label != TERN_IRQ_CONTROL_GET)
        return TERN_ILLEGAL_OPERATION;
    if (inv->length < 3 || inv->extra_cap_count < 1)
        return TERN_TRUNCATED_MESSAGE;
    uint64_t irq = inv->args[0];
    if (irq < 16 || irq >= MAX_IRQS || irq_is_reserved((uint32_t)irq))
        return TERN_RANGE_ERROR;
    if (irqs[irq].claimed)
        return TERN_REVOKE_FIRST;
    const struct cap *cnode = &inv->extra_caps[0]->cap;
    if (cnode->type != CAP_CNODE)
        return TERN_INVALID_CAPABILITY;
    if (inv->args[2] == 0 || inv->args[2] > 64)
        return TERN_RANGE_ERROR;
    enum tern_error error;
    struct cte *slot = cspace_lookup_slot(cnode, inv->args[1], (unsigned)inv->args[2], &error);
    if (!slot)
        return error;
    if (slot->cap.type != CAP_NULL)
        return TERN_DELETE_FIRST;
    /* object = the line, so copies of this handler count as one object. */
    struct cap cap = { .type = CAP_IRQ_HANDLER, .rights = TERN_RIGHTS_ALL, .irq = (uint32_t)irq,
                       .object = irq };
    irqs[irq].claimed = true;
    cte_insert(inv->slot, slot, cap);
    return TERN_OK;
}

enum tern_error irq_handler_decode(struct invocation *inv)
{
    uint32_t irq = inv->slot->cap.irq;
    switch (inv->label) {
    case TERN_IRQ_HANDLER_ACK:
        irq_enable_line(irq);
        return TERN_OK;
    case TERN_IRQ_HANDLER_SET_NOTIFICATION: {
        if (inv->extra_cap_count < 1)
            return TERN_TRUNCATED_MESSAGE;
        const struct cap *cap = &inv->extra_caps[0]->cap;
        if (cap->type != CAP_NOTIFICATION || !(cap->rights & TERN_RIGHT_WRITE))
            return TERN_INVALID_CAPABILITY;
        irqs[irq].notification = (struct notification *)cap->object;
        irqs[irq].badge = cap->word;
        irq_enable_line(irq);
        return TERN_OK;
    }
    case TERN_IRQ_HANDLER_CLEAR:
        irqs[irq].notification = 0;
        return TERN_OK;
    default:
        return TERN_ILLEGAL_OPERATION;
    }
}
