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
struct audit_actor;

struct service_ctx {
    struct store *store;
    struct scope scope;
    struct arena *arena;
    const struct tariff *tariff;
    int64_t now; /* Unix ms: the use case's one clock reading */
    /* who asks, for the access audit (domain/audit.h); NULL: a command
     * line's own work, not recorded */
    const struct audit_actor *actor;
};

/* What a use case reports. The face turns it into its own answer (a status
 * code and the spec's error shape, or a page); only the face knows which. */
enum service_rc {
    SERVICE_OK = 0,
    SERVICE_NOTFOUND = 1,     /* nothing to act on (no eligible order, no such manifest) */
    SERVICE_INVALID = 2,      /* the input breaks a rule; the use case says which */
    SERVICE_STORE_ERROR = -1, /* a store call failed: the connection is no longer trusted */
    SERVICE_DRAW_FAILED = -2, /* a document could not be drawn */
    /* The document layer refused a record of another tenant: an incident,
     * which the face raises at its egress wall (the answer is withheld). */
    SERVICE_FOREIGN_RECORD = -3,
    SERVICE_NO_SERIAL = -4, /* no S10 number could be formed (a prefix used up) */
};

#endif
