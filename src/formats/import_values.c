/* import_values: reading the text of spreadsheet cells (dates, money, kg,
 * yes/no, package sizes) exactly, without floating point or the C locale. */
#include "formats/import_impl.h"
#include "util/timefmt.h"
#include "util/utf8.h"

#include <stdio.h>
#include <string.h>

static bool iv_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads 1 to max digits at *p into *v, advancing *p. */
static bool iv_digits(const char **p, int min, int max, int *v)
{
    int n = 0, x = 0;
    while (n < max && iv_digit((*p)[n]))
        x = x * 10 + ((*p)[n++] - '0');
    if (n < min || iv_digit((*p)[n])) return false;
    *p += n;
    *v = x;
    return true;
}

static bool iv_lower_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y) return false;
    }
    return !*a && !*b;
}

/* A calendar date and time of day to an instant (the time read as UTC),
 * through the RFC 3339 parser so that the range and the days of the month
 * are checked once. */
struct iv_time {
    int h, mi, s;
};

static bool iv_civil(int y, int m, int d, struct iv_time t, int64_t *unix_ms)
{
    if (y < 100) y += 2000; /* two-digit years are this century's */
    char text[32];
    snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, t.h, t.mi, t.s);
    return y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31 && t.h <= 23 &&
           t.mi <= 59 && t.s <= 59 && time_parse_rfc3339(text, unix_ms);
}

/* What may follow a day: nothing (midnight), or a space and the time of
 * day as spreadsheets write it, "14:05" or "14:05:33" ("9:05" too). */
static bool iv_time_of_day(const char *p, struct iv_time *t)
{
    *t = (struct iv_time){0, 0, 0};
    if (!*p) return true;
    if (*p++ != ' ') return false;
    while (*p == ' ')
        p++;
    if (!iv_digits(&p, 1, 2, &t->h) || *p++ != ':' || !iv_digits(&p, 2, 2, &t->mi)) return false;
    if (*p == ':' && (p++, !iv_digits(&p, 2, 2, &t->s))) return false;
    return !*p;
}

/* dd/mm/yy[yy] or, swapped, mm/dd/yy[yy], each with an optional time. */
static bool iv_slashed(const char *s, bool month_first, int64_t *unix_ms)
{
    int a, b, y;
    const char *p = s;
    if (!iv_digits(&p, 1, 2, &a) || *p++ != '/' || !iv_digits(&p, 1, 2, &b) || *p++ != '/')
        return false;
    const char *ys = p;
    struct iv_time t;
    if (!iv_digits(&p, 2, 4, &y) || (p - ys) == 3 || !iv_time_of_day(p, &t)) return false;
    return month_first ? iv_civil(y, a, b, t, unix_ms) : iv_civil(y, b, a, t, unix_ms);
}

static int iv_month(const char *s)
{
    static const char *const names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
    char m[4] = {s[0], s[0] ? s[1] : 0, s[0] && s[1] ? s[2] : 0, 0};
    for (int i = 0; i < 12; i++)
        if (iv_lower_eq(m, names[i])) return i + 1;
    return 0;
}

/* eBay's Mar-01-24 (US reports) or 01-Mar-24 (UK reports), either year width. */
static bool iv_ebay(const char *s, int64_t *unix_ms)
{
    int d, y, m;
    const char *p = s;
    if ((m = iv_month(p)) != 0) {
        p += 3;
        if (*p++ != '-' || !iv_digits(&p, 1, 2, &d)) return false;
    } else {
        if (!iv_digits(&p, 1, 2, &d) || *p++ != '-' || !(m = iv_month(p))) return false;
        p += 3;
    }
    const char *ys = p + 1;
    struct iv_time t;
    if (*p++ != '-' || !iv_digits(&p, 2, 4, &y) || (p - ys) == 3 || !iv_time_of_day(p, &t))
        return false;
    return iv_civil(y, m, d, t, unix_ms);
}

/* 2024-03-01, 2024-03-01 10:15, 2024-03-01 10:15:00 +0000, RFC 3339:
 * rewritten into RFC 3339 and read by the one parser. */
static bool iv_iso(const char *s, int64_t *unix_ms)
{
    size_t n = strlen(s);
    if (n < 10 || n > 40) return false;
    char t[48];
    memcpy(t, s, 10);
    size_t o = 10;
    const char *p = s + 10;
    if (*p) {
        if (*p != ' ' && *p != 'T' && *p != 't') return false;
        p++;
        t[o++] = 'T';
        size_t tl = strspn(p, "0123456789:");
        if (tl != 5 && tl != 8) return false;
        memcpy(t + o, p, tl);
        o += tl;
        p += tl;
        if (tl == 5) memcpy(t + o, ":00", 3), o += 3;
        if (*p == '.') {
            size_t fl = 1 + strspn(p + 1, "0123456789");
            if (fl > 10) return false;
            memcpy(t + o, p, fl);
            o += fl;
            p += fl;
        }
        if (*p == ' ') p++;
        if ((*p == '+' || *p == '-') && strlen(p) == 5 && strspn(p + 1, "0123456789") == 4) {
            /* +0000 -> +00:00 */
            t[o++] = p[0], t[o++] = p[1], t[o++] = p[2], t[o++] = ':', t[o++] = p[3];
            t[o++] = p[4];
        } else {
            size_t rest = strlen(p);
            if (rest > 6) return false;
            memcpy(t + o, p, rest);
            o += rest;
        }
    }
    t[o] = 0;
    return time_parse_rfc3339(t, unix_ms);
}

