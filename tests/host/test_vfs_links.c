/* The vfs core's hard links: linkat makes another entry for a node,
 * st_nlink counts the entries, unlink and rename work on one entry, and
 * every error Linux's linkat gives, in its order. */
#include "test_vfs_support.h"
#include "sys/protocol/file.h"

static int link_at(const struct vfs_credentials *who, uint64_t old_directory,
                   const char *old_path, uint64_t new_directory, const char *new_path,
                   uint64_t flags)
{
    return vfs_link(&vfs, who, old_directory, old_path, strlen(old_path), new_directory,
                    new_path, strlen(new_path), flags);
}

static int link_as(const struct vfs_credentials *who, const char *old_path,
                   const char *new_path)
{
    return link_at(who, VFS_ROOT_DIRECTORY, old_path, VFS_ROOT_DIRECTORY, new_path, 0);
}

static struct linux_stat status_of(const char *path)
{
    struct linux_stat stat = {0};
    CHECK_EQ_U64(stat_path(path, &stat), 0);
    return stat;
}

static bool time_before(int64_t seconds, int64_t nanoseconds, int64_t later_seconds,
                        int64_t later_nanoseconds)
{
    return seconds < later_seconds || (seconds == later_seconds && nanoseconds < later_nanoseconds);
}

static bool changed_after(const struct linux_stat *before, const struct linux_stat *after)
{
    return time_before(before->st_ctime_sec, before->st_ctime_nsec, after->st_ctime_sec,
                       after->st_ctime_nsec);
}

static bool modified_after(const struct linux_stat *before, const struct linux_stat *after)
{
    return time_before(before->st_mtime_sec, before->st_mtime_nsec, after->st_mtime_sec,
                       after->st_mtime_nsec);
}

static void a_link_is_another_name_for_the_same_node(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "first", 0644);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/b"), 0);
    struct linux_stat a = status_of("/tmp/a"), b = status_of("/tmp/b");
    CHECK_EQ_U64(a.st_ino, b.st_ino);
    CHECK_EQ_U64(a.st_nlink, 2);
    CHECK_EQ_U64(b.st_nlink, 2);
    CHECK_EQ_U64(b.st_mode, LINUX_S_IFREG | 0644);
    CHECK_EQ_U64(link_as(&root, "/tmp/b", "/tmp/c"), 0);
    CHECK_EQ_U64(status_of("/tmp/a").st_nlink, 3);
}

static void the_names_share_the_data(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "", 0644);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/b"), 0);
    int64_t writer = open_path("/tmp/a", LINUX_O_WRONLY, 0);
    CHECK_EQ_U64(write_text((uint64_t)writer, "shared"), 6);
    int64_t reader = open_path("/tmp/b", LINUX_O_RDONLY, 0);
    char bytes[8] = {0};
    CHECK_EQ_U64(read_into((uint64_t)reader, bytes, sizeof(bytes)), 6);
    CHECK_EQ_STR(bytes, "shared");
    /* O_TRUNC through one name empties the file under every name. */
    CHECK(open_path("/tmp/b", LINUX_O_WRONLY | LINUX_O_TRUNC, 0) > 0);
    CHECK_EQ_U64(file_size("/tmp/a"), 0);
}

static void unlinking_one_name_keeps_the_others(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "kept", 0644);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/b"), 0);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/a", 0), 0);
    CHECK_EQ_U64(file_size("/tmp/a"), -LINUX_ENOENT);
    struct linux_stat b = status_of("/tmp/b");
    CHECK_EQ_U64(b.st_nlink, 1);
    CHECK_EQ_U64(b.st_size, 4);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/b", 0), 0);
    CHECK_EQ_U64(file_size("/tmp/b"), -LINUX_ENOENT);
}

