/* sqlite_orders: orders in the SQLite backend. Every statement binds the
 * scope's tenant_id as ?1. */
#include "store/sqlite/sqlite_internal.h"

#include <string.h>

static const char *const sql_text[Q_COUNT] = {
    [Q_ORDER_ALLOC] = "UPDATE tenants SET next_order_id = next_order_id + ?2 "
                      "WHERE tenant_id = ?1 RETURNING next_order_id - ?2",
    [Q_ORDER_INSERT] =
        "INSERT INTO orders(tenant_id, order_id, order_ref, status, created_on, updated_on, "
        "order_date, package_count, doc, service_code, postage_pence, tracking_number, "
        "postage_applied_on, channel) VALUES (?1, ?2, ?3, CASE WHEN ?10 IS NULL THEN 'new' ELSE "
        "'postageApplied' END, ?4, ?4, ?5, ?7, ?6, ?8, ?9, ?10, CASE WHEN ?10 IS NULL THEN NULL "
        "ELSE ?4 END, COALESCE(?11, 'API'))",
    /* a batch's rows read back, as the database holds them */
    [Q_ORDER_BATCH_IDS] = "SELECT tenant_id, order_id FROM orders "
                          "WHERE tenant_id = ?1 AND order_id >= ?2 AND order_id < ?3",
    /* order_counts of a batch, one row a status and channel (migration 019) */
    [Q_ORDER_COUNTS_ADD] = "INSERT INTO order_counts VALUES (?1, ?2, ?3, ?4) "
                           "ON CONFLICT (tenant_id, status, channel) DO UPDATE SET n = n + ?4",
    [Q_ORDER_BY_ID] = "SELECT " ORDER_COLS " FROM orders WHERE tenant_id = ?1 AND order_id = ?2",
    /* without statistics SQLite prefers the primary key here (to skip the
     * sort) and reads every order of the tenant: the index is named */
    [Q_ORDER_BY_REF] = "SELECT " ORDER_COLS " FROM orders INDEXED BY orders_by_ref "
                       "WHERE tenant_id = ?1 AND order_ref = ?2 "
                       "ORDER BY order_id",
    [Q_ORDER_PAGE] = "SELECT " ORDER_COLS " FROM orders WHERE tenant_id = ?1 AND order_id > ?2 "
                     "AND created_on >= ?3 AND created_on <= ?4 ORDER BY order_id LIMIT ?5",
    [Q_ORDER_DELETE] = "DELETE FROM orders WHERE tenant_id = ?1 AND order_id = ?2",
    /* the order's live S10 number (not another courier's) and its postage */
    [Q_ORDER_POSTAGE_OF] = "SELECT t.tracking_number, o.postage_pence FROM orders o "
                           "JOIN tracking_numbers t ON t.tracking_number = o.tracking_number "
                           "AND t.tenant_id = o.tenant_id AND t.order_id = o.order_id "
                           "WHERE o.tenant_id = ?1 AND o.order_id = ?2 AND t.voided_at IS NULL",
    [Q_TRACKING_ISSUE] = "INSERT INTO tracking_numbers(tracking_number, tenant_id, order_id, "
                         "issued_at) VALUES (?1, ?2, ?3, ?4)",
    [Q_TRACKING_VOID] = "UPDATE tracking_numbers SET voided_at = ?2 WHERE tracking_number = ?1",
    [Q_LEDGER_ADD] = "INSERT INTO postage_ledger(tenant_id, entry_id, order_id, tracking_number, "
                     "kind, amount_pence, at) SELECT ?1, COALESCE(MAX(entry_id), 0) + 1, ?2, ?3, "
                     "?4, ?5, ?6 FROM postage_ledger WHERE tenant_id = ?1",
    [Q_ORDER_SET_STATUS] =
        "UPDATE orders SET status = ?3, updated_on = ?4, "
        "postage_applied_on = CASE WHEN ?5 THEN NULL ELSE postage_applied_on END, "
        "service_code = CASE WHEN ?5 THEN NULL ELSE service_code END, "
        "postage_pence = CASE WHEN ?5 THEN NULL ELSE postage_pence END, "
        "printed_on = CASE WHEN ?5 THEN NULL ELSE printed_on END, "
        "tracking_number = CASE WHEN ?5 THEN NULL WHEN ?8 IS NOT NULL THEN ?8 ELSE tracking_number "
        "END, "
        "shipped_on = CASE WHEN ?6 > 0 THEN ?6 WHEN ?5 THEN NULL ELSE shipped_on END, "
        "other_courier_on = CASE WHEN ?7 > 0 THEN ?7 WHEN ?5 THEN NULL ELSE other_courier_on END, "
        "carrier = CASE WHEN ?9 IS NOT NULL THEN ?9 WHEN ?5 THEN NULL ELSE carrier END, "
        "carrier_service = CASE WHEN ?10 IS NOT NULL THEN ?10 WHEN ?5 THEN NULL ELSE "
        "carrier_service END "
        "WHERE tenant_id = ?1 AND order_id = ?2 AND status = ?11",
};

