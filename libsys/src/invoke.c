/* Object invocations: each wrapper packs its arguments for tern_invoke. */
#include "sys/invoke.h"
#include "sys/syscall.h"

#define ARRAY_LENGTH(a) (sizeof(a) / sizeof((a)[0]))

enum tern_error tern_invoke(uint64_t object, uint64_t label,
                            const uint64_t *args, unsigned arg_count,
                            const uint64_t *caps, unsigned cap_count,
                            uint64_t *results, unsigned result_max, unsigned *result_count)
{
    struct tern_ipc_buffer *buffer = tern_ipc_buffer();
    uint64_t mr[TERN_MSG_REGISTERS] = { 0 };

    if (arg_count > TERN_MSG_MAX_LENGTH)
        arg_count = TERN_MSG_MAX_LENGTH;
    if (cap_count > TERN_MSG_MAX_CAPS)
        cap_count = TERN_MSG_MAX_CAPS;
    for (unsigned i = 0; i < arg_count; i++) {
        if (i < TERN_MSG_REGISTERS)
            mr[i] = args[i];
        else
            buffer->message[i] = args[i];
    }
    for (unsigned i = 0; i < cap_count; i++)
        buffer->caps_or_badges[i] = caps[i];

    tern_message_info reply = tern_call(object, tern_message(label, cap_count, arg_count), mr);

    unsigned count = tern_message_length(reply);
    if (count > TERN_MSG_MAX_LENGTH)
        count = TERN_MSG_MAX_LENGTH;
    for (unsigned i = 0; i < count && i < result_max; i++)
        results[i] = i < TERN_MSG_REGISTERS ? mr[i] : buffer->message[i];
    if (result_count)
        *result_count = count;
    return (enum tern_error)tern_message_label(reply);
}

const char *tern_error_name(uint64_t error)
{
    static const char *const names[] = {
        [TERN_OK] = "TERN_OK",
        [TERN_INVALID_ARGUMENT] = "TERN_INVALID_ARGUMENT",
        [TERN_INVALID_CAPABILITY] = "TERN_INVALID_CAPABILITY",
        [TERN_ILLEGAL_OPERATION] = "TERN_ILLEGAL_OPERATION",
        [TERN_RANGE_ERROR] = "TERN_RANGE_ERROR",
        [TERN_ALIGNMENT_ERROR] = "TERN_ALIGNMENT_ERROR",
        [TERN_FAILED_LOOKUP] = "TERN_FAILED_LOOKUP",
        [TERN_TRUNCATED_MESSAGE] = "TERN_TRUNCATED_MESSAGE",
        [TERN_DELETE_FIRST] = "TERN_DELETE_FIRST",
        [TERN_REVOKE_FIRST] = "TERN_REVOKE_FIRST",
        [TERN_NOT_ENOUGH_MEMORY] = "TERN_NOT_ENOUGH_MEMORY",
        [TERN_FAULT] = "TERN_FAULT",
        [TERN_CALLER_GONE] = "TERN_CALLER_GONE",
        [TERN_PERMISSION] = "TERN_PERMISSION",
        [TERN_INTERRUPTED] = "TERN_INTERRUPTED",
        [TERN_SERVER_GONE] = "TERN_SERVER_GONE",
    };
    _Static_assert(ARRAY_LENGTH(names) == TERN_ERROR_COUNT, "a name for every error");
    return error < ARRAY_LENGTH(names) ? names[error] : "?";
}

/* Most wrappers have no results. */
static enum tern_error invoke_with(uint64_t object, uint64_t label, const uint64_t *args,
                                   unsigned arg_count, const uint64_t *caps, unsigned cap_count)
{
    return tern_invoke(object, label, args, arg_count, caps, cap_count, 0, 0, 0);
}

/* ---- Untyped ---- */

enum tern_error tern_untyped_retype(uint64_t untyped, enum tern_object_type type,
                                    uint64_t size_bits, uint64_t dest_cnode,
                                    uint64_t index, uint64_t depth, uint64_t count)
{
    const uint64_t args[] = { type, size_bits, index, depth, count };
    const uint64_t caps[] = { dest_cnode };
    return invoke_with(untyped, TERN_UNTYPED_RETYPE, args, 5, caps, 1);
}

/* ---- CNode ---- */

enum tern_error tern_cnode_copy(uint64_t cnode, uint64_t dest_index, uint64_t dest_depth,
                                uint64_t src_cnode, uint64_t src_index, uint64_t src_depth,
                                uint64_t rights)
{
    const uint64_t args[] = { dest_index, dest_depth, src_index, src_depth, rights };
    const uint64_t caps[] = { src_cnode };
    return invoke_with(cnode, TERN_CNODE_COPY, args, 5, caps, 1);
}

