/* error_shape: the spec's error shape per route and status (see the header). */
#include "http/error_shape.h"

#include <stddef.h>
#include <string.h>

static const struct {
    const char *route;
    int status;
    enum error_shape shape;
} shapes[] = {
    {"GET /orders/{ids}", 400, ERROR_SHAPE_LIST},
    {"GET /orders/{ids}/full", 400, ERROR_SHAPE_LIST},
    {"GET /orders/{ids}/label", 400, ERROR_SHAPE_LIST},
    {"DELETE /orders/{ids}", 400, ERROR_SHAPE_LIST},
    {"PUT /orders/status", 400, ERROR_SHAPE_LIST},
    {"POST /manifests", 400, ERROR_SHAPE_MANIFEST},
    {"POST /manifests", 500, ERROR_SHAPE_MANIFEST},
    {"GET /manifests/{n}", 400, ERROR_SHAPE_MANIFEST},
    {"GET /manifests/{n}", 500, ERROR_SHAPE_MANIFEST},
    {"POST /manifests/retry/{n}", 400, ERROR_SHAPE_MANIFEST},
    {"POST /manifests/retry/{n}", 500, ERROR_SHAPE_MANIFEST},
};

enum error_shape error_shape_for(const char *route_name, int status)
{
    if (!route_name) return ERROR_SHAPE_OBJECT;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        if (shapes[i].status == status && !strcmp(shapes[i].route, route_name))
            return shapes[i].shape;
    return ERROR_SHAPE_OBJECT;
}
