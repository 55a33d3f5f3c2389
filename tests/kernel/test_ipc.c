/* Endpoint IPC: Call/ReplyRecv, Send/Recv and their non-blocking forms,
 * badges, message registers, capability transfer, bound notifications. */
#include "ktest.h"

/* ---- A server that answers label + 1 and every register + 1 ---- */

struct server {
    uint64_t endpoint;
    uint64_t reply;
    volatile uint64_t ready;        /* about to receive for the first time */
    volatile uint64_t received;     /* messages taken */
    volatile uint64_t last_badge;
    volatile uint64_t last_info;
    uint64_t values[TERN_MSG_MAX_LENGTH];
};

static struct server server;

static void transform_server(uint64_t argument)
{
    struct server *s = (struct server *)argument;
    uint64_t badge = 0, mr[TERN_MSG_REGISTERS];
    store(&s->ready, 1);
    tern_message_info info = tern_recv(s->endpoint, s->reply, &badge, mr);
    for (;;) {
        unsigned length = tern_message_length(info);
        s->last_badge = badge;
        s->last_info = info;
        for (unsigned i = 0; i < length; i++)
            s->values[i] = i < TERN_MSG_REGISTERS ? mr[i] : tern_get_mr(i);
        for (unsigned i = 0; i < length; i++) {
            if (i < TERN_MSG_REGISTERS)
                mr[i] = s->values[i] + 1;
            else
                tern_set_mr(i, s->values[i] + 1);
        }
        fetch_add(&s->received, 1);
        tern_message_info answer = tern_message(tern_message_label(info) + 1, 0, length);
        info = tern_reply_recv(s->endpoint, s->reply, answer, &badge, mr);
    }
}

/* An endpoint, a reply object and a started server of that priority and
 * core, already waiting in Recv when this returns. */
static struct server *start_server(struct server *s, unsigned priority, unsigned cpu)
{
    *s = (struct server){ 0 };
    s->endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    s->reply = object_new(TERN_OBJECT_REPLY, 0);
    thread_spawn(transform_server, (uint64_t)s, priority, cpu);
    WAIT_FOR(&s->ready, 1);
    sleep_ticks(1);             /* now blocked in Recv */
    return s;
}

static void call_and_reply_recv_with_badges(void)
{
    start_server(&server, PRIORITY_MIDDLE, 0);
    uint64_t first = cap_mint(server.endpoint, TERN_RIGHTS_ALL, 0xbeef);
    uint64_t second = cap_mint(server.endpoint, TERN_RIGHTS_ALL, 0xcafe);
    for (unsigned round = 0; round < 3; round++) {
        uint64_t badge = round == 1 ? 0xcafe : 0xbeef;
        uint64_t mr[4] = { 10 * round, 11, 12, 13 };
        tern_message_info info = tern_call(round == 1 ? second : first,
                                           tern_message(7, 0, 4), mr);
        CHECK_EQ(tern_message_label(info), 8);
        CHECK_EQ(tern_message_length(info), 4);
        CHECK_EQ(tern_message_caps(info), 0);
        CHECK_EQ(mr[0], 10 * round + 1);
        CHECK_EQ(mr[1], 12);
        CHECK_EQ(mr[2], 13);
        CHECK_EQ(mr[3], 14);
        CHECK_EQ(server.last_badge, badge);
        CHECK_EQ(tern_message_label(server.last_info), 7);
        CHECK_EQ(tern_message_length(server.last_info), 4);
    }
    CHECK_EQ(load(&server.received), 3);
    /* Unbadged: badge 0. */
    uint64_t mr[4] = { 0 };
    CHECK_EQ(tern_message_label(tern_call(server.endpoint, tern_message(1, 0, 0), mr)), 2);
    CHECK_EQ(server.last_badge, 0);
}

