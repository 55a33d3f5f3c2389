/*
 * Host tests of the unix socket core (servers/unix): callers are indexes
 * into callers[], each with two windows (data, address) of its own;
 * blocks are counted so every test can check nothing leaks.
 */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "core.h"
#include "timed_callers.h"
#include "sys/linux_abi.h"

#define CALLERS 8
#define WINDOW 300000
#define POLLIN 0x001
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLRDHUP 0x2000

struct fake_caller {
    bool gone;
    bool answered;
    struct unix_answer answer;
    uint8_t small[512];     /* a small read's answered bytes */
    uint64_t progress;
    uint8_t window[2][WINDOW];
    uint64_t window_size[2];
};

static struct fake_caller callers[CALLERS];
static long blocks_live;
static int notified;
static struct file_table files;
static struct unix_core core;

static void *allocate(void *context, size_t size)
{
    (void)context;
    blocks_live++;
    return calloc(1, size);
}

/* Garbage in it, so that a core relying on zeros shows. */
static void *allocate_unzeroed(void *context, size_t size)
{
    void *block = allocate(context, size);
    if (block)
        memset(block, 0xa5, size);
    return block;
}

static void release(void *context, void *block)
{
    (void)context;
    if (block)
        blocks_live--;
    free(block);
}

static void *allocate_page(void *context)
{
    (void)context;
    return aligned_alloc(4096, 4096);
}

static int copy_from(void *context, uint64_t caller, unsigned window, uint64_t offset,
                     void *destination, uint64_t length)
{
    (void)context;
    if (callers[caller].gone)
        return UNIX_COPY_GONE;
    if (offset + length > callers[caller].window_size[window])
        return -LINUX_EFAULT;
    memcpy(destination, callers[caller].window[window] + offset, length);
    return 0;
}

static int copy_to(void *context, uint64_t caller, unsigned window, uint64_t offset,
                   const void *source, uint64_t length)
{
    (void)context;
    if (callers[caller].gone)
        return UNIX_COPY_GONE;
    if (offset + length > callers[caller].window_size[window])
        return -LINUX_EFAULT;
    memcpy(callers[caller].window[window] + offset, source, length);
    return 0;
}

static bool answer(void *context, uint64_t caller, const struct unix_answer *message)
{
    (void)context;
    if (callers[caller].gone)
        return false;
    callers[caller].answered = true;
    callers[caller].answer = *message;
    if (message->bytes && message->result > 0)
        memcpy(callers[caller].small, message->bytes, (size_t)message->result);
    return true;
}

static bool caller_waits(void *context, uint64_t caller)
{
    (void)context;
    return !callers[caller].gone;
}

static void forget(void *context, uint64_t caller)
{
    (void)context;
    (void)caller;
}

static void progress(void *context, uint64_t caller, uint64_t done)
{
    (void)context;
    callers[caller].progress = done;
}

static void notify(void *context, uint64_t notification)
{
    (void)context;
    (void)notification;
    notified++;
}

/* Another server's descriptors the core released (FILE_CLOSE). */
static int released;
static uint64_t released_last;

static void release_right(void *context, uint64_t slot)
{
    (void)context;
    released++;
    released_last = slot;
}

/* Duplicates the core made of another server's descriptors (a peek's):
 * slot + DUPLICATE, or none while duplicates_fail. */
#define DUPLICATE 5000
static int duplicated;
static bool duplicates_fail;

static uint64_t duplicate_right(void *context, uint64_t slot)
{
    (void)context;
    if (duplicates_fail)
        return 0;
    duplicated++;
    return slot + DUPLICATE;
}

static const struct unix_credentials alice = {100, 1000, 1000};
static const struct unix_credentials bob = {200, 2000, 2000};

/* The description table's pages, which outlive the sockets they held. */
static void drop_table(void)
{
    for (unsigned i = 0; i < FILE_TABLE_PAGES; i++)
        free(files.pages[i]);
    memset(&files, 0, sizeof files);
}

static void fresh(void)
{
    static const struct unix_services services = {
        .allocate = allocate, .allocate_unzeroed = allocate_unzeroed, .free = release, .copy_from_caller = copy_from,
        .copy_to_caller = copy_to, .answer = answer, .caller_waits = caller_waits,
        .forget = forget, .progress = progress, .notify = notify,
        .release_right = release_right, .duplicate_right = duplicate_right,
    };
    released = 0;
    duplicated = 0;
    duplicates_fail = false;
    memset(callers, 0, sizeof callers);
    for (int i = 0; i < CALLERS; i++)
        callers[i].window_size[0] = callers[i].window_size[1] = WINDOW;
    drop_table();
    file_table_init(&files, allocate_page, 0);
    unix_core_init(&core, &services, &files);
    notified = 0;
}

static void check_empty(void)
{
    CHECK_EQ_U64(unix_waiter_count(&core), 0);
    CHECK_EQ_U64(unix_socket_count(&core), 0);
    CHECK_EQ_U64(blocks_live, 0);
}

static struct unix_address abstract_name(const char *name)
{
    struct unix_address address = {.length = (uint32_t)(3 + strlen(name)),
                                   .bytes = {UNIX_FAMILY, 0, 0}};
    memcpy(address.bytes + 3, name, strlen(name));
    return address;
}

static uint64_t make(uint32_t type)
{
    uint64_t handle = 0;
    CHECK_EQ_U64(unix_create(&core, type, 0, &alice, &handle), 0);
    return handle;
}

static void make_pair(uint32_t type, uint64_t *a, uint64_t *b)
{
    CHECK_EQ_U64(unix_create_pair(&core, type, 0, &alice, a), 0);
    CHECK_EQ_U64(unix_take_peer(&core, *a, b), 0);
}

static int64_t send_bytes(uint64_t handle, unsigned caller, const char *bytes, uint64_t length,
                          uint32_t flags)
{
    memcpy(callers[caller].window[0], bytes, length);
    struct unix_call call = {.kind = UNIX_CALL_SEND, .handle = handle, .caller = caller,
                             .length = length, .flags = flags, .may_wait = true,
                             .message_answer = true};
    return unix_call(&core, &call);
}

static int64_t send_to(uint64_t handle, unsigned caller, const char *bytes, uint64_t length,
                       const struct unix_address *to, uint32_t flags)
{
    memcpy(callers[caller].window[0], bytes, length);
    struct unix_call call = {.kind = UNIX_CALL_SEND, .handle = handle, .caller = caller,
                             .length = length, .flags = flags, .may_wait = true,
                             .address = to, .message_answer = true};
    return unix_call(&core, &call);
}

static int64_t receive(uint64_t handle, unsigned caller, uint64_t length, uint32_t flags,
                       struct unix_call *out)
{
    struct unix_call call = {.kind = UNIX_CALL_RECEIVE, .handle = handle, .caller = caller,
                             .length = length, .flags = flags, .may_wait = true,
                             .message_answer = true, .address_room = UNIX_ADDRESS_SIZE};
    int64_t result = unix_call(&core, &call);
    if (out)
        *out = call;
    return result;
}

static int64_t connect_to(uint64_t handle, unsigned caller, const struct unix_address *to,
                          const struct unix_credentials *who, bool nonblocking)
{
    struct unix_call call = {.kind = UNIX_CALL_CONNECT, .handle = handle, .caller = caller,
                             .address = to, .who = *who,
                             .nonblocking = nonblocking, .may_wait = true};
    return unix_call(&core, &call);
}

static int64_t accept_on(uint64_t handle, unsigned caller, bool nonblocking, uint64_t *child)
{
    struct unix_call call = {.kind = UNIX_CALL_ACCEPT, .handle = handle, .caller = caller,
                             .nonblocking = nonblocking, .may_wait = true};
    int64_t result = unix_call(&core, &call);
    *child = call.new_handle;
    return result;
}

/* FILE_READ_SMALL and FILE_WRITE_SMALL: the bytes in the server. */
static int64_t send_small(uint64_t handle, unsigned caller, const char *bytes, uint64_t length,
                          bool nonblocking)
{
    uint8_t registers[512];
    memcpy(registers, bytes, length);
    struct unix_call call = {.kind = UNIX_CALL_SEND, .handle = handle, .caller = caller,
                             .length = length, .may_wait = true, .message_answer = true,
                             .nonblocking = nonblocking, .bytes = registers};
    int64_t result = unix_call(&core, &call);
    memset(registers, 0x5a, sizeof registers);  /* the request's registers are gone */
    return result;
}

static int64_t receive_small(uint64_t handle, unsigned caller, uint64_t length, uint8_t *into)
{
    struct unix_call call = {.kind = UNIX_CALL_RECEIVE, .handle = handle, .caller = caller,
                             .length = length, .may_wait = true, .bytes = into};
    return unix_call(&core, &call);
}

static void close_all(uint64_t *handles, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        unix_close(&core, handles[i]);
}

static void test_stream_pair(void)
{
    fresh();
    uint64_t a, b;
    make_pair(UNIX_STREAM, &a, &b);
    CHECK_EQ_U64(unix_take_peer(&core, a, &b), -LINUX_EINVAL);
    CHECK_EQ_U64(send_bytes(a, 0, "hello", 5, 0), 5);
    CHECK_EQ_U64(send_bytes(a, 0, " world", 6, 0), 6);
    CHECK_EQ_U64(unix_bytes_readable(&core, b), 11);
    CHECK_EQ_U64(receive(b, 1, 3, UNIX_MSG_PEEK, 0), 3);
    CHECK_EQ_U64(receive(b, 1, 100, 0, 0), 11);
    CHECK(memcmp(callers[1].window[0], "hello world", 11) == 0);
    /* Empty and nonblocking: EAGAIN; blocking: the reader waits. */
    CHECK_EQ_U64(receive(b, 1, 10, UNIX_MSG_DONTWAIT, 0), -LINUX_EAGAIN);
    CHECK_EQ_U64(receive(b, 2, 10, 0, 0), UNIX_QUEUED);
    CHECK_EQ_U64(send_bytes(a, 0, "xyz", 3, 0), 3);
    CHECK(callers[2].answered);
    CHECK_EQ_U64(callers[2].answer.result, 3);
    /* Credentials of a pair: the creator's. */
    struct unix_credentials peer;
    CHECK_EQ_U64(unix_get_option(&core, b, UNIX_SO_PEERCRED, &peer), 0);
    CHECK_EQ_U64(peer.pid, 100);
    CHECK_EQ_U64(unix_get_option(&core, b, UNIX_SO_TYPE, &peer), UNIX_STREAM);
    /* Shut writing: the peer reads EOF, the writer gets EPIPE and SIGPIPE. */
    CHECK_EQ_U64(unix_shutdown(&core, a, 1), 0);
    CHECK_EQ_U64(receive(b, 1, 10, 0, 0), 0);
    CHECK(unix_events(unix_socket_of(&core, b)) & POLLRDHUP);
    struct unix_call call = {.kind = UNIX_CALL_SEND, .handle = a, .caller = 0, .length = 1,
                             .may_wait = true};
    CHECK_EQ_U64(unix_call(&core, &call), -LINUX_EPIPE);
    CHECK(call.sigpipe);
    unix_close(&core, a);
    unix_close(&core, b);
    check_empty();
}

