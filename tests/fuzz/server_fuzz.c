/*
 * The servers against a hostile process (tern only). A Linux program
 * holds the capabilities its personality uses, and nothing stops it from
 * making native system calls with them itself. A child process does
 * FUZZ_CALLS such Calls, from a fixed xorshift sequence (or one seeded by
 * its argument), to procmgr, vfs, the futex, pipe, memfd, sysv, mqueue,
 * event and unix servers, its working directory and its descriptors (a pipe's
 * two ends, a file, a directory, a memfd, a message queue, an eventfd, a
 * timerfd, a pidfd of itself, a System V segment's attach grant and
 * attachment, which it asks the sysv server and the grant for itself, a
 * unix socket pair it asks the unix server for):
 * each server's own
 * labels mostly (the file protocol's and the memory-object protocol's
 * through descriptors, which only procmgr sends otherwise), any label
 * sometimes, with random arguments, message lengths, windows (into its
 * memory or anywhere) and capabilities.
 *
 * It also tries to power the machine off with each of its capabilities,
 * which needs one it does not hold (IRQControl).
 *
 * Every Call must come back: a SIGALRM every 20 ms ends one that waits
 * (an empty pipe, a futex). The child may end itself on the way (it may
 * unmap its own memory, say); what matters is that the servers survive.
 * Afterwards the parent checks that they still work: a pipe carries
 * data, a file is written and read back and mapped and locked (a child
 * meets its POSIX lock and flock), so is a memfd, which
 * then takes a seal, a System V segment is attached twice and a semaphore
 * wakes a child, a System V message queue and a POSIX one carry
 * messages (the latter in priority order), an eventfd counts and wakes a
 * reader in a child, a timerfd expires, and a child is forked and waited
 * for. Then, children killed in the middle of a sendmsg with SCM_RIGHTS
 * must leave no descriptor behind in the unix server (below). Last, a
 * hoarder: processes of one unprivileged user make pipes, eventfds,
 * socket pairs and memfds until the server refuses their user, and
 * another user's process still makes and uses one (below).
 *
 * Left out, as they end the child at once or reach beyond it: procmgr's
 * exit, execve, fork, clone, spawn, kill, tgkill and sigqueue, and setitimer and
 * sigaction (which would stop the alarm that ends waiting Calls).
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys/linux_process.h"
#include "sys/protocol/file.h"
#include "sys/protocol/futex.h"
#include "sys/protocol/event.h"
#include "sys/protocol/memfd.h"
#include "sys/protocol/mqueue.h"
#include "sys/protocol/memory.h"
#include "sys/protocol/pipe.h"
#include "sys/protocol/procmgr.h"
#include "sys/protocol/sysv.h"
#include "sys/protocol/unix.h"
#include "sys/protocol/vfs.h"
#include "tern/ipc_buffer.h"
#include "tern/message.h"
#include "tern/syscalls.h"
#include "../exec/server_statistics.h"

#define FUZZ_CALLS  6000
#define FUZZ_SEED   0x9e3779b97f4a7c15ULL

static uint64_t state = FUZZ_SEED;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

/* Memory the child's windows and pointers may name. */
static uint8_t scratch[16384];
static const char *const paths[] = {"/tmp/fuzz", "/tmp/fuzz/a", "/tmp", "/", "", "/bin/sh"};

static uint64_t pick_address(void)
{
    switch (next() % 6) {
    case 0: return 0;
    case 1: return next();
    case 2: return (uint64_t)(uintptr_t)paths[next() % (sizeof paths / sizeof paths[0])];
    case 3: return 0xffffff8000000000ULL + next() % 4096;   /* the kernel's */
    default: return (uint64_t)(uintptr_t)scratch + next() % sizeof scratch;
    }
}

static uint64_t pick_argument(void)
{
    switch (next() % 6) {
    case 0: return next() % 8;
    case 1: return next() % 4096;
    case 2: return next();
    case 3: return (uint64_t)-(int64_t)(next() % 200);
    default: return pick_address();
    }
}

struct target {
    uint64_t cptr;
    uint32_t first_label, label_count;  /* its protocol's labels */
};

static bool excluded(uint64_t label)
{
    switch (label) {
    case PROC_SPAWN: case PROC_FORK: case PROC_CLONE: case PROC_EXECVE: case PROC_EXIT:
    case PROC_KILL: case PROC_TGKILL: case PROC_SIGQUEUE: case PROC_SETITIMER:
    case PROC_SIGACTION:
        return true;
    default:
        return false;
    }
}

/* A native Call from the program's own code, as the personality makes them. */
static uint64_t native_call(uint64_t cptr, tern_message_info info, uint64_t mr[4])
{
    register uint64_t x0 __asm__("x0") = cptr;
    register uint64_t x1 __asm__("x1") = info;
    register uint64_t x2 __asm__("x2") = mr[0];
    register uint64_t x3 __asm__("x3") = mr[1];
    register uint64_t x4 __asm__("x4") = mr[2];
    register uint64_t x5 __asm__("x5") = mr[3];
    __asm__ volatile("svc %6"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5)
                     : "i"(TERN_SVC(TERN_SYS_CALL))
                     : "x6", "memory");
    mr[0] = x2;
    mr[1] = x3;
    mr[2] = x4;
    mr[3] = x5;
    return tern_message_label(x1);
}

/* The kernel's power off, which needs IRQControl: the program holds none. */
static void try_power_off(uint64_t cptr)
{
    register uint64_t x0 __asm__("x0") = cptr;
    register uint64_t x1 __asm__("x1") = 0;
    __asm__ volatile("svc %2" : "+r"(x0), "+r"(x1) : "i"(TERN_SVC(TERN_SYS_DEBUG_POWER_OFF))
                     : "x2", "x3", "x4", "x5", "x6", "memory");
}

static struct tern_ipc_buffer *ipc_buffer(void)
{
    uint64_t address;
    __asm__ volatile("mrs %0, tpidrro_el0" : "=r"(address));
    return (struct tern_ipc_buffer *)address;
}

/* Where the fuzzing child keeps a System V segment's attach grant and its
 * attachment: descriptor slots no descriptor uses. */
