/*
 * SCM_RIGHTS: descriptors a message carries (core.h's struct
 * unix_right), staged on a socket under a sender's key before the send
 * (UNIX_STAGE_RIGHTS), in flight with their message, and held for the
 * receiver under its key once a receive took the message (UNIX_RECV),
 * or duplicates of them a peek made (MSG_PEEK), until UNIX_TAKE_RIGHT
 * hands them over one by one or UNIX_DROP_RIGHTS lets them go.
 *
 * Every right owns one reference to its description. One not delivered
 * is released: another server's through services.release_right at once;
 * one of our sockets' by closing its description, which is put off to
 * unix_settle (core->dropped), because closing a socket's last
 * description releases it and purges its queue, which must not happen
 * in the middle of a step walking some queue.
 *
 * A right to one of our sockets in a message counts the socket in
 * flight (unix_attach_rights, unix_detach_rights), for the garbage
 * collector of sockets only messages hold (garbage.c).
 */
#include "internal.h"

static struct unix_rights **find(struct unix_rights **list, uint64_t key)
{
    while (*list && (*list)->key != key)
        list = &(*list)->next;
    return list;
}

static struct unix_rights *unlink_key(struct unix_rights **list, uint64_t key)
{
    struct unix_rights **link = find(list, key);
    struct unix_rights *found = *link;
    if (found)
        *link = found->next;
    return found;
}

/* Rights not in a set, released at once (a caller of the core, not a
 * step: the closes may release sockets). */
static void release_one(struct unix_core *core, const struct unix_right *right)
{
    if (right->socket)
        unix_close_description(core, right->value);
    else
        core->services.release_right(core->services.context, right->value);
}

static void release_array(struct unix_core *core, const struct unix_right *rights, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        release_one(core, &rights[i]);
}

void unix_release_right(struct unix_core *core, const struct unix_right *right)
{
    release_one(core, right);
    unix_settle(core);
}

void unix_rights_free(struct unix_core *core, struct unix_rights *rights)
{
    if (!rights)
        return;
    uint32_t sockets = 0;
    for (uint32_t i = rights->taken; i < rights->count; i++) {
        if (rights->right[i].socket)
            rights->right[sockets++] = rights->right[i];
        else
            core->services.release_right(core->services.context, rights->right[i].value);
    }
    if (!sockets) {
        core->services.free(core->services.context, rights);
        return;
    }
    rights->count = sockets;
    rights->taken = 0;
    rights->next = core->dropped;
    core->dropped = rights;
}

void unix_rights_free_list(struct unix_core *core, struct unix_rights **list)
{
    while (*list) {
        struct unix_rights *rights = *list;
        *list = rights->next;
        unix_rights_free(core, rights);
    }
}

static void count_inflight(struct unix_core *core, const struct unix_rights *rights, bool more)
{
    for (uint32_t i = rights->taken; i < rights->count; i++) {
        if (!rights->right[i].socket)
            continue;
        struct unix_socket *socket = unix_socket_of(core, rights->right[i].value);
        if (!socket)
            continue;
        if (more) {
            socket->inflight++;
            core->inflight++;
        } else {
            socket->inflight--;
            core->inflight--;
        }
    }
}

/* ---- Descriptors in flight per user ----
 *
 * Linux counts every descriptor in a message against the user that sent
 * it (unix_inflight, unix_notinflight), and refuses a send with
 * descriptors while that user has more in flight than the sender's
 * RLIMIT_NOFILE soft limit (too_many_unix_fds), unless it has
 * CAP_SYS_RESOURCE or CAP_SYS_ADMIN. The user here is the euid of the
 * session that sent (Linux's is the real uid's user_struct), root is
 * euid 0, and the limit is the one the sender's personality said: a
 * process's limits live there (main.c). */

static struct unix_user **find_user(struct unix_core *core, uint32_t uid)
{
    struct unix_user **link = &core->users;
    while (*link && (*link)->uid != uid)
        link = &(*link)->next;
    return link;
}

uint64_t unix_user_inflight(const struct unix_core *core, uint32_t uid)
{
    for (const struct unix_user *user = core->users; user; user = user->next)
        if (user->uid == uid)
            return user->inflight;
    return 0;
}

