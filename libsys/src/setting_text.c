/* The text of a server's settings: sys/setting_text.h. */
#include "sys/setting_text.h"
#include "sys/linux_abi.h"
#include "sys/digits.h"

#define INT_MAXIMUM 2147483647LL
/* proc_get_long's buffer: a value and what follows it must fit in 21. */
#define NUMBER_ROOM 21

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* What may follow a value: proc_wspace_sep. */
static bool is_separator(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

static unsigned digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
        return (unsigned)(c - 'A' + 10);
    return 16;
}

/* strtoul_lenient's base 0: the digits from at; false on overflow. */
static bool parse_unsigned(const char *at, const char **end, uint64_t *value)
{
    unsigned base = 10;
    if (at[0] == '0') {
        base = 8;
        if ((at[1] == 'x' || at[1] == 'X') && digit_value(at[2]) < 16) {
            base = 16;
            at += 2;
        }
    }
    uint64_t result = 0;
    for (; digit_value(*at) < base; at++) {
        uint64_t digit = digit_value(*at);
        if (result > (UINT64_MAX - digit) / base)
            return false;
        result = result * base + digit;
    }
    *end = at;
    *value = result;
    return true;
}

/* proc_get_long: one value at *text (*left bytes), which move past it. */
static int get_value(const char **text, size_t *left, uint64_t *value, bool *negative)
{
    char number[NUMBER_ROOM + 1];
    size_t length = *left < NUMBER_ROOM ? *left : NUMBER_ROOM;
    for (size_t i = 0; i < length; i++)
        number[i] = (*text)[i];
    number[length] = 0;
    const char *at = number;
    *negative = *at == '-' && *left > 1;
    if (*negative)
        at++;
    if (*at < '0' || *at > '9')
        return -LINUX_EINVAL;
    const char *end;
    if (!parse_unsigned(at, &end, value))
        return -LINUX_EINVAL;
    length = (size_t)(end - number);
    if (length == NUMBER_ROOM)
        return -LINUX_EINVAL;       /* it may go on: too long to tell */
    if (length < *left && !is_separator(*end))
        return -LINUX_EINVAL;
    *text += length;
    *left -= length;
    return 0;
}

/* A parsed value as the setting keeps it, if it may: Linux's conversion
 * and bounds checks. */
static bool convert(const struct setting_format *format, uint64_t magnitude, bool negative,
                    uint64_t *value)
{
    if (format->unsigned_long) {
        if (negative || magnitude < (uint64_t)format->minimum ||
            (format->maximum && magnitude > (uint64_t)format->maximum))
            return false;
        *value = magnitude;
        return true;
    }
    if (magnitude > (uint64_t)INT_MAXIMUM + (negative ? 1 : 0))
        return false;
    int64_t signed_value = negative ? -(int64_t)magnitude : (int64_t)magnitude;
    if (signed_value < format->minimum || signed_value > format->maximum)
        return false;
    *value = (uint64_t)signed_value;
    return true;
}

int64_t setting_text_parse(const struct setting_format *format, const char *text,
                           size_t length, uint64_t *values, unsigned *count)
{
    *count = 0;
    size_t left = length;
    bool first = true;
    int error = 0;
    for (unsigned wanted = format->count; left && wanted; wanted--, first = false) {
        while (left && is_space(*text)) {
            text++;
            left--;
        }
        if (!left)
            break;
        uint64_t magnitude, value;
        bool negative;
        error = get_value(&text, &left, &magnitude, &negative);
        if (error == 0 && !convert(format, magnitude, negative, &value))
            error = -LINUX_EINVAL;
        if (error)
            break;
        values[(*count)++] = value;
    }
    if (first || error)
        return -LINUX_EINVAL;
    while (left && is_space(*text)) {
        text++;
        left--;
    }
    return (int64_t)(length - left);
}

static size_t put_decimal(char *text, uint64_t value, bool negative)
{
    size_t length = 0;
    if (negative)
        text[length++] = '-';
    return length + digits_of(value, 10, &text[length]);
}

size_t setting_text_format(const struct setting_format *format, const uint64_t *values,
                           char *text)
{
    size_t length = 0;
    for (unsigned i = 0; i < format->count; i++) {
        if (i)
            text[length++] = '\t';
        if (format->unsigned_long) {
            length += put_decimal(text + length, values[i], false);
        } else {
            int32_t value = (int32_t)values[i];
            length += put_decimal(text + length,
                                  value < 0 ? (uint64_t)-(int64_t)value : (uint64_t)value,
                                  value < 0);
        }
    }
    text[length++] = '\n';
    return length;
}
