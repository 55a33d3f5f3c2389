/*
 * The time of day (CLOCK_REALTIME): the counter's epoch offset, the ticks
 * from the epoch to the counter's 0, from the boot info and set by root
 * with clock_settime (PROC_CLOCK_SET). Every process's info page holds
 * it as realtime_seconds and realtime_counter (the personality reads the
 * clock from there without a call); a change goes out to each, moves
 * POSIX timers set for an instant of the realtime clock (posix_timers.c),
 * and reaches the servers that hear procmgr's notices
 * (SERVER_CLOCK_SET, sys/protocol/common.h: timerfds).
 */
#include "procmgr.h"
#include "request.h"
#include "sys/counter.h"
#include "sys/linux_abi.h"
#include "sys/linux_process.h"
#include "sys/protocol/common.h"

#define NANOSECONDS 1000000000ULL

static uint64_t epoch_offset;

void wall_clock_init(uint64_t realtime_seconds, uint64_t realtime_counter)
{
    epoch_offset = tern_counter_epoch_offset(realtime_seconds, realtime_counter);
}

uint64_t wall_clock_offset(void)
{
    return epoch_offset;
}

void wall_clock_info(uint64_t *realtime_seconds, uint64_t *realtime_counter)
{
    /* seconds * frequency - counter == offset, with counter below a second */
    uint64_t frequency = tern_counter_frequency();
    *realtime_seconds = (epoch_offset + frequency - 1) / frequency;
    *realtime_counter = *realtime_seconds * frequency - epoch_offset;
}

static void tell_processes(void)
{
    uint64_t seconds, counter;
    wall_clock_info(&seconds, &counter);
    for (unsigned pid = 1; pid < ID_LIMIT; pid++) {
        struct process *process = processes[pid];
        if (!process || process->state != PROCESS_ALIVE || !process->space)
            continue;
        /* The counter first: a reader between the two sees a time at
         * most a second off, once. */
        space_write(process->space, LINUX_PROCESS_INFO +
                        __builtin_offsetof(struct linux_process_info, realtime_counter),
                    &counter, sizeof counter);
        space_write(process->space, LINUX_PROCESS_INFO +
                        __builtin_offsetof(struct linux_process_info, realtime_seconds),
                    &seconds, sizeof seconds);
    }
}

/* PROC_CLOCK_SET: seconds, nanoseconds (checked by the personality):
 * root only (Linux's CAP_SYS_TIME). */
void handle_clock_set(struct request *request)
{
    struct credentials credentials = process_credentials(request->process);
    if (!credentials_privileged(&credentials))
        return result(request, -LINUX_EPERM);
    uint64_t seconds = request->mr[0], nanoseconds = request->mr[1];
    uint64_t frequency = tern_counter_frequency();
    uint64_t wanted = seconds * frequency + nanoseconds * frequency / NANOSECONDS;
    uint64_t old = epoch_offset;
    epoch_offset = wanted - tern_counter_now();
    tell_processes();
    posix_timers_clock_set(old, epoch_offset);
    process_tell_servers(SERVER_CLOCK_SET, epoch_offset, 0);
    result(request, 0);
}