static sqlite3_stmt *stmt(struct sqlite_store *s, enum stmt_id id)
{
    return sq_stmt(s, id, sql_text[id]);
}
/* Steps a bound Q_ORDER_INSERT and reads back the key the row was written
 * under (its RETURNING clause). */
/* Reads the batch's rows back (ids first to first + n - 1): each order's
 * identifier and tenant id are the ones its row holds. An INSERT ...
 * RETURNING is a statement with a trigger of its own to SQLite, which then
 * keeps a statement journal for every order; one read of the batch costs a
 * fraction of that. Every row must be there. */
static int batch_read_back(struct sqlite_store *s, const struct scope *sc, int64_t first, size_t n,
                           int64_t *ids_out, int64_t *tenants_out)
{
    sqlite3_stmt *st = stmt(s, Q_ORDER_BATCH_IDS);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, first);
    sqlite3_bind_int64(st, 3, first + (int64_t)n);
    for (size_t i = 0; i < n; i++)
        ids_out[i] = 0;
    size_t found = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 1);
        size_t i = (size_t)(id - first);
        if (id < first || i >= n || ids_out[i]) break;
        ids_out[i] = id;
        if (tenants_out) tenants_out[i] = sqlite3_column_int64(st, 0);
        found++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE || found != n) return sq_fail(s, "order_insert");
    return STORE_OK;
}

/* The orders list's counts (order_counts) for a batch, kept here rather
 * than by a trigger for each row (migration 019): a trigger made every
 * insert a statement with a statement journal of its own, most of an
 * order's insert cost. The orders are counted under the status and channel
 * they are inserted with, exactly as Q_ORDER_INSERT writes them; what
 * changes them later (postage, status, delete) is still counted by the
 * update and delete triggers. */
#define COUNT_GROUPS 8
struct batch_counts {
    struct {
        const char *status, *channel;
        int64_t n;
    } g[COUNT_GROUPS];
    int ng;
};

static int counts_flush(struct sqlite_store *s, const struct scope *sc, struct batch_counts *c)
{
    for (int i = 0; i < c->ng; i++) {
        sqlite3_stmt *st = stmt(s, Q_ORDER_COUNTS_ADD);
        if (!st) return STORE_ERROR;
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_text(st, 2, c->g[i].status, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, c->g[i].channel, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, c->g[i].n);
        if (sq_exec(s, st, "order_counts_add") != STORE_OK) return STORE_ERROR;
    }
    c->ng = 0;
    return STORE_OK;
}

static int counts_add(struct sqlite_store *s, const struct scope *sc, struct batch_counts *c,
                      const struct order_new *o)
{
    /* as Q_ORDER_INSERT: postageApplied with a tracking number, and the
     * channel or API */
    const char *status = o->postage && o->postage->tracking_number ? "postageApplied" : "new";
    const char *channel = o->channel ? o->channel : "API";
    for (int i = 0; i < c->ng; i++)
        if (!strcmp(c->g[i].status, status) && !strcmp(c->g[i].channel, channel)) {
            c->g[i].n++;
            return STORE_OK;
        }
    if (c->ng == COUNT_GROUPS && counts_flush(s, sc, c) != STORE_OK) return STORE_ERROR;
    c->g[c->ng].status = status;
    c->g[c->ng].channel = channel;
    c->g[c->ng++].n = 1;
    return STORE_OK;
}