#define GRANT_SLOT      (LINUX_SLOT_FD_BASE + 1000)
#define ATTACHMENT_SLOT (LINUX_SLOT_FD_BASE + 1001)
/* A unix socket pair's ends, which no personality call makes yet. */
#define SOCKET_SLOT     (LINUX_SLOT_FD_BASE + 1002)
#define PEER_SLOT       (LINUX_SLOT_FD_BASE + 1003)
#define UNIX_SESSION_SLOT (LINUX_SLOT_SESSIONS + SERVER_UNIX)

/* A grant of segment from the sysv server, and an attachment from the
 * grant, as shmat and then procmgr would ask for them. */
static void take_segment_descriptors(int segment)
{
    struct tern_ipc_buffer *buffer = ipc_buffer();
    buffer->receive_cnode = LINUX_SLOT_CNODE;
    buffer->receive_depth = 64;
    buffer->receive_index = GRANT_SLOT;
    uint64_t attach[4] = {(uint64_t)segment, 0, 0, 0};
    native_call(LINUX_SLOT_SYSV, tern_message(SYSV_SHMAT, 0, 2), attach);
    buffer->receive_index = ATTACHMENT_SLOT;
    uint64_t map[4] = {0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED};
    native_call(GRANT_SLOT, tern_message(MEMORY_MAP, 0, 4), map);
}

/* A unix socket (UNIX_SOCKET) or pair's end (UNIX_PAIR) of type in
 * SOCKET_SLOT, as the personality's socket(2) would ask for it: the
 * server's answer. */
static uint64_t take_socket(uint64_t label, uint64_t type)
{
    struct tern_ipc_buffer *buffer = ipc_buffer();
    buffer->receive_cnode = LINUX_SLOT_CNODE;
    buffer->receive_depth = 64;
    buffer->receive_index = SOCKET_SLOT;
    uint64_t made[4] = {type, 0, 0, 0};
    native_call(UNIX_SESSION_SLOT, tern_message(label, 0, 2), made);
    return made[0];
}

/* A stream socket pair's two ends, as socketpair(2) would ask for them. */
static void take_socket_descriptors(void)
{
    take_socket(UNIX_PAIR, SOCK_STREAM);
    ipc_buffer()->receive_index = PEER_SLOT;
    uint64_t none[4] = {0};
    native_call(SOCKET_SLOT, tern_message(UNIX_TAKE_PEER, 0, 0), none);
}

static void on_alarm(int signo)
{
    (void)signo;
}

static void fuzz(const struct target *targets, unsigned target_count, volatile uint64_t *done)
{
    struct sigaction action = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &action, NULL);
    struct itimerval every = {{0, 20000}, {0, 20000}};
    setitimer(ITIMER_REAL, &every, NULL);
    for (unsigned i = 0; i < sizeof scratch; i++)
        scratch[i] = (uint8_t)next();

    for (unsigned t = 0; t < target_count; t++)
        try_power_off(targets[t].cptr);
    try_power_off(0);

    struct tern_ipc_buffer *buffer = ipc_buffer();
    for (unsigned call = 0; call < FUZZ_CALLS; call++) {
        const struct target *target = &targets[next() % target_count];
        uint64_t label = next() % 4 ? target->first_label + next() % target->label_count
                                    : next() % 0x1000;
        if (excluded(label))
            continue;
        unsigned length = (unsigned)(next() % 70);
        uint64_t mr[4];
        for (unsigned m = 0; m < TERN_MSG_MAX_LENGTH; m++) {
            uint64_t value = pick_argument();
            if (m < 4)
                mr[m] = value;
            else
                buffer->message[m] = value;
        }
        unsigned caps = (unsigned)(next() % 4);
        for (unsigned c = 0; c < TERN_MSG_MAX_CAPS; c++)
            buffer->caps_or_badges[c] = targets[next() % target_count].cptr;
        unsigned windows = (unsigned)(next() % 3);
        for (unsigned w = 0; w < TERN_MSG_MAX_WINDOWS; w++) {
            buffer->windows[w].address = pick_address();
            buffer->windows[w].length = next() % 3 ? next() % 512 : next();
            buffer->windows[w].rights = next() % 4;
        }
        /* Capabilities in answers go nowhere. */
        buffer->receive_cnode = buffer->receive_index = buffer->receive_depth = 0;
        native_call(target->cptr,
                    tern_message_with_windows(tern_message(label, caps, length), windows), mr);
        *done = call + 1;
    }
    buffer->caps_or_badges[0] = buffer->caps_or_badges[1] = buffer->caps_or_badges[2] = 0;
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
}

static int failures;

static void check(int condition, const char *what)
{
    if (!condition) {
        printf("server_fuzz: FAIL: %s\n", what);
        failures++;
    }
}