static void sixty_four_message_registers(void)
{
    start_server(&server, PRIORITY_MIDDLE, 0);
    uint64_t mr[4];
    for (unsigned i = 0; i < TERN_MSG_MAX_LENGTH; i++) {
        uint64_t value = 0x1000000000000000ULL + i * 0x101;
        if (i < 4)
            mr[i] = value;
        else
            tern_set_mr(i, value);
    }
    tern_message_info info = tern_call(server.endpoint,
                                       tern_message(3, 0, TERN_MSG_MAX_LENGTH), mr);
    CHECK_EQ(tern_message_label(info), 4);
    CHECK_EQ(tern_message_length(info), TERN_MSG_MAX_LENGTH);
    for (unsigned i = 0; i < TERN_MSG_MAX_LENGTH; i++) {
        uint64_t value = 0x1000000000000000ULL + i * 0x101;
        CHECK_EQ(server.values[i], value);
        CHECK_EQ(i < 4 ? mr[i] : tern_get_mr(i), value + 1);
    }
}

/* Assumed (ipc.c): a length field above 64 is clamped to 64. */
static void length_is_clamped(void)
{
    start_server(&server, PRIORITY_MIDDLE, 0);
    uint64_t mr[4] = { 1, 2, 3, 4 };
    tern_message_info info = tern_call(server.endpoint, tern_message(5, 0, 100), mr);
    CHECK_EQ(tern_message_length(server.last_info), TERN_MSG_MAX_LENGTH);
    CHECK_EQ(tern_message_length(info), TERN_MSG_MAX_LENGTH);
}

/* Send blocks until a receiver takes the message. */
static void send_waits_for_a_receiver(void)
{
    server = (struct server){ 0 };
    server.endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    server.reply = object_new(TERN_OBJECT_REPLY, 0);
    struct thread *thread = thread_new(transform_server, (uint64_t)&server, PRIORITY_MIDDLE, 0);
    thread_start(thread);       /* runs only once the root task blocks */
    uint64_t mr[4] = { 0x55, 0, 0, 0 };
    CHECK_EQ(load(&server.ready), 0);
    tern_message_info sent = tern_message(9, 0, 1);
    CHECK_EQ(tern_send(server.endpoint, sent, mr), sent);
    CHECK_EQ(load(&server.ready), 1);
    WAIT_FOR(&server.received, 1);
    CHECK_EQ(tern_message_label(server.last_info), 9);
    CHECK_EQ(server.values[0], 0x55);
}

static void nbsend_without_receiver_is_dropped(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t mr[4] = { 1, 2, 3, 4 };
    tern_message_info sent = tern_message(0x33, 0, 4);
    CHECK_EQ(tern_nb_send(endpoint, sent, mr), sent);
    uint64_t badge = 0x1234;
    tern_message_info info = tern_nb_recv(endpoint, 0, &badge, mr);
    CHECK_EQ(info, 0);
    CHECK_EQ(badge, 0);
    /* A server that comes later finds nothing either. */
    server = (struct server){ 0 };
    server.endpoint = endpoint;
    server.reply = object_new(TERN_OBJECT_REPLY, 0);
    thread_spawn(transform_server, (uint64_t)&server, PRIORITY_MIDDLE, 0);
    WAIT_FOR(&server.ready, 1);
    sleep_ticks(2);
    CHECK_EQ(load(&server.received), 0);
}

static void nbrecv_with_nothing_returns_at_once(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t reply = object_new(TERN_OBJECT_REPLY, 0);
    uint64_t badge = 77;
    CHECK_EQ(tern_nb_recv(endpoint, reply, &badge, 0), 0);
    CHECK_EQ(badge, 0);
    CHECK_EQ(tern_nb_recv(endpoint, 0, &badge, 0), 0);
}