/* Inserts a batch in one transaction: identifiers are allocated in one step
 * from the tenant's counter, so they are dense, per tenant, and never reused.
 * Either every order of the batch is committed or none is. Each order's
 * identifier and tenant id are the ones the row was written with. */
int sq_orders_insert(struct store *base, const struct scope *sc, const struct order_new *orders,
                     size_t n, int64_t now, int64_t *ids_out, int64_t *tenants_out)
{
    struct sqlite_store *s = S(base);
    if (n == 0) return STORE_OK;
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int rc = STORE_ERROR;
    struct batch_counts counts = {.ng = 0};
    sqlite3_stmt *st = stmt(s, Q_ORDER_ALLOC);
    int64_t first = 0;
    if (!st) goto done;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)n);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) first = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (step != SQLITE_ROW) {
        rc = step == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "order_alloc");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        st = stmt(s, Q_ORDER_INSERT);
        if (!st) goto done;
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, first + (int64_t)i);
        sq_bind_text_opt(st, 3, orders[i].reference);
        sqlite3_bind_int64(st, 4, now);
        if (orders[i].order_date)
            sqlite3_bind_int64(st, 5, orders[i].order_date);
        else
            sqlite3_bind_null(st, 5);
        sqlite3_bind_text(st, 6, orders[i].doc, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 7, orders[i].package_count);
        const struct postage *p = orders[i].postage;
        if (p) {
            sqlite3_bind_text(st, 8, p->service_code, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 9, p->price_pence);
            sqlite3_bind_text(st, 10, p->tracking_number, -1, SQLITE_STATIC);
        }
        sq_bind_text_opt(st, 11, orders[i].channel);
        int step_rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (step_rc != SQLITE_DONE) {
            sq_fail(s, "order_insert");
            goto done;
        }
        if (counts_add(s, sc, &counts, &orders[i]) != STORE_OK) goto done;
        if (p && sq_postage_issue(s, sc, first + (int64_t)i, p, now) != STORE_OK) goto done;
    }
    if (counts_flush(s, sc, &counts) != STORE_OK ||
        batch_read_back(s, sc, first, n, ids_out, tenants_out) != STORE_OK)
        goto done;
    rc = STORE_OK;
done:
    return sq_tx_end(s, rc);
}
void sq_read_order(sqlite3_stmt *st, struct arena *a, struct order_row *r)
{
    r->tenant_id = sqlite3_column_int64(st, 0);
    r->order_id = sqlite3_column_int64(st, 1);
    r->reference = sq_col_text(a, st, 2);
    r->status = sq_col_text(a, st, 3);
    r->created_on = sqlite3_column_int64(st, 4);
    r->updated_on = sqlite3_column_int64(st, 5);
    r->order_date = sqlite3_column_int64(st, 6);
    r->postage_applied_on = sqlite3_column_int64(st, 7);
    r->printed_on = sqlite3_column_int64(st, 8);
    r->manifested_on = sqlite3_column_int64(st, 9);
    r->shipped_on = sqlite3_column_int64(st, 10);
    r->other_courier_on = sqlite3_column_int64(st, 11);
    r->tracking_number = sq_col_text(a, st, 12);
    r->carrier = sq_col_text(a, st, 13);
    r->carrier_service = sq_col_text(a, st, 14);
    r->package_count = sqlite3_column_int(st, 15);
    r->doc = sq_col_text(a, st, 16);
    r->service_code = sq_col_text(a, st, 17);
    r->postage_pence = sqlite3_column_int64(st, 18);
    r->manifest_no = sqlite3_column_int64(st, 19);
    r->channel = sq_col_text(a, st, 20);
}
/* Appends every row a prepared, bound statement yields to a growing array. */
int sq_collect_orders(struct sqlite_store *s, sqlite3_stmt *st, struct arena *a,
                      struct order_row **rows, size_t *n, size_t *cap)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == *cap) {
            size_t ncap = *cap ? *cap * 2 : 16;
            struct order_row *g = arena_alloc(a, ncap * sizeof *g);
            if (*n) memcpy(g, *rows, *n * sizeof *g);
            *rows = g;
            *cap = ncap;
        }
        sq_read_order(st, a, &(*rows)[(*n)++]);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "orders_read");
}
/* Looks up each key in turn inside one read transaction; an order matched by
 * two keys is returned once. */