static void the_node_goes_with_its_last_name_and_its_last_description(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "", 0644);
    int64_t handle = open_path("/tmp/a", LINUX_O_RDWR, 0);
    /* A name made and removed first: the entry pool has room for the
     * link below without a page of its own (pools keep their pages). */
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/warm"), 0);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/warm", 0), 0);
    long pages_before = pages_in_use;
    CHECK_EQ_U64(write_text((uint64_t)handle, "data"), 4);
    CHECK_EQ_U64(pages_in_use, pages_before + 1);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/b"), 0);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/a", 0), 0);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/b", 0), 0);
    struct linux_stat stat;
    CHECK_EQ_U64(vfs_fstat(&vfs, (uint64_t)handle, &stat), 0);
    CHECK_EQ_U64(stat.st_nlink, 0);
    char bytes[4];
    CHECK_EQ_U64(vfs_pread(&vfs, (uint64_t)handle, client(&(struct client){0}, bytes, 4),
                           4, 0), 4);
    CHECK_EQ_U64(pages_in_use, pages_before + 1);
    CHECK_EQ_U64(vfs_close(&vfs, (uint64_t)handle), 0);
    CHECK_EQ_U64(pages_in_use, pages_before);
}

static void link_and_unlink_change_the_nodes_ctime_and_the_directorys_times(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "x", 0644);
    struct linux_stat before = status_of("/tmp/a"), directory_before = status_of("/tmp");
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/b"), 0);
    struct linux_stat after = status_of("/tmp/a"), directory_after = status_of("/tmp");
    CHECK(changed_after(&before, &after));
    CHECK(!modified_after(&before, &after));
    CHECK(changed_after(&directory_before, &directory_after));
    CHECK(modified_after(&directory_before, &directory_after));
    CHECK_EQ_U64(unlink_as(&root, "/tmp/b", 0), 0);
    struct linux_stat after_unlink = status_of("/tmp/a");
    CHECK(changed_after(&after, &after_unlink));
    CHECK(!modified_after(&after, &after_unlink));
}

static void a_directory_counts_each_link_in_its_size_but_not_its_link_count(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d", 0755), 0);
    make_file_as(&root, "/tmp/d/a", "", 0644);
    CHECK_EQ_U64(status_of("/tmp/d").st_size, 60);
    CHECK_EQ_U64(link_as(&root, "/tmp/d/a", "/tmp/d/b"), 0);
    struct linux_stat directory = status_of("/tmp/d");
    CHECK_EQ_U64(directory.st_size, 80);
    CHECK_EQ_U64(directory.st_nlink, 2);
}

static void getdents_lists_every_name_of_a_node(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d", 0755), 0);
    make_file_as(&root, "/tmp/d/a", "", 0644);
    CHECK_EQ_U64(link_as(&root, "/tmp/d/a", "/tmp/d/b"), 0);
    uint64_t handle = (uint64_t)open_path("/tmp/d", LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
    static uint8_t bytes[512];
    int64_t got = vfs_getdents(&vfs, handle, client(&(struct client){0}, bytes,
                                                    sizeof(bytes)), sizeof(bytes));
    const char *expected[] = {".", "..", "a", "b"};
    uint64_t inodes[4];
    int64_t at = 0;
    for (int i = 0; i < 4; i++) {
        struct linux_dirent64 *entry = (struct linux_dirent64 *)&bytes[at];
        CHECK(at < got);
        CHECK_EQ_STR(entry->d_name, expected[i]);
        inodes[i] = entry->d_ino;
        at += entry->d_reclen;
    }
    CHECK_EQ_U64(at, got);
    CHECK_EQ_U64(inodes[2], inodes[3]);
    CHECK_EQ_U64(inodes[2], status_of("/tmp/d/a").st_ino);
}

static void links_are_made_relative_to_directory_handles(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/from", 0755), 0);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/to", 0755), 0);
    make_file_as(&root, "/tmp/from/f", "x", 0644);
    int64_t from = open_path("/tmp/from", LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
    int64_t to = open_path("/tmp/to", LINUX_O_PATH, 0);
    CHECK_EQ_U64(link_at(&root, (uint64_t)from, "f", (uint64_t)to, "g", 0), 0);
    CHECK_EQ_U64(status_of("/tmp/to/g").st_ino, status_of("/tmp/from/f").st_ino);
    CHECK_EQ_U64(link_at(&root, 0x777, "f", (uint64_t)to, "h", 0), -LINUX_EBADF);
    CHECK_EQ_U64(link_at(&root, (uint64_t)from, "f", 0x777, "h", 0), -LINUX_EBADF);
    /* An absolute path ignores its directory handle. */
    CHECK_EQ_U64(link_at(&root, 0x777, "/tmp/from/f", 0x777, "/tmp/to/h", 0), 0);
    int64_t file = open_path("/tmp/from/f", LINUX_O_RDONLY, 0);
    CHECK_EQ_U64(link_at(&root, (uint64_t)file, "x", VFS_ROOT_DIRECTORY, "/tmp/to/i", 0),
                 -LINUX_ENOTDIR);
}

