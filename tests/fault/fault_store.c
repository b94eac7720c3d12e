/* fault_store: the fault the tripwire must catch, for postroom-fault only
 * (tests/fault/CMakeLists.txt links it with --wrap=sq_orders_get and
 * --wrap=sq_orders_page, and their pg_ twins for PostgreSQL). With POSTROOM_FAULT=foreign-row, a
 * lookup of one order by id that finds none in the scope's tenant hands back the order of that id
 * of another tenant, as a store that lost its tenant condition would. With
 * POSTROOM_FAULT=foreign-page, a page of orders after the first (after_id set: a later page of a
 * list or a streamed export) is read in the scope of the tenant owning the next order of another
 * tenant. Anything else, or the variable unset, is the real lookup. */
#include "store/sqlite/sqlite_internal.h"

#include <stdlib.h>
#include <string.h>

int __real_sq_orders_get(struct store *base, const struct scope *sc, const struct order_key *keys,
                         size_t nkeys, struct arena *a, struct order_row **rows, size_t *nrows);
int __wrap_sq_orders_get(struct store *base, const struct scope *sc, const struct order_key *keys,
                         size_t nkeys, struct arena *a, struct order_row **rows, size_t *nrows);

/* The tenant of another tenant's order with that id; 0 when none. */
static int64_t other_owner(struct store *base, int64_t tenant_id, int64_t order_id)
{
    sqlite3_stmt *st = NULL;
    int64_t owner = 0;
    if (sqlite3_prepare_v2(S(base)->db,
                           "SELECT tenant_id FROM orders WHERE order_id = ?1 AND tenant_id != ?2 "
                           "ORDER BY tenant_id LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, order_id);
        sqlite3_bind_int64(st, 2, tenant_id);
        if (sqlite3_step(st) == SQLITE_ROW) owner = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return owner;
}

int __wrap_sq_orders_get(struct store *base, const struct scope *sc, const struct order_key *keys,
                         size_t nkeys, struct arena *a, struct order_row **rows, size_t *nrows)
{
    int rc = __real_sq_orders_get(base, sc, keys, nkeys, a, rows, nrows);
    const char *fault = getenv("POSTROOM_FAULT");
    if (rc != STORE_OK || *nrows || nkeys != 1 || keys[0].id <= 0 || !fault ||
        strcmp(fault, "foreign-row"))
        return rc;
    int64_t owner = other_owner(base, sc->tenant_id, keys[0].id);
    if (!owner) return rc;
    struct scope wrong = {owner}; /* THE FAULT: another tenant's row for this scope */
    return __real_sq_orders_get(base, &wrong, keys, nkeys, a, rows, nrows);
}

int __real_sq_orders_page(struct store *base, const struct scope *sc,
                          const struct order_page_query *q, struct arena *a,
                          struct order_row **rows, size_t *nrows);
int __wrap_sq_orders_page(struct store *base, const struct scope *sc,
                          const struct order_page_query *q, struct arena *a,
                          struct order_row **rows, size_t *nrows);

/* The tenant of the first order after after_id that is not tenant_id's. */
static int64_t next_other_owner(struct store *base, int64_t tenant_id, int64_t after_id)
{
    sqlite3_stmt *st = NULL;
    int64_t owner = 0;
    if (sqlite3_prepare_v2(S(base)->db,
                           "SELECT tenant_id FROM orders WHERE order_id > ?1 AND tenant_id != ?2 "
                           "ORDER BY order_id LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, after_id);
        sqlite3_bind_int64(st, 2, tenant_id);
        if (sqlite3_step(st) == SQLITE_ROW) owner = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return owner;
}

int __wrap_sq_orders_page(struct store *base, const struct scope *sc,
                          const struct order_page_query *q, struct arena *a,
                          struct order_row **rows, size_t *nrows)
{
    const char *fault = getenv("POSTROOM_FAULT");
    int64_t owner = 0;
    if (q->after_id > 0 && fault && !strcmp(fault, "foreign-page"))
        owner = next_other_owner(base, sc->tenant_id, q->after_id);
    if (!owner) return __real_sq_orders_page(base, sc, q, a, rows, nrows);
    struct scope wrong = {owner}; /* THE FAULT: another tenant's page for this scope */
    return __real_sq_orders_page(base, &wrong, q, a, rows, nrows);
}

/* The same faults in the PostgreSQL store (pg_orders.c): the other
 * tenant's order is found on the operator connection (its policy crosses
 * tenants for the order numbers), and the lookup or the page is then run
 * as that tenant, whose rows the tenant wall then lets through. */
#include "store/pg/pg_internal.h"

int __real_pg_orders_get(struct store *base, const struct scope *sc, const struct order_key *keys,
                         size_t nkeys, struct arena *a, struct order_row **rows, size_t *nrows);
int __wrap_pg_orders_get(struct store *base, const struct scope *sc, const struct order_key *keys,
                         size_t nkeys, struct arena *a, struct order_row **rows, size_t *nrows);
int __real_pg_orders_page(struct store *base, const struct scope *sc,
                          const struct order_page_query *q, struct arena *a,
                          struct order_row **rows, size_t *nrows);
int __wrap_pg_orders_page(struct store *base, const struct scope *sc,
                          const struct order_page_query *q, struct arena *a,
                          struct order_row **rows, size_t *nrows);

static int64_t pg_owner_of(struct store *base, const char *sql, int64_t tenant_id, int64_t order_id)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return 0;
    struct pg_args p = {0};
    pg_arg_int(&p, order_id);
    pg_arg_int(&p, tenant_id);
    PGresult *r = pg_query(c, "fault_owner", sql, &p, NULL);
    int64_t owner = r && PQntuples(r) ? pg_int(r, 0, 0) : 0;
    PQclear(r);
    pg_tx_end(c, r ? STORE_OK : STORE_ERROR);
    return owner;
}

int __wrap_pg_orders_get(struct store *base, const struct scope *sc, const struct order_key *keys,
                         size_t nkeys, struct arena *a, struct order_row **rows, size_t *nrows)
{
    int rc = __real_pg_orders_get(base, sc, keys, nkeys, a, rows, nrows);
    const char *fault = getenv("POSTROOM_FAULT");
    if (rc != STORE_OK || *nrows || nkeys != 1 || keys[0].id <= 0 || !fault ||
        strcmp(fault, "foreign-row"))
        return rc;
    int64_t owner = pg_owner_of(base,
                                "SELECT tenant_id FROM orders WHERE order_id = $1 "
                                "AND tenant_id <> $2 ORDER BY tenant_id LIMIT 1",
                                sc->tenant_id, keys[0].id);
    if (!owner) return rc;
    struct scope wrong = {owner}; /* THE FAULT: another tenant's row for this scope */
    return __real_pg_orders_get(base, &wrong, keys, nkeys, a, rows, nrows);
}

int __wrap_pg_orders_page(struct store *base, const struct scope *sc,
                          const struct order_page_query *q, struct arena *a,
                          struct order_row **rows, size_t *nrows)
{
    const char *fault = getenv("POSTROOM_FAULT");
    int64_t owner = 0;
    if (q->after_id > 0 && fault && !strcmp(fault, "foreign-page"))
        owner = pg_owner_of(base,
                            "SELECT tenant_id FROM orders WHERE order_id > $1 "
                            "AND tenant_id <> $2 ORDER BY order_id LIMIT 1",
                            sc->tenant_id, q->after_id);
    if (!owner) return __real_pg_orders_page(base, sc, q, a, rows, nrows);
    struct scope wrong = {owner}; /* THE FAULT: another tenant's page for this scope */
    return __real_pg_orders_page(base, &wrong, q, a, rows, nrows);
}
