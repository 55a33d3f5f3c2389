/* The vfs core's file protocol: reading, writing, seeking, getdents,
 * flags, truncation, devices, and the life of OFDs and their nodes. */
#include "sys/protocol/file.h"
#include "test_vfs_support.h"

static uint64_t open_tmp(const char *path, uint64_t flags)
{
    int64_t handle = open_path(path, flags | LINUX_O_CREAT, 0644);
    CHECK(handle > 0);
    return (uint64_t)handle;
}

static void written_bytes_read_back(void)
{
    fresh_vfs();
    uint64_t handle = open_tmp("/tmp/f", LINUX_O_RDWR);
    CHECK_EQ_U64(write_text(handle, "hello, world"), 12);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 0, LINUX_SEEK_SET), 0);
    char bytes[32] = {0};
    CHECK_EQ_U64(read_into(handle, bytes, sizeof(bytes)), 12);
    CHECK_EQ_STR(bytes, "hello, world");
    CHECK_EQ_U64(read_into(handle, bytes, sizeof(bytes)), 0);
    CHECK_EQ_U64(file_size("/tmp/f"), 12);
}

static void descriptors_of_one_ofd_share_the_offset(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "abcdef", 0644);
    uint64_t shared = (uint64_t)open_path("/tmp/f", LINUX_O_RDONLY, 0);
    uint64_t separate = (uint64_t)open_path("/tmp/f", LINUX_O_RDONLY, 0);
    CHECK_EQ_U64(file_table_retain(&vfs.files, shared), 0);
    char bytes[4] = {0};
    CHECK_EQ_U64(read_into(shared, bytes, 2), 2);
    /* The second descriptor of the same OFD carries on where it stopped. */
    CHECK_EQ_U64(read_into(shared, bytes, 2), 2);
    CHECK_EQ_STR(bytes, "cd");
    CHECK_EQ_U64(vfs_close(&vfs, shared), 0);
    CHECK_EQ_U64(read_into(shared, bytes, 2), 2);
    CHECK_EQ_STR(bytes, "ef");
    /* Another open has its own offset. */
    CHECK_EQ_U64(read_into(separate, bytes, 2), 2);
    CHECK_EQ_STR(bytes, "ab");
    CHECK_EQ_U64(vfs_close(&vfs, shared), 0);
    CHECK_EQ_U64(vfs_close(&vfs, shared), -LINUX_EBADF);
    CHECK_EQ_U64(file_table_retain(&vfs.files, shared), -LINUX_EBADF);
}

static void a_stale_handle_does_not_reach_a_reused_ofd(void)
{
    fresh_vfs();
    uint64_t first = open_tmp("/tmp/f", LINUX_O_RDWR);
    CHECK_EQ_U64(vfs_close(&vfs, first), 0);
    uint64_t second = open_tmp("/tmp/f", LINUX_O_RDWR);
    CHECK(second != first);
    CHECK_EQ_U64(write_text(first, "x"), -LINUX_EBADF);
    CHECK_EQ_U64(write_text(second, "x"), 1);
}

static void unknown_handles_are_ebadf(void)
{
    fresh_vfs();
    const uint64_t bogus[] = {0, 1, 0x1000000, 0xffffffffffffffffULL, 1ULL << 62};
    struct linux_stat stat;
    struct client window;
    char byte;
    for (size_t i = 0; i < sizeof(bogus) / sizeof(bogus[0]); i++) {
        const struct client_buffer *buffer = client(&window, &byte, 1);
        CHECK_EQ_U64(vfs_read(&vfs, bogus[i], buffer, 1), -LINUX_EBADF);
        CHECK_EQ_U64(vfs_write(&vfs, bogus[i], buffer, 1), -LINUX_EBADF);
        CHECK_EQ_U64(vfs_pread(&vfs, bogus[i], buffer, 1, 0), -LINUX_EBADF);
        CHECK_EQ_U64(vfs_pwrite(&vfs, bogus[i], buffer, 1, 0), -LINUX_EBADF);
        CHECK_EQ_U64(vfs_seek(&vfs, bogus[i], 0, LINUX_SEEK_SET), -LINUX_EBADF);
        CHECK_EQ_U64(vfs_fstat(&vfs, bogus[i], &stat), -LINUX_EBADF);
        CHECK_EQ_U64(vfs_getdents(&vfs, bogus[i], buffer, 1), -LINUX_EBADF);
        CHECK_EQ_U64(file_table_get_flags(&vfs.files, bogus[i]), -LINUX_EBADF);
        CHECK_EQ_U64(file_table_set_flags(&vfs.files, bogus[i], 0), -LINUX_EBADF);
        CHECK_EQ_U64(vfs_ioctl(&vfs, bogus[i], LINUX_TCGETS, buffer), -LINUX_EBADF);
        CHECK_EQ_U64(vfs_truncate(&vfs, bogus[i], 0), -LINUX_EBADF);
        CHECK_EQ_U64(file_table_retain(&vfs.files, bogus[i]), -LINUX_EBADF);
        CHECK_EQ_U64(vfs_close(&vfs, bogus[i]), -LINUX_EBADF);
        CHECK_EQ_U64(vfs_sync(&vfs, bogus[i]), -LINUX_EBADF);
    }
}

