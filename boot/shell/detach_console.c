/* detach-console PROGRAM [ARGS...]: the calling session leader lets go of
 * its controlling terminal (TIOCNOTTY on stdin), then PROGRAM runs in its
 * place with the terminal no session's.
 *
 * The shell's /etc/profile runs the conformance suite through it: init's
 * first program leads the session the console controls (as a getty would
 * set it up), and terminal_job_control needs a console that no session
 * holds, as Linux's /dev/console is at boot. The leader's TIOCNOTTY sends
 * its foreground group, the caller's own, SIGHUP and SIGCONT: SIGHUP is
 * ignored for that moment only, so PROGRAM starts with the default. */
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: detach-console PROGRAM [ARGS...]\n");
        return 2;
    }
    signal(SIGHUP, SIG_IGN);
    if (ioctl(0, TIOCNOTTY) != 0)
        perror("detach-console: TIOCNOTTY");
    signal(SIGHUP, SIG_DFL);
    execv(argv[1], argv + 1);
    perror("detach-console: execv");
    return 127;
}
