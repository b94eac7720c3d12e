/* pg_dashboard: the dashboard's reads in the PostgreSQL backend
 * (sqlite_dashboard.c there): orders counted by status, and per day the
 * orders created and the postage spend from the ledger. One statement, so
 * one snapshot and one round trip: the counts' rows, then one row a day,
 * each day two range reads on orders_by_created and postage_ledger_by_at
 * (both led by the tenant). The days' bounds are the caller's, sent as two
 * arrays (each day's start and end). */
#include "store/pg/pg_internal.h"
#include "store/store_dashboard.h"
#include "util/arena.h"
#include "util/buf.h"

#include <string.h>

/* "{b0,b1,...}": the bounds from..from+ndays-1 as a PostgreSQL array. */
static void bounds_array(struct buf *b, const int64_t *bounds, size_t ndays)
{
    buf_adds(b, "{");
    for (size_t i = 0; i < ndays; i++)
        buf_printf(b, "%s%lld", i ? "," : "", (long long)bounds[i]);
    buf_adds(b, "}");
}

static int pg_dashboard_read(struct store *base, const struct scope *sc, const int64_t *bounds,
                             size_t ndays, struct arena *a, struct dashboard_read *out)
{
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct buf from, to;
    buf_init(&from, a);
    buf_init(&to, a);
    bounds_array(&from, bounds, ndays);
    bounds_array(&to, bounds + (ndays ? 1 : 0), ndays);
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_text(&q, buf_cstr(&from));
    pg_arg_text(&q, buf_cstr(&to));
    int rc;
    /* kind 0: a count (status, in a manifest, count); kind 1: a day (its
     * index from 1, orders, pence). Status in bytes' order, as SQLite's. */
    PGresult *r = pg_query(
        c, "dashboard",
        "SELECT 0 AS kind, status COLLATE \"C\" AS status, (manifest_no IS NOT NULL)::int AS m, "
        "COUNT(*) AS n, 0::bigint AS pence FROM orders WHERE tenant_id = $1 GROUP BY 2, 3 "
        "UNION ALL SELECT 1, NULL, d.i::int, "
        "(SELECT COUNT(*) FROM orders WHERE tenant_id = $1 AND created_on >= d.lo "
        "AND created_on < d.hi), "
        "(SELECT COALESCE(SUM(amount_pence), 0) FROM postage_ledger WHERE tenant_id = $1 "
        "AND at >= d.lo AND at < d.hi)::bigint "
        "FROM unnest($2::bigint[], $3::bigint[]) WITH ORDINALITY AS d(lo, hi, i) "
        "ORDER BY 1, 2, 3",
        &q, &rc);
    if (r) {
        int k = PQntuples(r), ncounts = 0;
        while (ncounts < k && pg_int(r, ncounts, 0) == 0)
            ncounts++;
        out->counts = arena_alloc(a, (size_t)(ncounts ? ncounts : 1) * sizeof *out->counts);
        for (int i = 0; i < ncounts; i++)
            out->counts[out->ncounts++] = (struct dashboard_status_count){
                pg_text(a, r, i, 1), pg_int(r, i, 2) != 0, pg_int(r, i, 3)};
        if (!ncounts) out->counts = NULL;
        for (int i = ncounts; i < k; i++) {
            int64_t day = pg_int(r, i, 2) - 1;
            if (day < 0 || (size_t)day >= ndays) continue;
            out->orders[day] = pg_int(r, i, 3);
            out->pence[day] = pg_int(r, i, 4);
        }
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

const struct store_dashboard_ops pg_dashboard_ops = {.read = pg_dashboard_read};
