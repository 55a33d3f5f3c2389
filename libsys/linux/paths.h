/*
 * Paths as vfs takes them (protocol/vfs.h): the string in a read window,
 * its length in a register (no NUL), and the directory a relative path
 * starts from as capability 0.
 */
#ifndef LINUX_PATHS_H
#define LINUX_PATHS_H

#include <stdbool.h>
#include <stdint.h>

/* Names path as window index; *length gets its length. -EFAULT for a
 * NULL path, -ENAMETOOLONG past PATH_MAX, -ENOENT for "" unless
 * empty_allowed (AT_EMPTY_PATH). */
int64_t linux_path_window(unsigned index, const char *path, bool empty_allowed,
                          uint64_t *length);

/* The capability a path relative to dirfd starts from: the working
 * directory for AT_FDCWD and for absolute paths (whose dirfd Linux
 * ignores), else dirfd's own; -EBADF if dirfd is not open. */
int64_t linux_directory_capability(int64_t dirfd, const char *path);

/* Both for a call on one path: path as window 0 (*length its length) and
 * its starting directory as capability 0; 0 or the first -errno. */
int64_t linux_path_argument(int64_t dirfd, const char *path, bool empty_allowed,
                            uint64_t *length);

/* VFS_OPEN of path relative to dirfd, the new file capability received
 * into slot (which must be empty). flags go to vfs as they are (without
 * O_CLOEXEC); mode is applied the umask here. 0 or -errno, or
 * VFS_OPENED_FIFO when path is a FIFO: slot holds the FIFO's capability
 * for linux_fifo_open then (never with O_DIRECTORY or VFS_OPEN_EXEC). */
int64_t linux_open_into(uint64_t slot, int64_t dirfd, const char *path, uint64_t flags,
                        uint64_t mode);

/* This thread's scratch slot, emptied: capabilities that are not
 * descriptors (yet): the program for execve, a new working directory. */
uint64_t linux_scratch_slot(void);

/* mode & 07777 & ~umask. */
uint64_t linux_apply_umask(uint64_t mode);

#endif
