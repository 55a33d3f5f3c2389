/* What each server holds now (SERVER_STATISTICS, sys/protocol/common.h):
 * one line per server, "NAME PAGES HEAP_BYTES WAITING", asked through the
 * session the program holds of it, as a native Call. The conformance
 * suite's shared boot prints them before and after the tests
 * (tests/conformance/tern-suite), so that run can see what no server gave
 * back. tern only. */
#include <stdint.h>
#include <stdio.h>

#include "sys/linux_process.h"
#include "sys/protocol/common.h"
#include "sys/servers.h"
#include "tern/message.h"
#include "tern/syscalls.h"

static const char *const names[SERVER_COUNT] = {
    [SERVER_VFS] = "vfs", [SERVER_FUTEX] = "futex", [SERVER_PIPE] = "pipe",
    [SERVER_MEMFD] = "memfd", [SERVER_SYSV] = "sysv", [SERVER_MQUEUE] = "mqueue",
    [SERVER_EVENT] = "event", [SERVER_UNIX] = "unix", [SERVER_PROCMGR] = "procmgr",
};

/* A native Call of a label with no arguments: the answer's label (an
 * error of the kernel's) and its four registers. */
static uint64_t ask(uint64_t cptr, uint64_t label, uint64_t mr[4])
{
    register uint64_t x0 __asm__("x0") = cptr;
    register uint64_t x1 __asm__("x1") = tern_message(label, 0, 0);
    register uint64_t x2 __asm__("x2") = 0, x3 __asm__("x3") = 0;
    register uint64_t x4 __asm__("x4") = 0, x5 __asm__("x5") = 0;
    __asm__ volatile("svc %6"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5)
                     : "i"(TERN_SVC(TERN_SYS_CALL))
                     : "x6", "memory");
    mr[0] = x2, mr[1] = x3, mr[2] = x4, mr[3] = x5;
    return tern_message_label(x1);
}

int main(void)
{
    int failed = 0;
    for (unsigned id = 0; id < SERVER_COUNT; id++) {
        uint64_t mr[4];
        if (ask(LINUX_SLOT_SESSIONS + id, SERVER_STATISTICS, mr) != 0 || mr[0] != 0) {
            printf("%s ?\n", names[id]);
            failed = 1;
            continue;
        }
        printf("%s %lu %lu %lu\n", names[id], (unsigned long)mr[1], (unsigned long)mr[2],
               (unsigned long)mr[3]);
    }
    return failed;
}
