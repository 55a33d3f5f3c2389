/* Job control between a parent and its children: SIGSTOP, SIGTSTP,
 * SIGTTIN and SIGTTOU stop a child (every thread of it), SIGCONT
 * continues it; waitpid's WUNTRACED and WCONTINUED and waitid's WSTOPPED
 * and WCONTINUED report each once (WNOWAIT leaves them), with
 * CLD_STOPPED and CLD_CONTINUED; SIGCHLD tells the parent unless it set
 * SA_NOCLDSTOP. A stopped child's signals wait until it continues, but
 * SIGKILL ends it; SIGCONT continues it even blocked or ignored, runs its
 * handler, and discards pending stop signals, as a stop signal discards
 * a pending SIGCONT; a read that waits on a pipe goes on waiting once
 * continued; a sleep or a timed futex wait a stop cuts into ends at its
 * own deadline (Linux's restart_syscall), not a whole timeout later.
 * SIGTSTP does nothing in an orphaned process group, SIGSTOP still
 * stops; any process of the session may send SIGCONT.
 *
 * Each stopped child is put in a process group of its own first, whose
 * parent (this test) is in another group of the same session, so the
 * group is not orphaned on either system. */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"
#include "futex.h"
#include "signals.h"

/* Memory a child and the parent share. */
struct shared {
    volatile int step;                  /* the parent's, for handshakes */
    volatile int acknowledged;          /* the child's */
    volatile uint64_t pending[8];       /* what the child saw pending, by step */
    volatile uint64_t counter[2];       /* what a child (its threads) counts */
    volatile int handled;               /* a child's handler ran this often */
    volatile int ready;                 /* the child is set up */
    volatile long elapsed[3];           /* milliseconds each timed wait took */
    volatile int results[3];            /* and what it returned (errno, or 0) */
};
static struct shared *shared;

static void reset_shared(void)
{
    memset((void *)shared, 0, sizeof *shared);
}

/* Waits up to 10 s until *word is at least value: whether it got there. */
static int wait_for_at_least(volatile int *word, int value)
{
    for (int i = 0; i < 10000; i++) {
        if (__atomic_load_n(word, __ATOMIC_ACQUIRE) >= value)
            return 1;
        sleep_milliseconds(1);
    }
    return 0;
}

static int wait_for_counter_above(int which, uint64_t value)
{
    for (int i = 0; i < 10000; i++) {
        if (__atomic_load_n(&shared->counter[which], __ATOMIC_ACQUIRE) > value)
            return 1;
        sleep_milliseconds(1);
    }
    return 0;
}

/* A child in a process group of its own (set on both sides, so neither
 * races), running body. */
static pid_t spawn(void (*body)(void))
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        setpgid(0, 0);
        body();
        _exit(0);
    }
    setpgid(child, child);
    return child;
}

static void pause_forever(void)
{
    for (;;)
        pause();
}

static void count_forever(void)
{
    for (;;)
        __atomic_add_fetch(&shared->counter[0], 1, __ATOMIC_RELEASE);
}

/* Sends signo and waits for the stop (WUNTRACED): whether it stopped by
 * that signal. */
static int stop_with(pid_t child, int signo)
{
    int status = 0;
    if (kill(child, signo) != 0)
        return 0;
    return waitpid(child, &status, WUNTRACED) == child && WIFSTOPPED(status)
        && WSTOPSIG(status) == signo;
}

/* Sends SIGCONT and waits for it to be reported (WCONTINUED). */
static int continue_child(pid_t child)
{
    int status = 0;
    if (kill(child, SIGCONT) != 0)
        return 0;
    return waitpid(child, &status, WCONTINUED) == child && WIFCONTINUED(status);
}

static int killed_by(pid_t child, int signo)
{
    int status = 0;
    return waitpid(child, &status, 0) == child && WIFSIGNALED(status)
        && WTERMSIG(status) == signo;
}

static void end_child(pid_t child)
{
    kill(child, SIGKILL);
    CHECK(killed_by(child, SIGKILL));
}

/* waitpid: WUNTRACED reports a stop once, WCONTINUED a continue once;
 * without them neither is reported. */