static void nbsend_reaches_a_waiting_receiver(void)
{
    start_server(&server, PRIORITY_MIDDLE, 0);
    uint64_t badged = cap_mint(server.endpoint, TERN_RIGHTS_ALL, 0x5);
    uint64_t mr[4] = { 0x77, 0, 0, 0 };
    tern_message_info sent = tern_message(0x21, 0, 1);
    CHECK_EQ(tern_nb_send(badged, sent, mr), sent);
    WAIT_FOR(&server.received, 1);
    CHECK_EQ(tern_message_label(server.last_info), 0x21);
    CHECK_EQ(server.last_badge, 0x5);
    CHECK_EQ(server.values[0], 0x77);
}

/* ---- Senders waiting for the root task ---- */

struct sender {
    uint64_t endpoint;          /* badged cap */
    uint64_t label;
    volatile uint64_t started, sent;
};

static void sender(uint64_t argument)
{
    struct sender *s = (struct sender *)argument;
    uint64_t mr[4] = { s->label * 2, s->label * 3, 0, 0 };
    store(&s->started, 1);
    tern_send(s->endpoint, tern_message(s->label, 0, 2), mr);
    store(&s->sent, 1);
}

static void receive_from_a_waiting_sender(void)
{
    static struct sender s;
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    s = (struct sender){ cap_mint(endpoint, TERN_RIGHTS_ALL, 0x11), 3, 0, 0 };
    thread_spawn(sender, (uint64_t)&s, PRIORITY_MIDDLE, 0);
    WAIT_FOR(&s.started, 1);
    sleep_ticks(1);
    CHECK_EQ(load(&s.sent), 0);
    uint64_t badge = 0, mr[4] = { 0 };
    tern_message_info info = tern_recv(endpoint, 0, &badge, mr);
    CHECK_EQ(badge, 0x11);
    CHECK_EQ(tern_message_label(info), 3);
    CHECK_EQ(tern_message_length(info), 2);
    CHECK_EQ(mr[0], 6);
    CHECK_EQ(mr[1], 9);
    WAIT_FOR(&s.sent, 1);
}

static void senders_are_served_in_order(void)
{
    static struct sender senders[3];
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    for (unsigned i = 0; i < 3; i++) {
        senders[i] = (struct sender){ cap_mint(endpoint, TERN_RIGHTS_ALL, i + 1), 10 + i, 0, 0 };
        thread_spawn(sender, (uint64_t)&senders[i], PRIORITY_MIDDLE, 0);
        WAIT_FOR(&senders[i].started, 1);
        sleep_ticks(1);
    }
    for (unsigned i = 0; i < 3; i++) {
        uint64_t badge = 0;
        tern_message_info info = tern_recv(endpoint, 0, &badge, 0);
        CHECK_EQ(badge, i + 1);
        CHECK_EQ(tern_message_label(info), 10 + i);
    }
}

/* Send needs the write right, receive the read right; the reply
 * argument must be a reply object. */
static void rights_and_reply_errors(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t receive_only = cap_copy(endpoint, TERN_RIGHT_READ);
    uint64_t send_only = cap_copy(endpoint, TERN_RIGHT_WRITE);
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t empty = slot_new();
    uint64_t mr[4] = { 0 };
    tern_message_info info = tern_message(0x40, 0, 0);
    CHECK_LABEL(tern_call(receive_only, info, mr), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_send(receive_only, info, mr), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_nb_send(receive_only, info, mr), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_nb_recv(send_only, 0, 0, mr), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_recv(send_only, 0, 0, mr), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_nb_recv(endpoint, notification, 0, mr), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_nb_recv(endpoint, empty, 0, mr), TERN_FAILED_LOOKUP);
    CHECK_LABEL(tern_call(empty, info, mr), TERN_FAILED_LOOKUP);
    CHECK_LABEL(tern_nb_send(empty, info, mr), TERN_FAILED_LOOKUP);
    CHECK_LABEL(tern_nb_recv(empty, 0, 0, mr), TERN_FAILED_LOOKUP);
    /* Recv on something that is neither endpoint nor notification. */
    uint64_t frame = object_new(TERN_OBJECT_FRAME_4K, 0);
    CHECK_LABEL(tern_nb_recv(frame, 0, 0, mr), TERN_INVALID_CAPABILITY);
    CHECK_LABEL(tern_nb_send(frame, info, mr), TERN_INVALID_CAPABILITY);
}

