/*
 * Sockets, names, connections, options, poll and release: core.h.
 */
#include "internal.h"
#include "sys/protocol/file.h"

#define SOCK_NONBLOCK LINUX_O_NONBLOCK
#define SOCK_CLOEXEC  LINUX_O_CLOEXEC
#define POLLRDHUP     0x2000
/* The ids SO_PEERCRED shows for a socket without a peer (Linux's
 * cred_to_ucred of no credentials). */
#define NO_ID         0xffffffffu

void unix_core_init(struct unix_core *core, const struct unix_services *services,
                    struct file_table *files)
{
    *core = (struct unix_core){.services = *services, .files = files, .next_inode = 1};
    client_accounts_init(&core->accounts, services->allocate, services->free, services->context,
                         UNIX_PROCESS_SOCKETS, UNIX_USER_SOCKETS);
}

void unix_process_ended(struct unix_core *core, uint32_t pid)
{
    client_process_ended(&core->accounts, pid);
}

/* ---- Counting ---- */

void unix_hold(struct unix_socket *socket)
{
    socket->references++;
}

void unix_free_if_unused(struct unix_core *core, struct unix_socket *socket)
{
    if (socket->references || socket->dirty)
        return;
    if (socket->previous_socket)
        socket->previous_socket->next_socket = socket->next_socket;
    else
        core->sockets = socket->next_socket;
    if (socket->next_socket)
        socket->next_socket->previous_socket = socket->previous_socket;
    client_uncharge(&core->accounts, &socket->owner);
    core->services.free(core->services.context, socket);
}

void unix_put(struct unix_core *core, struct unix_socket *socket)
{
    socket->references--;
    unix_free_if_unused(core, socket);
}

int unix_new_socket(struct unix_core *core, uint32_t type, const struct unix_credentials *who,
                    struct unix_socket **made)
{
    struct client_owner owner;
    int refused = client_charge(&core->accounts, who->pid, who->uid, &owner);
    if (refused < 0)
        return refused;
    struct unix_socket *socket = core->services.allocate(core->services.context,
                                                         sizeof *socket);
    if (!socket) {
        client_uncharge(&core->accounts, &owner);
        return -LINUX_ENOMEM;
    }
    *socket = (struct unix_socket){
        .owner = owner,
        .type = type,
        .references = 1,
        .credentials = *who,
        .peer_credentials = {0, NO_ID, NO_ID},
        .send_buffer = UNIX_BUFFER_DEFAULT,
        .receive_buffer = UNIX_BUFFER_DEFAULT,
        .receive_lowat = 1,
        .peek_offset = -1,
        .backlog = UNIX_DGRAM_QUEUE,
        .inode = core->next_inode++,
        .next_socket = core->sockets,
    };
    if (core->sockets)
        core->sockets->previous_socket = socket;
    core->sockets = socket;
    *made = socket;
    return 0;
}

struct unix_socket *unix_socket_of(struct unix_core *core, uint64_t handle)
{
    struct file_description *file = file_table_find(core->files, handle);
    return file ? file->object : 0;
}

/* ---- Making sockets ---- */

