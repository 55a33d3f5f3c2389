/* The console's line discipline (servers/vfs/terminal.c): canonical
 * mode's editing, echo, whole lines per read and end of file; the
 * keyboard's signals; raw input (ICANON off) with VMIN; settings. */
#include <string.h>
#include "check.h"
#include "terminal.h"

static struct terminal terminal;
static char echoed[256];
static size_t echoed_length;

static void record_echo(void *context, const char *bytes, size_t length)
{
    (void)context;
    if (echoed_length + length >= sizeof echoed)
        return;         /* the long-line test echoes more than it looks at */
    memcpy(echoed + echoed_length, bytes, length);
    echoed_length += length;
    echoed[echoed_length] = '\0';
}

static void type(const char *text)
{
    for (; *text; text++)
        terminal_receive(&terminal, *text, record_echo, 0);
}

static void fresh(void)
{
    terminal_init(&terminal);
    echoed_length = 0;
    echoed[0] = '\0';
}

static const char *read_text(size_t length)
{
    static char bytes[TERMINAL_LINE_MAX + 1];
    size_t got = terminal_read(&terminal, bytes, length);
    bytes[got] = '\0';
    return bytes;
}

static void nothing_is_readable_until_a_line_ends(void)
{
    fresh();
    type("abc");
    CHECK(!terminal_readable(&terminal));
    type("\r");
    CHECK(terminal_readable(&terminal));
    CHECK_EQ_STR(read_text(100), "abc\n");
    CHECK(!terminal_readable(&terminal));
}

static void typing_is_echoed_and_return_becomes_newline(void)
{
    fresh();
    type("hi\r");
    CHECK_EQ_STR(echoed, "hi\n");
}

static void erase_removes_the_last_character(void)
{
    fresh();
    type("cax\x7f\bt\n");
    CHECK_EQ_STR(read_text(100), "ct\n");
    CHECK_EQ_STR(echoed, "cax\b \b\b \bt\n");
    /* Nothing to erase: nothing happens. */
    fresh();
    type("\x7f" "a\n");
    CHECK_EQ_STR(read_text(100), "a\n");
}

static void kill_removes_the_line(void)
{
    fresh();
    type("wrong\x15right\n");
    CHECK_EQ_STR(read_text(100), "right\n");
}

static void a_read_takes_one_line_at_most(void)
{
    fresh();
    type("one\ntwo\n");
    CHECK_EQ_STR(read_text(100), "one\n");
    CHECK_EQ_STR(read_text(100), "two\n");
}

static void a_short_read_leaves_the_rest(void)
{
    fresh();
    type("abcdef\n");
    CHECK_EQ_STR(read_text(2), "ab");
    CHECK_EQ_STR(read_text(100), "cdef\n");
}

static void eof_on_an_empty_line_reads_as_end_of_file(void)
{
    fresh();
    type("\x04");
    CHECK(terminal_readable(&terminal));
    CHECK_EQ_U64(terminal_read(&terminal, echoed, 10), 0);
    CHECK(!terminal_readable(&terminal));
}

static void eof_after_text_hands_over_the_text(void)
{
    fresh();
    type("partial\x04");
    CHECK(terminal_readable(&terminal));
    CHECK_EQ_STR(read_text(100), "partial");
}

static void a_full_line_keeps_room_for_its_newline(void)
{
    fresh();
    for (int i = 0; i < TERMINAL_LINE_MAX + 10; i++)
        terminal_receive(&terminal, 'x', record_echo, 0);
    echoed_length = 0;
    type("\n");
    CHECK_EQ_U64(strlen(read_text(TERMINAL_LINE_MAX)), TERMINAL_LINE_MAX);
}

/* Settings as a program changes them with tcsetattr. */
static void change_settings(uint32_t local_off, uint32_t local_on, uint8_t vmin)
{
    struct linux_termios settings = terminal.settings;
    settings.local_flags = (settings.local_flags & ~local_off) | local_on;
    settings.control_characters[6] = vmin;      /* VMIN */
    terminal_set(&terminal, &settings, false);
}

#define ISIG    0000001
#define ICANON  0000002
#define ECHO    0000010
#define NOFLSH  0000200

