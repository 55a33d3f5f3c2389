/* epoll inside epoll: Linux 6.1 (EP_MAX_NESTS 4, with the upward depth
 * counted too) allows a path of at most 4 epoll-in-epoll links, 5 epolls
 * from top to bottom, whichever end the chain was built from, and
 * EPOLL_CTL_ADD that would make a longer path is ELOOP (a pipe at the
 * bottom adds nothing to the length); joining two chains counts both
 * plus the new link; an epoll may sit in many, and many in one, and a
 * diamond is no loop; a cycle (A in B then B in A, or through three) is
 * ELOOP, an epoll in itself EINVAL, and a refused ADD registers nothing;
 * readiness climbs the whole chain (level-triggered: until the pipe is
 * drained) and a blocked epoll_wait at the top is woken by a write at the
 * bottom from another process; closing an inner epoll (its last
 * descriptor) takes it out of the outer one, and with it out of the path
 * length: what was ELOOP is then allowed; so does EPOLL_CTL_DEL. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <time.h>

#include "check.h"
#include "epoll.h"
#include "signals.h"

#define MAX_LINKS 4                      /* EP_MAX_NESTS */

static int new_epoll(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    REQUIRE(ep >= 0);
    return ep;
}

static void close_all(int *fds, int count)
{
    for (int i = 0; i < count; i++)
        close(fds[i]);
}

/* Built from the bottom: chain[i] holds chain[i - 1], chain[0] a pipe. */
static void test_bottom_up(void)
{
    int fds[2], chain[MAX_LINKS + 2];
    REQUIRE(pipe(fds) == 0);
    for (int i = 0; i < MAX_LINKS + 2; i++)
        chain[i] = new_epoll();
    CHECK_EQ(add(chain[0], fds[0], EPOLLIN, 100), 0);
    CHECK_EQ(add(chain[1], chain[0], EPOLLIN, 0), 0);
    CHECK_EQ(add(chain[2], chain[1], EPOLLIN, 1), 0);
    CHECK_EQ(add(chain[3], chain[2], EPOLLIN, 2), 0);
    CHECK_EQ(add(chain[4], chain[3], EPOLLIN, 3), 0);
    CHECK_ERRNO(add(chain[5], chain[4], EPOLLIN, 4), ELOOP);
    CHECK_ERRNO(del(chain[5], chain[4]), ENOENT);   /* nothing left behind */
    CHECK_ERRNO(add(chain[5], chain[4], EPOLLIN | EPOLLET, 4), ELOOP);

    /* Readiness climbs to the top, level-triggered at every step. */
    CHECK_EQ(ready(chain[4]), 0);
    CHECK_EQ(write(fds[1], "x", 1), 1);
    CHECK_EQ(only(chain[4], 3), EPOLLIN);
    CHECK_EQ(only(chain[4], 3), EPOLLIN);
    CHECK_EQ(only(chain[3], 2), EPOLLIN);
    CHECK_EQ(only(chain[2], 1), EPOLLIN);
    CHECK_EQ(only(chain[1], 0), EPOLLIN);
    CHECK_EQ(only(chain[0], 100), EPOLLIN);
    CHECK_EQ(only(chain[4], 3), EPOLLIN);
    drain(fds[0]);
    CHECK_EQ(ready(chain[4]), 0);
    CHECK_EQ(ready(chain[2]), 0);

    /* The pipe at the bottom is not a link: without it, still ELOOP. */
    CHECK_EQ(del(chain[0], fds[0]), 0);
    CHECK_ERRNO(add(chain[5], chain[4], EPOLLIN, 4), ELOOP);
    /* Nor may the top go into anything, nor the bottom hold an epoll. */
    CHECK_ERRNO(add(chain[0], chain[5], EPOLLIN, 5), ELOOP);

    /* Unlinking a middle link makes room. */
    CHECK_EQ(del(chain[2], chain[1]), 0);
    int below = new_epoll();
    CHECK_EQ(add(chain[5], chain[4], EPOLLIN, 4), 0);    /* 5, 4, 3, 2 */
    CHECK_EQ(add(chain[0], below, EPOLLIN, 6), 0);       /* 1, 0, below */
    CHECK_ERRNO(add(chain[2], chain[1], EPOLLIN, 1), ELOOP);
    close(below);
    close_all(chain, MAX_LINKS + 2);
    close(fds[0]);
    close(fds[1]);
}