static int64_t check_creation(uint32_t *type, uint32_t flags)
{
    if (flags & ~(uint32_t)(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -LINUX_EINVAL;
    if (*type == UNIX_RAW)
        *type = UNIX_DGRAM;
    if (*type != UNIX_STREAM && *type != UNIX_DGRAM && *type != UNIX_SEQPACKET)
        return -LINUX_ESOCKTNOSUPPORT;
    return 0;
}

/* A description of a new socket, or an error with nothing left behind. */
static int64_t open_socket(struct unix_core *core, struct unix_socket *socket, uint32_t flags,
                           uint64_t *handle)
{
    int error = file_table_open(core->files, socket, LINUX_O_RDWR | (flags & SOCK_NONBLOCK),
                                handle);
    if (error < 0)
        unix_put(core, socket);
    else
        socket->handle = *handle;
    return error;
}

int64_t unix_create(struct unix_core *core, uint32_t type, uint32_t flags,
                    const struct unix_credentials *who, uint64_t *handle)
{
    int64_t error = check_creation(&type, flags);
    if (error < 0)
        return error;
    struct unix_socket *socket = 0;
    error = unix_new_socket(core, type, who, &socket);
    if (error < 0)
        return error;
    return open_socket(core, socket, flags, handle);
}

/* unix_socketpair: back to back, each the other's peer with the
 * creator's credentials. */
int64_t unix_create_pair(struct unix_core *core, uint32_t type, uint32_t flags,
                         const struct unix_credentials *who, uint64_t *handle)
{
    uint64_t other = 0;
    int64_t error = unix_create(core, type, flags, who, handle);
    if (error < 0)
        return error;
    error = unix_create(core, type, flags, who, &other);
    if (error < 0) {
        unix_close(core, *handle);      /* settled: its charge comes back now */
        return error;
    }
    struct unix_socket *a = unix_socket_of(core, *handle), *b = unix_socket_of(core, other);
    a->peer = b;
    b->peer = a;
    unix_hold(a);
    unix_hold(b);
    a->state = b->state = UNIX_CONNECTED;
    a->peer_credentials = b->peer_credentials = *who;
    a->has_peer_credentials = b->has_peer_credentials = true;
    a->pair_handle = other;
    return 0;
}

int64_t unix_take_peer(struct unix_core *core, uint64_t handle, uint64_t *other)
{
    struct unix_socket *socket = unix_socket_of(core, handle);
    if (!socket)
        return -LINUX_EBADF;
    if (!socket->pair_handle)
        return -LINUX_EINVAL;
    *other = socket->pair_handle;
    socket->pair_handle = 0;
    return 0;
}

/* ---- Names ---- */

int64_t unix_check_address(const struct unix_address *address)
{
    if (address->length <= 2 || address->length > UNIX_ADDRESS_SIZE)
        return -LINUX_EINVAL;
    if (address->bytes[0] != UNIX_FAMILY || address->bytes[1] != 0)
        return -LINUX_EINVAL;
    /* A path name is vfs's node: the personality hands it over. */
    if (address->bytes[2] != 0 && !address->node)
        return -LINUX_EINVAL;
    return 0;
}

static bool abstract(const struct unix_address *address)
{
    return address->bytes[2] == 0;
}

static bool same_bytes(const uint8_t *a, const uint8_t *b, uint32_t length)
{
    for (uint32_t i = 0; i < length; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* Abstract names are per type: Linux hashes the type in, and looks
 * only in the caller's type's buckets. */
static struct unix_socket *find_abstract(struct unix_core *core,
                                         const struct unix_address *address, uint32_t type)
{
    for (struct unix_socket *socket = core->named; socket; socket = socket->next_named)
        if (!socket->name.node && socket->type == type &&
            socket->name.length == address->length &&
            same_bytes(socket->name.bytes, address->bytes, address->length))
            return socket;
    return 0;
}

static struct unix_socket *find_node(struct unix_core *core, uint64_t node)
{
    for (struct unix_socket *socket = core->named; socket; socket = socket->next_named)
        if (socket->name.node == node)
            return socket;
    return 0;
}

int64_t unix_find(struct unix_core *core, const struct unix_address *address, uint32_t type,
                  struct unix_socket **found)
{
    int64_t error = unix_check_address(address);
    if (error < 0)
        return error;
    struct unix_socket *socket = abstract(address) ? find_abstract(core, address, type)
                                                   : find_node(core, address->node);
    if (!socket)
        return -LINUX_ECONNREFUSED;
    if (socket->type != type)
        return -LINUX_EPROTOTYPE;
    *found = socket;
    return 0;
}

static void add_name(struct unix_core *core, struct unix_socket *socket,
                     const struct unix_address *name)
{
    socket->name = *name;
    socket->named = true;
    socket->next_named = core->named;
    core->named = socket;
}

static void remove_name(struct unix_core *core, struct unix_socket *socket)
{
    if (!socket->named)
        return;
    for (struct unix_socket **link = &core->named; *link; link = &(*link)->next_named)
        if (*link == socket) {
            *link = socket->next_named;
            break;
        }
    socket->named = false;
}

static char hex_digit(uint32_t value)
{
    return (char)(value < 10 ? '0' + value : 'a' + value - 10);
}

/* unix_autobind: an abstract name of five hex digits, the first free. */
int64_t unix_autobind(struct unix_core *core, struct unix_socket *socket)
{
    if (socket->named)
        return 0;
    struct unix_address name = {.length = 8, .bytes = {UNIX_FAMILY, 0, 0}};
    for (uint32_t tries = 0; tries <= 0xfffff; tries++) {
        uint32_t number = core->autobind_next++ & 0xfffff;
        for (int digit = 0; digit < 5; digit++)
            name.bytes[3 + digit] = (uint8_t)hex_digit((number >> (4 * (4 - digit))) & 0xf);
        if (!find_abstract(core, &name, socket->type)) {
            add_name(core, socket, &name);
            return 0;
        }
    }
    return -LINUX_ENOSPC;
}

/* A path name's length as Linux keeps it (unix_mkname_bsd): up to its
 * first NUL, which counts. */
static uint32_t path_length(const struct unix_address *address)
{
    uint32_t length = 2;
    while (length < address->length && address->bytes[length])
        length++;
    return length + 1;
}

int64_t unix_bind(struct unix_core *core, uint64_t handle, const struct unix_address *address)
{
    struct unix_socket *socket = unix_socket_of(core, handle);
    if (!socket)
        return -LINUX_EBADF;
    if (address->length == 2 && address->bytes[0] == UNIX_FAMILY && address->bytes[1] == 0)
        return unix_autobind(core, socket);
    int64_t error = unix_check_address(address);
    if (error < 0)
        return error;
    if (socket->named)
        return -LINUX_EINVAL;
    struct unix_address name = *address;
    if (abstract(address)) {
        name.node = 0;
        if (find_abstract(core, &name, socket->type))
            return -LINUX_EADDRINUSE;
    } else {
        if (find_node(core, address->node))
            return -LINUX_EADDRINUSE;
        name.length = path_length(address);
    }
    add_name(core, socket, &name);
    return 0;
}

int64_t unix_name(struct unix_core *core, uint64_t handle, bool peer, struct unix_address *name)
{
    struct unix_socket *socket = unix_socket_of(core, handle);
    if (!socket)
        return -LINUX_EBADF;
    if (peer) {
        socket = socket->peer;
        if (!socket)
            return -LINUX_ENOTCONN;
    }
    if (!socket->named) {
        *name = (struct unix_address){.length = 2, .bytes = {UNIX_FAMILY, 0, 0}};
        return 2;
    }
    *name = socket->name;
    return name->length;
}

/* ---- Connections ---- */

int64_t unix_listen(struct unix_core *core, uint64_t handle, int64_t backlog,
                    const struct unix_credentials *who)
{
    struct unix_socket *socket = unix_socket_of(core, handle);
    if (!socket)
        return -LINUX_EBADF;
    if (socket->type != UNIX_STREAM && socket->type != UNIX_SEQPACKET)
        return -LINUX_EOPNOTSUPP;
    if (!socket->named || (socket->state != UNIX_UNCONNECTED && socket->state != UNIX_LISTENING))
        return -LINUX_EINVAL;
    /* __sys_listen clamps an int backlog to somaxconn (a negative one
     * becomes 0 through the unsigned comparison only above it). */
    int32_t value = (int32_t)backlog;
    if ((uint32_t)value > UNIX_SOMAXCONN)
        value = UNIX_SOMAXCONN;
    bool grows = (uint32_t)value > socket->backlog;
    socket->backlog = (uint32_t)value;
    socket->state = UNIX_LISTENING;
    /* The credentials a connector's SO_PEERCRED shows. */
    socket->peer_credentials = *who;
    socket->has_peer_credentials = true;
    if (grows)
        unix_mark_changed(core, socket, 0);
    unix_settle(core);
    return 0;
}

bool unix_queue_full(const struct unix_socket *socket)
{
    return socket->queue_length > socket->backlog;
}

int64_t unix_take_error(struct unix_socket *socket)
{
    int32_t error = socket->error;
    socket->error = 0;
    return -(int64_t)error;
}

/* unix_dgram_disconnected: a datagram socket leaving a peer drops what
 * came in, and a peer connected back learns of the loss. */
void unix_dgram_disconnected(struct unix_core *core, struct unix_socket *socket,
                             struct unix_socket *old_peer)
{
    if (!socket->first)
        return;
    unix_purge(core, socket);
    unix_mark_changed(core, socket, UNIX_WAKE_OUT);
    if (!old_peer->released && old_peer->peer == socket) {
        old_peer->error = LINUX_ECONNRESET;
        unix_mark_changed(core, old_peer, WATCH_WAKE_ALL);
    }
}

int64_t unix_shutdown(struct unix_core *core, uint64_t handle, uint64_t how)
{
    struct unix_socket *socket = unix_socket_of(core, handle);
    if (!socket)
        return -LINUX_EBADF;
    if (how > 2)
        return -LINUX_EINVAL;
    uint8_t mode = (uint8_t)(how + 1);
    socket->shutdown |= mode;
    unix_mark_changed(core, socket, WATCH_WAKE_ALL);
    struct unix_socket *other = socket->peer;
    if (other && socket->type != UNIX_DGRAM) {
        uint8_t peer_mode = 0;
        if (mode & UNIX_SHUT_RECEIVE)
            peer_mode |= UNIX_SHUT_SEND;
        if (mode & UNIX_SHUT_SEND)
            peer_mode |= UNIX_SHUT_RECEIVE;
        other->shutdown |= peer_mode;
        unix_mark_changed(core, other, WATCH_WAKE_ALL);
    }
    unix_settle(core);
    return 0;
}

/* unix_dgram_connect: a datagram socket's default peer, whose
 * datagrams alone it then receives; AF_UNSPEC disconnects. */
static int64_t connect_datagram(struct unix_core *core, struct unix_socket *socket,
                                const struct unix_call *call)
{
    const struct unix_address *address = call->address;
    if (!address || address->length < 2)
        return -LINUX_EINVAL;
    struct unix_socket *other = 0;
    if (address->bytes[0] != UNIX_FAMILY_UNSPEC || address->bytes[1] != 0) {
        int64_t error = unix_check_address(address);
        if (!error && socket->pass_credentials)
            error = unix_autobind(core, socket);
        if (!error)
            error = unix_find(core, address, socket->type, &other);
        if (error)
            return error;
        if (other->peer && other->peer != socket)
            return -LINUX_EPERM;
        unix_hold(other);
        socket->state = UNIX_CONNECTED;
    } else if (socket->peer) {
        socket->state = UNIX_UNCONNECTED;
    }
    struct unix_socket *old_peer = socket->peer;
    socket->peer = other;
    if (old_peer) {
        if (other != old_peer)
            unix_dgram_disconnected(core, socket, old_peer);
        unix_put(core, old_peer);
    }
    unix_mark_changed(core, socket, UNIX_WAKE_OUT);
    unix_settle(core);
    return 0;
}

int64_t unix_call(struct unix_core *core, struct unix_call *call)
{
    struct file_description *file = file_table_find(core->files, call->handle);
    if (!file) {
        unix_release_rights(core, call->rights);
        return -LINUX_EBADF;
    }
    struct unix_socket *socket = file->object;
    if (file->flags & LINUX_O_NONBLOCK)
        call->nonblocking = true;
    if ((call->kind == UNIX_CALL_SEND || call->kind == UNIX_CALL_RECEIVE) &&
        (call->flags & UNIX_MSG_DONTWAIT))
        call->nonblocking = true;
    if (call->kind == UNIX_CALL_CONNECT && socket->type == UNIX_DGRAM) {
        unix_release_rights(core, call->rights);
        return connect_datagram(core, socket, call);
    }
    /* Only what a step reads is set: no zeroing of the whole record. */
    struct unix_waiter waiter;
    waiter.call = *call;
    waiter.socket = socket;
    waiter.waits_on = 0;
    waiter.target = 0;
    waiter.message = 0;
    waiter.done = 0;
    waiter.started = false;
    waiter.answered = false;
    int64_t result = unix_run_call(core, &waiter);
    call->sigpipe = waiter.call.sigpipe;
    call->message_flags = waiter.call.message_flags;
    call->address_length = waiter.call.address_length;
    call->new_handle = waiter.call.new_handle;
    call->rights_received = waiter.call.rights_received;
    call->credentials_answer = waiter.call.credentials_answer;
    call->credentials = waiter.call.credentials;
    call->rights = 0;
    return result;
}

/* ---- Release ---- */

void unix_release_socket(struct unix_core *core, struct unix_socket *socket, bool embryo)
{
    remove_name(core, socket);
    socket->released = true;
    socket->shutdown = UNIX_SHUT_BOTH;
    enum unix_state state = socket->state;
    socket->state = UNIX_UNCONNECTED;
    struct unix_socket *peer = socket->peer;
    socket->peer = 0;
    if (peer) {
        if (socket->type != UNIX_DGRAM) {
            peer->shutdown = UNIX_SHUT_BOTH;
            if (socket->first || embryo)
                peer->error = LINUX_ECONNRESET;
        }
        unix_mark_changed(core, peer, WATCH_WAKE_ALL);
        unix_put(core, peer);
    }
    if (state == UNIX_LISTENING) {
        /* Connections never accepted are reset. */
        while (socket->first) {
            struct unix_message *entry = socket->first;
            socket->first = entry->next;
            socket->queue_length--;
            struct unix_socket *child = entry->embryo;
            core->services.free(core->services.context, entry);
            child->listener = 0;
            unix_release_socket(core, child, true);
            unix_put(core, child);
        }
        socket->last = 0;
    } else {
        unix_purge(core, socket);
    }
    /* Descriptors staged and not sent, or received and not taken. */
    unix_rights_free_list(core, &socket->staged);
    unix_rights_free_list(core, &socket->held);
    if (socket->pair_handle) {
        uint64_t other = socket->pair_handle;
        socket->pair_handle = 0;
        unix_close_description(core, other);
    }
    unix_drop_pollers(core, socket);
    watch_list_drop(&socket->watches);
    /* Senders and connectors waiting on it look again. */
    unix_mark_changed(core, socket, WATCH_WAKE_ALL);
    /* unix_release_sock: the collector runs when a socket goes while
     * some are in flight (when settling: garbage.c). */
    if (core->inflight)
        core->collect = true;
}

static void release_description(struct unix_core *core, struct unix_socket *socket)
{
    unix_release_socket(core, socket, false);
    unix_put(core, socket);
}

void unix_release(struct unix_core *core, struct unix_socket *socket)
{
    release_description(core, socket);
    unix_settle(core);
}

int unix_close_description(struct unix_core *core, uint64_t handle)
{
    void *last;
    int error = file_table_close(core->files, handle, &last);
    if (last)
        release_description(core, last);
    return error;
}

int unix_close(struct unix_core *core, uint64_t handle)
{
    int error = unix_close_description(core, handle);
    unix_settle(core);
    return error;
}

/* ---- Options ---- */

int64_t unix_get_option(struct unix_core *core, uint64_t handle, uint64_t option,
                        struct unix_credentials *credentials)
{
    struct unix_socket *socket = unix_socket_of(core, handle);
    if (!socket)
        return -LINUX_EBADF;
    switch (option) {
    case UNIX_SO_TYPE:
        return socket->type;
    case UNIX_SO_DOMAIN:
        return UNIX_FAMILY;
    case UNIX_SO_PROTOCOL:
        return 0;
    case UNIX_SO_ERROR:
        return -unix_take_error(socket);
    case UNIX_SO_ACCEPTCONN:
        return socket->state == UNIX_LISTENING;
    case UNIX_SO_PEERCRED:
        *credentials = socket->peer_credentials;
        return 0;
    case UNIX_SO_SNDBUF:
        return socket->send_buffer;
    case UNIX_SO_RCVBUF:
        return socket->receive_buffer;
    case UNIX_SO_PASSCRED:
        return socket->pass_credentials;
    case UNIX_SO_RCVLOWAT:
        return socket->receive_lowat;
    case UNIX_SO_PEEK_OFF:
        return socket->peek_offset;
    default:
        return -LINUX_ENOPROTOOPT;
    }
}

/* sock_setsockopt's buffer sizes: at most the sysctl's maximum (the
 * value taken as unsigned), doubled for overhead, at least the minimum. */
static int32_t buffer_size(int64_t value, int32_t minimum)
{
    uint32_t size = (uint32_t)value;
    if (size > UNIX_BUFFER_DEFAULT)
        size = UNIX_BUFFER_DEFAULT;
    return (int32_t)(size * 2) > minimum ? (int32_t)(size * 2) : minimum;
}

int64_t unix_set_option(struct unix_core *core, uint64_t handle, uint64_t option,
                        int64_t value)
{
    struct unix_socket *socket = unix_socket_of(core, handle);
    if (!socket)
        return -LINUX_EBADF;
    int32_t integer = (int32_t)value;
    switch (option) {
    case UNIX_SO_SNDBUF:
        socket->send_buffer = buffer_size(integer, UNIX_SNDBUF_MINIMUM);
        unix_mark_changed(core, socket, UNIX_WAKE_OUT);
        unix_settle(core);
        return 0;
    case UNIX_SO_RCVBUF:
        socket->receive_buffer = buffer_size(integer, UNIX_RCVBUF_MINIMUM);
        return 0;
    case UNIX_SO_PASSCRED:
        socket->pass_credentials = integer != 0;
        return 0;
    case UNIX_SO_RCVLOWAT:
        socket->receive_lowat = integer < 0 ? INT32_MAX : integer ? integer : 1;
        return 0;
    case UNIX_SO_PEEK_OFF:
        socket->peek_offset = integer < 0 ? -1 : integer;
        return 0;
    default:
        return -LINUX_ENOPROTOOPT;
    }
}

/* unix_inq_len: a listener has none; a stream or seqpacket socket every
 * unread byte; a datagram socket its next datagram's. */
int64_t unix_bytes_readable(struct unix_core *core, uint64_t handle)
{
    struct unix_socket *socket = unix_socket_of(core, handle);
    if (!socket)
        return -LINUX_EBADF;
    if (socket->state == UNIX_LISTENING)
        return -LINUX_EINVAL;
    if (socket->type == UNIX_DGRAM)
        return socket->first ? (int64_t)socket->first->length : 0;
    int64_t amount = 0;
    for (struct unix_message *message = socket->first; message; message = message->next)
        amount += (int64_t)(message->length - message->consumed);
    return amount;
}

int64_t unix_bytes_unsent(struct unix_core *core, uint64_t handle)
{
    struct unix_socket *socket = unix_socket_of(core, handle);
    return socket ? (int64_t)socket->write_allocated : -LINUX_EBADF;
}

/* ---- Poll ---- */

enum unix_room unix_send_room(const struct unix_socket *socket)
{
    if (socket->write_allocated >= (uint64_t)socket->send_buffer)
        return UNIX_ROOM_LATER;
    if (client_user_amount(&socket->owner) < UNIX_USER_QUEUED_BYTES)
        return UNIX_ROOM_NOW;
    return socket->write_allocated ? UNIX_ROOM_LATER : UNIX_ROOM_NONE;
}

/* Poll's: a send would not wait (it may fail). */
static bool writable(const struct unix_socket *socket)
{
    return socket->state != UNIX_LISTENING &&
           (socket->write_allocated << 2) <= (uint64_t)socket->send_buffer &&
           unix_send_room(socket) != UNIX_ROOM_LATER;
}

/* unix_poll for streams, unix_dgram_poll for datagrams and records. */
uint32_t unix_events(const struct unix_socket *socket)
{
    uint32_t mask = 0;
    if (socket->error)
        mask |= FILE_POLLERR;
    if (socket->shutdown == UNIX_SHUT_BOTH)
        mask |= FILE_POLLHUP;
    if (socket->shutdown & UNIX_SHUT_RECEIVE)
        mask |= POLLRDHUP | FILE_POLLIN | FILE_POLLRDNORM;
    if (socket->first)
        mask |= FILE_POLLIN | FILE_POLLRDNORM;
    bool writes = writable(socket);
    if (socket->type == UNIX_STREAM) {
        if (socket->state == UNIX_UNCONNECTED)
            mask |= FILE_POLLHUP;
    } else {
        if (socket->type == UNIX_SEQPACKET && socket->state == UNIX_UNCONNECTED)
            mask |= FILE_POLLHUP;
        const struct unix_socket *other = socket->peer;
        if (writes && other && other->peer != socket && unix_queue_full(other) &&
            !other->released)
            writes = false;
    }
    if (writes)
        mask |= UNIX_WAKE_OUT;
    return mask;
}

static uint32_t events_of(const void *socket)
{
    return unix_events(socket);
}

bool unix_watch_target(struct unix_core *core, uint64_t handle, struct watch_target *target)
{
    struct unix_socket *socket = unix_socket_of(core, handle);
    if (!socket)
        return false;
    *target = (struct watch_target){&socket->watches, socket, events_of};
    return true;
}

unsigned unix_socket_count(const struct unix_core *core)
{
    unsigned count = 0;
    for (const struct unix_socket *socket = core->sockets; socket; socket = socket->next_socket)
        count++;
    return count;
}