enum tern_error tern_cnode_mint(uint64_t cnode, uint64_t dest_index, uint64_t dest_depth,
                                uint64_t src_cnode, uint64_t src_index, uint64_t src_depth,
                                uint64_t rights, uint64_t badge)
{
    const uint64_t args[] = { dest_index, dest_depth, src_index, src_depth, rights, badge };
    const uint64_t caps[] = { src_cnode };
    return invoke_with(cnode, TERN_CNODE_MINT, args, 6, caps, 1);
}

enum tern_error tern_cnode_move(uint64_t cnode, uint64_t dest_index, uint64_t dest_depth,
                                uint64_t src_cnode, uint64_t src_index, uint64_t src_depth)
{
    const uint64_t args[] = { dest_index, dest_depth, src_index, src_depth };
    const uint64_t caps[] = { src_cnode };
    return invoke_with(cnode, TERN_CNODE_MOVE, args, 4, caps, 1);
}

enum tern_error tern_cnode_mutate(uint64_t cnode, uint64_t dest_index, uint64_t dest_depth,
                                  uint64_t src_cnode, uint64_t src_index, uint64_t src_depth,
                                  uint64_t badge)
{
    const uint64_t args[] = { dest_index, dest_depth, src_index, src_depth, badge };
    const uint64_t caps[] = { src_cnode };
    return invoke_with(cnode, TERN_CNODE_MUTATE, args, 5, caps, 1);
}

enum tern_error tern_cnode_compare(uint64_t cnode, uint64_t index, uint64_t depth,
                                   uint64_t other_cnode, uint64_t other_index,
                                   uint64_t other_depth, uint64_t *order)
{
    const uint64_t args[] = { index, depth, other_index, other_depth };
    const uint64_t caps[] = { other_cnode };
    uint64_t result = 0;
    unsigned count = 0;
    enum tern_error error = tern_invoke(cnode, TERN_CNODE_COMPARE, args, 4, caps, 1, &result, 1,
                                        &count);
    if (order)
        *order = error == TERN_OK && count >= 1 ? result : 0;
    return error;
}

enum tern_error tern_cnode_delete(uint64_t cnode, uint64_t index, uint64_t depth)
{
    const uint64_t args[] = { index, depth };
    return invoke_with(cnode, TERN_CNODE_DELETE, args, 2, 0, 0);
}

enum tern_error tern_cnode_revoke(uint64_t cnode, uint64_t index, uint64_t depth)
{
    const uint64_t args[] = { index, depth };
    return invoke_with(cnode, TERN_CNODE_REVOKE, args, 2, 0, 0);
}

/* ---- TCB ---- */

enum tern_error tern_tcb_configure(uint64_t tcb, uint64_t fault_endpoint, uint64_t cspace_root,
                                   uint64_t vspace, uint64_t ipc_buffer_frame,
                                   uint64_t ipc_buffer_address)
{
    const uint64_t args[] = { fault_endpoint, ipc_buffer_address };
    const uint64_t caps[] = { cspace_root, vspace, ipc_buffer_frame };
    return invoke_with(tcb, TERN_TCB_CONFIGURE, args, 2, caps, 3);
}

enum tern_error tern_tcb_set_priority(uint64_t tcb, uint64_t priority)
{
    const uint64_t args[] = { priority };
    return invoke_with(tcb, TERN_TCB_SET_PRIORITY, args, 1, 0, 0);
}

enum tern_error tern_tcb_set_scheduling(uint64_t tcb, uint64_t priority, uint64_t flags)
{
    const uint64_t args[] = { priority, flags };
    return invoke_with(tcb, TERN_TCB_SET_PRIORITY, args, 2, 0, 0);
}

enum tern_error tern_tcb_set_affinity(uint64_t tcb, uint64_t cpu)
{
    const uint64_t args[] = { cpu };
    return invoke_with(tcb, TERN_TCB_SET_AFFINITY, args, 1, 0, 0);
}

enum tern_error tern_tcb_set_affinity_following(uint64_t tcb, uint64_t cpu, uint64_t cores)
{
    const uint64_t args[] = { cpu, cores };
    return invoke_with(tcb, TERN_TCB_SET_AFFINITY, args, 2, 0, 0);
}

enum tern_error tern_tcb_read_registers(uint64_t tcb, struct tern_user_registers *registers)
{
    uint64_t values[TERN_USER_REGISTER_COUNT] = { 0 };
    unsigned count = 0;
    enum tern_error error = tern_invoke(tcb, TERN_TCB_READ_REGISTERS, 0, 0, 0, 0,
                                        values, TERN_USER_REGISTER_COUNT, &count);
    if (error == TERN_OK && count < TERN_USER_REGISTER_COUNT)
        error = TERN_TRUNCATED_MESSAGE;
    if (error == TERN_OK && registers) {
        registers->pc = values[0];
        registers->sp = values[1];
        registers->spsr = values[2];
        for (unsigned i = 0; i < 31; i++)
            registers->x[i] = values[3 + i];
        registers->tpidr_el0 = values[34];
    }
    return error;
}

