/*
 * Translation tables as the hardware walks them: the barriers that make
 * table writes visible to walks, broadcast TLB invalidation, and the user
 * translation base. vspace.c keeps the rules (break-before-make, when each
 * is needed); this is how each is done on aarch64. The host unit test of
 * vspace.c supplies its own recording versions instead.
 */
#ifndef ARCH_TLB_H
#define ARCH_TLB_H

#include <stdint.h>
#include "arch/cpu.h"
#include "arch/memory_layout.h"

/* Make earlier stores to translation tables visible to table walks (for
 * instance a table's zeroed contents before the entry that links it). */
static inline void translation_store_barrier(void)
{
    __asm__ volatile("dsb ishst" ::: "memory");
}

/* A new entry replaced an invalid one: make it visible; no TLB can hold
 * the old (invalid) one. */
static inline void translation_entry_written(void)
{
    __asm__ volatile("dsb ishst\n\tisb" ::: "memory");
}

/* Invalidate every core's TLB entries for one page of one ASID, after the
 * entry has been cleared. */
static inline void tlb_flush_page(uint16_t asid, uint64_t address)
{
    uint64_t operand = (address >> PAGE_SHIFT) | ((uint64_t)asid << 48);
    __asm__ volatile("dsb ishst\n\ttlbi vae1is, %0\n\tdsb ish\n\tisb"
                     : : "r"(operand) : "memory");
}

/* Invalidate every core's TLB and walk-cache entries for an ASID. */
static inline void tlb_flush_asid(uint16_t asid)
{
    uint64_t operand = (uint64_t)asid << 48;
    __asm__ volatile("dsb ishst\n\ttlbi aside1is, %0\n\tdsb ish\n\tisb"
                     : : "r"(operand) : "memory");
}

static inline void set_user_translation_base(uint64_t ttbr0)
{
    write_sysreg(ttbr0_el1, ttbr0);
    isb();
}

#endif
