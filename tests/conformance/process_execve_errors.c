/* execve's errors: ENOENT, EACCES (no execute bit, a directory, a
 * directory without search permission), ENOEXEC (not an executable
 * format), ENOTDIR, ENAMETOOLONG, EFAULT; and that a failed execve leaves
 * the caller running unchanged. */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"

static char *const no_arguments[] = {"program", NULL};
static char *const no_environment[] = {NULL};

static void write_file(const char *path, const char *contents, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, contents, strlen(contents)) == (ssize_t)strlen(contents));
    REQUIRE(close(fd) == 0);
    REQUIRE(chmod(path, mode) == 0);
}

int main(void)
{
    REQUIRE(mkdir("/tmp/execve", 0755) == 0);

    CHECK_ERRNO(execve("/tmp/execve/missing", no_arguments, no_environment), ENOENT);
    CHECK_ERRNO(execve("/tmp/no-such-dir/program", no_arguments, no_environment), ENOENT);
    CHECK_ERRNO(execve("", no_arguments, no_environment), ENOENT);

    write_file("/tmp/execve/not-executable", "\177ELF whatever\n", 0644);
    CHECK_ERRNO(execve("/tmp/execve/not-executable", no_arguments, no_environment), EACCES);
    CHECK_ERRNO(execve("/tmp/execve", no_arguments, no_environment), EACCES);

    write_file("/tmp/execve/garbage", "this is not a program\n", 0755);
    CHECK_ERRNO(execve("/tmp/execve/garbage", no_arguments, no_environment), ENOEXEC);
    write_file("/tmp/execve/empty", "", 0755);
    CHECK_ERRNO(execve("/tmp/execve/empty", no_arguments, no_environment), ENOEXEC);
    write_file("/tmp/execve/truncated-elf", "\177ELF\2\1\1", 0755);
    CHECK_ERRNO(execve("/tmp/execve/truncated-elf", no_arguments, no_environment), ENOEXEC);

    CHECK_ERRNO(execve("/tmp/execve/garbage/below", no_arguments, no_environment), ENOTDIR);

    char long_name[PATH_MAX + 16];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[0] = '/';
    long_name[sizeof long_name - 1] = '\0';
    CHECK_ERRNO(execve(long_name, no_arguments, no_environment), ENAMETOOLONG);
    char long_component[NAME_MAX + 16] = "/tmp/";
    memset(long_component + 5, 'b', NAME_MAX + 5);
    long_component[NAME_MAX + 10] = '\0';
    CHECK_ERRNO(execve(long_component, no_arguments, no_environment), ENAMETOOLONG);

    /* volatile: the compiler must not see that the pointer is bad. */
    const char *volatile bad_pointer = (const char *)1;
    CHECK_ERRNO(execve(bad_pointer, no_arguments, no_environment), EFAULT);

    /* A directory on the path without search permission, for a non-root
     * child. */
    REQUIRE(mkdir("/tmp/execve/closed", 0700) == 0);
    write_file("/tmp/execve/closed/program", "x", 0755);
    pid_t child = fork();
    if (child == 0) {
        if (setgid(1000) != 0 || setuid(1000) != 0)
            _exit(2);
        CHECK_ERRNO(execve("/tmp/execve/closed/program", no_arguments, no_environment), EACCES);
        CHECK_ERRNO(execve("/tmp/execve/not-executable", no_arguments, no_environment), EACCES);
        check_child_exit();
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* We are still ourselves after all those failures. */
    CHECK_EQ(access("/tmp/execve/garbage", F_OK), 0);

    unlink("/tmp/execve/closed/program");
    rmdir("/tmp/execve/closed");
    unlink("/tmp/execve/not-executable");
    unlink("/tmp/execve/garbage");
    unlink("/tmp/execve/empty");
    unlink("/tmp/execve/truncated-elf");
    CHECK_EQ(rmdir("/tmp/execve"), 0);
    printf("execve fails with ENOENT, EACCES, ENOEXEC, ENOTDIR, ENAMETOOLONG, EFAULT\n");
    return check_finish("process_execve_errors");
}
