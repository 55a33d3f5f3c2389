/* Close-on-exec across execve: descriptors marked by O_CLOEXEC,
 * F_SETFD, dup3 or F_DUPFD_CLOEXEC are closed in the new image, the others
 * stay open at the same numbers with the same file and offset, and the
 * flag is cleared on the copies dup makes. The test execs itself (argv[0])
 * with the descriptor numbers as arguments to take the second role. */
#include <fcntl.h>
#include <sys/wait.h>

#include "check.h"

static int is_open(int fd)
{
    return fcntl(fd, F_GETFD) != -1;
}

/* The second role: argv = self --after-exec kept... -- closed... */
static int after_exec(int argc, char **argv)
{
    int i = 2;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        int fd = atoi(argv[i]);
        CHECK(is_open(fd));
        CHECK_EQ(fcntl(fd, F_GETFD), 0);
        /* The offset survived: each kept descriptor's file is at 4. */
        CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);
    }
    for (i++; i < argc; i++) {
        int fd = atoi(argv[i]);
        CHECK_ERRNO(fcntl(fd, F_GETFD), EBADF);
    }
    return check_failures == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--after-exec") == 0)
        return after_exec(argc, argv);

    int plain = open("/tmp/cloexec", O_RDWR | O_CREAT | O_TRUNC, 0644);
    REQUIRE(plain >= 0);
    CHECK_EQ(write(plain, "abcd", 4), 4);
    int by_open = open("/tmp/cloexec", O_RDONLY | O_CLOEXEC);
    int by_setfd = dup(plain);
    CHECK_EQ(fcntl(by_setfd, F_SETFD, FD_CLOEXEC), 0);
    int by_dup3 = dup3(plain, 30, O_CLOEXEC);
    int by_dupfd = fcntl(plain, F_DUPFD_CLOEXEC, 31);
    /* dup of a close-on-exec descriptor is not close-on-exec. */
    int dup_of_cloexec = dup(by_setfd);
    CHECK_EQ(fcntl(dup_of_cloexec, F_GETFD), 0);
    int dup2_of_cloexec = dup2(by_dup3, 33);
    CHECK_EQ(fcntl(dup2_of_cloexec, F_GETFD), 0);
    /* Marked, then unmarked. */
    int cleared = open("/tmp/cloexec", O_RDONLY | O_CLOEXEC);
    CHECK_EQ(fcntl(cleared, F_SETFD, 0), 0);
    CHECK_EQ(lseek(cleared, 4, SEEK_SET), 4);
    CHECK_EQ(lseek(by_open, 4, SEEK_SET), 4);
    CHECK(by_open >= 0 && by_dup3 == 30 && by_dupfd == 31);

    char numbers[8][12];
    int kept[] = {plain, dup_of_cloexec, dup2_of_cloexec, cleared};
    int closed[] = {by_open, by_setfd, by_dup3, by_dupfd};
    for (int i = 0; i < 4; i++) {
        snprintf(numbers[i], sizeof numbers[i], "%d", kept[i]);
        snprintf(numbers[4 + i], sizeof numbers[4 + i], "%d", closed[i]);
    }
    char *child_argv[] = {argv[0], "--after-exec", numbers[0], numbers[1],
                          numbers[2], numbers[3], "--", numbers[4], numbers[5],
                          numbers[6], numbers[7], NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], child_argv);
        _exit(99);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);

    /* The parent's descriptors are all still open. */
    for (int i = 0; i < 4; i++) {
        CHECK(is_open(kept[i]));
        CHECK(is_open(closed[i]));
    }
    /* A failed exec closes nothing. */
    pid = fork();
    if (pid == 0) {
        char *no_arguments[] = {"missing", NULL};
        execv("/tmp/no-such-program", no_arguments);
        _exit(is_open(by_open) && is_open(by_dup3) ? 0 : 1);
    }
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    CHECK_EQ(unlink("/tmp/cloexec"), 0);
    printf("4 close-on-exec descriptors closed by execve, 4 others kept\n");
    return check_finish("fd_cloexec_exec");
}
