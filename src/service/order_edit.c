/* order_edit: check and replace an order's document (see the header). */
#include "service/order_edit.h"
#include "service/audit.h"
#include "store/store.h"

enum service_rc service_order_edit(const struct service_ctx *c, int64_t order_id,
                                   const json_t *item, struct order_batch *b, bool *wrong_status)
{
    *wrong_status = false;
    const json_t *items[1] = {item};
    order_batch_check(c, items, 1, b);
    if (b->nvalid != 1) return SERVICE_INVALID;
    if (service_tx_begin(c) != STORE_OK) return SERVICE_STORE_ERROR;
    int rc = store_order_edit(c->store, &c->scope, order_id, &b->valid[0], c->now, "Edited");
    if (rc == STORE_OK) rc = service_audit_one(c, "order.update", "order", order_id);
    rc = service_tx_end(c, rc);
    if (rc == STORE_NOTFOUND) return SERVICE_NOTFOUND;
    if (rc == STORE_CONFLICT) {
        *wrong_status = true;
        return SERVICE_INVALID;
    }
    return rc == STORE_OK ? SERVICE_OK : SERVICE_STORE_ERROR;
}
