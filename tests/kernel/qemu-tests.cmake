# The kernel tests in QEMU, for the host build's ctest. Included from
# tests/boot/CMakeLists.txt (TERN_TARGET_DIR is the cross build's
# directory): boots the kernel with ktest.cpio as the boot archive and
# checks ktest's summary line. The boot stops at "tern: powering off"
# (ktest powers off when done) or at a kernel panic; tests/boot/expect-boot
# prints the console output when an expectation fails.

set(KERNEL_TEST_EXPECT_BOOT ${CMAKE_CURRENT_LIST_DIR}/../boot/expect-boot)

# kernel_qemu_test(NAME GIC CORES): test kernel.NAME on QEMU virt with that
# GIC version and core count.
function(kernel_qemu_test name gic cores)
    set(expectations
        "[0-9]+ passed"
        " 0 failed$")
    set(pattern_file ${CMAKE_CURRENT_BINARY_DIR}/kernel.${name}.expect)
    list(JOIN expectations "\n" pattern_text)
    file(WRITE ${pattern_file} "${pattern_text}\n")
    add_test(NAME kernel.${name}
             COMMAND ${KERNEL_TEST_EXPECT_BOOT} 200 ${pattern_file} --
                     qemu-system-aarch64 -M virt,gic-version=${gic} -cpu cortex-a72
                     -smp ${cores} -m 512M -nographic -nic none
                     -kernel ${TERN_TARGET_DIR}/Image
                     -initrd ${TERN_TARGET_DIR}/ktest.cpio)
    set_tests_properties(kernel.${name} PROPERTIES TIMEOUT 240 LABELS kernel)
endfunction()

kernel_qemu_test(virt-gicv3-1core 3 1)
kernel_qemu_test(virt-gicv2-4cores 2 4)
