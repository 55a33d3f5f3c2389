/*
 * Path resolution: from "/" or a directory, component by component,
 * with search permission on every directory passed through. The last
 * component is looked up but not judged: each operation decides what a
 * missing node, "." or a trailing slash means for it.
 */
#ifndef SERVERS_VFS_LOOKUP_H
#define SERVERS_VFS_LOOKUP_H

#include "entry.h"

enum last_component {
    LAST_NORMAL,                    /* a name */
    LAST_DOT,                       /* "." */
    LAST_DOTDOT,                    /* ".." */
    LAST_ROOT,                      /* the path is only slashes */
};

struct lookup_result {
    struct vfs_node *directory;     /* holds the last component */
    struct vfs_node *node;          /* what the path names; NULL if absent */
    struct vfs_entry *entry;        /* a LAST_NORMAL name's entry; NULL if absent */
    const char *name;               /* the last component */
    size_t name_length;
    enum last_component last;
    bool trailing_slash;            /* the path ends with "/" after a name */
};

/* The node a directory argument names: "/" for VFS_ROOT_DIRECTORY, else
 * the node of the OFD (any type); EBADF for an unknown handle. */
int lookup_handle_node(struct vfs *vfs, uint64_t handle, struct vfs_node **node);

/* Walks the path. Errors: ENOENT (empty path, a missing directory on the
 * way), ENAMETOOLONG (the path >= LINUX_PATH_MAX bytes or a component
 * over LINUX_NAME_MAX), ENOTDIR (a non-directory on the way, or a
 * relative path from a non-directory), EACCES (a directory without
 * search permission), EBADF (a bad handle for a relative path). */
int lookup_path(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
                const char *path, size_t length, struct lookup_result *result);

/* The node a path names, which must exist (ENOENT; ENOTDIR for a
 * trailing slash after a non-directory), with lookup_path's errors, or
 * VFS_CORE_IN_MQUEUE for a queue; with
 * LINUX_AT_EMPTY_PATH in flags an empty path names the directory handle
 * itself, whatever its type (EBADF for a bad one). */
int lookup_existing(struct vfs *vfs, const struct vfs_credentials *who, uint64_t directory,
                    const char *path, size_t length, uint64_t flags, struct vfs_node **node);

/* Whether the path's last component names a queue: a name in
 * /dev/mqueue, without a trailing slash (VFS_CORE_IN_MQUEUE). */
bool lookup_names_queue(const struct lookup_result *found);

/* The length of the path up to its first NUL, at most length. */
size_t lookup_path_length(const char *path, size_t length);

#endif