/* The servers still work: a pipe, a file, a child. */
static void check_servers_work(void)
{
    /* The unix server still makes sockets and knows their type. */
    check(take_socket(UNIX_SOCKET, SOCK_DGRAM) == 0, "a unix socket");
    uint64_t option[4] = {SO_TYPE, 0, 0, 0};
    native_call(SOCKET_SLOT, tern_message(UNIX_GET_OPTION, 0, 1), option);
    check(option[0] == SOCK_DGRAM, "the unix socket's type");

    int fds[2];
    check(pipe(fds) == 0, "pipe");
    int watcher = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.u64 = 9};
    check(watcher >= 0 && epoll_ctl(watcher, EPOLL_CTL_ADD, fds[0], &event) == 0,
          "epoll watches a pipe");
    check(write(fds[1], "after", 5) == 5, "write to a pipe");
    check(epoll_wait(watcher, &event, 1, 1000) == 1 && event.data.u64 == 9,
          "epoll reports the pipe");
    close(watcher);
    char buffer[8] = {0};
    check(read(fds[0], buffer, sizeof buffer) == 5 && memcmp(buffer, "after", 5) == 0,
          "read from a pipe");
    close(fds[0]);
    close(fds[1]);

    int file = open("/tmp/server_fuzz_after", O_RDWR | O_CREAT | O_TRUNC, 0600);
    check(file >= 0, "open a new file");
    check(write(file, "kept", 4) == 4, "write a file");
    check(lseek(file, 0, SEEK_SET) == 0, "seek");
    check(read(file, buffer, sizeof buffer) == 4 && memcmp(buffer, "kept", 4) == 0,
          "read the file back");
    char *mapped = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0);
    check(mapped != MAP_FAILED && memcmp(mapped, "kept", 4) == 0, "map the file");
    if (mapped != MAP_FAILED) {
        mapped[0] = 'K';
        check(pread(file, buffer, 1, 0) == 1 && buffer[0] == 'K', "write through the mapping");
        munmap(mapped, 4096);
    }
    /* File locks: a child meets the parent's POSIX lock and flock. */
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    check(fcntl(file, F_SETLK, &lock) == 0 && flock(file, LOCK_EX | LOCK_NB) == 0,
          "lock a file");
    pid_t child = fork();
    if (child == 0) {
        int other = open("/tmp/server_fuzz_after", O_RDWR);
        _exit(fcntl(other, F_SETLK, &lock) == -1 && errno == EAGAIN &&
              flock(other, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK ? 0 : 1);
    }
    int status = 1;
    check(child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
          WEXITSTATUS(status) == 0, "a lock keeps another process out");
    close(file);
    check(unlink("/tmp/server_fuzz_after") == 0, "unlink");

    int memory = memfd_create("after", MFD_ALLOW_SEALING);
    check(memory >= 0, "memfd_create");
    check(ftruncate(memory, 4096) == 0, "size a memfd");
    mapped = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, memory, 0);
    check(mapped != MAP_FAILED, "map a memfd");
    if (mapped != MAP_FAILED) {
        mapped[0] = 'M';
        check(pread(memory, buffer, 1, 0) == 1 && buffer[0] == 'M', "write a memfd's mapping");
        check(fcntl(memory, F_ADD_SEALS, F_SEAL_WRITE) == -1 && errno == EBUSY,
              "no write seal while a mapping may write");
        munmap(mapped, 4096);
    }
    check(fcntl(memory, F_ADD_SEALS, F_SEAL_WRITE) == 0, "seal a memfd");
    check(write(memory, "x", 1) == -1 && errno == EPERM, "a sealed memfd refuses writes");
    close(memory);

    int counter = eventfd(0, 0);
    check(counter >= 0, "eventfd");
    pid_t reader = fork();
    if (reader == 0) {
        eventfd_t value = 0;
        _exit(eventfd_read(counter, &value) == 0 && value == 5 ? 0 : 1);
    }
    check(eventfd_write(counter, 5) == 0, "write an eventfd");
    int read_status = 0;
    check(reader > 0 && waitpid(reader, &read_status, 0) == reader && WIFEXITED(read_status) &&
              WEXITSTATUS(read_status) == 0,
          "an eventfd wakes its reader");
    close(counter);
    int timer = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec soon = {{0, 0}, {0, 1000000}};
    uint64_t expirations = 0;
    check(timer >= 0 && timerfd_settime(timer, 0, &soon, NULL) == 0 &&
              read(timer, &expirations, sizeof expirations) == sizeof expirations &&
              expirations == 1,
          "a timerfd expires");
    close(timer);

    int segment = shmget(IPC_PRIVATE, 4096, 0600);
    check(segment >= 0, "shmget");
    char *first = shmat(segment, NULL, 0), *second = shmat(segment, NULL, SHM_RDONLY);
    check(first != (void *)-1 && second != (void *)-1, "shmat twice");
    if (first != (void *)-1 && second != (void *)-1) {
        first[0] = 'S';
        check(second[0] == 'S', "a segment's attachments are one memory");
        check(shmdt(first) == 0 && shmdt(second) == 0, "shmdt");
    }
    struct shmid_ds segment_stat;
    check(shmctl(segment, IPC_STAT, &segment_stat) == 0 && segment_stat.shm_nattch == 0,
          "shm_nattch back to 0");
    check(shmctl(segment, IPC_RMID, NULL) == 0, "remove a segment");
    int set = semget(IPC_PRIVATE, 1, 0600);
    check(set >= 0, "semget");
    pid_t waiter = fork();
    if (waiter == 0) {
        struct sembuf down = {0, -1, 0};
        _exit(semop(set, &down, 1) == 0 ? 0 : 1);
    }
    struct sembuf up = {0, 1, 0};
    check(semop(set, &up, 1) == 0, "semop");
    int waited = 0;
    check(waiter > 0 && waitpid(waiter, &waited, 0) == waiter && WIFEXITED(waited) &&
              WEXITSTATUS(waited) == 0,
          "a semaphore wakes a child");
    check(semctl(set, 0, IPC_RMID) == 0, "remove a semaphore set");

    int messages = msgget(IPC_PRIVATE, 0600);
    struct { long type; char text[8]; } message = {2, "sysv"}, received;
    check(messages >= 0 && msgsnd(messages, &message, 4, 0) == 0, "msgsnd");
    check(msgrcv(messages, &received, sizeof received.text, 2, 0) == 4 &&
              memcmp(received.text, "sysv", 4) == 0,
          "msgrcv");
    check(msgctl(messages, IPC_RMID, NULL) == 0, "remove a message queue");

    struct mq_attr attributes = {.mq_maxmsg = 2, .mq_msgsize = 8};
    mqd_t queue = mq_open("/server_fuzz_after", O_CREAT | O_RDWR, 0600, &attributes);
    check(queue >= 0, "mq_open");
    check(mq_send(queue, "low", 3, 1) == 0 && mq_send(queue, "high", 4, 9) == 0, "mq_send");
    unsigned priority = 0;
    check(mq_receive(queue, buffer, sizeof buffer, &priority) == 4 && priority == 9 &&
              memcmp(buffer, "high", 4) == 0,
          "mq_receive the highest priority first");
    mq_close(queue);
    check(mq_unlink("/server_fuzz_after") == 0, "mq_unlink");

    child = fork();
    if (child == 0)
        _exit(7);
    status = 0;
    check(child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
              WEXITSTATUS(status) == 7,
          "fork and wait");
}

