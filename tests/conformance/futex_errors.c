/* futex's errors: EINVAL for a misaligned word, a bad timeout, a zero
 * bitset; ENOSYS for an unknown operation; EFAULT for a word that is not
 * mapped; and no error for a timeout with zero seconds and nanoseconds. */
#include <stdint.h>
#include <sys/mman.h>

#include "check.h"
#include "futex.h"

int main(void)
{
    static int words[4];
    int *misaligned = (int *)((char *)&words[1] + 1);
    static const int flag_variants[] = {0, FUTEX_PRIVATE_FLAG};
    for (int v = 0; v < 2; v++) {
        int flags = flag_variants[v];
        CHECK_ERRNO(futex_wait(misaligned, 0, NULL, flags), EINVAL);
        CHECK_ERRNO(futex_wake(misaligned, 1, flags), EINVAL);
        CHECK_ERRNO(futex_cmp_requeue(misaligned, 1, 1, &words[0], 0, flags), EINVAL);
        CHECK_ERRNO(futex_cmp_requeue(&words[0], 1, 1, misaligned, 0, flags), EINVAL);

        struct timespec bad_nanoseconds = {0, 1000000000};
        CHECK_ERRNO(futex_wait(&words[0], 0, &bad_nanoseconds, flags), EINVAL);
        struct timespec negative_nanoseconds = {0, -1};
        CHECK_ERRNO(futex_wait(&words[0], 0, &negative_nanoseconds, flags), EINVAL);
        struct timespec negative_seconds = {-1, 0};
        CHECK_ERRNO(futex_wait(&words[0], 0, &negative_seconds, flags), EINVAL);
        /* The value is compared before the timeout expires. */
        struct timespec zero = {0, 0};
        CHECK_ERRNO(futex_wait(&words[0], 1, &zero, flags), EAGAIN);

        CHECK_ERRNO(syscall(SYS_futex, &words[0], FUTEX_WAIT_BITSET | flags, 0,
                            NULL, NULL, 0), EINVAL);
        CHECK_ERRNO(syscall(SYS_futex, &words[0], FUTEX_WAKE_BITSET | flags, 1,
                            NULL, NULL, 0), EINVAL);
        CHECK_EQ(syscall(SYS_futex, &words[0], FUTEX_WAKE_BITSET | flags, 1,
                         NULL, NULL, FUTEX_BITSET_MATCH_ANY), 0);

        CHECK_ERRNO(syscall(SYS_futex, &words[0], 99 | flags, 0, NULL), ENOSYS);
        CHECK_ERRNO(syscall(SYS_futex, &words[0], 2 | flags, 0, NULL), ENOSYS);

        /* An unmapped word cannot be read. */
        void *hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        REQUIRE(hole != MAP_FAILED);
        REQUIRE(munmap(hole, 4096) == 0);
        CHECK_ERRNO(futex_wait((int *)hole, 0, NULL, flags), EFAULT);
        CHECK_ERRNO(futex_wait((int *)(uintptr_t)0x1000, 0, NULL, flags), EFAULT);
        CHECK_ERRNO(futex_cmp_requeue((int *)hole, 1, 1, &words[0], 0, flags), EFAULT);
    }
    /* Nothing was changed. */
    CHECK(words[0] == 0 && words[1] == 0 && words[2] == 0 && words[3] == 0);

    printf("EINVAL, ENOSYS, EFAULT and EAGAIN cases, shared and private\n");
    return check_finish("futex_errors");
}