static void a_directory_keeps_one_name_and_getcwd_finds_it(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d", 0755), 0);
    CHECK_EQ_U64(link_as(&root, "/tmp/d", "/tmp/e"), -LINUX_EPERM);
    CHECK_EQ_U64(link_as(&root, "/tmp/d/", "/tmp/e"), -LINUX_EPERM);
    CHECK_EQ_U64(link_as(&root, "/tmp/d/.", "/tmp/e"), -LINUX_EPERM);
    CHECK_EQ_U64(link_as(&root, "/tmp", "/tmp/e"), -LINUX_EPERM);
    CHECK_EQ_U64(link_as(&root, "/", "/f"), -LINUX_EROFS);
    CHECK_EQ_U64(file_size("/tmp/e"), -LINUX_ENOENT);
    make_file_as(&root, "/tmp/d/f", "", 0644);
    CHECK_EQ_U64(link_as(&root, "/tmp/d/f", "/tmp/g"), 0);
    int64_t handle = open_path("/tmp/d", LINUX_O_PATH, 0);
    char path[16];
    CHECK_EQ_U64(vfs_getcwd(&vfs, (uint64_t)handle, path, sizeof(path)), 7);
    CHECK_EQ_STR(path, "/tmp/d");
}

static void an_existing_new_name_is_eexist(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "", 0644);
    make_file_as(&root, "/tmp/b", "", 0644);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d", 0755), 0);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/b"), -LINUX_EEXIST);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/a"), -LINUX_EEXIST);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/d"), -LINUX_EEXIST);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/d/"), -LINUX_EEXIST);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/d/."), -LINUX_EEXIST);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/d/.."), -LINUX_EEXIST);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/"), -LINUX_EEXIST);
    /* Even where nothing may be made: the name's existence comes first. */
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/dev/null"), -LINUX_EEXIST);
    CHECK_EQ_U64(status_of("/tmp/a").st_nlink, 1);
}

static void missing_names_are_enoent(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "", 0644);
    CHECK_EQ_U64(link_as(&root, "/tmp/missing", "/tmp/b"), -LINUX_ENOENT);
    CHECK_EQ_U64(link_as(&root, "/tmp/no/a", "/tmp/b"), -LINUX_ENOENT);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/no/b"), -LINUX_ENOENT);
    CHECK_EQ_U64(link_as(&root, "", "/tmp/b"), -LINUX_ENOENT);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", ""), -LINUX_ENOENT);
    /* A trailing slash asks for a directory, which a link cannot make. */
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/b/"), -LINUX_ENOENT);
    CHECK_EQ_U64(file_size("/tmp/b"), -LINUX_ENOENT);
}

