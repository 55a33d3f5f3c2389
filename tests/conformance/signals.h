/*
 * What the signal tests share: sets as bit masks (bit n-1 for signal n,
 * so a failed check prints something readable), a sleep that signals do
 * not cut short, a child that signals the caller a little later, a
 * SIGUSR1 handler that counts, and a child's exit status.
 */
#ifndef CONFORMANCE_SIGNALS_H
#define CONFORMANCE_SIGNALS_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t signal_bit(int signo)
{
    return 1ull << (signo - 1);
}

static inline uint64_t signal_bits(const sigset_t *set)
{
    uint64_t bits = 0;
    for (int signo = 1; signo <= 64; signo++)
        if (sigismember(set, signo) == 1)
            bits |= signal_bit(signo);
    return bits;
}

/* The calling thread's blocked mask. */
static inline uint64_t blocked_bits(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigprocmask(SIG_BLOCK, NULL, &set);
    return signal_bits(&set);
}

/* The signals of bits (bit n-1 for signal n) as a sigset_t. */
static inline sigset_t signal_set_of(uint64_t bits)
{
    sigset_t set;
    sigemptyset(&set);
    for (int signo = 1; signo <= 64; signo++)
        if (bits & signal_bit(signo))
            sigaddset(&set, signo);
    return set;
}

static inline void block_signals(uint64_t bits)
{
    sigset_t set = signal_set_of(bits);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

static inline void unblock_signals(uint64_t bits)
{
    sigset_t set = signal_set_of(bits);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static inline uint64_t pending_signal_bits(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigpending(&set);
    return signal_bits(&set);
}

/* Takes whatever of these signals is pending, unchecked. */
static inline void discard_signals(uint64_t bits)
{
    sigset_t set = signal_set_of(bits);
    struct timespec zero = {0, 0};
    while (sigtimedwait(&set, NULL, &zero) > 0)
        continue;
}

/* Sleeps the whole time, handlers or not. */
static inline void sleep_milliseconds(long milliseconds)
{
    struct timespec delay = {milliseconds / 1000, (milliseconds % 1000) * 1000000};
    while (nanosleep(&delay, &delay) != 0 && errno == EINTR)
        continue;
}

/* SIGUSR1's handler, which counts in sigusr1_handled. */
static volatile sig_atomic_t sigusr1_handled;

static inline void count_sigusr1(int signo)
{
    (void)signo;
    sigusr1_handled++;
}

/* Installs it with flags (SA_RESTART or 0), the count back at 0. */
static inline void handle_sigusr1(int flags)
{
    struct sigaction action = {.sa_handler = count_sigusr1, .sa_flags = flags};
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR1, &action, NULL);
    sigusr1_handled = 0;
}

/* A child that sends signo to the caller after 200 ms (by then the caller
 * is blocked where the test wants it) and exits 0; -1 if fork failed. */
static inline pid_t signal_later(int signo)
{
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        sleep_milliseconds(200);
        kill(parent, signo);
        _exit(0);
    }
    return child;
}

/* Whether child exited with code (a wait a handler interrupts goes on). */
static inline int exited_with(pid_t child, int code)
{
    int status;
    pid_t result;
    do
        result = waitpid(child, &status, 0);
    while (result == -1 && errno == EINTR);
    return result == child && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

#endif
