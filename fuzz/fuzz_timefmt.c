/* fuzz_timefmt: RFC 3339 date-times (util/timefmt.c).
 *
 * Properties:
 *  - whatever the parser accepts has a shape util/timefmt.h documents
 *    (shape_ok below), with a real calendar date;
 *  - what the server prints it accepts back: format(parse(s)) parses again
 *    to the same instant. Stored dates are written out with
 *    time_format_rfc3339, so a date the parser accepts but the formatter
 *    cannot print (or the parser cannot read back) reaches clients as a
 *    broken or lost date;
 *  - formatting any instant from 1900 to 9999 gives 20 or 24 characters
 *    that parse back to the same instant. */
#include "fuzz_common.h"
#include "util/timefmt.h"

static bool dig(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* The shapes timefmt.h documents, checked independently: a date in the
 * extended (YYYY-MM-DD) or basic (YYYYMMDD) form; optionally T/t/space and
 * a time of the same form with or without seconds, a fraction of 1-9 digits
 * after '.' or ','; then nothing (UTC), Z/z, or an offset sign (+, -, or a
 * space standing for a form-decoded +) and hh, hhmm or hh:mm. */
static bool zone_ok(const char *p)
{
    if (!*p) return true;
    if (*p == 'Z' || *p == 'z') return p[1] == 0;
    if (!strchr("+- ", *p)) return false;
    size_t n = strlen(p + 1);
    if (!dig(p + 1, 2)) return false;
    return n == 2 || (n == 4 && dig(p + 3, 2)) || (n == 5 && p[3] == ':' && dig(p + 4, 2));
}

static bool shape_ok(const char *s)
{
    size_t n = strlen(s);
    bool basic;
    const char *p;
    if (n >= 10 && dig(s, 4) && s[4] == '-' && dig(s + 5, 2) && s[7] == '-' && dig(s + 8, 2))
        basic = false, p = s + 10;
    else if (n >= 8 && dig(s, 8))
        basic = true, p = s + 8;
    else
        return false;
    if (!*p) return true;
    if (!strchr("Tt ", *p)) return false;
    p++;
    if (!dig(p, 2)) return false;
    p += 2;
    if (!basic && *p++ != ':') return false;
    if (!dig(p, 2)) return false;
    p += 2;
    if (basic ? dig(p, 2) : (*p == ':' && dig(p + 1, 2))) p += basic ? 2 : 3;
    if (*p == '.' || *p == ',') {
        p++;
        int nd = 0;
        while (dig(p, 1))
            p++, nd++;
        if (nd < 1 || nd > 9) return false;
    }
    return zone_ok(p);
}

#define MS_1900 (-2208988800000LL)
#define MS_10000 (253402300800000LL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 128) return 0;
    char *s = fuzz_cstr(data, size);
    int64_t ms = 0, again = 0;
    char out[64];
    if (time_parse_rfc3339(s, &ms)) {
        FUZZ_CHECK(shape_ok(s), "accepted a date-time of the wrong shape: \"%s\"", s);
        time_format_rfc3339(ms, out, sizeof out);
        FUZZ_CHECK(time_parse_rfc3339(out, &again),
                   "accepted \"%s\" but prints it as \"%s\", which it does not accept", s, out);
        FUZZ_CHECK(again == ms, "\"%s\" -> %lld -> \"%s\" -> %lld", s, (long long)ms, out,
                   (long long)again);
    }
    /* any instant of the years the parser takes, printed and read back */
    if (size >= 8) {
        uint64_t u;
        memcpy(&u, data, 8);
        int64_t t = MS_1900 + (int64_t)(u % (uint64_t)(MS_10000 - MS_1900));
        time_format_rfc3339(t, out, sizeof out);
        size_t len = strlen(out);
        FUZZ_CHECK(len == 20 || len == 24, "%lld prints as \"%s\"", (long long)t, out);
        FUZZ_CHECK(time_parse_rfc3339(out, &again) && again == t, "%lld -> \"%s\" -> %lld",
                   (long long)t, out, (long long)again);
        /* a short buffer is cut, never overrun */
        char small[8];
        time_format_rfc3339(t, small, (size_t)(data[0] % 9));
    }
    free(s);
    return 0;
}
