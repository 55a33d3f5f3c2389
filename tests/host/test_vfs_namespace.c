/* The vfs core's path namespace: resolution, permissions, the read-only
 * mounts, and every path operation with its errors. */
#include "test_vfs_support.h"

static uint64_t inode_of(const char *path)
{
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path(path, &stat), 0);
    return stat.st_ino;
}

static void the_initial_tree_has_tmp_dev_devices_and_shm(void)
{
    fresh_vfs();
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("/", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFDIR | 0755);
    CHECK_EQ_U64(stat_path("/tmp", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFDIR | LINUX_S_ISVTX | 0777);
    CHECK_EQ_U64(stat_path("/dev/null", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFCHR | 0666);
    CHECK_EQ_U64(stat.st_rdev, (1 << 8) | 3);
    CHECK_EQ_U64(stat_path("/dev/zero", &stat), 0);
    CHECK_EQ_U64(stat.st_rdev, (1 << 8) | 5);
    CHECK_EQ_U64(stat_path("/dev/console", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFCHR | 0600);
    CHECK_EQ_U64(stat_path("/dev/tty", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFCHR | 0666);
    CHECK_EQ_U64(stat.st_blksize, 4096);
    CHECK_EQ_U64(stat_path("/dev/shm", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFDIR | LINUX_S_ISVTX | 0777);
    CHECK_EQ_U64(stat.st_uid, 0);
    CHECK_EQ_U64(stat.st_nlink, 2);
}

/* Each file system has its own st_dev, as each mount has on Linux. */
static uint64_t device_of(const char *path)
{
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path(path, &stat), 0);
    return stat.st_dev;
}

static void dev_shm_is_a_writable_file_system_of_its_own(void)
{
    fresh_vfs();
    CHECK_EQ_U64(device_of("/"), 1);
    CHECK_EQ_U64(device_of("/tmp"), 2);
    CHECK_EQ_U64(device_of("/dev"), 3);
    CHECK_EQ_U64(device_of("/dev/shm"), 4);
    make_file_as(&alice, "/dev/shm/object", "shared", 0600);
    CHECK_EQ_U64(device_of("/dev/shm/object"), 4);
    CHECK_EQ_U64(file_size("/dev/shm/object"), 6);
    CHECK_EQ_U64(mkdir_as(&alice, "/dev/shm/directory", 0700), 0);
    CHECK_EQ_U64(rename_as(&alice, "/dev/shm/object", "/dev/shm/renamed"), 0);
    CHECK_EQ_U64(access_as(&alice, "/dev/shm", LINUX_W_OK), 0);
    /* Names do not move between it and /tmp. */
    CHECK_EQ_U64(rename_as(&alice, "/dev/shm/renamed", "/tmp/object"), -LINUX_EXDEV);
    make_file_as(&alice, "/tmp/file", "x", 0600);
    CHECK_EQ_U64(rename_as(&alice, "/tmp/file", "/dev/shm/file"), -LINUX_EXDEV);
    /* Sticky: bob cannot remove alice's object, nor read it (0600). */
    CHECK_EQ_U64(unlink_as(&bob, "/dev/shm/renamed", 0), -LINUX_EPERM);
    CHECK_EQ_U64(open_as(&bob, VFS_ROOT_DIRECTORY, "/dev/shm/renamed", LINUX_O_RDONLY, 0),
                 -LINUX_EACCES);
    CHECK_EQ_U64(unlink_as(&alice, "/dev/shm/renamed", 0), 0);
    CHECK_EQ_U64(unlink_as(&alice, "/dev/shm/directory", LINUX_AT_REMOVEDIR), 0);
    /* The directory itself is a name in the read-only /dev. */
    CHECK_EQ_U64(unlink_as(&root, "/dev/shm", LINUX_AT_REMOVEDIR), -LINUX_EROFS);
    CHECK_EQ_U64(vfs_chmod(&vfs, &root, VFS_ROOT_DIRECTORY, "/dev/shm", 8, 0755, 0), 0);
}

static void dots_and_repeated_slashes_resolve(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/a", 0755), 0);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/a/b", 0755), 0);
    uint64_t b = inode_of("/tmp/a/b");
    CHECK_EQ_U64(inode_of("//tmp///a/./b/../b/"), b);
    CHECK_EQ_U64(inode_of("/tmp/a/b/.."), inode_of("/tmp/a"));
    CHECK_EQ_U64(inode_of("/.."), inode_of("/"));
    CHECK_EQ_U64(inode_of("/../tmp/.."), inode_of("/"));
    CHECK_EQ_U64(inode_of("///"), inode_of("/"));
}

static void relative_paths_start_at_the_directory_handle(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/a", 0755), 0);
    int64_t a = open_path("/tmp/a", LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
    CHECK(a > 0);
    CHECK_EQ_U64(vfs_mkdir(&vfs, &root, (uint64_t)a, "c", 1, 0755), 0);
    CHECK(inode_of("/tmp/a/c") != 0);
    /* Without a directory, relative paths start at "/". */
    CHECK_EQ_U64(inode_of("tmp/a/c"), inode_of("/tmp/a/c"));
    /* An absolute path ignores the directory, even a bad one. */
    CHECK_EQ_U64(vfs_mkdir(&vfs, &root, 0x12345678, "/tmp/d", 6, 0755), 0);
    CHECK_EQ_U64(vfs_mkdir(&vfs, &root, 0x12345678, "e", 1, 0755), -LINUX_EBADF);
    CHECK_EQ_U64(vfs_close(&vfs, (uint64_t)a), 0);
    CHECK_EQ_U64(vfs_mkdir(&vfs, &root, (uint64_t)a, "f", 1, 0755), -LINUX_EBADF);
}

static void a_relative_path_from_a_file_is_enotdir(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "x", 0644);
    int64_t f = open_path("/tmp/f", LINUX_O_RDONLY, 0);
    struct linux_stat stat;
    CHECK_EQ_U64(vfs_stat(&vfs, &root, (uint64_t)f, "x", 1, 0, &stat), -LINUX_ENOTDIR);
    CHECK_EQ_U64(vfs_close(&vfs, (uint64_t)f), 0);
}

static void bad_paths_have_linux_errors(void)
{
    fresh_vfs();
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("", &stat), -LINUX_ENOENT);
    CHECK_EQ_U64(stat_path("/tmp/missing", &stat), -LINUX_ENOENT);
    CHECK_EQ_U64(stat_path("/missing/tmp", &stat), -LINUX_ENOENT);
    make_file_as(&root, "/tmp/f", "x", 0644);
    CHECK_EQ_U64(stat_path("/tmp/f/x", &stat), -LINUX_ENOTDIR);
    CHECK_EQ_U64(stat_path("/tmp/f/", &stat), -LINUX_ENOTDIR);
    CHECK_EQ_U64(open_path("/tmp/f/", LINUX_O_RDONLY, 0), -LINUX_ENOTDIR);
    /* A NUL ends the path. */
    CHECK_EQ_U64(vfs_stat(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/f\0junk", 11, 0, &stat), 0);
}

static void names_and_paths_have_length_limits(void)
{
    fresh_vfs();
    char name[300] = "/tmp/";
    memset(name + 5, 'n', 255);
    name[260] = '\0';
    CHECK_EQ_U64(mkdir_as(&root, name, 0755), 0);
    name[260] = 'n';
    name[261] = '\0';
    CHECK_EQ_U64(mkdir_as(&root, name, 0755), -LINUX_ENAMETOOLONG);
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path(name, &stat), -LINUX_ENAMETOOLONG);

    static char long_path[LINUX_PATH_MAX + 1];
    for (size_t i = 0; i < LINUX_PATH_MAX; i += 2) {
        long_path[i] = '/';
        long_path[i + 1] = '.';
    }
    CHECK_EQ_U64(vfs_stat(&vfs, &root, VFS_ROOT_DIRECTORY, long_path, LINUX_PATH_MAX - 1, 0,
                          &stat), 0);
    CHECK_EQ_U64(vfs_stat(&vfs, &root, VFS_ROOT_DIRECTORY, long_path, LINUX_PATH_MAX, 0, &stat),
                 -LINUX_ENAMETOOLONG);
}

static void every_directory_on_the_way_needs_search_permission(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&alice, "/tmp/private", 0700), 0);
    make_file_as(&alice, "/tmp/private/file", "secret", 0644);
    CHECK_EQ_U64(access_as(&alice, "/tmp/private/file", LINUX_R_OK), 0);
    CHECK_EQ_U64(access_as(&bob, "/tmp/private/file", LINUX_F_OK), -LINUX_EACCES);
    CHECK_EQ_U64(open_as(&bob, VFS_ROOT_DIRECTORY, "/tmp/private/file", LINUX_O_RDONLY, 0),
                 -LINUX_EACCES);
    CHECK_EQ_U64(access_as(&bob, "/tmp/private", LINUX_F_OK), 0);
    /* Root searches any directory. */
    CHECK_EQ_U64(access_as(&root, "/tmp/private/file", LINUX_R_OK), 0);
}