static void waitpid_reports_a_stop_and_a_continue_once(void)
{
    pid_t child = spawn(pause_forever);
    int status = 0;
    CHECK_EQ(kill(child, SIGSTOP), 0);
    CHECK_EQ(waitpid(child, &status, WUNTRACED), child);
    CHECK(WIFSTOPPED(status));
    CHECK_EQ(WSTOPSIG(status), SIGSTOP);
    CHECK(!WIFEXITED(status) && !WIFSIGNALED(status) && !WIFCONTINUED(status));
    CHECK_EQ(waitpid(child, &status, WUNTRACED | WNOHANG), 0);     /* once */
    CHECK_EQ(waitpid(child, &status, WNOHANG), 0);
    CHECK_EQ(kill(child, SIGCONT), 0);
    status = 0;
    CHECK_EQ(waitpid(child, &status, WCONTINUED), child);
    CHECK(WIFCONTINUED(status));
    CHECK(!WIFSTOPPED(status) && !WIFEXITED(status) && !WIFSIGNALED(status));
    CHECK_EQ(waitpid(child, &status, WCONTINUED | WUNTRACED | WNOHANG), 0);
    /* Stopped again, and continued before the stop was collected: only
     * the continue is left to report. */
    CHECK_EQ(kill(child, SIGSTOP), 0);
    siginfo_t info;
    CHECK_EQ(waitid(P_PID, child, &info, WSTOPPED | WNOWAIT), 0);   /* stopped by now */
    CHECK_EQ(kill(child, SIGSTOP), 0);     /* already stopped: nothing more */
    CHECK_EQ(kill(child, SIGCONT), 0);
    CHECK_EQ(waitpid(child, &status, WCONTINUED | WUNTRACED), child);
    CHECK(WIFCONTINUED(status));
    /* A stop waitpid(-1) and waitpid(0)-style group waits see too. */
    CHECK_EQ(kill(child, SIGSTOP), 0);
    CHECK_EQ(waitpid(-child, &status, WUNTRACED), child);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    CHECK(continue_child(child));
    CHECK_EQ(kill(child, SIGSTOP), 0);
    CHECK_EQ(waitpid(-1, &status, WUNTRACED), child);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    CHECK(continue_child(child));
    end_child(child);
}

/* SIGTSTP, SIGTTIN and SIGTTOU stop by default too, and say which. */
static void the_job_control_signals_stop_by_default(void)
{
    pid_t child = spawn(pause_forever);
    CHECK(stop_with(child, SIGTSTP));
    CHECK(continue_child(child));
    CHECK(stop_with(child, SIGTTIN));
    CHECK(continue_child(child));
    CHECK(stop_with(child, SIGTTOU));
    CHECK(continue_child(child));
    end_child(child);
}

/* waitid: CLD_STOPPED and CLD_CONTINUED with the signal, WNOWAIT leaving
 * them to report again; WEXITED alone does not see them. */
static void waitid_reports_stops_and_continues(void)
{
    pid_t child = spawn(pause_forever);
    siginfo_t info;
    CHECK_EQ(kill(child, SIGTSTP), 0);
    memset(&info, 0, sizeof info);
    CHECK_EQ(waitid(P_PID, child, &info, WSTOPPED | WNOWAIT), 0);
    CHECK_EQ(info.si_signo, SIGCHLD);
    CHECK_EQ(info.si_code, CLD_STOPPED);
    CHECK_EQ(info.si_status, SIGTSTP);
    CHECK_EQ(info.si_pid, child);
    CHECK_EQ(info.si_uid, getuid());
    memset(&info, 0, sizeof info);
    CHECK_EQ(waitid(P_PID, child, &info, WEXITED | WNOHANG), 0);
    CHECK_EQ(info.si_pid, 0);
    memset(&info, 0, sizeof info);
    CHECK_EQ(waitid(P_ALL, 0, &info, WSTOPPED | WNOHANG), 0);  /* still there: now taken */
    CHECK_EQ(info.si_pid, child);
    CHECK_EQ(info.si_code, CLD_STOPPED);
    memset(&info, 0xff, sizeof info);
    CHECK_EQ(waitid(P_PID, child, &info, WSTOPPED | WNOHANG), 0);
    CHECK_EQ(info.si_pid, 0);

    CHECK_EQ(kill(child, SIGCONT), 0);
    memset(&info, 0, sizeof info);
    CHECK_EQ(waitid(P_PGID, child, &info, WCONTINUED | WNOWAIT), 0);
    CHECK_EQ(info.si_signo, SIGCHLD);
    CHECK_EQ(info.si_code, CLD_CONTINUED);
    CHECK_EQ(info.si_status, SIGCONT);
    CHECK_EQ(info.si_pid, child);
    memset(&info, 0, sizeof info);
    CHECK_EQ(waitid(P_PID, child, &info, WCONTINUED | WSTOPPED | WNOHANG), 0);
    CHECK_EQ(info.si_code, CLD_CONTINUED);
    memset(&info, 0xff, sizeof info);
    CHECK_EQ(waitid(P_PID, child, &info, WCONTINUED | WNOHANG), 0);
    CHECK_EQ(info.si_pid, 0);

    /* wait4's status for them through waitpid after a waitid peek. */
    CHECK_EQ(kill(child, SIGTTIN), 0);
    CHECK_EQ(waitid(P_PID, child, &info, WSTOPPED | WNOWAIT), 0);
    int status = 0;
    CHECK_EQ(waitpid(child, &status, WUNTRACED | WNOHANG), child);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTTIN);
    CHECK(continue_child(child));
    end_child(child);
}

