/* execve: the new image gets exactly the argv and envp it was given, and
 * an auxiliary vector (AT_PAGESZ, AT_RANDOM, AT_UID...). The test execs
 * itself (argv[0] must be a path execve can open) to take the second role.
 * The exec'd image keeps the pid and its exit status reaches the parent. */
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

extern char **environ;

/* The second role: check what execve delivered, exit 0 if all is right. */
static int exec_target(int argc, char **argv)
{
    CHECK_EQ(argc, 5);
    CHECK_EQ(strcmp(argv[1], "--exec-target"), 0);
    CHECK_EQ(strcmp(argv[2], "two words"), 0);
    CHECK_EQ(strcmp(argv[3], ""), 0);
    CHECK_EQ(strcmp(argv[4], "last"), 0);
    CHECK(argv[5] == NULL);

    int count = 0;
    for (char **variable = environ; *variable; variable++)
        count++;
    CHECK_EQ(count, 3);
    CHECK(getenv("CONFORMANCE_ONE") && strcmp(getenv("CONFORMANCE_ONE"), "1") == 0);
    CHECK(getenv("CONFORMANCE_EMPTY") && strcmp(getenv("CONFORMANCE_EMPTY"), "") == 0);
    CHECK(getenv("CONFORMANCE_EQUALS") &&
          strcmp(getenv("CONFORMANCE_EQUALS"), "a=b") == 0);
    CHECK(getenv("PATH") == NULL);

    CHECK_EQ(getauxval(AT_PAGESZ), 4096);
    CHECK_EQ(sysconf(_SC_PAGESIZE), 4096);
    const unsigned char *random_bytes = (const void *)getauxval(AT_RANDOM);
    CHECK(random_bytes != NULL);
    CHECK_EQ(getauxval(AT_UID), getuid());
    CHECK_EQ(getauxval(AT_EUID), geteuid());
    CHECK_EQ(getauxval(AT_GID), getgid());
    CHECK_EQ(getauxval(AT_EGID), getegid());
    CHECK_EQ(getauxval(AT_SECURE), 0);
    CHECK(getauxval(AT_ENTRY) != 0);
    CHECK(getauxval(AT_PHDR) != 0);
    CHECK(getauxval(AT_PHENT) == 56);
    CHECK(getauxval(AT_PHNUM) > 0);
    const char *exec_name = (const char *)getauxval(AT_EXECFN);
    CHECK(exec_name != NULL && strcmp(exec_name, argv[0]) == 0);
    /* A distinctive status, so the parent knows this image ran. */
    return check_failures == 0 ? 41 : 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exec-target") == 0)
        return exec_target(argc, argv);

    /* Our own auxiliary vector. */
    CHECK_EQ(getauxval(AT_PAGESZ), 4096);
    unsigned char *random_bytes = (unsigned char *)getauxval(AT_RANDOM);
    CHECK(random_bytes != NULL);
    CHECK_EQ(getauxval(AT_UID), getuid());
    CHECK_EQ(getauxval(AT_EUID), geteuid());
    CHECK_EQ(getauxval(AT_GID), getgid());
    CHECK_EQ(getauxval(AT_EGID), getegid());
    CHECK(argv[argc] == NULL);

    volatile pid_t *pid_after_exec = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(pid_after_exec != MAP_FAILED);

    pid_t child = fork();
    if (child == 0) {
        char *child_argv[] = {argv[0], "--exec-target", "two words", "",
                              "last", NULL};
        char *child_envp[] = {"CONFORMANCE_ONE=1", "CONFORMANCE_EMPTY=",
                              "CONFORMANCE_EQUALS=a=b", NULL};
        execve(argv[0], child_argv, child_envp);
        _exit(99);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 41);

    /* A successful execve does not return and the image runs with the
     * same pid: the parent's wait names that pid. Also through execv,
     * which passes our environment on. */
    setenv("CONFORMANCE_ONE", "1", 1);
    child = fork();
    if (child == 0) {
        clearenv();
        setenv("CONFORMANCE_ONE", "1", 1);
        setenv("CONFORMANCE_EMPTY", "", 1);
        setenv("CONFORMANCE_EQUALS", "a=b", 1);
        char *child_argv[] = {argv[0], "--exec-target", "two words", "",
                              "last", NULL};
        execv(argv[0], child_argv);
        _exit(99);
    }
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK_EQ(WEXITSTATUS(status), 41);

    printf("argv and envp arrive intact; auxv has AT_PAGESZ 4096, AT_RANDOM, ids\n");
    return check_finish("process_execve_args");
}
