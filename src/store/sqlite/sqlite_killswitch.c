/* sqlite_killswitch: the kill switch's rows in the SQLite backend. A switch
 * is keyed by (tenant_id, feature), tenant_id 0 and feature '' meaning all;
 * switching off keeps the row with active = 0. */
#include "store/sqlite/sqlite_internal.h"

#include <string.h>

static const char *const sql_text[Q_COUNT] = {
    [Q_KILLSWITCH_SET] =
        "INSERT INTO killswitches(tenant_id, feature, active, reason, set_by, set_at) "
        "VALUES (?1, ?2, 1, ?3, ?4, ?5) ON CONFLICT(tenant_id, feature) DO UPDATE SET "
        "active = 1, reason = excluded.reason, set_by = excluded.set_by, "
        "set_at = excluded.set_at, cleared_at = NULL",
    [Q_KILLSWITCH_CLEAR] = "UPDATE killswitches SET active = 0, cleared_at = ?3 "
                           "WHERE tenant_id = ?1 AND feature = ?2 AND active = 1",
    /* the servers' read, a few times a second: the index holds the answer's keys */
    [Q_KILLSWITCH_LIST] = "SELECT tenant_id, feature, reason, set_by, set_at FROM killswitches "
                          "WHERE active = 1 ORDER BY tenant_id, feature",
};

static sqlite3_stmt *stmt(struct sqlite_store *s, enum stmt_id id)
{
    return sq_stmt(s, id, sql_text[id]);
}

int sq_killswitch_set(struct store *base, int64_t tenant_id, const char *feature,
                      const char *reason, const char *set_by, int64_t now)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, Q_KILLSWITCH_SET);
    int rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, tenant_id);
        sqlite3_bind_text(st, 2, feature, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, set_by, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, now);
        rc = sq_exec(s, st, "killswitch_set");
    }
    return sq_tx_end(s, rc);
}

int sq_killswitch_clear(struct store *base, int64_t tenant_id, const char *feature, int64_t now)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, Q_KILLSWITCH_CLEAR);
    int rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, tenant_id);
        sqlite3_bind_text(st, 2, feature, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, now);
        rc = sq_exec(s, st, "killswitch_clear");
        if (rc == STORE_OK && sqlite3_changes(s->db) == 0) rc = STORE_NOTFOUND;
    }
    /* nothing changed on NOTFOUND, so rolling back loses nothing */
    return sq_tx_end(s, rc);
}

int sq_killswitch_list(struct store *base, struct arena *a, struct killswitch_row **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_KILLSWITCH_LIST);
    if (!st) return STORE_ERROR;
    struct killswitch_row *out = NULL;
    size_t k = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? cap * 2 : 8;
            struct killswitch_row *g = arena_alloc(a, cap * sizeof *g);
            if (k) memcpy(g, out, k * sizeof *g);
            out = g;
        }
        struct killswitch_row *r = &out[k++];
        r->tenant_id = sqlite3_column_int64(st, 0);
        r->feature = sq_col_text(a, st, 1);
        r->reason = sq_col_text(a, st, 2);
        r->set_by = sq_col_text(a, st, 3);
        r->set_at = sqlite3_column_int64(st, 4);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return sq_fail(s, "killswitch_list");
    *rows = out;
    *n = k;
    return STORE_OK;
}
