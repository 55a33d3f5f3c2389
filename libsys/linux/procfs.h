/*
 * /proc in the personality (procfs.c): paths under it are answered with
 * procmgr's text (PROC_PROCFS) before they reach vfs.
 */
#ifndef LINUX_PROCFS_H
#define LINUX_PROCFS_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/linux_abi.h"

/* The absolute path is /proc or under it. */
bool linux_procfs_path(const char *path);
/* openat of such a path: a new descriptor or -errno. */
int64_t linux_procfs_open(const char *path, uint64_t flags);
/* stat of such a path: 0 (filled), 1 (/proc itself: ask vfs) or -errno. */
int64_t linux_procfs_stat(const char *path, struct linux_stat *stat);
/* readlink of /proc/self: the pid's digits; -EINVAL for the others. */
int64_t linux_procfs_readlink(const char *path, char *buffer, int64_t size);
/* getdents64 of a /proc directory descriptor: true (and *result) if fd
 * is one. */
bool linux_procfs_getdents(int64_t fd, uint64_t buffer, uint64_t length, int64_t *result);
/* lseek of a /proc directory descriptor (*handled): SEEK_SET only. */
int64_t linux_procfs_seek(int64_t fd, int64_t offset, uint64_t whence, bool *handled);
void linux_procfs_closed(unsigned fd);
void linux_procfs_copied(unsigned from, unsigned to);

#endif
