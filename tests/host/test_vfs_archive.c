/* The boot archive: a CPIO newc image mounted read-only at "/". */
#include "test_vfs_support.h"

static struct cpio archive;

static void load_sample_archive(void)
{
    fresh_vfs();
    memset(&archive, 0, sizeof(archive));
    cpio_add(&archive, ".", LINUX_S_IFDIR | 0700, NULL, 0);
    cpio_add(&archive, "./bin", LINUX_S_IFDIR | 0755, NULL, 100);
    cpio_add(&archive, "./bin/program", LINUX_S_IFREG | 0755, "\177ELF program", 1234);
    cpio_add(&archive, "/etc/motd", LINUX_S_IFREG | 0644, "welcome\n", 0);
    cpio_add(&archive, "empty", LINUX_S_IFREG | 0600, NULL, 0);
    cpio_add(&archive, "link", 0120777, "bin/program", 0);
    cpio_add(&archive, "tmp/planted", LINUX_S_IFREG | 0644, "no", 0);
    cpio_add(&archive, "dev/planted", LINUX_S_IFREG | 0644, "no", 0);
    cpio_add(&archive, "../escape", LINUX_S_IFREG | 0644, "no", 0);
    cpio_finish(&archive);
    CHECK_EQ_U64(vfs_load_archive(&vfs, archive.bytes, archive.length), 0);
}

