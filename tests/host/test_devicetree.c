/*
 * Unit tests of the device tree reader (kernel/devicetree.c) and of
 * board_discover() on small trees built here, well-formed and malformed,
 * then a mutation test on the real device trees given as arguments.
 *
 * Every blob lives in a heap buffer of exactly its size, so a read past its
 * end is caught by AddressSanitizer (the tests are built with it).
 */
#include "check.h"
#include "kernel/board.h"
#include "kernel/devicetree.h"

/* --- Building blobs ------------------------------------------------------ */

/* The format's numbers, restated from the Devicetree Specification. */
enum {
    HEADER_SIZE = 40,
    HEADER_MAGIC = 0,
    HEADER_TOTAL_SIZE = 4,
    HEADER_STRUCTURE_OFFSET = 8,
    HEADER_STRINGS_OFFSET = 12,
    HEADER_RESERVATIONS_OFFSET = 16,
    HEADER_VERSION = 20,
    HEADER_LAST_COMPATIBLE_VERSION = 24,
    HEADER_STRINGS_SIZE = 32,
    HEADER_STRUCTURE_SIZE = 36,
    TOKEN_BEGIN_NODE = 1,
    TOKEN_END_NODE = 2,
    TOKEN_PROPERTY = 3,
    TOKEN_NOP = 4,
    TOKEN_END = 9,
};

#define STRUCTURE_CAPACITY  16384
#define STRINGS_CAPACITY    4096
#define MAX_RESERVATIONS    4

struct builder {
    uint8_t structure[STRUCTURE_CAPACITY];
    size_t structure_size;
    char strings[STRINGS_CAPACITY];
    size_t strings_size;
    uint64_t reservations[MAX_RESERVATIONS][2];
    int reservation_count;
    size_t last_property;   /* structure offset of the last property token */
};

struct blob {
    uint8_t *bytes;
    size_t size;
};

static void put_be32(uint8_t *at, uint32_t value)
{
    at[0] = (uint8_t)(value >> 24);
    at[1] = (uint8_t)(value >> 16);
    at[2] = (uint8_t)(value >> 8);
    at[3] = (uint8_t)value;
}

static uint32_t get_be32(const uint8_t *at)
{
    return (uint32_t)at[0] << 24 | (uint32_t)at[1] << 16 |
           (uint32_t)at[2] << 8 | at[3];
}

static void put_be64(uint8_t *at, uint64_t value)
{
    put_be32(at, (uint32_t)(value >> 32));
    put_be32(at + 4, (uint32_t)value);
}

static void ensure_room(size_t used, size_t more, size_t capacity)
{
    if (used + more > capacity) {
        fprintf(stderr, "test builder out of room\n");
        exit(EXIT_FAILURE);
    }
}

static void emit_u32(struct builder *b, uint32_t value)
{
    ensure_room(b->structure_size, 4, STRUCTURE_CAPACITY);
    put_be32(b->structure + b->structure_size, value);
    b->structure_size += 4;
}

static void emit_padded(struct builder *b, const void *data, size_t length)
{
    ensure_room(b->structure_size, length + 3, STRUCTURE_CAPACITY);
    memcpy(b->structure + b->structure_size, data, length);
    b->structure_size += length;
    while (b->structure_size % 4 != 0)
        b->structure[b->structure_size++] = 0;
}

static void begin_node(struct builder *b, const char *name)
{
    emit_u32(b, TOKEN_BEGIN_NODE);
    emit_padded(b, name, strlen(name) + 1);
}

static void end_node(struct builder *b)
{
    emit_u32(b, TOKEN_END_NODE);
}

/* The offset of name in the strings block, added if not there yet. */
static uint32_t string_offset(struct builder *b, const char *name)
{
    for (size_t offset = 0; offset < b->strings_size;
         offset += strlen(b->strings + offset) + 1)
        if (strcmp(b->strings + offset, name) == 0)
            return (uint32_t)offset;
    size_t length = strlen(name) + 1;
    ensure_room(b->strings_size, length, STRINGS_CAPACITY);
    memcpy(b->strings + b->strings_size, name, length);
    b->strings_size += length;
    return (uint32_t)(b->strings_size - length);
}

static void property(struct builder *b, const char *name, const void *value,
                     size_t length)
{
    uint32_t name_offset = string_offset(b, name);
    b->last_property = b->structure_size;
    emit_u32(b, TOKEN_PROPERTY);
    emit_u32(b, (uint32_t)length);
    emit_u32(b, name_offset);
    emit_padded(b, value, length);
}

static void property_string(struct builder *b, const char *name,
                            const char *value)
{
    property(b, name, value, strlen(value) + 1);
}

/* A string list written as one literal with embedded NULs: "a\0b". */
#define PROPERTY_STRINGS(b, name, literal)                                   \
    property((b), (name), (literal), sizeof(literal))

static void property_cell_array(struct builder *b, const char *name,
                                const uint32_t *cells, size_t count)
{
    uint8_t value[64 * 4];
    ensure_room(0, count * 4, sizeof(value));
    for (size_t i = 0; i < count; i++)
        put_be32(value + 4 * i, cells[i]);
    property(b, name, value, count * 4);
}

#define PROPERTY_CELLS(b, name, ...)                                         \
    property_cell_array((b), (name), (const uint32_t[]){ __VA_ARGS__ },      \
                        sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4)

static void add_reservation(struct builder *b, uint64_t address,
                            uint64_t size)
{
    ensure_room((size_t)b->reservation_count, 1, MAX_RESERVATIONS);
    b->reservations[b->reservation_count][0] = address;
    b->reservations[b->reservation_count][1] = size;
    b->reservation_count++;
}

/* Lays the blob out as header, reservations, structure (ended by the END
 * token), strings. */
static struct blob finish(const struct builder *b)
{
    size_t reservations_offset = HEADER_SIZE;
    size_t structure_offset =
        reservations_offset + 16 * ((size_t)b->reservation_count + 1);
    size_t structure_size = b->structure_size + 4;
    size_t strings_offset = structure_offset + structure_size;
    struct blob blob = { .size = strings_offset + b->strings_size };
    blob.bytes = calloc(1, blob.size);

    put_be32(blob.bytes + HEADER_MAGIC, 0xd00dfeed);
    put_be32(blob.bytes + HEADER_TOTAL_SIZE, (uint32_t)blob.size);
    put_be32(blob.bytes + HEADER_STRUCTURE_OFFSET, (uint32_t)structure_offset);
    put_be32(blob.bytes + HEADER_STRINGS_OFFSET, (uint32_t)strings_offset);
    put_be32(blob.bytes + HEADER_RESERVATIONS_OFFSET,
             (uint32_t)reservations_offset);
    put_be32(blob.bytes + HEADER_VERSION, 17);
    put_be32(blob.bytes + HEADER_LAST_COMPATIBLE_VERSION, 16);
    put_be32(blob.bytes + HEADER_STRINGS_SIZE, (uint32_t)b->strings_size);
    put_be32(blob.bytes + HEADER_STRUCTURE_SIZE, (uint32_t)structure_size);
    for (int i = 0; i < b->reservation_count; i++) {
        put_be64(blob.bytes + reservations_offset + 16 * i,
                 b->reservations[i][0]);
        put_be64(blob.bytes + reservations_offset + 16 * i + 8,
                 b->reservations[i][1]);
    }
    memcpy(blob.bytes + structure_offset, b->structure, b->structure_size);
    put_be32(blob.bytes + structure_offset + b->structure_size, TOKEN_END);
    memcpy(blob.bytes + strings_offset, b->strings, b->strings_size);
    return blob;
}

static struct builder *new_builder(void)
{
    struct builder *b = calloc(1, sizeof(*b));
    if (b == NULL)
        exit(EXIT_FAILURE);
    return b;
}

static struct blob finish_and_free(struct builder *b)
{
    struct blob blob = finish(b);
    free(b);
    return blob;
}

static uint32_t header_field(const struct blob *blob, size_t field)
{
    return get_be32(blob->bytes + field);
}

static void set_header_field(struct blob *blob, size_t field, uint32_t value)
{
    put_be32(blob->bytes + field, value);
}

/* The byte offset in the blob of a structure block offset. */
static uint8_t *structure_byte(const struct blob *blob, size_t offset)
{
    return blob->bytes + header_field(blob, HEADER_STRUCTURE_OFFSET) + offset;
}

static enum devicetree_error open_blob(struct devicetree *tree,
                                       const struct blob *blob)
{
    return devicetree_open(tree, blob->bytes, blob->size);
}

/* --- The sample tree ----------------------------------------------------- */

/*
 * / {
 *     #address-cells = <2>; #size-cells = <1>; interrupt-parent = <1>;
 *     aliases, chosen, memory@80000000, reserved-memory, cpus, psci, timer,
 *     soc { #address-cells = <1>; #size-cells = <1>;
 *           ranges: 0 -> 0x10000000 (1 MiB), 0x200000 -> 0x1_00000000;
 *           serial@1000, intc@2000 (phandle 1), far@200000,
 *           bridge (empty ranges), closed-bus (no ranges),
 *           nested (ranges 0 -> 0x5000), outside@300000, uart@4000 (off) }
 *     strange { odd properties for the property readers }
 * }
 */
