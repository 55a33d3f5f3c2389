/*
 * The IPC settings of /proc/sys: kernel/msgmax, msgmnb, msgmni, sem,
 * shmmax, shmall, shmmni and fs/mqueue/msg_max, msgsize_max,
 * queues_max. Each reads as Linux's defaults; root's write changes what
 * the next msgget, msgsnd, semget, semop, shmget or mq_open meets, and
 * IPC_INFO's numbers; values out of range or not numbers are EINVAL and
 * change nothing; another user may read but not open for writing
 * (EACCES); a new IPC namespace starts from the defaults. The test runs
 * in an IPC namespace of its own (the settings are each namespace's, as
 * on Linux), so one that stops halfway leaves the system's as they were;
 * every value is written back all the same.
 */
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include "check.h"

/* The file's text (NUL-terminated) or "" if it cannot be read. */
static const char *setting(const char *name)
{
    static char text[128];
    char path[96];
    snprintf(path, sizeof path, "/proc/sys/%s", name);
    text[0] = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return text;
    ssize_t length = read(fd, text, sizeof text - 1);
    text[length < 0 ? 0 : length] = 0;
    close(fd);
    return text;
}

/* write(2) of value to the file: its result, errno kept. */
static long set(const char *name, const char *value)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/sys/%s", name);
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -1;
    long result = write(fd, value, strlen(value));
    int error = errno;
    close(fd);
    errno = error;
    return result;
}

