/* Abstract names (sun_path[0] == 0): the name is exactly the bytes the
 * address length covers, so names that differ only by a trailing or
 * embedded NUL are different names; each socket type has its own abstract
 * names (Linux hashes the type in and looks only at that type's sockets:
 * a datagram socket may bind a stream socket's name, and a stream
 * connect to a name only a datagram socket holds is ECONNREFUSED, not
 * EPROTOTYPE); EADDRINUSE while a socket of the type holds one,
 * free again once it is closed (no file is left behind); connecting to
 * one nobody holds is ECONNREFUSED; autobind (bind with only the family)
 * gives "\0" and five lowercase hex digits, getsockname's length 8 (a
 * second autobind of a bound socket succeeds and changes nothing);
 * unnamed sockets report length 2 (sizeof(sa_family_t)); datagrams from
 * an abstract name carry it. */
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "check.h"

#define BASE offsetof(struct sockaddr_un, sun_path)

/* An abstract name of `length` bytes after the leading NUL. */
static socklen_t abstract(struct sockaddr_un *address, const char *bytes, size_t length)
{
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    memcpy(address->sun_path + 1, bytes, length);
    return (socklen_t)(BASE + 1 + length);
}

static void check_name(int fd, const struct sockaddr_un *want, socklen_t want_length)
{
    struct sockaddr_un got;
    socklen_t got_length = sizeof got;
    memset(&got, 0x55, sizeof got);
    CHECK_OK(getsockname(fd, (struct sockaddr *)&got, &got_length));
    CHECK_EQ(got_length, want_length);
    CHECK(memcmp(&got, want, want_length) == 0);
}