static void build_sample(struct builder *b)
{
    add_reservation(b, 0x1000, 0x2000);
    add_reservation(b, 0x40000000, 0);

    begin_node(b, "");
    PROPERTY_CELLS(b, "#address-cells", 2);
    PROPERTY_CELLS(b, "#size-cells", 1);
    property_string(b, "model", "Sample Board");
    PROPERTY_STRINGS(b, "compatible", "test,sample\0test,generic");
    PROPERTY_CELLS(b, "interrupt-parent", 1);

    begin_node(b, "aliases");
    property_string(b, "serial0", "/soc/serial@1000");
    property_string(b, "console", "/soc/serial@1000:9600");
    property_string(b, "relative", "soc/serial@1000");
    property_string(b, "chained", "serial0");
    property(b, "unterminated", "/soc", 4);
    end_node(b);

    begin_node(b, "chosen");
    property_string(b, "stdout-path", "serial0:115200n8");
    PROPERTY_CELLS(b, "linux,initrd-start", 0x48000000);
    PROPERTY_CELLS(b, "linux,initrd-end", 0, 0x48100000);
    end_node(b);

    begin_node(b, "memory@80000000");
    property_string(b, "device_type", "memory");
    PROPERTY_CELLS(b, "reg", 0, 0x80000000, 0x10000000, 0, 0, 0,
                   1, 0, 0x1000);
    end_node(b);

    begin_node(b, "reserved-memory");
    PROPERTY_CELLS(b, "#address-cells", 2);
    PROPERTY_CELLS(b, "#size-cells", 1);
    property(b, "ranges", "", 0);
    begin_node(b, "firmware@90000000");
    PROPERTY_CELLS(b, "reg", 0, 0x90000000, 0x100000);
    end_node(b);
    begin_node(b, "pool");
    PROPERTY_CELLS(b, "size", 0x400000);
    end_node(b);
    begin_node(b, "unused@91000000");
    PROPERTY_CELLS(b, "reg", 0, 0x91000000, 0x1000);
    property_string(b, "status", "disabled");
    end_node(b);
    end_node(b);

    begin_node(b, "cpus");
    PROPERTY_CELLS(b, "#address-cells", 2);
    PROPERTY_CELLS(b, "#size-cells", 0);
    begin_node(b, "cpu@0");
    property_string(b, "device_type", "cpu");
    PROPERTY_CELLS(b, "reg", 0, 0);
    end_node(b);
    begin_node(b, "cpu@100");
    property_string(b, "device_type", "cpu");
    PROPERTY_CELLS(b, "reg", 0, 0x100);
    property_string(b, "enable-method", "psci");
    end_node(b);
    begin_node(b, "cpu-map");
    end_node(b);
    end_node(b);

    begin_node(b, "psci");
    property_string(b, "compatible", "arm,psci-1.0");
    property_string(b, "method", "smc");
    end_node(b);

    begin_node(b, "timer");
    property_string(b, "compatible", "arm,armv8-timer");
    PROPERTY_CELLS(b, "interrupts", 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4);
    end_node(b);

    begin_node(b, "soc");
    PROPERTY_CELLS(b, "#address-cells", 1);
    PROPERTY_CELLS(b, "#size-cells", 1);
    PROPERTY_CELLS(b, "ranges", 0, 0, 0x10000000, 0x100000,
                   0x200000, 1, 0, 0x1000);
    begin_node(b, "serial@1000");
    PROPERTY_STRINGS(b, "compatible", "vendor,uart\0arm,pl011");
    PROPERTY_CELLS(b, "reg", 0x1000, 0x100);
    property_string(b, "status", "okay");
    end_node(b);
    begin_node(b, "intc@2000");
    property_string(b, "compatible", "arm,gic-400");
    PROPERTY_CELLS(b, "reg", 0x2000, 0x1000, 0x3000, 0x1000);
    PROPERTY_CELLS(b, "#interrupt-cells", 3);
    property(b, "interrupt-controller", "", 0);
    PROPERTY_CELLS(b, "phandle", 1);
    end_node(b);
    begin_node(b, "far@200000");
    PROPERTY_CELLS(b, "reg", 0x200000, 0x10);
    end_node(b);
    begin_node(b, "bridge");
    PROPERTY_CELLS(b, "#address-cells", 1);
    PROPERTY_CELLS(b, "#size-cells", 1);
    property(b, "ranges", "", 0);
    begin_node(b, "device@30");
    PROPERTY_CELLS(b, "reg", 0x30, 4);
    end_node(b);
    end_node(b);
    begin_node(b, "closed-bus");
    PROPERTY_CELLS(b, "#address-cells", 1);
    PROPERTY_CELLS(b, "#size-cells", 1);
    begin_node(b, "device@40");
    PROPERTY_CELLS(b, "reg", 0x40, 4);
    end_node(b);
    end_node(b);
    begin_node(b, "nested");
    PROPERTY_CELLS(b, "#address-cells", 1);
    PROPERTY_CELLS(b, "#size-cells", 1);
    PROPERTY_CELLS(b, "ranges", 0, 0x5000, 0x1000);
    begin_node(b, "leaf@10");
    PROPERTY_CELLS(b, "reg", 0x10, 4);
    end_node(b);
    end_node(b);
    begin_node(b, "outside@300000");
    PROPERTY_CELLS(b, "reg", 0x300000, 4);
    end_node(b);
    begin_node(b, "uart@4000");
    property_string(b, "compatible", "arm,pl011");
    PROPERTY_CELLS(b, "reg", 0x4000, 0x100);
    property_string(b, "status", "disabled");
    end_node(b);
    end_node(b);

    begin_node(b, "strange");
    emit_u32(b, TOKEN_NOP);
    property(b, "unterminated-string", "abc", 3);
    PROPERTY_CELLS(b, "two-cells", 0x12345678, 0x9abcdef0);
    PROPERTY_CELLS(b, "three-cells", 1, 2, 3);
    property_string(b, "status", "ok");
    PROPERTY_CELLS(b, "interrupt-parent", 99);
    emit_u32(b, TOKEN_NOP);
    property(b, "after-nop", "", 0);
    end_node(b);

    end_node(b);
}

static struct blob sample_blob(void)
{
    struct builder *b = new_builder();
    build_sample(b);
    return finish_and_free(b);
}

/* Opens the sample tree (the caller frees blob->bytes). */
static struct devicetree open_sample(struct blob *blob)
{
    struct devicetree tree;
    *blob = sample_blob();
    if (open_blob(&tree, blob) != DEVICETREE_OK) {
        fprintf(stderr, "the sample tree does not open\n");
        exit(EXIT_FAILURE);
    }
    return tree;
}

/* --- devicetree_open: the header and the layout -------------------------- */

static void test_open_accepts_a_well_formed_blob(void)
{
    struct blob blob = sample_blob();
    struct devicetree tree;
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_OK);
    /* A larger buffer than the blob is fine: totalsize is what counts. */
    CHECK_EQ_U64(devicetree_open(&tree, blob.bytes, UINT64_MAX),
                 DEVICETREE_OK);
    free(blob.bytes);
}

static void test_open_rejects_a_bad_magic(void)
{
    struct blob blob = sample_blob();
    struct devicetree tree;
    set_header_field(&blob, HEADER_MAGIC, 0xedfe0dd0);
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_MAGIC);
    free(blob.bytes);
}

static void test_open_rejects_versions_it_cannot_read(void)
{
    struct blob blob = sample_blob();
    struct devicetree tree;
    set_header_field(&blob, HEADER_VERSION, 16);
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_VERSION);
    set_header_field(&blob, HEADER_VERSION, 18);
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_OK);
    set_header_field(&blob, HEADER_LAST_COMPATIBLE_VERSION, 18);
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_VERSION);
    free(blob.bytes);
}

static void test_open_reads_nothing_of_a_buffer_smaller_than_the_header(void)
{
    struct blob blob = sample_blob();
    struct devicetree tree;
    for (size_t size = 0; size < HEADER_SIZE; size++) {
        uint8_t *prefix = malloc(size ? size : 1);
        memcpy(prefix, blob.bytes, size);
        CHECK_EQ_U64(devicetree_open(&tree, prefix, size), DEVICETREE_BAD_SIZE);
        free(prefix);
    }
    free(blob.bytes);
}

static void test_open_rejects_a_total_size_it_may_not_read(void)
{
    struct blob blob = sample_blob();
    struct devicetree tree;
    CHECK_EQ_U64(devicetree_open(&tree, blob.bytes, blob.size - 1),
                 DEVICETREE_BAD_SIZE);
    set_header_field(&blob, HEADER_TOTAL_SIZE, HEADER_SIZE - 1);
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_SIZE);
    set_header_field(&blob, HEADER_TOTAL_SIZE, DEVICETREE_MAX_SIZE + 8);
    CHECK_EQ_U64(devicetree_open(&tree, blob.bytes, UINT64_MAX),
                 DEVICETREE_BAD_SIZE);
    free(blob.bytes);
}

static void test_open_rejects_blocks_outside_the_blob(void)
{
    static const struct {
        size_t field;
        uint32_t value;
    } corruptions[] = {
        { HEADER_STRUCTURE_OFFSET, 0x10000 },
        { HEADER_STRUCTURE_OFFSET, 0xfffffff0 },   /* offset + size wraps */
        { HEADER_STRUCTURE_OFFSET, 0 },            /* over the header */
        { HEADER_STRUCTURE_OFFSET, 42 },           /* misaligned */
        { HEADER_STRUCTURE_SIZE, 0x10000 },
        { HEADER_STRUCTURE_SIZE, 0xffffffff },
        { HEADER_STRINGS_OFFSET, 0x10000 },
        { HEADER_STRINGS_SIZE, 0xffffffff },
        { HEADER_RESERVATIONS_OFFSET, 0xfffffff8 },
        { HEADER_RESERVATIONS_OFFSET, 44 },        /* misaligned */
    };
    for (size_t i = 0; i < sizeof(corruptions) / sizeof(corruptions[0]); i++) {
        struct blob blob = sample_blob();
        struct devicetree tree;
        set_header_field(&blob, corruptions[i].field, corruptions[i].value);
        CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_LAYOUT);
        free(blob.bytes);
    }
}