int64_t unix_check_rights_limit(const struct unix_core *core, const struct unix_call *call)
{
    if (!call->rights || !call->limited)
        return 0;
    return unix_user_inflight(core, call->user) > call->rights_limit ? -LINUX_ETOOMANYREFS : 0;
}

/* The rights' user's count goes down by theirs; gone at 0. */
static void uncount_user(struct unix_core *core, struct unix_rights *rights)
{
    struct unix_user *user = rights->user;
    rights->user = 0;
    user->inflight -= rights->count - rights->taken;
    if (user->inflight)
        return;
    struct unix_user **link = find_user(core, user->uid);
    *link = user->next;
    core->services.free(core->services.context, user);
}

int64_t unix_attach_rights(struct unix_core *core, struct unix_message *message,
                           struct unix_call *call)
{
    struct unix_rights *rights = call->rights;
    if (!rights)
        return 0;
    if (call->identified) {
        struct unix_user **link = find_user(core, call->user);
        if (!*link) {
            *link = core->services.allocate(core->services.context, sizeof **link);
            if (!*link)
                return -LINUX_ENOMEM;
            (*link)->uid = call->user;
        }
        rights->user = *link;
        rights->user->inflight += rights->count - rights->taken;
    }
    call->rights = 0;
    message->rights = rights;
    count_inflight(core, rights, true);
    return 0;
}

struct unix_rights *unix_detach_rights(struct unix_core *core, struct unix_message *message)
{
    struct unix_rights *rights = message->rights;
    message->rights = 0;
    if (!rights)
        return 0;
    count_inflight(core, rights, false);
    if (rights->user)
        uncount_user(core, rights);
    return rights;
}

bool unix_close_dropped(struct unix_core *core)
{
    bool closed = false;
    while (core->dropped) {
        struct unix_rights *rights = core->dropped;
        core->dropped = rights->next;
        for (uint32_t i = 0; i < rights->count; i++)
            unix_close_description(core, rights->right[i].value);
        core->services.free(core->services.context, rights);
        closed = true;
    }
    return closed;
}

void unix_release_rights(struct unix_core *core, struct unix_rights *rights)
{
    unix_rights_free(core, rights);
    unix_settle(core);
}

/* count more rights at the end of *set (made if 0, with key): 0,
 * -EINVAL beyond UNIX_MAX_RIGHTS or -ENOMEM, *set unchanged then. */
static int64_t append(struct unix_core *core, struct unix_rights **set, uint64_t key,
                      const struct unix_right *rights, unsigned count)
{
    struct unix_rights *old = *set;
    uint32_t have = old ? old->count : 0;
    if ((uint64_t)have + count > UNIX_MAX_RIGHTS)
        return -LINUX_EINVAL;
    if (!count)
        return 0;
    if (!old || have + count > old->capacity) {
        uint32_t capacity = old ? old->capacity * 2 : 4;
        if (capacity < have + count)
            capacity = have + count;
        if (capacity > UNIX_MAX_RIGHTS)
            capacity = UNIX_MAX_RIGHTS;
        struct unix_rights *grown = core->services.allocate(
            core->services.context, sizeof *grown + capacity * sizeof grown->right[0]);
        if (!grown)
            return -LINUX_ENOMEM;
        *grown = (struct unix_rights){.next = old ? old->next : 0, .key = key,
                                      .capacity = capacity};
        for (uint32_t i = 0; i < have; i++)
            grown->right[i] = old->right[i];
        grown->count = have;
        if (old)
            core->services.free(core->services.context, old);
        *set = old = grown;
    }
    for (unsigned i = 0; i < count; i++)
        old->right[old->count++] = rights[i];
    return 0;
}

int64_t unix_stage_rights(struct unix_core *core, uint64_t handle, uint64_t key,
                          const struct unix_right *rights, unsigned count)
{
    struct unix_socket *socket = unix_socket_of(core, handle);
    int64_t error = !socket ? -LINUX_EBADF : !key || !count ? -LINUX_EINVAL : 0;
    if (!error) {
        struct unix_rights **link = find(&socket->staged, key);
        error = append(core, link, key, rights, count);
        if (error)
            unix_rights_free(core, unlink_key(&socket->staged, key));
    }
    if (error)
        release_array(core, rights, count);
    unix_settle(core);
    return error;
}

