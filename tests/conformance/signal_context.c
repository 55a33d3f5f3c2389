/* The SA_SIGINFO handler's third argument, the ucontext_t of the
 * interrupted code: uc_sigmask is the mask at the interruption, sp and pc
 * are there (the handler's own frame lies below sp), the general
 * registers are those of the interrupted code (after kill(), x8 holds the
 * system call number and x0 its result), and the frame's reserved area
 * starts with the FP/SIMD record. Returning from the handler restores all
 * of it from the frame: a changed uc_sigmask becomes the mask (SIGKILL
 * left out) and a changed x0 becomes the interrupted call's result.
 * siglongjmp out of a handler restores the mask sigsetjmp saved (savemask
 * 1), or leaves the handler's mask (savemask 0). A fault runs a SIGSEGV
 * handler with the faulting address in si_addr and in the context. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "check.h"
#include "signals.h"

static void set_mask(uint64_t bits)
{
    sigset_t set;
    sigemptyset(&set);
    for (int signo = 1; signo <= 64; signo++)
        if (bits & signal_bit(signo))
            sigaddset(&set, signo);
    sigprocmask(SIG_SETMASK, &set, NULL);
}

static void install(int signo, void (*handler)(int, siginfo_t *, void *))
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(signo, &action, NULL) == 0);
}

/* What the observing handler saw. */
static struct {
    int ran;
    uint64_t context_mask;
    unsigned long sp, pc, x0, x8;
    int frame_below_sp;
    unsigned int first_record_magic, first_record_size;
} seen;

static void observing_handler(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    (void)info;
    ucontext_t *interrupted = context;
    volatile int local = 0;
    seen.ran++;
    seen.context_mask = signal_bits(&interrupted->uc_sigmask);
    seen.sp = interrupted->uc_mcontext.sp;
    seen.pc = interrupted->uc_mcontext.pc;
    seen.x0 = interrupted->uc_mcontext.regs[0];
    seen.x8 = interrupted->uc_mcontext.regs[8];
    seen.frame_below_sp = (uintptr_t)&local < interrupted->uc_mcontext.sp;
    const struct _aarch64_ctx *record = (const void *)interrupted->uc_mcontext.__reserved;
    seen.first_record_magic = record->magic;
    seen.first_record_size = record->size;
}

static void test_context_contents(void)
{
    install(SIGUSR1, observing_handler);
    set_mask(signal_bit(SIGHUP) | signal_bit(SIGUSR2));
    memset(&seen, 0, sizeof seen);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(seen.ran, 1);
    /* The mask of the code kill() returned to, without SIGUSR1. */
    CHECK_EQ(seen.context_mask, signal_bit(SIGHUP) | signal_bit(SIGUSR2));
    CHECK(seen.sp != 0);
    CHECK(seen.pc != 0);
    CHECK_EQ(seen.sp % 16, 0);
    CHECK_EQ(seen.pc % 4, 0);
    CHECK(seen.frame_below_sp);
    CHECK_EQ(seen.x8, SYS_kill);
    CHECK_EQ(seen.x0, 0);
    CHECK_EQ(seen.first_record_magic, FPSIMD_MAGIC);
    CHECK_EQ(seen.first_record_size, sizeof(struct fpsimd_context));
    CHECK_EQ(blocked_bits(), signal_bit(SIGHUP) | signal_bit(SIGUSR2));
    set_mask(0);

    /* The same for another call: getppid's number in x8, its result in x0
     * (delivered on the way out of the sigprocmask that unblocks). */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    memset(&seen, 0, sizeof seen);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    raise(SIGUSR1);
    CHECK_EQ(seen.ran, 0);
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    CHECK_EQ(seen.ran, 1);
    CHECK_EQ(seen.x8, SYS_rt_sigprocmask);
    CHECK_EQ(seen.x0, 0);
    CHECK_EQ(seen.context_mask, 0);
}

/* Changing the context in the handler changes what sigreturn restores. */
static void mask_changing_handler(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    (void)info;
    ucontext_t *interrupted = context;
    sigaddset(&interrupted->uc_sigmask, SIGTERM);
    sigdelset(&interrupted->uc_sigmask, SIGHUP);
    /* SIGKILL in the restored mask is left out, as sigprocmask does. */
    interrupted->uc_sigmask.__bits[0] |= 1ul << (SIGKILL - 1);
}

