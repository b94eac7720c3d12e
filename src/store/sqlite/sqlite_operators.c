/* sqlite_operators: operators, their sessions and TOTP steps, the counts
 * their console shows, and the businesses' data-problem reports
 * (migration 008). None of these statements reads an order's document:
 * the counts are GROUP BY over ids and statuses only. */
#include "store/sqlite/sqlite_internal.h"

#include <string.h>

static const char *const sql_text[Q_COUNT] = {
    [Q_OP_ADD] = "INSERT INTO operators(email, pw_hash, totp_secret, created_at) "
                 "VALUES (?1, ?2, ?3, ?4)",
    [Q_OP_LIST] = "SELECT operator_id, email, created_at, disabled_at FROM operators "
                  "ORDER BY operator_id",
    [Q_OP_DISABLE] = "UPDATE operators SET disabled_at = COALESCE(disabled_at, ?2) "
                     "WHERE email = ?1 RETURNING operator_id",
    [Q_OP_SESSIONS_END] = "DELETE FROM operator_sessions WHERE operator_id = ?1",
    [Q_OP_LOGIN] = "SELECT operator_id, pw_hash, totp_secret, totp_last_step, created_at "
                   "FROM operators WHERE email = ?1 AND disabled_at IS NULL",
    /* the step only moves forward: a code is accepted once */
    [Q_OP_STEP] = "UPDATE operators SET totp_last_step = ?2 "
                  "WHERE operator_id = ?1 AND totp_last_step < ?2",
    [Q_OP_SESSION_CREATE] = "INSERT INTO operator_sessions(token_hash, operator_id, csrf, "
                            "created_at, seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
    [Q_OP_SESSION] = "SELECT s.operator_id, s.csrf FROM operator_sessions s "
                     "JOIN operators o ON o.operator_id = s.operator_id "
                     "WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND s.seen_at > ?2 - ?3 "
                     "AND o.disabled_at IS NULL",
    [Q_OP_SESSION_TOUCH] = "UPDATE operator_sessions SET seen_at = ?2 WHERE token_hash = ?1",
    [Q_OP_SESSION_DELETE] = "DELETE FROM operator_sessions WHERE token_hash = ?1",
    [Q_OP_ORDER_COUNTS] = "SELECT t.tenant_id, t.name, COALESCE(o.status, ''), COUNT(o.order_id) "
                          "FROM tenants t LEFT JOIN orders o ON o.tenant_id = t.tenant_id "
                          "GROUP BY t.tenant_id, o.status ORDER BY t.tenant_id, o.status",
    [Q_REPORT_ADD] = "INSERT INTO data_reports(tenant_id, user_id, page, category, details, "
                     "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_REPORT_LIST] = "SELECT report_id, tenant_id, user_id, page, category, details, created_at, "
                      "COALESCE(handled_at, 0), COALESCE(handled_by, 0) FROM data_reports "
                      "ORDER BY created_at DESC, report_id DESC LIMIT ?1",
    [Q_REPORT_HANDLE] = "UPDATE data_reports SET handled_at = ?3, handled_by = ?2 "
                        "WHERE report_id = ?1 AND handled_at IS NULL",
};

static sqlite3_stmt *stmt(struct sqlite_store *s, enum stmt_id id)
{
    return sq_stmt(s, id, sql_text[id]);
}

/* Room for one more row in a growing array of size elements. */
static void *grow(struct arena *a, void *rows, size_t n, size_t *cap, size_t size)
{
    if (n < *cap) return rows;
    *cap = *cap ? *cap * 2 : 8;
    void *g = arena_alloc(a, *cap * size);
    if (n) memcpy(g, rows, n * size);
    return g;
}

int sq_op_account_add(struct store *base, const char *email, const char *pw_hash,
                      const char *totp_secret, int64_t now, int64_t *operator_id)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_OP_ADD);
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, pw_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, totp_secret, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    int rc = sq_exec(s, st, "operator_add");
    if (rc == STORE_OK) *operator_id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

int sq_op_account_list(struct store *base, struct arena *a, struct operator_row **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_OP_LIST);
    if (!st) return STORE_ERROR;
    struct operator_row *out = NULL;
    size_t k = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out = grow(a, out, k, &cap, sizeof *out);
        out[k++] = (struct operator_row){
            .operator_id = sqlite3_column_int64(st, 0),
            .email = sq_col_text(a, st, 1),
            .created_at = sqlite3_column_int64(st, 2),
            .disabled_at = sqlite3_column_int64(st, 3),
        };
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return sq_fail(s, "operator_list");
    *rows = out;
    *n = k;
    return STORE_OK;
}

