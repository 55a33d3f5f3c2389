/* The access model: access_model.h. */
#include "access_model.h"
#include "sys/linux_abi.h"

struct process_access access_default(void)
{
    struct process_access access = { .level = ACCESS_LEVEL_DEFAULT };
    for (unsigned right = 0; right < ACCESS_RIGHTS; right++)
        access.principals[right] = ACCESS_EVERYONE;
    return access;
}

int access_check(const struct process_access *access, const struct access_caller *caller,
                 enum access_right right)
{
    if (caller->self)
        return 0;
    if (caller->level < access->level)
        return -LINUX_EPERM;
    uint8_t principals = access->principals[right];
    if (caller->privileged)
        return principals & ACCESS_PRIVILEGED ? 0 : -LINUX_EPERM;
    return caller->same_user && (principals & ACCESS_SAME_USER) ? 0 : -LINUX_EPERM;
}

uint64_t access_pack(const struct process_access *access)
{
    uint64_t word = (uint64_t)access->level << 24;
    for (unsigned right = 0; right < ACCESS_RIGHTS; right++)
        word |= (uint64_t)access->principals[right] << (8 * right);
    return word;
}

int access_set(struct process_access *access, uint64_t wanted, bool privileged)
{
    struct process_access next = { .level = (uint8_t)(wanted >> 24) };
    if (wanted >> 32 || next.level > ACCESS_LEVEL_MAX)
        return -LINUX_EINVAL;
    for (unsigned right = 0; right < ACCESS_RIGHTS; right++) {
        next.principals[right] = (uint8_t)(wanted >> (8 * right));
        if (next.principals[right] & ~ACCESS_EVERYONE)
            return -LINUX_EINVAL;
        if (next.principals[right] & ~access->principals[right])
            return -LINUX_EPERM;            /* a principal given back */
    }
    /* Raising the level: only the privileged. */
    if (next.level > access->level && !privileged)
        return -LINUX_EPERM;
    *access = next;
    return 0;
}
