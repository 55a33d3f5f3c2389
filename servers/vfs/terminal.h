/*
 * The console's line discipline, as Linux's n_tty with the termios
 * settings a program sets (TCSETS): in canonical mode (ICANON) received
 * bytes are edited into a line (ERASE and backspace remove a character,
 * KILL the line, EOF ends input without a newline) and a read gets whole
 * lines, or end of file after an EOF at the start of a line; without it
 * bytes are readable as they come (VMIN of them; VTIME is not kept). CR
 * becomes newline (ICRNL; IGNCR drops it, INLCR turns newline into CR),
 * what is typed is echoed (ECHO, ECHOE, ECHOCTL's ^C, ECHONL), and with
 * ISIG the INTR, QUIT and SUSP characters raise SIGINT, SIGQUIT and SIGTSTP
 * for the foreground process group instead of being read, flushing the
 * input unless NOFLSH (and a new window size raises SIGWINCH). Which group that is is procmgr's (it keeps
 * sessions): the terminal only collects the signals.
 */
#ifndef SERVERS_VFS_TERMINAL_H
#define SERVERS_VFS_TERMINAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TERMINAL_LINE_MAX   4096    /* Linux's N_TTY_BUF_SIZE */

/* Linux's struct termios (TCGETS, TCSETS) on arm64: four tcflag_t,
 * c_line and NCCS = 19 control characters. */
#define TERMINAL_CONTROL_CHARACTERS 19
struct linux_termios {
    uint32_t input_flags;
    uint32_t output_flags;
    uint32_t control_flags;
    uint32_t local_flags;
    uint8_t line_discipline;
    uint8_t control_characters[TERMINAL_CONTROL_CHARACTERS];
};
_Static_assert(sizeof(struct linux_termios) == 36, "struct termios is 36 bytes on arm64");

/* Linux's struct winsize (TIOCGWINSZ, TIOCSWINSZ). */
struct linux_winsize {
    uint16_t rows;
    uint16_t columns;
    uint16_t x_pixels;
    uint16_t y_pixels;
};

struct terminal {
    struct linux_termios settings;
    struct linux_winsize size;
    char line[TERMINAL_LINE_MAX];   /* the line being typed (canonical mode) */
    size_t line_length;
    char ready[TERMINAL_LINE_MAX];  /* what a read may take */
    size_t ready_length;
    unsigned end_of_file_count;     /* EOFs typed on empty lines, each one read of 0 */
    uint64_t signals;               /* bit n: signal n was typed, not yet taken */
};

typedef void (*terminal_echo)(void *context, const char *bytes, size_t length);

/* A terminal as Linux opens one (tty_std_termios), 24 rows of 80
 * columns, with nothing typed. */
void terminal_init(struct terminal *terminal);
/* One byte from the UART; what the user should see goes to echo. */
void terminal_receive(struct terminal *terminal, char byte, terminal_echo echo, void *context);
/* Whether there is input for poll: a line or end of file (canonical), or
 * VMIN bytes (at least one). */
bool terminal_readable(const struct terminal *terminal);
/* Whether a read of length bytes would return now: with input, at end of
 * file, or without canonical mode once min(VMIN, length) bytes came
 * (with VMIN 0: at once, maybe with nothing). */
bool terminal_read_returns(const struct terminal *terminal, size_t length);
/* Take up to length bytes into bytes (one line at most in canonical
 * mode): the count (0 at end of file or with nothing there). */
size_t terminal_read(struct terminal *terminal, char *bytes, size_t length);
/* The bytes a read could take now (FIONREAD). */
size_t terminal_input_count(const struct terminal *terminal);
/* TCSETS and its kin: the new settings, and with flush (TCSETSF) the
 * input discarded. A line being edited is finished when canonical mode
 * ends, as Linux's n_tty_set_termios makes it readable. */
void terminal_set(struct terminal *terminal, const struct linux_termios *settings, bool flush);
/* TIOCSWINSZ: a new size, and SIGWINCH for the foreground if it changed. */
void terminal_resize(struct terminal *terminal, const struct linux_winsize *size);
/* TOSTOP: a background process's write stops it (SIGTTOU). */
bool terminal_stops_background_writes(const struct terminal *terminal);
/* The signals typed since last asked, as a mask (bit n: signal n). */
uint64_t terminal_take_signals(struct terminal *terminal);

#endif