static void the_access_mode_limits_reads_and_writes(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "abc", 0644);
    uint64_t read_only = (uint64_t)open_path("/tmp/f", LINUX_O_RDONLY, 0);
    uint64_t write_only = (uint64_t)open_path("/tmp/f", LINUX_O_WRONLY, 0);
    uint64_t neither = (uint64_t)open_path("/tmp/f", LINUX_O_ACCMODE, 0);
    char bytes[4];
    CHECK_EQ_U64(write_text(read_only, "x"), -LINUX_EBADF);
    CHECK_EQ_U64(read_into(write_only, bytes, 1), -LINUX_EBADF);
    CHECK_EQ_U64(read_into(neither, bytes, 1), -LINUX_EBADF);
    CHECK_EQ_U64(write_text(neither, "x"), -LINUX_EBADF);
    CHECK_EQ_U64(vfs_truncate(&vfs, read_only, 0), -LINUX_EINVAL);
    CHECK_EQ_U64(vfs_sync(&vfs, read_only), 0);
}

static void o_append_writes_at_the_end(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "abc", 0644);
    uint64_t handle = (uint64_t)open_path("/tmp/f", LINUX_O_RDWR | LINUX_O_APPEND, 0);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 1, LINUX_SEEK_SET), 1);
    CHECK_EQ_U64(write_text(handle, "de"), 2);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 0, LINUX_SEEK_CUR), 5);
    /* pwrite on an O_APPEND file appends too, as on Linux. */
    struct client window;
    CHECK_EQ_U64(vfs_pwrite(&vfs, handle, client(&window, "f", 1), 1, 0), 1);
    char bytes[8] = {0};
    CHECK_EQ_U64(vfs_pread(&vfs, handle, client(&window, bytes, 8), 8, 0), 6);
    CHECK_EQ_STR(bytes, "abcdef");
    /* F_SETFL can take O_APPEND away. */
    CHECK_EQ_U64(file_table_set_flags(&vfs.files, handle, 0), 0);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 0, LINUX_SEEK_SET), 0);
    CHECK_EQ_U64(write_text(handle, "X"), 1);
    CHECK_EQ_U64(vfs_pread(&vfs, handle, client(&window, bytes, 8), 8, 0), 6);
    CHECK_EQ_STR(bytes, "Xbcdef");
}

static void pread_and_pwrite_leave_the_offset(void)
{
    fresh_vfs();
    uint64_t handle = open_tmp("/tmp/f", LINUX_O_RDWR);
    struct client window;
    CHECK_EQ_U64(vfs_pwrite(&vfs, handle, client(&window, "xyz", 3), 3, 10), 3);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 0, LINUX_SEEK_CUR), 0);
    char bytes[3];
    CHECK_EQ_U64(vfs_pread(&vfs, handle, client(&window, bytes, 3), 3, 11), 2);
    CHECK(memcmp(bytes, "yz", 2) == 0);
    CHECK_EQ_U64(vfs_pread(&vfs, handle, client(&window, bytes, 3), 3, -1), -LINUX_EINVAL);
    CHECK_EQ_U64(vfs_pwrite(&vfs, handle, client(&window, bytes, 3), 3, -1), -LINUX_EINVAL);
    CHECK_EQ_U64(vfs_pread(&vfs, handle, client(&window, bytes, 3), 3, 100), 0);
}

static void seek_follows_whence_and_rejects_negative_offsets(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "0123456789", 0644);
    uint64_t handle = (uint64_t)open_path("/tmp/f", LINUX_O_RDONLY, 0);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 4, LINUX_SEEK_SET), 4);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 2, LINUX_SEEK_CUR), 6);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, -3, LINUX_SEEK_END), 7);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 100, LINUX_SEEK_END), 110);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, -1, LINUX_SEEK_SET), -LINUX_EINVAL);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, -11, LINUX_SEEK_END), -LINUX_EINVAL);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, INT64_MAX, LINUX_SEEK_CUR), -LINUX_EINVAL);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 0, 3), -LINUX_EINVAL);
    /* A failed seek leaves the offset. */
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 0, LINUX_SEEK_CUR), 110);
    char byte;
    CHECK_EQ_U64(read_into(handle, &byte, 1), 0);
}

static void holes_read_as_zeros_and_take_no_blocks(void)
{
    fresh_vfs();
    uint64_t handle = open_tmp("/tmp/sparse", LINUX_O_RDWR);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 3 * VFS_PAGE_SIZE + 5, LINUX_SEEK_SET), 3 * VFS_PAGE_SIZE + 5);
    CHECK_EQ_U64(write_text(handle, "end"), 3);
    struct linux_stat stat;
    CHECK_EQ_U64(vfs_fstat(&vfs, handle, &stat), 0);
    CHECK_EQ_U64(stat.st_size, 3 * VFS_PAGE_SIZE + 8);
    CHECK_EQ_U64(stat.st_blocks, 8);
    CHECK_EQ_U64(stat.st_blksize, 4096);
    static uint8_t bytes[4 * VFS_PAGE_SIZE];
    memset(bytes, 0xff, sizeof(bytes));
    struct client window;
    CHECK_EQ_U64(vfs_pread(&vfs, handle, client(&window, bytes, sizeof(bytes)), sizeof(bytes), 0),
                 3 * VFS_PAGE_SIZE + 8);
    bool zeros = true;
    for (size_t i = 0; i < 3 * VFS_PAGE_SIZE + 5; i++)
        zeros = zeros && bytes[i] == 0;
    CHECK(zeros);
    CHECK(memcmp(&bytes[3 * VFS_PAGE_SIZE + 5], "end", 3) == 0);
}

