/*
 * The memory-object protocol: how a server that owns mappable objects
 * (vfs's files, memfds, System V shared memory segments) lends
 * their pages to procmgr, which maps them into any number of address
 * spaces, so that every process sees the same physical pages
 * (docs/protocols/memory.md).
 *
 * procmgr sends these through a descriptor of the object (its file
 * protocol capability, badged with the open file description):
 *
 *   label         registers in                    result; more
 *   MEMORY_MAP    offset, length, prot, flags     0; MR1 the object's identity,
 *                 (mmap's, MAP_SHARED or             MR2 MEMORY_MAP_* answer flags;
 *                 MAP_PRIVATE in flags)              cap 0 with MEMORY_MAP_DESCRIPTOR
 *   MEMORY_PAGE   offset, access                  0; cap 0: the page's frame
 *
 * MEMORY_MAP: may the open file description be mapped so? 0, or Linux's
 * mmap errors: -ENODEV (the file cannot be mapped), -EACCES (opened
 * write-only, or a shared writable mapping of a file not opened for
 * writing), -EINVAL. The identity names the object, the same through
 * every description of it and unique on the system ((st_dev << 32) |
 * st_ino, as fstat shows them: every server has devices of its own), so
 * that processes mapping it meet on the same futexes.
 * MR2's flags: MEMORY_MAP_ANONYMOUS, map anonymous memory instead
 * (/dev/zero: shared, or private, as the mapping is), and nothing more is
 * asked; MEMORY_MAP_WRITABLE, the mapping may be made writable later
 * (mprotect; without it, that is EACCES as on Linux);
 * MEMORY_MAP_NO_USERFAULT, userfaultfd may not register mappings of it
 * (System V segments: Linux's vma_is_shmem does not count them);
 * MEMORY_MAP_DESCRIPTOR, the answer carries a descriptor of the object
 * made for this mapping alone, which procmgr keeps and uses instead of
 * the one it was given, and closes when the mapping goes: the server
 * counts the mappings that may write by such descriptors (seals ask
 * whether one exists). The count is the server's own: a process may
 * send MEMORY_MAP through its descriptors itself, but the descriptor it
 * would get is counted as a mapping is, and no message lowers another's
 * count.
 *
 * MEMORY_PAGE: the frame that holds bytes [offset, offset + 4096) of the
 * object (offset page-aligned), made (zeroed) if the object has none
 * there yet. access MEMORY_PAGE_WRITE asks for a writable frame, which
 * only a description opened for writing gets (-EACCES);
 * MEMORY_PAGE_EXISTING asks only for a page the object has: -ENOENT for
 * a hole, and nothing is made (userfaultfd on shared memory asks whether
 * Linux's page cache would have the page; never of an object answered
 * MEMORY_MAP_NO_USERFAULT). -ENXIO: the page
 * lies wholly past the end of the object (the access is SIGBUS), -ENOMEM.
 * The server answers at once: it never keeps procmgr waiting.
 *
 * Revocation: the server keeps the original capability of every frame it
 * lends, and what it hands out is derived from it. When a page leaves the
 * object (truncation), the server revokes the original (CNode_Revoke):
 * the copies procmgr holds, and with them the page's mapping in every
 * address space, are gone. The next access faults, procmgr asks again,
 * and past the end that is SIGBUS. A seal against writing (memfds) waits
 * until no mapping may write (MEMORY_MAP_DESCRIPTOR), so no writable
 * frame is left anywhere when it is set.
 *
 * procmgr keeps a reference to the description (FILE_RETAIN), or the
 * mapping's own descriptor, for as long as any address space maps it, so
 * a file stays mappable after its last descriptor is closed or its name
 * unlinked, as on Linux.
 */
#ifndef SYS_PROTOCOL_MEMORY_H
#define SYS_PROTOCOL_MEMORY_H

enum memory_label {
    MEMORY_MAP = 0x700,
    MEMORY_PAGE,
};

/* MEMORY_MAP's answer flags (MR2). */
#define MEMORY_MAP_ANONYMOUS    1
#define MEMORY_MAP_WRITABLE     2
#define MEMORY_MAP_DESCRIPTOR   4
#define MEMORY_MAP_NO_USERFAULT 8

/* MEMORY_PAGE's access. */
#define MEMORY_PAGE_WRITE       1
#define MEMORY_PAGE_EXISTING    2

#endif
