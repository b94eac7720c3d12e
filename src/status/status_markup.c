/* status_markup: escaping and times in words, for status_page.c and
 * status_feed.c. gmtime_r only: the page is in UTC, whatever the server's
 * zone. */
#include "status/status_markup.h"
#include "util/html_escape.h"
#include "util/timefmt.h"
#include "util/utf8.h"

#include <string.h>
#include <time.h>

void mk_esc(struct buf *b, const char *s)
{
    html_text(b, s);
}

static struct tm utc(int64_t ms)
{
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm;
}

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const wdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

void mk_date(struct buf *b, int64_t ms)
{
    struct tm tm = utc(ms);
    buf_printf(b, "%d %s %d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

void mk_clock(struct buf *b, int64_t ms)
{
    struct tm tm = utc(ms);
    buf_printf(b, "%02d:%02d UTC", tm.tm_hour, tm.tm_min);
}

void mk_when(struct buf *b, int64_t ms)
{
    mk_date(b, ms);
    buf_adds(b, ", ");
    mk_clock(b, ms);
}

void mk_rfc3339(struct buf *b, int64_t ms)
{
    char s[40];
    time_format_rfc3339(ms, s, sizeof s);
    buf_adds(b, s);
}

void mk_rfc822(struct buf *b, int64_t ms)
{
    struct tm tm = utc(ms);
    buf_printf(b, "%s, %02d %s %d %02d:%02d:%02d +0000", wdays[tm.tm_wday], tm.tm_mday,
               months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int64_t mk_day_start(int64_t ms)
{
    int64_t d = ms / STATUS_DAY_MS;
    if (ms < 0 && ms % STATUS_DAY_MS) d--;
    return d * STATUS_DAY_MS;
}

struct words {
    const char *key, *words;
};

static const char *lookup(const struct words *w, size_t n, const char *key)
{
    for (size_t i = 0; key && i < n; i++)
        if (!strcmp(w[i].key, key)) return w[i].words;
    return key ? key : "";
}

const char *mk_state_words(const char *state)
{
    static const struct words w[] = {
        {"operational", "Operational"},
        {"degraded_performance", "Degraded performance"},
        {"partial_outage", "Partial outage"},
        {"major_outage", "Major outage"},
        {"under_maintenance", "Under maintenance"},
    };
    return lookup(w, sizeof w / sizeof w[0], state);
}

const char *mk_status_words(const char *status)
{
    static const struct words w[] = {
        {"investigating", "Investigating"}, {"identified", "Identified"},
        {"monitoring", "Monitoring"},       {"resolved", "Resolved"},
        {"postmortem", "Postmortem"},       {"scheduled", "Scheduled"},
        {"in_progress", "In progress"},     {"verifying", "Verifying"},
        {"completed", "Completed"},
    };
    return lookup(w, sizeof w / sizeof w[0], status);
}
