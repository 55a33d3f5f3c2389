/*
 * The console's input side: a Linux terminal's canonical mode, as the
 * default termios has it. Received bytes are edited into a line (ICRNL:
 * CR is newline; ERASE and backspace remove a character, KILL the line,
 * EOF ends input without a newline) and echoed (ECHO, ECHOE); a read gets
 * whole lines, or end of file after an EOF at the start of a line.
 * Signals (ISIG) are not generated yet.
 */
#ifndef SERVERS_VFS_TERMINAL_H
#define SERVERS_VFS_TERMINAL_H

#include <stdbool.h>
#include <stddef.h>

#define TERMINAL_LINE_MAX   4096    /* Linux's N_TTY_BUF_SIZE */

struct terminal {
    char line[TERMINAL_LINE_MAX];   /* the line being typed */
    size_t line_length;
    char ready[TERMINAL_LINE_MAX];  /* finished lines, not yet read */
    size_t ready_length;
    unsigned end_of_file_count;     /* EOFs typed on empty lines, each one read of 0 */
};

typedef void (*terminal_echo)(void *context, const char *bytes, size_t length);

void terminal_init(struct terminal *terminal);
/* One byte from the UART; what the user should see goes to echo. */
void terminal_receive(struct terminal *terminal, char byte, terminal_echo echo, void *context);
/* Whether a read would return now (with data or end of file). */
bool terminal_readable(const struct terminal *terminal);
/* Take up to length bytes of finished lines into bytes: the count (0 at
 * end of file). Only when terminal_readable. */
size_t terminal_read(struct terminal *terminal, char *bytes, size_t length);

#endif