/* ---- Capability transfer ---- */

struct cap_receiver {
    uint64_t endpoint;
    uint64_t reply;
    uint64_t receive_slot;
    volatile uint64_t done;
    volatile uint64_t info;
    volatile uint64_t badge0;
    volatile uint64_t signal_error;
};

static void cap_receiver(uint64_t argument)
{
    struct cap_receiver *r = (struct cap_receiver *)argument;
    uint64_t mr[4] = { 0 };
    tern_set_receive_slot(ROOT_CNODE, r->receive_slot, ROOT_DEPTH);
    tern_message_info info = tern_recv(r->endpoint, r->reply, 0, mr);
    r->info = info;
    r->badge0 = tern_get_badge(0);
    if (tern_message_caps(info) && !(tern_message_unwrapped(info) & 1))
        r->signal_error = tern_message_label(tern_signal(r->receive_slot));
    store(&r->done, 1);
    tern_reply(r->reply, tern_message(0, 0, 0), mr);
}

static struct cap_receiver receiver;

static void start_cap_receiver(void)
{
    receiver = (struct cap_receiver){ 0 };
    receiver.endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    receiver.reply = object_new(TERN_OBJECT_REPLY, 0);
    receiver.receive_slot = slot_new();
    receiver.signal_error = ~0ULL;
    thread_spawn(cap_receiver, (uint64_t)&receiver, PRIORITY_MIDDLE, 0);
    sleep_ticks(1);
}

static void transfer_with_grant(void)
{
    start_cap_receiver();
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t badged = cap_mint(notification, TERN_RIGHTS_ALL, 0x44);
    uint64_t mr[4] = { 0 };
    tern_set_cap(0, badged);
    tern_message_info info = tern_call(receiver.endpoint, tern_message(1, 1, 0), mr);
    CHECK_LABEL(info, 0);
    CHECK(load(&receiver.done));
    CHECK_EQ(tern_message_caps(receiver.info), 1);
    CHECK_EQ(tern_message_unwrapped(receiver.info), 0);
    CHECK_LABEL(receiver.signal_error, TERN_OK);
    uint64_t word = 0;
    CHECK_LABEL(tern_poll(notification, &word), TERN_OK);
    CHECK_EQ(word, 0x44);
    /* The sender keeps its own capability. */
    CHECK(slot_holds(badged, TERN_OBJECT_NOTIFICATION));
    CHECK(slot_holds(receiver.receive_slot, TERN_OBJECT_NOTIFICATION));
}

/* Without the grant right the message goes, the capability does not. */
static void transfer_without_grant(void)
{
    start_cap_receiver();
    uint64_t no_grant = cap_copy(receiver.endpoint, TERN_RIGHT_WRITE | TERN_RIGHT_READ);
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t mr[4] = { 0 };
    tern_set_cap(0, notification);
    tern_message_info info = tern_call(no_grant, tern_message(1, 1, 0), mr);
    CHECK_LABEL(info, 0);
    CHECK_EQ(tern_message_label(receiver.info), 1);
    CHECK_EQ(tern_message_caps(receiver.info), 0);
    CHECK(slot_is_empty(receiver.receive_slot));
}

/* A capability to the endpoint the message goes through arrives as its
 * badge, in no slot. */
static void same_endpoint_capability_is_unwrapped(void)
{
    start_cap_receiver();
    uint64_t badged = cap_mint(receiver.endpoint, TERN_RIGHTS_ALL, 0x99);
    uint64_t mr[4] = { 0 };
    tern_set_cap(0, badged);
    tern_call(receiver.endpoint, tern_message(1, 1, 0), mr);
    CHECK_EQ(tern_message_caps(receiver.info), 1);
    CHECK_EQ(tern_message_unwrapped(receiver.info), 1);
    CHECK_EQ(receiver.badge0, 0x99);
    CHECK(slot_is_empty(receiver.receive_slot));
}

