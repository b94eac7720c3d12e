/* buf: a growable byte buffer living in an arena, and the JSON writer on top.
 *
 * The JSON writer exists because answers must print money as exact decimals
 * from integer pence (never through a double) and because it is the hot path
 * of every read; it escapes every string it writes. */
#ifndef POSTROOM_BUF_H
#define POSTROOM_BUF_H
#include "util/arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
    struct arena *arena;
    char *data;
    size_t len, cap;
};

void buf_init(struct buf *b, struct arena *a);
void buf_reserve(struct buf *b, size_t more);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *buf_cstr(struct buf *b); /* NUL-terminates, returns data */
void buf_add_i64(struct buf *b, int64_t v);
/* s as a JSON string, quoted and escaped as the JSON writer escapes. */
void buf_add_json_str(struct buf *b, const char *s);
/* Writes v in decimal without a NUL; returns the digits written (<= 20). */
size_t fmt_u64(char *out, uint64_t v);

/* JSON writer. Commas between members and elements are placed automatically. */
#define JW_MAX_DEPTH 32
struct jw {
    struct buf *b;
    int depth;
    bool need_comma[JW_MAX_DEPTH];
};

void jw_init(struct jw *w, struct buf *b);
void jw_obj_open(struct jw *w);
void jw_obj_close(struct jw *w);
void jw_arr_open(struct jw *w);
void jw_arr_close(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s); /* NULL prints null */
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
void jw_money(struct jw *w, int64_t pence);  /* 1349 -> 13.49 */
void jw_raw(struct jw *w, const char *json); /* already-valid JSON */
void jw_time(struct jw *w, int64_t unix_ms); /* RFC 3339 UTC */

/* key + value shorthands; the _opt forms write nothing for NULL/absent. */
void jw_kstr(struct jw *w, const char *k, const char *s);
void jw_kstr_opt(struct jw *w, const char *k, const char *s);
void jw_kint(struct jw *w, const char *k, int64_t v);
void jw_kbool(struct jw *w, const char *k, bool v);
void jw_kmoney(struct jw *w, const char *k, int64_t pence);
void jw_ktime_opt(struct jw *w, const char *k, int64_t unix_ms); /* 0 = absent */

#endif