static void mode_bits_apply_to_owner_group_and_others(void)
{
    fresh_vfs();
    make_file_as(&alice, "/tmp/f", "x", 0640);
    CHECK_EQ_U64(access_as(&alice, "/tmp/f", LINUX_R_OK | LINUX_W_OK), 0);
    CHECK_EQ_U64(access_as(&carol_in_alices_group, "/tmp/f", LINUX_R_OK), 0);
    CHECK_EQ_U64(access_as(&carol_in_alices_group, "/tmp/f", LINUX_W_OK), -LINUX_EACCES);
    CHECK_EQ_U64(access_as(&bob, "/tmp/f", LINUX_R_OK), -LINUX_EACCES);
    CHECK_EQ_U64(open_as(&bob, VFS_ROOT_DIRECTORY, "/tmp/f", LINUX_O_RDONLY, 0), -LINUX_EACCES);
    CHECK_EQ_U64(open_as(&carol_in_alices_group, VFS_ROOT_DIRECTORY, "/tmp/f", LINUX_O_WRONLY, 0),
                 -LINUX_EACCES);
    /* The owner's bits decide for the owner even when others have more. */
    make_file_as(&alice, "/tmp/g", "x", 0077);
    CHECK_EQ_U64(access_as(&alice, "/tmp/g", LINUX_R_OK), -LINUX_EACCES);
}

static void root_bypasses_read_and_write_but_needs_an_execute_bit(void)
{
    fresh_vfs();
    make_file_as(&alice, "/tmp/none", "x", 0000);
    int64_t handle = open_path("/tmp/none", LINUX_O_RDWR, 0);
    CHECK(handle > 0);
    CHECK_EQ_U64(vfs_close(&vfs, (uint64_t)handle), 0);
    CHECK_EQ_U64(access_as(&root, "/tmp/none", LINUX_X_OK), -LINUX_EACCES);
    make_file_as(&alice, "/tmp/other_x", "x", 0001);
    CHECK_EQ_U64(access_as(&root, "/tmp/other_x", LINUX_X_OK), 0);
    CHECK_EQ_U64(mkdir_as(&alice, "/tmp/closed", 0000), 0);
    CHECK_EQ_U64(access_as(&root, "/tmp/closed", LINUX_X_OK), 0);
}