/* A server that answers each of two Calls with a capability. */
struct cap_replier {
    uint64_t endpoint;
    uint64_t reply;
    uint64_t given;
};

static void cap_replier(uint64_t argument)
{
    struct cap_replier *r = (struct cap_replier *)argument;
    uint64_t mr[4] = { 0 };
    for (int i = 0; i < 2; i++) {
        tern_recv(r->endpoint, r->reply, 0, mr);
        tern_set_cap(0, r->given);
        tern_reply(r->reply, tern_message(0, 1, 0), mr);
    }
}

/* A reply carries capabilities only if the Call's capability has the
 * grant-reply right, also when the server was already waiting (the Call
 * goes through at once). */
static void reply_grants_follow_the_callers_right(void)
{
    static struct cap_replier replier;
    replier.endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    replier.reply = object_new(TERN_OBJECT_REPLY, 0);
    replier.given = object_new(TERN_OBJECT_NOTIFICATION, 0);
    thread_spawn(cap_replier, (uint64_t)&replier, PRIORITY_MIDDLE, 0);
    uint64_t without = cap_copy(replier.endpoint, TERN_RIGHTS_ALL & ~TERN_RIGHT_GRANT_REPLY);
    uint64_t with = cap_copy(replier.endpoint, TERN_RIGHTS_ALL);
    uint64_t slot = slot_new();
    uint64_t mr[4] = { 0 };
    tern_set_receive_slot(ROOT_CNODE, slot, ROOT_DEPTH);
    for (int round = 0; round < 2; round++) {
        sleep_ticks(1);     /* the server waits in Recv */
        bool granted = round == 1;
        tern_message_info info = tern_call(granted ? with : without, tern_message(1, 0, 0), mr);
        CHECK_LABEL(info, 0);
        CHECK_EQ(tern_message_caps(info), granted ? 1 : 0);
        CHECK(granted ? slot_holds(slot, TERN_OBJECT_NOTIFICATION) : slot_is_empty(slot));
    }
    tern_set_receive_slot(0, 0, 0);
}

/* An occupied receive slot: the message arrives without the capability. */
static void transfer_into_occupied_slot(void)
{
    start_cap_receiver();
    uint64_t occupant = object_new(TERN_OBJECT_ENDPOINT, 0);
    CHECK_OK(tern_cnode_move(ROOT_CNODE, receiver.receive_slot, ROOT_DEPTH, ROOT_CNODE,
                             occupant, ROOT_DEPTH));
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t mr[4] = { 0 };
    tern_set_cap(0, notification);
    tern_call(receiver.endpoint, tern_message(6, 1, 0), mr);
    CHECK_EQ(tern_message_label(receiver.info), 6);
    CHECK_EQ(tern_message_caps(receiver.info), 0);
    CHECK(slot_holds(receiver.receive_slot, TERN_OBJECT_ENDPOINT));
}

/* ---- Bound notifications ---- */

struct bound_receiver {
    uint64_t endpoint;
    volatile uint64_t ready, done, badge, info;
};

static void bound_receiver(uint64_t argument)
{
    struct bound_receiver *b = (struct bound_receiver *)argument;
    uint64_t badge = 0;
    store(&b->ready, 1);
    tern_message_info info = tern_recv(b->endpoint, 0, &badge, 0);
    b->badge = badge;
    b->info = info;
    store(&b->done, 1);
}

/* A signal to the notification bound to a thread blocked on an endpoint
 * ends its Recv with the notification word as the badge. Assumed: the
 * message info is then 0 (seL4 gives no label either). */
