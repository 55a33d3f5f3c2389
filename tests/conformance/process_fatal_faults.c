/* Faults with the default action kill the faulting process with the
 * matching signal: a null dereference, a write to read-only data, a jump
 * to an unmapped address (SIGSEGV), an undefined instruction (SIGILL),
 * abort() (SIGABRT). The parent is untouched. */
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

static const char read_only_text[] = "constant";

static void null_dereference(void)
{
    volatile int *volatile pointer = NULL;
    *pointer = 1;
}

static void read_unmapped(void)
{
    volatile int *volatile pointer = (volatile int *)(uintptr_t)0x10;
    (void)*pointer;
}

static void write_read_only_data(void)
{
    volatile char *pointer = (volatile char *)read_only_text;
    pointer[0] = 'X';
}

static void jump_to_unmapped(void)
{
    void (*volatile function)(void) = (void (*)(void))(uintptr_t)0x1000;
    function();
}

static void high_kernel_address(void)
{
    volatile int *volatile pointer =
        (volatile int *)(uintptr_t)0xffff000000001000ull;
    *pointer = 1;
}

static void undefined_instruction(void)
{
    __asm__ volatile("udf #0");
}

static void abort_call(void)
{
    abort();
}

static int status_of(void (*fault)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        fault();
        _exit(0);
    }
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    return status;
}

int main(void)
{
    static const struct {
        void (*fault)(void);
        int signal_number;
    } cases[] = {
        {null_dereference, SIGSEGV},
        {read_unmapped, SIGSEGV},
        {write_read_only_data, SIGSEGV},
        {jump_to_unmapped, SIGSEGV},
        {high_kernel_address, SIGSEGV},
        {undefined_instruction, SIGILL},
        {abort_call, SIGABRT},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int status = status_of(cases[i].fault);
        CHECK(WIFSIGNALED(status));
        CHECK_EQ(WTERMSIG(status), cases[i].signal_number);
    }
    /* Our read-only data is intact. */
    CHECK_EQ(strcmp(read_only_text, "constant"), 0);

    printf("SIGSEGV for bad accesses, SIGILL for udf, SIGABRT for abort\n");
    return check_finish("process_fatal_faults");
}
