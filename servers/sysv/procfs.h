/*
 * What /proc shows of an IPC namespace's System V objects, and the
 * settings root may change: Linux 6.1's /proc/sysvipc/{msg,sem,shm}
 * (ipc/msg.c, sem.c, shm.c: sysvipc_*_proc_show) and /proc/sys/kernel's
 * shmmax, shmall, shmmni, msgmax, msgmnb, msgmni and sem
 * (ipc/ipc_sysctl.c). Plain C with no IPC in it
 * (tests/host/test_sysv_procfs.c); main.c serves the settings through
 * the runtime (sys/server.h) and the text through SYSV_PROCFS.
 */
#ifndef SERVERS_SYSV_PROCFS_H
#define SERVERS_SYSV_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include "namespaces.h"
#include "sys/protocol/sysv.h"

/* /proc/sysvipc/<which> (which: SYSV_PROCFS_MSG, _SEM, _SHM): its header
 * and a line an object, by index, into text (as much as fits in
 * capacity); its whole length. */
size_t sysv_procfs_text(const struct sysv_namespace *namespace, uint64_t which, char *text,
                        size_t capacity);

/* The settings, in /proc/sys/kernel's order of ipc_sysctl.c. */
enum sysv_setting {
    SYSV_SETTING_SHMMAX,
    SYSV_SETTING_SHMALL,
    SYSV_SETTING_SHMMNI,
    SYSV_SETTING_MSGMAX,
    SYSV_SETTING_MSGMNI,
    SYSV_SETTING_MSGMNB,
    SYSV_SETTING_SEM,           /* semmsl, semmns, semopm, semmni */
    SYSV_SETTINGS,
};

/* A setting's values now (sem's four, the others' one). */
void sysv_setting_get(const struct sysv_namespace *namespace, enum sysv_setting setting,
                      uint64_t values[4]);
/* A write's first count values, each already within the setting's
 * bounds (sys/setting_text.h): they are set; sem's then checks its
 * semmni (0 to IPCMNI, else it stays as it was: -ERANGE), as Linux's
 * proc_ipc_sem_dointvec. */
int sysv_setting_set(struct sysv_namespace *namespace, enum sysv_setting setting,
                     const uint64_t values[], unsigned count);

#endif
