/*
 * The System V IPC protocol (servers/sysv, docs/protocols/sysv.md): shared
 * memory segments and semaphore sets, as Linux 6.1's ipc/shm.c and
 * ipc/sem.c have them. A process reaches the server through its session
 * (LINUX_SLOT_SYSV), badged with its pid and effective ids
 * (SESSION_PROCESS_BADGE with SYSV_SESSION_FLAG, minted by procmgr and
 * minted again when the ids change): the pid is what shm_cpid, sem_pid
 * and the undo lists name, the ids what permissions are checked against.
 *
 *   label          through   registers in                  window 0            result; more
 *   SYSV_SHMGET    session   key, size, shmflg                                 shmid
 *   SYSV_SHMAT     session   shmid, shmflg                                     0; MR1 the size;
 *                                                                              cap 0: an attach grant
 *   SYSV_SHMDT     session   shmid                                             0
 *   SYSV_SHMCTL    session   shmid, cmd, RLIMIT_MEMLOCK    the buffer (cmd's)  cmd's result
 *   SYSV_SEMGET    session   key, nsems, semflg                                semid
 *   SYSV_SEMOP     session   semid, nsops, deadline,       the operations      0 (maybe later)
 *                            operations (SYSV_SEMOP_INLINE) (more than that)
 *   SYSV_SEMCTL    session   semid, semnum, cmd, value     the buffer (cmd's)  cmd's result
 *   SYSV_SEM_COUNT session   semid                                             nsems
 *   SYSV_MSGGET    session   key, msgflg                                       msqid
 *   SYSV_MSGSND    session   msqid | msgflg << 32, length, 0 (maybe later)
 *                            mtype, the text (small; a longer text: window 0)
 *   SYSV_MSGRCV    session   msqid, size, msgtyp, msgflg   the text (W)        length; MR1 mtype,
 *                                                                              a small text from MR2
 *   SYSV_MSGCTL    session   msqid, cmd                    the buffer (cmd's)  cmd's result
 *   SYSV_PROCFS    session   which, from, bytes            the text (W)        its whole length
 *
 * SYSV_PROCFS: /proc/sysvipc/<which> (SYSV_PROCFS_MSG, _SEM, _SHM) of the
 * caller's IPC namespace, in Linux's columns, from byte `from` on, as
 * much as fits in bytes. The server's settings (/proc/sys/kernel's
 * shmmax, shmall, shmmni, msgmax, msgmni, msgmnb and sem, in that order:
 * enum sysv_setting of servers/sysv/procfs.h) open with
 * SERVER_SETTING_OPEN (sys/protocol/common.h).
 *
 * The arguments are Linux's: ids, keys, flags, commands and semnum are C
 * ints (the low 32 bits of the register, signed), size a size_t, nsops an
 * unsigned int. Commands are Linux's numbers as the kernel sees them (no
 * IPC_64: the arm64 kernel has no old ABI, so 0x100 in cmd is EINVAL).
 *
 * Shared memory: SYSV_SHMAT checks the id and the permissions and hands
 * out an attach grant, a descriptor that maps the segment once: the
 * caller passes it to procmgr's PROC_MMAP (MAP_SHARED, offset 0, the size
 * SYSV_SHMAT answered), then closes it. Through the grant MEMORY_MAP
 * (sys/protocol/memory.h) answers MEMORY_MAP_DESCRIPTOR with the
 * attachment's own descriptor, which procmgr keeps while any address
 * space maps it (FILE_RETAIN at fork, FILE_CLOSE as each goes): the
 * references to attachment descriptors are shm_nattch. SYSV_SHMDT only
 * tells the server who detaches (shm_lpid); the detaching is the
 * caller's munmap.
 *
 * Semaphores: SYSV_SEMOP applies its operations all at once or not at
 * all, or keeps the caller waiting (a deferred reply) until it can, the
 * deadline passes (-EAGAIN; absolute CNTVCT_EL0 ticks, 0 none), the set
 * is removed (-EIDRM), or a signal ends the call. Up to SYSV_SEMOP_INLINE
 * operations travel in registers 3 onwards, one struct sysv_sembuf in the
 * low 48 bits of each; more travel in window 0. SYSV_SEM_COUNT tells the
 * personality how long GETALL's and SETALL's window must be.
 *
 * Message queues: a text of at most SYSV_MSG_SMALL_MAX bytes travels in
 * registers (SYSV_MSGSND's from MR3, SYSV_MSGRCV's answer from MR2, eight
 * bytes a register in memory order), a longer one through window 0
 * (SYSV_MSGRCV's buffer needs no window if it is no longer than that).
 * Up to 8 bytes a message has at most four registers each way, which
 * the kernel's IPC fast path takes. A
 * SYSV_MSGSND that finds no room and a SYSV_MSGRCV that finds no message
 * wait (deferred replies) unless IPC_NOWAIT, until the queue changes, it
 * is removed (-EIDRM) or a signal ends the call (-EINTR: Linux restarts
 * neither).
 *
 * procmgr tells the server of every process that ends (SERVER_PROCESS_ENDED
 * of sys/protocol/common.h, through the session badge of pid 0, which no
 * process holds): its SEM_UNDO adjustments are applied then.
 */
