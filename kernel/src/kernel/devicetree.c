/*
 * Flattened device tree reader. The blob is a header, a memory reservation
 * block (pairs of big-endian u64, ended by a zero pair), a structure block of
 * 4-byte-aligned big-endian tokens, and a strings block holding property
 * names. Every read goes through read_token() or devicetree_property_cells(),
 * which check it against the block it belongs to.
 */
#include "kernel/devicetree.h"
#include "lib/string.h"

#define DEVICETREE_MAGIC        0xd00dfeedu
#define DEVICETREE_VERSION      17
#define HEADER_SIZE             40

/* Byte offsets of the big-endian u32 fields of the header. */
enum header_field {
    HEADER_MAGIC = 0,
    HEADER_TOTAL_SIZE = 4,
    HEADER_STRUCTURE_OFFSET = 8,
    HEADER_STRINGS_OFFSET = 12,
    HEADER_RESERVATIONS_OFFSET = 16,
    HEADER_VERSION = 20,
    HEADER_LAST_COMPATIBLE_VERSION = 24,
    HEADER_STRINGS_SIZE = 32,
    HEADER_STRUCTURE_SIZE = 36,
};

enum token_kind {
    TOKEN_BEGIN_NODE = 1,   /* followed by the NUL-terminated node name */
    TOKEN_END_NODE = 2,
    TOKEN_PROPERTY = 3,     /* followed by length, name offset, value */
    TOKEN_NOP = 4,
    TOKEN_END = 9,
};

#define RESERVATION_ENTRY_SIZE  16

struct token {
    uint32_t kind;
    int next;                               /* offset of the token after */
    const char *name;                       /* of a node or property */
    struct devicetree_property property;
};

/* Reads byte by byte: the blob need not be aligned, and the kernel is built
 * with -mstrict-align. */
static uint32_t read_be32(const uint8_t *bytes)
{
    return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 |
           (uint32_t)bytes[2] << 8 | bytes[3];
}

static uint64_t read_be64(const uint8_t *bytes)
{
    return (uint64_t)read_be32(bytes) << 32 | read_be32(bytes + 4);
}

static bool is_terminated(const char *string, uint64_t room)
{
    return strnlen(string, room) < room;
}

/* The property name at offset in the strings block, NULL if not all of it
 * lies inside. */
static const char *string_at(const struct devicetree *tree, uint32_t offset)
{
    if (offset >= tree->strings_size)
        return NULL;
    const char *string = tree->strings + offset;
    return is_terminated(string, tree->strings_size - offset) ? string : NULL;
}

/* Decodes the token at offset in the structure block; false if it is not a
 * known token lying wholly inside the block. */
static bool read_token(const struct devicetree *tree, int offset,
                       struct token *token)
{
    if (offset < 0 || offset % 4 != 0)
        return false;
    const uint8_t *structure = tree->structure;
    uint64_t size = tree->structure_size;
    uint64_t position = (uint64_t)offset;
    if (position + 4 > size)
        return false;
    *token = (struct token){ 0 };
    token->kind = read_be32(structure + position);
    position += 4;

    switch (token->kind) {
    case TOKEN_BEGIN_NODE: {
        token->name = (const char *)structure + position;
        size_t length = strnlen(token->name, size - position);
        if (length == size - position)
            return false;
        position += length + 1;
        break;
    }
    case TOKEN_PROPERTY: {
        if (position + 8 > size)
            return false;
        uint32_t length = read_be32(structure + position);
        token->name = string_at(tree, read_be32(structure + position + 4));
        position += 8;
        if (token->name == NULL || length > size - position)
            return false;
        token->property.value = structure + position;
        token->property.length = length;
        position += length;
        break;
    }
    case TOKEN_END_NODE:
    case TOKEN_NOP:
    case TOKEN_END:
        break;
    default:
        return false;
    }
    /* position <= size <= DEVICETREE_MAX_SIZE, so this fits an int. */
    token->next = (int)((position + 3) & ~(uint64_t)3);
    return true;
}

static bool read_node(const struct devicetree *tree, int node,
                      struct token *token)
{
    return read_token(tree, node, token) && token->kind == TOKEN_BEGIN_NODE;
}

/* The whole structure block must be one properly nested tree, so that no
 * later walk meets an unbalanced or over-deep node. */
static enum devicetree_error check_structure(const struct devicetree *tree)
{
    struct token token;
    int depth = 0;
    bool root_seen = false;

