/* What ipcs and ipcrm (busybox's, util-linux's) do with System V shared
 * memory and semaphores (and, for message queues, the same with
 * MSG_INFO, MSG_STAT, IPC_STAT and msgget of a key), call for call: the highest index from SHM_INFO
 * and SEM_INFO, every index up to it tried with SHM_STAT and SEM_STAT
 * (the listing: key, id, owner, mode, size or nsems, nattch, the dest and
 * locked status), the limits (IPC_INFO) and the usage (SHM_INFO,
 * SEM_INFO), one object in detail (IPC_STAT, and GETVAL, GETNCNT,
 * GETZCNT and GETPID of each semaphore), and removal by id and by key
 * (a key to an id with shmget and semget of size 0, then IPC_RMID), with
 * the errors they report: ENOENT for a key, EINVAL for an id, EPERM.
 * (Debian's busybox-static has neither applet, so the conformance suite
 * cannot run them: this program makes their calls.) */
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>

#include "check.h"
#include "sysv.h"

enum { page = 4096 };


/* One line of "ipcs -m" for a segment. */
struct segment_line {
    int id;
    key_t key;
    unsigned mode;
    unsigned long size, attached;
    int dest, locked;
};

/* ipcs -m: every segment the indexes reach; the line for want_id. */
static int list_segments(int want_id, struct segment_line *found)
{
    struct shm_info usage;
    int highest = shmctl(0, SHM_INFO, (struct shmid_ds *)&usage);
    if (highest < 0)
        return 0;
    int listed = 0;
    for (int index = 0; index <= highest; index++) {
        struct shmid_ds stat;
        int id = shmctl(index, SHM_STAT, &stat);
        if (id < 0)
            continue;
        listed++;
        if (id == want_id)
            *found = (struct segment_line){id, stat.shm_perm.__key, stat.shm_perm.mode & 0777,
                                           stat.shm_segsz, stat.shm_nattch,
                                           !!(stat.shm_perm.mode & SHM_DEST),
                                           !!(stat.shm_perm.mode & SHM_LOCKED)};
    }
    return listed;
}

/* ipcs -s: every set the indexes reach; want_id's nsems and key. */
static int list_sets(int want_id, unsigned long *nsems, key_t *key)
{
    struct seminfo info;
    int highest = semctl(0, 0, SEM_INFO, (union semun){.info = &info});
    if (highest < 0)
        return 0;
    int listed = 0;
    for (int index = 0; index <= highest; index++) {
        struct semid_ds stat;
        int id = semctl(index, 0, SEM_STAT, (union semun){.buf = &stat});
        if (id < 0)
            continue;
        listed++;
        if (id == want_id) {
            *nsems = stat.sem_nsems;
            *key = stat.sem_perm.__key;
        }
    }
    return listed;
}

static void listing(void)
{
    int segment = shmget(0x53590701, 3 * page, IPC_CREAT | IPC_EXCL | 0640);
    int locked = shmget(IPC_PRIVATE, page, 0600);
    int set = semget(0x53590702, 3, IPC_CREAT | IPC_EXCL | 0600);
    REQUIRE(segment >= 0 && locked >= 0 && set >= 0);
    void *at = shmat(segment, NULL, 0);
    REQUIRE(at != (void *)-1);
    REQUIRE(shmctl(locked, SHM_LOCK, NULL) == 0);
    struct segment_line line = {-1, 0, 0, 0, 0, 0, 0};
    CHECK(list_segments(segment, &line) >= 2);
    CHECK_EQ(line.id, segment);
    CHECK_EQ(line.key, 0x53590701);
    CHECK_EQ(line.mode, 0640);
    CHECK_EQ(line.size, 3 * page);
    CHECK_EQ(line.attached, 1);
    CHECK(!line.dest && !line.locked);
    list_segments(locked, &line);
    CHECK_EQ(line.id, locked);
    CHECK(line.locked);
    /* Removed while attached: listed, "dest", keyless. */
    CHECK_EQ(shmctl(segment, IPC_RMID, NULL), 0);
    list_segments(segment, &line);
    CHECK(line.dest);
    CHECK_EQ(line.key, IPC_PRIVATE);
    CHECK_EQ(shmdt(at), 0);
    line.id = -1;
    list_segments(segment, &line);
    CHECK_EQ(line.id, -1);                          /* gone from the listing */
    unsigned long nsems = 0;
    key_t key = 0;
    CHECK(list_sets(set, &nsems, &key) >= 1);
    CHECK_EQ(nsems, 3);
    CHECK_EQ(key, 0x53590702);
    CHECK_EQ(shmctl(locked, IPC_RMID, NULL), 0);
    CHECK_EQ(semctl(set, 0, IPC_RMID), 0);
}

