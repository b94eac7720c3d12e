/* pg_postage: S10 serials, postage, printed labels, manifests and the
 * per-business label settings in the PostgreSQL backend (sqlite_postage.c
 * there). Every business's statement filters by the scope's tenant_id as
 * $1; each call is one statement. */
#include "store/pg/pg_internal.h"
#include "util/arena.h"
#include "util/buf.h"

#include <string.h>

#define S10_MAX_SERIAL 99999999LL

int pg_tenant_settings(struct store *base, const struct scope *sc, struct arena *a,
                       struct tenant_settings *out)
{
    memset(out, 0, sizeof *out);
    out->label_layout = "6x4";
    out->country_code = "GB";
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    int rc;
    PGresult *r = pg_query(c, "settings_get",
                           "SELECT label_layout, trading_name, address_line1, address_line2, "
                           "city, postcode, country_code, phone FROM tenant_settings "
                           "WHERE tenant_id = $1",
                           &p, &rc);
    if (r) {
        if (PQntuples(r) == 1) {
            out->label_layout = pg_text(a, r, 0, 0);
            out->trading_name = pg_text(a, r, 0, 1);
            out->address_line1 = pg_text(a, r, 0, 2);
            out->address_line2 = pg_text(a, r, 0, 3);
            out->city = pg_text(a, r, 0, 4);
            out->postcode = pg_text(a, r, 0, 5);
            out->country_code = pg_text(a, r, 0, 6);
            out->phone = pg_text(a, r, 0, 7);
        }
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* An operator's call (the app may only read its settings: rls.sql). */
int pg_tenant_settings_set(struct store *base, int64_t tenant_id, const struct tenant_settings *in)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, tenant_id);
    pg_arg_text(&p, in->label_layout ? in->label_layout : "6x4");
    pg_arg_text(&p, in->trading_name);
    pg_arg_text(&p, in->address_line1);
    pg_arg_text(&p, in->address_line2);
    pg_arg_text(&p, in->city);
    pg_arg_text(&p, in->postcode);
    pg_arg_text(&p, in->country_code ? in->country_code : "GB");
    pg_arg_text(&p, in->phone);
    int rc =
        pg_exec(c, "settings_put",
                "INSERT INTO tenant_settings(tenant_id, label_layout, trading_name, "
                "address_line1, address_line2, city, postcode, country_code, phone) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (tenant_id) DO UPDATE "
                "SET label_layout = excluded.label_layout, "
                "trading_name = excluded.trading_name, "
                "address_line1 = excluded.address_line1, "
                "address_line2 = excluded.address_line2, city = excluded.city, "
                "postcode = excluded.postcode, country_code = excluded.country_code, "
                "phone = excluded.phone",
                &p, NULL);
    return pg_tx_end(c, rc);
}

/* The register is every business's, and every server's: one atomic upsert
 * takes n serials, the prefix's row locked by it until the transaction
 * ends, so servers on one database queue on that row and never share a
 * serial (SQLite's INSERT OR IGNORE then UPDATE under BEGIN IMMEDIATE).
 * Its own short transaction when none is open, on the app connection. */
int pg_s10_reserve(struct store *base, const char *prefix, int n, int64_t *first)
{
    if (n < 1) return STORE_ERROR;
    struct pg_store *p = P(base);
    struct pg_conn *c = pg_directory(p, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_text(&a, prefix);
    pg_arg_int(&a, n);
    int rc;
    PGresult *r = pg_query(c, "s10_reserve",
                           "INSERT INTO s10_serials AS s(prefix, next_serial) "
                           "VALUES ($1, 1 + $2::bigint) ON CONFLICT (prefix) DO UPDATE "
                           "SET next_serial = s.next_serial + $2::bigint "
                           "RETURNING next_serial - $2::bigint",
                           &a, &rc);
    if (r) {
        rc = PQntuples(r) == 1 ? STORE_OK : pg_fail(c, "s10_reserve rows");
        if (rc == STORE_OK) *first = pg_int(r, 0, 0);
        if (rc == STORE_OK && *first + n - 1 > S10_MAX_SERIAL) rc = STORE_CONFLICT; /* exhausted */
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* The compare-and-set and sq_postage_issue's tracking number and charge in
 * one statement: nothing is issued unless the order moved. */
int pg_order_apply_postage(struct store *base, const struct scope *sc, int64_t order_id,
                           const char *from_status, const struct postage *pp, int64_t now)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, order_id);
    pg_arg_text(&p, from_status);
    pg_arg_text(&p, pp->service_code);
    pg_arg_int(&p, pp->price_pence);
    pg_arg_text(&p, pp->tracking_number);
    pg_arg_int(&p, now);
    int rc;
    PGresult *r = pg_query(
        c, "apply_postage",
        "WITH up AS (UPDATE orders SET status = 'postageApplied', service_code = $4, "
        "postage_pence = $5, tracking_number = $6, postage_applied_on = $7, updated_on = $7 "
        "WHERE tenant_id = $1 AND order_id = $2 AND status = $3 RETURNING order_id), "
        "trk AS (INSERT INTO tracking_numbers(tracking_number, tenant_id, order_id, issued_at) "
        "SELECT $6, $1, order_id, $7 FROM up), "
        "led AS (INSERT INTO postage_ledger(tenant_id, entry_id, order_id, tracking_number, kind, "
        "amount_pence, at) SELECT $1, (SELECT COALESCE(MAX(entry_id), 0) + 1 FROM postage_ledger "
        "WHERE tenant_id = $1), order_id, $6, 'charge', $5, $7 FROM up) "
        "SELECT count(*) FROM up",
        &p, &rc);
    if (r) {
        rc = pg_int(r, 0, 0) ? STORE_OK : STORE_CONFLICT;
        PQclear(r);
    } else {
        rc = STORE_ERROR; /* a reused tracking number, as in SQLite */
    }
    return pg_tx_end(c, rc);
}

/* "{1,2,3}": numbers as one array parameter. */
static const char *int_array(struct arena *a, const int64_t *v, size_t n)
{
    struct buf b;
    buf_init(&b, a);
    buf_addc(&b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i) buf_addc(&b, ',');
        buf_add_i64(&b, v[i]);
    }
    buf_addc(&b, '}');
    return buf_cstr(&b);
}

