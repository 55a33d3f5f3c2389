/*
 * board_discover(): the facts of board.h read from the device tree, as the
 * Devicetree Specification and the Linux bindings the boards' trees follow
 * define them. Each discover_* function fills one group of facts and leaves
 * it zero when the tree lacks it; board_discover() then reports the first
 * essential fact missing.
 */
#include "kernel/board.h"
#include "kernel/devicetree.h"
#include "lib/string.h"

#define ARRAY_LENGTH(array) (sizeof(array) / sizeof((array)[0]))

/* The architected timer's interrupts, in the order of its binding. */
enum timer_interrupt {
    TIMER_SECURE_PHYS,
    TIMER_NON_SECURE_PHYS,
    TIMER_VIRT,
    TIMER_HYP,
    TIMER_INTERRUPT_COUNT,
};

/* First cell of a GIC interrupt specifier. */
#define GIC_INTERRUPT_SPI       0
#define GIC_INTERRUPT_PPI       1
#define GIC_PPI_COUNT           16
#define GIC_SPI_COUNT           988     /* INTIDs 32 to 1019 */
#define GIC_FIRST_PPI_INTID     16
#define GIC_FIRST_SPI_INTID     32

struct console_type {
    const char *compatible;
    enum console_kind kind;
};

static const struct console_type console_types[] = {
    { "arm,pl011", CONSOLE_PL011 },
    { "brcm,bcm2835-aux-uart", CONSOLE_BCM2835_AUX },
};

struct irq_controller_type {
    const char *compatible;
    enum irq_controller_kind kind;
    uint32_t register_ranges;   /* reg entries the kernel needs */
    uint32_t interrupt_cells;   /* #interrupt-cells its binding requires */
};

static const struct irq_controller_type irq_controller_types[] = {
    { "arm,gic-400", IRQ_CONTROLLER_GICV2, 2, 3 },
    { "arm,cortex-a15-gic", IRQ_CONTROLLER_GICV2, 2, 3 },
    { "arm,cortex-a7-gic", IRQ_CONTROLLER_GICV2, 2, 3 },
    { "arm,gic-v3", IRQ_CONTROLLER_GICV3, 2, 3 },
    { "brcm,bcm2836-l1-intc", IRQ_CONTROLLER_BCM2836_LOCAL, 1, 2 },
};

/* The Pi 3's timer node is compatible with the Armv7 timer only. */
static const char *const timer_compatibles[] = {
    "arm,armv8-timer",
    "arm,armv7-timer",
};

static const char *const psci_compatibles[] = {
    "arm,psci-1.0",
    "arm,psci-0.2",
    "arm,psci",
};

static bool property_is(const struct devicetree *tree, int node,
                        const char *name, const char *value)
{
    const char *string = devicetree_property_string(tree, node, name);
    return string != NULL && strcmp(string, value) == 0;
}

/* Appends node's reg entries of non-zero size, as CPU physical ranges, to
 * ranges[] while there is room. */
static void append_reg_ranges(const struct devicetree *tree, int node,
                              struct phys_range *ranges, int *count, int max)
{
    uint64_t base, size;
    for (uint32_t index = 0;
         *count < max &&
         devicetree_node_physical_reg(tree, node, index, &base, &size);
         index++) {
        if (size != 0)
            ranges[(*count)++] = (struct phys_range){ base, size };
    }
}

static void discover_name(const struct devicetree *tree,
                          struct board_facts *facts)
{
    int root = devicetree_root(tree);
    const char *name = devicetree_property_string(tree, root, "model");
    /* A compatible list read as one string is its first entry. */
    if (name == NULL)
        name = devicetree_property_string(tree, root, "compatible");
    if (name == NULL)
        return;
    size_t length = strnlen(name, BOARD_NAME_MAX - 1);
    memcpy(facts->name, name, length);
    facts->name[length] = '\0';
}

