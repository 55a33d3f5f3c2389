/*
 * /proc/<pid>/fd and /proc/<pid>/fdinfo: the listing of the open
 * descriptors; each fd/N a link whose readlink names what the descriptor
 * is (a file's path, " (deleted)" once unlinked, pipe:[N] and socket:[N]
 * with N its st_ino, the anonymous inodes of eventfd, timerfd, signalfd,
 * epoll, pidfd and userfaultfd, /memfd:NAME (deleted), a device's path,
 * a POSIX queue's /NAME); lstat's link mode by the access mode, stat of
 * the file behind; fdinfo's pos, flags (octal, with O_CLOEXEC), mnt_id
 * and ino; open of fd/N; and another user's fd/ refused (EACCES).
 * Inode numbers and mount ids vary and are only compared with fstat's.
 */
#include <dirent.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include "check.h"
#include "userfault.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* readlink of /proc/self/fd/<fd>, NUL-terminated ("" on failure). */
static const char *link_of(int fd)
{
    static char target[4200];
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t length = readlink(path, target, sizeof target - 1);
    target[length < 0 ? 0 : length] = 0;
    return target;
}

/* "prefix[<st_ino>]", as pipe:[N] and socket:[N] name them. */
static int names_its_inode(int fd, const char *prefix)
{
    struct stat status;
    if (fstat(fd, &status) != 0)
        return 0;
    char expected[64];
    snprintf(expected, sizeof expected, "%s[%llu]", prefix, (unsigned long long)status.st_ino);
    return strcmp(link_of(fd), expected) == 0;
}

static void files_and_directories_show_their_paths(void)
{
    int fd = open("/tmp/proc-fd-file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    CHECK(strcmp(link_of(fd), "/tmp/proc-fd-file") == 0);
    int directory = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(strcmp(link_of(directory), "/tmp") == 0);
    int null = open("/dev/null", O_WRONLY);
    CHECK(strcmp(link_of(null), "/dev/null") == 0);
    /* An unlinked file keeps its path, marked. */
    CHECK_OK(unlink("/tmp/proc-fd-file"));
    CHECK(strcmp(link_of(fd), "/tmp/proc-fd-file (deleted)") == 0);
    /* A short buffer gets the start, no NUL. */
    char path[64], start[5] = "zzzz";
    snprintf(path, sizeof path, "/proc/self/fd/%d", directory);
    CHECK_EQ(readlink(path, start, 3), 3);
    CHECK(memcmp(start, "/tmz", 4) == 0);
    close(fd);
    close(directory);
    close(null);
    printf("files, directories and devices: their paths; unlinked: (deleted)\n");
}

static void pipes_and_sockets_show_their_inodes(void)
{
    int ends[2], pair[2];
    REQUIRE(pipe(ends) == 0);
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
    CHECK(names_its_inode(ends[0], "pipe:"));
    CHECK(names_its_inode(ends[1], "pipe:"));
    struct stat reading, writing;
    CHECK(fstat(ends[0], &reading) == 0 && fstat(ends[1], &writing) == 0 &&
          reading.st_ino == writing.st_ino);
    CHECK(names_its_inode(pair[0], "socket:"));
    CHECK(names_its_inode(pair[1], "socket:"));
    close(ends[0]);
    close(ends[1]);
    close(pair[0]);
    close(pair[1]);
    printf("pipes and sockets: pipe:[N] and socket:[N], N their inode\n");
}

static void anonymous_descriptors_show_their_kind(void)
{
    int event = eventfd(0, 0);
    int timer = timerfd_create(CLOCK_MONOTONIC, 0);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    int signals = signalfd(-1, &mask, 0);
    int poller = epoll_create1(0);
    int process = (int)syscall(SYS_pidfd_open, getpid(), 0);
    int faults = userfaultfd(O_CLOEXEC);
    CHECK(strcmp(link_of(event), "anon_inode:[eventfd]") == 0);
    CHECK(strcmp(link_of(timer), "anon_inode:[timerfd]") == 0);
    CHECK(strcmp(link_of(signals), "anon_inode:[signalfd]") == 0);
    CHECK(strcmp(link_of(poller), "anon_inode:[eventpoll]") == 0);
    CHECK(strcmp(link_of(process), "anon_inode:[pidfd]") == 0);
    CHECK(strcmp(link_of(faults), "anon_inode:[userfaultfd]") == 0);
    int fds[] = {event, timer, signals, poller, process, faults};
    for (unsigned i = 0; i < sizeof fds / sizeof fds[0]; i++)
        close(fds[i]);
    printf("eventfd, timerfd, signalfd, epoll, pidfd, userfaultfd: anon_inode:[kind]\n");
}

static void memfds_and_queues_show_their_names(void)
{
    int memory = memfd_create("proc-test", 0);
    CHECK(strcmp(link_of(memory), "/memfd:proc-test (deleted)") == 0);
    close(memory);
    struct mq_attr attributes = {.mq_maxmsg = 4, .mq_msgsize = 16};
    mqd_t queue = mq_open("/proc-fd-queue", O_RDWR | O_CREAT | O_EXCL, 0600, &attributes);
    REQUIRE(queue != (mqd_t)-1);
    CHECK(strcmp(link_of(queue), "/proc-fd-queue") == 0);
    CHECK_OK(mq_unlink("/proc-fd-queue"));
    mq_close(queue);
    printf("memfds: /memfd:NAME (deleted); POSIX queues: /NAME\n");
}

/* Whether the directory lists fd (a link in fd/, a file in fdinfo/),
 * "." and "..", and not gone. */
static int listed(const char *directory, int fd, int gone)
{
    DIR *listing = opendir(directory);
    if (!listing)
        return 0;
    int seen_fd = 0, seen_gone = 0, seen_dots = 0;
    struct dirent *entry;
    while ((entry = readdir(listing))) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) {
            seen_dots++;
            continue;
        }
        int number = atoi(entry->d_name);
        int link = entry->d_type == DT_LNK, regular = entry->d_type == DT_REG;
        if (number == fd && (strstr(directory, "fdinfo") ? regular : link))
            seen_fd = 1;
        if (number == gone)
            seen_gone = 1;
    }
    closedir(listing);
    return seen_fd && !seen_gone && seen_dots == 2;
}

