/*
 * ipcs: the System V IPC objects of the caller's IPC namespace, as
 * util-linux's ipcs lists them (Debian's busybox-static has no ipcs).
 * The objects come from /proc/sysvipc/{msg,shm,sem}, the limits (-l)
 * from /proc/sys/kernel, a single object's details (-i) from msgctl,
 * shmctl and semctl's IPC_STAT.
 *
 *   ipcs [-q] [-m] [-s] [-a] [-l] [-i id]
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

enum kind { QUEUES = 1, SEGMENTS = 2, SETS = 4 };

static void print_owner(unsigned uid)
{
    struct passwd *entry = getpwuid(uid);
    if (entry)
        printf("%-10.10s ", entry->pw_name);
    else
        printf("%-10u ", uid);
}

/* Each object line of /proc/sysvipc/<name> (the header skipped), or
 * NULL at the end; file is opened on the first call. */
static char *next_line(FILE **file, const char *name)
{
    static char line[512];
    if (!*file) {
        char path[64];
        snprintf(path, sizeof path, "/proc/sysvipc/%s", name);
        *file = fopen(path, "r");
        if (!*file || !fgets(line, sizeof line, *file)) {
            fprintf(stderr, "ipcs: cannot read %s: %s\n", path, strerror(errno));
            return NULL;
        }
    }
    if (fgets(line, sizeof line, *file))
        return line;
    fclose(*file);
    *file = NULL;
    return NULL;
}

static void list_queues(void)
{
    printf("\n------ Message Queues --------\n");
    printf("%-10s %-10s %-10s %-10s %-12s %-12s\n", "key", "msqid", "owner", "perms",
           "used-bytes", "messages");
    FILE *file = NULL;
    char *line;
    while ((line = next_line(&file, "msg"))) {
        int key, id, lspid, lrpid;
        unsigned perms, uid;
        unsigned long bytes, messages;
        if (sscanf(line, "%d %d %o %lu %lu %d %d %u", &key, &id, &perms, &bytes, &messages,
                   &lspid, &lrpid, &uid) != 8)
            continue;
        printf("0x%08x %-10d ", (unsigned)key, id);
        print_owner(uid);
        printf("%-10o %-12lu %-12lu\n", perms & 0777, bytes, messages);
    }
    printf("\n");
}

static void list_segments(void)
{
    printf("\n------ Shared Memory Segments --------\n");
    printf("%-10s %-10s %-10s %-10s %-10s %-10s %-12s\n", "key", "shmid", "owner", "perms",
           "bytes", "nattch", "status");
    FILE *file = NULL;
    char *line;
    while ((line = next_line(&file, "shm"))) {
        int key, id, cpid, lpid;
        unsigned perms, uid;
        unsigned long size, attached;
        if (sscanf(line, "%d %d %o %lu %d %d %lu %u", &key, &id, &perms, &size, &cpid, &lpid,
                   &attached, &uid) != 8)
            continue;
        printf("0x%08x %-10d ", (unsigned)key, id);
        print_owner(uid);
        printf("%-10o %-10lu %-10lu %-6s %-6s\n", perms & 0777, size, attached,
               perms & SHM_DEST ? "dest" : " ", perms & SHM_LOCKED ? "locked" : " ");
    }
    printf("\n");
}

static void list_sets(void)
{
    printf("\n------ Semaphore Arrays --------\n");
    printf("%-10s %-10s %-10s %-10s %-10s\n", "key", "semid", "owner", "perms", "nsems");
    FILE *file = NULL;
    char *line;
    while ((line = next_line(&file, "sem"))) {
        int key, id;
        unsigned perms, size, uid;
        if (sscanf(line, "%d %d %o %u %u", &key, &id, &perms, &size, &uid) != 5)
            continue;
        printf("0x%08x %-10d ", (unsigned)key, id);
        print_owner(uid);
        printf("%-10o %-10u\n", perms & 0777, size);
    }
    printf("\n");
}

/* A /proc/sys/kernel setting's text, its newline gone. */
static const char *setting(const char *name)
{
    static char text[96];
    char path[64];
    snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
    FILE *file = fopen(path, "r");
    text[0] = 0;
    if (file) {
        if (!fgets(text, sizeof text, file))
            text[0] = 0;
        fclose(file);
    }
    text[strcspn(text, "\n")] = 0;
    return text;
}

static void list_limits(unsigned kinds)
{
    if (kinds & QUEUES) {
        printf("\n------ Messages Limits --------\n");
        printf("max queues system wide = %s\n", setting("msgmni"));
        printf("max size of message (bytes) = %s\n", setting("msgmax"));
        printf("default max size of queue (bytes) = %s\n", setting("msgmnb"));
    }
    if (kinds & SEGMENTS) {
        unsigned long long largest = strtoull(setting("shmmax"), NULL, 10);
        unsigned long long pages = strtoull(setting("shmall"), NULL, 10);
        long page = sysconf(_SC_PAGESIZE);
        printf("\n------ Shared Memory Limits --------\n");
        printf("max number of segments = %s\n", setting("shmmni"));
        printf("max seg size (kbytes) = %llu\n", largest / 1024);
        printf("max total shared memory (kbytes) = %llu\n",
               pages > ~0ULL / (unsigned long long)page ? ~0ULL / 1024
                                                        : pages * (unsigned long long)page / 1024);
        printf("min seg size (bytes) = 1\n");
    }
    if (kinds & SETS) {
        unsigned long sem[4] = {0};
        sscanf(setting("sem"), "%lu %lu %lu %lu", &sem[0], &sem[1], &sem[2], &sem[3]);
        printf("\n------ Semaphore Limits --------\n");
        printf("max number of arrays = %lu\n", sem[3]);
        printf("max semaphores per array = %lu\n", sem[0]);
        printf("max semaphores system wide = %lu\n", sem[1]);
        printf("max ops per semop call = %lu\n", sem[2]);
        printf("semaphore max value = %d\n", 32767);
    }
    printf("\n");
}

