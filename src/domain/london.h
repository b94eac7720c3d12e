/* london: days and wall-clock times in Europe/London, for what a business
 * sees by its own clock (the dashboard's days, the daily manifest's time).
 *
 * A London day is named by its number of days since 1970-01-01; the zone
 * rule is util/timefmt.c's time_london_offset_ms (GMT, BST from 01:00 UTC
 * on the last Sunday of March to 01:00 UTC on the last Sunday of October). */
#ifndef POSTROOM_LONDON_H
#define POSTROOM_LONDON_H
#include <stddef.h>
#include <stdint.h>

#define LONDON_DAY_MS (86400LL * 1000)

/* The London day an instant (Unix ms) falls on. */
int64_t london_day(int64_t unix_ms);
/* The instant the London wall clock reads minute (0 to 1439) of day. A
 * time the clock skips in March (01:00 to 01:59) is read as the hour after
 * (01:30 is 02:30 BST); a time it shows twice in October is its first. */
int64_t london_at(int64_t day, int minute);
/* The instant day starts (its midnight, which no clock change touches). */
int64_t london_midnight(int64_t day);
/* 0 Monday ... 6 Sunday. */
int london_weekday(int64_t day);
/* "2026-12-01" (out holds at least 11 bytes). */
void london_date(int64_t day, char *out, size_t n);

#endif