static void test_open_rejects_an_unterminated_reservation_block(void)
{
    struct blob blob = sample_blob();
    struct devicetree tree;
    /* Move the block to the last 8 bytes: no room for the zero entry. */
    set_header_field(&blob, HEADER_RESERVATIONS_OFFSET,
                     (uint32_t)((blob.size - 8) & ~(size_t)7));
    memset(blob.bytes + blob.size - 8, 0, 8);
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_LAYOUT);
    free(blob.bytes);

    /* Entries all non-zero up to the end of the blob. */
    blob = sample_blob();
    uint32_t offset = (uint32_t)((blob.size - 64) & ~(size_t)7);
    set_header_field(&blob, HEADER_RESERVATIONS_OFFSET, offset);
    memset(blob.bytes + offset, 0xff, blob.size - offset);
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_LAYOUT);
    free(blob.bytes);
}

/* --- devicetree_open: the structure block -------------------------------- */

static void test_open_rejects_a_node_name_cut_by_the_block_end(void)
{
    struct builder *b = new_builder();
    begin_node(b, "");
    begin_node(b, "abcdefgh");
    end_node(b);
    end_node(b);
    struct blob blob = finish_and_free(b);
    struct devicetree tree;
    /* Root token, root name, child token, then only "abc", which ends the
     * structure block, the strings block (now empty) and the blob. */
    uint32_t structure_size = 4 + 4 + 4 + 3;
    uint32_t end = header_field(&blob, HEADER_STRUCTURE_OFFSET) +
                   structure_size;
    set_header_field(&blob, HEADER_STRUCTURE_SIZE, structure_size);
    set_header_field(&blob, HEADER_STRINGS_OFFSET, end);
    set_header_field(&blob, HEADER_STRINGS_SIZE, 0);
    set_header_field(&blob, HEADER_TOTAL_SIZE, end);
    struct blob cut = { malloc(end), end };
    memcpy(cut.bytes, blob.bytes, end);
    CHECK_EQ_U64(open_blob(&tree, &cut), DEVICETREE_BAD_STRUCTURE);
    free(cut.bytes);
    free(blob.bytes);
}

static struct blob blob_with_one_property(struct builder **builder)
{
    struct builder *b = new_builder();
    begin_node(b, "");
    PROPERTY_CELLS(b, "first", 1);
    PROPERTY_CELLS(b, "reg", 1, 2);
    end_node(b);
    *builder = b;
    return finish(b);
}

static void test_open_rejects_a_property_longer_than_the_block(void)
{
    static const uint32_t lengths[] = { 9, 0x10000, 0x7ffffffc, 0xfffffff0,
                                        0xffffffff };
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        struct builder *b;
        struct blob blob = blob_with_one_property(&b);
        struct devicetree tree;
        put_be32(structure_byte(&blob, b->last_property + 4), lengths[i]);
        CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_STRUCTURE);
        free(blob.bytes);
        free(b);
    }
}

static void test_open_rejects_a_property_name_outside_the_strings(void)
{
    struct builder *b;
    struct blob blob = blob_with_one_property(&b);
    struct devicetree tree;
    put_be32(structure_byte(&blob, b->last_property + 8),
             header_field(&blob, HEADER_STRINGS_SIZE));
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_STRUCTURE);
    put_be32(structure_byte(&blob, b->last_property + 8), 0xffffffff);
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_STRUCTURE);
    free(blob.bytes);
    free(b);
}

static void test_open_rejects_an_unterminated_property_name(void)
{
    struct builder *b;
    struct blob blob = blob_with_one_property(&b);
    struct devicetree tree;
    /* Cut the strings block before the NUL of "reg", the last name. */
    set_header_field(&blob, HEADER_STRINGS_SIZE,
                     header_field(&blob, HEADER_STRINGS_SIZE) - 1);
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_STRUCTURE);
    free(blob.bytes);
    free(b);
}

static void test_open_rejects_a_structure_without_an_end_token(void)
{
    struct blob blob = sample_blob();
    struct devicetree tree;
    uint32_t size = header_field(&blob, HEADER_STRUCTURE_SIZE);
    put_be32(structure_byte(&blob, size - 4), TOKEN_NOP);
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_STRUCTURE);
    free(blob.bytes);
}

static void test_open_rejects_an_unknown_token(void)
{
    struct builder *b = new_builder();
    begin_node(b, "");
    emit_u32(b, 0x77);
    end_node(b);
    struct blob blob = finish_and_free(b);
    struct devicetree tree;
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_STRUCTURE);
    free(blob.bytes);
}

/* Structures each wrong in how their nodes nest. */
static void build_unclosed_node(struct builder *b)
{
    begin_node(b, "");
    begin_node(b, "child");
    end_node(b);
}

static void build_extra_end_node(struct builder *b)
{
    begin_node(b, "");
    end_node(b);
    end_node(b);
}

static void build_two_roots(struct builder *b)
{
    begin_node(b, "");
    end_node(b);
    begin_node(b, "");
    end_node(b);
}

static void build_property_outside_the_root(struct builder *b)
{
    PROPERTY_CELLS(b, "early", 1);
    begin_node(b, "");
    end_node(b);
}

static void build_no_root(struct builder *b)
{
    emit_u32(b, TOKEN_NOP);
}

static void test_open_rejects_badly_nested_nodes(void)
{
    void (*const builds[])(struct builder *) = {
        build_unclosed_node, build_extra_end_node, build_two_roots,
        build_property_outside_the_root, build_no_root,
    };
    for (size_t i = 0; i < sizeof(builds) / sizeof(builds[0]); i++) {
        struct builder *b = new_builder();
        builds[i](b);
        struct blob blob = finish_and_free(b);
        struct devicetree tree;
        CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_STRUCTURE);
        free(blob.bytes);
    }
}

/* A chain of nodes depth deep, each a bus with one-to-one ranges; the
 * deepest has a reg. */
static struct blob nested_blob(int depth)
{
    struct builder *b = new_builder();
    for (int level = 0; level < depth; level++) {
        begin_node(b, level == 0 ? "" : "bus");
        PROPERTY_CELLS(b, "#address-cells", 1);
        PROPERTY_CELLS(b, "#size-cells", 1);
        if (level > 0 && level < depth - 1)
            property(b, "ranges", "", 0);
        if (level == depth - 1)
            PROPERTY_CELLS(b, "reg", 0x1234, 4);
    }
    for (int level = 0; level < depth; level++)
        end_node(b);
    return finish_and_free(b);
}

static void test_open_accepts_nesting_up_to_the_maximum_depth(void)
{
    struct blob blob = nested_blob(DEVICETREE_MAX_DEPTH);
    struct devicetree tree;
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_OK);
    int deepest = devicetree_root(&tree);
    for (int level = 1; level < DEVICETREE_MAX_DEPTH; level++)
        deepest = devicetree_first_child(&tree, deepest);
    CHECK(deepest >= 0);
    uint64_t address, size;
    CHECK(devicetree_node_physical_reg(&tree, deepest, 0, &address, &size));
    CHECK_EQ_U64(address, 0x1234);
    free(blob.bytes);
}

static void test_open_rejects_nesting_deeper_than_the_maximum(void)
{
    struct blob blob = nested_blob(DEVICETREE_MAX_DEPTH + 1);
    struct devicetree tree;
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_STRUCTURE);
    free(blob.bytes);
    blob = nested_blob(200);
    CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_BAD_STRUCTURE);
    free(blob.bytes);
}

/* --- Walking the tree ---------------------------------------------------- */

static void test_nodes_come_in_document_order(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    static const char *const expected[] = {
        "", "aliases", "chosen", "memory@80000000", "reserved-memory",
        "firmware@90000000", "pool", "unused@91000000", "cpus", "cpu@0",
    };
    int node = devicetree_root(&tree);
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        CHECK_EQ_STR(devicetree_node_name(&tree, node), expected[i]);
        node = devicetree_next_node(&tree, node);
    }
    int count = 0;
    for (node = devicetree_root(&tree); node >= 0;
         node = devicetree_next_node(&tree, node))
        count++;
    CHECK_EQ_U64(count, 27);
    free(blob.bytes);
}

static void test_children_are_the_direct_descendants_in_order(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    static const char *const expected[] = {
        "serial@1000", "intc@2000", "far@200000", "bridge", "closed-bus",
        "nested", "outside@300000", "uart@4000",
    };
    int soc = devicetree_find_node(&tree, "/soc");
    int child = devicetree_first_child(&tree, soc);
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        CHECK_EQ_STR(devicetree_node_name(&tree, child), expected[i]);
        CHECK_EQ_U64(devicetree_parent(&tree, child), soc);
        child = devicetree_next_sibling(&tree, child);
    }
    CHECK_EQ_U64(child, DEVICETREE_NO_NODE);
    CHECK_EQ_U64(devicetree_first_child(&tree,
                     devicetree_find_node(&tree, "/cpus/cpu-map")),
                 DEVICETREE_NO_NODE);
    CHECK_EQ_U64(devicetree_parent(&tree, devicetree_root(&tree)),
                 DEVICETREE_NO_NODE);
    free(blob.bytes);
}

