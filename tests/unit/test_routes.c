/* test_routes: rules the route table must keep, checked over every line of it. */
#include "check.h"
#include "app/routes.h"

#include <string.h>

/* The route named name, or NULL. */
static const struct route *route_named(const char *name)
{
    for (int i = 0; i < app_routes.count; i++)
        if (!strcmp(app_routes.routes[i].name, name)) return &app_routes.routes[i];
    return NULL;
}

/* Whether the route lists exactly the NULL-terminated want, in any order. */
static bool lists_exactly(const char *name, const char *const *want)
{
    const struct route *rt = route_named(name);
    if (!rt || !rt->query) return false;
    int n = 0, m = 0;
    for (; want[n]; n++)
        if (!router_takes_query(rt, want[n])) return false;
    while (rt->query[m])
        m++;
    if (n != m) fprintf(stderr, "route %s lists %d query parameters, want %d\n", name, m, n);
    return n == m;
}

/* The lists the spec (docs/clickanddrop-openapi.yaml) and the pages' forms
 * give: a route left out here must take none. */
static void test_query_lists(void)
{
    static const char *const page[] = {"pageSize", "startDateTime", "endDateTime",
                                       "continuationToken", NULL};
    static const char *const label[] = {"documentType", "includeReturnsLabel", "includeCN", NULL};
    static const char *const range[] = {"from", "to", NULL};
    static const char *const report[] = {"page", NULL};
    static const char *const draft[] = {"format", NULL};
    static const char *const done[] = {"done", NULL};
    static const char *const none[] = {NULL};
    static const struct {
        const char *route;
        const char *const *query;
    } lists[] = {
        {"GET /orders", page}, {"GET /orders/full", page}, {"GET /orders/{ids}/label", label},
        {"GET /export.csv", range}, {"GET /report-problem", report},
        {"GET /ops/breaches/{n}/draft", draft}, {"GET /ops/blast-radius", range},
