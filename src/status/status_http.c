/* status_http: one public GET route per Statuspage v2 document. Each request
 * opens the status database read-only (a small file, cheap to open), so a
 * write by the status CLI is seen by the next request. */
#include "status/status_http.h"
#include "status/status_json.h"
#include "status/status_page.h"

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

static void unavailable(struct request *r)
{
    r->out.len = 0;
    http_error(r, 503, "Unavailable", "The status page is temporarily unavailable.");
}

enum markup { PAGE, ATOM, RSS };

/* The page and the feeds: the page's own strict CSP replaces the app's. */
static void serve_markup(struct request *r, enum markup m)
{
    struct status_db *db;
    if (status_db_open(db_path, false, &db) != STATUS_OK) {
        unavailable(r);
        return;
    }
    bool ok = m == PAGE   ? status_write_page(db, status_page_now(), &r->out)
              : m == ATOM ? status_write_atom(db, &r->out)
                          : status_write_rss(db, &r->out);
    status_db_close(db);
    if (!ok) {
        unavailable(r);
        return;
    }
    http_add_header(r, "Content-Security-Policy", STATUS_PAGE_CSP);
    http_reply(r, 200,
               m == PAGE   ? "text/html; charset=utf-8"
               : m == ATOM ? "application/atom+xml; charset=utf-8"
                           : "application/rss+xml; charset=utf-8");
}

static void h_page(struct request *r)
{
    serve_markup(r, PAGE);
}

static void h_atom(struct request *r)
{
    serve_markup(r, ATOM);
}

static void h_rss(struct request *r)
{
    serve_markup(r, RSS);
}

static void h_css(struct request *r)
{
    buf_adds(&r->out, status_css);
    http_add_header(r, "Content-Security-Policy", STATUS_PAGE_CSP);
    http_reply(r, 200, "text/css; charset=utf-8");
}

/* The access audit's checkpoints as the site keeps them (status_audit.c),
 * plain text for anybody to hold postroom to. */
static void serve_audit(struct request *r, bool keys)
{
    struct status_db *db;
    if (status_db_open(db_path, false, &db) != STATUS_OK) {
        unavailable(r);
        return;
    }
    bool ok = keys ? status_write_audit_keys(db, &r->out) : status_write_audit_lines(db, &r->out);
    status_db_close(db);
    if (!ok) {
        unavailable(r);
        return;
    }
    http_reply(r, 200, "text/plain; charset=utf-8");
}

static void h_audit_lines(struct request *r)
{
    serve_audit(r, false);
}

static void h_audit_keys(struct request *r)
{
    serve_audit(r, true);
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
 * must answer exactly when the app does not. Each path answers HEAD too,
 * as status readers probe with it (libmicrohttpd sends no body to HEAD). */
#define ROUTE(method, path, fn)                                                                    \
    {                                                                                              \
        method, path, method " " path, AUTH_PUBLIC, ROLE_NONE, NULL, fn, false, FEATURE_NONE       \
    }
#define GET(path, fn) ROUTE("GET", path, fn), ROUTE("HEAD", path, fn)
static const struct route routes[] = {
    GET("/api/v2/summary.json", h_summary),
    GET("/api/v2/status.json", h_status),
    GET("/api/v2/components.json", h_components),
    GET("/api/v2/incidents.json", h_incidents),
    GET("/api/v2/incidents/unresolved.json", h_unresolved),
    GET("/api/v2/scheduled-maintenances.json", h_maintenances),
    GET("/api/v2/scheduled-maintenances/upcoming.json", h_upcoming),
    GET("/api/v2/scheduled-maintenances/active.json", h_active),
    GET("/", h_page),
    GET("/" STATUS_PAGE_PATH, h_page),
    GET("/" STATUS_CSS_PATH, h_css),
    GET("/" STATUS_ATOM_PATH, h_atom),
    GET("/" STATUS_RSS_PATH, h_rss),
    GET("/" STATUS_AUDIT_LINES_PATH, h_audit_lines),
    GET("/" STATUS_AUDIT_KEYS_PATH, h_audit_keys),
};

const struct route_table status_routes = {routes, (int)(sizeof routes / sizeof routes[0])};
