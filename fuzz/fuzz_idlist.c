/* fuzz_idlist: the {orderIdentifiers} path segment (domain/idlist.c) against
 * a reference parser written from domain/idlist.h and docs/api.md.
 *
 * The reference: split on ';' (at most 100 items); an item of 1 to 10 digits
 * with a value in 1..2^31-1 is an identifier; an item wrapped in '"' or %22
 * at each end is a reference, percent-decoded (no '+' rule, no NUL), valid
 * UTF-8 and at most 40 code points; anything else fails the whole list.
 * Both must accept the same lists with the same keys in the same order, and
 * a failure must come with a message and a short offending item, which the
 * API echoes in its JSON error (checked to stay valid JSON). */
#include "domain/idlist.h"
#include "fuzz_common.h"
#include "util/buf.h"

#include <jansson.h>
#include <strings.h>

struct ref_key {
    int64_t id;
    unsigned char ref[256];
    size_t ref_len;
};

static bool strip(const unsigned char **s, size_t *n, bool leading)
{
    const unsigned char *p = leading ? *s : *s + *n - 3;
    if (*n >= 3 && p[0] == '%' && p[1] == '2' && p[2] == '2') {
        if (leading) *s += 3;
        *n -= 3;
        return true;
    }
    if (*n >= 1 && (leading ? (*s)[0] : (*s)[*n - 1]) == '"') {
        if (leading) *s += 1;
        *n -= 1;
        return true;
    }
    return false;
}

static size_t count_points(const unsigned char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += (s[i] & 0xC0) != 0x80;
    return c;
}

static bool ref_item(const unsigned char *s, size_t n, struct ref_key *k)
{
    if (n == 0) return false;
    size_t d = 0;
    while (d < n && s[d] >= '0' && s[d] <= '9')
        d++;
    if (d == n) {
        if (n > 10) return false;
        int64_t v = 0;
        for (size_t i = 0; i < n; i++)
            v = v * 10 + (s[i] - '0');
        if (v < 1 || v > 2147483647) return false;
        k->id = v;
        return true;
    }
    if (!strip(&s, &n, true) || !strip(&s, &n, false) || n == 0) return false;
    unsigned char *tmp = malloc(n);
    long m = ref_percent_decode(s, n, false, tmp);
    bool ok = m > 0 && ref_utf8_valid(tmp, (size_t)m) && count_points(tmp, (size_t)m) <= 40;
    if (ok) {
        k->id = 0;
        memcpy(k->ref, tmp, (size_t)m); /* <= 40 points of <= 4 bytes */
        k->ref_len = (size_t)m;
    }
    free(tmp);
    return ok;
}

/* -1 when the list is invalid, else the number of keys. */
static int ref_parse(const unsigned char *s, size_t n, struct ref_key *keys)
{
    if (n == 0) return -1;
    size_t count = 1;
    for (size_t i = 0; i < n; i++)
        count += s[i] == ';';
    if (count > 100) return -1;
    size_t start = 0, k = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != ';') continue;
        if (!ref_item(s + start, i - start, &keys[k++])) return -1;
        start = i + 1;
    }
    return (int)k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384) return 0;
    /* the server hands over a C string: a NUL never reaches the parser */
    if (memchr(data, 0, size)) return 0;
    char *raw = fuzz_cstr(data, size);
    static struct ref_key want[100];
    int nw = ref_parse(data, size, want);

    struct arena a;
    arena_init(&a);
    struct order_key *keys = NULL;
    const char *error = NULL, *bad = NULL;
    int n = idlist_parse(&a, raw, &keys, &error, &bad);
    FUZZ_CHECK(n == nw, "idlist_parse gives %d, the reference %d, for \"%.120s\"", n, nw, raw);
    if (n < 0) {
        FUZZ_CHECK(error && *error, "a failure without a message");
        if (bad) FUZZ_CHECK(strlen(bad) <= 60, "the echoed item is %zu bytes", strlen(bad));
        /* as the API's 400 answer carries it: valid JSON, whatever the bytes */
        struct buf b;
        buf_init(&b, &a);
        struct jw w;
        jw_init(&w, &b);
        jw_obj_open(&w);
        jw_kstr(&w, "message", error);
        jw_kstr_opt(&w, "item", bad);
        jw_obj_close(&w);
        json_error_t je;
        json_t *j = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &je);
        FUZZ_CHECK(j, "the error answer is not JSON (%s): %.200s", je.text, buf_cstr(&b));
        json_decref(j);
    } else {
        for (int i = 0; i < n; i++) {
            if (want[i].id) {
                FUZZ_CHECK(keys[i].id == want[i].id, "item %d: id %lld, want %lld", i,
                           (long long)keys[i].id, (long long)want[i].id);
            } else {
                FUZZ_CHECK(keys[i].id == 0 && keys[i].reference, "item %d: want a reference", i);
                FUZZ_CHECK(strlen(keys[i].reference) == want[i].ref_len &&
                               memcmp(keys[i].reference, want[i].ref, want[i].ref_len) == 0,
                           "item %d: reference \"%s\" differs from the reference parser's", i,
                           keys[i].reference);
            }
        }
    }
    arena_free(&a);
    free(raw);
    return 0;
}