static void the_directories_list_the_open_descriptors(void)
{
    int fd = open("/dev/null", O_RDONLY);
    int gone = dup2(fd, 200);
    close(gone);
    CHECK(listed("/proc/self/fd", fd, gone));
    CHECK(listed("/proc/self/fdinfo", fd, gone));
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", gone);
    char target[16];
    CHECK_ERRNO(readlink(path, target, sizeof target), ENOENT);
    struct stat status;
    CHECK_ERRNO(lstat(path, &status), ENOENT);
    CHECK_OK(stat("/proc/self/fd", &status));
    CHECK(S_ISDIR(status.st_mode) && (status.st_mode & 0777) == 0500);
    CHECK_OK(stat("/proc/self/fdinfo", &status));
    CHECK(S_ISDIR(status.st_mode));
    close(fd);
    printf("fd/ and fdinfo/ list the open descriptors; a closed one is ENOENT\n");
}

static void links_stat_as_their_files(void)
{
    int reader = open("/dev/null", O_RDONLY);
    int writer = open("/dev/null", O_WRONLY);
    int both = open("/tmp/proc-fd-both", O_RDWR | O_CREAT, 0600);
    char path[64];
    struct stat link, file, direct;
    snprintf(path, sizeof path, "/proc/self/fd/%d", reader);
    CHECK_OK(lstat(path, &link));
    CHECK(S_ISLNK(link.st_mode) && (link.st_mode & 0777) == 0500);
    snprintf(path, sizeof path, "/proc/self/fd/%d", writer);
    CHECK_OK(lstat(path, &link));
    CHECK((link.st_mode & 0777) == 0300);
    snprintf(path, sizeof path, "/proc/self/fd/%d", both);
    CHECK_OK(lstat(path, &link));
    CHECK((link.st_mode & 0777) == 0700);
    CHECK_OK(stat(path, &file));
    CHECK_OK(fstat(both, &direct));
    CHECK(S_ISREG(file.st_mode) && file.st_ino == direct.st_ino && file.st_dev == direct.st_dev);
    /* open of the link: the same file, a description of its own. */
    CHECK_EQ(write(both, "hello", 5), 5);
    int again = open(path, O_RDONLY);
    CHECK(again >= 0);
    char bytes[8] = "";
    CHECK_EQ(read(again, bytes, sizeof bytes), 5);
    CHECK(memcmp(bytes, "hello", 5) == 0);
    CHECK_EQ(lseek(both, 0, SEEK_CUR), 5);
    close(again);
    close(reader);
    close(writer);
    close(both);
    unlink("/tmp/proc-fd-both");
    printf("lstat: a link of the access mode's bits; stat and open: the file\n");
}

