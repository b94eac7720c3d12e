/* router: exact, segment-wise path matching over the route table. */
#include "http/router.h"
#include "http/server.h"

#include <string.h>

/* Compares one pattern with one path; captures {} segments into params. */
static bool match_path(const char *pattern, const char *path, const char **params, struct arena *a)
{
    int np = 0;
    const char *p = pattern, *q = path;
    while (*p && *q) {
        if (*p != '/' || *q != '/') return false;
        p++, q++;
        const char *pe = strchr(p, '/'), *qe = strchr(q, '/');
        size_t pl = pe ? (size_t)(pe - p) : strlen(p), ql = qe ? (size_t)(qe - q) : strlen(q);
        if (pl == 2 && p[0] == '{' && p[1] == '}') {
            if (ql == 0 || np >= REQ_MAX_PARAMS) return false;
            if (params) params[np] = arena_strndup(a, q, ql);
            np++;
        } else if (pl != ql || memcmp(p, q, pl) != 0) {
            return false;
        }
        p += pl, q += ql;
    }
    return *p == 0 && *q == 0;
}

/* The request's server's routes (none for a request built without a server,
 * as unit tests do). */
static const struct route_table *table_of(const struct request *r)
{
    static const struct route_table none = {NULL, 0};
    return r->cfg && r->cfg->routes ? r->cfg->routes : &none;
}

const struct route *router_route(const struct request *r)
{
    const struct route_table *t = table_of(r);
    return r->route >= 0 && r->route < t->count ? &t->routes[r->route] : NULL;
}

enum route_match router_match(struct request *r, const char *method, const char *path, int *route)
{
    const struct route *routes = table_of(r)->routes;
    int routes_count = table_of(r)->count;
    bool path_known = false;
    for (int i = 0; i < routes_count; i++) {
        if (strcmp(routes[i].method, method) == 0 &&
            match_path(routes[i].pattern, path, r->params, &r->arena)) {
            *route = i;
            return ROUTE_FOUND;
        }
    }
    for (int i = 0; i < routes_count && !path_known; i++)
        path_known = match_path(routes[i].pattern, path, NULL, NULL);
    *route = -1;
    return path_known ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}

bool router_takes_query(const struct route *rt, const char *name)
{
    for (const char *const *q = rt->query; q && *q; q++)
        if (strcmp(*q, name) == 0) return true;
    return false;
}

const char *router_allowed(struct request *r, const char *path)
{
    const struct route *routes = table_of(r)->routes;
    int routes_count = table_of(r)->count;
    struct buf b;
    buf_init(&b, &r->arena);
    for (int i = 0; i < routes_count; i++) {
        if (!match_path(routes[i].pattern, path, NULL, NULL)) continue;
        if (b.len) buf_adds(&b, ", ");
        buf_adds(&b, routes[i].method);
    }
    return buf_cstr(&b);
}
