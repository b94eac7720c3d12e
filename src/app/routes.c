/* routes: every route postroom answers, in one table. A new endpoint is a new
 * line here; its auth column is never left to the handler. READS marks the
 * routes that only read: authentication and handler share one store
 * snapshot. */
#include "app/routes.h"
#include "api/api.h"
#include "http/router.h"
#include "web/web.h"

#define ORDERS "/api/v1/orders"
#define MANIFESTS "/api/v1/manifests"
#define READS true
#define WRITES false

static const struct route routes[] = {
    {"GET", "/healthz", "GET /healthz", AUTH_PUBLIC, api_healthz, WRITES},
    {"GET", "/metrics", "GET /metrics", AUTH_PUBLIC, api_metrics, WRITES},
    {"GET", "/api/v1/version", "GET /version", AUTH_PUBLIC, api_version, WRITES},
    {"POST", ORDERS, "POST /orders", AUTH_API_KEY, api_orders_create, WRITES},
    {"GET", ORDERS, "GET /orders", AUTH_API_KEY, api_orders_list, READS},
    {"GET", ORDERS "/full", "GET /orders/full", AUTH_API_KEY, api_orders_list_full, READS},
    {"PUT", ORDERS "/status", "PUT /orders/status", AUTH_API_KEY, api_orders_status, WRITES},
    {"GET", ORDERS "/{}", "GET /orders/{ids}", AUTH_API_KEY, api_orders_get, READS},
    {"DELETE", ORDERS "/{}", "DELETE /orders/{ids}", AUTH_API_KEY, api_orders_delete, WRITES},
    {"GET", ORDERS "/{}/full", "GET /orders/{ids}/full", AUTH_API_KEY, api_orders_get_full, READS},
    /* printing a label moves the order to labelGenerated: a write */
    {"GET", ORDERS "/{}/label", "GET /orders/{ids}/label", AUTH_API_KEY, api_orders_label, WRITES},
    {"POST", MANIFESTS, "POST /manifests", AUTH_API_KEY, api_manifests_create, WRITES},
    {"GET", MANIFESTS "/{}", "GET /manifests/{n}", AUTH_API_KEY, api_manifests_get, READS},
    {"POST", MANIFESTS "/retry/{}", "POST /manifests/retry/{n}", AUTH_API_KEY, api_manifests_retry,
     WRITES},
    {"GET", "/api/v1/carriers", "GET /carriers", AUTH_API_KEY, api_carriers_list, READS},
    {"GET", "/api/v1/returns/services", "GET /returns/services", AUTH_API_KEY, api_returns_services,
     READS},
    {"POST", "/api/v1/returns", "POST /returns", AUTH_API_KEY, api_returns_create, WRITES},
    {"GET", "/assets/style.css", "GET /assets/style.css", AUTH_PUBLIC, web_style, WRITES},
    {"GET", "/login", "GET /login", AUTH_PUBLIC, web_signin_form, WRITES},
    {"POST", "/login", "POST /login", AUTH_PUBLIC, web_signin, WRITES},
    {"POST", "/logout", "POST /logout", AUTH_SESSION, web_signout, WRITES},
    {"GET", "/", "GET /", AUTH_SESSION, web_home, WRITES},
    {"GET", "/import", "GET /import", AUTH_SESSION, web_import_form, WRITES},
    {"POST", "/import", "POST /import", AUTH_SESSION, web_import, WRITES},
    {"GET", "/export", "GET /export", AUTH_SESSION, web_export_form, WRITES},
    /* a session is touched (written) as it authenticates, so no session route
     * shares the READS snapshot; the export takes its own after signing in */
    {"GET", "/export.csv", "GET /export.csv", AUTH_SESSION, web_export_csv, WRITES},
};
const struct route_table app_routes = {routes, (int)(sizeof routes / sizeof routes[0])};
