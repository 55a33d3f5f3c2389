# Raspberry Pi boot tests. QEMU has no Pi 4, so its raspi3b machine stands
# in for the Pi boot protocol: loaded at 0x80000, entered at EL2 with the
# DTB in x0, secondaries parked on spin tables, the console on the
# mini-UART. Both paths boot the same Image: directly, and through U-Boot
# from the very SD card image made for the Pi 4 (rpi_arm64 U-Boot and its
# boot.scr serve the Pi 3 and the Pi 4 alike). The Pi 4's own facts are
# checked against its real device tree by the host tests.
set(RPI_CARD ${TERN_TARGET_DIR}/rpi4-sdcard.img)
set(RPI_UBOOT ${TERN_SYSROOT}/usr/lib/u-boot/rpi_arm64/u-boot.bin)
file(GLOB RPI3_DTB ${TERN_SYSROOT}/usr/lib/linux-image-*/broadcom/bcm2837-rpi-3-b.dtb)
if(RPI3_DTB)
    list(GET RPI3_DTB 0 RPI3_DTB)
else()
    # Configured before tools/setup unpacked the sysroot: let QEMU say so.
    set(RPI3_DTB ${TERN_SYSROOT}/usr/lib/linux-image-VERSION/broadcom/bcm2837-rpi-3-b.dtb)
endif()

# What the kernel must find in QEMU's raspi3b tree, on either path.
set(RASPI3B_FACTS
    "booting on Raspberry Pi 3 Model B \\(entered at EL2\\)"
    "console at 3f215040"
    "board \"Raspberry Pi 3 Model B\", 4 cores online, 960 MiB RAM, BCM2836 local$"
    "timer ticking and IPIs answered on all 4 cores")

# The second -serial is the mini-UART, the console stdout-path names.
boot_test(raspi3b-direct 30 "${RASPI3B_FACTS}"
    qemu-system-aarch64 -M raspi3b -kernel ${IMAGE} -dtb ${RPI3_DTB}
    -display none -serial null -serial stdio)

# Firmware's part played by QEMU (-kernel u-boot.bin at 0x80000, -dtb),
# the rest by the card: U-Boot's distro boot finds boot.scr on mmc 0:1.
# snapshot=on keeps the card image unmodified (U-Boot may save its env).
# The card's boot archive (the shell) comes along: a command typed at the
# mini-UART answers, and exit ends it. U-Boot reads the 27 MB archive from
# QEMU's emulated SD card at about 500 KiB/s: most of the time allowed.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/raspi3b-shell-input "echo \"answer=$((6 * 7))\"\nexit\n")
boot_test(raspi3b-uboot 240 "tern: loading Image from mmc;${RASPI3B_FACTS};answer=42;halted"
    qemu-system-aarch64 -M raspi3b -kernel ${RPI_UBOOT} -dtb ${RPI3_DTB}
    -drive if=sd,format=raw,file=${RPI_CARD},snapshot=on
    -display none -serial null -serial stdio)
set_property(TEST boot.raspi3b-uboot PROPERTY
             ENVIRONMENT EXPECT_BOOT_INPUT=${CMAKE_CURRENT_BINARY_DIR}/raspi3b-shell-input)

# The conformance suite on the Pi boot path, as docs/booting.md tells a
# person to run it from the card: cmdline.txt edited to tern=conformance,
# U-Boot booting the card's Image and archive; no test may fail.
add_test(NAME boot.raspi3b-conformance
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check-rpi4-suite
                 ${RPI_CARD} ${RPI_UBOOT} ${RPI3_DTB} 900)
set_tests_properties(boot.raspi3b-conformance PROPERTIES
                     TIMEOUT 960 RUN_SERIAL ON LABELS boot)

# All board facts come from the device tree: no device address of QEMU
# virt or of a Pi may be compiled into the kernel.
add_test(NAME test.rpi4-image-has-no-virt-addresses
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check-no-board-addresses ${IMAGE})

# The card holds everything the Pi 4 needs, consistently.
add_test(NAME test.rpi4-sdcard-contents
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check-rpi4-sdcard
                 ${RPI_CARD} ${IMAGE} ${RPI_UBOOT})
set_tests_properties(test.rpi4-image-has-no-virt-addresses test.rpi4-sdcard-contents
                     PROPERTIES TIMEOUT 60 LABELS image)

# The kernel's IPC paths on the Pi boot protocol (spin-table cores, the
# BCM2836 local controller's mailbox IPIs), with the IPC benchmark as the
# root task from an initrd; the Pi has no PSCI, so it ends "halted".
boot_test(kernel.ipc-paths-raspi3b 120
    "root task \"init\";fast path: [0-9]+ ns;across two cores: [0-9]+;ipc-bench: done"
    qemu-system-aarch64 -M raspi3b -kernel ${IMAGE} -dtb ${RPI3_DTB}
    -initrd ${TERN_TARGET_DIR}/ipc-bench.cpio
    -display none -serial null -serial stdio)

# The kernel test suite on the Pi boot protocol too.
boot_test(kernel.suite-raspi3b 200 "[0-9]+ passed;, 0 failed$"
    qemu-system-aarch64 -M raspi3b -kernel ${IMAGE} -dtb ${RPI3_DTB}
    -initrd ${TERN_TARGET_DIR}/ktest.cpio
    -display none -serial null -serial stdio)
