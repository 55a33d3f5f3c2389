/*
 * Memory objects: what shared mappings map, and private mappings of a
 * file until they copy a page (space.c). Two kinds:
 *   - anonymous (MAP_SHARED | MAP_ANONYMOUS, /dev/zero's shared
 *     mappings): frames of procmgr's pool (frames.h), made on first
 *     touch, the object holding one use of each;
 *   - lent (a file): its server's frames, asked for page by page through
 *     the descriptor the file was mapped with (sys/protocol/memory.h);
 *     procmgr keeps that descriptor, counted (FILE_RETAIN), or one the
 *     server made for the mapping (MEMORY_MAP_DESCRIPTOR), so the file
 *     stays mappable when the process closes or unlinks it.
 * An object counts the address spaces that map it (space.c counts each
 * space once, however many regions); with the last it goes (anonymous:
 * its frames; lent: FILE_CLOSE). A lent object holds one reference to
 * its description per address space (FILE_RETAIN at fork, FILE_CLOSE as
 * each goes), so the server can tell how many attach it (System V's
 * shm_nattch).
 *
 * Servers procmgr asks here answer at once and never call procmgr, so a
 * fault never waits on anything that waits on procmgr.
 */
#ifndef PROCMGR_MEMORY_OBJECT_H
#define PROCMGR_MEMORY_OBJECT_H

#include <stdbool.h>
#include <stdint.h>

/* A new anonymous object of size bytes with one reference: its id, or 0. */
uint64_t memory_object_create_anonymous(uint64_t size);

/* What mapping the file behind descriptor (a procmgr slot) comes to
 * (MEMORY_MAP with mmap's prot, MAP_SHARED or not, offset and length):
 * 0 with *id a lent object (one reference; it owns descriptor now) and
 * *writable whether its pages may be written through; 1 when the file
 * maps anonymous memory instead (/dev/zero: descriptor is the caller's
 * still); or -errno (-ENODEV for a server that maps nothing). */
int memory_object_map_file(uint64_t descriptor, unsigned prot, bool shared, uint64_t offset,
                           uint64_t length, uint64_t *id, bool *writable);
#define MEMORY_OBJECT_ANONYMOUS 1

/* Whether userfaultfd may register mappings of the object (Linux's
 * shmem: not a System V segment, MEMORY_MAP_NO_USERFAULT). */
bool memory_object_takes_userfault(uint64_t id);

void memory_object_retain(uint64_t id);
void memory_object_release(uint64_t id);

/* The frame of the object's page at offset (page-aligned), in a procmgr
 * slot the caller now owns: 0, or -ENXIO (past the end: SIGBUS), -EACCES
 * (a writable one, from a file not open for writing), -ENOMEM. write:
 * ask for a writable frame (an anonymous object's always are). */
int memory_object_page(uint64_t id, uint64_t offset, bool write, uint64_t *frame);
/* The same for a page the object has already, none being made: -ENOENT
 * where it has none (a hole, as Linux's page cache has none there), for
 * userfaultfd's registrations of shared memory. */
int memory_object_existing_page(uint64_t id, uint64_t offset, bool write, uint64_t *frame);

/* The pages an anonymous object has while one address space alone maps
 * it (what that space's end gives back, for the OOM killer); else 0. */
uint64_t memory_object_sole_pages(uint64_t id);
/* Whether it is anonymous: its pages are procmgr's, so a fault that
 * finds none left is out of memory, not past what a server lends. */
bool memory_object_is_anonymous(uint64_t id);

/* What futex keys name the object by: the same for every object of one
 * file, so processes that map it separately meet on its futexes. */
uint64_t memory_object_key(uint64_t id);

/* /proc/<pid>/maps' facts about the object: its name into name (room
 * bytes; its whole length returned), and in *identity its st_dev << 32 |
 * st_ino. A lent object's name is its file's (FILE_PATH through the
 * descriptor procmgr keeps, whose server answers at once and never calls
 * procmgr); an anonymous one's is "/dev/zero (deleted)" on device 1, its
 * id as inode, as Linux's shared anonymous memory shows. -errno (the
 * object gone, the server's error). */
int64_t memory_object_describe(uint64_t id, char *name, uint64_t room, uint64_t *identity);

/* A procmgr slot holding a copy of frame (another owner's, or one that
 * is mapped already), or 0. */
uint64_t memory_copy_frame(uint64_t frame);

#endif
