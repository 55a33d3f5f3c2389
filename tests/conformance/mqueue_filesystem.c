/* The POSIX message queue file system, as Linux's init mounts it on
 * /dev/mqueue: the directory (root's, mode 01777); each queue a regular
 * file named without its slash, listed by readdir (DT_REG, beside "." and
 * "..") until it is unlinked; stat and lstat of a queue (S_IFREG, mq_open's
 * mode less the umask, the creator's uid and gid, st_size 80) and ENOENT
 * for a missing one; read() of the file: one line of the bytes queued and
 * the notification (QSIZE, NOTIFY, SIGNO, NOTIFY_PID), then end of file,
 * pread at an offset; open(O_CREAT) making a queue of the default
 * attributes (10 messages of 8192 bytes) whose descriptor is a queue
 * descriptor (mq_send, mq_receive, mq_getattr, poll's POLLIN and POLLOUT),
 * O_EXCL's EEXIST, ENOENT without O_CREAT; unlink() removing the name but
 * not the open queue, ENOENT for a missing name; an unprivileged user's
 * EPERM unlinking root's queue (the directory is sticky), EACCES opening a
 * 0600 one; and mkdir's EPERM. */
#include <dirent.h>
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

#include "check.h"

#define DIRECTORY "/dev/mqueue"

enum { nobody = 65534, default_message_size = 8192 };

/* Every queue the test makes, removed at exit whatever happened. */
static const char *const queue_names[] = {
    "/mqfs-a", "/mqfs-b", "/mqfs-c", "/mqfs-stat", "/mqfs-read",
    "/mqfs-created", "/mqfs-unlinked", "/mqfs-private", "/mqfs-nobody",
    "/mqfs-poll",
};

static char buffer[default_message_size];

static void remove_queues(void)
{
    for (size_t i = 0; i < sizeof queue_names / sizeof queue_names[0]; i++)
        mq_unlink(queue_names[i]);
}

/* The file of queue NAME ("/name"). */
static const char *path_of(const char *name)
{
    static char path[64];
    snprintf(path, sizeof path, DIRECTORY "%s", name);
    return path;
}

/* A new queue of 4 messages of 32 bytes, with this mode. */
static mqd_t create(const char *name, mode_t mode)
{
    struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 32};
    mqd_t queue = mq_open(name, O_CREAT | O_EXCL | O_RDWR, mode, &attr);
    REQUIRE(queue >= 0);
    return queue;
}

struct entry {
    char name[64];
    unsigned char type;
};

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/* Checks readdir's "." and ".." and this test's queues ("mqfs-..."), as
 * "name:type" sorted by name (type "dir", "reg" or "other"). */
static void check_listing(const char *expected)
{
    struct entry entries[16];
    int count = 0;
    DIR *directory = opendir(DIRECTORY);
    REQUIRE(directory != NULL);
    struct dirent *found;
    while ((found = readdir(directory)) != NULL && count < 16) {
        if (strcmp(found->d_name, ".") != 0 && strcmp(found->d_name, "..") != 0 &&
            strncmp(found->d_name, "mqfs-", 5) != 0)
            continue;
        snprintf(entries[count].name, sizeof entries[count].name, "%.40s", found->d_name);
        entries[count++].type = found->d_type;
    }
    CHECK_EQ(closedir(directory), 0);
    qsort(entries, count, sizeof entries[0], by_name);
    char listing[16 * 72] = "";
    for (int i = 0; i < count; i++)
        snprintf(listing + strlen(listing), sizeof listing - strlen(listing), "%s%s:%s",
                 i ? " " : "", entries[i].name,
                 entries[i].type == DT_DIR ? "dir" : entries[i].type == DT_REG ? "reg" : "other");
    if (!CHECK(strcmp(listing, expected) == 0))
        fprintf(stderr, "    listed \"%s\", expected \"%s\"\n", listing, expected);
}

static void the_directory(void)
{
    struct stat st;
    REQUIRE(stat(DIRECTORY, &st) == 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 01777);
    CHECK_EQ(st.st_uid, 0);
    CHECK_EQ(st.st_gid, 0);
}