static void bound_notification_wakes_a_receiver(void)
{
    static struct bound_receiver b;
    b = (struct bound_receiver){ object_new(TERN_OBJECT_ENDPOINT, 0), 0, 0, 0, ~0ULL };
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t badged = cap_mint(notification, TERN_RIGHTS_ALL, 0x4);
    struct thread *thread = thread_new(bound_receiver, (uint64_t)&b, PRIORITY_MIDDLE, 0);
    CHECK_OK(tern_tcb_bind_notification(thread->tcb, notification));
    thread_start(thread);
    WAIT_FOR(&b.ready, 1);
    sleep_ticks(1);
    CHECK_EQ(load(&b.done), 0);
    CHECK_LABEL(tern_signal(badged), TERN_OK);
    WAIT_FOR(&b.done, 1);
    CHECK_EQ(b.badge, 0x4);
    CHECK_EQ(b.info, 0);
}

/* A word already pending on the bound notification is taken by a receive
 * at once (NBRecv here, so a broken kernel fails rather than hangs). */
static void pending_bound_notification_comes_first(void)
{
    uint64_t endpoint = object_new(TERN_OBJECT_ENDPOINT, 0);
    uint64_t notification = object_new(TERN_OBJECT_NOTIFICATION, 0);
    uint64_t one = cap_mint(notification, TERN_RIGHTS_ALL, 0x1);
    uint64_t two = cap_mint(notification, TERN_RIGHTS_ALL, 0x10);
    CHECK_OK(tern_tcb_bind_notification(ROOT_TCB, notification));
    CHECK_LABEL(tern_signal(one), TERN_OK);
    CHECK_LABEL(tern_signal(two), TERN_OK);
    uint64_t badge = 0;
    tern_message_info info = tern_nb_recv(endpoint, 0, &badge, 0);
    CHECK_OK(tern_tcb_unbind_notification(ROOT_TCB));
    CHECK_EQ(badge, 0x11);
    CHECK_EQ(info, 0);
}

/* ---- Deleting an endpoint with threads blocked on it ----
 * Assumed (seL4: blocked threads are restarted): each re-executes its
 * system call, which now finds no capability: TERN_FAILED_LOOKUP. */

struct blocked {
    uint64_t endpoint;
    uint64_t reply;
    bool call;
    volatile uint64_t ready, done, label;
};

static void blocked_thread(uint64_t argument)
{
    struct blocked *b = (struct blocked *)argument;
    uint64_t mr[4] = { 0 };
    store(&b->ready, 1);
    tern_message_info info = b->call ? tern_call(b->endpoint, tern_message(1, 0, 0), mr)
                                     : tern_recv(b->endpoint, b->reply, 0, mr);
    b->label = tern_message_label(info);
    store(&b->done, 1);
}

static void delete_endpoint_with_blocked(bool call)
{
    static struct blocked b;
    b = (struct blocked){ object_new(TERN_OBJECT_ENDPOINT, 0),
                          object_new(TERN_OBJECT_REPLY, 0), call, 0, 0, ~0ULL };
    thread_spawn(blocked_thread, (uint64_t)&b, PRIORITY_MIDDLE, 0);
    WAIT_FOR(&b.ready, 1);
    sleep_ticks(1);
    if (load(&b.done))
        FAIL("the %s returned (label 0x%lx) with nobody on the other side",
             call ? "Call" : "Recv", b.label);
    CHECK_OK(tern_cnode_delete(ROOT_CNODE, b.endpoint, ROOT_DEPTH));
    WAIT_FOR(&b.done, 1);
    CHECK_ERROR(b.label, TERN_FAILED_LOOKUP);
}

static void deleting_endpoint_releases_receiver(void)
{
    delete_endpoint_with_blocked(false);
}

static void deleting_endpoint_releases_caller(void)
{
    delete_endpoint_with_blocked(true);
}

/* ---- Several clients, several cores ---- */

struct client {
    uint64_t endpoint;
    uint64_t id;
    uint64_t calls;
    volatile uint64_t done, errors;
};

