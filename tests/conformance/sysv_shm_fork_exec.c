/* System V shared memory across processes: a forked child inherits the
 * parent's attachments (shm_nattch counts both, the child writes what the
 * parent reads), its exit detaches it, and its own shmdt detaches only
 * its copy; execve drops every attachment (the new program finds the
 * count down); a child attaches a segment by key itself (shm_lpid is
 * the last to shmat or shmdt); a segment removed while parent and child
 * are attached goes when both have let go. */
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>

#include "check.h"
#include "sysv.h"

enum { page = 4096 };

static unsigned long attached(int id)
{
    struct shmid_ds stat;
    REQUIRE(shmctl(id, IPC_STAT, &stat) == 0);
    return stat.shm_nattch;
}


/* The second role, after execve: the attachment is gone, the segment not. */
static int after_exec(const char *id_text)
{
    int id = atoi(id_text);
    CHECK_EQ(attached(id), 1);          /* the parent's only */
    char *at = shmat(id, NULL, 0);
    CHECK(at != (void *)-1);
    CHECK(strcmp(at, "before exec") == 0);
    strcpy(at, "after exec");
    CHECK_EQ(attached(id), 2);
    return check_failures == 0 ? 0 : 1;     /* its attachment goes with its exit */
}

static void fork_inherits(void)
{
    int id = shmget(IPC_PRIVATE, page, 0600);
    REQUIRE(id >= 0);
    char *at = shmat(id, NULL, 0);
    REQUIRE(at != (void *)-1);
    int go[2], done[2];
    REQUIRE(pipe(go) == 0 && pipe(done) == 0);
    pid_t child = fork();
    if (child == 0) {
        char byte;
        CHECK_EQ(read(go[0], &byte, 1), 1);
        strcpy(at, "from the child");
        CHECK_EQ(write(done[1], "d", 1), 1);
        CHECK_EQ(read(go[0], &byte, 1), 1);
        CHECK_EQ(shmdt(at), 0);
        CHECK_EQ(write(done[1], "d", 1), 1);
        CHECK_EQ(read(go[0], &byte, 1), 1);
        check_child_exit();
    }
    char byte;
    CHECK_EQ(attached(id), 2);
    CHECK_EQ(write(go[1], "g", 1), 1);
    CHECK_EQ(read(done[0], &byte, 1), 1);
    CHECK(strcmp(at, "from the child") == 0);
    CHECK_EQ(write(go[1], "g", 1), 1);
    CHECK_EQ(read(done[0], &byte, 1), 1);
    CHECK_EQ(attached(id), 1);              /* the child's shmdt: its copy only */
    at[0] = 'F';
    CHECK_EQ(write(go[1], "g", 1), 1);
    CHECK(child_succeeds(child));
    CHECK_EQ(attached(id), 1);
    CHECK_EQ(at[0], 'F');
    /* A child that exits attached detaches. */
    child = fork();
    if (child == 0)
        _exit(at[0] == 'F' ? 0 : 1);
    CHECK(child_succeeds(child));
    CHECK_EQ(attached(id), 1);
    CHECK_EQ(shmdt(at), 0);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
    close(go[0]), close(go[1]), close(done[0]), close(done[1]);
}

static void exec_drops_attachments(const char *self)
{
    int id = shmget(IPC_PRIVATE, page, 0600);
    REQUIRE(id >= 0);
    char *at = shmat(id, NULL, 0);
    REQUIRE(at != (void *)-1);
    strcpy(at, "before exec");
    pid_t child = fork();
    if (child == 0) {
        char id_text[16];
        snprintf(id_text, sizeof id_text, "%d", id);
        execl(self, self, "after-exec", id_text, (char *)NULL);
        _exit(3);
    }
    CHECK(child_succeeds(child));
    CHECK(strcmp(at, "after exec") == 0);
    CHECK_EQ(attached(id), 1);
    CHECK_EQ(shmdt(at), 0);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
}

/* A child attaches by key, as an unrelated process would. */
static void attach_by_key(void)
{
    key_t key = 0x53590201;
    int id = shmget(key, page, IPC_CREAT | IPC_EXCL | 0600);
    REQUIRE(id >= 0);
    char *at = shmat(id, NULL, 0);
    REQUIRE(at != (void *)-1);
    pid_t child = fork();
    if (child == 0) {
        CHECK_EQ(shmdt(at), 0);
        int found = shmget(key, 0, 0);
        CHECK_EQ(found, id);
        char *mine = shmat(found, NULL, 0);
        CHECK(mine != (void *)-1);
        strcpy(mine, "by key");
        struct shmid_ds stat;
        CHECK_EQ(shmctl(id, IPC_STAT, &stat), 0);
        CHECK_EQ(stat.shm_lpid, getpid());
        CHECK_EQ(stat.shm_cpid, getppid());
        CHECK_EQ(shmdt(mine), 0);
        CHECK_EQ(shmctl(id, IPC_STAT, &stat), 0);
        CHECK_EQ(stat.shm_lpid, getpid());
        check_child_exit();
    }
    CHECK(child_succeeds(child));
    CHECK(strcmp(at, "by key") == 0);
    CHECK_EQ(shmdt(at), 0);
    struct shmid_ds stat;
    CHECK_EQ(shmctl(id, IPC_STAT, &stat), 0);
    CHECK_EQ(stat.shm_lpid, getpid());
    CHECK_EQ(stat.shm_nattch, 0);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
}

/* Removed while two processes are attached: gone after both. */
static void removal_waits_for_everyone(void)
{
    int id = shmget(IPC_PRIVATE, page, 0600);
    REQUIRE(id >= 0);
    char *at = shmat(id, NULL, 0);
    REQUIRE(at != (void *)-1);
    int go[2];
    REQUIRE(pipe(go) == 0);
    pid_t child = fork();
    if (child == 0) {
        char byte;
        CHECK_EQ(read(go[0], &byte, 1), 1);
        CHECK(strcmp(at, "still here") == 0);
        struct shmid_ds stat;
        CHECK_EQ(shmctl(id, IPC_STAT, &stat), 0);
        CHECK_EQ(stat.shm_nattch, 1);
        CHECK(stat.shm_perm.mode & SHM_DEST);
        check_child_exit();
    }
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
    strcpy(at, "still here");
    CHECK_EQ(shmdt(at), 0);
    CHECK_EQ(write(go[1], "g", 1), 1);
    CHECK(child_succeeds(child));
    struct shmid_ds stat;
    CHECK_ERRNO(shmctl(id, IPC_STAT, &stat), EINVAL);
    close(go[0]), close(go[1]);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "after-exec") == 0)
        return after_exec(argv[2]);
    fork_inherits();
    exec_drops_attachments(argv[0]);
    attach_by_key();
    removal_waits_for_everyone();
    return check_finish("sysv_shm_fork_exec");
}
