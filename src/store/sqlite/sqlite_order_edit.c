/* sqlite_order_edit: editing an order in the SQLite backend (issue 11): its
 * document, reference, date and package count are replaced, and its history
 * says so, in one transaction, only while the order is new or on hold.
 * Every statement binds the scope's tenant_id as ?1. */
#include "store/sqlite/sqlite_internal.h"

static const char *const sql_text[Q_COUNT] = {
    [Q_ORDER_EDIT] = "UPDATE orders SET doc = ?3, order_ref = ?4, order_date = ?5, "
                     "package_count = ?6, updated_on = ?7 WHERE tenant_id = ?1 AND order_id = ?2 "
                     "AND status IN ('new', 'onHold')",
    [Q_ORDER_EDIT_STATUS] = "SELECT status FROM orders WHERE tenant_id = ?1 AND order_id = ?2",
    [Q_ORDER_EDIT_HISTORY] =
        "INSERT INTO order_history(tenant_id, order_id, event_id, at, kind, text) "
        "SELECT ?1, ?2, COALESCE(MAX(event_id), 0) + 1, ?3, 'edited', ?4 "
        "FROM order_history WHERE tenant_id = ?1 AND order_id = ?2",
};

static sqlite3_stmt *stmt(struct sqlite_store *s, enum stmt_id id)
{
    return sq_stmt(s, id, sql_text[id]);
}

/* Why nothing was edited: no such order (STORE_NOTFOUND) or its status
 * (STORE_CONFLICT). */
static int why_not(struct sqlite_store *s, const struct scope *sc, int64_t order_id)
{
    sqlite3_stmt *st = stmt(s, Q_ORDER_EDIT_STATUS);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, order_id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return STORE_CONFLICT;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "order_edit_status");
}

static int replace(struct sqlite_store *s, const struct scope *sc, int64_t order_id,
                   const struct order_new *o, int64_t now)
{
    sqlite3_stmt *st = stmt(s, Q_ORDER_EDIT);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, order_id);
    sqlite3_bind_text(st, 3, o->doc, -1, SQLITE_STATIC);
    sq_bind_text_opt(st, 4, o->reference);
    sqlite3_bind_int64(st, 5, o->order_date);
    sqlite3_bind_int(st, 6, o->package_count);
    sqlite3_bind_int64(st, 7, now);
    int rc = sq_exec(s, st, "order_edit");
    if (rc == STORE_OK && sqlite3_changes(s->db) == 0) rc = why_not(s, sc, order_id);
    return rc;
}

int sq_order_edit(struct store *base, const struct scope *sc, int64_t order_id,
                  const struct order_new *o, int64_t now, const char *history_text)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int rc = replace(s, sc, order_id, o, now);
    sqlite3_stmt *st = rc == STORE_OK ? stmt(s, Q_ORDER_EDIT_HISTORY) : NULL;
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, order_id);
        sqlite3_bind_int64(st, 3, now);
        sqlite3_bind_text(st, 4, history_text, -1, SQLITE_STATIC);
        rc = sq_exec(s, st, "order_edit_history");
    } else if (rc == STORE_OK) {
        rc = STORE_ERROR;
    }
    return sq_tx_end(s, rc);
}