static void client(uint64_t argument)
{
    struct client *c = (struct client *)argument;
    for (uint64_t i = 0; i < c->calls; i++) {
        uint64_t mr[4] = { c->id, i, i * 3, 0 };
        tern_message_info info = tern_call(c->endpoint, tern_message(20, 0, 3), mr);
        if (tern_message_label(info) != 21 || mr[0] != c->id + 1 || mr[1] != i + 1 ||
            mr[2] != i * 3 + 1)
            fetch_add(&c->errors, 1);
    }
    store(&c->done, 1);
}

static void many_clients_one_server(void)
{
    static struct client clients[3];
    start_server(&server, PRIORITY_MIDDLE, 0);
    for (unsigned i = 0; i < 3; i++) {
        clients[i] = (struct client){ cap_mint(server.endpoint, TERN_RIGHTS_ALL, i + 1),
                                      100 + i, 200, 0, 0 };
        thread_spawn(client, (uint64_t)&clients[i], PRIORITY_LOW, 0);
    }
    for (unsigned i = 0; i < 3; i++) {
        WAIT_FOR(&clients[i].done, 1);
        CHECK_EQ(load(&clients[i].errors), 0);
    }
    CHECK_EQ(load(&server.received), 600);
}

/* The server on core 1; the root task and a client thread call it from
 * other cores at the same time. */
static void calls_across_cores(void)
{
    if (boot_info->cpu_count < 2)
        test_skip("needs 2 cores, has %lu", boot_info->cpu_count);
    static struct client other;
    start_server(&server, PRIORITY_MIDDLE, 1);
    unsigned client_cpu = boot_info->cpu_count > 2 ? 2 : 0;
    other = (struct client){ server.endpoint, 7, 500, 0, 0 };
    thread_spawn(client, (uint64_t)&other, PRIORITY_MIDDLE, client_cpu);
    for (uint64_t i = 0; i < 500; i++) {
        uint64_t mr[4] = { 1000 + i, i, 0, 0 };
        tern_message_info info = tern_call(server.endpoint, tern_message(30, 0, 2), mr);
        CHECK_EQ(tern_message_label(info), 31);
        CHECK_EQ(mr[0], 1001 + i);
        CHECK_EQ(mr[1], i + 1);
    }
    WAIT_FOR(&other.done, 1);
    CHECK_EQ(load(&other.errors), 0);
    CHECK_EQ(load(&server.received), 1000);
}

const struct test_case ipc_tests[] = {
    { "call_and_reply_recv_with_badges", call_and_reply_recv_with_badges },
    { "sixty_four_message_registers", sixty_four_message_registers },
    { "length_is_clamped", length_is_clamped },
    { "send_waits_for_a_receiver", send_waits_for_a_receiver },
    { "nbsend_without_receiver_is_dropped", nbsend_without_receiver_is_dropped },
    { "nbrecv_with_nothing_returns_at_once", nbrecv_with_nothing_returns_at_once },
    { "nbsend_reaches_a_waiting_receiver", nbsend_reaches_a_waiting_receiver },
    { "receive_from_a_waiting_sender", receive_from_a_waiting_sender },
    { "senders_are_served_in_order", senders_are_served_in_order },
    { "rights_and_reply_errors", rights_and_reply_errors },
    { "transfer_with_grant", transfer_with_grant },
    { "transfer_without_grant", transfer_without_grant },
    { "same_endpoint_capability_is_unwrapped", same_endpoint_capability_is_unwrapped },
    { "transfer_into_occupied_slot", transfer_into_occupied_slot },
    { "reply_grants_follow_the_callers_right", reply_grants_follow_the_callers_right },
    { "bound_notification_wakes_a_receiver", bound_notification_wakes_a_receiver },
    { "pending_bound_notification_comes_first", pending_bound_notification_comes_first },
    { "deleting_endpoint_releases_receiver", deleting_endpoint_releases_receiver },
    { "deleting_endpoint_releases_caller", deleting_endpoint_releases_caller },
    { "many_clients_one_server", many_clients_one_server },
    { "calls_across_cores", calls_across_cores },
    TEST_SUITE_END,
};
