/* status_http: one public GET route per Statuspage v2 document. Each request
 * opens the status database read-only (a small file, cheap to open), so a
 * write by the status CLI is seen by the next request. */
#include "status/status_http.h"
#include "status/status_json.h"

static const char *db_path;

void status_http_set_db(const char *path)
{
    db_path = path;
}

static void serve_doc(struct request *r, enum status_doc doc)
{
    struct status_db *db;
    if (status_db_open(db_path, false, &db) != STATUS_OK) {
        http_error(r, 503, "Unavailable", "The status page is temporarily unavailable.");
        return;
    }
    bool ok = status_write_doc(db, doc, &r->out);
    status_db_close(db);
    if (!ok) {
        r->out.len = 0;
        http_error(r, 503, "Unavailable", "The status page is temporarily unavailable.");
        return;
    }
    http_reply_json(r, 200);
}

#define HANDLER(fn, doc)                                                                           \
    static void fn(struct request *r)                                                              \
    {                                                                                              \
        serve_doc(r, doc);                                                                         \
    }
HANDLER(h_summary, STATUS_DOC_SUMMARY)
HANDLER(h_status, STATUS_DOC_STATUS)
HANDLER(h_components, STATUS_DOC_COMPONENTS)
HANDLER(h_incidents, STATUS_DOC_INCIDENTS)
HANDLER(h_unresolved, STATUS_DOC_UNRESOLVED)
HANDLER(h_maintenances, STATUS_DOC_MAINTENANCES)
HANDLER(h_upcoming, STATUS_DOC_UPCOMING)
HANDLER(h_active, STATUS_DOC_ACTIVE)

/* Public, no role, no query, never stopped by a kill switch: the status site
 * must answer exactly when the app does not. */
#define GET(path, fn)                                                                              \
    {                                                                                              \
        "GET", path, "GET " path, AUTH_PUBLIC, ROLE_NONE, NULL, fn, false, FEATURE_NONE            \
    }
static const struct route routes[] = {
    GET("/api/v2/summary.json", h_summary),
    GET("/api/v2/status.json", h_status),
    GET("/api/v2/components.json", h_components),
    GET("/api/v2/incidents.json", h_incidents),
    GET("/api/v2/incidents/unresolved.json", h_unresolved),
    GET("/api/v2/scheduled-maintenances.json", h_maintenances),
    GET("/api/v2/scheduled-maintenances/upcoming.json", h_upcoming),
    GET("/api/v2/scheduled-maintenances/active.json", h_active),
};

const struct route_table status_routes = {routes, (int)(sizeof routes / sizeof routes[0])};
