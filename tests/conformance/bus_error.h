/*
 * What the mapping tests share: reading an address and telling whether
 * it raised SIGBUS with si_code BUS_ADRERR (a page past the end of a
 * mapped file), another signal, or nothing. bus_error_catch installs the
 * handler for SIGBUS and SIGSEGV first.
 */
#ifndef CONFORMANCE_BUS_ERROR_H
#define CONFORMANCE_BUS_ERROR_H

#include <setjmp.h>
#include <signal.h>
#include <stddef.h>

static sigjmp_buf bus_error_recovery;

static void bus_error_handler(int signal, siginfo_t *info, void *context)
{
    (void)context;
    siglongjmp(bus_error_recovery, signal == SIGBUS && info->si_code == BUS_ADRERR ? 1 : 2);
}

/* 0 once both handlers are in place, -1 if sigaction failed. */
static inline int bus_error_catch(void)
{
    struct sigaction action = {.sa_sigaction = bus_error_handler, .sa_flags = SA_SIGINFO};
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGBUS, &action, NULL) != 0 || sigaction(SIGSEGV, &action, NULL) != 0)
        return -1;
    return 0;
}

/* 0 if reading address worked, 1 for SIGBUS (BUS_ADRERR), 2 for another
 * signal. */
static inline int read_faults(volatile char *address)
{
    int caught = sigsetjmp(bus_error_recovery, 1);
    if (caught == 0)
        (void)*address;
    return caught;
}

#endif