enum tern_error tern_tcb_write_registers(uint64_t tcb, uint64_t flags, unsigned count,
                                         const uint64_t *values)
{
    uint64_t args[2 + TERN_USER_REGISTER_COUNT];
    if (count > TERN_USER_REGISTER_COUNT)
        count = TERN_USER_REGISTER_COUNT;
    args[0] = flags;
    args[1] = count;
    for (unsigned i = 0; i < count; i++)
        args[2 + i] = values[i];
    return invoke_with(tcb, TERN_TCB_WRITE_REGISTERS, args, 2 + count, 0, 0);
}

enum tern_error tern_tcb_resume(uint64_t tcb)
{
    return invoke_with(tcb, TERN_TCB_RESUME, 0, 0, 0, 0);
}

enum tern_error tern_tcb_suspend(uint64_t tcb)
{
    return invoke_with(tcb, TERN_TCB_SUSPEND, 0, 0, 0, 0);
}

enum tern_error tern_tcb_interrupt(uint64_t tcb)
{
    return invoke_with(tcb, TERN_TCB_INTERRUPT, 0, 0, 0, 0);
}

enum tern_error tern_tcb_get_cpu_time(uint64_t tcb, uint64_t *time)
{
    unsigned count = 0;
    enum tern_error error = tern_invoke(tcb, TERN_TCB_GET_CPU_TIME, 0, 0, 0, 0, time, 1, &count);
    return error == TERN_OK && count < 1 ? TERN_TRUNCATED_MESSAGE : error;
}

enum tern_error tern_tcb_copy_fp_state(uint64_t tcb, uint64_t source)
{
    const uint64_t caps[] = { source };
    return invoke_with(tcb, TERN_TCB_COPY_FP_STATE, 0, 0, caps, 1);
}

enum tern_error tern_tcb_bind_notification(uint64_t tcb, uint64_t notification)
{
    const uint64_t caps[] = { notification };
    return invoke_with(tcb, TERN_TCB_BIND_NOTIFICATION, 0, 0, caps, 1);
}

enum tern_error tern_tcb_unbind_notification(uint64_t tcb)
{
    return invoke_with(tcb, TERN_TCB_UNBIND_NOTIFICATION, 0, 0, 0, 0);
}

enum tern_error tern_tcb_set_tls(uint64_t tcb, uint64_t tpidr_el0)
{
    const uint64_t args[] = { tpidr_el0 };
    return invoke_with(tcb, TERN_TCB_SET_TLS, args, 1, 0, 0);
}

enum tern_error tern_tcb_set_fault_handler(uint64_t tcb, uint64_t endpoint)
{
    const uint64_t caps[] = { endpoint };
    return invoke_with(tcb, TERN_TCB_SET_FAULT_HANDLER, 0, 0, caps, endpoint ? 1 : 0);
}

/* ---- Frames and page tables ---- */

enum tern_error tern_frame_map(uint64_t frame, uint64_t vspace, uint64_t address,
                               uint64_t rights, uint64_t attributes)
{
    const uint64_t args[] = { address, rights, attributes };
    const uint64_t caps[] = { vspace };
    return invoke_with(frame, TERN_FRAME_MAP, args, 3, caps, 1);
}

enum tern_error tern_frame_unmap(uint64_t frame)
{
    return invoke_with(frame, TERN_FRAME_UNMAP, 0, 0, 0, 0);
}

enum tern_error tern_frame_get_address(uint64_t frame, uint64_t *physical_address)
{
    uint64_t result = 0;
    unsigned count = 0;
    enum tern_error error = tern_invoke(frame, TERN_FRAME_GET_ADDRESS, 0, 0, 0, 0,
                                        &result, 1, &count);
    if (error == TERN_OK && count < 1)
        error = TERN_TRUNCATED_MESSAGE;
    if (error == TERN_OK && physical_address)
        *physical_address = result;
    return error;
}

enum tern_error tern_page_table_map(uint64_t table, uint64_t vspace, uint64_t address)
{
    const uint64_t args[] = { address };
    const uint64_t caps[] = { vspace };
    return invoke_with(table, TERN_PAGE_TABLE_MAP, args, 1, caps, 1);
}

enum tern_error tern_page_table_unmap(uint64_t table)
{
    return invoke_with(table, TERN_PAGE_TABLE_UNMAP, 0, 0, 0, 0);
}

/* ---- VSpace and Reply copies: four arguments, the byte count back ---- */

static enum tern_error invoke_copy(uint64_t object, uint64_t label, const uint64_t *args,
                                   unsigned arg_count, uint64_t *copied)
{
    uint64_t result = 0;
    unsigned count = 0;
    enum tern_error error = tern_invoke(object, label, args, arg_count, 0, 0, &result, 1, &count);
    if (copied)
        *copied = error == TERN_OK && count >= 1 ? result : 0;
    return error;
}

