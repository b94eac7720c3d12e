/* egress: withhold a response that carries another tenant's record, and
 * hand the event to the tripwire in the same request. */
#include "http/egress.h"
#include "domain/audit.h"
#include "http/server.h"

#include <string.h>

void http_egress_foreign(struct request *r, int64_t tenant_id, int64_t order_id)
{
    if (!r->egress_violation) r->egress_foreign_tenant = tenant_id;
    r->egress_violation = true;
    if (r->negress_foreign == EGRESS_MAX_FOREIGN) return;
    for (size_t i = 0; i < r->negress_foreign; i++)
        if (r->egress_foreign[i].tenant_id == tenant_id &&
            r->egress_foreign[i].order_id == order_id)
            return; /* one record claimed twice (info and details) */
    if (!r->egress_foreign)
        r->egress_foreign = arena_alloc(&r->arena, EGRESS_MAX_FOREIGN * sizeof *r->egress_foreign);
    r->egress_foreign[r->negress_foreign++] = (struct security_record){tenant_id, order_id};
}

bool egress_enforce(struct request *r, const char *route)
{
    if (!r->egress_violation) return false;
    struct security_event e = {
        .kind = "tenant_mismatch",
        .request_id = r->id,
        .route = route,
        .principal_tenant = r->principal.tenant_id,
        .principal_id = r->authenticated ? http_audit_actor(r)->principal_id : NULL,
        .exposed_tenant = r->egress_foreign_tenant,
        .records = r->egress_foreign,
        .nrecords = r->negress_foreign,
    };
    if (r->out.data) memset(r->out.data, 0, r->out.len);
    r->nhdr = 0; /* no Set-Cookie, Location or anything else the handler meant to send */
    http_error(r, 500, "InternalError", "The request could not be completed.");
    security_event_raise(&e);
    /* before the 500 leaves: record it, open the breach, stop access */
    if (r->cfg && r->cfg->tripwire) r->cfg->tripwire(r, &e);
    return true;
}
