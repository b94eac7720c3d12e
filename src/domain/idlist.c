/* idlist: parser for ';'-separated identifiers and "quoted%20references". */
#include "domain/idlist.h"
#include "util/percent.h"
#include "util/utf8.h"
#include "domain/order.h"

#include <string.h>

static bool strip_quote(const char **s, size_t *n, bool leading)
{
    if (*n >= 3 && strncasecmp(leading ? *s : *s + *n - 3, "%22", 3) == 0) {
        if (leading) *s += 3;
        *n -= 3;
        return true;
    }
    if (*n >= 1 && (leading ? **s : (*s)[*n - 1]) == '"') {
        if (leading) *s += 1;
        *n -= 1;
        return true;
    }
    return false;
}

static int parse_item(struct arena *a, const char *s, size_t n, struct order_key *k)
{
    if (n == 0) return -1;
    bool digits = true;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') digits = false;
    if (digits) {
        if (n > 10) return -1; /* identifiers are int32 in the spec */
        int64_t v = 0;
        for (size_t i = 0; i < n; i++)
            v = v * 10 + (s[i] - '0');
        if (v < 1 || v > 2147483647) return -1;
        k->id = v;
        return 0;
    }
    const char *p = s;
    size_t m = n;
    if (!strip_quote(&p, &m, true) || !strip_quote(&p, &m, false) || m == 0) return -1;
    char *ref = percent_decode(a, p, m, false);
    if (!ref || !utf8_valid(ref, strlen(ref)) || utf8_length(ref) > 40) return -1;
    k->id = 0;
    k->reference = ref;
    return 0;
}

int idlist_parse(struct arena *a, const char *raw, struct order_key **keys, const char **error,
                 const char **bad_item)
{
    *bad_item = NULL;
    size_t len = strlen(raw);
    if (len == 0) {
        *error = "No order identifiers were given.";
        return -1;
    }
    size_t count = 1;
    for (size_t i = 0; i < len; i++)
        count += raw[i] == ';';
    if (count > IDLIST_MAX) {
        *error = "At most 100 order identifiers can be given.";
        return -1;
    }
    struct order_key *k = arena_alloc(a, count * sizeof *k);
    const char *p = raw;
    for (size_t i = 0; i < count; i++) {
        size_t n = strcspn(p, ";");
        if (parse_item(a, p, n, &k[i]) != 0) {
            *error = "Order identifiers are integers and references are quoted, "
                     "percent-encoded strings of at most 40 characters, separated by ';'.";
            *bad_item = arena_strndup(a, p, n > 60 ? 60 : n);
            return -1;
        }
        p += n + 1;
    }
    *keys = k;
    return (int)count;
}
