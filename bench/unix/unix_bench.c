/* The unix socket benchmark: one static musl program, run unchanged on
 * Linux and on tern under qemu-system-aarch64 -icount shift=0, where the
 * monotonic clock advances one nanosecond per guest instruction, so every
 * number it prints is an instruction count (summed over all cores).
 *
 * Cases, each between two processes made by fork, over a socketpair:
 *   - stream ping-pong: one byte there and back over one SOCK_STREAM
 *     pair (a round trip: two writes, two reads that wait);
 *   - datagram ping-pong: the same over a SOCK_DGRAM pair;
 *   - stream throughput: 100 MiB in 64 KiB writes, read 64 KiB at a time;
 *     the reader times from its go (the writer waiting for it) to the
 *     last byte;
 *   - the handover of 100 MiB that the sender holds in a memfd (filled
 *     before the clock starts), to a receiver that reads every byte of
 *     it (sums it as 64-bit words) and sends the sum back, two ways:
 *       * through the socket: the sender writes the memfd's mapping in
 *         64 KiB writes, the receiver reads 64 KiB at a time and sums;
 *       * as a memfd: the sender passes the descriptor with SCM_RIGHTS,
 *         the receiver maps it (MAP_SHARED, read-only), sums, unmaps.
 *     Each is timed by the sender from before its first call to the sum's
 *     arrival (checked against the sum computed beforehand), after one
 *     untimed run of the same.
 *
 * A case whose setup fails on a system (socketpair of the type,
 * memfd_create, ftruncate, filling the memfd through a mapping in a child
 * that must not die, a sendmsg with SCM_RIGHTS, or a receiver that got no
 * descriptor) prints "supported=no why=..." and the others go on. Lines,
 * kept until the end (bench/support/report.h):
 *
 *   calibration instructions=I ns=T
 *   pingpong kind=stream|dgram iterations=N round_trip_ns=X
 *   throughput write=W bytes=B ns=T MBps=M
 *   handover kind=socket|memfd bytes=B ns=T
 *   CASE kind=K supported=no why=WHAT:ERROR
 *
 * then "unix_bench done".
 *
 *   unix_bench                   everything, with the defaults
 *   unix_bench pingpong N        the two ping-pongs, N round trips each
 *   unix_bench throughput        the stream throughput alone
 *   unix_bench handover          the two handovers alone */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"

#define KIB 1024
#define MIB (1024 * 1024)

#define PINGPONG_WARM_UP 200
#define PINGPONG_ITERATIONS 5000
#define CHUNK (64 * KIB)
#define TOTAL (100 * MIB)
#define THROUGHPUT_WARM_UP (4 * MIB)

/* Why a case cannot run here: "WHAT:strerror". */
static char why[128];

static bool unsupported(const char *what)
{
    snprintf(why, sizeof why, "%s:%s", what, strerror(errno));
    for (char *c = why; *c; c++) {
        if (*c == ' ')
            *c = '_';
    }
    return false;
}

static void close_or_fail(int fd)
{
    if (close(fd) != 0)
        bench_fail("close");
}

static void write_all(int fd, const void *data, size_t length)
{
    const char *next = data;
    while (length > 0) {
        ssize_t written = write(fd, next, length);
        if (written < 0)
            bench_fail("write");
        if (written == 0)
            bench_fail_because("write", "wrote nothing");
        next += written;
        length -= (size_t)written;
    }
}

static void read_exact(int fd, void *data, size_t length)
{
    char *next = data;
    while (length > 0) {
        ssize_t got = read(fd, next, length);
        if (got < 0)
            bench_fail("read");
        if (got == 0)
            bench_fail_because("read", "end of file too early");
        next += got;
        length -= (size_t)got;
    }
}

static char *map_touched(size_t length)
{
    char *memory = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
    if (memory == MAP_FAILED)
        bench_fail("mmap");
    memset(memory, 0x5a, length);
    return memory;
}

/* --- Ping-pong --------------------------------------------------------- */

static int pingpong_round_trips = PINGPONG_ITERATIONS;

/* One byte at a time: a read of a datagram takes the whole datagram, a
 * read of a stream the one byte there is. */
static void echo_bytes(int fd, int count)
{
    for (int i = 0; i < count; i++) {
        char byte;
        read_exact(fd, &byte, 1);
        byte++;
        write_all(fd, &byte, 1);
    }
}

