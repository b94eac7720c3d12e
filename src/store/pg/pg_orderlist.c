/* pg_orderlist: the web app's orders list in the PostgreSQL backend
 * (sqlite_orderlist.c there): one page of the scope's orders by the list's
 * filters and sort, and the counts per status and channel its tabs and
 * filter show. Every statement filters by the scope's tenant_id as $1.
 *
 * As in SQLite the page's statement is put together from constant pieces,
 * one for each filter the page uses, its values always parameters, never
 * written into the text; PostgreSQL wants its parameters numbered without
 * gaps, so each piece takes the next number. The keyset row's sort value
 * is read inside the page's own statement (a sub-select the planner turns
 * into an index bound), so a page is one round trip. SQLite's LIKE ignores
 * ASCII case: ILIKE here. */
#include "store/pg/pg_internal.h"
#include "util/arena.h"
#include "util/buf.h"

#include <stdio.h>
#include <string.h>

/* What each sort orders by (with order_id after it, so the order is total). */
static const char *sort_column(enum order_sort sort)
{
    switch (sort) {
    case ORDER_SORT_REFERENCE:
        return "list_ref";
    case ORDER_SORT_NAME:
        return "list_name";
    case ORDER_SORT_OLDEST:
    case ORDER_SORT_NEWEST:
    default:
        return "created_on";
    }
}

/* "%part%" for LIKE, its own % _ and \ escaped; tight drops spaces. */
static char *like_pattern(struct arena *a, const char *q, bool tight)
{
    size_t n = strlen(q);
    char *p = arena_alloc(a, 2 * n + 3), *w = p;
    *w++ = '%';
    for (const char *c = q; *c; c++) {
        if (tight && *c == ' ') continue;
        if (*c == '%' || *c == '_' || *c == '\\') *w++ = '\\';
        *w++ = *c;
    }
    *w++ = '%';
    *w = 0;
    return p;
}

struct page {
    struct buf sql;
    struct pg_args args;
};

/* The next parameter: its number. */
static int param(struct page *pg, const char *text)
{
    pg_arg_text(&pg->args, text);
    return pg->args.n;
}

static int param_int(struct page *pg, int64_t v)
{
    pg_arg_int(&pg->args, v);
    return pg->args.n;
}

/* The statement for f, keyed on the row key_id when it is > 0; *descending
 * is the SQL's own order (paging back walks the sort backwards, and the
 * caller turns it round). */
static void page_sql(struct page *pg, const struct scope *sc, const struct order_find *f,
                     int64_t key_id, struct arena *a, bool *descending)
{
    bool back = f->before_id > 0;
    bool desc = (f->sort == ORDER_SORT_NEWEST) != back;
    const char *col = sort_column(f->sort);
    struct buf *sql = &pg->sql;
    param_int(pg, sc->tenant_id);
    buf_adds(sql, "SELECT " PG_ORDER_COLS " FROM orders WHERE tenant_id = $1");
    if (f->status) buf_printf(sql, " AND status = $%d", param(pg, f->status));
    if (f->search) {
        int s = param(pg, like_pattern(a, f->search, false));
        int t = param(pg, like_pattern(a, f->search, true));
        buf_printf(sql,
                   " AND (order_ref ILIKE $%d ESCAPE '\\' OR list_name ILIKE $%d ESCAPE '\\' "
                   "OR replace(list_postcode, ' ', '') ILIKE $%d ESCAPE '\\' "
                   "OR tracking_number ILIKE $%d ESCAPE '\\')",
                   s, s, t, s);
    }
    if (f->start_ms) buf_printf(sql, " AND created_on >= $%d", param_int(pg, f->start_ms));
    if (f->end_ms) buf_printf(sql, " AND created_on <= $%d", param_int(pg, f->end_ms));
    if (f->service)
        buf_printf(sql,
                   " AND COALESCE(service_code, "
                   "doc::jsonb #>> '{postageDetails,serviceCode}') = $%d",
                   param(pg, f->service));
    if (f->channel) buf_printf(sql, " AND channel = $%d", param(pg, f->channel));
    if (key_id > 0)
        buf_printf(sql,
                   " AND (%s, order_id) %s (SELECT %s, order_id FROM orders "
                   "WHERE tenant_id = $1 AND order_id = $%d)",
                   col, desc ? "<" : ">", col, param_int(pg, key_id));
    buf_printf(sql, " ORDER BY %s %s, order_id %s LIMIT $%d", col, desc ? "DESC" : "ASC",
               desc ? "DESC" : "ASC", param_int(pg, f->limit));
    *descending = desc;
}