static void test_stream_reset_and_hangup(void)
{
    fresh();
    uint64_t a, b;
    make_pair(UNIX_STREAM, &a, &b);
    CHECK_EQ_U64(send_bytes(a, 0, "unread", 6, 0), 6);
    /* b closes with data unread: a's read says ECONNRESET once, then EOF. */
    CHECK_EQ_U64(receive(a, 1, 10, 0, 0), UNIX_QUEUED);
    unix_close(&core, b);
    CHECK(callers[1].answered);
    CHECK_EQ_U64(callers[1].answer.result, -LINUX_ECONNRESET);
    CHECK_EQ_U64(receive(a, 1, 10, 0, 0), 0);
    uint32_t events = unix_events(unix_socket_of(&core, a));
    CHECK(events & POLLHUP);
    CHECK(events & POLLIN);
    struct unix_call call = {.kind = UNIX_CALL_SEND, .handle = a, .caller = 0, .length = 1,
                             .may_wait = true};
    CHECK_EQ_U64(unix_call(&core, &call), -LINUX_EPIPE);
    unix_close(&core, a);
    check_empty();
}

static void test_stream_blocking_writer(void)
{
    fresh();
    uint64_t a, b;
    make_pair(UNIX_STREAM, &a, &b);
    static char big[WINDOW];
    memset(big, 'x', sizeof big);
    /* Nonblocking: what fits. */
    int64_t first = send_bytes(a, 0, big, sizeof big, UNIX_MSG_DONTWAIT);
    CHECK(first > 0 && first < (int64_t)sizeof big);
    CHECK(!(unix_events(unix_socket_of(&core, a)) & POLLOUT));
    CHECK_EQ_U64(send_bytes(a, 0, big, 10, UNIX_MSG_DONTWAIT), -LINUX_EAGAIN);
    /* Blocking: waits, and finishes as the reader drains. */
    CHECK_EQ_U64(send_bytes(a, 3, big, 100000, 0), UNIX_QUEUED);
    uint64_t total = 0;
    while (!callers[3].answered) {
        int64_t got = receive(b, 1, 65536, UNIX_MSG_DONTWAIT, 0);
        CHECK(got > 0);
        if (got <= 0)
            break;
        total += (uint64_t)got;
    }
    CHECK_EQ_U64(callers[3].answer.result, 100000);
    while (total < (uint64_t)first + 100000) {
        int64_t got = receive(b, 1, 65536, UNIX_MSG_DONTWAIT, 0);
        if (got <= 0)
            break;
        total += (uint64_t)got;
    }
    CHECK_EQ_U64(total, (uint64_t)first + 100000);
    CHECK(unix_events(unix_socket_of(&core, a)) & POLLOUT);
    /* A waiter whose caller went is pruned and changes nothing. */
    CHECK_EQ_U64(receive(b, 4, 10, 0, 0), UNIX_QUEUED);
    callers[4].gone = true;
    CHECK_EQ_U64(unix_prune(&core), 1);
    unix_close(&core, a);
    unix_close(&core, b);
    check_empty();
}

static void test_small_calls(void)
{
    fresh();
    uint64_t a, b;
    make_pair(UNIX_STREAM, &a, &b);
    uint8_t bytes[512];
    /* At once: the bytes come and go in the request's registers. */
    CHECK_EQ_U64(send_small(a, 0, "ab", 2, false), 2);
    CHECK_EQ_U64(send_bytes(a, 0, "cd", 2, 0), 2);
    CHECK_EQ_U64(receive_small(b, 1, 10, bytes), 4);
    CHECK(memcmp(bytes, "abcd", 4) == 0);
    /* A small read that waits: its answer carries the bytes. */
    CHECK_EQ_U64(receive_small(b, 2, 10, bytes), UNIX_QUEUED);
    CHECK_EQ_U64(send_small(a, 0, "xyz", 3, false), 3);
    CHECK(callers[2].answered);
    CHECK_EQ_U64(callers[2].answer.result, 3);
    CHECK(callers[2].answer.bytes != 0);
    CHECK(memcmp(callers[2].small, "xyz", 3) == 0);
    CHECK_EQ_U64(unix_bytes_readable(&core, b), 0);
    /* Its caller went before the bytes came: they stay for the next read. */
    CHECK_EQ_U64(receive_small(b, 3, 10, bytes), UNIX_QUEUED);
    callers[3].gone = true;
    CHECK_EQ_U64(send_small(a, 0, "kept", 4, false), 4);
    CHECK(!callers[3].answered);
    CHECK_EQ_U64(unix_waiter_count(&core), 0);
    CHECK_EQ_U64(receive(b, 1, 10, 0, 0), 4);
    CHECK(memcmp(callers[1].window[0], "kept", 4) == 0);
    /* A small write that waits for room keeps its bytes in its record. */
    static char big[WINDOW];
    memset(big, 'x', sizeof big);
    CHECK(send_bytes(a, 0, big, sizeof big, UNIX_MSG_DONTWAIT) > 0);
    CHECK_EQ_U64(send_small(a, 4, "tail", 4, true), -LINUX_EAGAIN);
    CHECK_EQ_U64(send_small(a, 4, "tail", 4, false), UNIX_QUEUED);
    /* And one whose caller goes writes nothing. */
    CHECK_EQ_U64(send_small(a, 5, "lost", 4, false), UNIX_QUEUED);
    callers[5].gone = true;
    uint64_t total = 0;
    char last[4] = {0};
    for (;;) {
        int64_t got = receive(b, 1, 65536, UNIX_MSG_DONTWAIT, 0);
        if (got <= 0)
            break;
        if (got >= 4)
            memcpy(last, callers[1].window[0] + got - 4, 4);
        total += (uint64_t)got;
    }
    CHECK(callers[4].answered);
    CHECK_EQ_U64(callers[4].answer.result, 4);
    CHECK_EQ_U64(callers[4].answer.registers, 2);
    CHECK(!callers[5].answered);
    CHECK(memcmp(last, "tail", 4) == 0);
    CHECK_EQ_U64(unix_waiter_count(&core), 0);
    unix_close(&core, a);
    unix_close(&core, b);
    /* Datagrams: a small read that waits, and a small write's datagram. */
    make_pair(UNIX_DGRAM, &a, &b);
    CHECK_EQ_U64(receive_small(b, 6, 100, bytes), UNIX_QUEUED);
    CHECK_EQ_U64(send_small(a, 0, "one", 3, false), 3);
    CHECK(callers[6].answered);
    CHECK_EQ_U64(callers[6].answer.result, 3);
    CHECK(memcmp(callers[6].small, "one", 3) == 0);
    CHECK_EQ_U64(send_small(a, 0, "two!", 4, false), 4);
    CHECK_EQ_U64(receive_small(b, 1, 2, bytes), 2);
    CHECK(memcmp(bytes, "tw", 2) == 0);
    /* An empty datagram whose small reader went stays queued. */
    CHECK_EQ_U64(receive_small(b, 7, 100, bytes), UNIX_QUEUED);
    callers[7].gone = true;
    CHECK_EQ_U64(send_small(a, 0, "", 0, false), 0);
    CHECK_EQ_U64(unix_socket_of(&core, b)->queue_length, 1);
    unix_close(&core, a);
    unix_close(&core, b);
    check_empty();
}

static void test_waitall(void)
{
    fresh();
    uint64_t a, b;
    make_pair(UNIX_STREAM, &a, &b);
    CHECK_EQ_U64(receive(b, 1, 6, UNIX_MSG_WAITALL, 0), UNIX_QUEUED);
    CHECK_EQ_U64(send_bytes(a, 0, "abc", 3, 0), 3);
    CHECK(!callers[1].answered);
    CHECK_EQ_U64(callers[1].progress, 3);
    CHECK_EQ_U64(send_bytes(a, 0, "defg", 4, 0), 4);
    CHECK(callers[1].answered);
    CHECK_EQ_U64(callers[1].answer.result, 6);
    CHECK(memcmp(callers[1].window[0], "abcdef", 6) == 0);
    CHECK_EQ_U64(receive(b, 1, 6, 0, 0), 1);
    unix_close(&core, a);
    unix_close(&core, b);
    check_empty();
}

