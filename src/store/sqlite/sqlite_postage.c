/* sqlite_postage: S10 serials, postage, printed labels, manifests and the
 * per-business label settings in the SQLite backend. */
#include "store/sqlite/sqlite_internal.h"

#include <string.h>

#define S10_MAX_SERIAL 99999999LL

static const char *const sql_text[Q_COUNT] = {
    [Q_SETTINGS_GET] = "SELECT label_layout, trading_name, address_line1, address_line2, city, "
                       "postcode, country_code, phone FROM tenant_settings WHERE tenant_id = ?1",
    [Q_SETTINGS_PUT] =
        "INSERT INTO tenant_settings(tenant_id, label_layout, trading_name, address_line1, "
        "address_line2, city, postcode, country_code, phone) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
        "?8, ?9) ON CONFLICT(tenant_id) DO UPDATE SET label_layout = excluded.label_layout, "
        "trading_name = excluded.trading_name, address_line1 = excluded.address_line1, "
        "address_line2 = excluded.address_line2, city = excluded.city, "
        "postcode = excluded.postcode, country_code = excluded.country_code, "
        "phone = excluded.phone",
    [Q_S10_INIT] = "INSERT OR IGNORE INTO s10_serials(prefix, next_serial) VALUES (?1, 1)",
    [Q_S10_RESERVE] = "UPDATE s10_serials SET next_serial = next_serial + ?2 WHERE prefix = ?1 "
                      "RETURNING next_serial - ?2",
    [Q_ORDER_APPLY_POSTAGE] =
        "UPDATE orders SET status = 'postageApplied', service_code = ?4, postage_pence = ?5, "
        "tracking_number = ?6, postage_applied_on = ?7, updated_on = ?7 "
        "WHERE tenant_id = ?1 AND order_id = ?2 AND status = ?3",
    [Q_ORDER_MARK_PRINTED] = "UPDATE orders SET status = 'labelGenerated', printed_on = ?3, "
                             "updated_on = ?3 WHERE tenant_id = ?1 AND order_id = ?2 "
                             "AND status = 'postageApplied'",
    [Q_MANIFEST_NEXT] = "UPDATE tenants SET next_manifest_no = next_manifest_no + 1 "
                        "WHERE tenant_id = ?1 RETURNING next_manifest_no - 1",
    [Q_MANIFEST_ASSIGN] = "UPDATE orders SET status = 'manifested', manifest_no = ?2, "
                          "manifested_on = ?3, updated_on = ?3 WHERE tenant_id = ?1 "
                          "AND status IN ('labelGenerated', 'despatched') AND manifest_no IS NULL",
    [Q_MANIFEST_INSERT] = "INSERT INTO manifests(tenant_id, manifest_no, created_at, order_count) "
                          "VALUES (?1, ?2, ?3, ?4)",
    [Q_MANIFEST_GET] = "SELECT created_at FROM manifests WHERE tenant_id = ?1 AND manifest_no = ?2",
    [Q_MANIFEST_ORDERS] = "SELECT " ORDER_COLS " FROM orders WHERE tenant_id = ?1 "
                          "AND manifest_no = ?2 ORDER BY order_id",
};

static sqlite3_stmt *stmt(struct sqlite_store *s, enum stmt_id id)
{
    return sq_stmt(s, id, sql_text[id]);
}

int sq_tenant_settings(struct store *base, const struct scope *sc, struct arena *a,
                       struct tenant_settings *out)
{
    struct sqlite_store *s = S(base);
    memset(out, 0, sizeof *out);
    out->label_layout = "6x4";
    out->country_code = "GB";
    sqlite3_stmt *st = stmt(s, Q_SETTINGS_GET);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->label_layout = sq_col_text(a, st, 0);
        out->trading_name = sq_col_text(a, st, 1);
        out->address_line1 = sq_col_text(a, st, 2);
        out->address_line2 = sq_col_text(a, st, 3);
        out->city = sq_col_text(a, st, 4);
        out->postcode = sq_col_text(a, st, 5);
        out->country_code = sq_col_text(a, st, 6);
        out->phone = sq_col_text(a, st, 7);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "settings_get");
}

int sq_tenant_settings_set(struct store *base, int64_t tenant_id, const struct tenant_settings *in)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_SETTINGS_PUT);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, tenant_id);
    sqlite3_bind_text(st, 2, in->label_layout ? in->label_layout : "6x4", -1, SQLITE_STATIC);
    sq_bind_text_opt(st, 3, in->trading_name);
    sq_bind_text_opt(st, 4, in->address_line1);
    sq_bind_text_opt(st, 5, in->address_line2);
    sq_bind_text_opt(st, 6, in->city);
    sq_bind_text_opt(st, 7, in->postcode);
    sqlite3_bind_text(st, 8, in->country_code ? in->country_code : "GB", -1, SQLITE_STATIC);
    sq_bind_text_opt(st, 9, in->phone);
    return sq_exec(s, st, "settings_put");
}

