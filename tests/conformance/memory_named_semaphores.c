/* Named semaphores (sem_open: musl makes a file in /dev/shm, maps it
 * shared, and links it to its name). sem_open with O_CREAT and a value,
 * O_EXCL (EEXIST), a missing name (ENOENT), a value too large (EINVAL);
 * sem_getvalue, sem_trywait (EAGAIN), sem_timedwait (ETIMEDOUT, EINVAL);
 * a program started by execve, sharing no memory with its parent, opens
 * the semaphores by name and plays ping-pong with it, then both use one
 * as a mutex over a counter in a shared memory object; sem_unlink takes
 * the name (ENOENT after) while the semaphore still works; sem_close. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

enum { rounds = 50, increments = 1000 };

static const char ping_name[] = "/memory_named_semaphores.ping";
static const char pong_name[] = "/memory_named_semaphores.pong";
static const char mutex_name[] = "/memory_named_semaphores.mutex";
static const char counter_name[] = "/memory_named_semaphores.counter";

static sem_t *open_existing(const char *name)
{
    sem_t *semaphore = sem_open(name, 0);
    REQUIRE(semaphore != SEM_FAILED);
    return semaphore;
}

static volatile long *map_counter(int flags)
{
    int fd = shm_open(counter_name, O_RDWR | flags, 0600);
    REQUIRE(fd >= 0);
    if (flags & O_CREAT)
        REQUIRE(ftruncate(fd, sizeof(long)) == 0);
    volatile long *counter =
        mmap(NULL, sizeof(long), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    REQUIRE(counter != MAP_FAILED);
    REQUIRE(close(fd) == 0);
    return counter;
}

/* The counter's increments, under the mutex; a yield now and then
 * inside, so that a mutex that did not exclude would lose some. */
static void count(sem_t *mutex, volatile long *counter)
{
    int failures = 0;
    for (int i = 0; i < increments; i++) {
        if (sem_wait(mutex) != 0)
            failures++;
        long value = *counter;
        if (i % 64 == 0)
            sched_yield();
        *counter = value + 1;
        if (sem_post(mutex) != 0)
            failures++;
    }
    CHECK_EQ(failures, 0);
}

/* The program again, after execve: it knows the semaphores only by name. */
static int child_main(void)
{
    sem_t *ping = open_existing(ping_name);
    sem_t *pong = open_existing(pong_name);
    int failures = 0;
    for (int i = 0; i < rounds; i++) {
        if (sem_wait(ping) != 0 || sem_post(pong) != 0)
            failures++;
    }
    CHECK_EQ(failures, 0);
    sem_t *mutex = open_existing(mutex_name);
    volatile long *counter = map_counter(0);
    CHECK_EQ(sem_post(pong), 0);    /* ready to count */
    count(mutex, counter);
    CHECK_EQ(sem_close(ping), 0);
    CHECK_EQ(sem_close(pong), 0);
    CHECK_EQ(sem_close(mutex), 0);
    check_child_exit();
}

static int value_of(sem_t *semaphore)
{
    int value = -1;
    CHECK_EQ(sem_getvalue(semaphore, &value), 0);
    return value;
}

/* No temporary file of sem_open's is left in /dev/shm. */
static int temporary_files_left(void)
{
    DIR *directory = opendir("/dev/shm");
    REQUIRE(directory != NULL);
    int found = 0;
    for (struct dirent *entry; (entry = readdir(directory)) != NULL;) {
        if (strncmp(entry->d_name, "tmp-", 4) == 0)
            found++;
    }
    closedir(directory);
    return found;
}

