/* pg_orders: orders in the PostgreSQL backend (sqlite_orders.c there).
 * Every statement filters by the scope's tenant_id as $1.
 *
 * Each call is one statement where it can be: a batch's numbers, rows,
 * tracking numbers and charges are one INSERT (CTEs around a multi-row
 * VALUES), a lookup of several keys is one SELECT, and deleting or
 * re-statusing an order carries its label's void (PG_VOID_CTES) in the
 * same statement. The tenant's write lock (pg_scoped) stands where SQLite
 * has BEGIN IMMEDIATE, so MAX(...) + 1 and the counters cannot race. */
#include "store/pg/pg_internal.h"
#include "util/arena.h"
#include "util/buf.h"

#include <string.h>

void pg_read_order(const PGresult *r, int row, int col0, struct arena *a, struct order_row *o)
{
    int c = col0;
    o->tenant_id = pg_int(r, row, c + 0);
    o->order_id = pg_int(r, row, c + 1);
    o->reference = pg_text(a, r, row, c + 2);
    o->status = pg_text(a, r, row, c + 3);
    o->created_on = pg_int(r, row, c + 4);
    o->updated_on = pg_int(r, row, c + 5);
    o->order_date = pg_int(r, row, c + 6);
    o->postage_applied_on = pg_int(r, row, c + 7);
    o->printed_on = pg_int(r, row, c + 8);
    o->manifested_on = pg_int(r, row, c + 9);
    o->shipped_on = pg_int(r, row, c + 10);
    o->other_courier_on = pg_int(r, row, c + 11);
    o->tracking_number = pg_text(a, r, row, c + 12);
    o->carrier = pg_text(a, r, row, c + 13);
    o->carrier_service = pg_text(a, r, row, c + 14);
    o->package_count = (int)pg_int(r, row, c + 15);
    o->doc = pg_text(a, r, row, c + 16);
    o->service_code = pg_text(a, r, row, c + 17);
    o->postage_pence = pg_int(r, row, c + 18);
    o->manifest_no = pg_int(r, row, c + 19);
    o->channel = pg_text(a, r, row, c + 20);
}

void pg_collect_orders(const PGresult *r, int col0, struct arena *a, struct order_row **rows,
                       size_t *n, size_t *cap)
{
    int k = PQntuples(r);
    for (int i = 0; i < k; i++) {
        *rows = arena_grow(a, *rows, *n, cap, sizeof **rows, 16);
        pg_read_order(r, i, col0, a, &(*rows)[(*n)++]);
    }
}

/* ---- inserting a batch ------------------------------------------------------ */

/* Rows of one statement: 8 parameters each, well under PostgreSQL's 65,535.
 * A bigger batch is several statements in the one transaction, each
 * numbering its rows from the counter where the last left it, so the
 * numbers stay dense. */
#define INSERT_ROWS 500
#define INSERT_COLS 8

/* $1 tenant, $2 rows, $3 now; then per row: reference, order date, doc,
 * package count, service, pence, tracking number, channel. The new rows'
 * tenant and number come back from RETURNING: what the database holds. */
static void insert_sql(struct buf *sql, size_t k)
{
    buf_adds(sql, "WITH alloc AS (UPDATE tenants SET next_order_id = next_order_id + $2::bigint "
                  "WHERE tenant_id = $1 RETURNING next_order_id - $2::bigint AS first), "
                  "src(i, ref, odate, doc, pc, svc, pence, tn, chan) AS (VALUES ");
    for (size_t i = 0; i < k; i++) {
        size_t b = 4 + i * INSERT_COLS;
        buf_printf(sql,
                   "%s(%zu, $%zu::text, $%zu::bigint, $%zu::text, $%zu::bigint, $%zu::text, "
                   "$%zu::bigint, $%zu::text, $%zu::text)",
                   i ? ", " : "", i, b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7);
    }
    buf_adds(sql, "), " PG_ORDER_INSERT_CTES " "
                  "SELECT tenant_id, order_id FROM ins ORDER BY order_id");
}

