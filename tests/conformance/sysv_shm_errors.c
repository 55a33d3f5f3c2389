/* System V shared memory, the errors in Linux 6.1's order: shmget's sizes
 * (EINVAL for 0, beyond SHMMAX or beyond an existing segment; ENOMEM for
 * more than memory holds, but not with SHM_NORESERVE; SHM_HUGETLB without
 * huge pages), ENOENT, EEXIST, ENOSPC once SHMMNI segments exist; shmat's
 * EINVAL (bad or removed ids, unaligned addresses without SHM_RND,
 * SHM_REMAP without an address, a range in use, one that wraps); shmdt's
 * EINVAL (unaligned, nothing attached there, detached already); shmctl's
 * EINVAL (bad commands and ids, IPC_64's 0x100, uid -1) and EFAULT. */
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#include "check.h"

enum { page = 4096 };

static void shmget_errors(void)
{
    CHECK_ERRNO(shmget(IPC_PRIVATE, 0, 0600), EINVAL);
    CHECK_ERRNO(shmget(IPC_PRIVATE, SIZE_MAX, 0600), EINVAL);
    CHECK_ERRNO(shmget(IPC_PRIVATE, 1UL << 40, 0600), ENOMEM);
    int unreserved = shmget(IPC_PRIVATE, 1UL << 40, 0600 | SHM_NORESERVE);
    CHECK(unreserved >= 0);
    CHECK_EQ(shmctl(unreserved, IPC_RMID, NULL), 0);
    CHECK_ERRNO(shmget(IPC_PRIVATE, page, 0600 | SHM_HUGETLB), ENOMEM);
    CHECK_ERRNO(shmget(IPC_PRIVATE, page, 0600 | SHM_HUGETLB | SHM_HUGE_8MB), EINVAL);
    key_t key = 0x53590101;
    CHECK_ERRNO(shmget(key, page, 0600), ENOENT);
    int id = shmget(key, page, IPC_CREAT | 0600);
    REQUIRE(id >= 0);
    CHECK_ERRNO(shmget(key, page, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK_ERRNO(shmget(key, page + 1, 0), EINVAL);
    CHECK_ERRNO(shmget(key, page + 1, IPC_CREAT | IPC_EXCL), EEXIST);  /* EEXIST first */
    CHECK_EQ(shmget(key, page - 1, IPC_EXCL), id);                   /* alone, ignored */
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
}

/* SHMMNI: the 4097th segment is ENOSPC (fewer if others exist). */
static void segments_run_out(void)
{
    static int ids[4096];
    int made = 0;
    for (; made < 4096; made++) {
        ids[made] = shmget(IPC_PRIVATE, 1, 0600);
        if (ids[made] < 0)
            break;
    }
    CHECK(made > 4000);
    CHECK_ERRNO(shmget(IPC_PRIVATE, 1, 0600), ENOSPC);
    CHECK_ERRNO(shmget(IPC_PRIVATE, 1UL << 40, 0600), ENOMEM);     /* the size first */
    int removed = 0;
    for (int i = 0; i < made; i++)
        removed += shmctl(ids[i], IPC_RMID, NULL) == 0;
    CHECK_EQ(removed, made);
    int id = shmget(IPC_PRIVATE, 1, 0600);
    CHECK(id >= 0);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
}

static void shmat_errors(void)
{
    int id = shmget(IPC_PRIVATE, 2 * page, 0600);
    REQUIRE(id >= 0);
    CHECK_PTR_ERRNO(shmat(-1, NULL, 0), (void *)-1, EINVAL);
    CHECK_PTR_ERRNO(shmat(id + 32768, NULL, 0), (void *)-1, EINVAL);   /* another sequence */
    CHECK_PTR_ERRNO(shmat(id, NULL, SHM_REMAP), (void *)-1, EINVAL);
    char *hole = mmap(NULL, 4 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(hole != MAP_FAILED);
    CHECK_PTR_ERRNO(shmat(id, hole + 1, 0), (void *)-1, EINVAL);
    CHECK_PTR_ERRNO(shmat(id, hole, 0), (void *)-1, EINVAL);            /* in use */
    CHECK_PTR_ERRNO(shmat(id, hole + 3 * page, 0), (void *)-1, EINVAL); /* partly */
    CHECK_PTR_ERRNO(shmat(id, (void *)(UINTPTR_MAX & ~4095UL), 0), (void *)-1, EINVAL);
    /* SHM_RND rounds down onto the mapping: in use too. */
    CHECK_PTR_ERRNO(shmat(id, hole + 100, SHM_RND), (void *)-1, EINVAL);
    CHECK_EQ(munmap(hole, 4 * page), 0);
    char *at = shmat(id, hole + 100, SHM_RND);
    CHECK(at == hole);
    CHECK_EQ(shmdt(at), 0);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
    CHECK_PTR_ERRNO(shmat(id, NULL, 0), (void *)-1, EINVAL);           /* gone */
}

static void shmdt_errors(void)
{
    int id = shmget(IPC_PRIVATE, 2 * page, 0600);
    REQUIRE(id >= 0);
    char *at = shmat(id, NULL, 0);
    REQUIRE(at != (void *)-1);
    CHECK_ERRNO(shmdt(at + 1), EINVAL);
    CHECK_ERRNO(shmdt(at + page), EINVAL);                 /* not where it starts */
    char *anonymous = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(anonymous != MAP_FAILED);
    CHECK_ERRNO(shmdt(anonymous), EINVAL);                 /* not a segment */
    CHECK_EQ(shmdt(at), 0);
    CHECK_ERRNO(shmdt(at), EINVAL);
    CHECK_EQ(munmap(anonymous, page), 0);
    /* munmap detaches too: shmdt then finds nothing. */
    at = shmat(id, NULL, 0);
    REQUIRE(at != (void *)-1);
    struct shmid_ds stat;
    CHECK_EQ(munmap(at, 2 * page), 0);
    CHECK_EQ(shmctl(id, IPC_STAT, &stat), 0);
    CHECK_EQ(stat.shm_nattch, 0);
    CHECK_ERRNO(shmdt(at), EINVAL);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
}

static void shmctl_errors(void)
{
    int id = shmget(IPC_PRIVATE, page, 0600);
    REQUIRE(id >= 0);
    struct shmid_ds stat;
    CHECK_ERRNO(shmctl(id, 99, &stat), EINVAL);
    CHECK_ERRNO(shmctl(id, -1, &stat), EINVAL);
    CHECK_ERRNO(shmctl(-1, IPC_STAT, &stat), EINVAL);
    CHECK_ERRNO(shmctl(-1, IPC_INFO, &stat), EINVAL);
    CHECK_ERRNO(shmctl(id + 1, IPC_STAT, &stat), EINVAL);
    CHECK_ERRNO(shmctl(id + 1, IPC_RMID, NULL), EINVAL);
    CHECK_ERRNO(shmctl(id + 1, SHM_LOCK, NULL), EINVAL);
    /* arm64 has no old ABI: IPC_64 in the command is not one. */
    CHECK_ERRNO(syscall(SYS_shmctl, id, IPC_STAT | 0x100, &stat), EINVAL);
    CHECK_ERRNO(shmctl(id, IPC_STAT, NULL), EFAULT);
    CHECK_ERRNO(shmctl(id, IPC_SET, NULL), EFAULT);
    CHECK_ERRNO(shmctl(0, IPC_INFO, NULL), EFAULT);
    CHECK_ERRNO(shmctl(id + 1, IPC_SET, NULL), EFAULT);     /* read before the id is */
    CHECK_EQ(shmctl(id, IPC_STAT, &stat), 0);
    stat.shm_perm.uid = (uid_t)-1;
    CHECK_ERRNO(shmctl(id, IPC_SET, &stat), EINVAL);
    stat.shm_perm.uid = 0;
    stat.shm_perm.gid = (gid_t)-1;
    CHECK_ERRNO(shmctl(id, IPC_SET, &stat), EINVAL);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
    CHECK_ERRNO(shmctl(id, IPC_RMID, NULL), EINVAL);
    CHECK_ERRNO(shmctl(id, IPC_STAT, &stat), EINVAL);
}

int main(void)
{
    shmget_errors();
    segments_run_out();
    shmat_errors();
    shmdt_errors();
    shmctl_errors();
    return check_finish("sysv_shm_errors");
}
