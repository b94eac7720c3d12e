/* idlist: parser for ';'-separated identifiers and "quoted%20references",
 * sent raw or percent-encoded as a whole (see idlist.h). */
#include "api/idlist.h"
#include "util/percent.h"
#include "domain/order.h"
#include "util/utf8.h"

#include <string.h>

static const char *const ITEM_RULE =
    "Order identifiers are integers and references are quoted, percent-encoded strings of at "
    "most 40 characters, separated by ';'.";

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return n > 0;
}

static bool parse_item(struct arena *a, const char *s, size_t n, struct order_key *k)
{
    if (all_digits(s, n)) {
        if (n > 10) return false; /* identifiers are int32 in the spec */
        int64_t v = 0;
        for (size_t i = 0; i < n; i++)
            v = v * 10 + (s[i] - '0');
        if (v < 1 || v > 2147483647) return false;
        k->id = v;
        k->reference = NULL;
        return true;
    }
    if (n < 3 || s[0] != '"' || s[n - 1] != '"') return false;
    /* inside the quotes: percent-encoded, as the spec asks */
    const char *ref = percent_decode(a, s + 1, n - 2, false);
    if (!ref || !*ref || !utf8_valid(ref, strlen(ref)) || utf8_length(ref) > IDLIST_REFERENCE_MAX)
        return false;
    k->id = 0;
    k->reference = ref;
    return true;
}

/* The end of the item starting at s: the first ';' outside double quotes. */
static size_t item_length(const char *s)
{
    bool quoted = false;
    size_t i = 0;
    for (; s[i] && (quoted || s[i] != ';'); i++)
        if (s[i] == '"') quoted = !quoted;
    return i;
}

static int fail(struct arena *a, const char *why, const char *item, size_t n, const char **error,
                const char **bad_item)
{
    *error = why;
    *bad_item = item ? arena_strndup(a, item, n > 60 ? 60 : n) : NULL;
    return -1;
}

int idlist_parse(struct arena *a, const char *raw, struct order_key **keys, const char **error,
                 const char **bad_item)
{
    *bad_item = NULL;
    const char *list = raw;
    if (!strchr(raw, '"')) {
        list = percent_decode(a, raw, strlen(raw), false);
        if (!list) return fail(a, ITEM_RULE, raw, strlen(raw), error, bad_item);
    }
    if (!*list) return fail(a, "No order identifiers were given.", NULL, 0, error, bad_item);
    /* no more items than separators and one (fewer if quotes hold some) */
    size_t most = 1;
    for (const char *p = list; *p; p++)
        most += *p == ';';
    struct order_key *k = arena_alloc(a, (most < IDLIST_MAX ? most : IDLIST_MAX) * sizeof *k);
    int count = 0;
    for (const char *p = list;; p++) {
        size_t n = item_length(p);
        if (count == IDLIST_MAX)
            return fail(a, "At most 100 order identifiers can be given.", NULL, 0, error, bad_item);
        if (!parse_item(a, p, n, &k[count])) return fail(a, ITEM_RULE, p, n, error, bad_item);
        count++;
        p += n;
        if (!*p) break;
    }
    *keys = k;
    return count;
}
