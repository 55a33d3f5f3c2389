/* Detached threads (by attribute or pthread_detach) run to completion
 * without being joined, also by the hundred; pthread_exit from the main
 * thread lets the other threads finish, and the process then exits with
 * status 0. That last part runs in a freshly exec'd copy of this program
 * (argv[0]): in a forked child musl's thread-list lock is not released by
 * the kernel when the main thread exits, so the last thread would hang. */
#include <pthread.h>
#include <sys/wait.h>

#include "check.h"

static int finished;

static void *count_finish(void *unused)
{
    (void)unused;
    for (int i = 0; i < 50; i++)
        sched_yield();
    __atomic_add_fetch(&finished, 1, __ATOMIC_RELEASE);
    return NULL;
}

static const char outlived_main_path[] = "/tmp/outlived-main";

/* Runs on after the main thread has gone, and leaves a file to show it. */
static void *outlive_main(void *unused)
{
    (void)unused;
    usleep(50000);
    FILE *marker = fopen(outlived_main_path, "w");
    if (marker)
        fclose(marker);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--main-exits") == 0) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, outlive_main, NULL) != 0)
            return 2;
        pthread_exit(NULL);
    }

    /* Detached by attribute. */
    pthread_attr_t attributes;
    CHECK_EQ(pthread_attr_init(&attributes), 0);
    CHECK_EQ(pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED), 0);
    enum { detached = 6 };
    for (int i = 0; i < detached; i++) {
        pthread_t thread;
        CHECK_EQ(pthread_create(&thread, &attributes, count_finish, NULL), 0);
    }
    CHECK_EQ(pthread_attr_destroy(&attributes), 0);
    /* Detached after creation. */
    for (int i = 0; i < detached; i++) {
        pthread_t thread;
        CHECK_EQ(pthread_create(&thread, NULL, count_finish, NULL), 0);
        CHECK_EQ(pthread_detach(thread), 0);
    }
    while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < 2 * detached)
        usleep(1000);
    CHECK_EQ(finished, 2 * detached);

    /* Many short detached threads, created faster than they finish, so
     * their stacks and ids are recycled. */
    __atomic_store_n(&finished, 0, __ATOMIC_RELEASE);
    for (int i = 0; i < 100; i++) {
        pthread_t thread;
        CHECK_EQ(pthread_create(&thread, NULL, count_finish, NULL), 0);
        CHECK_EQ(pthread_detach(thread), 0);
    }
    while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < 100)
        usleep(1000);
    CHECK_EQ(finished, 100);

    /* The main thread leaves with pthread_exit: the process lives until
     * its last thread is done, then exits 0. */
    pid_t pid = fork();
    if (pid == 0) {
        execl(argv[0], argv[0], "--main-exits", (char *)NULL);
        _exit(3);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    CHECK_EQ(access(outlived_main_path, F_OK), 0);
    unlink(outlived_main_path);

    printf("%d detached threads finished; main thread's pthread_exit waits for the rest\n",
           2 * detached + 100);
    return check_finish("thread_detach_exit");
}
