/* timefmt: strict RFC 3339 parsing and formatting without the C locale or TZ. */
#include "util/timefmt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
int64_t time_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void time_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

/* The date part: "YYYY-MM-DD" (extended) or "YYYYMMDD" (basic). Sets
 * *basic to the form it found; returns the characters read, 0 if none. */
static size_t parse_date(const char *s, int *Y, int *M, int *D, bool *basic)
{
    if (!digits(s, 4, Y)) return 0;
    if (s[4] == '-') {
        if (!digits(s + 5, 2, M) || s[7] != '-' || !digits(s + 8, 2, D)) return 0;
        *basic = false;
        return 10;
    }
    if (!digits(s + 4, 2, M) || !digits(s + 6, 2, D)) return 0;
    *basic = true;
    return 8;
}

/* "HH:MM[:SS]" extended or "HHMM[SS]" basic, the date's form. */
static size_t parse_clock(const char *s, bool basic, int *h, int *mi, int *sec)
{
    size_t sep = basic ? 0 : 1;
    if (!digits(s, 2, h) || (!basic && s[2] != ':') || !digits(s + 2 + sep, 2, mi)) return 0;
    size_t n = 4 + sep;
    *sec = 0;
    if ((basic && s[n] >= '0' && s[n] <= '9') || (!basic && s[n] == ':')) {
        if (!digits(s + n + sep, 2, sec)) return 0;
        n += 2 + sep;
    }
    return n;
}

/* A fraction of 1 to 9 digits after '.' or ',' (ISO 8601's decimal sign),
 * kept to the millisecond. */
static size_t parse_fraction(const char *s, int *ms)
{
    if (*s != '.' && *s != ',') return 0;
    size_t nd = 0;
    int frac = 0;
    while (s[1 + nd] >= '0' && s[1 + nd] <= '9') {
        if (nd < 3) frac = frac * 10 + (s[1 + nd] - '0');
        nd++;
    }
    if (nd == 0 || nd > 9) return (size_t)-1;
    for (size_t i = nd; i < 3; i++)
        frac *= 10;
    *ms = frac;
    return 1 + nd;
}

/* "Z", or an offset "+hh:mm", "+hhmm" or "+hh" (either sign). A space in
 * the sign's place is a '+' that a query string's form decoding turned into
 * a space. Minutes east of UTC in *off; false for anything else. */
static bool parse_zone(const char *p, int *off)
{
    *off = 0;
    if (!*p) return true; /* no offset: UTC */
    if ((*p == 'Z' || *p == 'z') && !p[1]) return true;
    if (*p != '+' && *p != '-' && *p != ' ') return false;
    int oh, om = 0;
    size_t n = strlen(p + 1);
    if (!digits(p + 1, 2, &oh)) return false;
    if (n == 5 && p[3] == ':' && digits(p + 4, 2, &om)) {
    } else if (n == 4 && digits(p + 3, 2, &om)) {
    } else if (n != 2) {
        return false;
    }
    if (oh > 23 || om > 59) return false;
    *off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
    return true;
}

bool time_parse_rfc3339(const char *s, int64_t *unix_ms)
{
    int Y, M, D, h = 0, mi = 0, sec = 0, ms = 0, off = 0;
    bool basic;
    size_t n = parse_date(s, &Y, &M, &D, &basic);
    if (!n) return false;
    if (Y < 1900 || Y > 9999 || M < 1 || M > 12 || D < 1 || D > days_in_month(Y, M)) return false;
    const char *p = s + n;
    if (*p) {
        if (*p != 'T' && *p != 't' && *p != ' ') return false;
        p++;
        size_t c = parse_clock(p, basic, &h, &mi, &sec);
        if (!c) return false;
        p += c;
        size_t f = parse_fraction(p, &ms);
        if (f == (size_t)-1) return false;
        p += f;
        if (h > 23 || mi > 59 || sec > 60) return false;
        if (sec == 60) sec = 59; /* leap second: clamp rather than reject */
        if (!parse_zone(p, &off)) return false;
    }
    int64_t days = time_days_from_civil(Y, M, D);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - (int64_t)off * 60;
    /* an offset can carry the instant out of the years that print back
     * (1900-9999 in UTC): such a date could be stored but never answered */
    if (secs < TIME_MIN_S || secs > TIME_MAX_S) return false;
    *unix_ms = secs * 1000 + ms;
    return true;
}

void time_format_rfc3339(int64_t unix_ms, char *out, size_t n)
{
    int64_t secs = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000;
    int ms = (int)(unix_ms - secs * 1000);
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int rem = (int)(secs - days * 86400);
    int y, m, d;
    time_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        snprintf(out, n, "invalid");
        return;
    }
    /* by hand: this runs for every date of every order written out */
    char t[32] = "0000-00-00T00:00:00.000Z";
    int fields[] = {y / 100, y % 100, m, d, rem / 3600, rem / 60 % 60, rem % 60};
    int pos[] = {0, 2, 5, 8, 11, 14, 17};
    for (int i = 0; i < 7; i++) {
        t[pos[i]] = (char)('0' + fields[i] / 10);
        t[pos[i] + 1] = (char)('0' + fields[i] % 10);
    }
    size_t len = 20;
    if (ms) {
        t[20] = (char)('0' + ms / 100);
        t[21] = (char)('0' + ms / 10 % 10);
        t[22] = (char)('0' + ms % 10);
        len = 24;
    } else {
        t[19] = 'Z';
    }
    t[len] = 0;
    if (n) {
        size_t c = len < n - 1 ? len : n - 1;
        memcpy(out, t, c);
        out[c] = 0;
    }
}

#define LONDON_DAY_MS 86400000LL
#define LONDON_HOUR_MS 3600000LL

/* The last Sunday of a month of 31 days (March, October) at 01:00 UTC. */
static int64_t last_sunday_1am(int64_t y, int m)
{
    int64_t day = time_days_from_civil(y, m, 31);
    int64_t wd = ((day % 7) + 11) % 7; /* 0 = Sunday; 1970-01-01 was a Thursday */
    return (day - wd) * LONDON_DAY_MS + LONDON_HOUR_MS;
}

int64_t time_london_offset_ms(int64_t utc_ms)
{
    int64_t day =
        utc_ms >= 0 ? utc_ms / LONDON_DAY_MS : (utc_ms - LONDON_DAY_MS + 1) / LONDON_DAY_MS;
    int y, m, d;
    time_civil_from_days(day, &y, &m, &d);
    return utc_ms >= last_sunday_1am(y, 3) && utc_ms < last_sunday_1am(y, 10) ? LONDON_HOUR_MS : 0;
}

int64_t time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double time_mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