/* ---- A client killed in the middle of sendmsg with descriptors ----
 *
 * A child passes pipe ends with SCM_RIGHTS and is killed (SIGKILL): while
 * its datagram waits for room in a full receiver (made, the descriptors
 * in it), while a stream send waits for room after its first segment
 * took them, and after queueing a socket in its own queue with them.
 * Nothing may leak: once every other reference is gone a pipe whose
 * write end was in flight reads end of file, one whose read end was is
 * EPIPE to write, so the unix server let go of the copies it held; the
 * killed sender's waiting datagram never arrives (Linux frees it); and
 * the server goes on working. */

#define IN_FLIGHT 5     /* more than a message's 3 capabilities: staged too */

/* sendmsg of one byte with fds, to a name (NULL: the peer). */
static ssize_t send_fds_to(int socket, const struct sockaddr_un *to, const void *bytes,
                           size_t length, const int *fds, int count)
{
    struct iovec vector = {(void *)bytes, length};
    char control[CMSG_SPACE(sizeof(int) * IN_FLIGHT)];
    struct msghdr message = {.msg_name = (void *)to, .msg_namelen = to ? sizeof *to : 0,
                             .msg_iov = &vector, .msg_iovlen = 1, .msg_control = control,
                             .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)count)};
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)count);
    memcpy(CMSG_DATA(header), fds, sizeof(int) * (size_t)count);
    return sendmsg(socket, &message, 0);
}

/* Whether ready(fd) holds within 10 s. */
static bool eventually(bool (*ready)(int), int fd)
{
    for (int i = 0; i < 10000; i++) {
        if (ready(fd))
            return true;
        usleep(1000);
    }
    return false;
}

static bool read_end_of_file(int reader)
{
    char bytes[64];
    ssize_t count;
    while ((count = read(reader, bytes, sizeof bytes)) > 0)
        continue;
    return count == 0;
}

static bool write_broken(int writer)
{
    return write(writer, "x", 1) == -1 && errno == EPIPE;
}

/* A socket's SIOCOUTQ (what its queued messages cost) and SIOCINQ. */
static int outgoing(int socket)
{
    int bytes = -1;
    return ioctl(socket, TIOCOUTQ, &bytes) == 0 ? bytes : -1;
}

static int incoming(int socket)
{
    int bytes = -1;
    return ioctl(socket, FIONREAD, &bytes) == 0 ? bytes : -1;
}

/* value(fd) once it is at least least, or after 10 s. */
static int wait_for_at_least(int (*value)(int), int fd, int least)
{
    int now = value(fd);
    for (int i = 0; i < 10000 && now < least; i++) {
        usleep(1000);
        now = value(fd);
    }
    return now;
}

static bool killed(pid_t child)
{
    int status = 0;
    return kill(child, SIGKILL) == 0 && waitpid(child, &status, 0) == child &&
           WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/* Two pipes, nonblocking: the first's write end and the second's read
 * end go in flight. */
static void make_pipes(int written[2], int read_from[2])
{
    check(pipe2(written, O_NONBLOCK) == 0 && pipe2(read_from, O_NONBLOCK) == 0, "pipes");
}

static void check_released(int written[2], int read_from[2], const char *what)
{
    char message[96];
    snprintf(message, sizeof message, "%s: the pipe whose write end was in flight ends", what);
    check(eventually(read_end_of_file, written[0]), message);
    snprintf(message, sizeof message, "%s: the pipe whose read end was in flight breaks", what);
    check(eventually(write_broken, read_from[1]), message);
    close(written[0]);
    close(read_from[1]);
}

static void killed_waiting_datagram(void)
{
    int written[2], read_from[2];
    make_pipes(written, read_from);
    struct sockaddr_un name = {.sun_family = AF_UNIX, .sun_path = "\0fuzz-full"};
    int receiver = socket(AF_UNIX, SOCK_DGRAM, 0), sender = socket(AF_UNIX, SOCK_DGRAM, 0);
    check(receiver >= 0 && sender >= 0 &&
              bind(receiver, (struct sockaddr *)&name, sizeof name) == 0,
          "a named datagram receiver");
    /* What one queued datagram costs its sender (SIOCOUTQ). */
    char byte;
    check(sendto(sender, "u", 1, 0, (struct sockaddr *)&name, sizeof name) == 1, "sendto");
    int unit = outgoing(sender);
    check(recv(receiver, &byte, 1, 0) == 1 && outgoing(sender) == 0, "one datagram's cost");
    int fds[IN_FLIGHT] = {written[1], read_from[0], written[1], read_from[0], written[1]};
    pid_t child = fork();
    if (child == 0) {
        /* 11 fill the receiver (max_dgram_qlen 10), the 12th waits. */
        for (int i = 0; i <= 10; i++)
            sendto(sender, "f", 1, 0, (struct sockaddr *)&name, sizeof name);
        send_fds_to(sender, &name, "w", 1, fds, IN_FLIGHT);
        _exit(0);
    }
    close(written[1]);
    close(read_from[0]);
    /* The sender is the child's description too: its 12th datagram is
     * made, and charged, when it waits. */
    check(wait_for_at_least(outgoing, sender, 12 * unit) == 12 * unit,
          "the datagram with descriptors waits for room");
    check(child > 0 && killed(child), "the waiting sender is killed");
    int received = 0;
    for (int i = 0; i <= 10; i++)
        received += recv(receiver, &byte, 1, MSG_DONTWAIT) == 1 && byte == 'f';
    check(received == 11, "what was queued before is there");
    check(recv(receiver, &byte, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN,
          "the killed sender's datagram never arrives");
    check_released(written, read_from, "a datagram waiting for room");
    close(receiver);
    close(sender);
}

static void killed_waiting_stream(void)
{
    int written[2], read_from[2], sv[2];
    make_pipes(written, read_from);
    check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "a stream pair");
    int fds[IN_FLIGHT] = {written[1], read_from[0], written[1], read_from[0], written[1]};
    static char big[400000];      /* more than the send buffer holds */
    pid_t child = fork();
    if (child == 0) {
        send_fds_to(sv[0], 0, big, sizeof big, fds, IN_FLIGHT);
        _exit(0);
    }
    close(sv[0]);
    close(written[1]);
    close(read_from[0]);
    /* Its first segment, with the descriptors, is queued: the rest waits. */
    int queued = wait_for_at_least(incoming, sv[1], 1);
    check(queued > 0 && queued < (int)sizeof big, "a stream send waits after a segment");
    check(child > 0 && killed(child), "the waiting stream sender is killed");
    /* Closed unread: the descriptors in its queue go. */
    close(sv[1]);
    check_released(written, read_from, "a stream send waiting for room");
}

/* A socket in its own queue, with pipe ends, from a child killed after:
 * only the collector frees it, when some other socket is released. */
static void killed_after_queueing(void)
{
    int written[2], read_from[2], ready[2];
    make_pipes(written, read_from);
    check(pipe(ready) == 0, "a pipe to wait on");
    pid_t child = fork();
    if (child == 0) {
        int loop[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, loop) != 0)
            _exit(1);
        int fds[IN_FLIGHT] = {loop[1], written[1], read_from[0], loop[1], written[1]};
        if (send_fds_to(loop[0], 0, "s", 1, fds, IN_FLIGHT) != 1)
            _exit(1);
        write(ready[1], "q", 1);
        for (;;)
            pause();
    }
    close(written[1]);
    close(read_from[0]);
    close(ready[1]);
    char byte;
    check(read(ready[0], &byte, 1) == 1, "the child queued its socket in itself");
    close(ready[0]);
    check(child > 0 && killed(child), "the child is killed");
    /* A new pair still works, and its release runs the collector. */
    int sv[2], passed = -1;
    check(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "a new socket pair");
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec vector = {&byte, 1};
    struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1, .msg_control = control,
                             .msg_controllen = sizeof control};
    check(send_fds_to(sv[0], 0, "n", 1, &written[0], 1) == 1 && recvmsg(sv[1], &message, 0) == 1,
          "the new pair passes a descriptor");
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    if (header && header->cmsg_type == SCM_RIGHTS)
        memcpy(&passed, CMSG_DATA(header), sizeof passed);
    check(passed >= 0 && passed != written[0], "the descriptor arrives");
    close(passed);
    close(sv[0]);
    close(sv[1]);
    check_released(written, read_from, "a socket queued in itself");
}

