/* Access to system registers, barriers and interrupt masking. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdint.h>

#define read_sysreg(name) ({                                    \
    uint64_t value_;                                            \
    __asm__ volatile("mrs %0, " #name : "=r"(value_));          \
    value_;                                                     \
})

#define write_sysreg(name, value)                               \
    __asm__ volatile("msr " #name ", %0" : : "r"((uint64_t)(value)) : "memory")

static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb_sy(void) { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void dsb_ish(void) { __asm__ volatile("dsb ish" ::: "memory"); }
static inline void dmb_ish(void) { __asm__ volatile("dmb ish" ::: "memory"); }
static inline void wait_for_interrupt(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void wait_for_event(void) { __asm__ volatile("wfe" ::: "memory"); }
static inline void send_event(void) { __asm__ volatile("sev" ::: "memory"); }
/* In a loop waiting for another core: a hint that this one does nothing.
 * QEMU's single-threaded TCG (as under -icount) takes it to run the next
 * virtual CPU, which may be the one the loop waits for; without it the
 * waiter spins on until its time slice ends, up to 100 ms of guest time. */
static inline void spin_wait_hint(void) { __asm__ volatile("yield" ::: "memory"); }

static inline void irq_enable(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }

/* Clean (write back) and invalidate the data cache lines covering a range,
 * to the point of coherency: for data read by a core with its MMU off. */
void dcache_clean_invalidate_range(const void *start, uint64_t size);

static inline uint64_t mpidr_affinity(void)
{
    return read_sysreg(mpidr_el1) & 0xff00ffffffUL;
}

#endif