static void test_handles_that_are_not_nodes_find_nothing(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    /* Negative, misaligned, inside a property, past the end. */
    const int bogus[] = { -1, -4, 2, 8, 12, 1 << 20, 0x7ffffffc };
    for (size_t i = 0; i < sizeof(bogus) / sizeof(bogus[0]); i++) {
        struct devicetree_property property;
        uint64_t address, size;
        CHECK(devicetree_node_name(&tree, bogus[i]) == NULL);
        CHECK_EQ_U64(devicetree_next_node(&tree, bogus[i]), DEVICETREE_NO_NODE);
        CHECK_EQ_U64(devicetree_first_child(&tree, bogus[i]),
                     DEVICETREE_NO_NODE);
        CHECK_EQ_U64(devicetree_next_sibling(&tree, bogus[i]),
                     DEVICETREE_NO_NODE);
        CHECK_EQ_U64(devicetree_parent(&tree, bogus[i]), DEVICETREE_NO_NODE);
        CHECK(!devicetree_get_property(&tree, bogus[i], "reg", &property));
        CHECK(!devicetree_node_physical_reg(&tree, bogus[i], 0, &address,
                                            &size));
        CHECK_EQ_U64(devicetree_interrupt_parent(&tree, bogus[i]),
                     DEVICETREE_NO_NODE);
    }
    free(blob.bytes);
}

/* --- Finding nodes ------------------------------------------------------- */

static void check_finds(const struct devicetree *tree, const char *path,
                        const char *expected_name)
{
    int node = devicetree_find_node(tree, path);
    if (expected_name == NULL) {
        CHECK_EQ_U64(node, DEVICETREE_NO_NODE);
        if (node >= 0)
            fprintf(stderr, "  path \"%s\"\n", path);
    } else {
        CHECK_EQ_STR(devicetree_node_name(tree, node), expected_name);
    }
}

static void test_find_node_follows_absolute_paths(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    check_finds(&tree, "/", "");
    check_finds(&tree, "/soc", "soc");
    check_finds(&tree, "/soc/serial@1000", "serial@1000");
    check_finds(&tree, "/soc/nested/leaf@10", "leaf@10");
    check_finds(&tree, "/soc/serial@1000:115200", "serial@1000");
    check_finds(&tree, "/soc/serial@2000", NULL);
    check_finds(&tree, "/soc/serial@1000/child", NULL);
    check_finds(&tree, "/nowhere", NULL);
    check_finds(&tree, "/so", NULL);
    free(blob.bytes);
}

static void test_find_node_matches_a_name_without_its_unit_address(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    check_finds(&tree, "/memory", "memory@80000000");
    check_finds(&tree, "/soc/serial", "serial@1000");
    check_finds(&tree, "/soc/serial@", NULL);
    free(blob.bytes);
}

static void test_find_node_resolves_aliases(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    check_finds(&tree, "serial0", "serial@1000");
    check_finds(&tree, "serial0:115200n8", "serial@1000");
    check_finds(&tree, "console", "serial@1000");
    check_finds(&tree, "serial", NULL);
    check_finds(&tree, "serial00", NULL);
    check_finds(&tree, "", NULL);
    check_finds(&tree, ":9600", NULL);
    /* Aliases must name absolute paths, not other aliases. */
    check_finds(&tree, "relative", NULL);
    check_finds(&tree, "chained", NULL);
    check_finds(&tree, "unterminated", NULL);
    free(blob.bytes);
}

static void test_find_compatible_matches_any_entry_of_the_list(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    int first = devicetree_find_compatible(&tree, -1, "arm,pl011");
    CHECK_EQ_STR(devicetree_node_name(&tree, first), "serial@1000");
    CHECK_EQ_U64(devicetree_find_compatible(&tree, -1, "vendor,uart"), first);
    int second = devicetree_find_compatible(&tree, first, "arm,pl011");
    CHECK_EQ_STR(devicetree_node_name(&tree, second), "uart@4000");
    CHECK_EQ_U64(devicetree_find_compatible(&tree, second, "arm,pl011"),
                 DEVICETREE_NO_NODE);
    CHECK_EQ_U64(devicetree_find_compatible(&tree, -1, "arm,pl01"),
                 DEVICETREE_NO_NODE);
    CHECK(devicetree_is_compatible(&tree, devicetree_root(&tree),
                                   "test,generic"));
    free(blob.bytes);
}

static void test_find_by_phandle(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    CHECK_EQ_U64(devicetree_find_by_phandle(&tree, 1),
                 devicetree_find_node(&tree, "/soc/intc@2000"));
    CHECK_EQ_U64(devicetree_find_by_phandle(&tree, 2), DEVICETREE_NO_NODE);
    CHECK_EQ_U64(devicetree_find_by_phandle(&tree, 0), DEVICETREE_NO_NODE);
    CHECK_EQ_U64(devicetree_find_by_phandle(&tree, 0xffffffff),
                 DEVICETREE_NO_NODE);
    free(blob.bytes);
}

/* --- Properties ---------------------------------------------------------- */

static void test_properties_are_found_past_nops(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    int strange = devicetree_find_node(&tree, "/strange");
    struct devicetree_property property;
    CHECK(devicetree_get_property(&tree, strange, "after-nop", &property));
    CHECK_EQ_U64(property.length, 0);
    CHECK(!devicetree_get_property(&tree, strange, "after", &property));
    CHECK(!devicetree_get_property(&tree, strange, "", &property));
    /* A child's property is not its parent's. */
    CHECK(!devicetree_get_property(&tree, devicetree_find_node(&tree, "/soc"),
                                   "phandle", &property));
    free(blob.bytes);
}

static void test_strings_must_be_terminated(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    int strange = devicetree_find_node(&tree, "/strange");
    CHECK(devicetree_property_string(&tree, strange, "unterminated-string") ==
          NULL);
    CHECK(devicetree_property_string(&tree, strange, "after-nop") == NULL);
    CHECK(devicetree_property_string(&tree, strange, "missing") == NULL);
    CHECK_EQ_STR(devicetree_property_string(&tree, devicetree_root(&tree),
                                            "model"),
                 "Sample Board");
    free(blob.bytes);
}

static void test_numbers_need_the_right_length(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    int strange = devicetree_find_node(&tree, "/strange");
    uint32_t u32;
    uint64_t u64;
    CHECK(!devicetree_property_u32(&tree, strange, "two-cells", &u32));
    CHECK(devicetree_property_u32(&tree, strange, "interrupt-parent", &u32));
    CHECK_EQ_U64(u32, 99);
    CHECK(devicetree_property_u64(&tree, strange, "two-cells", &u64));
    CHECK_EQ_U64(u64, 0x123456789abcdef0);
    CHECK(devicetree_property_u64(&tree, strange, "interrupt-parent", &u64));
    CHECK_EQ_U64(u64, 99);
    CHECK(!devicetree_property_u64(&tree, strange, "three-cells", &u64));
    CHECK(!devicetree_property_u64(&tree, strange, "unterminated-string",
                                   &u64));
    free(blob.bytes);
}

static void test_property_cells_stay_inside_the_value(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    struct devicetree_property three;
    uint64_t value;
    CHECK(devicetree_get_property(&tree, devicetree_find_node(&tree,
                                                              "/strange"),
                                  "three-cells", &three));
    CHECK(devicetree_property_cells(&three, 1, 2, &value));
    CHECK_EQ_U64(value, 0x200000003);
    CHECK(devicetree_property_cells(&three, 3, 0, &value));
    CHECK_EQ_U64(value, 0);
    CHECK(!devicetree_property_cells(&three, 2, 2, &value));
    CHECK(!devicetree_property_cells(&three, 4, 0, &value));
    CHECK(!devicetree_property_cells(&three, 0, 3, &value));
    CHECK(!devicetree_property_cells(&three, UINT64_MAX, 1, &value));
    free(blob.bytes);
}

static void test_status_okay_ok_or_absent_is_enabled(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    CHECK(devicetree_is_enabled(&tree,
                                devicetree_find_node(&tree, "/soc/serial")));
    CHECK(devicetree_is_enabled(&tree,
                                devicetree_find_node(&tree, "/strange")));
    CHECK(devicetree_is_enabled(&tree, devicetree_find_node(&tree, "/soc")));
    CHECK(!devicetree_is_enabled(&tree,
                                 devicetree_find_node(&tree, "/soc/uart")));
    free(blob.bytes);
}

/* --- Addresses ----------------------------------------------------------- */

static void test_cells_default_to_two_and_one(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    int soc = devicetree_find_node(&tree, "/soc");
    int psci = devicetree_find_node(&tree, "/psci");
    CHECK_EQ_U64(devicetree_address_cells(&tree, soc), 1);
    CHECK_EQ_U64(devicetree_size_cells(&tree, soc), 1);
    CHECK_EQ_U64(devicetree_address_cells(&tree, psci), 2);
    CHECK_EQ_U64(devicetree_size_cells(&tree, psci), 1);
    free(blob.bytes);
}

static void test_reg_entries_use_the_parent_cells(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    int memory = devicetree_find_node(&tree, "/memory");
    uint64_t address, size;
    CHECK(devicetree_node_reg(&tree, memory, 0, &address, &size));
    CHECK_EQ_U64(address, 0x80000000);
    CHECK_EQ_U64(size, 0x10000000);
    CHECK(devicetree_node_reg(&tree, memory, 2, &address, &size));
    CHECK_EQ_U64(address, 0x100000000);
    CHECK_EQ_U64(size, 0x1000);
    CHECK(!devicetree_node_reg(&tree, memory, 3, &address, &size));
    CHECK(!devicetree_node_reg(&tree, memory, 0xffffffff, &address, &size));

    int cpu = devicetree_find_node(&tree, "/cpus/cpu@100");
    CHECK(devicetree_node_reg(&tree, cpu, 0, &address, &size));
    CHECK_EQ_U64(address, 0x100);
    CHECK_EQ_U64(size, 0);
    CHECK(!devicetree_node_reg(&tree, devicetree_root(&tree), 0, &address,
                               &size));
    free(blob.bytes);
}

