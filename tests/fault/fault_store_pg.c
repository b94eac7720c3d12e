/* fault_store_pg: fault_store.c's faults in the PostgreSQL backend, for
 * postroom-fault only (linked with --wrap=pg_orders_get and
 * --wrap=pg_orders_page). A store that only dropped its tenant condition
 * would change nothing here: row-level security holds the app role to the
 * tenant its transaction set. So the fault is the one both walls trust: the
 * lookup run with another tenant SET (app.tenant_id), as a store that took
 * the wrong scope would. Whose order it is is found on the operator
 * connection (the app role cannot see another tenant's rows at all).
 * POSTROOM_FAULT=foreign-row: a lookup of one order by id that finds none in
 * the scope's tenant hands back another tenant's order of that id.
 * POSTROOM_FAULT=foreign-page: a page after the first is read in the scope
 * of the owner of the next order of another tenant. */
#include "store/pg/pg_internal.h"

#include <stdlib.h>
#include <string.h>

/* The tenant of the first matching order of another tenant; 0 when none. */
static int64_t owner_of(struct store *base, const char *sql, int64_t id, int64_t tenant_id)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return 0;
    struct pg_args a = {0};
    pg_arg_int(&a, id);
    pg_arg_int(&a, tenant_id);
    int rc;
    int64_t owner = 0;
    PGresult *r = pg_query(c, "fault_owner", sql, &a, &rc);
    if (r) {
        if (PQntuples(r) == 1) owner = pg_int(r, 0, 0);
        PQclear(r);
        rc = STORE_OK;
    }
    pg_tx_end(c, rc);
    return owner;
}

static bool fault_is(const char *name)
{
    const char *fault = getenv("POSTROOM_FAULT");
    return fault && strcmp(fault, name) == 0;
}

int __real_pg_orders_get(struct store *base, const struct scope *sc, const struct order_key *keys,
                         size_t nkeys, struct arena *a, struct order_row **rows, size_t *nrows);
int __wrap_pg_orders_get(struct store *base, const struct scope *sc, const struct order_key *keys,
                         size_t nkeys, struct arena *a, struct order_row **rows, size_t *nrows);

int __wrap_pg_orders_get(struct store *base, const struct scope *sc, const struct order_key *keys,
                         size_t nkeys, struct arena *a, struct order_row **rows, size_t *nrows)
{
    int rc = __real_pg_orders_get(base, sc, keys, nkeys, a, rows, nrows);
    if (rc != STORE_OK || *nrows || nkeys != 1 || keys[0].id <= 0 || !fault_is("foreign-row"))
        return rc;
    int64_t owner = owner_of(base,
                             "SELECT tenant_id FROM orders WHERE order_id = $1 AND tenant_id != $2 "
                             "ORDER BY tenant_id LIMIT 1",
                             keys[0].id, sc->tenant_id);
    if (!owner) return rc;
    struct scope wrong = {owner}; /* THE FAULT: another tenant's row for this scope */
    return __real_pg_orders_get(base, &wrong, keys, nkeys, a, rows, nrows);
}

int __real_pg_orders_page(struct store *base, const struct scope *sc,
                          const struct order_page_query *q, struct arena *a,
                          struct order_row **rows, size_t *nrows);
int __wrap_pg_orders_page(struct store *base, const struct scope *sc,
                          const struct order_page_query *q, struct arena *a,
                          struct order_row **rows, size_t *nrows);

int __wrap_pg_orders_page(struct store *base, const struct scope *sc,
                          const struct order_page_query *q, struct arena *a,
                          struct order_row **rows, size_t *nrows)
{
    int64_t owner = 0;
    if (q->after_id > 0 && fault_is("foreign-page"))
        owner = owner_of(base,
                         "SELECT tenant_id FROM orders WHERE order_id > $1 AND tenant_id != $2 "
                         "ORDER BY order_id LIMIT 1",
                         q->after_id, sc->tenant_id);
    if (!owner) return __real_pg_orders_page(base, sc, q, a, rows, nrows);
    struct scope wrong = {owner}; /* THE FAULT: another tenant's page for this scope */
    return __real_pg_orders_page(base, &wrong, q, a, rows, nrows);
}