static void test_exact_lengths(void)
{
    struct sockaddr_un plain, trailing, embedded;
    socklen_t plain_length = abstract(&plain, "tern-unix", 9);
    socklen_t trailing_length = abstract(&trailing, "tern-unix\0", 10);
    socklen_t embedded_length = abstract(&embedded, "tern\0unix", 9);

    int a = socket(AF_UNIX, SOCK_STREAM, 0);
    int b = socket(AF_UNIX, SOCK_STREAM, 0);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(a >= 0 && b >= 0 && c >= 0);
    CHECK_OK(bind(a, (struct sockaddr *)&plain, plain_length));
    CHECK_OK(bind(b, (struct sockaddr *)&trailing, trailing_length));
    CHECK_OK(bind(c, (struct sockaddr *)&embedded, embedded_length));
    check_name(a, &plain, plain_length);
    check_name(b, &trailing, trailing_length);
    check_name(c, &embedded, embedded_length);
    CHECK_EQ(plain_length, BASE + 10);

    /* Each name is taken, by length and bytes. */
    int d = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(d >= 0);
    CHECK_ERRNO(bind(d, (struct sockaddr *)&plain, plain_length), EADDRINUSE);
    CHECK_ERRNO(bind(d, (struct sockaddr *)&trailing, trailing_length), EADDRINUSE);
    CHECK_ERRNO(bind(d, (struct sockaddr *)&embedded, embedded_length), EADDRINUSE);
    /* One byte shorter is another name. */
    CHECK_OK(bind(d, (struct sockaddr *)&plain, plain_length - 1));
    check_name(d, &plain, plain_length - 1);

    /* Each type has its own abstract names: a datagram socket may take
     * the stream socket's name (but not another datagram socket). */
    int g = socket(AF_UNIX, SOCK_DGRAM, 0);
    int h = socket(AF_UNIX, SOCK_DGRAM, 0);
    REQUIRE(g >= 0 && h >= 0);
    CHECK_OK(bind(g, (struct sockaddr *)&plain, plain_length));
    check_name(g, &plain, plain_length);
    CHECK_ERRNO(bind(h, (struct sockaddr *)&plain, plain_length), EADDRINUSE);
    /* A datagram sent to the name reaches the datagram socket. */
    CHECK_EQ(sendto(h, "g", 1, 0, (struct sockaddr *)&plain, plain_length), 1);
    char letter = 0;
    CHECK_EQ(recv(g, &letter, 1, MSG_DONTWAIT), 1);
    CHECK_EQ(letter, 'g');
    /* A name only a datagram socket holds: a stream connect finds nobody
     * (ECONNREFUSED; with a file-system name it would be EPROTOTYPE). */
    struct sockaddr_un datagram_only;
    socklen_t datagram_only_length = abstract(&datagram_only, "datagram only", 13);
    CHECK_OK(bind(h, (struct sockaddr *)&datagram_only, datagram_only_length));

    /* Connecting reaches the socket of exactly that name. */
    CHECK_OK(listen(a, 1));
    CHECK_OK(listen(b, 1));
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(client >= 0);
    CHECK_OK(connect(client, (struct sockaddr *)&trailing, trailing_length));
    struct sockaddr_un peer;
    socklen_t peer_length = sizeof peer;
    CHECK_OK(getpeername(client, (struct sockaddr *)&peer, &peer_length));
    CHECK_EQ(peer_length, trailing_length);
    CHECK(memcmp(&peer, &trailing, trailing_length) == 0);
    int accepted = accept(b, NULL, NULL);
    CHECK(accepted >= 0);
    CHECK_EQ(write(client, "b", 1), 1);
    char byte = 0;
    CHECK_EQ(read(accepted, &byte, 1), 1);
    CHECK_EQ(byte, 'b');
    close(accepted);
    close(client);

    /* c is bound but does not listen; "\0tern" is nobody's. */
    client = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(client >= 0);
    CHECK_ERRNO(connect(client, (struct sockaddr *)&embedded, embedded_length), ECONNREFUSED);
    struct sockaddr_un nobody;
    socklen_t nobody_length = abstract(&nobody, "tern", 4);
    CHECK_ERRNO(connect(client, (struct sockaddr *)&nobody, nobody_length), ECONNREFUSED);
    CHECK_ERRNO(connect(client, (struct sockaddr *)&datagram_only, datagram_only_length),
                ECONNREFUSED);
    close(client);

    /* Closed, the names are free again at once. */
    close(a);
    close(b);
    close(c);
    close(d);
    close(g);
    close(h);
    int e = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    REQUIRE(e >= 0);
    CHECK_OK(bind(e, (struct sockaddr *)&plain, plain_length));
    close(e);
    e = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(e >= 0);
    CHECK_OK(bind(e, (struct sockaddr *)&plain, plain_length));
    check_name(e, &plain, plain_length);
    close(e);

    /* The empty abstract name (only the NUL) is a name too. */
    struct sockaddr_un empty;
    socklen_t empty_length = abstract(&empty, "", 0);
    CHECK_EQ(empty_length, BASE + 1);
    e = socket(AF_UNIX, SOCK_DGRAM, 0);
    REQUIRE(e >= 0);
    CHECK_OK(bind(e, (struct sockaddr *)&empty, empty_length));
    check_name(e, &empty, empty_length);
    int f = socket(AF_UNIX, SOCK_DGRAM, 0);
    REQUIRE(f >= 0);
    CHECK_ERRNO(bind(f, (struct sockaddr *)&empty, empty_length), EADDRINUSE);
    close(f);
    close(e);

    /* The longest: all 108 bytes of sun_path. */
    struct sockaddr_un longest;
    char bytes[sizeof longest.sun_path - 1];
    memset(bytes, 'L', sizeof bytes);
    socklen_t longest_length = abstract(&longest, bytes, sizeof bytes);
    CHECK_EQ(longest_length, sizeof(struct sockaddr_un));
    e = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(e >= 0);
    CHECK_OK(bind(e, (struct sockaddr *)&longest, longest_length));
    check_name(e, &longest, longest_length);
    close(e);
}

