/*
 * System register values the kernel programs, shared by the boot assembly
 * and C. Each constant is built from named fields so the value explains
 * itself.
 */
#ifndef ARCH_REGISTERS_H
#define ARCH_REGISTERS_H

/* A bit as a 64-bit constant in C and a plain number in assembly. */
#ifdef __ASSEMBLER__
#define BIT(n)                      (1 << (n))
#else
#define BIT(n)                      (1UL << (n))
#endif

/* MAIR_EL1 attribute indexes, used by every page table entry's AttrIndx. */
#define MAIR_INDEX_DEVICE_nGnRnE    0
#define MAIR_INDEX_NORMAL           1
#define MAIR_INDEX_DEVICE_nGnRE     2
#define MAIR_INDEX_NORMAL_NC        3
#define MAIR_VALUE                  ((0x00 << (8 * MAIR_INDEX_DEVICE_nGnRnE)) | \
                                     (0xff << (8 * MAIR_INDEX_NORMAL)) |        \
                                     (0x04 << (8 * MAIR_INDEX_DEVICE_nGnRE)) |  \
                                     (0x44 << (8 * MAIR_INDEX_NORMAL_NC)))

/* TCR_EL1: 39-bit VAs in both halves, 4 KiB granule, inner-shareable
 * write-back walks; IPS is filled in at run time from ID_AA64MMFR0_EL1. */
#define TCR_T0SZ                    (64 - 39)
#define TCR_T1SZ                    ((64 - 39) << 16)
#define TCR_WALK_ATTRS_TTBR0        ((1 << 8) | (1 << 10) | (3 << 12))
#define TCR_WALK_ATTRS_TTBR1        ((1 << 24) | (1 << 26) | (3 << 28))
#define TCR_TG1_4K                  BIT(31)
#define TCR_IPS_SHIFT               32
#define TCR_ASID16                  BIT(36)
#define TCR_TBI0                    BIT(37)
#define TCR_VALUE                   (TCR_T0SZ | TCR_T1SZ | TCR_WALK_ATTRS_TTBR0 | \
                                     TCR_WALK_ATTRS_TTBR1 | TCR_TG1_4K | TCR_ASID16 | TCR_TBI0)

/* SCTLR_EL1: MMU, caches, stack alignment checks; EL0 may use DC ZVA,
 * read CTR_EL0, clean caches and execute WFI/WFE without trapping. */
#define SCTLR_RES1                  0x30d00800
#define SCTLR_M                     (1 << 0)
#define SCTLR_C                     (1 << 2)
#define SCTLR_SA                    (1 << 3)
#define SCTLR_SA0                   (1 << 4)
#define SCTLR_I                     (1 << 12)
#define SCTLR_DZE                   (1 << 14)
#define SCTLR_UCT                   (1 << 15)
#define SCTLR_nTWI                  (1 << 16)
#define SCTLR_nTWE                  (1 << 18)
#define SCTLR_UCI                   (1 << 26)
#define SCTLR_MMU_OFF               SCTLR_RES1
#define SCTLR_MMU_ON                (SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_SA0 | \
                                     SCTLR_I | SCTLR_DZE | SCTLR_UCT | SCTLR_nTWI |         \
                                     SCTLR_nTWE | SCTLR_UCI)

/* Leaving EL2: EL1 is AArch64, EL1 may use the physical timer and counter,
 * FP/SIMD is not trapped, and we enter EL1h with every exception masked. */
#define HCR_EL2_RW                  BIT(31)
#define CNTHCTL_EL1_TIMER_ACCESS    3
#define CPTR_EL2_NO_TRAPS           0x33ff
#define ICC_SRE_EL2_SRE_ENABLE      0x9
#define SPSR_EL1H_MASKED            0x3c5

/* MPIDR_EL1 affinity fields Aff3..Aff0; the rest are flags. */
#define MPIDR_AFFINITY_MASK         0xff00ffffff

/* CPACR_EL1: FP/SIMD usable at EL0 and EL1 (the kernel itself is built
 * with -mgeneral-regs-only, user programs use SIMD). */
#define CPACR_FPEN_ALL              (3 << 20)

#endif
