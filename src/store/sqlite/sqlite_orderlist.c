/* sqlite_orderlist: the web app's orders list in the SQLite backend: one page
 * of the scope's orders by the list's filters and sort, and the counts per
 * status and channel its tabs and filter show. Every statement binds the
 * scope's tenant_id as ?1.
 *
 * The page's statement is put together from constant pieces, one for each
 * filter the page uses (a filter left out is no condition, so the planner
 * keeps its indexes), and prepared per call: there are too many mixes to
 * keep one prepared statement each. Its values are always bound, never
 * written into the text. Recipient name and postcode are the validated
 * order's (doc), read through migration 016's generated columns and index;
 * the counts are migration 016's order_counts, kept by triggers. */
#include "store/sqlite/sqlite_internal.h"
#include "util/buf.h"

#include <stdio.h>
#include <string.h>

static const char *const sql_text[Q_COUNT] = {
    /* kept by migration 016's triggers as the orders change */
    [Q_ORDER_COUNTS] = "SELECT tenant_id, status, channel, n FROM order_counts "
                       "WHERE tenant_id = ?1 AND n > 0 ORDER BY status, channel",
};

/* The numbered parameters of the page's statement. */
enum {
    P_TENANT = 1,
    P_STATUS,
    P_SEARCH,
    P_SEARCH_TIGHT, /* the search without spaces, for postcodes */
    P_START,
    P_END,
    P_SERVICE,
    P_CHANNEL,
    P_KEY_VALUE,
    P_KEY_ID,
    P_LIMIT,
};

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

/* The sort's value for the keyset row, copied (NULL: not the scope's). */
static int key_value(struct sqlite_store *s, const struct scope *sc, const char *col, int64_t id,
                     sqlite3_value **out)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT %s FROM orders WHERE tenant_id = ?1 AND order_id = ?2", col);
    sqlite3_stmt *st;
    *out = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return sq_fail(s, "key_prep");
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *out = sqlite3_value_dup(sqlite3_column_value(st, 0));
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return *out ? STORE_OK : STORE_ERROR;
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "key_value");
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

/* Writes the statement for f into sql; *descending is the SQL's own order
 * (paging back walks the sort backwards, and the caller turns it round). */
static void page_sql(struct buf *sql, const struct order_find *f, bool keyed, bool *descending)
{
    bool back = f->before_id > 0;
    bool desc = (f->sort == ORDER_SORT_NEWEST) != back;
    const char *col = sort_column(f->sort);
    buf_adds(sql, "SELECT " ORDER_COLS " FROM orders WHERE tenant_id = ?1");
    if (f->status) buf_adds(sql, " AND status = ?2");
    if (f->search)
        buf_adds(sql, " AND (order_ref LIKE ?3 ESCAPE '\\' OR list_name LIKE ?3 ESCAPE '\\' "
                      "OR replace(list_postcode, ' ', '') LIKE ?4 ESCAPE '\\' "
                      "OR tracking_number LIKE ?3 ESCAPE '\\')");
    if (f->start_ms) buf_adds(sql, " AND created_on >= ?5");
    if (f->end_ms) buf_adds(sql, " AND created_on <= ?6");
    if (f->service)
        buf_adds(sql, " AND COALESCE(service_code, "
                      "json_extract(doc, '$.postageDetails.serviceCode')) = ?7");
    if (f->channel) buf_adds(sql, " AND channel = ?8");
    if (keyed) {
        buf_printf(sql, " AND (%s, order_id) %s (?9, ?10)", col, desc ? "<" : ">");
    }
    buf_printf(sql, " ORDER BY %s %s, order_id %s LIMIT ?11", col, desc ? "DESC" : "ASC",
               desc ? "DESC" : "ASC");
    *descending = desc;
}

static void bind_filters(sqlite3_stmt *st, const struct scope *sc, const struct order_find *f,
                         struct arena *a)
{
    sqlite3_bind_int64(st, P_TENANT, sc->tenant_id);
    if (f->status) sqlite3_bind_text(st, P_STATUS, f->status, -1, SQLITE_STATIC);
    if (f->search) {
        sqlite3_bind_text(st, P_SEARCH, like_pattern(a, f->search, false), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, P_SEARCH_TIGHT, like_pattern(a, f->search, true), -1, SQLITE_STATIC);
    }
    if (f->start_ms) sqlite3_bind_int64(st, P_START, f->start_ms);
    if (f->end_ms) sqlite3_bind_int64(st, P_END, f->end_ms);
    if (f->service) sqlite3_bind_text(st, P_SERVICE, f->service, -1, SQLITE_STATIC);
    if (f->channel) sqlite3_bind_text(st, P_CHANNEL, f->channel, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, P_LIMIT, f->limit);
}

static int find_rows(struct sqlite_store *s, const struct scope *sc, const struct order_find *f,
                     struct arena *a, struct order_row **rows, size_t *nrows)
{
    int64_t key_id = f->before_id > 0 ? f->before_id : f->after_id;
    sqlite3_value *key = NULL;
    if (key_id > 0 && key_value(s, sc, sort_column(f->sort), key_id, &key) != STORE_OK)
        return STORE_ERROR;
    if (key_id > 0 && !key && f->before_id > 0) return STORE_OK; /* nothing before no row */
    struct order_find g = *f;
    if (!key) g.after_id = 0; /* after no row: from the start */
    struct buf sql;
    buf_init(&sql, a);
    bool desc;
    page_sql(&sql, &g, key != NULL, &desc);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, buf_cstr(&sql), -1, &st, NULL) != SQLITE_OK) {
        sqlite3_value_free(key);
        return sq_fail(s, "find_prep");
    }
    bind_filters(st, sc, &g, a);
    if (key) {
        sqlite3_bind_value(st, P_KEY_VALUE, key);
        sqlite3_bind_int64(st, P_KEY_ID, key_id);
    }
    size_t cap = 0;
    int rc = sq_collect_orders(s, st, a, rows, nrows, &cap);
    sqlite3_finalize(st);
    sqlite3_value_free(key);
    if (rc != STORE_OK || !g.before_id) return rc;
    /* paging back read the rows backwards: turn them round */
    for (size_t i = 0, j = *nrows; i + 1 < j; i++, j--) {
        struct order_row t = (*rows)[i];
        (*rows)[i] = (*rows)[j - 1];
        (*rows)[j - 1] = t;
    }
    return STORE_OK;
}

int sq_orders_find(struct store *base, const struct scope *sc, const struct order_find *f,
                   struct arena *a, struct order_row **rows, size_t *nrows)
{
    struct sqlite_store *s = S(base);
    *rows = NULL, *nrows = 0;
    /* the keyset row and the page in one snapshot */
    if (sq_tx_begin(s, false) != STORE_OK) return STORE_ERROR;
    return sq_tx_end(s, find_rows(s, sc, f, a, rows, nrows));
}

int sq_order_status_counts(struct store *base, const struct scope *sc, struct arena *a,
                           struct order_count_row **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_stmt(s, Q_ORDER_COUNTS, sql_text[Q_ORDER_COUNTS]);
    *rows = NULL, *n = 0;
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *rows = arena_grow(a, *rows, *n, &cap, sizeof **rows, 16);
        struct order_count_row *r = &(*rows)[(*n)++];
        r->tenant_id = sqlite3_column_int64(st, 0);
        r->status = sq_col_text(a, st, 1);
        r->channel = sq_col_text(a, st, 2);
        r->count = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "order_status_counts");
}