int sq_orders_get(struct store *base, const struct scope *sc, const struct order_key *keys,
                  size_t nkeys, struct arena *a, struct order_row **rows, size_t *nrows)
{
    struct sqlite_store *s = S(base);
    /* room for one row a key to begin with (a reference can match more):
     * what a request allocates, it also wipes */
    size_t n = 0, cap = nkeys ? nkeys : 1;
    *rows = arena_alloc(a, cap * sizeof **rows);
    /* several keys are read in one transaction so they see one snapshot */
    bool tx = nkeys > 1;
    if (tx && sq_tx_begin(s, false) != STORE_OK) return STORE_ERROR;
    int rc = STORE_ERROR;
    for (size_t k = 0; k < nkeys; k++) {
        sqlite3_stmt *st = stmt(s, keys[k].id > 0 ? Q_ORDER_BY_ID : Q_ORDER_BY_REF);
        if (!st) goto done;
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        if (keys[k].id > 0)
            sqlite3_bind_int64(st, 2, keys[k].id);
        else
            sqlite3_bind_text(st, 2, keys[k].reference, -1, SQLITE_STATIC);
        size_t before = n;
        if (sq_collect_orders(s, st, a, rows, &n, &cap) != STORE_OK) goto done;
        /* drop rows already returned for an earlier key */
        for (size_t i = before; i < n;) {
            bool dup = false;
            for (size_t j = 0; j < before; j++)
                if ((*rows)[j].order_id == (*rows)[i].order_id) dup = true;
            if (dup)
                (*rows)[i] = (*rows)[--n];
            else
                i++;
        }
    }
    rc = STORE_OK;
done:
    if (tx) rc = sq_tx_end(s, rc);
    if (rc == STORE_OK) *nrows = n;
    return rc;
}
int sq_orders_page(struct store *base, const struct scope *sc, const struct order_page_query *q,
                   struct arena *a, struct order_row **rows, size_t *nrows)
{
    struct sqlite_store *s = S(base);
    size_t n = 0, cap = 0;
    *rows = NULL;
    sqlite3_stmt *st = stmt(s, Q_ORDER_PAGE);
#ifdef POSTROOM_PLANT_LEAK
    /* A DELIBERATE LEAK, built only into the planted fuzz tree (fuzz/planted.sh):
     * the export's pages (limit > 100) with an end date lose their tenant filter. */
    sqlite3_stmt *planted = NULL;
    if (q->limit > 100 && q->end_ms &&
        sqlite3_prepare_v2(s->db,
                           "SELECT " ORDER_COLS " FROM orders WHERE ?1 = ?1 AND order_id > ?2 "
                           "AND created_on >= ?3 AND created_on <= ?4 ORDER BY order_id LIMIT ?5",
                           -1, &planted, NULL) == SQLITE_OK)
        st = planted;
#endif
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, q->after_id);
    sqlite3_bind_int64(st, 3, q->start_ms ? q->start_ms : INT64_MIN);
    sqlite3_bind_int64(st, 4, q->end_ms ? q->end_ms : INT64_MAX);
    sqlite3_bind_int(st, 5, q->limit);
    int rc = sq_collect_orders(s, st, a, rows, &n, &cap);
#ifdef POSTROOM_PLANT_LEAK
    sqlite3_finalize(planted);