/* ipcs -l and -u. */
static void limits_and_usage(void)
{
    struct shminfo shm_limits;
    CHECK(shmctl(0, IPC_INFO, (struct shmid_ds *)&shm_limits) >= 0);
    CHECK_EQ(shm_limits.shmmni, 4096);
    CHECK_EQ(shm_limits.shmmax >> 10, 0xfffffffffeffffffUL >> 10);   /* "max seg size (kbytes)" */
    struct seminfo sem_limits;
    CHECK(semctl(0, 0, IPC_INFO, (union semun){.info = &sem_limits}) >= 0);
    CHECK_EQ(sem_limits.semmni, 32000);
    CHECK_EQ(sem_limits.semmns, 1024000000);
    CHECK_EQ(sem_limits.semopm, 500);
    int set = semget(IPC_PRIVATE, 7, 0600);
    REQUIRE(set >= 0);
    struct seminfo usage;
    CHECK(semctl(0, 0, SEM_INFO, (union semun){.info = &usage}) >= 0);
    CHECK(usage.semusz >= 1);               /* "used arrays" */
    CHECK(usage.semaem >= 7);               /* "allocated semaphores" */
    struct shm_info shm_usage;
    CHECK(shmctl(0, SHM_INFO, (struct shmid_ds *)&shm_usage) >= 0);
    CHECK_EQ(shm_usage.swap_attempts, 0);
    CHECK_EQ(shm_usage.swap_successes, 0);
    CHECK_EQ(semctl(set, 0, IPC_RMID), 0);
}

/* ipcs -i ID -m, and -i ID -s with every semaphore's line. */
static void one_in_detail(void)
{
    int segment = shmget(IPC_PRIVATE, 5000, 0604);
    int set = semget(IPC_PRIVATE, 2, 0600);
    REQUIRE(segment >= 0 && set >= 0);
    struct shmid_ds stat;
    CHECK_EQ(shmctl(segment, IPC_STAT, &stat), 0);
    CHECK_EQ(stat.shm_perm.mode, 0604);
    CHECK_EQ(stat.shm_segsz, 5000);
    CHECK_EQ(stat.shm_cpid, getpid());
    CHECK_EQ(stat.shm_lpid, 0);
    CHECK_EQ(stat.shm_atime, 0);            /* "Not set" */
    CHECK_EQ(stat.shm_dtime, 0);
    CHECK_EQ(semctl(set, 1, SETVAL, (union semun){.val = 3}), 0);
    struct semid_ds set_stat;
    CHECK_EQ(semctl(set, 0, IPC_STAT, (union semun){.buf = &set_stat}), 0);
    int lines = 0;
    for (unsigned i = 0; i < set_stat.sem_nsems; i++) {
        int value = semctl(set, i, GETVAL), waiting = semctl(set, i, GETNCNT);
        int zero = semctl(set, i, GETZCNT), pid = semctl(set, i, GETPID);
        lines += value >= 0 && waiting == 0 && zero == 0 && pid >= 0;
    }
    CHECK_EQ(lines, 2);
    CHECK_EQ(semctl(set, 1, GETVAL), 3);
    CHECK_EQ(semctl(set, 1, GETPID), getpid());
    CHECK_EQ(shmctl(segment, IPC_RMID, NULL), 0);
    CHECK_EQ(semctl(set, 0, IPC_RMID), 0);
}

