/* The working directory: chdir, fchdir, getcwd; relative paths and ".."
 * resolve against it; it is inherited across fork but a child's chdir
 * does not move the parent; errors ENOENT, ENOTDIR, ERANGE, EBADF. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"

static int cwd_is(const char *expected)
{
    char buffer[256];
    return getcwd(buffer, sizeof buffer) != NULL && strcmp(buffer, expected) == 0;
}

int main(void)
{
    REQUIRE(chdir("/") == 0);
    CHECK(cwd_is("/"));
    REQUIRE(mkdir("/tmp/cwd", 0755) == 0);
    REQUIRE(mkdir("/tmp/cwd/inner", 0755) == 0);

    CHECK_EQ(chdir("/tmp/cwd"), 0);
    CHECK(cwd_is("/tmp/cwd"));
    /* Relative creation lands in the working directory. */
    int fd = open("relative-file", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(close(fd), 0);
    struct stat status;
    CHECK_EQ(stat("/tmp/cwd/relative-file", &status), 0);

    CHECK_EQ(chdir("inner"), 0);
    CHECK(cwd_is("/tmp/cwd/inner"));
    CHECK_EQ(stat("../relative-file", &status), 0);
    CHECK_EQ(stat("./../inner/../relative-file", &status), 0);
    CHECK_EQ(chdir(".."), 0);
    CHECK(cwd_is("/tmp/cwd"));
    CHECK_EQ(chdir("./inner/.."), 0);
    CHECK(cwd_is("/tmp/cwd"));
    CHECK_EQ(chdir("/tmp/cwd//inner/"), 0);
    CHECK(cwd_is("/tmp/cwd/inner"));
    /* ".." at the root stays at the root. */
    CHECK_EQ(chdir("/../../.."), 0);
    CHECK(cwd_is("/"));

    /* fchdir. */
    int directory = open("/tmp/cwd/inner", O_RDONLY | O_DIRECTORY);
    REQUIRE(directory >= 0);
    CHECK_EQ(fchdir(directory), 0);
    CHECK(cwd_is("/tmp/cwd/inner"));
    CHECK_EQ(close(directory), 0);
    fd = open("/tmp/cwd/relative-file", O_RDONLY);
    CHECK_ERRNO(fchdir(fd), ENOTDIR);
    CHECK_EQ(close(fd), 0);
    CHECK_ERRNO(fchdir(999), EBADF);

    /* The child inherits the directory; its chdir stays its own. */
    CHECK_EQ(chdir("/tmp/cwd"), 0);
    pid_t pid = fork();
    if (pid == 0) {
        int ok = cwd_is("/tmp/cwd");
        ok &= chdir("inner") == 0 && cwd_is("/tmp/cwd/inner");
        _exit(ok ? 0 : 1);
    }
    int child_status;
    CHECK_EQ(waitpid(pid, &child_status, 0), pid);
    CHECK(WIFEXITED(child_status) && WEXITSTATUS(child_status) == 0);
    CHECK(cwd_is("/tmp/cwd"));

    /* Errors, none of which moves us. */
    CHECK_ERRNO(chdir("/tmp/cwd/missing"), ENOENT);
    CHECK_ERRNO(chdir("relative-file"), ENOTDIR);
    CHECK_ERRNO(chdir(""), ENOENT);
    CHECK(cwd_is("/tmp/cwd"));
    char small[4];
    CHECK(getcwd(small, sizeof small) == NULL && errno == ERANGE);
    CHECK(getcwd(small, 0) == NULL && errno == EINVAL);
    char exact[sizeof "/tmp/cwd"];
    CHECK(getcwd(exact, sizeof exact) != NULL);
    char one_short[sizeof "/tmp/cwd" - 1];
    CHECK(getcwd(one_short, sizeof one_short) == NULL && errno == ERANGE);
    char *allocated = getcwd(NULL, 0);
    CHECK(allocated != NULL && strcmp(allocated, "/tmp/cwd") == 0);
    free(allocated);

    CHECK_EQ(unlink("relative-file"), 0);
    CHECK_EQ(rmdir("inner"), 0);
    CHECK_EQ(chdir("/"), 0);
    CHECK_EQ(rmdir("/tmp/cwd"), 0);
    printf("chdir/fchdir/getcwd and relative paths; cwd inherited, ENOENT/ENOTDIR/ERANGE\n");
    return check_finish("file_cwd");
}
