/* orders_status: plan and apply one status update (see the header). */
#include "service/orders_status.h"
#include "service/audit.h"
#include "store/store.h"

/* The move planned for one order: a status request, or a web move. */
struct plan {
    const struct status_request *sr;
    enum status_move move;
};

static const char *plan_for(const struct plan *p, const char *current, int64_t now,
                            struct order_status_change *change, const char **code)
{
    return p->sr ? status_plan(current, p->sr, now, change, code)
                 : status_plan_move(current, p->move, now, change, code);
}

static enum service_rc apply(const struct service_ctx *c, const struct order_key *key,
                             const struct plan *p, struct status_result **results, size_t *n)
{
    struct order_row *rows;
    size_t nrows;
    *results = NULL, *n = 0;
    if (store_orders_get(c->store, &c->scope, key, 1, c->arena, &rows, &nrows) != STORE_OK)
        return SERVICE_STORE_ERROR;
    struct status_result *res = arena_alloc(c->arena, (nrows ? nrows : 1) * sizeof *res);
    int64_t *moved = arena_alloc(c->arena, (nrows ? nrows : 1) * sizeof *moved);
    size_t nmoved = 0;
    /* the key's moves and their order.status record in one transaction */
    if (service_tx_begin(c) != STORE_OK) return SERVICE_STORE_ERROR;
    int rc = STORE_OK;
    for (size_t k = 0; rc == STORE_OK && k < nrows; k++) {
        struct order_status_change change;
        res[k] = (struct status_result){.row = &rows[k], .outcome = STATUS_REFUSED};
        res[k].message = plan_for(p, rows[k].status, c->now, &change, &res[k].code);
        if (res[k].message) continue;
        int src = store_order_set_status(c->store, &c->scope, rows[k].order_id, &change);
        if (src == STORE_CONFLICT)
            res[k].outcome = STATUS_RACED;
        else if (src == STORE_OK)
            res[k].outcome = STATUS_UPDATED, moved[nmoved++] = rows[k].order_id;
        else
            rc = STORE_ERROR;
    }
    if (rc == STORE_OK) rc = service_audit(c, "order.status", "order", moved, nmoved);
    if (service_tx_end(c, rc) != STORE_OK) return SERVICE_STORE_ERROR;
    *results = res, *n = nrows;
    return SERVICE_OK;
}

enum service_rc service_order_status(const struct service_ctx *c, const struct order_key *key,
                                     const struct status_request *sr,
                                     struct status_result **results, size_t *n)
{
    struct plan p = {.sr = sr};
    return apply(c, key, &p, results, n);
}

enum service_rc service_order_move(const struct service_ctx *c, const struct order_key *key,
                                   enum status_move move, struct status_result **results, size_t *n)
{
    struct plan p = {.move = move};
    return apply(c, key, &p, results, n);
}
