/* The execve block: path, arguments, environment, each NUL-terminated,
 * and Linux's E2BIG limits. */
#include "check.h"
#include "exec_block.h"
#include "sys/linux_abi.h"

static void block_holds_path_then_arguments_then_environment(void)
{
    const char *argv[] = {"ls", "-l", NULL};
    const char *envp[] = {"HOME=/", NULL};
    struct exec_block_layout layout;
    CHECK_EQ_U64(exec_block_measure("/bin/ls", argv, envp, EXEC_BLOCK_LIMIT, &layout), 0);
    CHECK_EQ_U64(layout.argc, 2);
    CHECK_EQ_U64(layout.envc, 1);
    CHECK_EQ_U64(layout.length, 8 + 3 + 3 + 7);
    char block[32];
    memset(block, 'x', sizeof(block));
    exec_block_fill(block, "/bin/ls", argv, envp, &layout);
    CHECK(memcmp(block, "/bin/ls\0ls\0-l\0HOME=/\0", layout.length) == 0);
    CHECK(block[layout.length] == 'x');
}

static void null_lists_are_empty(void)
{
    struct exec_block_layout layout;
    CHECK_EQ_U64(exec_block_measure("/a", NULL, NULL, EXEC_BLOCK_LIMIT, &layout), 0);
    CHECK_EQ_U64(layout.argc, 0);
    CHECK_EQ_U64(layout.envc, 0);
    CHECK_EQ_U64(layout.length, 3);
}

static void empty_strings_count(void)
{
    const char *argv[] = {"", "", NULL};
    struct exec_block_layout layout;
    CHECK_EQ_U64(exec_block_measure("/a", argv, NULL, EXEC_BLOCK_LIMIT, &layout), 0);
    CHECK_EQ_U64(layout.argc, 2);
    CHECK_EQ_U64(layout.length, 5);
}

static void block_beyond_the_limit_is_e2big(void)
{
    const char *argv[] = {"12345", "12345", NULL};
    struct exec_block_layout layout;
    CHECK_EQ_U64(exec_block_measure("/a", argv, NULL, 3 + 6 + 6, &layout), 0);
    CHECK_EQ_U64(exec_block_measure("/a", argv, NULL, 3 + 6 + 5, &layout),
                 (uint64_t)-LINUX_E2BIG);
    const char *envp[] = {"A=1", NULL};
    CHECK_EQ_U64(exec_block_measure("/a", NULL, envp, 5, &layout), (uint64_t)-LINUX_E2BIG);
}

static void string_beyond_the_string_limit_is_e2big(void)
{
    char *huge = malloc(EXEC_BLOCK_STRING_LIMIT + 1);
    memset(huge, 'a', EXEC_BLOCK_STRING_LIMIT);
    huge[EXEC_BLOCK_STRING_LIMIT] = 0;
    const char *argv[] = {huge, NULL};
    struct exec_block_layout layout;
    CHECK_EQ_U64(exec_block_measure("/a", argv, NULL, EXEC_BLOCK_LIMIT, &layout),
                 (uint64_t)-LINUX_E2BIG);
    huge[EXEC_BLOCK_STRING_LIMIT - 1] = 0;
    CHECK_EQ_U64(exec_block_measure("/a", argv, NULL, EXEC_BLOCK_LIMIT, &layout), 0);
    free(huge);
}

static void path_beyond_path_max_is_enametoolong(void)
{
    char *path = malloc(LINUX_PATH_MAX + 1);
    memset(path, 'a', LINUX_PATH_MAX);
    path[LINUX_PATH_MAX] = 0;
    struct exec_block_layout layout;
    CHECK_EQ_U64(exec_block_measure(path, NULL, NULL, EXEC_BLOCK_LIMIT, &layout),
                 (uint64_t)-LINUX_ENAMETOOLONG);
    free(path);
}

int main(void)
{
    RUN_TEST(block_holds_path_then_arguments_then_environment);
    RUN_TEST(null_lists_are_empty);
    RUN_TEST(empty_strings_count);
    RUN_TEST(block_beyond_the_limit_is_e2big);
    RUN_TEST(string_beyond_the_string_limit_is_e2big);
    RUN_TEST(path_beyond_path_max_is_enametoolong);
    return check_report();
}
