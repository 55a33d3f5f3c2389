/* IPC namespaces as Linux 6.1 gives them: an unprivileged process's
 * unshare(CLONE_NEWIPC) is EPERM (and it stays in the initial
 * namespace); a child that unshares sees none of the initial namespace's
 * System V objects (their keys ENOENT, their ids EINVAL) nor its POSIX
 * message queue (ENOENT), and SHM_INFO, SEM_INFO, MSG_INFO and IPC_INFO
 * there return 0 with nothing in use; the same keys and queue name make
 * new objects there (O_CREAT | O_EXCL succeeds, other sizes and
 * attributes, empty), numbered from id 0 for each kind (the *_INFO calls
 * still return 0, the highest index, with one object in use); a
 * grandchild forked there sees the same objects (ids, contents, the
 * message in each queue); clone(CLONE_NEWIPC | SIGCHLD) makes a fresh
 * namespace too (ids 0 and 1, the highest index 1; after 0 is removed
 * the next is 2: indexes go round, 0 is not taken again at once); two
 * siblings that each unshare do not see each other's keys (both get id
 * 0 for the same key); unshare applies the SEM_UNDO adjustments of the
 * old namespace at once, and /dev/mqueue stays the initial namespace's
 * (a queue made there by path after unshare is the parent's); afterwards
 * the parent's keys and name give exactly its own objects, unchanged. */
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"
#include "sysv.h"

enum {
    shm_key = 0x6e730001,
    sem_key = 0x6e730002,
    msg_key = 0x6e730003,
    sibling_key = 0x6e730004,
    page = 4096,
};

static const char queue_name[] = "/ns-queue";

/* The parent's objects, made in the initial namespace. */
static int parent_shm, parent_sem, parent_msg;
static char *parent_memory;

struct text_message {
    long mtype;
    char mtext[16];
};

static void send_text(int id, const char *text)
{
    struct text_message message = {1, ""};
    strcpy(message.mtext, text);
    CHECK_EQ(msgsnd(id, &message, strlen(text), IPC_NOWAIT), 0);
}

/* The next message in queue id is text. */
static void receives(int id, const char *text)
{
    struct text_message message = {0, ""};
    ssize_t length = msgrcv(id, &message, sizeof message.mtext, 0, IPC_NOWAIT);
    CHECK(length == (ssize_t)strlen(text) && memcmp(message.mtext, text, length) == 0);
}

static int messages_in(int id)
{
    struct msqid_ds stat;
    return msgctl(id, IPC_STAT, &stat) == 0 ? (int)stat.msg_qnum : -1;
}

/* The POSIX queue's next message is text, and it holds these attributes. */
static void queue_holds(mqd_t queue, long maxmsg, long msgsize, const char *text)
{
    struct mq_attr attr;
    CHECK_EQ(mq_getattr(queue, &attr), 0);
    CHECK(attr.mq_maxmsg == maxmsg && attr.mq_msgsize == msgsize && attr.mq_curmsgs == 1);
    char buffer[64] = "";
    ssize_t length = mq_receive(queue, buffer, sizeof buffer, NULL);
    CHECK(length == (ssize_t)strlen(text) && memcmp(buffer, text, length) == 0);
}

/* What SHM_INFO, SEM_INFO and MSG_INFO report in this namespace: their
 * result (the highest index in use, 0 with none), and how many objects,
 * semaphores, pages, messages and bytes are in use. */
static void usage_is(int highest, int objects, int semaphores, int pages)
{
    struct shm_info shm;
    struct seminfo sem;
    struct msginfo msg;
    CHECK_EQ(shmctl(0, SHM_INFO, (struct shmid_ds *)&shm), highest);
    CHECK(shm.used_ids == objects && shm.shm_tot == (unsigned long)pages);
    CHECK_EQ(semctl(0, 0, SEM_INFO, (union semun){.info = &sem}), highest);
    CHECK(sem.semusz == objects && sem.semaem == semaphores);
    CHECK_EQ(msgctl(0, MSG_INFO, (struct msqid_ds *)&msg), highest);
    CHECK(msg.msgpool == objects && msg.msgmap == 0 && msg.msgtql == 0);
}

