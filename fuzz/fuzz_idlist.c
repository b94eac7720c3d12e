/* fuzz_idlist: the {orderIdentifiers} path segment (domain/idlist.c).
 *
 * Two properties.
 *
 * 1. Against a reference parser written from domain/idlist.h and
 *    docs/api.md: a segment with no raw '"' is percent-decoded once as a
 *    whole (a generated client's encoding); then it is split on ';' outside
 *    double quotes (at most 100 items); an item of 1 to 10 digits with a
 *    value in 1..2^31-1 is an identifier; an item wrapped in '"' is a
 *    reference, percent-decoded (no '+' rule, no NUL), valid UTF-8 and at
 *    most 40 code points; anything else fails the whole list. Both must
 *    accept the same lists with the same keys in the same order, and a
 *    failure must come with a message and a short offending item, which the
 *    API echoes in its JSON error (checked to stay valid JSON).
 *
 * 2. Round trip: the input also describes a list of keys (identifiers and
 *    arbitrary valid UTF-8 references). Encoded as the spec asks (each
 *    reference percent-encoded inside its quotes, joined by ';') and then
 *    sent (a) as it stands, (b) percent-encoded once more as a whole by a
 *    generated client (encodeURIComponent's unreserved set) and (c) by Go's
 *    url.PathEscape (which leaves ';' raw), the parser must give back
 *    exactly that list each time. */
#include "api/idlist.h"
#include "fuzz_common.h"
#include "util/buf.h"

#include <jansson.h>
#include <strings.h>

struct ref_key {
    int64_t id;
    unsigned char ref[256];
    size_t ref_len;
};

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
    if (n < 3 || s[0] != '"' || s[n - 1] != '"') return false;
    unsigned char *tmp = malloc(n);
    long m = ref_percent_decode(s + 1, n - 2, false, tmp);
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
static int ref_parse(const unsigned char *in, size_t len, struct ref_key *keys)
{
    unsigned char *s = malloc(len + 1);
    long n = (long)len;
    if (memchr(in, '"', len))
        memcpy(s, in, len);
    else
        n = ref_percent_decode(in, len, false, s);
    int k = -1;
    if (n > 0) {
        size_t start = 0;
        bool quoted = false;
        k = 0;
        for (size_t i = 0; i <= (size_t)n; i++) {
            if (i < (size_t)n && (quoted || s[i] != ';')) {
                quoted ^= s[i] == '"';
                continue;
            }
            if (k == 100 || !ref_item(s + start, i - start, &keys[k])) {
                k = -1;
                break;
            }
            k++;
            start = i + 1;
        }
    }
    free(s);
    return k;
}

/* --- property 2: encode a list as clients do, decode it back */

static void put_escaped(struct buf *b, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    char e[3] = {'%', hex[c >> 4], hex[c & 15]};
    buf_add(b, e, 3);
}

/* encodeURIComponent's unreserved set, or url.PathEscape's (which also
 * leaves $&+,/:;=@ raw, though '/' never reaches a path parameter raw). */
static void percent_encode(struct buf *b, const char *s, size_t n, bool path_escape)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    strchr(path_escape ? "-_.~$&+,:;=@" : "-_.!~*'()", c);
        if (keep && c)
            buf_add(b, (const char *)&c, 1);
        else
            put_escaped(b, c);
    }
}

/* Up to 100 keys described by the input: a byte picks an identifier or a
 * reference; a reference takes the bytes up to a 0xFF (cut to valid UTF-8
 * of 1..40 code points without NUL). */
static int keys_from_input(const uint8_t *d, size_t n, struct ref_key *keys)
{
    int k = 0;
    size_t i = 0;
    while (i < n && k < 100) {
        uint8_t pick = d[i++];
        if (pick & 1) {
            uint32_t v = 0;
            for (int j = 0; j < 4 && i < n; j++)
                v = v << 8 | d[i++];
            keys[k].id = 1 + (int64_t)(v % 2147483647u);
            k++;
            continue;
        }
        size_t len = 0, points = 0;
        while (i < n && d[i] != 0xFF && points < 40) {
            size_t l = ref_utf8_sequence(d + i, n - i);
            if (!l || d[i] == 0) {
                i++;
                continue;
            }
            memcpy(keys[k].ref + len, d + i, l);
            len += l, i += l, points++;
        }
        if (i < n && d[i] == 0xFF) i++;
        if (!len) continue;
        keys[k].id = 0;
        keys[k].ref_len = len;
        k++;
    }
    return k;
}

static void check_round_trip(const uint8_t *data, size_t size)
{
    static struct ref_key keys[100];
    int nk = keys_from_input(data, size, keys);
    if (nk == 0) return;
    struct arena a;
    arena_init(&a);
    struct buf spec;
    buf_init(&spec, &a);
    for (int i = 0; i < nk; i++) {
        if (i) buf_add(&spec, ";", 1);
        if (keys[i].id) {
            buf_printf(&spec, "%lld", (long long)keys[i].id);
        } else {
            buf_add(&spec, "\"", 1);
            percent_encode(&spec, (const char *)keys[i].ref, keys[i].ref_len, false);
            buf_add(&spec, "\"", 1);
        }
    }
    for (int form = 0; form < 3; form++) {
        struct buf sent;
        buf_init(&sent, &a);
        if (form == 0)
            buf_add(&sent, spec.data, spec.len);
        else
            percent_encode(&sent, spec.data, spec.len, form == 2);
        struct order_key *got = NULL;
        const char *error = NULL, *bad = NULL;
        int n = idlist_parse(&a, buf_cstr(&sent), &got, &error, &bad);
        FUZZ_CHECK(n == nk, "form %d: %d keys sent as \"%.200s\", %d parsed (%s)", form, nk,
                   buf_cstr(&sent), n, n < 0 ? error : "");
        for (int i = 0; i < n; i++) {
            FUZZ_CHECK(got[i].id == keys[i].id, "form %d item %d: id %lld, sent %lld", form, i,
                       (long long)got[i].id, (long long)keys[i].id);
            if (!keys[i].id)
                FUZZ_CHECK(got[i].reference && strlen(got[i].reference) == keys[i].ref_len &&
                               !memcmp(got[i].reference, keys[i].ref, keys[i].ref_len),
                           "form %d item %d: reference differs in \"%.200s\"", form, i,
                           buf_cstr(&sent));
        }
    }
    arena_free(&a);
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
    check_round_trip(data, size);
    return 0;
}