static void far_offsets_grow_the_index_and_truncate_frees_it(void)
{
    fresh_vfs();
    uint64_t handle = open_tmp("/tmp/far", LINUX_O_RDWR);
    long pages_before = pages_in_use;
    struct client window;
    const int64_t offsets[] = {5, 3 << 20, 1LL << 31, (1LL << 39) - 3};
    for (size_t i = 0; i < 4; i++)
        CHECK_EQ_U64(vfs_pwrite(&vfs, handle, client(&window, "abc", 3), 3, offsets[i]), 3);
    for (size_t i = 0; i < 4; i++) {
        char bytes[3] = {0};
        CHECK_EQ_U64(vfs_pread(&vfs, handle, client(&window, bytes, 3), 3, offsets[i]), 3);
        CHECK(memcmp(bytes, "abc", 3) == 0);
    }
    CHECK_EQ_U64(file_size("/tmp/far"), 1ULL << 39);
    CHECK_EQ_U64(vfs_pwrite(&vfs, handle, client(&window, "abc", 3), 3, 1LL << 39), -LINUX_EFBIG);
    CHECK_EQ_U64(vfs_truncate(&vfs, handle, 4), 0);
    CHECK_EQ_U64(pages_in_use, pages_before + 1);
    char bytes[8] = {0};
    CHECK_EQ_U64(vfs_pread(&vfs, handle, client(&window, bytes, 8), 8, 0), 4);
    CHECK(memcmp(bytes, "\0\0\0\0", 4) == 0);
    CHECK_EQ_U64(vfs_truncate(&vfs, handle, 0), 0);
    CHECK_EQ_U64(pages_in_use, pages_before);
}

static void truncate_shrinks_and_grows_with_zeros(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "abcdefgh", 0644);
    uint64_t handle = (uint64_t)open_path("/tmp/f", LINUX_O_RDWR, 0);
    CHECK_EQ_U64(vfs_truncate(&vfs, handle, 3), 0);
    CHECK_EQ_U64(file_size("/tmp/f"), 3);
    CHECK_EQ_U64(vfs_truncate(&vfs, handle, 6), 0);
    char bytes[8];
    memset(bytes, 0xff, sizeof(bytes));
    struct client window;
    CHECK_EQ_U64(vfs_pread(&vfs, handle, client(&window, bytes, 8), 8, 0), 6);
    CHECK(memcmp(bytes, "abc\0\0\0", 6) == 0);
    CHECK_EQ_U64(vfs_truncate(&vfs, handle, -1), -LINUX_EINVAL);
    CHECK_EQ_U64(vfs_truncate(&vfs, handle, (1LL << 39) + 1), -LINUX_EFBIG);
    uint64_t directory = (uint64_t)open_path("/tmp", LINUX_O_RDONLY, 0);
    CHECK_EQ_U64(vfs_truncate(&vfs, directory, 0), -LINUX_EINVAL);
}

static void changes_move_the_modification_time(void)
{
    fresh_vfs();
    uint64_t handle = open_tmp("/tmp/f", LINUX_O_RDWR);
    struct linux_stat before, after;
    CHECK_EQ_U64(vfs_fstat(&vfs, handle, &before), 0);
    CHECK_EQ_U64(write_text(handle, "x"), 1);
    CHECK_EQ_U64(vfs_fstat(&vfs, handle, &after), 0);
    CHECK(after.st_mtime_sec > before.st_mtime_sec);
    CHECK(after.st_ctime_sec > before.st_ctime_sec);
    struct linux_stat directory_before, directory_after;
    CHECK_EQ_U64(stat_path("/tmp", &directory_before), 0);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/f", 0), 0);
    CHECK_EQ_U64(stat_path("/tmp", &directory_after), 0);
    CHECK(directory_after.st_mtime_sec > directory_before.st_mtime_sec);
}

static void an_unlinked_file_lives_until_its_last_close(void)
{
    fresh_vfs();
    long pages_before = pages_in_use;
    uint64_t handle = open_tmp("/tmp/f", LINUX_O_RDWR);
    CHECK_EQ_U64(write_text(handle, "still here"), 10);
    CHECK_EQ_U64(file_table_retain(&vfs.files, handle), 0);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/f", 0), 0);
    CHECK_EQ_U64(file_size("/tmp/f"), -LINUX_ENOENT);
    struct linux_stat stat;
    CHECK_EQ_U64(vfs_fstat(&vfs, handle, &stat), 0);
    CHECK_EQ_U64(stat.st_nlink, 0);
    CHECK_EQ_U64(stat.st_size, 10);
    char bytes[16] = {0};
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 0, LINUX_SEEK_SET), 0);
    CHECK_EQ_U64(read_into(handle, bytes, sizeof(bytes)), 10);
    CHECK_EQ_STR(bytes, "still here");
    /* A new file of the same name is another node. */
    make_file_as(&root, "/tmp/f", "new", 0644);
    CHECK_EQ_U64(vfs_close(&vfs, handle), 0);
    CHECK_EQ_U64(vfs_fstat(&vfs, handle, &stat), 0);
    long pages_with_both = pages_in_use;
    CHECK_EQ_U64(vfs_close(&vfs, handle), 0);
    CHECK_EQ_U64(pages_in_use, pages_with_both - 1);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/f", 0), 0);
    CHECK_EQ_U64(pages_in_use, pages_with_both - 2);
    CHECK(pages_in_use >= pages_before);
}

