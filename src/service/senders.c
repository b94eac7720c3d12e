/* senders: a sender's change and its audit record in one transaction (see
 * the header). */
#include "service/senders.h"
#include "service/audit.h"

static int change(const struct service_ctx *c, enum sender_change what, const struct sender_row *in,
                  int64_t *sender_id)
{
    switch (what) {
    case SENDER_SAVE:
        return store_sender_save(c->store, &c->scope, in, c->now, sender_id);
    case SENDER_MAKE_DEFAULT:
        return store_sender_set_default(c->store, &c->scope, *sender_id);
    case SENDER_REMOVE:
        return store_sender_remove(c->store, &c->scope, *sender_id, c->now);
    }
    return STORE_ERROR;
}

int service_sender_change(const struct service_ctx *c, enum sender_change what,
                          const struct sender_row *in, int64_t *sender_id)
{
    if (service_tx_begin(c) != STORE_OK) return STORE_ERROR;
    int rc = change(c, what, in, sender_id);
    if (rc == STORE_OK) rc = service_audit_one(c, "sender.update", "sender", *sender_id);
    return service_tx_end(c, rc);
}
