/* pg_manifests: the manifests page's reads and the daily manifest's
 * setting and claims in the PostgreSQL backend (sqlite_manifests.c there,
 * migration 014). Every scoped statement binds the tenant as $1.
 *
 * The claim is one conditional UPDATE, under the tenant's write lock: the
 * claims of every server for one business's day queue on that lock, and
 * each UPDATE (READ COMMITTED: its snapshot is taken after the lock is
 * held) sees the day the one before took, so exactly one changes the row. */
#include "store/pg/pg_internal.h"
#include "store/store_manifests.h"
#include "util/arena.h"

#include <string.h>

/* What store_manifest_create takes (pg_postage.c). */
#define ELIGIBLE "status IN ('labelGenerated', 'despatched') AND manifest_no IS NULL"

/* PG_ORDER_COLS, with o. before each. */
#define ORDER_COLS_O                                                                               \
    "o.tenant_id, o.order_id, o.order_ref, o.status, o.created_on, o.updated_on, o.order_date, "   \
    "o.postage_applied_on, o.printed_on, o.manifested_on, o.shipped_on, o.other_courier_on, "      \
    "o.tracking_number, o.carrier, o.carrier_service, o.package_count, o.doc, o.service_code, "    \
    "o.postage_pence, o.manifest_no, o.channel"

/* The count and the first limit orders in one statement: the count on
 * every row, and one row of NULL orders when there are none. */