static void renaming_over_an_open_file_keeps_it_readable(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/old", "old", 0644);
    make_file_as(&root, "/tmp/new", "new", 0644);
    uint64_t handle = (uint64_t)open_path("/tmp/old", LINUX_O_RDONLY, 0);
    CHECK_EQ_U64(rename_as(&root, "/tmp/new", "/tmp/old"), 0);
    char bytes[4] = {0};
    CHECK_EQ_U64(read_into(handle, bytes, 3), 3);
    CHECK_EQ_STR(bytes, "old");
    CHECK_EQ_U64(vfs_close(&vfs, handle), 0);
}

/* Collects the names getdents returns, reading with a buffer of `size`. */
static int list_names(uint64_t handle, size_t size, char names[][16], int max)
{
    static uint8_t bytes[4096];
    int count = 0;
    for (;;) {
        struct client window;
        int64_t got = vfs_getdents(&vfs, handle, client(&window, bytes, size), size);
        CHECK(got >= 0);
        if (got <= 0)
            return count;
        for (int64_t at = 0; at < got;) {
            struct linux_dirent64 *entry = (struct linux_dirent64 *)&bytes[at];
            CHECK_EQ_U64(entry->d_reclen % 8, 0);
            if (count < max)
                snprintf(names[count], 16, "%s", entry->d_name);
            count++;
            at += entry->d_reclen;
        }
    }
}

static void getdents_lists_dot_dotdot_and_entries_with_types(void)
{
    fresh_vfs();
    uint64_t handle = (uint64_t)open_path("/dev", LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
    static uint8_t bytes[1024];
    struct client window;
    int64_t got = vfs_getdents(&vfs, handle, client(&window, bytes, sizeof(bytes)), sizeof(bytes));
    CHECK(got > 0);
    const char *expected[] = {".", "..", "console", "tty", "stderr", "null", "zero",
                              "userfaultfd", "shm", "mqueue"};
    const uint8_t types[] = {LINUX_DT_DIR, LINUX_DT_DIR, LINUX_DT_CHR, LINUX_DT_CHR, LINUX_DT_CHR,
                             LINUX_DT_CHR, LINUX_DT_CHR, LINUX_DT_CHR, LINUX_DT_DIR, LINUX_DT_DIR};
    int64_t at = 0;
    struct linux_stat dev, slash;
    CHECK_EQ_U64(stat_path("/dev", &dev), 0);
    CHECK_EQ_U64(stat_path("/", &slash), 0);
    for (int i = 0; i < 10; i++) {
        struct linux_dirent64 *entry = (struct linux_dirent64 *)&bytes[at];
        CHECK(at < got);
        CHECK_EQ_STR(entry->d_name, expected[i]);
        CHECK_EQ_U64(entry->d_type, types[i]);
        if (i == 0)
            CHECK_EQ_U64(entry->d_ino, dev.st_ino);
        if (i == 1)
            CHECK_EQ_U64(entry->d_ino, slash.st_ino);
        CHECK_EQ_U64(entry->d_reclen, (19 + strlen(expected[i]) + 1 + 7) & ~7u);
        at += entry->d_reclen;
    }
    CHECK_EQ_U64(at, got);
    CHECK_EQ_U64(vfs_getdents(&vfs, handle, client(&window, bytes, sizeof(bytes)), sizeof(bytes)), 0);
    /* Seeking back to 0 lists again (rewinddir). */
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 0, LINUX_SEEK_SET), 0);
    CHECK_EQ_U64(vfs_getdents(&vfs, handle, client(&window, bytes, sizeof(bytes)), sizeof(bytes)), got);
}

/* Lists what one getdents call gives into names (one string, each name
 * followed by a space); the call's result. */
static int64_t list_once(uint64_t handle, size_t size, char *names)
{
    static uint8_t bytes[1024];
    struct client window;
    int64_t got = vfs_getdents(&vfs, handle, client(&window, bytes, size), size);
    for (int64_t at = 0; at < got;) {
        struct linux_dirent64 *entry = (struct linux_dirent64 *)&bytes[at];
        strcat(names, entry->d_name);
        strcat(names, " ");
        at += entry->d_reclen;
    }
    return got;
}

static void dev_mqueue_lists_the_servers_queues_where_it_stopped(void)
{
    fresh_vfs();
    test_queues[0] = (struct test_queue){"first", 3};
    test_queues[1] = (struct test_queue){"second", 7};
    test_queues[2] = (struct test_queue){"third", 9};
    test_queue_count = 3;
    uint64_t handle = (uint64_t)open_path("/dev/mqueue", LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
    char names[256] = "";
    /* Room for three records: ".", ".." (24 bytes each), "first" (32). */
    CHECK_EQ_U64(list_once(handle, 80, names), 80);
    CHECK_EQ_STR(names, ". .. first ");
    /* "second" goes and "zeroth" comes before where the listing is: it
     * goes on after "first" all the same. */
    test_queues[1] = (struct test_queue){"zeroth", 1};
    names[0] = 0;
    CHECK(list_once(handle, 1024, names) > 0);
    CHECK_EQ_STR(names, "third ");
    CHECK_EQ_U64(list_once(handle, 1024, names), 0);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 0, LINUX_SEEK_SET), 0);
    names[0] = 0;
    CHECK(list_once(handle, 1024, names) > 0);
    CHECK_EQ_STR(names, ". .. zeroth first third ");
    test_queue_count = 0;
}

