/* System V message queues, what never waits, as Linux 6.1 gives it:
 * msgget (IPC_PRIVATE, always new; an ftok key and a literal one;
 * IPC_CREAT, IPC_EXCL's EEXIST only with IPC_CREAT, ENOENT, the mode
 * bits); msgsnd and msgrcv: FIFO order for type 0, the first of a type,
 * the lowest type up to |type| (LONG_MIN too), MSG_EXCEPT (which type 0
 * and negative types ignore), MSG_NOERROR's truncation and E2BIG without
 * it (the message stays, and hides later ones), ENOMSG and EAGAIN with
 * IPC_NOWAIT, msg_qbytes bounding the bytes and also the number of
 * messages (zero-length ones fit a queue full of bytes), EINVAL for
 * mtype < 1 and sizes above MSGMAX or negative, EFAULT (mtype is read
 * first; a message msgrcv cannot store is lost); IPC_STAT's fields
 * after each call (msg_lspid, msg_lrpid and the times, a failed call
 * changing nothing); IPC_SET (uid, gid, mode, msg_qbytes above MSGMNB
 * for root, or 0); IPC_RMID and EINVAL after it; IPC_INFO and MSG_INFO
 * (the limits, the queues, messages and bytes in use, the highest
 * index); MSG_STAT and MSG_STAT_ANY; bad ids and commands (IPC_64
 * included) and EFAULT; an unprivileged user's EACCES and EPERM, the
 * checks before them first; MSG_COPY (a message by position, left in
 * place, only with IPC_NOWAIT). */
#include <fcntl.h>
#include <limits.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "sysv_msg.h"

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif

enum { index_span = 32768 };

