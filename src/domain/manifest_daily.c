/* manifest_daily: the daily manifest's due time (see the header). */
#include "domain/manifest_daily.h"
#include "domain/london.h"

#include <string.h>

/* Whether s runs on that London day at all. */
static bool runs_on(const struct manifest_daily *s, int64_t day)
{
    return !s->working_days || london_weekday(day) < 5;
}

bool manifest_daily_due(const struct manifest_daily *s, int64_t now, char day[11])
{
    if (!s->enabled || s->minute < 0 || s->minute > 1439) return false;
    int64_t today = london_day(now);
    if (!runs_on(s, today) || now < london_at(today, s->minute)) return false;
    london_date(today, day, 11);
    /* "YYYY-MM-DD" strings order as the days do */
    return !s->last_day || strcmp(s->last_day, day) < 0;
}

int64_t manifest_daily_next(const struct manifest_daily *s, int64_t now)
{
    if (!s->enabled || s->minute < 0 || s->minute > 1439) return 0;
    char date[11];
    int64_t today = london_day(now);
    for (int64_t day = today; day < today + 8; day++) {
        if (!runs_on(s, day)) continue;
        int64_t at = london_at(day, s->minute);
        london_date(day, date, sizeof date);
        bool ran = s->last_day && strcmp(s->last_day, date) >= 0;
        /* today's, if not run yet: due now (at <= now) or later today */
        if (!ran && (day == today || at > now)) return at > now ? at : now;
    }
    return 0;
}

bool manifest_daily_parse_time(const char *s, int *minute)
{
    if (!s || strlen(s) != 5 || s[2] != ':') return false;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9')) return false;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 23 || m > 59) return false;
    *minute = h * 60 + m;
    return true;
}