static void queues_are_listed(void)
{
    static const char *const names[] = {"/mqfs-a", "/mqfs-b", "/mqfs-c"};
    check_listing(".:dir ..:dir");
    for (int i = 0; i < 3; i++)
        CHECK_EQ(mq_close(create(names[i], 0600)), 0);
    check_listing(".:dir ..:dir mqfs-a:reg mqfs-b:reg mqfs-c:reg");
    CHECK_EQ(mq_unlink("/mqfs-b"), 0);
    check_listing(".:dir ..:dir mqfs-a:reg mqfs-c:reg");
    CHECK_EQ(mq_unlink("/mqfs-a"), 0);
    CHECK_EQ(mq_unlink("/mqfs-c"), 0);
    check_listing(".:dir ..:dir");
}

/* Under umask 027 (set by main). */
static void stat_of_a_queue(void)
{
    mqd_t queue = create("/mqfs-stat", 0666);
    struct stat st, link_st;
    REQUIRE(stat(path_of("/mqfs-stat"), &st) == 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0640);
    CHECK_EQ(st.st_uid, 0);
    CHECK_EQ(st.st_gid, 0);
    CHECK_EQ(st.st_size, 80);
    CHECK_OK(lstat(path_of("/mqfs-stat"), &link_st));
    CHECK_EQ(link_st.st_mode, S_IFREG | 0640);
    CHECK_EQ(link_st.st_ino, st.st_ino);
    CHECK_EQ(link_st.st_size, 80);
    CHECK_ERRNO(stat(path_of("/mqfs-missing"), &st), ENOENT);
    CHECK_ERRNO(lstat(path_of("/mqfs-missing"), &st), ENOENT);
    CHECK_EQ(mq_close(queue), 0);
}

/* Checks that pread of FILE at OFFSET gives exactly TEXT. */
static void check_pread(int file, off_t offset, const char *text)
{
    char got[128] = "";
    CHECK_EQ(pread(file, got, sizeof got - 1, offset), (ssize_t)strlen(text));
    if (!CHECK(strcmp(got, text) == 0))
        fprintf(stderr, "    read \"%s\", expected \"%s\"\n", got, text);
}

/* The kernel's line: this qsize, notification method, signal and pid. */
static const char *queue_line(unsigned long qsize, int notify, int signo, int pid)
{
    static char line[128];
    snprintf(line, sizeof line, "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
             qsize, notify, signo, pid);
    return line;
}

static void reading_the_file(void)
{
    mqd_t queue = create("/mqfs-read", 0600);
    int file = open(path_of("/mqfs-read"), O_RDONLY);
    REQUIRE(file >= 0);
    CHECK_EQ(mq_send(queue, "hello", 5, 1), 0);
    CHECK_EQ(mq_send(queue, "message queue", 13, 2), 0);
    const char *line = "QSIZE:18         NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n";
    char got[128] = "";
    CHECK_EQ(read(file, got, sizeof got - 1), (ssize_t)strlen(line));
    CHECK(strcmp(got, line) == 0);
    CHECK_EQ(read(file, got, sizeof got - 1), 0);
    check_pread(file, 6, line + 6);
    check_pread(file, 60, "");

    struct sigevent event = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
    CHECK_EQ(mq_notify(queue, &event), 0);
    /* NOTIFY is SIGEV_SIGNAL (0), SIGNO SIGUSR1 (10). */
    check_pread(file, 0, queue_line(18, 0, 10, getpid()));
    CHECK_EQ(mq_receive(queue, buffer, sizeof buffer, NULL), 13);
    CHECK_EQ(mq_notify(queue, NULL), 0);
    check_pread(file, 0, queue_line(5, 0, 0, 0));
    CHECK_EQ(close(file), 0);
    CHECK_EQ(mq_close(queue), 0);
}

static void creating_with_open(void)
{
    const char *path = DIRECTORY "/mqfs-created";
    int file = open(path, O_CREAT | O_EXCL | O_RDWR, 0660);
    REQUIRE(file >= 0);
    struct stat st;
    CHECK_OK(stat(path, &st));
    CHECK_EQ(st.st_mode, S_IFREG | 0640);
    mqd_t queue = mq_open("/mqfs-created", O_RDWR);
    REQUIRE(queue >= 0);
    struct mq_attr attr = {0};
    CHECK_EQ(mq_getattr(queue, &attr), 0);
    CHECK_EQ(attr.mq_maxmsg, 10);
    CHECK_EQ(attr.mq_msgsize, default_message_size);
    CHECK_EQ(attr.mq_curmsgs, 0);

    /* open()'s descriptor is a queue descriptor like mq_open's. */
    CHECK_EQ(mq_send(file, "via open", 8, 3), 0);
    memset(&attr, 0, sizeof attr);
    CHECK_EQ(mq_getattr(file, &attr), 0);
    CHECK_EQ(attr.mq_maxmsg, 10);
    CHECK_EQ(attr.mq_msgsize, default_message_size);
    CHECK_EQ(attr.mq_curmsgs, 1);
    unsigned priority = 0;
    CHECK_EQ(mq_receive(queue, buffer, sizeof buffer, &priority), 8);
    CHECK(memcmp(buffer, "via open", 8) == 0);
    CHECK_EQ(priority, 3);
    CHECK_EQ(mq_send(queue, "back", 4, 0), 0);
    CHECK_EQ(mq_receive(file, buffer, sizeof buffer, NULL), 4);
    CHECK(memcmp(buffer, "back", 4) == 0);

    CHECK_ERRNO(open(path, O_CREAT | O_EXCL | O_RDWR, 0660), EEXIST);
    CHECK_ERRNO(open(DIRECTORY "/mqfs-missing", O_RDWR), ENOENT);
    CHECK_EQ(close(file), 0);
    CHECK_EQ(mq_close(queue), 0);
}