static void test_names(void)
{
    fresh();
    uint64_t s = make(UNIX_STREAM), t = make(UNIX_STREAM), d = make(UNIX_DGRAM);
    struct unix_address name = abstract_name("sock");
    struct unix_address out;
    CHECK_EQ_U64(unix_name(&core, s, false, &out), 2);
    CHECK_EQ_U64(unix_bind(&core, s, &name), 0);
    CHECK_EQ_U64(unix_bind(&core, s, &name), -LINUX_EINVAL);
    CHECK_EQ_U64(unix_bind(&core, t, &name), -LINUX_EADDRINUSE);
    /* Abstract names are per type. */
    CHECK_EQ_U64(unix_bind(&core, d, &name), 0);
    CHECK_EQ_U64(unix_name(&core, s, false, &out), name.length);
    CHECK(memcmp(out.bytes, name.bytes, name.length) == 0);
    CHECK_EQ_U64(unix_name(&core, s, true, &out), -LINUX_ENOTCONN);
    /* Autobind: five hex digits, length 8. */
    struct unix_address unnamed = {.length = 2, .bytes = {UNIX_FAMILY, 0}};
    CHECK_EQ_U64(unix_bind(&core, t, &unnamed), 0);
    CHECK_EQ_U64(unix_name(&core, t, false, &out), 8);
    CHECK_EQ_U64(out.bytes[2], 0);
    /* Bad addresses. */
    struct unix_address bad = name;
    bad.bytes[0] = 2;
    uint64_t u = make(UNIX_STREAM);
    CHECK_EQ_U64(unix_bind(&core, u, &bad), -LINUX_EINVAL);
    bad = name;
    bad.length = 111;
    CHECK_EQ_U64(unix_bind(&core, u, &bad), -LINUX_EINVAL);
    /* A path name: the node, and its bytes up to the NUL. */
    uint64_t p = make(UNIX_STREAM);
    struct unix_address path = {.length = 20, .node = 77, .bytes = {UNIX_FAMILY, 0, '/', 't'}};
    CHECK_EQ_U64(unix_bind(&core, p, &path), 0);
    CHECK_EQ_U64(unix_name(&core, p, false, &out), 5);
    CHECK_EQ_U64(unix_bind(&core, u, &path), -LINUX_EADDRINUSE);
    /* Connecting to a path of another type: EPROTOTYPE. */
    uint64_t q = make(UNIX_SEQPACKET);
    CHECK_EQ_U64(connect_to(q, 0, &path, &alice, false), -LINUX_EPROTOTYPE);
    /* The name goes with the socket. */
    unix_close(&core, s);
    CHECK_EQ_U64(unix_bind(&core, u, &name), 0);
    uint64_t created = 0;
    CHECK_EQ_U64(unix_create(&core, 4, 0, &alice, &created), -LINUX_ESOCKTNOSUPPORT);
    CHECK_EQ_U64(unix_create(&core, UNIX_STREAM, 1, &alice, &created), -LINUX_EINVAL);
    uint64_t all[] = {t, d, u, p, q};
    close_all(all, 5);
    check_empty();
}

static void test_listen_connect_accept(void)
{
    fresh();
    uint64_t listener = make(UNIX_STREAM);
    struct unix_address name = abstract_name("srv");
    CHECK_EQ_U64(unix_listen(&core, listener, 1, &bob), -LINUX_EINVAL);   /* unbound */
    CHECK_EQ_U64(unix_bind(&core, listener, &name), 0);
    CHECK_EQ_U64(unix_listen(&core, listener, 1, &bob), 0);
    CHECK_EQ_U64(unix_get_option(&core, listener, UNIX_SO_ACCEPTCONN, 0), 1);
    uint64_t c1 = make(UNIX_STREAM), c2 = make(UNIX_STREAM), c3 = make(UNIX_STREAM);
    struct unix_address nobody = abstract_name("nobody");
    CHECK_EQ_U64(connect_to(c1, 0, &nobody, &alice, false), -LINUX_ECONNREFUSED);
    CHECK(!(unix_events(unix_socket_of(&core, listener)) & POLLIN));
    CHECK_EQ_U64(connect_to(c1, 0, &name, &alice, false), 0);
    CHECK(unix_events(unix_socket_of(&core, listener)) & POLLIN);
    CHECK_EQ_U64(connect_to(c1, 0, &name, &alice, false), -LINUX_EISCONN);
    /* backlog 1: two pending fit (Linux's queue > backlog), the third waits. */
    CHECK_EQ_U64(connect_to(c2, 0, &name, &alice, false), 0);
    CHECK_EQ_U64(connect_to(c3, 0, &name, &alice, true), -LINUX_EAGAIN);
    CHECK_EQ_U64(connect_to(c3, 5, &name, &alice, false), UNIX_QUEUED);
    /* The connector may write before the accept. */
    CHECK_EQ_U64(send_bytes(c1, 0, "early", 5, 0), 5);
    uint64_t s1 = 0, s2 = 0, s3 = 0;
    CHECK_EQ_U64(accept_on(listener, 1, false, &s1), 0);
    CHECK(callers[5].answered);
    CHECK_EQ_U64(callers[5].answer.result, 0);
    CHECK_EQ_U64(receive(s1, 1, 10, 0, 0), 5);
    struct unix_credentials who;
    CHECK_EQ_U64(unix_get_option(&core, s1, UNIX_SO_PEERCRED, &who), 0);
    CHECK_EQ_U64(who.pid, alice.pid);
    CHECK_EQ_U64(unix_get_option(&core, c1, UNIX_SO_PEERCRED, &who), 0);
    CHECK_EQ_U64(who.pid, bob.pid);
    struct unix_address out;
    CHECK_EQ_U64(unix_name(&core, s1, false, &out), name.length);
    CHECK_EQ_U64(unix_name(&core, c1, true, &out), name.length);
    CHECK_EQ_U64(accept_on(listener, 1, false, &s2), 0);
    CHECK_EQ_U64(accept_on(listener, 1, false, &s3), 0);
    /* A blocking accept waits for the next connection. */
    uint64_t none = 0;
    CHECK_EQ_U64(accept_on(listener, 1, true, &none), -LINUX_EAGAIN);
    CHECK_EQ_U64(accept_on(listener, 6, false, &none), UNIX_QUEUED);
    uint64_t c4 = make(UNIX_STREAM);
    CHECK_EQ_U64(connect_to(c4, 0, &name, &alice, false), 0);
    CHECK(callers[6].answered);
    CHECK(callers[6].answer.descriptor != 0);
    uint64_t s4 = callers[6].answer.descriptor;
    /* Type mismatch on an abstract name: nobody of that type. */
    uint64_t q = make(UNIX_SEQPACKET);
    CHECK_EQ_U64(connect_to(q, 0, &name, &alice, false), -LINUX_ECONNREFUSED);
    /* A closed listener resets what it had not accepted. */
    uint64_t c5 = make(UNIX_STREAM);
    CHECK_EQ_U64(connect_to(c5, 0, &name, &alice, false), 0);
    unix_close(&core, listener);
    CHECK_EQ_U64(receive(c5, 1, 10, 0, 0), -LINUX_ECONNRESET);
    uint64_t all[] = {c1, c2, c3, c4, c5, s1, s2, s3, s4, q};
    close_all(all, 10);
    check_empty();
}

static void test_datagrams(void)
{
    fresh();
    uint64_t server = make(UNIX_DGRAM), client = make(UNIX_DGRAM);
    struct unix_address name = abstract_name("log");
    CHECK_EQ_U64(unix_bind(&core, server, &name), 0);
    CHECK_EQ_U64(send_bytes(client, 0, "x", 1, 0), -LINUX_ENOTCONN);
    CHECK_EQ_U64(send_to(client, 0, "first", 5, &name, 0), 5);
    CHECK_EQ_U64(send_to(client, 0, "", 0, &name, 0), 0);
    struct unix_call got;
    CHECK_EQ_U64(receive(server, 1, 3, 0, &got), 3);
    CHECK_EQ_U64(got.message_flags, UNIX_MSG_TRUNC);
    CHECK_EQ_U64(got.address_length, 0);        /* an unnamed sender */
    CHECK_EQ_U64(receive(server, 1, 3, 0, &got), 0);
    CHECK_EQ_U64(receive(server, 1, 3, UNIX_MSG_DONTWAIT, 0), -LINUX_EAGAIN);
    /* The queue holds max_dgram_qlen + 1, then senders wait or EAGAIN. */
    int sent = 0;
    while (send_to(client, 0, "d", 1, &name, UNIX_MSG_DONTWAIT) == 1 && sent < 100)
        sent++;
    CHECK_EQ_U64(sent, UNIX_DGRAM_QUEUE + 1);
    CHECK_EQ_U64(send_to(client, 2, "w", 1, &name, 0), UNIX_QUEUED);
    CHECK_EQ_U64(receive(server, 1, 3, 0, 0), 1);
    CHECK(callers[2].answered);
    CHECK_EQ_U64(callers[2].answer.result, 1);
    /* Too big: EMSGSIZE. */
    static char big[WINDOW];
    CHECK_EQ_U64(send_to(client, 0, big, UNIX_BUFFER_DEFAULT, &name, 0), -LINUX_EMSGSIZE);
    /* A connected datagram socket: its peer's datagrams only; recvfrom's name. */
    uint64_t other = make(UNIX_DGRAM);
    struct unix_address unnamed = {.length = 2, .bytes = {UNIX_FAMILY, 0}};
    CHECK_EQ_U64(unix_bind(&core, other, &unnamed), 0);
    struct unix_address nope = abstract_name("nope");
    struct unix_call call = {.kind = UNIX_CALL_CONNECT, .handle = server, .address = &nope};
    CHECK_EQ_U64(unix_call(&core, &call), -LINUX_ECONNREFUSED);
    while (receive(server, 1, 3, UNIX_MSG_DONTWAIT, 0) >= 0)
        ;
    struct unix_address out;
    unix_name(&core, other, false, &out);
    call = (struct unix_call){.kind = UNIX_CALL_CONNECT, .handle = server, .address = &out};
    CHECK_EQ_U64(unix_call(&core, &call), 0);
    CHECK_EQ_U64(send_to(client, 0, "no", 2, &name, 0), -LINUX_EPERM);
    CHECK_EQ_U64(send_to(other, 0, "yes", 3, &name, 0), 3);
    CHECK_EQ_U64(receive(server, 1, 10, 0, &got), 3);
    CHECK_EQ_U64(got.address_length, 8);
    CHECK(memcmp(callers[1].window[1], out.bytes, 8) == 0);
    /* Its peer goes: the next send says ECONNREFUSED, then ENOTCONN. */
    unix_close(&core, other);
    CHECK_EQ_U64(send_bytes(server, 0, "?", 1, 0), -LINUX_ECONNREFUSED);
    CHECK_EQ_U64(send_bytes(server, 0, "?", 1, 0), -LINUX_ENOTCONN);
    unix_close(&core, server);
    unix_close(&core, client);
    check_empty();
}