    for (int offset = 0; read_token(tree, offset, &token);
         offset = token.next) {
        switch (token.kind) {
        case TOKEN_BEGIN_NODE:
            if ((root_seen && depth == 0) || depth == DEVICETREE_MAX_DEPTH)
                return DEVICETREE_BAD_STRUCTURE;
            root_seen = true;
            depth++;
            break;
        case TOKEN_END_NODE:
            if (depth == 0)
                return DEVICETREE_BAD_STRUCTURE;
            depth--;
            break;
        case TOKEN_PROPERTY:
            if (depth == 0)
                return DEVICETREE_BAD_STRUCTURE;
            break;
        case TOKEN_END:
            return root_seen && depth == 0 ? DEVICETREE_OK
                                           : DEVICETREE_BAD_STRUCTURE;
        }
    }
    return DEVICETREE_BAD_STRUCTURE;
}

static bool block_inside(uint32_t total_size, uint32_t offset, uint32_t size)
{
    return offset >= HEADER_SIZE && (uint64_t)offset + size <= total_size;
}

/* Counts the reservation entries; false if the terminating entry is not
 * inside the blob. */
static bool count_reservations(const uint8_t *block, uint64_t room,
                               uint32_t *count)
{
    for (uint64_t position = 0; position + RESERVATION_ENTRY_SIZE <= room;
         position += RESERVATION_ENTRY_SIZE) {
        if (read_be64(block + position) == 0 &&
            read_be64(block + position + 8) == 0) {
            *count = (uint32_t)(position / RESERVATION_ENTRY_SIZE);
            return true;
        }
    }
    return false;
}

enum devicetree_error devicetree_open(struct devicetree *tree, const void *blob,
                                      uint64_t max_size)
{
    const uint8_t *bytes = blob;
    if (max_size < HEADER_SIZE)
        return DEVICETREE_BAD_SIZE;
    if (read_be32(bytes + HEADER_MAGIC) != DEVICETREE_MAGIC)
        return DEVICETREE_BAD_MAGIC;
    if (read_be32(bytes + HEADER_VERSION) < DEVICETREE_VERSION ||
        read_be32(bytes + HEADER_LAST_COMPATIBLE_VERSION) > DEVICETREE_VERSION)
        return DEVICETREE_BAD_VERSION;

    uint32_t total_size = read_be32(bytes + HEADER_TOTAL_SIZE);
    if (total_size < HEADER_SIZE || total_size > max_size ||
        total_size > DEVICETREE_MAX_SIZE)
        return DEVICETREE_BAD_SIZE;

    uint32_t structure_offset = read_be32(bytes + HEADER_STRUCTURE_OFFSET);
    uint32_t structure_size = read_be32(bytes + HEADER_STRUCTURE_SIZE);
    uint32_t strings_offset = read_be32(bytes + HEADER_STRINGS_OFFSET);
    uint32_t strings_size = read_be32(bytes + HEADER_STRINGS_SIZE);
    uint32_t reservations_offset =
        read_be32(bytes + HEADER_RESERVATIONS_OFFSET);
    if (!block_inside(total_size, structure_offset, structure_size) ||
        structure_offset % 4 != 0 ||
        !block_inside(total_size, strings_offset, strings_size) ||
        !block_inside(total_size, reservations_offset, 0) ||
        reservations_offset % 8 != 0)
        return DEVICETREE_BAD_LAYOUT;

    tree->structure = bytes + structure_offset;
    tree->structure_size = structure_size;
    tree->strings = (const char *)bytes + strings_offset;
    tree->strings_size = strings_size;
    tree->reservations = bytes + reservations_offset;
    if (!count_reservations(tree->reservations,
                            total_size - reservations_offset,
                            &tree->reservation_count))
        return DEVICETREE_BAD_LAYOUT;
    return check_structure(tree);
}

int devicetree_root(const struct devicetree *tree)
{
    struct token token;
    for (int offset = 0; read_token(tree, offset, &token);
         offset = token.next) {
        if (token.kind == TOKEN_BEGIN_NODE)
            return offset;
        if (token.kind != TOKEN_NOP)
            break;
    }
    return DEVICETREE_NO_NODE;
}

int devicetree_next_node(const struct devicetree *tree, int node)
{
    struct token token;
    if (!read_node(tree, node, &token))
        return DEVICETREE_NO_NODE;
    for (int offset = token.next; read_token(tree, offset, &token);
         offset = token.next) {
        if (token.kind == TOKEN_BEGIN_NODE)
            return offset;
        if (token.kind == TOKEN_END)
            break;
    }
    return DEVICETREE_NO_NODE;
}

