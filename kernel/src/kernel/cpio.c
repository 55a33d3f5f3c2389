#include "kernel/cpio.h"
#include "lib/string.h"

#define HEADER_SIZE 110     /* "070701" + 13 eight-digit hex fields */
#define TRAILER "TRAILER!!!"

static int parse_hex(const char *text, uint64_t *value)
{
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
            return -1;
        *value = *value << 4 | digit;
    }
    return 0;
}

static uint64_t align4(uint64_t offset)
{
    return (offset + 3) & ~3ULL;
}

const void *cpio_find(const void *archive, uint64_t length, const char *name, uint64_t *size)
{
    const char *base = archive;
    uint64_t offset = 0;
    while (offset + HEADER_SIZE <= length) {
        const char *header = base + offset;
        uint64_t mode, file_size, name_size;
        if (memcmp(header, "070701", 6) || parse_hex(header + 14, &mode) ||
            parse_hex(header + 54, &file_size) || parse_hex(header + 94, &name_size))
            return 0;
        uint64_t name_offset = offset + HEADER_SIZE;
        if (name_size == 0 || name_size > length - name_offset)
            return 0;
        const char *entry_name = base + name_offset;
        if (entry_name[name_size - 1] != '\0')
            return 0;
        uint64_t data_offset = align4(name_offset + name_size);
        if (data_offset > length || file_size > length - data_offset)
            return 0;
        if (!strcmp(entry_name, TRAILER))
            return 0;
        if (entry_name[0] == '.' && entry_name[1] == '/')
            entry_name += 2;
        if ((mode & 0170000) == 0100000 && !strcmp(entry_name, name)) {
            *size = file_size;
            return base + data_offset;
        }
        offset = align4(data_offset + file_size);
    }
    return 0;
}
