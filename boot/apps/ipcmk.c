/*
 * ipcmk: makes a System V message queue, shared memory segment or
 * semaphore array with a key of its own and says its id, as util-linux's
 * ipcmk does (Debian's busybox-static has none).
 *
 *   ipcmk [-Q] [-M size] [-S nsems] [-p mode]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/random.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

/* A key not IPC_PRIVATE, at random (util-linux's ipcmk takes random()). */
static key_t new_key(void)
{
    key_t key = 0;
    while (key == IPC_PRIVATE)
        if (getrandom(&key, sizeof key, 0) != sizeof key)
            key = (key_t)getpid();
    return key;
}

static void usage(FILE *to)
{
    fprintf(to, "Usage: ipcmk [-Q] [-M size] [-S nsems] [-p mode]\n"
                "Make a System V message queue (-Q), shared memory segment of size\n"
                "bytes (-M) or array of nsems semaphores (-S), with permissions mode\n"
                "(octal, 0644 by default), and print its id.\n");
}

int main(int argc, char **argv)
{
    int queue = 0, option, mode = 0644, nsems = 0;
    unsigned long size = 0;
    while ((option = getopt(argc, argv, "QM:S:p:h")) != -1) {
        switch (option) {
        case 'Q': queue = 1; break;
        case 'M': size = strtoul(optarg, NULL, 0); break;
        case 'S': nsems = atoi(optarg); break;
        case 'p': mode = (int)strtol(optarg, NULL, 8); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind < argc || (!queue && !size && !nsems)) {
        usage(stderr);
        return 1;
    }
    int failures = 0;
    if (size) {
        int id = shmget(new_key(), size, IPC_CREAT | IPC_EXCL | mode);
        if (id < 0) {
            fprintf(stderr, "ipcmk: create share memory failed: %s\n", strerror(errno));
            failures++;
        } else {
            printf("Shared memory id: %d\n", id);
        }
    }
    if (queue) {
        int id = msgget(new_key(), IPC_CREAT | IPC_EXCL | mode);
        if (id < 0) {
            fprintf(stderr, "ipcmk: create message queue failed: %s\n", strerror(errno));
            failures++;
        } else {
            printf("Message queue id: %d\n", id);
        }
    }
    if (nsems) {
        int id = semget(new_key(), nsems, IPC_CREAT | IPC_EXCL | mode);
        if (id < 0) {
            fprintf(stderr, "ipcmk: create semaphore failed: %s\n", strerror(errno));
            failures++;
        } else {
            printf("Semaphore id: %d\n", id);
        }
    }
    return failures ? 1 : 0;
}
