/* The controlling terminal and job control, on the console, opened with
 * open("/dev/console", O_RDWR | O_NOCTTY) (an open of /dev/console never
 * makes it a controlling terminal, and no session owns it at the start).
 *
 * A fresh session has no controlling terminal: tcgetpgrp, TIOCGSID,
 * tcsetpgrp and TIOCNOTTY fail with ENOTTY, as tcgetpgrp does on a pipe
 * or /dev/null. TIOCSCTTY: EPERM for a process that is not a session
 * leader, 0 for the leader (and 0 again), then TIOCGSID and tcgetpgrp
 * tell its session and group, to its members too; EPERM for another
 * session's leader while the first holds the console. tcsetpgrp by the
 * foreground: to a group of the session, 0; to a group that does not
 * exist, ESRCH; to -1, EINVAL; to another session's group, EPERM. From a
 * background group: done when SIGTTOU is ignored or blocked (a blocked
 * one is not even sent), EINTR when a handler (without SA_RESTART)
 * catches it, a stop by SIGTTOU by default, and ENOTTY from an orphaned
 * group.
 * Keyboard signals injected with TIOCSTI (echo off, a termios round
 * trip): ^C kills the foreground group with SIGINT and leaves a
 * background group alone, or runs a handler; ^Z stops it with SIGTSTP;
 * ^\ ends it with SIGQUIT. TIOCNOTTY by the leader sends the foreground
 * group SIGHUP and SIGCONT and leaves the whole session without the
 * terminal. A leader that exits holding the console sends its foreground
 * group SIGHUP and releases the console for another session.
 *
 * Every session is a child's (setsid), which opens the console itself;
 * each has ended, with all its processes, before the next part begins.
 * Every wait is bounded (10 s): a child that does not do what it should
 * is killed, and the check fails. The console's termios are restored at
 * the end. */
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>

#include "check.h"
#include "signals.h"

/* Memory every process of the test shares. */
struct shared {
    volatile int ready;         /* children set up */
    volatile int go;            /* a parent's step, for handshakes */
    volatile int holding;       /* a leader holds the console */
    volatile int hup;           /* handlers ran this often */
    volatile int cont;
    volatile int intr;
    volatile int ttou;
    volatile int member_done;   /* part 7's member is about to exit */
};
static struct shared *shared;

/* The console, as each process opened it last (children inherit it). */
static int console = -1;

static void reset_shared(void)
{
    memset((void *)shared, 0, sizeof *shared);
}

