/* sqlite_dashboard: the dashboard's reads in the SQLite backend: orders
 * counted by status, and per day the orders created and the postage spend
 * from the ledger, all in one read snapshot. The days' bounds are the
 * caller's (Europe/London days); each day is one range read on
 * orders_by_created and postage_ledger_by_at (migration 014), both led by
 * the tenant. Statements are prepared per call: one dashboard per page. */
#include "store/sqlite/sqlite_internal.h"
#include "store/store_dashboard.h"

#include <string.h>

static int counts(struct sqlite_store *s, const struct scope *sc, struct arena *a,
                  struct dashboard_read *out)
{
    sqlite3_stmt *st = sq_prepare(s, "dashboard",
                                  "SELECT status, manifest_no IS NOT NULL, COUNT(*) FROM orders "
                                  "WHERE tenant_id = ?1 GROUP BY 1, 2 ORDER BY 1, 2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->ncounts == cap) {
            cap = cap ? cap * 2 : 16;
            struct dashboard_status_count *g = arena_alloc(a, cap * sizeof *g);
            if (out->ncounts) memcpy(g, out->counts, out->ncounts * sizeof *g);
            out->counts = g;
        }
        out->counts[out->ncounts++] = (struct dashboard_status_count){
            sq_col_text(a, st, 0), sqlite3_column_int(st, 1) != 0, sqlite3_column_int64(st, 2)};
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "dashboard_counts");
}

/* Runs st (bound ?1 tenant, ?2 from, ?3 to) for each day into per[i]. */
static int per_day(struct sqlite_store *s, sqlite3_stmt *st, const struct scope *sc,
                   const int64_t *bounds, size_t ndays, int64_t *per, const char *where)
{
    if (!st) return STORE_ERROR;
    int rc = SQLITE_DONE;
    for (size_t i = 0; i < ndays && rc != SQLITE_ERROR; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, bounds[i]);
        sqlite3_bind_int64(st, 3, bounds[i + 1]);
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW) {
            rc = SQLITE_ERROR;
            break;
        }
        per[i] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ERROR ? sq_fail(s, where) : STORE_OK;
}

static int sq_dashboard_read(struct store *base, const struct scope *sc, const int64_t *bounds,
                             size_t ndays, struct arena *a, struct dashboard_read *out)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, false) != STORE_OK) return STORE_ERROR;
    int rc = counts(s, sc, a, out);
    if (rc == STORE_OK)
        rc = per_day(s,
                     sq_prepare(s, "dashboard",
                                "SELECT COUNT(*) FROM orders WHERE tenant_id = ?1 "
                                "AND created_on >= ?2 AND created_on < ?3"),
                     sc, bounds, ndays, out->orders, "dashboard_orders");
    if (rc == STORE_OK)
        rc = per_day(s,
                     sq_prepare(s, "dashboard",
                                "SELECT COALESCE(SUM(amount_pence), 0) FROM postage_ledger "
                                "WHERE tenant_id = ?1 AND at >= ?2 AND at < ?3"),
                     sc, bounds, ndays, out->pence, "dashboard_spend");
    return sq_tx_end(s, rc);
}

const struct store_dashboard_ops sq_dashboard_ops = {.read = sq_dashboard_read};
