/* pg_returns: returns, order history and the other couriers' names in the
 * PostgreSQL backend (sqlite_returns.c there). Every statement filters by
 * the scope's tenant_id as $1. */
#include "store/pg/pg_internal.h"
#include "util/arena.h"

#include <string.h>

/* The return, the link to its order (if the order is still the scope's)
 * and the order's history line in one statement: all or nothing. The
 * numbers are MAX + 1 under the tenant's write lock, as in SQLite. */
int pg_return_insert(struct store *base, const struct scope *sc, const struct return_new *in,
                     int64_t now, int64_t *return_id, int64_t *linked_order)
{
    *linked_order = 0;
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, now);
    pg_arg_text(&p, in->service_code);
    pg_arg_text(&p, in->tracking_number);
    pg_arg_text(&p, in->unique_item_id);
    pg_arg_text(&p, in->reference);
    pg_arg_int(&p, in->order_id > 0 ? in->order_id : 0);
    pg_arg_text(&p, in->doc);
    pg_arg_text(&p, in->history ? in->history : "Return created");
    int rc;
    PGresult *r = pg_query(
        c, "return_insert",
        "WITH o AS (SELECT order_id FROM orders WHERE tenant_id = $1 AND order_id = $7 "
        "AND $7 > 0), "
        "r AS (INSERT INTO returns(tenant_id, return_id, created_on, service_code, "
        "tracking_number, unique_item_id, customer_reference, order_id, doc) "
        "SELECT $1, (SELECT COALESCE(MAX(return_id), 0) + 1 FROM returns WHERE tenant_id = $1), "
        "$2, $3, $4, $5, $6, (SELECT order_id FROM o), $8 RETURNING return_id, order_id), "
        "h AS (INSERT INTO order_history(tenant_id, order_id, event_id, at, kind, text, "
        "return_id) SELECT $1, r.order_id, (SELECT COALESCE(MAX(event_id), 0) + 1 "
        "FROM order_history WHERE tenant_id = $1 AND order_id = r.order_id), $2, "
        "'returnCreated', $9, r.return_id FROM r WHERE r.order_id IS NOT NULL) "
        "SELECT return_id, order_id FROM r",
        &p, &rc);
    int64_t rid = 0, oid = 0;
    if (r) {
        rc = PQntuples(r) == 1 ? STORE_OK : pg_fail(c, "return_insert rows");
        if (rc == STORE_OK) {
            rid = pg_int(r, 0, 0);
            oid = pg_int(r, 0, 1);
        }
        PQclear(r);
    }
    /* a tracking number the business used already: STORE_CONFLICT (23505) */
    rc = pg_tx_end(c, rc);
    if (rc == STORE_OK) {
        *return_id = rid;
        *linked_order = oid;
    }
    return rc;
}

int pg_return_get(struct store *base, const struct scope *sc, const char *tracking_number,
                  struct arena *a, struct return_row *out)
{
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_text(&p, tracking_number);
    int rc;
    PGresult *r = pg_query(c, "return_get",
                           "SELECT tenant_id, return_id, created_on, service_code, "
                           "tracking_number, unique_item_id, customer_reference, order_id, doc "
                           "FROM returns WHERE tenant_id = $1 AND tracking_number = $2",
                           &p, &rc);
    if (r) {
        rc = PQntuples(r) ? STORE_OK : STORE_NOTFOUND;
        if (rc == STORE_OK) {
            memset(out, 0, sizeof *out);
            out->tenant_id = pg_int(r, 0, 0);
            out->return_id = pg_int(r, 0, 1);
            out->created_on = pg_int(r, 0, 2);
            out->service_code = pg_text(a, r, 0, 3);
            out->tracking_number = pg_text(a, r, 0, 4);
            out->unique_item_id = pg_text(a, r, 0, 5);
            out->reference = pg_text(a, r, 0, 6);
            out->order_id = pg_int(r, 0, 7);
            out->doc = pg_text(a, r, 0, 8);
        }
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

int pg_order_history(struct store *base, const struct scope *sc, int64_t order_id, struct arena *a,
                     struct order_event **events, size_t *n)
{
    *events = NULL;
    *n = 0;
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, order_id);
    int rc;
    PGresult *r = pg_query(c, "order_history",
                           "SELECT tenant_id, order_id, event_id, at, kind, text, return_id "
                           "FROM order_history WHERE tenant_id = $1 AND order_id = $2 "
                           "ORDER BY event_id",
                           &p, &rc);
    if (r) {
        int k = PQntuples(r);
        struct order_event *ev = k ? arena_alloc(a, (size_t)k * sizeof *ev) : NULL;
        for (int i = 0; i < k; i++) {
            struct order_event *e = &ev[i];
            e->tenant_id = pg_int(r, i, 0);
            e->order_id = pg_int(r, i, 1);
            e->event_id = pg_int(r, i, 2);
            e->at = pg_int(r, i, 3);
            e->kind = pg_text(a, r, i, 4);
            e->text = pg_text(a, r, i, 5);
            e->return_id = pg_int(r, i, 6);
        }
        *events = ev;
        *n = (size_t)k;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* Only orders despatchedByOtherCourier carry a carrier (setting an order
 * back to new clears it); orders_by_status finds them. */
int pg_carriers(struct store *base, const struct scope *sc, size_t max, struct arena *a,
                struct carrier_row **rows, size_t *n)
{
    struct carrier_row *out = arena_alloc(a, (max ? max : 1) * sizeof *out);
    *rows = out;
    *n = 0;
    if (max == 0) return STORE_OK;
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, (int64_t)max);
    int rc;
    PGresult *r = pg_query(c, "carriers",
                           "SELECT tenant_id, carrier FROM orders WHERE tenant_id = $1 "
                           "AND status = 'despatchedByOtherCourier' AND carrier IS NOT NULL "
                           "GROUP BY tenant_id, carrier "
                           "ORDER BY MIN(other_courier_on), MIN(order_id) LIMIT $2",
                           &p, &rc);
    if (r) {
        int k = PQntuples(r);
        for (int i = 0; i < k && (size_t)i < max; i++) {
            out[i].tenant_id = pg_int(r, i, 0);
            out[i].name = pg_text(a, r, i, 1);
            (*n)++;
        }
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}
