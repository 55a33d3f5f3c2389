/* The console's line discipline: terminal.h. */
#include "terminal.h"
#include "sys/linux_abi.h"
#include "sys/runtime.h"

/* termios flags (Linux's asm-generic/termbits.h) */
#define INLCR   0000100
#define IGNCR   0000200
#define ICRNL   0000400
#define ISIG    0000001
#define ICANON  0000002
#define ECHO    0000010
#define ECHOE   0000020
#define ECHONL  0000100
#define NOFLSH  0000200
#define ECHOCTL 0001000
#define TOSTOP  0000400

/* Indices of c_cc. */
enum { VINTR, VQUIT, VERASE, VKILL, VEOF, VTIME, VMIN, VSWTC, VSTART, VSTOP, VSUSP };

#define DISABLED    0       /* _POSIX_VDISABLE: a control character turned off */
#define BACKSPACE   0x08

/* What a freshly opened Linux terminal has (tty_std_termios): ICRNL
 * IXON; OPOST ONLCR; B38400 CS8 CREAD HUPCL; ISIG ICANON ECHO ECHOE
 * ECHOK ECHOCTL ECHOKE IEXTEN; and the usual control characters. */
static const struct linux_termios default_settings = {
    .input_flags = ICRNL | 0002000,
    .output_flags = 0000001 | 0000004,
    .control_flags = 0000017 | 0000060 | 0000200 | 0002000,
    .local_flags = ISIG | ICANON | ECHO | ECHOE | 0000040 | ECHOCTL | 0004000 | 0100000,
    .line_discipline = 0,
    .control_characters = {3, 034, 0177, 025, 4, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0},
};

void terminal_init(struct terminal *terminal)
{
    memset(terminal, 0, sizeof *terminal);
    terminal->settings = default_settings;
    terminal->size = (struct linux_winsize){.rows = 24, .columns = 80};
}

static bool local_flag(const struct terminal *terminal, uint32_t flag)
{
    return (terminal->settings.local_flags & flag) != 0;
}

/* Whether byte is the control character index (and that one is on). */
static bool is_control(const struct terminal *terminal, char byte, unsigned index)
{
    uint8_t control = terminal->settings.control_characters[index];
    return control != DISABLED && (uint8_t)byte == control;
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

static void flush_input(struct terminal *terminal)
{
    terminal->line_length = 0;
    terminal->ready_length = 0;
    terminal->end_of_file_count = 0;
}

/* A control character echoed as ^X (ECHOCTL), any other as itself. */
static void echo_byte(const struct terminal *terminal, char byte, terminal_echo echo,
                      void *context)
{
    if (local_flag(terminal, ECHOCTL) && (uint8_t)byte < 0x20 && byte != '\n' && byte != '\t') {
        char shown[2] = {'^', (char)(byte + '@')};
        echo(context, shown, 2);
    } else {
        echo(context, &byte, 1);
    }
}

/* INTR, QUIT and SUSP with ISIG: the signal is raised, the input goes
 * (unless NOFLSH), and the character is echoed. Whether byte was one. */
static bool raise_signal(struct terminal *terminal, char byte, terminal_echo echo, void *context)
{
    static const struct { unsigned index, signal; } keys[] = {
        {VINTR, LINUX_SIGINT}, {VQUIT, LINUX_SIGQUIT}, {VSUSP, LINUX_SIGTSTP}};
    if (!local_flag(terminal, ISIG))
        return false;
    for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (!is_control(terminal, byte, keys[i].index))
            continue;
        terminal->signals |= 1ULL << keys[i].signal;
        if (!local_flag(terminal, NOFLSH))
            flush_input(terminal);
        if (local_flag(terminal, ECHO))
            echo_byte(terminal, byte, echo, context);
        return true;
    }
    return false;
}

/* Canonical mode's editing characters: whether byte was one. */
static bool edit(struct terminal *terminal, char byte, terminal_echo echo, void *context)
{
    bool erase = is_control(terminal, byte, VERASE) || byte == BACKSPACE;
    bool kill = is_control(terminal, byte, VKILL);
    if (erase || kill) {
        bool visible = local_flag(terminal, ECHO) && local_flag(terminal, ECHOE);
        do {
            if (terminal->line_length == 0)
                break;
            terminal->line_length--;
            if (visible)
                echo(context, "\b \b", 3);
        } while (kill);
        return true;
    }
    if (is_control(terminal, byte, VEOF)) {
        if (terminal->line_length == 0 && terminal->ready_length == 0)
            terminal->end_of_file_count++;
        else
            finish_line(terminal);
        return true;
    }
    return false;
}

