/*
 * What the root task receives: a page mapped read-only at the address in
 * x0 when it starts, and capabilities in fixed slots of its CNode.
 */
#ifndef TERN_BOOT_INFO_H
#define TERN_BOOT_INFO_H

#include <stdint.h>

/* Fixed slots in the root task's CNode (radix TERN_ROOT_CNODE_BITS). */
enum tern_root_slot {
    TERN_SLOT_NULL = 0,
    TERN_SLOT_TCB,                  /* the root task's own thread */
    TERN_SLOT_CNODE,                /* its CNode (the CSpace root) */
    TERN_SLOT_VSPACE,               /* its address space */
    TERN_SLOT_IRQ_CONTROL,
    TERN_SLOT_IPC_BUFFER,           /* frame of its IPC buffer */
    TERN_SLOT_BOOT_INFO,            /* frame of this page */
    TERN_SLOT_CONSOLE,              /* the Console capability (DEBUG_PUT_CHAR, DEBUG_GET_CHAR) */
    TERN_SLOT_FIRST_FREE_FIXED,
};

#define TERN_ROOT_CNODE_BITS    12
/* Where the root task finds the boot archive mapped (boot_archive below). */
#define TERN_ROOT_BOOT_ARCHIVE  0x7e00000000ULL
#define TERN_BOOT_INFO_MAX_UNTYPED 192
/* The kernel command line's room, its NUL included: what is left of the
 * page, with room for Linux-like lines and a Pi firmware's own prefix. */
#define TERN_BOOT_INFO_COMMAND_LINE_MAX 768

struct tern_untyped_description {
    uint64_t physical_address;
    uint8_t size_bits;
    uint8_t is_device;
    uint8_t padding[6];
};

struct tern_boot_info {
    uint64_t ipc_buffer;            /* virtual address of the IPC buffer */
    uint64_t cpu_count;
    uint64_t timer_frequency;       /* CNTFRQ_EL0, Hz */
    uint64_t timer_irq;             /* the kernel's own tick: never handed out */
    /* The time of day at boot, from the board's real-time clock: seconds
     * since the epoch when CNTVCT_EL0 read realtime_counter (both 0
     * without a clock). */
    uint64_t realtime_seconds;
    uint64_t realtime_counter;
    /* Slots [first, first + count) hold the untyped capabilities, in the
     * order of untyped[]. */
    uint64_t untyped_first;
    uint64_t untyped_count;
    struct tern_untyped_description untyped[TERN_BOOT_INFO_MAX_UNTYPED];
    /* Frames of the root task's own image, slots [first, first + count). */
    uint64_t image_frames_first;
    uint64_t image_frames_count;
    /* The boot archive (initrd), mapped read-only at this address through
     * the read-only frames in slots [first, first + count), in the order
     * of their addresses: 4 KiB frames, except those at indices [large,
     * large + large_count), which are 2 MiB frames (the archive's whole 2
     * MiB blocks, so that a big archive takes few slots). The mapping
     * starts at a 2 MiB boundary, frame by frame from its offset into
     * that block (boot_archive & ~4095, mod 2 MiB), so large frames land
     * at 2 MiB boundaries; init maps it the same way for vfs. */
    uint64_t boot_archive;
    uint64_t boot_archive_size;
    uint64_t boot_archive_frames_first;
    uint64_t boot_archive_frames_count;
    uint64_t boot_archive_frames_large;
    uint64_t boot_archive_frames_large_count;
    /* Slots [first, last) are empty. */
    uint64_t empty_first;
    uint64_t empty_last;
    /* The kernel command line: the device tree's /chosen bootargs (the
     * Pi firmware's cmdline.txt, U-Boot's bootargs, QEMU's -append), cut
     * to fit and NUL-terminated; empty without one. */
    char command_line[TERN_BOOT_INFO_COMMAND_LINE_MAX];
    /* 0 for the root task; what init tells a server it starts
     * (SERVER_BOOT_* in sys/servers.h). */
    uint64_t server_flags;
};

#endif