int pg_orders_mark_printed(struct store *base, const struct scope *sc, const int64_t *ids, size_t n,
                           int64_t now)
{
    if (n == 0) return STORE_OK;
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct arena a;
    arena_init(&a);
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_text(&p, int_array(&a, ids, n));
    pg_arg_int(&p, now);
    int rc = pg_exec(c, "mark_printed",
                     "UPDATE orders SET status = 'labelGenerated', printed_on = $3, "
                     "updated_on = $3 WHERE tenant_id = $1 AND order_id = ANY($2::bigint[]) "
                     "AND status = 'postageApplied'",
                     &p, NULL);
    arena_free(&a);
    return pg_tx_end(c, rc);
}

/* The number, the orders it takes and its row in one statement, the orders
 * as they now stand coming back from the UPDATE. No order eligible: no
 * rows, STORE_NOTFOUND, and the rollback gives the number back. */
int pg_manifest_create(struct store *base, const struct scope *sc, int64_t now, struct arena *a,
                       int64_t *manifest_no, struct order_row **rows, size_t *nrows)
{
    *rows = NULL;
    *nrows = 0;
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, now);
    int rc;
    PGresult *r = pg_query(
        c, "manifest_create",
        "WITH nxt AS (UPDATE tenants SET next_manifest_no = next_manifest_no + 1 "
        "WHERE tenant_id = $1 RETURNING next_manifest_no - 1 AS no), "
        "asg AS (UPDATE orders SET status = 'manifested', manifest_no = nxt.no, "
        "manifested_on = $2, updated_on = $2 FROM nxt WHERE orders.tenant_id = $1 "
        "AND orders.status IN ('labelGenerated', 'despatched') AND orders.manifest_no IS NULL "
        "RETURNING " PG_ORDER_COLS "), "
        "ins AS (INSERT INTO manifests(tenant_id, manifest_no, created_at, order_count) "
        "SELECT $1, nxt.no, $2, (SELECT count(*) FROM asg) FROM nxt "
        "WHERE EXISTS (SELECT 1 FROM asg)) "
        "SELECT * FROM asg ORDER BY order_id",
        &p, &rc);
    size_t cap = 0;
    if (r) {
        if (PQntuples(r) == 0) {
            rc = STORE_NOTFOUND; /* nothing to manifest (or no such tenant) */
        } else {
            pg_collect_orders(r, 0, a, rows, nrows, &cap);
            rc = STORE_OK;
        }
        PQclear(r);
    }
    rc = pg_tx_end(c, rc);
    if (rc == STORE_OK) {
        *manifest_no = (*rows)[0].manifest_no;
    } else {
        *rows = NULL;
        *nrows = 0;
    }
    return rc;
}

int pg_manifest_get(struct store *base, const struct scope *sc, int64_t manifest_no,
                    struct arena *a, int64_t *created_at, struct order_row **rows, size_t *nrows)
{
    *rows = NULL;
    *nrows = 0;
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, manifest_no);
    int rc;
    /* the manifest's row, with its orders (none: one row of NULLs) */
    PGresult *r = pg_query(c, "manifest_get",
                           "SELECT m.created_at, o.* FROM manifests m LEFT JOIN LATERAL "
                           "(SELECT " PG_ORDER_COLS " FROM orders WHERE tenant_id = m.tenant_id "
                           "AND manifest_no = m.manifest_no) o ON true "
                           "WHERE m.tenant_id = $1 AND m.manifest_no = $2 ORDER BY o.order_id",
                           &p, &rc);
    if (r) {
        int k = PQntuples(r);
        rc = k ? STORE_OK : STORE_NOTFOUND;
        if (k) *created_at = pg_int(r, 0, 0);
        size_t cap = 0;
        if (k && !pg_isnull(r, 0, 2)) pg_collect_orders(r, 1, a, rows, nrows, &cap);
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}