int devicetree_first_child(const struct devicetree *tree, int node)
{
    struct token token;
    if (!read_node(tree, node, &token))
        return DEVICETREE_NO_NODE;
    for (int offset = token.next; read_token(tree, offset, &token);
         offset = token.next) {
        if (token.kind == TOKEN_BEGIN_NODE)
            return offset;
        if (token.kind != TOKEN_PROPERTY && token.kind != TOKEN_NOP)
            break;
    }
    return DEVICETREE_NO_NODE;
}

int devicetree_next_sibling(const struct devicetree *tree, int node)
{
    struct token token;
    if (!read_node(tree, node, &token))
        return DEVICETREE_NO_NODE;
    /* Skip node's subtree; the next node to begin at its level is the
     * sibling, and its parent's end means there is none. */
    int depth = 1;
    for (int offset = token.next; read_token(tree, offset, &token);
         offset = token.next) {
        if (token.kind == TOKEN_BEGIN_NODE) {
            if (depth == 0)
                return offset;
            depth++;
        } else if (token.kind == TOKEN_END_NODE) {
            if (depth == 0)
                break;
            depth--;
        } else if (token.kind == TOKEN_END) {
            break;
        }
    }
    return DEVICETREE_NO_NODE;
}

/* Fills path with the nodes from the root down to node and returns how many
 * there are, 0 if node is not the offset of a node. The structure block has
 * no parent links, so this walks it from the start. */
static int node_path(const struct devicetree *tree, int node,
                     int path[DEVICETREE_MAX_DEPTH])
{
    struct token token;
    int depth = 0;
    for (int offset = 0; read_token(tree, offset, &token);
         offset = token.next) {
        if (token.kind == TOKEN_BEGIN_NODE) {
            if (depth == DEVICETREE_MAX_DEPTH)
                break;
            path[depth++] = offset;
            if (offset == node)
                return depth;
        } else if (token.kind == TOKEN_END_NODE) {
            if (depth == 0)
                break;
            depth--;
        } else if (token.kind == TOKEN_END) {
            break;
        }
    }
    return 0;
}

int devicetree_parent(const struct devicetree *tree, int node)
{
    int path[DEVICETREE_MAX_DEPTH];
    int depth = node_path(tree, node, path);
    return depth >= 2 ? path[depth - 2] : DEVICETREE_NO_NODE;
}

const char *devicetree_node_name(const struct devicetree *tree, int node)
{
    struct token token;
    return read_node(tree, node, &token) ? token.name : NULL;
}

/* Whether the terminated string equals the first length characters of name,
 * which holds no NUL among them. */
static bool name_equals(const char *terminated, const char *name,
                        size_t length)
{
    return strncmp(terminated, name, length) == 0 &&
           terminated[length] == '\0';
}

static bool find_property(const struct devicetree *tree, int node,
                          const char *name, size_t name_length,
                          struct devicetree_property *property)
{
    struct token token;
    if (!read_node(tree, node, &token))
        return false;
    for (int offset = token.next; read_token(tree, offset, &token);
         offset = token.next) {
        if (token.kind == TOKEN_PROPERTY) {
            if (name_equals(token.name, name, name_length)) {
                *property = token.property;
                return true;
            }
        } else if (token.kind != TOKEN_NOP) {
            break;
        }
    }
    return false;
}

bool devicetree_get_property(const struct devicetree *tree, int node,
                             const char *name,
                             struct devicetree_property *property)
{
    return find_property(tree, node, name, strlen(name), property);
}

static const char *string_value(const struct devicetree_property *property)
{
    const char *string = (const char *)property->value;
    return is_terminated(string, property->length) ? string : NULL;
}

const char *devicetree_property_string(const struct devicetree *tree, int node,
                                       const char *name)
{
    struct devicetree_property property;
    if (!devicetree_get_property(tree, node, name, &property))
        return NULL;
    return string_value(&property);
}

bool devicetree_property_cells(const struct devicetree_property *property,
                               uint64_t first, uint32_t count,
                               uint64_t *value)
{
    uint64_t cells = property->length / 4;
    if (count > 2 || first > cells || count > cells - first)
        return false;
    *value = 0;
    for (uint32_t i = 0; i < count; i++)
        *value = *value << 32 | read_be32(property->value + 4 * (first + i));
    return true;
}