static void test_seqpacket(void)
{
    fresh();
    uint64_t a, b;
    make_pair(UNIX_SEQPACKET, &a, &b);
    CHECK_EQ_U64(send_bytes(a, 0, "one", 3, 0), 3);
    CHECK_EQ_U64(send_bytes(a, 0, "second", 6, 0), 6);
    struct unix_call got;
    CHECK_EQ_U64(receive(b, 1, 2, 0, &got), 2);
    CHECK_EQ_U64(got.message_flags, UNIX_MSG_TRUNC);
    CHECK_EQ_U64(receive(b, 1, 2, UNIX_MSG_TRUNC, &got), 6);
    uint64_t lone = make(UNIX_SEQPACKET);
    CHECK_EQ_U64(receive(lone, 1, 2, 0, 0), -LINUX_ENOTCONN);
    CHECK_EQ_U64(send_bytes(lone, 0, "x", 1, 0), -LINUX_ENOTCONN);
    unix_close(&core, a);
    CHECK_EQ_U64(receive(b, 1, 2, UNIX_MSG_DONTWAIT, 0), 0);
    CHECK_EQ_U64(send_bytes(b, 0, "x", 1, 0), -LINUX_EPIPE);
    unix_close(&core, b);
    unix_close(&core, lone);
    check_empty();
}

static void test_options(void)
{
    fresh();
    uint64_t s = make(UNIX_STREAM);
    struct unix_credentials who;
    CHECK_EQ_U64(unix_get_option(&core, s, UNIX_SO_PEERCRED, &who), 0);
    CHECK_EQ_U64(who.pid, 0);
    CHECK_EQ_U64(who.uid, 0xffffffffu);
    CHECK_EQ_U64(unix_get_option(&core, s, UNIX_SO_SNDBUF, 0), UNIX_BUFFER_DEFAULT);
    CHECK_EQ_U64(unix_set_option(&core, s, UNIX_SO_SNDBUF, 1000), 0);
    CHECK_EQ_U64(unix_get_option(&core, s, UNIX_SO_SNDBUF, 0), UNIX_SNDBUF_MINIMUM);
    CHECK_EQ_U64(unix_set_option(&core, s, UNIX_SO_SNDBUF, 10000), 0);
    CHECK_EQ_U64(unix_get_option(&core, s, UNIX_SO_SNDBUF, 0), 20000);
    CHECK_EQ_U64(unix_set_option(&core, s, UNIX_SO_RCVBUF, -1), 0);
    CHECK_EQ_U64(unix_get_option(&core, s, UNIX_SO_RCVBUF, 0), 2 * UNIX_BUFFER_DEFAULT);
    CHECK_EQ_U64(unix_get_option(&core, s, UNIX_SO_DOMAIN, 0), 1);
    CHECK_EQ_U64(unix_get_option(&core, s, UNIX_SO_PROTOCOL, 0), 0);
    CHECK_EQ_U64(unix_get_option(&core, s, UNIX_SO_ERROR, 0), 0);
    CHECK_EQ_U64(unix_get_option(&core, s, 12345, 0), -LINUX_ENOPROTOOPT);
    CHECK_EQ_U64(unix_set_option(&core, s, UNIX_SO_TYPE, 1), -LINUX_ENOPROTOOPT);
    CHECK_EQ_U64(unix_shutdown(&core, s, 3), -LINUX_EINVAL);
    /* An unconnected stream socket polls as hung up and writable. */
    uint32_t events = unix_events(unix_socket_of(&core, s));
    CHECK(events & POLLHUP);
    CHECK(events & POLLOUT);
    /* A poller is told once the socket changes. */
    uint64_t a, b;
    make_pair(UNIX_STREAM, &a, &b);
    bool kept = false;
    CHECK_EQ_U64(unix_poll(&core, b, POLLIN, 99, &kept), 0);
    CHECK(kept);
    CHECK_EQ_U64(send_bytes(a, 0, "!", 1, 0), 1);
    CHECK_EQ_U64(notified, 1);
    CHECK_EQ_U64(unix_bytes_readable(&core, b), 1);
    unix_close(&core, a);
    unix_close(&core, b);
    unix_close(&core, s);
    check_empty();
    CHECK_EQ_U64(unix_bytes_readable(&core, s), -LINUX_EBADF);
}

/* ---- SCM_RIGHTS ---- */

static struct unix_right slot_right(uint64_t slot)
{
    return (struct unix_right){slot, false};
}

/* A send with descriptors: staged under key, then these. */
static int64_t send_rights(uint64_t handle, unsigned caller, const char *bytes, uint64_t length,
                           uint64_t key, const struct unix_right *rights, unsigned count,
                           bool nonblocking)
{
    memcpy(callers[caller].window[0], bytes, length);
    struct unix_call call = {.kind = UNIX_CALL_SEND, .handle = handle, .caller = caller,
                             .length = length, .may_wait = true, .message_answer = true,
                             .nonblocking = nonblocking};
    int64_t error = unix_gather_rights(&core, handle, key, rights, count, &call.rights);
    if (error < 0)
        return error;
    return unix_call(&core, &call);
}

static int64_t receive_key(uint64_t handle, unsigned caller, uint64_t length, uint32_t flags,
                           uint64_t key, struct unix_call *out)
{
    struct unix_call call = {.kind = UNIX_CALL_RECEIVE, .handle = handle, .caller = caller,
                             .length = length, .flags = flags, .may_wait = true,
                             .message_answer = true, .key = key};
    int64_t result = unix_call(&core, &call);
    *out = call;
    return result;
}

static uint64_t take(uint64_t handle, uint64_t key)
{
    struct unix_right right = {0};
    int64_t result = unix_take_right(&core, handle, key, &right);
    return result < 0 ? (uint64_t)result : right.value;
}

static void test_rights_datagram(void)
{
    fresh();
    uint64_t a, b;
    make_pair(UNIX_DGRAM, &a, &b);
    struct unix_right two[] = {slot_right(101), slot_right(102)}, one[] = {slot_right(103)};
    CHECK_EQ_U64(send_rights(a, 0, "one", 3, 0, two, 2, false), 3);
    CHECK_EQ_U64(send_rights(a, 0, "two", 3, 0, one, 1, false), 3);
    CHECK_EQ_U64(send_bytes(a, 0, "three", 5, 0), 5);
    struct unix_call call;
    CHECK_EQ_U64(receive_key(b, 1, 10, 0, 7, &call), 3);
    CHECK_EQ_U64(call.rights_received, 2);
    CHECK_EQ_U64(call.message_flags, 0);
    CHECK_EQ_U64(take(b, 7), 101);
    CHECK_EQ_U64(take(b, 7), 102);
    CHECK_EQ_U64(take(b, 7), -LINUX_ENOENT);
    CHECK_EQ_U64(take(b, 99), -LINUX_ENOENT);
    CHECK_EQ_U64(take(a + 12345, 7), -LINUX_EBADF);
    /* A peek gets duplicates, each time; the message keeps its own. */
    CHECK_EQ_U64(receive_key(b, 1, 10, UNIX_MSG_PEEK, 7, &call), 3);
    CHECK_EQ_U64(call.rights_received, 1);
    CHECK_EQ_U64(take(b, 7), 103 + DUPLICATE);
    CHECK_EQ_U64(receive_key(b, 1, 10, UNIX_MSG_PEEK, 7, &call), 3);
    CHECK_EQ_U64(call.rights_received, 1);
    CHECK_EQ_U64(duplicated, 2);
    /* Without a key: MSG_CTRUNC, no duplicate made. */
    CHECK_EQ_U64(receive_key(b, 1, 10, UNIX_MSG_PEEK, 0, &call), 3);
    CHECK_EQ_U64(call.message_flags, UNIX_MSG_CTRUNC);
    CHECK_EQ_U64(call.rights_received, 0);
    CHECK_EQ_U64(duplicated, 2);
    CHECK_EQ_U64(released, 0);
    /* The receive replaces the peek's duplicate not taken: released. */
    CHECK_EQ_U64(receive_key(b, 1, 10, 0, 7, &call), 3);
    CHECK_EQ_U64(released, 1);
    CHECK_EQ_U64(released_last, 103 + DUPLICATE);
    released = 0;
    CHECK_EQ_U64(call.rights_received, 1);
    CHECK_EQ_U64(take(b, 7), 103);
    CHECK_EQ_U64(receive_key(b, 1, 10, 0, 7, &call), 5);
    CHECK_EQ_U64(call.rights_received, 0);
    CHECK_EQ_U64(released, 0);
    /* Without a key: released, MSG_CTRUNC. One of our sockets passed (the
     * sender's FILE_RETAIN first) goes back to its description. */
    uint64_t s = make(UNIX_STREAM);
    CHECK_EQ_U64(file_table_retain(&files, s), 0);
    struct unix_right mixed[] = {{s, true}, slot_right(104)};
    CHECK_EQ_U64(send_rights(a, 0, "x", 1, 0, mixed, 2, false), 1);
    CHECK_EQ_U64(receive_key(b, 1, 10, 0, 0, &call), 1);
    CHECK_EQ_U64(call.message_flags, UNIX_MSG_CTRUNC);
    CHECK_EQ_U64(call.rights_received, 0);
    CHECK_EQ_U64(released, 1);
    /* Held and not all taken: UNIX_DROP_RIGHTS releases the rest. */
    CHECK_EQ_U64(file_table_retain(&files, s), 0);
    CHECK_EQ_U64(send_rights(a, 0, "y", 1, 0, mixed, 2, false), 1);
    CHECK_EQ_U64(receive_key(b, 1, 10, 0, 3, &call), 1);
    CHECK_EQ_U64(call.rights_received, 2);
    CHECK_EQ_U64(take(b, 3), s);       /* now the receiver's reference */
    CHECK_EQ_U64(unix_drop_rights(&core, b, 3), 0);
    CHECK_EQ_U64(released, 2);
    CHECK_EQ_U64(take(b, 3), -LINUX_ENOENT);
    unix_close(&core, s);              /* the reference taken */
    unix_close(&core, s);              /* the creator's */
    close_all((uint64_t[]){a, b}, 2);
    check_empty();
}

