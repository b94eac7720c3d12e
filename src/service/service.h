/* service: the use cases, whichever face (API, web page, command line) they
 * came in by.
 *
 * A use case takes a service_ctx, never a request: the store connection,
 * the scope authentication proved, an arena that lives as long as the
 * answer, the tariff, and the time. Everything it returns is allocated from
 * the arena and keeps the tenant ids the store wrote or read. */
#ifndef POSTROOM_SERVICE_H
#define POSTROOM_SERVICE_H
#include "domain/scope.h"
#include "util/arena.h"

#include <stdint.h>

struct store;
struct tariff;

struct service_ctx {
    struct store *store;
    struct scope scope;
    struct arena *arena;
    const struct tariff *tariff;
    int64_t now; /* Unix ms: the use case's one clock reading */
};

#endif
