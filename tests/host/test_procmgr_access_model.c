/* The access model (access_model.h): Linux's rules by default, each
 * right and the integrity level tightened on their own, and nothing but
 * tightening allowed. */
#include "access_model.h"
#include "check.h"
#include "sys/linux_abi.h"

static const struct access_caller self = { .self = true, .level = ACCESS_LEVEL_DEFAULT };
static const struct access_caller same_user = { .same_user = true, .level = ACCESS_LEVEL_DEFAULT };
static const struct access_caller stranger = { .level = ACCESS_LEVEL_DEFAULT };
static const struct access_caller root = { .privileged = true, .level = ACCESS_LEVEL_DEFAULT };

static void the_defaults_are_linuxs(void)
{
    struct process_access access = access_default();
    for (unsigned right = 0; right < ACCESS_RIGHTS; right++) {
        CHECK_EQ_U64(access_check(&access, &self, right), 0);
        CHECK_EQ_U64(access_check(&access, &same_user, right), 0);
        CHECK_EQ_U64(access_check(&access, &root, right), 0);
        CHECK_EQ_U64(access_check(&access, &stranger, right), -LINUX_EPERM);
    }
}

static void each_right_is_taken_away_on_its_own(void)
{
    struct process_access access = access_default();
    /* Writing its memory: nobody else; reading: root only. */
    uint64_t word = access_pack(&access) & ~(0xffull << 16) & ~((uint64_t)ACCESS_SAME_USER << 8);
    CHECK_EQ_U64(access_set(&access, word, false), 0);
    CHECK_EQ_U64(access_check(&access, &same_user, ACCESS_QUERY), 0);
    CHECK_EQ_U64(access_check(&access, &same_user, ACCESS_VM_READ), -LINUX_EPERM);
    CHECK_EQ_U64(access_check(&access, &root, ACCESS_VM_READ), 0);
    CHECK_EQ_U64(access_check(&access, &root, ACCESS_VM_WRITE), -LINUX_EPERM);
    CHECK_EQ_U64(access_check(&access, &self, ACCESS_VM_WRITE), 0);
    CHECK_EQ_U64(access_pack(&access), word);
}

static void a_lower_level_never_dominates(void)
{
    struct process_access access = access_default();
    struct access_caller low_root = root;
    low_root.level = ACCESS_LEVEL_DEFAULT - 1;
    CHECK_EQ_U64(access_check(&access, &low_root, ACCESS_QUERY), -LINUX_EPERM);
    /* A process that lowers itself is no longer protected from its peers. */
    uint64_t lowered = (access_pack(&access) & 0xffffff) | (uint64_t)(ACCESS_LEVEL_DEFAULT - 1) << 24;
    CHECK_EQ_U64(access_set(&access, lowered, false), 0);
    CHECK_EQ_U64(access_check(&access, &low_root, ACCESS_QUERY), 0);
    CHECK_EQ_U64(access_check(&access, &same_user, ACCESS_VM_WRITE), 0);
}

static void only_tightening_is_allowed(void)
{
    struct process_access access = access_default();
    uint64_t start = access_pack(&access);
    uint64_t narrower = start & ~(uint64_t)ACCESS_SAME_USER;
    CHECK_EQ_U64(access_set(&access, narrower, false), 0);
    CHECK_EQ_U64(access_set(&access, start, false), -LINUX_EPERM);       /* given back */
    CHECK_EQ_U64(access_set(&access, start, true), -LINUX_EPERM);        /* even by root */
    uint64_t higher = narrower + (1ull << 24);
    CHECK_EQ_U64(access_set(&access, higher, false), -LINUX_EPERM);
    CHECK_EQ_U64(access_set(&access, higher, true), 0);                  /* root raises it */
    CHECK_EQ_U64(access_set(&access, narrower | 4, true), -LINUX_EINVAL);  /* no such principal */
    CHECK_EQ_U64(access_set(&access, (uint64_t)(ACCESS_LEVEL_MAX + 1) << 24, true), -LINUX_EINVAL);
    CHECK_EQ_U64(access_set(&access, 1ull << 40, true), -LINUX_EINVAL);
    CHECK_EQ_U64(access_pack(&access), higher);                          /* refusals changed nothing */
}

int main(void)
{
    the_defaults_are_linuxs();
    each_right_is_taken_away_on_its_own();
    a_lower_level_never_dominates();
    only_tightening_is_allowed();
    return check_report();
}