/* fdinfo/<fd>'s four lines. */
static int fdinfo_of(int fd, long long *position, unsigned *flags, int *mount, unsigned long long *inode)
{
    char path[64], text[512] = "";
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    int info = open(path, O_RDONLY);
    if (info < 0)
        return 0;
    ssize_t length = read(info, text, sizeof text - 1);
    close(info);
    if (length <= 0)
        return 0;
    text[length] = 0;
    return sscanf(text, "pos:\t%lld\nflags:\t0%o\nmnt_id:\t%d\nino:\t%llu\n", position, flags,
                  mount, inode) == 4;
}

static void fdinfo_says_position_flags_and_inode(void)
{
    int fd = open("/tmp/proc-fdinfo", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, "0123456789", 10), 10);
    long long position;
    unsigned flags;
    int mount;
    unsigned long long inode;
    CHECK(fdinfo_of(fd, &position, &flags, &mount, &inode));
    struct stat status;
    CHECK_OK(fstat(fd, &status));
    CHECK_EQ(position, 10);
    CHECK_EQ(flags & (O_ACCMODE | O_APPEND | O_CLOEXEC | O_NONBLOCK),
             O_WRONLY | O_APPEND | O_CLOEXEC);
    CHECK(inode == (unsigned long long)status.st_ino);
    CHECK(mount > 0);
    /* The description's flags change with F_SETFL, the descriptor's with F_SETFD. */
    CHECK_OK(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
    CHECK_OK(fcntl(fd, F_SETFD, 0));
    CHECK(fdinfo_of(fd, &position, &flags, &mount, &inode));
    CHECK_EQ(flags & (O_ACCMODE | O_APPEND | O_CLOEXEC | O_NONBLOCK),
             O_WRONLY | O_APPEND | O_NONBLOCK);
    close(fd);
    unlink("/tmp/proc-fdinfo");
    int ends[2];
    REQUIRE(pipe2(ends, O_NONBLOCK) == 0);
    CHECK(fdinfo_of(ends[0], &position, &flags, &mount, &inode));
    CHECK_EQ(position, 0);
    CHECK_EQ(flags & (O_ACCMODE | O_NONBLOCK | O_CLOEXEC), O_RDONLY | O_NONBLOCK);
    CHECK_OK(fstat(ends[0], &status));
    CHECK(inode == (unsigned long long)status.st_ino);
    close(ends[0]);
    close(ends[1]);
    printf("fdinfo: pos, flags in octal (O_CLOEXEC too), mnt_id, ino\n");
}

static void a_child_is_looked_into_by_its_parent_not_by_another_user(void)
{
    int ready[2], hold[2];
    REQUIRE(pipe(ready) == 0 && pipe(hold) == 0);
    pid_t child = fork();
    if (child == 0) {
        close(ready[0]);
        close(hold[1]);
        int fd = open("/dev/null", O_RDONLY);
        char byte = (char)fd;
        if (write(ready[1], &byte, 1) != 1)
            _exit(1);
        read(hold[0], &byte, 1);
        _exit(0);
    }
    close(ready[1]);
    close(hold[0]);
    char fd;
    CHECK_EQ(read(ready[0], &fd, 1), 1);
    char path[64], target[64] = "";
    snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)child, fd);
    CHECK(readlink(path, target, sizeof target - 1) == 9 && strcmp(target, "/dev/null") == 0);
    /* Another user sees none of it. */
    pid_t stranger = fork();
    if (stranger == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0) {
            perror("setuid");
            _exit(2);
        }
        CHECK_ERRNO(readlink(path, target, sizeof target), EACCES);
        snprintf(path, sizeof path, "/proc/%d/fd", (int)child);
        CHECK_PTR_ERRNO(opendir(path), NULL, EACCES);
        snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)child, fd);
        CHECK_ERRNO(open(path, O_RDONLY), EACCES);
        check_child_exit();
    }
    check_child_passed(stranger);
    close(hold[1]);
    check_child_passed(child);
    close(ready[0]);
    printf("a child's fd/: read by its parent; another user's: EACCES\n");
}

int main(void)
{
    files_and_directories_show_their_paths();
    pipes_and_sockets_show_their_inodes();
    anonymous_descriptors_show_their_kind();
    memfds_and_queues_show_their_names();
    the_directories_list_the_open_descriptors();
    links_stat_as_their_files();
    fdinfo_says_position_flags_and_inode();
    a_child_is_looked_into_by_its_parent_not_by_another_user();
    return check_finish("proc_fd_links");
}
