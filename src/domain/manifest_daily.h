/* manifest_daily: when a business's automatic daily manifest is due
 * (Click & Drop's 18:30 each working day).
 *
 * A business sets a Europe/London wall-clock time and whether it runs on
 * working days (Monday to Friday) or every day. On a day it runs, the
 * manifest is due from that time until the day ends, once: the store
 * records the London day it last ran for, so a server that was down at the
 * time catches up when it comes back, and none runs it twice. */
#ifndef POSTROOM_MANIFEST_DAILY_H
#define POSTROOM_MANIFEST_DAILY_H
#include <stdbool.h>
#include <stdint.h>

#define MANIFEST_DAILY_DEFAULT_MINUTE (18 * 60 + 30)

struct manifest_daily {
    int64_t tenant_id;
    bool enabled;
    int minute;        /* London wall clock, minutes after midnight (0 to 1439) */
    bool working_days; /* Monday to Friday only; else every day */
    /* the London day ("YYYY-MM-DD") it last ran for, "" if never; then the
     * instant it ran and the manifest it made (0: nothing was eligible) */
    const char *last_day;
    int64_t last_at;
    int64_t last_manifest;
};

/* Whether the manifest of s is due at now; if so *day gets the London day
 * it is due for ("YYYY-MM-DD", 11 bytes), which the claim records. */
bool manifest_daily_due(const struct manifest_daily *s, int64_t now, char day[11]);
/* The next instant after now it will be due at (0 when it is off). */
int64_t manifest_daily_next(const struct manifest_daily *s, int64_t now);
/* "18:30" to 1110; false for anything but HH:MM from 00:00 to 23:59. */
bool manifest_daily_parse_time(const char *s, int *minute);

#endif