static void the_root_file_system_is_read_only(void)
{
    fresh_vfs();
    CHECK_EQ_U64(open_path("/new", LINUX_O_WRONLY | LINUX_O_CREAT, 0644), -LINUX_EROFS);
    CHECK_EQ_U64(mkdir_as(&root, "/new", 0755), -LINUX_EROFS);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp", 0755), -LINUX_EEXIST);
    CHECK_EQ_U64(vfs_mknod(&vfs, &root, VFS_ROOT_DIRECTORY, "/fifo", 5, LINUX_S_IFIFO | 0644, 0),
                 -LINUX_EROFS);
    CHECK_EQ_U64(unlink_as(&root, "/missing", 0), -LINUX_EROFS);
    CHECK_EQ_U64(unlink_as(&root, "/tmp", LINUX_AT_REMOVEDIR), -LINUX_EROFS);
    CHECK_EQ_U64(vfs_chmod(&vfs, &root, VFS_ROOT_DIRECTORY, "/", 1, 0700, 0), -LINUX_EROFS);
    CHECK_EQ_U64(open_path("/", LINUX_O_RDONLY, 0) > 0, 1);
    CHECK_EQ_U64(access_as(&root, "/", LINUX_W_OK), -LINUX_EROFS);
}

static void dev_names_are_read_only_but_devices_are_writable(void)
{
    fresh_vfs();
    int64_t null = open_path("/dev/null", LINUX_O_WRONLY, 0);
    CHECK(null > 0);
    CHECK_EQ_U64(access_as(&alice, "/dev/null", LINUX_W_OK), 0);
    CHECK_EQ_U64(open_path("/dev/new", LINUX_O_WRONLY | LINUX_O_CREAT, 0644), -LINUX_EROFS);
    CHECK_EQ_U64(unlink_as(&root, "/dev/null", 0), -LINUX_EROFS);
    CHECK_EQ_U64(open_as(&alice, VFS_ROOT_DIRECTORY, "/dev/console", LINUX_O_WRONLY, 0),
                 -LINUX_EACCES);
    CHECK(open_as(&alice, VFS_ROOT_DIRECTORY, "/dev/tty", LINUX_O_WRONLY, 0) > 0);
}

static void open_flags_give_linux_errors(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "x", 0644);
    CHECK_EQ_U64(open_path("/tmp/f", LINUX_O_CREAT | LINUX_O_EXCL | LINUX_O_WRONLY, 0644),
                 -LINUX_EEXIST);
    CHECK_EQ_U64(open_path("/tmp", LINUX_O_CREAT | LINUX_O_EXCL, 0644), -LINUX_EEXIST);
    CHECK_EQ_U64(open_path("/tmp", LINUX_O_CREAT, 0644), -LINUX_EISDIR);
    CHECK_EQ_U64(open_path("/tmp", LINUX_O_WRONLY, 0), -LINUX_EISDIR);
    CHECK_EQ_U64(open_path("/tmp", LINUX_O_RDWR, 0), -LINUX_EISDIR);
    CHECK_EQ_U64(open_path("/tmp", LINUX_O_RDONLY | LINUX_O_TRUNC, 0), -LINUX_EISDIR);
    CHECK_EQ_U64(open_path("/tmp/f", LINUX_O_DIRECTORY, 0), -LINUX_ENOTDIR);
    CHECK_EQ_U64(open_path("/tmp/g", LINUX_O_CREAT | LINUX_O_DIRECTORY, 0644), -LINUX_EINVAL);
    CHECK_EQ_U64(open_path("/tmp/g/", LINUX_O_CREAT | LINUX_O_WRONLY, 0644), -LINUX_EISDIR);
    CHECK_EQ_U64(open_path("/tmp/g", LINUX_O_RDONLY, 0), -LINUX_ENOENT);
    CHECK_EQ_U64(open_path("/tmp/missing/g", LINUX_O_CREAT | LINUX_O_WRONLY, 0644),
                 -LINUX_ENOENT);
    int64_t directory = open_path("/tmp/", LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
    CHECK(directory > 0);
}

static void creating_needs_write_and_search_on_the_directory(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&alice, "/tmp/mine", 0755), 0);
    CHECK_EQ_U64(open_as(&bob, VFS_ROOT_DIRECTORY, "/tmp/mine/f",
                         LINUX_O_CREAT | LINUX_O_WRONLY, 0644),
                 -LINUX_EACCES);
    CHECK_EQ_U64(mkdir_as(&bob, "/tmp/mine/d", 0755), -LINUX_EACCES);
    make_file_as(&alice, "/tmp/mine/f", "", 0644);
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("/tmp/mine/f", &stat), 0);
    CHECK_EQ_U64(stat.st_uid, alice.uid);
    CHECK_EQ_U64(stat.st_gid, alice.gid);
}

static void a_created_file_opens_as_asked_whatever_its_mode(void)
{
    fresh_vfs();
    int64_t handle = open_as(&alice, VFS_ROOT_DIRECTORY, "/tmp/ro",
                             LINUX_O_CREAT | LINUX_O_RDWR, 0444);
    CHECK(handle > 0);
    CHECK_EQ_U64(write_text((uint64_t)handle, "abc"), 3);
    CHECK_EQ_U64(open_as(&alice, VFS_ROOT_DIRECTORY, "/tmp/ro", LINUX_O_RDWR, 0), -LINUX_EACCES);
    /* O_CREAT without O_EXCL on an existing file opens it, checking. */
    CHECK_EQ_U64(open_as(&alice, VFS_ROOT_DIRECTORY, "/tmp/ro", LINUX_O_CREAT | LINUX_O_RDWR, 0666),
                 -LINUX_EACCES);
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("/tmp/ro", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFREG | 0444);
}