static void discover_memory(const struct devicetree *tree,
                            struct board_facts *facts)
{
    for (int node = devicetree_root(tree); node >= 0;
         node = devicetree_next_node(tree, node)) {
        if (property_is(tree, node, "device_type", "memory") &&
            devicetree_is_enabled(tree, node))
            append_reg_ranges(tree, node, facts->memory, &facts->memory_count,
                              BOARD_MAX_MEMORY_RANGES);
    }
}

static void discover_reserved(const struct devicetree *tree,
                              struct board_facts *facts)
{
    uint64_t base, size;
    for (uint32_t index = 0;
         facts->reserved_count < BOARD_MAX_RESERVED_RANGES &&
         devicetree_reservation(tree, index, &base, &size);
         index++) {
        if (size != 0)
            facts->reserved[facts->reserved_count++] =
                (struct phys_range){ base, size };
    }

    /* Children without reg (like a CMA pool) are allocated by an OS; a
     * disabled one is not reserved at all, as in Linux. */
    int reserved_memory = devicetree_find_node(tree, "/reserved-memory");
    for (int child = devicetree_first_child(tree, reserved_memory); child >= 0;
         child = devicetree_next_sibling(tree, child)) {
        if (devicetree_is_enabled(tree, child))
            append_reg_ranges(tree, child, facts->reserved,
                              &facts->reserved_count,
                              BOARD_MAX_RESERVED_RANGES);
    }
}

/* Takes node as the console if a known UART with a translatable reg. */
static bool choose_console(const struct devicetree *tree, int node,
                           struct board_facts *facts)
{
    uint64_t base, size;
    for (size_t i = 0; i < ARRAY_LENGTH(console_types); i++) {
        if (devicetree_is_compatible(tree, node, console_types[i].compatible) &&
            devicetree_node_physical_reg(tree, node, 0, &base, &size)) {
            facts->console = console_types[i].kind;
            facts->console_base = base;
            return true;
        }
    }
    return false;
}

static void discover_console(const struct devicetree *tree,
                             struct board_facts *facts)
{
    int chosen = devicetree_find_node(tree, "/chosen");
    const char *stdout_path =
        devicetree_property_string(tree, chosen, "stdout-path");
    if (stdout_path != NULL &&
        choose_console(tree, devicetree_find_node(tree, stdout_path), facts))
        return;
    for (int node = devicetree_root(tree); node >= 0;
         node = devicetree_next_node(tree, node)) {
        if (devicetree_is_enabled(tree, node) &&
            choose_console(tree, node, facts))
            return;
    }
}

static int find_first_compatible(const struct devicetree *tree,
                                 const char *const compatibles[], size_t count)
{
    for (size_t i = 0; i < count; i++) {
        int node = devicetree_find_compatible(tree, -1, compatibles[i]);
        if (node >= 0)
            return node;
    }
    return DEVICETREE_NO_NODE;
}

static const struct irq_controller_type *
irq_controller_type_of(const struct devicetree *tree, int node)
{
    for (size_t i = 0; i < ARRAY_LENGTH(irq_controller_types); i++)
        if (devicetree_is_compatible(tree, node,
                                     irq_controller_types[i].compatible))
            return &irq_controller_types[i];
    return NULL;
}

/* The interrupt number as the controller counts them, from the specifier
 * at cell first: (type, number, flags) for a GIC, (number, flags) for the
 * BCM2836 local controller. */
static bool decode_interrupt(const struct devicetree_property *interrupts,
                             uint64_t first, enum irq_controller_kind kind,
                             uint32_t *number)
{
    uint64_t cell0, cell1;
    if (!devicetree_property_cells(interrupts, first, 1, &cell0) ||
        !devicetree_property_cells(interrupts, first + 1, 1, &cell1))
        return false;
    if (kind == IRQ_CONTROLLER_BCM2836_LOCAL) {
        *number = (uint32_t)cell0;
        return true;
    }
    if (cell0 == GIC_INTERRUPT_PPI && cell1 < GIC_PPI_COUNT) {
        *number = GIC_FIRST_PPI_INTID + (uint32_t)cell1;
        return true;
    }
    if (cell0 == GIC_INTERRUPT_SPI && cell1 < GIC_SPI_COUNT) {
        *number = GIC_FIRST_SPI_INTID + (uint32_t)cell1;
        return true;
    }
    return false;
}

