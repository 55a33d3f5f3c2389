/* The message-queue benchmark: one static musl program, run unchanged on
 * Linux and on tern under qemu-system-aarch64 -icount shift=0, where the
 * monotonic clock advances one nanosecond per guest instruction, so every
 * number it prints is an instruction count (summed over all cores).
 *
 * Cases:
 *   - POSIX mq ping-pong between two processes made by fork, on two
 *     queues: the parent sends an 8-byte message to the child on one and
 *     waits for the reply on the other, so each round trip is two
 *     mq_sends and two mq_receives, both receives waiting;
 *   - POSIX mq throughput: a producer process sends 100,000 messages of
 *     1 KiB (then, separately, of 8 KiB) into a queue of 10 messages of
 *     that size, and the consumer (the first process) receives them all,
 *     checking each one's size, number and last word;
 *   - System V msg ping-pong: as the POSIX one, on one queue with two
 *     message types (one for each direction), msgsnd and msgrcv;
 *   - to split those costs, single calls in one process (nobody waits,
 *     nothing switches): getpid, mq_send then mq_receive on one queue,
 *     msgsnd then msgrcv on one queue.
 * Each case warms up first, then times a fixed number of rounds, and
 * prints one line (kept until the end, bench/support/report.h):
 *
 *   calibration instructions=I ns=T
 *   pingpong kind=posix iterations=N round_trip_ns=X
 *   throughput size=S messages=N ns=T ns_per_message=X
 *   pingpong kind=sysv iterations=N round_trip_ns=X
 *   step NAME iterations=N ns=X
 *
 * then "mq_bench done".
 *
 *   mq_bench                           everything, with the defaults
 *   mq_bench posix-pingpong [N]        the POSIX ping-pong, N round trips
 *   mq_bench throughput SIZE [N]       N messages of SIZE bytes (at most
 *                                      8192, Linux's default msgsize_max)
 *   mq_bench sysv-pingpong [N]         the System V ping-pong
 *   mq_bench steps                     the steps alone
 *   mq_bench quick                     every case, small: to check the
 *                                      runner
 *
 * Queue names carry the process id; each queue is unlinked (System V:
 * removed) when its case is done. */
#include <fcntl.h>
#include <mqueue.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include "report.h"

#define PINGPONG_WARM_UP 200
#define PINGPONG_ITERATIONS 20000
#define PINGPONG_MESSAGE 8

#define THROUGHPUT_MESSAGES 100000
#define THROUGHPUT_QUEUE_LENGTH 10
/* Messages through before the go: every slot twice over. */
#define THROUGHPUT_WARM_UP (2 * THROUGHPUT_QUEUE_LENGTH)
#define THROUGHPUT_MAX_SIZE 8192

#define STEP_WARM_UP 200
#define STEP_ITERATIONS 5000

/* The word a message carries: which message (and which case) it is. */
static uint64_t stamp(uint64_t index)
{
    return index ^ 0x6d715f62656e6368u;
}

static uint64_t load_word(const char *bytes)
{
    uint64_t word;
    memcpy(&word, bytes, sizeof word);
    return word;
}

static void store_word(char *bytes, uint64_t word)
{
    memcpy(bytes, &word, sizeof word);
}

/* --- POSIX queues ------------------------------------------------------- */

/* A new queue named "/mq_bench.PID.ROLE" of `length` messages of `size`
 * bytes, open for reading and writing; its name in `name`. */
static mqd_t create_queue(char name[static 64], const char *role, long length, long size)
{
    snprintf(name, 64, "/mq_bench.%d.%s", (int)getpid(), role);
    struct mq_attr attributes = {.mq_maxmsg = length, .mq_msgsize = size};
    mqd_t queue = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attributes);
    if (queue == (mqd_t)-1)
        bench_fail("mq_open");
    struct mq_attr actual;
    if (mq_getattr(queue, &actual) != 0)
        bench_fail("mq_getattr");
    if (actual.mq_maxmsg != length || actual.mq_msgsize != size || actual.mq_curmsgs != 0)
        bench_fail_because("mq_getattr", "not the attributes asked for");
    return queue;
}

static void destroy_queue(mqd_t queue, const char *name)
{
    if (mq_close(queue) != 0)
        bench_fail("mq_close");
    if (mq_unlink(name) != 0)
        bench_fail("mq_unlink");
}

static void posix_send(mqd_t queue, const char *message, size_t size)
{
    if (mq_send(queue, message, size, 0) != 0)
        bench_fail("mq_send");
}