/* Built from the top: chain[i] holds chain[i + 1]. */
static void test_top_down(void)
{
    int chain[MAX_LINKS + 2];
    for (int i = 0; i < MAX_LINKS + 2; i++)
        chain[i] = new_epoll();
    CHECK_EQ(add(chain[0], chain[1], EPOLLIN, 1), 0);
    CHECK_EQ(add(chain[1], chain[2], EPOLLIN, 2), 0);
    CHECK_EQ(add(chain[2], chain[3], EPOLLIN, 3), 0);
    CHECK_EQ(add(chain[3], chain[4], EPOLLIN, 4), 0);
    CHECK_ERRNO(add(chain[4], chain[5], EPOLLIN, 5), ELOOP);
    CHECK_ERRNO(del(chain[4], chain[5]), ENOENT);
    int above = new_epoll();
    CHECK_ERRNO(add(above, chain[0], EPOLLIN, 0), ELOOP);

    /* A pipe at the bottom is fine and wakes the top. */
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    CHECK_EQ(add(chain[4], fds[0], EPOLLIN, 50), 0);
    CHECK_EQ(ready(chain[0]), 0);
    CHECK_EQ(write(fds[1], "x", 1), 1);
    CHECK_EQ(only(chain[0], 1), EPOLLIN);
    CHECK_EQ(only(chain[4], 50), EPOLLIN);

    /* Many epolls in one, one epoll in many: no path gets longer. */
    int wide = new_epoll();
    for (int i = 1; i <= 4; i++)
        CHECK_EQ(add(wide, chain[i], EPOLLIN, i), 0);
    CHECK_EQ(ready(wide), 4);
    int shared = new_epoll();
    CHECK_EQ(add(shared, fds[0], EPOLLIN, 60), 0);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(add(chain[i], shared, EPOLLIN, 70 + i), 0);
    CHECK_EQ(ready(chain[0]), 2);
    CHECK_EQ(got[0].data.u64 + got[1].data.u64, 71);
    /* chain[4] would put shared a fifth link down from chain[0]. */
    CHECK_ERRNO(add(chain[4], shared, EPOLLIN, 74), ELOOP);
    drain(fds[0]);
    CHECK_EQ(ready(chain[0]), 0);
    CHECK_EQ(ready(wide), 0);
    close(shared);
    close(wide);
    close(above);
    close_all(chain, MAX_LINKS + 2);
    close(fds[0]);
    close(fds[1]);
}

