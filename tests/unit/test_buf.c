/* Unit tests of src/util/buf: the growing buffer and the JSON writer
 * (escapes, nesting, money, times, invalid UTF-8 replaced). */
#include "check.h"
#include "util/buf.h"

#include <stdint.h>
#include <stdio.h>

static const char *render(struct arena *a, void (*fn)(struct jw *))
{
    struct buf b;
    buf_init(&b, a);
    struct jw w;
    jw_init(&w, &b);
    fn(&w);
    return buf_cstr(&b);
}

static void doc_nested(struct jw *w)
{
    jw_obj_open(w);
    jw_kstr(w, "s", "a\"b\\c\n\x01");
    jw_kint(w, "i", -5);
    jw_key(w, "arr");
    jw_arr_open(w);
    jw_int(w, 1);
    jw_bool(w, true);
    jw_null(w);
    jw_obj_open(w);
    jw_obj_close(w);
    jw_arr_close(w);
    jw_kstr_opt(w, "absent", NULL);
    jw_kmoney(w, "m", 1349);
    jw_obj_close(w);
}

static void doc_money(struct jw *w)
{
    jw_arr_open(w);
    jw_money(w, 0);
    jw_money(w, 5);
    jw_money(w, 1050);
    jw_money(w, 99999900);
    jw_money(w, -250);
    jw_arr_close(w);
}

static void doc_time(struct jw *w)
{
    jw_arr_open(w);
    jw_time(w, 0);
    jw_time(w, 1795910400123LL);
    jw_arr_close(w);
}

static void test_json_writer(void)
{
    struct arena a;
    arena_init(&a);
    CHECK_STR(
        render(&a, doc_nested),
        "{\"s\":\"a\\\"b\\\\c\\u000a\\u0001\",\"i\":-5,\"arr\":[1,true,null,{}],\"m\":13.49}");
    CHECK_STR(render(&a, doc_money), "[0.00,0.05,10.50,999999.00,-2.50]");
    CHECK_STR(render(&a, doc_time), "[\"1970-01-01T00:00:00Z\",\"2026-11-29T00:00:00.123Z\"]");
    struct buf b;
    buf_init(&b, &a);
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%04d", i); /* growth across many blocks */
    CHECK_INT(b.len, 4000);
    CHECK(memcmp(b.data + 3996, "0999", 4) == 0);
    arena_free(&a);
}

static void doc_bad_utf8(struct jw *w)
{
    jw_arr_open(w);
    jw_str(w, "ok \xc5\x81");
    jw_str(w, "bad \xff end");
    jw_str(w, "cut \xc5");
    jw_arr_close(w);
}

static void test_json_writer_utf8(void)
{
    struct arena a;
    arena_init(&a);
    CHECK_STR(render(&a, doc_bad_utf8), "[\"ok \xc5\x81\",\"bad \\ufffd end\",\"cut \\ufffd\"]");
    arena_free(&a);
}

/* fmt_u64 (two digits a division) against printf, at every length and
 * around every power of ten; buf_add_i64 with its sign. */
static void test_fmt_u64(void)
{
    char got[24], want[24];
    uint64_t v = 1;
    for (int p = 0; p < 20; p++, v *= 10) {
        uint64_t around[] = {v - 1, v, v + 1, v * 3 + 7};
        for (int k = 0; k < 4; k++) {
            size_t n = fmt_u64(got, around[k]);
            got[n] = 0;
            snprintf(want, sizeof want, "%llu", (unsigned long long)around[k]);
            CHECK_STR(got, want);
        }
    }
    size_t n = fmt_u64(got, UINT64_MAX);
    got[n] = 0;
    CHECK_STR(got, "18446744073709551615");
    struct arena a;
    arena_init(&a);
    struct buf b;
    buf_init(&b, &a);
    buf_add_i64(&b, INT64_MIN);
    buf_addc(&b, ' ');
    buf_add_i64(&b, -42);
    buf_addc(&b, ' ');
    buf_add_i64(&b, 1796183001356);
    CHECK_STR(buf_cstr(&b), "-9223372036854775808 -42 1796183001356");
    arena_free(&a);
}

int main(void)
{
    test_json_writer_utf8();
    test_json_writer();
    test_fmt_u64();
    return check_report("test_buf");
}
