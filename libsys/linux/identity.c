/*
 * Credentials, process groups and sessions: procmgr keeps them all
 * (PROC_GET_IDS, PROC_SET_IDS, PROC_SETPGID...); the personality only
 * converts. procmgr re-mints the vfs session when the credentials change.
 */
#include "personality.h"
#include "server_call.h"
#include "syscalls.h"
#include "sys/linux_abi.h"
#include "sys/protocol/procmgr.h"

/* PROC_GET_IDS's results, in reply registers 1..10. */
enum process_id {
    ID_PID = 1, ID_PPID, ID_UID, ID_EUID, ID_SUID, ID_GID, ID_EGID, ID_SGID, ID_PGID, ID_SID,
};

static int64_t get_ids(uint64_t ids[ID_SID + 1])
{
    uint64_t mr[4] = {0};
    int64_t result = linux_call(LINUX_SLOT_PROCMGR, PROC_GET_IDS, 0, 0, 0, mr);
    if (result < 0)
        return result;
    for (unsigned i = 0; i <= ID_SID; i++)
        ids[i] = i < 4 ? mr[i] : tern_get_mr(i);
    return 0;
}

static int64_t get_id(enum process_id which)
{
    uint64_t ids[ID_SID + 1];
    int64_t result = get_ids(ids);
    return result < 0 ? result : (int64_t)ids[which];
}

int64_t sys_getppid(void) { return get_id(ID_PPID); }
int64_t sys_getuid(void) { return get_id(ID_UID); }
int64_t sys_geteuid(void) { return get_id(ID_EUID); }
int64_t sys_getgid(void) { return get_id(ID_GID); }
int64_t sys_getegid(void) { return get_id(ID_EGID); }

static int64_t get_three(enum process_id first, uint32_t *real, uint32_t *effective,
                         uint32_t *saved)
{
    uint64_t ids[ID_SID + 1];
    int64_t result = get_ids(ids);
    if (result < 0)
        return result;
    if (real == 0 || effective == 0 || saved == 0)
        return -LINUX_EFAULT;
    *real = (uint32_t)ids[first];
    *effective = (uint32_t)ids[first + 1];
    *saved = (uint32_t)ids[first + 2];
    return 0;
}

int64_t sys_getresuid(uint32_t *real, uint32_t *effective, uint32_t *saved)
{
    return get_three(ID_UID, real, effective, saved);
}

int64_t sys_getresgid(uint32_t *real, uint32_t *effective, uint32_t *saved)
{
    return get_three(ID_GID, real, effective, saved);
}

/* (uid_t)-1 keeps a value; procmgr takes that as a 64-bit -1. */
static uint64_t id_argument(uint64_t id)
{
    return (uint32_t)id == UINT32_MAX ? UINT64_MAX : (uint32_t)id;
}

static int64_t set_ids(enum proc_set_ids which, uint64_t a, uint64_t b, uint64_t c)
{
    return linux_request(LINUX_SLOT_PROCMGR, PROC_SET_IDS, 4, which, id_argument(a),
                         id_argument(b), id_argument(c));
}

int64_t sys_setuid(uint64_t uid) { return set_ids(PROC_SETUID, uid, UINT64_MAX, UINT64_MAX); }
int64_t sys_setgid(uint64_t gid) { return set_ids(PROC_SETGID, gid, UINT64_MAX, UINT64_MAX); }

int64_t sys_setreuid(uint64_t real, uint64_t effective)
{
    return set_ids(PROC_SETREUID, real, effective, UINT64_MAX);
}

int64_t sys_setregid(uint64_t real, uint64_t effective)
{
    return set_ids(PROC_SETREGID, real, effective, UINT64_MAX);
}

int64_t sys_setresuid(uint64_t real, uint64_t effective, uint64_t saved)
{
    return set_ids(PROC_SETRESUID, real, effective, saved);
}

int64_t sys_setresgid(uint64_t real, uint64_t effective, uint64_t saved)
{
    return set_ids(PROC_SETRESGID, real, effective, saved);
}

int64_t sys_getgroups(int64_t size, uint32_t *list)
{
    (void)list;     /* no supplementary groups */
    return size < 0 ? -LINUX_EINVAL : 0;
}

static uint64_t pid_argument(int64_t pid)
{
    return (uint64_t)(int64_t)(int32_t)pid;
}

int64_t sys_setpgid(int64_t pid, int64_t pgid)
{
    if ((int32_t)pgid < 0)
        return -LINUX_EINVAL;
    return linux_request(LINUX_SLOT_PROCMGR, PROC_SETPGID, 2, pid_argument(pid),
                         pid_argument(pgid), 0, 0);
}

int64_t sys_getpgid(int64_t pid)
{
    return linux_request(LINUX_SLOT_PROCMGR, PROC_GETPGID, 1, pid_argument(pid), 0, 0, 0);
}

int64_t sys_setsid(void)
{
    return linux_request(LINUX_SLOT_PROCMGR, PROC_SETSID, 0, 0, 0, 0, 0);
}

int64_t sys_getsid(int64_t pid)
{
    return linux_request(LINUX_SLOT_PROCMGR, PROC_GETSID, 1, pid_argument(pid), 0, 0, 0);
}