static void check_killed_senders(void)
{
    signal(SIGPIPE, SIG_IGN);
    killed_waiting_datagram();
    killed_waiting_stream();
    killed_after_queueing();
    signal(SIGPIPE, SIG_DFL);
}

/* ---- A hoarder ----
 *
 * Every object a server keeps for a client is charged to the client's
 * process and user (sys/client_accounts.h, docs/limits.md). For each of
 * the pipe, event, unix and memfd servers, processes of an unprivileged
 * user (HOARDER_UID) make objects (and fill pipes and sockets) until refused: each first runs out of
 * its own descriptors (RLIMIT_NOFILE raised to its hard limit, 4,096:
 * EMFILE), and the next of the user is started, until the server
 * refuses the user its share with ENFILE. POSIX message queues are
 * the user's RLIMIT_MSGQUEUE's: EMFILE, for the next process of the user
 * too; System V messages (8 KiB each, a queue full after another) its
 * share of the sysv server's memory: ENOMEM from msgsnd, as well. Pages
 * are the user's too: a hoarder writes a memfd until ENOMEM, and touches
 * a System V segment until a page is refused (SIGBUS, said as ENOMEM).
 * Then a process of another user, and root, still make an object and
 * use it; the hoarders are killed (their queues and segments removed),
 * and the server holds what it held before (SERVER_STATISTICS), so their
 * charges and objects all went. */

#define HOARDER_UID 2400
#define OTHER_UID 2401
#define MOST_HOARDERS 6
#define SETTLE_TRIES 50     /* tenths of a second for exit notices to arrive */

enum hoard_kind {
    HOARD_PIPE, HOARD_EVENTFD, HOARD_SOCKETS, HOARD_MEMFD, HOARD_QUEUE, HOARD_SYSV_MESSAGE,
    HOARD_MEMFD_PAGES, HOARD_SYSV_PAGES,
};

static const struct hoard {
    enum hoard_kind kind;
    const char *name;
    unsigned server;
    int refusal;            /* the errno that refuses the hoarding user */
} hoards[] = {
    {HOARD_PIPE, "pipes", SERVER_PIPE, ENFILE},
    {HOARD_EVENTFD, "eventfds", SERVER_EVENT, ENFILE},
    {HOARD_SOCKETS, "socket pairs", SERVER_UNIX, ENFILE},
    {HOARD_MEMFD, "memfds", SERVER_MEMFD, ENFILE},
    {HOARD_QUEUE, "message queues", SERVER_MQUEUE, EMFILE},
    {HOARD_SYSV_MESSAGE, "System V messages", SERVER_SYSV, ENOMEM},
    {HOARD_MEMFD_PAGES, "memfd pages", SERVER_MEMFD, ENOMEM},
    {HOARD_SYSV_PAGES, "System V segment pages", SERVER_SYSV, ENOMEM},
};

/* The name of a process's index'th queue. */
static void queue_name(char name[32], pid_t pid, unsigned index)
{
    snprintf(name, 32, "/hoard-%d-%u", (int)pid, index);
}

/* 64 KiB more of one memfd; fds[0] is the memfd. */
static int make_memfd_pages(int fds[2])
{
    static int memfd = -1;
    static char bytes[65536];
    if (memfd < 0 && (memfd = memfd_create("hoard", 0)) < 0)
        return -1;
    fds[0] = memfd;
    return write(memfd, bytes, sizeof bytes) == (ssize_t)sizeof bytes ? 0 : -1;
}

static sigjmp_buf page_refused;

static void on_bus_error(int signal)
{
    (void)signal;
    siglongjmp(page_refused, 1);
}

/* One more page of one System V segment as big as the sysv server's
 * memory, touched; fds[0] is the segment's id. A page the server refuses
 * is SIGBUS: ENOMEM here. */
