/*
 * Server calls (server_call.h).
 */
#include <stdbool.h>
#include "server_call.h"
#include "personality.h"
#include "sys/linux_abi.h"
#include "sys/linux_process.h"
#include "sys/protocol/common.h"
#include "sys/protocol/file.h"
#include "sys/protocol/pipe.h"
#include "sys/protocol/procmgr.h"
#include "sys/syscall.h"
#include "tern/errors.h"

/* A server out of pages answered SERVER_WANTS_MEMORY (the call did
 * nothing): whether procmgr lent it memory, so the call is made again. */
/* Whether a server's answer says it lacks memory to borrow
 * (sys/protocol/common.h, "Borrowed memory"). */
static inline bool wants_memory(tern_message_info reply, const uint64_t mr[4])
{
    return tern_message_label(reply) == 0 && tern_message_length(reply) >= 2 &&
           (int64_t)mr[0] == -LINUX_ENOMEM && (mr[1] & SERVER_WANTS_MEMORY);
}

/* Asks procmgr to lend the server memory; whether it did. */
static bool lend_memory(const uint64_t mr[4])
{
    uint64_t lend[4] = { SERVER_WANTS_MEMORY_ID(mr[1]) };
    tern_message_info info = tern_call(LINUX_SLOT_PROCMGR, tern_message(PROC_LEND_MEMORY, 0, 1),
                                       lend);
    return tern_message_label(info) == 0 && lend[0] == 0;
}

/* The answers but a plain result: memory to lend and the call again
 * (the registers, the windows and registers past the fourth, in the IPC
 * buffer, which a two-register answer leaves alone, as they were sent),
 * and the kernel's errors. */
static __attribute__((noinline)) int64_t call_settled(uint64_t endpoint, tern_message_info info,
                                                      const uint64_t sent[4], uint64_t mr[4],
                                                      tern_message_info *reply)
{
    while (wants_memory(*reply, mr) && lend_memory(mr)) {
        for (unsigned i = 0; i < 4; i++)
            mr[i] = sent[i];
        *reply = tern_call(endpoint, info, mr);
    }
    uint64_t error = tern_message_label(*reply);
    if (error == TERN_INTERRUPTED) {
        /* A signal ended the wait. A write that had put bytes in says how
         * many (the server left that with the reply object): its result;
         * so does a wait that is not to be restarted (-EINTR: a socket's
         * with SO_RCVTIMEO or SO_SNDTIMEO). */
        bool left = tern_message_length(*reply) >= 1 && (int64_t)mr[0] != 0;
        return left ? (int64_t)mr[0] : -LINUX_ERESTARTSYS;
    }
    if (error == TERN_FAILED_LOOKUP || error == TERN_INVALID_CAPABILITY)
        return -LINUX_EBADF;
    if (error != 0)
        return -LINUX_EIO;      /* TERN_SERVER_GONE: the server died during the call */
    return (int64_t)mr[0];
}

static inline __attribute__((always_inline)) int64_t
call(uint64_t endpoint, uint64_t label, unsigned length, unsigned caps, unsigned windows,
     uint64_t mr[4], tern_message_info *reply)
{
    tern_message_info info = tern_message_with_windows(tern_message(label, caps, length), windows);
    uint64_t sent[4] = { mr[0], mr[1], mr[2], mr[3] };
    *reply = tern_call(endpoint, info, mr);
    if (__builtin_expect(tern_message_label(*reply) == 0 && !wants_memory(*reply, mr), 1))
        return (int64_t)mr[0];
    return call_settled(endpoint, info, sent, mr, reply);
}

int64_t linux_call(uint64_t endpoint, uint64_t label, unsigned length, unsigned caps,
                   unsigned windows, uint64_t mr[4])
{
    tern_message_info reply;
    return call(endpoint, label, length, caps, windows, mr, &reply);
}

int64_t linux_write_call(uint64_t endpoint, uint64_t label, unsigned length, unsigned caps,
                         unsigned windows, uint64_t mr[4])
{
    tern_message_info reply;
    int64_t result = call(endpoint, label, length, caps, windows, mr, &reply);
    /* Only a server's reply of two or more registers has a register 1
     * to read (a call the kernel refused has none). */
    linux_thread_state()->reply_asked_sigpipe = tern_message_label(reply) == 0 &&
                                                tern_message_length(reply) >= 2 &&
                                                (mr[1] & PIPE_REPLY_SIGPIPE);
    return result;
}

int64_t linux_request(uint64_t endpoint, uint64_t label, unsigned length, uint64_t argument0,
                      uint64_t argument1, uint64_t argument2, uint64_t argument3)
{
    uint64_t mr[4] = {argument0, argument1, argument2, argument3};
    return linux_call(endpoint, label, length, 0, 0, mr);
}

int64_t linux_request_uninterrupted(uint64_t endpoint, uint64_t label, unsigned length,
                                    uint64_t argument0, uint64_t argument1,
                                    uint64_t argument2, uint64_t argument3)
{
    int64_t result;
    do
        result = linux_request(endpoint, label, length, argument0, argument1, argument2,
                               argument3);
    while (result == -LINUX_ERESTARTSYS);
    return result;
}

void linux_close_call(uint64_t slot, uint64_t pid)
{
    linux_request_uninterrupted(slot, FILE_CLOSE, 1, pid, 0, 0, 0);
}

#define PAGE_SIZE       4096ULL
#define USER_LIMIT      (1ULL << 39)

bool linux_user_range(uint64_t address, uint64_t length)
{
    return address >= PAGE_SIZE && address <= USER_LIMIT && length <= USER_LIMIT - address;
}

void linux_touch_pages(uint64_t address, uint64_t length, bool writable)
{
    if (length == 0 || !linux_user_range(address, length))
        return;
    uint64_t end = address + length;
    for (uint64_t page = address & ~(PAGE_SIZE - 1); page < end; page += PAGE_SIZE) {
        uint8_t *byte = (uint8_t *)(uintptr_t)(page < address ? address : page);
        if (writable)
            __atomic_fetch_add(byte, 0, __ATOMIC_RELAXED);
        else
            (void)*(volatile uint8_t *)byte;
    }
}

void linux_set_window(unsigned index, uint64_t address, uint64_t length, uint64_t rights)
{
    linux_touch_pages(address, length, rights & TERN_WINDOW_WRITE);
    tern_set_window(index, address, length, rights);
}

int64_t linux_call_receiving(uint64_t slot, uint64_t endpoint, uint64_t label, unsigned length,
                             unsigned caps, unsigned windows, uint64_t mr[4])
{
    tern_set_receive_slot(LINUX_SLOT_CNODE, slot, LINUX_SLOT_DEPTH);
    int64_t result = linux_call(endpoint, label, length, caps, windows, mr);
    tern_set_receive_slot(0, 0, 0);     /* capabilities sent to other calls are refused */
    return result;
}