#endif
    *nrows = n;
    return rc;
}
/* Deleting an order voids its label: the tracking number is never valid
 * again and the postage is refunded, in the same transaction. */
int sq_order_delete(struct store *base, const struct scope *sc, int64_t order_id, int64_t now)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int rc = sq_postage_void(s, sc, order_id, now);
    sqlite3_stmt *st = rc == STORE_OK ? stmt(s, Q_ORDER_DELETE) : NULL;
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, order_id);
        rc = sq_exec(s, st, "order_delete");
        if (rc == STORE_OK && sqlite3_changes(s->db) == 0) rc = STORE_NOTFOUND;
    } else if (rc == STORE_OK) {
        rc = STORE_ERROR;
    }
    return sq_tx_end(s, rc);
}

/* One compare-and-set on the status the order had when it was read; going
 * back to new voids the label in the same transaction. */
int sq_order_set_status(struct store *base, const struct scope *sc, int64_t order_id,
                        const struct order_status_change *c)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int rc = c->clear_label ? sq_postage_void(s, sc, order_id, c->now) : STORE_OK;
    sqlite3_stmt *st = rc == STORE_OK ? stmt(s, Q_ORDER_SET_STATUS) : NULL;
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, order_id);
        sqlite3_bind_text(st, 3, c->to_status, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, c->now);
        sqlite3_bind_int(st, 5, c->clear_label);
        sqlite3_bind_int64(st, 6, c->shipped_on);
        sqlite3_bind_int64(st, 7, c->other_courier_on);
        sq_bind_text_opt(st, 8, c->tracking_number);
        sq_bind_text_opt(st, 9, c->carrier);
        sq_bind_text_opt(st, 10, c->carrier_service);
        sqlite3_bind_text(st, 11, c->from_status, -1, SQLITE_STATIC);
        rc = sq_exec(s, st, "order_set_status");
        if (rc == STORE_OK && sqlite3_changes(s->db) == 0) rc = STORE_CONFLICT;
    } else if (rc == STORE_OK) {
        rc = STORE_ERROR;
    }
    return sq_tx_end(s, rc);
}

/* Records an issued tracking number and its charge. */
int sq_postage_issue(struct sqlite_store *s, const struct scope *sc, int64_t order_id,
                     const struct postage *p, int64_t now)
{
    sqlite3_stmt *st = stmt(s, Q_TRACKING_ISSUE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, p->tracking_number, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, sc->tenant_id);
    sqlite3_bind_int64(st, 3, order_id);
    sqlite3_bind_int64(st, 4, now);
    int rc = sq_exec(s, st, "tracking_issue");
    if (rc != STORE_OK) return rc == STORE_CONFLICT ? STORE_ERROR : rc; /* a reused number */
    st = stmt(s, Q_LEDGER_ADD);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, order_id);
    sqlite3_bind_text(st, 3, p->tracking_number, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, "charge", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, p->price_pence);
    sqlite3_bind_int64(st, 6, now);
    return sq_exec(s, st, "ledger_add");
}

int sq_postage_void(struct sqlite_store *s, const struct scope *sc, int64_t order_id, int64_t now)
{
    sqlite3_stmt *st = stmt(s, Q_ORDER_POSTAGE_OF);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, order_id);
    int rc = sqlite3_step(st);
    const char *tn = NULL;
    int64_t pence = 0;
    char tnbuf[64] = "";
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        if (t && strlen((const char *)t) < sizeof tnbuf) {
            strcpy(tnbuf, (const char *)t);
            tn = tnbuf;
        }
        pence = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return sq_fail(s, "postage_of");
    if (!tn) return STORE_OK; /* no live S10 number: nothing to void */
    st = stmt(s, Q_TRACKING_VOID);
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, tn, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    if (sq_exec(s, st, "tracking_void") != STORE_OK) return STORE_ERROR;
    st = stmt(s, Q_LEDGER_ADD);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, order_id);
    sqlite3_bind_text(st, 3, tn, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, "refund", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, -pence);
    sqlite3_bind_int64(st, 6, now);
    return sq_exec(s, st, "ledger_refund");
}