static bool decode_timer_interrupts(const struct devicetree *tree, int timer,
                                    int controller,
                                    const struct irq_controller_type *type,
                                    uint32_t numbers[TIMER_INTERRUPT_COUNT])
{
    uint32_t cells;
    struct devicetree_property interrupts;
    if (!devicetree_property_u32(tree, controller, "#interrupt-cells",
                                 &cells) ||
        cells < type->interrupt_cells ||
        !devicetree_get_property(tree, timer, "interrupts", &interrupts))
        return false;
    for (uint32_t i = 0; i < TIMER_INTERRUPT_COUNT; i++)
        if (!decode_interrupt(&interrupts, (uint64_t)i * cells, type->kind,
                              &numbers[i]))
            return false;
    return true;
}

/* Fills the interrupt controller facts only when all of them are found. */
static bool discover_irq_controller(const struct devicetree *tree,
                                    struct board_facts *facts)
{
    int timer = find_first_compatible(tree, timer_compatibles,
                                      ARRAY_LENGTH(timer_compatibles));
    int controller = devicetree_interrupt_parent(tree, timer);
    const struct irq_controller_type *type =
        irq_controller_type_of(tree, controller);
    if (type == NULL)
        return false;

    struct phys_range registers[2];
    for (uint32_t i = 0; i < type->register_ranges; i++)
        if (!devicetree_node_physical_reg(tree, controller, i,
                                          &registers[i].base,
                                          &registers[i].size))
            return false;
    uint32_t timer_irqs[TIMER_INTERRUPT_COUNT];
    if (!decode_timer_interrupts(tree, timer, controller, type, timer_irqs))
        return false;

    facts->irq_controller = type->kind;
    switch (type->kind) {
    case IRQ_CONTROLLER_GICV2:
        facts->gic_distributor = registers[0].base;
        facts->gic_cpu_interface = registers[1].base;
        break;
    case IRQ_CONTROLLER_GICV3:
        facts->gic_distributor = registers[0].base;
        facts->gic_redistributor = registers[1].base;
        facts->gic_redistributor_size = registers[1].size;
        break;
    case IRQ_CONTROLLER_BCM2836_LOCAL:
        facts->local_intc_base = registers[0].base;
        break;
    case IRQ_CONTROLLER_NONE:
        break;
    }
    facts->timer_irq_secure_phys = timer_irqs[TIMER_SECURE_PHYS];
    facts->timer_irq_phys = timer_irqs[TIMER_NON_SECURE_PHYS];
    facts->timer_irq_virt = timer_irqs[TIMER_VIRT];
    facts->timer_irq_hyp = timer_irqs[TIMER_HYP];
    return true;
}

static void read_enable_method(const struct devicetree *tree, int node,
                               struct board_cpu *cpu)
{
    /* A spin-table core without a release address cannot be started, and
     * an unknown method is as good as none. */
    if (property_is(tree, node, "enable-method", "psci"))
        cpu->enable_method = CPU_ENABLE_PSCI;
    else if (property_is(tree, node, "enable-method", "spin-table") &&
             devicetree_property_u64(tree, node, "cpu-release-addr",
                                     &cpu->release_address))
        cpu->enable_method = CPU_ENABLE_SPIN_TABLE;
}

