/* routes: every route postroom answers, in one table. A new endpoint is a new
 * line here; its auth column is never left to the handler. */
#include "api/api.h"
#include "http/router.h"
#include "web/web.h"

#define ORDERS "/api/v1/orders"

const struct route routes[] = {
    {"GET", "/healthz", "GET /healthz", AUTH_PUBLIC, api_healthz},
    {"GET", "/metrics", "GET /metrics", AUTH_PUBLIC, api_metrics},
    {"GET", "/api/v1/version", "GET /version", AUTH_PUBLIC, api_version},
    {"POST", ORDERS, "POST /orders", AUTH_API_KEY, api_orders_create},
    {"GET", ORDERS, "GET /orders", AUTH_API_KEY, api_orders_list},
    {"GET", ORDERS "/full", "GET /orders/full", AUTH_API_KEY, api_orders_list_full},
    {"PUT", ORDERS "/status", "PUT /orders/status", AUTH_API_KEY, api_orders_status},
    {"GET", ORDERS "/{}", "GET /orders/{ids}", AUTH_API_KEY, api_orders_get},
    {"DELETE", ORDERS "/{}", "DELETE /orders/{ids}", AUTH_API_KEY, api_orders_delete},
    {"GET", ORDERS "/{}/full", "GET /orders/{ids}/full", AUTH_API_KEY, api_orders_get_full},
    {"GET", ORDERS "/{}/label", "GET /orders/{ids}/label", AUTH_API_KEY, api_not_implemented},
    {"POST", "/api/v1/manifests", "POST /manifests", AUTH_API_KEY, api_not_implemented},
    {"GET", "/api/v1/manifests/{}", "GET /manifests/{n}", AUTH_API_KEY, api_not_implemented},
    {"POST", "/api/v1/manifests/retry/{}", "POST /manifests/retry/{n}", AUTH_API_KEY,
     api_not_implemented},
    {"GET", "/api/v1/carriers", "GET /carriers", AUTH_API_KEY, api_not_implemented},
    {"GET", "/api/v1/returns/services", "GET /returns/services", AUTH_API_KEY, api_not_implemented},
    {"POST", "/api/v1/returns", "POST /returns", AUTH_API_KEY, api_not_implemented},
    {"GET", "/login", "GET /login", AUTH_PUBLIC, web_signin_form},
    {"POST", "/login", "POST /login", AUTH_PUBLIC, web_signin},
    {"POST", "/logout", "POST /logout", AUTH_SESSION, web_signout},
    {"GET", "/", "GET /", AUTH_SESSION, web_home},
};
const int routes_count = (int)(sizeof routes / sizeof routes[0]);
