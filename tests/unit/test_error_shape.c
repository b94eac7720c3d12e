/* test_error_shape: the error shape table names real routes and gives each
 * route and status the shape of docs/clickanddrop-openapi.yaml. A renamed
 * route would silently fall back to ErrorResponse; this says so at once. */
#include "check.h"
#include "http/error_shape.h"
#include "app/routes.h"

static bool route_exists(const char *name)
{
    for (int i = 0; i < app_routes.count; i++)
        if (!strcmp(app_routes.routes[i].name, name)) return true;
    return false;
}

int main(void)
{
    static const char *lists[] = {"GET /orders/{ids}", "GET /orders/{ids}/full",
                                  "GET /orders/{ids}/label", "DELETE /orders/{ids}",
                                  "PUT /orders/status"};
    static const char *manifests[] = {"POST /manifests", "GET /manifests/{n}",
                                      "POST /manifests/retry/{n}"};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        CHECK(route_exists(lists[i]));
        CHECK(error_shape_for(lists[i], 400) == ERROR_SHAPE_LIST);
        CHECK(error_shape_for(lists[i], 404) == ERROR_SHAPE_OBJECT);
        CHECK(error_shape_for(lists[i], 500) == ERROR_SHAPE_OBJECT);
    }
    for (size_t i = 0; i < sizeof manifests / sizeof manifests[0]; i++) {
        CHECK(route_exists(manifests[i]));
        CHECK(error_shape_for(manifests[i], 400) == ERROR_SHAPE_MANIFEST);
        CHECK(error_shape_for(manifests[i], 500) == ERROR_SHAPE_MANIFEST);
        CHECK(error_shape_for(manifests[i], 401) == ERROR_SHAPE_OBJECT);
        CHECK(error_shape_for(manifests[i], 404) == ERROR_SHAPE_OBJECT);
    }
    /* the spec's 400 for these is ErrorResponse */
    CHECK(error_shape_for("GET /orders", 400) == ERROR_SHAPE_OBJECT);
    CHECK(error_shape_for("POST /orders", 400) == ERROR_SHAPE_OBJECT);
    CHECK(error_shape_for(NULL, 400) == ERROR_SHAPE_OBJECT);
    return check_report("test_error_shape");
}
