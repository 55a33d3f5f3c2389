/* The System V objects of every IPC namespace: namespaces.h. */
#include "namespaces.h"

/* An ended namespace's number: procmgr may give its own to a new one. */
#define ENDED UINT32_MAX

/* Removing a namespace's objects is IPC_RMID by root; only IPC_SET reads
 * the caller's buffer, so there is none. */
static const struct sysv_caller namespace_end = {0, 0, 0};

static void namespace_init(struct sysv_namespaces *all, struct sysv_namespace *namespace,
                           uint32_t id)
{
    namespace->id = id;
    shm_core_init(&namespace->shm, &all->services, all->shm_capacity, &all->descriptors);
    sem_core_init(&namespace->sem, &all->services, &all->sem_replies);
    msg_core_init(&namespace->msg, &all->services, &all->msg_replies, &all->senders);
}

void sysv_namespaces_init(struct sysv_namespaces *all, const struct sysv_services *services,
                          const struct sem_replies *sem_replies,
                          const struct msg_replies *msg_replies, uint64_t shm_capacity)
{
    all->services = *services;
    all->sem_replies = *sem_replies;
    all->msg_replies = *msg_replies;
    all->shm_capacity = shm_capacity;
    msg_senders_init(&all->senders, services);
    shm_descriptors_init(&all->descriptors, services, shm_capacity);
    namespace_init(all, &all->initial, IPC_NAMESPACE_INITIAL);
    all->initial.next = 0;
}

static struct sysv_namespace *find(struct sysv_namespaces *all, uint32_t id)
{
    struct sysv_namespace *namespace = &all->initial;
    while (namespace && namespace->id != id)
        namespace = namespace->next;
    return namespace;
}

struct sysv_namespace *sysv_namespace_of(struct sysv_namespaces *all, uint32_t pid)
{
    return sysv_namespace_by_id(all, ipc_namespace_of(&all->members, pid));
}

struct sysv_namespace *sysv_namespace_by_id(struct sysv_namespaces *all, uint32_t id)
{
    if (id == IPC_NAMESPACE_INITIAL)
        return &all->initial;
    struct sysv_namespace *namespace = find(all, id);
    if (namespace)
        return namespace;
    namespace = all->services.allocate(all->services.context, sizeof *namespace);
    if (!namespace)
        return 0;
    namespace_init(all, namespace, id);
    namespace->next = all->initial.next;
    all->initial.next = namespace;
    return namespace;
}

void sysv_namespaces_process_entered(struct sysv_namespaces *all, uint32_t pid, uint32_t id)
{
    /* Linux's unshare(CLONE_NEWIPC) implies CLONE_SYSVSEM: the process's
     * SEM_UNDO adjustments in the old namespace are applied now. */
    struct sysv_namespace *old = find(all, ipc_namespace_of(&all->members, pid));
    if (old)
        sem_process_ended(&old->sem, pid);
    ipc_namespace_enter(&all->members, pid, id);
}

/* What an ended namespace kept for good (its ids tables) goes with it,
 * once its last segment went; the others went when it ended. */
static void free_ended(struct sysv_namespaces *all)
{
    struct sysv_namespace **link = &all->initial.next;
    while (*link) {
        struct sysv_namespace *namespace = *link;
        if (!namespace->ended || namespace->shm.ids.in_use) {
            link = &namespace->next;
            continue;
        }
        *link = namespace->next;
        struct ipc_ids *tables[] = {&namespace->shm.ids, &namespace->sem.ids, &namespace->msg.ids};
        for (unsigned i = 0; i < 3; i++)
            if (tables[i]->objects)
                all->services.free(all->services.context, tables[i]->objects);
        all->services.free(all->services.context, namespace);
    }
}

void sysv_namespaces_process_ended(struct sysv_namespaces *all, uint32_t pid)
{
    for (struct sysv_namespace *namespace = &all->initial; namespace; namespace = namespace->next) {
        sem_process_ended(&namespace->sem, pid);
        shm_process_ended(&namespace->shm, pid);
    }
    client_process_ended(&all->senders, pid);
    shm_descriptors_process_ended(&all->descriptors, pid);
    ipc_namespace_enter(&all->members, pid, IPC_NAMESPACE_INITIAL);
    free_ended(all);
}

/* The ids of every object in a table, as IPC_RMID takes them. */
static void remove_all(struct ipc_ids *ids, void *core,
                       void (*remove)(void *core, int32_t id))
{
    for (int32_t index = 0; index <= ids->max_index; index++) {
        struct ipc_object *object = ipc_ids_at(ids, index);
        if (object)
            remove(core, object->id);
    }
}

static void remove_segment(void *core, int32_t id)
{
    shm_control(core, &namespace_end, id, SYSV_IPC_RMID, 0, NULL);
}

static void remove_set(void *core, int32_t id)
{
    sem_control(core, &namespace_end, id, 0, SYSV_IPC_RMID, 0, NULL);
}

static void remove_queue(void *core, int32_t id)
{
    msg_control(core, &namespace_end, id, SYSV_IPC_RMID, NULL);
}

void sysv_namespaces_ended(struct sysv_namespaces *all, uint32_t id)
{
    struct sysv_namespace *namespace = find(all, id);
    if (!namespace || id == IPC_NAMESPACE_INITIAL)
        return;
    remove_all(&namespace->shm.ids, &namespace->shm, remove_segment);
    remove_all(&namespace->sem.ids, &namespace->sem, remove_set);
    remove_all(&namespace->msg.ids, &namespace->msg, remove_queue);
    namespace->ended = true;
    namespace->id = ENDED;
    free_ended(all);
}
