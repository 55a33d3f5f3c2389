/*
 * Instruction cache coherency for frames user mode will execute. The host
 * unit test of vspace.c supplies its own recording version instead.
 */
#ifndef ARCH_CACHE_H
#define ARCH_CACHE_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/cpu.h"
#include "arch/memory_layout.h"
#include "arch/mmu.h"
#include "arch/registers.h"

#define DCZID_PROHIBITED        BIT(4)      /* DC ZVA may not be used */
#define CTR_IDC                 BIT(28)     /* no D-cache clean needed for I-fetch */
#define CTR_DIC                 BIT(29)     /* no I-cache invalidation needed */
#define CTR_L1IP_PIPT           3

/* Make instructions written to a RAM frame (through any cacheable alias)
 * visible to instruction fetches: clean the D-cache to the point of
 * unification, then invalidate the I-cache. By line on a PIPT I-cache,
 * where the kernel's alias finds the lines; else the whole I-cache. */
static inline void sync_instruction_cache(uint64_t physical, uint64_t size)
{
    uint64_t ctr = read_sysreg(ctr_el0);
    uintptr_t start = (uintptr_t)phys_to_virt(physical);
    if (!(ctr & CTR_IDC)) {
        uint64_t line = 4ULL << ((ctr >> 16) & 0xf);
        for (uintptr_t address = start; address < start + size; address += line)
            __asm__ volatile("dc cvau, %0" : : "r"(address) : "memory");
        dsb_ish();
    }
    if (!(ctr & CTR_DIC)) {
        if (((ctr >> 14) & 3) == CTR_L1IP_PIPT && size <= PAGE_SIZE) {
            uint64_t line = 4ULL << (ctr & 0xf);
            for (uintptr_t address = start; address < start + size; address += line)
                __asm__ volatile("ic ivau, %0" : : "r"(address) : "memory");
        } else {
            __asm__ volatile("ic ialluis" ::: "memory");
        }
        dsb_ish();
    }
    isb();
}

/* Zeroes [address, address + length) of normal memory, both multiples
 * of the DC ZVA block (64 bytes on the cores we run on; DCZID_EL0 says):
 * one instruction a block, where stores take eight. Every object and
 * frame a retype makes is zeroed this way. Returns false, having done
 * nothing, where DC ZVA is not allowed or the range does not fit its
 * blocks. */
static inline bool zero_by_blocks(void *address, uint64_t length)
{
    uint64_t dczid = read_sysreg(dczid_el0);
    uint64_t block = 4ULL << (dczid & 0xf);
    uintptr_t start = (uintptr_t)address;
    if ((dczid & DCZID_PROHIBITED) || ((start | length) & (block - 1)))
        return false;
    for (uintptr_t line = start; line < start + length; line += block)
        __asm__ volatile("dc zva, %0" : : "r"(line) : "memory");
    return true;
}

#endif
