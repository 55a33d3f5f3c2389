/*
 * A process's user and group ids and what they permit, as Linux decides
 * it with root standing for every capability: signalling another
 * process, moving another's threads between cores, and changing ids with
 * the setuid family. Plain C, host-tested (tests/host/test_procmgr_credentials.c).
 */
#ifndef PROCMGR_CREDENTIALS_H
#define PROCMGR_CREDENTIALS_H

#include <stdbool.h>
#include <stdint.h>

/* The real, effective and saved id of a user or of a group. */
struct id_triple {
    uint64_t real, effective, saved;
};

struct credentials {
    struct id_triple user, group;
};

/* Root: an effective user id of 0. */
bool credentials_privileged(const struct credentials *credentials);

/* kill(2) and its kin (Linux's kill_ok_by_cred): root, or the sender's
 * real or effective user id is the target's real or saved one. */
bool credentials_may_signal(const struct credentials *sender, const struct credentials *target);

/* sched_setaffinity and sched_setscheduler on another's thread (Linux's
 * check_same_owner): root, or the caller's effective user id is the
 * target's real or effective one. */
bool credentials_same_owner(const struct credentials *caller, const struct credentials *target);

/* pidfd_getfd (Linux's ptrace_may_access with PTRACE_MODE_ATTACH_REALCREDS):
 * root, or the caller's real user and group ids are each of the target's
 * real, effective and saved ones. */
bool credentials_may_take_descriptors(const struct credentials *caller,
                                      const struct credentials *target);

/* /proc's fd, fdinfo, maps and exe (Linux's ptrace_may_access with
 * PTRACE_MODE_READ_FSCREDS): root, or the caller's file-system user and
 * group ids (its effective ones here) are each of the target's real,
 * effective and saved ones. */
bool credentials_may_look_into(const struct credentials *caller,
                               const struct credentials *target);

/* PROC_SET_IDS: which (enum proc_set_ids) with its arguments, each an id
 * or -1 to keep one (setuid and setgid use only the first). Changes the
 * user or group ids of credentials as the syscall does and returns 0, or
 * leaves them and returns -LINUX_EPERM (an id the caller may not take) or
 * -LINUX_EINVAL (setuid or setgid of -1, an unknown which). */
int credentials_set_ids(struct credentials *credentials, uint64_t which, int64_t first,
                        int64_t second, int64_t third);

#endif
