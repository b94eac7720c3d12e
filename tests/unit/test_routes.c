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
    static const char *const orderlist[] = {"status",  "q",       "from",  "to",     "service",
                                            "channel", "sort",    "after", "before", "done",
                                            "n",       "skipped", NULL};
    static const char *const none[] = {NULL};
    static const char *const manifests[] = {"made", "saved", NULL};
    static const char *const import_upload[] = {"format", "skipBadRows", NULL};
    static const struct {
        const char *route;
        const char *const *query;
    } lists[] = {
        {"GET /orders", page},
        {"GET /orders/full", page},
        {"GET /orders/{ids}/label", label},
        {"GET /export.csv", range},
        {"GET /report-problem", report},
        {"GET /ops/breaches/{n}/draft", draft},
        {"GET /ops/blast-radius", range},
        {"GET /orders/{n}", done},
        {"GET /settings/senders", done},
        {"GET /settings/users", done},
        {"GET /settings/keys", done},
        {"GET /settings/labels", done},
        {"GET /rules", done},
        {"GET /import/mappings", done},
        {"GET /import/mappings/{n}", done},
        {"GET /manifests", manifests},
        {"POST /api/postroom/imports", import_upload},
        {"GET /web/orders", orderlist},
    };
    for (int i = 0; i < app_routes.count; i++) {
        const char *name = app_routes.routes[i].name;
        const char *const *want = none;
        for (size_t j = 0; j < sizeof lists / sizeof lists[0]; j++)
            if (!strcmp(lists[j].route, name)) want = lists[j].query;
        if (!lists_exactly(name, want)) fprintf(stderr, "route %s: wrong query list\n", name);
        CHECK(lists_exactly(name, want));
    }
    /* a parameter of another route is not this one's */
    CHECK(!router_takes_query(route_named("GET /orders"), "documentType"));
    CHECK(!router_takes_query(route_named("GET /orders/{ids}/label"), "pageSize"));
}

/* What a kill switch on a feature stops (docs/incident.md): every line
 * that needs credentials has a feature, except sign-out; the public lines
 * have none, so health, metrics, sign-in and the version stay reachable. */
static void test_features(void)
{
    static const struct {
        const char *route;
        enum route_feature feature;
    } want[] = {
        {"GET /healthz", FEATURE_NONE},
        {"GET /metrics", FEATURE_NONE},
        {"GET /version", FEATURE_NONE},
        {"GET /login", FEATURE_NONE},
        {"POST /logout", FEATURE_NONE},
        {"GET /orders", FEATURE_API},
        {"GET /orders/{ids}/label", FEATURE_LABELS},
        {"GET /", FEATURE_WEB},
        {"GET /import", FEATURE_WEB},
        {"POST /import", FEATURE_IMPORTS},
        {"POST /import/mapping", FEATURE_IMPORTS},
        {"GET /export.csv", FEATURE_EXPORTS},
        {"GET /orders/{n}/label.pdf", FEATURE_LABELS},
        {"GET /orders/{n}/despatch-note.pdf", FEATURE_LABELS},
        {"GET /web/orders", FEATURE_WEB},
        {"POST /web/orders/bulk/labels", FEATURE_LABELS},
        {"POST /web/orders/bulk/despatch-notes", FEATURE_LABELS},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct route *rt = route_named(want[i].route);
        CHECK(rt != NULL);
        if (rt) CHECK_INT(rt->feature, want[i].feature);
    }
    for (int i = 0; i < app_routes.count; i++) {
        const struct route *rt = &app_routes.routes[i];
        if (rt->auth == AUTH_PUBLIC) CHECK_INT(rt->feature, FEATURE_NONE);
        if (rt->auth == AUTH_API_KEY)
            CHECK(rt->feature == FEATURE_API || rt->feature == FEATURE_LABELS);
        if (rt->auth == AUTH_SESSION && strcmp(rt->name, "POST /logout"))
            CHECK(rt->feature == FEATURE_WEB || rt->feature == FEATURE_IMPORTS ||
                  rt->feature == FEATURE_EXPORTS || rt->feature == FEATURE_LABELS);
    }
}

int main(void)
{
    for (int i = 0; i < app_routes.count; i++) {
        const struct route *rt = &app_routes.routes[i];
        /* session authentication writes (it touches the session), which a
         * shared read snapshot cannot: such a route would answer 503 as soon
         * as another request wrote (found by the isolation fuzzer) */
        if (rt->snapshot && rt->auth == AUTH_SESSION)
            fprintf(stderr, "route %s is a session route in a READS snapshot\n", rt->name);
        CHECK(!(rt->snapshot && rt->auth == AUTH_SESSION));
        /* a read snapshot is for reading */
        CHECK(!rt->snapshot || !strcmp(rt->method, "GET"));
        /* deny by default: a route that needs credentials names the least
         * role it needs; a public one needs none */
        if (rt->auth == AUTH_PUBLIC)
            CHECK_INT(rt->role, ROLE_NONE);
        else
            CHECK(rt->role == ROLE_STANDARD || rt->role == ROLE_ADMIN);
        /* every route lists its query parameters, if only as none */
        if (!rt->query) fprintf(stderr, "route %s lists no query parameters\n", rt->name);
        CHECK(rt->query != NULL);
        for (const char *const *q = rt->query; q && *q; q++) {
            CHECK(**q != 0);
            for (const char *const *p = rt->query; p < q; p++)
                CHECK(strcmp(*p, *q) != 0);
        }
        /* names are what logs and metrics show: one per route */
        for (int j = 0; j < i; j++)
            CHECK(strcmp(app_routes.routes[j].name, rt->name) != 0);
        /* every method/pattern pair answers once */
        for (int j = 0; j < i; j++)
            CHECK(strcmp(app_routes.routes[j].method, rt->method) ||
                  strcmp(app_routes.routes[j].pattern, rt->pattern));
    }
    CHECK(app_routes.count > 0);
    test_query_lists();
    test_features();
    return check_report("test_routes");
}