/* Receives one message of exactly `size` bytes into `buffer` (of `size`
 * bytes, the queue's mq_msgsize). */
static void posix_receive(mqd_t queue, char *buffer, size_t size)
{
    unsigned priority;
    ssize_t received = mq_receive(queue, buffer, size, &priority);
    if (received < 0)
        bench_fail("mq_receive");
    if ((size_t)received != size || priority != 0)
        bench_fail_because("mq_receive", "wrong size or priority");
}

/* --- POSIX ping-pong ---------------------------------------------------- */

/* The parent's side: message i to the child, and its answer, i + 1. */
static void posix_serve(mqd_t to_child, mqd_t to_parent, uint64_t first, int rounds)
{
    char message[PINGPONG_MESSAGE];
    for (uint64_t i = first; i < first + (uint64_t)rounds; i++) {
        store_word(message, stamp(i));
        posix_send(to_child, message, sizeof message);
        posix_receive(to_parent, message, sizeof message);
        if (load_word(message) != stamp(i + 1))
            bench_fail_because("posix ping-pong", "wrong answer");
    }
}

static void posix_answer(mqd_t to_child, mqd_t to_parent, int rounds)
{
    char message[PINGPONG_MESSAGE];
    for (uint64_t i = 0; i < (uint64_t)rounds; i++) {
        posix_receive(to_child, message, sizeof message);
        if (load_word(message) != stamp(i))
            bench_fail_because("posix ping-pong", "wrong message");
        store_word(message, stamp(i + 1));
        posix_send(to_parent, message, sizeof message);
    }
}

static void run_posix_pingpong(int round_trips)
{
    char to_child_name[64], to_parent_name[64];
    mqd_t to_child = create_queue(to_child_name, "to-child", 1, PINGPONG_MESSAGE);
    mqd_t to_parent = create_queue(to_parent_name, "to-parent", 1, PINGPONG_MESSAGE);
    pid_t child = bench_fork();
    if (child == 0) {
        posix_answer(to_child, to_parent, PINGPONG_WARM_UP + round_trips);
        exit(0);
    }
    posix_serve(to_child, to_parent, 0, PINGPONG_WARM_UP);
    uint64_t start = bench_now_ns();
    posix_serve(to_child, to_parent, PINGPONG_WARM_UP, round_trips);
    uint64_t elapsed = bench_now_ns() - start;
    bench_wait_for_success(child);
    destroy_queue(to_child, to_child_name);
    destroy_queue(to_parent, to_parent_name);
    bench_report("pingpong kind=posix iterations=%d round_trip_ns=%llu\n", round_trips,
                 (unsigned long long)(elapsed / (uint64_t)round_trips));
}

/* --- POSIX throughput --------------------------------------------------- */

/* Message `index` of `size` bytes: its stamp in the first word and its
 * stamp's complement in the last, with the same pattern in between for
 * every message (run_throughput writes it once). */
static void produce(mqd_t queue, char *message, size_t size, uint64_t index)
{
    store_word(message, stamp(index));
    store_word(message + size - sizeof(uint64_t), ~stamp(index));
    posix_send(queue, message, size);
}

static void consume(mqd_t queue, char *message, size_t size, uint64_t index)
{
    posix_receive(queue, message, size);
    if (load_word(message) != stamp(index) ||
        load_word(message + size - sizeof(uint64_t)) != ~stamp(index))
        bench_fail_because("throughput", "wrong message");
}