static void interrupt_quit_and_suspend_raise_their_signals_and_flush_the_line(void)
{
    fresh();
    type("abc\x03");
    CHECK_EQ_STR(echoed, "abc^C");
    CHECK_EQ_U64(terminal_take_signals(&terminal), 1ULL << 2);     /* SIGINT */
    CHECK_EQ_U64(terminal_take_signals(&terminal), 0);
    type("\r");
    CHECK_EQ_STR(read_text(100), "\n");                            /* abc went */
    type("\x1c\x1a");
    CHECK_EQ_U64(terminal_take_signals(&terminal), (1ULL << 3) | (1ULL << 20));
}

static void noflsh_keeps_the_line_and_without_isig_the_characters_are_input(void)
{
    fresh();
    change_settings(0, NOFLSH, 1);
    type("ab\x03" "c\r");
    CHECK_EQ_STR(read_text(100), "abc\n");
    CHECK_EQ_U64(terminal_take_signals(&terminal), 1ULL << 2);
    change_settings(ISIG, 0, 1);
    type("\x03\r");
    CHECK_EQ_U64(terminal_take_signals(&terminal), 0);
    CHECK_EQ_STR(read_text(100), "\x03\n");
}

static void without_echo_nothing_is_shown(void)
{
    fresh();
    change_settings(ECHO, 0, 1);
    type("secret\x7f\r\x03");
    CHECK_EQ_STR(echoed, "");
    CHECK(!terminal_readable(&terminal));   /* the ^C flushed the finished line too */
}

static void raw_input_is_readable_byte_by_byte_with_vmin_one(void)
{
    fresh();
    change_settings(ICANON | ECHO, 0, 1);
    CHECK(!terminal_readable(&terminal));
    CHECK(!terminal_read_returns(&terminal, 10));
    type("x\x7f");
    CHECK(terminal_readable(&terminal));
    CHECK_EQ_U64(terminal_input_count(&terminal), 2);
    CHECK_EQ_STR(read_text(100), "x\x7f");  /* no editing */
    type("\r");
    CHECK_EQ_STR(read_text(100), "\n");     /* ICRNL still */
}

static void vmin_counts_bytes_and_zero_returns_at_once(void)
{
    fresh();
    change_settings(ICANON, 0, 3);
    type("ab");
    CHECK(!terminal_readable(&terminal));
    CHECK(!terminal_read_returns(&terminal, 10));
    CHECK(terminal_read_returns(&terminal, 2));     /* min(VMIN, length) */
    type("c");
    CHECK(terminal_readable(&terminal));
    change_settings(0, 0, 0);
    CHECK_EQ_STR(read_text(100), "abc");
    CHECK(terminal_read_returns(&terminal, 10));
    CHECK_EQ_STR(read_text(100), "");
}

static void leaving_canonical_mode_hands_over_the_line_being_typed(void)
{
    fresh();
    type("half");
    change_settings(ICANON, 0, 1);
    CHECK_EQ_STR(read_text(100), "half");
}

static void setting_with_flush_discards_the_input(void)
{
    fresh();
    type("line\rmore");
    struct linux_termios settings = terminal.settings;
    terminal_set(&terminal, &settings, true);
    CHECK(!terminal_readable(&terminal));
    CHECK_EQ_U64(terminal_input_count(&terminal), 0);
}

int main(void)
{
    RUN_TEST(nothing_is_readable_until_a_line_ends);
    RUN_TEST(typing_is_echoed_and_return_becomes_newline);
    RUN_TEST(erase_removes_the_last_character);
    RUN_TEST(kill_removes_the_line);
    RUN_TEST(a_read_takes_one_line_at_most);
    RUN_TEST(a_short_read_leaves_the_rest);
    RUN_TEST(eof_on_an_empty_line_reads_as_end_of_file);
    RUN_TEST(eof_after_text_hands_over_the_text);
    RUN_TEST(a_full_line_keeps_room_for_its_newline);
    RUN_TEST(interrupt_quit_and_suspend_raise_their_signals_and_flush_the_line);
    RUN_TEST(noflsh_keeps_the_line_and_without_isig_the_characters_are_input);
    RUN_TEST(without_echo_nothing_is_shown);
    RUN_TEST(raw_input_is_readable_byte_by_byte_with_vmin_one);
    RUN_TEST(vmin_counts_bytes_and_zero_returns_at_once);
    RUN_TEST(leaving_canonical_mode_hands_over_the_line_being_typed);
    RUN_TEST(setting_with_flush_discards_the_input);
    return check_report();
}