static void a_removed_directory_takes_no_links(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "", 0644);
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/gone", 0755), 0);
    int64_t gone = open_path("/tmp/gone", LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/gone", LINUX_AT_REMOVEDIR), 0);
    CHECK_EQ_U64(link_at(&root, VFS_ROOT_DIRECTORY, "/tmp/a", (uint64_t)gone, "b", 0),
                 -LINUX_ENOENT);
}

static void non_directories_on_the_way_are_enotdir(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "", 0644);
    CHECK_EQ_U64(link_as(&root, "/tmp/a/", "/tmp/b"), -LINUX_ENOTDIR);
    CHECK_EQ_U64(link_as(&root, "/tmp/a/x", "/tmp/b"), -LINUX_ENOTDIR);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/a/b"), -LINUX_ENOTDIR);
}

static void names_too_long_are_enametoolong(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "", 0644);
    char name[300] = "/tmp/";
    memset(name + 5, 'n', 256);
    name[261] = '\0';
    CHECK_EQ_U64(link_as(&root, "/tmp/a", name), -LINUX_ENAMETOOLONG);
    CHECK_EQ_U64(link_as(&root, name, "/tmp/b"), -LINUX_ENAMETOOLONG);
    name[260] = '\0';
    CHECK_EQ_U64(link_as(&root, "/tmp/a", name), 0);
}

static void links_stay_within_one_file_system(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "", 0644);
    make_file_as(&root, "/dev/shm/s", "", 0644);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/dev/shm/a"), -LINUX_EXDEV);
    CHECK_EQ_U64(link_as(&root, "/dev/shm/s", "/tmp/s"), -LINUX_EXDEV);
    CHECK_EQ_U64(link_as(&root, "/dev/null", "/tmp/null"), -LINUX_EXDEV);
    CHECK_EQ_U64(link_as(&root, "/dev/shm", "/tmp/shm"), -LINUX_EXDEV);
    CHECK_EQ_U64(link_as(&root, "/dev/shm/s", "/dev/shm/t"), 0);
}

static void a_read_only_file_system_takes_no_new_names(void)
{
    fresh_vfs();
    struct cpio archive = {0};
    cpio_add(&archive, "bin", LINUX_S_IFDIR | 0755, NULL, 0);
    cpio_add(&archive, "bin/program", LINUX_S_IFREG | 0755, "\177ELF", 0);
    cpio_finish(&archive);
    CHECK_EQ_U64(vfs_load_archive(&vfs, archive.bytes, archive.length), 0);
    CHECK_EQ_U64(link_as(&root, "/bin/program", "/bin/other"), -LINUX_EROFS);
    CHECK_EQ_U64(link_as(&root, "/dev/null", "/dev/other"), -LINUX_EROFS);
    /* EROFS is the new name's, so it comes before EXDEV. */
    make_file_as(&root, "/tmp/a", "", 0644);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/a"), -LINUX_EROFS);
    CHECK_EQ_U64(link_as(&root, "/bin/program", "/tmp/program"), -LINUX_EXDEV);
}

static void the_new_directory_needs_write_and_search_permission(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/closed", 0755), 0);
    CHECK_EQ_U64(mkdir_as(&alice, "/tmp/mine", 0700), 0);
    make_file_as(&alice, "/tmp/mine/f", "", 0644);
    CHECK_EQ_U64(link_as(&alice, "/tmp/mine/f", "/tmp/closed/f"), -LINUX_EACCES);
    CHECK_EQ_U64(link_as(&alice, "/tmp/mine/f", "/tmp/mine/g"), 0);
    CHECK_EQ_U64(link_as(&alice, "/tmp/mine/f", "/tmp/h"), 0);
    /* Search permission on the way to the old name. */
    CHECK_EQ_U64(link_as(&bob, "/tmp/mine/f", "/tmp/i"), -LINUX_EACCES);
    /* EXDEV before EACCES, as Linux checks. */
    CHECK_EQ_U64(mkdir_as(&root, "/dev/shm/closed", 0755), 0);
    CHECK_EQ_U64(link_as(&alice, "/tmp/h", "/dev/shm/closed/f"), -LINUX_EXDEV);
}