static void check_translates(const struct devicetree *tree, const char *path,
                             uint64_t expected)
{
    uint64_t address, size;
    CHECK(devicetree_node_physical_reg(tree, devicetree_find_node(tree, path),
                                       0, &address, &size));
    CHECK_EQ_U64(address, expected);
}

static void test_translation_goes_through_every_ranges(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    check_translates(&tree, "/memory", 0x80000000);
    check_translates(&tree, "/soc/serial@1000", 0x10001000);
    check_translates(&tree, "/soc/far@200000", 0x100000000);
    check_translates(&tree, "/soc/bridge/device@30", 0x10000030);
    check_translates(&tree, "/soc/nested/leaf@10", 0x10005010);
    free(blob.bytes);
}

static void test_translation_fails_without_a_window(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    uint64_t address;
    int device = devicetree_find_node(&tree, "/soc/closed-bus/device@40");
    CHECK(!devicetree_translate(&tree, device, 0x40, &address));
    int outside = devicetree_find_node(&tree, "/soc/outside@300000");
    CHECK(!devicetree_translate(&tree, outside, 0x300000, &address));
    int serial = devicetree_find_node(&tree, "/soc/serial@1000");
    CHECK(devicetree_translate(&tree, serial, 0xfffff, &address));
    CHECK_EQ_U64(address, 0x100fffff);
    CHECK(!devicetree_translate(&tree, serial, 0x100000, &address));
    CHECK(!devicetree_translate(&tree, devicetree_root(&tree), 0, &address));
    free(blob.bytes);
}

/* A root with cells <cells>, a bus with the given ranges and one device. */
static struct blob bus_blob(uint32_t address_cells, const uint32_t *ranges,
                            size_t range_cells)
{
    struct builder *b = new_builder();
    begin_node(b, "");
    PROPERTY_CELLS(b, "#address-cells", 1);
    PROPERTY_CELLS(b, "#size-cells", 1);
    begin_node(b, "bus");
    PROPERTY_CELLS(b, "#address-cells", address_cells);
    PROPERTY_CELLS(b, "#size-cells", 1);
    property_cell_array(b, "ranges", ranges, range_cells);
    begin_node(b, "device");
    PROPERTY_CELLS(b, "reg", 0, 0x10, 4, 0);
    end_node(b);
    end_node(b);
    end_node(b);
    return finish_and_free(b);
}

