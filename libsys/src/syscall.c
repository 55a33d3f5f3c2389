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

#include "sys/invoke.h"
#include "sys/runtime.h"
#include "tern/boot_info.h"

/* crt0 comes here when root_main returns: there is no one to return to.
 * A root task holds IRQControl in its boot slot, unless it gave it away. */
void tern_root_exit(int status)
{
    (void)status;
    tern_debug_power_off(TERN_SLOT_IRQ_CONTROL);
    for (;;)
        tern_tcb_suspend(TERN_SLOT_TCB);
}