enum tern_error tern_vspace_read(uint64_t vspace, uint64_t address, uint64_t length,
                                 uint64_t dest_address, uint64_t *copied)
{
    const uint64_t args[] = { address, length, dest_address };
    return invoke_copy(vspace, TERN_VSPACE_READ, args, 3, copied);
}

enum tern_error tern_vspace_write(uint64_t vspace, uint64_t address, uint64_t length,
                                  uint64_t src_address, uint64_t *copied)
{
    const uint64_t args[] = { address, length, src_address };
    return invoke_copy(vspace, TERN_VSPACE_WRITE, args, 3, copied);
}

enum tern_error tern_vspace_copy(uint64_t destination, uint64_t dest_address, uint64_t length,
                                 uint64_t source, uint64_t src_address, uint64_t *copied)
{
    const uint64_t args[] = { dest_address, length, src_address };
    const uint64_t caps[] = { source };
    uint64_t result = 0;
    unsigned count = 0;
    enum tern_error error = tern_invoke(destination, TERN_VSPACE_COPY, args, 3, caps, 1,
                                        &result, 1, &count);
    if (copied)
        *copied = error == TERN_OK && count >= 1 ? result : 0;
    return error;
}

enum tern_error tern_vspace_set_upcall(uint64_t vspace, uint64_t entry)
{
    const uint64_t args[] = { entry };
    return invoke_with(vspace, TERN_VSPACE_SET_UPCALL, args, 1, 0, 0);
}

enum tern_error tern_vspace_write_protect(uint64_t vspace, uint64_t address, uint64_t length)
{
    const uint64_t args[] = { address, length };
    return invoke_with(vspace, TERN_VSPACE_WRITE_PROTECT, args, 2, 0, 0);
}

enum tern_error tern_reply_read_window(uint64_t reply, uint64_t window, uint64_t offset,
                                       uint64_t length, uint64_t dest_address,
                                       uint64_t *copied)
{
    const uint64_t args[] = { window, offset, length, dest_address };
    return invoke_copy(reply, TERN_REPLY_READ_WINDOW, args, 4, copied);
}

enum tern_error tern_reply_write_window(uint64_t reply, uint64_t window, uint64_t offset,
                                        uint64_t length, uint64_t src_address,
                                        uint64_t *copied)
{
    const uint64_t args[] = { window, offset, length, src_address };
    return invoke_copy(reply, TERN_REPLY_WRITE_WINDOW, args, 4, copied);
}

enum tern_error tern_reply_compare_exchange(uint64_t reply, uint64_t window, uint64_t offset,
                                            uint32_t expected, uint32_t desired,
                                            uint32_t *previous)
{
    const uint64_t args[] = { window, offset, expected, desired };
    uint64_t result = 0;
    unsigned count = 0;
    enum tern_error error = tern_invoke(reply, TERN_REPLY_COMPARE_EXCHANGE, args, 4, 0, 0,
                                        &result, 1, &count);
    *previous = (uint32_t)result;
    return error;
}

enum tern_error tern_reply_set_interrupted_result(uint64_t reply, uint64_t value)
{
    return invoke_with(reply, TERN_REPLY_SET_INTERRUPTED_RESULT, &value, 1, 0, 0);
}

/* ---- IRQs ---- */

enum tern_error tern_irq_control_get(uint64_t irq_control, uint64_t irq, uint64_t dest_cnode,
                                     uint64_t index, uint64_t depth)
{
    const uint64_t args[] = { irq, index, depth };
    const uint64_t caps[] = { dest_cnode };
    return invoke_with(irq_control, TERN_IRQ_CONTROL_GET, args, 3, caps, 1);
}

enum tern_error tern_irq_handler_ack(uint64_t handler)
{
    return invoke_with(handler, TERN_IRQ_HANDLER_ACK, 0, 0, 0, 0);
}

enum tern_error tern_irq_handler_set_notification(uint64_t handler, uint64_t notification)
{
    const uint64_t caps[] = { notification };
    return invoke_with(handler, TERN_IRQ_HANDLER_SET_NOTIFICATION, 0, 0, caps, 1);
}

enum tern_error tern_irq_handler_clear(uint64_t handler)
{
    return invoke_with(handler, TERN_IRQ_HANDLER_CLEAR, 0, 0, 0, 0);
}

/* ---- Notification timer ---- */

enum tern_error tern_notification_set_timeout(uint64_t notification, uint64_t deadline,
                                              uint64_t badge)
{
    const uint64_t args[] = { deadline, badge };
    return invoke_with(notification, TERN_NOTIFICATION_SET_TIMEOUT, args, 2, 0, 0);
}