static void test_strange_cell_counts_are_not_translated(void)
{
    static const uint32_t ranges[] = { 0, 0x10, 0x1000, 0x100, 0, 0, 0, 0 };
    static const struct {
        uint32_t address_cells;
        size_t range_cells;
    } cases[] = {
        { 0xffffffff, 3 }, { 0, 3 }, { 3, 5 }, { 1, 4 }, { 1, 2 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct blob blob = bus_blob(cases[i].address_cells, ranges,
                                    cases[i].range_cells);
        struct devicetree tree;
        uint64_t address, size;
        CHECK_EQ_U64(open_blob(&tree, &blob), DEVICETREE_OK);
        int device = devicetree_find_node(&tree, "/bus/device");
        CHECK(!devicetree_node_physical_reg(&tree, device, 0, &address, &size));
        CHECK(!devicetree_translate(&tree, device, 0x10, &address));
        free(blob.bytes);
    }
}

static void test_interrupt_parent_is_inherited(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    int intc = devicetree_find_node(&tree, "/soc/intc@2000");
    CHECK_EQ_U64(devicetree_interrupt_parent(&tree,
                     devicetree_find_node(&tree, "/soc/nested/leaf@10")),
                 intc);
    CHECK_EQ_U64(devicetree_interrupt_parent(&tree, devicetree_root(&tree)),
                 intc);
    /* /strange names phandle 99, which no node has. */
    CHECK_EQ_U64(devicetree_interrupt_parent(&tree,
                     devicetree_find_node(&tree, "/strange")),
                 DEVICETREE_NO_NODE);
    free(blob.bytes);
}

static void test_reservations_end_at_the_zero_entry(void)
{
    struct blob blob;
    struct devicetree tree = open_sample(&blob);
    uint64_t address, size;
    CHECK(devicetree_reservation(&tree, 0, &address, &size));
    CHECK_EQ_U64(address, 0x1000);
    CHECK_EQ_U64(size, 0x2000);
    CHECK(devicetree_reservation(&tree, 1, &address, &size));
    CHECK_EQ_U64(address, 0x40000000);
    CHECK_EQ_U64(size, 0);
    CHECK(!devicetree_reservation(&tree, 2, &address, &size));
    CHECK(!devicetree_reservation(&tree, 0xffffffff, &address, &size));
    free(blob.bytes);
}

/* --- board_discover on built trees --------------------------------------- */

static enum board_error discover(const struct blob *blob,
                                 struct board_facts *facts)
{
    return board_discover(blob->bytes, blob->size, facts);
}

static void test_board_reads_every_fact_of_the_sample_tree(void)
{
    struct blob blob = sample_blob();
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_STR(facts.name, "Sample Board");

    CHECK_EQ_U64(facts.memory_count, 2);
    CHECK_EQ_U64(facts.memory[0].base, 0x80000000);
    CHECK_EQ_U64(facts.memory[0].size, 0x10000000);
    CHECK_EQ_U64(facts.memory[1].base, 0x100000000);
    CHECK_EQ_U64(facts.memory[1].size, 0x1000);

    CHECK_EQ_U64(facts.reserved_count, 2);
    CHECK_EQ_U64(facts.reserved[0].base, 0x1000);
    CHECK_EQ_U64(facts.reserved[0].size, 0x2000);
    CHECK_EQ_U64(facts.reserved[1].base, 0x90000000);
    CHECK_EQ_U64(facts.reserved[1].size, 0x100000);

    CHECK_EQ_U64(facts.console, CONSOLE_PL011);
    CHECK_EQ_U64(facts.console_base, 0x10001000);

    CHECK_EQ_U64(facts.irq_controller, IRQ_CONTROLLER_GICV2);
    CHECK_EQ_U64(facts.gic_distributor, 0x10002000);
    CHECK_EQ_U64(facts.gic_cpu_interface, 0x10003000);
    CHECK_EQ_U64(facts.timer_irq_secure_phys, 29);
    CHECK_EQ_U64(facts.timer_irq_phys, 30);
    CHECK_EQ_U64(facts.timer_irq_virt, 27);
    CHECK_EQ_U64(facts.timer_irq_hyp, 26);

    CHECK_EQ_U64(facts.cpu_count, 2);
    CHECK_EQ_U64(facts.cpus[0].mpidr, 0);
    CHECK_EQ_U64(facts.cpus[0].enable_method, CPU_ENABLE_NONE);
    CHECK_EQ_U64(facts.cpus[1].mpidr, 0x100);
    CHECK_EQ_U64(facts.cpus[1].enable_method, CPU_ENABLE_PSCI);
    CHECK_EQ_U64(facts.psci, PSCI_CONDUIT_SMC);

    CHECK_EQ_U64(facts.initrd_start, 0x48000000);
    CHECK_EQ_U64(facts.initrd_end, 0x48100000);
    free(blob.bytes);
}

enum board_part {
    WITH_MEMORY = 1 << 0,
    WITH_CPUS = 1 << 1,
    WITH_GIC = 1 << 2,
    WITH_TIMER = 1 << 3,
    WHOLE_BOARD = WITH_MEMORY | WITH_CPUS | WITH_GIC | WITH_TIMER,
};

/* Opens the root of a small board (cells 1 and 1, interrupt parent the GIC
 * with phandle 1) with the parts asked for; the test adds the rest and
 * closes the root. */
static struct builder *begin_board(unsigned parts)
{
    struct builder *b = new_builder();
    begin_node(b, "");
    PROPERTY_CELLS(b, "#address-cells", 1);
    PROPERTY_CELLS(b, "#size-cells", 1);
    PROPERTY_CELLS(b, "interrupt-parent", 1);
    PROPERTY_STRINGS(b, "compatible", "vendor,board\0vendor,family");
    if (parts & WITH_MEMORY) {
        begin_node(b, "memory@0");
        property_string(b, "device_type", "memory");
        PROPERTY_CELLS(b, "reg", 0, 0x1000000);
        end_node(b);
    }
    if (parts & WITH_CPUS) {
        begin_node(b, "cpus");
        PROPERTY_CELLS(b, "#address-cells", 1);
        PROPERTY_CELLS(b, "#size-cells", 0);
        begin_node(b, "cpu@0");
        property_string(b, "device_type", "cpu");
        PROPERTY_CELLS(b, "reg", 0);
        end_node(b);
        end_node(b);
    }
    if (parts & WITH_GIC) {
        begin_node(b, "gic@100000");
        property_string(b, "compatible", "arm,cortex-a15-gic");
        PROPERTY_CELLS(b, "reg", 0x100000, 0x1000, 0x200000, 0x1000);
        PROPERTY_CELLS(b, "#interrupt-cells", 3);
        PROPERTY_CELLS(b, "phandle", 1);
        end_node(b);
    }
    if (parts & WITH_TIMER) {
        begin_node(b, "timer");
        property_string(b, "compatible", "arm,armv8-timer");
        PROPERTY_CELLS(b, "interrupts", 1, 13, 4, 1, 14, 4, 1, 11, 4,
                       1, 10, 4);
        end_node(b);
    }
    return b;
}

static struct blob finish_board(struct builder *b)
{
    end_node(b);
    return finish_and_free(b);
}

static void add_uart(struct builder *b, const char *name,
                     const char *compatible, uint32_t address,
                     const char *status)
{
    begin_node(b, name);
    property_string(b, "compatible", compatible);
    PROPERTY_CELLS(b, "reg", address, 0x100);
    if (status != NULL)
        property_string(b, "status", status);
    end_node(b);
}

static void test_board_name_falls_back_to_the_first_compatible(void)
{
    struct blob blob = finish_board(begin_board(WHOLE_BOARD));
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_STR(facts.name, "vendor,board");
    free(blob.bytes);
}

static void test_board_name_is_cut_to_fit(void)
{
    struct builder *b = new_builder();
    char long_name[200];
    memset(long_name, 'x', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    begin_node(b, "");
    property_string(b, "model", long_name);
    end_node(b);
    struct blob blob = finish_and_free(b);
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_NO_MEMORY);
    CHECK_EQ_U64(strlen(facts.name), BOARD_NAME_MAX - 1);
    CHECK(memcmp(facts.name, long_name, BOARD_NAME_MAX - 1) == 0);
    free(blob.bytes);
}

static void test_board_console_follows_a_full_stdout_path(void)
{
    struct builder *b = begin_board(WHOLE_BOARD);
    begin_node(b, "chosen");
    property_string(b, "stdout-path", "/aux@3000");
    end_node(b);
    add_uart(b, "pl011@2000", "arm,pl011", 0x2000, NULL);
    add_uart(b, "aux@3000", "brcm,bcm2835-aux-uart", 0x3000, NULL);
    struct blob blob = finish_board(b);
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_U64(facts.console, CONSOLE_BCM2835_AUX);
    CHECK_EQ_U64(facts.console_base, 0x3000);
    free(blob.bytes);
}

static void test_board_console_falls_back_to_the_first_enabled_uart(void)
{
    struct builder *b = begin_board(WHOLE_BOARD);
    begin_node(b, "chosen");
    property_string(b, "stdout-path", "serial9:115200n8");
    end_node(b);
    add_uart(b, "serial@1000", "ns16550a", 0x1000, NULL);
    add_uart(b, "pl011@2000", "arm,pl011", 0x2000, "disabled");
    add_uart(b, "aux@3000", "brcm,bcm2835-aux-uart", 0x3000, "okay");
    add_uart(b, "pl011@4000", "arm,pl011", 0x4000, NULL);
    struct blob blob = finish_board(b);
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_U64(facts.console, CONSOLE_BCM2835_AUX);
    CHECK_EQ_U64(facts.console_base, 0x3000);
    free(blob.bytes);
}

static void test_board_without_a_known_uart_has_no_console(void)
{
    struct builder *b = begin_board(WHOLE_BOARD);
    add_uart(b, "serial@1000", "ns16550a", 0x1000, NULL);
    struct blob blob = finish_board(b);
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_U64(facts.console, CONSOLE_NONE);
    free(blob.bytes);
}

static void test_board_reads_a_gic_v3_redistributor_region(void)
{
    struct builder *b = begin_board(WITH_MEMORY | WITH_CPUS | WITH_TIMER);
    begin_node(b, "gic@8000000");
    property_string(b, "compatible", "arm,gic-v3");
    PROPERTY_CELLS(b, "reg", 0x8000000, 0x10000, 0x80a0000, 0xf60000);
    PROPERTY_CELLS(b, "#interrupt-cells", 3);
    PROPERTY_CELLS(b, "phandle", 1);
    end_node(b);
    struct blob blob = finish_board(b);
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_U64(facts.irq_controller, IRQ_CONTROLLER_GICV3);
    CHECK_EQ_U64(facts.gic_distributor, 0x8000000);
    CHECK_EQ_U64(facts.gic_redistributor, 0x80a0000);
    CHECK_EQ_U64(facts.gic_redistributor_size, 0xf60000);
    CHECK_EQ_U64(facts.gic_cpu_interface, 0);
    free(blob.bytes);
}

static void test_board_numbers_gic_spis_from_32(void)
{
    struct builder *b = begin_board(WITH_MEMORY | WITH_CPUS | WITH_GIC);
    begin_node(b, "timer");
    property_string(b, "compatible", "arm,armv7-timer");
    PROPERTY_CELLS(b, "interrupts", 0, 0, 4, 0, 1, 4, 1, 15, 4, 0, 987, 4);
    end_node(b);
    struct blob blob = finish_board(b);
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_U64(facts.timer_irq_secure_phys, 32);
    CHECK_EQ_U64(facts.timer_irq_phys, 33);
    CHECK_EQ_U64(facts.timer_irq_virt, 31);
    CHECK_EQ_U64(facts.timer_irq_hyp, 1019);
    free(blob.bytes);
}

/* Boards whose timer interrupts cannot be made sense of. */
static void add_timer_with(struct builder *b, const uint32_t *interrupts,
                           size_t count)
{
    begin_node(b, "timer");
    property_string(b, "compatible", "arm,armv8-timer");
    property_cell_array(b, "interrupts", interrupts, count);
    end_node(b);
}

static void test_board_rejects_timer_interrupts_it_cannot_number(void)
{
    static const uint32_t too_few[] = { 1, 13, 4, 1, 14, 4, 1, 11, 4 };
    static const uint32_t ppi_out_of_range[] = { 1, 13, 4, 1, 16, 4,
                                                 1, 11, 4, 1, 10, 4 };
    static const uint32_t spi_out_of_range[] = { 1, 13, 4, 0, 988, 4,
                                                 1, 11, 4, 1, 10, 4 };
    static const uint32_t unknown_type[] = { 1, 13, 4, 2, 14, 4,
                                             1, 11, 4, 1, 10, 4 };
    static const struct {
        const uint32_t *cells;
        size_t count;
    } cases[] = {
        { too_few, 9 }, { ppi_out_of_range, 12 }, { spi_out_of_range, 12 },
        { unknown_type, 12 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct builder *b = begin_board(WITH_MEMORY | WITH_CPUS | WITH_GIC);
        add_timer_with(b, cases[i].cells, cases[i].count);
        struct blob blob = finish_board(b);
        struct board_facts facts;
        CHECK_EQ_U64(discover(&blob, &facts), BOARD_NO_IRQ_CONTROLLER);
        CHECK_EQ_U64(facts.irq_controller, IRQ_CONTROLLER_NONE);
        CHECK_EQ_U64(facts.gic_distributor, 0);
        free(blob.bytes);
    }
}

static void test_board_needs_a_timer_and_a_known_controller(void)
{
    struct blob blob = finish_board(begin_board(WITH_MEMORY | WITH_CPUS |
                                                WITH_GIC));
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_NO_IRQ_CONTROLLER);
    free(blob.bytes);

    struct builder *b = begin_board(WITH_MEMORY | WITH_CPUS | WITH_TIMER);
    begin_node(b, "intc");
    property_string(b, "compatible", "vendor,intc");
    PROPERTY_CELLS(b, "#interrupt-cells", 3);
    PROPERTY_CELLS(b, "phandle", 1);
    end_node(b);
    blob = finish_board(b);
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_NO_IRQ_CONTROLLER);
    free(blob.bytes);

    /* A GIC whose #interrupt-cells is too small for its binding. */
    b = begin_board(WITH_MEMORY | WITH_CPUS);
    begin_node(b, "gic");
    property_string(b, "compatible", "arm,gic-400");
    PROPERTY_CELLS(b, "reg", 0x100000, 0x1000, 0x200000, 0x1000);
    PROPERTY_CELLS(b, "#interrupt-cells", 2);
    PROPERTY_CELLS(b, "phandle", 1);
    end_node(b);
    begin_node(b, "timer");
    property_string(b, "compatible", "arm,armv8-timer");
    PROPERTY_CELLS(b, "interrupts", 1, 13, 1, 14, 1, 11, 1, 10);
    end_node(b);
    blob = finish_board(b);
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_NO_IRQ_CONTROLLER);
    free(blob.bytes);

    /* A GIC with only one register range. */
    b = begin_board(WITH_MEMORY | WITH_CPUS | WITH_TIMER);
    begin_node(b, "gic");
    property_string(b, "compatible", "arm,gic-400");
    PROPERTY_CELLS(b, "reg", 0x100000, 0x1000);
    PROPERTY_CELLS(b, "#interrupt-cells", 3);
    PROPERTY_CELLS(b, "phandle", 1);
    end_node(b);
    blob = finish_board(b);
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_NO_IRQ_CONTROLLER);
    free(blob.bytes);
}

static void test_board_timer_uses_its_nearest_interrupt_parent(void)
{
    struct builder *b = begin_board(WITH_MEMORY | WITH_CPUS | WITH_GIC);
    begin_node(b, "local");
    PROPERTY_CELLS(b, "#address-cells", 1);
    PROPERTY_CELLS(b, "#size-cells", 1);
    PROPERTY_CELLS(b, "ranges", 0, 0x40000000, 0x1000);
    PROPERTY_CELLS(b, "interrupt-parent", 2);
    begin_node(b, "local_intc@0");
    property_string(b, "compatible", "brcm,bcm2836-l1-intc");
    PROPERTY_CELLS(b, "reg", 0, 0x100);
    PROPERTY_CELLS(b, "#interrupt-cells", 2);
    PROPERTY_CELLS(b, "phandle", 2);
    end_node(b);
    begin_node(b, "timer");
    property_string(b, "compatible", "arm,armv7-timer");
    PROPERTY_CELLS(b, "interrupts", 0, 4, 1, 4, 3, 4, 2, 4);
    end_node(b);
    end_node(b);
    struct blob blob = finish_board(b);
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_U64(facts.irq_controller, IRQ_CONTROLLER_BCM2836_LOCAL);
    CHECK_EQ_U64(facts.local_intc_base, 0x40000000);
    CHECK_EQ_U64(facts.timer_irq_secure_phys, 0);
    CHECK_EQ_U64(facts.timer_irq_phys, 1);
    CHECK_EQ_U64(facts.timer_irq_virt, 3);
    CHECK_EQ_U64(facts.timer_irq_hyp, 2);
    free(blob.bytes);
}