static int make_segment_page(int fds[2])
{
    enum { SEGMENT_BYTES = 16 << 20 };
    static volatile char *segment;
    static int id = -1;
    static size_t touched;
    if (id < 0) {
        struct sigaction bus = {.sa_handler = on_bus_error};
        if ((id = shmget(IPC_PRIVATE, SEGMENT_BYTES, 0600)) < 0 ||
            (segment = shmat(id, NULL, 0)) == (void *)-1 || sigaction(SIGBUS, &bus, NULL) != 0)
            return -1;
    }
    fds[0] = id;
    if (touched == SEGMENT_BYTES)
        return errno = ENOSPC, -1;
    if (sigsetjmp(page_refused, 1))
        return errno = ENOMEM, -1;
    segment[touched] = 1;
    touched += 4096;
    return 0;
}

/* One object of kind in fds (the second -1 for one descriptor): 0, or
 * -1 with errno. A queue is named for the process and index. */
static int make_object(enum hoard_kind kind, int fds[2], unsigned index)
{
    char name[32];
    fds[1] = -1;
    switch (kind) {
    case HOARD_QUEUE:
        queue_name(name, getpid(), index);
        return (fds[0] = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL)) < 0 ? -1 : 0;
    case HOARD_SYSV_MESSAGE: {
        /* A message of 8 KiB, in a new queue when the last is full. */
        static int queue = -1;
        static struct { long type; char text[8192]; } message = {1, ""};
        for (;;) {
            if (queue < 0 && (queue = msgget(IPC_PRIVATE, 0600)) < 0)
                return -1;
            if (msgsnd(queue, &message, sizeof message.text, IPC_NOWAIT) == 0)
                return (fds[0] = queue), 0;
            if (errno != EAGAIN)
                return -1;
            queue = -1;
        }
    }
    case HOARD_PIPE:
        return pipe2(fds, O_NONBLOCK);
    case HOARD_EVENTFD:
        return (fds[0] = eventfd(0, 0)) < 0 ? -1 : 0;
    case HOARD_SOCKETS:
        return socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, fds);
    case HOARD_MEMFD:
        return (fds[0] = memfd_create("hoard", 0)) < 0 ? -1 : 0;
    case HOARD_MEMFD_PAGES:
        return make_memfd_pages(fds);
    case HOARD_SYSV_PAGES:
        return make_segment_page(fds);
    }
    return -1;
}

/* It carries what it is for: bytes, a count, a file's contents. */
static bool use_object(enum hoard_kind kind, const int fds[2])
{
    char byte = 0;
    uint64_t value = 0;
    switch (kind) {
    case HOARD_PIPE:
    case HOARD_SOCKETS:
        return write(fds[1], "h", 1) == 1 && read(fds[0], &byte, 1) == 1 && byte == 'h';
    case HOARD_EVENTFD:
        return eventfd_write(fds[0], 3) == 0 && eventfd_read(fds[0], &value) == 0 && value == 3;
    case HOARD_MEMFD:
    case HOARD_MEMFD_PAGES:
        return pwrite(fds[0], "h", 1, 0) == 1 && pread(fds[0], &byte, 1, 0) == 1 && byte == 'h';
    case HOARD_SYSV_PAGES: {
        char *segment = shmat(fds[0], NULL, 0);
        if (segment == (void *)-1)
            return false;
        segment[4096] = 'h';
        bool kept = ((volatile char *)segment)[4096] == 'h';
        return shmdt(segment) == 0 && kept;
    }
    case HOARD_SYSV_MESSAGE: {
        struct { long type; char text[8]; } message = {4, "h"};
        return msgsnd(fds[0], &message, 1, 0) == 0 &&
               msgrcv(fds[0], &message, sizeof message.text, 4, 0) == 1 &&
               message.text[0] == 'h';
    }
    case HOARD_QUEUE: {
        char message[8192];
        unsigned priority = 0;
        return mq_send(fds[0], "h", 1, 5) == 0 &&
               mq_receive(fds[0], message, sizeof message, &priority) == 1 &&
               message[0] == 'h' && priority == 5;
    }
    }
    return false;
}

/* A pipe or socket hoarder fills what it makes too: the server's
 * buffers are what its user's limits keep for the others. */
static void fill(enum hoard_kind kind, const int fds[2])
{
    static char bytes[65536];
    if (kind == HOARD_PIPE || kind == HOARD_SOCKETS)
        while (write(fds[1], bytes, kind == HOARD_PIPE ? sizeof bytes : 4096) > 0)
            continue;
}

struct hoarded {
    int error;              /* why the last make failed */
    unsigned made;
};

/* A hoarder of user HOARDER_UID: makes objects until refused, says how
 * many and why, and keeps them until killed. */
static void hoard(enum hoard_kind kind, int report)
{
    struct rlimit files;
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &files) != 0 || setgid(HOARDER_UID) != 0 ||
        setuid(HOARDER_UID) != 0)
        _exit(2);
    struct hoarded said = {0, 0};
    int fds[2];
    while (make_object(kind, fds, said.made) == 0) {
        fill(kind, fds);
        said.made++;
    }
    said.error = errno;
    write(report, &said, sizeof said);
    for (;;)
        pause();
}

