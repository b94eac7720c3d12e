/* fuzz_json_writer: the JSON writer's string escaping (util/buf.c), round
 * tripped through jansson.
 *
 * A fuzzed string is written with jw_str (as a key and as a value, the
 * C-string form every handler uses) and with jw_strn (every byte, NULs
 * included). The answer must always be valid JSON that jansson reads back;
 * when the input was valid UTF-8, it must read back to exactly the input
 * bytes; when it was not, every byte that starts no valid sequence must have
 * become one U+FFFD and everything else kept as it was. */
#include "fuzz_common.h"
#include "util/buf.h"

#include <jansson.h>

/* What the writer should make of s: the same bytes, with each byte that
 * starts no well-formed sequence replaced by EF BF BD. */
static unsigned char *expected(const unsigned char *s, size_t n, size_t *len)
{
    unsigned char *e = malloc(3 * n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t l = ref_utf8_sequence(s + i, n - i);
        if (l) {
            memcpy(e + o, s + i, l);
            o += l, i += l;
        } else {
            memcpy(e + o, "\xEF\xBF\xBD", 3);
            o += 3, i++;
        }
    }
    *len = o;
    return e;
}

static void check(const char *what, const json_t *v, const unsigned char *want, size_t wlen,
                  const char *json)
{
    FUZZ_CHECK(json_is_string(v), "%s: not a string in %.200s", what, json);
    size_t glen = json_string_length(v);
    FUZZ_CHECK(glen == wlen && memcmp(json_string_value(v), want, wlen) == 0,
               "%s: read back %zu bytes, want %zu: %.200s", what, glen, wlen, json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) return 0;
    char *s = fuzz_cstr(data, size);
    size_t clen = strlen(s); /* jw_str stops at the first NUL */
    struct arena a;
    arena_init(&a);
    struct buf b;
    buf_init(&b, &a);
    struct jw w;
    jw_init(&w, &b);
    jw_obj_open(&w);
    jw_kstr(&w, "v", s);
    jw_key(&w, "all");
    jw_strn(&w, s, size);
    jw_obj_close(&w);
    struct buf b2;
    buf_init(&b2, &a);
    struct jw w2;
    jw_init(&w2, &b2);
    jw_arr_open(&w2);
    jw_obj_open(&w2);
    jw_key(&w2, s); /* a fuzzed key, as the errors' fieldName paths are built from input */
    jw_int(&w2, 1);
    jw_obj_close(&w2);
    jw_arr_close(&w2);
    const char *json = buf_cstr(&b), *json2 = buf_cstr(&b2);
    json_error_t je;
    json_t *obj = json_loadb(json, b.len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    FUZZ_CHECK(obj, "the writer's output is not JSON (%s at %d): %.300s", je.text, je.position,
               json);
    json_t *arr = json_loadb(json2, b2.len, JSON_ALLOW_NUL, &je);
    FUZZ_CHECK(arr, "the writer's output is not JSON (%s): %.300s", je.text, json2);

    size_t elen, alen;
    unsigned char *e = expected((const unsigned char *)s, clen, &elen);
    unsigned char *ea = expected(data, size, &alen);
    bool valid = ref_utf8_valid((const unsigned char *)s, clen);
    if (valid) FUZZ_CHECK(elen == clen && memcmp(e, s, clen) == 0, "reference disagrees");
    check("jw_str", json_object_get(obj, "v"), e, elen, json);
    check("jw_strn", json_object_get(obj, "all"), ea, alen, json);
    const char *k;
    json_t *v;
    json_t *o1 = json_array_get(arr, 0);
    FUZZ_CHECK(json_object_size(o1) == 1, "the fuzzed key object has %zu members",
               json_object_size(o1));
    json_object_foreach(o1, k, v)
    {
        /* keys are C strings in jansson: compare up to the first NUL */
        FUZZ_CHECK(strlen(k) == elen && memcmp(k, e, elen) == 0, "the key reads back differently");
        FUZZ_CHECK(json_integer_value(v) == 1, "the value after a fuzzed key changed");
    }
    free(e);
    free(ea);
    json_decref(obj);
    json_decref(arr);
    arena_free(&a);
    free(s);
    return 0;
}