static void dev_stderr_writes_on_the_consoles_diagnostics_channel(void)
{
    fresh_vfs();
    console_length = console_error_bytes = 0;
    uint64_t console = (uint64_t)open_path("/dev/console", LINUX_O_WRONLY, 0);
    uint64_t errors = (uint64_t)open_path("/dev/stderr", LINUX_O_WRONLY, 0);
    CHECK_EQ_U64(write_text(console, "out "), 4);
    CHECK_EQ_U64(write_text(errors, "oops"), 4);
    CHECK_EQ_STR(console_output, "out oops");
    CHECK_EQ_U64(console_error_bytes, 4);
    /* It is a terminal like the console, and as unseekable. */
    CHECK_EQ_U64(vfs_seek(&vfs, errors, 0, LINUX_SEEK_SET), -LINUX_ESPIPE);
}

static void getdents_resumes_across_small_buffers(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d", 0755), 0);
    make_file_as(&root, "/tmp/d/one", "", 0644);
    make_file_as(&root, "/tmp/d/two", "", 0644);
    make_file_as(&root, "/tmp/d/three", "", 0644);
    uint64_t handle = (uint64_t)open_path("/tmp/d", LINUX_O_RDONLY, 0);
    char names[8][16];
    /* 32 bytes hold one record of these names at a time. */
    CHECK_EQ_U64(list_names(handle, 32, names, 8), 5);
    CHECK_EQ_STR(names[0], ".");
    CHECK_EQ_STR(names[1], "..");
    CHECK_EQ_STR(names[2], "one");
    CHECK_EQ_STR(names[3], "two");
    CHECK_EQ_STR(names[4], "three");
    static uint8_t bytes[16];
    struct client window;
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 0, LINUX_SEEK_SET), 0);
    CHECK_EQ_U64(vfs_getdents(&vfs, handle, client(&window, bytes, 16), 16), -LINUX_EINVAL);
}

static void getdents_survives_changes_between_calls(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d", 0755), 0);
    make_file_as(&root, "/tmp/d/a", "", 0644);
    make_file_as(&root, "/tmp/d/b", "", 0644);
    make_file_as(&root, "/tmp/d/c", "", 0644);
    uint64_t handle = (uint64_t)open_path("/tmp/d", LINUX_O_RDONLY, 0);
    static uint8_t bytes[256];
    struct client window;
    /* ".", ".." and "a" fit in 72 bytes (24 each). */
    CHECK_EQ_U64(vfs_getdents(&vfs, handle, client(&window, bytes, 72), 72), 72);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/d/a", 0), 0);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/d/b", 0), 0);
    make_file_as(&root, "/tmp/d/e", "", 0644);
    char names[8][16];
    CHECK_EQ_U64(list_names(handle, sizeof(bytes), names, 8), 2);
    CHECK_EQ_STR(names[0], "c");
    CHECK_EQ_STR(names[1], "e");
}

static void getdents_wants_an_open_directory(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "", 0644);
    uint64_t file = (uint64_t)open_path("/tmp/f", LINUX_O_RDONLY, 0);
    uint64_t path_only = (uint64_t)open_path("/tmp", LINUX_O_PATH, 0);
    static uint8_t bytes[256];
    struct client window;
    CHECK_EQ_U64(vfs_getdents(&vfs, file, client(&window, bytes, 256), 256), -LINUX_ENOTDIR);
    CHECK_EQ_U64(vfs_getdents(&vfs, path_only, client(&window, bytes, 256), 256), -LINUX_EBADF);
    /* A buffer the client does not really have is EFAULT. */
    CHECK_EQ_U64(vfs_getdents(&vfs, (uint64_t)open_path("/tmp", 0, 0), client(&window, bytes, 8),
                              256),
                 -LINUX_EFAULT);
    uint64_t directory = (uint64_t)open_path("/tmp", LINUX_O_RDONLY, 0);
    char byte;
    CHECK_EQ_U64(read_into(directory, &byte, 1), -LINUX_EISDIR);
    CHECK_EQ_U64(vfs_seek(&vfs, directory, 0, LINUX_SEEK_END), -LINUX_EINVAL);
}

