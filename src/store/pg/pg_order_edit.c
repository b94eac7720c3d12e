/* pg_order_edit: editing an order in the PostgreSQL backend
 * (sqlite_order_edit.c there): its document, reference, date and package
 * count are replaced, and its history says so, only while the order is new
 * or on hold. One statement filtering by the scope's tenant_id as $1: the
 * update, the history line, and why nothing changed when nothing did. */
#include "store/pg/pg_internal.h"

int pg_order_edit(struct store *base, const struct scope *sc, int64_t order_id,
                  const struct order_new *o, int64_t now, const char *history_text)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, order_id);
    pg_arg_text(&p, o->doc);
    pg_arg_text(&p, o->reference);
    pg_arg_int(&p, o->order_date);
    pg_arg_int(&p, o->package_count);
    pg_arg_int(&p, now);
    pg_arg_text(&p, history_text);
    int rc;
    /* the EXISTS reads the order as it was before the statement: there
     * (in another status) is STORE_CONFLICT, not there STORE_NOTFOUND */
    PGresult *r = pg_query(
        c, "order_edit",
        "WITH up AS (UPDATE orders SET doc = $3, order_ref = $4, order_date = $5, "
        "package_count = $6, updated_on = $7 WHERE tenant_id = $1 AND order_id = $2 "
        "AND status IN ('new', 'onHold') RETURNING order_id), "
        "h AS (INSERT INTO order_history(tenant_id, order_id, event_id, at, kind, text) "
        "SELECT $1, up.order_id, (SELECT COALESCE(MAX(event_id), 0) + 1 FROM order_history "
        "WHERE tenant_id = $1 AND order_id = $2), $7, 'edited', $8 FROM up) "
        "SELECT (SELECT count(*) FROM up), "
        "EXISTS (SELECT 1 FROM orders WHERE tenant_id = $1 AND order_id = $2)",
        &p, &rc);
    if (r) {
        rc = pg_int(r, 0, 0) ? STORE_OK : pg_bool(r, 0, 1) ? STORE_CONFLICT : STORE_NOTFOUND;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}
