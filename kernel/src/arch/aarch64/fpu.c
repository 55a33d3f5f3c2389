#include "arch/cpu.h"
#include "arch/fpu.h"
#include "arch/registers.h"
#include "lib/string.h"

#define CPACR_FPEN_TRAP_EL0 (1 << 20)

void fpu_save(struct fp_context *fp)
{
    __asm__ volatile(
        "stp q0, q1, [%0, #32 * 0]\n"   "stp q2, q3, [%0, #32 * 1]\n"
        "stp q4, q5, [%0, #32 * 2]\n"   "stp q6, q7, [%0, #32 * 3]\n"
        "stp q8, q9, [%0, #32 * 4]\n"   "stp q10, q11, [%0, #32 * 5]\n"
        "stp q12, q13, [%0, #32 * 6]\n" "stp q14, q15, [%0, #32 * 7]\n"
        "stp q16, q17, [%0, #32 * 8]\n" "stp q18, q19, [%0, #32 * 9]\n"
        "stp q20, q21, [%0, #32 * 10]\n" "stp q22, q23, [%0, #32 * 11]\n"
        "stp q24, q25, [%0, #32 * 12]\n" "stp q26, q27, [%0, #32 * 13]\n"
        "stp q28, q29, [%0, #32 * 14]\n" "stp q30, q31, [%0, #32 * 15]\n"
        : : "r"(fp->q) : "memory");
    fp->fpcr = read_sysreg(fpcr);
    fp->fpsr = read_sysreg(fpsr);
}

static void fpu_restore(const struct fp_context *fp)
{
    __asm__ volatile(
        "ldp q0, q1, [%0, #32 * 0]\n"   "ldp q2, q3, [%0, #32 * 1]\n"
        "ldp q4, q5, [%0, #32 * 2]\n"   "ldp q6, q7, [%0, #32 * 3]\n"
        "ldp q8, q9, [%0, #32 * 4]\n"   "ldp q10, q11, [%0, #32 * 5]\n"
        "ldp q12, q13, [%0, #32 * 6]\n" "ldp q14, q15, [%0, #32 * 7]\n"
        "ldp q16, q17, [%0, #32 * 8]\n" "ldp q18, q19, [%0, #32 * 9]\n"
        "ldp q20, q21, [%0, #32 * 10]\n" "ldp q22, q23, [%0, #32 * 11]\n"
        "ldp q24, q25, [%0, #32 * 12]\n" "ldp q26, q27, [%0, #32 * 13]\n"
        "ldp q28, q29, [%0, #32 * 14]\n" "ldp q30, q31, [%0, #32 * 15]\n"
        : : "r"(fp->q) : "memory");
    write_sysreg(fpcr, fp->fpcr);
    write_sysreg(fpsr, fp->fpsr);
}

void fpu_switch_to(struct tcb *next)
{
    if (next->fp_used) {
        write_sysreg(cpacr_el1, CPACR_FPEN_ALL);
        isb();
        fpu_restore(&next->fp);
    } else {
        write_sysreg(cpacr_el1, CPACR_FPEN_TRAP_EL0);
        isb();
    }
}

void fpu_first_use(struct tcb *thread)
{
    memset(&thread->fp, 0, sizeof(thread->fp));
    thread->fp_used = 1;
    fpu_switch_to(thread);
}
