/*
 * Moving data and making connections: send and receive as Linux's
 * unix_stream_sendmsg, unix_stream_read_generic, unix_dgram_sendmsg and
 * __unix_dgram_recvmsg do them (a seqpacket socket takes the datagram
 * paths, as Linux's does), accept and connect as unix_accept and
 * unix_stream_connect, each as a step that finishes or names the socket
 * it waits on. A waiter runs its step again each time that socket
 * changes.
 *
 * Copies come first: a read consumes only what reached the caller, a
 * write queues only what it copied in, so a caller that vanished
 * (UNIX_COPY_GONE) leaves the sockets as they were in this round.
 */
#include "internal.h"

#define SOCK_NONBLOCK LINUX_O_NONBLOCK

static uint64_t minimum(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static struct step done(int64_t result)
{
    return (struct step){.outcome = STEP_DONE, .result = result};
}

static struct step wait_on(struct unix_socket *socket)
{
    return (struct step){.outcome = STEP_WAIT, .waits_on = socket};
}

static const struct step gone = {.outcome = STEP_GONE};

/* ---- Messages ---- */

static struct unix_message *new_message(struct unix_core *core, uint64_t length)
{
    const struct unix_services *services = &core->services;
    /* Every field set here: no zeroing. */
    struct unix_message *message = services->allocate_unzeroed(services->context,
                                                               sizeof *message);
    if (!message)
        return 0;
    message->next = 0;
    message->sender = 0;
    message->embryo = 0;
    message->length = length;
    message->consumed = 0;
    message->charge = 0;
    message->rights = 0;
    message->has_credentials = false;
    message->credentials = (struct unix_credentials){0, 0, 0};
    message->chunks = 0;
    struct unix_chunk **link = &message->chunks;
    for (uint64_t held = 0; held < length; held += UNIX_CHUNK_BYTES) {
        uint64_t room = minimum(length - held, UNIX_CHUNK_BYTES);
        *link = services->allocate_unzeroed(services->context,
                                            offsetof(struct unix_chunk, bytes) + room);
        if (!*link) {
            unix_free_message(core, message);
            return 0;
        }
        (*link)->next = 0;
        link = &(*link)->next;
    }
    return message;
}

void unix_free_message(struct unix_core *core, struct unix_message *message)
{
    const struct unix_services *services = &core->services;
    while (message->chunks) {
        struct unix_chunk *chunk = message->chunks;
        message->chunks = chunk->next;
        services->free(services->context, chunk);
    }
    if (message->rights)
        unix_rights_free(core, unix_detach_rights(core, message));
    struct unix_socket *sender = message->sender;
    if (sender) {
        sender->write_allocated -= message->charge;
        client_user_amount_add(&sender->owner, -(int64_t)message->charge);
        unix_mark_changed(core, sender, UNIX_WAKE_OUT);
        unix_put(core, sender);
    }
    services->free(services->context, message);
}

static void charge(struct unix_socket *sender, struct unix_message *message)
{
    message->charge = message->length + UNIX_MESSAGE_OVERHEAD;
    sender->write_allocated += message->charge;
    client_user_amount_add(&sender->owner, (int64_t)message->charge);
    message->sender = sender;
    unix_hold(sender);
}

void unix_enqueue_message(struct unix_socket *socket, struct unix_message *message)
{
    message->next = 0;
    if (socket->last)
        socket->last->next = message;
    else
        socket->first = message;
    socket->last = message;
    socket->queue_length++;
}

static void dequeue_first(struct unix_socket *socket)
{
    socket->first = socket->first->next;
    if (!socket->first)
        socket->last = 0;
    socket->queue_length--;
}

void unix_purge(struct unix_core *core, struct unix_socket *socket)
{
    while (socket->first) {
        struct unix_message *message = socket->first;
        dequeue_first(socket);
        unix_free_message(core, message);
    }
}

/* A small call's bytes are in the server: a waiter run from its queue
 * claims its caller first (as a window copy would), so that what it
 * commits is answered; a call answered now has its caller. */
static int claim_small(struct unix_core *core, const struct unix_waiter *call)
{
    if (!call->waits_on)
        return 0;
    return core->services.caller_waits(core->services.context, call->call.caller)
               ? 0 : UNIX_COPY_GONE;
}

/* The caller's bytes [offset, offset + message's length) into message. */
static int copy_in(struct unix_core *core, const struct unix_waiter *call,
                   struct unix_message *message, uint64_t offset)
{
    const struct unix_services *services = &core->services;
    uint64_t copied = 0;
    if (call->call.bytes) {
        int error = claim_small(core, call);
        if (error)
            return error;
    }
    for (struct unix_chunk *chunk = message->chunks; chunk; chunk = chunk->next) {
        uint64_t length = minimum(message->length - copied, UNIX_CHUNK_BYTES);
        if (call->call.bytes) {
            __builtin_memcpy(chunk->bytes, call->call.bytes + offset + copied, length);
            copied += length;
            continue;
        }
        int error = services->copy_from_caller(services->context, call->call.caller, 0,
                                               offset + copied, chunk->bytes, length);
        if (error)
            return error;
        copied += length;
    }
    return 0;
}

/* Bytes [from, from + length) of message to the caller's window 0 at
 * offset. */
static int copy_out(struct unix_core *core, const struct unix_waiter *call,
                    const struct unix_message *message, uint64_t from, uint64_t offset,
                    uint64_t length)
{
    const struct unix_services *services = &core->services;
    const struct unix_chunk *chunk = message->chunks;
    for (; from >= UNIX_CHUNK_BYTES; from -= UNIX_CHUNK_BYTES)
        chunk = chunk->next;
    /* A small read from its queue is answered before it takes the bytes
     * (unix_answer_first): no claim. */
    while (length) {
        uint64_t part = minimum(length, UNIX_CHUNK_BYTES - from);
        if (call->call.bytes) {
            __builtin_memcpy(call->call.bytes + offset, chunk->bytes + from, part);
            offset += part;
            length -= part;
            from = 0;
            chunk = chunk->next;
            continue;
        }
        int error = services->copy_to_caller(services->context, call->call.caller, 0, offset,
                                             chunk->bytes + from, part);
        if (error)
            return error;
        offset += part;
        length -= part;
        from = 0;
        chunk = chunk->next;
    }
    return 0;
}

/* recvfrom's address: the sender's name as it is now (unix_copy_addr),
 * into window 1; an unnamed sender's length is 0. */
static int copy_sender(struct unix_core *core, struct unix_waiter *call,
                       const struct unix_socket *sender)
{
    const struct unix_services *services = &core->services;
    call->call.address_length = 0;
    if (!call->call.message_answer || !call->call.address_room || !sender || !sender->named)
        return 0;
    call->call.address_length = sender->name.length;
    return services->copy_to_caller(services->context, call->call.caller, 1, 0,
                                    sender->name.bytes,
                                    minimum(minimum(call->call.address_room, UNIX_ADDRESS_SIZE),
                                            sender->name.length));
}

static bool nonblocking(const struct unix_waiter *call)
{
    return call->call.nonblocking;
}

static void peek_forward(struct unix_socket *socket, uint64_t count)
{
    if (socket->peek_offset >= 0)
        socket->peek_offset += (int32_t)count;
}

static void peek_backward(struct unix_socket *socket, uint64_t count)
{
    if (socket->peek_offset >= 0)
        socket->peek_offset = (int64_t)socket->peek_offset > (int64_t)count
                                  ? socket->peek_offset - (int32_t)count : 0;
}

static uint64_t peek_skip(const struct unix_waiter *call)
{
    int32_t offset = call->socket->peek_offset;
    return (call->call.flags & UNIX_MSG_PEEK) && offset >= 0 ? (uint64_t)offset : 0;
}

/* ---- Credentials (SCM_CREDENTIALS, SO_PASSCRED) ---- */

/* What a receiver with SO_PASSCRED reads for a message (scm_recv). */
static struct unix_credentials credentials_of(const struct unix_message *message)
{
    if (message->has_credentials)
        return message->credentials;
    return (struct unix_credentials){0, UNIX_OVERFLOW_ID, UNIX_OVERFLOW_ID};
}

static bool same_credentials(struct unix_credentials a, struct unix_credentials b)
{
    return a.pid == b.pid && a.uid == b.uid && a.gid == b.gid;
}

/* Linux's unix_passcred_enabled: the sender's or the receiver's. */
static bool passes_credentials(const struct unix_socket *socket, const struct unix_socket *target)
{
    return socket->pass_credentials || (target && target->pass_credentials);
}

/* The credentials a message carries (unix_scm_to_skb, maybe_add_creds):
 * claimed ones always, the sender's own when SO_PASSCRED asks. */
static void attach_credentials(const struct unix_waiter *call, const struct unix_socket *target,
                               struct unix_message *message)
{
    const struct unix_call *request = &call->call;
    if (request->claimed ||
        (request->identified && passes_credentials(call->socket, target))) {
        message->has_credentials = true;
        message->credentials = request->sender;
    }
}

/* A send that does not say who sends, to a receiver that must learn it:
 * the caller sends again with its identity (UNIX_NEEDS_IDENTITY). The
 * receiver of a datagram with an address is looked up to see (the send
 * looks it up again, and reports what it finds). */
static bool identity_needed(struct unix_core *core, const struct unix_waiter *call)
{
    const struct unix_socket *socket = call->socket;
    if (call->call.identified || socket->pass_credentials)
        return !call->call.identified;
    if (socket->type == UNIX_DGRAM && call->call.address) {
        struct unix_socket *found;
        if (unix_check_address(call->call.address) == 0 &&
            unix_find(core, call->call.address, socket->type, &found) == 0)
            return found->pass_credentials;
        return false;
    }
    return socket->peer && socket->peer->pass_credentials;
}

int64_t unix_check_claim(const struct unix_credentials *caller,
                         const struct unix_credentials *claim)
{
    if (claim->uid == UINT32_MAX || claim->gid == UINT32_MAX)
        return -LINUX_EINVAL;
    bool root = caller->uid == 0;
    if (!root && (claim->pid != caller->pid || claim->uid != caller->uid ||
                  claim->gid != caller->gid))
        return -LINUX_EPERM;
    return 0;
}

/* ---- Streams ---- */

static struct step stream_receive(struct unix_core *core, struct unix_waiter *call)
{
    struct unix_socket *socket = call->socket;
    uint32_t flags = call->call.flags;
    bool peek = flags & UNIX_MSG_PEEK;
    if (!call->started) {
        call->started = true;
        if (socket->state != UNIX_CONNECTED)
            return done(-LINUX_EINVAL);
        if (flags & UNIX_MSG_OOB)
            return done(-LINUX_EOPNOTSUPP);
        /* SO_PASSCRED: what was read comes with its credentials, and a
         * read takes only messages of one sender's (Linux's check_creds;
         * nothing read: zeros, as its scm_recv of a cleared cookie). */
        call->call.credentials_answer = socket->pass_credentials;
        call->call.credentials = (struct unix_credentials){0, 0, 0};
    }
    uint64_t length = call->call.length;
    uint64_t target = flags & UNIX_MSG_WAITALL
                          ? length : minimum((uint64_t)socket->receive_lowat, length);
    for (;;) {
        if (length == call->done)
            return done((int64_t)call->done);
        uint64_t skip = peek_skip(call);
        struct unix_message *first = socket->first;
        while (first && skip >= first->length - first->consumed) {
            skip -= first->length - first->consumed;
            first = first->next;
        }
        bool by_sender = call->call.credentials_answer;
        if (first && by_sender && call->done &&
            !same_credentials(credentials_of(first), call->call.credentials))
            return done((int64_t)call->done);
        if (first && by_sender && !call->done)
            call->call.credentials = credentials_of(first);
        if (!first) {
            if (call->done >= target)
                return done((int64_t)call->done);
            int64_t error = unix_take_error(socket);
            if (error)
                return done(call->done ? (int64_t)call->done : error);
            if (socket->shutdown & UNIX_SHUT_RECEIVE)
                return done((int64_t)call->done);
            if (nonblocking(call))
                return done(call->done ? (int64_t)call->done : -LINUX_EAGAIN);
            return wait_on(socket);
        }
        /* Copy out first: what reached the caller is taken afterwards. */
        uint64_t copied = 0, remaining = length - call->done;
        bool fault = false, stop = false;
        struct unix_message *message = first, *with_rights = 0;
        while (message && remaining) {
            uint64_t available = message->length - message->consumed - skip;
            uint64_t chunk = minimum(available, remaining);
            int error = copy_out(core, call, message, message->consumed + skip,
                                 call->done + copied, chunk);
            if (error == UNIX_COPY_GONE)
                return gone;
            if (error) {
                fault = true;
                break;
            }
            copied += chunk;
            remaining -= chunk;
            skip = 0;
            if (!peek && chunk < available)
                break;
            /* A message with descriptors ends the read (Linux breaks
             * after the skb whose fds it took, and a peek at one). */
            if (message->rights) {
                with_rights = message;
                stop = true;
                break;
            }
            message = message->next;
            if (message && by_sender &&
                !same_credentials(credentials_of(message), call->call.credentials)) {
                stop = true;
                break;
            }
        }
        if (call->done == 0 && (copied || !fault)) {
            int error = copy_sender(core, call, first->sender);
            if (error == UNIX_COPY_GONE)
                return gone;
        }
        if (!peek && copied && unix_answers_first(call) &&
            !unix_answer_first(core, call, (int64_t)(call->done + copied)))
            return gone;
        if (peek) {
            peek_forward(socket, copied);
            /* The peeker gets duplicates of the descriptors it reached. */
            if (with_rights)
                unix_peek_rights(core, call, with_rights);
        } else {
            peek_backward(socket, copied);
            for (uint64_t left = copied; left;) {
                struct unix_message *head = socket->first;
                uint64_t taken = minimum(left, head->length - head->consumed);
                head->consumed += taken;
                left -= taken;
                /* Its descriptors go to the read that takes its first
                 * byte (unix_detach_fds). */
                unix_deliver_rights(core, call, head);
                if (head->consumed == head->length) {
                    dequeue_first(socket);
                    unix_free_message(core, head);
                }
            }
        }
        call->done += copied;
        if (call->answered)
            return done((int64_t)call->done);
        if (fault)
            return done(call->done ? (int64_t)call->done : -LINUX_EFAULT);
        if (peek || stop || call->done >= target)
            return done((int64_t)call->done);
    }
}

static struct step stream_send(struct unix_core *core, struct unix_waiter *call)
{
    struct unix_socket *socket = call->socket;
    if (!call->started) {
        call->started = true;
        if (call->call.flags & UNIX_MSG_OOB)
            return done(-LINUX_EOPNOTSUPP);
        if (call->call.address)
            return done(socket->state == UNIX_CONNECTED ? -LINUX_EISCONN : -LINUX_EOPNOTSUPP);
        if (!socket->peer)
            return done(-LINUX_ENOTCONN);
        if (socket->shutdown & UNIX_SHUT_SEND) {
            call->call.sigpipe = true;
            return done(-LINUX_EPIPE);
        }
    }
    int64_t sent = (int64_t)call->done;
    while (call->done < call->call.length) {
        /* sock_alloc_send_pskb: a pending error, a shut sender, no room. */
        int64_t error = unix_take_error(socket);
        if (error)
            return done(sent ? sent : error);
        if (socket->shutdown & UNIX_SHUT_SEND)
            return done(sent ? sent : -LINUX_EPIPE);
        struct unix_socket *peer = socket->peer;
        if (!peer)
            return done(sent ? sent : -LINUX_ENOTCONN);
        if (unix_send_room(socket) == UNIX_ROOM_NONE)
            return done(sent ? sent : -LINUX_ENOBUFS);
        if (unix_send_room(socket) == UNIX_ROOM_LATER) {
            if (nonblocking(call))
                return done(sent ? sent : -LINUX_EAGAIN);
            return wait_on(socket);
        }
        /* The descriptors go with the first segment of the send
         * (unix_stream_sendmsg's fds_sent), limited before its copy. */
        error = unix_check_rights_limit(core, &call->call);
        if (error)
            return done(sent ? sent : error);
        uint64_t size = minimum(call->call.length - call->done,
                                minimum((uint64_t)(socket->send_buffer / 2 - 64),
                                        UNIX_SEGMENT_MAX));
        struct unix_message *message = new_message(core, size);
        if (!message)
            return done(sent ? sent : -LINUX_ENOMEM);
        int copy = copy_in(core, call, message, call->done);
        if (copy || peer->released || (peer->shutdown & UNIX_SHUT_RECEIVE)) {
            unix_free_message(core, message);
            if (copy == UNIX_COPY_GONE)
                return gone;
            if (copy)
                return done(sent ? sent : -LINUX_EFAULT);
            call->call.sigpipe = sent == 0;
            return done(sent ? sent : -LINUX_EPIPE);
        }
        error = unix_attach_rights(core, message, &call->call);
        if (error) {
            unix_free_message(core, message);
            return done(sent ? sent : error);
        }
        charge(socket, message);
        attach_credentials(call, peer, message);
        unix_enqueue_message(peer, message);
        unix_mark_changed(core, peer, UNIX_WAKE_IN);
        call->done += size;
        sent = (int64_t)call->done;
    }
    return done(sent);
}

/* ---- Datagrams and records ---- */

static struct step datagram_receive(struct unix_core *core, struct unix_waiter *call)
{
    struct unix_socket *socket = call->socket;
    uint32_t flags = call->call.flags;
    if (!call->started) {
        call->started = true;
        if (socket->type == UNIX_SEQPACKET && socket->state != UNIX_CONNECTED)
            return done(-LINUX_ENOTCONN);
        if (flags & UNIX_MSG_OOB)
            return done(-LINUX_EOPNOTSUPP);
    }
    uint64_t skip = peek_skip(call);
    struct unix_message *message = socket->first;
    while (message && skip >= message->length && (message->length || skip)) {
        skip -= message->length;
        message = message->next;
    }
    if (!message) {
        int64_t error = unix_take_error(socket);
        if (error)
            return done(error);
        /* End of file, but a nonblocking datagram socket says EAGAIN. */
        if ((socket->shutdown & UNIX_SHUT_RECEIVE) &&
            (socket->type == UNIX_SEQPACKET || !nonblocking(call)))
            return done(0);
        if (nonblocking(call))
            return done(-LINUX_EAGAIN);
        return wait_on(socket);
    }
    call->call.credentials_answer = socket->pass_credentials;
    call->call.credentials = credentials_of(message);
    uint64_t available = message->length - skip;
    uint64_t size = minimum(call->call.length, available);
    call->call.message_flags = call->call.length < available ? UNIX_MSG_TRUNC : 0;
    int error = copy_out(core, call, message, skip, 0, size);
    if (error == UNIX_COPY_GONE)
        return gone;
    if (!error)
        error = copy_sender(core, call, message->sender);
    if (error == UNIX_COPY_GONE)
        return gone;
    int64_t result = error ? error : (int64_t)(flags & UNIX_MSG_TRUNC ? available : size);
    if (flags & UNIX_MSG_PEEK) {
        peek_forward(socket, size);
        if (!error)
            unix_peek_rights(core, call, message);
        return done(result);
    }
    if (unix_answers_first(call) && !unix_answer_first(core, call, result))
        return gone;
    /* Taken, even when it did not reach a faulting buffer (Linux's skb
     * is off the queue by then). */
    bool was_full = unix_queue_full(socket);
    dequeue_first(socket);
    peek_backward(socket, message->length);
    if (!error)
        unix_deliver_rights(core, call, message);
    unix_free_message(core, message);
    if (was_full)
        unix_mark_changed(core, socket, UNIX_WAKE_ROOM);
    return done(result);
}

/* SO_PASSCRED makes an unnamed socket take a name before it connects or
 * sends (Linux's unix_autobind there). */
static int64_t bind_for_credentials(struct unix_core *core, struct unix_socket *socket)
{
    return socket->pass_credentials ? unix_autobind(core, socket) : 0;
}

static struct step datagram_send(struct unix_core *core, struct unix_waiter *call)
{
    struct unix_socket *socket = call->socket;
    const struct unix_call *request = &call->call;
    if (!call->started) {
        call->started = true;
        if (socket->type == UNIX_SEQPACKET) {
            int64_t error = unix_take_error(socket);
            if (error)
                return done(error);
            if (socket->state != UNIX_CONNECTED)
                return done(-LINUX_ENOTCONN);
            call->call.address = 0;
        }
        if (request->flags & UNIX_MSG_OOB)
            return done(-LINUX_EOPNOTSUPP);
        if (request->address) {
            int64_t error = unix_check_address(request->address);
            if (error)
                return done(error);
        } else {
            if (!socket->peer)
                return done(-LINUX_ENOTCONN);
            call->target = socket->peer;
            unix_hold(call->target);
        }
        int64_t error = bind_for_credentials(core, socket);
        if (error)
            return done(error);
        if (request->length > (uint64_t)(socket->send_buffer - 32))
            return done(-LINUX_EMSGSIZE);
    }
    if (!call->message) {
        int64_t error = unix_take_error(socket);
        if (error)
            return done(error);
        if (socket->shutdown & UNIX_SHUT_SEND)
            return done(-LINUX_EPIPE);
        if (unix_send_room(socket) == UNIX_ROOM_NONE)
            return done(-LINUX_ENOBUFS);
        if (unix_send_room(socket) == UNIX_ROOM_LATER) {
            if (nonblocking(call))
                return done(-LINUX_EAGAIN);
            return wait_on(socket);
        }
        error = unix_check_rights_limit(core, request);
        if (error)
            return done(error);
        struct unix_message *message = new_message(core, request->length);
        if (!message)
            return done(-LINUX_ENOMEM);
        int copy = copy_in(core, call, message, 0);
        if (copy) {
            unix_free_message(core, message);
            return copy == UNIX_COPY_GONE ? gone : done(-LINUX_EFAULT);
        }
        error = unix_attach_rights(core, message, &call->call);
        if (error) {
            unix_free_message(core, message);
            return done(error);
        }
        charge(socket, message);
        call->message = message;
    }
    for (;;) {
        if (!call->target) {
            if (!request->address)
                return done(-LINUX_ECONNRESET);
            struct unix_socket *found;
            int64_t error = unix_find(core, request->address, socket->type, &found);
            if (error)
                return done(error);
            call->target = found;
            unix_hold(found);
        }
        struct unix_socket *target = call->target;
        if (target->peer && target->peer != socket)
            return done(-LINUX_EPERM);
        if (!target->released)
            break;
        if (socket->type == UNIX_SEQPACKET)
            return done(-LINUX_EPIPE);
        call->target = 0;
        if (socket->peer == target) {
            /* A receiver that went disconnects its connected senders. */
            socket->peer = 0;
            socket->state = UNIX_UNCONNECTED;
            unix_dgram_disconnected(core, socket, target);
            unix_put(core, target);
            unix_put(core, target);
            return done(-LINUX_ECONNREFUSED);
        }
        unix_put(core, target);
    }
    struct unix_socket *target = call->target;
    if (target->shutdown & UNIX_SHUT_RECEIVE)
        return done(-LINUX_EPIPE);
    if (target != socket && target->peer != socket && unix_queue_full(target)) {
        if (nonblocking(call))
            return done(-LINUX_EAGAIN);
        return wait_on(target);
    }
    /* A sender that waited with its datagram made is asked for first:
     * once a signal took it away the datagram must not arrive (Linux's
     * unix_wait_for_peer ends and the skb is freed), nor twice when the
     * call is restarted. */
    if (call->waits_on && !core->services.caller_waits(core->services.context, call->call.caller))
        return gone;
    attach_credentials(call, target, call->message);
    unix_enqueue_message(target, call->message);
    call->message = 0;
    unix_mark_changed(core, target, UNIX_WAKE_IN);
    return done((int64_t)request->length);
}

/* ---- Connections ---- */

static struct step accept_step(struct unix_core *core, struct unix_waiter *call)
{
    struct unix_socket *listener = call->socket;
    if (listener->type == UNIX_DGRAM)
        return done(-LINUX_EOPNOTSUPP);
    if (listener->state != UNIX_LISTENING)
        return done(-LINUX_EINVAL);
    struct unix_message *entry = listener->first;
    if (!entry) {
        if (nonblocking(call))
            return done(-LINUX_EAGAIN);
        if (listener->shutdown & UNIX_SHUT_RECEIVE)
            return done(-LINUX_EINVAL);
        return wait_on(listener);
    }
    struct unix_socket *child = entry->embryo;
    uint64_t handle;
    int error = file_table_open(core->files, child,
                                LINUX_O_RDWR | (call->call.flags & SOCK_NONBLOCK), &handle);
    if (error < 0)
        return done(error);
    dequeue_first(listener);
    core->services.free(core->services.context, entry);
    child->listener = 0;
    child->handle = handle;
    child->pass_credentials = listener->pass_credentials;
    call->call.new_handle = handle;
    /* Room in the backlog: connectors waiting on it look again. */
    unix_mark_changed(core, listener, 0);
    return done(0);
}

/* unix_stream_connect: the server side of the connection is made at
 * once and queued on the listener for accept. */
static struct step connect_step(struct unix_core *core, struct unix_waiter *call)
{
    struct unix_socket *socket = call->socket;
    const struct unix_call *request = &call->call;
    if (!call->started) {
        call->started = true;
        if (!request->address)
            return done(-LINUX_EINVAL);
        int64_t error = unix_check_address(request->address);
        if (!error)
            error = bind_for_credentials(core, socket);
        if (error)
            return done(error);
    }
    for (;;) {
        if (!call->target) {
            struct unix_socket *found;
            int64_t error = unix_find(core, request->address, socket->type, &found);
            if (error)
                return done(error);
            call->target = found;
            unix_hold(found);
        }
        if (!call->target->released)
            break;
        unix_put(core, call->target);
        call->target = 0;
    }
    struct unix_socket *listener = call->target;
    if (listener->state != UNIX_LISTENING || (listener->shutdown & UNIX_SHUT_RECEIVE))
        return done(-LINUX_ECONNREFUSED);
    if (unix_queue_full(listener)) {
        if (nonblocking(call))
            return done(-LINUX_EAGAIN);
        return wait_on(listener);
    }
    if (socket->state != UNIX_UNCONNECTED)
        return done(socket->state == UNIX_CONNECTED ? -LINUX_EISCONN : -LINUX_EINVAL);
    struct unix_socket *child = 0;
    unix_new_socket(core, socket->type, &listener->credentials, &child);
    struct unix_message *entry = child ? core->services.allocate(core->services.context,
                                                                 sizeof *entry) : 0;
    if (!entry) {
        if (child)
            unix_put(core, child);
        return done(-LINUX_ENOMEM);
    }
    child->state = UNIX_CONNECTED;
    child->peer = socket;
    unix_hold(socket);
    child->peer_credentials = request->who;
    child->has_peer_credentials = true;
    child->listener = listener;
    if (listener->named) {
        child->name = listener->name;
        child->named = true;        /* its name, not in the table */
    }
    socket->peer_credentials = listener->peer_credentials;
    socket->has_peer_credentials = true;
    socket->state = UNIX_CONNECTED;
    socket->peer = child;
    unix_hold(child);
    entry->embryo = child;
    unix_enqueue_message(listener, entry);
    unix_mark_changed(core, listener, UNIX_WAKE_IN);
    unix_mark_changed(core, socket, WATCH_WAKE_ALL);
    return done(0);
}

struct step unix_step(struct unix_core *core, struct unix_waiter *call)
{
    bool stream = call->socket->type == UNIX_STREAM;
    switch (call->call.kind) {
    case UNIX_CALL_RECEIVE: {
        struct step step = stream ? stream_receive(core, call) : datagram_receive(core, call);
        /* A read takes readiness away: epoll's boards learn it (a
         * change that wakes nobody, as a pipe's partial read). */
        if (step.outcome == STEP_DONE)
            unix_mark_changed(core, call->socket, 0);
        return step;
    }
    case UNIX_CALL_SEND:
        if (!call->started && identity_needed(core, call))
            return done(UNIX_NEEDS_IDENTITY);
        return stream ? stream_send(core, call) : datagram_send(core, call);
    case UNIX_CALL_ACCEPT:
        return accept_step(core, call);
    case UNIX_CALL_CONNECT:
        return connect_step(core, call);
    }
    return done(-LINUX_EINVAL);
}