static int insert_chunk(struct pg_conn *c, const struct scope *sc, const struct order_new *orders,
                        size_t k, int64_t now, int64_t *ids_out, int64_t *tenants_out)
{
    struct arena a;
    arena_init(&a);
    struct buf sql;
    buf_init(&sql, &a);
    insert_sql(&sql, k);
    int np = 3 + (int)k * INSERT_COLS;
    const char **v = arena_alloc(&a, (size_t)np * sizeof *v);
    v[0] = arena_printf(&a, "%lld", (long long)sc->tenant_id);
    v[1] = arena_printf(&a, "%zu", k);
    v[2] = arena_printf(&a, "%lld", (long long)now);
    for (size_t i = 0; i < k; i++) {
        const struct order_new *o = &orders[i];
        const struct postage *p = o->postage;
        const char **w = v + 3 + i * INSERT_COLS;
        w[0] = o->reference;
        w[1] = o->order_date ? arena_printf(&a, "%lld", (long long)o->order_date) : NULL;
        w[2] = o->doc;
        w[3] = arena_printf(&a, "%d", o->package_count);
        w[4] = p ? p->service_code : NULL;
        w[5] = p ? arena_printf(&a, "%lld", (long long)p->price_pence) : NULL;
        w[6] = p ? p->tracking_number : NULL;
        w[7] = o->channel;
    }
    int rc;
    PGresult *r = pg_query_v(c, "order_insert", buf_cstr(&sql), np, v, NULL, NULL, &rc);
    if (!r) {
        rc = STORE_ERROR; /* a reused tracking number too, as in SQLite */
    } else if (PQntuples(r) == 0) {
        rc = STORE_NOTFOUND; /* no such tenant */
    } else if ((size_t)PQntuples(r) != k) {
        rc = pg_fail(c, "order_insert rows");
    } else {
        for (size_t i = 0; i < k; i++) {
            ids_out[i] = pg_int(r, (int)i, 1);
            if (tenants_out) tenants_out[i] = pg_int(r, (int)i, 0);
        }
        rc = STORE_OK;
    }
    PQclear(r);
    arena_free(&a);
    return rc;
}

/* As sq_orders_insert: numbers from the tenant's counter, dense and never
 * reused, the batch all or nothing. */
int pg_orders_insert(struct store *base, const struct scope *sc, const struct order_new *orders,
                     size_t n, int64_t now, int64_t *ids_out, int64_t *tenants_out)
{
    if (n == 0) return STORE_OK;
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < n; i += INSERT_ROWS) {
        size_t k = n - i < INSERT_ROWS ? n - i : INSERT_ROWS;
        rc = insert_chunk(c, sc, orders + i, k, now, ids_out + i,
                          tenants_out ? tenants_out + i : NULL);
    }
    return pg_tx_end(c, rc);
}

/* ---- reading ------------------------------------------------------------------ */

#define GET_KEYS 1000 /* keys of one statement */

static int get_one(struct pg_conn *c, const struct scope *sc, const struct order_key *key,
                   struct arena *a, struct order_row **rows, size_t *n, size_t *cap)
{
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    const char *sql;
    if (key->id > 0) {
        pg_arg_int(&q, key->id);
        sql = "SELECT " PG_ORDER_COLS " FROM orders WHERE tenant_id = $1 AND order_id = $2";
    } else {
        pg_arg_text(&q, key->reference);
        sql = "SELECT " PG_ORDER_COLS " FROM orders WHERE tenant_id = $1 AND order_ref = $2 "
              "ORDER BY order_id";
    }
    int rc;
    PGresult *r = pg_query(c, "order_get", sql, &q, &rc);
    if (!r) return rc;
    pg_collect_orders(r, 0, a, rows, n, cap);
    PQclear(r);
    return STORE_OK;
}

/* Several keys in one statement: each key's rows (by number, or by
 * reference in number order) after the key's position, so the rows come in
 * the order SQLite reads them key by key. */