static void o_trunc_empties_the_file_and_needs_write_permission(void)
{
    fresh_vfs();
    make_file_as(&alice, "/tmp/f", "hello", 0644);
    CHECK_EQ_U64(open_as(&bob, VFS_ROOT_DIRECTORY, "/tmp/f", LINUX_O_RDONLY | LINUX_O_TRUNC, 0),
                 -LINUX_EACCES);
    CHECK_EQ_U64(file_size("/tmp/f"), 5);
    int64_t handle = open_as(&alice, VFS_ROOT_DIRECTORY, "/tmp/f", LINUX_O_RDONLY | LINUX_O_TRUNC, 0);
    CHECK(handle > 0);
    CHECK_EQ_U64(file_size("/tmp/f"), 0);
}

static void o_path_names_a_node_without_opening_it(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&alice, "/tmp/d", 0711), 0);
    make_file_as(&alice, "/tmp/d/secret", "x", 0600);
    int64_t handle = open_as(&bob, VFS_ROOT_DIRECTORY, "/tmp/d/secret", LINUX_O_PATH | LINUX_O_RDWR, 0);
    CHECK(handle > 0);
    char byte;
    CHECK_EQ_U64(read_into((uint64_t)handle, &byte, 1), -LINUX_EBADF);
    struct linux_stat stat;
    CHECK_EQ_U64(vfs_fstat(&vfs, (uint64_t)handle, &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFREG | 0600);
    CHECK_EQ_U64(file_table_get_flags(&vfs.files, (uint64_t)handle), LINUX_O_PATH);
    /* An O_PATH directory serves as the start of relative paths. */
    int64_t directory = open_as(&bob, VFS_ROOT_DIRECTORY, "/tmp/d", LINUX_O_PATH, 0);
    CHECK(directory > 0);
    CHECK_EQ_U64(vfs_stat(&vfs, &bob, (uint64_t)directory, "secret", 6, 0, &stat), 0);
    /* O_PATH ignores O_CREAT. */
    CHECK_EQ_U64(open_path("/tmp/none", LINUX_O_PATH | LINUX_O_CREAT, 0644), -LINUX_ENOENT);
}

static void open_for_exec_needs_an_executable_regular_file(void)
{
    fresh_vfs();
    make_file_as(&alice, "/tmp/program", "\177ELF", 0711);
    make_file_as(&alice, "/tmp/text", "hello", 0644);
    int64_t handle = open_as(&bob, VFS_ROOT_DIRECTORY, "/tmp/program", VFS_CORE_OPEN_EXEC, 0);
    CHECK(handle > 0);
    /* Opened for reading, even though bob may not read it otherwise. */
    char bytes[4];
    CHECK_EQ_U64(read_into((uint64_t)handle, bytes, 4), 4);
    CHECK_EQ_U64(file_table_get_flags(&vfs.files, (uint64_t)handle) & LINUX_O_ACCMODE, LINUX_O_RDONLY);
    CHECK_EQ_U64(open_as(&bob, VFS_ROOT_DIRECTORY, "/tmp/text", VFS_CORE_OPEN_EXEC, 0),
                 -LINUX_EACCES);
    CHECK_EQ_U64(open_path("/tmp/text", VFS_CORE_OPEN_EXEC, 0), -LINUX_EACCES);
    CHECK_EQ_U64(open_path("/tmp", VFS_CORE_OPEN_EXEC, 0), -LINUX_EACCES);
    CHECK_EQ_U64(open_path("/dev/null", VFS_CORE_OPEN_EXEC, 0), -LINUX_EACCES);
    /* Nothing but reading comes with it: no truncation, no creation. */
    CHECK(open_as(&bob, VFS_ROOT_DIRECTORY, "/tmp/program",
                  VFS_CORE_OPEN_EXEC | LINUX_O_TRUNC | LINUX_O_RDWR, 0) > 0);
    CHECK_EQ_U64(file_size("/tmp/program"), 4);
    CHECK_EQ_U64(open_path("/tmp/new", VFS_CORE_OPEN_EXEC | LINUX_O_CREAT, 0755), -LINUX_ENOENT);
}

static void mkdir_counts_links_and_refuses_what_exists(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d", 0755), 0);
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("/tmp/d", &stat), 0);
    CHECK_EQ_U64(stat.st_nlink, 2);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFDIR | 0755);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d/e", 0700), 0);
    CHECK_EQ_U64(stat_path("/tmp/d", &stat), 0);
    CHECK_EQ_U64(stat.st_nlink, 3);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d", 0755), -LINUX_EEXIST);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d/.", 0755), -LINUX_EEXIST);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d/..", 0755), -LINUX_EEXIST);
    CHECK_EQ_U64(mkdir_as(&root, "/", 0755), -LINUX_EEXIST);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/x/y", 0755), -LINUX_ENOENT);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/new/", 0755), 0);
}

static void a_set_group_id_directory_passes_its_group_on(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/shared", 0777), 0);
    CHECK_EQ_U64(vfs_chmod(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/shared", 11, 02777, 0), 0);
    CHECK_EQ_U64(mkdir_as(&alice, "/tmp/shared/sub", 0755), 0);
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("/tmp/shared/sub", &stat), 0);
    CHECK_EQ_U64(stat.st_gid, 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFDIR | 02755);
}

static void rmdir_has_linux_errors(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d", 0755), 0);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d/e", 0755), 0);
    make_file_as(&root, "/tmp/f", "", 0644);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/d", LINUX_AT_REMOVEDIR), -LINUX_ENOTEMPTY);
    CHECK_EQ_U64(unlink_as(&root, "/", LINUX_AT_REMOVEDIR), -LINUX_EBUSY);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/d/.", LINUX_AT_REMOVEDIR), -LINUX_EINVAL);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/d/e/..", LINUX_AT_REMOVEDIR), -LINUX_ENOTEMPTY);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/f", LINUX_AT_REMOVEDIR), -LINUX_ENOTDIR);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/missing", LINUX_AT_REMOVEDIR), -LINUX_ENOENT);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/d/e/", LINUX_AT_REMOVEDIR), 0);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/d", LINUX_AT_REMOVEDIR), 0);
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("/tmp/d", &stat), -LINUX_ENOENT);
}