static void result_changing_handler(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    (void)info;
    ucontext_t *interrupted = context;
    interrupted->uc_mcontext.regs[0] = 42;
}

static void test_context_changes(void)
{
    install(SIGUSR1, mask_changing_handler);
    set_mask(signal_bit(SIGHUP));
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(blocked_bits(), signal_bit(SIGTERM));
    set_mask(0);

    install(SIGUSR2, result_changing_handler);
    /* kill() returns what the handler put in x0. */
    CHECK_EQ(syscall(SYS_kill, getpid(), SIGUSR2), 42);
}

static sigjmp_buf jump_back;

static void jumping_handler(int signo)
{
    siglongjmp(jump_back, signo);
}

static void test_siglongjmp(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = jumping_handler;
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGHUP);
    REQUIRE(sigaction(SIGUSR1, &action, NULL) == 0);

    /* savemask 1: the mask saved at sigsetjmp (SIGUSR2) comes back. */
    set_mask(signal_bit(SIGUSR2));
    volatile int jumps = 0;
    int value = sigsetjmp(jump_back, 1);
    if (value == 0) {
        raise(SIGUSR1);
        CHECK(0);       /* not reached */
    } else {
        jumps++;
    }
    CHECK_EQ(jumps, 1);
    CHECK_EQ(value, SIGUSR1);
    CHECK_EQ(blocked_bits(), signal_bit(SIGUSR2));

    /* savemask 0: the handler's mask (SIGUSR1 and its sa_mask) stays. */
    set_mask(0);
    jumps = 0;
    value = sigsetjmp(jump_back, 0);
    if (value == 0) {
        raise(SIGUSR1);
        CHECK(0);
    } else {
        jumps++;
    }
    CHECK_EQ(jumps, 1);
    CHECK_EQ(blocked_bits(), signal_bit(SIGUSR1) | signal_bit(SIGHUP));
    set_mask(0);

    /* The handler works again afterwards. */
    value = sigsetjmp(jump_back, 1);
    if (value == 0)
        raise(SIGUSR1);
    CHECK_EQ(value, SIGUSR1);
    CHECK_EQ(blocked_bits(), 0);
}

/* Faults: the handler learns the address; it leaves by siglongjmp. */
static struct {
    int signo, code;
    uintptr_t address, context_address;
} fault;

static void fault_handler(int signo, siginfo_t *info, void *context)
{
    ucontext_t *interrupted = context;
    fault.signo = signo;
    fault.code = info->si_code;
    fault.address = (uintptr_t)info->si_addr;
    fault.context_address = interrupted->uc_mcontext.fault_address;
    siglongjmp(jump_back, 1);
}

static void test_faults(void)
{
    install(SIGSEGV, fault_handler);

    /* A page that was mapped and is not any more. */
    char *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(gone != MAP_FAILED);
    REQUIRE(munmap(gone, 4096) == 0);
    memset(&fault, 0, sizeof fault);
    if (sigsetjmp(jump_back, 1) == 0)
        *(volatile int *)(gone + 16) = 1;
    CHECK_EQ(fault.signo, SIGSEGV);
    CHECK_EQ(fault.code, SEGV_MAPERR);
    CHECK(fault.address == (uintptr_t)(gone + 16));
    CHECK(fault.context_address == (uintptr_t)(gone + 16));
    CHECK_EQ(blocked_bits(), 0);

    char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(page != MAP_FAILED);
    memset(&fault, 0, sizeof fault);
    if (sigsetjmp(jump_back, 1) == 0)
        *(volatile char *)(page + 100) = 1;
    CHECK_EQ(fault.signo, SIGSEGV);
    CHECK_EQ(fault.code, SEGV_ACCERR);
    CHECK(fault.address == (uintptr_t)(page + 100));
    CHECK(fault.context_address == (uintptr_t)(page + 100));
    munmap(page, 4096);
    signal(SIGSEGV, SIG_DFL);
}

int main(void)
{
    test_context_contents();
    test_context_changes();
    test_siglongjmp();
    test_faults();
    printf("the handler's ucontext holds the interrupted mask and registers; sigreturn"
           " restores them\n");
    return check_finish("signal_context");
}