bool devicetree_property_u32(const struct devicetree *tree, int node,
                             const char *name, uint32_t *value)
{
    struct devicetree_property property;
    if (!devicetree_get_property(tree, node, name, &property) ||
        property.length != 4)
        return false;
    *value = read_be32(property.value);
    return true;
}

bool devicetree_property_u64(const struct devicetree *tree, int node,
                             const char *name, uint64_t *value)
{
    struct devicetree_property property;
    if (!devicetree_get_property(tree, node, name, &property) ||
        (property.length != 4 && property.length != 8))
        return false;
    return devicetree_property_cells(&property, 0, property.length / 4, value);
}

bool devicetree_is_compatible(const struct devicetree *tree, int node,
                              const char *compatible)
{
    struct devicetree_property list;
    if (!devicetree_get_property(tree, node, "compatible", &list))
        return false;
    /* A list of NUL-terminated strings; an unterminated tail is ignored. */
    size_t position = 0;
    while (position < list.length) {
        const char *entry = (const char *)list.value + position;
        size_t length = strnlen(entry, list.length - position);
        if (length == list.length - position)
            break;
        if (strcmp(entry, compatible) == 0)
            return true;
        position += length + 1;
    }
    return false;
}

bool devicetree_is_enabled(const struct devicetree *tree, int node)
{
    struct devicetree_property property;
    if (!devicetree_get_property(tree, node, "status", &property))
        return true;
    const char *status = string_value(&property);
    return status != NULL &&
           (strcmp(status, "okay") == 0 || strcmp(status, "ok") == 0);
}

static size_t path_component_length(const char *path)
{
    size_t length = 0;
    while (path[length] != '\0' && path[length] != '/' && path[length] != ':')
        length++;
    return length;
}

/* A component without a unit address also matches a name with one. */
static bool node_name_matches(const char *name, const char *component,
                              size_t length)
{
    return strncmp(name, component, length) == 0 &&
           (name[length] == '\0' || name[length] == '@');
}

static int find_child(const struct devicetree *tree, int node,
                      const char *component, size_t length)
{
    for (int child = devicetree_first_child(tree, node); child >= 0;
         child = devicetree_next_sibling(tree, child))
        if (node_name_matches(devicetree_node_name(tree, child), component,
                              length))
            return child;
    return DEVICETREE_NO_NODE;
}

/* Follows the components of path ('/'-separated, up to a ':' or the end)
 * down from node. */
static int find_below(const struct devicetree *tree, int node,
                      const char *path)
{
    while (node >= 0) {
        while (*path == '/')
            path++;
        if (*path == '\0' || *path == ':')
            return node;
        size_t length = path_component_length(path);
        node = find_child(tree, node, path, length);
        path += length;
    }
    return DEVICETREE_NO_NODE;
}

int devicetree_find_node(const struct devicetree *tree, const char *path)
{
    int root = devicetree_root(tree);
    if (path[0] == '/')
        return find_below(tree, root, path);

    size_t alias_length = path_component_length(path);
    int aliases = find_below(tree, root, "/aliases");
    struct devicetree_property alias;
    if (alias_length == 0 || aliases < 0 ||
        !find_property(tree, aliases, path, alias_length, &alias))
        return DEVICETREE_NO_NODE;
    /* An alias's value is an absolute path, never another alias. */
    const char *target = string_value(&alias);
    if (target == NULL || target[0] != '/')
        return DEVICETREE_NO_NODE;
    return find_below(tree, find_below(tree, root, target),
                      path + alias_length);
}

int devicetree_find_compatible(const struct devicetree *tree, int after,
                               const char *compatible)
{
    int node = after < 0 ? devicetree_root(tree)
                         : devicetree_next_node(tree, after);
    for (; node >= 0; node = devicetree_next_node(tree, node))
        if (devicetree_is_compatible(tree, node, compatible))
            return node;
    return DEVICETREE_NO_NODE;
}

int devicetree_find_by_phandle(const struct devicetree *tree, uint32_t phandle)
{
    /* 0 and all-ones are reserved: never a node's phandle. */
    if (phandle == 0 || phandle == 0xffffffffu)
        return DEVICETREE_NO_NODE;
    for (int node = devicetree_root(tree); node >= 0;
         node = devicetree_next_node(tree, node)) {
        uint32_t value;
        if ((devicetree_property_u32(tree, node, "phandle", &value) ||
             devicetree_property_u32(tree, node, "linux,phandle", &value)) &&
            value == phandle)
            return node;
    }
    return DEVICETREE_NO_NODE;
}