static int get_many(struct pg_conn *c, const struct scope *sc, const struct order_key *keys,
                    size_t nkeys, struct arena *a, struct order_row **rows, size_t *n, size_t *cap,
                    int64_t **pos, size_t *pcap)
{
    struct arena t;
    arena_init(&t);
    struct buf sql;
    buf_init(&sql, &t);
    buf_adds(&sql, "WITH k(i, id, ref) AS (VALUES ");
    const char **v = arena_alloc(&t, (1 + 2 * nkeys) * sizeof *v);
    v[0] = arena_printf(&t, "%lld", (long long)sc->tenant_id);
    for (size_t i = 0; i < nkeys; i++) {
        buf_printf(&sql, "%s(%zu, $%zu::bigint, $%zu::text)", i ? ", " : "", i, 2 + 2 * i,
                   3 + 2 * i);
        v[1 + 2 * i] = keys[i].id > 0 ? arena_printf(&t, "%lld", (long long)keys[i].id) : NULL;
        v[2 + 2 * i] = keys[i].id > 0 ? NULL : keys[i].reference;
    }
    buf_adds(&sql, ") SELECT * FROM (SELECT k.i, " PG_ORDER_COLS " FROM k JOIN orders o "
                   "ON o.tenant_id = $1 AND o.order_id = k.id WHERE k.id IS NOT NULL "
                   "UNION ALL SELECT k.i, " PG_ORDER_COLS " FROM k JOIN orders o "
                   "ON o.tenant_id = $1 AND o.order_ref = k.ref WHERE k.id IS NULL) x "
                   "ORDER BY i, order_id");
    int rc;
    PGresult *r =
        pg_query_v(c, "orders_get", buf_cstr(&sql), (int)(1 + 2 * nkeys), v, NULL, NULL, &rc);
    if (r) {
        for (int i = 0; i < PQntuples(r); i++) {
            *pos = arena_grow(a, *pos, *n + (size_t)i, pcap, sizeof **pos, 16);
            (*pos)[*n + (size_t)i] = pg_int(r, i, 0);
        }
        pg_collect_orders(r, 1, a, rows, n, cap);
        rc = STORE_OK;
        PQclear(r);
    }
    arena_free(&t);
    return rc;
}

/* An order matched by two keys is returned once, dropped from the later
 * key's rows as sq_orders_get drops it (the last row moved into its place),
 * so both backends answer in the same order. */
static size_t drop_repeats(struct order_row *rows, const int64_t *key_of, size_t n, size_t nkeys)
{
    /* the rows arrive grouped by key: rebuild SQLite's walk key by key */
    size_t out = 0, at = 0;
    for (size_t k = 0; k < nkeys; k++) {
        size_t before = out;
        while (at < n && (size_t)key_of[at] == k)
            rows[out++] = rows[at++];
        for (size_t i = before; i < out;) {
            bool dup = false;
            for (size_t j = 0; j < before; j++)
                if (rows[j].order_id == rows[i].order_id) dup = true;
            if (dup)
                rows[i] = rows[--out];
            else
                i++;
        }
    }
    return out;
}

int pg_orders_get(struct store *base, const struct scope *sc, const struct order_key *keys,
                  size_t nkeys, struct arena *a, struct order_row **rows, size_t *nrows)
{
    size_t n = 0, cap = 0;
    *rows = NULL;
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    int rc = STORE_OK;
    if (nkeys == 1) {
        rc = get_one(c, sc, keys, a, rows, &n, &cap);
    } else if (nkeys > 1) {
        /* several keys in one snapshot (a read level is REPEATABLE READ) */
        int64_t *pos = NULL;
        size_t pcap = 0;
        for (size_t k = 0; rc == STORE_OK && k < nkeys; k += GET_KEYS) {
            size_t m = nkeys - k < GET_KEYS ? nkeys - k : GET_KEYS;
            size_t from = n;
            rc = get_many(c, sc, keys + k, m, a, rows, &n, &cap, &pos, &pcap);
            for (size_t i = from; rc == STORE_OK && i < n; i++)
                pos[i] += (int64_t)k;
        }
        if (rc == STORE_OK) n = drop_repeats(*rows, pos, n, nkeys);
    }
    rc = pg_tx_end(c, rc);
    if (rc == STORE_OK) *nrows = n;
    return rc;
}

