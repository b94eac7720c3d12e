/* Unit tests of src/util: arena, buf and the JSON writer, timefmt, percent. */
#include "check.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/percent.h"
#include "util/timefmt.h"
#include "util/utf8.h"

#include <stdint.h>

static void test_arena(void)
{
    struct arena a;
    arena_init(&a);
    char *p = arena_alloc(&a, 10);
    CHECK(((uintptr_t)p & 15) == 0);
    CHECK(p[0] == 0 && p[9] == 0);
    char *big = arena_alloc(&a, 100000); /* larger than a block */
    big[99999] = 'x';
    CHECK_STR(arena_strdup(&a, "hello"), "hello");
    CHECK_STR(arena_strndup(&a, "hello", 3), "hel");
    CHECK_STR(arena_printf(&a, "%d-%s", 42, "x"), "42-x");
    CHECK(a.total >= 100000);
    arena_free(&a);
    CHECK(a.head == NULL && a.total == 0);
}

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

static void test_time(void)
{
    int64_t ms;
    char out[40];
    CHECK(time_parse_rfc3339("2026-11-29T10:00:00Z", &ms));
    CHECK_INT(ms, 1795946400000LL);
    CHECK(time_parse_rfc3339("2026-11-29T11:00:00+01:00", &ms));
    CHECK_INT(ms, 1795946400000LL);
    CHECK(time_parse_rfc3339("2026-11-29T10:00:00.5Z", &ms));
    CHECK_INT(ms, 1795946400500LL);
    CHECK(time_parse_rfc3339("2026-11-29T10:00:00", &ms)); /* no offset: UTC */
    CHECK_INT(ms, 1795946400000LL);
    CHECK(time_parse_rfc3339("2026-11-29", &ms));
    CHECK(time_parse_rfc3339("2024-02-29T00:00:00Z", &ms)); /* leap day */
    CHECK(!time_parse_rfc3339("2023-02-29T00:00:00Z", &ms));
    CHECK(!time_parse_rfc3339("2026-13-01T00:00:00Z", &ms));
    CHECK(!time_parse_rfc3339("2026-11-29T24:00:00Z", &ms));
    CHECK(!time_parse_rfc3339("2026-11-29T10:00:00ZZ", &ms));
    /* what generated clients and other languages send for a date-time */
    const char *same[] = {
        "2026-11-29T10:00:00.000000+0000", "2026-11-29T10:00:00+00:00", "2026-11-29t10:00:00z",
        "2026-11-29T10:00:00.000000000Z",  "2026-11-29T10:00Z",         "20261129T100000Z",
        "20261129T100000.0+0000",          "20261129T1000+00",          "2026-11-29T11:00:00+01",
        "2026-11-29T05:00:00-0500",        "2026-11-29 10:00:00 0000", /* '+' form-decoded */
        "2026-11-29T10:00:00,000Z",        "2026-11-29T10:00:00-00:00",
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        ms = 0;
        CHECK(time_parse_rfc3339(same[i], &ms));
        CHECK_INT(ms, 1795946400000LL);
    }
    CHECK(time_parse_rfc3339("2020-01-01T00:00:00.123456789+0000", &ms));
    CHECK_INT(ms, 1577836800123LL);
    CHECK(time_parse_rfc3339("20261129", &ms));
    CHECK_INT(ms, 1795910400000LL);
    const char *refused[] = {
        "2026-11-29T10:00:00.Z",
        "2026-11-29T10:00:00.1234567890Z",
        "2026-11-29T10",
        "20261129T10:00:00Z",
        "2026-11-29T100000Z",
        "2026-11-29T10:00:00+000",
        "2026-11-29T10:00:00+00:0",
        "2026-11-29T10:00:00+2400",
        "2026-11-29T10:00:00 ",
        "2026-11-29T10:00:00UTC",
        "2026/11/29",
        "29/11/2026",
        "2026-11-29T10:00:00+00:00Z",
        "202611291",
        "2026-1129",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        CHECK(!time_parse_rfc3339(refused[i], &ms));
    CHECK(!time_parse_rfc3339("yesterday", &ms));
    CHECK(!time_parse_rfc3339("", &ms));
    CHECK(!time_parse_rfc3339("2026-11-29T10:00:00+1:00", &ms));
    /* offsets that carry the instant out of the printable years */
    CHECK(!time_parse_rfc3339("9999-12-31T23:59:59-01:00", &ms));
    CHECK(!time_parse_rfc3339("1900-01-01T00:00:00+01:00", &ms));
    CHECK(time_parse_rfc3339("9999-12-31T23:59:59Z", &ms));
    CHECK(time_parse_rfc3339("1900-01-01T00:00:00Z", &ms));
    time_format_rfc3339(ms, out, sizeof out);
    CHECK_STR(out, "1900-01-01T00:00:00Z");
    time_format_rfc3339(1795946400000LL, out, sizeof out);
    CHECK_STR(out, "2026-11-29T10:00:00Z");
    time_format_rfc3339(-1, out, sizeof out);
    CHECK_STR(out, "1969-12-31T23:59:59.999Z");
}

static void test_percent(void)
{
    struct arena a;
    arena_init(&a);
    CHECK_STR(percent_decode(&a, "a%3Bb%20c", 9, false), "a;b c");
    CHECK_STR(percent_decode(&a, "a+b", 3, true), "a b");
    CHECK_STR(percent_decode(&a, "a+b", 3, false), "a+b");
    CHECK_STR(percent_decode(&a, "%C5%81ukasz", 11, false), "\xC5\x81ukasz");
    CHECK(percent_decode(&a, "%", 1, false) == NULL);
    CHECK(percent_decode(&a, "%4", 2, false) == NULL);
    CHECK(percent_decode(&a, "%zz", 3, false) == NULL);
    CHECK(percent_decode(&a, "a%00b", 5, false) == NULL);
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

static void test_utf8(void)
{
    CHECK(utf8_valid("plain", 5));
    CHECK(utf8_valid("Zo\xc3\xab \xce\x9f\xf0\x9f\x93\xa6", 11));
    CHECK(!utf8_valid("\xff", 1));
    CHECK(!utf8_valid("\xc3\x28", 2));         /* bad continuation */
    CHECK(!utf8_valid("\xc0\xaf", 2));         /* overlong */
    CHECK(!utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    CHECK(!utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
    CHECK(!utf8_valid("\xe2\x82", 2));         /* truncated */
    struct arena a;
    arena_init(&a);
    CHECK_STR(render(&a, doc_bad_utf8), "[\"ok \xc5\x81\",\"bad \\ufffd end\",\"cut \\ufffd\"]");
    arena_free(&a);
}

int main(void)
{
    test_utf8();
    test_arena();
    test_json_writer();
    test_time();
    test_percent();
    return check_report("test_util");
}