#ifndef SYS_PROTOCOL_SYSV_H
#define SYS_PROTOCOL_SYSV_H

#include <stdint.h>

enum sysv_label {
    SYSV_SHMGET = 0x900,
    SYSV_SHMAT,
    SYSV_SHMDT,
    SYSV_SHMCTL,
    SYSV_SEMGET,
    SYSV_SEMOP,
    SYSV_SEMCTL,
    SYSV_SEM_COUNT,
    SYSV_MSGGET,
    SYSV_MSGSND,
    SYSV_MSGRCV,
    SYSV_MSGCTL,
    SYSV_PROCFS,
};

/* SYSV_PROCFS's files. */
#define SYSV_PROCFS_MSG         0
#define SYSV_PROCFS_SEM         1
#define SYSV_PROCFS_SHM         2

/* Sessions are marked: descriptor handles never have this bit. */
#define SYSV_SESSION_FLAG       (1ULL << 62)

/* SYSV_SEMOP: operations carried in registers 3.. (the rest: window 0). */
#define SYSV_SEMOP_FIRST_MR     3
#define SYSV_SEMOP_INLINE       (64 - SYSV_SEMOP_FIRST_MR)

/* ipc(2)'s flags and commands (include/uapi/linux/ipc.h, shm.h, sem.h). */
#define SYSV_IPC_PRIVATE        0
#define SYSV_IPC_CREAT          001000
#define SYSV_IPC_EXCL           002000
#define SYSV_IPC_NOWAIT         004000
#define SYSV_IPC_RMID           0
#define SYSV_IPC_SET            1
#define SYSV_IPC_STAT           2
#define SYSV_IPC_INFO           3
#define SYSV_MODE_PERMISSIONS   0777        /* S_IRWXUGO: what IPC_SET may change */

#define SYSV_SHM_RDONLY         010000
#define SYSV_SHM_RND            020000
#define SYSV_SHM_REMAP          040000
#define SYSV_SHM_EXEC           0100000
#define SYSV_SHM_HUGETLB        004000
#define SYSV_SHM_NORESERVE      010000
#define SYSV_SHM_HUGE_SHIFT     26
#define SYSV_SHM_HUGE_MASK      0x3f
#define SYSV_SHM_LOCK           11
#define SYSV_SHM_UNLOCK         12
#define SYSV_SHM_STAT           13
#define SYSV_SHM_INFO           14
#define SYSV_SHM_STAT_ANY       15
#define SYSV_SHM_DEST           001000      /* in shm_perm.mode: removed, still attached */
#define SYSV_SHM_LOCKED         002000
#define SYSV_SHMLBA             4096

#define SYSV_SEM_UNDO           0x1000
#define SYSV_GETPID             11
#define SYSV_GETVAL             12
#define SYSV_GETALL             13
#define SYSV_GETNCNT            14
#define SYSV_GETZCNT            15
#define SYSV_SETVAL             16
#define SYSV_SETALL             17
#define SYSV_SEM_STAT           18
#define SYSV_SEM_INFO           19
#define SYSV_SEM_STAT_ANY       20