static void create_parent_objects(void)
{
    parent_shm = shmget(shm_key, page, IPC_CREAT | IPC_EXCL | 0600);
    parent_sem = semget(sem_key, 2, IPC_CREAT | IPC_EXCL | 0600);
    parent_msg = msgget(msg_key, IPC_CREAT | IPC_EXCL | 0600);
    REQUIRE(parent_shm >= 0 && parent_sem >= 0 && parent_msg >= 0);
    parent_memory = shmat(parent_shm, NULL, 0);
    REQUIRE(parent_memory != (void *)-1);
    strcpy(parent_memory, "parent");
    CHECK_EQ(semctl(parent_sem, 0, SETVAL, (union semun){.val = 5}), 0);
    send_text(parent_msg, "parent");
    struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 64};
    mqd_t queue = mq_open(queue_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    REQUIRE(queue >= 0);
    CHECK_EQ(mq_send(queue, "parent", 6, 1), 0);
    CHECK_EQ(mq_close(queue), 0);
}

/* Nobody but root may make a namespace: the initial one stays. */
static void unprivileged(void)
{
    pid_t child = fork();
    if (child == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        CHECK_ERRNO(unshare(CLONE_NEWIPC), EPERM);
        CHECK_EQ(msgget(msg_key, 0), parent_msg);
        check_child_exit();
    }
    REQUIRE(child > 0);
    check_child_passed(child);
}

/* In the child's namespace, forked from it: the child's objects. */
static void grandchild(int shm, int sem, int msg)
{
    CHECK_EQ(shmget(shm_key, 0, 0), shm);
    CHECK_EQ(semget(sem_key, 0, 0), sem);
    CHECK_EQ(msgget(msg_key, 0), msg);
    char *memory = shmat(shm, NULL, SHM_RDONLY);
    CHECK(memory != (void *)-1 && strcmp(memory, "child") == 0);
    CHECK_EQ(semctl(sem, 0, GETVAL), 7);
    receives(msg, "child");
    mqd_t queue = mq_open(queue_name, O_RDWR);
    CHECK(queue >= 0);
    queue_holds(queue, 2, 32, "child");
    check_child_exit();
}

/* After unshare: nothing of the parent's, then new objects of the same
 * keys and name, which a grandchild shares. */