static void test_rights_stream(void)
{
    fresh();
    uint64_t a, b;
    make_pair(UNIX_STREAM, &a, &b);
    struct unix_right one[] = {slot_right(201)}, other[] = {slot_right(202)};
    CHECK_EQ_U64(send_bytes(a, 0, "abc", 3, 0), 3);
    CHECK_EQ_U64(send_rights(a, 0, "def", 3, 0, one, 1, false), 3);
    CHECK_EQ_U64(send_bytes(a, 0, "ghi", 3, 0), 3);
    CHECK_EQ_U64(send_rights(a, 0, "jkl", 3, 0, other, 1, false), 3);
    /* The read stops after the message with descriptors, and takes them. */
    struct unix_call call;
    CHECK_EQ_U64(receive_key(b, 1, 100, 0, 5, &call), 6);
    CHECK(memcmp(callers[1].window[0], "abcdef", 6) == 0);
    CHECK_EQ_U64(call.rights_received, 1);
    CHECK_EQ_U64(take(b, 5), 201);
    /* A peek stops there too, with duplicates of its descriptors. */
    CHECK_EQ_U64(receive_key(b, 1, 100, UNIX_MSG_PEEK, 6, &call), 6);
    CHECK_EQ_U64(call.rights_received, 1);
    CHECK_EQ_U64(take(b, 6), 202 + DUPLICATE);
    CHECK_EQ_U64(take(b, 6), -LINUX_ENOENT);
    /* Even MSG_WAITALL stops after it. */
    CHECK_EQ_U64(receive_key(b, 1, 100, UNIX_MSG_WAITALL, 5, &call), 6);
    CHECK_EQ_U64(call.rights_received, 1);
    /* A second receive under the key replaces what was held: released. */
    struct unix_right third[] = {slot_right(203)};
    CHECK_EQ_U64(send_rights(a, 0, "mno", 3, 0, third, 1, false), 3);
    CHECK_EQ_U64(receive_key(b, 1, 1, 0, 5, &call), 1);
    CHECK_EQ_U64(call.rights_received, 1);
    CHECK_EQ_U64(released, 1);
    CHECK_EQ_U64(released_last, 202);
    /* The rest of that message carries none. */
    CHECK_EQ_U64(receive_key(b, 1, 100, 0, 6, &call), 2);
    CHECK_EQ_U64(call.rights_received, 0);
    CHECK_EQ_U64(take(b, 5), 203);
    /* A send of no bytes carries none (Linux attaches to an skb). */
    CHECK_EQ_U64(send_rights(a, 0, "", 0, 0, third, 1, false), 0);
    CHECK_EQ_U64(released, 2);
    close_all((uint64_t[]){a, b}, 2);
    check_empty();
}

/* A peek's duplicates: one more reference to each of our sockets, a
 * duplicate of another server's descriptor; when one cannot be made the
 * peek gets none and what was duplicated goes back. */
static void test_rights_peek(void)
{
    fresh();
    uint64_t a, b;
    make_pair(UNIX_DGRAM, &a, &b);
    uint64_t s = make(UNIX_STREAM);
    CHECK_EQ_U64(file_table_retain(&files, s), 0);     /* the sender's FILE_RETAIN */
    struct unix_right mixed[] = {{s, true}, slot_right(300)};
    CHECK_EQ_U64(send_rights(a, 0, "x", 1, 0, mixed, 2, false), 1);
    struct unix_call call;
    CHECK_EQ_U64(receive_key(b, 1, 10, UNIX_MSG_PEEK, 4, &call), 1);
    CHECK_EQ_U64(call.rights_received, 2);
    CHECK_EQ_U64(file_table_find(&files, s)->references, 3);
    CHECK_EQ_U64(take(b, 4), s);
    CHECK_EQ_U64(take(b, 4), 300 + DUPLICATE);
    unix_close(&core, s);              /* the peeked reference */
    duplicates_fail = true;
    CHECK_EQ_U64(receive_key(b, 1, 10, UNIX_MSG_PEEK, 4, &call), 1);
    CHECK_EQ_U64(call.rights_received, 0);
    CHECK_EQ_U64(file_table_find(&files, s)->references, 2);
    duplicates_fail = false;
    CHECK_EQ_U64(released, 0);
    CHECK_EQ_U64(receive_key(b, 1, 10, 0, 4, &call), 1);
    CHECK_EQ_U64(call.rights_received, 2);
    CHECK_EQ_U64(take(b, 4), s);
    CHECK_EQ_U64(unix_drop_rights(&core, b, 4), 0);
    CHECK_EQ_U64(released, 1);
    CHECK_EQ_U64(released_last, 300);
    unix_close(&core, s);              /* the reference taken */
    unix_close(&core, s);              /* the creator's */
    close_all((uint64_t[]){a, b}, 2);
    check_empty();
}

/* A send by a session (identified) of count rights, by user uid with
 * RLIMIT_NOFILE limit (0: root's, not limited). */
static int64_t send_rights_as(uint64_t handle, uint32_t uid, uint64_t limit,
                              const struct unix_right *rights, unsigned count)
{
    callers[0].window[0][0] = 'r';
    struct unix_call call = {.kind = UNIX_CALL_SEND, .handle = handle, .caller = 0,
                             .length = 1, .may_wait = true, .message_answer = true,
                             .identified = true, .sender = {1, uid, uid}, .user = uid,
                             .limited = limit != 0, .rights_limit = limit};
    int64_t error = unix_gather_rights(&core, handle, 0, rights, count, &call.rights);
    if (error < 0)
        return error;
    return unix_call(&core, &call);
}

/* Descriptors in flight are counted per user (Linux's unix_inflight):
 * a limited send fails with -ETOOMANYREFS once its user has more than
 * the limit in flight; receiving or discarding a message uncounts its
 * descriptors, whoever sent them; a send that says nobody's identity is
 * not counted. */
static void test_rights_limit(void)
{
    fresh();
    uint64_t a, b;
    make_pair(UNIX_DGRAM, &a, &b);
    struct unix_right one[] = {slot_right(1)}, three[] = {slot_right(2), slot_right(3),
                                                          slot_right(4)};
    /* Limit 2: three messages (0, 1 and 2 in flight before each), then no. */
    for (int i = 0; i < 3; i++)
        CHECK_EQ_U64(send_rights_as(a, 1000, 2, one, 1), 1);
    CHECK_EQ_U64(send_rights_as(a, 1000, 2, one, 1), -LINUX_ETOOMANYREFS);
    CHECK_EQ_U64(released, 1);
    CHECK_EQ_U64(unix_user_inflight(&core, 1000), 3);
    /* Another user, and root, are not held back by it. */
    CHECK_EQ_U64(send_rights_as(a, 2000, 2, three, 3), 1);
    CHECK_EQ_U64(unix_user_inflight(&core, 2000), 3);
    CHECK_EQ_U64(send_rights_as(a, 2000, 2, one, 1), -LINUX_ETOOMANYREFS);
    CHECK_EQ_U64(send_rights_as(a, 0, 0, three, 3), 1);
    CHECK_EQ_U64(unix_user_inflight(&core, 0), 3);
    /* Not counted: a send that does not say who sends. */
    CHECK_EQ_U64(send_rights(a, 0, "x", 1, 0, one, 1, false), 1);
    CHECK_EQ_U64(unix_user_inflight(&core, 1000), 3);
    /* Data alone goes. */
    CHECK_EQ_U64(send_bytes(a, 0, "d", 1, 0), 1);
    /* One received (its descriptor released): one more goes. */
    struct unix_call call;
    CHECK_EQ_U64(receive_key(b, 1, 10, 0, 0, &call), 1);
    CHECK_EQ_U64(unix_user_inflight(&core, 1000), 2);
    CHECK_EQ_U64(send_rights_as(a, 1000, 2, one, 1), 1);
    CHECK_EQ_U64(send_rights_as(a, 1000, 2, one, 1), -LINUX_ETOOMANYREFS);
    /* A stream send is limited too, before its copy (Linux's
     * unix_scm_to_skb comes before skb_copy_datagram_from_iter). */
    uint64_t c, d;
    make_pair(UNIX_STREAM, &c, &d);
    callers[0].window_size[0] = 0;
    CHECK_EQ_U64(send_rights_as(c, 1000, 2, one, 1), -LINUX_ETOOMANYREFS);
    CHECK_EQ_U64(send_rights_as(c, 3000, 2, one, 1), -LINUX_EFAULT);
    callers[0].window_size[0] = WINDOW;
    CHECK_EQ_U64(send_rights_as(c, 3000, 2, one, 1), 1);
    CHECK_EQ_U64(unix_user_inflight(&core, 3000), 1);
    /* Discarded unread at close: nothing in flight, no count left. */
    close_all((uint64_t[]){a, b, c, d}, 4);
    CHECK_EQ_U64(unix_user_inflight(&core, 1000), 0);
    CHECK_EQ_U64(unix_user_inflight(&core, 2000), 0);
    CHECK_EQ_U64(unix_user_inflight(&core, 0), 0);
    CHECK_EQ_U64(unix_user_inflight(&core, 3000), 0);
    check_empty();
}

static void test_rights_staging(void)
{
    fresh();
    uint64_t a, b;
    make_pair(UNIX_SEQPACKET, &a, &b);
    struct unix_right three[] = {slot_right(1), slot_right(2), slot_right(3)};
    CHECK_EQ_U64(unix_stage_rights(&core, a, 0, three, 1), -LINUX_EINVAL);
    CHECK_EQ_U64(released, 1);
    released = 0;
    for (int i = 0; i < 84; i++)
        CHECK_EQ_U64(unix_stage_rights(&core, a, 9, three, 3), 0);
    CHECK_EQ_U64(unix_stage_rights(&core, a, 9, three, 1), 0);     /* 253 */
    CHECK_EQ_U64(unix_stage_rights(&core, a, 9, three, 1), -LINUX_EINVAL);
    CHECK_EQ_U64(released, 254);
    /* 250 staged and 3 carried: 253 in one message, staged first. */
    released = 0;
    struct unix_right first[] = {slot_right(1000)};
    CHECK_EQ_U64(unix_stage_rights(&core, a, 9, first, 1), 0);
    for (int i = 0; i < 83; i++)
        CHECK_EQ_U64(unix_stage_rights(&core, a, 9, three, 3), 0);
    struct unix_right last[] = {slot_right(2000), slot_right(2001), slot_right(2002)};
    CHECK_EQ_U64(send_rights(a, 0, "many", 4, 9, last, 3, false), 4);
    struct unix_call call;
    CHECK_EQ_U64(receive_key(b, 1, 10, 0, 4, &call), 4);
    CHECK_EQ_U64(call.rights_received, 253);
    CHECK_EQ_U64(take(b, 4), 1000);
    CHECK_EQ_U64(unix_drop_rights(&core, b, 4), 0);
    CHECK_EQ_U64(released, 252);
    /* 253 staged and one carried: -EINVAL, all 254 released. */
    released = 0;
    for (int i = 0; i < 84; i++)
        CHECK_EQ_U64(unix_stage_rights(&core, a, 9, three, 3), 0);
    CHECK_EQ_U64(unix_stage_rights(&core, a, 9, three, 1), 0);
    CHECK_EQ_U64(send_rights(a, 0, "x", 1, 9, three, 1, false), -LINUX_EINVAL);
    CHECK_EQ_U64(released, 254);
    /* Staged under another key and never sent: released at close; held
     * and never taken too. */
    released = 0;
    CHECK_EQ_U64(unix_stage_rights(&core, a, 11, three, 3), 0);
    CHECK_EQ_U64(send_rights(a, 0, "y", 1, 0, three, 2, false), 1);
    CHECK_EQ_U64(receive_key(b, 1, 10, 0, 4, &call), 1);
    CHECK_EQ_U64(released, 0);
    close_all((uint64_t[]){a, b}, 2);
    CHECK_EQ_U64(released, 5);
    check_empty();
}