/* ipcrm -m ID, -M KEY, -s ID, -S KEY, and what each says when it fails. */
static void removal(void)
{
    int by_id = shmget(IPC_PRIVATE, page, 0600);
    int by_key = shmget(0x53590703, page, IPC_CREAT | IPC_EXCL | 0600);
    int set_by_id = semget(IPC_PRIVATE, 1, 0600);
    int set_by_key = semget(0x53590704, 1, IPC_CREAT | IPC_EXCL | 0600);
    REQUIRE(by_id >= 0 && by_key >= 0 && set_by_id >= 0 && set_by_key >= 0);
    CHECK_EQ(shmctl(by_id, IPC_RMID, NULL), 0);
    int found = shmget(0x53590703, 0, 0);
    CHECK_EQ(found, by_key);
    CHECK_EQ(shmctl(found, IPC_RMID, NULL), 0);
    CHECK_EQ(semctl(set_by_id, 0, IPC_RMID), 0);
    found = semget(0x53590704, 0, 0);
    CHECK_EQ(found, set_by_key);
    CHECK_EQ(semctl(found, 0, IPC_RMID), 0);
    /* "invalid key", "invalid id" */
    CHECK_ERRNO(shmget(0x53590703, 0, 0), ENOENT);
    CHECK_ERRNO(semget(0x53590704, 0, 0), ENOENT);
    CHECK_ERRNO(shmctl(by_id, IPC_RMID, NULL), EINVAL);
    CHECK_ERRNO(semctl(set_by_id, 0, IPC_RMID), EINVAL);
    /* "permission denied for id" */
    int roots = shmget(IPC_PRIVATE, page, 0666);
    REQUIRE(roots >= 0);
    pid_t child = fork();
    if (child == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        CHECK_ERRNO(shmctl(roots, IPC_RMID, NULL), EPERM);
        check_child_exit();
    }
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(shmctl(roots, IPC_RMID, NULL), 0);
}

/* ipcs -q: every queue the indexes reach (key, id, owner, mode, used
 * bytes, messages); ipcs -q -i ID; ipcs -q -l and -u; ipcrm -q ID and
 * -Q KEY. */
static void message_queues(void)
{
    int queue = msgget(0x53590705, IPC_CREAT | IPC_EXCL | 0620);
    int other = msgget(IPC_PRIVATE, 0600);
    REQUIRE(queue >= 0 && other >= 0);
    struct { long type; char text[8]; } message = {1, "1234567"};
    CHECK_EQ(msgsnd(queue, &message, 7, 0), 0);
    CHECK_EQ(msgsnd(queue, &message, 3, 0), 0);
    struct msginfo usage;
    int highest = msgctl(0, MSG_INFO, (struct msqid_ds *)&usage);
    CHECK(highest >= 0);
    CHECK(usage.msgpool >= 2);              /* "allocated queues" */
    CHECK(usage.msgmap >= 2);               /* "used headers" */
    CHECK(usage.msgtql >= 10);              /* "used space" */
    int listed = 0, found = 0;
    for (int index = 0; index <= highest; index++) {
        struct msqid_ds stat;
        int id = msgctl(index, MSG_STAT, &stat);
        if (id < 0)
            continue;
        listed++;
        if (id == queue)
            found = stat.msg_perm.__key == 0x53590705 && (stat.msg_perm.mode & 0777) == 0620 &&
                    stat.msg_cbytes == 10 && stat.msg_qnum == 2 && stat.msg_perm.uid == 0;
    }
    CHECK(listed >= 2);
    CHECK(found);
    struct msginfo limits;
    CHECK(msgctl(0, IPC_INFO, (struct msqid_ds *)&limits) >= 0);
    CHECK_EQ(limits.msgmni, 32000);         /* "max queues system wide" */
    CHECK_EQ(limits.msgmax, 8192);          /* "max size of message" */
    CHECK_EQ(limits.msgmnb, 16384);         /* "default max size of queue" */
    struct msqid_ds stat;
    CHECK_EQ(msgctl(queue, IPC_STAT, &stat), 0);
    CHECK_EQ(stat.msg_lspid, getpid());
    CHECK_EQ(stat.msg_lrpid, 0);
    CHECK_EQ(stat.msg_rtime, 0);            /* "Not set" */
    CHECK_EQ(msgctl(other, IPC_RMID, NULL), 0);
    int by_key = msgget(0x53590705, 0);
    CHECK_EQ(by_key, queue);
    CHECK_EQ(msgctl(by_key, IPC_RMID, NULL), 0);
    CHECK_ERRNO(msgget(0x53590705, 0), ENOENT);
    CHECK_ERRNO(msgctl(other, IPC_RMID, NULL), EINVAL);
}

int main(void)
{
    listing();
    limits_and_usage();
    one_in_detail();
    removal();
    message_queues();
    return check_finish("sysv_ipcs_listing");
}
