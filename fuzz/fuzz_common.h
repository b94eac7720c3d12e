/* fuzz_common: helpers shared by the libFuzzer targets.
 *
 * A target checks properties, not just "did not crash": when one fails it
 * prints what it saw and aborts, which libFuzzer reports as a crash and
 * saves the input (so a broken property is a finding like any overflow). */
#ifndef POSTROOM_FUZZ_COMMON_H
#define POSTROOM_FUZZ_COMMON_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noreturn, format(printf, 1, 2))) static inline void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "\n*** property failed: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) fuzz_fail(__VA_ARGS__);                                                       \
    } while (0)

/* A malloc'd, NUL-terminated copy of exactly size bytes (ASan sees its end). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) abort();
    if (size) memcpy(s, data, size);
    s[size] = 0;
    return s;
}

/* Reference UTF-8 decoder, written from RFC 3629 section 4 (not from
 * util/utf8.c): the length of the well-formed sequence at s, 0 if none. */
static inline size_t ref_utf8_sequence(const unsigned char *s, size_t n)
{
    if (n == 0) return 0;
    unsigned c = s[0];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0)
        len = 2, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0)
        len = 3, cp = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0)
        len = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

static inline bool ref_utf8_valid(const unsigned char *s, size_t n)
{
    while (n) {
        size_t l = ref_utf8_sequence(s, n);
        if (!l) return false;
        s += l, n -= l;
    }
    return true;
}

static inline int ref_hex(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Reference %XX decoder, from util/percent.h's contract: %XX with two hex
 * digits (either case), '+' as a space only when plus_space, and no NUL in
 * the input or the output. Returns the decoded length, or -1 (out has room
 * for n bytes). */
static inline long ref_percent_decode(const unsigned char *s, size_t n, bool plus_space,
                                      unsigned char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == 0) return -1;
        if (c == '%') {
            if (n - i < 3 || ref_hex(s[i + 1]) < 0 || ref_hex(s[i + 2]) < 0) return -1;
            c = (unsigned char)(ref_hex(s[i + 1]) * 16 + ref_hex(s[i + 2]));
            if (c == 0) return -1;
            i += 2;
        } else if (c == '+' && plus_space) {
            c = ' ';
        }
        out[o++] = c;
    }
    return (long)o;
}

/* Physical lines of a text file, counted as csv.h documents them (CRLF, LF
 * or CR, and a last line without its end), independently of the parser. */
static inline size_t fuzz_count_lines(const uint8_t *d, size_t n)
{
    size_t lines = 0;
    for (size_t i = 0; i < n; i++) {
        if (d[i] == '\r' && i + 1 < n && d[i + 1] == '\n') i++;
        if (d[i] == '\r' || d[i] == '\n') lines++;
    }
    if (n && d[n - 1] != '\r' && d[n - 1] != '\n') lines++;
    return lines;
}

#endif