/* Linux 6.1's limits (what IPC_INFO shows on Debian's kernel). */
#define SYSV_SHMMIN             1ULL
#define SYSV_SHMMAX             (UINT64_MAX - (1ULL << 24))
#define SYSV_SHMALL             (UINT64_MAX - (1ULL << 24))    /* pages */
#define SYSV_SHMMNI             4096
#define SYSV_SEMMSL             32000       /* semaphores in a set */
#define SYSV_SEMMNI             32000       /* sets */
#define SYSV_SEMMNS             (SYSV_SEMMNI * SYSV_SEMMSL)
#define SYSV_SEMOPM             500         /* operations in one semop */
#define SYSV_SEMVMX             32767       /* a semaphore's largest value */
#define SYSV_SEMAEM             SYSV_SEMVMX /* an undo adjustment's largest size */
#define SYSV_SEMUME             SYSV_SEMOPM
#define SYSV_SEMMNU             SYSV_SEMMNS
#define SYSV_SEMMAP             SYSV_SEMMNS
#define SYSV_SEMUSZ             20
#define SYSV_MSG_NOERROR        010000
#define SYSV_MSG_EXCEPT         020000
#define SYSV_MSG_COPY           040000
#define SYSV_MSG_STAT           11
#define SYSV_MSG_INFO           12
#define SYSV_MSG_STAT_ANY       13
#define SYSV_MSGMAX             8192        /* a message's largest text */
#define SYSV_MSGMNB             16384       /* a new queue's msg_qbytes */
#define SYSV_MSGMNI             32000       /* queues */
#define SYSV_MSGPOOL            (SYSV_MSGMNI * SYSV_MSGMNB / 1024)
#define SYSV_MSGSSZ             16
#define SYSV_MSGSEG             0xffff
/* The longest text that travels in registers (MR3 to the last). */
#define SYSV_MSG_SMALL_MAX      480
#define SYSV_MSG_SMALL_REGISTERS(first, bytes) ((first) + ((bytes) + 7) / 8)

/* Index bits of an id; the sequence number is above them (ipc/util.h). */
#define SYSV_ID_INDEX_BITS      15

/* struct sembuf */
struct sysv_sembuf {
    uint16_t sem_num;
    int16_t sem_op;
    int16_t sem_flg;
};

/* The arm64 kernel's structures (asm-generic ipcbuf.h, shmbuf.h, sembuf.h). */
struct sysv_ipc64_perm {
    int32_t key;
    uint32_t uid, gid, cuid, cgid;
    uint32_t mode;
    uint16_t seq;
    uint16_t pad;
    uint64_t unused[2];
};

struct sysv_shmid64_ds {
    struct sysv_ipc64_perm shm_perm;
    uint64_t shm_segsz;
    int64_t shm_atime, shm_dtime, shm_ctime;
    int32_t shm_cpid, shm_lpid;
    uint64_t shm_nattch;
    uint64_t unused[2];
};

struct sysv_shminfo64 {
    uint64_t shmmax, shmmin, shmmni, shmseg, shmall;
    uint64_t unused[4];
};

struct sysv_shm_info {
    int32_t used_ids;
    uint64_t shm_tot, shm_rss, shm_swp;
    uint64_t swap_attempts, swap_successes;
};

struct sysv_semid64_ds {
    struct sysv_ipc64_perm sem_perm;
    int64_t sem_otime, sem_ctime;
    uint64_t sem_nsems;
    uint64_t unused[2];
};

struct sysv_seminfo {
    int32_t semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem;
};

struct sysv_msqid64_ds {
    struct sysv_ipc64_perm msg_perm;
    int64_t msg_stime, msg_rtime, msg_ctime;
    uint64_t msg_cbytes, msg_qnum, msg_qbytes;
    int32_t msg_lspid, msg_lrpid;
    uint64_t unused[2];
};

struct sysv_msginfo {
    int32_t msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql;
    uint16_t msgseg;
};

_Static_assert(sizeof(struct sysv_msqid64_ds) == 120, "struct msqid64_ds");
_Static_assert(sizeof(struct sysv_msginfo) == 32, "struct msginfo");
_Static_assert(sizeof(struct sysv_sembuf) == 6, "struct sembuf");
_Static_assert(sizeof(struct sysv_ipc64_perm) == 48, "struct ipc64_perm");
_Static_assert(sizeof(struct sysv_shmid64_ds) == 112, "struct shmid64_ds");
_Static_assert(sizeof(struct sysv_shminfo64) == 72, "struct shminfo64");
_Static_assert(sizeof(struct sysv_shm_info) == 48, "struct shm_info");
_Static_assert(sizeof(struct sysv_semid64_ds) == 88, "struct semid64_ds");
_Static_assert(sizeof(struct sysv_seminfo) == 40, "struct seminfo");

/* One operation as SYSV_SEMOP carries it in a register, and back. */
static inline uint64_t sysv_sembuf_pack(struct sysv_sembuf operation)
{
    return (uint64_t)operation.sem_num | (uint64_t)(uint16_t)operation.sem_op << 16 |
           (uint64_t)(uint16_t)operation.sem_flg << 32;
}

static inline struct sysv_sembuf sysv_sembuf_unpack(uint64_t word)
{
    return (struct sysv_sembuf){(uint16_t)word, (int16_t)(uint16_t)(word >> 16),
                                (int16_t)(uint16_t)(word >> 32)};
}

#endif