static void run_throughput(size_t size, int messages)
{
    static char message[THROUGHPUT_MAX_SIZE];
    char name[64];
    mqd_t queue = create_queue(name, "throughput", THROUGHPUT_QUEUE_LENGTH, (long)size);
    int go[2];
    if (pipe(go) != 0)
        bench_fail("pipe");
    /* Something other than zeros between the first and last words. */
    for (size_t i = 0; i < size; i++)
        message[i] = (char)(i * 7 + 1);

    pid_t child = bench_fork();
    if (child == 0) {
        if (close(go[1]) != 0)
            bench_fail("close");
        for (uint64_t index = 0; index < THROUGHPUT_WARM_UP; index++)
            produce(queue, message, size, index);
        char signal;
        if (read(go[0], &signal, 1) != 1)
            bench_fail("read go");
        for (uint64_t index = THROUGHPUT_WARM_UP;
             index < THROUGHPUT_WARM_UP + (uint64_t)messages; index++)
            produce(queue, message, size, index);
        /* Wait for the consumer's clock to stop before exiting: where a
         * wake-up does not preempt the waker, this process's exit would
         * otherwise be timed. */
        if (read(go[0], &signal, 1) != 1)
            bench_fail("read done");
        exit(0);
    }
    if (close(go[0]) != 0)
        bench_fail("close");
    for (uint64_t index = 0; index < THROUGHPUT_WARM_UP; index++)
        consume(queue, message, size, index);

    /* The queue is empty and the producer waits for the go. */
    uint64_t start = bench_now_ns();
    if (write(go[1], "g", 1) != 1)
        bench_fail("write go");
    for (uint64_t index = THROUGHPUT_WARM_UP;
         index < THROUGHPUT_WARM_UP + (uint64_t)messages; index++)
        consume(queue, message, size, index);
    uint64_t elapsed = bench_now_ns() - start;

    if (write(go[1], "d", 1) != 1)
        bench_fail("write done");
    if (close(go[1]) != 0)
        bench_fail("close");
    bench_wait_for_success(child);
    struct mq_attr attributes;
    if (mq_getattr(queue, &attributes) != 0)
        bench_fail("mq_getattr");
    if (attributes.mq_curmsgs != 0)
        bench_fail_because("throughput", "messages left in the queue");
    destroy_queue(queue, name);
    bench_report("throughput size=%zu messages=%d ns=%llu ns_per_message=%llu\n", size,
                 messages, (unsigned long long)elapsed,
                 (unsigned long long)(elapsed / (uint64_t)messages));
}

/* --- System V ping-pong ------------------------------------------------- */

/* Message types: which way a message goes. */
enum { TO_CHILD = 1, TO_PARENT = 2 };

struct sysv_message {
    long type;
    char text[PINGPONG_MESSAGE];
};

static int make_sysv_queue(void)
{
    int queue = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (queue < 0)
        bench_fail("msgget");
    return queue;
}

static void remove_sysv_queue(int queue)
{
    if (msgctl(queue, IPC_RMID, NULL) != 0)
        bench_fail("msgctl IPC_RMID");
}

static void sysv_send(int queue, long type, uint64_t word)
{
    struct sysv_message message = {.type = type};
    store_word(message.text, word);
    if (msgsnd(queue, &message, sizeof message.text, 0) != 0)
        bench_fail("msgsnd");
}

static uint64_t sysv_receive(int queue, long type)
{
    struct sysv_message message;
    ssize_t received = msgrcv(queue, &message, sizeof message.text, type, 0);
    if (received < 0)
        bench_fail("msgrcv");
    if ((size_t)received != sizeof message.text || message.type != type)
        bench_fail_because("msgrcv", "wrong size or type");
    return load_word(message.text);
}

static void sysv_serve(int queue, uint64_t first, int rounds)
{
    for (uint64_t i = first; i < first + (uint64_t)rounds; i++) {
        sysv_send(queue, TO_CHILD, stamp(i));
        if (sysv_receive(queue, TO_PARENT) != stamp(i + 1))
            bench_fail_because("sysv ping-pong", "wrong answer");
    }
}

static void sysv_answer(int queue, int rounds)
{
    for (uint64_t i = 0; i < (uint64_t)rounds; i++) {
        if (sysv_receive(queue, TO_CHILD) != stamp(i))
            bench_fail_because("sysv ping-pong", "wrong message");
        sysv_send(queue, TO_PARENT, stamp(i + 1));
    }
}

static void run_sysv_pingpong(int round_trips)
{
    int queue = make_sysv_queue();
    pid_t child = bench_fork();
    if (child == 0) {
        sysv_answer(queue, PINGPONG_WARM_UP + round_trips);
        exit(0);
    }
    sysv_serve(queue, 0, PINGPONG_WARM_UP);
    uint64_t start = bench_now_ns();
    sysv_serve(queue, PINGPONG_WARM_UP, round_trips);
    uint64_t elapsed = bench_now_ns() - start;
    bench_wait_for_success(child);
    remove_sysv_queue(queue);
    bench_report("pingpong kind=sysv iterations=%d round_trip_ns=%llu\n", round_trips,
                 (unsigned long long)(elapsed / (uint64_t)round_trips));
}

/* --- Steps: what one call costs, in one process ------------------------- */

