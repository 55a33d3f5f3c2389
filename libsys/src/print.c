/* A small printf: one formatter, writing either to the console or to a
 * buffer. */
#include <stdbool.h>
#include <stdint.h>
#include "sys/print.h"
#include "sys/syscall.h"

struct sink {
    bool console;       /* else the buffer */
    char *buffer;
    size_t size;
    size_t length;      /* characters produced so far */
};

static void emit(struct sink *sink, char character)
{
    if (sink->console)
        tern_debug_put_char(character);
    else if (sink->length + 1 < sink->size)
        sink->buffer[sink->length] = character;
    sink->length++;
}

static void emit_padding(struct sink *sink, char pad, int count)
{
    while (count-- > 0)
        emit(sink, pad);
}

struct conversion {
    bool left;          /* '-' */
    bool zero;          /* '0' */
    int width;
};

static void emit_field(struct sink *sink, const struct conversion *c, const char *text,
                       int length)
{
    int padding = c->width > length ? c->width - length : 0;
    if (!c->left)
        emit_padding(sink, c->zero ? '0' : ' ', padding);
    for (int i = 0; i < length; i++)
        emit(sink, text[i]);
    if (c->left)
        emit_padding(sink, ' ', padding);
}

static void emit_number(struct sink *sink, const struct conversion *c, uint64_t value,
                        unsigned base, bool negative, bool upper, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char text[24];
    int length = 0;
    do {
        text[sizeof(text) - 1 - length++] = digits[value % base];
        value /= base;
    } while (value);
    int prefix_length = negative ? 1 : (prefix ? (int)__builtin_strlen(prefix) : 0);
    int padding = c->width > length + prefix_length ? c->width - length - prefix_length : 0;
    if (!c->left && !c->zero)
        emit_padding(sink, ' ', padding);
    if (negative)
        emit(sink, '-');
    else
        for (int i = 0; i < prefix_length; i++)
            emit(sink, prefix[i]);
    if (!c->left && c->zero)
        emit_padding(sink, '0', padding);
    for (int i = 0; i < length; i++)
        emit(sink, text[sizeof(text) - length + i]);
    if (c->left)
        emit_padding(sink, ' ', padding);
}

static void format(struct sink *sink, const char *f, va_list arguments)
{
    for (; *f; f++) {
        if (*f != '%') {
            emit(sink, *f);
            continue;
        }
        struct conversion c = { false, false, 0 };
        for (f++;; f++) {
            if (*f == '-')
                c.left = true;
            else if (*f == '0')
                c.zero = true;
            else
                break;
        }
        for (; *f >= '0' && *f <= '9'; f++)
            c.width = c.width * 10 + (*f - '0');
        int longs = 0;
        for (; *f == 'l' || *f == 'z'; f++)
            longs++;

        switch (*f) {
        case 'd':
        case 'i': {
            int64_t value = longs ? va_arg(arguments, int64_t) : va_arg(arguments, int);
            uint64_t magnitude = value < 0 ? -(uint64_t)value : (uint64_t)value;
            emit_number(sink, &c, magnitude, 10, value < 0, false, 0);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t value = longs ? va_arg(arguments, uint64_t) : va_arg(arguments, unsigned);
            emit_number(sink, &c, value, *f == 'u' ? 10 : 16, false, *f == 'X', 0);
            break;
        }
        case 'p':
            emit_number(sink, &c, (uintptr_t)va_arg(arguments, void *), 16, false, false, "0x");
            break;
        case 's': {
            const char *text = va_arg(arguments, const char *);
            if (!text)
                text = "(null)";
            emit_field(sink, &c, text, (int)__builtin_strlen(text));
            break;
        }
        case 'c': {
            char character = (char)va_arg(arguments, int);
            emit_field(sink, &c, &character, 1);
            break;
        }
        case '%':
            emit(sink, '%');
            break;
        case '\0':
            return;
        default:
            emit(sink, '%');
            emit(sink, *f);
            break;
        }
    }
}

int tern_vprintf(const char *f, va_list arguments)
{
    struct sink sink = { true, 0, 0, 0 };
    format(&sink, f, arguments);
    return (int)sink.length;
}

int tern_printf(const char *f, ...)
{
    va_list arguments;
    va_start(arguments, f);
    int length = tern_vprintf(f, arguments);
    va_end(arguments);
    return length;
}

int tern_vsnprintf(char *buffer, size_t size, const char *f, va_list arguments)
{
    struct sink sink = { false, buffer, size, 0 };
    format(&sink, f, arguments);
    if (size)
        buffer[sink.length < size ? sink.length : size - 1] = '\0';
    return (int)sink.length;
}

int tern_snprintf(char *buffer, size_t size, const char *f, ...)
{
    va_list arguments;
    va_start(arguments, f);
    int length = tern_vsnprintf(buffer, size, f, arguments);
    va_end(arguments);
    return length;
}

void tern_puts(const char *text)
{
    while (*text)
        tern_debug_put_char(*text++);
    tern_debug_put_char('\n');
}
