/* Native calls a test program makes to the servers through the sessions
 * every process holds (sys/linux_process.h): SERVER_STATISTICS
 * (sys/protocol/common.h) and the like. tern only. */
#ifndef TESTS_EXEC_SERVER_STATISTICS_H
#define TESTS_EXEC_SERVER_STATISTICS_H

#include <stdint.h>

#include "sys/linux_process.h"
#include "sys/protocol/common.h"
#include "sys/servers.h"
#include "tern/message.h"
#include "tern/syscalls.h"

static const char *const server_names[SERVER_COUNT] = {
    [SERVER_VFS] = "vfs", [SERVER_FUTEX] = "futex", [SERVER_PIPE] = "pipe",
    [SERVER_MEMFD] = "memfd", [SERVER_SYSV] = "sysv", [SERVER_MQUEUE] = "mqueue",
    [SERVER_EVENT] = "event", [SERVER_UNIX] = "unix", [SERVER_PROCMGR] = "procmgr",
};

/* A Call of a label with no arguments through the session of server:
 * the answer's label (an error of the kernel's) and its four registers. */
static inline uint64_t server_ask(unsigned server, uint64_t label, uint64_t mr[4])
{
    register uint64_t x0 __asm__("x0") = LINUX_SLOT_SESSIONS + server;
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

/* What a server holds now: its data pages, heap bytes and waiting
 * callers; false if it did not answer. */
struct server_holdings {
    uint64_t pages, heap_bytes, waiting;
};

static inline int server_holdings(unsigned server, struct server_holdings *holdings)
{
    uint64_t mr[4];
    if (server_ask(server, SERVER_STATISTICS, mr) != 0 || mr[0] != 0)
        return 0;
    holdings->pages = mr[1], holdings->heap_bytes = mr[2], holdings->waiting = mr[3];
    return 1;
}

#endif
