/* RLIMIT_NPROC: a user (not root) whose real uid already has its limit
 * of tasks gets EAGAIN from fork and from pthread_create (threads count,
 * and zombies until they are reaped); root is not limited; fork keeps the
 * limit. The count of forks that went through is printed, so Linux
 * decides where the limit falls. */
#include <pthread.h>
#include <sys/resource.h>

#include "check.h"

enum { user = 2301, limit = 8 };

static void *idle(void *unused)
{
    (void)unused;
    pause();
    return NULL;
}

/* As the user: forks idle children until one fails; how many went. */
static int forks_until_refused(pid_t *children, int room)
{
    int made = 0;
    while (made < room) {
        pid_t child = fork();
        if (child < 0) {
            CHECK_EQ(errno, EAGAIN);
            break;
        }
        if (child == 0) {
            pause();
            _exit(0);
        }
        children[made++] = child;
    }
    return made;
}

static void end_children(pid_t *children, int count)
{
    for (int i = 0; i < count; i++) {
        kill(children[i], SIGKILL);
        waitpid(children[i], NULL, 0);
    }
}

static void as_the_user(void)
{
    REQUIRE(setgid(user) == 0 && setuid(user) == 0);
    struct rlimit nproc = { limit, limit };
    REQUIRE(setrlimit(RLIMIT_NPROC, &nproc) == 0);
    pid_t children[32];
    int made = forks_until_refused(children, 32);
    printf("a user with RLIMIT_NPROC %d forked %d children\n", limit, made);
    /* A thread is a task too. */
    pthread_t thread;
    CHECK_EQ(pthread_create(&thread, NULL, idle, NULL), EAGAIN);
    /* A zombie still counts until it is reaped. */
    kill(children[0], SIGKILL);
    usleep(100000);
    CHECK_EQ(fork(), -1);
    CHECK_EQ(errno, EAGAIN);
    waitpid(children[0], NULL, 0);
    pid_t again = fork();
    CHECK(again >= 0);
    if (again == 0) {
        /* The child has the limit too, and the user is still at it. */
        struct rlimit inherited;
        CHECK_EQ(getrlimit(RLIMIT_NPROC, &inherited), 0);
        CHECK_EQ(inherited.rlim_cur, limit);
        CHECK_EQ(fork(), -1);
        check_child_exit();
    }
    if (again > 0)
        check_child_passed(again);
    end_children(children + 1, made - 1);
}

int main(void)
{
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        as_the_user();
        check_child_exit();
    }
    check_child_passed(child);

    /* Root is not limited. */
    struct rlimit nproc = { 1, 1 };
    REQUIRE(setrlimit(RLIMIT_NPROC, &nproc) == 0);
    pid_t mine = fork();
    CHECK(mine >= 0);
    if (mine == 0)
        _exit(0);
    if (mine > 0)
        CHECK_EQ(waitpid(mine, NULL, 0), mine);
    return check_finish("process_rlimit_nproc");
}