static void send_and_check(int fd, int count)
{
    for (int i = 0; i < count; i++) {
        char byte = (char)i, answer;
        write_all(fd, &byte, 1);
        read_exact(fd, &answer, 1);
        if (answer != (char)(byte + 1))
            bench_fail_because("ping-pong", "wrong byte back");
    }
}

static void run_pingpong(int type, const char *kind)
{
    int sv[2];
    if (socketpair(AF_UNIX, type, 0, sv) != 0) {
        unsupported("socketpair");
        bench_report("pingpong kind=%s supported=no why=%s\n", kind, why);
        return;
    }
    pid_t child = bench_fork();
    if (child == 0) {
        close_or_fail(sv[0]);
        echo_bytes(sv[1], PINGPONG_WARM_UP + pingpong_round_trips);
        exit(0);
    }
    close_or_fail(sv[1]);
    send_and_check(sv[0], PINGPONG_WARM_UP);
    uint64_t start = bench_now_ns();
    send_and_check(sv[0], pingpong_round_trips);
    uint64_t elapsed = bench_now_ns() - start;
    close_or_fail(sv[0]);
    bench_wait_for_success(child);
    bench_report("pingpong kind=%s iterations=%d round_trip_ns=%llu\n", kind,
                 pingpong_round_trips,
                 (unsigned long long)(elapsed / (uint64_t)pingpong_round_trips));
}

/* --- Throughput -------------------------------------------------------- */

static char pattern_byte(size_t position)
{
    size_t offset = position % CHUNK;
    return (char)(offset * 7 + (offset >> 8));
}

static void read_stream(int fd, char *buffer, size_t length, bool check)
{
    size_t position = 0;
    while (position < length) {
        size_t want = length - position < CHUNK ? length - position : CHUNK;
        ssize_t got = read(fd, buffer, want);
        if (got < 0)
            bench_fail("read");
        if (got == 0)
            bench_fail_because("read", "end of file too early");
        for (ssize_t i = 0; check && i < got; i++) {
            if (buffer[i] != pattern_byte(position + (size_t)i))
                bench_fail_because("throughput", "wrong data");
        }
        position += (size_t)got;
    }
}

static void run_throughput(void)
{
    int sv[2], go[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        unsupported("socketpair");
        bench_report("throughput kind=stream supported=no why=%s\n", why);
        return;
    }
    if (pipe(go) != 0)
        bench_fail("pipe");
    pid_t child = bench_fork();
    if (child == 0) {
        close_or_fail(sv[0]);
        close_or_fail(go[1]);
        char *buffer = map_touched(CHUNK);
        for (size_t i = 0; i < CHUNK; i++)
            buffer[i] = pattern_byte(i);
        for (size_t sent = 0; sent < THROUGHPUT_WARM_UP; sent += CHUNK)
            write_all(sv[1], buffer, CHUNK);
        char signal;
        read_exact(go[0], &signal, 1);
        for (size_t sent = 0; sent < TOTAL; sent += CHUNK)
            write_all(sv[1], buffer, CHUNK);
        close_or_fail(sv[1]);
        exit(0);
    }
    close_or_fail(sv[1]);
    close_or_fail(go[0]);
    char *buffer = map_touched(CHUNK);
    read_stream(sv[0], buffer, THROUGHPUT_WARM_UP, true);

    uint64_t start = bench_now_ns();
    write_all(go[1], "g", 1);
    read_stream(sv[0], buffer, TOTAL, false);
    uint64_t elapsed = bench_now_ns() - start;

    char extra;
    ssize_t end = read(sv[0], &extra, 1);
    if (end != 0)
        bench_fail_because("throughput", end < 0 ? strerror(errno) : "more data than written");
    close_or_fail(sv[0]);
    close_or_fail(go[1]);
    if (munmap(buffer, CHUNK) != 0)
        bench_fail("munmap");
    bench_wait_for_success(child);
    bench_report("throughput write=%d bytes=%d ns=%llu MBps=%llu\n", CHUNK, TOTAL,
                 (unsigned long long)elapsed,
                 (unsigned long long)(elapsed ? (uint64_t)TOTAL * 1000 / elapsed : 0));
}

/* --- Handover: through the socket, or as a memfd ----------------------- */

static uint64_t sum_words(const void *data, size_t length)
{
    const uint64_t *word = data;
    uint64_t sum = 0;
    for (size_t i = 0; i < length / 8; i++)
        sum += word[i] ^ (uint64_t)i;
    return sum;
}

