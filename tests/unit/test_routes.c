/* test_routes: rules the route table must keep, checked over every line of it. */
#include "check.h"
#include "app/routes.h"

#include <string.h>

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
        /* names are what logs and metrics show: one per route */
        for (int j = 0; j < i; j++)
            CHECK(strcmp(app_routes.routes[j].name, rt->name) != 0);
        /* every method/pattern pair answers once */
        for (int j = 0; j < i; j++)
            CHECK(strcmp(app_routes.routes[j].method, rt->method) ||
                  strcmp(app_routes.routes[j].pattern, rt->pattern));
    }
    CHECK(app_routes.count > 0);
    return check_report("test_routes");
}
