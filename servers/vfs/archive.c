/*
 * Loading the boot archive, a CPIO "newc" archive: each entry is a
 * 110-byte header ("070701" or "070702", then 13 fields of 8 hex digits),
 * the name (namesize bytes with its NUL), padding to 4 bytes, the data
 * (filesize bytes), padding to 4 bytes; "TRAILER!!!" ends it.
 */
#include "core.h"
#include "node.h"
#include "sys/runtime.h"

#define HEADER_SIZE 110
#define MAGIC_LENGTH 6
#define FIELD_LENGTH 8

/* The header fields used, by their place after the magic. */
enum header_field {
    FIELD_MODE = 1,
    FIELD_MTIME = 5,
    FIELD_FILESIZE = 6,
    FIELD_NAMESIZE = 11,
};

static const char trailer_name[] = "TRAILER!!!";

struct archive_entry {
    const char *name;
    size_t name_length;
    uint32_t mode;
    uint32_t modify_time;
    const uint8_t *data;
    uint32_t size;
};

static bool parse_field(const uint8_t *header, enum header_field field, uint32_t *value)
{
    const uint8_t *digits = header + MAGIC_LENGTH + FIELD_LENGTH * field;
    uint32_t result = 0;
    for (int i = 0; i < FIELD_LENGTH; i++) {
        uint8_t digit = digits[i];
        uint32_t nibble;
        if (digit >= '0' && digit <= '9')
            nibble = digit - '0';
        else if (digit >= 'a' && digit <= 'f')
            nibble = digit - 'a' + 10;
        else if (digit >= 'A' && digit <= 'F')
            nibble = digit - 'A' + 10;
        else
            return false;
        result = result << 4 | nibble;
    }
    *value = result;
    return true;
}

static size_t align4(size_t value)
{
    return (value + 3) & ~(size_t)3;
}

/* Where the next component of `path` starts and how long it is. */
static size_t next_component(const char *path, size_t length, size_t *position)
{
    while (*position < length && path[*position] == '/')
        (*position)++;
    size_t start = *position;
    while (*position < length && path[*position] != '/')
        (*position)++;
    return *position - start;
}

/* Links a node without touching the directory's times, which are the
 * archive's: loading it is not a change. */
static void link_quietly(struct vfs *vfs, struct vfs_node *directory, struct vfs_node *node,
                         const char *name, size_t length)
{
    struct vfs_time modify_time = directory->modify_time;
    struct vfs_time change_time = directory->change_time;
    node_link(vfs, directory, node, name, length);
    directory->modify_time = modify_time;
    directory->change_time = change_time;
}

/* Adds one entry (a directory or regular file) with the directories
 * above it. Anything else, or a path through /tmp, /dev or "..", is
 * skipped. */
static int add_entry(struct vfs *vfs, const struct archive_entry *entry)
{
    uint32_t type = entry->mode & LINUX_S_IFMT;
    if (type != LINUX_S_IFDIR && type != LINUX_S_IFREG)
        return 0;
    struct vfs_node *directory = vfs->root;
    size_t position = 0;
    for (;;) {
        size_t length = next_component(entry->name, entry->name_length, &position);
        const char *name = entry->name + position - length;
        if (length == 0)
            return 0;   /* "." or "/" itself: the root stays as vfs made it */
        if (length > LINUX_NAME_MAX || (length == 2 && name[0] == '.' && name[1] == '.'))
            return 0;
        size_t after = position;
        bool last = next_component(entry->name, entry->name_length, &after) == 0;
        if (length == 1 && name[0] == '.') {
            if (last)
                return 0;
            continue;
        }
        struct vfs_node *node = node_find_child(directory, name, length);
        if (node != NULL && node->mount != VFS_MOUNT_ARCHIVE)
            return 0;
        if (!last) {
            if (node == NULL) {
                node = node_create(vfs, LINUX_S_IFDIR | 0755, 0, 0, VFS_MOUNT_ARCHIVE);
                if (node == NULL)
                    return -LINUX_ENOMEM;
                link_quietly(vfs, directory, node, name, length);
            }
            if (!node_is_directory(node))
                return 0;
            directory = node;
            continue;
        }
        if (node == NULL) {
            node = node_create(vfs, entry->mode, 0, 0, VFS_MOUNT_ARCHIVE);
            if (node == NULL)
                return -LINUX_ENOMEM;
            link_quietly(vfs, directory, node, name, length);
        } else if (node_type(node) != type) {
            return 0;
        }
        /* A later entry for the same path wins, as when cpio extracts. */
        node->mode = entry->mode;
        if (type == LINUX_S_IFREG) {
            node->regular.archive_bytes = entry->data;
            node->regular.size = entry->size;
        }
        node->modify_time = (struct vfs_time){.seconds = entry->modify_time};
        node->change_time = node->modify_time;
        return 0;
    }
}

int vfs_load_archive(struct vfs *vfs, const void *archive, size_t size)
{
    const uint8_t *bytes = archive;
    size_t offset = 0;
    while (offset < size) {
        if (size - offset < HEADER_SIZE)
            return -LINUX_EINVAL;
        const uint8_t *header = bytes + offset;
        if (memcmp(header, "070701", MAGIC_LENGTH) != 0 &&
            memcmp(header, "070702", MAGIC_LENGTH) != 0)
            return -LINUX_EINVAL;
        struct archive_entry entry;
        uint32_t name_size;
        if (!parse_field(header, FIELD_MODE, &entry.mode) ||
            !parse_field(header, FIELD_MTIME, &entry.modify_time) ||
            !parse_field(header, FIELD_FILESIZE, &entry.size) ||
            !parse_field(header, FIELD_NAMESIZE, &name_size))
            return -LINUX_EINVAL;
        size_t name_offset = offset + HEADER_SIZE;
        if (name_size == 0 || name_size > size - name_offset)
            return -LINUX_EINVAL;
        entry.name = (const char *)bytes + name_offset;
        entry.name_length = 0;
        while (entry.name_length < name_size - 1 && entry.name[entry.name_length] != '\0')
            entry.name_length++;
        size_t data_offset = align4(name_offset + name_size);
        if (data_offset > size || entry.size > size - data_offset)
            return -LINUX_EINVAL;
        entry.data = bytes + data_offset;
        if (entry.name_length == sizeof(trailer_name) - 1 &&
            memcmp(entry.name, trailer_name, entry.name_length) == 0)
            return 0;
        int error = add_entry(vfs, &entry);
        if (error != 0)
            return error;
        offset = align4(data_offset + entry.size);
    }
    return 0;
}
