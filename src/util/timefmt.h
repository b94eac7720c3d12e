/* timefmt: RFC 3339 date-times to and from Unix milliseconds (UTC). */
#ifndef POSTROOM_TIMEFMT_H
#define POSTROOM_TIMEFMT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The instants accepted, in seconds: 1900-01-01T00:00:00Z to
 * 9999-12-31T23:59:59Z, so that every accepted date prints and parses back. */
#define TIME_MIN_S (-2208988800LL)
#define TIME_MAX_S 253402300799LL

/* Parses the date-times clients send for the spec's `date-time`: RFC 3339
 * and ISO 8601 in the extended or basic form, date and time in the same
 * form: "YYYY-MM-DD[Thh:mm[:ss][.f]][zone]" or "YYYYMMDD[Thhmm[ss][.f]][zone]",
 * with 'T', 't' or a space between date and time, a fraction of 1 to 9
 * digits after '.' or ',' (kept to the millisecond), and zone "Z"/"z",
 * "+hh:mm", "+hhmm" or "+hh" (or '-'); no zone means UTC. A space in the
 * sign's place reads as '+', which a query string's form decoding turns
 * into a space. Rejects anything else, impossible dates and instants outside
 * the range above included. */
bool time_parse_rfc3339(const char *s, int64_t *unix_ms);
/* Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" (the fraction only when non-zero). */
void time_format_rfc3339(int64_t unix_ms, char *out, size_t n);
/* Europe/London's offset from UTC at an instant, in ms: an hour of British
 * Summer Time from the last Sunday of March to the last Sunday of October,
 * both at 01:00 UTC (the rule since 1996), else 0. The pages' dates. */
int64_t time_london_offset_ms(int64_t utc_ms);
/* Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
 * Hinnant's algorithms): the one calendar every module's dates use. */
int64_t time_days_from_civil(int64_t y, int m, int d);
void time_civil_from_days(int64_t days, int *y, int *m, int *d);
int64_t time_now_ms(void);
double time_mono_s(void);

#endif