static void each_reads_as_linux_defaults(void)
{
    static const char *const names[] = {
        "kernel/msgmax", "kernel/msgmnb", "kernel/msgmni", "kernel/sem", "kernel/shmmax",
        "kernel/shmall", "kernel/shmmni", "fs/mqueue/msg_max", "fs/mqueue/msgsize_max",
        "fs/mqueue/queues_max",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        printf("%s: %s", names[i], setting(names[i]));
    struct stat status;
    CHECK_OK(stat("/proc/sys/kernel/msgmax", &status));
    CHECK(S_ISREG(status.st_mode) && (status.st_mode & 0777) == 0644 && status.st_uid == 0);
    /* A read from the middle is the end, as Linux's sysctl files; from
     * the start again the whole. */
    int fd = open("/proc/sys/kernel/msgmax", O_RDONLY);
    char bytes[16];
    CHECK_EQ(read(fd, bytes, 2), 2);
    CHECK_EQ(read(fd, bytes, sizeof bytes), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK_EQ(read(fd, bytes, sizeof bytes), 5);
    close(fd);
    CHECK_ERRNO(open("/proc/sys/kernel/no-such-setting", O_RDONLY), ENOENT);
    printf("each: a line, tab-separated for sem; a read past the start: nothing\n");
}

static void message_queue_settings_bind_the_next_calls(void)
{
    struct {
        long type;
        char text[200];
    } message = {1, "x"};
    int queue = msgget(IPC_PRIVATE, 0600);
    REQUIRE(queue >= 0);
    CHECK_EQ(set("kernel/msgmax", "100\n"), 4);
    CHECK(strcmp(setting("kernel/msgmax"), "100\n") == 0);
    CHECK_ERRNO(msgsnd(queue, &message, 101, IPC_NOWAIT), EINVAL);
    CHECK_OK(msgsnd(queue, &message, 100, IPC_NOWAIT));
    struct msginfo info;
    CHECK(msgctl(0, IPC_INFO, (struct msqid_ds *)&info) >= 0 && info.msgmax == 100);
    CHECK_EQ(set("kernel/msgmax", "8192"), 4);
    CHECK_OK(msgsnd(queue, &message, 101, IPC_NOWAIT));

    CHECK_EQ(set("kernel/msgmnb", "1000"), 4);
    int small = msgget(IPC_PRIVATE, 0600);
    struct msqid_ds status;
    CHECK(msgctl(small, IPC_STAT, &status) == 0 && status.msg_qbytes == 1000);
    CHECK_EQ(set("kernel/msgmnb", "16384"), 5);
    msgctl(small, IPC_RMID, NULL);

    CHECK_EQ(set("kernel/msgmni", "0"), 1);
    CHECK_ERRNO(msgget(IPC_PRIVATE, 0600), ENOSPC);
    CHECK_EQ(set("kernel/msgmni", "32000"), 5);
    msgctl(queue, IPC_RMID, NULL);
    printf("msgmax, msgmnb, msgmni: the next msgsnd, msgget and IPC_INFO meet them\n");
}

static void semaphore_settings_bind_the_next_calls(void)
{
    CHECK_EQ(set("kernel/sem", "250 32000 32 128"), 16);
    CHECK(strcmp(setting("kernel/sem"), "250\t32000\t32\t128\n") == 0);
    CHECK_ERRNO(semget(IPC_PRIVATE, 251, 0600), EINVAL);
    int set_id = semget(IPC_PRIVATE, 2, 0600);
    REQUIRE(set_id >= 0);
    struct sembuf operations[33];
    for (int i = 0; i < 33; i++)
        operations[i] = (struct sembuf){0, 1, 0};
    CHECK_ERRNO(semop(set_id, operations, 33), E2BIG);
    CHECK_OK(semop(set_id, operations, 32));
    struct seminfo info;
    CHECK(semctl(0, 0, IPC_INFO, &info) >= 0 && info.semmsl == 250 && info.semopm == 32 &&
          info.semmni == 128);
    /* semmni out of range: ERANGE, and it alone stays (the others took). */
    CHECK_EQ(set("kernel/sem", "100 1000 10 40000"), -1);
    CHECK_EQ(errno, ERANGE);
    CHECK(strcmp(setting("kernel/sem"), "100\t1000\t10\t128\n") == 0);
    CHECK_EQ(set("kernel/sem", "32000 1024000000 500 32000"), 26);
    CHECK(strcmp(setting("kernel/sem"), "32000\t1024000000\t500\t32000\n") == 0);
    semctl(set_id, 0, IPC_RMID);
    printf("sem: semmsl, semmns, semopm, semmni; a bad semmni alone is kept back (ERANGE)\n");
}

static void shared_memory_settings_bind_the_next_calls(void)
{
    CHECK_EQ(set("kernel/shmmax", "8192"), 4);
    CHECK_ERRNO(shmget(IPC_PRIVATE, 8193, 0600), EINVAL);
    int segment = shmget(IPC_PRIVATE, 8192, 0600);
    CHECK(segment >= 0);
    shmctl(segment, IPC_RMID, NULL);
    CHECK_EQ(set("kernel/shmmax", "18446744073692774399"), 20);
    CHECK_EQ(set("kernel/shmall", "0"), 1);
    CHECK_ERRNO(shmget(IPC_PRIVATE, 4096, 0600), ENOSPC);
    CHECK_EQ(set("kernel/shmall", "18446744073692774399"), 20);
    CHECK_EQ(set("kernel/shmmni", "0"), 1);
    CHECK_ERRNO(shmget(IPC_PRIVATE, 4096, 0600), ENOSPC);
    CHECK_EQ(set("kernel/shmmni", "4096"), 4);
    segment = shmget(IPC_PRIVATE, 4096, 0600);
    CHECK(segment >= 0);
    shmctl(segment, IPC_RMID, NULL);
    printf("shmmax, shmall, shmmni: the next shmget meets them\n");
}

static void queue_settings_bind_the_next_mq_open(void)
{
    CHECK_EQ(set("fs/mqueue/msg_max", "5"), 1);
    CHECK_EQ(set("fs/mqueue/msgsize_max", "4096"), 4);
    mqd_t queue = mq_open("/proc-sys-queue", O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
    REQUIRE(queue != (mqd_t)-1);
    struct mq_attr attributes;
    CHECK(mq_getattr(queue, &attributes) == 0 && attributes.mq_maxmsg == 5 &&
          attributes.mq_msgsize == 4096);
    mq_close(queue);
    mq_unlink("/proc-sys-queue");
    /* Another user meets the limits, queues_max (first) too. */
    for (int round = 0; round < 2; round++) {
        if (round == 1)
            CHECK_EQ(set("fs/mqueue/queues_max", "0"), 1);
        pid_t child = fork();
        if (child == 0) {
            if (setgid(1000) != 0 || setuid(1000) != 0)
                _exit(2);
            struct mq_attr wanted = {.mq_maxmsg = 6, .mq_msgsize = 16};
            CHECK_ERRNO(mq_open("/proc-sys-other", O_RDWR | O_CREAT, 0600, &wanted),
                        round == 0 ? EINVAL : ENOSPC);
            wanted.mq_maxmsg = 5;
            if (round == 1)
                CHECK_ERRNO(mq_open("/proc-sys-other", O_RDWR | O_CREAT, 0600, &wanted), ENOSPC);
            check_child_exit();
        }
        check_child_passed(child);
    }
    CHECK_EQ(set("fs/mqueue/queues_max", "256"), 3);
    CHECK_EQ(set("fs/mqueue/msg_max", "10"), 2);
    CHECK_EQ(set("fs/mqueue/msgsize_max", "8192"), 4);
    printf("msg_max, msgsize_max, queues_max: the next mq_open meets them\n");
}

static void bad_values_are_einval(void)
{
    static const struct {
        const char *name, *value;
    } bad[] = {
        {"kernel/msgmax", "-1"}, {"kernel/msgmax", "abc"}, {"kernel/msgmax", "12x"},
        {"kernel/msgmax", "\n"}, {"kernel/msgmax", "2147483648"}, {"kernel/msgmni", "32769"},
        {"kernel/shmmax", "-1"}, {"fs/mqueue/msg_max", "0"}, {"fs/mqueue/msg_max", "65537"},
        {"fs/mqueue/msgsize_max", "127"}, {"fs/mqueue/msgsize_max", "16777217"},
    };
    int refused = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errno = 0;
        if (set(bad[i].name, bad[i].value) == -1 && errno == EINVAL)
            refused++;
        else
            fprintf(stderr, "    %s took %s\n", bad[i].name, bad[i].value);
    }
    CHECK_EQ(refused, (int)(sizeof bad / sizeof bad[0]));
    CHECK(strcmp(setting("kernel/msgmax"), "8192\n") == 0);
    CHECK(strcmp(setting("fs/mqueue/msg_max"), "10\n") == 0);
    /* Hexadecimal and octal are numbers too; white space around is taken. */
    CHECK_EQ(set("kernel/msgmax", " 0x2000\n"), 8);
    CHECK(strcmp(setting("kernel/msgmax"), "8192\n") == 0);
    printf("out of range, negative, not a number, nothing: EINVAL, nothing changes\n");
}

static void another_user_reads_but_cannot_write(void)
{
    pid_t child = fork();
    if (child == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        CHECK(strcmp(setting("kernel/msgmax"), "8192\n") == 0);
        CHECK_ERRNO(open("/proc/sys/kernel/msgmax", O_WRONLY), EACCES);
        CHECK_ERRNO(open("/proc/sys/fs/mqueue/msg_max", O_RDWR), EACCES);
        check_child_exit();
    }
    check_child_passed(child);
    printf("another user: reads, and cannot open for writing (EACCES)\n");
}

static void a_new_namespace_starts_from_the_defaults(void)
{
    CHECK_EQ(set("kernel/msgmax", "100"), 3);
    pid_t child = fork();
    if (child == 0) {
        CHECK_OK(unshare(CLONE_NEWIPC));
        CHECK(strcmp(setting("kernel/msgmax"), "8192\n") == 0);
        CHECK_EQ(set("kernel/msgmni", "7"), 1);
        CHECK(strcmp(setting("kernel/msgmni"), "7\n") == 0);
        check_child_exit();
    }
    check_child_passed(child);
    CHECK(strcmp(setting("kernel/msgmni"), "32000\n") == 0);
    CHECK_EQ(set("kernel/msgmax", "8192"), 4);
    printf("a new IPC namespace: the defaults, and settings of its own\n");
}

int main(void)
{
    REQUIRE(unshare(CLONE_NEWIPC) == 0);
    each_reads_as_linux_defaults();
    message_queue_settings_bind_the_next_calls();
    semaphore_settings_bind_the_next_calls();
    shared_memory_settings_bind_the_next_calls();
    queue_settings_bind_the_next_mq_open();
    bad_values_are_einval();
    another_user_reads_but_cannot_write();
    a_new_namespace_starts_from_the_defaults();
    return check_finish("proc_sys_ipc");
}