int sq_op_account_disable(struct store *base, const char *email, int64_t now, int64_t *out)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, Q_OP_DISABLE);
    int rc = STORE_ERROR;
    int64_t id = 0;
    if (st) {
        sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
        if (step == SQLITE_ROW) step = sqlite3_step(st);
        sqlite3_reset(st);
        rc =
            step == SQLITE_DONE ? (id ? STORE_OK : STORE_NOTFOUND) : sq_fail(s, "operator_disable");
    }
    if (rc == STORE_OK) {
        st = stmt(s, Q_OP_SESSIONS_END);
        if (st) sqlite3_bind_int64(st, 1, id);
        rc = sq_exec(s, st, "operator_sessions_end");
    }
    rc = sq_tx_end(s, rc);
    if (rc == STORE_OK) *out = id;
    return rc;
}

int sq_op_login(struct store *base, const char *email, struct arena *a, struct operator_row *out)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_OP_LOGIN);
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = (struct operator_row){
            .operator_id = sqlite3_column_int64(st, 0),
            .email = arena_strdup(a, email),
            .pw_hash = sq_col_text(a, st, 1),
            .totp_secret = sq_col_text(a, st, 2),
            .totp_last_step = sqlite3_column_int64(st, 3),
            .created_at = sqlite3_column_int64(st, 4),
        };
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "operator_login");
}

int sq_op_step(struct store *base, int64_t operator_id, int64_t step)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_OP_STEP);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, operator_id);
    sqlite3_bind_int64(st, 2, step);
    int rc = sq_exec(s, st, "operator_step");
    if (rc == STORE_OK && sqlite3_changes(s->db) == 0) rc = STORE_CONFLICT;
    return rc;
}

int sq_op_session_create(struct store *base, const unsigned char *hash, int64_t operator_id,
                         const char *csrf, int64_t now, int64_t expires)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_OP_SESSION_CREATE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, operator_id);
    sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_int64(st, 5, expires);
    return sq_exec(s, st, "operator_session_create");
}

int sq_op_session(struct store *base, const unsigned char *hash, int64_t now, int64_t idle_ms,
                  int64_t *operator_id, const char **csrf, struct arena *a)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_OP_SESSION);
    if (!st) return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, idle_ms);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *operator_id = sqlite3_column_int64(st, 0);
        *csrf = sq_col_text(a, st, 1);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return STORE_NOTFOUND;
    if (rc != SQLITE_ROW) return sq_fail(s, "operator_session");
    st = stmt(s, Q_OP_SESSION_TOUCH);
    if (!st) return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    return sq_exec(s, st, "operator_session_touch");
}

int sq_op_session_delete(struct store *base, const unsigned char *hash)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_OP_SESSION_DELETE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    return sq_exec(s, st, "operator_session_delete");
}

int sq_op_order_counts(struct store *base, struct arena *a, struct tenant_count_row **rows,
                       size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_OP_ORDER_COUNTS);
    if (!st) return STORE_ERROR;
    struct tenant_count_row *out = NULL;
    size_t k = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out = grow(a, out, k, &cap, sizeof *out);
        out[k++] = (struct tenant_count_row){
            .tenant_id = sqlite3_column_int64(st, 0),
            .name = sq_col_text(a, st, 1),
            .status = sq_col_text(a, st, 2),
            .count = sqlite3_column_int64(st, 3),
        };
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return sq_fail(s, "operator_order_counts");
    *rows = out;
    *n = k;
    return STORE_OK;
}

int sq_data_report_add(struct store *base, const struct scope *sc, int64_t user_id,
                       const char *page, const char *category, const char *details, int64_t now,
                       int64_t *report_id)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_REPORT_ADD);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_text(st, 3, page, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, category, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, details ? details : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    int rc = sq_exec(s, st, "data_report_add");
    if (rc == STORE_OK) *report_id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

int sq_op_data_reports(struct store *base, size_t limit, struct arena *a,
                       struct data_report_row **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_REPORT_LIST);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, (int64_t)limit);
    struct data_report_row *out = NULL;
    size_t k = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out = grow(a, out, k, &cap, sizeof *out);
        out[k++] = (struct data_report_row){
            .report_id = sqlite3_column_int64(st, 0),
            .tenant_id = sqlite3_column_int64(st, 1),
            .user_id = sqlite3_column_int64(st, 2),
            .page = sq_col_text(a, st, 3),
            .category = sq_col_text(a, st, 4),
            .details = sq_col_text(a, st, 5),
            .created_at = sqlite3_column_int64(st, 6),
            .handled_at = sqlite3_column_int64(st, 7),
            .handled_by = sqlite3_column_int64(st, 8),
        };
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return sq_fail(s, "data_reports");
    *rows = out;
    *n = k;
    return STORE_OK;
}

int sq_op_data_report_handle(struct store *base, int64_t report_id, int64_t operator_id,
                             int64_t now)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_REPORT_HANDLE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, report_id);
    sqlite3_bind_int64(st, 2, operator_id);
    sqlite3_bind_int64(st, 3, now);
    int rc = sq_exec(s, st, "data_report_handle");
    if (rc == STORE_OK && sqlite3_changes(s->db) == 0) rc = STORE_NOTFOUND;
    return rc;
}
