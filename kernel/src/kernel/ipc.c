#include "kernel/ipc.h"
#include "tern/message.h"

uint64_t message_register(struct tcb *thread, struct tern_ipc_buffer *buffer, unsigned index)
{
    if (index < TERN_MSG_REGISTERS)
        return thread->context.x[2 + index];
    return buffer ? buffer->message[index] : 0;
}

void set_message_register(struct tcb *thread, struct tern_ipc_buffer *buffer, unsigned index,
                          uint64_t value)
{
    if (index < TERN_MSG_REGISTERS)
        thread->context.x[2 + index] = value;
    else if (buffer)
        buffer->message[index] = value;
}

/* A fault, as message registers (tern_fault in objects.h lists them). */
static tern_message_info transfer_fault(struct tcb *sender, struct tcb *receiver,
                                        struct tern_ipc_buffer *to)
{
    const struct user_context *c = &sender->context;
    unsigned length = 0;
    switch (sender->fault_pending) {
    case TERN_FAULT_VM:
        for (unsigned i = 0; i < 4; i++)
            set_message_register(receiver, to, length++, sender->fault_info[i]);
        break;
    case TERN_FAULT_UNKNOWN_SYSCALL:
        for (unsigned i = 0; i < 8; i++)
            set_message_register(receiver, to, length++, c->x[i]);
        set_message_register(receiver, to, length++, c->pc);
        set_message_register(receiver, to, length++, c->sp);
        set_message_register(receiver, to, length++, c->spsr);
        set_message_register(receiver, to, length++, c->x[8]);
        break;
    default:
        set_message_register(receiver, to, length++, c->pc);
        set_message_register(receiver, to, length++, c->sp);
        set_message_register(receiver, to, length++, c->spsr);
        set_message_register(receiver, to, length++, sender->fault_info[0]);
        set_message_register(receiver, to, length++, sender->fault_info[1]);
        break;
    }
    if (!to && length > TERN_MSG_REGISTERS)
        length = TERN_MSG_REGISTERS;
    return tern_message(sender->fault_pending, 0, length);
}

/* Transfer the sender's caps into the receiver's receive slots; a cap to
 * the endpoint the message came through arrives as its badge instead. */
static unsigned transfer_caps(struct tcb *sender, struct tern_ipc_buffer *from,
                              struct tcb *receiver, struct tern_ipc_buffer *to,
                              unsigned count, struct endpoint *endpoint, unsigned *unwrapped)
{
    struct cte *destination_cnode = 0;
    enum tern_error error;
    if (to && receiver->cspace_root.cap.type == CAP_CNODE) {
        destination_cnode = cspace_lookup_slot(&receiver->cspace_root.cap, to->receive_cnode,
                                               64, &error);
        if (destination_cnode && destination_cnode->cap.type != CAP_CNODE)
            destination_cnode = 0;
    }
    unsigned done = 0;
    *unwrapped = 0;
    for (unsigned i = 0; i < count; i++) {
        struct cte *source = cspace_lookup_cap(sender, from->caps_or_badges[i], &error);
        if (!source)
            break;
        const struct cap *cap = &source->cap;
        if (endpoint && cap->type == CAP_ENDPOINT && cap->object == (uint64_t)endpoint) {
            to->caps_or_badges[done] = cap->word;
            *unwrapped |= 1u << done;
            done++;
            continue;
        }
        /* As CNode_Copy: no reply or IRQ control caps, and an untyped only
         * while nothing has been made from it. */
        if (!destination_cnode || cap->type == CAP_REPLY || cap->type == CAP_IRQ_CONTROL ||
            (cap->type == CAP_UNTYPED && cte_has_children(source)))
            break;
        struct cte *slot = cspace_lookup_slot(&destination_cnode->cap,
                                              to->receive_index + done, to->receive_depth, &error);
        if (!slot || slot->cap.type != CAP_NULL)
            break;
        struct cap copy = *cap;
        if (copy.type == CAP_FRAME || copy.type == CAP_PAGE_TABLE ||
            copy.type == CAP_PAGE_DIRECTORY) {
            copy.word = copy.word2 = 0;     /* a copy does not share the mapping */
        }
        cte_insert(source, slot, copy);
        done++;
    }
    return done;
}

void ipc_transfer(struct tcb *sender, struct tcb *receiver, uint64_t badge, bool can_grant,
                  struct endpoint *endpoint)
{
    struct tern_ipc_buffer *from = tcb_ipc_buffer(sender);
    struct tern_ipc_buffer *to = tcb_ipc_buffer(receiver);
    tern_message_info info;

    if (sender->fault_pending) {
        info = transfer_fault(sender, receiver, to);
    } else {
        tern_message_info sent = sender->context.x[1];
        unsigned length = tern_message_length(sent);
        if (length > TERN_MSG_MAX_LENGTH)
            length = TERN_MSG_MAX_LENGTH;
        if ((!from || !to) && length > TERN_MSG_REGISTERS)
            length = TERN_MSG_REGISTERS;
        for (unsigned i = 0; i < length; i++)
            set_message_register(receiver, to, i, message_register(sender, from, i));
        unsigned caps = 0, unwrapped = 0;
        if (can_grant && from && tern_message_caps(sent))
            caps = transfer_caps(sender, from, receiver, to, tern_message_caps(sent),
                                 endpoint, &unwrapped);
        /* The window count tells a server which windows it may copy. */
        info = tern_message_with_windows(tern_message(tern_message_label(sent), caps, length),
                                         tern_message_windows(sent)) |
               ((uint64_t)unwrapped << 9);
    }
    set_return(receiver, badge, info);
}
