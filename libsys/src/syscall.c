/*
 * The system calls are inline functions in sys/syscall.h. This file checks
 * at build time that the register conventions they rely on match the
 * kernel's headers.
 */
#include <stddef.h>
#include "sys/syscall.h"

_Static_assert(TERN_MSG_REGISTERS == 4, "message registers 0-3 travel in x2-x5");
_Static_assert(TERN_SVC(TERN_SYSCALL_COUNT) <= 0xffff, "svc immediates are 16 bits");
_Static_assert(offsetof(struct tern_ipc_buffer, message) == 8,
               "message registers follow the tag");

#include "sys/runtime.h"

/* crt0 comes here when root_main returns: there is no one to return to. */
void tern_root_exit(int status)
{
    (void)status;
    tern_debug_power_off();
}
