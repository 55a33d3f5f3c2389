/* sigaltstack: an SA_ONSTACK handler runs on the alternate stack (a local
 * variable's address lies in it), and sigaltstack asked from inside
 * reports SS_ONSTACK and refuses a change with EPERM; a handler without
 * SA_ONSTACK runs on the normal stack; SS_DISABLE turns the alternate
 * stack off (and is reported with no address or size); a stack smaller
 * than the minimum is ENOMEM and unknown flags are EINVAL. musl checks the
 * size against its own MINSIGSTKSZ (6144) first, so the raw call shows the
 * kernel's minimum for arm64 (5120). An alternate stack that cannot take
 * the signal frame (no access) brings SIGSEGV instead of the handler,
 * as Linux's force_sigsegv does: the process dies of it unless a SIGSEGV
 * handler can run elsewhere; rt_sigreturn from a frame that cannot be
 * read is SIGSEGV too. With SS_AUTODISARM the alternate stack is disarmed
 * while a handler runs (sigaltstack reports it disabled and may set
 * another) and armed again, as it was, when the handler returns. */
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"

enum { STACK_SIZE = 65536, KERNEL_MINIMUM = 5120 };

static char *alternate_stack;

struct observation {
    int ran;
    int local_on_alternate;     /* a local's address inside alternate_stack */
    int query_result;
    stack_t query;
    int change_result;
    int change_errno;
};
static struct observation seen;

static int on_alternate(const void *address)
{
    uintptr_t at = (uintptr_t)address, base = (uintptr_t)alternate_stack;
    return at >= base && at < base + STACK_SIZE;
}

static void observing_handler(int signo)
{
    (void)signo;
    volatile int local = 0;
    seen.ran++;
    seen.local_on_alternate = on_alternate((const void *)&local);
    memset(&seen.query, 0, sizeof seen.query);
    seen.query_result = sigaltstack(NULL, &seen.query);
    /* Any change while running on the alternate stack is refused. */
    stack_t other = {.ss_sp = alternate_stack, .ss_size = STACK_SIZE, .ss_flags = 0};
    errno = 0;
    seen.change_result = sigaltstack(&other, NULL);
    seen.change_errno = errno;
}

static void install(int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = observing_handler;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(SIGUSR1, &action, NULL) == 0);
    memset(&seen, 0, sizeof seen);
}

static void test_initially_disabled(void)
{
    stack_t current;
    memset(&current, 0x55, sizeof current);
    CHECK_EQ(sigaltstack(NULL, &current), 0);
    CHECK_EQ(current.ss_flags, SS_DISABLE);
    CHECK(current.ss_sp == NULL);
    CHECK_EQ(current.ss_size, 0);
}

static void test_on_alternate_stack(void)
{
    stack_t alternate = {.ss_sp = alternate_stack, .ss_size = STACK_SIZE, .ss_flags = 0};
    stack_t old;
    memset(&old, 0, sizeof old);
    CHECK_EQ(sigaltstack(&alternate, &old), 0);
    CHECK_EQ(old.ss_flags, SS_DISABLE);

    /* Outside a handler: set, but not in use. */
    stack_t current;
    CHECK_EQ(sigaltstack(NULL, &current), 0);
    CHECK(current.ss_sp == alternate_stack);
    CHECK_EQ(current.ss_size, STACK_SIZE);
    CHECK_EQ(current.ss_flags, 0);

    install(SA_ONSTACK);
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(seen.ran, 1);
    CHECK(seen.local_on_alternate);
    CHECK_EQ(seen.query_result, 0);
    CHECK_EQ(seen.query.ss_flags, SS_ONSTACK);
    CHECK(seen.query.ss_sp == alternate_stack);
    CHECK_EQ(seen.query.ss_size, STACK_SIZE);
    CHECK_EQ(seen.change_result, -1);
    CHECK_EQ(seen.change_errno, EPERM);

    /* Back on the normal stack, the alternate one is no longer in use. */
    CHECK_EQ(sigaltstack(NULL, &current), 0);
    CHECK_EQ(current.ss_flags, 0);
    volatile int local = 0;
    CHECK(!on_alternate((const void *)&local));

    /* A handler without SA_ONSTACK uses the normal stack. */
    install(0);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(seen.ran, 1);
    CHECK(!seen.local_on_alternate);
    CHECK_EQ(seen.query.ss_flags, 0);
    CHECK_EQ(seen.change_result, 0);        /* allowed off the alternate stack */
}

