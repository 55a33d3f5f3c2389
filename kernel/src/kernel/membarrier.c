/*
 * membarrier(2) with Linux's commands, flags and errors. The barrier on a
 * target core is an IPI whose handler executes DMB ISH and ISB: once every
 * targeted core has answered, each has completed a full barrier (and a
 * context synchronisation, which SYNC_CORE needs) after the caller's call
 * began, which is what membarrier promises.
 */
#include "arch/cpu.h"
#include "kernel/irq.h"
#include "kernel/membarrier.h"
#include "kernel/scheduler.h"
#include "kernel/smp.h"
#include "object/objects.h"

/* Linux's <linux/membarrier.h> values. */
#define CMD_QUERY                               0
#define CMD_GLOBAL                              (1 << 0)
#define CMD_GLOBAL_EXPEDITED                    (1 << 1)
#define CMD_REGISTER_GLOBAL_EXPEDITED           (1 << 2)
#define CMD_PRIVATE_EXPEDITED                   (1 << 3)
#define CMD_REGISTER_PRIVATE_EXPEDITED          (1 << 4)
#define CMD_PRIVATE_EXPEDITED_SYNC_CORE         (1 << 5)
#define CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE (1 << 6)
#define CMD_PRIVATE_EXPEDITED_RSEQ              (1 << 7)
#define CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ     (1 << 8)
#define CMD_FLAG_CPU                            1
#define SUPPORTED_COMMANDS                      0x1ff

#define EPERM   1
#define EINVAL  22

static volatile uint32_t barrier_requested[MAX_CPUS];

void membarrier_answer_ipi(unsigned cpu)
{
    if (__atomic_load_n(&barrier_requested[cpu], __ATOMIC_ACQUIRE)) {
        dmb_ish();
        isb();
        __atomic_store_n(&barrier_requested[cpu], 0, __ATOMIC_RELEASE);
    }
}

/* Which cores to interrupt. */
enum target { ALL_CORES, CORES_RUNNING_CALLER, CORES_RUNNING_REGISTERED_GLOBAL };

static bool core_is_target(unsigned cpu, enum target target, struct vspace *caller_space)
{
    struct vspace *running = vspace_active_on(cpu);
    switch (target) {
    case ALL_CORES:
        return true;
    case CORES_RUNNING_CALLER:
        return running && running == caller_space;
    case CORES_RUNNING_REGISTERED_GLOBAL:
        return running && (running->membarrier_registered & CMD_REGISTER_GLOBAL_EXPEDITED);
    }
    return false;
}

/* IPI the targets and wait until each has executed its barrier. The
 * kernel lock is dropped and interrupts are taken while waiting, so two
 * cores running membarrier at once each answer the other. */
static void barrier_on_cores(enum target target, struct vspace *caller_space, int only_cpu)
{
    unsigned self = this_cpu_index();
    uint64_t waiting = 0;
    dmb_ish();
    for (unsigned cpu = 0; cpu < cpus_online(); cpu++) {
        if (cpu == self || (only_cpu >= 0 && (unsigned)only_cpu != cpu))
            continue;
        if (!core_is_target(cpu, target, caller_space))
            continue;
        __atomic_store_n(&barrier_requested[cpu], 1, __ATOMIC_RELEASE);
        irq_send_ipi(cpu);
        waiting |= 1ULL << cpu;
    }
    if (!waiting)
        return;
    spin_unlock(&kernel_lock);
    irq_enable();
    for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++)
        while ((waiting & (1ULL << cpu)) &&
               __atomic_load_n(&barrier_requested[cpu], __ATOMIC_ACQUIRE))
            spin_wait_hint();
    irq_disable();
    kernel_lock_for_thread(true);   /* stopped meanwhile: re-executed later */
    dmb_ish();
}

int64_t membarrier(struct tcb *caller, uint64_t command, uint64_t flags, uint64_t cpu_id)
{
    struct vspace *space = tcb_vspace(caller);
    if (!space)
        return -EINVAL;
    if (flags && !(command == CMD_PRIVATE_EXPEDITED_RSEQ && flags == CMD_FLAG_CPU))
        return -EINVAL;
    uint16_t *registered = &space->membarrier_registered;

    switch (command) {
    case CMD_QUERY:
        return SUPPORTED_COMMANDS;
    case CMD_GLOBAL:
        barrier_on_cores(ALL_CORES, space, -1);
        return 0;
    case CMD_GLOBAL_EXPEDITED:
        barrier_on_cores(CORES_RUNNING_REGISTERED_GLOBAL, space, -1);
        return 0;
    case CMD_PRIVATE_EXPEDITED:
    case CMD_PRIVATE_EXPEDITED_SYNC_CORE:
    case CMD_PRIVATE_EXPEDITED_RSEQ: {
        /* Each command's REGISTER is the next bit up. */
        if (!(*registered & (command << 1)))
            return -EPERM;
        /* As Linux: a negative cpu means all, an offline one nothing. */
        int only_cpu = flags == CMD_FLAG_CPU ? (int32_t)cpu_id : -1;
        if (only_cpu >= (int)cpus_online())
            return 0;
        barrier_on_cores(CORES_RUNNING_CALLER, space, only_cpu);
        return 0;
    }
    case CMD_REGISTER_GLOBAL_EXPEDITED:
    case CMD_REGISTER_PRIVATE_EXPEDITED:
    case CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
    case CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ:
        *registered |= (uint16_t)command;
        return 0;
    default:
        return -EINVAL;
    }
}
