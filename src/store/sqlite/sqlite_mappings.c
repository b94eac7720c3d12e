/* sqlite_mappings: a business's import column mappings in the SQLite
 * backend (migration 019). Every statement binds the scope's tenant_id as
 * ?1. Mappings are read once per upload and changed by hand, so their
 * statements are prepared per call and finalized, holding no slot in the
 * connection's statement cache. */
#include "store/sqlite/sqlite_internal.h"
#include "store/store_mappings.h"

#include <string.h>

#define MAPPING_COLS "tenant_id, mapping_id, name, spec, headers, created_on, updated_on"

static void read_mapping(sqlite3_stmt *st, struct arena *a, struct mapping_row *m)
{
    memset(m, 0, sizeof *m);
    m->tenant_id = sqlite3_column_int64(st, 0);
    m->mapping_id = sqlite3_column_int64(st, 1);
    m->name = sq_col_text(a, st, 2);
    m->spec = sq_col_text(a, st, 3);
    m->headers = sq_col_text(a, st, 4);
    m->created_on = sqlite3_column_int64(st, 5);
    m->updated_on = sqlite3_column_int64(st, 6);
}

static int sq_mappings_list(struct store *base, const struct scope *sc, struct arena *a,
                            struct mapping_row **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "mappings",
                                  "SELECT " MAPPING_COLS " FROM import_mappings WHERE tenant_id = "
                                  "?1 ORDER BY name, mapping_id");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    size_t k = 0, cap = 0;
    struct mapping_row *out = NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out = arena_grow(a, out, k, &cap, sizeof *out, 8);
        read_mapping(st, a, &out[k++]);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_fail(s, "mappings_list");
    *rows = out;
    *n = k;
    return STORE_OK;
}

/* One row of the scope by id (name NULL) or by name. */
static int mapping_one(struct sqlite_store *s, const struct scope *sc, int64_t id, const char *name,
                       struct arena *a, struct mapping_row *out)
{
    sqlite3_stmt *st = sq_prepare(s, "mappings",
                                  name ? "SELECT " MAPPING_COLS " FROM import_mappings WHERE "
                                         "tenant_id = ?1 AND name = ?2"
                                       : "SELECT " MAPPING_COLS " FROM import_mappings WHERE "
                                         "tenant_id = ?1 AND mapping_id = ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    if (name)
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) read_mapping(st, a, out);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "mapping_get");
}

static int sq_mapping_get(struct store *base, const struct scope *sc, int64_t mapping_id,
                          struct arena *a, struct mapping_row *out)
{
    return mapping_one(S(base), sc, mapping_id, NULL, a, out);
}

static int sq_mapping_find(struct store *base, const struct scope *sc, const char *name,
                           struct arena *a, struct mapping_row *out)
{
    return mapping_one(S(base), sc, 0, name, a, out);
}

static int sq_mapping_add(struct store *base, const struct scope *sc, const struct mapping_row *m,
                          int64_t now, int64_t *mapping_id)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = sq_prepare(
        s, "mappings",
        "INSERT INTO import_mappings(tenant_id, mapping_id, name, spec, headers, created_on, "
        "updated_on) SELECT ?1, COALESCE(MAX(mapping_id), 0) + 1, ?2, ?3, ?4, ?5, ?5 FROM "
        "import_mappings WHERE tenant_id = ?1 RETURNING mapping_id");
    int rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, m->spec, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, m->headers, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, now);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) *mapping_id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        rc = step == SQLITE_ROW                   ? STORE_OK
             : (step & 0xff) == SQLITE_CONSTRAINT ? STORE_CONFLICT
                                                  : sq_fail(s, "mapping_add");
    }
    return sq_tx_end(s, rc);
}

static int sq_mapping_rename(struct store *base, const struct scope *sc, int64_t mapping_id,
                             const char *name, int64_t now)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "mappings",
                                  "UPDATE import_mappings SET name = ?3, updated_on = ?4 "
                                  "WHERE tenant_id = ?1 AND mapping_id = ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, mapping_id);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    int64_t changed = 0;
    int rc = sq_run(s, st, "mapping_rename", &changed);
    return rc == STORE_OK && !changed ? STORE_NOTFOUND : rc;
}

static int sq_mapping_delete(struct store *base, const struct scope *sc, int64_t mapping_id)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(
        s, "mappings", "DELETE FROM import_mappings WHERE tenant_id = ?1 AND mapping_id = ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, mapping_id);
    int64_t changed = 0;
    int rc = sq_run(s, st, "mapping_delete", &changed);
    return rc == STORE_OK && !changed ? STORE_NOTFOUND : rc;
}

const struct store_mappings_ops sq_mappings_ops = {
    .list = sq_mappings_list,
    .get = sq_mapping_get,
    .find = sq_mapping_find,
    .add = sq_mapping_add,
    .rename = sq_mapping_rename,
    .del = sq_mapping_delete,
};