/* Two chains joined: their links and the new one together. */
static void test_joining(void)
{
    int a[2], b[3], c[2], d[4];
    for (int i = 0; i < 2; i++)
        a[i] = new_epoll(), c[i] = new_epoll();
    for (int i = 0; i < 3; i++)
        b[i] = new_epoll();
    for (int i = 0; i < 4; i++)
        d[i] = new_epoll();
    CHECK_EQ(add(a[1], a[0], EPOLLIN, 0), 0);
    CHECK_EQ(add(b[1], b[0], EPOLLIN, 0), 0);
    CHECK_EQ(add(b[2], b[1], EPOLLIN, 0), 0);
    CHECK_EQ(add(c[1], c[0], EPOLLIN, 0), 0);
    CHECK_EQ(add(d[1], d[0], EPOLLIN, 0), 0);
    CHECK_EQ(add(d[2], d[1], EPOLLIN, 0), 0);
    CHECK_EQ(add(d[3], d[2], EPOLLIN, 0), 0);
    CHECK_EQ(add(a[0], b[2], EPOLLIN, 0), 0);      /* 1 + 1 + 2 links */
    CHECK_ERRNO(add(c[0], d[3], EPOLLIN, 0), ELOOP); /* 1 + 1 + 3 */
    CHECK_ERRNO(add(d[0], c[1], EPOLLIN, 0), ELOOP); /* 3 + 1 + 1 */
    CHECK_EQ(add(c[1], d[3], EPOLLIN, 0), 0);      /* 0 + 1 + 3 */
    CHECK_EQ(add(c[0], b[0], EPOLLIN, 0), 0);      /* 1 + 1 + 0 */
    CHECK_ERRNO(add(d[0], b[0], EPOLLIN, 0), ELOOP); /* 4 + 1 + 0 */
    CHECK_ERRNO(add(b[0], a[1], EPOLLIN, 0), ELOOP); /* a loop */

    /* A diamond: two ways down to one epoll. */
    int top = new_epoll(), left = new_epoll(), right = new_epoll(), bottom = new_epoll(), fds[2];
    REQUIRE(pipe(fds) == 0);
    CHECK_EQ(add(bottom, fds[0], EPOLLIN, 9), 0);
    CHECK_EQ(add(left, bottom, EPOLLIN, 1), 0);
    CHECK_EQ(add(right, bottom, EPOLLIN, 2), 0);
    CHECK_EQ(add(top, left, EPOLLIN, 3), 0);
    CHECK_EQ(add(top, right, EPOLLIN, 4), 0);
    CHECK_EQ(ready(top), 0);
    CHECK_EQ(write(fds[1], "x", 1), 1);
    CHECK_EQ(ready(top), 2);
    CHECK_EQ(got[0].data.u64 + got[1].data.u64, 7);
    CHECK_ERRNO(add(bottom, top, EPOLLIN, 5), ELOOP);
    close(top);
    close(left);
    close(right);
    close(bottom);
    close(fds[0]);
    close(fds[1]);
    close_all(a, 2);
    close_all(b, 3);
    close_all(c, 2);
    close_all(d, 4);
}

static void test_cycles(void)
{
    int a = new_epoll(), b = new_epoll(), c = new_epoll();
    CHECK_ERRNO(add(a, a, EPOLLIN, 0), EINVAL);
    CHECK_EQ(add(b, a, EPOLLIN, 1), 0);
    CHECK_ERRNO(add(a, b, EPOLLIN, 2), ELOOP);
    CHECK_ERRNO(del(a, b), ENOENT);
    CHECK_EQ(add(c, b, EPOLLIN, 3), 0);
    CHECK_ERRNO(add(a, c, EPOLLIN, 4), ELOOP);
    CHECK_ERRNO(add(a, b, EPOLLIN | EPOLLET, 2), ELOOP);
    CHECK_ERRNO(add(b, c, EPOLLIN, 5), ELOOP);
    CHECK_ERRNO(add(b, b, EPOLLIN, 0), EINVAL);
    /* A dup is the same epoll, though registered under another number. */
    int copy = dup(a);
    CHECK_ERRNO(add(a, copy, EPOLLIN, 0), EINVAL);
    CHECK_ERRNO(add(copy, c, EPOLLIN, 4), ELOOP);
    CHECK_EQ(add(b, copy, EPOLLIN, 7), 0);
    CHECK_ERRNO(add(copy, b, EPOLLIN, 2), ELOOP);
    CHECK_EQ(del(b, copy), 0);
    close(copy);

    /* Broken, the cycle may be made the other way round. */
    CHECK_EQ(del(b, a), 0);
    CHECK_EQ(add(a, b, EPOLLIN, 2), 0);    /* c over b, a over b */
    CHECK_ERRNO(add(b, a, EPOLLIN, 1), ELOOP);
    CHECK_ERRNO(add(b, c, EPOLLIN, 5), ELOOP);
    CHECK_EQ(add(c, a, EPOLLIN, 6), 0);    /* two ways to b: no loop */
    CHECK_ERRNO(add(b, c, EPOLLIN, 5), ELOOP);
    CHECK_ERRNO(add(b, a, EPOLLIN, 1), ELOOP);
    CHECK_EQ(ready(c), 0);
    close(a);
    close(b);
    close(c);
}