/* An ended child is invisible to a waitid without WEXITED: with no other
 * child, ECHILD (Linux's wait_task_zombie). */
static void waitid_for_stops_only_ignores_an_ended_child(void)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0)
        _exit(5);
    siginfo_t info;
    CHECK_EQ(waitid(P_PID, child, &info, WEXITED | WNOWAIT), 0);      /* a zombie now */
    CHECK_ERRNO(waitid(P_PID, child, &info, WSTOPPED | WCONTINUED | WNOHANG), ECHILD);
    CHECK_ERRNO(waitid(P_ALL, 0, &info, WSTOPPED), ECHILD);
    memset(&info, 0, sizeof info);
    CHECK_EQ(waitid(P_PID, child, &info, WEXITED | WSTOPPED), 0);
    CHECK_EQ(info.si_code, CLD_EXITED);
    CHECK_EQ(info.si_status, 5);
}

/* Every thread of a stopped child stops: neither of two counting threads
 * counts while it is stopped; both go on once it continues. */
static void *count_second(void *unused)
{
    (void)unused;
    for (;;)
        __atomic_add_fetch(&shared->counter[1], 1, __ATOMIC_RELEASE);
    return NULL;
}

static void count_in_two_threads(void)
{
    pthread_t thread;
    if (pthread_create(&thread, NULL, count_second, NULL) != 0)
        _exit(2);
    count_forever();
}

static void a_stopped_child_runs_no_thread(void)
{
    reset_shared();
    pid_t child = spawn(count_in_two_threads);
    CHECK(wait_for_counter_above(0, 0) && wait_for_counter_above(1, 0));
    CHECK(stop_with(child, SIGSTOP));
    uint64_t first = shared->counter[0], second = shared->counter[1];
    sleep_milliseconds(200);
    CHECK_EQ(shared->counter[0], first);
    CHECK_EQ(shared->counter[1], second);
    CHECK(continue_child(child));
    CHECK(wait_for_counter_above(0, first));
    CHECK(wait_for_counter_above(1, second));
    end_child(child);
}

/* SIGCHLD with a handler: the siginfo of a stop and of a continue. */
static volatile sig_atomic_t sigchld_count;
static volatile int sigchld_code, sigchld_status, sigchld_pid;

static void record_sigchld(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    (void)context;
    if (sigchld_count++ == 0) {
        sigchld_code = info->si_code;
        sigchld_status = info->si_status;
        sigchld_pid = info->si_pid;
    }
}

static void handle_sigchld(int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = record_sigchld;
    action.sa_flags = SA_SIGINFO | SA_RESTART | flags;
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(SIGCHLD, &action, NULL) == 0);
    sigchld_count = 0;
    sigchld_code = sigchld_status = sigchld_pid = 0;
}

static void default_sigchld(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    REQUIRE(sigaction(SIGCHLD, &action, NULL) == 0);
}

