/* Synchronous exceptions and the vectors the kernel never expects. */
#include "arch/trap_frame.h"
#include "kernel/panic.h"

static const char *const vector_names[16] = {
    "synchronous exception with SP_EL0", "IRQ with SP_EL0",
    "FIQ with SP_EL0", "SError with SP_EL0",
    "kernel synchronous exception", "kernel IRQ",
    "kernel FIQ", "kernel SError",
    "user synchronous exception", "user IRQ",
    "user FIQ", "user SError",
    "AArch32 synchronous exception", "AArch32 IRQ",
    "AArch32 FIQ", "AArch32 SError",
};

void handle_kernel_sync(struct trap_frame *frame, unsigned long vector)
{
    panic_with_frame(vector_names[vector & 15], frame);
}

void handle_unexpected_exception(struct trap_frame *frame, unsigned long vector)
{
    panic_with_frame(vector_names[vector & 15], frame);
}