static int pg_manifests_eligible(struct store *base, const struct scope *sc, size_t limit,
                                 struct arena *a, struct order_row **rows, size_t *n,
                                 int64_t *total)
{
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_int(&q, (int64_t)limit);
    int rc;
    PGresult *r = pg_query(c, "manifests_eligible",
                           "SELECT (SELECT COUNT(*) FROM orders WHERE tenant_id = $1 AND " ELIGIBLE
                           "), " ORDER_COLS_O " FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT * "
                           "FROM orders WHERE tenant_id = $1 AND " ELIGIBLE
                           " ORDER BY order_id LIMIT $2) o ON true ORDER BY o.order_id",
                           &q, &rc);
    if (r) {
        int k = PQntuples(r);
        *total = k ? pg_int(r, 0, 0) : 0;
        if (k == 1 && pg_isnull(r, 0, 2)) k = 0; /* the row of no order */
        struct order_row *out = pg_rows(a, k, sizeof *out);
        for (int i = 0; i < k; i++)
            pg_read_order(r, i, 1, a, &out[i]);
        *rows = k ? out : NULL;
        *n = (size_t)k;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

static int pg_manifests_list(struct store *base, const struct scope *sc, size_t limit,
                             struct arena *a, struct manifest_summary **rows, size_t *n)
{
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_int(&q, (int64_t)limit);
    int rc;
    PGresult *r = pg_query(c, "manifests_list",
                           "SELECT tenant_id, manifest_no, created_at, order_count "
                           "FROM manifests WHERE tenant_id = $1 "
                           "ORDER BY manifest_no DESC LIMIT $2",
                           &q, &rc);
    if (r) {
        *rows = arena_alloc(a, (limit ? limit : 1) * sizeof **rows);
        for (int i = 0; i < PQntuples(r) && *n < limit; i++)
            (*rows)[(*n)++] = (struct manifest_summary){pg_int(r, i, 0), pg_int(r, i, 1),
                                                        pg_int(r, i, 2), pg_int(r, i, 3)};
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

#define DAILY_COLS "tenant_id, enabled, at_minute, working_days, last_day, last_at, last_manifest"

static void read_daily(const PGresult *r, int i, struct arena *a, struct manifest_daily *d)
{
    d->tenant_id = pg_int(r, i, 0);
    d->enabled = pg_int(r, i, 1) != 0;
    d->minute = (int)pg_int(r, i, 2);
    d->working_days = pg_int(r, i, 3) != 0;
    d->last_day = pg_text(a, r, i, 4);
    d->last_at = pg_int(r, i, 5); /* 0 for NULL */
    d->last_manifest = pg_int(r, i, 6);
}

static int pg_manifests_daily_get(struct store *base, const struct scope *sc, struct arena *a,
                                  struct manifest_daily *out)
{
    *out = (struct manifest_daily){
        .tenant_id = sc->tenant_id, .minute = MANIFEST_DAILY_DEFAULT_MINUTE, .working_days = true};
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    int rc;
    PGresult *r =
        pg_query(c, "manifest_daily_get",
                 "SELECT " DAILY_COLS " FROM manifest_daily WHERE tenant_id = $1", &q, &rc);
    if (r) {
        if (PQntuples(r) == 1) read_daily(r, 0, a, out);
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

static int pg_manifests_daily_set(struct store *base, const struct scope *sc, bool enabled,
                                  int minute, bool working_days, int64_t now)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_int(&q, enabled);
    pg_arg_int(&q, minute);
    pg_arg_int(&q, working_days);
    pg_arg_int(&q, now);
    int rc = pg_exec(c, "manifest_daily_set",
                     "INSERT INTO manifest_daily(tenant_id, enabled, at_minute, working_days, "
                     "updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id) DO UPDATE "
                     "SET enabled = excluded.enabled, at_minute = excluded.at_minute, "
                     "working_days = excluded.working_days, updated_at = excluded.updated_at",
                     &q, NULL);
    return pg_tx_end(c, rc);
}

/* Whoever's UPDATE changes the row owns the day; every other (a second
 * server, a retry after a restart) changes nothing. */
static int pg_manifests_daily_claim(struct store *base, const struct scope *sc, const char *day,
                                    int minute, int64_t now)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_text(&q, day);
    pg_arg_int(&q, minute);
    pg_arg_int(&q, now);
    int64_t changed = 0;
    int rc = pg_exec(c, "manifest_daily_claim",
                     "UPDATE manifest_daily SET last_day = $2, last_at = $4, "
                     "last_manifest = NULL WHERE tenant_id = $1 AND enabled = 1 "
                     "AND at_minute = $3 AND (last_day IS NULL OR last_day < $2)",
                     &q, &changed);
    if (rc == STORE_OK && changed == 0) rc = STORE_NOTFOUND;
    return pg_tx_end(c, rc);
}

static int pg_manifests_daily_made(struct store *base, const struct scope *sc, int64_t manifest_no)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    if (manifest_no)
        pg_arg_int(&q, manifest_no);
    else
        pg_arg_text(&q, NULL);
    int rc = pg_exec(c, "manifest_daily_made",
                     "UPDATE manifest_daily SET last_manifest = $2 WHERE tenant_id = $1", &q, NULL);
    return pg_tx_end(c, rc);
}

/* An operator's read across businesses, of the columns rls.sql grants the
 * operator: the due decision needs no more, and the day's claim (as the
 * business) is what records when it ran and what it made. */
static int pg_manifests_daily_pending(struct store *base, const char *day, size_t limit,
                                      struct arena *a, struct manifest_daily **rows, size_t *n)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_text(&q, day);
    pg_arg_int(&q, (int64_t)limit);
    int rc;
    PGresult *r = pg_query(c, "manifest_daily_pending",
                           "SELECT tenant_id, enabled, at_minute, working_days, last_day, "
                           "NULL, NULL FROM manifest_daily WHERE enabled = 1 "
                           "AND (last_day IS NULL OR last_day < $1) "
                           "ORDER BY tenant_id LIMIT $2",
                           &q, &rc);
    if (r) {
        *rows = arena_alloc(a, (limit ? limit : 1) * sizeof **rows);
        for (int i = 0; i < PQntuples(r) && *n < limit; i++)
            read_daily(r, i, a, &(*rows)[(*n)++]);
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

const struct store_manifests_ops pg_manifests_ops = {
    .eligible = pg_manifests_eligible,
    .list = pg_manifests_list,
    .daily_get = pg_manifests_daily_get,
    .daily_set = pg_manifests_daily_set,
    .daily_claim = pg_manifests_daily_claim,
    .daily_made = pg_manifests_daily_made,
    .daily_pending = pg_manifests_daily_pending,
};
