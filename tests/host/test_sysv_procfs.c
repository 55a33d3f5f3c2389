/* What /proc shows of a namespace's System V objects, and its settings
 * (servers/sysv/procfs.c): /proc/sysvipc's columns, character for
 * character as Linux 6.1 prints them, and /proc/sys/kernel's values as
 * the cores meet them. */
#include "test_sysv_support.h"
#include "sys/protocol/memory.h"
#include "sysv/procfs.h"

/* One set of namespaces a test (what each keeps stays reachable). */
static struct sysv_namespaces listed, limited;

static bool answer_waiter(void *context, uint64_t handle, int64_t result)
{
    (void)context, (void)handle, (void)result;
    return true;
}

static bool answer_message(void *context, uint64_t handle, int64_t result,
                           const struct msg_message *message)
{
    (void)message;
    return answer_waiter(context, handle, result);
}

static bool waits(void *context, uint64_t handle)
{
    (void)context, (void)handle;
    return true;
}

static void let_go(void *context, uint64_t handle)
{
    (void)context, (void)handle;
}

static const struct sem_replies sem_replies = {answer_waiter, waits, let_go, NULL};
static const struct msg_replies msg_replies = {answer_message, waits, let_go, NULL};

static char text[4096];

static const char *text_of(struct sysv_namespace *namespace, uint64_t which)
{
    size_t length = sysv_procfs_text(namespace, which, text, sizeof text - 1);
    text[length < sizeof text ? length : sizeof text - 1] = 0;
    return text;
}

static void each_file_is_a_header_and_a_line_an_object(void)
{
    sysv_namespaces_init(&listed, &services, &sem_replies, &msg_replies, 8 << 20);
    struct sysv_namespace *initial = &listed.initial;
    clock_seconds = 1700000000;
    CHECK_EQ_STR(text_of(initial, SYSV_PROCFS_SEM),
                 "       key      semid perms      nsems   uid   gid  cuid  cgid      otime"
                 "      ctime\n");
    CHECK_EQ_U64(msg_get(&initial->msg, &user, 0x1234, SYSV_IPC_CREAT | 0640), 0);
    struct msg_message *message = msg_new(&initial->msg, &user, 1, 5);
    memcpy(message->text, "hello", 5);
    CHECK_EQ_U64(msg_send(&initial->msg, &user, 0, message, 0, 0, false), 0);
    CHECK_EQ_STR(text_of(initial, SYSV_PROCFS_MSG),
                 "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid"
                 "  cuid  cgid      stime      rtime      ctime\n"
                 "      4660          0   640           5          1    20     0  1000  1000"
                 "  1000  1000 1700000000          0 1700000000\n");
    CHECK_EQ_U64(sem_get(&initial->sem, &root, SYSV_IPC_PRIVATE, 3, 0600), 0);
    CHECK_EQ_STR(text_of(initial, SYSV_PROCFS_SEM),
                 "       key      semid perms      nsems   uid   gid  cuid  cgid      otime"
                 "      ctime\n"
                 "         0          0   600          3     0     0     0     0          0"
                 " 1700000000\n");
    CHECK_EQ_U64(shm_get(&initial->shm, &user, -2, 10000, SYSV_IPC_CREAT | 0600), 0);
    CHECK_EQ_STR(text_of(initial, SYSV_PROCFS_SHM),
                 "       key      shmid perms                  size  cpid  lpid nattch   uid"
                 "   gid  cuid  cgid      atime      dtime      ctime                   rss"
                 "                  swap\n"
                 "        -2          0   600                 10000    20     0      0  1000"
                 "  1000  1000  1000          0          0 1700000000                     0"
                 "                     0\n");
    /* A cut text still says its whole length. */
    size_t whole = strlen(text);
    CHECK_EQ_U64(sysv_procfs_text(initial, SYSV_PROCFS_SHM, text, 10), whole);
}

static void settings_read_and_change_what_the_cores_meet(void)
{
    sysv_namespaces_init(&limited, &services, &sem_replies, &msg_replies, 8 << 20);
    struct sysv_namespace *initial = &limited.initial;
    uint64_t values[4];
    sysv_setting_get(initial, SYSV_SETTING_SEM, values);
    CHECK(values[0] == 32000 && values[1] == 1024000000 && values[2] == 500 && values[3] == 32000);
    sysv_setting_get(initial, SYSV_SETTING_MSGMAX, values);
    CHECK_EQ_U64(values[0], 8192);
    uint64_t small[] = {100};
    CHECK_EQ_U64(sysv_setting_set(initial, SYSV_SETTING_MSGMNB, small, 1), 0);
    CHECK_EQ_U64(msg_get(&initial->msg, &user, SYSV_IPC_PRIVATE, 0600), 0);
    uint64_t none[] = {0};
    CHECK_EQ_U64(sysv_setting_set(initial, SYSV_SETTING_MSGMNI, none, 1), 0);
    CHECK_EQ_U64(msg_get(&initial->msg, &user, SYSV_IPC_PRIVATE, 0600), -LINUX_ENOSPC);
    CHECK_EQ_U64(sysv_setting_set(initial, SYSV_SETTING_SHMMNI, none, 1), 0);
    CHECK_EQ_U64(shm_get(&initial->shm, &user, SYSV_IPC_PRIVATE, 4096, 0600), -LINUX_ENOSPC);
    uint64_t page[] = {4096};
    CHECK_EQ_U64(sysv_setting_set(initial, SYSV_SETTING_SHMMNI, page, 1), 0);
    CHECK_EQ_U64(sysv_setting_set(initial, SYSV_SETTING_SHMMAX, page, 1), 0);
    CHECK_EQ_U64(shm_get(&initial->shm, &user, SYSV_IPC_PRIVATE, 4097, 0600), -LINUX_EINVAL);
    /* sem: the first values take; a bad semmni alone stays (ERANGE). */
    uint64_t sem[] = {2, 1000, 10, 40000};
    CHECK_EQ_U64(sysv_setting_set(initial, SYSV_SETTING_SEM, sem, 4), -LINUX_ERANGE);
    sysv_setting_get(initial, SYSV_SETTING_SEM, values);
    CHECK(values[0] == 2 && values[1] == 1000 && values[2] == 10 && values[3] == 32000);
    CHECK_EQ_U64(sem_get(&initial->sem, &user, SYSV_IPC_PRIVATE, 3, 0600), -LINUX_EINVAL);
    uint64_t negative[] = {(uint64_t)-1};
    CHECK_EQ_U64(sysv_setting_set(initial, SYSV_SETTING_SEM, negative, 1), 0);
    CHECK_EQ_U64(sem_get(&initial->sem, &user, SYSV_IPC_PRIVATE, 1, 0600), -LINUX_EINVAL);
    /* Another namespace has the defaults. */
    sysv_namespaces_process_entered(&limited, user.pid, 1);
    struct sysv_namespace *other = sysv_namespace_of(&limited, user.pid);
    sysv_setting_get(other, SYSV_SETTING_MSGMNI, values);
    CHECK_EQ_U64(values[0], 32000);
    CHECK_EQ_U64(msg_get(&other->msg, &user, SYSV_IPC_PRIVATE, 0600), 0);
}

int main(void)
{
    each_file_is_a_header_and_a_line_an_object();
    settings_read_and_change_what_the_cores_meet();
    return check_report();
}
