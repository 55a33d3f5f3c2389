# U-Boot script for QEMU virt: load the arm64 Image from the first FAT
# partition of the virtio disk and boot it with the device tree U-Boot runs
# on (QEMU's, which U-Boot keeps at fdtcontroladdr).
echo "tern: loading Image from virtio ${devnum}:${distro_bootpart}"
load virtio ${devnum}:${distro_bootpart} ${kernel_addr_r} Image
booti ${kernel_addr_r} - ${fdtcontroladdr}
