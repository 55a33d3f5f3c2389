/*
 * Credentials and what they permit (credentials.h).
 */
#include "credentials.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"

/* The -1 of the set-ids calls: this id stays as it is. */
#define KEEP (-1)

bool credentials_privileged(const struct credentials *credentials)
{
    return credentials->user.effective == 0;
}

bool credentials_may_signal(const struct credentials *sender, const struct credentials *target)
{
    const struct id_triple *from = &sender->user, *to = &target->user;
    return credentials_privileged(sender) || from->real == to->real
        || from->effective == to->real || from->real == to->saved
        || from->effective == to->saved;
}

bool credentials_same_owner(const struct credentials *caller, const struct credentials *target)
{
    return credentials_privileged(caller) || caller->user.effective == target->user.real
        || caller->user.effective == target->user.effective;
}

static bool all_are(const struct id_triple *ids, uint64_t id)
{
    return ids->real == id && ids->effective == id && ids->saved == id;
}

bool credentials_may_take_descriptors(const struct credentials *caller,
                                      const struct credentials *target)
{
    return credentials_privileged(caller) || (all_are(&target->user, caller->user.real) &&
                                              all_are(&target->group, caller->group.real));
}

bool credentials_may_look_into(const struct credentials *caller,
                               const struct credentials *target)
{
    return credentials_privileged(caller) || (all_are(&target->user, caller->user.effective) &&
                                              all_are(&target->group, caller->group.effective));
}

/* setresuid's rule, the one the other calls are built on here: each id
 * may become one the triple already holds, or anything for root. */
static int set_triple(bool privileged, struct id_triple *ids, const int64_t wanted[3])
{
    uint64_t held[3] = { ids->real, ids->effective, ids->saved };
    for (int i = 0; i < 3; i++) {
        uint64_t value = (uint64_t)wanted[i];
        if (wanted[i] != KEEP && !privileged && value != held[0] && value != held[1]
            && value != held[2])
            return -LINUX_EPERM;
    }
    if (wanted[0] != KEEP)
        ids->real = (uint64_t)wanted[0];
    if (wanted[1] != KEEP)
        ids->effective = (uint64_t)wanted[1];
    if (wanted[2] != KEEP)
        ids->saved = (uint64_t)wanted[2];
    return 0;
}

int credentials_set_ids(struct credentials *credentials, uint64_t which, int64_t first,
                        int64_t second, int64_t third)
{
    bool privileged = credentials_privileged(credentials);
    bool is_group = which == PROC_SETGID || which == PROC_SETREGID || which == PROC_SETRESGID;
    struct id_triple *ids = is_group ? &credentials->group : &credentials->user;
    int64_t wanted[3] = { KEEP, KEEP, KEEP };
    switch (which) {
    case PROC_SETUID:
    case PROC_SETGID:
        if (first < 0)
            return -LINUX_EINVAL;
        /* Root sets all three; anyone else only the effective one. */
        if (privileged)
            wanted[0] = wanted[1] = wanted[2] = first;
        else
            wanted[1] = first;
        break;
    case PROC_SETREUID:
    case PROC_SETREGID:
        /* The real id may become only the real or effective one. */
        if (first != KEEP && !privileged && (uint64_t)first != ids->real
            && (uint64_t)first != ids->effective)
            return -LINUX_EPERM;
        wanted[0] = first;
        wanted[1] = second;
        /* The saved id follows the effective one when the real one is set
         * or the effective one changes to other than the real one. */
        if (first != KEEP || (second != KEEP && (uint64_t)second != ids->real))
            wanted[2] = second != KEEP ? second : (int64_t)ids->effective;
        break;
    case PROC_SETRESUID:
    case PROC_SETRESGID:
        wanted[0] = first, wanted[1] = second, wanted[2] = third;
        break;
    default:
        return -LINUX_EINVAL;
    }
    return set_triple(privileged, ids, wanted);
}
