# U-Boot script for the Raspberry Pi (compiled to boot.scr with mkimage).
# U-Boot's distro boot finds it on the SD card's FAT partition and sets
# devtype, devnum and distro_bootpart to where it found it. Load the arm64
# Image from the same partition and start it with booti, handing over the
# device tree the Pi firmware gave U-Boot (fdt_addr), with /memory filled.
# Never go or bootelf: they jump with U-Boot's MMU and caches still on.
echo "tern: loading Image from ${devtype} ${devnum}:${distro_bootpart}"
load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} Image
booti ${kernel_addr_r} - ${fdt_addr}