static void others_may_link_only_files_they_could_change(void)
{
    fresh_vfs();
    make_file_as(&alice, "/tmp/readable", "", 0644);
    make_file_as(&alice, "/tmp/writable", "", 0666);
    CHECK_EQ_U64(link_as(&bob, "/tmp/readable", "/tmp/b1"), -LINUX_EPERM);
    CHECK_EQ_U64(link_as(&bob, "/tmp/writable", "/tmp/b2"), 0);
    CHECK_EQ_U64(status_of("/tmp/b2").st_uid, alice.uid);
    /* Her own files, and root's any file. */
    CHECK_EQ_U64(link_as(&alice, "/tmp/readable", "/tmp/a1"), 0);
    CHECK_EQ_U64(link_as(&root, "/tmp/readable", "/tmp/r1"), 0);
    /* Group permissions count as for any access. */
    make_file_as(&alice, "/tmp/group", "", 0660);
    CHECK_EQ_U64(link_as(&carol_in_alices_group, "/tmp/group", "/tmp/c1"), 0);
}

static void others_may_not_link_privileged_programs_or_special_files(void)
{
    fresh_vfs();
    make_file_as(&alice, "/tmp/setuid", "", 0666);
    make_file_as(&alice, "/tmp/setgid", "", 0666);
    make_file_as(&alice, "/tmp/setgid_locking", "", 0666);
    CHECK_EQ_U64(vfs_chmod(&vfs, &alice, VFS_ROOT_DIRECTORY, "/tmp/setuid", 11, 04666, 0), 0);
    CHECK_EQ_U64(vfs_chmod(&vfs, &alice, VFS_ROOT_DIRECTORY, "/tmp/setgid", 11, 02676, 0), 0);
    /* Set-group-ID without group execute is mandatory locking, not a
     * privilege. */
    CHECK_EQ_U64(vfs_chmod(&vfs, &alice, VFS_ROOT_DIRECTORY, "/tmp/setgid_locking", 19, 02666,
                           0), 0);
    CHECK_EQ_U64(link_as(&bob, "/tmp/setuid", "/tmp/b1"), -LINUX_EPERM);
    CHECK_EQ_U64(link_as(&bob, "/tmp/setgid", "/tmp/b2"), -LINUX_EPERM);
    CHECK_EQ_U64(link_as(&bob, "/tmp/setgid_locking", "/tmp/b3"), 0);
    CHECK_EQ_U64(vfs_mknod(&vfs, &alice, VFS_ROOT_DIRECTORY, "/tmp/fifo", 9,
                           LINUX_S_IFIFO | 0666, 0), 0);
    CHECK_EQ_U64(link_as(&bob, "/tmp/fifo", "/tmp/b4"), -LINUX_EPERM);
    CHECK_EQ_U64(link_as(&alice, "/tmp/fifo", "/tmp/a4"), 0);
    CHECK_EQ_U64(link_as(&root, "/tmp/setuid", "/tmp/r1"), 0);
}

static void a_fifo_links_to_the_same_pipe(void)
{
    fresh_vfs();
    CHECK_EQ_U64(vfs_mknod(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/fifo", 9,
                           LINUX_S_IFIFO | 0644, 0), 0);
    CHECK_EQ_U64(link_as(&root, "/tmp/fifo", "/tmp/other"), 0);
    uint64_t first, second;
    CHECK_EQ_U64(vfs_open(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/fifo", 9, LINUX_O_RDONLY, 0,
                          &first), VFS_CORE_OPENED_FIFO);
    CHECK_EQ_U64(vfs_open(&vfs, &root, VFS_ROOT_DIRECTORY, "/tmp/other", 10, LINUX_O_WRONLY, 0,
                          &second), VFS_CORE_OPENED_FIFO);
    CHECK_EQ_U64(first, second);
    CHECK_EQ_U64(status_of("/tmp/fifo").st_nlink, 2);
}