int64_t unix_gather_rights(struct unix_core *core, uint64_t handle, uint64_t key,
                           const struct unix_right *rights, unsigned count,
                           struct unix_rights **gathered)
{
    *gathered = 0;
    struct unix_socket *socket = unix_socket_of(core, handle);
    if (!socket) {
        release_array(core, rights, count);
        unix_settle(core);
        return -LINUX_EBADF;
    }
    struct unix_rights *set = key ? unlink_key(&socket->staged, key) : 0;
    int64_t error = append(core, &set, 0, rights, count);
    if (error) {
        unix_rights_free(core, set);
        release_array(core, rights, count);
        unix_settle(core);
        return error;
    }
    if (set && !set->count) {
        core->services.free(core->services.context, set);
        set = 0;
    }
    if (set) {
        set->next = 0;
        set->key = 0;
    }
    *gathered = set;
    return 0;
}

/* Whether a receive can hold rights for its caller: not without a key
 * (recvmsg without room for control messages: scm_recv closes the
 * descriptors and says MSG_CTRUNC). */
static bool receiver_holds(struct unix_waiter *call)
{
    if (call->call.key && !call->socket->released)
        return true;
    call->call.message_flags |= UNIX_MSG_CTRUNC;
    return false;
}

/* Rights held for the receiver under the call's key, replacing what an
 * earlier receive left there. */
static void hold(struct unix_core *core, struct unix_waiter *call, struct unix_rights *rights)
{
    struct unix_socket *socket = call->socket;
    uint64_t key = call->call.key;
    unix_rights_free(core, unlink_key(&socket->held, key));
    rights->key = key;
    rights->taken = 0;
    rights->next = socket->held;
    socket->held = rights;
    call->call.rights_received = rights->count;
}

void unix_deliver_rights(struct unix_core *core, struct unix_waiter *call,
                         struct unix_message *message)
{
    struct unix_rights *rights = unix_detach_rights(core, message);
    if (!rights)
        return;
    if (receiver_holds(call))
        hold(core, call, rights);
    else
        unix_rights_free(core, rights);
}

/* One more reference to what a right refers to, in *copy. */
static bool duplicate(struct unix_core *core, const struct unix_right *right,
                      struct unix_right *copy)
{
    *copy = *right;
    if (right->socket)
        return file_table_retain(core->files, right->value) == 0;
    copy->value = core->services.duplicate_right(core->services.context, right->value);
    return copy->value != 0;
}

void unix_peek_rights(struct unix_core *core, struct unix_waiter *call,
                      const struct unix_message *message)
{
    const struct unix_rights *rights = message->rights;
    if (!rights || !receiver_holds(call))
        return;
    uint32_t count = rights->count - rights->taken;
    struct unix_rights *copies = core->services.allocate(
        core->services.context, sizeof *copies + count * sizeof copies->right[0]);
    if (!copies)
        return;         /* scm_fp_dup failed: the peek gives none */
    copies->capacity = count;
    for (uint32_t i = rights->taken; i < rights->count; i++) {
        if (!duplicate(core, &rights->right[i], &copies->right[copies->count])) {
            unix_rights_free(core, copies);
            return;
        }
        copies->count++;
    }
    hold(core, call, copies);
}

int64_t unix_take_right(struct unix_core *core, uint64_t handle, uint64_t key,
                        struct unix_right *right)
{
    struct unix_socket *socket = unix_socket_of(core, handle);
    if (!socket)
        return -LINUX_EBADF;
    struct unix_rights **link = find(&socket->held, key);
    struct unix_rights *rights = *link;
    if (!rights)
        return -LINUX_ENOENT;
    *right = rights->right[rights->taken++];
    if (rights->taken == rights->count) {
        *link = rights->next;
        core->services.free(core->services.context, rights);
    }
    return 0;
}

int64_t unix_drop_rights(struct unix_core *core, uint64_t handle, uint64_t key)
{
    struct unix_socket *socket = unix_socket_of(core, handle);
    if (!socket)
        return -LINUX_EBADF;
    unix_rights_free(core, unlink_key(&socket->held, key));
    unix_settle(core);
    return 0;
}
