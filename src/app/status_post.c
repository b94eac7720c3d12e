/* status_post: incidents on the status site for kill switches. */
#include "app/status_post.h"
#include "app/tripwire.h"
#include "http/request.h"
#include "http/server.h"
#include "status/status_db.h"
#include "store/store_breach.h"
#include "util/log.h"
#include "util/timefmt.h"

#include <stdio.h>
#include <string.h>

void status_post_subject(int64_t tenant_id, const char *feature, char *out, size_t n)
{
    snprintf(out, n, "killswitch:%lld:%s", (long long)tenant_id, feature ? feature : "");
}

/* The status site's components a switch stops (names as status_db makes them). */
static int components_of(const char *feature, const char **out)
{
    if (!feature || !*feature) {
        out[0] = "API", out[1] = "Web app", out[2] = "Labels", out[3] = "Imports";
        return 4;
    }
    if (!strcmp(feature, "api"))
        out[0] = "API";
    else if (!strcmp(feature, "labels"))
        out[0] = "Labels";
    else if (!strcmp(feature, "imports"))
        out[0] = "Imports";
    else
        out[0] = "Web app"; /* web, exports */
    return 1;
}

bool status_post_switch_on(struct store *s, const char *status_db, int64_t tenant_id,
                           const char *feature, const char *reason, int64_t now, int64_t *incident)
{
    *incident = 0;
    if (!status_db) return true;
    char subject[64];
    status_post_subject(tenant_id, feature, subject, sizeof subject);
    int64_t open_one = 0;
    int got = store_operator_status_post_get(s, subject, &open_one);
    if (got == STORE_OK) return true; /* that switch's incident is already up */
    if (got != STORE_NOTFOUND) return false;
    struct status_db *db;
    if (status_db_open(status_db, true, &db) != STATUS_OK) return false;
    const char *comps[4];
    int nc = components_of(feature, comps);
    bool global = tenant_id == 0;
    const char *name = global ? "Access suspended while we investigate"
                              : "Access suspended for some accounts while we investigate";
    char body[700];
    snprintf(body, sizeof body, "%s We will post updates here.", reason);
    enum status_rc rc = status_incident_create(
        db, name, "investigating", global && (!feature || !*feature) ? "critical" : "major", comps,
        nc, body, now, incident);
    for (int i = 0; rc == STATUS_OK && global && i < nc; i++)
        rc = status_component_set(db, comps[i], "major_outage", now);
    status_db_close(db);
    if (rc != STATUS_OK) {
        log_json("error", "status post failed", "\"what\":\"killswitch on\"");
        return false;
    }
    return store_operator_status_post_set(s, subject, *incident, now) == STORE_OK;
}

bool status_post_switch_off(struct store *s, const char *status_db, int64_t tenant_id,
                            const char *feature, int64_t now)
{
    if (!status_db) return true;
    char subject[64];
    status_post_subject(tenant_id, feature, subject, sizeof subject);
    int64_t incident = 0;
    int rc = store_operator_status_post_get(s, subject, &incident);
    if (rc == STORE_NOTFOUND) return true; /* no incident of ours to update */
    if (rc != STORE_OK) return false;
    struct status_db *db;
    if (status_db_open(status_db, true, &db) != STATUS_OK) return false;
    enum status_rc src = status_incident_update(
        db, incident, "resolved", "Access has been restored. We keep monitoring closely.", now);
    const char *comps[4];
    int nc = components_of(feature, comps);
    for (int i = 0; src == STATUS_OK && tenant_id == 0 && i < nc; i++)
        src = status_component_set(db, comps[i], "operational", now);
    status_db_close(db);
    if (src != STATUS_OK && src != STATUS_NOTFOUND) return false;
    return store_operator_status_post_clear(s, subject) == STORE_OK;
}

bool status_post_console(struct request *r, int64_t tenant_id, const char *feature, bool on,
                         const char *reason)
{
    const struct tripwire_config *tc = r->cfg ? r->cfg->tripwire_config : NULL;
    const char *db = tc ? tc->status_db : NULL;
    int64_t incident;
    return on ? status_post_switch_on(r->store, db, tenant_id, feature, reason, time_now_ms(),
                                      &incident)
              : status_post_switch_off(r->store, db, tenant_id, feature, time_now_ms());
}