uint32_t devicetree_address_cells(const struct devicetree *tree, int node)
{
    uint32_t cells;
    if (!devicetree_property_u32(tree, node, "#address-cells", &cells))
        cells = 2;
    return cells;
}

uint32_t devicetree_size_cells(const struct devicetree *tree, int node)
{
    uint32_t cells;
    if (!devicetree_property_u32(tree, node, "#size-cells", &cells))
        cells = 1;
    return cells;
}

bool devicetree_node_reg(const struct devicetree *tree, int node,
                         uint32_t index, uint64_t *address, uint64_t *size)
{
    int parent = devicetree_parent(tree, node);
    if (parent < 0)
        return false;
    uint32_t address_cells = devicetree_address_cells(tree, parent);
    uint32_t size_cells = devicetree_size_cells(tree, parent);
    struct devicetree_property reg;
    if (address_cells == 0 || address_cells > 2 || size_cells > 2 ||
        !devicetree_get_property(tree, node, "reg", &reg))
        return false;
    uint64_t first = (uint64_t)index * (address_cells + size_cells);
    return devicetree_property_cells(&reg, first, address_cells, address) &&
           devicetree_property_cells(&reg, first + address_cells, size_cells,
                                     size);
}

/* Maps *address from bus's address space to its parent's through bus's
 * "ranges": entries of (child address, parent address, length). */
static bool translate_through_bus(const struct devicetree *tree, int bus,
                                  int bus_parent, uint64_t *address)
{
    struct devicetree_property ranges;
    if (!devicetree_get_property(tree, bus, "ranges", &ranges))
        return false;
    if (ranges.length == 0)
        return true;

    uint32_t child_cells = devicetree_address_cells(tree, bus);
    uint32_t parent_cells = devicetree_address_cells(tree, bus_parent);
    uint32_t size_cells = devicetree_size_cells(tree, bus);
    if (child_cells == 0 || child_cells > 2 || parent_cells == 0 ||
        parent_cells > 2 || size_cells > 2)
        return false;
    uint32_t entry_cells = child_cells + parent_cells + size_cells;
    if (ranges.length % (4 * entry_cells) != 0)
        return false;

    for (uint64_t first = 0; first < ranges.length / 4; first += entry_cells) {
        uint64_t child_base, parent_base, length;
        if (!devicetree_property_cells(&ranges, first, child_cells,
                                       &child_base) ||
            !devicetree_property_cells(&ranges, first + child_cells,
                                       parent_cells, &parent_base) ||
            !devicetree_property_cells(&ranges,
                                       first + child_cells + parent_cells,
                                       size_cells, &length))
            return false;
        if (*address >= child_base && *address - child_base < length) {
            *address = parent_base + (*address - child_base);
            return true;
        }
    }
    return false;
}

bool devicetree_translate(const struct devicetree *tree, int node,
                          uint64_t bus_address, uint64_t *cpu_address)
{
    int path[DEVICETREE_MAX_DEPTH];
    int depth = node_path(tree, node, path);
    if (depth < 2)
        return false;
    /* bus_address is on node's parent, path[depth - 2]; map it one bus up
     * at a time until it is on the root, whose address space is the CPU's. */
    uint64_t address = bus_address;
    for (int bus = depth - 2; bus > 0; bus--)
        if (!translate_through_bus(tree, path[bus], path[bus - 1], &address))
            return false;
    *cpu_address = address;
    return true;
}

bool devicetree_node_physical_reg(const struct devicetree *tree, int node,
                                  uint32_t index, uint64_t *address,
                                  uint64_t *size)
{
    uint64_t bus_address;
    if (!devicetree_node_reg(tree, node, index, &bus_address, size))
        return false;
    return devicetree_translate(tree, node, bus_address, address);
}

int devicetree_interrupt_parent(const struct devicetree *tree, int node)
{
    int path[DEVICETREE_MAX_DEPTH];
    for (int depth = node_path(tree, node, path); depth > 0; depth--) {
        uint32_t phandle;
        if (devicetree_property_u32(tree, path[depth - 1], "interrupt-parent",
                                    &phandle))
            return devicetree_find_by_phandle(tree, phandle);
    }
    return DEVICETREE_NO_NODE;
}

bool devicetree_reservation(const struct devicetree *tree, uint32_t index,
                            uint64_t *address, uint64_t *size)
{
    if (index >= tree->reservation_count)
        return false;
    const uint8_t *entry = tree->reservations + RESERVATION_ENTRY_SIZE * index;
    *address = read_be64(entry);
    *size = read_be64(entry + 8);
    return true;
}
