/* What /proc shows of System V objects, and their settings: procfs.h. */
#include "procfs.h"
#include "sys/digits.h"

/* ---- /proc/sysvipc ---- */

struct text {
    char *bytes;
    size_t capacity, length;
};

static void put(struct text *text, const char *bytes, size_t length)
{
    for (size_t i = 0; i < length; i++, text->length++)
        if (text->length < text->capacity)
            text->bytes[text->length] = bytes[i];
}

static void put_string(struct text *text, const char *string)
{
    size_t length = 0;
    while (string[length])
        length++;
    put(text, string, length);
}

/* A number right-aligned in width columns (seq_printf's "%*" forms):
 * base 10 or 8, negative only in base 10. */
static void put_number(struct text *text, int64_t value, bool is_signed, unsigned base,
                       unsigned width)
{
    bool negative = is_signed && value < 0;
    uint64_t magnitude = negative ? (uint64_t)-value : (uint64_t)value;
    char digits[DIGITS_MAX];
    unsigned count = digits_of(magnitude, base, digits);
    for (unsigned pad = count + negative; pad < width; pad++)
        put(text, " ", 1);
    if (negative)
        put(text, "-", 1);
    put(text, digits, count);
}

/* " %<width>u" and its kin: the separator, then the number. */
static void field(struct text *text, const char *separator, uint64_t value, unsigned width)
{
    put_string(text, separator);
    put_number(text, (int64_t)value, false, 10, width);
}

/* "%10d %10d  %4o": what every line starts with. */
static void key_id_mode(struct text *text, const struct ipc_object *ipc)
{
    put_number(text, ipc->key, true, 10, 10);
    put(text, " ", 1);
    put_number(text, ipc->id, true, 10, 10);
    put_string(text, "  ");
    put_number(text, ipc->mode, false, 8, 4);
}

static void owners(struct text *text, const struct ipc_object *ipc)
{
    field(text, " ", ipc->uid, 5);
    field(text, " ", ipc->gid, 5);
    field(text, " ", ipc->cuid, 5);
    field(text, " ", ipc->cgid, 5);
}

static void segment_line(struct text *text, const struct shm_segment *segment)
{
    key_id_mode(text, &segment->ipc);
    field(text, " ", segment->size, 21);
    field(text, " ", segment->cpid, 5);
    field(text, " ", segment->lpid, 5);
    field(text, "  ", segment->attachments + segment->attaching, 5);
    owners(text, &segment->ipc);
    field(text, " ", (uint64_t)segment->atime, 10);
    field(text, " ", (uint64_t)segment->dtime, 10);
    field(text, " ", (uint64_t)segment->ipc.ctime, 10);
    field(text, " ", segment->pages.page_count * 4096, 21);   /* rss: the pages it has */
    field(text, " ", 0, 21);                                    /* swap: nothing is swapped */
    put(text, "\n", 1);
}

static void set_line(struct text *text, const struct sem_set *set)
{
    key_id_mode(text, &set->ipc);
    field(text, " ", set->count, 10);
    owners(text, &set->ipc);
    field(text, " ", (uint64_t)set->otime, 10);
    field(text, " ", (uint64_t)set->ipc.ctime, 10);
    put(text, "\n", 1);
}

static void queue_line(struct text *text, const struct msg_queue *queue)
{
    key_id_mode(text, &queue->ipc);
    field(text, "  ", queue->cbytes, 10);
    field(text, " ", queue->qnum, 10);
    field(text, " ", queue->lspid, 5);
    field(text, " ", queue->lrpid, 5);
    owners(text, &queue->ipc);
    field(text, " ", (uint64_t)queue->stime, 10);
    field(text, " ", (uint64_t)queue->rtime, 10);
    field(text, " ", (uint64_t)queue->ipc.ctime, 10);
    put(text, "\n", 1);
}