static int is_hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void test_autobind(void)
{
    static const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
    for (int i = 0; i < 3; i++) {
        int fd = socket(AF_UNIX, types[i], 0);
        REQUIRE(fd >= 0);
        struct sockaddr_un address;
        memset(&address, 0, sizeof address);
        address.sun_family = AF_UNIX;
        CHECK_OK(bind(fd, (struct sockaddr *)&address, sizeof(sa_family_t)));
        struct sockaddr_un got;
        socklen_t got_length = sizeof got;
        memset(&got, 0x55, sizeof got);
        CHECK_OK(getsockname(fd, (struct sockaddr *)&got, &got_length));
        CHECK_EQ(got_length, BASE + 6);
        CHECK_EQ(got.sun_family, AF_UNIX);
        CHECK_EQ(got.sun_path[0], 0);
        int hex = 1;
        for (int j = 1; j <= 5; j++)
            hex &= is_hex_digit(got.sun_path[j]);
        CHECK(hex);
        /* Bound now: a second autobind succeeds and changes nothing; a
         * bind to a name is EINVAL. */
        CHECK_OK(bind(fd, (struct sockaddr *)&address, sizeof(sa_family_t)));
        struct sockaddr_un again;
        socklen_t again_length = sizeof again;
        CHECK_OK(getsockname(fd, (struct sockaddr *)&again, &again_length));
        CHECK_EQ(again_length, got_length);
        CHECK(memcmp(&again, &got, got_length) == 0);
        struct sockaddr_un named;
        socklen_t named_length = abstract(&named, "named later", 11);
        CHECK_ERRNO(bind(fd, (struct sockaddr *)&named, named_length), EINVAL);
        /* The name is really held. */
        int other = socket(AF_UNIX, types[i], 0);
        REQUIRE(other >= 0);
        CHECK_ERRNO(bind(other, (struct sockaddr *)&got, got_length), EADDRINUSE);
        close(other);
        close(fd);
    }

    /* Two autobound sockets get different names. */
    int a = socket(AF_UNIX, SOCK_DGRAM, 0);
    int b = socket(AF_UNIX, SOCK_DGRAM, 0);
    REQUIRE(a >= 0 && b >= 0);
    struct sockaddr_un family_only = {.sun_family = AF_UNIX};
    CHECK_OK(bind(a, (struct sockaddr *)&family_only, sizeof(sa_family_t)));
    CHECK_OK(bind(b, (struct sockaddr *)&family_only, sizeof(sa_family_t)));
    struct sockaddr_un name_a, name_b;
    socklen_t length_a = sizeof name_a, length_b = sizeof name_b;
    CHECK_OK(getsockname(a, (struct sockaddr *)&name_a, &length_a));
    CHECK_OK(getsockname(b, (struct sockaddr *)&name_b, &length_b));
    CHECK(memcmp(name_a.sun_path, name_b.sun_path, 6) != 0);

    /* A datagram from an autobound socket carries its name. */
    CHECK_EQ(sendto(a, "hi", 2, 0, (struct sockaddr *)&name_b, length_b), 2);
    struct sockaddr_un from;
    socklen_t from_length = sizeof from;
    char buffer[4];
    CHECK_EQ(recvfrom(b, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &from_length), 2);
    CHECK_EQ(from_length, length_a);
    CHECK(memcmp(&from, &name_a, length_a) == 0);
    close(a);
    close(b);
}

static void test_unnamed(void)
{
    static const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
    for (int i = 0; i < 3; i++) {
        int fd = socket(AF_UNIX, types[i], 0);
        REQUIRE(fd >= 0);
        struct sockaddr_un got;
        socklen_t got_length = sizeof got;
        memset(&got, 0x55, sizeof got);
        CHECK_OK(getsockname(fd, (struct sockaddr *)&got, &got_length));
        CHECK_EQ(got_length, sizeof(sa_family_t));
        CHECK_EQ(got.sun_family, AF_UNIX);
        close(fd);

        int sv[2];
        REQUIRE(socketpair(AF_UNIX, types[i], 0, sv) == 0);
        got_length = sizeof got;
        CHECK_OK(getsockname(sv[0], (struct sockaddr *)&got, &got_length));
        CHECK_EQ(got_length, sizeof(sa_family_t));
        got_length = sizeof got;
        CHECK_OK(getpeername(sv[0], (struct sockaddr *)&got, &got_length));
        CHECK_EQ(got_length, sizeof(sa_family_t));
        close(sv[0]);
        close(sv[1]);
    }
}

int main(void)
{
    test_exact_lengths();
    test_autobind();
    test_unnamed();
    return check_finish("unix_abstract_names");
}
