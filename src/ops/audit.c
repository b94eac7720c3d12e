/* audit: the operators' records in the access audit chain. Each is
 * appended at once (store_audit_append, in its own transaction), after the
 * action it records and before its answer leaves: a view whose record
 * could not be appended is not shown. */
#include "auth/operator.h"
#include "ops/ops_impl.h"
#include "store/store.h"
#include "util/timefmt.h"

#include <stdio.h>
#include <unistd.h>

struct audit_record ops_audit_record(struct request *r, int64_t operator_id, int64_t data_tenant,
                                     const char *action, const char *objects)
{
    char host[64] = "";
    gethostname(host, sizeof host - 1);
    struct audit_actor who = {
        .server_id = arena_printf(&r->arena, "%s:%ld", host, (long)getpid()),
        .request_id = r->id,
        .principal_tenant = 0,
        .principal_id = operator_principal_id(&r->arena, operator_id),
    };
    return audit_record_of(&who, time_now_ms(), data_tenant, action, objects ? objects : "");
}

bool ops_audit_append(struct request *r, const struct audit_record *recs, size_t n)
{
    return r->store && store_audit_append(r->store, recs, n) == STORE_OK;
}

bool ops_audit(struct request *r, int64_t data_tenant, const char *action, const char *objects)
{
    struct audit_record rec =
        ops_audit_record(r, r->principal.operator_id, data_tenant, action, objects);
    return ops_audit_append(r, &rec, 1);
}