static int run_page(struct pg_conn *c, const struct scope *sc, const struct order_find *f,
                    int64_t key_id, struct arena *a, struct order_row **rows, size_t *nrows)
{
    struct page pg = {0};
    buf_init(&pg.sql, a);
    bool desc;
    page_sql(&pg, sc, f, key_id, a, &desc);
    int rc;
    PGresult *r = pg_query(c, "orders_find", buf_cstr(&pg.sql), &pg.args, &rc);
    if (!r) return rc;
    size_t cap = 0;
    *rows = NULL;
    *nrows = 0;
    pg_collect_orders(r, 0, a, rows, nrows, &cap);
    PQclear(r);
    return STORE_OK;
}

/* Whether the scope has the order: 1, 0, or a failure. */
static int has_order(struct pg_conn *c, const struct scope *sc, int64_t order_id)
{
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, order_id);
    int rc;
    PGresult *r = pg_query(c, "orders_find_key",
                           "SELECT 1 FROM orders WHERE tenant_id = $1 AND order_id = $2", &p, &rc);
    if (!r) return rc;
    rc = PQntuples(r) ? 1 : 0;
    PQclear(r);
    return rc;
}

static int find_rows(struct pg_conn *c, const struct scope *sc, const struct order_find *f,
                     struct arena *a, struct order_row **rows, size_t *nrows)
{
    int64_t key_id = f->before_id > 0 ? f->before_id : f->after_id;
    /* a row that is not the scope's bounds nothing, so the keyed statement
     * finds nothing before it (as SQLite); after it, the list is read from
     * the start, which only an empty page needs to ask about */
    int rc = run_page(c, sc, f, key_id, a, rows, nrows);
    if (rc != STORE_OK) return rc;
    if (*nrows == 0 && key_id > 0 && f->before_id <= 0) {
        int has = has_order(c, sc, key_id);
        if (has < 0) return has;
        if (!has) rc = run_page(c, sc, f, 0, a, rows, nrows);
        if (rc != STORE_OK) return rc;
    }
    if (f->before_id <= 0) return STORE_OK;
    /* paging back read the rows backwards: turn them round */
    for (size_t i = 0, j = *nrows; i + 1 < j; i++, j--) {
        struct order_row t = (*rows)[i];
        (*rows)[i] = (*rows)[j - 1];
        (*rows)[j - 1] = t;
    }
    return STORE_OK;
}

int pg_orders_find(struct store *base, const struct scope *sc, const struct order_find *f,
                   struct arena *a, struct order_row **rows, size_t *nrows)
{
    *rows = NULL, *nrows = 0;
    /* the keyset row and the page in one snapshot (a read level is
     * REPEATABLE READ) */
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    return pg_tx_end(c, find_rows(c, sc, f, a, rows, nrows));
}

int pg_order_status_counts(struct store *base, const struct scope *sc, struct arena *a,
                           struct order_count_row **rows, size_t *n)
{
    *rows = NULL, *n = 0;
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    int rc;
    /* kept by migration 016's triggers as the orders change */
    PGresult *r = pg_query(c, "order_status_counts",
                           "SELECT tenant_id, status, channel, n FROM order_counts "
                           "WHERE tenant_id = $1 AND n > 0 ORDER BY status, channel",
                           &p, &rc);
    if (r) {
        size_t cap = 0;
        for (int i = 0; i < PQntuples(r); i++) {
            *rows = arena_grow(a, *rows, *n, &cap, sizeof **rows, 16);
            struct order_count_row *x = &(*rows)[(*n)++];
            x->tenant_id = pg_int(r, i, 0);
            x->status = pg_text(a, r, i, 1);
            x->channel = pg_text(a, r, i, 2);
            x->count = pg_int(r, i, 3);
        }
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}