void terminal_receive(struct terminal *terminal, char byte, terminal_echo echo, void *context)
{
    uint32_t input = terminal->settings.input_flags;
    if (byte == '\r') {
        if (input & IGNCR)
            return;
        if (input & ICRNL)
            byte = '\n';
    } else if (byte == '\n' && (input & INLCR)) {
        byte = '\r';
    }
    if (raise_signal(terminal, byte, echo, context))
        return;
    if (!local_flag(terminal, ICANON)) {
        if (terminal->ready_length < sizeof terminal->ready)
            terminal->ready[terminal->ready_length++] = byte;
        if (local_flag(terminal, ECHO))
            echo_byte(terminal, byte, echo, context);
        return;
    }
    if (edit(terminal, byte, echo, context))
        return;
    /* A full line keeps room for its newline, as Linux's does. */
    if (terminal->line_length < TERMINAL_LINE_MAX - 1 || byte == '\n') {
        terminal->line[terminal->line_length++] = byte;
        if (local_flag(terminal, ECHO) || (byte == '\n' && local_flag(terminal, ECHONL)))
            echo_byte(terminal, byte, echo, context);
    }
    if (byte == '\n')
        finish_line(terminal);
}

/* Without canonical mode: the bytes a read or poll waits for. */
static size_t minimum_bytes(const struct terminal *terminal)
{
    return terminal->settings.control_characters[VMIN];
}

bool terminal_readable(const struct terminal *terminal)
{
    if (!local_flag(terminal, ICANON)) {
        size_t minimum = minimum_bytes(terminal);
        return terminal->ready_length >= (minimum ? minimum : 1);
    }
    return terminal->ready_length > 0 || terminal->end_of_file_count > 0;
}

bool terminal_read_returns(const struct terminal *terminal, size_t length)
{
    if (!local_flag(terminal, ICANON)) {
        size_t minimum = minimum_bytes(terminal);
        if (minimum > length)
            minimum = length;
        return terminal->ready_length >= minimum;
    }
    return terminal_readable(terminal);
}

size_t terminal_read(struct terminal *terminal, char *bytes, size_t length)
{
    bool canonical = local_flag(terminal, ICANON);
    if (terminal->ready_length == 0) {
        if (canonical && terminal->end_of_file_count > 0)
            terminal->end_of_file_count--;
        return 0;
    }
    /* One line at most per read, as canonical mode gives them. */
    size_t line = terminal->ready_length;
    if (canonical) {
        line = 0;
        while (line < terminal->ready_length && terminal->ready[line] != '\n')
            line++;
        if (line < terminal->ready_length)
            line++;                     /* with its newline */
    }
    size_t taken = line < length ? line : length;
    memcpy(bytes, terminal->ready, taken);
    memmove(terminal->ready, terminal->ready + taken, terminal->ready_length - taken);
    terminal->ready_length -= taken;
    return taken;
}

size_t terminal_input_count(const struct terminal *terminal)
{
    return terminal->ready_length;
}

void terminal_set(struct terminal *terminal, const struct linux_termios *settings, bool flush)
{
    bool was_canonical = local_flag(terminal, ICANON);
    terminal->settings = *settings;
    if (flush)
        flush_input(terminal);
    else if (was_canonical && !local_flag(terminal, ICANON))
        finish_line(terminal);
}

void terminal_resize(struct terminal *terminal, const struct linux_winsize *size)
{
    if (memcmp(&terminal->size, size, sizeof *size) != 0)
        terminal->signals |= 1ULL << LINUX_SIGWINCH;
    terminal->size = *size;
}

bool terminal_stops_background_writes(const struct terminal *terminal)
{
    return local_flag(terminal, TOSTOP);
}

uint64_t terminal_take_signals(struct terminal *terminal)
{
    uint64_t signals = terminal->signals;
    terminal->signals = 0;
    return signals;
}