/* With SIGCHLD blocked outside sigsuspend: until the handler ran. */
static void suspend_until_sigchld(void)
{
    sigset_t empty;
    sigemptyset(&empty);
    for (int i = 0; i < 100 && sigchld_count == 0; i++)
        sigsuspend(&empty);
}

static void sigchld_tells_of_stops_and_continues(void)
{
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    REQUIRE(sigprocmask(SIG_BLOCK, &chld, &old) == 0);
    handle_sigchld(0);
    pid_t child = spawn(pause_forever);
    CHECK(stop_with(child, SIGTTOU));
    suspend_until_sigchld();
    CHECK_EQ(sigchld_count, 1);
    CHECK_EQ(sigchld_code, CLD_STOPPED);
    CHECK_EQ(sigchld_status, SIGTTOU);
    CHECK_EQ(sigchld_pid, child);
    sigchld_count = 0;
    CHECK(continue_child(child));
    suspend_until_sigchld();
    CHECK_EQ(sigchld_count, 1);
    CHECK_EQ(sigchld_code, CLD_CONTINUED);
    CHECK_EQ(sigchld_status, SIGCONT);
    CHECK_EQ(sigchld_pid, child);
    sigchld_count = 0;
    end_child(child);
    suspend_until_sigchld();
    CHECK_EQ(sigchld_code, CLD_KILLED);

    /* SA_NOCLDSTOP: no word of the stop or the continue, but of the end:
     * the first SIGCHLD (which does not queue, so keeps its siginfo) is
     * the kill's. */
    handle_sigchld(SA_NOCLDSTOP);
    struct sigaction now;
    CHECK_EQ(sigaction(SIGCHLD, NULL, &now), 0);
    CHECK(now.sa_flags & SA_NOCLDSTOP);
    child = spawn(pause_forever);
    CHECK(stop_with(child, SIGSTOP));
    CHECK(continue_child(child));
    CHECK_EQ(sigchld_count, 0);
    end_child(child);
    suspend_until_sigchld();
    CHECK_EQ(sigchld_count, 1);
    CHECK_EQ(sigchld_code, CLD_KILLED);
    CHECK_EQ(sigchld_status, SIGKILL);

    /* SIGCHLD ignored: the stop is still there for waitpid. */
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    REQUIRE(sigaction(SIGCHLD, &ignore, NULL) == 0);
    child = spawn(pause_forever);
    CHECK(stop_with(child, SIGSTOP));
    CHECK(continue_child(child));
    kill(child, SIGKILL);
    int status;
    CHECK_ERRNO(waitpid(child, &status, 0), ECHILD);      /* reaped at once */
    default_sigchld();
    REQUIRE(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
}

/* A child that counts its SIGUSR1s and SIGCONTs (in shared->handled and
 * counter[1]). */
static void count_handled(int signo)
{
    if (signo == SIGCONT)
        __atomic_add_fetch(&shared->counter[1], 1, __ATOMIC_RELEASE);
    else
        __atomic_add_fetch(&shared->handled, 1, __ATOMIC_RELEASE);
}

static void handle_and_pause(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = count_handled;
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR1, &action, NULL);
    sigaction(SIGCONT, &action, NULL);
    __atomic_store_n(&shared->ready, 1, __ATOMIC_RELEASE);
    pause_forever();
}

/* A stopped child's signals wait until it continues: a handler's, and a
 * terminating default's; SIGKILL does not wait. SIGCONT's handler runs
 * once it continues, and when it was not stopped too. */
