/*
 * Who may do what to a node: mode bits against (uid, gid), root's
 * override, read-only mounts, and the sticky bit, in the order Linux
 * checks them (so the errno is Linux's when several rules fail).
 */
#ifndef SERVERS_VFS_PERMISSION_H
#define SERVERS_VFS_PERMISSION_H

#include "node.h"

#define MAY_EXECUTE 1u              /* also "search" for a directory */
#define MAY_WRITE   2u
#define MAY_READ    4u

/* Only the mode bits: the owner's, else the group's, else the others'.
 * Root may read and write anything, and execute what has any x bit (and
 * search any directory). */
bool permission_mode_allows(const struct vfs_node *node, const struct vfs_credentials *who,
                            unsigned want);
/* Names and contents under "/" (the archive) and /dev cannot change
 * (but in the tmpfs mounts /tmp and /dev/shm). */
bool permission_read_only_mount(const struct vfs_node *node);
/* Linux's inode_permission: EROFS for writing a directory or regular
 * file on a read-only mount, then EACCES by the mode bits. */
int permission_check(const struct vfs_node *node, const struct vfs_credentials *who,
                     unsigned want);
/* May `who` add a name to the directory: ENOENT once it is removed,
 * EROFS, EACCES (write and search). */
int permission_may_create(const struct vfs_node *directory, const struct vfs_credentials *who);
/* May `who` take victim's name out of directory (Linux's may_delete):
 * EACCES, EPERM for the sticky bit, then ENOTDIR/EISDIR when victim's
 * type is not the one the call removes. */
int permission_may_delete(const struct vfs_node *directory, const struct vfs_node *victim,
                          const struct vfs_credentials *who, bool removing_directory);

/* May `who` give node another name (Linux's may_linkat with Debian's
 * fs.protected_hardlinks = 1): root and the owner may; others only for a
 * regular file they may read and write that is neither set-user-ID nor an
 * executable set-group-ID one. EPERM otherwise. */
int permission_may_link(const struct vfs_node *node, const struct vfs_credentials *who);

#endif
