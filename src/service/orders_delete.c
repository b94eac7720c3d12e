/* orders_delete: delete the orders a key names (see the header). */
#include "service/orders_delete.h"
#include "domain/status.h"
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
    for (size_t i = 0; i < nrows; i++) {
        res[i] = (struct delete_result){.row = &rows[i], .outcome = DELETE_REFUSED};
        if (!status_deletable(rows[i].status)) continue;
        int rc = store_order_delete(c->store, &c->scope, rows[i].order_id, c->now);
        if (rc != STORE_OK && rc != STORE_NOTFOUND) return SERVICE_STORE_ERROR;
        res[i].outcome = rc == STORE_OK ? DELETE_DONE : DELETE_GONE;
    }
    *results = res, *n = nrows;
    return SERVICE_OK;
}
