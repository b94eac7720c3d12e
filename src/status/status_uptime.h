/* status_uptime: a component's last 90 days from its recorded history, for
 * the page's bars: each UTC day's worst state and the time spent in each
 * state, and the uptime over the whole window. */
#ifndef POSTROOM_STATUS_UPTIME_H
#define POSTROOM_STATUS_UPTIME_H
#include "status/status_db.h"

#include <stdbool.h>
#include <stdint.h>

#define STATUS_DAYS 90

/* States from best to worst, as a day's colour ranks them. */
enum status_rank {
    RANK_NODATA = -1, /* before the component existed */
    RANK_OPERATIONAL,
    RANK_MAINTENANCE,
    RANK_DEGRADED,
    RANK_PARTIAL,
    RANK_MAJOR,
    RANK_COUNT
};

struct status_day {
    int64_t start;          /* 00:00 UTC */
    int worst;              /* enum status_rank */
    int64_t ms[RANK_COUNT]; /* time spent in each state that day */
};

struct status_uptime {
    struct status_day day[STATUS_DAYS]; /* oldest first; the last is today */
    int64_t ms[RANK_COUNT];             /* over the 90 days, up to now */
};

int status_rank_of(const char *state);
/* The 90 days ending with now's day, up to now, of component id (created at
 * created, in state current now). false if the history could not be read. */
bool status_uptime_read(struct status_db *db, int64_t id, int64_t created, const char *current,
                        int64_t now_ms, struct status_uptime *u);
/* Uptime in hundredths of a percent, rounded down, as Statuspage counts it:
 * a major outage is downtime, a partial outage 30% downtime, anything else
 * up. -1 when no time is covered. */
int status_uptime_bp(const int64_t ms[RANK_COUNT]);

#endif