enum step {
    STEP_GETPID,            /* a system call that goes nowhere else */
    STEP_MQ_SEND_RECEIVE,   /* mq_send, then mq_receive: nobody waits */
    STEP_MSGSND_MSGRCV,     /* msgsnd, then msgrcv: nobody waits */
};

static const char *const step_names[] = {
    [STEP_GETPID] = "getpid",
    [STEP_MQ_SEND_RECEIVE] = "mq-send-receive",
    [STEP_MSGSND_MSGRCV] = "msgsnd-msgrcv",
};

static void do_step(enum step step, mqd_t posix_queue, int sysv_queue, uint64_t i)
{
    char message[PINGPONG_MESSAGE];
    switch (step) {
    case STEP_GETPID:
        if (getpid() <= 0)
            bench_fail_because("getpid", "not positive");
        break;
    case STEP_MQ_SEND_RECEIVE:
        store_word(message, stamp(i));
        posix_send(posix_queue, message, sizeof message);
        posix_receive(posix_queue, message, sizeof message);
        if (load_word(message) != stamp(i))
            bench_fail_because("mq-send-receive", "wrong message");
        break;
    case STEP_MSGSND_MSGRCV:
        sysv_send(sysv_queue, TO_CHILD, stamp(i));
        if (sysv_receive(sysv_queue, TO_CHILD) != stamp(i))
            bench_fail_because("msgsnd-msgrcv", "wrong message");
        break;
    }
}

static void run_steps(int iterations)
{
    char name[64];
    mqd_t posix_queue = create_queue(name, "steps", 1, PINGPONG_MESSAGE);
    int sysv_queue = make_sysv_queue();
    for (enum step step = STEP_GETPID; step <= STEP_MSGSND_MSGRCV; step++) {
        for (int i = 0; i < STEP_WARM_UP; i++)
            do_step(step, posix_queue, sysv_queue, (uint64_t)i);
        uint64_t start = bench_now_ns();
        for (int i = 0; i < iterations; i++)
            do_step(step, posix_queue, sysv_queue, (uint64_t)i);
        uint64_t elapsed = bench_now_ns() - start;
        bench_report("step %s iterations=%d ns=%llu\n", step_names[step], iterations,
                     (unsigned long long)(elapsed / (uint64_t)iterations));
    }
    remove_sysv_queue(sysv_queue);
    destroy_queue(posix_queue, name);
}

/* --- Main --------------------------------------------------------------- */

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: mq_bench [quick | steps]\n"
                    "       mq_bench posix-pingpong|sysv-pingpong [ROUND_TRIPS]\n"
                    "       mq_bench throughput SIZE [MESSAGES]\n");
    exit(2);
}

/* A positive number, or usage. */
static long positive(const char *text)
{
    char *end;
    long value = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value <= 0 || value > 1000000000)
        usage();
    return value;
}

int main(int argc, char **argv)
{
    bench_start("mq_bench");
    bool quick = argc == 2 && strcmp(argv[1], "quick") == 0;
    if (argc == 1 || quick) {
        bench_calibrate();
        run_posix_pingpong(quick ? 100 : PINGPONG_ITERATIONS);
        run_throughput(1024, quick ? 100 : THROUGHPUT_MESSAGES);
        run_throughput(8192, quick ? 100 : THROUGHPUT_MESSAGES);
        run_sysv_pingpong(quick ? 100 : PINGPONG_ITERATIONS);
        run_steps(quick ? 100 : STEP_ITERATIONS);
        bench_report("mq_bench done\n");
    } else if ((argc == 2 || argc == 3) && strcmp(argv[1], "posix-pingpong") == 0) {
        run_posix_pingpong(argc == 3 ? (int)positive(argv[2]) : PINGPONG_ITERATIONS);
    } else if ((argc == 2 || argc == 3) && strcmp(argv[1], "sysv-pingpong") == 0) {
        run_sysv_pingpong(argc == 3 ? (int)positive(argv[2]) : PINGPONG_ITERATIONS);
    } else if ((argc == 3 || argc == 4) && strcmp(argv[1], "throughput") == 0) {
        long size = positive(argv[2]);
        if (size < 2 * (long)sizeof(uint64_t) || size > THROUGHPUT_MAX_SIZE)
            usage();
        run_throughput((size_t)size, argc == 4 ? (int)positive(argv[3]) : THROUGHPUT_MESSAGES);
    } else if (argc == 2 && strcmp(argv[1], "steps") == 0) {
        run_steps(STEP_ITERATIONS);
    } else {
        usage();
    }
    bench_print_report();
    return 0;
}
