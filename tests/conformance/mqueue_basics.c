/* POSIX message queues without waiting: mq_open creating (O_CREAT,
 * O_EXCL's EEXIST, the attributes of an existing queue not looked at) or
 * not (ENOENT), musl dropping the name's one leading slash; the names
 * Linux refuses ("/" is ENOENT, a second slash, "." and ".." EACCES, 256
 * bytes ENAMETOOLONG); the access modes (EBADF sending on a read-only
 * descriptor, receiving on a write-only one, before EMSGSIZE); the queue's
 * mode under the umask and an unprivileged user's EACCES; close-on-exec
 * set on every descriptor; the default attributes (10 messages of 8192
 * bytes) and given ones, mq_flags and mq_curmsgs ignored; the limits: 1 and
 * up, at most 10 and 8192 for an unprivileged user, 65536 and 16 MiB for
 * root, and RLIMIT_MSGQUEUE's EMFILE even for root; priority order
 * (highest first, FIFO within one, the priority returned; EINVAL at
 * MQ_PRIO_MAX, before EBADF); message sizes (EMSGSIZE sending more than
 * mq_msgsize, receiving into less, zero-length and full-size messages);
 * O_NONBLOCK's EAGAIN on a full and an empty queue and mq_curmsgs;
 * mq_setattr changing only O_NONBLOCK (any other mq_flags bit EINVAL),
 * returning the old attributes, one flag with fcntl's O_NONBLOCK, per
 * open queue description; mq_unlink while open (the descriptor still
 * works, the name is gone, a new queue of that name is another), ENOENT
 * for a missing name; mq_close and EBADF for closed and pipe descriptors;
 * EFAULT (a receive into a bad buffer loses the message); poll's POLLIN
 * and POLLOUT whatever the access mode; a queue shared across fork with
 * its O_NONBLOCK; and read() of a descriptor describing the queue. */
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <poll.h>
#include <stdio.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

enum { largest_message = 8192 };

static char buffer[largest_message];

/* A new queue of these attributes (O_CREAT | O_EXCL). */
static mqd_t create(const char *name, int flags, long maxmsg, long msgsize)
{
    struct mq_attr attr = {.mq_maxmsg = maxmsg, .mq_msgsize = msgsize};
    mqd_t queue = mq_open(name, O_CREAT | O_EXCL | flags, 0600, &attr);
    REQUIRE(queue >= 0);
    return queue;
}

static struct mq_attr attributes(mqd_t queue)
{
    struct mq_attr attr;
    memset(&attr, 0xff, sizeof attr);
    CHECK_EQ(mq_getattr(queue, &attr), 0);
    return attr;
}

/* Receives one message: this text, at this priority. */
static void receives(mqd_t queue, const char *text, unsigned priority)
{
    unsigned got = ~0u;
    ssize_t length = mq_receive(queue, buffer, sizeof buffer, &got);
    CHECK_EQ(length, (ssize_t)strlen(text));
    CHECK(length >= 0 && memcmp(buffer, text, length) == 0);
    CHECK_EQ(got, priority);
}

/* Whether mq_open(name, O_RDWR) finds the queue (and closes it again). */
static int exists(const char *name)
{
    mqd_t queue = mq_open(name, O_RDWR);
    if (queue < 0)
        return 0;
    close(queue);
    return 1;
}

static void opening_and_creating(void)
{
    const char *name = "/mqueue_basics_open";
    CHECK_ERRNO(mq_open(name, O_RDWR), ENOENT);
    mqd_t queue = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
    REQUIRE(queue >= 0);
    CHECK_ERRNO(mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL), EEXIST);
    CHECK_ERRNO(mq_open(name, O_CREAT | O_EXCL | O_RDONLY, 0600, NULL), EEXIST);
    /* An existing queue's attributes are not looked at: these are bad. */
    struct mq_attr bad = {.mq_maxmsg = 0, .mq_msgsize = 0};
    mqd_t again = mq_open(name, O_CREAT | O_RDWR, 0600, &bad);
    CHECK(again >= 0);
    CHECK(again != queue);
    CHECK_EQ(attributes(again).mq_maxmsg, 10);
    /* musl drops one leading slash: without it the name is the same. */
    mqd_t bare = mq_open("mqueue_basics_open", O_RDWR);
    CHECK(bare >= 0);
    CHECK_EQ(mq_send(bare, "same", 4, 1), 0);
    CHECK_EQ(attributes(queue).mq_curmsgs, 1);
    receives(again, "same", 1);
    /* Both O_WRONLY and O_RDWR: EINVAL for an existing queue. */
    CHECK_ERRNO(mq_open(name, O_WRONLY | O_RDWR), EINVAL);
    CHECK_EQ(mq_close(bare), 0);
    CHECK_EQ(mq_close(again), 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink("mqueue_basics_open"), 0);
    CHECK_ERRNO(mq_open(name, O_RDWR), ENOENT);
}