static void test_closing(void)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    int inner = new_epoll(), outer = new_epoll();
    CHECK_EQ(add(inner, fds[0], EPOLLIN, 1), 0);
    CHECK_EQ(add(outer, inner, EPOLLIN, 2), 0);
    CHECK_EQ(write(fds[1], "x", 1), 1);
    CHECK_EQ(only(outer, 2), EPOLLIN);

    /* A dup keeps it there. */
    int copy = dup(inner);
    close(inner);
    CHECK_EQ(only(outer, 2), EPOLLIN);
    CHECK_ERRNO(del(outer, copy), ENOENT);
    CHECK_ERRNO(del(outer, inner), EBADF);
    CHECK_EQ(only(copy, 1), EPOLLIN);
    /* The last one closed: gone from the outer one, data or not. */
    close(copy);
    CHECK_EQ(ready(outer), 0);
    int newcomer = new_epoll();
    CHECK_EQ(newcomer, inner);
    CHECK_ERRNO(del(outer, newcomer), ENOENT);
    close(newcomer);

    /* Closing the outer one leaves the inner one free to go elsewhere. */
    int chain[MAX_LINKS + 1];
    for (int i = 0; i <= MAX_LINKS; i++) {
        chain[i] = new_epoll();
        if (i > 0)
            REQUIRE(add(chain[i], chain[i - 1], EPOLLIN, i) == 0);
    }
    int extra = new_epoll();
    CHECK_ERRNO(add(extra, chain[MAX_LINKS], EPOLLIN, 9), ELOOP);
    CHECK_ERRNO(add(chain[0], extra, EPOLLIN, 9), ELOOP);
    close(chain[0]);                     /* the bottom: one link less */
    CHECK_EQ(add(extra, chain[MAX_LINKS], EPOLLIN, 9), 0);
    int under = new_epoll();
    CHECK_ERRNO(add(chain[1], under, EPOLLIN, 9), ELOOP);
    close(under);
    close(extra);                        /* the new top */
    CHECK_EQ(add(chain[1], fds[0], EPOLLIN, 10), 0);
    CHECK_EQ(only(chain[MAX_LINKS], MAX_LINKS), EPOLLIN);
    close(chain[2]);                     /* a middle one */
    CHECK_EQ(ready(chain[MAX_LINKS]), 0);
    CHECK_EQ(only(chain[1], 10), EPOLLIN);
    int again = new_epoll();
    CHECK_EQ(add(again, chain[1], EPOLLIN, 11), 0);
    CHECK_EQ(only(again, 11), EPOLLIN);
    close(again);
    for (int i = 1; i <= MAX_LINKS; i++)
        if (i != 2)
            close(chain[i]);
    close(fds[0]);
    close(fds[1]);
}

/* A wait at the top of the deepest chain, woken by another process's
 * write at the bottom. */
static void test_blocked_at_the_top(void)
{
    int fds[2], chain[MAX_LINKS + 1];
    REQUIRE(pipe(fds) == 0);
    for (int i = 0; i <= MAX_LINKS; i++)
        chain[i] = new_epoll();
    CHECK_EQ(add(chain[0], fds[0], EPOLLIN, 0), 0);
    for (int i = 1; i <= MAX_LINKS; i++)
        CHECK_EQ(add(chain[i], chain[i - 1], EPOLLIN, i), 0);
    pid_t child = fork();
    if (child == 0) {
        sleep_milliseconds(200);
        _exit(write(fds[1], "x", 1) == 1 ? 0 : 1);
    }
    memset(got, 0, sizeof got);
    CHECK_EQ(epoll_wait(chain[MAX_LINKS], got, 16, 10000), 1);
    CHECK_EQ(got[0].events, EPOLLIN);
    CHECK_EQ(got[0].data.u64, MAX_LINKS);
    CHECK(exited_with(child, 0));
    CHECK_EQ(only(chain[0], 0), EPOLLIN);
    close_all(chain, MAX_LINKS + 1);
    close(fds[0]);
    close(fds[1]);
}

int main(void)
{
    test_bottom_up();
    test_top_down();
    test_joining();
    test_cycles();
    test_closing();
    test_blocked_at_the_top();
    return check_finish("epoll_nesting");
}
