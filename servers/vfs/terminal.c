/* The console's canonical input mode: terminal.h. */
#include "terminal.h"
#include "sys/runtime.h"

/* The default control characters (tty_std_termios). */
#define CONTROL_EOF     0x04    /* ^D */
#define CONTROL_KILL    0x15    /* ^U */
#define CONTROL_ERASE   0x7f    /* DEL */
#define BACKSPACE       0x08

void terminal_init(struct terminal *terminal)
{
    memset(terminal, 0, sizeof *terminal);
}

/* Move the edited line to the finished input (what fits). */
static void finish_line(struct terminal *terminal)
{
    size_t room = sizeof terminal->ready - terminal->ready_length;
    size_t length = terminal->line_length < room ? terminal->line_length : room;
    memcpy(terminal->ready + terminal->ready_length, terminal->line, length);
    terminal->ready_length += length;
    terminal->line_length = 0;
}

void terminal_receive(struct terminal *terminal, char byte, terminal_echo echo, void *context)
{
    switch (byte) {
    case CONTROL_ERASE:
    case BACKSPACE:
        if (terminal->line_length > 0) {
            terminal->line_length--;
            echo(context, "\b \b", 3);
        }
        return;
    case CONTROL_KILL:
        while (terminal->line_length > 0) {
            terminal->line_length--;
            echo(context, "\b \b", 3);
        }
        return;
    case CONTROL_EOF:
        if (terminal->line_length == 0 && terminal->ready_length == 0)
            terminal->end_of_file_count++;
        else
            finish_line(terminal);
        return;
    case '\r':
        byte = '\n';
        break;
    default:
        break;
    }
    /* A full line keeps room for its newline, as Linux's does. */
    if (terminal->line_length < TERMINAL_LINE_MAX - 1 || byte == '\n') {
        terminal->line[terminal->line_length++] = byte;
        echo(context, &byte, 1);
    }
    if (byte == '\n')
        finish_line(terminal);
}

bool terminal_readable(const struct terminal *terminal)
{
    return terminal->ready_length > 0 || terminal->end_of_file_count > 0;
}

size_t terminal_read(struct terminal *terminal, char *bytes, size_t length)
{
    if (terminal->ready_length == 0) {
        if (terminal->end_of_file_count > 0)
            terminal->end_of_file_count--;
        return 0;
    }
    /* One line at most per read, as canonical mode gives them. */
    size_t line = 0;
    while (line < terminal->ready_length && terminal->ready[line] != '\n')
        line++;
    if (line < terminal->ready_length)
        line++;                         /* with its newline */
    size_t taken = line < length ? line : length;
    memcpy(bytes, terminal->ready, taken);
    memmove(terminal->ready, terminal->ready + taken, terminal->ready_length - taken);
    terminal->ready_length -= taken;
    return taken;
}
