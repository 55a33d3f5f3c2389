/* System V shared memory, the working cases: shmget with IPC_PRIVATE and
 * with a key from ftok (IPC_CREAT, finding it again), two attachments of
 * one segment in one process are one memory; IPC_STAT's fields
 * (shm_segsz, shm_nattch, shm_cpid and shm_lpid, the times, owner and
 * mode); SHM_RDONLY (mprotect cannot add PROT_WRITE, a write is SIGSEGV);
 * SHM_RND and SHM_REMAP; shmdt of an attachment mprotect or munmap cut
 * into pieces; IPC_SET; SHM_LOCK and SHM_UNLOCK (SHM_LOCKED in
 * the mode); IPC_RMID while attached (SHM_DEST, the key IPC_PRIVATE, still
 * attachable) and the segment gone with the last shmdt; IPC_INFO,
 * SHM_INFO, SHM_STAT and SHM_STAT_ANY. */
#include <fcntl.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"

enum { page = 4096 };

static void *attach(int id, const void *address, int flags)
{
    void *at = shmat(id, address, flags);
    REQUIRE(at != (void *)-1);
    return at;
}

static struct shmid_ds stat_of(int id)
{
    struct shmid_ds stat;
    memset(&stat, 0, sizeof stat);
    REQUIRE(shmctl(id, IPC_STAT, &stat) == 0);
    return stat;
}

/* Two attachments and the segment's pages, as one memory. */
static void one_memory(void)
{
    int id = shmget(IPC_PRIVATE, 3 * page + 100, IPC_CREAT | 0600);
    REQUIRE(id >= 0);
    char *first = attach(id, NULL, 0);
    char *second = attach(id, NULL, 0);
    CHECK(first != second);
    CHECK_EQ(first[0], 0);                      /* new pages are zero */
    CHECK_EQ(first[3 * page + 99], 0);
    strcpy(first + 2 * page, "shared");
    CHECK(strcmp(second + 2 * page, "shared") == 0);
    second[3 * page + 99] = 'z';
    CHECK_EQ(first[3 * page + 99], 'z');
    struct shmid_ds stat = stat_of(id);
    CHECK_EQ(stat.shm_segsz, 3 * page + 100);
    CHECK_EQ(stat.shm_nattch, 2);
    CHECK_EQ(stat.shm_cpid, getpid());
    CHECK_EQ(stat.shm_lpid, getpid());
    CHECK_EQ(stat.shm_perm.mode, 0600);
    CHECK_EQ(stat.shm_perm.uid, 0);
    CHECK_EQ(stat.shm_perm.cuid, 0);
    CHECK_EQ(stat.shm_perm.gid, 0);
    CHECK_EQ(stat.shm_perm.__key, IPC_PRIVATE);
    CHECK(stat.shm_atime > 0);
    CHECK(stat.shm_ctime > 0);
    CHECK_EQ(stat.shm_dtime, 0);
    CHECK_EQ(shmdt(second), 0);
    stat = stat_of(id);
    CHECK_EQ(stat.shm_nattch, 1);
    CHECK(stat.shm_dtime > 0);
    CHECK_EQ(shmdt(first), 0);
    CHECK_EQ(stat_of(id).shm_nattch, 0);
    /* The bytes stay with the segment, not the attachment. */
    first = attach(id, NULL, SHM_RDONLY);
    CHECK(strcmp(first + 2 * page, "shared") == 0);
    CHECK_EQ(shmdt(first), 0);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
}

/* A key names a segment until it is removed. */
static void keys_from_ftok(void)
{
    int fd = open("/tmp/sysv_shm_basics", O_CREAT | O_WRONLY, 0600);
    REQUIRE(fd >= 0);
    close(fd);
    key_t key = ftok("/tmp/sysv_shm_basics", 'S');
    REQUIRE(key != -1);
    CHECK_EQ(ftok("/tmp/sysv_shm_basics", 'S'), key);
    CHECK(ftok("/tmp/sysv_shm_basics", 'T') != key);
    int id = shmget(key, 2 * page, IPC_CREAT | IPC_EXCL | 0640);
    REQUIRE(id >= 0);
    CHECK_EQ(shmget(key, 0, 0), id);
    CHECK_EQ(shmget(key, page, IPC_CREAT | 0600), id);    /* found, not made */
    CHECK_EQ(shmget(key, 2 * page, 0), id);
    struct shmid_ds stat = stat_of(id);
    CHECK_EQ(stat.shm_perm.__key, key);
    CHECK_EQ(stat.shm_perm.mode, 0640);
    CHECK_EQ(stat.shm_segsz, 2 * page);
    CHECK_EQ(stat.shm_atime, 0);
    CHECK_EQ(stat.shm_lpid, 0);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
    CHECK_ERRNO(shmget(key, 0, 0), ENOENT);
    int again = shmget(key, page, IPC_CREAT | 0600);
    CHECK(again >= 0 && again != id);
    CHECK_EQ(shmctl(again, IPC_RMID, NULL), 0);
    unlink("/tmp/sysv_shm_basics");
}