static void an_o_path_ofd_only_names_its_node(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "abc", 0644);
    uint64_t handle = (uint64_t)open_path("/tmp/f", LINUX_O_PATH, 0);
    struct client window;
    char byte;
    const struct client_buffer *buffer = client(&window, &byte, 1);
    CHECK_EQ_U64(vfs_read(&vfs, handle, buffer, 1), -LINUX_EBADF);
    CHECK_EQ_U64(vfs_write(&vfs, handle, buffer, 1), -LINUX_EBADF);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 0, LINUX_SEEK_SET), -LINUX_EBADF);
    CHECK_EQ_U64(vfs_ioctl(&vfs, handle, LINUX_FIONREAD, buffer), -LINUX_EBADF);
    CHECK_EQ_U64(vfs_truncate(&vfs, handle, 0), -LINUX_EBADF);
    CHECK_EQ_U64(file_table_set_flags(&vfs.files, handle, LINUX_O_APPEND), -LINUX_EBADF);
    CHECK_EQ_U64(vfs_sync(&vfs, handle), -LINUX_EBADF);
    CHECK_EQ_U64(file_table_retain(&vfs.files, handle), 0);
    CHECK_EQ_U64(vfs_close(&vfs, handle), 0);
    CHECK_EQ_U64(vfs_close(&vfs, handle), 0);
}

static void status_flags_read_back_and_only_some_change(void)
{
    fresh_vfs();
    uint64_t handle = open_tmp("/tmp/f", LINUX_O_RDWR | LINUX_O_NONBLOCK | LINUX_O_EXCL |
                                             LINUX_O_TRUNC | LINUX_O_NOCTTY);
    CHECK_EQ_U64(file_table_get_flags(&vfs.files, handle), LINUX_O_RDWR | LINUX_O_NONBLOCK | LINUX_O_LARGEFILE);
    CHECK_EQ_U64(file_table_set_flags(&vfs.files, handle, LINUX_O_WRONLY | LINUX_O_APPEND), 0);
    CHECK_EQ_U64(file_table_get_flags(&vfs.files, handle), LINUX_O_RDWR | LINUX_O_APPEND | LINUX_O_LARGEFILE);
}

static void the_console_writes_out_and_reads_end_of_file(void)
{
    fresh_vfs();
    uint64_t console = (uint64_t)open_path("/dev/console", LINUX_O_RDWR, 0);
    CHECK_EQ_U64(write_text(console, "hello console\n"), 14);
    CHECK_EQ_STR(console_output, "hello console\n");
    static char long_text[1000];
    memset(long_text, 'z', sizeof(long_text) - 1);
    CHECK_EQ_U64(write_text(console, long_text), sizeof(long_text) - 1);
    CHECK_EQ_U64(console_length, 14 + sizeof(long_text) - 1);
    char byte;
    CHECK_EQ_U64(read_into(console, &byte, 1), 0);
    CHECK_EQ_U64(vfs_seek(&vfs, console, 0, LINUX_SEEK_SET), -LINUX_ESPIPE);
    struct client window;
    CHECK_EQ_U64(vfs_pread(&vfs, console, client(&window, &byte, 1), 1, 0), -LINUX_ESPIPE);
    CHECK_EQ_U64(vfs_pwrite(&vfs, console, client(&window, &byte, 1), 1, 0), -LINUX_ESPIPE);
    /* /dev/tty is the same console. */
    uint64_t tty = (uint64_t)open_path("/dev/tty", LINUX_O_WRONLY, 0);
    console_length = 0;
    CHECK_EQ_U64(write_text(tty, "t"), 1);
    CHECK_EQ_STR(console_output, "t");
}

static void the_console_answers_terminal_ioctls(void)
{
    fresh_vfs();
    uint64_t console = (uint64_t)open_path("/dev/console", LINUX_O_RDWR, 0);
    uint8_t termios[36];
    memset(termios, 0xff, sizeof(termios));
    struct client window;
    CHECK_EQ_U64(vfs_ioctl(&vfs, console, LINUX_TCGETS, client(&window, termios, 36)), 0);
    uint32_t local_flags;
    memcpy(&local_flags, &termios[12], 4);
    CHECK(local_flags & 02);    /* ICANON */
    CHECK_EQ_U64(termios[16], 0);   /* c_line */
    CHECK_EQ_U64(termios[17], 3);   /* VINTR: ^C */
    uint16_t size[4];
    CHECK_EQ_U64(vfs_ioctl(&vfs, console, LINUX_TIOCGWINSZ, client(&window, size, 8)), 0);
    CHECK_EQ_U64(size[0], 24);
    CHECK_EQ_U64(size[1], 80);
    CHECK_EQ_U64(size[2], 0);
    CHECK_EQ_U64(size[3], 0);
    CHECK_EQ_U64(vfs_ioctl(&vfs, console, LINUX_TIOCGWINSZ, client(&window, size, 4)),
                 -LINUX_EFAULT);
    CHECK_EQ_U64(vfs_ioctl(&vfs, console, 0x1234, client(&window, size, 8)), -LINUX_ENOTTY);
}

static void the_consoles_settings_and_size_change(void)
{
    fresh_vfs();
    uint64_t console = (uint64_t)open_path("/dev/console", LINUX_O_RDWR, 0);
    struct client window;
    uint8_t termios[36];
    CHECK_EQ_U64(vfs_ioctl(&vfs, console, LINUX_TCGETS, client(&window, termios, 36)), 0);
    termios[12] &= (uint8_t)~010;                   /* ECHO off */
    CHECK_EQ_U64(vfs_ioctl(&vfs, console, 0x5402, client(&window, termios, 36)), 0);  /* TCSETS */
    uint8_t again[36];
    CHECK_EQ_U64(vfs_ioctl(&vfs, console, LINUX_TCGETS, client(&window, again, 36)), 0);
    CHECK(memcmp(termios, again, 36) == 0);
    CHECK_EQ_U64(vfs_ioctl(&vfs, console, 0x5402, client(&window, termios, 20)), -LINUX_EFAULT);
    uint16_t size[4] = {50, 132, 0, 0};
    CHECK_EQ_U64(vfs_ioctl(&vfs, console, 0x5414, client(&window, size, 8)), 0);  /* TIOCSWINSZ */
    CHECK_EQ_U64(terminal_take_signals(&vfs.console), 1ULL << LINUX_SIGWINCH);
    uint16_t read_back[4];
    CHECK_EQ_U64(vfs_ioctl(&vfs, console, LINUX_TIOCGWINSZ, client(&window, read_back, 8)), 0);
    CHECK_EQ_U64(read_back[0], 50);
    CHECK_EQ_U64(read_back[1], 132);
}

