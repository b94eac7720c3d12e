/* order_edit: check and replace an order's document (see the header). */
#include "service/order_edit.h"
#include "domain/s10.h"
#include "domain/status.h"
#include "service/audit.h"
#include "store/store.h"

#include <string.h>

/* The postage a new order's edit buys, its S10 number reserved; NULL when
 * it buys none (*rc STORE_OK) or the reservation failed. */
static struct postage *postage_of(const struct service_ctx *c, const char *status,
                                  const struct postage_quote *q, enum service_rc *rc)
{
    *rc = SERVICE_OK;
    if (!q->service_code || strcmp(status, STATUS_NEW)) return NULL;
    int64_t serial;
    if (store_s10_reserve(c->store, q->s10_prefix, 1, &serial) != STORE_OK) {
        *rc = SERVICE_STORE_ERROR;
        return NULL;
    }
    struct postage *p = arena_alloc(c->arena, sizeof *p);
    char *tn = arena_alloc(c->arena, S10_LEN + 1);
    if (!s10_format(tn, q->s10_prefix, (uint32_t)serial)) {
        *rc = SERVICE_NO_SERIAL;
        return NULL;
    }
    *p = (struct postage){q->service_code, q->pence, tn};
    return p;
}

enum service_rc service_order_edit(const struct service_ctx *c, int64_t order_id,
                                   const char *status, const json_t *item, struct order_batch *b,
                                   bool *wrong_status)
{
    *wrong_status = false;
    const json_t *items[1] = {item};
    order_batch_check(c, items, 1, b);
    if (b->nvalid != 1) return SERVICE_INVALID;
    enum service_rc prc;
    struct postage *p = postage_of(c, status, &b->quotes[0], &prc);
    if (prc != SERVICE_OK) return prc;
    if (service_tx_begin(c) != STORE_OK) return SERVICE_STORE_ERROR;
    int rc = store_order_edit(c->store, &c->scope, order_id, &b->valid[0], c->now, "Edited");
    if (rc == STORE_OK && p)
        rc = store_order_apply_postage(c->store, &c->scope, order_id, STATUS_NEW, p, c->now);
    if (rc == STORE_OK) rc = service_audit_one(c, "order.update", "order", order_id);
    rc = service_tx_end(c, rc);
    if (rc == STORE_NOTFOUND) return SERVICE_NOTFOUND;
    if (rc == STORE_CONFLICT) {
        *wrong_status = true;
        return SERVICE_INVALID;
    }
    return rc == STORE_OK ? SERVICE_OK : SERVICE_STORE_ERROR;
}