static void unlink_has_linux_errors(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d", 0755), 0);
    make_file_as(&root, "/tmp/f", "", 0644);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/d", 0), -LINUX_EISDIR);
    CHECK_EQ_U64(unlink_as(&root, "/", 0), -LINUX_EISDIR);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/.", 0), -LINUX_EISDIR);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/f/", 0), -LINUX_ENOTDIR);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/d/", 0), -LINUX_EISDIR);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/missing", 0), -LINUX_ENOENT);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/f", 0x1), -LINUX_EINVAL);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/f", 0), 0);
    CHECK_EQ_U64(file_size("/tmp/f"), -LINUX_ENOENT);
}

static void the_sticky_tmp_protects_other_users_files(void)
{
    fresh_vfs();
    make_file_as(&alice, "/tmp/alices", "a", 0666);
    make_file_as(&bob, "/tmp/bobs", "b", 0666);
    CHECK_EQ_U64(unlink_as(&bob, "/tmp/alices", 0), -LINUX_EPERM);
    CHECK_EQ_U64(rename_as(&bob, "/tmp/alices", "/tmp/stolen"), -LINUX_EPERM);
    CHECK_EQ_U64(rename_as(&bob, "/tmp/bobs", "/tmp/alices"), -LINUX_EPERM);
    CHECK_EQ_U64(unlink_as(&alice, "/tmp/alices", 0), 0);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/bobs", 0), 0);
}

static void rename_moves_and_replaces(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "first", 0644);
    make_file_as(&root, "/tmp/b", "second", 0644);
    uint64_t a = inode_of("/tmp/a");
    CHECK_EQ_U64(rename_as(&root, "/tmp/a", "/tmp/b"), 0);
    CHECK_EQ_U64(inode_of("/tmp/b"), a);
    CHECK_EQ_U64(file_size("/tmp/a"), -LINUX_ENOENT);
    CHECK_EQ_U64(file_size("/tmp/b"), 5);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d", 0755), 0);
    CHECK_EQ_U64(rename_as(&root, "/tmp/b", "/tmp/d/c"), 0);
    CHECK_EQ_U64(inode_of("/tmp/d/c"), a);
    CHECK_EQ_U64(rename_as(&root, "/tmp/d/c", "/tmp/d/c"), 0);
    /* A directory moves with its contents, and may replace an empty one. */
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/empty", 0755), 0);
    CHECK_EQ_U64(rename_as(&root, "/tmp/d", "/tmp/empty"), 0);
    CHECK_EQ_U64(inode_of("/tmp/empty/c"), a);
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("/tmp", &stat), 0);
    CHECK_EQ_U64(stat.st_nlink, 3);
}

static void rename_has_linux_errors(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d", 0755), 0);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d/sub", 0755), 0);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/full", 0755), 0);
    make_file_as(&root, "/tmp/full/f", "", 0644);
    make_file_as(&root, "/tmp/f", "", 0644);
    CHECK_EQ_U64(rename_as(&root, "/tmp/d", "/tmp/d/sub/inside"), -LINUX_EINVAL);
    CHECK_EQ_U64(rename_as(&root, "/tmp/d", "/tmp/d"), 0);
    CHECK_EQ_U64(rename_as(&root, "/tmp/d/sub", "/tmp/d/.."), -LINUX_EBUSY);
    CHECK_EQ_U64(rename_as(&root, "/tmp/d/sub", "/tmp"), -LINUX_EXDEV);
    CHECK_EQ_U64(rename_as(&root, "/tmp/d/sub", "/tmp/d/sub/.."), -LINUX_EBUSY);
    CHECK_EQ_U64(rename_as(&root, "/tmp/f", "/tmp/d"), -LINUX_EISDIR);
    CHECK_EQ_U64(rename_as(&root, "/tmp/d", "/tmp/f"), -LINUX_ENOTDIR);
    CHECK_EQ_U64(rename_as(&root, "/tmp/d", "/tmp/full"), -LINUX_ENOTEMPTY);
    CHECK_EQ_U64(rename_as(&root, "/tmp/missing", "/tmp/x"), -LINUX_ENOENT);
    CHECK_EQ_U64(rename_as(&root, "/tmp/f/", "/tmp/x"), -LINUX_ENOTDIR);
    CHECK_EQ_U64(rename_as(&root, "/tmp/f", "/tmp/x/"), -LINUX_ENOTDIR);
    CHECK_EQ_U64(rename_as(&root, "/tmp/f", "/f"), -LINUX_EXDEV);
    CHECK_EQ_U64(rename_as(&root, "/dev/null", "/dev/nothing"), -LINUX_EROFS);
    CHECK_EQ_U64(rename_as(&root, "/tmp/f", "/tmp/missing/x"), -LINUX_ENOENT);
    CHECK_EQ_U64(rename_as(&root, "/tmp/d/sub", "/tmp/d/sub/deeper"), -LINUX_EINVAL);
    CHECK_EQ_U64(rename_as(&root, "/tmp/d/sub", "/tmp/moved/"), 0);
}

static void moving_a_directory_needs_write_permission_on_it(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&alice, "/tmp/home", 0777), 0);
    CHECK_EQ_U64(mkdir_as(&alice, "/tmp/home/locked", 0555), 0);
    CHECK_EQ_U64(mkdir_as(&alice, "/tmp/home/elsewhere", 0777), 0);
    CHECK_EQ_U64(rename_as(&alice, "/tmp/home/locked", "/tmp/home/renamed"), 0);
    CHECK_EQ_U64(rename_as(&alice, "/tmp/home/renamed", "/tmp/home/elsewhere/locked"),
                 -LINUX_EACCES);
}