/* A read-only attachment: no PROT_WRITE ever, a write is SIGSEGV. */
static void read_only(void)
{
    int id = shmget(IPC_PRIVATE, page, 0600);
    REQUIRE(id >= 0);
    char *writable = attach(id, NULL, 0);
    writable[0] = 'w';
    char *readable = attach(id, NULL, SHM_RDONLY);
    CHECK_EQ(readable[0], 'w');
    CHECK_ERRNO(mprotect(readable, page, PROT_READ | PROT_WRITE), EACCES);
    CHECK_EQ(mprotect(writable, page, PROT_READ), 0);
    CHECK_EQ(mprotect(writable, page, PROT_READ | PROT_WRITE), 0);
    pid_t child = fork();
    if (child == 0) {
        readable[0] = 'x';
        _exit(0);
    }
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
    CHECK_EQ(writable[0], 'w');
    CHECK_EQ(shmdt(readable), 0);
    CHECK_EQ(shmdt(writable), 0);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
}

/* An address: taken as given, rounded down with SHM_RND, and replacing
 * what is there with SHM_REMAP. */
static void addresses(void)
{
    int id = shmget(IPC_PRIVATE, 2 * page, 0600);
    REQUIRE(id >= 0);
    char *hole = mmap(NULL, 8 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(hole != MAP_FAILED);
    CHECK_EQ(munmap(hole, 8 * page), 0);
    char *at = shmat(id, hole + 2 * page, 0);
    CHECK(at == hole + 2 * page);
    at[0] = 'a';
    char *rounded = shmat(id, hole + 4 * page + 123, SHM_RND);
    CHECK(rounded == hole + 4 * page);
    CHECK_EQ(rounded[0], 'a');
    /* Over an anonymous mapping: only with SHM_REMAP. */
    char *anonymous = mmap(hole + 6 * page, 2 * page, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    REQUIRE(anonymous == hole + 6 * page);
    anonymous[0] = 'n';
    CHECK_ERRNO(shmat(id, anonymous, 0), EINVAL);
    CHECK_EQ(anonymous[0], 'n');
    char *replaced = shmat(id, anonymous, SHM_REMAP);
    CHECK(replaced == anonymous);
    CHECK_EQ(replaced[0], 'a');
    CHECK_EQ(stat_of(id).shm_nattch, 3);
    CHECK_EQ(shmdt(at), 0);
    CHECK_EQ(shmdt(rounded), 0);
    CHECK_EQ(shmdt(replaced), 0);
    CHECK_EQ(stat_of(id).shm_nattch, 0);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
}

/* Whether [at, at + length) is free: a mapping there must not replace. */
static int range_free(char *at, size_t length)
{
    char *probe = mmap(at, length, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                       -1, 0);
    if (probe == MAP_FAILED)
        return 0;
    munmap(probe, length);
    return probe == at;
}

/* shmdt finds the pieces mprotect and munmap left of an attachment: the
 * first that starts at its own distance from the address, then the rest. */
static void detaching_pieces(void)
{
    int id = shmget(IPC_PRIVATE, 4 * page, 0600);
    REQUIRE(id >= 0);
    char *at = attach(id, NULL, 0);
    CHECK_EQ(mprotect(at + page, page, PROT_READ), 0);
    CHECK_EQ(shmdt(at), 0);
    CHECK(range_free(at, 4 * page));
    CHECK_EQ(stat_of(id).shm_nattch, 0);
    at = attach(id, NULL, 0);
    CHECK_EQ(munmap(at, page), 0);
    CHECK_ERRNO(shmdt(at + page), EINVAL);     /* its piece is at distance 0, offset 1 page */
    CHECK_EQ(shmdt(at), 0);
    CHECK(range_free(at, 4 * page));
    CHECK_EQ(stat_of(id).shm_nattch, 0);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
}

/* IPC_SET, SHM_LOCK and SHM_UNLOCK. */
static void set_and_lock(void)
{
    int id = shmget(IPC_PRIVATE, page, 0600);
    REQUIRE(id >= 0);
    struct shmid_ds stat = stat_of(id);
    stat.shm_perm.uid = 1000;
    stat.shm_perm.gid = 1001;
    stat.shm_perm.mode = 0664 | SHM_DEST | SHM_LOCKED;   /* only the permission bits count */
    CHECK_EQ(shmctl(id, IPC_SET, &stat), 0);
    stat = stat_of(id);
    CHECK_EQ(stat.shm_perm.uid, 1000);
    CHECK_EQ(stat.shm_perm.gid, 1001);
    CHECK_EQ(stat.shm_perm.cuid, 0);
    CHECK_EQ(stat.shm_perm.cgid, 0);
    CHECK_EQ(stat.shm_perm.mode, 0664);
    CHECK_EQ(shmctl(id, SHM_LOCK, NULL), 0);
    CHECK_EQ(stat_of(id).shm_perm.mode, 0664 | SHM_LOCKED);
    CHECK_EQ(shmctl(id, SHM_LOCK, NULL), 0);
    CHECK_EQ(shmctl(id, SHM_UNLOCK, NULL), 0);
    CHECK_EQ(stat_of(id).shm_perm.mode, 0664);
    CHECK_EQ(shmctl(id, SHM_UNLOCK, NULL), 0);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
}

/* IPC_RMID of an attached segment: marked, keyless, still usable. */
static void removal_while_attached(void)
{
    key_t key = 0x53590001;
    int id = shmget(key, page, IPC_CREAT | IPC_EXCL | 0600);
    REQUIRE(id >= 0);
    char *at = attach(id, NULL, 0);
    strcpy(at, "kept");
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
    struct shmid_ds stat = stat_of(id);
    CHECK_EQ(stat.shm_perm.mode, 0600 | SHM_DEST);
    CHECK_EQ(stat.shm_perm.__key, IPC_PRIVATE);
    CHECK_EQ(stat.shm_nattch, 1);
    CHECK_ERRNO(shmget(key, 0, 0), ENOENT);
    int other = shmget(key, page, IPC_CREAT | IPC_EXCL | 0600);    /* the key is free */
    CHECK(other >= 0 && other != id);
    char *again = attach(id, NULL, 0);
    CHECK(strcmp(again, "kept") == 0);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
    CHECK_EQ(shmdt(at), 0);
    CHECK_EQ(stat_of(id).shm_nattch, 1);
    CHECK_EQ(shmdt(again), 0);
    struct shmid_ds gone;
    CHECK_ERRNO(shmctl(id, IPC_STAT, &gone), EINVAL);
    CHECK_EQ(shmctl(other, IPC_RMID, NULL), 0);
}

/* The limits and what is in use, and the segments by index. */
static void info_and_stat_by_index(void)
{
    int id = shmget(IPC_PRIVATE, 5 * page, 0600);
    REQUIRE(id >= 0);
    char *at = attach(id, NULL, 0);
    at[0] = 1;
    at[2 * page] = 1;
    struct shminfo limits;
    int highest = shmctl(0, IPC_INFO, (struct shmid_ds *)&limits);
    CHECK(highest >= id % 32768);
    CHECK_EQ(limits.shmmni, 4096);
    CHECK_EQ(limits.shmseg, 4096);
    CHECK_EQ(limits.shmmin, 1);
    CHECK_EQ(limits.shmmax, 0xfffffffffeffffffUL);
    CHECK_EQ(limits.shmall, 0xfffffffffeffffffUL);
    struct shm_info usage;
    CHECK_EQ(shmctl(0, SHM_INFO, (struct shmid_ds *)&usage), highest);
    CHECK(usage.used_ids >= 1);
    CHECK(usage.shm_tot >= 5);
    CHECK(usage.shm_rss >= 2);
    CHECK_EQ(usage.shm_swp, 0);
    struct shmid_ds stat;
    CHECK_EQ(shmctl(id % 32768, SHM_STAT, &stat), id);
    CHECK_EQ(stat.shm_segsz, 5 * page);
    CHECK_EQ(shmctl(id % 32768, SHM_STAT_ANY, &stat), id);
    CHECK_EQ(shmdt(at), 0);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
    CHECK_ERRNO(shmctl(id % 32768, SHM_STAT, &stat), EINVAL);
}

int main(void)
{
    one_memory();
    keys_from_ftok();
    read_only();
    addresses();
    detaching_pieces();
    set_and_lock();
    removal_while_attached();
    info_and_stat_by_index();
    return check_finish("sysv_shm_basics");
}
