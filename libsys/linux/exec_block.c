/*
 * The execve block (exec_block.h).
 */
#include "exec_block.h"
#include "sys/linux_abi.h"

/* The length of text with its NUL, or 0 if that passes limit (the walk
 * stops there, so an endless string costs no more than limit). */
static uint64_t bounded_string_size(const char *text, uint64_t limit)
{
    for (uint64_t length = 0; length < limit; length++) {
        if (text[length] == 0)
            return length + 1;
    }
    return 0;
}

/* Adds the sizes of the strings of a NULL-terminated list to *length;
 * *count gets how many. */
static int64_t measure_list(const char *const *list, uint64_t limit, uint64_t *count,
                            uint64_t *length)
{
    *count = 0;
    if (list == 0)
        return 0;
    for (; list[*count] != 0; (*count)++) {
        uint64_t size = bounded_string_size(list[*count], EXEC_BLOCK_STRING_LIMIT);
        if (size == 0 || size > limit - *length)
            return -LINUX_E2BIG;
        *length += size;
    }
    return 0;
}

int64_t exec_block_measure(const char *path, const char *const *argv, const char *const *envp,
                           uint64_t limit, struct exec_block_layout *layout)
{
    uint64_t path_size = bounded_string_size(path, LINUX_PATH_MAX);
    if (path_size == 0)
        return -LINUX_ENAMETOOLONG;
    if (path_size > limit)
        return -LINUX_E2BIG;
    layout->length = path_size;
    int64_t result = measure_list(argv, limit, &layout->argc, &layout->length);
    if (result == 0)
        result = measure_list(envp, limit, &layout->envc, &layout->length);
    return result;
}

static char *append_string(char *block, const char *text)
{
    do {
        *block++ = *text;
    } while (*text++ != 0);
    return block;
}

void exec_block_fill(char *block, const char *path, const char *const *argv,
                     const char *const *envp, const struct exec_block_layout *layout)
{
    block = append_string(block, path);
    for (uint64_t i = 0; i < layout->argc; i++)
        block = append_string(block, argv[i]);
    for (uint64_t i = 0; i < layout->envc; i++)
        block = append_string(block, envp[i]);
}
