#include <stdarg.h>
#include "arch/cpu.h"
#include "arch/trap_frame.h"
#include "kernel/console.h"
#include "kernel/panic.h"
#include "kernel/smp.h"

static void __attribute__((noreturn)) stop_this_cpu(void)
{
    irq_disable();
    for (;;)
        wait_for_interrupt();
}

void panic(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    kprintf("\ntern: KERNEL PANIC on cpu%u: ", this_cpu_index());
    kvprintf(format, arguments);
    kprintf("\n");
    va_end(arguments);
    stop_this_cpu();
}

void panic_with_frame(const char *why, const struct trap_frame *frame)
{
    kprintf("\ntern: KERNEL PANIC on cpu%u: %s\n", this_cpu_index(), why);
    kprintf("  ESR %016lx  ELR %016lx  FAR %016lx\n",
            read_sysreg(esr_el1), frame->elr, read_sysreg(far_el1));
    kprintf("  SPSR %016lx  SP_EL0 %016lx\n", frame->spsr, frame->sp_el0);
    for (int i = 0; i < 31; i += 2) {
        if (i == 30)
            kprintf("  x30 %016lx\n", frame->x[30]);
        else
            kprintf("  x%02d %016lx  x%02d %016lx\n", i, frame->x[i], i + 1, frame->x[i + 1]);
    }
    stop_this_cpu();
}