static void a_stopped_childs_signals_wait_until_it_continues(void)
{
    reset_shared();
    pid_t child = spawn(handle_and_pause);
    CHECK(wait_for_at_least(&shared->ready, 1));
    CHECK(stop_with(child, SIGSTOP));
    CHECK_EQ(kill(child, SIGUSR1), 0);
    sleep_milliseconds(200);
    CHECK_EQ(shared->handled, 0);
    CHECK_EQ(shared->counter[1], 0);
    CHECK(continue_child(child));
    CHECK(wait_for_at_least(&shared->handled, 1));
    CHECK(wait_for_counter_above(1, 0));       /* SIGCONT's handler */
    CHECK_EQ(kill(child, SIGCONT), 0);         /* not stopped: the handler all the same */
    CHECK(wait_for_counter_above(1, 1));
    int status;
    CHECK_EQ(waitpid(child, &status, WCONTINUED | WNOHANG), 0);   /* no continue to report */

    /* SIGTERM waits too; once continued it ends the child. */
    CHECK(stop_with(child, SIGSTOP));
    CHECK_EQ(kill(child, SIGTERM), 0);
    sleep_milliseconds(200);
    CHECK_EQ(waitpid(child, &status, WNOHANG), 0);
    CHECK_EQ(kill(child, SIGCONT), 0);
    CHECK(killed_by(child, SIGTERM));

    /* SIGKILL ends a stopped child at once. */
    child = spawn(pause_forever);
    CHECK(stop_with(child, SIGTSTP));
    CHECK_EQ(kill(child, SIGKILL), 0);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    CHECK_EQ(waitid(P_PID, child, &info, WEXITED), 0);
    CHECK_EQ(info.si_code, CLD_KILLED);
    CHECK_EQ(info.si_status, SIGKILL);
}

/* The child's side of a handshake: at each step the parent sets, it
 * notes what is pending and acknowledges. */
static void note_pending_at(int step)
{
    while (__atomic_load_n(&shared->step, __ATOMIC_ACQUIRE) < step)
        sleep_milliseconds(1);
    sigset_t set;
    sigemptyset(&set);
    sigpending(&set);
    shared->pending[step] = signal_bits(&set);
    __atomic_store_n(&shared->acknowledged, step, __ATOMIC_RELEASE);
}

static void block_and_note(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCONT);
    sigaddset(&set, SIGTSTP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    __atomic_store_n(&shared->ready, 1, __ATOMIC_RELEASE);
    for (int step = 1; step <= 4; step++)
        note_pending_at(step);
    /* Unblocked, the pending SIGCONT is ignored by default; then SIGTSTP
     * stops the child at once. */
    note_pending_at(5);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    note_pending_at(6);
    /* Until the parent has seen the continue: an exit first would be what
     * its waitpid reports. */
    note_pending_at(7);
    _exit(0);
}

/* The parent's side: send signo (unless 0), move to step, wait for the
 * child's acknowledgement. */
static int step_after(int step, pid_t child, int signo)
{
    if (signo)
        kill(child, signo);
    __atomic_store_n(&shared->step, step, __ATOMIC_RELEASE);
    return wait_for_at_least(&shared->acknowledged, step);
}

/* SIGCONT discards a pending stop signal, a stop signal a pending
 * SIGCONT; SIGCONT continues a child that blocks it (and stays pending);
 * a blocked SIGTSTP stops the child once unblocked. */
static void sigcont_and_the_stop_signals_discard_each_other(void)
{
    reset_shared();
    pid_t child = spawn(block_and_note);
    CHECK(wait_for_at_least(&shared->ready, 1));
    CHECK(step_after(1, child, SIGCONT));
    CHECK_EQ(shared->pending[1], signal_bit(SIGCONT));
    CHECK(step_after(2, child, SIGTSTP));
    CHECK_EQ(shared->pending[2], signal_bit(SIGTSTP));
    CHECK(step_after(3, child, SIGCONT));
    CHECK_EQ(shared->pending[3], signal_bit(SIGCONT));
    /* Stopped by SIGSTOP (unblockable), continued by the blocked SIGCONT. */
    CHECK(stop_with(child, SIGSTOP));
    CHECK(continue_child(child));
    CHECK(step_after(4, child, 0));
    CHECK_EQ(shared->pending[4], signal_bit(SIGCONT));
    CHECK(step_after(5, child, SIGTSTP));
    CHECK_EQ(shared->pending[5], signal_bit(SIGTSTP));     /* SIGCONT discarded */
    __atomic_store_n(&shared->step, 6, __ATOMIC_RELEASE);
    int status = 0;
    CHECK_EQ(waitpid(child, &status, WUNTRACED), child);   /* unblocked: it stops */
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTSTP);
    CHECK_EQ(shared->acknowledged, 5);
    CHECK(continue_child(child));
    CHECK(wait_for_at_least(&shared->acknowledged, 6));
    CHECK_EQ(shared->pending[6], 0);
    __atomic_store_n(&shared->step, 7, __ATOMIC_RELEASE);
    CHECK(exited_with(child, 0));
}

