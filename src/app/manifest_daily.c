/* manifest_daily: the daily manifest's rounds in the server (see the
 * header). The housekeeper calls app_housekeeping every 200 ms; a round
 * runs once per interval. Its arena lives for one round. */
#include "app/manifest_daily.h"
#include "app/audit_cmd.h"
#include "service/manifest_daily.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/timefmt.h"

#include <stdio.h>
#include <stdlib.h>

static double interval_s(void)
{
    const char *e = getenv("POSTROOM_MANIFEST_CHECK_SECONDS");
    double v = e ? atof(e) : 0;
    return v > 0 ? v : 60;
}

static void round_now(struct store *s)
{
    struct arena a;
    arena_init(&a);
    struct manifest_daily_round r;
    enum service_rc rc = service_manifest_daily_round(s, &a, time_now_ms(), &r);
    if (r.claimed || r.failed || rc != SERVICE_OK) {
        char extra[128];
        snprintf(extra, sizeof extra, "\"claimed\":%zu,\"made\":%zu,\"failed\":%zu", r.claimed,
                 r.made, r.failed);
        log_json(rc == SERVICE_OK && !r.failed ? "info" : "error", "daily manifests", extra);
    }
    arena_free(&a);
}

void app_housekeeping(struct store *s, const struct server_config *c)
{
    audit_housekeeping(s, c);
    /* only the housekeeper thread calls this */
    static double every = 0, last = -1;
    if (!every) every = interval_s();
    double t = time_mono_s();
    if (last >= 0 && t - last < every) return;
    last = t;
    round_now(s);
}