static void unknown_flags_are_einval_and_follow_changes_nothing(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "", 0644);
    CHECK_EQ_U64(link_at(&root, VFS_ROOT_DIRECTORY, "/tmp/a", VFS_ROOT_DIRECTORY, "/tmp/b",
                         LINUX_AT_SYMLINK_NOFOLLOW), -LINUX_EINVAL);
    CHECK_EQ_U64(link_at(&root, VFS_ROOT_DIRECTORY, "/tmp/missing", VFS_ROOT_DIRECTORY,
                         "/tmp/b", 0x1), -LINUX_EINVAL);
    CHECK_EQ_U64(link_at(&root, VFS_ROOT_DIRECTORY, "/tmp/a", VFS_ROOT_DIRECTORY, "/tmp/b",
                         LINUX_AT_SYMLINK_FOLLOW), 0);
    CHECK_EQ_U64(status_of("/tmp/a").st_nlink, 2);
}

static void an_empty_path_names_the_descriptor_for_root_only(void)
{
    fresh_vfs();
    make_file_as(&alice, "/tmp/a", "x", 0666);
    int64_t handle = open_path("/tmp/a", LINUX_O_RDONLY, 0);
    CHECK_EQ_U64(link_at(&root, (uint64_t)handle, "", VFS_ROOT_DIRECTORY, "/tmp/b",
                         LINUX_AT_EMPTY_PATH), 0);
    CHECK_EQ_U64(status_of("/tmp/b").st_ino, status_of("/tmp/a").st_ino);
    /* Others lack CAP_DAC_READ_SEARCH: ENOENT, whatever the path. */
    CHECK_EQ_U64(link_at(&alice, (uint64_t)handle, "", VFS_ROOT_DIRECTORY, "/tmp/c",
                         LINUX_AT_EMPTY_PATH), -LINUX_ENOENT);
    CHECK_EQ_U64(link_at(&alice, VFS_ROOT_DIRECTORY, "/tmp/a", VFS_ROOT_DIRECTORY, "/tmp/c",
                         LINUX_AT_EMPTY_PATH), -LINUX_ENOENT);
    /* Without the flag an empty path is ENOENT, with it a path still counts. */
    CHECK_EQ_U64(link_at(&root, (uint64_t)handle, "", VFS_ROOT_DIRECTORY, "/tmp/c", 0),
                 -LINUX_ENOENT);
    CHECK_EQ_U64(link_at(&root, VFS_ROOT_DIRECTORY, "/tmp/a", VFS_ROOT_DIRECTORY, "/tmp/c",
                         LINUX_AT_EMPTY_PATH), 0);
    CHECK_EQ_U64(link_at(&root, 0x777, "", VFS_ROOT_DIRECTORY, "/tmp/d", LINUX_AT_EMPTY_PATH),
                 -LINUX_EBADF);
    /* A directory's descriptor names a directory: EPERM. */
    int64_t directory = open_path("/tmp", LINUX_O_PATH, 0);
    CHECK_EQ_U64(link_at(&root, (uint64_t)directory, "", VFS_ROOT_DIRECTORY, "/tmp/d",
                         LINUX_AT_EMPTY_PATH), -LINUX_EPERM);
    CHECK_EQ_U64(status_of("/tmp/a").st_nlink, 3);
}

static void a_file_without_names_gets_none_back(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "x", 0644);
    int64_t handle = open_path("/tmp/a", LINUX_O_RDONLY, 0);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/a", 0), 0);
    CHECK_EQ_U64(link_at(&root, (uint64_t)handle, "", VFS_ROOT_DIRECTORY, "/tmp/b",
                         LINUX_AT_EMPTY_PATH), -LINUX_ENOENT);
    CHECK_EQ_U64(file_size("/tmp/b"), -LINUX_ENOENT);
}