static void test_disable(void)
{
    stack_t disable = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE}, old;
    memset(&old, 0, sizeof old);
    CHECK_EQ(sigaltstack(&disable, &old), 0);
    CHECK(old.ss_sp == alternate_stack);
    CHECK_EQ(old.ss_flags, 0);
    stack_t current;
    memset(&current, 0x55, sizeof current);
    CHECK_EQ(sigaltstack(NULL, &current), 0);
    CHECK_EQ(current.ss_flags, SS_DISABLE);
    CHECK(current.ss_sp == NULL);
    CHECK_EQ(current.ss_size, 0);

    /* SA_ONSTACK without an alternate stack: the normal stack. */
    install(SA_ONSTACK);
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(seen.ran, 1);
    CHECK(!seen.local_on_alternate);
    CHECK_EQ(seen.query.ss_flags, SS_DISABLE);
}

static void test_errors(void)
{
    stack_t small = {.ss_sp = alternate_stack, .ss_size = MINSIGSTKSZ - 1, .ss_flags = 0};
    CHECK_ERRNO(sigaltstack(&small, NULL), ENOMEM);
    small.ss_size = 1024;
    CHECK_ERRNO(syscall(SYS_sigaltstack, &small, NULL), ENOMEM);
    small.ss_size = KERNEL_MINIMUM - 1;
    CHECK_ERRNO(syscall(SYS_sigaltstack, &small, NULL), ENOMEM);
    small.ss_size = KERNEL_MINIMUM;
    CHECK_EQ(syscall(SYS_sigaltstack, &small, NULL), 0);
    small.ss_size = MINSIGSTKSZ;
    CHECK_EQ(sigaltstack(&small, NULL), 0);
    /* The size does not matter when disabling. */
    stack_t disable = {.ss_sp = NULL, .ss_size = 1, .ss_flags = SS_DISABLE};
    CHECK_EQ(sigaltstack(&disable, NULL), 0);

    stack_t bad = {.ss_sp = alternate_stack, .ss_size = STACK_SIZE, .ss_flags = 0x1234};
    CHECK_ERRNO(syscall(SYS_sigaltstack, &bad, NULL), EINVAL);
    bad.ss_flags = SS_DISABLE | SS_ONSTACK;
    CHECK_ERRNO(syscall(SYS_sigaltstack, &bad, NULL), EINVAL);
    /* musl refuses SS_ONSTACK itself; the kernel takes it as 0 for old
     * programs' sake. */
    bad.ss_flags = SS_ONSTACK;
    CHECK_ERRNO(sigaltstack(&bad, NULL), EINVAL);
    CHECK_EQ(syscall(SYS_sigaltstack, &bad, NULL), 0);
    stack_t current;
    CHECK_EQ(sigaltstack(NULL, &current), 0);
    CHECK_EQ(current.ss_flags, 0);
    CHECK_EQ(current.ss_size, STACK_SIZE);

    CHECK_ERRNO(syscall(SYS_sigaltstack, (void *)8, NULL), EFAULT);
    CHECK_ERRNO(syscall(SYS_sigaltstack, NULL, (void *)8), EFAULT);
    CHECK_EQ(sigaltstack(&disable, NULL), 0);
}