static void names(void)
{
    /* "/" is the empty name to Linux: ENOENT, creating or not. */
    CHECK_ERRNO(mq_open("/", O_RDWR), ENOENT);
    CHECK_ERRNO(mq_open("/", O_CREAT | O_RDWR, 0600, NULL), ENOENT);
    CHECK_ERRNO(mq_unlink("/"), ENOENT);
    /* A slash inside, ".", "..": EACCES. */
    CHECK_ERRNO(mq_open("/mqueue_basics/names", O_CREAT | O_RDWR, 0600, NULL), EACCES);
    CHECK_ERRNO(mq_open("/mqueue_basics/names", O_RDWR), EACCES);
    CHECK_ERRNO(mq_open("//mqueue_basics_names", O_CREAT | O_RDWR, 0600, NULL), EACCES);
    CHECK_ERRNO(mq_open("/.", O_CREAT | O_RDWR, 0600, NULL), EACCES);
    CHECK_ERRNO(mq_open("/..", O_CREAT | O_RDWR, 0600, NULL), EACCES);
    CHECK_ERRNO(mq_unlink("/mqueue_basics/names"), EACCES);
    CHECK_ERRNO(mq_unlink("/.."), EACCES);
    mqd_t dots = mq_open("/...", O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
    CHECK(dots >= 0);
    CHECK_EQ(mq_close(dots), 0);
    CHECK_EQ(mq_unlink("/..."), 0);

    /* NAME_MAX bytes after the slash, and one more. */
    char name[NAME_MAX + 3];
    name[0] = '/';
    memset(name + 1, 'n', NAME_MAX + 1);
    name[NAME_MAX + 1] = 0;
    mqd_t longest = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
    CHECK(longest >= 0);
    CHECK_EQ(mq_close(longest), 0);
    CHECK_EQ(mq_unlink(name), 0);
    name[NAME_MAX + 1] = 'n';
    name[NAME_MAX + 2] = 0;
    CHECK_ERRNO(mq_open(name, O_CREAT | O_RDWR, 0600, NULL), ENAMETOOLONG);
    CHECK_ERRNO(mq_open(name, O_RDWR), ENAMETOOLONG);
    CHECK_ERRNO(mq_unlink(name), ENAMETOOLONG);
    static char path_long[5000];
    path_long[0] = '/';
    memset(path_long + 1, 'p', sizeof path_long - 2);
    CHECK_ERRNO(mq_open(path_long, O_CREAT | O_RDWR, 0600, NULL), ENAMETOOLONG);

    CHECK_ERRNO(mq_unlink("/mqueue_basics_missing"), ENOENT);
}

static void access_modes(void)
{
    const char *name = "/mqueue_basics_access";
    mqd_t both = create(name, O_RDWR, 4, 16);
    mqd_t reader = mq_open(name, O_RDONLY);
    mqd_t writer = mq_open(name, O_WRONLY);
    REQUIRE(reader >= 0 && writer >= 0);
    CHECK_EQ(fcntl(both, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDWR);
    CHECK_EQ(fcntl(reader, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDONLY);
    CHECK_EQ(fcntl(writer, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_WRONLY);
    CHECK_ERRNO(mq_send(reader, "r", 1, 0), EBADF);
    CHECK_ERRNO(mq_receive(writer, buffer, sizeof buffer, NULL), EBADF);
    /* The access mode is checked before the size. */
    CHECK_ERRNO(mq_send(reader, buffer, 17, 0), EBADF);
    CHECK_ERRNO(mq_receive(writer, buffer, 1, NULL), EBADF);
    CHECK_EQ(mq_send(writer, "w", 1, 2), 0);
    receives(reader, "w", 2);
    CHECK_EQ(mq_send(both, "b", 1, 3), 0);
    receives(both, "b", 3);
    CHECK_EQ(mq_close(reader), 0);
    CHECK_EQ(mq_close(writer), 0);
    CHECK_EQ(mq_close(both), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

/* A queue's mode is the one given less the umask; another user needs it. */
static void permissions(void)
{
    const char *name = "/mqueue_basics_mode";
    mode_t old_mask = umask(022);
    mqd_t queue = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0666, NULL);
    REQUIRE(queue >= 0);
    umask(old_mask);
    struct stat st;
    CHECK_EQ(fstat(queue, &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0644);
    CHECK_EQ(st.st_uid, 0);
    pid_t child = fork();
    if (child == 0) {
        REQUIRE(setgid(1000) == 0 && setuid(1000) == 0);
        mqd_t reader = mq_open(name, O_RDONLY);
        CHECK(reader >= 0);
        CHECK_ERRNO(mq_open(name, O_WRONLY), EACCES);
        CHECK_ERRNO(mq_open(name, O_RDWR), EACCES);
        /* /dev/mqueue is sticky: Linux's EPERM, which musl makes EACCES. */
        CHECK_ERRNO(mq_unlink(name), EACCES);
        /* A descriptor it has is not checked again. */
        CHECK_EQ(mq_send(queue, "inherited", 9, 0), 0);
        /* Its own queue it may remove. */
        mqd_t own = mq_open("/mqueue_basics_user", O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
        CHECK(own >= 0);
        CHECK_EQ(mq_close(own), 0);
        CHECK_EQ(mq_unlink("/mqueue_basics_user"), 0);
        check_child_exit();
    }
    check_child_passed(child);
    receives(queue, "inherited", 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

/* Linux gives every message queue descriptor FD_CLOEXEC (musl's mq_open
 * does not ask for it). */
static void close_on_exec(void)
{
    const char *name = "/mqueue_basics_cloexec";
    mqd_t queue = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
    REQUIRE(queue >= 0);
    CHECK_EQ(fcntl(queue, F_GETFD), FD_CLOEXEC);
    mqd_t reader = mq_open(name, O_RDONLY);
    CHECK_EQ(fcntl(reader, F_GETFD), FD_CLOEXEC);
    mqd_t asked = mq_open(name, O_RDONLY | O_CLOEXEC);
    CHECK_EQ(fcntl(asked, F_GETFD), FD_CLOEXEC);
    /* It is an ordinary descriptor flag. */
    CHECK_EQ(fcntl(reader, F_SETFD, 0), 0);
    CHECK_EQ(fcntl(reader, F_GETFD), 0);
    int copy = dup(queue);
    CHECK_EQ(fcntl(copy, F_GETFD), 0);
    CHECK_EQ(mq_send(copy, "dup", 3, 0), 0);
    receives(reader, "dup", 0);
    CHECK_EQ(close(copy), 0);
    CHECK_EQ(mq_close(asked), 0);
    CHECK_EQ(mq_close(reader), 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

static void default_and_given_attributes(void)
{
    const char *name = "/mqueue_basics_attr";
    mqd_t queue = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
    REQUIRE(queue >= 0);
    struct mq_attr attr = attributes(queue);
    CHECK_EQ(attr.mq_flags, 0);
    CHECK_EQ(attr.mq_maxmsg, 10);
    CHECK_EQ(attr.mq_msgsize, 8192);
    CHECK_EQ(attr.mq_curmsgs, 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);

    /* mq_flags and mq_curmsgs of the given attributes do not matter. */
    struct mq_attr given = {.mq_flags = O_NONBLOCK, .mq_maxmsg = 3, .mq_msgsize = 100,
                            .mq_curmsgs = 7};
    queue = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &given);
    REQUIRE(queue >= 0);
    attr = attributes(queue);
    CHECK_EQ(attr.mq_flags, 0);
    CHECK_EQ(attr.mq_maxmsg, 3);
    CHECK_EQ(attr.mq_msgsize, 100);
    CHECK_EQ(attr.mq_curmsgs, 0);
    /* mq_flags shows the descriptor's O_NONBLOCK. */
    mqd_t nonblocking = mq_open(name, O_RDWR | O_NONBLOCK);
    REQUIRE(nonblocking >= 0);
    attr = attributes(nonblocking);
    CHECK_EQ(attr.mq_flags, O_NONBLOCK);
    CHECK_EQ(attr.mq_maxmsg, 3);
    CHECK_EQ(fcntl(nonblocking, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDWR | O_NONBLOCK);
    CHECK_EQ(mq_close(nonblocking), 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);

    CHECK_ERRNO(mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, (struct mq_attr *)8), EFAULT);
    CHECK(!exists(name));
}

/* mq_open(O_CREAT | O_EXCL) with these attributes: the queue made (and
 * removed at once) or -1 and errno. */
static int try_attributes(long maxmsg, long msgsize)
{
    const char *name = "/mqueue_basics_limits";
    struct mq_attr attr = {.mq_maxmsg = maxmsg, .mq_msgsize = msgsize};
    mqd_t queue = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    if (queue < 0)
        return -1;
    struct mq_attr made;
    int matches = mq_getattr(queue, &made) == 0 && made.mq_maxmsg == maxmsg &&
                  made.mq_msgsize == msgsize;
    mq_close(queue);
    mq_unlink(name);
    return matches ? 0 : -2;
}

static void attribute_limits(void)
{
    CHECK_ERRNO(try_attributes(0, 16), EINVAL);
    CHECK_ERRNO(try_attributes(-1, 16), EINVAL);
    CHECK_ERRNO(try_attributes(4, 0), EINVAL);
    CHECK_ERRNO(try_attributes(4, -1), EINVAL);
    CHECK(!exists("/mqueue_basics_limits"));
    /* Root may go past msg_max (10) and msgsize_max (8192)... */
    CHECK_EQ(try_attributes(11, 16), 0);
    CHECK_EQ(try_attributes(1, 8193), 0);
    CHECK_EQ(try_attributes(1000, 1), 0);
    /* ... up to the hard limits, 65536 messages and 16 MiB ... */
    CHECK_ERRNO(try_attributes(65537, 1), EINVAL);
    CHECK_ERRNO(try_attributes(1, 16 * 1024 * 1024 + 1), EINVAL);
    /* ... within RLIMIT_MSGQUEUE (819200 bytes) all the same. */
    CHECK_ERRNO(try_attributes(100, 8192), EMFILE);
    CHECK_ERRNO(try_attributes(1, 16 * 1024 * 1024), EMFILE);
    CHECK_ERRNO(try_attributes(65536, 1), EMFILE);
    CHECK(!exists("/mqueue_basics_limits"));

    pid_t child = fork();
    if (child == 0) {
        REQUIRE(setgid(1000) == 0 && setuid(1000) == 0);
        CHECK_EQ(try_attributes(10, 8192), 0);
        CHECK_EQ(try_attributes(1, 1), 0);
        CHECK_ERRNO(try_attributes(0, 16), EINVAL);
        CHECK_ERRNO(try_attributes(-1, 16), EINVAL);
        CHECK_ERRNO(try_attributes(4, 0), EINVAL);
        CHECK_ERRNO(try_attributes(11, 16), EINVAL);
        CHECK_ERRNO(try_attributes(1, 8193), EINVAL);
        CHECK_ERRNO(try_attributes(65537, 1), EINVAL);
        CHECK_ERRNO(try_attributes(100, 8192), EINVAL);
        /* Without attributes the defaults are within the limits. */
        mqd_t queue = mq_open("/mqueue_basics_limits", O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
        CHECK(queue >= 0);
        CHECK_EQ(mq_close(queue), 0);
        CHECK_EQ(mq_unlink("/mqueue_basics_limits"), 0);
        check_child_exit();
    }
    check_child_passed(child);
}

static void priority_order(void)
{
    const char *name = "/mqueue_basics_priority";
    mqd_t queue = create(name, O_RDWR, 8, 32);
    CHECK_EQ(mq_send(queue, "a1", 2, 1), 0);
    CHECK_EQ(mq_send(queue, "b5", 2, 5), 0);
    CHECK_EQ(mq_send(queue, "c1", 2, 1), 0);
    CHECK_EQ(mq_send(queue, "d0", 2, 0), 0);
    CHECK_EQ(mq_send(queue, "e5", 2, 5), 0);
    CHECK_EQ(mq_send(queue, "f-highest", 9, MQ_PRIO_MAX - 1), 0);
    CHECK_EQ(mq_send(queue, "g1", 2, 1), 0);
    CHECK_EQ(attributes(queue).mq_curmsgs, 7);
    receives(queue, "f-highest", MQ_PRIO_MAX - 1);
    receives(queue, "b5", 5);
    receives(queue, "e5", 5);
    receives(queue, "a1", 1);
    CHECK_EQ(mq_send(queue, "h5", 2, 5), 0);
    receives(queue, "h5", 5);
    receives(queue, "c1", 1);
    receives(queue, "g1", 1);
    receives(queue, "d0", 0);
    CHECK_EQ(attributes(queue).mq_curmsgs, 0);
    /* A NULL priority pointer is allowed. */
    CHECK_EQ(mq_send(queue, "n", 1, 9), 0);
    CHECK_EQ(mq_receive(queue, buffer, sizeof buffer, NULL), 1);

    CHECK_EQ(MQ_PRIO_MAX, 32768);
    CHECK_ERRNO(mq_send(queue, "x", 1, MQ_PRIO_MAX), EINVAL);
    CHECK_ERRNO(mq_send(queue, "x", 1, ~0u), EINVAL);
    /* The priority is checked before the descriptor and the size. */
    CHECK_ERRNO(mq_send(-1, "x", 1, MQ_PRIO_MAX), EINVAL);
    CHECK_ERRNO(mq_send(queue, buffer, 33, MQ_PRIO_MAX), EINVAL);
    CHECK_EQ(attributes(queue).mq_curmsgs, 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

static void message_sizes(void)
{
    const char *name = "/mqueue_basics_sizes";
    mqd_t queue = create(name, O_RDWR | O_NONBLOCK, 4, 16);
    /* A receive buffer shorter than mq_msgsize: EMSGSIZE, even on an
     * empty queue that would say EAGAIN. */
    CHECK_ERRNO(mq_receive(queue, buffer, 15, NULL), EMSGSIZE);
    CHECK_ERRNO(mq_receive(queue, buffer, 16, NULL), EAGAIN);
    CHECK_ERRNO(mq_send(queue, buffer, 17, 0), EMSGSIZE);
    CHECK_EQ(mq_send(queue, "sixteen bytes!!!", 16, 0), 0);
    CHECK_EQ(mq_send(queue, "", 0, 4), 0);
    CHECK_EQ(attributes(queue).mq_curmsgs, 2);
    CHECK_ERRNO(mq_receive(queue, buffer, 15, NULL), EMSGSIZE);
    CHECK_ERRNO(mq_receive(queue, buffer, 0, NULL), EMSGSIZE);
    CHECK_EQ(attributes(queue).mq_curmsgs, 2);         /* still there */
    receives(queue, "", 4);
    /* Exactly mq_msgsize bytes, into exactly mq_msgsize bytes. */
    memset(buffer, 0, sizeof buffer);
    unsigned priority = 99;
    CHECK_EQ(mq_receive(queue, buffer, 16, &priority), 16);
    CHECK(memcmp(buffer, "sixteen bytes!!!", 16) == 0);
    CHECK_EQ(priority, 0);
    /* The buffer is only written as far as the message goes. */
    memset(buffer, '#', 32);
    CHECK_EQ(mq_send(queue, "abc", 3, 0), 0);
    CHECK_EQ(mq_receive(queue, buffer, sizeof buffer, NULL), 3);
    CHECK(memcmp(buffer, "abc##", 5) == 0);

    /* EFAULT: a bad message is not sent; a bad buffer loses the message
     * it was to receive. */
    CHECK_ERRNO(mq_send(queue, (const char *)8, 4, 0), EFAULT);
    CHECK_EQ(attributes(queue).mq_curmsgs, 0);
    CHECK_EQ(mq_send(queue, "lost", 4, 0), 0);
    CHECK_ERRNO(mq_receive(queue, (char *)8, 16, NULL), EFAULT);
    CHECK_EQ(attributes(queue).mq_curmsgs, 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

/* With O_NONBLOCK: EAGAIN when full and when empty; mq_curmsgs counts. */
static void full_and_empty(void)
{
    const char *name = "/mqueue_basics_full";
    mqd_t queue = create(name, O_RDWR | O_NONBLOCK, 3, 8);
    CHECK_ERRNO(mq_receive(queue, buffer, sizeof buffer, NULL), EAGAIN);
    CHECK_EQ(mq_send(queue, "1", 1, 0), 0);
    CHECK_EQ(attributes(queue).mq_curmsgs, 1);
    CHECK_EQ(mq_send(queue, "2", 1, 0), 0);
    CHECK_EQ(mq_send(queue, "3", 1, 0), 0);
    CHECK_EQ(attributes(queue).mq_curmsgs, 3);
    CHECK_ERRNO(mq_send(queue, "4", 1, 0), EAGAIN);
    CHECK_ERRNO(mq_send(queue, "4", 1, 100), EAGAIN);   /* priority does not help */
    CHECK_EQ(attributes(queue).mq_curmsgs, 3);
    receives(queue, "1", 0);
    CHECK_EQ(attributes(queue).mq_curmsgs, 2);
    CHECK_EQ(mq_send(queue, "4", 1, 0), 0);
    receives(queue, "2", 0);
    receives(queue, "3", 0);
    receives(queue, "4", 0);
    CHECK_ERRNO(mq_receive(queue, buffer, sizeof buffer, NULL), EAGAIN);
    CHECK_EQ(attributes(queue).mq_curmsgs, 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

static void setattr_changes_only_nonblock(void)
{
    const char *name = "/mqueue_basics_setattr";
    mqd_t queue = create(name, O_RDWR, 4, 16);
    struct mq_attr new = {.mq_flags = O_NONBLOCK, .mq_maxmsg = 1, .mq_msgsize = 3,
                          .mq_curmsgs = 7};
    struct mq_attr old;
    memset(&old, 0xff, sizeof old);
    CHECK_EQ(mq_send(queue, "x", 1, 0), 0);
    CHECK_EQ(mq_setattr(queue, &new, &old), 0);
    CHECK_EQ(old.mq_flags, 0);
    CHECK_EQ(old.mq_maxmsg, 4);
    CHECK_EQ(old.mq_msgsize, 16);
    CHECK_EQ(old.mq_curmsgs, 1);
    struct mq_attr now = attributes(queue);
    CHECK_EQ(now.mq_flags, O_NONBLOCK);
    CHECK_EQ(now.mq_maxmsg, 4);
    CHECK_EQ(now.mq_msgsize, 16);
    CHECK_EQ(now.mq_curmsgs, 1);
    CHECK_EQ(fcntl(queue, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDWR | O_NONBLOCK);
    receives(queue, "x", 0);
    CHECK_ERRNO(mq_receive(queue, buffer, sizeof buffer, NULL), EAGAIN);

    /* Any other bit of mq_flags is EINVAL, and changes nothing. */
    new.mq_flags = O_RDWR;
    CHECK_ERRNO(mq_setattr(queue, &new, &old), EINVAL);
    new.mq_flags = O_NONBLOCK | O_WRONLY;
    CHECK_ERRNO(mq_setattr(queue, &new, NULL), EINVAL);
    new.mq_flags = O_CLOEXEC;
    CHECK_ERRNO(mq_setattr(queue, &new, NULL), EINVAL);
    new.mq_flags = -1;
    CHECK_ERRNO(mq_setattr(queue, &new, NULL), EINVAL);
    CHECK_EQ(attributes(queue).mq_flags, O_NONBLOCK);

    /* One flag with fcntl's O_NONBLOCK. */
    CHECK_EQ(fcntl(queue, F_SETFL, 0), 0);
    CHECK_EQ(attributes(queue).mq_flags, 0);
    CHECK_EQ(fcntl(queue, F_SETFL, O_NONBLOCK), 0);
    CHECK_EQ(attributes(queue).mq_flags, O_NONBLOCK);
    new.mq_flags = 0;
    CHECK_EQ(mq_setattr(queue, &new, NULL), 0);
    CHECK_EQ(fcntl(queue, F_GETFL) & O_NONBLOCK, 0);
    /* Without new attributes, mq_setattr is mq_getattr. */
    memset(&old, 0xff, sizeof old);
    CHECK_EQ(mq_setattr(queue, NULL, &old), 0);
    CHECK_EQ(old.mq_flags, 0);
    CHECK_EQ(old.mq_maxmsg, 4);
    CHECK_EQ(old.mq_curmsgs, 0);

    /* The flag belongs to the open queue description: a dup shares it,
     * another mq_open of the queue does not. */
    int copy = dup(queue);
    mqd_t other = mq_open(name, O_RDWR);
    REQUIRE(other >= 0);
    new.mq_flags = O_NONBLOCK;
    CHECK_EQ(mq_setattr(queue, &new, NULL), 0);
    CHECK_EQ(attributes(copy).mq_flags, O_NONBLOCK);
    CHECK_EQ(attributes(other).mq_flags, 0);
    CHECK_ERRNO(mq_receive(copy, buffer, sizeof buffer, NULL), EAGAIN);

    CHECK_ERRNO(mq_getattr(-1, &old), EBADF);
    CHECK_ERRNO(mq_setattr(-1, &new, &old), EBADF);
    /* Bad flags are found before a bad descriptor. */
    new.mq_flags = O_RDWR;
    CHECK_ERRNO(mq_setattr(-1, &new, &old), EINVAL);
    CHECK_EQ(close(copy), 0);
    CHECK_EQ(mq_close(other), 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

static void unlink_while_open(void)
{
    const char *name = "/mqueue_basics_unlink";
    mqd_t queue = create(name, O_RDWR | O_NONBLOCK, 4, 16);
    CHECK_EQ(mq_send(queue, "old", 3, 1), 0);
    CHECK_EQ(mq_unlink(name), 0);
    CHECK_ERRNO(mq_open(name, O_RDWR), ENOENT);
    CHECK_ERRNO(mq_unlink(name), ENOENT);
    /* The open queue goes on without its name. */
    CHECK_EQ(attributes(queue).mq_curmsgs, 1);
    receives(queue, "old", 1);
    CHECK_EQ(mq_send(queue, "still", 5, 2), 0);
    /* A queue made under the name now is another one. */
    mqd_t fresh = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_NONBLOCK, 0600, NULL);
    REQUIRE(fresh >= 0);
    CHECK_EQ(attributes(fresh).mq_curmsgs, 0);
    CHECK_EQ(attributes(fresh).mq_maxmsg, 10);
    CHECK_ERRNO(mq_receive(fresh, buffer, sizeof buffer, NULL), EAGAIN);
    CHECK_EQ(mq_send(fresh, "new", 3, 3), 0);
    receives(queue, "still", 2);
    CHECK_ERRNO(mq_receive(queue, buffer, sizeof buffer, NULL), EAGAIN);
    receives(fresh, "new", 3);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_close(fresh), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

static void closed_and_other_descriptors(void)
{
    const char *name = "/mqueue_basics_close";
    mqd_t queue = create(name, O_RDWR, 4, 16);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_ERRNO(mq_close(queue), EBADF);
    CHECK_ERRNO(mq_send(queue, "x", 1, 0), EBADF);
    CHECK_ERRNO(mq_receive(queue, buffer, sizeof buffer, NULL), EBADF);
    struct mq_attr attr = {0};
    CHECK_ERRNO(mq_getattr(queue, &attr), EBADF);
    CHECK_ERRNO(mq_send(-1, "x", 1, 0), EBADF);
    /* A descriptor of something else is EBADF too. */
    int pipe_ends[2];
    REQUIRE(pipe(pipe_ends) == 0);
    CHECK_ERRNO(mq_send(pipe_ends[1], "x", 1, 0), EBADF);
    CHECK_ERRNO(mq_receive(pipe_ends[0], buffer, sizeof buffer, NULL), EBADF);
    CHECK_ERRNO(mq_getattr(pipe_ends[0], &attr), EBADF);
    CHECK_ERRNO(mq_setattr(pipe_ends[1], &attr, NULL), EBADF);
    CHECK_ERRNO(mq_notify(pipe_ends[0], NULL), EBADF);
    CHECK_EQ(close(pipe_ends[0]), 0);
    CHECK_EQ(close(pipe_ends[1]), 0);
    /* The queue outlived the descriptor. */
    queue = mq_open(name, O_RDWR);
    CHECK(queue >= 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

/* poll's revents for each of these descriptors. */
static void poll_all(struct pollfd *fds, int count, short events)
{
    for (int i = 0; i < count; i++) {
        fds[i].events = events;
        fds[i].revents = 0;
    }
    CHECK_EQ(poll(fds, count, 0), count);
}

static void polling(void)
{
    const char *name = "/mqueue_basics_poll";
    mqd_t queue = create(name, O_RDWR, 2, 16);
    mqd_t reader = mq_open(name, O_RDONLY);
    mqd_t writer = mq_open(name, O_WRONLY);
    REQUIRE(reader >= 0 && writer >= 0);
    struct pollfd fds[3] = {{.fd = queue}, {.fd = reader}, {.fd = writer}};
    /* Empty: room only, whatever the access mode. */
    poll_all(fds, 3, POLLIN | POLLOUT);
    CHECK_EQ(fds[0].revents, POLLOUT);
    CHECK_EQ(fds[1].revents, POLLOUT);
    CHECK_EQ(fds[2].revents, POLLOUT);
    CHECK_EQ(mq_send(queue, "1", 1, 0), 0);
    poll_all(fds, 3, POLLIN | POLLOUT);
    CHECK_EQ(fds[0].revents, POLLIN | POLLOUT);
    CHECK_EQ(fds[1].revents, POLLIN | POLLOUT);
    CHECK_EQ(fds[2].revents, POLLIN | POLLOUT);
    CHECK_EQ(mq_send(queue, "2", 1, 0), 0);
    poll_all(fds, 3, POLLIN | POLLOUT);
    CHECK_EQ(fds[0].revents, POLLIN);
    CHECK_EQ(fds[1].revents, POLLIN);
    CHECK_EQ(fds[2].revents, POLLIN);
    poll_all(fds, 1, POLLRDNORM | POLLWRNORM | POLLPRI);
    CHECK_EQ(fds[0].revents, POLLRDNORM);
    /* Only what was asked for: full, POLLOUT alone waits. */
    fds[0].events = POLLOUT;
    fds[0].revents = 0;
    CHECK_EQ(poll(fds, 1, 0), 0);
    CHECK_EQ(fds[0].revents, 0);
    receives(queue, "1", 0);
    receives(queue, "2", 0);
    poll_all(fds, 1, POLLRDNORM | POLLWRNORM);
    CHECK_EQ(fds[0].revents, POLLWRNORM);
    fds[0].events = POLLIN;
    fds[0].revents = 0;
    CHECK_EQ(poll(fds, 1, 0), 0);

    /* A poll waiting for a message is woken by another process's send. */
    pid_t child = fork();
    if (child == 0) {
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
        CHECK_EQ(mq_send(writer, "woke", 4, 0), 0);
        check_child_exit();
    }
    struct pollfd wait_for = {.fd = reader, .events = POLLIN};
    CHECK_EQ(poll(&wait_for, 1, -1), 1);
    CHECK_EQ(wait_for.revents, POLLIN);
    check_child_passed(child);
    receives(reader, "woke", 0);

    /* select sees the same: writable when there is room, readable when
     * there is a message, and waits for one. */
    fd_set readable, writable;
    FD_ZERO(&readable);
    FD_ZERO(&writable);
    FD_SET(reader, &readable);
    FD_SET(writer, &writable);
    struct timeval now = {0, 0};
    CHECK_EQ(select(writer + 1, &readable, &writable, NULL, &now), 1);
    CHECK(!FD_ISSET(reader, &readable) && FD_ISSET(writer, &writable));
    child = fork();
    if (child == 0) {
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
        CHECK_EQ(mq_send(writer, "selected", 8, 0), 0);
        check_child_exit();
    }
    FD_ZERO(&readable);
    FD_SET(reader, &readable);
    CHECK_EQ(select(reader + 1, &readable, NULL, NULL, NULL), 1);
    CHECK(FD_ISSET(reader, &readable));
    check_child_passed(child);
    receives(reader, "selected", 0);
    CHECK_EQ(mq_close(reader), 0);
    CHECK_EQ(mq_close(writer), 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

static void shared_across_fork(void)
{
    const char *name = "/mqueue_basics_fork";
    mqd_t queue = create(name, O_RDWR, 4, 32);
    CHECK_EQ(mq_send(queue, "before fork", 11, 6), 0);
    pid_t child = fork();
    if (child == 0) {
        receives(queue, "before fork", 6);
        CHECK_EQ(mq_send(queue, "from the child", 14, 2), 0);
        CHECK_EQ(fcntl(queue, F_GETFD), FD_CLOEXEC);
        /* The open queue description is shared: so is O_NONBLOCK. */
        struct mq_attr nonblocking = {.mq_flags = O_NONBLOCK};
        CHECK_EQ(mq_setattr(queue, &nonblocking, NULL), 0);
        CHECK_EQ(mq_close(queue), 0);
        check_child_exit();
    }
    check_child_passed(child);
    struct mq_attr attr = attributes(queue);
    CHECK_EQ(attr.mq_curmsgs, 1);
    CHECK_EQ(attr.mq_flags, O_NONBLOCK);
    receives(queue, "from the child", 2);
    CHECK_ERRNO(mq_receive(queue, buffer, sizeof buffer, NULL), EAGAIN);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

/* read() of a queue descriptor gives a line about the queue: QSIZE, the
 * bytes of its messages, and its notification (none here); write() is
 * EINVAL. */
static void reading_the_descriptor(void)
{
    const char *name = "/mqueue_basics_read";
    mqd_t queue = create(name, O_RDWR, 4, 16);
    CHECK_EQ(mq_send(queue, "hello", 5, 1), 0);
    CHECK_EQ(mq_send(queue, "abc", 3, 2), 0);
    CHECK_EQ(mq_send(queue, "", 0, 3), 0);
    const char *expected = "QSIZE:8          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n";
    char text[200] = {0};
    CHECK_EQ(read(queue, text, sizeof text - 1), (ssize_t)strlen(expected));
    CHECK(strcmp(text, expected) == 0);
    CHECK_EQ(read(queue, text, sizeof text - 1), 0);          /* at the end */
    memset(text, 0, sizeof text);
    CHECK_EQ(pread(queue, text, 6, 0), 6);
    CHECK(strcmp(text, "QSIZE:") == 0);
    CHECK_ERRNO(write(queue, "x", 1), EINVAL);
    CHECK_EQ(attributes(queue).mq_curmsgs, 3);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink(name), 0);
}

int main(void)
{
    opening_and_creating();
    names();
    access_modes();
    permissions();
    close_on_exec();
    default_and_given_attributes();
    attribute_limits();
    priority_order();
    message_sizes();
    full_and_empty();
    setattr_changes_only_nonblock();
    unlink_while_open();
    closed_and_other_descriptors();
    polling();
    shared_across_fork();
    reading_the_descriptor();
    return check_finish("mqueue_basics");
}
