/*
 * /proc in the personality (procfs.c): paths under it are answered
 * before they reach vfs, with what procmgr, the descriptors' servers and
 * the sysv and mqueue servers say (docs/personality.md, /proc).
 */
#ifndef LINUX_PROCFS_H
#define LINUX_PROCFS_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/linux_abi.h"

#define LINUX_PROCFS_PATH_MAX 256

/* The absolute path under /proc that path names, relative to dirfd
 * (AT_FDCWD: the working directory) when it is relative: path itself,
 * or buffer holding it; 0 when it is not under /proc. */
const char *linux_procfs_path(int64_t dirfd, const char *path,
                              char buffer[LINUX_PROCFS_PATH_MAX]);
/* chdir to such a path: vfs's /proc in slot (0 or -errno), and the
 * working directory remembered as that directory. */
int64_t linux_procfs_chdir(const char *path, uint64_t slot);
/* The working directory became descriptor fd's directory (fchdir), or
 * something not in /proc (fd -1). */
void linux_procfs_working_directory(int64_t fd);
/* openat of such a path: a new descriptor or -errno. */
int64_t linux_procfs_open(const char *path, uint64_t flags);
/* stat of such a path: 0 (filled), 1 (/proc itself: ask vfs) or -errno;
 * nofollow: lstat's (/proc/self, exe and fd/N are links). */
int64_t linux_procfs_stat(const char *path, struct linux_stat *stat, bool nofollow);
/* readlink of /proc/self (the pid's digits), /proc/<pid>/exe (the
 * program's path) and /proc/<pid>/fd/N (what the descriptor is): the
 * bytes put in buffer; -EINVAL for what is no link. */
int64_t linux_procfs_readlink(const char *path, char *buffer, int64_t size);
/* getdents64 of a /proc directory descriptor: true (and *result) if fd
 * is one. */
bool linux_procfs_getdents(int64_t fd, uint64_t buffer, uint64_t length, int64_t *result);
/* lseek of a /proc directory descriptor (*handled): SEEK_SET only. */
int64_t linux_procfs_seek(int64_t fd, int64_t offset, uint64_t whence, bool *handled);
void linux_procfs_closed(unsigned fd);
void linux_procfs_copied(unsigned from, unsigned to);

#endif
