/*
 * board_discover() on the Raspberry Pi 4's real device tree, Debian's
 * bcm2711-rpi-4-b.dtb: argv[1] as shipped, argv[2] with the memory and
 * initrd the firmware would fill in (see CMakeLists.txt). The expected
 * values were read off the blob with `dtc -I dtb -O dts`.
 */
#include "check.h"
#include "kernel/board.h"
#include "kernel/devicetree.h"

static const char *shipped_path;
static const char *injected_path;

static enum board_error discover_file(const char *path,
                                      struct board_facts *facts)
{
    size_t size;
    uint8_t *blob = check_read_file(path, &size);
    enum board_error error = board_discover(blob, size, facts);
    free(blob);
    return error;
}

/* The facts that do not depend on what the firmware fills in. */
static void check_fixed_facts(const struct board_facts *facts)
{
    CHECK(strstr(facts->name, "Raspberry Pi 4") != NULL);
    CHECK_EQ_STR(facts->name, "Raspberry Pi 4 Model B");

    /* The memory reservation block holds the spin tables' page; the only
     * /reserved-memory child with a reg (nvram@0) is disabled and empty. */
    CHECK_EQ_U64(facts->reserved_count, 1);
    CHECK_EQ_U64(facts->reserved[0].base, 0);
    CHECK_EQ_U64(facts->reserved[0].size, 0x1000);

    /* stdout-path = "serial1:115200n8", serial1 = the mini-UART. */
    CHECK_EQ_U64(facts->console, CONSOLE_BCM2835_AUX);
    CHECK_EQ_U64(facts->console_base, 0xfe215040);

    CHECK_EQ_U64(facts->irq_controller, IRQ_CONTROLLER_GICV2);
    CHECK_EQ_U64(facts->gic_distributor, 0xff841000);
    CHECK_EQ_U64(facts->gic_cpu_interface, 0xff842000);
    CHECK_EQ_U64(facts->timer_irq_secure_phys, 29);
    CHECK_EQ_U64(facts->timer_irq_phys, 30);
    CHECK_EQ_U64(facts->timer_irq_virt, 27);
    CHECK_EQ_U64(facts->timer_irq_hyp, 26);

    CHECK_EQ_U64(facts->cpu_count, 4);
    for (int cpu = 0; cpu < 4 && cpu < facts->cpu_count; cpu++) {
        CHECK_EQ_U64(facts->cpus[cpu].mpidr, cpu);
        CHECK_EQ_U64(facts->cpus[cpu].enable_method, CPU_ENABLE_SPIN_TABLE);
        CHECK_EQ_U64(facts->cpus[cpu].release_address, 0xd8 + 8 * cpu);
    }
    CHECK_EQ_U64(facts->psci, PSCI_CONDUIT_NONE);
}

static void test_shipped_tree_has_no_memory(void)
{
    struct board_facts facts;
    CHECK_EQ_U64(discover_file(shipped_path, &facts), BOARD_NO_MEMORY);
    CHECK_EQ_U64(facts.memory_count, 0);
    check_fixed_facts(&facts);
    CHECK_EQ_U64(facts.initrd_start, 0);
    CHECK_EQ_U64(facts.initrd_end, 0);
}

static void test_injected_tree_is_complete(void)
{
    struct board_facts facts;
    CHECK_EQ_U64(discover_file(injected_path, &facts), BOARD_OK);
    CHECK_EQ_U64(facts.memory_count, 2);
    CHECK_EQ_U64(facts.memory[0].base, 0);
    CHECK_EQ_U64(facts.memory[0].size, 0x3b400000);
    CHECK_EQ_U64(facts.memory[1].base, 0x40000000);
    CHECK_EQ_U64(facts.memory[1].size, 0xbc000000);
    check_fixed_facts(&facts);
    CHECK_EQ_U64(facts.initrd_start, 0x2000000);
    CHECK_EQ_U64(facts.initrd_end, 0x2400000);
}

/* The PL011 is not the console, but it is there for dtoverlay=disable-bt;
 * its bus address 0x7e201000 goes through /soc's ranges. */
static void test_pl011_translates_to_its_physical_address(void)
{
    size_t size;
    uint8_t *blob = check_read_file(shipped_path, &size);
    struct devicetree tree;
    CHECK_EQ_U64(devicetree_open(&tree, blob, size), DEVICETREE_OK);

    int by_alias = devicetree_find_node(&tree, "serial0");
    int by_path = devicetree_find_node(&tree, "/soc/serial@7e201000");
    CHECK(by_alias >= 0);
    CHECK_EQ_U64(by_alias, by_path);
    CHECK(devicetree_is_compatible(&tree, by_alias, "arm,pl011"));

    uint64_t bus_address, address, length;
    CHECK(devicetree_node_reg(&tree, by_alias, 0, &bus_address, &length));
    CHECK_EQ_U64(bus_address, 0x7e201000);
    CHECK(devicetree_node_physical_reg(&tree, by_alias, 0, &address, &length));
    CHECK_EQ_U64(address, 0xfe201000);
    CHECK_EQ_U64(length, 0x200);
    free(blob);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s shipped.dtb injected.dtb\n", argv[0]);
        return EXIT_FAILURE;
    }
    shipped_path = argv[1];
    injected_path = argv[2];
    RUN_TEST(test_shipped_tree_has_no_memory);
    RUN_TEST(test_injected_tree_is_complete);
    RUN_TEST(test_pl011_translates_to_its_physical_address);
    return check_report();
}
