/* router: the table of every route postroom answers, and matching.
 *
 * Paths match exactly, segment by segment, on the raw (still encoded) path:
 * no suffix tolerance (no /orders/1.css), no trailing slash, no dot segments,
 * so a cache rule keyed on a suffix can never catch an authenticated page. */
#ifndef POSTROOM_ROUTER_H
#define POSTROOM_ROUTER_H
#include "auth/principal.h"
#include "http/request.h"

enum route_auth {
    AUTH_PUBLIC,  /* no credentials needed */
    AUTH_API_KEY, /* Authorization: Bearer KEY, or the bare key */
    AUTH_SESSION, /* the sign-in cookie; state changes also need the CSRF token */
    /* an operator's cookie (auth/operator.h), a realm apart: no business
     * session or key opens it, and it opens no business route; state
     * changes need the operator session's CSRF token. The role column is
     * not read (an operator has no business role). */
    AUTH_OPERATOR,
};

/* What a kill switch on a feature stops (http/killswitch.c). A route's
 * face is also a feature: a switch on api stops every API_KEY route, one on
 * web every SESSION route, whatever their own feature. FEATURE_NONE: never
 * stopped (health, metrics, sign-in and out, assets, the version). */
enum route_feature {
    FEATURE_NONE,
    FEATURE_API,
    FEATURE_WEB,
    FEATURE_LABELS,
    FEATURE_IMPORTS,
    FEATURE_EXPORTS,
};

/* A route denies by default: the guards (http/handle.c) turn away a request
 * without the credentials auth names or below the role it needs, and the
 * handler sees only the query parameters it lists. */
struct route {
    const char *method;
    const char *pattern; /* "/api/v1/orders/{}" - {} captures one segment */
    const char *name;    /* for logs and metrics: never the raw path */
    enum route_auth auth;
    /* the least role a principal needs: ROLE_NONE on public routes; on the
     * others at least ROLE_STANDARD, whatever the column says (an API key
     * is ROLE_ADMIN) */
    enum role role;
    /* the query parameters http_query gives the handler, NULL-terminated;
     * any other is dropped before the handler runs (not an error: clients
     * send extras). NULL or {NULL}: none. */
    const char *const *query;
    void (*handler)(struct request *r);
    bool snapshot;              /* read-only: authentication and handler share one read snapshot */
    enum route_feature feature; /* what a kill switch on a feature stops */
};

/* A server's routes. The composition root (app/routes.c) owns the table
 * and hands it to the server in server_config, so another server (the
 * status site) can use the same http/ with routes of its own. */
struct route_table {
    const struct route *routes;
    int count;
};

enum route_match { ROUTE_FOUND, ROUTE_NO_PATH, ROUTE_NO_METHOD };
/* Finds the route for method and raw path; fills r->params. */
enum route_match router_match(struct request *r, const char *method, const char *path, int *route);
/* The route r matched (r->route >= 0), or NULL. */
const struct route *router_route(const struct request *r);
/* Whether rt lists the query parameter name. */
bool router_takes_query(const struct route *rt, const char *name);
/* The methods a path allows, for Allow on a 405 ("GET, POST"). */
const char *router_allowed(struct request *r, const char *path);

#endif
