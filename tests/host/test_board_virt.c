/*
 * board_discover() on the device trees QEMU builds for -M virt (dumped with
 * dumpdtb, see CMakeLists.txt): argv[1] GICv2, 4 cores, 256 MiB; argv[2]
 * GICv3, 4 cores, 256 MiB; argv[3] and argv[4] the same GICs with
 * virtualization=on, 1 core, 2 GiB. Expected values checked against
 * `dtc -I dtb -O dts` of the dumps.
 */
#include "check.h"
#include "kernel/board.h"

#define MiB (1024ull * 1024)

enum virt_tree {
    GICV2_HVC,
    GICV3_HVC,
    GICV2_EL2,
    GICV3_EL2,
    VIRT_TREE_COUNT,
};

static const char *tree_paths[VIRT_TREE_COUNT];

static struct board_facts discover_tree(enum virt_tree which)
{
    size_t size;
    uint8_t *blob = check_read_file(tree_paths[which], &size);
    struct board_facts facts;
    CHECK_EQ_U64(board_discover(blob, size, &facts), BOARD_OK);
    free(blob);
    return facts;
}

/* What every virt machine shares. */
static void check_common_facts(const struct board_facts *facts)
{
    CHECK_EQ_STR(facts->name, "linux,dummy-virt");
    CHECK_EQ_U64(facts->console, CONSOLE_PL011);
    CHECK_EQ_U64(facts->console_base, 0x09000000);
    CHECK_EQ_U64(facts->reserved_count, 0);
    CHECK_EQ_U64(facts->gic_distributor, 0x08000000);
    CHECK_EQ_U64(facts->timer_irq_secure_phys, 29);
    CHECK_EQ_U64(facts->timer_irq_phys, 30);
    CHECK_EQ_U64(facts->timer_irq_virt, 27);
    CHECK_EQ_U64(facts->timer_irq_hyp, 26);
    CHECK_EQ_U64(facts->initrd_start, 0);
    CHECK_EQ_U64(facts->initrd_end, 0);
}

/* QEMU gives the cpu nodes an enable-method only when there are several. */
static void check_cpus(const struct board_facts *facts, int count,
                       enum cpu_enable_method method)
{
    CHECK_EQ_U64(facts->cpu_count, count);
    for (int cpu = 0; cpu < count && cpu < facts->cpu_count; cpu++) {
        CHECK_EQ_U64(facts->cpus[cpu].mpidr, cpu);
        CHECK_EQ_U64(facts->cpus[cpu].enable_method, method);
    }
}

static void check_memory(const struct board_facts *facts, uint64_t size)
{
    CHECK_EQ_U64(facts->memory_count, 1);
    CHECK_EQ_U64(facts->memory[0].base, 0x40000000);
    CHECK_EQ_U64(facts->memory[0].size, size);
}

static void check_gicv2(const struct board_facts *facts)
{
    CHECK_EQ_U64(facts->irq_controller, IRQ_CONTROLLER_GICV2);
    CHECK_EQ_U64(facts->gic_cpu_interface, 0x08010000);
    CHECK_EQ_U64(facts->gic_redistributor, 0);
}

static void check_gicv3(const struct board_facts *facts)
{
    CHECK_EQ_U64(facts->irq_controller, IRQ_CONTROLLER_GICV3);
    CHECK_EQ_U64(facts->gic_redistributor, 0x080a0000);
    CHECK_EQ_U64(facts->gic_redistributor_size, 0xf60000);
    CHECK_EQ_U64(facts->gic_cpu_interface, 0);
}

static void test_gicv2_four_cores_at_el1(void)
{
    struct board_facts facts = discover_tree(GICV2_HVC);
    check_common_facts(&facts);
    check_gicv2(&facts);
    check_memory(&facts, 256 * MiB);
    check_cpus(&facts, 4, CPU_ENABLE_PSCI);
    CHECK_EQ_U64(facts.psci, PSCI_CONDUIT_HVC);
}

static void test_gicv3_four_cores_at_el1(void)
{
    struct board_facts facts = discover_tree(GICV3_HVC);
    check_common_facts(&facts);
    check_gicv3(&facts);
    check_memory(&facts, 256 * MiB);
    check_cpus(&facts, 4, CPU_ENABLE_PSCI);
    CHECK_EQ_U64(facts.psci, PSCI_CONDUIT_HVC);
}

static void test_gicv2_one_core_at_el2(void)
{
    struct board_facts facts = discover_tree(GICV2_EL2);
    check_common_facts(&facts);
    check_gicv2(&facts);
    check_memory(&facts, 2048 * MiB);
    check_cpus(&facts, 1, CPU_ENABLE_NONE);
    CHECK_EQ_U64(facts.psci, PSCI_CONDUIT_SMC);
}

static void test_gicv3_one_core_at_el2(void)
{
    struct board_facts facts = discover_tree(GICV3_EL2);
    check_common_facts(&facts);
    check_gicv3(&facts);
    check_memory(&facts, 2048 * MiB);
    check_cpus(&facts, 1, CPU_ENABLE_NONE);
    CHECK_EQ_U64(facts.psci, PSCI_CONDUIT_SMC);
}

int main(int argc, char **argv)
{
    if (argc != 1 + VIRT_TREE_COUNT) {
        fprintf(stderr, "usage: %s gicv2.dtb gicv3.dtb gicv2-el2.dtb "
                        "gicv3-el2.dtb\n", argv[0]);
        return EXIT_FAILURE;
    }
    for (int i = 0; i < VIRT_TREE_COUNT; i++)
        tree_paths[i] = argv[1 + i];
    RUN_TEST(test_gicv2_four_cores_at_el1);
    RUN_TEST(test_gicv3_four_cores_at_el1);
    RUN_TEST(test_gicv2_one_core_at_el2);
    RUN_TEST(test_gicv3_one_core_at_el2);
    return check_report();
}
