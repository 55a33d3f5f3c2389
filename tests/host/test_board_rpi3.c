/*
 * board_discover() on the Raspberry Pi 3's real device tree, Debian's
 * bcm2837-rpi-3-b.dtb (argv[1]), the tree QEMU's raspi3b proxy boots with.
 * The expected values were read off the blob with `dtc -I dtb -O dts`.
 */
#include "check.h"
#include "kernel/board.h"
#include "kernel/devicetree.h"

static const char *dtb_path;

static void test_discovers_the_pi3(void)
{
    size_t size;
    uint8_t *blob = check_read_file(dtb_path, &size);
    struct board_facts facts;
    CHECK_EQ_U64(board_discover(blob, size, &facts), BOARD_OK);
    free(blob);

    CHECK_EQ_STR(facts.name, "Raspberry Pi 3 Model B");

    /* The blob's own /memory (QEMU and the firmware overwrite it). */
    CHECK_EQ_U64(facts.memory_count, 1);
    CHECK_EQ_U64(facts.memory[0].base, 0);
    CHECK_EQ_U64(facts.memory[0].size, 0x40000000);
    /* The spin tables' page; /reserved-memory has only a CMA pool. */
    CHECK_EQ_U64(facts.reserved_count, 1);
    CHECK_EQ_U64(facts.reserved[0].base, 0);
    CHECK_EQ_U64(facts.reserved[0].size, 0x1000);

    /* stdout-path = "serial1:115200n8", serial1 = the mini-UART. */
    CHECK_EQ_U64(facts.console, CONSOLE_BCM2835_AUX);
    CHECK_EQ_U64(facts.console_base, 0x3f215040);

    /* No GIC: the Armv7 timer node's interrupt-parent is the local
     * controller, whose sources are <0 1 3 2> in the binding's order. */
    CHECK_EQ_U64(facts.irq_controller, IRQ_CONTROLLER_BCM2836_LOCAL);
    CHECK_EQ_U64(facts.local_intc_base, 0x40000000);
    CHECK_EQ_U64(facts.timer_irq_secure_phys, 0);
    CHECK_EQ_U64(facts.timer_irq_phys, 1);
    CHECK_EQ_U64(facts.timer_irq_virt, 3);
    CHECK_EQ_U64(facts.timer_irq_hyp, 2);

    CHECK_EQ_U64(facts.cpu_count, 4);
    for (int cpu = 0; cpu < 4 && cpu < facts.cpu_count; cpu++) {
        CHECK_EQ_U64(facts.cpus[cpu].mpidr, cpu);
        CHECK_EQ_U64(facts.cpus[cpu].enable_method, CPU_ENABLE_SPIN_TABLE);
        CHECK_EQ_U64(facts.cpus[cpu].release_address, 0xd8 + 8 * cpu);
    }
    CHECK_EQ_U64(facts.psci, PSCI_CONDUIT_NONE);
    CHECK_EQ_U64(facts.initrd_start, 0);
    CHECK_EQ_U64(facts.initrd_end, 0);
}

static void test_pl011_translates_to_its_physical_address(void)
{
    size_t size;
    uint8_t *blob = check_read_file(dtb_path, &size);
    struct devicetree tree;
    CHECK_EQ_U64(devicetree_open(&tree, blob, size), DEVICETREE_OK);
    int uart0 = devicetree_find_node(&tree, "serial0");
    uint64_t address, length;
    CHECK(devicetree_is_compatible(&tree, uart0, "arm,pl011"));
    CHECK(devicetree_node_physical_reg(&tree, uart0, 0, &address, &length));
    CHECK_EQ_U64(address, 0x3f201000);
    free(blob);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s bcm2837-rpi-3-b.dtb\n", argv[0]);
        return EXIT_FAILURE;
    }
    dtb_path = argv[1];
    RUN_TEST(test_discovers_the_pi3);
    RUN_TEST(test_pl011_translates_to_its_physical_address);
    return check_report();
}