bool import_parse_date(enum import_dates style, const char *s, int64_t *unix_ms)
{
    switch (style) {
    /* a year first cannot be mistaken: ISO dates read in every layout */
    case DATES_DMY:
        return iv_slashed(s, false, unix_ms) || iv_iso(s, unix_ms);
    case DATES_MDY:
        return iv_slashed(s, true, unix_ms) || iv_iso(s, unix_ms);
    case DATES_ISO:
        return iv_iso(s, unix_ms);
    case DATES_EBAY:
        return iv_ebay(s, unix_ms) || iv_iso(s, unix_ms);
    }
    return false;
}

const char *import_date_hint(enum import_dates style)
{
    switch (style) {
    case DATES_DMY:
        return "dd/mm/yy or dd/mm/yyyy, a time hh:mm may follow";
    case DATES_MDY:
        return "mm/dd/yy or mm/dd/yyyy, a time hh:mm may follow";
    case DATES_ISO:
        return "yyyy-mm-dd or yyyy-mm-dd hh:mm:ss";
    case DATES_EBAY:
        return "Mar-01-24 or 01-Mar-24";
    }
    return "";
}

/* A decimal with up to max_frac decimals and up to 9 integer digits, as an
 * integer scaled by 10^max_frac. */
static bool iv_decimal(const char *p, int max_frac, int64_t *scaled)
{
    int64_t v = 0;
    int n = 0;
    while (iv_digit(*p) && n < 10)
        v = v * 10 + (*p++ - '0'), n++;
    if (n == 0 || n > 9) return false;
    int f = 0;
    if (*p == '.') {
        p++;
        while (iv_digit(*p) && f < max_frac)
            v = v * 10 + (*p++ - '0'), f++;
        if (f == 0) return false;
    }
    if (*p) return false;
    for (; f < max_frac; f++)
        v *= 10;
    *scaled = v;
    return true;
}

/* Thousands separators, as spreadsheets format money: "1,234.50" and
 * "12,345,678" to "1234.50" and "12345678". Groups after the first must
 * be exactly three digits, and the first one to three, so "1,23" or
 * "12,50" (a decimal comma, or a typo) are not read as thousands. False
 * when the commas are not such separators. */
static bool iv_ungroup(const char *s, char *out, size_t n)
{
    const char *dot = strchr(s, '.');
    size_t int_len = dot ? (size_t)(dot - s) : strlen(s), o = 0, run = 0;
    bool grouped = false;
    for (size_t i = 0; i < int_len; i++) {
        if (s[i] == ',') {
            if (run == 0 || run > 3 || (grouped && run != 3)) return false;
            grouped = true;
            run = 0;
            continue;
        }
        if (o + 1 >= n) return false;
        out[o++] = s[i];
        run++;
    }
    if (grouped && run != 3) return false;
    size_t rest = strlen(s + int_len);
    if (o + rest + 1 > n || strchr(s + int_len, ',')) return false;
    memcpy(out + o, s + int_len, rest + 1);
    return true;
}

/* "12", "12.5", "12.50", "1,234.50", "£12.50", "£1,234.50", "$12.50",
 * "€12.50"; the symbol, when there is one, gives *currency (else NULL). */
bool import_parse_money(const char *s, int64_t *pence, const char **currency)
{
    static const struct {
        const char *symbol, *code;
    } symbols[] = {{"\xC2\xA3", "GBP"}, {"US$", "USD"}, {"$", "USD"}, {"\xE2\x82\xAC", "EUR"}};
    *currency = NULL;
    for (size_t i = 0; i < sizeof symbols / sizeof *symbols; i++) {
        size_t n = strlen(symbols[i].symbol);
        if (strncmp(s, symbols[i].symbol, n) == 0) {
            s += n;
            *currency = symbols[i].code;
            break;
        }
    }
    while (*s == ' ')
        s++;
    char plain[32];
    if (strchr(s, ',')) {
        if (!iv_ungroup(s, plain, sizeof plain)) return false;
        s = plain;
    }
    return iv_decimal(s, 2, pence);
}

bool import_parse_kg(const char *s, int64_t *grams)
{
    return iv_decimal(s, 3, grams);
}

bool import_parse_bool(const char *s, bool *value)
{
    static const char *const yes[] = {"true", "y", "yes", "1"}, *const no[] = {"false", "n", "no",
                                                                               "0"};
    for (size_t i = 0; i < 4; i++) {
        if (iv_lower_eq(s, yes[i])) return *value = true, true;
        if (iv_lower_eq(s, no[i])) return *value = false, true;
    }
    return false;
}

bool import_parse_quantity(const char *s, int64_t *q)
{
    int64_t v;
    if (!iv_decimal(s, 0, &v) || v < 1 || v > 999999) return false;
    *q = v;
    return true;
}

/* Click & Drop's package sizes as people write them ("Large letter",
 * "large-letter", "largeLetter"); printed papers are the API's documents. */
const char *import_package_format(const char *s)
{
    static const struct {
        const char *text, *format;
    } sizes[] = {{"letter", "letter"},           {"largeletter", "largeLetter"},
                 {"smallparcel", "smallParcel"}, {"mediumparcel", "mediumParcel"},
                 {"largeparcel", "largeParcel"}, {"parcel", "parcel"},
                 {"printedpapers", "documents"}, {"documents", "documents"}};
    char k[24];
    size_t n = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == '-' || *s == '_') continue;
        if (n == sizeof k - 1) return NULL;
        k[n++] = *s;
    }
    k[n] = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        if (iv_lower_eq(k, sizes[i].text)) return sizes[i].format;
    return NULL;
}

const char *import_echo(struct arena *a, const char *s)
{
    size_t n = strlen(s);
    if (n <= 40) return s;
    size_t cut = 37;
    while (cut && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    return arena_printf(a, "%.*s...", (int)cut, s);
}