/* What the receiver sends back: whether it got the data, and its sum. */
struct answer {
    uint64_t got;    /* 1: the data came; 0: no descriptor came */
    uint64_t sum;
};

/* The receiver's side of a socket handover: TOTAL bytes in reads of
 * CHUNK, summed chunk by chunk (each chunk a whole number of words, as
 * the sender writes whole chunks and a read takes what is there: the sum
 * is of the stream's words whatever the reads' sizes, by keeping the
 * position). */
static uint64_t receive_through_socket(int fd, char *buffer)
{
    uint64_t sum = 0;
    size_t position = 0;
    while (position < TOTAL) {
        size_t want = TOTAL - position < CHUNK ? TOTAL - position : CHUNK;
        /* Whole words only: read_exact of a multiple of 8 at a time. */
        ssize_t got = read(fd, buffer, want);
        if (got < 0)
            bench_fail("read");
        if (got == 0)
            bench_fail_because("read", "end of file too early");
        size_t whole = (size_t)got & ~(size_t)7;
        if (whole != (size_t)got) {
            read_exact(fd, buffer + got, 8 - ((size_t)got & 7));
            whole = (size_t)got + (8 - ((size_t)got & 7));
        }
        const uint64_t *word = (const uint64_t *)buffer;
        size_t base = position / 8;
        for (size_t i = 0; i < whole / 8; i++)
            sum += word[i] ^ (uint64_t)(base + i);
        position += whole;
    }
    return sum;
}

/* The receiver's side of a memfd handover: one message of one byte with
 * the descriptor; map, sum, unmap, close. */
static struct answer receive_memfd(int fd)
{
    struct answer answer = {0, 0};
    char byte;
    struct iovec vector = {&byte, 1};
    union {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control.space;
    message.msg_controllen = sizeof control.space;
    ssize_t got = recvmsg(fd, &message, 0);
    if (got != 1)
        bench_fail_because("recvmsg", got < 0 ? strerror(errno) : "not one byte");
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    if (byte != 'm' || header == NULL || header->cmsg_level != SOL_SOCKET ||
        header->cmsg_type != SCM_RIGHTS || header->cmsg_len != CMSG_LEN(sizeof(int)))
        return answer;     /* no descriptor came */
    int memfd;
    memcpy(&memfd, CMSG_DATA(header), sizeof memfd);
    void *data = mmap(NULL, TOTAL, PROT_READ, MAP_SHARED, memfd, 0);
    if (data == MAP_FAILED)
        bench_fail("mmap of the memfd received");
    answer.sum = sum_words(data, TOTAL);
    answer.got = 1;
    if (munmap(data, TOTAL) != 0)
        bench_fail("munmap");
    close_or_fail(memfd);
    return answer;
}

/* Sends the memfd with SCM_RIGHTS; if the system refuses, a plain byte
 * instead (so the receiver does not wait for ever), and false. */
static bool send_memfd(int fd, int memfd)
{
    char byte = 'm';
    struct iovec vector = {&byte, 1};
    union {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control.space;
    message.msg_controllen = sizeof control.space;
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(header), &memfd, sizeof memfd);
    if (sendmsg(fd, &message, 0) == 1)
        return true;
    unsupported("sendmsg_SCM_RIGHTS");
    byte = 'n';
    write_all(fd, &byte, 1);
    return false;
}

enum handover_kind { THROUGH_SOCKET, AS_MEMFD };

/* Runs the handover `rounds` times (the first untimed); returns the
 * last round's time, or 0 if the system cannot (why says why). */
static uint64_t run_handover(enum handover_kind kind, int memfd, const char *data,
                             uint64_t expected)
{
    enum { ROUNDS = 2 };
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        unsupported("socketpair");
        return 0;
    }
    pid_t child = bench_fork();
    if (child == 0) {
        close_or_fail(sv[0]);
        char *buffer = kind == THROUGH_SOCKET ? map_touched(CHUNK + 8) : NULL;
        for (int round = 0; round < ROUNDS; round++) {
            struct answer answer = {1, 0};
            if (kind == THROUGH_SOCKET)
                answer.sum = receive_through_socket(sv[1], buffer);
            else
                answer = receive_memfd(sv[1]);
            write_all(sv[1], &answer, sizeof answer);
            if (!answer.got)
                break;
        }
        exit(0);
    }
    close_or_fail(sv[1]);
    uint64_t elapsed = 0;
    bool supported = true;
    for (int round = 0; round < ROUNDS && supported; round++) {
        uint64_t start = bench_now_ns();
        if (kind == THROUGH_SOCKET) {
            for (size_t sent = 0; sent < TOTAL; sent += CHUNK)
                write_all(sv[0], data + sent, CHUNK);
        } else {
            supported = send_memfd(sv[0], memfd);
        }
        struct answer answer;
        read_exact(sv[0], &answer, sizeof answer);
        elapsed = bench_now_ns() - start;
        if (supported && !answer.got) {
            snprintf(why, sizeof why, "no_descriptor_received");
            supported = false;
        }
        if (supported && answer.sum != expected)
            bench_fail_because("handover", "wrong sum");
    }
    close_or_fail(sv[0]);
    bench_wait_for_success(child);
    return supported ? elapsed : 0;
}