static sem_t *one_process(void)
{
    sem_t *ping = sem_open(ping_name, O_CREAT | O_EXCL, 0600, 0);
    REQUIRE(ping != SEM_FAILED);
    CHECK_PTR_ERRNO(sem_open(ping_name, O_CREAT | O_EXCL, 0600, 0), SEM_FAILED, EEXIST);
    CHECK_PTR_ERRNO(sem_open("/memory_named_semaphores.missing", 0), SEM_FAILED, ENOENT);
    CHECK_PTR_ERRNO(sem_open("/memory_named_semaphores.big", O_CREAT, 0600,
                             (unsigned)SEM_VALUE_MAX + 1),
                    SEM_FAILED, EINVAL);
    /* A file of the semaphore's size in /dev/shm, with one name. */
    struct stat status;
    CHECK_EQ(stat("/dev/shm/memory_named_semaphores.ping", &status), 0);
    CHECK_EQ(status.st_size, sizeof(sem_t));
    CHECK_EQ(status.st_mode, S_IFREG | 0600);
    CHECK_EQ(status.st_nlink, 1);
    CHECK_EQ(temporary_files_left(), 0);
    /* Opening it again in the same process gives the same semaphore (and
     * needs a sem_close of its own: musl's unmaps it at every close, so
     * this one is left open). */
    sem_t *again = sem_open(ping_name, O_CREAT, 0600, 5);
    CHECK(again == ping);

    CHECK_EQ(value_of(ping), 0);
    CHECK_ERRNO(sem_trywait(ping), EAGAIN);
    struct timespec deadline;
    CHECK_EQ(clock_gettime(CLOCK_REALTIME, &deadline), 0);
    deadline.tv_nsec += 20 * 1000 * 1000;
    if (deadline.tv_nsec >= 1000 * 1000 * 1000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000 * 1000 * 1000;
    }
    CHECK_ERRNO(sem_timedwait(ping, &deadline), ETIMEDOUT);
    deadline.tv_nsec = 1000 * 1000 * 1000;
    CHECK_ERRNO(sem_timedwait(ping, &deadline), EINVAL);
    CHECK_EQ(sem_post(ping), 0);
    CHECK_EQ(sem_post(ping), 0);
    CHECK_EQ(value_of(ping), 2);
    CHECK_EQ(sem_trywait(ping), 0);
    CHECK_EQ(sem_timedwait(ping, &deadline), 0);  /* no wait: the deadline is not looked at */
    CHECK_EQ(value_of(ping), 0);
    return ping;
}

static void two_programs(const char *program, sem_t *ping)
{
    sem_t *pong = sem_open(pong_name, O_CREAT | O_EXCL, 0600, 0);
    sem_t *mutex = sem_open(mutex_name, O_CREAT | O_EXCL, 0600, 1);
    REQUIRE(pong != SEM_FAILED && mutex != SEM_FAILED);
    volatile long *counter = map_counter(O_CREAT | O_EXCL);
    CHECK_EQ(*counter, 0);

    pid_t child = fork();
    if (child == 0) {
        char *arguments[] = {(char *)program, "--child", NULL};
        execv(program, arguments);
        _exit(99);
    }
    int failures = 0;
    for (int i = 0; i < rounds; i++) {
        if (sem_post(ping) != 0 || sem_wait(pong) != 0)
            failures++;
    }
    CHECK_EQ(failures, 0);
    CHECK_EQ(value_of(ping), 0);
    CHECK_EQ(sem_wait(pong), 0);    /* the child is ready to count */
    count(mutex, counter);
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(*counter, 2 * increments);
    CHECK_EQ(value_of(mutex), 1);
    CHECK_EQ(value_of(pong), 0);

    CHECK_EQ(sem_unlink(pong_name), 0);
    CHECK_EQ(sem_unlink(mutex_name), 0);
    CHECK_EQ(shm_unlink(counter_name), 0);
    CHECK_EQ(sem_close(pong), 0);
    CHECK_EQ(sem_close(mutex), 0);
    CHECK_EQ(munmap((void *)counter, sizeof(long)), 0);
}

static void unlinking(sem_t *ping)
{
    CHECK_EQ(sem_unlink(ping_name), 0);
    CHECK_PTR_ERRNO(sem_open(ping_name, 0), SEM_FAILED, ENOENT);
    CHECK_ERRNO(sem_unlink(ping_name), ENOENT);
    CHECK_ERRNO(access("/dev/shm/memory_named_semaphores.ping", F_OK), ENOENT);
    /* Still a semaphore for whoever has it open. */
    CHECK_EQ(sem_post(ping), 0);
    CHECK_EQ(value_of(ping), 1);
    /* The name again: a new semaphore with its own value. */
    sem_t *fresh = sem_open(ping_name, O_CREAT | O_EXCL, 0600, 3);
    REQUIRE(fresh != SEM_FAILED);
    CHECK(fresh != ping);
    CHECK_EQ(value_of(fresh), 3);
    CHECK_EQ(value_of(ping), 1);
    CHECK_EQ(sem_close(fresh), 0);
    /* sem_close leaves the name. */
    CHECK_EQ(access("/dev/shm/memory_named_semaphores.ping", F_OK), 0);
    CHECK_EQ(sem_unlink(ping_name), 0);
    CHECK_EQ(sem_close(ping), 0);
    CHECK_EQ(temporary_files_left(), 0);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--child") == 0)
        return child_main();
    umask(0);
    sem_t *ping = one_process();
    two_programs(argv[0], ping);
    unlinking(ping);
    printf("named semaphores: %d rounds of ping-pong, a mutex counting to %d between "
           "two programs\n", rounds, 2 * increments);
    return check_finish("memory_named_semaphores");
}
