/* audit: the access audit's records of what a use case changes (issue 10).
 *
 * A change of a business's data is recorded in the change's own
 * transaction, so it is never made unrecorded nor recorded unmade; the
 * faces record reads instead (http_audit), after the read. The use case
 * records for whoever its context names (service_ctx.actor): a context
 * without one (the command line's own work) records nothing. */
#ifndef POSTROOM_SERVICE_AUDIT_H
#define POSTROOM_SERVICE_AUDIT_H
#include "service/service.h"

#include <stddef.h>
#include <stdint.h>

/* Appends the records of action on n ids of one kind ("order") of the
 * context's business, split as domain/audit.h bounds them: a store return
 * code (STORE_OK at once when there is no actor or no id). */
int service_audit(const struct service_ctx *c, const char *action, const char *kind,
                  const int64_t *ids, size_t n);
/* The same for one id. */
int service_audit_one(const struct service_ctx *c, const char *action, const char *kind,
                      int64_t id);

/* Opens the change's scoped write transaction (store_tx_begin). */
int service_tx_begin(const struct service_ctx *c);
/* Commits when rc is STORE_OK, else rolls back; returns rc, or STORE_ERROR
 * when the commit or the rollback failed. */
int service_tx_end(const struct service_ctx *c, int rc);

#endif
