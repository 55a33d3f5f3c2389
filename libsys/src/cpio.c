/* The boot archive's CPIO newc format: sys/cpio.h. */
#include "sys/cpio.h"
#include "sys/runtime.h"

#define HEADER_SIZE     110
#define MAGIC_LENGTH    6
#define FIELD_LENGTH    8
#define TRAILER         "TRAILER!!!"

/* The header's fields, in order after the magic. */
enum { FIELD_INODE, FIELD_MODE, FIELD_UID, FIELD_GID, FIELD_LINKS, FIELD_MTIME,
       FIELD_FILE_SIZE, FIELD_DEV_MAJOR, FIELD_DEV_MINOR, FIELD_RDEV_MAJOR,
       FIELD_RDEV_MINOR, FIELD_NAME_SIZE, FIELD_CHECK };

static bool parse_field(const char *header, unsigned field, uint64_t *value)
{
    const char *text = header + MAGIC_LENGTH + FIELD_LENGTH * field;
    *value = 0;
    for (int i = 0; i < FIELD_LENGTH; i++) {
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

enum cpio_status cpio_read_entry(const void *archive, uint64_t length, uint64_t *offset,
                                 struct cpio_entry *entry)
{
    const char *base = archive;
    if (*offset >= length)
        return CPIO_END;
    if (length - *offset < HEADER_SIZE)
        return CPIO_MALFORMED;
    const char *header = base + *offset;
    uint64_t name_size;
    if ((memcmp(header, "070701", MAGIC_LENGTH) && memcmp(header, "070702", MAGIC_LENGTH))
        || !parse_field(header, FIELD_INODE, &entry->inode)
        || !parse_field(header, FIELD_LINKS, &entry->links)
        || !parse_field(header, FIELD_MODE, &entry->mode)
        || !parse_field(header, FIELD_UID, &entry->uid)
        || !parse_field(header, FIELD_GID, &entry->gid)
        || !parse_field(header, FIELD_MTIME, &entry->modify_time)
        || !parse_field(header, FIELD_FILE_SIZE, &entry->size)
        || !parse_field(header, FIELD_NAME_SIZE, &name_size))
        return CPIO_MALFORMED;
    uint64_t name_offset = *offset + HEADER_SIZE;
    if (name_size == 0 || name_size > length - name_offset)
        return CPIO_MALFORMED;
    const char *name = base + name_offset;
    if (name[name_size - 1] != '\0')
        return CPIO_MALFORMED;
    /* Even the trailer must be whole: a cut archive is a damaged one. */
    uint64_t data_offset = align4(name_offset + name_size);
    if (data_offset > length || entry->size > length - data_offset)
        return CPIO_MALFORMED;
    if (!strcmp(name, TRAILER))
        return CPIO_END;
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    while (name[0] == '/')
        name++;
    entry->name = name;
    entry->data = base + data_offset;
    *offset = align4(data_offset + entry->size);
    return CPIO_ENTRY;
}

bool cpio_find_file(const void *archive, uint64_t length, const char *name,
                    struct cpio_entry *entry)
{
    uint64_t offset = 0;
    while (cpio_read_entry(archive, length, &offset, entry) == CPIO_ENTRY)
        if ((entry->mode & 0170000) == 0100000 && !strcmp(entry->name, name))
            return true;
    return false;
}