static void in_new_namespace(void)
{
    CHECK_EQ(unshare(CLONE_NEWIPC), 0);
    CHECK_ERRNO(shmget(shm_key, 0, 0), ENOENT);
    CHECK_ERRNO(semget(sem_key, 0, 0), ENOENT);
    CHECK_ERRNO(msgget(msg_key, 0), ENOENT);
    struct shmid_ds shm_stat;
    struct semid_ds sem_stat;
    struct msqid_ds msg_stat;
    CHECK_ERRNO(shmctl(parent_shm, IPC_STAT, &shm_stat), EINVAL);
    CHECK_ERRNO(semctl(parent_sem, 0, IPC_STAT, (union semun){.buf = &sem_stat}), EINVAL);
    CHECK_ERRNO(msgctl(parent_msg, IPC_STAT, &msg_stat), EINVAL);
    CHECK_ERRNO(mq_open(queue_name, O_RDWR), ENOENT);
    usage_is(0, 0, 0, 0);
    struct shminfo shm_limits;
    struct seminfo sem_limits;
    struct msginfo msg_limits;
    CHECK_EQ(shmctl(0, IPC_INFO, (struct shmid_ds *)&shm_limits), 0);
    CHECK_EQ(semctl(0, 0, IPC_INFO, (union semun){.info = &sem_limits}), 0);
    CHECK_EQ(msgctl(0, IPC_INFO, (struct msqid_ds *)&msg_limits), 0);

    /* A bigger segment than the parent's, more semaphores: new ones. */
    int shm = shmget(shm_key, 2 * page, IPC_CREAT | IPC_EXCL | 0600);
    int sem = semget(sem_key, 3, IPC_CREAT | IPC_EXCL | 0600);
    int msg = msgget(msg_key, IPC_CREAT | IPC_EXCL | 0600);
    CHECK_EQ(shm, 0);
    CHECK_EQ(sem, 0);
    CHECK_EQ(msg, 0);
    usage_is(0, 1, 3, 2);
    CHECK(shmctl(shm, IPC_STAT, &shm_stat) == 0 && shm_stat.shm_segsz == 2 * page);
    char *memory = shmat(shm, NULL, 0);
    REQUIRE(memory != (void *)-1);
    CHECK_EQ(memory[0], 0);
    strcpy(memory, "child");
    CHECK_EQ(semctl(sem, 0, GETVAL), 0);
    CHECK_EQ(semctl(sem, 0, SETVAL, (union semun){.val = 7}), 0);
    CHECK_EQ(messages_in(msg), 0);
    send_text(msg, "child");
    struct mq_attr attr = {.mq_maxmsg = 2, .mq_msgsize = 32};
    mqd_t queue = mq_open(queue_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    REQUIRE(queue >= 0);
    CHECK_EQ(mq_getattr(queue, &attr), 0);
    CHECK_EQ(attr.mq_curmsgs, 0);
    CHECK_EQ(mq_send(queue, "child", 5, 1), 0);

    pid_t child = fork();
    if (child == 0)
        grandchild(shm, sem, msg);
    REQUIRE(child > 0);
    check_child_passed(child);
    /* The grandchild took the messages from these very queues. */
    CHECK_EQ(messages_in(msg), 0);
    CHECK_EQ(mq_getattr(queue, &attr), 0);
    CHECK_EQ(attr.mq_curmsgs, 0);
    check_child_exit();
}

/* clone(CLONE_NEWIPC | SIGCHLD), fork-like: a fresh namespace too. */
static void cloned(void)
{
    long child = syscall(SYS_clone, CLONE_NEWIPC | SIGCHLD, 0, 0, 0, 0);
    if (child == 0) {
        CHECK_ERRNO(msgget(msg_key, 0), ENOENT);
        CHECK_ERRNO(mq_open(queue_name, O_RDWR), ENOENT);
        int first = msgget(IPC_PRIVATE, 0600);
        CHECK_EQ(first, 0);
        CHECK_EQ(msgget(IPC_PRIVATE, 0600), 1);
        struct msginfo usage;
        CHECK_EQ(msgctl(0, MSG_INFO, (struct msqid_ds *)&usage), 1);
        CHECK_EQ(usage.msgpool, 2);
        /* Indexes are handed out in turn: not the freed 0 again. */
        CHECK_EQ(msgctl(first, IPC_RMID, NULL), 0);
        CHECK_EQ(msgget(IPC_PRIVATE, 0600), 2);
        check_child_exit();
    }
    REQUIRE(child > 0);
    check_child_passed(child);
}

/* Two siblings, each in a namespace of its own: the first makes a key
 * and waits while the second looks for it. */
static void siblings(void)
{
    int ready[2], done[2];
    REQUIRE(pipe(ready) == 0 && pipe(done) == 0);
    char byte = 0;
    pid_t first = fork();
    if (first == 0) {
        close(ready[0]);
        close(done[1]);
        CHECK_EQ(unshare(CLONE_NEWIPC), 0);
        CHECK_EQ(msgget(sibling_key, IPC_CREAT | IPC_EXCL | 0600), 0);
        CHECK_EQ(write(ready[1], "r", 1), 1);
        CHECK_EQ(read(done[0], &byte, 1), 1);
        CHECK_EQ(msgget(sibling_key, 0), 0);
        check_child_exit();
    }
    REQUIRE(first > 0);
    pid_t second = fork();
    if (second == 0) {
        close(ready[1]);
        close(done[0]);
        CHECK_EQ(unshare(CLONE_NEWIPC), 0);
        CHECK_EQ(read(ready[0], &byte, 1), 1);
        CHECK_ERRNO(msgget(sibling_key, 0), ENOENT);
        CHECK_EQ(msgget(sibling_key, IPC_CREAT | IPC_EXCL | 0600), 0);
        CHECK_EQ(write(done[1], "d", 1), 1);
        check_child_exit();
    }
    REQUIRE(second > 0);
    close(ready[0]);
    close(ready[1]);
    close(done[0]);
    close(done[1]);
    check_child_passed(second);
    check_child_passed(first);
    CHECK_ERRNO(msgget(sibling_key, 0), ENOENT);
}

/* unshare(CLONE_NEWIPC) implies CLONE_SYSVSEM: the child's SEM_UNDO
 * adjustments in the old namespace are applied as it unshares, before
 * it ends. And /dev/mqueue stays the file system of the namespace it
 * was mounted in: a queue made there by path is the parent's. */
static void unshare_applies_undo(void)
{
    int set = semget(IPC_PRIVATE, 1, 0600);
    REQUIRE(set >= 0);
    int ready[2], done[2];
    REQUIRE(pipe(ready) == 0 && pipe(done) == 0);
    char byte = 0;
    pid_t child = fork();
    if (child == 0) {
        struct sembuf raise = {0, 4, SEM_UNDO};
        CHECK_EQ(semop(set, &raise, 1), 0);
        CHECK_EQ(unshare(CLONE_NEWIPC), 0);
        int queue = open("/dev/mqueue/ns-by-path", O_CREAT | O_EXCL | O_RDWR, 0600);
        CHECK(queue >= 0);
        CHECK_ERRNO(mq_open("/ns-by-path", O_RDWR), ENOENT);
        CHECK_EQ(write(ready[1], "r", 1), 1);
        CHECK_EQ(read(done[0], &byte, 1), 1);
        check_child_exit();
    }
    REQUIRE(child > 0);
    CHECK_EQ(read(ready[0], &byte, 1), 1);
    CHECK_EQ(semctl(set, 0, GETVAL), 0);
    mqd_t queue = mq_open("/ns-by-path", O_RDWR);
    CHECK(queue >= 0);
    CHECK_EQ(mq_close(queue), 0);
    CHECK_EQ(mq_unlink("/ns-by-path"), 0);
    CHECK_EQ(write(done[1], "d", 1), 1);
    check_child_passed(child);
    CHECK_EQ(semctl(set, 0, IPC_RMID), 0);
    close(ready[0]);
    close(ready[1]);
    close(done[0]);
    close(done[1]);
}

/* The parent's keys and name: its own objects, as it left them. */
static void parent_objects_intact(void)
{
    struct shmid_ds shm_stat;
    struct semid_ds sem_stat;
    CHECK_EQ(shmget(shm_key, 0, 0), parent_shm);
    CHECK(shmctl(parent_shm, IPC_STAT, &shm_stat) == 0 && shm_stat.shm_segsz == page &&
          shm_stat.shm_nattch == 1);
    CHECK_EQ(strcmp(parent_memory, "parent"), 0);
    CHECK_EQ(semget(sem_key, 0, 0), parent_sem);
    CHECK(semctl(parent_sem, 0, IPC_STAT, (union semun){.buf = &sem_stat}) == 0 &&
          sem_stat.sem_nsems == 2);
    CHECK_EQ(semctl(parent_sem, 0, GETVAL), 5);
    CHECK_EQ(msgget(msg_key, 0), parent_msg);
    CHECK_EQ(messages_in(parent_msg), 1);
    receives(parent_msg, "parent");
    mqd_t queue = mq_open(queue_name, O_RDWR);
    REQUIRE(queue >= 0);
    queue_holds(queue, 4, 64, "parent");
    CHECK_EQ(mq_close(queue), 0);
}

static void remove_parent_objects(void)
{
    CHECK_EQ(shmdt(parent_memory), 0);
    CHECK_EQ(shmctl(parent_shm, IPC_RMID, NULL), 0);
    CHECK_EQ(semctl(parent_sem, 0, IPC_RMID), 0);
    CHECK_EQ(msgctl(parent_msg, IPC_RMID, NULL), 0);
    CHECK_EQ(mq_unlink(queue_name), 0);
    CHECK_ERRNO(msgget(msg_key, 0), ENOENT);
}

int main(void)
{
    create_parent_objects();
    unprivileged();
    pid_t child = fork();
    if (child == 0)
        in_new_namespace();
    REQUIRE(child > 0);
    check_child_passed(child);
    cloned();
    siblings();
    unshare_applies_undo();
    parent_objects_intact();
    remove_parent_objects();
    return check_finish("ipc_namespaces");
}