static void the_consoles_job_control_is_referred_to_procmgr(void)
{
    fresh_vfs();
    uint64_t console = (uint64_t)open_path("/dev/console", LINUX_O_RDWR, 0);
    uint64_t null = (uint64_t)open_path("/dev/null", LINUX_O_RDWR, 0);
    int32_t value = 0;
    struct client window;
    static const uint64_t requests[] = {0x540e, 0x5422, 0x540f, 0x5410, 0x5429, 0x5412};
    for (unsigned i = 0; i < sizeof requests / sizeof requests[0]; i++) {
        CHECK_EQ_U64(vfs_ioctl(&vfs, console, requests[i], client(&window, &value, 4)),
                     FILE_TERMINAL_REFERRAL);
        CHECK_EQ_U64(vfs_ioctl(&vfs, null, requests[i], client(&window, &value, 4)),
                     -LINUX_ENOTTY);
    }
}

static void files_and_other_devices_are_not_terminals(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "abcdef", 0644);
    uint64_t file = (uint64_t)open_path("/tmp/f", LINUX_O_RDONLY, 0);
    uint64_t null = (uint64_t)open_path("/dev/null", LINUX_O_RDONLY, 0);
    uint64_t directory = (uint64_t)open_path("/tmp", LINUX_O_RDONLY, 0);
    uint8_t termios[36];
    struct client window;
    CHECK_EQ_U64(vfs_ioctl(&vfs, file, LINUX_TCGETS, client(&window, termios, 36)), -LINUX_ENOTTY);
    CHECK_EQ_U64(vfs_ioctl(&vfs, null, LINUX_TCGETS, client(&window, termios, 36)), -LINUX_ENOTTY);
    CHECK_EQ_U64(vfs_ioctl(&vfs, directory, LINUX_TCGETS, client(&window, termios, 36)),
                 -LINUX_ENOTTY);
    int32_t available = 0;
    CHECK_EQ_U64(vfs_seek(&vfs, file, 2, LINUX_SEEK_SET), 2);
    CHECK_EQ_U64(vfs_ioctl(&vfs, file, LINUX_FIONREAD, client(&window, &available, 4)), 0);
    CHECK_EQ_U64(available, 4);
}

static void null_swallows_and_zero_reads_zeros(void)
{
    fresh_vfs();
    uint64_t null = (uint64_t)open_path("/dev/null", LINUX_O_RDWR, 0);
    uint64_t zero = (uint64_t)open_path("/dev/zero", LINUX_O_RDWR, 0);
    CHECK_EQ_U64(write_text(null, "gone"), 4);
    char bytes[5000];
    CHECK_EQ_U64(read_into(null, bytes, sizeof(bytes)), 0);
    memset(bytes, 1, sizeof(bytes));
    CHECK_EQ_U64(read_into(zero, bytes, sizeof(bytes)), sizeof(bytes));
    bool zeros = true;
    for (size_t i = 0; i < sizeof(bytes); i++)
        zeros = zeros && bytes[i] == 0;
    CHECK(zeros);
    CHECK_EQ_U64(write_text(zero, "gone"), 4);
    CHECK_EQ_U64(vfs_seek(&vfs, null, 100, LINUX_SEEK_SET), 0);
    CHECK_EQ_U64(vfs_seek(&vfs, zero, 0, LINUX_SEEK_END), 0);
    CHECK_EQ_STR(console_output, "");
}

/* tmpfs's files are sealed against seals; directories and devices have
 * none. */
static void regular_files_take_no_seals(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "abc", 0644);
    uint64_t file = (uint64_t)open_path("/tmp/f", LINUX_O_RDWR, 0);
    uint64_t read_only = (uint64_t)open_path("/tmp/f", LINUX_O_RDONLY, 0);
    uint64_t null = (uint64_t)open_path("/dev/null", LINUX_O_RDWR, 0);
    uint64_t directory = (uint64_t)open_path("/tmp", LINUX_O_RDONLY, 0);
    CHECK_EQ_U64(vfs_get_seals(&vfs, file), FILE_SEAL_SEAL);
    CHECK_EQ_U64(vfs_get_seals(&vfs, read_only), FILE_SEAL_SEAL);
    CHECK_EQ_U64(vfs_get_seals(&vfs, null), -LINUX_EINVAL);
    CHECK_EQ_U64(vfs_get_seals(&vfs, directory), -LINUX_EINVAL);
    CHECK_EQ_U64(vfs_get_seals(&vfs, 12345), -LINUX_EBADF);
    CHECK_EQ_U64(vfs_add_seals(&vfs, file, FILE_SEAL_WRITE), -LINUX_EPERM);
    CHECK_EQ_U64(vfs_add_seals(&vfs, file, 0x40), -LINUX_EINVAL);
    CHECK_EQ_U64(vfs_add_seals(&vfs, read_only, 0x40), -LINUX_EPERM);
    CHECK_EQ_U64(vfs_add_seals(&vfs, null, FILE_SEAL_WRITE), -LINUX_EINVAL);
    CHECK_EQ_U64(vfs_add_seals(&vfs, directory, FILE_SEAL_WRITE), -LINUX_EPERM);
    CHECK_EQ_U64(vfs_add_seals(&vfs, 12345, FILE_SEAL_WRITE), -LINUX_EBADF);
}