/* A process of another user (uid, or root: 0) makes one and uses it. */
static bool another_user_goes_on(enum hoard_kind kind, uid_t uid)
{
    pid_t child = fork();
    if (child == 0) {
        if (uid && (setgid(uid) != 0 || setuid(uid) != 0))
            _exit(2);
        int fds[2];
        bool used = make_object(kind, fds, 0) == 0 && use_object(kind, fds);
        if (kind == HOARD_QUEUE) {
            char name[32];
            queue_name(name, getpid(), 0);
            mq_unlink(name);
        }
        if (kind == HOARD_SYSV_MESSAGE)
            msgctl(fds[0], IPC_RMID, NULL);
        if (kind == HOARD_SYSV_PAGES)
            shmctl(fds[0], IPC_RMID, NULL);
        _exit(used ? 0 : 1);
    }
    int status = 0;
    return child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

static bool holdings_back(unsigned server, const struct server_holdings *before)
{
    struct server_holdings now = {0};
    for (int tries = 0; tries <= SETTLE_TRIES; tries++) {
        if (server_holdings(server, &now) && now.pages == before->pages &&
            now.heap_bytes == before->heap_bytes && now.waiting == before->waiting)
            return true;
        usleep(100000);
    }
    printf("server_fuzz: %s holds %llu pages, %llu heap bytes, %llu waiting; "
           "before: %llu, %llu, %llu\n", server_names[server],
           (unsigned long long)now.pages, (unsigned long long)now.heap_bytes,
           (unsigned long long)now.waiting, (unsigned long long)before->pages,
           (unsigned long long)before->heap_bytes, (unsigned long long)before->waiting);
    return false;
}

/* System V queues outlive their makers: root removes uid's. */
static void remove_queues_of(uid_t uid)
{
    struct msginfo info;
    int highest = msgctl(0, MSG_INFO, (struct msqid_ds *)&info);
    for (int index = 0; index <= highest; index++) {
        struct msqid_ds queue;
        int id = msgctl(index, MSG_STAT, &queue);
        if (id >= 0 && queue.msg_perm.uid == uid)
            msgctl(id, IPC_RMID, NULL);
    }
}

/* So are segments. */
static void remove_segments_of(uid_t uid)
{
    struct shm_info info;
    int highest = shmctl(0, SHM_INFO, (struct shmid_ds *)&info);
    for (int index = 0; index <= highest; index++) {
        struct shmid_ds segment;
        int id = shmctl(index, SHM_STAT, &segment);
        if (id >= 0 && segment.shm_perm.uid == uid)
            shmctl(id, IPC_RMID, NULL);
    }
}

static void check_hoarder(const struct hoard *hoard_of)
{
    char what[128];
    struct server_holdings before = {0};
    check(server_holdings(hoard_of->server, &before), "the server says what it holds");
    int report[2];
    check(pipe(report) == 0, "a pipe for the hoarders' reports");
    pid_t hoarders[MOST_HOARDERS];
    unsigned made_by[MOST_HOARDERS];
    unsigned count = 0, made = 0;
    struct hoarded said = {EMFILE, 1};
    /* EMFILE after some: the hoarder's own descriptors ran out (or its
     * user's RLIMIT_MSGQUEUE); another of its user. */
    while (said.error == EMFILE && said.made > 0 && count < MOST_HOARDERS) {
        pid_t child = fork();
        if (child == 0) {
            close(report[0]);
            hoard(hoard_of->kind, report[1]);
        }
        hoarders[count] = child;
        if (child < 0 || read(report[0], &said, sizeof said) != sizeof said)
            said = (struct hoarded){-1, 0};
        made_by[count++] = said.made;
        made += said.made;
    }
    snprintf(what, sizeof what, "%s: the hoarding user is refused with %s "
             "(%u made by %u processes, the last refused with %d)",
             hoard_of->name, strerror(hoard_of->refusal), made, count, said.error);
    check(said.error == hoard_of->refusal && made > 0, what);
    printf("server_fuzz: a hoarder of %s: %u made by %u processes of one user\n",
           hoard_of->name, made, count);
    snprintf(what, sizeof what, "%s: another user makes and uses one", hoard_of->name);
    check(another_user_goes_on(hoard_of->kind, OTHER_UID), what);
    snprintf(what, sizeof what, "%s: root makes and uses one", hoard_of->name);
    check(another_user_goes_on(hoard_of->kind, 0), what);
    for (unsigned i = 0; i < count; i++) {
        if (hoarders[i] > 0)
            killed(hoarders[i]);
        for (unsigned index = 0; hoard_of->kind == HOARD_QUEUE && index < made_by[i]; index++) {
            char name[32];
            queue_name(name, hoarders[i], index);
            mq_unlink(name);
        }
    }
    if (hoard_of->kind == HOARD_SYSV_MESSAGE)
        remove_queues_of(HOARDER_UID);
    if (hoard_of->kind == HOARD_SYSV_PAGES)
        remove_segments_of(HOARDER_UID);
    close(report[0]);
    close(report[1]);
    snprintf(what, sizeof what, "%s: the server holds what it held before the hoarders",
             hoard_of->name);
    check(holdings_back(hoard_of->server, &before), what);
}

static void check_hoarders(void)
{
    for (unsigned i = 0; i < sizeof hoards / sizeof hoards[0]; i++)
        check_hoarder(&hoards[i]);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        state = strtoull(argv[1], NULL, 0);     /* another sequence, to explore */
    mkdir("/tmp/fuzz", 0700);
    int pipe_ends[2];
    if (pipe2(pipe_ends, O_NONBLOCK) != 0)
        return 2;
    int file = open("/tmp/fuzz/file", O_RDWR | O_CREAT, 0600);
    int directory = open("/tmp/fuzz", O_RDONLY | O_DIRECTORY);
    if (file < 0 || directory < 0)
        return 2;
    int memfd = memfd_create("fuzz", MFD_ALLOW_SEALING);
    if (memfd < 0 || ftruncate(memfd, 8192) != 0)
        return 2;
    int segment = shmget(IPC_PRIVATE, 8192, 0600);
    if (segment < 0)
        return 2;
    mqd_t queue = mq_open("/server_fuzz", O_CREAT | O_RDWR | O_NONBLOCK, 0600, NULL);
    if (queue < 0)
        return 2;
    int counter = eventfd(1, EFD_SEMAPHORE);
    int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    int process = (int)syscall(SYS_pidfd_open, getpid(), 0);
    /* A setting the sysv server serves (read only: the fuzzing changes
     * no limit the rest of the system lives by). */
    int setting = open("/proc/sys/kernel/msgmax", O_RDONLY);
    if (counter < 0 || timer < 0 || process < 0 || setting < 0)
        return 2;
    /* An epoll watching a pipe, an eventfd and a queue: the fuzzing child
     * makes its own readiness boards of the three servers (slots
     * LINUX_SLOT_BOARD_BASE on) at its first epoll_wait. */
    int watcher = epoll_create1(0);
    struct epoll_event watched = {.events = EPOLLIN};
    if (watcher < 0 || epoll_ctl(watcher, EPOLL_CTL_ADD, pipe_ends[0], &watched) != 0 ||
        epoll_ctl(watcher, EPOLL_CTL_ADD, counter, &watched) != 0 ||
        epoll_ctl(watcher, EPOLL_CTL_ADD, queue, &watched) != 0)
        return 2;
    const uint32_t files = FILE_PATH - FILE_READ + 1;
    const uint32_t memory = MEMORY_PAGE - MEMORY_MAP + 1;
    const uint32_t sockets = UNIX_DROP_RIGHTS - UNIX_SOCKET + 1;
    const struct target targets[] = {
        {LINUX_SLOT_PROCMGR, PROC_SPAWN, PROC_ROBUST_RELEASE - PROC_SPAWN + 1},
        {LINUX_SLOT_VFS, VFS_OPEN, VFS_TERMINAL_PUSH - VFS_OPEN + 1},
        {LINUX_SLOT_FUTEX, FUTEX_WAIT, FUTEX_WAITV - FUTEX_WAIT + 1},
        {LINUX_SLOT_PIPE, PIPE_CREATE, PIPE_TEE - PIPE_CREATE + 1},
        {LINUX_SLOT_CWD, FILE_READ, files},
        {LINUX_SLOT_FD_BASE + pipe_ends[0], FILE_READ, files},
        {LINUX_SLOT_FD_BASE + pipe_ends[1], PIPE_CREATE, PIPE_TEE - PIPE_CREATE + 1},
        {LINUX_SLOT_FD_BASE + pipe_ends[1], FILE_READ, files},
        {LINUX_SLOT_FD_BASE + file, FILE_READ, files},
        {LINUX_SLOT_FD_BASE + file, MEMORY_MAP, memory},
        {LINUX_SLOT_FD_BASE + directory, FILE_READ, files},
        {LINUX_SLOT_FD_BASE + pipe_ends[0], MEMORY_MAP, memory},
        {LINUX_SLOT_MEMFD, MEMFD_CREATE, 1},
        {LINUX_SLOT_FD_BASE + memfd, FILE_READ, files},
        {LINUX_SLOT_FD_BASE + memfd, MEMORY_MAP, memory},
        {LINUX_SLOT_SYSV, SYSV_SHMGET, SYSV_PROCFS - SYSV_SHMGET + 1},
        {LINUX_SLOT_FD_BASE + setting, FILE_READ, files},
        {LINUX_SLOT_MQUEUE, MQ_OPEN, MQ_LIST - MQ_OPEN + 1},
        {LINUX_SLOT_FD_BASE + queue, MQ_OPEN, MQ_LIST - MQ_OPEN + 1},
        {LINUX_SLOT_FD_BASE + queue, FILE_READ, files},
        {LINUX_SLOT_EVENT, EVENT_EVENTFD, EVENT_SIGNALFD - EVENT_EVENTFD + 1},
        {LINUX_SLOT_FD_BASE + counter, FILE_READ, files},
        {LINUX_SLOT_FD_BASE + timer, EVENT_EVENTFD, EVENT_SIGNALFD - EVENT_EVENTFD + 1},
        {LINUX_SLOT_FD_BASE + timer, FILE_READ, files},
        {LINUX_SLOT_FD_BASE + process, EVENT_EVENTFD, EVENT_SIGNALFD - EVENT_EVENTFD + 1},
        {LINUX_SLOT_FD_BASE + watcher, EVENT_EVENTFD, EVENT_SIGNALFD - EVENT_EVENTFD + 1},
        {LINUX_SLOT_FD_BASE + watcher, FILE_READ, files},
        {UNIX_SESSION_SLOT, UNIX_SOCKET, sockets},
        {SOCKET_SLOT, UNIX_SOCKET, sockets},
        {SOCKET_SLOT, FILE_READ, files},
        {PEER_SLOT, UNIX_SOCKET, sockets},
        {PEER_SLOT, FILE_READ, files},
        {LINUX_SLOT_BOARD_BASE, FILE_READ, files},
        {LINUX_SLOT_BOARD_BASE, MEMORY_MAP, memory},
        {LINUX_SLOT_BOARD_BASE + 1, FILE_READ, files},
        {LINUX_SLOT_BOARD_BASE + 2, FILE_READ, files},
        {LINUX_SLOT_FD_BASE + process, FILE_READ, files},
        {GRANT_SLOT, FILE_READ, files},
        {GRANT_SLOT, MEMORY_MAP, memory},
        {ATTACHMENT_SLOT, FILE_READ, files},
        {ATTACHMENT_SLOT, MEMORY_MAP, memory},
    };
    volatile uint64_t *done = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (done == MAP_FAILED)
        return 2;
    pid_t child = fork();
    if (child == 0) {
        /* Its pidfd is of itself, not of the parent: what it sends
         * through it (pidfd_send_signal) stays within the child. */
        int own = (int)syscall(SYS_pidfd_open, getpid(), 0);
        if (own < 0 || dup2(own, process) != process)
            _exit(2);
        close(own);
        take_segment_descriptors(segment);
        take_socket_descriptors();
        struct epoll_event event;
        epoll_wait(watcher, &event, 1, 0);
        fuzz(targets, sizeof targets / sizeof targets[0], done);
        _exit(0);
    }
    int status = 0;
    check(child > 0 && waitpid(child, &status, 0) == child, "the fuzzing child ends");
    printf("server_fuzz: the child made %llu of %u calls and %s %d\n",
           (unsigned long long)*done, FUZZ_CALLS,
           WIFSIGNALED(status) ? "was killed by signal" : "exited with",
           WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    shmctl(segment, IPC_RMID, NULL);    /* the child may have removed it already */
    mq_unlink("/server_fuzz");
    check_servers_work();
    check_killed_senders();
    check_hoarders();
    if (failures)
        return 1;
    printf("server_fuzz: procmgr, vfs, futex, pipe, memfd, sysv, mqueue, event and unix server "
           "still work\n");
    return 0;
}