static void test_rights_released(void)
{
    fresh();
    struct unix_right two[] = {slot_right(1), slot_right(2)};
    /* A failed send releases them: no peer. */
    uint64_t d = make(UNIX_DGRAM);
    CHECK_EQ_U64(send_rights(d, 0, "x", 1, 0, two, 2, false), -LINUX_ENOTCONN);
    CHECK_EQ_U64(released, 2);
    /* ... and what was staged for it. */
    CHECK_EQ_U64(unix_stage_rights(&core, d, 5, two, 2), 0);
    CHECK_EQ_U64(send_rights(d, 0, "x", 1, 5, two, 1, false), -LINUX_ENOTCONN);
    CHECK_EQ_U64(released, 5);
    /* A stream whose peer shut reading: EPIPE, released. */
    uint64_t a, b;
    make_pair(UNIX_STREAM, &a, &b);
    CHECK_EQ_U64(unix_shutdown(&core, b, 0), 0);
    CHECK_EQ_U64(send_rights(a, 0, "x", 1, 0, two, 2, false), -LINUX_EPIPE);
    CHECK_EQ_U64(released, 7);
    close_all((uint64_t[]){a, b}, 2);
    /* A message discarded unread at close releases its descriptors, one
     * of our sockets among them (which then goes). */
    released = 0;
    make_pair(UNIX_STREAM, &a, &b);
    uint64_t s = make(UNIX_DGRAM);
    struct unix_right mixed[] = {{s, true}, slot_right(3)};
    CHECK_EQ_U64(send_rights(a, 0, "x", 1, 0, mixed, 2, false), 1);
    unix_close(&core, b);
    CHECK_EQ_U64(released, 1);
    CHECK(!unix_socket_of(&core, s));
    unix_close(&core, a);
    /* A sender that waits and vanishes: released when it is pruned. */
    released = 0;
    uint64_t receiver = make(UNIX_DGRAM);
    struct unix_address name = abstract_name("full");
    CHECK_EQ_U64(unix_bind(&core, receiver, &name), 0);
    uint64_t sender = make(UNIX_DGRAM);
    for (int i = 0; i <= UNIX_DGRAM_QUEUE; i++)
        CHECK_EQ_U64(send_to(sender, 0, "f", 1, &name, 0), 1);
    memcpy(callers[2].window[0], "w", 1);
    struct unix_call call = {.kind = UNIX_CALL_SEND, .handle = sender, .caller = 2,
                             .length = 1, .may_wait = true, .message_answer = true,
                             .address = &name};
    CHECK_EQ_U64(unix_gather_rights(&core, sender, 0, two, 2, &call.rights), 0);
    CHECK_EQ_U64(unix_call(&core, &call), UNIX_QUEUED);
    CHECK_EQ_U64(released, 0);
    callers[2].gone = true;
    CHECK_EQ_U64(unix_prune(&core), 1);
    CHECK_EQ_U64(released, 2);
    /* One that vanishes and then gets room: its datagram never arrives
     * (Linux frees it), and its descriptors are released. */
    memcpy(callers[3].window[0], "v", 1);
    call = (struct unix_call){.kind = UNIX_CALL_SEND, .handle = sender, .caller = 3,
                              .length = 1, .may_wait = true, .message_answer = true,
                              .address = &name};
    CHECK_EQ_U64(unix_gather_rights(&core, sender, 0, two, 2, &call.rights), 0);
    CHECK_EQ_U64(unix_call(&core, &call), UNIX_QUEUED);
    callers[3].gone = true;
    for (int i = 0; i <= UNIX_DGRAM_QUEUE; i++)
        CHECK_EQ_U64(receive(receiver, 4, 10, UNIX_MSG_DONTWAIT, 0), 1);
    CHECK_EQ_U64(receive(receiver, 4, 10, UNIX_MSG_DONTWAIT, 0), -LINUX_EAGAIN);
    CHECK_EQ_U64(unix_waiter_count(&core), 0);
    CHECK_EQ_U64(released, 4);
    /* A bad socket: released. */
    CHECK_EQ_U64(send_rights(sender + 0x100000, 0, "x", 1, 0, two, 2, false), -LINUX_EBADF);
    CHECK_EQ_U64(released, 6);
    close_all((uint64_t[]){receiver, sender, d}, 3);
    check_empty();
}

/* SCM_CREDENTIALS: a send with SO_PASSCRED on either side needs its
 * sender's identity; the receiver reads the credentials; a stream read
 * does not merge messages of different credentials; claims are checked. */
static int64_t send_as(uint64_t handle, unsigned caller, const char *bytes, uint64_t length,
                       const struct unix_credentials *who, const struct unix_credentials *claim)
{
    memcpy(callers[caller].window[0], bytes, length);
    struct unix_call call = {.kind = UNIX_CALL_SEND, .handle = handle, .caller = caller,
                             .length = length, .may_wait = true, .message_answer = true,
                             .identified = true, .sender = claim ? *claim : *who,
                             .claimed = claim != 0};
    return unix_call(&core, &call);
}

static void test_credentials(void)
{
    fresh();
    static const uint32_t types[] = {UNIX_STREAM, UNIX_DGRAM, UNIX_SEQPACKET};
    for (unsigned t = 0; t < 3; t++) {
        uint32_t type = types[t];
        uint64_t a, b;
        make_pair(type, &a, &b);
        struct unix_call out;
        /* Nobody asks: a plain send goes; nothing reported. */
        CHECK_EQ_U64(send_bytes(a, 0, "plain", 5, 0), 5);
        CHECK_EQ_U64(receive(b, 1, 10, 0, &out), 5);
        CHECK(!out.credentials_answer);
        /* The receiver asks: a plain send must say who it is. */
        CHECK_EQ_U64(unix_set_option(&core, b, UNIX_SO_PASSCRED, 1), 0);
        CHECK_EQ_U64(send_bytes(a, 0, "x", 1, 0), UNIX_NEEDS_IDENTITY);
        CHECK_EQ_U64(unix_bytes_readable(&core, b), 0);
        CHECK_EQ_U64(send_as(a, 0, "alice", 5, &alice, 0), 5);
        CHECK_EQ_U64(send_as(a, 0, "bob..", 5, &bob, 0), 5);
        CHECK_EQ_U64(receive(b, 1, 10, 0, &out), 5);
        CHECK(out.credentials_answer);
        CHECK_EQ_U64(out.credentials.pid, alice.pid);
        CHECK_EQ_U64(out.credentials.uid, alice.uid);
        CHECK_EQ_U64(receive(b, 1, 10, 0, &out), 5);
        CHECK_EQ_U64(out.credentials.pid, bob.pid);
        CHECK_EQ_U64(out.credentials.gid, bob.gid);
        /* A claim goes as claimed. */
        struct unix_credentials claim = {7, 8, 9};
        CHECK_EQ_U64(send_as(a, 0, "claim", 5, &alice, &claim), 5);
        CHECK_EQ_U64(receive(b, 1, 10, 0, &out), 5);
        CHECK_EQ_U64(out.credentials.pid, 7);
        CHECK_EQ_U64(out.credentials.uid, 8);
        CHECK_EQ_U64(out.credentials.gid, 9);
        /* Sent when nobody asked: none, which reads as pid 0 and the
         * overflow ids. */
        CHECK_EQ_U64(unix_set_option(&core, b, UNIX_SO_PASSCRED, 0), 0);
        CHECK_EQ_U64(send_bytes(a, 0, "none", 4, 0), 4);
        CHECK_EQ_U64(unix_set_option(&core, b, UNIX_SO_PASSCRED, 1), 0);
        CHECK_EQ_U64(receive(b, 1, 10, 0, &out), 4);
        CHECK_EQ_U64(out.credentials.pid, 0);
        CHECK_EQ_U64(out.credentials.uid, UNIX_OVERFLOW_ID);
        /* The sender's own SO_PASSCRED asks too. */
        CHECK_EQ_U64(unix_set_option(&core, b, UNIX_SO_PASSCRED, 0), 0);
        CHECK_EQ_U64(unix_set_option(&core, a, UNIX_SO_PASSCRED, 1), 0);
        CHECK_EQ_U64(send_bytes(a, 0, "x", 1, 0), UNIX_NEEDS_IDENTITY);
        unix_close(&core, a);
        unix_close(&core, b);
    }
    /* A datagram to a name: the receiver found by it decides. */
    uint64_t receiver = make(UNIX_DGRAM), sender = make(UNIX_DGRAM);
    struct unix_address name = abstract_name("creds");
    CHECK_EQ_U64(unix_bind(&core, receiver, &name), 0);
    CHECK_EQ_U64(send_to(sender, 0, "a", 1, &name, 0), 1);
    CHECK_EQ_U64(unix_set_option(&core, receiver, UNIX_SO_PASSCRED, 1), 0);
    CHECK_EQ_U64(send_to(sender, 0, "b", 1, &name, 0), UNIX_NEEDS_IDENTITY);
    unix_close(&core, sender);
    unix_close(&core, receiver);
    /* A stream read with SO_PASSCRED stops where the credentials change;
     * without, it glues them. */
    uint64_t a, b;
    make_pair(UNIX_STREAM, &a, &b);
    CHECK_EQ_U64(unix_set_option(&core, b, UNIX_SO_PASSCRED, 1), 0);
    CHECK_EQ_U64(send_as(a, 0, "aa", 2, &alice, 0), 2);
    CHECK_EQ_U64(send_as(a, 0, "AA", 2, &alice, 0), 2);
    CHECK_EQ_U64(send_as(a, 0, "bb", 2, &bob, 0), 2);
    struct unix_call out;
    CHECK_EQ_U64(receive(b, 1, 10, 0, &out), 4);
    CHECK_EQ_U64(out.credentials.pid, alice.pid);
    CHECK_EQ_U64(receive(b, 1, 10, 0, &out), 2);
    CHECK_EQ_U64(out.credentials.pid, bob.pid);
    CHECK_EQ_U64(send_as(a, 0, "aa", 2, &alice, 0), 2);
    CHECK_EQ_U64(send_as(a, 0, "bb", 2, &bob, 0), 2);
    CHECK_EQ_U64(unix_set_option(&core, b, UNIX_SO_PASSCRED, 0), 0);
    CHECK_EQ_U64(receive(b, 1, 10, 0, &out), 4);
    CHECK(!out.credentials_answer);
    /* Nothing to read but the end: zeros. */
    CHECK_EQ_U64(unix_set_option(&core, b, UNIX_SO_PASSCRED, 1), 0);
    CHECK_EQ_U64(unix_shutdown(&core, a, 1), 0);
    CHECK_EQ_U64(receive(b, 1, 10, 0, &out), 0);
    CHECK(out.credentials_answer);
    CHECK_EQ_U64(out.credentials.uid, 0);
    unix_close(&core, a);
    unix_close(&core, b);
    check_empty();
    /* Claims (scm_check_creds as far as a badge knows). */
    struct unix_credentials root = {1, 0, 0};
    struct unix_credentials own = alice, other = {alice.pid + 1, alice.uid, alice.gid};
    CHECK_EQ_U64(unix_check_claim(&alice, &own), 0);
    CHECK_EQ_U64(unix_check_claim(&alice, &other), -LINUX_EPERM);
    own.uid = 0;
    CHECK_EQ_U64(unix_check_claim(&alice, &own), -LINUX_EPERM);
    own = alice;
    own.gid = 0;
    CHECK_EQ_U64(unix_check_claim(&alice, &own), -LINUX_EPERM);
    own.gid = UINT32_MAX;
    CHECK_EQ_U64(unix_check_claim(&alice, &own), -LINUX_EINVAL);
    CHECK_EQ_U64(unix_check_claim(&root, &other), 0);
    CHECK_EQ_U64(unix_check_claim(&root, &own), -LINUX_EINVAL);
}

