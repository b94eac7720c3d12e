/* routes: every route postroom answers, in one table. A new endpoint is a new
 * line here, and what it lets through is never left to the handler:
 *
 * - auth: AUTH_PUBLIC, AUTH_API_KEY or AUTH_SESSION. Without credentials
 *   that hold, the guards answer before the handler runs: 401 JSON for an
 *   API call, 303 to /login for a page, 403 for a form post.
 * - role: the least role the principal needs (ROLE_STANDARD or ROLE_ADMIN;
 *   an API key is ROLE_ADMIN). Below it: 403 (JSON, or a page for a
 *   browser). Public routes say ROLE_NONE.
 * - query: the query parameters the handler may read. http_query returns
 *   NULL for any other (an extra is ignored, never an error: Click & Drop
 *   clients send them); NO_QUERY for a route that takes none. The API's
 *   lists are the spec's (docs/clickanddrop-openapi.yaml), the pages' are
 *   what their forms send.
 * - READS marks the routes that only read: authentication and handler share
 *   one store snapshot.
 *
 * tests/unit/test_routes.c checks every line has a role and a list. */
#include "app/routes.h"
#include "api/api.h"
#include "http/router.h"
#include "web/web.h"

#include <stddef.h>

#define ORDERS "/api/v1/orders"
#define MANIFESTS "/api/v1/manifests"
#define READS true
#define WRITES false

static const char *const NO_QUERY[] = {NULL};
/* GET /orders and /orders/full */
static const char *const ORDER_PAGE[] = {"pageSize", "startDateTime", "endDateTime",
                                         "continuationToken", NULL};
/* GET /orders/{ids}/label */
static const char *const LABEL[] = {"documentType", "includeReturnsLabel", "includeCN", NULL};
/* the export form's dates (web/export.c) */
static const char *const EXPORT_RANGE[] = {"from", "to", NULL};

static const struct route routes[] = {
    {"GET", "/healthz", "GET /healthz", AUTH_PUBLIC, ROLE_NONE, NO_QUERY, api_healthz, WRITES},
    {"GET", "/metrics", "GET /metrics", AUTH_PUBLIC, ROLE_NONE, NO_QUERY, api_metrics, WRITES},
    {"GET", "/api/v1/version", "GET /version", AUTH_PUBLIC, ROLE_NONE, NO_QUERY, api_version,
     WRITES},
    {"POST", ORDERS, "POST /orders", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY, api_orders_create,
     WRITES},
    {"GET", ORDERS, "GET /orders", AUTH_API_KEY, ROLE_STANDARD, ORDER_PAGE, api_orders_list, READS},
    {"GET", ORDERS "/full", "GET /orders/full", AUTH_API_KEY, ROLE_STANDARD, ORDER_PAGE,
     api_orders_list_full, READS},
    {"PUT", ORDERS "/status", "PUT /orders/status", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_orders_status, WRITES},
    {"GET", ORDERS "/{}", "GET /orders/{ids}", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_orders_get, READS},
    {"DELETE", ORDERS "/{}", "DELETE /orders/{ids}", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_orders_delete, WRITES},
    {"GET", ORDERS "/{}/full", "GET /orders/{ids}/full", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_orders_get_full, READS},
    /* printing a label moves the order to labelGenerated: a write */
    {"GET", ORDERS "/{}/label", "GET /orders/{ids}/label", AUTH_API_KEY, ROLE_STANDARD, LABEL,
     api_orders_label, WRITES},
    {"POST", MANIFESTS, "POST /manifests", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_manifests_create, WRITES},
    {"GET", MANIFESTS "/{}", "GET /manifests/{n}", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_manifests_get, READS},
    {"POST", MANIFESTS "/retry/{}", "POST /manifests/retry/{n}", AUTH_API_KEY, ROLE_STANDARD,
     NO_QUERY, api_manifests_retry, WRITES},
    {"GET", "/api/v1/carriers", "GET /carriers", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_carriers_list, READS},
    {"GET", "/api/v1/returns/services", "GET /returns/services", AUTH_API_KEY, ROLE_STANDARD,
     NO_QUERY, api_returns_services, READS},
    {"POST", "/api/v1/returns", "POST /returns", AUTH_API_KEY, ROLE_STANDARD, NO_QUERY,
     api_returns_create, WRITES},
    {"GET", "/assets/style.css", "GET /assets/style.css", AUTH_PUBLIC, ROLE_NONE, NO_QUERY,
     web_style, WRITES},
    {"GET", "/login", "GET /login", AUTH_PUBLIC, ROLE_NONE, NO_QUERY, web_signin_form, WRITES},
    {"POST", "/login", "POST /login", AUTH_PUBLIC, ROLE_NONE, NO_QUERY, web_signin, WRITES},
    {"POST", "/logout", "POST /logout", AUTH_SESSION, ROLE_STANDARD, NO_QUERY, web_signout, WRITES},
    {"GET", "/", "GET /", AUTH_SESSION, ROLE_STANDARD, NO_QUERY, web_home, WRITES},
    {"GET", "/import", "GET /import", AUTH_SESSION, ROLE_STANDARD, NO_QUERY, web_import_form,
     WRITES},
    {"POST", "/import", "POST /import", AUTH_SESSION, ROLE_STANDARD, NO_QUERY, web_import, WRITES},
    {"GET", "/export", "GET /export", AUTH_SESSION, ROLE_STANDARD, NO_QUERY, web_export_form,
     WRITES},
    /* a session is touched (written) as it authenticates, so no session route
     * shares the READS snapshot; the export takes its own after signing in */
    {"GET", "/export.csv", "GET /export.csv", AUTH_SESSION, ROLE_STANDARD, EXPORT_RANGE,
     web_export_csv, WRITES},
};
const struct route_table app_routes = {routes, (int)(sizeof routes / sizeof routes[0])};
