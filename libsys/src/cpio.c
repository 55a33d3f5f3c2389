/* The boot archive's CPIO newc format: sys/cpio.h. */
#include "sys/cpio.h"
#include "sys/runtime.h"

#define HEADER_SIZE 110     /* "070701" and 13 eight-digit hex fields */
#define TRAILER "TRAILER!!!"

/* The header's fields, in order, each 8 hex digits after the magic. */
enum { FIELD_INODE, FIELD_MODE, FIELD_UID, FIELD_GID, FIELD_LINKS, FIELD_MTIME,
       FIELD_FILE_SIZE, FIELD_DEV_MAJOR, FIELD_DEV_MINOR, FIELD_RDEV_MAJOR,
       FIELD_RDEV_MINOR, FIELD_NAME_SIZE, FIELD_CHECK };

static bool parse_field(const char *header, unsigned field, uint64_t *value)
{
    const char *text = header + 6 + 8 * field;
    *value = 0;
    for (int i = 0; i < 8; i++) {
        char c = text[i];
        unsigned digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return false;
        *value = *value << 4 | digit;
    }
    return true;
}

static uint64_t align4(uint64_t offset)
{
    return (offset + 3) & ~3ULL;
}

bool cpio_next(const void *archive, uint64_t length, uint64_t *offset, struct cpio_entry *entry)
{
    const char *base = archive;
    if (*offset > length || length - *offset < HEADER_SIZE)
        return false;
    const char *header = base + *offset;
    uint64_t name_size;
    if (memcmp(header, "070701", 6) || !parse_field(header, FIELD_MODE, &entry->mode)
        || !parse_field(header, FIELD_UID, &entry->uid)
        || !parse_field(header, FIELD_GID, &entry->gid)
        || !parse_field(header, FIELD_FILE_SIZE, &entry->size)
        || !parse_field(header, FIELD_NAME_SIZE, &name_size))
        return false;
    uint64_t name_offset = *offset + HEADER_SIZE;
    if (name_size == 0 || name_size > length - name_offset)
        return false;
    const char *name = base + name_offset;
    if (name[name_size - 1] != '\0' || !strcmp(name, TRAILER))
        return false;
    uint64_t data_offset = align4(name_offset + name_size);
    if (data_offset > length || entry->size > length - data_offset)
        return false;
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    while (name[0] == '/')
        name++;
    entry->name = name;
    entry->data = base + data_offset;
    *offset = align4(data_offset + entry->size);
    return true;
}

bool cpio_find_file(const void *archive, uint64_t length, const char *name,
                    struct cpio_entry *entry)
{
    uint64_t offset = 0;
    while (cpio_next(archive, length, &offset, entry))
        if ((entry->mode & 0170000) == 0100000 && !strcmp(entry->name, name))
            return true;
    return false;
}