static void renaming_onto_another_name_of_the_node_does_nothing(void)
{
    fresh_vfs();
    make_file_as(&alice, "/tmp/a", "x", 0644);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/b"), 0);
    CHECK_EQ_U64(rename_as(&root, "/tmp/a", "/tmp/b"), 0);
    CHECK_EQ_U64(status_of("/tmp/a").st_nlink, 2);
    CHECK_EQ_U64(status_of("/tmp/b").st_nlink, 2);
    /* Not even the sticky bit is asked: nothing changes. */
    CHECK_EQ_U64(rename_as(&bob, "/tmp/a", "/tmp/b"), 0);
}

static void renaming_a_link_moves_that_name_only(void)
{
    fresh_vfs();
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d", 0755), 0);
    make_file_as(&root, "/tmp/a", "x", 0644);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/b"), 0);
    CHECK_EQ_U64(rename_as(&root, "/tmp/b", "/tmp/d/c"), 0);
    CHECK_EQ_U64(file_size("/tmp/b"), -LINUX_ENOENT);
    CHECK_EQ_U64(status_of("/tmp/d/c").st_ino, status_of("/tmp/a").st_ino);
    CHECK_EQ_U64(status_of("/tmp/a").st_nlink, 2);
}

static void renaming_over_a_link_drops_that_name(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "old", 0644);
    make_file_as(&root, "/tmp/other", "new!", 0644);
    CHECK_EQ_U64(link_as(&root, "/tmp/a", "/tmp/b"), 0);
    uint64_t old_inode = status_of("/tmp/a").st_ino;
    CHECK_EQ_U64(rename_as(&root, "/tmp/other", "/tmp/b"), 0);
    struct linux_stat a = status_of("/tmp/a"), b = status_of("/tmp/b");
    CHECK_EQ_U64(a.st_ino, old_inode);
    CHECK_EQ_U64(a.st_nlink, 1);
    CHECK_EQ_U64(a.st_size, 3);
    CHECK(b.st_ino != old_inode);
    CHECK_EQ_U64(b.st_nlink, 1);
    CHECK_EQ_U64(b.st_size, 4);
}

static void running_out_of_memory_makes_no_half_link(void)
{
    fresh_vfs();
    make_file_as(&root, "/tmp/a", "", 0644);
    pages_left = 0;
    char name[32];
    int result = 0;
    int made = 0;
    while (made < 1000) {
        snprintf(name, sizeof(name), "/tmp/link%d", made);
        result = link_as(&root, "/tmp/a", name);
        if (result != 0)
            break;
        made++;
    }
    CHECK_EQ_U64(result, -LINUX_ENOSPC);
    CHECK_EQ_U64(file_size(name), -LINUX_ENOENT);
    CHECK_EQ_U64(status_of("/tmp/a").st_nlink, 1 + (uint64_t)made);
    pages_left = -1;
    CHECK_EQ_U64(link_as(&root, "/tmp/a", name), 0);
}

/* FILE_PATH's name for handle, NUL-terminated in path; its length. */
static int64_t path_of(int64_t handle, char *path)
{
    int64_t length = vfs_path(&vfs, (uint64_t)handle, path);
    if (length >= 0)
        path[length] = 0;
    return length;
}

