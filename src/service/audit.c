/* audit: a use case's audit records, in its own transaction (see the
 * header). */
#include "service/audit.h"
#include "domain/audit.h"
#include "store/store.h"

int service_audit(const struct service_ctx *c, const char *action, const char *kind,
                  const int64_t *ids, size_t n)
{
    if (!c->actor || !n) return STORE_OK;
    struct audit_record *recs;
    size_t k = audit_records_of_ids(c->arena, c->actor, c->now, c->scope.tenant_id, action, kind,
                                    ids, n, &recs);
    return store_audit_append(c->store, recs, k);
}

int service_audit_one(const struct service_ctx *c, const char *action, const char *kind, int64_t id)
{
    return service_audit(c, action, kind, &id, 1);
}

int service_tx_begin(const struct service_ctx *c)
{
    return store_tx_begin(c->store, &c->scope, STORE_TX_WRITE);
}

int service_tx_end(const struct service_ctx *c, int rc)
{
    if (rc == STORE_OK) return store_tx_commit(c->store);
    return store_tx_rollback(c->store) == STORE_OK ? rc : STORE_ERROR;
}
