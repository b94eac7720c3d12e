/* london: Europe/London days and wall-clock times (see the header). */
#include "domain/london.h"
#include "domain/breach.h"

#include <stdio.h>

#define HOUR_MS (3600LL * 1000)

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The civil date of a day since 1970-01-01 (H. Hinnant's algorithm, as
 * domain/breach.c has it). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int64_t london_day(int64_t unix_ms)
{
    int64_t local = unix_ms + (breach_london_is_bst(unix_ms) ? HOUR_MS : 0);
    return floor_div(local, LONDON_DAY_MS);
}

int64_t london_at(int64_t day, int minute)
{
    int64_t local = day * LONDON_DAY_MS + (int64_t)minute * 60000;
    if (breach_london_is_bst(local - HOUR_MS)) return local - HOUR_MS; /* BST, or October's first */
    /* GMT; or, in March's skipped hour, the GMT reading: an hour on in BST */
    return local;
}

int64_t london_midnight(int64_t day)
{
    return london_at(day, 0);
}

int london_weekday(int64_t day)
{
    return (int)(((day % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
}

void london_date(int64_t day, char *out, size_t n)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    snprintf(out, n, "%04lld-%02u-%02u", (long long)y, m, d);
}