static void getting_queues(void)
{
    int first = msgget(IPC_PRIVATE, 0600);
    int second = msgget(IPC_PRIVATE, IPC_CREAT | IPC_EXCL | 0640);
    REQUIRE(first >= 0 && second >= 0);
    CHECK(first != second);
    struct msqid_ds stat = status(second);
    CHECK_EQ(stat.msg_perm.__key, IPC_PRIVATE);
    CHECK_EQ(stat.msg_perm.mode, 0640);

    const char *path = "/tmp/sysv_msg_basics";
    int fd = open(path, O_CREAT | O_WRONLY, 0600);
    REQUIRE(fd >= 0);
    close(fd);
    key_t key = ftok(path, 'M');
    REQUIRE(key != -1);
    CHECK_ERRNO(msgget(key, 0600), ENOENT);
    int keyed = msgget(key, IPC_CREAT | IPC_EXCL | 0604);
    REQUIRE(keyed >= 0);
    CHECK_EQ(msgget(key, 0), keyed);
    CHECK_EQ(msgget(key, 0600), keyed);
    CHECK_EQ(msgget(key, IPC_CREAT | 0777), keyed);           /* found: mode kept */
    CHECK_EQ(msgget(key, IPC_EXCL | 0600), keyed);            /* EXCL needs CREAT */
    CHECK_ERRNO(msgget(key, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    stat = status(keyed);
    CHECK_EQ(stat.msg_perm.__key, key);
    CHECK_EQ(stat.msg_perm.mode, 0604);

    /* A literal key, made without IPC_EXCL and with no mode bits (root
     * may use it all the same). */
    key_t literal = 0x53590801;
    CHECK_ERRNO(msgget(literal, 0), ENOENT);
    int plain = msgget(literal, IPC_CREAT | 070000);
    REQUIRE(plain >= 0);
    CHECK_EQ(msgget(literal, IPC_CREAT), plain);
    stat = status(plain);
    CHECK_EQ(stat.msg_perm.__key, literal);
    CHECK_EQ(stat.msg_perm.mode, 0);
    CHECK_EQ(send_text(plain, 1, "root's", IPC_NOWAIT), 0);
    receives(plain, 64, 0, IPC_NOWAIT, 1, "root's");

    CHECK_EQ(msgctl(keyed, IPC_RMID, NULL), 0);
    CHECK_ERRNO(msgget(key, 0), ENOENT);
    int again = msgget(key, IPC_CREAT | 0600);
    CHECK(again >= 0 && again != keyed);
    CHECK_EQ(msgctl(again, IPC_RMID, NULL), 0);
    CHECK_EQ(msgctl(plain, IPC_RMID, NULL), 0);
    CHECK_ERRNO(msgget(literal, 0), ENOENT);
    CHECK_EQ(msgctl(first, IPC_RMID, NULL), 0);
    CHECK_EQ(msgctl(second, IPC_RMID, NULL), 0);
    unlink(path);
}

/* IPC_STAT after each call: who sent and received last, and when. */
static void stat_fields(void)
{
    int id = msgget(IPC_PRIVATE, 0620);
    REQUIRE(id >= 0);
    struct msqid_ds stat = status(id);
    CHECK_EQ(stat.msg_qnum, 0);
    CHECK_EQ(stat.msg_cbytes, 0);
    CHECK_EQ(stat.msg_qbytes, msgmnb);
    CHECK_EQ(stat.msg_lspid, 0);
    CHECK_EQ(stat.msg_lrpid, 0);
    CHECK_EQ(stat.msg_stime, 0);
    CHECK_EQ(stat.msg_rtime, 0);
    CHECK(stat.msg_ctime > 0);
    CHECK_EQ(stat.msg_perm.uid, 0);
    CHECK_EQ(stat.msg_perm.gid, 0);
    CHECK_EQ(stat.msg_perm.cuid, 0);
    CHECK_EQ(stat.msg_perm.cgid, 0);
    CHECK_EQ(stat.msg_perm.mode, 0620);
    time_t created = stat.msg_ctime;

    CHECK_EQ(send_text(id, 4, "four", 0), 0);
    CHECK_EQ(send_text(id, 2, "to", 0), 0);
    stat = status(id);
    CHECK_EQ(stat.msg_qnum, 2);
    CHECK_EQ(stat.msg_cbytes, 6);
    CHECK_EQ(stat.msg_lspid, getpid());
    CHECK_EQ(stat.msg_lrpid, 0);
    CHECK(stat.msg_stime > 0);
    CHECK_EQ(stat.msg_rtime, 0);
    CHECK_EQ(stat.msg_ctime, created);          /* only IPC_SET changes it */

    receives(id, 64, 0, 0, 4, "four");
    stat = status(id);
    CHECK_EQ(stat.msg_qnum, 1);
    CHECK_EQ(stat.msg_cbytes, 2);
    CHECK_EQ(stat.msg_lrpid, getpid());
    CHECK(stat.msg_rtime > 0);
    CHECK_EQ(stat.msg_ctime, created);

    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(send_text(id, 7, "child's", 0), 0);
        receives(id, 64, 2, IPC_NOWAIT, 2, "to");
        check_child_exit();
    }
    check_child_passed(child);
    stat = status(id);
    CHECK_EQ(stat.msg_lspid, child);
    CHECK_EQ(stat.msg_lrpid, child);
    CHECK_EQ(stat.msg_qnum, 1);
    CHECK_EQ(stat.msg_cbytes, 7);

    /* Failed calls change nothing. */
    CHECK_ERRNO(msgrcv(id, &incoming, 2, 0, IPC_NOWAIT), E2BIG);
    CHECK_ERRNO(msgrcv(id, &incoming, 64, 5, IPC_NOWAIT), ENOMSG);
    CHECK_ERRNO(send_text(id, 0, "x", IPC_NOWAIT), EINVAL);
    stat = status(id);
    CHECK_EQ(stat.msg_lspid, child);
    CHECK_EQ(stat.msg_lrpid, child);
    CHECK_EQ(stat.msg_qnum, 1);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

static void order_and_types(void)
{
    int id = msgget(IPC_PRIVATE, 0600);
    REQUIRE(id >= 0);
    CHECK_EQ(send_text(id, 3, "a", 0), 0);
    CHECK_EQ(send_text(id, 1, "b", 0), 0);
    CHECK_EQ(send_text(id, 2, "c", 0), 0);
    CHECK_EQ(send_text(id, 1, "d", 0), 0);
    CHECK_EQ(send_text(id, 3, "e", 0), 0);
    CHECK_EQ(send_text(id, 5, "f", 0), 0);
    receives(id, 64, 0, 0, 3, "a");                     /* the first */
    receives(id, 64, 3, 0, 3, "e");                     /* the first of type 3 */
    receives(id, 64, -2, 0, 1, "b");                    /* the lowest up to 2 */
    receives(id, 64, -10, 0, 1, "d");                   /* then the next of it */
    receives(id, 64, 2, MSG_EXCEPT, 5, "f");            /* the first not of type 2 */
    CHECK_ERRNO(msgrcv(id, &incoming, 64, 2, MSG_EXCEPT | IPC_NOWAIT), ENOMSG);
    CHECK_ERRNO(msgrcv(id, &incoming, 64, 4, IPC_NOWAIT), ENOMSG);
    CHECK_ERRNO(msgrcv(id, &incoming, 64, -1, IPC_NOWAIT), ENOMSG);
    receives(id, 64, 0, MSG_EXCEPT, 2, "c");            /* type 0: any */
    CHECK_ERRNO(msgrcv(id, &incoming, 64, 0, IPC_NOWAIT), ENOMSG);

    /* A negative type ignores MSG_EXCEPT; LONG_MIN is the lowest of all. */
    CHECK_EQ(send_text(id, 4, "g", 0), 0);
    CHECK_EQ(send_text(id, 2, "h", 0), 0);
    receives(id, 64, -3, MSG_EXCEPT, 2, "h");
    CHECK_EQ(send_text(id, LONG_MAX, "i", 0), 0);
    CHECK_EQ(send_text(id, 7, "j", 0), 0);
    receives(id, 64, LONG_MIN, 0, 4, "g");
    receives(id, 64, LONG_MIN, 0, 7, "j");
    receives(id, 64, LONG_MAX, 0, LONG_MAX, "i");
    CHECK_ERRNO(send_text(id, 0, "k", 0), EINVAL);
    CHECK_ERRNO(send_text(id, -1, "k", 0), EINVAL);
    CHECK_ERRNO(send_text(id, LONG_MIN, "k", 0), EINVAL);
    CHECK_EQ(status(id).msg_qnum, 0);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

static void sizes(void)
{
    int id = msgget(IPC_PRIVATE, 0600);
    REQUIRE(id >= 0);
    /* Zero-length messages. */
    CHECK_EQ(send_text(id, 9, "", 0), 0);
    struct msqid_ds stat = status(id);
    CHECK_EQ(stat.msg_qnum, 1);
    CHECK_EQ(stat.msg_cbytes, 0);
    incoming.mtype = 0;
    CHECK_EQ(msgrcv(id, &incoming, 0, 0, IPC_NOWAIT), 0);
    CHECK_EQ(incoming.mtype, 9);

    /* MSGMAX goes whole; one more byte, or a negative size, is EINVAL. */
    for (int i = 0; i < msgmax; i++)
        outgoing.mtext[i] = (char)(i * 7 + 1);
    outgoing.mtype = 1;
    CHECK_EQ(msgsnd(id, &outgoing, msgmax, 0), 0);
    CHECK_ERRNO(msgsnd(id, &outgoing, msgmax + 1, 0), EINVAL);
    CHECK_ERRNO(msgsnd(id, &outgoing, (size_t)-1, 0), EINVAL);
    CHECK_ERRNO(msgsnd(id, &outgoing, (size_t)LONG_MAX + 1, 0), EINVAL);
    CHECK_EQ(status(id).msg_cbytes, msgmax);
    memset(&incoming, 0, sizeof incoming);
    CHECK_EQ(msgrcv(id, &incoming, msgmax + 64, 0, IPC_NOWAIT), msgmax);
    CHECK(memcmp(incoming.mtext, outgoing.mtext, msgmax) == 0);
    CHECK_ERRNO(msgrcv(id, &incoming, (size_t)-1, 0, IPC_NOWAIT), EINVAL);

    /* Too long for the buffer: E2BIG, the message stays and is still the
     * first (a shorter one behind it waits); MSG_NOERROR truncates. */
    CHECK_EQ(send_text(id, 1, "hello world", 0), 0);
    CHECK_EQ(send_text(id, 1, "hi", 0), 0);
    CHECK_ERRNO(msgrcv(id, &incoming, 5, 0, IPC_NOWAIT), E2BIG);
    CHECK_ERRNO(msgrcv(id, &incoming, 5, 0, 0), E2BIG);     /* no waiting for it */
    CHECK_EQ(status(id).msg_qnum, 2);
    memset(&incoming, 0, sizeof incoming);
    CHECK_EQ(msgrcv(id, &incoming, 5, 0, MSG_NOERROR | IPC_NOWAIT), 5);
    CHECK(memcmp(incoming.mtext, "hello\0", 6) == 0);
    stat = status(id);
    CHECK_EQ(stat.msg_qnum, 1);
    CHECK_EQ(stat.msg_cbytes, 2);                   /* all 11 bytes went */
    receives(id, 2, 0, IPC_NOWAIT, 1, "hi");
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

/* msg_qbytes bounds the bytes queued, and the messages: qnum + 1 must
 * not exceed it either. */
static void full_queues(void)
{
    int id = msgget(IPC_PRIVATE, 0600);
    REQUIRE(id >= 0);
    outgoing.mtype = 1;
    memset(outgoing.mtext, 'x', msgmax);
    CHECK_EQ(msgsnd(id, &outgoing, msgmax, IPC_NOWAIT), 0);
    CHECK_EQ(msgsnd(id, &outgoing, msgmax, IPC_NOWAIT), 0);
    CHECK_ERRNO(msgsnd(id, &outgoing, 1, IPC_NOWAIT), EAGAIN);
    CHECK_EQ(msgsnd(id, &outgoing, 0, IPC_NOWAIT), 0);      /* no bytes: fits */
    struct msqid_ds stat = status(id);
    CHECK_EQ(stat.msg_qnum, 3);
    CHECK_EQ(stat.msg_cbytes, msgmnb);
    CHECK_EQ(msgrcv(id, &incoming, msgmax, 0, IPC_NOWAIT), msgmax);
    CHECK_EQ(msgsnd(id, &outgoing, 1, IPC_NOWAIT), 0);

    /* Lowered below what is queued: the messages stay, nothing fits. */
    stat.msg_qbytes = 10;
    CHECK_EQ(msgctl(id, IPC_SET, &stat), 0);
    stat = status(id);
    CHECK_EQ(stat.msg_qbytes, 10);
    CHECK_EQ(stat.msg_qnum, 3);
    CHECK_ERRNO(msgsnd(id, &outgoing, 0, IPC_NOWAIT), EAGAIN);
    CHECK_EQ(msgrcv(id, &incoming, msgmax, 0, IPC_NOWAIT), msgmax);
    CHECK_EQ(msgrcv(id, &incoming, msgmax, 0, IPC_NOWAIT), 0);
    CHECK_EQ(msgrcv(id, &incoming, msgmax, 0, IPC_NOWAIT), 1);
    CHECK_ERRNO(send_text(id, 1, "eleven byte", IPC_NOWAIT), EAGAIN);   /* never fits */
    CHECK_EQ(send_text(id, 1, "six123", IPC_NOWAIT), 0);
    CHECK_ERRNO(send_text(id, 1, "five5", IPC_NOWAIT), EAGAIN);
    CHECK_EQ(send_text(id, 1, "four", IPC_NOWAIT), 0);
    CHECK_EQ(send_text(id, 1, "", IPC_NOWAIT), 0);
    receives(id, 64, 0, IPC_NOWAIT, 1, "six123");
    receives(id, 64, 0, IPC_NOWAIT, 1, "four");
    receives(id, 64, 0, IPC_NOWAIT, 1, "");

    /* Three messages at most, of no bytes. */
    stat = status(id);
    stat.msg_qbytes = 3;
    CHECK_EQ(msgctl(id, IPC_SET, &stat), 0);
    int sent = 0;
    for (int i = 0; i < 5; i++)
        sent += send_text(id, 1, "", IPC_NOWAIT) == 0;
    CHECK_EQ(sent, 3);
    CHECK_ERRNO(send_text(id, 1, "", IPC_NOWAIT), EAGAIN);
    CHECK_EQ(msgrcv(id, &incoming, 0, 0, IPC_NOWAIT), 0);
    CHECK_EQ(send_text(id, 1, "1", IPC_NOWAIT), 0);
    CHECK_ERRNO(send_text(id, 1, "", IPC_NOWAIT), EAGAIN);
    stat = status(id);
    CHECK_EQ(stat.msg_qnum, 3);
    CHECK_EQ(stat.msg_cbytes, 1);

    /* msg_qbytes 0: nothing at all. */
    stat.msg_qbytes = 0;
    CHECK_EQ(msgctl(id, IPC_SET, &stat), 0);
    CHECK_EQ(status(id).msg_qbytes, 0);
    CHECK_EQ(msgrcv(id, &incoming, 0, 0, IPC_NOWAIT), 0);
    CHECK_EQ(msgrcv(id, &incoming, 0, 0, IPC_NOWAIT), 0);
    CHECK_EQ(msgrcv(id, &incoming, 1, 0, IPC_NOWAIT), 1);
    CHECK_ERRNO(send_text(id, 1, "", IPC_NOWAIT), EAGAIN);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

/* Bad addresses: msgsnd reads mtype before anything else (even the id
 * and the size), then the text; msgrcv takes the message off the queue
 * before it stores it. */
static void bad_addresses(void)
{
    int id = msgget(IPC_PRIVATE, 0600);
    REQUIRE(id >= 0);
    long page = sysconf(_SC_PAGESIZE);
    char *pages = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(pages != MAP_FAILED);
    REQUIRE(mprotect(pages + page, page, PROT_NONE) == 0);
    struct message *edge = (struct message *)(pages + page - sizeof(long));
    edge->mtype = 6;                    /* readable; the text is not */

    CHECK_ERRNO(msgsnd(id, NULL, 1, 0), EFAULT);
    CHECK_ERRNO(msgsnd(id, NULL, msgmax + 1, 0), EFAULT);
    CHECK_ERRNO(msgsnd(-1, NULL, 1, 0), EFAULT);
    CHECK_ERRNO(msgsnd(id, edge, 1, 0), EFAULT);
    CHECK_ERRNO(msgsnd(id + index_span, edge, 1, 0), EFAULT);  /* before the id */
    CHECK_ERRNO(msgsnd(id, edge, msgmax + 1, 0), EINVAL);
    edge->mtype = 0;
    CHECK_ERRNO(msgsnd(id, edge, 1, 0), EINVAL);                /* before the text */
    edge->mtype = 6;
    CHECK_EQ(msgsnd(id, edge, 0, 0), 0);                        /* no text to read */
    CHECK_EQ(status(id).msg_qnum, 1);

    /* Receiving. */
    CHECK_ERRNO(msgrcv(id, NULL, 64, 7, IPC_NOWAIT), ENOMSG);   /* nothing stored */
    CHECK_ERRNO(msgrcv(id + index_span, NULL, 64, 0, IPC_NOWAIT), EINVAL);
    edge->mtype = 0;
    CHECK_EQ(msgrcv(id, edge, 0, 0, IPC_NOWAIT), 0);
    CHECK_EQ(edge->mtype, 6);
    CHECK_EQ(send_text(id, 1, "lost", 0), 0);
    CHECK_ERRNO(msgrcv(id, NULL, 2, 0, IPC_NOWAIT), E2BIG);     /* before storing */
    CHECK_ERRNO(msgrcv(id, NULL, 64, 0, IPC_NOWAIT), EFAULT);
    CHECK_EQ(send_text(id, 2, "lost too", 0), 0);
    edge->mtype = 0;
    CHECK_ERRNO(msgrcv(id, edge, 64, 0, IPC_NOWAIT), EFAULT);
    CHECK_EQ(edge->mtype, 2);                                    /* stored first */
    struct msqid_ds stat = status(id);
    CHECK_EQ(stat.msg_qnum, 0);
    CHECK_EQ(stat.msg_cbytes, 0);
    CHECK_EQ(stat.msg_lrpid, getpid());
    munmap(pages, 2 * page);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

static void setting(void)
{
    int id = msgget(IPC_PRIVATE, 0600);
    REQUIRE(id >= 0);
    struct msqid_ds stat = status(id);
    time_t created = stat.msg_ctime;
    stat.msg_perm.uid = 1000;
    stat.msg_perm.gid = 1001;
    stat.msg_perm.cuid = 1002;                  /* not set */
    stat.msg_perm.mode = 071644;                /* the permission bits only */
    stat.msg_qbytes = 100000;                   /* above MSGMNB: root may */
    stat.msg_qnum = 99;                         /* not set */
    CHECK_EQ(msgctl(id, IPC_SET, &stat), 0);
    stat = status(id);
    CHECK_EQ(stat.msg_perm.uid, 1000);
    CHECK_EQ(stat.msg_perm.gid, 1001);
    CHECK_EQ(stat.msg_perm.cuid, 0);
    CHECK_EQ(stat.msg_perm.cgid, 0);
    CHECK_EQ(stat.msg_perm.mode, 0644);
    CHECK_EQ(stat.msg_qbytes, 100000);
    CHECK_EQ(stat.msg_qnum, 0);
    CHECK(stat.msg_ctime >= created);
    CHECK_EQ(stat.msg_stime, 0);

    /* 100000 bytes hold twelve messages of MSGMAX. */
    outgoing.mtype = 1;
    memset(outgoing.mtext, 'y', msgmax);
    int sent = 0;
    for (int i = 0; i < 13; i++)
        sent += msgsnd(id, &outgoing, msgmax, IPC_NOWAIT) == 0;
    CHECK_EQ(sent, 12);
    stat = status(id);
    CHECK_EQ(stat.msg_cbytes, 12 * msgmax);
    CHECK_EQ(stat.msg_qnum, 12);

    struct msqid_ds bad = stat;
    bad.msg_perm.uid = (uid_t)-1;
    CHECK_ERRNO(msgctl(id, IPC_SET, &bad), EINVAL);
    bad = stat;
    bad.msg_perm.gid = (gid_t)-1;
    CHECK_ERRNO(msgctl(id, IPC_SET, &bad), EINVAL);
    CHECK_EQ(status(id).msg_perm.uid, 1000);
    CHECK_ERRNO(msgctl(id, IPC_SET, NULL), EFAULT);
    CHECK_ERRNO(msgctl(id + index_span, IPC_SET, NULL), EFAULT);    /* read first */
    CHECK_ERRNO(msgctl(id + index_span, IPC_SET, &stat), EINVAL);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

static void bad_ids_and_commands(void)
{
    int id = msgget(IPC_PRIVATE, 0600);
    REQUIRE(id >= 0);
    struct msqid_ds stat;
    CHECK_ERRNO(msgctl(id, 99, &stat), EINVAL);
    CHECK_ERRNO(msgctl(id, -1, &stat), EINVAL);
    CHECK_ERRNO(msgctl(id, 4, &stat), EINVAL);
    CHECK_ERRNO(msgctl(id, 14, &stat), EINVAL);
    CHECK_ERRNO(syscall(SYS_msgctl, id, IPC_STAT | 0x100, &stat), EINVAL);
    CHECK_ERRNO(syscall(SYS_msgctl, id, IPC_RMID | 0x100, NULL), EINVAL);
    CHECK_ERRNO(msgctl(-1, IPC_STAT, &stat), EINVAL);
    CHECK_ERRNO(msgctl(id + index_span, IPC_STAT, &stat), EINVAL);
    CHECK_ERRNO(msgctl(id, IPC_STAT, NULL), EFAULT);
    CHECK_ERRNO(msgctl(id + index_span, IPC_STAT, NULL), EINVAL);
    CHECK_ERRNO(msgctl(-1, IPC_RMID, NULL), EINVAL);
    CHECK_ERRNO(msgctl(id + index_span, IPC_RMID, NULL), EINVAL);
    CHECK_ERRNO(send_text(-1, 1, "x", IPC_NOWAIT), EINVAL);
    CHECK_ERRNO(send_text(id + index_span, 1, "x", IPC_NOWAIT), EINVAL);
    CHECK_ERRNO(msgrcv(-1, &incoming, 64, 0, IPC_NOWAIT), EINVAL);
    CHECK_ERRNO(msgrcv(id + index_span, &incoming, 64, 0, IPC_NOWAIT), EINVAL);
    CHECK_ERRNO(msgrcv(id + index_span, &incoming, 64, 0, 0), EINVAL);

    /* Removed: EINVAL for everything, the messages gone with it. */
    CHECK_EQ(send_text(id, 1, "x", 0), 0);
    stat = status(id);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
    CHECK_ERRNO(msgctl(id, IPC_RMID, NULL), EINVAL);
    CHECK_ERRNO(msgctl(id, IPC_STAT, &stat), EINVAL);
    CHECK_ERRNO(msgctl(id, IPC_SET, &stat), EINVAL);
    CHECK_ERRNO(send_text(id, 1, "x", IPC_NOWAIT), EINVAL);
    CHECK_ERRNO(send_text(id, 1, "x", 0), EINVAL);
    CHECK_ERRNO(msgrcv(id, &incoming, 64, 0, IPC_NOWAIT), EINVAL);
    CHECK_ERRNO(msgrcv(id, &incoming, 64, 0, 0), EINVAL);
    CHECK_ERRNO(msgctl(id % index_span, MSG_STAT, &stat), EINVAL);
    CHECK_ERRNO(msgctl(id % index_span, MSG_STAT_ANY, &stat), EINVAL);
}

static int usage(int command, struct msginfo *info)
{
    memset(info, 0, sizeof *info);
    return msgctl(0, command, (struct msqid_ds *)info);
}

/* The limits, constant; the usage, counted from before. */
static void info(void)
{
    struct msginfo before, info;
    int highest_before = usage(MSG_INFO, &before);
    CHECK(highest_before >= 0);
    int a = msgget(IPC_PRIVATE, 0600);
    int b = msgget(IPC_PRIVATE, 0644);
    REQUIRE(a >= 0 && b >= 0);
    CHECK_EQ(send_text(a, 1, "x", 0), 0);
    CHECK_EQ(send_text(b, 2, "yy", 0), 0);
    CHECK_EQ(send_text(b, 3, "zzz", 0), 0);

    int highest = usage(IPC_INFO, &info);
    CHECK(highest >= a % index_span && highest >= b % index_span);
    CHECK(highest < index_span);
    CHECK_EQ(info.msgmax, 8192);
    CHECK_EQ(info.msgmnb, 16384);
    CHECK_EQ(info.msgmni, 32000);
    CHECK_EQ(info.msgssz, 16);
    CHECK_EQ(info.msgseg, 65535);
    CHECK_EQ(info.msgpool, 512000);             /* MSGMNI * MSGMNB / 1024 */
    CHECK_EQ(info.msgmap, 16384);
    CHECK_EQ(info.msgtql, 16384);
    CHECK_EQ(msgctl(12345, MSG_INFO, (struct msqid_ds *)&info), highest);   /* any id */
    CHECK_EQ(info.msgpool, before.msgpool + 2);         /* queues */
    CHECK_EQ(info.msgmap, before.msgmap + 3);           /* messages */
    CHECK_EQ(info.msgtql, before.msgtql + 6);           /* bytes */
    CHECK_EQ(info.msgmax, 8192);
    CHECK_EQ(info.msgmnb, 16384);
    CHECK_EQ(info.msgmni, 32000);
    CHECK_EQ(info.msgssz, 16);
    CHECK_EQ(info.msgseg, 65535);
    CHECK_ERRNO(msgctl(-1, IPC_INFO, (struct msqid_ds *)&info), EINVAL);
    CHECK_ERRNO(msgctl(-1, MSG_INFO, (struct msqid_ds *)&info), EINVAL);
    CHECK_ERRNO(msgctl(0, IPC_INFO, NULL), EFAULT);
    CHECK_ERRNO(msgctl(0, MSG_INFO, NULL), EFAULT);

    /* MSG_STAT and MSG_STAT_ANY take an index and return the id. */
    struct msqid_ds stat;
    memset(&stat, 0, sizeof stat);
    CHECK_EQ(msgctl(a % index_span, MSG_STAT, &stat), a);
    CHECK_EQ(stat.msg_qnum, 1);
    CHECK_EQ(stat.msg_cbytes, 1);
    CHECK_EQ(stat.msg_perm.mode, 0600);
    CHECK_EQ(stat.msg_lspid, getpid());
    memset(&stat, 0, sizeof stat);
    CHECK_EQ(msgctl(b % index_span, MSG_STAT_ANY, &stat), b);
    CHECK_EQ(stat.msg_qnum, 2);
    CHECK_EQ(stat.msg_cbytes, 5);
    CHECK_EQ(stat.msg_perm.mode, 0644);
    CHECK_EQ(msgctl(b % index_span, MSG_STAT, &stat), b);
    CHECK_EQ(msgctl(b % index_span + 3 * index_span, MSG_STAT, &stat), b);  /* the index bits */
    CHECK_ERRNO(msgctl(b % index_span, MSG_STAT, NULL), EFAULT);
    CHECK_ERRNO(msgctl(-1, MSG_STAT, &stat), EINVAL);

    receives(b, 64, 0, IPC_NOWAIT, 2, "yy");
    CHECK_EQ(usage(MSG_INFO, &info), highest);
    CHECK_EQ(info.msgmap, before.msgmap + 2);
    CHECK_EQ(info.msgtql, before.msgtql + 4);
    CHECK_EQ(msgctl(a, IPC_RMID, NULL), 0);
    CHECK_EQ(msgctl(b, IPC_RMID, NULL), 0);
    usage(MSG_INFO, &info);
    CHECK_EQ(info.msgpool, before.msgpool);
    CHECK_EQ(info.msgmap, before.msgmap);
    CHECK_EQ(info.msgtql, before.msgtql);
    CHECK_ERRNO(msgctl(a % index_span, MSG_STAT, &stat), EINVAL);
}

/* MSG_COPY: msgtyp is a position; the message stays, and nothing in
 * IPC_STAT changes. */
static void copying(void)
{
    int id = msgget(IPC_PRIVATE, 0600);
    REQUIRE(id >= 0);
    CHECK_EQ(send_text(id, 1, "a", 0), 0);
    CHECK_EQ(send_text(id, 2, "bb", 0), 0);
    CHECK_EQ(send_text(id, 3, "ccc", 0), 0);
    receives(id, 64, 2, MSG_COPY | IPC_NOWAIT, 3, "ccc");
    receives(id, 64, 0, MSG_COPY | IPC_NOWAIT, 1, "a");
    receives(id, 64, 1, MSG_COPY | IPC_NOWAIT, 2, "bb");
    receives(id, 64, 1, MSG_COPY | IPC_NOWAIT, 2, "bb");
    struct msqid_ds stat = status(id);
    CHECK_EQ(stat.msg_qnum, 3);
    CHECK_EQ(stat.msg_cbytes, 6);
    CHECK_EQ(stat.msg_lrpid, 0);
    CHECK_EQ(stat.msg_rtime, 0);
    CHECK_ERRNO(msgrcv(id, &incoming, 64, 3, MSG_COPY | IPC_NOWAIT), ENOMSG);
    CHECK_ERRNO(msgrcv(id, &incoming, 64, -1, MSG_COPY | IPC_NOWAIT), ENOMSG);
    CHECK_ERRNO(msgrcv(id, &incoming, 64, 0, MSG_COPY), EINVAL);
    CHECK_ERRNO(msgrcv(id, &incoming, 64, 0, MSG_COPY | IPC_NOWAIT | MSG_EXCEPT), EINVAL);
    CHECK_ERRNO(msgrcv(id + index_span, &incoming, 64, 0, MSG_COPY), EINVAL);
    CHECK_ERRNO(msgrcv(id + index_span, &incoming, 64, 0, MSG_COPY | IPC_NOWAIT), EINVAL);
    CHECK_ERRNO(msgrcv(id, &incoming, 2, 2, MSG_COPY | IPC_NOWAIT), E2BIG);
    CHECK_ERRNO(msgrcv(id, &incoming, 2, 2, MSG_COPY | IPC_NOWAIT | MSG_NOERROR), EINVAL);
    CHECK_ERRNO(msgrcv(id, NULL, 64, 0, MSG_COPY | IPC_NOWAIT), EFAULT);
    CHECK_ERRNO(msgrcv(id + index_span, NULL, 64, 0, MSG_COPY | IPC_NOWAIT), EFAULT);
    CHECK_EQ(status(id).msg_qnum, 3);
    /* Taking the first moves the others up. */
    receives(id, 64, 0, IPC_NOWAIT, 1, "a");
    receives(id, 64, 0, MSG_COPY | IPC_NOWAIT, 2, "bb");
    receives(id, 64, 1, MSG_COPY | IPC_NOWAIT, 3, "ccc");
    CHECK_ERRNO(msgrcv(id, &incoming, 64, 2, MSG_COPY | IPC_NOWAIT), ENOMSG);
    CHECK_EQ(msgctl(id, IPC_RMID, NULL), 0);
}

/* checks(argument) in a child made uid and gid 1000. */
static void as_user(void (*checks)(void *), void *argument)
{
    pid_t child = fork();
    if (child == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        checks(argument);
        check_child_exit();
    }
    check_child_passed(child);
}

struct queues {
    int owner_only;         /* 0600, root's, a message in it */
    int readable;           /* 0644, a message in it */
    int writable;           /* 0622 */
    int given;              /* root's, given to uid 1000 */
    key_t key;              /* of owner_only */
};

static void user_checks(void *argument)
{
    const struct queues *q = argument;
    struct msqid_ds stat;
    CHECK_ERRNO(msgget(q->key, 0600), EACCES);
    CHECK_ERRNO(msgget(q->key, 0400), EACCES);
    CHECK_ERRNO(msgget(q->key, IPC_CREAT | 0600), EACCES);
    CHECK_ERRNO(msgget(q->key, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK_EQ(msgget(q->key, 0), q->owner_only);             /* asks for nothing */
    CHECK_ERRNO(send_text(q->owner_only, 1, "no", IPC_NOWAIT), EACCES);
    CHECK_ERRNO(msgrcv(q->owner_only, &incoming, 64, 0, IPC_NOWAIT), EACCES);
    CHECK_ERRNO(msgrcv(q->owner_only, &incoming, 64, 0, MSG_COPY | IPC_NOWAIT), EACCES);
    CHECK_ERRNO(msgrcv(q->owner_only, &incoming, 64, 0, 0), EACCES);    /* no wait */
    CHECK_ERRNO(msgctl(q->owner_only, IPC_STAT, &stat), EACCES);
    CHECK_ERRNO(msgctl(q->owner_only % index_span, MSG_STAT, &stat), EACCES);
    memset(&stat, 0, sizeof stat);
    CHECK_EQ(msgctl(q->owner_only % index_span, MSG_STAT_ANY, &stat), q->owner_only);
    CHECK_EQ(stat.msg_qnum, 1);
    CHECK_ERRNO(msgctl(q->owner_only, IPC_SET, &stat), EPERM);
    stat.msg_qbytes = msgmnb + 1;
    CHECK_ERRNO(msgctl(q->owner_only, IPC_SET, &stat), EPERM);
    CHECK_ERRNO(msgctl(q->owner_only, IPC_RMID, NULL), EPERM);
    /* What is checked before the permission comes first. */
    CHECK_ERRNO(send_text(q->owner_only, 0, "no", IPC_NOWAIT), EINVAL);
    CHECK_ERRNO(msgsnd(q->owner_only, &outgoing, msgmax + 1, IPC_NOWAIT), EINVAL);
    CHECK_ERRNO(msgrcv(q->owner_only, &incoming, (size_t)-1, 0, IPC_NOWAIT), EINVAL);
    CHECK_ERRNO(msgrcv(q->owner_only, &incoming, 64, 0, MSG_COPY), EINVAL);
    CHECK_ERRNO(msgctl(q->owner_only, IPC_SET, NULL), EFAULT);

    /* Reading only. */
    receives(q->readable, 64, 0, IPC_NOWAIT, 5, "root's");
    CHECK_ERRNO(msgrcv(q->readable, &incoming, 64, 0, IPC_NOWAIT), ENOMSG);
    CHECK_ERRNO(send_text(q->readable, 1, "no", IPC_NOWAIT), EACCES);
    CHECK_EQ(msgctl(q->readable, IPC_STAT, &stat), 0);
    CHECK_EQ(stat.msg_lrpid, getpid());
    CHECK_EQ(msgctl(q->readable % index_span, MSG_STAT, &stat), q->readable);
    CHECK_ERRNO(msgctl(q->readable, IPC_RMID, NULL), EPERM);

    /* Writing only. */
    CHECK_EQ(send_text(q->writable, 3, "user's", IPC_NOWAIT), 0);
    CHECK_ERRNO(msgrcv(q->writable, &incoming, 64, 0, IPC_NOWAIT), EACCES);
    CHECK_ERRNO(msgctl(q->writable, IPC_STAT, &stat), EACCES);

    /* Given to the user: it may set it (but not above MSGMNB) and remove it. */
    stat = status(q->given);
    CHECK_EQ(stat.msg_perm.uid, 1000);
    CHECK_EQ(stat.msg_perm.cuid, 0);
    stat.msg_qbytes = msgmnb + 1;
    CHECK_ERRNO(msgctl(q->given, IPC_SET, &stat), EPERM);
    stat.msg_qbytes = 100;
    CHECK_EQ(msgctl(q->given, IPC_SET, &stat), 0);
    CHECK_EQ(status(q->given).msg_qbytes, 100);
    stat.msg_qbytes = msgmnb;
    CHECK_EQ(msgctl(q->given, IPC_SET, &stat), 0);
    CHECK_EQ(msgctl(q->given, IPC_RMID, NULL), 0);

    /* Its own. */
    int mine = msgget(IPC_PRIVATE, 0600);
    CHECK(mine >= 0);
    stat = status(mine);
    CHECK_EQ(stat.msg_perm.uid, 1000);
    CHECK_EQ(stat.msg_perm.cuid, 1000);
    CHECK_EQ(stat.msg_perm.gid, 1000);
    CHECK_EQ(stat.msg_perm.cgid, 1000);
    stat.msg_qbytes = msgmnb * 2;
    CHECK_ERRNO(msgctl(mine, IPC_SET, &stat), EPERM);
    CHECK_EQ(status(mine).msg_qbytes, msgmnb);
    CHECK_EQ(msgctl(mine, IPC_RMID, NULL), 0);
}

static void unprivileged(void)
{
    struct queues q = {.key = 0x53590802};
    q.owner_only = msgget(q.key, IPC_CREAT | IPC_EXCL | 0600);
    q.readable = msgget(IPC_PRIVATE, 0644);
    q.writable = msgget(IPC_PRIVATE, 0622);
    q.given = msgget(IPC_PRIVATE, 0600);
    REQUIRE(q.owner_only >= 0 && q.readable >= 0 && q.writable >= 0 && q.given >= 0);
    CHECK_EQ(send_text(q.owner_only, 1, "secret", 0), 0);
    CHECK_EQ(send_text(q.readable, 5, "root's", 0), 0);
    struct msqid_ds stat = status(q.given);
    stat.msg_perm.uid = 1000;
    CHECK_EQ(msgctl(q.given, IPC_SET, &stat), 0);
    as_user(user_checks, &q);
    CHECK_ERRNO(msgctl(q.given, IPC_STAT, &stat), EINVAL);      /* the user removed it */
    stat = status(q.writable);
    CHECK_EQ(stat.msg_qnum, 1);
    CHECK(stat.msg_lspid > 0 && stat.msg_lspid != getpid());
    receives(q.writable, 64, 0, IPC_NOWAIT, 3, "user's");
    receives(q.owner_only, 64, 0, IPC_NOWAIT, 1, "secret");
    CHECK_EQ(status(q.readable).msg_qnum, 0);
    CHECK_EQ(msgctl(q.owner_only, IPC_RMID, NULL), 0);
    CHECK_EQ(msgctl(q.readable, IPC_RMID, NULL), 0);
    CHECK_EQ(msgctl(q.writable, IPC_RMID, NULL), 0);
}

int main(void)
{
    getting_queues();
    stat_fields();
    order_and_types();
    sizes();
    full_queues();
    bad_addresses();
    setting();
    bad_ids_and_commands();
    info();
    copying();
    unprivileged();
    return check_finish("sysv_msg_basics");
}
