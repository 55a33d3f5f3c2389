/* A demo: a small event loop on one epoll descriptor serving (a) a pipe
 * a child writes lines into, (b) a timerfd ticking every 20 ms, (c) a
 * signalfd for SIGUSR1 (blocked), which the child sends once, and (d) a
 * pidfd of the child (pidfd_open), readable once it exits. The child
 * writes three lines (in two writes), waits for the loop's
 * acknowledgement, sends SIGUSR1, waits for the next, writes a last line
 * and exits with 7: so the transcript is deterministic. The loop splits
 * the pipe's bytes into lines whatever the reads return, runs until the
 * pipe is at end of file, the pidfd readable and the timer has ticked,
 * then reaps the child through waitid(P_PIDFD). Checked: the calls setting
 * it up, the four lines, one SIGUSR1 (SI_USER, the child's pid), the end
 * of file, the exit (CLD_EXITED, 7, the child's pid), at least one tick,
 * nothing unexpected on the way. The count of ticks is not printed. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>

#include "check.h"
#include "signals.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

enum source { LINES, TIMER, SIGNALS, CHILD };

/* The child: lines, a signal and an exit, each after the loop caught up. */
static __attribute__((noreturn)) void child_main(int lines, int acks)
{
    char byte;
    sleep_milliseconds(100);             /* some work first */
    const char *first = "hello from the child\nsecond ";
    const char *rest = "line\nthird line\n";
    if (write(lines, first, strlen(first)) != (ssize_t)strlen(first) ||
        write(lines, rest, strlen(rest)) != (ssize_t)strlen(rest))
        _exit(90);
    if (read(acks, &byte, 1) != 1)
        _exit(91);
    if (kill(getppid(), SIGUSR1) != 0)
        _exit(92);
    if (read(acks, &byte, 1) != 1)
        _exit(93);
    const char *last = "last line\n";
    if (write(lines, last, strlen(last)) != (ssize_t)strlen(last))
        _exit(94);
    _exit(7);
}

static int watch(int ep, int fd, enum source source)
{
    struct epoll_event event = {.events = EPOLLIN, .data.u32 = source};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &event);
}

int main(void)
{
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    REQUIRE(sigprocmask(SIG_BLOCK, &usr1, NULL) == 0);

    int lines[2], acks[2];
    REQUIRE(pipe2(lines, O_CLOEXEC) == 0 && pipe2(acks, O_CLOEXEC) == 0);
    int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    REQUIRE(timer >= 0);
    struct itimerspec every_20ms = {{0, 20000000}, {0, 20000000}};
    CHECK_OK(timerfd_settime(timer, 0, &every_20ms, NULL));
    int signals = signalfd(-1, &usr1, SFD_NONBLOCK | SFD_CLOEXEC);
    REQUIRE(signals >= 0);

    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(lines[0]);
        close(acks[1]);
        child_main(lines[1], acks[0]);
    }
    close(lines[1]);
    close(acks[0]);
    int pidfd = syscall(SYS_pidfd_open, child, 0);
    REQUIRE(pidfd >= 0);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    REQUIRE(ep >= 0);
    CHECK_OK(watch(ep, lines[0], LINES));
    CHECK_OK(watch(ep, timer, TIMER));
    CHECK_OK(watch(ep, signals, SIGNALS));
    CHECK_OK(watch(ep, pidfd, CHILD));

    char text[256];
    size_t held = 0;                     /* bytes of an unfinished line */
    int line_count = 0, signal_count = 0, at_end = 0, exited = 0;
    int unexpected = 0, stalled = 0;
    uint64_t ticks = 0;
    while (!(at_end && exited && ticks > 0)) {
        struct epoll_event events[8];
        int count = epoll_wait(ep, events, 8, 10000);
        if (count <= 0) {
            stalled = 1;
            break;
        }
        for (int i = 0; i < count; i++) {
            switch (events[i].data.u32) {
            case LINES: {
                ssize_t got = read(lines[0], text + held, sizeof text - 1 - held);
                if (got < 0) {
                    unexpected++;
                    break;
                }
                if (got == 0) {
                    printf("pipe: end of file\n");
                    at_end = 1;
                    epoll_ctl(ep, EPOLL_CTL_DEL, lines[0], NULL);
                    break;
                }
                held += got;
                char *start = text, *newline;
                while ((newline = memchr(start, '\n', text + held - start)) != NULL) {
                    *newline = '\0';
                    printf("pipe: %s\n", start);
                    if (++line_count == 3 && write(acks[1], "a", 1) != 1)
                        unexpected++;
                    start = newline + 1;
                }
                held = text + held - start;
                memmove(text, start, held);
                break;
            }
            case TIMER: {
                uint64_t expirations = 0;
                if (read(timer, &expirations, sizeof expirations) == sizeof expirations)
                    ticks += expirations;
                break;
            }
            case SIGNALS: {
                struct signalfd_siginfo info;
                while (read(signals, &info, sizeof info) == sizeof info) {
                    if (info.ssi_signo == SIGUSR1 && info.ssi_code == SI_USER &&
                        info.ssi_pid == (uint32_t)child) {
                        printf("signal SIGUSR1 from the child\n");
                        signal_count++;
                        if (write(acks[1], "a", 1) != 1)
                            unexpected++;
                    } else {
                        unexpected++;
                    }
                }
                break;
            }
            case CHILD:
                exited = 1;
                epoll_ctl(ep, EPOLL_CTL_DEL, pidfd, NULL);
                break;
            default:
                unexpected++;
            }
        }
    }
    CHECK_EQ(stalled, 0);
    CHECK_EQ(unexpected, 0);
    CHECK_EQ(line_count, 4);
    CHECK_EQ(held, 0);
    CHECK_EQ(signal_count, 1);
    CHECK(at_end && exited);

    siginfo_t info;
    memset(&info, 0, sizeof info);
    CHECK_OK(waitid(P_PIDFD, pidfd, &info, WEXITED));
    CHECK_EQ(info.si_pid, child);
    CHECK_EQ(info.si_code, CLD_EXITED);
    CHECK_EQ(info.si_status, 7);
    printf("child exited with status %d\n", info.si_status);
    CHECK(ticks >= 1);
    if (ticks >= 1)
        printf("timer ticked\n");

    close(ep);
    close(pidfd);
    close(signals);
    close(timer);
    close(lines[0]);
    close(acks[1]);
    return check_finish("demo_event_loop");
}
