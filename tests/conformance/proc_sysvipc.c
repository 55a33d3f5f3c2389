/*
 * /proc/sysvipc/{msg,sem,shm}: a header, then a line for every live
 * System V object of the caller's IPC namespace in Linux's columns (key,
 * id, perms in octal, then each kind's own: a queue's bytes, messages
 * and last pids, a set's size, a segment's size, pids and attachments;
 * owners; times), an object gone with its IPC_RMID. The test runs in an
 * IPC namespace of its own, so its objects are the only ones; times and
 * pids vary and are checked, not printed.
 */
#include <fcntl.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include "check.h"

static char text[8192];

static int slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int length = 0;
    for (;;) {
        ssize_t got = read(fd, text + length, sizeof text - 1 - (size_t)length);
        if (got <= 0)
            break;
        length += (int)got;
    }
    close(fd);
    text[length] = 0;
    return length;
}

/* The line after the header (the first object's), or NULL. */
static const char *first_object(void)
{
    const char *newline = strchr(text, '\n');
    return newline && newline[1] ? newline + 1 : NULL;
}

static int lines(void)
{
    int count = 0;
    for (const char *c = text; *c; c++)
        count += *c == '\n';
    return count;
}

static void the_headers_are_linuxs(void)
{
    const char *files[] = {"/proc/sysvipc/msg", "/proc/sysvipc/sem", "/proc/sysvipc/shm"};
    for (int i = 0; i < 3; i++) {
        CHECK(slurp(files[i]) > 0);
        CHECK_EQ(lines(), 1);       /* nothing in a new namespace */
        printf("%s", text);
    }
}

static void a_queue_shows_its_bytes_messages_and_owner(void)
{
    int queue = msgget(0x7ab1e, IPC_CREAT | IPC_EXCL | 0640);
    REQUIRE(queue >= 0);
    struct {
        long type;
        char text[8];
    } message = {3, "abcdefg"};
    CHECK_OK(msgsnd(queue, &message, 5, 0));
    CHECK_OK(msgsnd(queue, &message, 7, 0));
    CHECK(slurp("/proc/sysvipc/msg") > 0);
    CHECK_EQ(lines(), 2);
    const char *line = first_object();
    int key, id, lspid, lrpid;
    unsigned perms, uid, gid, cuid, cgid;
    unsigned long cbytes, qnum;
    long long stime, rtime, ctime;
    CHECK(line && sscanf(line, "%d %d %o %lu %lu %d %d %u %u %u %u %lld %lld %lld", &key, &id,
                         &perms, &cbytes, &qnum, &lspid, &lrpid, &uid, &gid, &cuid, &cgid,
                         &stime, &rtime, &ctime) == 14);
    CHECK_EQ(key, 0x7ab1e);
    CHECK_EQ(id, queue);
    CHECK_EQ(perms, 0640);
    CHECK_EQ(cbytes, 12);
    CHECK_EQ(qnum, 2);
    CHECK_EQ(lspid, getpid());
    CHECK_EQ(lrpid, 0);
    CHECK(uid == getuid() && gid == getgid() && cuid == getuid() && cgid == getgid());
    CHECK(stime > 0 && rtime == 0 && ctime > 0);
    /* Linux's columns, field for field up to the times. */
    char expected[160];
    snprintf(expected, sizeof expected, "%10d %10d  %4o  %10lu %10lu %5u %5u %5u %5u %5u %5u ",
             key, id, perms, cbytes, qnum, lspid, lrpid, uid, gid, cuid, cgid);
    CHECK(line && strncmp(line, expected, strlen(expected)) == 0);
    CHECK_OK(msgctl(queue, IPC_RMID, NULL));
    CHECK(slurp("/proc/sysvipc/msg") > 0);
    CHECK_EQ(lines(), 1);
    printf("msg: key, id, perms, bytes, messages, last pids, owners; gone with IPC_RMID\n");
}

static void a_set_shows_its_size(void)
{
    int set = semget(IPC_PRIVATE, 3, 0600);
    REQUIRE(set >= 0);
    CHECK(slurp("/proc/sysvipc/sem") > 0);
    const char *line = first_object();
    int key, id;
    unsigned perms, nsems, uid, gid, cuid, cgid;
    long long otime, ctime;
    CHECK(line && sscanf(line, "%d %d %o %u %u %u %u %u %lld %lld", &key, &id, &perms, &nsems,
                         &uid, &gid, &cuid, &cgid, &otime, &ctime) == 10);
    CHECK(key == 0 && id == set && perms == 0600 && nsems == 3 && otime == 0 && ctime > 0);
    char expected[160];
    snprintf(expected, sizeof expected, "%10d %10d  %4o %10u %5u %5u %5u %5u %10lld ", key, id,
             perms, nsems, uid, gid, cuid, cgid, otime);
    CHECK(line && strncmp(line, expected, strlen(expected)) == 0);
    semctl(set, 0, IPC_RMID);
    printf("sem: key, id, perms, nsems, owners, times\n");
}

static void a_segment_shows_its_size_and_attachments(void)
{
    int segment = shmget(0x5e9, 10000, IPC_CREAT | 0600);
    REQUIRE(segment >= 0);
    char *attached = shmat(segment, NULL, 0);
    REQUIRE(attached != (char *)-1);
    attached[0] = 1;
    CHECK(slurp("/proc/sysvipc/shm") > 0);
    const char *line = first_object();
    int key, id, cpid, lpid;
    unsigned perms, uid, gid, cuid, cgid;
    unsigned long size, nattch, rss, swap;
    long long atime, dtime, ctime;
    CHECK(line && sscanf(line, "%d %d %o %lu %d %d %lu %u %u %u %u %lld %lld %lld %lu %lu", &key,
                         &id, &perms, &size, &cpid, &lpid, &nattch, &uid, &gid, &cuid, &cgid,
                         &atime, &dtime, &ctime, &rss, &swap) == 16);
    CHECK(key == 0x5e9 && id == segment && perms == 0600 && size == 10000 && nattch == 1);
    CHECK(cpid == getpid() && lpid == getpid() && atime > 0 && dtime == 0 && ctime > 0);
    CHECK(rss >= 4096 && rss % 4096 == 0 && swap == 0);
    char expected[200];
    snprintf(expected, sizeof expected, "%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u ",
             key, id, perms, size, cpid, lpid, nattch, uid, gid, cuid, cgid);
    CHECK(line && strncmp(line, expected, strlen(expected)) == 0);
    /* Marked for removal while attached: the mode shows SHM_DEST, the
     * key is private. */
    CHECK_OK(shmctl(segment, IPC_RMID, NULL));
    CHECK(slurp("/proc/sysvipc/shm") > 0);
    line = first_object();
    CHECK(line && sscanf(line, "%d %d %o", &key, &id, &perms) == 3 && key == 0 &&
          perms == (01000 | 0600));
    shmdt(attached);
    CHECK(slurp("/proc/sysvipc/shm") > 0);
    CHECK_EQ(lines(), 1);
    printf("shm: key, id, perms (SHM_DEST once removed), size, pids, nattch, owners, times, "
           "rss, swap\n");
}

int main(void)
{
    REQUIRE(unshare(CLONE_NEWIPC) == 0);
    the_headers_are_linuxs();
    a_queue_shows_its_bytes_messages_and_owner();
    a_set_shows_its_size();
    a_segment_shows_its_size_and_attachments();
    return check_finish("proc_sysvipc");
}
