/* london: Europe/London days and wall-clock times (see the header). */
#include "domain/london.h"
#include "util/timefmt.h"

#include <stdio.h>

#define HOUR_MS (3600LL * 1000)

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t london_day(int64_t unix_ms)
{
    int64_t local = unix_ms + (time_london_offset_ms(unix_ms));
    return floor_div(local, LONDON_DAY_MS);
}

int64_t london_at(int64_t day, int minute)
{
    int64_t local = day * LONDON_DAY_MS + (int64_t)minute * 60000;
    if (time_london_offset_ms(local - HOUR_MS))
        return local - HOUR_MS; /* BST, or October's first */
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
    int y, m, d;
    time_civil_from_days(day, &y, &m, &d);
    snprintf(out, n, "%04d-%02d-%02d", y, m, d);
}