static void a_description_is_named_by_its_path_and_keeps_it_once_removed(void)
{
    fresh_vfs();
    static char path[FILE_PATH_MAX + 1];
    make_file_as(&root, "/tmp/a", "x", 0644);
    int64_t file = open_path("/tmp/a", LINUX_O_RDONLY, 0);
    CHECK_EQ_U64(path_of(file, path), 6);
    CHECK_EQ_STR(path, "/tmp/a");
    int64_t tmp = open_path("/tmp", LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
    CHECK_EQ_U64(path_of(tmp, path), 4);
    CHECK_EQ_STR(path, "/tmp");
    int64_t top = open_path("/", LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
    CHECK_EQ_U64(path_of(top, path), 1);
    CHECK_EQ_STR(path, "/");
    /* Renamed, linked, its first name unlinked: the name it has now. */
    CHECK_EQ_U64(mkdir_as(&root, "/tmp/d", 0755), 0);
    CHECK_EQ_U64(rename_as(&root, "/tmp/a", "/tmp/d/b"), 0);
    path_of(file, path);
    CHECK_EQ_STR(path, "/tmp/d/b");
    CHECK_EQ_U64(link_as(&root, "/tmp/d/b", "/tmp/c"), 0);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/d/b", 0), 0);
    path_of(file, path);
    CHECK_EQ_STR(path, "/tmp/c");
    /* Its last name gone: that path, deleted. */
    CHECK_EQ_U64(unlink_as(&root, "/tmp/c", 0), 0);
    CHECK_EQ_U64(path_of(file, path), strlen("/tmp/c (deleted)"));
    CHECK_EQ_STR(path, "/tmp/c (deleted)");
    /* A removed directory, the same. */
    int64_t directory = open_path("/tmp/d", LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
    CHECK_EQ_U64(unlink_as(&root, "/tmp/d", LINUX_AT_REMOVEDIR), 0);
    path_of(directory, path);
    CHECK_EQ_STR(path, "/tmp/d (deleted)");
    CHECK_EQ_U64(vfs_path(&vfs, 0x777, path), -LINUX_EBADF);
    /* The kept names go with their nodes. */
    CHECK_EQ_U64(vfs_close(&vfs, (uint64_t)file), 0);
    CHECK_EQ_U64(vfs_close(&vfs, (uint64_t)directory), 0);
}

int main(void)
{
    RUN_TEST(a_link_is_another_name_for_the_same_node);
    RUN_TEST(the_names_share_the_data);
    RUN_TEST(unlinking_one_name_keeps_the_others);
    RUN_TEST(the_node_goes_with_its_last_name_and_its_last_description);
    RUN_TEST(link_and_unlink_change_the_nodes_ctime_and_the_directorys_times);
    RUN_TEST(a_directory_counts_each_link_in_its_size_but_not_its_link_count);
    RUN_TEST(getdents_lists_every_name_of_a_node);
    RUN_TEST(links_are_made_relative_to_directory_handles);
    RUN_TEST(a_directory_keeps_one_name_and_getcwd_finds_it);
    RUN_TEST(an_existing_new_name_is_eexist);
    RUN_TEST(missing_names_are_enoent);
    RUN_TEST(a_removed_directory_takes_no_links);
    RUN_TEST(non_directories_on_the_way_are_enotdir);
    RUN_TEST(names_too_long_are_enametoolong);
    RUN_TEST(links_stay_within_one_file_system);
    RUN_TEST(a_read_only_file_system_takes_no_new_names);
    RUN_TEST(the_new_directory_needs_write_and_search_permission);
    RUN_TEST(others_may_link_only_files_they_could_change);
    RUN_TEST(others_may_not_link_privileged_programs_or_special_files);
    RUN_TEST(a_fifo_links_to_the_same_pipe);
    RUN_TEST(unknown_flags_are_einval_and_follow_changes_nothing);
    RUN_TEST(an_empty_path_names_the_descriptor_for_root_only);
    RUN_TEST(a_file_without_names_gets_none_back);
    RUN_TEST(renaming_onto_another_name_of_the_node_does_nothing);
    RUN_TEST(renaming_a_link_moves_that_name_only);
    RUN_TEST(renaming_over_a_link_drops_that_name);
    RUN_TEST(running_out_of_memory_makes_no_half_link);
    RUN_TEST(a_description_is_named_by_its_path_and_keeps_it_once_removed);
    return check_report();
}
