/* sqlite_returns: returns, order history and the other couriers' names in
 * the SQLite backend. Every statement binds the scope's tenant_id as ?1. */
#include "store/sqlite/sqlite_internal.h"

#include <string.h>

static const char *const sql_text[Q_COUNT] = {
    [Q_RETURN_ORDER_EXISTS] = "SELECT 1 FROM orders WHERE tenant_id = ?1 AND order_id = ?2",
    [Q_RETURN_INSERT] =
        "INSERT INTO returns(tenant_id, return_id, created_on, service_code, tracking_number, "
        "unique_item_id, customer_reference, order_id, doc) SELECT ?1, "
        "COALESCE(MAX(return_id), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM returns "
        "WHERE tenant_id = ?1 RETURNING return_id",
    [Q_RETURN_GET] = "SELECT tenant_id, return_id, created_on, service_code, tracking_number, "
                     "unique_item_id, customer_reference, order_id, doc FROM returns "
                     "WHERE tenant_id = ?1 AND tracking_number = ?2",
    [Q_HISTORY_ADD] = "INSERT INTO order_history(tenant_id, order_id, event_id, at, kind, text, "
                      "return_id) SELECT ?1, ?2, COALESCE(MAX(event_id), 0) + 1, ?3, ?4, ?5, ?6 "
                      "FROM order_history WHERE tenant_id = ?1 AND order_id = ?2",
    [Q_HISTORY_GET] = "SELECT tenant_id, order_id, event_id, at, kind, text, return_id "
                      "FROM order_history WHERE tenant_id = ?1 AND order_id = ?2 ORDER BY event_id",
    /* only orders despatchedByOtherCourier carry a carrier (setting an order
     * back to new clears it); orders_by_status finds them */
    [Q_CARRIERS] =
        "SELECT tenant_id, carrier FROM orders WHERE tenant_id = ?1 "
        "AND status = 'despatchedByOtherCourier' AND carrier IS NOT NULL "
        "GROUP BY tenant_id, carrier ORDER BY MIN(other_courier_on), MIN(order_id) LIMIT ?2",
};

static sqlite3_stmt *stmt(struct sqlite_store *s, enum stmt_id id)
{
    return sq_stmt(s, id, sql_text[id]);
}

/* Whether the order is the scope's; 1 yes, 0 no, STORE_ERROR. */
static int order_exists(struct sqlite_store *s, const struct scope *sc, int64_t order_id)
{
    sqlite3_stmt *st = stmt(s, Q_RETURN_ORDER_EXISTS);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, order_id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return 1;
    return rc == SQLITE_DONE ? 0 : sq_fail(s, "return_order_exists");
}

static int insert_return(struct sqlite_store *s, const struct scope *sc,
                         const struct return_new *in, int64_t now, int64_t order_id,
                         int64_t *return_id)
{
    sqlite3_stmt *st = stmt(s, Q_RETURN_INSERT);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_text(st, 3, in->service_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, in->tracking_number, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, in->unique_item_id, -1, SQLITE_STATIC);
    sq_bind_text_opt(st, 6, in->reference);
    if (order_id > 0)
        sqlite3_bind_int64(st, 7, order_id);
    else
        sqlite3_bind_null(st, 7);
    sqlite3_bind_text(st, 8, in->doc, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *return_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_CONFLICT : sq_fail(s, "return_insert");
}

static int add_history(struct sqlite_store *s, const struct scope *sc, int64_t order_id,
                       int64_t now, const char *text, int64_t return_id)
{
    sqlite3_stmt *st = stmt(s, Q_HISTORY_ADD);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, order_id);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_text(st, 4, "returnCreated", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, return_id);
    return sq_exec(s, st, "history_add");
}

/* The return, the link to its order (if the order is still the scope's)
 * and the order's history line: all or nothing. */
int sq_return_insert(struct store *base, const struct scope *sc, const struct return_new *in,
                     int64_t now, int64_t *return_id, int64_t *linked_order)
{
    struct sqlite_store *s = S(base);
    *linked_order = 0;
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int64_t oid = 0;
    int rc = STORE_OK;
    if (in->order_id > 0) {
        int ex = order_exists(s, sc, in->order_id);
        if (ex < 0) rc = STORE_ERROR;
        if (ex == 1) oid = in->order_id;
    }
    if (rc == STORE_OK) rc = insert_return(s, sc, in, now, oid, return_id);
    if (rc == STORE_OK && oid)
        rc = add_history(s, sc, oid, now, in->history ? in->history : "Return created", *return_id);
    rc = sq_tx_end(s, rc);
    if (rc == STORE_OK) *linked_order = oid;
    return rc;
}

int sq_return_get(struct store *base, const struct scope *sc, const char *tracking_number,
                  struct arena *a, struct return_row *out)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_RETURN_GET);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_text(st, 2, tracking_number, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->tenant_id = sqlite3_column_int64(st, 0);
        out->return_id = sqlite3_column_int64(st, 1);
        out->created_on = sqlite3_column_int64(st, 2);
        out->service_code = sq_col_text(a, st, 3);
        out->tracking_number = sq_col_text(a, st, 4);
        out->unique_item_id = sq_col_text(a, st, 5);
        out->reference = sq_col_text(a, st, 6);
        out->order_id = sqlite3_column_int64(st, 7);
        out->doc = sq_col_text(a, st, 8);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "return_get");
}

int sq_order_history(struct store *base, const struct scope *sc, int64_t order_id, struct arena *a,
                     struct order_event **events, size_t *n)
{
    struct sqlite_store *s = S(base);
    size_t k = 0, cap = 0;
    struct order_event *ev = NULL;
    *events = NULL;
    *n = 0;
    sqlite3_stmt *st = stmt(s, Q_HISTORY_GET);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, order_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? cap * 2 : 8;
            struct order_event *g = arena_alloc(a, cap * sizeof *g);
            if (k) memcpy(g, ev, k * sizeof *g);
            ev = g;
        }
        struct order_event *e = &ev[k++];
        e->tenant_id = sqlite3_column_int64(st, 0);
        e->order_id = sqlite3_column_int64(st, 1);
        e->event_id = sqlite3_column_int64(st, 2);
        e->at = sqlite3_column_int64(st, 3);
        e->kind = sq_col_text(a, st, 4);
        e->text = sq_col_text(a, st, 5);
        e->return_id = sqlite3_column_int64(st, 6);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return sq_fail(s, "order_history");
    *events = ev;
    *n = k;
    return STORE_OK;
}

int sq_carriers(struct store *base, const struct scope *sc, size_t max, struct arena *a,
                struct carrier_row **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    struct carrier_row *out = arena_alloc(a, (max ? max : 1) * sizeof *out);
    size_t k = 0;
    *rows = out;
    *n = 0;
    sqlite3_stmt *st = stmt(s, Q_CARRIERS);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    int rc = SQLITE_DONE;
    while (k < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        out[k].tenant_id = sqlite3_column_int64(st, 0);
        out[k].name = sq_col_text(a, st, 1);
        k++;
    }
    if (k == max) rc = SQLITE_DONE;
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return sq_fail(s, "carriers");
    *n = k;
    return STORE_OK;
}