static void files_and_directories_appear_with_their_modes(void)
{
    load_sample_archive();
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("/bin", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFDIR | 0755);
    CHECK_EQ_U64(stat.st_mtime_sec, 100);
    CHECK_EQ_U64(stat_path("/bin/program", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFREG | 0755);
    CHECK_EQ_U64(stat.st_size, 12);
    CHECK_EQ_U64(stat.st_uid, 0);
    CHECK_EQ_U64(stat.st_gid, 0);
    CHECK_EQ_U64(stat.st_mtime_sec, 1234);
    CHECK_EQ_U64(stat.st_blocks, 8);
    CHECK_EQ_U64(stat.st_nlink, 1);
    /* Directories missing from the archive are made on the way. */
    CHECK_EQ_U64(stat_path("/etc", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFDIR | 0755);
    CHECK_EQ_U64(file_size("/etc/motd"), 8);
    CHECK_EQ_U64(file_size("/empty"), 0);
    /* "." does not change "/". */
    CHECK_EQ_U64(stat_path("/", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFDIR | 0755);
}

static void contents_are_read_in_place(void)
{
    load_sample_archive();
    int64_t handle = open_path("/etc/motd", LINUX_O_RDONLY, 0);
    CHECK(handle > 0);
    char bytes[16] = {0};
    CHECK_EQ_U64(read_into((uint64_t)handle, bytes, sizeof(bytes)), 8);
    CHECK_EQ_STR(bytes, "welcome\n");
    struct client window;
    memset(bytes, 0, sizeof(bytes));
    CHECK_EQ_U64(vfs_pread(&vfs, (uint64_t)handle, client(&window, bytes, 4), 4, 3), 4);
    CHECK_EQ_STR(bytes, "come");
    CHECK_EQ_U64(vfs_pread(&vfs, (uint64_t)handle, client(&window, bytes, 4), 4, 8), 0);
    CHECK_EQ_U64(vfs_seek(&vfs, (uint64_t)handle, 0, LINUX_SEEK_END), 8);
    CHECK_EQ_U64(vfs_read(&vfs, (uint64_t)handle, client(&window, bytes, 0), 4), 0);
    CHECK_EQ_U64(vfs_seek(&vfs, (uint64_t)handle, 0, LINUX_SEEK_SET), 0);
    CHECK_EQ_U64(vfs_read(&vfs, (uint64_t)handle, client(&window, bytes, 0), 4), -LINUX_EFAULT);
}

static void the_archive_cannot_change(void)
{
    load_sample_archive();
    CHECK_EQ_U64(open_path("/etc/motd", LINUX_O_WRONLY, 0), -LINUX_EROFS);
    CHECK_EQ_U64(open_path("/etc/motd", LINUX_O_RDONLY | LINUX_O_TRUNC, 0), -LINUX_EROFS);
    CHECK_EQ_U64(open_path("/etc/new", LINUX_O_WRONLY | LINUX_O_CREAT, 0644), -LINUX_EROFS);
    CHECK_EQ_U64(unlink_as(&root, "/etc/motd", 0), -LINUX_EROFS);
    CHECK_EQ_U64(unlink_as(&root, "/etc", LINUX_AT_REMOVEDIR), -LINUX_EROFS);
    CHECK_EQ_U64(mkdir_as(&root, "/etc/sub", 0755), -LINUX_EROFS);
    CHECK_EQ_U64(rename_as(&root, "/etc/motd", "/etc/motd2"), -LINUX_EROFS);
    CHECK_EQ_U64(vfs_chmod(&vfs, &root, VFS_ROOT_DIRECTORY, "/etc/motd", 9, 0777, 0), -LINUX_EROFS);
    CHECK_EQ_U64(access_as(&root, "/etc/motd", LINUX_W_OK), -LINUX_EROFS);
    CHECK_EQ_U64(access_as(&alice, "/etc/motd", LINUX_R_OK), 0);
    /* Opening an existing file with O_CREAT but no write is fine. */
    CHECK(open_path("/etc/motd", LINUX_O_RDONLY | LINUX_O_CREAT, 0644) > 0);
    CHECK_EQ_U64(open_path("/etc/motd", LINUX_O_RDONLY | LINUX_O_CREAT | LINUX_O_EXCL, 0644),
                 -LINUX_EEXIST);
}

static void programs_open_for_exec(void)
{
    load_sample_archive();
    CHECK(open_as(&alice, VFS_ROOT_DIRECTORY, "/bin/program", VFS_CORE_OPEN_EXEC, 0) > 0);
    CHECK_EQ_U64(open_as(&alice, VFS_ROOT_DIRECTORY, "/etc/motd", VFS_CORE_OPEN_EXEC, 0),
                 -LINUX_EACCES);
    CHECK_EQ_U64(open_as(&alice, VFS_ROOT_DIRECTORY, "/empty", LINUX_O_RDONLY, 0), -LINUX_EACCES);
}

static void links_special_files_and_paths_outside_the_archive_are_skipped(void)
{
    load_sample_archive();
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("/link", &stat), -LINUX_ENOENT);
    CHECK_EQ_U64(stat_path("/tmp/planted", &stat), -LINUX_ENOENT);
    CHECK_EQ_U64(stat_path("/dev/planted", &stat), -LINUX_ENOENT);
    CHECK_EQ_U64(stat_path("/escape", &stat), -LINUX_ENOENT);
    CHECK_EQ_U64(stat_path("/tmp", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFDIR | LINUX_S_ISVTX | 0777);
}

static void a_later_entry_for_a_path_wins(void)
{
    fresh_vfs();
    memset(&archive, 0, sizeof(archive));
    cpio_add(&archive, "file", LINUX_S_IFREG | 0644, "first", 0);
    cpio_add(&archive, "file", LINUX_S_IFREG | 0600, "second!", 0);
    cpio_add(&archive, "file", LINUX_S_IFDIR | 0755, NULL, 0);
    cpio_finish(&archive);
    CHECK_EQ_U64(vfs_load_archive(&vfs, archive.bytes, archive.length), 0);
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("/file", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFREG | 0600);
    CHECK_EQ_U64(stat.st_size, 7);
}

static void an_archive_without_trailer_ends_at_its_size(void)
{
    fresh_vfs();
    memset(&archive, 0, sizeof(archive));
    cpio_add(&archive, "file", LINUX_S_IFREG | 0644, "x", 0);
    CHECK_EQ_U64(vfs_load_archive(&vfs, archive.bytes, archive.length), 0);
    CHECK_EQ_U64(file_size("/file"), 1);
    CHECK_EQ_U64(vfs_load_archive(&vfs, archive.bytes, 0), 0);
}

/* Copies the archive to a buffer of exactly `length` bytes, so that
 * AddressSanitizer sees any read past it. */
static int load_exactly(const uint8_t *bytes, size_t length)
{
    /* The nodes of the last load point into its copy: it lives until the
     * next load makes a fresh tree. */
    static uint8_t *copy;
    free(copy);
    copy = malloc(length);
    memcpy(copy, bytes, length);
    fresh_vfs();
    return vfs_load_archive(&vfs, copy, length);
}

static void malformed_archives_are_einval(void)
{
    memset(&archive, 0, sizeof(archive));
    cpio_add(&archive, "some/file", LINUX_S_IFREG | 0644, "contents", 0);
    cpio_finish(&archive);
    /* Header 110, name 10 (to 120 with padding), data 8: any cut before
     * 128 is malformed; at 128 the archive merely lacks its trailer. */
    for (size_t length = 1; length < 128; length++)
        CHECK_EQ_U64(load_exactly(archive.bytes, length), -LINUX_EINVAL);
    CHECK_EQ_U64(load_exactly(archive.bytes, 128), 0);

    uint8_t bad[sizeof(archive.bytes)];
    memcpy(bad, archive.bytes, archive.length);
    bad[5] = '7';
    CHECK_EQ_U64(load_exactly(bad, archive.length), -LINUX_EINVAL);
    memcpy(bad, archive.bytes, archive.length);
    bad[6 + 8 * 6] = 'g';   /* a filesize digit */
    CHECK_EQ_U64(load_exactly(bad, archive.length), -LINUX_EINVAL);
    memcpy(bad, archive.bytes, archive.length);
    memcpy(&bad[6 + 8 * 6], "7FFFFFFF", 8);
    CHECK_EQ_U64(load_exactly(bad, archive.length), -LINUX_EINVAL);
    memcpy(bad, archive.bytes, archive.length);
    memcpy(&bad[6 + 8 * 11], "00000000", 8);
    CHECK_EQ_U64(load_exactly(bad, archive.length), -LINUX_EINVAL);
    memcpy(bad, archive.bytes, archive.length);
    memcpy(&bad[6 + 8 * 11], "FFFFFFFF", 8);
    CHECK_EQ_U64(load_exactly(bad, archive.length), -LINUX_EINVAL);
    /* The entries before a bad header stay. */
    CHECK_EQ_U64(load_exactly(archive.bytes, archive.length - 1), -LINUX_EINVAL);
    CHECK_EQ_U64(file_size("/some/file"), 8);
    load_exactly(archive.bytes, 0);
}

/* Hard links (busybox's applets): cpio writes the data with the last
 * name only; every name is the same node with all of it. */
static void hard_links_are_one_file(void)
{
    fresh_vfs();
    memset(&archive, 0, sizeof(archive));
    cpio_add_link(&archive, "bin/ls", LINUX_S_IFREG | 0755, NULL, 0, 9, 3);
    cpio_add_link(&archive, "bin/cat", LINUX_S_IFREG | 0755, NULL, 0, 9, 3);
    cpio_add(&archive, "bin/other", LINUX_S_IFREG | 0755, "another", 0);
    cpio_add_link(&archive, "bin/busybox", LINUX_S_IFREG | 0755, "the program", 0, 9, 3);
    cpio_finish(&archive);
    CHECK_EQ_U64(vfs_load_archive(&vfs, archive.bytes, archive.length), 0);
    struct linux_stat ls, cat, busybox, other;
    CHECK_EQ_U64(stat_path("/bin/ls", &ls), 0);
    CHECK_EQ_U64(stat_path("/bin/cat", &cat), 0);
    CHECK_EQ_U64(stat_path("/bin/busybox", &busybox), 0);
    CHECK_EQ_U64(stat_path("/bin/other", &other), 0);
    CHECK_EQ_U64(ls.st_ino, busybox.st_ino);
    CHECK_EQ_U64(cat.st_ino, busybox.st_ino);
    CHECK(other.st_ino != busybox.st_ino);
    CHECK_EQ_U64(busybox.st_nlink, 3);
    CHECK_EQ_U64(ls.st_size, 11);
    int64_t handle = open_path("/bin/cat", LINUX_O_RDONLY, 0);
    char bytes[16] = {0};
    CHECK_EQ_U64(read_into((uint64_t)handle, bytes, sizeof bytes), 11);
    CHECK_EQ_STR(bytes, "the program");
}

int main(void)
{
    RUN_TEST(files_and_directories_appear_with_their_modes);
    RUN_TEST(contents_are_read_in_place);
    RUN_TEST(the_archive_cannot_change);
    RUN_TEST(programs_open_for_exec);
    RUN_TEST(links_special_files_and_paths_outside_the_archive_are_skipped);
    RUN_TEST(a_later_entry_for_a_path_wins);
    RUN_TEST(an_archive_without_trailer_ends_at_its_size);
    RUN_TEST(malformed_archives_are_einval);
    RUN_TEST(hard_links_are_one_file);
    return check_report();
}
