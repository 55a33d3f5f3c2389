/*
 * Calls to the servers (procmgr, vfs, futex, file servers) as the
 * protocols in sys/protocol/ lay them out: label, message registers,
 * capabilities, windows. The reply's message register 0 is the result,
 * Linux style (>= 0, or -errno).
 */
#ifndef LINUX_SERVER_CALL_H
#define LINUX_SERVER_CALL_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/linux_process.h"
#include "sys/syscall.h"

/* Calls endpoint with label and length message registers: mr[0..3] here,
 * 4 and up already set with tern_set_mr; caps capabilities set with
 * tern_set_cap and windows windows set with linux_set_window. mr gets the
 * reply's registers 0..3 (4 and up: tern_get_mr). Returns the result in
 * register 0, or an errno for a call the kernel refused (-EBADF: no such
 * capability, as for a descriptor closed meanwhile; -EIO otherwise), or
 * -ERESTARTSYS for a wait a signal interrupted (TCB_Interrupt; the count
 * so far instead for a write that had put bytes in). */
int64_t linux_call(uint64_t endpoint, uint64_t label, unsigned length, unsigned caps,
                   unsigned windows, uint64_t mr[4]);

/* linux_call for a write: also records in the thread's state whether the
 * reply marked SIGPIPE (PIPE_REPLY_SIGPIPE, pipe.h, and unix.h): for
 * -EPIPE, and for a write that put bytes in before the last reader went.
 * A seqpacket socket's -EPIPE comes without it, as Linux raises none. */
int64_t linux_write_call(uint64_t endpoint, uint64_t label, unsigned length, unsigned caps,
                         unsigned windows, uint64_t mr[4]);

/* linux_call with up to four registers, no capabilities, no windows. */
int64_t linux_request(uint64_t endpoint, uint64_t label, unsigned length, uint64_t argument0,
                      uint64_t argument1, uint64_t argument2, uint64_t argument3);

/* linux_request for a call that must reach the server whatever signal
 * comes (a close, a detach, giving back what the server keeps for the
 * caller), whose result the caller may not act on: a signal can end a
 * call only before the server takes it (these are answered at once, never
 * kept waiting), so it is made again until the server has it. The
 * signal is delivered as the syscall returns. */
int64_t linux_request_uninterrupted(uint64_t endpoint, uint64_t label, unsigned length,
                                    uint64_t argument0, uint64_t argument1,
                                    uint64_t argument2, uint64_t argument3);
/* FILE_CLOSE through slot for the process pid, uninterrupted: the
 * server's reference would stay for good once the slot goes. The result,
 * as Linux's close, is not reported. */
void linux_close_call(uint64_t slot, uint64_t pid);

/* FILE_STAT through a capability: the file's struct linux_stat, 0 or
 * -errno. */
struct linux_stat;
int64_t linux_stat_capability(uint64_t slot, struct linux_stat *stat);

/* Names window index for the next call, after touching every page of it
 * so a lazily mapped page is mapped before the server copies (a kernel
 * window copy does not fault pages in). A write window's pages are
 * touched by an atomic add of 0, which changes nothing another thread
 * could see. A window at or near address 0 is left untouched: the server's
 * copy fails and it answers -EFAULT. */
void linux_set_window(unsigned index, uint64_t address, uint64_t length, uint64_t rights);

/* Whether [address, address + length) lies where user memory can be: not
 * in the page at 0, not above the user address space. */
bool linux_user_range(uint64_t address, uint64_t length);

/* Touches every page of a buffer in the user range (for writing: an
 * atomic add of 0), so a lazily mapped page is mapped now and a bad one
 * faults here: the syscall ends with -EFAULT (linux_fault_return). */
void linux_touch_pages(uint64_t address, uint64_t length, bool writable);

/* linux_call, with the capability the answer carries (a new descriptor,
 * say) landing in the empty slot (slot, 64) of the process's CNode. */
int64_t linux_call_receiving(uint64_t slot, uint64_t endpoint, uint64_t label, unsigned length,
                             unsigned caps, unsigned windows, uint64_t mr[4]);

/* A small message's bytes in message registers from `first` on, eight to
 * a register in memory order (mqueue.h's and sysv.h's small messages):
 * packed into mr (registers below 4) and the IPC buffer (4 on) for the
 * next call, the unused bytes of a part-filled last register zero; and
 * out of an answer's registers. first + (length + 7) / 8 registers, at
 * most TERN_MSG_MAX_LENGTH. */
static inline void linux_pack_registers(uint64_t mr[4], unsigned first, const void *bytes,
                                        uint64_t length)
{
    uint64_t words[TERN_MSG_MAX_LENGTH];
    unsigned last = first + (unsigned)((length + 7) / 8);
    if (last > first)
        words[last - 1] = 0;    /* the unused bytes of a part-filled last register */
    __builtin_memcpy(&words[first], bytes, length);
    for (unsigned i = first; i < last; i++) {
        if (i < 4)
            mr[i] = words[i];
        else
            tern_set_mr(i, words[i]);
    }
}

static inline void linux_unpack_registers(void *bytes, const uint64_t mr[4], unsigned first,
                                          uint64_t length)
{
    uint64_t words[TERN_MSG_MAX_LENGTH];
    unsigned last = first + (unsigned)((length + 7) / 8);
    for (unsigned i = first; i < last; i++)
        words[i] = i < 4 ? mr[i] : tern_get_mr(i);
    __builtin_memcpy(bytes, &words[first], length);
}

#define LINUX_SLOT_DEPTH 64

#endif
