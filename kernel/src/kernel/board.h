/*
 * What the kernel knows about the machine it booted on.
 *
 * Every fact here is read from the flattened device tree the bootloader
 * passes in x0, so one kernel image serves every board (as Linux's arm64
 * Image does). board_discover() is plain C with no hardware access: the host
 * unit tests run it on real device trees (QEMU virt, Raspberry Pi 3 and 4).
 */
#ifndef KERNEL_BOARD_H
#define KERNEL_BOARD_H

#include <stdint.h>

#define BOARD_MAX_MEMORY_RANGES   8
#define BOARD_MAX_RESERVED_RANGES 16
#define BOARD_MAX_CPUS            8
#define BOARD_NAME_MAX            64
#define BOARD_COMMAND_LINE_MAX    768     /* the boot info's, its NUL included */

struct phys_range {
    uint64_t base;
    uint64_t size;
};

enum console_kind {
    CONSOLE_NONE,
    CONSOLE_PL011,          /* "arm,pl011" */
    CONSOLE_BCM2835_AUX,    /* "brcm,bcm2835-aux-uart": the Pi's mini-UART */
};

enum irq_controller_kind {
    IRQ_CONTROLLER_NONE,
    IRQ_CONTROLLER_GICV2,           /* "arm,gic-400", "arm,cortex-a15-gic" */
    IRQ_CONTROLLER_GICV3,           /* "arm,gic-v3" */
    IRQ_CONTROLLER_BCM2836_LOCAL,   /* "brcm,bcm2836-l1-intc" (Pi 3) */
};

enum cpu_enable_method {
    CPU_ENABLE_NONE,        /* the boot core, or no method given */
    CPU_ENABLE_PSCI,
    CPU_ENABLE_SPIN_TABLE,
};

enum psci_conduit {
    PSCI_CONDUIT_NONE,
    PSCI_CONDUIT_HVC,
    PSCI_CONDUIT_SMC,
};

struct board_cpu {
    uint64_t mpidr;                 /* the cpu node's reg (MPIDR affinity bits) */
    enum cpu_enable_method enable_method;
    uint64_t release_address;       /* spin-table cpu-release-addr (physical) */
};

struct board_facts {
    char name[BOARD_NAME_MAX];      /* root "model", else first "compatible" */

    /* RAM from /memory nodes; reserved ranges from the header's memory
     * reservation block and /reserved-memory children with a reg. */
    struct phys_range memory[BOARD_MAX_MEMORY_RANGES];
    int memory_count;
    struct phys_range reserved[BOARD_MAX_RESERVED_RANGES];
    int reserved_count;

    /* The console that /chosen stdout-path names (following /aliases),
     * physical address after translation through every parent "ranges". */
    enum console_kind console;
    uint64_t console_base;

    /* The interrupt controller the architected timer's interrupts go to
     * (the timer node's interrupt-parent, inherited from its ancestors). */
    enum irq_controller_kind irq_controller;
    uint64_t gic_distributor;       /* GICD (v2 and v3) */
    uint64_t gic_cpu_interface;     /* GICC (v2 only) */
    uint64_t gic_redistributor;     /* first GICR region (v3 only) */
    uint64_t gic_redistributor_size;
    uint64_t local_intc_base;       /* BCM2836 local controller */

    /* Architected timer interrupt numbers as the controller numbers them:
     * for a GIC the INTID (PPI n -> 16 + n), for the BCM2836 local
     * controller its per-core source number. */
    uint32_t timer_irq_secure_phys;
    uint32_t timer_irq_phys;        /* non-secure EL1 physical timer */
    uint32_t timer_irq_virt;
    uint32_t timer_irq_hyp;

    struct board_cpu cpus[BOARD_MAX_CPUS];
    int cpu_count;
    enum psci_conduit psci;         /* from /psci "method" */

    /* A PL031 real-time clock ("arm,pl031"), 0 when the board has none. */
    uint64_t rtc_base;

    /* /chosen linux,initrd-start and linux,initrd-end, 0 when absent. */
    uint64_t initrd_start;
    uint64_t initrd_end;

    /* /chosen bootargs, cut to fit and NUL-terminated; the root task gets
     * it as its boot info's command_line. */
    char command_line[BOARD_COMMAND_LINE_MAX];
};

enum board_error {
    BOARD_OK = 0,
    BOARD_BAD_DEVICE_TREE,      /* header magic, version or bounds wrong */
    BOARD_NO_MEMORY,            /* no /memory node with a non-empty reg */
    BOARD_NO_CPUS,
    BOARD_NO_IRQ_CONTROLLER,    /* timer missing or its controller unknown */
};

/* Fill *facts from the device tree blob at dtb (at most dtb_max_size bytes
 * may be read). Never reads outside the blob, whatever the blob says.
 * Facts the tree lacks stay zero. BOARD_NO_MEMORY, BOARD_NO_CPUS and
 * BOARD_NO_IRQ_CONTROLLER (checked in that order) still leave every fact
 * that was found filled in; BOARD_BAD_DEVICE_TREE leaves all zero. */
enum board_error board_discover(const void *dtb, uint64_t dtb_max_size,
                                struct board_facts *facts);

const char *board_error_name(enum board_error error);

#endif
