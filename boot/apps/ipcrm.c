/*
 * ipcrm: removes System V IPC objects by id or key, as util-linux's
 * ipcrm does (Debian's busybox-static has no ipcrm): msgctl, shmctl or
 * semctl's IPC_RMID, a key found with msgget, shmget or semget first.
 *
 *   ipcrm [-q msqid] [-Q msgkey] [-m shmid] [-M shmkey] [-s semid] [-S semkey]
 *         [-a [msg|shm|sem]]
 *   ipcrm msg|shm|sem id...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

enum kind { QUEUE, SEGMENT, SET };

static int remove_id(enum kind kind, int id)
{
    switch (kind) {
    case QUEUE: return msgctl(id, IPC_RMID, NULL);
    case SEGMENT: return shmctl(id, IPC_RMID, NULL);
    default: return semctl(id, 0, IPC_RMID);
    }
}

/* The id of key's object, or -1 (errno). */
static int id_of_key(enum kind kind, key_t key)
{
    switch (kind) {
    case QUEUE: return msgget(key, 0);
    case SEGMENT: return shmget(key, 0, 0);
    default: return semget(key, 0, 0);
    }
}

/* Removes the object named by argument (an id, or a key with by_key):
 * 0, or 1 after saying why not, in util-linux's words. */
static int remove_one(enum kind kind, const char *argument, int by_key)
{
    char *end;
    errno = 0;
    long long value = strtoll(argument, &end, 0);
    if (errno || *end || end == argument) {
        fprintf(stderr, "ipcrm: %s: %s\n", by_key ? "invalid key" : "invalid id", argument);
        return 1;
    }
    int id = (int)value;
    if (by_key) {
        if ((key_t)value == IPC_PRIVATE) {
            fprintf(stderr, "ipcrm: illegal key (%s)\n", argument);
            return 1;
        }
        id = id_of_key(kind, (key_t)value);
        if (id < 0) {
            fprintf(stderr, "ipcrm: %s for key (%s)\n",
                    errno == EACCES ? "permission denied" : "invalid key", argument);
            return 1;
        }
    }
    if (remove_id(kind, id) == 0)
        return 0;
    const char *why = errno == EACCES || errno == EPERM ? "permission denied for"
                    : errno == EINVAL ? "invalid"
                    : errno == EIDRM  ? "already removed"
                                      : strerror(errno);
    fprintf(stderr, "ipcrm: %s %s (%s)\n", why, by_key ? "key" : "id", argument);
    return 1;
}

/* -a: every object of the kind /proc/sysvipc lists: the failures. */
static int remove_all(enum kind kind)
{
    static const char *const files[] = {"/proc/sysvipc/msg", "/proc/sysvipc/shm",
                                        "/proc/sysvipc/sem"};
    FILE *file = fopen(files[kind], "r");
    if (!file) {
        fprintf(stderr, "ipcrm: cannot read %s: %s\n", files[kind], strerror(errno));
        return 1;
    }
    char line[512];
    int failures = 0;
    if (fgets(line, sizeof line, file)) {              /* the header */
        while (fgets(line, sizeof line, file)) {
            int key, id;
            if (sscanf(line, "%d %d", &key, &id) != 2)
                continue;
            char text[16];
            snprintf(text, sizeof text, "%d", id);
            failures += remove_one(kind, text, 0);
        }
    }
    fclose(file);
    return failures;
}

static int kind_named(const char *name, enum kind *kind)
{
    if (strcmp(name, "msg") == 0)
        *kind = QUEUE;
    else if (strcmp(name, "shm") == 0)
        *kind = SEGMENT;
    else if (strcmp(name, "sem") == 0)
        *kind = SET;
    else
        return 0;
    return 1;
}

static void usage(FILE *to)
{
    fprintf(to, "Usage: ipcrm [-q msqid] [-Q msgkey] [-m shmid] [-M shmkey] [-s semid]\n"
                "             [-S semkey] [-a [msg|shm|sem]]\n"
                "       ipcrm msg|shm|sem id...\n"
                "Remove System V IPC objects by id or by key (-a: all of them).\n");
}

int main(int argc, char **argv)
{
    /* The old form: ipcrm shm|msg|sem id... */
    enum kind kind;
    if (argc > 2 && kind_named(argv[1], &kind)) {
        int failures = 0;
        for (int i = 2; i < argc; i++)
            failures += remove_one(kind, argv[i], 0);
        return failures ? 1 : 0;
    }
    int failures = 0, option, done = 0;
    while ((option = getopt(argc, argv, "q:Q:m:M:s:S:ah")) != -1) {
        done = 1;
        switch (option) {
        case 'q': failures += remove_one(QUEUE, optarg, 0); break;
        case 'Q': failures += remove_one(QUEUE, optarg, 1); break;
        case 'm': failures += remove_one(SEGMENT, optarg, 0); break;
        case 'M': failures += remove_one(SEGMENT, optarg, 1); break;
        case 's': failures += remove_one(SET, optarg, 0); break;
        case 'S': failures += remove_one(SET, optarg, 1); break;
        case 'a':
            /* -a alone: every kind; -a msg (or shm, sem): that one. */
            if (optind < argc && kind_named(argv[optind], &kind)) {
                failures += remove_all(kind);
                optind++;
            } else {
                failures += remove_all(QUEUE) + remove_all(SEGMENT) + remove_all(SET);
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (!done || optind < argc) {
        usage(stderr);
        return 1;
    }
    return failures ? 1 : 0;
}
