/* egress: withhold a response that carries another tenant's record. */
#include "http/egress.h"
#include "incident/security_event.h"

#include <string.h>

bool egress_enforce(struct request *r, const char *route)
{
    if (!r->egress_violation) return false;
    struct security_event e = {
        .kind = "tenant_mismatch",
        .request_id = r->id,
        .route = route,
        .principal_tenant = r->principal.tenant_id,
        .exposed_tenant = r->egress_foreign_tenant,
    };
    if (r->out.data) memset(r->out.data, 0, r->out.len);
    r->nhdr = 0; /* no Set-Cookie, Location or anything else the handler meant to send */
    http_error(r, 500, "InternalError", "The request could not be completed.");
    security_event_raise(&e);
    return true;
}