static void chmod_is_for_the_owner_or_root(void)
{
    fresh_vfs();
    make_file_as(&alice, "/tmp/f", "", 0644);
    CHECK_EQ_U64(vfs_chmod(&vfs, &bob, VFS_ROOT_DIRECTORY, "/tmp/f", 6, 0777, 0), -LINUX_EPERM);
    CHECK_EQ_U64(vfs_chmod(&vfs, &alice, VFS_ROOT_DIRECTORY, "/tmp/f", 6, 0600, 0), 0);
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("/tmp/f", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFREG | 0600);
    CHECK_EQ_U64(vfs_chmod(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/f", 6, LINUX_S_IFDIR | 04755, 0),
                 0);
    CHECK_EQ_U64(stat_path("/tmp/f", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFREG | 04755);
    /* Set-group-ID needs membership of the file's group. */
    CHECK_EQ_U64(vfs_chmod(&vfs, &alice, VFS_ROOT_DIRECTORY, "/tmp/f", 6, 02755, 0), 0);
    CHECK_EQ_U64(stat_path("/tmp/f", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFREG | 02755);
    CHECK_EQ_U64(vfs_chmod(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/f", 6, 0644, 0x4), -LINUX_EINVAL);
    CHECK_EQ_U64(vfs_chmod(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/g", 6, 0644, 0), -LINUX_ENOENT);
    /* fchmod: AT_EMPTY_PATH names the descriptor itself. */
    int64_t handle = open_path("/tmp/f", LINUX_O_RDONLY, 0);
    CHECK_EQ_U64(vfs_chmod(&vfs, &alice, (uint64_t)handle, "", 0, 0640, LINUX_AT_EMPTY_PATH), 0);
    CHECK_EQ_U64(stat_path("/tmp/f", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFREG | 0640);
}

static void access_checks_what_it_is_asked(void)
{
    fresh_vfs();
    make_file_as(&bob, "/tmp/f", "", 0600);
    CHECK_EQ_U64(access_as(&alice, "/tmp/f", LINUX_F_OK), 0);
    CHECK_EQ_U64(access_as(&alice, "/tmp/f", LINUX_R_OK), -LINUX_EACCES);
    CHECK_EQ_U64(access_as(&bob, "/tmp/f", LINUX_R_OK | LINUX_W_OK), 0);
    CHECK_EQ_U64(access_as(&bob, "/tmp/f", LINUX_X_OK), -LINUX_EACCES);
    CHECK_EQ_U64(access_as(&bob, "/tmp/missing", LINUX_F_OK), -LINUX_ENOENT);
    CHECK_EQ_U64(access_as(&bob, "/tmp/f", 8), -LINUX_EINVAL);
    CHECK_EQ_U64(vfs_access(&vfs, &bob, VFS_ROOT_DIRECTORY, "/tmp/f", 6, 0, 0x1), -LINUX_EINVAL);
    CHECK_EQ_U64(access_as(&bob, "/dev/null", LINUX_W_OK), 0);
    CHECK_EQ_U64(access_as(&bob, "/tmp", LINUX_W_OK | LINUX_X_OK), 0);
}

static void stat_takes_flags_and_empty_paths(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/f", "12345", 0644);
    int64_t handle = open_path("/tmp/f", LINUX_O_RDONLY, 0);
    struct linux_stat stat;
    CHECK_EQ_U64(vfs_stat(&vfs, &root, (uint64_t)handle, "", 0, LINUX_AT_EMPTY_PATH, &stat), 0);
    CHECK_EQ_U64(stat.st_size, 5);
    CHECK_EQ_U64(vfs_stat(&vfs, &root, (uint64_t)handle, "", 0, 0, &stat), -LINUX_ENOENT);
    CHECK_EQ_U64(vfs_stat(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/f", 6, 0x4, &stat),
                 -LINUX_EINVAL);
    CHECK_EQ_U64(vfs_stat(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/f", 6, LINUX_AT_SYMLINK_NOFOLLOW,
                          &stat), 0);
    CHECK_EQ_U64(vfs_stat(&vfs, &root, 0x999, "", 0, LINUX_AT_EMPTY_PATH, &stat), -LINUX_EBADF);
}

static void getcwd_gives_the_absolute_path(void)
{
    fresh_vfs();
    char path[64];
    CHECK_EQ_U64(vfs_getcwd(&vfs, VFS_ROOT_DIRECTORY, path, sizeof(path)), 2);
    CHECK_EQ_STR(path, "/");
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/a", 0755), 0);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/a/bc", 0755), 0);
    int64_t handle = open_path("/tmp/a/bc", LINUX_O_PATH, 0);
    CHECK_EQ_U64(vfs_getcwd(&vfs, (uint64_t)handle, path, sizeof(path)), 10);
    CHECK_EQ_STR(path, "/tmp/a/bc");
    CHECK_EQ_U64(vfs_getcwd(&vfs, (uint64_t)handle, path, 10), 10);
    CHECK_EQ_U64(vfs_getcwd(&vfs, (uint64_t)handle, path, 9), -LINUX_ERANGE);
    CHECK_EQ_U64(rename_as(&root, "/tmp/a", "/tmp/z"), 0);
    CHECK_EQ_U64(vfs_getcwd(&vfs, (uint64_t)handle, path, sizeof(path)), 10);
    CHECK_EQ_STR(path, "/tmp/z/bc");
    CHECK_EQ_U64(unlink_as(&root, "/tmp/z/bc", LINUX_AT_REMOVEDIR), 0);
    CHECK_EQ_U64(vfs_getcwd(&vfs, (uint64_t)handle, path, sizeof(path)), -LINUX_ENOENT);
    make_file_as(&root, "/tmp/f", "", 0644);
    int64_t file = open_path("/tmp/f", LINUX_O_RDONLY, 0);
    CHECK_EQ_U64(vfs_getcwd(&vfs, (uint64_t)file, path, sizeof(path)), -LINUX_ENOTDIR);
    CHECK_EQ_U64(vfs_getcwd(&vfs, 0x777, path, sizeof(path)), -LINUX_EBADF);
}

static void a_removed_directory_takes_no_new_names(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/gone", 0755), 0);
    int64_t handle = open_path("/tmp/gone", LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/gone", LINUX_AT_REMOVEDIR), 0);
    uint64_t created;
    CHECK_EQ_U64(vfs_open(&vfs, &root, (uint64_t)handle, "x", 1, LINUX_O_CREAT | LINUX_O_WRONLY,
                          0644, &created),
                 -LINUX_ENOENT);
    CHECK_EQ_U64(vfs_mkdir(&vfs, &root, (uint64_t)handle, "x", 1, 0755), -LINUX_ENOENT);
    struct linux_stat stat;
    CHECK_EQ_U64(vfs_stat(&vfs, &root, (uint64_t)handle, "..", 2, 0, &stat), -LINUX_ENOENT);
    CHECK_EQ_U64(vfs_fstat(&vfs, (uint64_t)handle, &stat), 0);
    CHECK_EQ_U64(stat.st_nlink, 0);
    CHECK_EQ_U64(vfs_close(&vfs, (uint64_t)handle), 0);
}

static void mknod_makes_fifos_and_regular_files(void)
{
    fresh_vfs();
    CHECK_EQ_U64(vfs_mknod(&vfs, &alice, VFS_ROOT_DIRECTORY, "/tmp/fifo", 9, LINUX_S_IFIFO | 0620, 0),
                 0);
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("/tmp/fifo", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFIFO | 0620);
    CHECK_EQ_U64(stat.st_uid, alice.uid);
    /* Its data lives in the pipe server: the open names the node for it. */
    uint64_t fifo_node;
    CHECK_EQ_U64(vfs_open(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/fifo", 9, LINUX_O_RDONLY, 0,
                          &fifo_node), VFS_CORE_OPENED_FIFO);
    CHECK_EQ_U64(fifo_node, stat.st_ino);
    CHECK_EQ_U64(open_as(&bob, VFS_ROOT_DIRECTORY, "/tmp/fifo", LINUX_O_RDONLY, 0), -LINUX_EACCES);
    CHECK(open_path("/tmp/fifo", LINUX_O_PATH, 0) > 0);
    CHECK_EQ_U64(vfs_mknod(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/plain", 10, 0600, 0), 0);
    CHECK_EQ_U64(stat_path("/tmp/plain", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFREG | 0600);
    CHECK_EQ_U64(vfs_mknod(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/plain", 10, 0600, 0),
                 -LINUX_EEXIST);
    CHECK_EQ_U64(vfs_mknod(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/chr", 8, LINUX_S_IFCHR | 0600,
                           0x103),
                 -LINUX_EPERM);
    CHECK_EQ_U64(vfs_mknod(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/dir", 8, LINUX_S_IFDIR | 0600, 0),
                 -LINUX_EPERM);
    CHECK_EQ_U64(vfs_mknod(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/odd", 8, 0170000 | 0600, 0),
                 -LINUX_EINVAL);
    CHECK_EQ_U64(vfs_mknod(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/s/", 7, LINUX_S_IFIFO | 0600, 0),
                 -LINUX_ENOENT);
}

/* bind(2)'s node and connect(2)'s lookup: a socket node is made once,
 * found only with write permission, and never opened. */
static void socket_nodes_are_bound_and_found(void)
{
    fresh_vfs();
    uint64_t bound, found;
    CHECK_EQ_U64(vfs_bind_socket(&vfs, &alice, VFS_ROOT_DIRECTORY, "/tmp/s", 6, 0755, &bound), 0);
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("/tmp/s", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFSOCK | 0755);
    CHECK_EQ_U64(stat.st_ino, bound);
    CHECK_EQ_U64(vfs_bind_socket(&vfs, &alice, VFS_ROOT_DIRECTORY, "/tmp/s", 6, 0755, &found),
                 -LINUX_EEXIST);
    CHECK_EQ_U64(vfs_socket_node(&vfs, &alice, VFS_ROOT_DIRECTORY, "/tmp/s", 6, &found), 0);
    CHECK_EQ_U64(found, bound);
    CHECK_EQ_U64(vfs_socket_node(&vfs, &bob, VFS_ROOT_DIRECTORY, "/tmp/s", 6, &found),
                 -LINUX_EACCES);
    CHECK_EQ_U64(vfs_socket_node(&vfs, &alice, VFS_ROOT_DIRECTORY, "/tmp/none", 9, &found),
                 -LINUX_ENOENT);
    make_file_as(&alice, "/tmp/f", "x", 0644);
    CHECK_EQ_U64(vfs_socket_node(&vfs, &alice, VFS_ROOT_DIRECTORY, "/tmp/f", 6, &found),
                 -LINUX_ECONNREFUSED);
    CHECK_EQ_U64(vfs_bind_socket(&vfs, &alice, VFS_ROOT_DIRECTORY, "/s", 2, 0755, &found),
                 -LINUX_EROFS);
    CHECK_EQ_U64(open_path("/tmp/s", LINUX_O_RDWR, 0), -LINUX_ENXIO);
    CHECK(open_path("/tmp/s", LINUX_O_PATH, 0) > 0);
    /* mknod makes one too (nobody listens on it). */
    CHECK_EQ_U64(vfs_mknod(&vfs, &alice, VFS_ROOT_DIRECTORY, "/tmp/m", 6, LINUX_S_IFSOCK | 0600, 0),
                 0);
    CHECK_EQ_U64(vfs_socket_node(&vfs, &alice, VFS_ROOT_DIRECTORY, "/tmp/m", 6, &found), 0);
}

/* A name in /dev/mqueue is the mqueue server's: vfs says so for the
 * path operations that take one, and refuses the rest as Linux's mqueue
 * file system does (or, for chmod, as this one must). */
static void paths_in_dev_mqueue_name_the_mqueue_servers_queues(void)
{
    fresh_vfs();
    struct linux_stat stat;
    CHECK_EQ_U64(stat_path("/dev/mqueue", &stat), 0);
    CHECK_EQ_U64(stat.st_mode, LINUX_S_IFDIR | LINUX_S_ISVTX | 0777);
    CHECK_EQ_U64(stat_path("/dev/mqueue/queue", &stat), VFS_CORE_IN_MQUEUE);
    CHECK_EQ_U64(stat_path("/dev/mqueue/.", &stat), 0);
    CHECK_EQ_U64(stat_path("/dev/mqueue/queue/", &stat), -LINUX_ENOENT);
    CHECK_EQ_U64(access_as(&alice, "/dev/mqueue/queue", LINUX_R_OK), VFS_CORE_IN_MQUEUE);
    CHECK_EQ_U64(open_as(&alice, VFS_ROOT_DIRECTORY, "/dev/mqueue/queue",
                         LINUX_O_RDWR | LINUX_O_CREAT, 0600), VFS_CORE_IN_MQUEUE);
    CHECK_EQ_U64(open_path("/dev/mqueue/queue", LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0),
                 -LINUX_ENOTDIR);
    CHECK_EQ_U64(open_path("/dev/mqueue/queue", VFS_CORE_OPEN_EXEC, 0), -LINUX_EACCES);
    CHECK_EQ_U64(unlink_as(&alice, "/dev/mqueue/queue", 0), VFS_CORE_IN_MQUEUE);
    CHECK_EQ_U64(unlink_as(&alice, "/dev/mqueue/queue", LINUX_AT_REMOVEDIR), -LINUX_ENOTDIR);
    CHECK_EQ_U64(mkdir_as(&alice, "/dev/mqueue/directory", 0700), -LINUX_EPERM);
    CHECK_EQ_U64(vfs_mknod(&vfs, &alice, VFS_ROOT_DIRECTORY, "/dev/mqueue/fifo", 16,
                           LINUX_S_IFIFO | 0600, 0), -LINUX_EPERM);
    CHECK_EQ_U64(vfs_chmod(&vfs, &root, VFS_ROOT_DIRECTORY, "/dev/mqueue/queue", 17, 0600, 0),
                 -LINUX_EOPNOTSUPP);
    make_file_as(&alice, "/tmp/file", "x", 0600);
    CHECK_EQ_U64(vfs_link(&vfs, &alice, VFS_ROOT_DIRECTORY, "/tmp/file", 9, VFS_ROOT_DIRECTORY,
                          "/dev/mqueue/file", 16, 0), -LINUX_EXDEV);
    CHECK_EQ_U64(vfs_link(&vfs, &alice, VFS_ROOT_DIRECTORY, "/dev/mqueue/queue", 17,
                          VFS_ROOT_DIRECTORY, "/tmp/queue", 10, 0), -LINUX_EXDEV);
}

int main(void)
{
    RUN_TEST(the_initial_tree_has_tmp_dev_devices_and_shm);
    RUN_TEST(dev_shm_is_a_writable_file_system_of_its_own);
    RUN_TEST(dots_and_repeated_slashes_resolve);
    RUN_TEST(relative_paths_start_at_the_directory_handle);
    RUN_TEST(a_relative_path_from_a_file_is_enotdir);
    RUN_TEST(bad_paths_have_linux_errors);
    RUN_TEST(names_and_paths_have_length_limits);
    RUN_TEST(every_directory_on_the_way_needs_search_permission);
    RUN_TEST(mode_bits_apply_to_owner_group_and_others);
    RUN_TEST(root_bypasses_read_and_write_but_needs_an_execute_bit);
    RUN_TEST(the_root_file_system_is_read_only);
    RUN_TEST(dev_names_are_read_only_but_devices_are_writable);
    RUN_TEST(open_flags_give_linux_errors);
    RUN_TEST(creating_needs_write_and_search_on_the_directory);
    RUN_TEST(a_created_file_opens_as_asked_whatever_its_mode);
    RUN_TEST(o_trunc_empties_the_file_and_needs_write_permission);
    RUN_TEST(o_path_names_a_node_without_opening_it);
    RUN_TEST(open_for_exec_needs_an_executable_regular_file);
    RUN_TEST(mkdir_counts_links_and_refuses_what_exists);
    RUN_TEST(a_set_group_id_directory_passes_its_group_on);
    RUN_TEST(rmdir_has_linux_errors);
    RUN_TEST(unlink_has_linux_errors);
    RUN_TEST(the_sticky_tmp_protects_other_users_files);
    RUN_TEST(rename_moves_and_replaces);
    RUN_TEST(rename_has_linux_errors);
    RUN_TEST(moving_a_directory_needs_write_permission_on_it);
    RUN_TEST(chmod_is_for_the_owner_or_root);
    RUN_TEST(access_checks_what_it_is_asked);
    RUN_TEST(stat_takes_flags_and_empty_paths);
    RUN_TEST(getcwd_gives_the_absolute_path);
    RUN_TEST(a_removed_directory_takes_no_new_names);
    RUN_TEST(mknod_makes_fifos_and_regular_files);
    RUN_TEST(socket_nodes_are_bound_and_found);
    RUN_TEST(paths_in_dev_mqueue_name_the_mqueue_servers_queues);
    return check_report();
}
