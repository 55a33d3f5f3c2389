#include "kernel/console.h"
#include "arch/mmu.h"
#include "drivers/uart.h"
#include "kernel/spinlock.h"

static const struct uart_driver *console_driver;
static uintptr_t console_registers;
static struct spinlock console_lock;

int console_init(const struct board_facts *facts)
{
    const struct uart_driver *driver = uart_driver_for(facts->console);
    if (!driver)
        return -1;
    console_registers = ioremap(facts->console_base, PAGE_SIZE);
    driver->init(console_registers);
    console_driver = driver;
    return 0;
}

static void console_write_locked(const char *text, unsigned long length)
{
    if (!console_driver)
        return;
    for (unsigned long i = 0; i < length; i++) {
        if (text[i] == '\n')
            console_driver->put_char(console_registers, '\r');
        console_driver->put_char(console_registers, text[i]);
    }
}

int console_read_char(void)
{
    if (!console_driver)
        return -1;
    unsigned long flags = spin_lock_irqsave(&console_lock);
    int c = console_driver->get_char(console_registers);
    spin_unlock_irqrestore(&console_lock, flags);
    return c;
}

void console_write(const char *text, unsigned long length)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);
    console_write_locked(text, length);
    spin_unlock_irqrestore(&console_lock, flags);
}

/* kprintf formats into a line buffer, then writes it under the lock. */
struct line_buffer {
    char text[256];
    unsigned long length;
};

static void buffer_put(struct line_buffer *buffer, char c)
{
    if (buffer->length == sizeof(buffer->text)) {
        console_write_locked(buffer->text, buffer->length);
        buffer->length = 0;
    }
    buffer->text[buffer->length++] = c;
}

static void buffer_put_number(struct line_buffer *buffer, unsigned long long value,
                              unsigned base, int width, char pad, int negative)
{
    char digits[24];
    int count = 0;
    do {
        digits[count++] = "0123456789abcdef"[value % base];
        value /= base;
    } while (value);
    if (negative)
        digits[count++] = '-';
    while (width-- > count)
        buffer_put(buffer, pad);
    while (count)
        buffer_put(buffer, digits[--count]);
}

static void format(struct line_buffer *buffer, const char *fmt, va_list arguments)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            buffer_put(buffer, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int longs = 0;
        while (*fmt == 'l' || *fmt == 'z') {
            longs++;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            long long value = longs ? va_arg(arguments, long long) : va_arg(arguments, int);
            unsigned long long magnitude = value < 0 ? -(unsigned long long)value : (unsigned long long)value;
            buffer_put_number(buffer, magnitude, 10, width, pad, value < 0);
            break;
        }
        case 'u':
            buffer_put_number(buffer, longs ? va_arg(arguments, unsigned long long)
                                            : va_arg(arguments, unsigned), 10, width, pad, 0);
            break;
        case 'x':
            buffer_put_number(buffer, longs ? va_arg(arguments, unsigned long long)
                                            : va_arg(arguments, unsigned), 16, width, pad, 0);
            break;
        case 'p':
            buffer_put(buffer, '0');
            buffer_put(buffer, 'x');
            buffer_put_number(buffer, (uintptr_t)va_arg(arguments, void *), 16, 16, '0', 0);
            break;
        case 'c':
            buffer_put(buffer, (char)va_arg(arguments, int));
            break;
        case 's': {
            const char *string = va_arg(arguments, const char *);
            if (!string)
                string = "(null)";
            int length = 0;
            while (string[length])
                length++;
            while (width-- > length)
                buffer_put(buffer, ' ');
            while (*string)
                buffer_put(buffer, *string++);
            break;
        }
        case '%':
            buffer_put(buffer, '%');
            break;
        default:
            buffer_put(buffer, '%');
            if (*fmt)
                buffer_put(buffer, *fmt);
            else
                fmt--;
        }
    }
}

void kvprintf(const char *fmt, va_list arguments)
{
    struct line_buffer buffer;
    buffer.length = 0;
    unsigned long flags = spin_lock_irqsave(&console_lock);
    format(&buffer, fmt, arguments);
    console_write_locked(buffer.text, buffer.length);
    spin_unlock_irqrestore(&console_lock, flags);
}

void kprintf(const char *fmt, ...)
{
    va_list arguments;
    va_start(arguments, fmt);
    kvprintf(fmt, arguments);
    va_end(arguments);
}
