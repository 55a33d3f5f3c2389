/* RLIMIT_MSGQUEUE counts the bytes of every queue a user created, in
 * all its processes: as uid 2303 with room for three small queues, the
 * fourth mq_open is EMFILE, also from another process of the same user;
 * unlinking one (once its last descriptor is closed) makes room again;
 * another user is not charged for the first's queues. */
#include <fcntl.h>
#include <mqueue.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "check.h"

enum { user = 2303, other_user = 2304, queue_bytes = 1000 };

static mqd_t make(const char *name)
{
    struct mq_attr attributes = {.mq_maxmsg = 1, .mq_msgsize = queue_bytes};
    return mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attributes);
}

int main(void)
{
    mq_unlink("/rlimit_user_a");
    mq_unlink("/rlimit_user_b");
    mq_unlink("/rlimit_user_c");
    mq_unlink("/rlimit_user_d");
    /* Each queue takes its messages' bytes and a little more: room for
     * three, not four. */
    struct rlimit limit = {3500, 3500};
    REQUIRE(setrlimit(RLIMIT_MSGQUEUE, &limit) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        REQUIRE(setgid(user) == 0 && setuid(user) == 0);
        mqd_t a = make("/rlimit_user_a"), b = make("/rlimit_user_b");
        CHECK(a >= 0 && b >= 0);
        CHECK(make("/rlimit_user_c") >= 0);
        CHECK_ERRNO(make("/rlimit_user_d"), EMFILE);
        /* Another process of the same user is at the limit too. */
        pid_t sibling = fork();
        if (sibling == 0) {
            CHECK_ERRNO(make("/rlimit_user_d"), EMFILE);
            check_child_exit();
        }
        check_child_passed(sibling);
        /* An unlinked queue is charged until its last descriptor goes. */
        CHECK_EQ(mq_unlink("/rlimit_user_a"), 0);
        CHECK_ERRNO(make("/rlimit_user_d"), EMFILE);
        CHECK_EQ(mq_close(a), 0);
        mqd_t d = make("/rlimit_user_d");
        CHECK(d >= 0);
        check_child_exit();
    }
    check_child_passed(child);

    /* Another user has all its room. */
    child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        REQUIRE(setgid(other_user) == 0 && setuid(other_user) == 0);
        CHECK(make("/rlimit_user_a") >= 0);
        CHECK_EQ(mq_unlink("/rlimit_user_a"), 0);
        check_child_exit();
    }
    check_child_passed(child);

    CHECK_EQ(mq_unlink("/rlimit_user_b"), 0);
    CHECK_EQ(mq_unlink("/rlimit_user_c"), 0);
    CHECK_EQ(mq_unlink("/rlimit_user_d"), 0);
    printf("RLIMIT_MSGQUEUE: three queues a user, the fourth EMFILE in any of its processes\n");
    return check_finish("mqueue_rlimit_user");
}
