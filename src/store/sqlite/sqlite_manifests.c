/* sqlite_manifests: the manifests page's reads and the daily manifest's
 * setting and claims in the SQLite backend (migration 014). They run once
 * per page or per minute, never in a hot path, so their statements are
 * prepared per call and finalized, and hold no slot in the connection's
 * statement cache. Every scoped statement binds the tenant as ?1. */
#include "store/sqlite/sqlite_internal.h"
#include "store/store_manifests.h"

#include <string.h>

/* What store_manifest_create takes (sqlite_postage.c, Q_MANIFEST_ASSIGN). */
#define ELIGIBLE "status IN ('labelGenerated', 'despatched') AND manifest_no IS NULL"

static int64_t col_int_opt(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

static int eligible_count(struct sqlite_store *s, const struct scope *sc, int64_t *total)
{
    sqlite3_stmt *st = sq_prepare(s, "manifests",
                                  "SELECT COUNT(*) FROM orders WHERE tenant_id = ?1 AND " ELIGIBLE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *total = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s, "manifests_eligible_count");
}

static int sq_eligible(struct store *base, const struct scope *sc, size_t limit, struct arena *a,
                       struct order_row **rows, size_t *n, int64_t *total)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, false) != STORE_OK) return STORE_ERROR;
    int rc = eligible_count(s, sc, total);
    sqlite3_stmt *st = NULL;
    if (rc == STORE_OK)
        st = sq_prepare(s, "manifests",
                        "SELECT " ORDER_COLS " FROM orders WHERE tenant_id = ?1 AND " ELIGIBLE
                        " ORDER BY order_id LIMIT ?2");
    if (rc == STORE_OK && !st) rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
        size_t cap = 0;
        rc = sq_collect_orders(s, st, a, rows, n, &cap);
        sqlite3_finalize(st);
    }
    return sq_tx_end(s, rc);
}

static int sq_list(struct store *base, const struct scope *sc, size_t limit, struct arena *a,
                   struct manifest_summary **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "manifests",
                                  "SELECT tenant_id, manifest_no, created_at, order_count "
                                  "FROM manifests WHERE tenant_id = ?1 "
                                  "ORDER BY manifest_no DESC LIMIT ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    *rows = arena_alloc(a, (limit ? limit : 1) * sizeof **rows);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < limit)
        (*rows)[(*n)++] =
            (struct manifest_summary){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                                      sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3)};
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "manifests_list");
}

#define DAILY_COLS "tenant_id, enabled, at_minute, working_days, last_day, last_at, last_manifest"

static void read_daily(sqlite3_stmt *st, struct arena *a, struct manifest_daily *d)
{
    d->tenant_id = sqlite3_column_int64(st, 0);
    d->enabled = sqlite3_column_int(st, 1) != 0;
    d->minute = sqlite3_column_int(st, 2);
    d->working_days = sqlite3_column_int(st, 3) != 0;
    d->last_day = sq_col_text(a, st, 4);
    d->last_at = col_int_opt(st, 5);
    d->last_manifest = col_int_opt(st, 6);
}

static int sq_daily_get(struct store *base, const struct scope *sc, struct arena *a,
                        struct manifest_daily *out)
{
    struct sqlite_store *s = S(base);
    *out = (struct manifest_daily){
        .tenant_id = sc->tenant_id, .minute = MANIFEST_DAILY_DEFAULT_MINUTE, .working_days = true};
    sqlite3_stmt *st = sq_prepare(s, "manifests",
                                  "SELECT " DAILY_COLS " FROM manifest_daily WHERE tenant_id = ?1");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) read_daily(st, a, out);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "manifest_daily_get");
}

static int sq_daily_set(struct store *base, const struct scope *sc, bool enabled, int minute,
                        bool working_days, int64_t now)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st =
        sq_prepare(s, "manifests",
                   "INSERT INTO manifest_daily(tenant_id, enabled, at_minute, working_days, "
                   "updated_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(tenant_id) DO UPDATE SET "
                   "enabled = excluded.enabled, at_minute = excluded.at_minute, "
                   "working_days = excluded.working_days, updated_at = excluded.updated_at");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int(st, 2, enabled);
    sqlite3_bind_int(st, 3, minute);
    sqlite3_bind_int(st, 4, working_days);
    sqlite3_bind_int64(st, 5, now);
    return sq_run(s, st, "manifest_daily_set", NULL);
}

/* The claim: the one UPDATE that decides which claimant makes the day's
 * manifest. Whoever's UPDATE changes the row owns the day; every other (a
 * second server, a retry after a restart) changes nothing. */
static int sq_daily_claim(struct store *base, const struct scope *sc, const char *day, int minute,
                          int64_t now)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = sq_prepare(s, "manifests",
                                  "UPDATE manifest_daily SET last_day = ?2, last_at = ?4, "
                                  "last_manifest = NULL WHERE tenant_id = ?1 AND enabled = 1 "
                                  "AND at_minute = ?3 AND (last_day IS NULL OR last_day < ?2)");
    int64_t changed = 0;
    int rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, minute);
        sqlite3_bind_int64(st, 4, now);
        rc = sq_run(s, st, "manifest_daily_claim", &changed);
    }
    if (rc == STORE_OK && changed == 0) rc = STORE_NOTFOUND;
    return sq_tx_end(s, rc);
}

static int sq_daily_made(struct store *base, const struct scope *sc, int64_t manifest_no)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(
        s, "manifests", "UPDATE manifest_daily SET last_manifest = ?2 WHERE tenant_id = ?1");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    if (manifest_no)
        sqlite3_bind_int64(st, 2, manifest_no);
    else
        sqlite3_bind_null(st, 2);
    return sq_run(s, st, "manifest_daily_made", NULL);
}

static int sq_daily_pending(struct store *base, const char *day, size_t limit, struct arena *a,
                            struct manifest_daily **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "manifests",
                                  "SELECT " DAILY_COLS " FROM manifest_daily WHERE enabled = 1 "
                                  "AND (last_day IS NULL OR last_day < ?1) "
                                  "ORDER BY tenant_id LIMIT ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    *rows = arena_alloc(a, (limit ? limit : 1) * sizeof **rows);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < limit)
        read_daily(st, a, &(*rows)[(*n)++]);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "manifest_daily_pending");
}

const struct store_manifests_ops sq_manifests_ops = {
    .eligible = sq_eligible,
    .list = sq_list,
    .daily_get = sq_daily_get,
    .daily_set = sq_daily_set,
    .daily_claim = sq_daily_claim,
    .daily_made = sq_daily_made,
    .daily_pending = sq_daily_pending,
};