/* SIGCONT continues a child that ignores it. */
static void ignore_sigcont_and_count(void)
{
    signal(SIGCONT, SIG_IGN);
    __atomic_store_n(&shared->ready, 1, __ATOMIC_RELEASE);
    count_forever();
}

static void sigcont_continues_a_child_that_ignores_it(void)
{
    reset_shared();
    pid_t child = spawn(ignore_sigcont_and_count);
    CHECK(wait_for_at_least(&shared->ready, 1));
    CHECK(stop_with(child, SIGSTOP));
    uint64_t counted = shared->counter[0];
    CHECK(continue_child(child));
    CHECK(wait_for_counter_above(0, counted));
    end_child(child);
}

/* A child that raises SIGSTOP itself goes on where it stopped. */
static void raise_sigstop_then_exit(void)
{
    raise(SIGSTOP);
    _exit(3);
}

static void a_child_may_stop_itself(void)
{
    pid_t child = spawn(raise_sigstop_then_exit);
    int status = 0;
    CHECK_EQ(waitpid(child, &status, WUNTRACED), child);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    CHECK_EQ(kill(child, SIGCONT), 0);
    CHECK(exited_with(child, 3));
}

/* A read that waits on an empty pipe goes on waiting while the child is
 * stopped (the bytes written meanwhile stay in the pipe) and returns
 * them once it continues: no EINTR. */
static int pipe_ends[2];

static void read_the_pipe(void)
{
    close(pipe_ends[1]);
    char buffer[16];
    ssize_t got = read(pipe_ends[0], buffer, sizeof buffer);
    _exit(got == 5 && memcmp(buffer, "hello", 5) == 0 ? 0 : got < 0 ? 100 + errno % 100 : 1);
}

static void a_read_waiting_on_a_pipe_waits_on_through_a_stop(void)
{
    REQUIRE(pipe(pipe_ends) == 0);
    pid_t child = spawn(read_the_pipe);
    sleep_milliseconds(200);                    /* the child waits in its read */
    CHECK(stop_with(child, SIGSTOP));
    CHECK_EQ(write(pipe_ends[1], "hello", 5), 5);
    sleep_milliseconds(200);
    int queued = -1;
    CHECK_EQ(ioctl(pipe_ends[0], FIONREAD, &queued), 0);
    CHECK_EQ(queued, 5);                        /* not read while stopped */
    CHECK_EQ(kill(child, SIGCONT), 0);
    CHECK(exited_with(child, 0));
    close(pipe_ends[0]);
    close(pipe_ends[1]);
}

/* In an orphaned process group (the child's own session: its parent is
 * in another) SIGTSTP does nothing; SIGSTOP stops all the same. */
static void new_session_then_count(void)
{
    setsid();
    __atomic_store_n(&shared->ready, 1, __ATOMIC_RELEASE);
    count_forever();
}

static void sigtstp_does_nothing_in_an_orphaned_group(void)
{
    reset_shared();
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0)
        new_session_then_count();
    CHECK(wait_for_at_least(&shared->ready, 1));
    CHECK_EQ(kill(child, SIGTSTP), 0);
    /* Had SIGTSTP stopped it, the stop would say SIGTSTP. */
    CHECK(stop_with(child, SIGSTOP));
    CHECK(continue_child(child));
    uint64_t counted = shared->counter[0];
    CHECK(wait_for_counter_above(0, counted));
    end_child(child);
}

/* Any process of the session may continue a stopped one, even one it may
 * not otherwise signal. */
static void sigcont_needs_no_permission_within_the_session(void)
{
    pid_t child = spawn(pause_forever);
    CHECK(stop_with(child, SIGSTOP));
    pid_t other = fork();
    REQUIRE(other >= 0);
    if (other == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        CHECK_ERRNO(kill(child, SIGTERM), EPERM);
        CHECK_ERRNO(kill(child, SIGSTOP), EPERM);
        CHECK_EQ(kill(child, SIGCONT), 0);
        check_child_exit();
    }
    check_child_passed(other);
    int status = 0;
    CHECK_EQ(waitpid(child, &status, WCONTINUED), child);
    CHECK(WIFCONTINUED(status));
    end_child(child);
}