static void discover_cpus(const struct devicetree *tree,
                          struct board_facts *facts)
{
    int cpus = devicetree_find_node(tree, "/cpus");
    for (int node = devicetree_first_child(tree, cpus);
         node >= 0 && facts->cpu_count < BOARD_MAX_CPUS;
         node = devicetree_next_sibling(tree, node)) {
        uint64_t mpidr, size;
        if (!property_is(tree, node, "device_type", "cpu") ||
            !devicetree_node_reg(tree, node, 0, &mpidr, &size))
            continue;
        struct board_cpu *cpu = &facts->cpus[facts->cpu_count++];
        cpu->mpidr = mpidr;
        read_enable_method(tree, node, cpu);
    }
}

static void discover_psci(const struct devicetree *tree,
                          struct board_facts *facts)
{
    int psci = devicetree_find_node(tree, "/psci");
    if (psci < 0)
        psci = find_first_compatible(tree, psci_compatibles,
                                     ARRAY_LENGTH(psci_compatibles));
    if (property_is(tree, psci, "method", "hvc"))
        facts->psci = PSCI_CONDUIT_HVC;
    else if (property_is(tree, psci, "method", "smc"))
        facts->psci = PSCI_CONDUIT_SMC;
}

static void discover_initrd(const struct devicetree *tree,
                            struct board_facts *facts)
{
    int chosen = devicetree_find_node(tree, "/chosen");
    uint64_t start, end;
    if (devicetree_property_u64(tree, chosen, "linux,initrd-start", &start) &&
        devicetree_property_u64(tree, chosen, "linux,initrd-end", &end) &&
        start <= end) {
        facts->initrd_start = start;
        facts->initrd_end = end;
    }
}

static void discover_command_line(const struct devicetree *tree,
                                  struct board_facts *facts)
{
    int chosen = devicetree_find_node(tree, "/chosen");
    const char *bootargs = devicetree_property_string(tree, chosen, "bootargs");
    if (bootargs == NULL)
        return;
    size_t length = strnlen(bootargs, sizeof(facts->command_line) - 1);
    memcpy(facts->command_line, bootargs, length);
    facts->command_line[length] = '\0';
}

/* An Arm PL031 real-time clock (QEMU virt has one; the Pi has none). */
static void discover_rtc(const struct devicetree *tree, struct board_facts *facts)
{
    uint64_t base, size;
    int node = devicetree_find_compatible(tree, -1, "arm,pl031");
    if (node >= 0 && devicetree_is_enabled(tree, node) &&
        devicetree_node_physical_reg(tree, node, 0, &base, &size))
        facts->rtc_base = base;
}

enum board_error board_discover(const void *dtb, uint64_t dtb_max_size,
                                struct board_facts *facts)
{
    struct devicetree tree;
    memset(facts, 0, sizeof(*facts));
    if (devicetree_open(&tree, dtb, dtb_max_size) != DEVICETREE_OK)
        return BOARD_BAD_DEVICE_TREE;

    discover_name(&tree, facts);
    discover_memory(&tree, facts);
    discover_reserved(&tree, facts);
    discover_console(&tree, facts);
    discover_cpus(&tree, facts);
    discover_psci(&tree, facts);
    discover_initrd(&tree, facts);
    discover_command_line(&tree, facts);
    discover_rtc(&tree, facts);
    bool irq_controller_found = discover_irq_controller(&tree, facts);

    if (facts->memory_count == 0)
        return BOARD_NO_MEMORY;
    if (facts->cpu_count == 0)
        return BOARD_NO_CPUS;
    if (!irq_controller_found)
        return BOARD_NO_IRQ_CONTROLLER;
    return BOARD_OK;
}

const char *board_error_name(enum board_error error)
{
    switch (error) {
    case BOARD_OK:
        return "ok";
    case BOARD_BAD_DEVICE_TREE:
        return "bad device tree";
    case BOARD_NO_MEMORY:
        return "no memory";
    case BOARD_NO_CPUS:
        return "no cpus";
    case BOARD_NO_IRQ_CONTROLLER:
        return "no interrupt controller";
    }
    return "unknown board error";
}
