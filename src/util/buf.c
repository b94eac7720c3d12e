/* buf: arena-backed growable buffer and a streaming JSON writer. */
#include "util/buf.h"
#include "util/timefmt.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, struct arena *a)
{
    b->arena = a;
    b->data = NULL;
    b->len = b->cap = 0;
}

void buf_reserve(struct buf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap * 2 : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *d = arena_alloc(b->arena, cap);
    if (b->len) memcpy(d, b->data, b->len);
    b->data = d;
    b->cap = cap;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void buf_adds(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
    buf_reserve(b, 1);
    b->data[b->len++] = c;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) abort(); /* a bad format string is a programming error */
    if ((size_t)n < sizeof tmp) {
        buf_add(b, tmp, (size_t)n);
        return;
    }
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

const char *buf_cstr(struct buf *b)
{
    buf_reserve(b, 0);
    b->data[b->len] = 0;
    return b->data;
}

void jw_init(struct jw *w, struct buf *b)
{
    w->b = b;
    w->depth = 0;
    w->need_comma[0] = false;
}

/* Called before every value: writes the separating comma where one is due. */
static void jw_sep(struct jw *w)
{
    if (w->need_comma[w->depth]) buf_addc(w->b, ',');
    w->need_comma[w->depth] = true;
}

static void jw_push(struct jw *w, char c)
{
    jw_sep(w);
    buf_addc(w->b, c);
    if (w->depth + 1 >= JW_MAX_DEPTH) abort();
    w->need_comma[++w->depth] = false;
}

void jw_obj_open(struct jw *w)
{
    jw_push(w, '{');
}

void jw_arr_open(struct jw *w)
{
    jw_push(w, '[');
}

void jw_obj_close(struct jw *w)
{
    w->depth--;
    buf_addc(w->b, '}');
}

void jw_arr_close(struct jw *w)
{
    w->depth--;
    buf_addc(w->b, ']');
}

static bool json_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static void jw_escaped(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_reserve(b, n + 2);
    buf_addc(b, '"');
    for (size_t i = 0; i < n;) {
        size_t run = i;
        while (run < n && json_plain((unsigned char)s[run]))
            run++;
        if (run > i) { /* copy plain ASCII in one go */
            buf_add(b, s + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            buf_addc(b, '\\');
            buf_addc(b, (char)c);
        } else if (c >= 0x80) {
            /* answers are always valid UTF-8: a broken sequence becomes U+FFFD */
            size_t l = utf8_sequence((const unsigned char *)s + i, n - i);
            if (l) {
                buf_add(b, s + i, l);
                i += l;
                continue;
            }
            buf_add(b, "\\ufffd", 6);
        } else {
            /* \u escapes for control bytes; < and > are left alone since JSON
             * answers are served as application/json, never inlined in HTML. */
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf_add(b, e, 6);
        }
        i++;
    }
    buf_addc(b, '"');
}

void buf_add_json_str(struct buf *b, const char *s)
{
    jw_escaped(b, s, strlen(s));
}

void jw_key(struct jw *w, const char *key)
{
    jw_sep(w);
    jw_escaped(w->b, key, strlen(key));
    buf_addc(w->b, ':');
    w->need_comma[w->depth] = false; /* the value follows without a comma */
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
    jw_sep(w);
    jw_escaped(w->b, s, n);
}

void jw_str(struct jw *w, const char *s)
{
    if (!s) {
        jw_null(w);
        return;
    }
    jw_strn(w, s, strlen(s));
}

/* Two digits a division, from the end: every integer of every JSON answer
 * and audit record comes through here (a Unix time in ms is 13 digits). */
size_t fmt_u64(char *out, uint64_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    char tmp[20], *p = tmp + sizeof tmp;
    while (v >= 100) {
        unsigned d = (unsigned)(v % 100);
        v /= 100;
        p -= 2;
        memcpy(p, pairs + 2 * d, 2);
    }
    if (v >= 10) {
        p -= 2;
        memcpy(p, pairs + 2 * v, 2);
    } else {
        *--p = (char)('0' + v);
    }
    size_t n = (size_t)(tmp + sizeof tmp - p);
    memcpy(out, p, n);
    return n;
}

void buf_add_i64(struct buf *b, int64_t v)
{
    char d[24];
    size_t n = 0;
    if (v < 0) d[n++] = '-';
    n += fmt_u64(d + n, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
    buf_add(b, d, n);
}

void jw_int(struct jw *w, int64_t v)
{
    jw_sep(w);
    buf_add_i64(w->b, v);
}

void jw_bool(struct jw *w, bool v)
{
    jw_sep(w);
    buf_adds(w->b, v ? "true" : "false");
}

void jw_null(struct jw *w)
{
    jw_sep(w);
    buf_adds(w->b, "null");
}

void jw_money(struct jw *w, int64_t pence)
{
    jw_sep(w);
    uint64_t a = pence < 0 ? (uint64_t)0 - (uint64_t)pence : (uint64_t)pence;
    char d[32];
    size_t n = 0;
    if (pence < 0) d[n++] = '-';
    n += fmt_u64(d + n, a / 100);
    d[n++] = '.';
    d[n++] = (char)('0' + a % 100 / 10);
    d[n++] = (char)('0' + a % 10);
    buf_add(w->b, d, n);
}

void jw_raw(struct jw *w, const char *json)
{
    jw_sep(w);
    buf_adds(w->b, json);
}

void jw_time(struct jw *w, int64_t unix_ms)
{
    char t[40];
    time_format_rfc3339(unix_ms, t, sizeof t);
    jw_str(w, t);
}

void jw_kstr(struct jw *w, const char *k, const char *s)
{
    jw_key(w, k);
    jw_str(w, s);
}

void jw_kstr_opt(struct jw *w, const char *k, const char *s)
{
    if (s) jw_kstr(w, k, s);
}

void jw_kint(struct jw *w, const char *k, int64_t v)
{
    jw_key(w, k);
    jw_int(w, v);
}

void jw_kbool(struct jw *w, const char *k, bool v)
{
    jw_key(w, k);
    jw_bool(w, v);
}

void jw_kmoney(struct jw *w, const char *k, int64_t pence)
{
    jw_key(w, k);
    jw_money(w, pence);
}

void jw_ktime_opt(struct jw *w, const char *k, int64_t unix_ms)
{
    if (!unix_ms) return;
    jw_key(w, k);
    jw_time(w, unix_ms);
}