static void run_handovers(void)
{
    int memfd = memfd_create("unix_bench", 0);
    if (memfd < 0) {
        unsupported("memfd_create");
        bench_report("handover kind=socket supported=no why=%s\n", why);
        bench_report("handover kind=memfd supported=no why=%s\n", why);
        return;
    }
    /* Filled through a mapping in a child first: a system whose memfd
     * cannot hold 100 MiB (a failed ftruncate, or SIGBUS in the child)
     * says "not supported" instead of ending the run. */
    if (ftruncate(memfd, TOTAL) != 0) {
        unsupported("ftruncate");
        bench_report("handover kind=socket supported=no why=%s\n", why);
        bench_report("handover kind=memfd supported=no why=%s\n", why);
        close_or_fail(memfd);
        return;
    }
    pid_t filler = bench_fork();
    if (filler == 0) {
        uint64_t *word = mmap(NULL, TOTAL, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
        if (word == MAP_FAILED)
            _exit(1);
        for (size_t i = 0; i < TOTAL / 8; i++)
            word[i] = i * 0x9e3779b97f4a7c15ull;
        _exit(0);
    }
    int status;
    if (waitpid(filler, &status, 0) != filler)
        bench_fail("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(why, sizeof why, "filling_a_100_MiB_memfd:%s",
                 WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "mmap_failed");
        for (char *c = why; *c; c++) {
            if (*c == ' ')
                *c = '_';
        }
        bench_report("handover kind=socket supported=no why=%s\n", why);
        bench_report("handover kind=memfd supported=no why=%s\n", why);
        close_or_fail(memfd);
        return;
    }
    char *data = mmap(NULL, TOTAL, PROT_READ, MAP_SHARED, memfd, 0);
    if (data == MAP_FAILED)
        bench_fail("mmap of the memfd");
    uint64_t expected = sum_words(data, TOTAL);

    static const char *const names[] = {"socket", "memfd"};
    for (enum handover_kind kind = THROUGH_SOCKET; kind <= AS_MEMFD; kind++) {
        uint64_t elapsed = run_handover(kind, memfd, data, expected);
        if (elapsed == 0)
            bench_report("handover kind=%s supported=no why=%s\n", names[kind], why);
        else
            bench_report("handover kind=%s bytes=%d ns=%llu\n", names[kind], TOTAL,
                         (unsigned long long)elapsed);
    }
    if (munmap(data, TOTAL) != 0)
        bench_fail("munmap");
    close_or_fail(memfd);
}

int main(int argc, char **argv)
{
    bench_start("unix_bench");
    bool pingpong = true, throughput = true, handover = true;
    if (argc == 3 && strcmp(argv[1], "pingpong") == 0 && atoi(argv[2]) > 0) {
        pingpong_round_trips = atoi(argv[2]);
        throughput = handover = false;
    } else if (argc == 2 && strcmp(argv[1], "throughput") == 0) {
        pingpong = handover = false;
    } else if (argc == 2 && strcmp(argv[1], "handover") == 0) {
        pingpong = throughput = false;
    } else if (argc != 1) {
        fprintf(stderr, "usage: unix_bench [pingpong ROUND_TRIPS | throughput | handover]\n");
        return 2;
    }
    bench_calibrate();
    if (pingpong) {
        run_pingpong(SOCK_STREAM, "stream");
        run_pingpong(SOCK_DGRAM, "dgram");
    }
    if (throughput)
        run_throughput();
    if (handover)
        run_handovers();
    bench_report("unix_bench done\n");
    bench_print_report();
    return 0;
}