static const char *time_text(time_t when)
{
    static char text[64];
    if (!when)
        return "Not set";
    strftime(text, sizeof text, "%a %b %e %H:%M:%S %Y", localtime(&when));
    return text;
}

/* -i: one object's details; 1 if it is not there. */
static int detail(unsigned kinds, int id)
{
    if (kinds & QUEUES) {
        struct msqid_ds status;
        if (msgctl(id, IPC_STAT, &status) < 0)
            goto missing;
        printf("\nMessage Queue msqid=%d\n", id);
        printf("uid=%u\tgid=%u\tcuid=%u\tcgid=%u\tmode=%#o\n", status.msg_perm.uid,
               status.msg_perm.gid, status.msg_perm.cuid, status.msg_perm.cgid,
               status.msg_perm.mode & 0777);
        printf("cbytes=%lu\tqbytes=%lu\tqnum=%lu\tlspid=%d\tlrpid=%d\n",
               (unsigned long)status.msg_cbytes, (unsigned long)status.msg_qbytes,
               (unsigned long)status.msg_qnum, status.msg_lspid, status.msg_lrpid);
        printf("send_time=%s\n", time_text(status.msg_stime));
        printf("rcv_time=%s\n", time_text(status.msg_rtime));
        printf("change_time=%s\n\n", time_text(status.msg_ctime));
        return 0;
    }
    if (kinds & SEGMENTS) {
        struct shmid_ds status;
        if (shmctl(id, IPC_STAT, &status) < 0)
            goto missing;
        printf("\nShared memory Segment shmid=%d\n", id);
        printf("uid=%u\tgid=%u\tcuid=%u\tcgid=%u\n", status.shm_perm.uid, status.shm_perm.gid,
               status.shm_perm.cuid, status.shm_perm.cgid);
        printf("mode=%#o\taccess_perms=%#o\n", status.shm_perm.mode, status.shm_perm.mode & 0777);
        printf("bytes=%zu\tlpid=%d\tcpid=%d\tnattch=%lu\n", status.shm_segsz, status.shm_lpid,
               status.shm_cpid, (unsigned long)status.shm_nattch);
        printf("att_time=%s\n", time_text(status.shm_atime));
        printf("det_time=%s\n", time_text(status.shm_dtime));
        printf("change_time=%s\n\n", time_text(status.shm_ctime));
        return 0;
    }
    struct semid_ds status;
    if (semctl(id, 0, IPC_STAT, &status) < 0)
        goto missing;
    printf("\nSemaphore Array semid=%d\n", id);
    printf("uid=%u\t gid=%u\t cuid=%u\t cgid=%u\n", status.sem_perm.uid, status.sem_perm.gid,
           status.sem_perm.cuid, status.sem_perm.cgid);
    printf("mode=%#o, access_perms=%#o\n", status.sem_perm.mode, status.sem_perm.mode & 0777);
    printf("nsems = %lu\n", (unsigned long)status.sem_nsems);
    printf("otime = %s\n", time_text(status.sem_otime));
    printf("ctime = %s\n", time_text(status.sem_ctime));
    printf("%-10s %-10s %-10s %-10s %-10s\n", "semnum", "value", "ncount", "zcount", "pid");
    for (unsigned long i = 0; i < status.sem_nsems; i++)
        printf("%-10lu %-10d %-10d %-10d %-10d\n", i, semctl(id, (int)i, GETVAL),
               semctl(id, (int)i, GETNCNT), semctl(id, (int)i, GETZCNT),
               semctl(id, (int)i, GETPID));
    printf("\n");
    return 0;
missing:
    fprintf(stderr, "ipcs: id %d not found\n", id);
    return 1;
}

static void usage(FILE *to)
{
    fprintf(to, "Usage: ipcs [-q] [-m] [-s] [-a] [-l] [-i id]\n"
                "Show the System V IPC objects (message queues, shared memory\n"
                "segments, semaphore arrays) of this IPC namespace.\n"
                "  -q  message queues    -m  shared memory    -s  semaphores\n"
                "  -a  all (the default) -l  their limits     -i id  one object,\n"
                "                                                with -q, -m or -s\n");
}

int main(int argc, char **argv)
{
    unsigned kinds = 0;
    int limits = 0, id = -1, option;
    while ((option = getopt(argc, argv, "qmsali:h")) != -1) {
        switch (option) {
        case 'q': kinds |= QUEUES; break;
        case 'm': kinds |= SEGMENTS; break;
        case 's': kinds |= SETS; break;
        case 'a': kinds |= QUEUES | SEGMENTS | SETS; break;
        case 'l': limits = 1; break;
        case 'i': id = atoi(optarg); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 1;
    }
    if (id >= 0) {
        if (kinds != QUEUES && kinds != SEGMENTS && kinds != SETS) {
            fprintf(stderr, "ipcs: -i needs one of -q, -m or -s\n");
            return 1;
        }
        return detail(kinds, id);
    }
    if (!kinds)
        kinds = QUEUES | SEGMENTS | SETS;
    if (limits) {
        list_limits(kinds);
        return 0;
    }
    if (kinds & QUEUES)
        list_queues();
    if (kinds & SEGMENTS)
        list_segments();
    if (kinds & SETS)
        list_sets();
    return 0;
}
