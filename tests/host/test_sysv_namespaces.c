/* The System V objects of every IPC namespace (servers/sysv/namespaces.c):
 * a namespace's own keys and ids, processes entering and ending, and a
 * namespace that ends taking its objects (a segment still attached when
 * its last attachment goes), with every block given back. */
#include "test_sysv_support.h"
#include "sys/protocol/memory.h"
#include "sysv/namespaces.h"

static struct sysv_namespaces namespaces;
/* A namespace ends with its last process, whose waits went with it:
 * nobody is left to answer. */
static bool answer_waiter(void *context, uint64_t handle, int64_t result)
{
    (void)context, (void)handle, (void)result;
    CHECK(!"a waiter answered");
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

/* A process of the user's in namespace 1. */
static const struct sysv_caller inside = {40, 1000, 1000};

static void keys_and_ids_are_each_namespaces_own(void)
{
    sysv_namespaces_init(&namespaces, &services, &sem_replies, &msg_replies, 8 << 20);
    struct sysv_namespace *initial = sysv_namespace_of(&namespaces, user.pid);
    CHECK(initial == &namespaces.initial);
    CHECK_EQ_U64(msg_get(&initial->msg, &user, 0x1234, SYSV_IPC_CREAT | 0600), 0);
    CHECK_EQ_U64(msg_get(&initial->msg, &user, SYSV_IPC_PRIVATE, 0600), 1);

    sysv_namespaces_process_entered(&namespaces, inside.pid, 1);
    struct sysv_namespace *other = sysv_namespace_of(&namespaces, inside.pid);
    CHECK(other != NULL && other != initial && other->id == 1);
    CHECK_EQ_U64(msg_get(&other->msg, &inside, 0x1234, 0), -LINUX_ENOENT);
    CHECK_EQ_U64(msg_get(&other->msg, &inside, 0x1234, SYSV_IPC_CREAT | 0600), 0);
    CHECK(sysv_namespace_of(&namespaces, inside.pid) == other);

    /* The process ends: its pid is the initial namespace's again. */
    sysv_namespaces_process_ended(&namespaces, inside.pid);
    CHECK(sysv_namespace_of(&namespaces, inside.pid) == initial);
}

/* Moving to a new namespace applies the process's SEM_UNDO adjustments
 * in the old one (unshare implies CLONE_SYSVSEM). */
static void unsharing_applies_the_undo_adjustments(void)
{
    struct sysv_namespace *initial = &namespaces.initial;
    int64_t set = sem_get(&initial->sem, &inside, SYSV_IPC_PRIVATE, 1, 0600);
    CHECK(set >= 0);
    struct sysv_sembuf raise = {0, 3, SYSV_SEM_UNDO};
    CHECK_EQ_U64(sem_operate(&initial->sem, &inside, (int32_t)set, &raise, 1, 0, 0, 1, true), 0);
    struct client buffer;
    CHECK_EQ_U64(sem_control(&initial->sem, &inside, (int32_t)set, 0, SYSV_GETVAL, 0,
                             client(&buffer, NULL, 0)), 3);
    sysv_namespaces_process_entered(&namespaces, inside.pid, 3);
    CHECK_EQ_U64(sem_control(&initial->sem, &root, (int32_t)set, 0, SYSV_GETVAL, 0,
                             client(&buffer, NULL, 0)), 0);
    CHECK_EQ_U64(sem_control(&initial->sem, &root, (int32_t)set, 0, SYSV_IPC_RMID, 0,
                             client(&buffer, NULL, 0)), 0);
    /* It ends. */
    sysv_namespaces_process_ended(&namespaces, inside.pid);
    CHECK(sysv_namespace_of(&namespaces, inside.pid) == initial);
}

static void an_ended_namespace_takes_its_objects(void)
{
    long blocks_before = blocks_live;
    sysv_namespaces_process_entered(&namespaces, inside.pid, 2);
    struct sysv_namespace *other = sysv_namespace_of(&namespaces, inside.pid);
    int64_t queue = msg_get(&other->msg, &inside, SYSV_IPC_PRIVATE, 0600);
    int64_t set = sem_get(&other->sem, &inside, SYSV_IPC_PRIVATE, 2, 0600);
    int64_t segment = shm_get(&other->shm, &inside, SYSV_IPC_PRIVATE, 4096, 0600);
    CHECK(queue == 0 && set == 0 && segment == 0);
    /* An attachment of the segment. */
    uint64_t grant, size, identity, attachment;
    CHECK_EQ_U64(shm_attach(&other->shm, &inside, (int32_t)segment, 0, &grant, &size), 0);
    CHECK(shm_map(&namespaces.initial.shm, grant, LINUX_PROT_READ, &identity, &attachment) &
          MEMORY_MAP_DESCRIPTOR);
    CHECK_EQ_U64(shm_close(&namespaces.initial.shm, grant), 0);

    sysv_namespaces_process_ended(&namespaces, inside.pid);
    sysv_namespaces_ended(&namespaces, 2);
    /* The set and the queue went; the attached segment stays, its key
     * gone (IPC_RMID's SHM_DEST). */
    CHECK_EQ_U64(other->sem.ids.in_use, 0);
    CHECK_EQ_U64(other->msg.ids.in_use, 0);
    CHECK_EQ_U64(other->shm.ids.in_use, 1);
    /* Its number may come again: it is another namespace then. */
    sysv_namespaces_process_entered(&namespaces, inside.pid, 2);
    struct sysv_namespace *again = sysv_namespace_of(&namespaces, inside.pid);
    CHECK_EQ_U64(msg_get(&again->msg, &inside, SYSV_IPC_PRIVATE, 0600), 0);
    CHECK_EQ_U64(msg_control(&again->msg, &inside, 0, SYSV_IPC_RMID, NULL), 0);
    sysv_namespaces_process_ended(&namespaces, inside.pid);
    sysv_namespaces_ended(&namespaces, 2);
    /* The segment stays while attached; with its attachment the ended
     * namespace goes, and everything it took comes back. */
    CHECK(blocks_live > blocks_before);
    CHECK_EQ_U64(shm_close(&namespaces.initial.shm, attachment), 0);
    sysv_namespaces_process_ended(&namespaces, user.pid);
    CHECK_EQ_U64(blocks_live, blocks_before);
    CHECK_EQ_U64(pages_live, 1);    /* the descriptors' table page, kept for good */
}

int main(void)
{
    RUN_TEST(keys_and_ids_are_each_namespaces_own);
    RUN_TEST(unsharing_applies_the_undo_adjustments);
    RUN_TEST(an_ended_namespace_takes_its_objects);
    return check_report();
}
