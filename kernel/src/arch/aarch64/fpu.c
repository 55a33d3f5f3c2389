/* FP/SIMD state, switched lazily (arch/fpu.h). */
#include "arch/cpu.h"
#include "arch/fpu.h"
#include "arch/registers.h"
#include "kernel/irq.h"
#include "kernel/membarrier.h"
#include "kernel/smp.h"
#include "lib/string.h"

struct tcb *fp_owner[MAX_CPUS];
/* The thread another core wants this one's registers saved for. */
static struct tcb *flush_request[MAX_CPUS];

static void fpu_save(struct fp_context *fp)
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

void fpu_init_cpu(unsigned cpu)
{
    fp_owner[cpu] = 0;
    fpu_set_access(false);
}

void fpu_access_trap(struct tcb *thread)
{
    unsigned cpu = this_cpu_index();
    if (fp_owner[cpu])
        fpu_save(&fp_owner[cpu]->fp);
    if (!thread->fp_used) {
        memset(&thread->fp, 0, sizeof(thread->fp));
        thread->fp_used = 1;
    }
    fpu_restore(&thread->fp);
    fp_owner[cpu] = thread;
    fpu_set_access(true);       /* thread is current, and now the owner */
}

/* This core (cpu) gives up thread's state: to its TCB, and the trap set
 * (thread may be current: it no longer owns the registers). */
static void release_here(unsigned cpu, struct tcb *thread)
{
    fpu_save(&thread->fp);
    fpu_set_access(false);
    __atomic_store_n(&fp_owner[cpu], 0, __ATOMIC_RELEASE);
}

void fpu_release(unsigned cpu, struct tcb *thread)
{
    if (fp_owner[cpu] == thread)
        release_here(cpu, thread);
}

void fpu_flush(struct tcb *thread)
{
    if (!thread->fp_used)
        return;
    unsigned self = this_cpu_index();
    for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++) {
        if (fp_owner[cpu] != thread)
            continue;
        if (cpu == self) {
            release_here(cpu, thread);
            continue;
        }
        __atomic_store_n(&flush_request[cpu], thread, __ATOMIC_RELEASE);
        irq_send_ipi(cpu);
        while (__atomic_load_n(&fp_owner[cpu], __ATOMIC_ACQUIRE) == thread) {
            membarrier_answer_ipi(self);
            spin_wait_hint();
        }
    }
}

void fpu_forget(struct tcb *thread)
{
    for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++)
        if (fp_owner[cpu] == thread)
            __atomic_store_n(&fp_owner[cpu], 0, __ATOMIC_RELEASE);
}

void fpu_answer_flush_request(unsigned cpu)
{
    struct tcb *thread = __atomic_load_n(&flush_request[cpu], __ATOMIC_ACQUIRE);
    if (!thread)
        return;
    __atomic_store_n(&flush_request[cpu], 0, __ATOMIC_RELAXED);
    if (fp_owner[cpu] == thread)
        release_here(cpu, thread);
}
