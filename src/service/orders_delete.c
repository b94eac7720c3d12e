/* orders_delete: delete the orders a key names (see the header). */
#include "service/orders_delete.h"
#include "domain/status.h"
#include "service/audit.h"
#include "store/store.h"

enum service_rc service_orders_delete(const struct service_ctx *c, const struct order_key *key,
                                      struct delete_result **results, size_t *n)
{
    struct order_row *rows;
    size_t nrows;
    *results = NULL, *n = 0;
    if (store_orders_get(c->store, &c->scope, key, 1, c->arena, &rows, &nrows) != STORE_OK)
        return SERVICE_STORE_ERROR;
    struct delete_result *res = arena_alloc(c->arena, (nrows ? nrows : 1) * sizeof *res);
    int64_t *gone = arena_alloc(c->arena, (nrows ? nrows : 1) * sizeof *gone);
    size_t ngone = 0;
    /* the key's deletions and their order.delete record in one transaction */
    if (service_tx_begin(c) != STORE_OK) return SERVICE_STORE_ERROR;
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < nrows; i++) {
        res[i] = (struct delete_result){.row = &rows[i], .outcome = DELETE_REFUSED};
        if (!status_deletable(rows[i].status)) continue;
        int drc = store_order_delete(c->store, &c->scope, rows[i].order_id, c->now);
        if (drc != STORE_OK && drc != STORE_NOTFOUND) rc = STORE_ERROR;
        res[i].outcome = drc == STORE_OK ? DELETE_DONE : DELETE_GONE;
        if (drc == STORE_OK) gone[ngone++] = rows[i].order_id;
    }
    if (rc == STORE_OK) rc = service_audit(c, "order.delete", "order", gone, ngone);
    if (service_tx_end(c, rc) != STORE_OK) return SERVICE_STORE_ERROR;
    *results = res, *n = nrows;
    return SERVICE_OK;
}