static void running_out_of_pages_is_enospc(void)
{
    fresh_vfs();
    uint64_t handle = open_tmp("/tmp/f", LINUX_O_RDWR);
    static uint8_t bytes[3 * VFS_PAGE_SIZE];
    struct client window;
    pages_left = 2;     /* the first data page and one more */
    CHECK_EQ_U64(vfs_write(&vfs, handle, client(&window, bytes, sizeof(bytes)), sizeof(bytes)),
                 VFS_PAGE_SIZE);
    pages_left = 0;
    CHECK_EQ_U64(vfs_write(&vfs, handle, client(&window, bytes, sizeof(bytes)), sizeof(bytes)),
                 -LINUX_ENOSPC);
    pages_left = -1;
    CHECK_EQ_U64(file_size("/tmp/f"), VFS_PAGE_SIZE);
}

static void a_buffer_the_client_lacks_is_efault(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "abcdefgh", 0644);
    uint64_t handle = (uint64_t)open_path("/tmp/f", LINUX_O_RDWR, 0);
    char bytes[8];
    struct client window;
    /* The client says 8 bytes but its window holds none. */
    CHECK_EQ_U64(vfs_read(&vfs, handle, client(&window, bytes, 0), 8), -LINUX_EFAULT);
    CHECK_EQ_U64(vfs_seek(&vfs, handle, 0, LINUX_SEEK_CUR), 0);
    CHECK_EQ_U64(vfs_write(&vfs, handle, client(&window, bytes, 0), 8), -LINUX_EFAULT);
    CHECK_EQ_U64(file_size("/tmp/f"), 8);
    /* A write that fails part way reports what it wrote. */
    static uint8_t big[2 * VFS_PAGE_SIZE];
    CHECK_EQ_U64(vfs_write(&vfs, handle, client(&window, big, VFS_PAGE_SIZE + 10), sizeof(big)),
                 VFS_PAGE_SIZE);
    uint64_t console = (uint64_t)open_path("/dev/console", LINUX_O_WRONLY, 0);
    CHECK_EQ_U64(vfs_write(&vfs, console, client(&window, bytes, 0), 8), -LINUX_EFAULT);
    struct linux_stat stat;
    CHECK_EQ_U64(vfs_fstat(&vfs, handle, &stat), 0);
}

int main(void)
{
    RUN_TEST(written_bytes_read_back);
    RUN_TEST(descriptors_of_one_ofd_share_the_offset);
    RUN_TEST(a_stale_handle_does_not_reach_a_reused_ofd);
    RUN_TEST(unknown_handles_are_ebadf);
    RUN_TEST(the_access_mode_limits_reads_and_writes);
    RUN_TEST(o_append_writes_at_the_end);
    RUN_TEST(pread_and_pwrite_leave_the_offset);
    RUN_TEST(seek_follows_whence_and_rejects_negative_offsets);
    RUN_TEST(holes_read_as_zeros_and_take_no_blocks);
    RUN_TEST(far_offsets_grow_the_index_and_truncate_frees_it);
    RUN_TEST(truncate_shrinks_and_grows_with_zeros);
    RUN_TEST(changes_move_the_modification_time);
    RUN_TEST(an_unlinked_file_lives_until_its_last_close);
    RUN_TEST(renaming_over_an_open_file_keeps_it_readable);
    RUN_TEST(getdents_lists_dot_dotdot_and_entries_with_types);
    RUN_TEST(dev_mqueue_lists_the_servers_queues_where_it_stopped);
    RUN_TEST(getdents_resumes_across_small_buffers);
    RUN_TEST(getdents_survives_changes_between_calls);
    RUN_TEST(getdents_wants_an_open_directory);
    RUN_TEST(an_o_path_ofd_only_names_its_node);
    RUN_TEST(status_flags_read_back_and_only_some_change);
    RUN_TEST(the_console_writes_out_and_reads_end_of_file);
    RUN_TEST(dev_stderr_writes_on_the_consoles_diagnostics_channel);
    RUN_TEST(the_console_answers_terminal_ioctls);
    RUN_TEST(the_consoles_settings_and_size_change);
    RUN_TEST(the_consoles_job_control_is_referred_to_procmgr);
    RUN_TEST(files_and_other_devices_are_not_terminals);
    RUN_TEST(null_swallows_and_zero_reads_zeros);
    RUN_TEST(regular_files_take_no_seals);
    RUN_TEST(running_out_of_pages_is_enospc);
    RUN_TEST(a_buffer_the_client_lacks_is_efault);
    return check_report();
}