static int open_console(void)
{
    return open("/dev/console", O_RDWR | O_NOCTTY);
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

static void announce(volatile int *word)
{
    __atomic_add_fetch(word, 1, __ATOMIC_RELEASE);
}

/* Waits up to 10 s for child to change state as flags (0 or WUNTRACED)
 * asks: whether it did (status in *status). If it did not, it is killed
 * and reaped. */
static int wait_for_child(pid_t child, int *status, int flags)
{
    for (int i = 0; i < 10000; i++) {
        pid_t got = waitpid(child, status, flags | WNOHANG);
        if (got == child)
            return 1;
        if (got == -1 && errno != EINTR)
            return 0;
        sleep_milliseconds(1);
    }
    kill(child, SIGKILL);
    waitpid(child, status, 0);
    return 0;
}

/* The child exited with status 0 (its checks passed); a child that
 * stopped instead is killed. A failure names the caller's line. */
#define child_passed(child) child_passed_at(child, "child " #child " passed", __LINE__)

static void child_passed_at(pid_t child, const char *expression, int line)
{
    int status = 0;
    int changed = wait_for_child(child, &status, WUNTRACED);
    check_record(changed && WIFEXITED(status) && WEXITSTATUS(status) == 0,
                 expression, __FILE__, line);
    if (changed && WIFSTOPPED(status)) {
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
    }
}

static int killed_by(pid_t child, int signo)
{
    int status = 0;
    return wait_for_child(child, &status, 0) && WIFSIGNALED(status)
        && WTERMSIG(status) == signo;
}

static int stopped_by(pid_t child, int signo)
{
    int status = 0;
    return wait_for_child(child, &status, WUNTRACED) && WIFSTOPPED(status)
        && WSTOPSIG(status) == signo;
}

static void end_child(pid_t child)
{
    kill(child, SIGKILL);
    CHECK(killed_by(child, SIGKILL));
}

/* fork(), the child's status to tell of its own checks only: not of the
 * failures its parent had before. */
static pid_t fork_child(void)
{
    pid_t child = fork();
    if (child == 0)
        check_failures = 0;
    return child;
}

/* A child in a process group of its own (set on both sides, so neither
 * races), running body. */
static pid_t spawn_in_group(void (*body)(void))
{
    pid_t child = fork_child();
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

static void ready_then_pause(void)
{
    announce(&shared->ready);
    pause_forever();
}

/* Spawns body, which announces itself, and waits until it has. */
static pid_t spawn_ready(void (*body)(void))
{
    shared->ready = 0;
    pid_t child = spawn_in_group(body);
    CHECK(wait_for_at_least(&shared->ready, 1));
    return child;
}

static void handle(int signo, void (*handler)(int), int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    sigaction(signo, &action, NULL);
}

/* In a child: a new session, with the console open (not yet its
 * controlling terminal). */
static void become_session_leader(void)
{
    REQUIRE(setsid() == getpid());
    console = open_console();
    REQUIRE(console >= 0);
}

/* And the console its controlling terminal; SIGTTOU ignored, so the
 * leader may move the foreground from the background. */
static void take_console(void)
{
    become_session_leader();
    CHECK_OK(ioctl(console, TIOCSCTTY, 0));
    if (check_failures != 0)
        check_child_exit();     /* without the console: nothing to see */
    signal(SIGTTOU, SIG_IGN);
}

/* 1. A fresh session has no controlling terminal. */
static void without_a_terminal(void)
{
    become_session_leader();
    CHECK(isatty(console));
    CHECK_ERRNO(tcgetpgrp(console), ENOTTY);
    pid_t sid = -1;
    CHECK_ERRNO(ioctl(console, TIOCGSID, &sid), ENOTTY);
    CHECK_ERRNO(tcsetpgrp(console, getpgrp()), ENOTTY);
    CHECK_ERRNO(ioctl(console, TIOCNOTTY), ENOTTY);
    int ends[2];
    REQUIRE(pipe(ends) == 0);
    CHECK_ERRNO(tcgetpgrp(ends[0]), ENOTTY);
    CHECK_ERRNO(tcgetpgrp(ends[1]), ENOTTY);
    int null = open("/dev/null", O_RDWR);
    REQUIRE(null >= 0);
    CHECK_ERRNO(tcgetpgrp(null), ENOTTY);
    check_child_exit();
}

static void a_fresh_session_has_no_controlling_terminal(void)
{
    pid_t leader = fork_child();
    REQUIRE(leader >= 0);
    if (leader == 0)
        without_a_terminal();
    child_passed(leader);
}

/* 2. TIOCSCTTY. */
static void claim_the_console(void)
{
    become_session_leader();
    pid_t member = fork_child();
    REQUIRE(member >= 0);
    if (member == 0) {
        CHECK_ERRNO(ioctl(console, TIOCSCTTY, 0), EPERM);   /* not a leader */
        check_child_exit();
    }
    child_passed(member);
    CHECK_EQ(ioctl(console, TIOCSCTTY, 0), 0);
    CHECK_EQ(ioctl(console, TIOCSCTTY, 0), 0);              /* already its own */
    pid_t sid = -1;
    CHECK_EQ(ioctl(console, TIOCGSID, &sid), 0);
    CHECK_EQ(sid, getsid(0));
    CHECK_EQ(tcgetpgrp(console), getpgrp());
    /* A member forked now shares the terminal, and still may not claim
     * it. */
    member = fork_child();
    REQUIRE(member >= 0);
    if (member == 0) {
        sid = -1;
        CHECK_EQ(ioctl(console, TIOCGSID, &sid), 0);
        CHECK_EQ(sid, getsid(0));
        CHECK_EQ(tcgetpgrp(console), getsid(0));
        CHECK_ERRNO(ioctl(console, TIOCSCTTY, 0), EPERM);
        check_child_exit();
    }
    child_passed(member);
    announce(&shared->holding);
    CHECK(wait_for_at_least(&shared->go, 1));
    check_child_exit();
}

static void claim_a_held_console(void)
{
    become_session_leader();
    CHECK_ERRNO(ioctl(console, TIOCSCTTY, 0), EPERM);
    CHECK_ERRNO(tcgetpgrp(console), ENOTTY);
    check_child_exit();
}

static void a_session_leader_takes_the_console(void)
{
    reset_shared();
    pid_t leader = fork_child();
    REQUIRE(leader >= 0);
    if (leader == 0)
        claim_the_console();
    CHECK(wait_for_at_least(&shared->holding, 1));
    pid_t other = fork_child();
    REQUIRE(other >= 0);
    if (other == 0)
        claim_a_held_console();
    child_passed(other);
    announce(&shared->go);
    child_passed(leader);
}

/* 3. tcsetpgrp by the foreground. */
static pid_t other_session_group;

static void exit_at_once(void)
{
    _exit(0);
}

static void set_the_foreground(void)
{
    take_console();
    pid_t gone = spawn_in_group(exit_at_once);
    int status;
    CHECK_EQ(waitpid(gone, &status, 0), gone);
    CHECK_ERRNO(tcsetpgrp(console, gone), ESRCH);
    CHECK_ERRNO(tcsetpgrp(console, -1), EINVAL);
    CHECK_ERRNO(tcsetpgrp(console, other_session_group), EPERM);
    CHECK_EQ(tcgetpgrp(console), getpgrp());
    pid_t child = spawn_ready(ready_then_pause);
    CHECK_EQ(tcsetpgrp(console, child), 0);
    CHECK_EQ(tcgetpgrp(console), child);
    CHECK_EQ(tcsetpgrp(console, getpgrp()), 0);
    CHECK_EQ(tcgetpgrp(console), getpgrp());
    end_child(child);
    check_child_exit();
}

static void the_foreground_moves_within_its_session(void)
{
    /* A group of another session: the test's own. */
    other_session_group = spawn_in_group(pause_forever);
    pid_t leader = fork_child();
    REQUIRE(leader >= 0);
    if (leader == 0)
        set_the_foreground();
    child_passed(leader);
    end_child(other_session_group);
}

/* 4. tcsetpgrp from a background group. The leader stays in the
 * foreground; each child is in a group of its own, whose parent (the
 * leader) is in another group of the session: not orphaned. */
static void set_with_sigttou_ignored(void)
{
    signal(SIGTTOU, SIG_IGN);
    CHECK_EQ(tcsetpgrp(console, getpgrp()), 0);
    CHECK_EQ(tcgetpgrp(console), getpgrp());
    CHECK_EQ(tcsetpgrp(console, getsid(0)), 0);     /* back to the leader's */
    CHECK_EQ(tcgetpgrp(console), getsid(0));
    check_child_exit();
}

static void set_with_sigttou_blocked(void)
{
    signal(SIGTTOU, SIG_DFL);
    block_signals(signal_bit(SIGTTOU));
    CHECK_EQ(tcsetpgrp(console, getpgrp()), 0);
    CHECK_EQ(tcgetpgrp(console), getpgrp());
    CHECK_EQ(pending_signal_bits() & signal_bit(SIGTTOU), 0);     /* none sent */
    CHECK_EQ(tcsetpgrp(console, getsid(0)), 0);
    check_child_exit();
}

static void count_sigttou(int signo)
{
    (void)signo;
    announce(&shared->ttou);
}

static void set_with_sigttou_handled(void)
{
    handle(SIGTTOU, count_sigttou, 0);
    CHECK_ERRNO(tcsetpgrp(console, getpgrp()), EINTR);
    CHECK(wait_for_at_least(&shared->ttou, 1));
    CHECK_EQ(shared->ttou, 1);
    CHECK_EQ(tcgetpgrp(console), getsid(0));        /* unchanged */
    check_child_exit();
}

static void set_with_sigttou_default(void)
{
    signal(SIGTTOU, SIG_DFL);
    tcsetpgrp(console, getpgrp());
    _exit(3);                                       /* not stopped */
}

static void set_from_the_background(void)
{
    take_console();
    child_passed(spawn_in_group(set_with_sigttou_ignored));
    CHECK_EQ(tcgetpgrp(console), getpgrp());
    child_passed(spawn_in_group(set_with_sigttou_blocked));
    CHECK_EQ(tcgetpgrp(console), getpgrp());
    child_passed(spawn_in_group(set_with_sigttou_handled));
    pid_t child = spawn_in_group(set_with_sigttou_default);
    CHECK(stopped_by(child, SIGTTOU));
    end_child(child);
    CHECK_EQ(tcgetpgrp(console), getpgrp());

    /* The leader's group is orphaned (the leader's parent is in another
     * session): a background member of it gets no SIGTTOU but ENOTTY. */
    pid_t foreground = spawn_ready(ready_then_pause);
    CHECK_EQ(tcsetpgrp(console, foreground), 0);
    pid_t member = fork_child();
    REQUIRE(member >= 0);
    if (member == 0) {
        signal(SIGTTOU, SIG_DFL);
        CHECK_ERRNO(tcsetpgrp(console, getpgrp()), ENOTTY);
        CHECK_EQ(tcgetpgrp(console), foreground);
        check_child_exit();
    }
    child_passed(member);
    CHECK_EQ(tcsetpgrp(console, getpgrp()), 0);
    end_child(foreground);
    check_child_exit();
}

static void the_background_sets_the_foreground_by_sigttou(void)
{
    reset_shared();
    pid_t leader = fork_child();
    REQUIRE(leader >= 0);
    if (leader == 0)
        set_from_the_background();
    child_passed(leader);
}

/* 5. Keyboard signals, injected with TIOCSTI. */
static int inject(char character)
{
    return ioctl(console, TIOCSTI, &character);
}

static void count_sigint(int signo)
{
    (void)signo;
    announce(&shared->intr);
}

static void handle_sigint_then_pause(void)
{
    handle(SIGINT, count_sigint, SA_RESTART);
    ready_then_pause();
}

static void type_at_the_foreground(void)
{
    take_console();
    /* ^C: the foreground group dies of SIGINT, a background one lives. */
    pid_t background = spawn_ready(ready_then_pause);
    pid_t child = spawn_ready(ready_then_pause);
    CHECK_EQ(tcsetpgrp(console, child), 0);
    CHECK_EQ(inject(0x03), 0);
    CHECK(killed_by(child, SIGINT));
    int status;
    CHECK_EQ(waitpid(background, &status, WNOHANG), 0);
    end_child(background);
    /* ^Z stops it with SIGTSTP. */
    child = spawn_ready(ready_then_pause);
    CHECK_EQ(tcsetpgrp(console, child), 0);
    CHECK_EQ(inject(0x1a), 0);
    CHECK(stopped_by(child, SIGTSTP));
    end_child(child);
    /* ^\ ends it with SIGQUIT. */
    child = spawn_ready(ready_then_pause);
    CHECK_EQ(tcsetpgrp(console, child), 0);
    CHECK_EQ(inject(0x1c), 0);
    CHECK(killed_by(child, SIGQUIT));
    /* ^C runs a handler instead. */
    child = spawn_ready(handle_sigint_then_pause);
    CHECK_EQ(tcsetpgrp(console, child), 0);
    CHECK_EQ(inject(0x03), 0);
    CHECK(wait_for_at_least(&shared->intr, 1));
    CHECK_EQ(waitpid(child, &status, WNOHANG), 0);
    end_child(child);
    CHECK_EQ(tcsetpgrp(console, getpgrp()), 0);
    check_child_exit();
}

static void keyboard_signals_reach_the_foreground(const struct termios *saved)
{
    reset_shared();
    /* Nothing echoed onto the console; NOFLSH: no console output on its
     * way out is thrown away by the signals. */
    struct termios quiet = *saved, now;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ISIG | NOFLSH;
    CHECK_OK(tcsetattr(console, TCSANOW, &quiet));
    memset(&now, 0, sizeof now);
    CHECK_OK(tcgetattr(console, &now));
    CHECK_EQ(now.c_lflag & ECHO, 0);
    CHECK_EQ(now.c_lflag & ISIG, ISIG);
    CHECK_EQ(now.c_cc[VINTR], saved->c_cc[VINTR]);
    pid_t leader = fork_child();
    REQUIRE(leader >= 0);
    if (leader == 0)
        type_at_the_foreground();
    child_passed(leader);
    CHECK_OK(tcsetattr(console, TCSANOW, saved));
    memset(&now, 0, sizeof now);
    CHECK_OK(tcgetattr(console, &now));
    CHECK_EQ(now.c_lflag & ECHO, saved->c_lflag & ECHO);
}

/* 6. TIOCNOTTY by the leader. */
static void count_sighup(int signo)
{
    (void)signo;
    announce(&shared->hup);
}

static void count_sigcont(int signo)
{
    (void)signo;
    announce(&shared->cont);
}

static void record_hangup_then_pause(void)
{
    handle(SIGHUP, count_sighup, SA_RESTART);
    handle(SIGCONT, count_sigcont, SA_RESTART);
    ready_then_pause();
}

static void give_up_the_console(void)
{
    take_console();
    pid_t foreground = spawn_ready(record_hangup_then_pause);
    /* Another member, in the leader's group. */
    shared->ready = 0;
    pid_t member = fork_child();
    REQUIRE(member >= 0);
    if (member == 0) {
        announce(&shared->ready);
        REQUIRE(wait_for_at_least(&shared->go, 1));
        CHECK_ERRNO(tcgetpgrp(console), ENOTTY);
        pid_t sid = -1;
        CHECK_ERRNO(ioctl(console, TIOCGSID, &sid), ENOTTY);
        check_child_exit();
    }
    CHECK(wait_for_at_least(&shared->ready, 1));
    CHECK_EQ(tcsetpgrp(console, foreground), 0);
    CHECK_EQ(ioctl(console, TIOCNOTTY), 0);
    CHECK(wait_for_at_least(&shared->hup, 1));
    CHECK(wait_for_at_least(&shared->cont, 1));
    CHECK_ERRNO(tcgetpgrp(console), ENOTTY);
    announce(&shared->go);
    child_passed(member);
    end_child(foreground);
    check_child_exit();
}

static void tiocnotty_hangs_up_the_foreground(void)
{
    reset_shared();
    pid_t leader = fork_child();
    REQUIRE(leader >= 0);
    if (leader == 0)
        give_up_the_console();
    child_passed(leader);
}

/* 7. A leader that exits holding the console. Its foreground member,
 * once orphaned, leaves by itself (it is no longer the test's to wait
 * for). */
static void record_hangup_then_exit(void)
{
    handle(SIGHUP, count_sighup, SA_RESTART);
    announce(&shared->ready);
    wait_for_at_least(&shared->hup, 1);
    announce(&shared->member_done);
    _exit(0);
}

static void exit_holding_the_console(void)
{
    take_console();
    pid_t foreground = spawn_ready(record_hangup_then_exit);
    CHECK_EQ(tcsetpgrp(console, foreground), 0);
    check_child_exit();
}

static void take_a_released_console(void)
{
    become_session_leader();
    CHECK_EQ(ioctl(console, TIOCSCTTY, 0), 0);
    CHECK_EQ(tcgetpgrp(console), getpgrp());
    check_child_exit();
}

static void a_leaders_exit_hangs_up_and_releases(void)
{
    reset_shared();
    pid_t leader = fork_child();
    REQUIRE(leader >= 0);
    if (leader == 0)
        exit_holding_the_console();
    child_passed(leader);
    CHECK(wait_for_at_least(&shared->hup, 1));
    CHECK(wait_for_at_least(&shared->member_done, 1));
    pid_t next = fork_child();
    REQUIRE(next >= 0);
    if (next == 0)
        take_a_released_console();
    child_passed(next);
}

int main(void)
{
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                  -1, 0);
    REQUIRE(shared != MAP_FAILED);
    console = open_console();
    REQUIRE(console >= 0);
    struct termios saved;
    REQUIRE(tcgetattr(console, &saved) == 0);
    tcdrain(console);
    a_fresh_session_has_no_controlling_terminal();
    a_session_leader_takes_the_console();
    the_foreground_moves_within_its_session();
    the_background_sets_the_foreground_by_sigttou();
    keyboard_signals_reach_the_foreground(&saved);
    tiocnotty_hangs_up_the_foreground();
    a_leaders_exit_hangs_up_and_releases();
    tcflush(console, TCIFLUSH);
    CHECK_OK(tcsetattr(console, TCSANOW, &saved));
    return check_finish("terminal_job_control");
}
