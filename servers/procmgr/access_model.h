/*
 * What a process lets others do to it, beyond Linux's ptrace rules
 * (docs/access.md). Pure, so the host tests check it.
 *
 * Every process carries an access descriptor: for each right (query it,
 * read its memory, write its memory) the principals that may use it, and
 * an integrity level. The principals are the process's own user (the
 * callers Linux's ptrace_may_access lets in without privilege: the same
 * real ids, the target dumpable) and the privileged (root, Linux's
 * CAP_SYS_PTRACE). A process may always act on itself. A caller whose
 * level is below the target's is refused whatever its principal: a lower
 * level never dominates a higher one.
 *
 * The defaults (every right to both principals, every process at
 * ACCESS_LEVEL_DEFAULT) are Linux's rules exactly. A process may only
 * tighten its own descriptor (take principals away, lower its level);
 * only the privileged raise its level. Fork and execve keep it.
 */
#ifndef PROCMGR_ACCESS_MODEL_H
#define PROCMGR_ACCESS_MODEL_H

#include <stdbool.h>
#include <stdint.h>

/* The rights (what kcmp, process_vm_readv/writev and pidfd_getfd need). */
enum access_right {
    ACCESS_QUERY,           /* kcmp: compare its objects */
    ACCESS_VM_READ,         /* process_vm_readv; pidfd_getfd (its descriptor table) */
    ACCESS_VM_WRITE,        /* process_vm_writev */
    ACCESS_RIGHTS,
};

/* Principals, as a mask per right. */
#define ACCESS_SAME_USER    1u
#define ACCESS_PRIVILEGED   2u
#define ACCESS_EVERYONE     (ACCESS_SAME_USER | ACCESS_PRIVILEGED)

#define ACCESS_LEVEL_DEFAULT 2u
#define ACCESS_LEVEL_MAX    4u

struct process_access {
    uint8_t principals[ACCESS_RIGHTS];
    uint8_t level;
};

/* Linux's rules: every right to everyone, the default level. */
struct process_access access_default(void);

/* Who is asking, as the target's rules see it. */
struct access_caller {
    bool self;              /* a thread of the target itself */
    bool privileged;        /* root */
    bool same_user;         /* Linux's unprivileged rule holds (ids, dumpable) */
    uint8_t level;          /* its own integrity level */
};

/* May caller use right on a process with access? 0 or -EPERM. */
int access_check(const struct process_access *access, const struct access_caller *caller,
                 enum access_right right);

/* The descriptor as one word (prctl's): principals of right r in bits
 * 8r..8r+7, the level in bits 24..31. */
uint64_t access_pack(const struct process_access *access);
/* A process with access (privileged or not) asks for wanted (packed):
 * 0 and *access changed, or -EINVAL for a word that names unknown
 * principals or levels, -EPERM for anything that is not a tightening
 * (a principal given back, a level raised without privilege). */
int access_set(struct process_access *access, uint64_t wanted, bool privileged);

#endif
