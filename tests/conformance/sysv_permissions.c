/* System V IPC permissions for an unprivileged user (a child made uid
 * and gid 1000 with setgid and setuid, as root's objects judge it):
 * shmget, shmat (read-only where only reading is allowed), shmctl
 * (IPC_STAT needs read, SHM_STAT_ANY nothing, IPC_SET, IPC_RMID and
 * SHM_LOCK the owner or creator: EPERM), semget, semop (changing needs
 * write, waiting for zero read), semctl (GETVAL read, SETVAL write,
 * IPC_RMID the owner); group bits for the owner's group; objects the
 * user makes are its own (cuid, uid, cgid, gid); root may always, and may
 * give an object to the user, who may then remove it; the creator keeps
 * control after giving an object away. */
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>

#include "check.h"
#include "sysv.h"

enum { page = 4096 };



static void as_user(void (*checks)(void *), void *argument)
{
    pid_t child = fork();
    if (child == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        checks(argument);
        check_child_exit();
    }
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

struct segments {
    int private_one;        /* 0600, root's */
    int readable;           /* 0644, root's */
    int group_writable;     /* 0660, group 1000 */
    key_t key;              /* of private_one */
};

static void segment_checks(void *argument)
{
    const struct segments *s = argument;
    struct shmid_ds stat;
    CHECK_ERRNO(shmget(s->key, 0, 0600), EACCES);
    CHECK_ERRNO(shmget(s->key, 0, 0400), EACCES);
    CHECK_EQ(shmget(s->key, 0, 0), s->private_one);        /* asks for nothing */
    CHECK_PTR_ERRNO(shmat(s->private_one, NULL, 0), (void *)-1, EACCES);
    CHECK_PTR_ERRNO(shmat(s->private_one, NULL, SHM_RDONLY), (void *)-1, EACCES);
    CHECK_ERRNO(shmctl(s->private_one, IPC_STAT, &stat), EACCES);
    CHECK_EQ(shmctl(s->private_one % 32768, SHM_STAT_ANY, &stat), s->private_one);
    CHECK_ERRNO(shmctl(s->private_one % 32768, SHM_STAT, &stat), EACCES);
    CHECK_ERRNO(shmctl(s->private_one, IPC_RMID, NULL), EPERM);
    CHECK_ERRNO(shmctl(s->private_one, SHM_LOCK, NULL), EPERM);
    CHECK_ERRNO(shmctl(s->private_one, SHM_UNLOCK, NULL), EPERM);
    CHECK_EQ(shmctl(s->readable, IPC_STAT, &stat), 0);
    CHECK_ERRNO(shmctl(s->readable, IPC_SET, &stat), EPERM);
    CHECK_PTR_ERRNO(shmat(s->readable, NULL, 0), (void *)-1, EACCES);
    char *read_only = shmat(s->readable, NULL, SHM_RDONLY);
    CHECK(read_only != (void *)-1);
    if (read_only != (void *)-1) {
        CHECK(strcmp(read_only, "root's") == 0);
        CHECK_EQ(shmdt(read_only), 0);
    }
    char *shared = shmat(s->group_writable, NULL, 0);
    CHECK(shared != (void *)-1);
    if (shared != (void *)-1) {
        strcpy(shared, "the group's");
        CHECK_EQ(shmdt(shared), 0);
    }
    /* One of its own. */
    int mine = shmget(IPC_PRIVATE, page, 0600);
    CHECK(mine >= 0);
    CHECK_EQ(shmctl(mine, IPC_STAT, &stat), 0);
    CHECK_EQ(stat.shm_perm.uid, 1000);
    CHECK_EQ(stat.shm_perm.cuid, 1000);
    CHECK_EQ(stat.shm_perm.gid, 1000);
    CHECK_EQ(stat.shm_perm.cgid, 1000);
    CHECK_EQ(shmctl(mine, SHM_LOCK, NULL), 0);           /* its own, within RLIMIT_MEMLOCK */
    CHECK_EQ(shmctl(mine, SHM_UNLOCK, NULL), 0);
    CHECK_EQ(shmctl(mine, IPC_RMID, NULL), 0);
}

static void segments(void)
{
    struct segments s = {.key = 0x53590501};
    s.private_one = shmget(s.key, page, IPC_CREAT | IPC_EXCL | 0600);
    s.readable = shmget(IPC_PRIVATE, page, 0644);
    s.group_writable = shmget(IPC_PRIVATE, page, 0660);
    REQUIRE(s.private_one >= 0 && s.readable >= 0 && s.group_writable >= 0);
    struct shmid_ds stat;
    REQUIRE(shmctl(s.group_writable, IPC_STAT, &stat) == 0);
    stat.shm_perm.gid = 1000;
    CHECK_EQ(shmctl(s.group_writable, IPC_SET, &stat), 0);
    char *text = shmat(s.readable, NULL, 0);
    REQUIRE(text != (void *)-1);
    strcpy(text, "root's");
    CHECK_EQ(shmdt(text), 0);
    as_user(segment_checks, &s);
    text = shmat(s.group_writable, NULL, SHM_RDONLY);
    REQUIRE(text != (void *)-1);
    CHECK(strcmp(text, "the group's") == 0);
    CHECK_EQ(shmdt(text), 0);
    CHECK_EQ(shmctl(s.private_one, IPC_RMID, NULL), 0);
    CHECK_EQ(shmctl(s.readable, IPC_RMID, NULL), 0);
    CHECK_EQ(shmctl(s.group_writable, IPC_RMID, NULL), 0);
}

struct sets {
    int private_one;        /* 0600 */
    int readable;           /* 0644 */
    int given;              /* root's, given to uid 1000 */
};

static void set_checks(void *argument)
{
    const struct sets *s = argument;
    CHECK_ERRNO(semctl(s->private_one, 0, GETVAL), EACCES);
    CHECK_ERRNO(sem_op(s->private_one, 0, 0, IPC_NOWAIT), EACCES);
    CHECK_ERRNO(semctl(s->private_one, 0, IPC_RMID), EPERM);
    CHECK_EQ(semctl(s->readable, 0, GETVAL), 0);
    CHECK_EQ(sem_op(s->readable, 0, 0, IPC_NOWAIT), 0);           /* reading is enough */
    CHECK_ERRNO(sem_op(s->readable, 0, 1, 0), EACCES);
    CHECK_ERRNO(semctl(s->readable, 0, SETVAL, (union semun){.val = 1}), EACCES);
    CHECK_ERRNO(semctl(s->readable, 0, IPC_RMID), EPERM);
    struct semid_ds stat;
    CHECK_EQ(semctl(s->readable, 0, IPC_STAT, (union semun){.buf = &stat}), 0);
    CHECK_ERRNO(semctl(s->private_one, 0, IPC_STAT, (union semun){.buf = &stat}), EACCES);
    CHECK_EQ(semctl(s->private_one % 32768, 0, SEM_STAT_ANY, (union semun){.buf = &stat}),
             s->private_one);
    /* Given to the user: its owner bits judge it, and it may remove it. */
    CHECK_EQ(sem_op(s->given, 0, 1, 0), 0);
    CHECK_EQ(semctl(s->given, 0, IPC_STAT, (union semun){.buf = &stat}), 0);
    CHECK_EQ(stat.sem_perm.uid, 1000);
    CHECK_EQ(stat.sem_perm.cuid, 0);
    CHECK_EQ(semctl(s->given, 0, IPC_RMID), 0);
    int mine = semget(IPC_PRIVATE, 1, 0600);
    CHECK(mine >= 0);
    CHECK_EQ(semctl(mine, 0, IPC_STAT, (union semun){.buf = &stat}), 0);
    CHECK_EQ(stat.sem_perm.cuid, 1000);
    CHECK_EQ(stat.sem_perm.cgid, 1000);
    CHECK_EQ(semctl(mine, 0, IPC_RMID), 0);
}

static void sets(void)
{
    struct sets s;
    s.private_one = semget(IPC_PRIVATE, 1, 0600);
    s.readable = semget(IPC_PRIVATE, 1, 0644);
    s.given = semget(IPC_PRIVATE, 1, 0600);
    REQUIRE(s.private_one >= 0 && s.readable >= 0 && s.given >= 0);
    struct semid_ds stat;
    REQUIRE(semctl(s.given, 0, IPC_STAT, (union semun){.buf = &stat}) == 0);
    stat.sem_perm.uid = 1000;
    CHECK_EQ(semctl(s.given, 0, IPC_SET, (union semun){.buf = &stat}), 0);
    as_user(set_checks, &s);
    CHECK_ERRNO(semctl(s.given, 0, GETVAL), EINVAL);          /* the user removed it */
    /* Root may do anything with anyone's. */
    CHECK_EQ(sem_op(s.private_one, 0, 1, 0), 0);
    CHECK_EQ(semctl(s.private_one, 0, IPC_RMID), 0);
    CHECK_EQ(semctl(s.readable, 0, IPC_RMID), 0);
}

/* The creator keeps control of what it gave away; root-created objects
 * given away stay the creator's to remove. */
static void creator_keeps_control(void *unused)
{
    (void)unused;
    int id = semget(IPC_PRIVATE, 1, 0600);
    CHECK(id >= 0);
    struct semid_ds stat;
    CHECK_EQ(semctl(id, 0, IPC_STAT, (union semun){.buf = &stat}), 0);
    stat.sem_perm.uid = 2000;
    stat.sem_perm.mode = 0;
    CHECK_EQ(semctl(id, 0, IPC_SET, (union semun){.buf = &stat}), 0);
    CHECK_ERRNO(semctl(id, 0, IPC_STAT, (union semun){.buf = &stat}), EACCES);  /* no bits */
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
}

int main(void)
{
    segments();
    sets();
    as_user(creator_keeps_control, NULL);
    return check_finish("sysv_permissions");
}
