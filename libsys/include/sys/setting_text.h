/*
 * The text of a server's settings, Linux's /proc/sys files (sys/server.h,
 * server_settings): what a read shows and what a write may say, as
 * Linux 6.1's proc_dointvec_minmax and proc_doulongvec_minmax
 * (kernel/sysctl.c) format and parse them. Plain C with no IPC in it
 * (tests/host/test_libsys_setting_text.c).
 *
 * A read shows the values in decimal, separated by tabs, and a newline.
 * A write is values separated by white space: each a C integer (decimal,
 * 0x hexadecimal or 0 octal, as strtoul's base 0), "-" in front for a
 * negative int; a value that does not parse, is followed by anything but
 * a space, tab or newline, has 21 characters or more, is out of the int
 * range (ints) or negative (unsigned longs), or is outside the setting's
 * bounds, is EINVAL, as is a write with no value at all. The values
 * before a bad one still count (Linux stores each as it goes).
 */
#ifndef SYS_SETTING_TEXT_H
#define SYS_SETTING_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest text of a setting's values (four of 20 digits and a sign). */
#define SETTING_TEXT_MAX 96

/* How a setting's values read and parse. */
struct setting_format {
    unsigned count;             /* values (kernel/sem: 4) */
    bool unsigned_long;         /* proc_doulongvec_minmax's; else ints */
    /* Each value's bounds (ints: as int64_t; unsigned longs: as
     * uint64_t, maximum 0 for none). */
    int64_t minimum, maximum;
};

/* The values as a read shows them into text (room for SETTING_TEXT_MAX
 * bytes): the length. Ints are the low 32 bits of their words. */
size_t setting_text_format(const struct setting_format *format, const uint64_t *values,
                           char *text);

/* A write of length bytes of text: the values it gives into values (at
 * most format->count), their number in *count; returns the bytes the
 * write takes (at most length: what follows the last value and its white
 * space is left, as Linux's short write), or -EINVAL with *count the
 * values before the bad one. */
int64_t setting_text_parse(const struct setting_format *format, const char *text,
                           size_t length, uint64_t *values, unsigned *count);

#endif