/* A forked child keeps the alternate stack (same address, same memory). */
static void test_fork_keeps(void)
{
    stack_t alternate = {.ss_sp = alternate_stack, .ss_size = STACK_SIZE, .ss_flags = 0};
    REQUIRE(sigaltstack(&alternate, NULL) == 0);
    install(SA_ONSTACK);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        stack_t current;
        CHECK_EQ(sigaltstack(NULL, &current), 0);
        CHECK(current.ss_sp == alternate_stack);
        CHECK_EQ(current.ss_flags, 0);
        raise(SIGUSR1);
        CHECK_EQ(seen.ran, 1);
        CHECK(seen.local_on_alternate);
        check_child_exit();
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static char *other_stack;
static struct {
    int ran;
    int flags_inside;
    int set_inside;
} disarmed;

static void disarm_observing_handler(int signo)
{
    (void)signo;
    stack_t now;
    sigaltstack(NULL, &now);
    disarmed.ran = 1;
    disarmed.flags_inside = now.ss_flags;
    stack_t other = {.ss_sp = other_stack, .ss_size = STACK_SIZE, .ss_flags = 0};
    disarmed.set_inside = sigaltstack(&other, NULL);
}

static void test_autodisarm(void)
{
    stack_t alternate = {.ss_sp = alternate_stack, .ss_size = STACK_SIZE,
                         .ss_flags = SS_AUTODISARM};
    REQUIRE(sigaltstack(&alternate, NULL) == 0);
    stack_t now;
    CHECK_EQ(sigaltstack(NULL, &now), 0);
    CHECK_EQ((unsigned)now.ss_flags, SS_AUTODISARM);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = disarm_observing_handler;
    action.sa_flags = SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(SIGUSR1, &action, NULL) == 0);
    raise(SIGUSR1);
    CHECK_EQ(disarmed.ran, 1);
    CHECK_EQ(disarmed.flags_inside, SS_DISABLE);
    CHECK_EQ(disarmed.set_inside, 0);
    CHECK_EQ(sigaltstack(NULL, &now), 0);
    CHECK(now.ss_sp == alternate_stack);
    CHECK_EQ(now.ss_size, STACK_SIZE);
    CHECK_EQ((unsigned)now.ss_flags, SS_AUTODISARM);
    stack_t disable = {.ss_flags = SS_DISABLE};
    CHECK_EQ(sigaltstack(&disable, NULL), 0);
}

/* In a child: raise SIGUSR1, whose SA_ONSTACK handler's frame cannot be
 * written to the inaccessible alternate stack; segv_flags: SIGSEGV's own
 * handler (-1: none), SA_ONSTACK or not. Returns the child's status. */
/* SIGSEGV's handler: 42 if its siginfo is the kernel's own (force_sig). */
static void exit_42_if_from_kernel(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    (void)context;
    _exit(info->si_code == SI_KERNEL && info->si_pid == 0 ? 42 : 43);
}

static int status_with_unwritable_stack(int segv_flags)
{
    pid_t child = fork();
    if (child == 0) {
        void *no_access = mmap(NULL, STACK_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        stack_t alternate = {.ss_sp = no_access, .ss_size = STACK_SIZE, .ss_flags = 0};
        if (no_access == MAP_FAILED || sigaltstack(&alternate, NULL) != 0)
            _exit(90);
        install(SA_ONSTACK);
        if (segv_flags >= 0) {
            struct sigaction action;
            memset(&action, 0, sizeof action);
            action.sa_sigaction = exit_42_if_from_kernel;
            action.sa_flags = segv_flags | SA_SIGINFO;
            sigemptyset(&action.sa_mask);
            sigaction(SIGSEGV, &action, NULL);
        }
        raise(SIGUSR1);
        _exit(seen.ran ? 91 : 92);
    }
    int status = -1;
    waitpid(child, &status, 0);
    return status;
}

static void test_unwritable_stack(void)
{
    int status = status_with_unwritable_stack(-1);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
    /* SIGSEGV's handler on the normal stack runs instead, with the
     * kernel's siginfo. */
    status = status_with_unwritable_stack(0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
    /* On the same bad stack it cannot run either: the default action. */
    status = status_with_unwritable_stack(SA_ONSTACK);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

/* rt_sigreturn with sp at an unreadable frame. */
static void test_sigreturn_from_bad_frame(void)
{
    pid_t child = fork();
    if (child == 0) {
        void *no_access = mmap(NULL, STACK_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (no_access == MAP_FAILED)
            _exit(90);
        uint64_t bad_sp = (uint64_t)no_access + STACK_SIZE / 2;
        __asm__ volatile("mov sp, %0\n\tmov x8, #139\n\tsvc #0" : : "r"(bad_sp) : "x8", "memory");
        _exit(91);
    }
    int status = -1;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

int main(void)
{
    alternate_stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(alternate_stack != MAP_FAILED);
    other_stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
    REQUIRE(other_stack != MAP_FAILED);
    test_initially_disabled();
    test_on_alternate_stack();
    test_disable();
    test_errors();
    test_fork_keeps();
    test_autodisarm();
    test_unwritable_stack();
    test_sigreturn_from_bad_frame();
    printf("SA_ONSTACK handlers run on the sigaltstack, SS_ONSTACK and EPERM inside\n");
    printf("a frame that cannot be written or read back: SIGSEGV\n");
    printf("SS_AUTODISARM: disarmed while the handler runs, armed again after\n");
    return check_finish("signal_altstack");
}
