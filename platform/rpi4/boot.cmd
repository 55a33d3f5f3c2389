# U-Boot script for the Raspberry Pi (compiled to boot.scr with mkimage).
# U-Boot's distro boot finds it on the SD card's FAT partition and sets
# devtype, devnum and distro_bootpart to where it found it. Load the arm64
# Image and the boot archive ("initrd") from the same partition and start
# them with booti, handing over the device tree the Pi firmware gave
# U-Boot (fdt_addr), with /memory filled and /chosen saying where the
# archive is. Never go or bootelf: they jump with U-Boot's MMU and caches
# still on.
echo "tern: loading Image from ${devtype} ${devnum}:${distro_bootpart}"
load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} Image
if load ${devtype} ${devnum}:${distro_bootpart} ${ramdisk_addr_r} initrd; then
    booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdt_addr}
else
    booti ${kernel_addr_r} - ${fdt_addr}
fi
