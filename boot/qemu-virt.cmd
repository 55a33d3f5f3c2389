# U-Boot script for QEMU virt: load the arm64 Image from the first FAT
# partition of the virtio disk, and the boot archive (initrd) beside it,
# and boot them with the device tree U-Boot runs on (QEMU's, which U-Boot
# keeps at fdtcontroladdr). booti writes the archive's place into the
# tree's /chosen (linux,initrd-start and -end), where the kernel finds it.
echo "tern: loading Image from virtio ${devnum}:${distro_bootpart}"
load virtio ${devnum}:${distro_bootpart} ${kernel_addr_r} Image
if load virtio ${devnum}:${distro_bootpart} ${ramdisk_addr_r} initrd; then
    booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}
else
    booti ${kernel_addr_r} - ${fdtcontroladdr}
fi