/* One UPDATE ... RETURNING under BEGIN IMMEDIATE: two connections can never
 * be handed the same serial. */
int sq_s10_reserve(struct store *base, const char *prefix, int n, int64_t *first)
{
    struct sqlite_store *s = S(base);
    if (n < 1 || sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, Q_S10_INIT);
    int rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
        rc = sq_exec(s, st, "s10_init");
    }
    if (rc == STORE_OK && (st = stmt(s, Q_S10_RESERVE))) {
        sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, n);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) *first = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        rc = step == SQLITE_ROW ? STORE_OK : sq_fail(s, "s10_reserve");
        if (rc == STORE_OK && *first + n - 1 > S10_MAX_SERIAL) rc = STORE_CONFLICT; /* exhausted */
    } else if (rc == STORE_OK) {
        rc = STORE_ERROR;
    }
    return sq_tx_end(s, rc);
}

int sq_order_apply_postage(struct store *base, const struct scope *sc, int64_t order_id,
                           const char *from_status, const struct postage *p, int64_t now)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, Q_ORDER_APPLY_POSTAGE);
    int rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, order_id);
        sqlite3_bind_text(st, 3, from_status, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, p->service_code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, p->price_pence);
        sqlite3_bind_text(st, 6, p->tracking_number, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, now);
        rc = sq_exec(s, st, "apply_postage");
        if (rc == STORE_OK && sqlite3_changes(s->db) == 0) rc = STORE_CONFLICT;
    }
    if (rc == STORE_OK) rc = sq_postage_issue(s, sc, order_id, p, now);
    return sq_tx_end(s, rc);
}

int sq_orders_mark_printed(struct store *base, const struct scope *sc, const int64_t *ids, size_t n,
                           int64_t now)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int rc = STORE_OK;
    for (size_t i = 0; i < n && rc == STORE_OK; i++) {
        sqlite3_stmt *st = stmt(s, Q_ORDER_MARK_PRINTED);
        if (!st) {
            rc = STORE_ERROR;
            break;
        }
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, ids[i]);
        sqlite3_bind_int64(st, 3, now);
        rc = sq_exec(s, st, "mark_printed");
    }
    return sq_tx_end(s, rc);
}

static int manifest_orders(struct sqlite_store *s, const struct scope *sc, int64_t no,
                           struct arena *a, struct order_row **rows, size_t *nrows)
{
    sqlite3_stmt *st = stmt(s, Q_MANIFEST_ORDERS);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, no);
    size_t n = 0, cap = 0;
    *rows = NULL;
    int rc = sq_collect_orders(s, st, a, rows, &n, &cap);
    *nrows = n;
    return rc;
}

int sq_manifest_create(struct store *base, const struct scope *sc, int64_t now, struct arena *a,
                       int64_t *manifest_no, struct order_row **rows, size_t *nrows)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int rc = STORE_ERROR;
    sqlite3_stmt *st = stmt(s, Q_MANIFEST_NEXT);
    int64_t no = 0;
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) no = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        rc = step == SQLITE_ROW    ? STORE_OK
             : step == SQLITE_DONE ? STORE_NOTFOUND
                                   : sq_fail(s, "manifest_next");
    }
    int changed = 0;
    if (rc == STORE_OK && (st = stmt(s, Q_MANIFEST_ASSIGN))) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, no);
        sqlite3_bind_int64(st, 3, now);
        rc = sq_exec(s, st, "manifest_assign");
        changed = sqlite3_changes(s->db);
        if (rc == STORE_OK && changed == 0) rc = STORE_NOTFOUND; /* nothing to manifest */
    }
    if (rc == STORE_OK && (st = stmt(s, Q_MANIFEST_INSERT))) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, no);
        sqlite3_bind_int64(st, 3, now);
        sqlite3_bind_int(st, 4, changed);
        rc = sq_exec(s, st, "manifest_insert");
    }
    if (rc == STORE_OK) rc = manifest_orders(s, sc, no, a, rows, nrows);
    rc = sq_tx_end(s, rc); /* on failure the manifest number is not used up either */
    if (rc == STORE_OK) *manifest_no = no;
    return rc;
}

int sq_manifest_get(struct store *base, const struct scope *sc, int64_t manifest_no,
                    struct arena *a, int64_t *created_at, struct order_row **rows, size_t *nrows)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, false) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, Q_MANIFEST_GET);
    int rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, manifest_no);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) *created_at = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        rc = step == SQLITE_ROW    ? STORE_OK
             : step == SQLITE_DONE ? STORE_NOTFOUND
                                   : sq_fail(s, "manifest_get");
    }
    if (rc == STORE_OK) rc = manifest_orders(s, sc, manifest_no, a, rows, nrows);
    return sq_tx_end(s, rc);
}