/* The garbage collector: sockets only messages in unreachable queues
 * hold are released with what their queues hold. A right to one of our
 * sockets owns a reference of its description, which the sender's
 * FILE_RETAIN took (file_table_retain here). */
static struct unix_right socket_right(uint64_t handle)
{
    CHECK_EQ_U64(file_table_retain(&files, handle), 0);
    return (struct unix_right){handle, true};
}

static int64_t events_now(uint64_t handle, uint32_t events)
{
    bool kept;
    return unix_poll(&core, handle, events, 0, &kept);
}

/* Releases a fresh socket: the collector runs (with some in flight). */
static void run_collector(void)
{
    unix_close(&core, make(UNIX_DGRAM));
}

static void test_gc_self_cycle(void)
{
    fresh();
    uint64_t a, b;
    make_pair(UNIX_STREAM, &a, &b);
    struct unix_address name = abstract_name("self");
    CHECK_EQ_U64(unix_bind(&core, b, &name), 0);
    /* b over a, into b's own queue, with another server's descriptor:
     * both in flight, counted against their sender. */
    struct unix_right rights[] = {socket_right(b), slot_right(77)};
    CHECK_EQ_U64(send_rights_as(a, 1000, 16, rights, 2), 1);
    unix_close(&core, b);
    /* Still there until a release runs the collector. */
    CHECK(unix_socket_of(&core, b) != 0);
    CHECK_EQ_U64(events_now(a, POLLIN | POLLOUT | POLLRDHUP), POLLOUT);
    CHECK_EQ_U64(unix_user_inflight(&core, 1000), 2);
    CHECK_EQ_U64(unix_collect(&core), 1);
    CHECK(!unix_socket_of(&core, b));
    CHECK_EQ_U64(unix_user_inflight(&core, 1000), 0);
    CHECK_EQ_U64(released, 1);
    CHECK_EQ_U64(released_last, 77);
    CHECK_EQ_U64(events_now(a, POLLIN | POLLOUT | POLLRDHUP),
                 POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    uint64_t c = make(UNIX_STREAM);
    CHECK_EQ_U64(unix_bind(&core, c, &name), 0);
    /* Nothing left for it. */
    CHECK_EQ_U64(unix_collect(&core), 0);
    close_all((uint64_t[]){a, c}, 2);
    check_empty();
    /* The same, collected when an unrelated socket is released. */
    fresh();
    make_pair(UNIX_SEQPACKET, &a, &b);
    struct unix_right self[] = {socket_right(b)};
    CHECK_EQ_U64(send_rights(a, 0, "x", 1, 0, self, 1, false), 1);
    unix_close(&core, b);
    CHECK(unix_socket_of(&core, b) != 0);
    run_collector();
    CHECK(!unix_socket_of(&core, b));
    CHECK_EQ_U64(events_now(a, POLLHUP), POLLHUP);
    unix_close(&core, a);
    check_empty();
}

/* Each of two sockets in the other's queue; then a cycle of three,
 * datagrams, with other servers' descriptors along. */
static void test_gc_cycles(void)
{
    fresh();
    uint64_t a1, b1, a2, b2;
    make_pair(UNIX_STREAM, &a1, &b1);
    make_pair(UNIX_STREAM, &a2, &b2);
    struct unix_right to_b1[] = {socket_right(b2), slot_right(1)};
    struct unix_right to_b2[] = {socket_right(b1), slot_right(2)};
    CHECK_EQ_U64(send_rights(a1, 0, "x", 1, 0, to_b1, 2, false), 1);
    CHECK_EQ_U64(send_rights(a2, 0, "y", 1, 0, to_b2, 2, false), 1);
    CHECK_EQ_U64(send_bytes(a1, 0, "more", 4, 0), 4);
    unix_close(&core, b1);
    /* b2 is still held by its descriptor, and b1 through b2's queue. */
    CHECK_EQ_U64(unix_collect(&core), 0);
    CHECK(unix_socket_of(&core, b1) != 0);
    unix_close(&core, b2);
    run_collector();
    CHECK(!unix_socket_of(&core, b1));
    CHECK(!unix_socket_of(&core, b2));
    CHECK_EQ_U64(released, 2);
    /* b1 went with bytes unread: its peer's connection was reset. */
    CHECK_EQ_U64(events_now(a1, POLLHUP), POLLHUP | POLLERR);
    CHECK_EQ_U64(events_now(a2, POLLHUP), POLLHUP);
    close_all((uint64_t[]){a1, a2}, 2);
    check_empty();

    fresh();
    uint64_t a[3], b[3];
    for (int i = 0; i < 3; i++)
        make_pair(UNIX_DGRAM, &a[i], &b[i]);
    /* b[i] in b[(i + 1) % 3]'s queue. */
    for (int i = 0; i < 3; i++) {
        struct unix_right carried[] = {socket_right(b[i]), slot_right(10 + (uint64_t)i)};
        CHECK_EQ_U64(send_rights(a[(i + 1) % 3], 0, "z", 1, 0, carried, 2, false), 1);
    }
    for (int i = 0; i < 3; i++)
        unix_close(&core, b[i]);
    CHECK_EQ_U64(unix_collect(&core), 3);
    for (int i = 0; i < 3; i++)
        CHECK(!unix_socket_of(&core, b[i]));
    CHECK_EQ_U64(released, 3);
    close_all(a, 3);
    check_empty();
}

/* A socket in flight to a queue a process can read is kept, and what it
 * holds (a cycle hanging off it) too; then passed and received, it is
 * nobody's garbage. */
static void test_gc_reachable(void)
{
    fresh();
    uint64_t carrier_a, carrier_b, a, b, c, d;
    make_pair(UNIX_STREAM, &carrier_a, &carrier_b);
    make_pair(UNIX_STREAM, &a, &b);
    make_pair(UNIX_STREAM, &c, &d);
    /* b in carrier_b's queue (which carrier_b's holder can read); d in
     * b's queue; b in d's queue too (a cycle, reachable through b). */
    struct unix_right first[] = {socket_right(b)};
    CHECK_EQ_U64(send_rights(carrier_a, 0, "1", 1, 0, first, 1, false), 1);
    struct unix_right second[] = {socket_right(d)};
    CHECK_EQ_U64(send_rights(a, 0, "2", 1, 0, second, 1, false), 1);
    struct unix_right third[] = {socket_right(b)};
    CHECK_EQ_U64(send_rights(c, 0, "3", 1, 0, third, 1, false), 1);
    unix_close(&core, b);
    unix_close(&core, d);
    run_collector();
    CHECK_EQ_U64(unix_collect(&core), 0);
    CHECK(unix_socket_of(&core, b) != 0);
    CHECK(unix_socket_of(&core, d) != 0);
    CHECK_EQ_U64(events_now(a, POLLIN | POLLOUT | POLLHUP), POLLOUT);
    /* Received: b is the receiver's, and works. */
    struct unix_call call;
    CHECK_EQ_U64(receive_key(carrier_b, 1, 10, 0, 5, &call), 1);
    CHECK_EQ_U64(call.rights_received, 1);
    CHECK_EQ_U64(take(carrier_b, 5), b);
    run_collector();
    CHECK(unix_socket_of(&core, b) != 0);
    CHECK_EQ_U64(send_bytes(b, 0, "alive", 5, 0), 5);
    CHECK_EQ_U64(receive(a, 1, 10, 0, 0), 5);
    CHECK(memcmp(callers[1].window[0], "alive", 5) == 0);
    /* Closed again, b and d are a cycle no one reaches. */
    unix_close(&core, b);
    CHECK(unix_socket_of(&core, b) != 0);
    run_collector();
    CHECK(!unix_socket_of(&core, b));
    CHECK(!unix_socket_of(&core, d));
    CHECK_EQ_U64(events_now(a, POLLHUP), POLLHUP);
    CHECK_EQ_U64(events_now(c, POLLHUP), POLLHUP);
    close_all((uint64_t[]){carrier_a, carrier_b, a, c}, 4);
    check_empty();
}

/* A listener in flight in the queue of one of its own connections not
 * yet accepted: a cycle through the embryo. */
static void test_gc_listener(void)
{
    fresh();
    uint64_t listener = make(UNIX_STREAM), client = make(UNIX_STREAM);
    struct unix_address name = abstract_name("listening");
    CHECK_EQ_U64(unix_bind(&core, listener, &name), 0);
    CHECK_EQ_U64(unix_listen(&core, listener, 5, &alice), 0);
    CHECK_EQ_U64(connect_to(client, 0, &name, &alice, false), 0);
    struct unix_right rights[] = {socket_right(listener), slot_right(5)};
    CHECK_EQ_U64(send_rights(client, 0, "x", 1, 0, rights, 2, false), 1);
    unix_close(&core, listener);
    CHECK(unix_socket_of(&core, listener) != 0);
    run_collector();
    CHECK(!unix_socket_of(&core, listener));
    CHECK_EQ_U64(released, 1);
    CHECK(events_now(client, POLLHUP) & POLLHUP);
    unix_close(&core, client);
    check_empty();
}

/* SO_RCVTIMEO's and SO_SNDTIMEO's callers: found, removed, the earliest
 * deadline not yet expired, and jiffies (HZ 250) as counter ticks. */
static void test_timed_callers(void)
{
    static struct timed_callers callers;
    CHECK(timed_callers_find(&callers, 7) == 0);
    CHECK_EQ_U64(timed_callers_earliest(&callers), 0);
    struct timed_caller *late = timed_callers_add(&callers, 7, 900, 1);
    struct timed_caller *soon = timed_callers_add(&callers, 8, 300, 4);
    CHECK(late && soon);
    CHECK(timed_callers_find(&callers, 8) == soon);
    CHECK_EQ_U64(timed_callers_earliest(&callers), 300);
    soon->expired = true;
    CHECK_EQ_U64(timed_callers_earliest(&callers), 900);
    timed_callers_remove(&callers, late);
    CHECK(timed_callers_find(&callers, 7) == 0);
    timed_callers_remove(&callers, soon);
    CHECK_EQ_U64(callers.count, 0);
    for (unsigned i = 0; i < TIMED_CALLERS_CAPACITY; i++)
        CHECK(timed_callers_add(&callers, 100 + i, 1, 1) != 0);
    CHECK(timed_callers_add(&callers, 99, 1, 1) == 0);      /* full: waits untimed */
    CHECK_EQ_U64(timed_deadline(1000, 62500000, 250), 1000 + 62500000);
    CHECK_EQ_U64(timed_deadline(1000, 62500000, 1), 1000 + 250000);
    CHECK_EQ_U64(timed_deadline(1000, 62500000, UINT64_MAX / 2), UINT64_MAX);
}

/* Sockets are charged to their maker: a process makes at most
 * UNIX_PROCESS_SOCKETS (-EMFILE from socket and socketpair, whose first
 * end does not stay), a user but root at most UNIX_USER_SOCKETS
 * (-ENFILE); another user still makes and uses a pair; a connection's
 * server side is the listener's maker's; closing gives the charges back. */
static void test_sockets_are_charged_to_their_maker(void)
{
    fresh();
    static uint64_t handles[UNIX_USER_SOCKETS];
    unsigned made = 0;
    struct unix_credentials hoarder = {300, 3000, 3000};
    for (; made < UNIX_PROCESS_SOCKETS; made++)
        CHECK_EQ_U64(unix_create(&core, UNIX_DGRAM, 0, &hoarder, &handles[made]), 0);
    uint64_t refused = 0;
    CHECK_EQ_U64(unix_create(&core, UNIX_DGRAM, 0, &hoarder, &refused), -LINUX_EMFILE);
    CHECK_EQ_U64(client_process_charges(&core.accounts, 300), UNIX_PROCESS_SOCKETS);
    /* A pair needs two: with room for one, neither stays. */
    unix_close(&core, handles[--made]);
    CHECK_EQ_U64(unix_create_pair(&core, UNIX_STREAM, 0, &hoarder, &refused), -LINUX_EMFILE);
    CHECK_EQ_U64(client_process_charges(&core.accounts, 300), UNIX_PROCESS_SOCKETS - 1);
    /* Its user's other processes, up to the user's share. */
    for (; made < UNIX_USER_SOCKETS; made++) {
        hoarder.pid = 301 + made % 2;
        CHECK_EQ_U64(unix_create(&core, UNIX_DGRAM, 0, &hoarder, &handles[made]), 0);
    }
    hoarder.pid = 303;
    CHECK_EQ_U64(unix_create(&core, UNIX_DGRAM, 0, &hoarder, &refused), -LINUX_ENFILE);
    /* Another user goes on. */
    uint64_t a, b;
    make_pair(UNIX_STREAM, &a, &b);
    CHECK_EQ_U64(send_bytes(a, 1, "ok", 2, 0), 2);
    CHECK_EQ_U64(client_user_charges(&core.accounts, alice.uid), 2);
    /* A connection to alice's listener: its server side is alice's. */
    struct unix_address name = abstract_name("charged");
    uint64_t listener = make(UNIX_STREAM);
    CHECK_EQ_U64(unix_bind(&core, listener, &name), 0);
    CHECK_EQ_U64(unix_listen(&core, listener, 4, &alice), 0);
    uint64_t client = 0;
    CHECK_EQ_U64(unix_create(&core, UNIX_STREAM, 0, &bob, &client), 0);
    CHECK_EQ_U64(connect_to(client, 1, &name, &bob, false), 0);
    CHECK_EQ_U64(client_user_charges(&core.accounts, alice.uid), 4);
    CHECK_EQ_U64(client_user_charges(&core.accounts, bob.uid), 1);
    unix_process_ended(&core, 300);
    for (unsigned i = 0; i < made; i++)
        unix_close(&core, handles[i]);
    unix_close(&core, a);
    unix_close(&core, b);
    unix_close(&core, client);
    unix_close(&core, listener);
    CHECK_EQ_U64(client_user_charges(&core.accounts, 3000), 0);
    CHECK_EQ_U64(client_user_charges(&core.accounts, alice.uid), 0);
    CHECK_EQ_U64(client_user_charges(&core.accounts, bob.uid), 0);
    check_empty();
}

/* A user's sockets may have UNIX_USER_QUEUED_BYTES queued: past it a
 * send through a socket with messages of its own waits or is -EAGAIN,
 * through one without -ENOBUFS; another user sends; reading gives the
 * room back. */
static void test_a_users_queued_bytes_are_limited(void)
{
    fresh();
    static char chunk[4096];
    enum { PAIRS = 64 };
    uint64_t a[PAIRS], b[PAIRS];
    unsigned pairs = 0;
    int64_t refused = 0;
    for (; pairs < PAIRS && refused != -LINUX_ENOBUFS; pairs++) {
        make_pair(UNIX_DGRAM, &a[pairs], &b[pairs]);
        while ((refused = send_bytes(a[pairs], 0, chunk, sizeof chunk, UNIX_MSG_DONTWAIT)) > 0)
            continue;
    }
    CHECK_EQ_U64(refused, -LINUX_ENOBUFS);
    uint64_t queued = 0;
    for (unsigned i = 0; i < pairs; i++)
        queued += (uint64_t)unix_bytes_unsent(&core, a[i]);
    CHECK(queued >= UNIX_USER_QUEUED_BYTES && queued < UNIX_USER_QUEUED_BYTES + 8192);
    /* One with messages of its own waits for them to be read. */
    CHECK_EQ_U64(send_bytes(a[0], 0, chunk, sizeof chunk, UNIX_MSG_DONTWAIT), -LINUX_EAGAIN);
    /* Another user goes on. */
    uint64_t c = 0, d = 0;
    CHECK_EQ_U64(unix_create_pair(&core, UNIX_DGRAM, 0, &bob, &c), 0);
    CHECK_EQ_U64(unix_take_peer(&core, c, &d), 0);
    CHECK_EQ_U64(send_bytes(c, 0, chunk, sizeof chunk, UNIX_MSG_DONTWAIT), sizeof chunk);
    /* A read makes room for its sender. */
    CHECK_EQ_U64(receive(b[0], 1, sizeof chunk, UNIX_MSG_DONTWAIT, 0), sizeof chunk);
    CHECK_EQ_U64(send_bytes(a[0], 0, chunk, sizeof chunk, UNIX_MSG_DONTWAIT), sizeof chunk);
    for (unsigned i = 0; i < pairs; i++) {
        unix_close(&core, a[i]);
        unix_close(&core, b[i]);
    }
    unix_close(&core, c);
    unix_close(&core, d);
    CHECK_EQ_U64(client_user_charges(&core.accounts, alice.uid), 0);
    check_empty();
}

int main(void)
{
    test_timed_callers();
    test_sockets_are_charged_to_their_maker();
    test_a_users_queued_bytes_are_limited();
    test_stream_pair();
    test_stream_reset_and_hangup();
    test_stream_blocking_writer();
    test_waitall();
    test_small_calls();
    test_listen_connect_accept();
    test_datagrams();
    test_seqpacket();
    test_options();
    test_names();
    test_rights_datagram();
    test_rights_stream();
    test_rights_peek();
    test_rights_limit();
    test_rights_staging();
    test_rights_released();
    test_credentials();
    test_gc_self_cycle();
    test_gc_cycles();
    test_gc_reachable();
    test_gc_listener();
    drop_table();
    return check_report();
}