static void add_cpu(struct builder *b, uint32_t mpidr, const char *method,
                    const uint32_t *release, size_t release_cells)
{
    char name[32];
    snprintf(name, sizeof(name), "cpu@%x", mpidr);
    begin_node(b, name);
    property_string(b, "device_type", "cpu");
    PROPERTY_CELLS(b, "reg", 0, mpidr);
    if (method != NULL)
        property_string(b, "enable-method", method);
    if (release != NULL)
        property_cell_array(b, "cpu-release-addr", release, release_cells);
    end_node(b);
}

static void test_board_reads_cpus_and_their_enable_methods(void)
{
    static const uint32_t release_one_cell[] = { 0xd8 };
    static const uint32_t release_two_cells[] = { 1, 0xe0 };
    struct builder *b = begin_board(WITH_MEMORY | WITH_GIC | WITH_TIMER);
    begin_node(b, "cpus");
    PROPERTY_CELLS(b, "#address-cells", 2);
    PROPERTY_CELLS(b, "#size-cells", 0);
    add_cpu(b, 0, NULL, NULL, 0);
    add_cpu(b, 1, "spin-table", release_one_cell, 1);
    add_cpu(b, 2, "spin-table", release_two_cells, 2);
    add_cpu(b, 3, "spin-table", NULL, 0);
    add_cpu(b, 0x100, "psci", NULL, 0);
    add_cpu(b, 0x101, "brcm,bcm2836-smp", NULL, 0);
    begin_node(b, "l2-cache");
    PROPERTY_CELLS(b, "reg", 0, 0x200);
    end_node(b);
    end_node(b);
    struct blob blob = finish_board(b);
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_U64(facts.cpu_count, 6);
    CHECK_EQ_U64(facts.cpus[0].enable_method, CPU_ENABLE_NONE);
    CHECK_EQ_U64(facts.cpus[1].enable_method, CPU_ENABLE_SPIN_TABLE);
    CHECK_EQ_U64(facts.cpus[1].release_address, 0xd8);
    CHECK_EQ_U64(facts.cpus[2].enable_method, CPU_ENABLE_SPIN_TABLE);
    CHECK_EQ_U64(facts.cpus[2].release_address, 0x1000000e0);
    CHECK_EQ_U64(facts.cpus[3].enable_method, CPU_ENABLE_NONE);
    CHECK_EQ_U64(facts.cpus[4].mpidr, 0x100);
    CHECK_EQ_U64(facts.cpus[4].enable_method, CPU_ENABLE_PSCI);
    CHECK_EQ_U64(facts.cpus[5].enable_method, CPU_ENABLE_NONE);
    CHECK_EQ_U64(facts.psci, PSCI_CONDUIT_NONE);
    free(blob.bytes);
}

static void test_board_keeps_at_most_the_maximum_cpus(void)
{
    struct builder *b = begin_board(WITH_MEMORY | WITH_GIC | WITH_TIMER);
    begin_node(b, "cpus");
    PROPERTY_CELLS(b, "#address-cells", 2);
    PROPERTY_CELLS(b, "#size-cells", 0);
    for (uint32_t cpu = 0; cpu < BOARD_MAX_CPUS + 3; cpu++)
        add_cpu(b, cpu, "psci", NULL, 0);
    end_node(b);
    struct blob blob = finish_board(b);
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_U64(facts.cpu_count, BOARD_MAX_CPUS);
    CHECK_EQ_U64(facts.cpus[BOARD_MAX_CPUS - 1].mpidr, BOARD_MAX_CPUS - 1);
    free(blob.bytes);
}

static void test_board_keeps_at_most_the_maximum_memory_ranges(void)
{
    struct builder *b = begin_board(WITH_CPUS | WITH_GIC | WITH_TIMER);
    begin_node(b, "memory@0");
    property_string(b, "device_type", "memory");
    uint32_t reg[2 * (BOARD_MAX_MEMORY_RANGES + 2)];
    for (uint32_t i = 0; i < BOARD_MAX_MEMORY_RANGES + 2; i++) {
        reg[2 * i] = i * 0x10000000;
        reg[2 * i + 1] = 0x1000;
    }
    property_cell_array(b, "reg", reg, sizeof(reg) / 4);
    end_node(b);
    begin_node(b, "memory@f0000000");
    property_string(b, "device_type", "memory");
    PROPERTY_CELLS(b, "reg", 0xf0000000, 0x1000);
    end_node(b);
    struct blob blob = finish_board(b);
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_U64(facts.memory_count, BOARD_MAX_MEMORY_RANGES);
    CHECK_EQ_U64(facts.memory[BOARD_MAX_MEMORY_RANGES - 1].base,
                 (BOARD_MAX_MEMORY_RANGES - 1) * 0x10000000ull);
    free(blob.bytes);
}

static void test_board_ignores_empty_and_disabled_memory(void)
{
    struct builder *b = begin_board(WITH_CPUS | WITH_GIC | WITH_TIMER);
    begin_node(b, "memory@0");
    property_string(b, "device_type", "memory");
    PROPERTY_CELLS(b, "reg", 0, 0);
    end_node(b);
    begin_node(b, "memory@1000");
    property_string(b, "device_type", "memory");
    PROPERTY_CELLS(b, "reg", 0x1000, 0x1000);
    property_string(b, "status", "disabled");
    end_node(b);
    struct blob blob = finish_board(b);
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_NO_MEMORY);
    CHECK_EQ_U64(facts.memory_count, 0);
    /* What could be found is still there. */
    CHECK_EQ_U64(facts.cpu_count, 1);
    CHECK_EQ_U64(facts.irq_controller, IRQ_CONTROLLER_GICV2);
    free(blob.bytes);
}

static void test_board_reports_missing_cpus(void)
{
    struct blob blob = finish_board(begin_board(WITH_MEMORY | WITH_GIC |
                                                WITH_TIMER));
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_NO_CPUS);
    free(blob.bytes);
}

static void test_board_finds_psci_by_compatible(void)
{
    struct builder *b = begin_board(WHOLE_BOARD);
    begin_node(b, "firmware");
    begin_node(b, "power");
    PROPERTY_STRINGS(b, "compatible", "arm,psci-0.2\0arm,psci");
    property_string(b, "method", "hvc");
    end_node(b);
    end_node(b);
    struct blob blob = finish_board(b);
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_U64(facts.psci, PSCI_CONDUIT_HVC);
    free(blob.bytes);
}

static void test_board_initrd_needs_both_bounds_in_order(void)
{
    struct builder *b = begin_board(WHOLE_BOARD);
    begin_node(b, "chosen");
    PROPERTY_CELLS(b, "linux,initrd-start", 0, 0x2000000);
    end_node(b);
    struct blob blob = finish_board(b);
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_U64(facts.initrd_start, 0);
    CHECK_EQ_U64(facts.initrd_end, 0);
    free(blob.bytes);

    b = begin_board(WHOLE_BOARD);
    begin_node(b, "chosen");
    PROPERTY_CELLS(b, "linux,initrd-start", 0x3000000);
    PROPERTY_CELLS(b, "linux,initrd-end", 0x2000000);
    end_node(b);
    blob = finish_board(b);
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_U64(facts.initrd_start, 0);
    CHECK_EQ_U64(facts.initrd_end, 0);
    free(blob.bytes);
}

/* /chosen bootargs is the command line, cut to fit with its NUL; a
 * value without a NUL is no string and leaves it empty. */
static void test_board_command_line_from_bootargs(void)
{
    struct builder *b = begin_board(WHOLE_BOARD);
    begin_node(b, "chosen");
    property_string(b, "bootargs", "coherent_pool=1M tern=conformance");
    end_node(b);
    struct blob blob = finish_board(b);
    struct board_facts facts;
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_STR(facts.command_line, "coherent_pool=1M tern=conformance");
    free(blob.bytes);

    char long_line[BOARD_COMMAND_LINE_MAX + 100];
    memset(long_line, 'x', sizeof(long_line) - 1);
    long_line[sizeof(long_line) - 1] = '\0';
    b = begin_board(WHOLE_BOARD);
    begin_node(b, "chosen");
    property_string(b, "bootargs", long_line);
    end_node(b);
    blob = finish_board(b);
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_U64(strlen(facts.command_line), BOARD_COMMAND_LINE_MAX - 1);
    free(blob.bytes);

    b = begin_board(WHOLE_BOARD);
    begin_node(b, "chosen");
    property(b, "bootargs", "tern=conformance", 16);
    end_node(b);
    blob = finish_board(b);
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_OK);
    CHECK_EQ_STR(facts.command_line, "");
    free(blob.bytes);
}

static void test_board_rejects_a_bad_blob_with_zeroed_facts(void)
{
    struct blob blob = sample_blob();
    struct board_facts facts;
    memset(&facts, 0x5a, sizeof(facts));
    set_header_field(&blob, HEADER_MAGIC, 0);
    CHECK_EQ_U64(discover(&blob, &facts), BOARD_BAD_DEVICE_TREE);
    CHECK_EQ_U64(facts.memory_count, 0);
    CHECK_EQ_U64(facts.name[0], 0);
    free(blob.bytes);
}

