/* RLIMIT_FSIZE on regular files, as Linux 6.1 holds them to it: with a
 * limit of 10,000 bytes, a write that would cross it is cut short at it,
 * one that starts at or past it fails with EFBIG and raises SIGXFSZ on
 * the writer (SI_USER, from its own process), and an empty one writes
 * nothing and raises nothing; pwrite, writev and O_APPEND (at the end)
 * are held the same way, and so is a memfd; ftruncate and truncate that
 * grow a file past the limit fail with EFBIG and SIGXFSZ, while growing to
 * it or shrinking does not; pipes and /dev/null are not held to it. A
 * writer that leaves SIGXFSZ at its default action is killed by it, one
 * that ignores it gets EFBIG; a fork child inherits the limit. */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "check.h"

#define LIMIT 10000
#define PATH "/tmp/file_rlimit_fsize"

static volatile sig_atomic_t raised, raised_by_self;

static void on_xfsz(int signal, siginfo_t *info, void *context)
{
    (void)signal, (void)context;
    raised++;
    if (info->si_code == SI_USER && info->si_pid == getpid())
        raised_by_self++;
}

static char bytes[20000];

static void set_limit(rlim_t soft)
{
    struct rlimit limit = {soft, RLIM_INFINITY};
    REQUIRE(setrlimit(RLIMIT_FSIZE, &limit) == 0);
}

/* The call fails with EFBIG and raises SIGXFSZ once. */
#define CHECK_REFUSED(call)                                                 \
    do {                                                                    \
        int before = raised;                                                \
        errno = 0;                                                          \
        CHECK_EQ((long)(call), -1);                                         \
        CHECK_EQ(errno, EFBIG);                                             \
        CHECK_EQ(raised, before + 1);                                       \
    } while (0)

static void writes_and_truncates(void)
{
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, bytes, 8000), 8000);
    CHECK_EQ(write(fd, bytes, 4000), 2000);        /* cut short at the limit */
    CHECK_EQ(raised, 0);
    CHECK_REFUSED(write(fd, bytes, 1));
    CHECK_EQ(write(fd, bytes, 0), 0);
    CHECK_EQ(raised, 1);
    CHECK_EQ(pwrite(fd, bytes, 100, 9990), 10);
    CHECK_REFUSED(pwrite(fd, bytes, 1, LIMIT));
    CHECK_EQ(pwrite(fd, bytes, 1, 0), 1);

    /* writev: the total is cut, across its buffers. */
    CHECK_EQ(lseek(fd, 9000, SEEK_SET), 9000);
    struct iovec two[2] = {{bytes, 500}, {bytes, 1000}};
    CHECK_EQ(writev(fd, two, 2), 1000);
    CHECK_REFUSED(writev(fd, two, 2));

    /* Growing past the limit is refused, to it or shrinking is not. */
    CHECK_REFUSED(ftruncate(fd, LIMIT + 1));
    CHECK_EQ(ftruncate(fd, 5000), 0);
    CHECK_EQ(ftruncate(fd, LIMIT), 0);
    CHECK_REFUSED(truncate(PATH, 2 * LIMIT));
    CHECK_EQ(truncate(PATH, 100), 0);

    /* O_APPEND writes at the end, wherever pwrite asks. */
    int appending = open(PATH, O_WRONLY | O_APPEND);
    REQUIRE(appending >= 0);
    CHECK_EQ(write(appending, bytes, 20000), LIMIT - 100);
    CHECK_REFUSED(write(appending, bytes, 1));
    CHECK_REFUSED(pwrite(appending, bytes, 1, 0));
    struct stat status;
    CHECK_EQ(fstat(fd, &status), 0);
    CHECK_EQ(status.st_size, LIMIT);
    close(appending);
    close(fd);
    unlink(PATH);

    int memory = memfd_create("fsize", 0);
    REQUIRE(memory >= 0);
    CHECK_EQ(write(memory, bytes, 12000), LIMIT);
    CHECK_REFUSED(write(memory, bytes, 1));
    CHECK_REFUSED(ftruncate(memory, LIMIT + 4096));
    close(memory);
    CHECK_EQ(raised, raised_by_self);
}

/* Pipes and devices are not regular files: no limit. */
static void other_files_are_not_held(void)
{
    int ends[2];
    REQUIRE(pipe(ends) == 0);
    CHECK_EQ(write(ends[1], bytes, 20000), 20000);
    close(ends[0]);
    close(ends[1]);
    int null = open("/dev/null", O_WRONLY);
    REQUIRE(null >= 0);
    CHECK_EQ(write(null, bytes, 20000), 20000);
    close(null);
}

/* A child writes past the limit with SIGXFSZ as disposition says. */
static void past_the_limit_with(void (*disposition)(int), int *status)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        signal(SIGXFSZ, disposition);
        int fd = open(PATH, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || write(fd, bytes, LIMIT) != LIMIT)
            _exit(2);
        errno = 0;
        _exit(write(fd, bytes, 1) == -1 && errno == EFBIG ? 0 : 3);
    }
    REQUIRE(waitpid(child, status, 0) == child);
    unlink(PATH);
}

static void inherits_the_limit(void)
{
    struct rlimit inherited;
    CHECK_EQ(getrlimit(RLIMIT_FSIZE, &inherited), 0);
    CHECK_EQ(inherited.rlim_cur, LIMIT);
}

static void limited(void)
{
    struct sigaction action = {.sa_sigaction = on_xfsz, .sa_flags = SA_SIGINFO};
    REQUIRE(sigaction(SIGXFSZ, &action, NULL) == 0);
    set_limit(LIMIT);
    writes_and_truncates();
    other_files_are_not_held();

    int status;
    past_the_limit_with(SIG_DFL, &status);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WTERMSIG(status), SIGXFSZ);
    past_the_limit_with(SIG_IGN, &status);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);

    check_in_child(inherits_the_limit);

    /* Unlimited again: nothing is cut. */
    set_limit(RLIM_INFINITY);
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    CHECK_EQ(write(fd, bytes, 20000), 20000);
    close(fd);
    unlink(PATH);
}

int main(void)
{
    check_in_child(limited);    /* the limit is the child's alone */
    return check_finish("file_rlimit_fsize");
}