size_t sysv_procfs_text(const struct sysv_namespace *namespace, uint64_t which, char *text,
                        size_t capacity)
{
    struct text out = {text, capacity, 0};
    const struct ipc_ids *ids;
    switch (which) {
    case SYSV_PROCFS_SHM:
        put_string(&out, "       key      shmid perms                  size  cpid  lpid nattch"
                         "   uid   gid  cuid  cgid      atime      dtime      ctime       "
                         "            rss                  swap\n");
        ids = &namespace->shm.ids;
        break;
    case SYSV_PROCFS_SEM:
        put_string(&out, "       key      semid perms      nsems   uid   gid  cuid  cgid"
                         "      otime      ctime\n");
        ids = &namespace->sem.ids;
        break;
    default:
        put_string(&out, "       key      msqid perms      cbytes       qnum lspid lrpid   uid"
                         "   gid  cuid  cgid      stime      rtime      ctime\n");
        ids = &namespace->msg.ids;
        break;
    }
    for (int32_t index = 0; index <= ids->max_index; index++) {
        const struct ipc_object *object = ipc_ids_at(ids, index);
        if (!object)
            continue;
        if (which == SYSV_PROCFS_SHM)
            segment_line(&out, (const struct shm_segment *)object);
        else if (which == SYSV_PROCFS_SEM)
            set_line(&out, (const struct sem_set *)object);
        else
            queue_line(&out, (const struct msg_queue *)object);
    }
    return out.length;
}

/* ---- /proc/sys/kernel ---- */

void sysv_setting_get(const struct sysv_namespace *namespace, enum sysv_setting setting,
                      uint64_t values[4])
{
    switch (setting) {
    case SYSV_SETTING_SHMMAX: values[0] = namespace->shm.max_segment_size; break;
    case SYSV_SETTING_SHMALL: values[0] = namespace->shm.max_total_pages; break;
    case SYSV_SETTING_SHMMNI: values[0] = namespace->shm.ids.limit; break;
    case SYSV_SETTING_MSGMAX: values[0] = (uint64_t)namespace->msg.max_message_size; break;
    case SYSV_SETTING_MSGMNI: values[0] = namespace->msg.ids.limit; break;
    case SYSV_SETTING_MSGMNB: values[0] = (uint64_t)namespace->msg.max_queue_bytes; break;
    default:
        values[0] = (uint64_t)(int64_t)namespace->sem.max_set_size;
        values[1] = (uint64_t)(int64_t)namespace->sem.max_semaphores;
        values[2] = (uint64_t)(int64_t)namespace->sem.max_operations;
        values[3] = namespace->sem.ids.limit;
        break;
    }
}

int sysv_setting_set(struct sysv_namespace *namespace, enum sysv_setting setting,
                     const uint64_t values[], unsigned count)
{
    if (count == 0)
        return 0;
    switch (setting) {
    case SYSV_SETTING_SHMMAX: namespace->shm.max_segment_size = values[0]; return 0;
    case SYSV_SETTING_SHMALL: namespace->shm.max_total_pages = values[0]; return 0;
    case SYSV_SETTING_SHMMNI: namespace->shm.ids.limit = (uint32_t)values[0]; return 0;
    case SYSV_SETTING_MSGMAX: namespace->msg.max_message_size = (int32_t)values[0]; return 0;
    case SYSV_SETTING_MSGMNI: namespace->msg.ids.limit = (uint32_t)values[0]; return 0;
    case SYSV_SETTING_MSGMNB: namespace->msg.max_queue_bytes = (int32_t)values[0]; return 0;
    default:
        break;
    }
    /* sem: each value as it came; semmni back as it was if it is out of
     * range (sem_check_semmni: ERANGE). */
    struct sem_core *sem = &namespace->sem;
    int32_t *ints[3] = {&sem->max_set_size, &sem->max_semaphores, &sem->max_operations};
    for (unsigned i = 0; i < count && i < 3; i++)
        *ints[i] = (int32_t)values[i];
    if (count < 4)
        return 0;
    int32_t semmni = (int32_t)values[3];
    if (semmni < 0 || (uint32_t)semmni > IPC_IDS_INDEXES)
        return -LINUX_ERANGE;
    sem->ids.limit = (uint32_t)semmni;
    return 0;
}