static void unlinking_the_file(void)
{
    mqd_t queue = create("/mqfs-unlinked", 0600);
    CHECK_EQ(mq_send(queue, "kept", 4, 0), 0);
    CHECK_EQ(unlink(path_of("/mqfs-unlinked")), 0);
    CHECK_ERRNO(mq_open("/mqfs-unlinked", O_RDWR), ENOENT);
    struct stat st;
    CHECK_ERRNO(stat(path_of("/mqfs-unlinked"), &st), ENOENT);
    /* The open queue goes on. */
    CHECK_EQ(mq_send(queue, "more", 4, 0), 0);
    CHECK_EQ(mq_receive(queue, buffer, sizeof buffer, NULL), 4);
    CHECK(memcmp(buffer, "kept", 4) == 0);
    CHECK_ERRNO(unlink(path_of("/mqfs-unlinked")), ENOENT);
    CHECK_EQ(mq_close(queue), 0);
}

static void unprivileged_user(void)
{
    CHECK_EQ(mq_close(create("/mqfs-private", 0600)), 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (!CHECK(setgid(nobody) == 0 && setuid(nobody) == 0))
            check_child_exit();
        CHECK_ERRNO(unlink(path_of("/mqfs-private")), EPERM);
        CHECK_ERRNO(open(path_of("/mqfs-private"), O_RDONLY), EACCES);
        struct mq_attr attr = {.mq_maxmsg = 1, .mq_msgsize = 8};
        mqd_t own = mq_open("/mqfs-nobody", O_CREAT | O_EXCL | O_RDWR, 0644, &attr);
        CHECK(own >= 0);
        check_child_exit();
    }
    check_child_passed(child);
    struct stat st;
    CHECK_OK(stat(path_of("/mqfs-private"), &st));
    REQUIRE(stat(path_of("/mqfs-nobody"), &st) == 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0640);
    CHECK_EQ(st.st_uid, nobody);
    CHECK_EQ(st.st_gid, nobody);
    /* Root may remove anyone's queue. */
    CHECK_EQ(unlink(path_of("/mqfs-nobody")), 0);
}

static void no_directories_and_polling(void)
{
    struct stat st;
    CHECK_ERRNO(mkdir(DIRECTORY "/mqfs-dir", 0700), EPERM);
    CHECK_ERRNO(stat(DIRECTORY "/mqfs-dir", &st), ENOENT);

    mqd_t queue = create("/mqfs-poll", 0600);
    struct pollfd polled = {.fd = open(path_of("/mqfs-poll"), O_RDONLY),
                            .events = POLLIN | POLLOUT};
    REQUIRE(polled.fd >= 0);
    CHECK_EQ(poll(&polled, 1, 0), 1);
    CHECK_EQ(polled.revents, POLLOUT);
    CHECK_EQ(mq_send(queue, "x", 1, 0), 0);
    polled.revents = 0;
    CHECK_EQ(poll(&polled, 1, 0), 1);
    CHECK_EQ(polled.revents, POLLIN | POLLOUT);
    CHECK_EQ(close(polled.fd), 0);
    CHECK_EQ(mq_close(queue), 0);
}

int main(void)
{
    atexit(remove_queues);
    umask(027);
    the_directory();
    queues_are_listed();
    stat_of_a_queue();
    reading_the_file();
    creating_with_open();
    unlinking_the_file();
    unprivileged_user();
    no_directories_and_polling();
    return check_finish("mqueue_filesystem");
}
