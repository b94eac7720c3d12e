/* pg_mappings: a business's saved column mappings (issue 13) in the
 * PostgreSQL backend, as sqlite_mappings.c. Numbered per business under the
 * business's write lock (MAX + 1 cannot race); a name taken is the UNIQUE
 * (tenant_id, name) refusing it: STORE_CONFLICT. */
#include "store/pg/pg_internal.h"
#include "store/store_mappings.h"
#include "util/arena.h"

#define MAPPING_COLS "tenant_id, mapping_id, name, spec, headers, created_on, updated_on"

static void read_row(struct arena *a, const PGresult *r, int i, struct mapping_row *m)
{
    m->tenant_id = pg_int(r, i, 0);
    m->mapping_id = pg_int(r, i, 1);
    m->name = pg_text(a, r, i, 2);
    m->spec = pg_text(a, r, i, 3);
    m->headers = pg_text(a, r, i, 4);
    m->created_on = pg_int(r, i, 5);
    m->updated_on = pg_int(r, i, 6);
}

static int pg_mappings_list(struct store *base, const struct scope *sc, struct arena *a,
                            struct mapping_row **rows, size_t *n)
{
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args args = {0};
    pg_arg_int(&args, sc->tenant_id);
    int rc;
    PGresult *r = pg_query(c, "mappings_list",
                           "SELECT " MAPPING_COLS " FROM import_mappings WHERE tenant_id = $1 "
                           "ORDER BY name, mapping_id",
                           &args, &rc);
    if (r) {
        int k = PQntuples(r);
        struct mapping_row *out = pg_rows(a, k, sizeof *out);
        for (int i = 0; i < k; i++)
            read_row(a, r, i, &out[i]);
        *rows = out;
        *n = (size_t)k;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* One mapping by number (name NULL) or by name. */
static int mapping_one(struct pg_store *p, const struct scope *sc, int64_t mapping_id,
                       const char *name, struct arena *a, struct mapping_row *out)
{
    struct pg_conn *c = pg_scoped(p, sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args args = {0};
    pg_arg_int(&args, sc->tenant_id);
    if (name)
        pg_arg_text(&args, name);
    else
        pg_arg_int(&args, mapping_id);
    int rc;
    PGresult *r = pg_query(c, "mapping_get",
                           name ? "SELECT " MAPPING_COLS " FROM import_mappings "
                                  "WHERE tenant_id = $1 AND name = $2"
                                : "SELECT " MAPPING_COLS " FROM import_mappings "
                                  "WHERE tenant_id = $1 AND mapping_id = $2",
                           &args, &rc);
    if (r) {
        rc = PQntuples(r) == 1 ? STORE_OK : STORE_NOTFOUND;
        if (rc == STORE_OK) read_row(a, r, 0, out);
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

static int pg_mapping_get(struct store *base, const struct scope *sc, int64_t mapping_id,
                          struct arena *a, struct mapping_row *out)
{
    return mapping_one(P(base), sc, mapping_id, NULL, a, out);
}

static int pg_mapping_find(struct store *base, const struct scope *sc, const char *name,
                           struct arena *a, struct mapping_row *out)
{
    return mapping_one(P(base), sc, 0, name, a, out);
}

static int pg_mapping_add(struct store *base, const struct scope *sc, const struct mapping_row *m,
                          int64_t now, int64_t *mapping_id)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args args = {0};
    pg_arg_int(&args, sc->tenant_id);
    pg_arg_text(&args, m->name);
    pg_arg_text(&args, m->spec);
    pg_arg_text(&args, m->headers);
    pg_arg_int(&args, now);
    int rc;
    PGresult *r =
        pg_query(c, "mapping_add",
                 "INSERT INTO import_mappings(tenant_id, mapping_id, name, spec, headers, "
                 "created_on, updated_on) SELECT $1, COALESCE(MAX(mapping_id), 0) + 1, "
                 "$2, $3, $4, $5, $5 FROM import_mappings WHERE tenant_id = $1 "
                 "RETURNING mapping_id",
                 &args, &rc);
    if (r) {
        *mapping_id = pg_int(r, 0, 0);
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

static int pg_mapping_rename(struct store *base, const struct scope *sc, int64_t mapping_id,
                             const char *name, int64_t now)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args args = {0};
    pg_arg_int(&args, sc->tenant_id);
    pg_arg_int(&args, mapping_id);
    pg_arg_text(&args, name);
    pg_arg_int(&args, now);
    int64_t changed = 0;
    int rc = pg_exec(c, "mapping_rename",
                     "UPDATE import_mappings SET name = $3, updated_on = $4 "
                     "WHERE tenant_id = $1 AND mapping_id = $2",
                     &args, &changed);
    if (rc == STORE_OK && !changed) rc = STORE_NOTFOUND;
    return pg_tx_end(c, rc);
}

static int pg_mapping_delete(struct store *base, const struct scope *sc, int64_t mapping_id)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args args = {0};
    pg_arg_int(&args, sc->tenant_id);
    pg_arg_int(&args, mapping_id);
    int64_t changed = 0;
    int rc = pg_exec(c, "mapping_delete",
                     "DELETE FROM import_mappings WHERE tenant_id = $1 AND mapping_id = $2", &args,
                     &changed);
    if (rc == STORE_OK && !changed) rc = STORE_NOTFOUND;
    return pg_tx_end(c, rc);
}

const struct store_mappings_ops pg_mappings_ops = {
    .list = pg_mappings_list,
    .get = pg_mapping_get,
    .find = pg_mapping_find,
    .add = pg_mapping_add,
    .rename = pg_mapping_rename,
    .del = pg_mapping_delete,
};