/* SIGTSTP with a handler does not stop: the handler runs. */
static void tstp_handled(int signo)
{
    (void)signo;
    __atomic_add_fetch(&shared->handled, 1, __ATOMIC_RELEASE);
}

static void handle_tstp_and_pause(void)
{
    signal(SIGTSTP, tstp_handled);
    __atomic_store_n(&shared->ready, 1, __ATOMIC_RELEASE);
    pause_forever();
}

static void a_caught_stop_signal_does_not_stop(void)
{
    reset_shared();
    pid_t child = spawn(handle_tstp_and_pause);
    CHECK(wait_for_at_least(&shared->ready, 1));
    CHECK_EQ(kill(child, SIGTSTP), 0);
    CHECK(wait_for_at_least(&shared->handled, 1));
    /* Then SIGSTOP, which cannot be caught, is the stop reported. */
    CHECK(stop_with(child, SIGSTOP));
    CHECK(continue_child(child));
    end_child(child);
}

/* Three timed waits of 2 s at once in one child: nanosleep,
 * clock_nanosleep and FUTEX_WAIT (relative timeouts). */
static long milliseconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void timed_wait(int which)
{
    struct timespec start, two_seconds = {2, 0};
    clock_gettime(CLOCK_MONOTONIC, &start);
    long result;
    if (which == 0) {
        result = nanosleep(&two_seconds, NULL);
    } else if (which == 1) {
        result = clock_nanosleep(CLOCK_MONOTONIC, 0, &two_seconds, NULL);
        errno = (int)result;
        result = result ? -1 : 0;
    } else {
        static int word;
        result = futex_wait(&word, 0, &two_seconds, FUTEX_PRIVATE_FLAG);
    }
    shared->results[which] = result == 0 ? 0 : errno;
    shared->elapsed[which] = milliseconds_since(&start);
}

static void *timed_wait_thread(void *which)
{
    timed_wait((int)(intptr_t)which);
    return NULL;
}

static void wait_three_ways(void)
{
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        if (pthread_create(&threads[i], NULL, timed_wait_thread, (void *)(intptr_t)(i + 1)) != 0)
            _exit(2);
    timed_wait(0);
    for (int i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
    _exit(0);
}

static void timed_waits_keep_their_deadline_through_a_stop(void)
{
    reset_shared();
    pid_t child = spawn(wait_three_ways);
    sleep_milliseconds(300);                    /* all three wait by now */
    CHECK(stop_with(child, SIGSTOP));
    sleep_milliseconds(2500);                   /* past their deadline */
    CHECK_EQ(kill(child, SIGCONT), 0);
    CHECK(exited_with(child, 0));
    CHECK_EQ(shared->results[0], 0);
    CHECK_EQ(shared->results[1], 0);
    CHECK_EQ(shared->results[2], ETIMEDOUT);
    /* At least the stop; not a whole timeout after it (about 4.8 s). */
    for (int i = 0; i < 3; i++)
        CHECK(shared->elapsed[i] >= 2000 && shared->elapsed[i] < 4000);
}

int main(void)
{
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                  -1, 0);
    REQUIRE(shared != MAP_FAILED);
    waitpid_reports_a_stop_and_a_continue_once();
    the_job_control_signals_stop_by_default();
    waitid_reports_stops_and_continues();
    waitid_for_stops_only_ignores_an_ended_child();
    a_stopped_child_runs_no_thread();
    sigchld_tells_of_stops_and_continues();
    a_stopped_childs_signals_wait_until_it_continues();
    sigcont_and_the_stop_signals_discard_each_other();
    sigcont_continues_a_child_that_ignores_it();
    a_child_may_stop_itself();
    a_read_waiting_on_a_pipe_waits_on_through_a_stop();
    sigtstp_does_nothing_in_an_orphaned_group();
    sigcont_needs_no_permission_within_the_session();
    a_caught_stop_signal_does_not_stop();
    timed_waits_keep_their_deadline_through_a_stop();
    return check_finish("process_job_control");
}
