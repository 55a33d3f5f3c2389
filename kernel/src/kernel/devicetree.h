/*
 * A reader for flattened device trees (the DTB format, version 17, of the
 * Devicetree Specification), bounds-checked so that a blob from anywhere
 * (truncated, corrupted or built to attack) yields an error, never a read
 * outside it or an endless loop.
 *
 * devicetree_open() checks the header and walks the whole structure block
 * once: every token, name and property must lie inside its block, nodes must
 * nest properly and no deeper than DEVICETREE_MAX_DEPTH. Every other function
 * still checks each read, so a node handle that is not one only gives "not
 * found". Nothing here allocates, writes to the blob or keeps global state.
 *
 * A node is named by its offset in the structure block (an int >= 0); the
 * functions that return nodes return DEVICETREE_NO_NODE (< 0) when there is
 * none.
 */
#ifndef KERNEL_DEVICETREE_H
#define KERNEL_DEVICETREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The arm64 boot protocol limits the blob to 2 MiB. */
#define DEVICETREE_MAX_SIZE  (2u * 1024 * 1024)
/* Deepest nesting accepted, the root being depth 1. Real trees use < 10. */
#define DEVICETREE_MAX_DEPTH 32
#define DEVICETREE_NO_NODE   (-1)

enum devicetree_error {
    DEVICETREE_OK = 0,
    DEVICETREE_BAD_MAGIC,
    DEVICETREE_BAD_VERSION,     /* cannot be read as version 17 */
    DEVICETREE_BAD_SIZE,        /* totalsize below the header, above the
                                   buffer or above DEVICETREE_MAX_SIZE */
    DEVICETREE_BAD_LAYOUT,      /* a block outside the blob or misaligned, or
                                   the reservation block unterminated */
    DEVICETREE_BAD_STRUCTURE,   /* a bad token, name or property length,
                                   unbalanced or too deep nodes */
};

struct devicetree {
    const uint8_t *structure;
    uint32_t structure_size;
    const char *strings;
    uint32_t strings_size;
    const uint8_t *reservations;    /* the memory reservation block */
    uint32_t reservation_count;     /* entries before the terminating one */
};

/* A property's value: big-endian cells, strings or bytes. */
struct devicetree_property {
    const uint8_t *value;
    uint32_t length;                /* in bytes */
};

/* Opening and walking the tree. The other functions take a tree only once
 * devicetree_open() has returned DEVICETREE_OK for it. */
enum devicetree_error devicetree_open(struct devicetree *tree, const void *blob,
                                      uint64_t max_size);
int devicetree_root(const struct devicetree *tree);
/* The node after node in depth-first document order (children first). */
int devicetree_next_node(const struct devicetree *tree, int node);
int devicetree_first_child(const struct devicetree *tree, int node);
int devicetree_next_sibling(const struct devicetree *tree, int node);
int devicetree_parent(const struct devicetree *tree, int node);
/* The full name with unit address ("serial@7e201000", "" for the root). */
const char *devicetree_node_name(const struct devicetree *tree, int node);

/* Finding nodes. A path is absolute ("/soc/serial@7e201000") or starts with
 * an alias from /aliases ("serial0", "serial0/child"); a ':' ends it, as in
 * stdout-path = "serial1:115200n8". A component without a unit address
 * matches a name with one ("/memory" finds "memory@0"); the first match in
 * the tree wins. */
int devicetree_find_node(const struct devicetree *tree, const char *path);
/* The first node after `after` (from the root when after < 0) in document
 * order whose "compatible" list holds compatible. */
int devicetree_find_compatible(const struct devicetree *tree, int after,
                               const char *compatible);
int devicetree_find_by_phandle(const struct devicetree *tree, uint32_t phandle);

/* Properties. */
bool devicetree_get_property(const struct devicetree *tree, int node,
                             const char *name,
                             struct devicetree_property *property);
/* The value as a string, or NULL when absent or not NUL-terminated. */
const char *devicetree_property_string(const struct devicetree *tree, int node,
                                       const char *name);
/* A value of exactly one cell. */
bool devicetree_property_u32(const struct devicetree *tree, int node,
                             const char *name, uint32_t *value);
/* A value of one or two cells (4 or 8 bytes), as initrd bounds come. */
bool devicetree_property_u64(const struct devicetree *tree, int node,
                             const char *name, uint64_t *value);
/* count (0, 1 or 2) cells starting at cell first, as one big-endian number;
 * false when they do not all lie inside the value. */
bool devicetree_property_cells(const struct devicetree_property *property,
                               uint64_t first, uint32_t count,
                               uint64_t *value);
bool devicetree_is_compatible(const struct devicetree *tree, int node,
                              const char *compatible);
/* "status" absent, "okay" or "ok". */
bool devicetree_is_enabled(const struct devicetree *tree, int node);

/* Addresses. A node's #address-cells and #size-cells describe its
 * children's reg (the specification's defaults 2 and 1 when absent). */
uint32_t devicetree_address_cells(const struct devicetree *tree, int node);
uint32_t devicetree_size_cells(const struct devicetree *tree, int node);
/* Entry index of node's reg, in its parent's address space. Addresses and
 * sizes of more than two cells are not supported. */
bool devicetree_node_reg(const struct devicetree *tree, int node,
                         uint32_t index, uint64_t *address, uint64_t *size);
/* An address in node's parent's address space, as a CPU physical address:
 * through the "ranges" of every ancestor below the root (an empty ranges
 * maps one to one; without ranges a bus is not translatable). */
bool devicetree_translate(const struct devicetree *tree, int node,
                          uint64_t bus_address, uint64_t *cpu_address);
/* devicetree_node_reg() followed by devicetree_translate(). */
bool devicetree_node_physical_reg(const struct devicetree *tree, int node,
                                  uint32_t index, uint64_t *address,
                                  uint64_t *size);

/* The interrupt controller that node's interrupts go to: the one its own
 * "interrupt-parent" phandle names, else its nearest ancestor's. */
int devicetree_interrupt_parent(const struct devicetree *tree, int node);

/* Entry index of the memory reservation block; false past the last one. */
bool devicetree_reservation(const struct devicetree *tree, uint32_t index,
                            uint64_t *address, uint64_t *size);

#endif