int pg_orders_page(struct store *base, const struct scope *sc, const struct order_page_query *q,
                   struct arena *a, struct order_row **rows, size_t *nrows)
{
    size_t n = 0, cap = 0;
    *rows = NULL;
    *nrows = 0;
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, q->after_id);
    pg_arg_int(&p, q->start_ms ? q->start_ms : INT64_MIN);
    pg_arg_int(&p, q->end_ms ? q->end_ms : INT64_MAX);
    pg_arg_int(&p, q->limit);
    int rc;
    PGresult *r = pg_query(c, "orders_page",
                           "SELECT " PG_ORDER_COLS " FROM orders WHERE tenant_id = $1 "
                           "AND order_id > $2 AND created_on >= $3 AND created_on <= $4 "
                           "ORDER BY order_id LIMIT $5",
                           &p, &rc);
    if (r) {
        pg_collect_orders(r, 0, a, rows, &n, &cap);
        *nrows = n;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* ---- changing ----------------------------------------------------------------- */

/* Deleting voids the label in the same statement: the tracking number is
 * never valid again and the postage is refunded. */
int pg_order_delete(struct store *base, const struct scope *sc, int64_t order_id, int64_t now)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, order_id);
    pg_arg_int(&p, now);
    pg_arg_bool(&p, true);
    int rc;
    PGresult *r = pg_query(c, "order_delete",
                           "WITH " PG_VOID_CTES ", gone AS (DELETE FROM orders "
                           "WHERE tenant_id = $1 AND order_id = $2 RETURNING 1) "
                           "SELECT count(*) FROM gone",
                           &p, &rc);
    if (r) {
        rc = pg_int(r, 0, 0) ? STORE_OK : STORE_NOTFOUND;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* One compare-and-set on the status the order had when it was read; going
 * back to new voids the label in the same statement (the void reads the
 * order as it was before the update, as SQLite's runs first). */
int pg_order_set_status(struct store *base, const struct scope *sc, int64_t order_id,
                        const struct order_status_change *ch)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, order_id);
    pg_arg_int(&p, ch->now);
    pg_arg_bool(&p, ch->clear_label);
    pg_arg_text(&p, ch->to_status);
    pg_arg_int(&p, ch->shipped_on);
    pg_arg_int(&p, ch->other_courier_on);
    pg_arg_text(&p, ch->tracking_number);
    pg_arg_text(&p, ch->carrier);
    pg_arg_text(&p, ch->carrier_service);
    pg_arg_text(&p, ch->from_status);
    int rc;
    PGresult *r = pg_query(
        c, "order_set_status",
        "WITH " PG_VOID_CTES ", up AS (UPDATE orders SET status = $5, updated_on = $3, "
        "postage_applied_on = CASE WHEN $4 THEN NULL ELSE postage_applied_on END, "
        "service_code = CASE WHEN $4 THEN NULL ELSE service_code END, "
        "postage_pence = CASE WHEN $4 THEN NULL ELSE postage_pence END, "
        "printed_on = CASE WHEN $4 THEN NULL ELSE printed_on END, "
        "tracking_number = CASE WHEN $4 THEN NULL WHEN $8::text IS NOT NULL THEN $8::text "
        "ELSE tracking_number END, "
        "shipped_on = CASE WHEN $6::bigint > 0 THEN $6::bigint WHEN $4 THEN NULL "
        "ELSE shipped_on END, "
        "other_courier_on = CASE WHEN $7::bigint > 0 THEN $7::bigint WHEN $4 THEN NULL "
        "ELSE other_courier_on END, "
        "carrier = CASE WHEN $9::text IS NOT NULL THEN $9::text WHEN $4 THEN NULL "
        "ELSE carrier END, "
        "carrier_service = CASE WHEN $10::text IS NOT NULL THEN $10::text WHEN $4 THEN NULL "
        "ELSE carrier_service END "
        "WHERE tenant_id = $1 AND order_id = $2 AND status = $11::text RETURNING 1) "
        "SELECT count(*) FROM up",
        &p, &rc);
    if (r) {
        rc = pg_int(r, 0, 0) ? STORE_OK : STORE_CONFLICT;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}
