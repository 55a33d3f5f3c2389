/*
 * Reading the console: the UART's bytes (DebugGetChar) through the
 * terminal's line discipline (terminal.c) to readers, who wait when there
 * is nothing to read. A waiting reader's reply object is kept until a
 * line comes; while anyone waits (or polls, or a session has the console,
 * whose ^C must reach a job that reads nothing), vfs polls the UART every
 * timer tick (its bound notification, armed with the kernel's timeout).
 * The signals the keyboard raises are announced on procmgr's notification,
 * and procmgr takes them (VFS_TERMINAL_TAKE_SIGNALS, sys/protocol/vfs.h).
 */
#ifndef SERVERS_VFS_CONSOLE_INPUT_H
#define SERVERS_VFS_CONSOLE_INPUT_H

#include <stdbool.h>
#include <stdint.h>
#include "sys/memory.h"
#include "sys/watch.h"
#include "terminal.h"

/* A read's result that means "no answer yet: the reply object is kept". */
#define CONSOLE_INPUT_WAITING INT64_MIN

/* Take the slots pollers' notifications are kept in; false without.
 * console is the console's line discipline (the vfs core's). */
bool console_input_init(struct memory *memory, uint64_t timer_frequency,
                        struct terminal *console);
/* A read of length bytes into window 0 of the Call reply holds, or for a
 * small read (FILE_READ_SMALL: small_bytes not NULL, length at most
 * FILE_SMALL_MAX) into small_bytes, which the caller sends in the reply's
 * registers: its result, or CONSOLE_INPUT_WAITING when the reader waits
 * for a line (the server defers the request: its reply object is kept,
 * and a small reader gets its line in the registers of the answer). */
int64_t console_input_read(uint64_t reply, uint64_t length, bool nonblocking,
                           uint8_t *small_bytes);
/* FILE_POLL of the console: the events among `events` it has now; if
 * there is nothing to read, the notification in slot notification (0 for
 * none) is kept (moved out of that slot) and signalled when a line comes. */
int64_t console_input_poll(uint64_t events, uint64_t notification);
/* epoll: where a console reader's watches go (the UART is polled while
 * any is kept). */
void console_input_watch(struct watch_target *target);
/* The timer fired: take what the UART has, answer who can be answered. */
void console_input_tick(void);
/* The settings changed (an ioctl): answer who can be answered now, and
 * announce signals raised. */
void console_input_changed(void);

/* procmgr's side (VFS_TERMINAL_*): the notification to signal (vfs owns
 * its slot now), whether a session has the console, the signals raised
 * since last asked (bit n: signal n), and a byte pushed as if typed. */
void console_input_listen(uint64_t notification);
void console_input_control(bool has_session);
/* Whether a session has the console: procmgr must say whether a caller is
 * in its foreground before it reads, writes or sets it (vfs asks the
 * caller to ask: FILE_TERMINAL_ACCESS, sys/protocol/file.h). */
bool console_input_controlled(void);
uint64_t console_input_take_signals(void);
void console_input_push(char byte);

#endif