static void test_board_error_names(void)
{
    CHECK_EQ_STR(board_error_name(BOARD_OK), "ok");
    CHECK_EQ_STR(board_error_name(BOARD_BAD_DEVICE_TREE), "bad device tree");
    CHECK_EQ_STR(board_error_name(BOARD_NO_MEMORY), "no memory");
    CHECK_EQ_STR(board_error_name(BOARD_NO_CPUS), "no cpus");
    CHECK_EQ_STR(board_error_name(BOARD_NO_IRQ_CONTROLLER),
                 "no interrupt controller");
    CHECK_EQ_STR(board_error_name((enum board_error)42),
                 "unknown board error");
}

/* --- Mutations of real device trees -------------------------------------- */

#define MUTATION_ROUNDS     4000
#define TRUNCATION_ROUNDS   500

static uint64_t next_random(uint64_t *state)
{
    /* xorshift64*: fixed seed, so a failure reproduces. */
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545f4914f6cdd1dull;
}

/* Values that steer a word into the parser's edge cases. */
static const uint32_t interesting_words[] = {
    0, 1, 2, 3, 4, 9, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff,
    0x1000, 40, 0xd00dfeed,
};

/* Changes a few bytes among the first size. */
static void mutate(uint8_t *bytes, size_t size, uint64_t *random)
{
    int changes = 1 + (int)(next_random(random) % 4);
    for (int i = 0; i < changes; i++) {
        size_t at = next_random(random) % size;
        switch (next_random(random) % 4) {
        case 0: /* flip a bit */
            bytes[at] ^= (uint8_t)(1u << (next_random(random) % 8));
            break;
        case 1: /* a random byte */
            bytes[at] = (uint8_t)next_random(random);
            break;
        case 2: /* an interesting aligned word */
            at &= ~(size_t)3;
            if (at + 4 <= size)
                put_be32(bytes + at,
                         interesting_words[next_random(random) %
                                           (sizeof(interesting_words) / 4)]);
            break;
        default: /* a header field, where a change matters most */
            put_be32(bytes + 4 * (next_random(random) % (HEADER_SIZE / 4)),
                     (uint32_t)next_random(random) % (uint32_t)(2 * size));
            break;
        }
    }
}

static void check_facts_are_sane(const struct board_facts *facts)
{
    CHECK(facts->memory_count >= 0 &&
          facts->memory_count <= BOARD_MAX_MEMORY_RANGES);
    CHECK(facts->reserved_count >= 0 &&
          facts->reserved_count <= BOARD_MAX_RESERVED_RANGES);
    CHECK(facts->cpu_count >= 0 && facts->cpu_count <= BOARD_MAX_CPUS);
    CHECK(memchr(facts->name, 0, BOARD_NAME_MAX) != NULL);
}

/* The bytes up to the end of the last block: QEMU's blobs end in most of a
 * megabyte of free space, where a mutation would change nothing. */
static size_t used_length(const uint8_t *blob, size_t size)
{
    size_t structure_end = (size_t)get_be32(blob + HEADER_STRUCTURE_OFFSET) +
                           get_be32(blob + HEADER_STRUCTURE_SIZE);
    size_t strings_end = (size_t)get_be32(blob + HEADER_STRINGS_OFFSET) +
                         get_be32(blob + HEADER_STRINGS_SIZE);
    size_t used = structure_end > strings_end ? structure_end : strings_end;
    return used < size ? used : size;
}

static void mutation_test(const char *path, uint64_t seed)
{
    size_t size;
    uint8_t *original = check_read_file(path, &size);
    uint8_t *copy = malloc(size);
    size_t used = used_length(original, size);
    uint64_t random = seed;
    int still_discovered = 0;

    memcpy(copy, original, size);
    for (int round = 0; round < MUTATION_ROUNDS; round++) {
        memcpy(copy, original, used);
        mutate(copy, used, &random);
        struct board_facts facts;
        if (board_discover(copy, size, &facts) != BOARD_BAD_DEVICE_TREE)
            still_discovered++;
        check_facts_are_sane(&facts);
    }
    /* Many mutations hit names and values, which still parse: proof that
     * the mutated blobs reach past the header and structure checks. */
    CHECK(still_discovered > MUTATION_ROUNDS / 10);

    for (int round = 0; round < TRUNCATION_ROUNDS; round++) {
        size_t length = next_random(&random) % size;
        uint8_t *prefix = malloc(length ? length : 1);
        memcpy(prefix, original, length);
        struct board_facts facts;
        CHECK_EQ_U64(board_discover(prefix, length, &facts),
                     BOARD_BAD_DEVICE_TREE);
        /* The same prefix claiming to be whole. */
        if (length >= HEADER_SIZE) {
            put_be32(prefix + HEADER_TOTAL_SIZE, (uint32_t)length);
            board_discover(prefix, length, &facts);
            check_facts_are_sane(&facts);
        }
        free(prefix);
    }
    printf("%s: %d of %d mutations still discovered\n", path,
           still_discovered, MUTATION_ROUNDS);
    free(copy);
    free(original);
}

int main(int argc, char **argv)
{
    RUN_TEST(test_open_accepts_a_well_formed_blob);
    RUN_TEST(test_open_rejects_a_bad_magic);
    RUN_TEST(test_open_rejects_versions_it_cannot_read);
    RUN_TEST(test_open_reads_nothing_of_a_buffer_smaller_than_the_header);
    RUN_TEST(test_open_rejects_a_total_size_it_may_not_read);
    RUN_TEST(test_open_rejects_blocks_outside_the_blob);
    RUN_TEST(test_open_rejects_an_unterminated_reservation_block);
    RUN_TEST(test_open_rejects_a_node_name_cut_by_the_block_end);
    RUN_TEST(test_open_rejects_a_property_longer_than_the_block);
    RUN_TEST(test_open_rejects_a_property_name_outside_the_strings);
    RUN_TEST(test_open_rejects_an_unterminated_property_name);
    RUN_TEST(test_open_rejects_a_structure_without_an_end_token);
    RUN_TEST(test_open_rejects_an_unknown_token);
    RUN_TEST(test_open_rejects_badly_nested_nodes);
    RUN_TEST(test_open_accepts_nesting_up_to_the_maximum_depth);
    RUN_TEST(test_open_rejects_nesting_deeper_than_the_maximum);

    RUN_TEST(test_nodes_come_in_document_order);
    RUN_TEST(test_children_are_the_direct_descendants_in_order);
    RUN_TEST(test_handles_that_are_not_nodes_find_nothing);
    RUN_TEST(test_find_node_follows_absolute_paths);
    RUN_TEST(test_find_node_matches_a_name_without_its_unit_address);
    RUN_TEST(test_find_node_resolves_aliases);
    RUN_TEST(test_find_compatible_matches_any_entry_of_the_list);
    RUN_TEST(test_find_by_phandle);

    RUN_TEST(test_properties_are_found_past_nops);
    RUN_TEST(test_strings_must_be_terminated);
    RUN_TEST(test_numbers_need_the_right_length);
    RUN_TEST(test_property_cells_stay_inside_the_value);
    RUN_TEST(test_status_okay_ok_or_absent_is_enabled);

    RUN_TEST(test_cells_default_to_two_and_one);
    RUN_TEST(test_reg_entries_use_the_parent_cells);
    RUN_TEST(test_translation_goes_through_every_ranges);
    RUN_TEST(test_translation_fails_without_a_window);
    RUN_TEST(test_strange_cell_counts_are_not_translated);
    RUN_TEST(test_interrupt_parent_is_inherited);
    RUN_TEST(test_reservations_end_at_the_zero_entry);

    RUN_TEST(test_board_reads_every_fact_of_the_sample_tree);
    RUN_TEST(test_board_name_falls_back_to_the_first_compatible);
    RUN_TEST(test_board_name_is_cut_to_fit);
    RUN_TEST(test_board_console_follows_a_full_stdout_path);
    RUN_TEST(test_board_console_falls_back_to_the_first_enabled_uart);
    RUN_TEST(test_board_without_a_known_uart_has_no_console);
    RUN_TEST(test_board_reads_a_gic_v3_redistributor_region);
    RUN_TEST(test_board_numbers_gic_spis_from_32);
    RUN_TEST(test_board_rejects_timer_interrupts_it_cannot_number);
    RUN_TEST(test_board_needs_a_timer_and_a_known_controller);
    RUN_TEST(test_board_timer_uses_its_nearest_interrupt_parent);
    RUN_TEST(test_board_reads_cpus_and_their_enable_methods);
    RUN_TEST(test_board_keeps_at_most_the_maximum_cpus);
    RUN_TEST(test_board_keeps_at_most_the_maximum_memory_ranges);
    RUN_TEST(test_board_ignores_empty_and_disabled_memory);
    RUN_TEST(test_board_reports_missing_cpus);
    RUN_TEST(test_board_finds_psci_by_compatible);
    RUN_TEST(test_board_initrd_needs_both_bounds_in_order);
    RUN_TEST(test_board_command_line_from_bootargs);
    RUN_TEST(test_board_rejects_a_bad_blob_with_zeroed_facts);
    RUN_TEST(test_board_error_names);

    /* The real device trees to mutate come as arguments. */
    for (int i = 1; i < argc; i++)
        mutation_test(argv[i], 0x9e3779b97f4a7c15ull + (uint64_t)i);
    return check_report();
}
