/* The console's canonical input mode (servers/vfs/terminal.c): editing,
 * echo, whole lines per read, end of file. */
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
    return check_report();
}
