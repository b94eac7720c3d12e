/* pg_operators: operators, their sessions and TOTP steps, the counts their
 * console shows, and the businesses' data-problem reports, in the
 * PostgreSQL backend (sqlite_operators.c there; migration 008).
 *
 * Everything but store_data_report_add is the operators' realm and runs on
 * the operator connection: the app role holds no privilege on operators or
 * operator_sessions at all (rls.sql), so a business's request cannot read
 * an operator's hash or session whatever it gets the server to send. A
 * report is filed by a business, under its own tenant, on the app
 * connection. Where SQLite runs two statements in one transaction (a
 * lookup and its touch, a disable and its sessions' end) this runs one
 * statement of two parts: one round trip. */
#include "store/pg/pg_internal.h"
#include "util/arena.h"

/* Room for k rows of size bytes (at least one, so the pointer is never NULL). */
int pg_op_account_add(struct store *base, const char *email, const char *pw_hash,
                      const char *totp_secret, int64_t now, int64_t *operator_id)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_text(&a, email);
    pg_arg_text(&a, pw_hash);
    pg_arg_text(&a, totp_secret);
    pg_arg_int(&a, now);
    int rc;
    PGresult *r = pg_query(c, "operator_add",
                           "INSERT INTO operators(email, pw_hash, totp_secret, created_at) "
                           "VALUES ($1, $2, $3, $4) RETURNING operator_id",
                           &a, &rc);
    if (r) {
        *operator_id = pg_int(r, 0, 0);
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

int pg_op_account_list(struct store *base, struct arena *ar, struct operator_row **rows, size_t *n)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    int rc;
    PGresult *r = pg_query(c, "operator_list",
                           "SELECT operator_id, email, created_at, disabled_at FROM operators "
                           "ORDER BY operator_id",
                           NULL, &rc);
    if (r) {
        int k = PQntuples(r);
        struct operator_row *out = pg_rows(ar, k, sizeof *out);
        for (int i = 0; i < k; i++)
            out[i] = (struct operator_row){
                .operator_id = pg_int(r, i, 0),
                .email = pg_text(ar, r, i, 1),
                .created_at = pg_int(r, i, 2),
                .disabled_at = pg_int(r, i, 3),
            };
        *rows = out;
        *n = (size_t)k;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* The disable and the end of that operator's sessions in one statement:
 * the DELETE sees the operator the UPDATE returns. */
int pg_op_account_disable(struct store *base, const char *email, int64_t now, int64_t *out)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_text(&a, email);
    pg_arg_int(&a, now);
    int rc;
    PGresult *r =
        pg_query(c, "operator_disable",
                 "WITH d AS (UPDATE operators SET disabled_at = COALESCE(disabled_at, $2) "
                 "WHERE email = $1 RETURNING operator_id), "
                 "s AS (DELETE FROM operator_sessions "
                 "WHERE operator_id IN (SELECT operator_id FROM d)) "
                 "SELECT operator_id FROM d",
                 &a, &rc);
    int64_t id = 0;
    if (r) {
        if (PQntuples(r) == 1) id = pg_int(r, 0, 0);
        rc = id ? STORE_OK : STORE_NOTFOUND;
        PQclear(r);
    }
    rc = pg_tx_end(c, rc);
    if (rc == STORE_OK) *out = id;
    return rc;
}

int pg_op_login(struct store *base, const char *email, struct arena *ar, struct operator_row *out)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_text(&a, email);
    int rc;
    PGresult *r = pg_query(c, "operator_login",
                           "SELECT operator_id, pw_hash, totp_secret, totp_last_step, created_at "
                           "FROM operators WHERE email = $1 AND disabled_at IS NULL",
                           &a, &rc);
    if (r) {
        rc = STORE_NOTFOUND;
        if (PQntuples(r) == 1) {
            *out = (struct operator_row){
                .operator_id = pg_int(r, 0, 0),
                .email = arena_strdup(ar, email),
                .pw_hash = pg_text(ar, r, 0, 1),
                .totp_secret = pg_text(ar, r, 0, 2),
                .totp_last_step = pg_int(r, 0, 3),
                .created_at = pg_int(r, 0, 4),
            };
            rc = STORE_OK;
        }
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* The step only moves forward, so a code is accepted once: the UPDATE's
 * condition is re-checked on the row it waits for, so of two servers
 * taking the same code at once one changes nothing. */
int pg_op_step(struct store *base, int64_t operator_id, int64_t step)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, operator_id);
    pg_arg_int(&a, step);
    int64_t changed = 0;
    int rc = pg_exec(c, "operator_step",
                     "UPDATE operators SET totp_last_step = $2 "
                     "WHERE operator_id = $1 AND totp_last_step < $2",
                     &a, &changed);
    if (rc == STORE_OK && changed == 0) rc = STORE_CONFLICT;
    return pg_tx_end(c, rc);
}

int pg_op_session_create(struct store *base, const unsigned char *hash, int64_t operator_id,
                         const char *csrf, int64_t now, int64_t expires)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_bytes(&a, hash, 32);
    pg_arg_int(&a, operator_id);
    pg_arg_text(&a, csrf);
    pg_arg_int(&a, now);
    pg_arg_int(&a, expires);
    return pg_tx_end(c, pg_exec(c, "operator_session_create",
                                "INSERT INTO operator_sessions(token_hash, operator_id, csrf, "
                                "created_at, seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)",
                                &a, NULL));
}

/* The live session with that hash, touched in the same statement (as
 * rls.sql's postroom_dir_session does for a business's). */
int pg_op_session(struct store *base, const unsigned char *hash, int64_t now, int64_t idle_ms,
                  int64_t *operator_id, const char **csrf, struct arena *ar)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_bytes(&a, hash, 32);
    pg_arg_int(&a, now);
    pg_arg_int(&a, idle_ms);
    int rc;
    PGresult *r = pg_query(c, "operator_session",
                           "WITH hit AS (SELECT s.operator_id, s.csrf FROM operator_sessions s "
                           "JOIN operators o ON o.operator_id = s.operator_id "
                           "WHERE s.token_hash = $1 AND s.expires_at > $2 "
                           "AND s.seen_at > $2 - $3::bigint AND o.disabled_at IS NULL), "
                           "touch AS (UPDATE operator_sessions SET seen_at = $2 "
                           "WHERE token_hash = $1 AND EXISTS (SELECT 1 FROM hit)) "
                           "SELECT operator_id, csrf FROM hit",
                           &a, &rc);
    if (r) {
        rc = STORE_NOTFOUND;
        if (PQntuples(r) == 1) {
            *operator_id = pg_int(r, 0, 0);
            *csrf = pg_text(ar, r, 0, 1);
            rc = STORE_OK;
        }
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

int pg_op_session_delete(struct store *base, const unsigned char *hash)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_bytes(&a, hash, 32);
    return pg_tx_end(c, pg_exec(c, "operator_session_delete",
                                "DELETE FROM operator_sessions WHERE token_hash = $1", &a, NULL));
}

/* From order_counts (migration 016: kept by triggers on orders, one row
 * per tenant, status and channel) rather than a GROUP BY over every
 * business's orders: the console's page costs a row per status, however
 * many orders there are. The same answer as SQLite's count over orders: a
 * business with no orders is one row of status '' and count 0, and a
 * status whose orders all moved on (n 0) is no row. */
int pg_op_order_counts(struct store *base, struct arena *ar, struct tenant_count_row **rows,
                       size_t *n)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    int rc;
    PGresult *r =
        pg_query(c, "operator_order_counts",
                 "SELECT t.tenant_id, t.name, COALESCE(o.status, ''), COALESCE(SUM(o.n), 0) "
                 "FROM tenants t LEFT JOIN order_counts o ON o.tenant_id = t.tenant_id AND o.n > 0 "
                 "GROUP BY t.tenant_id, t.name, o.status "
                 "ORDER BY t.tenant_id, o.status COLLATE \"C\" NULLS FIRST",
                 NULL, &rc);
    if (r) {
        int k = PQntuples(r);
        struct tenant_count_row *out = pg_rows(ar, k, sizeof *out);
        for (int i = 0; i < k; i++)
            out[i] = (struct tenant_count_row){
                .tenant_id = pg_int(r, i, 0),
                .name = pg_text(ar, r, i, 1),
                .status = pg_text(ar, r, i, 2),
                .count = pg_int(r, i, 3),
            };
        *rows = out;
        *n = (size_t)k;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* A business's report, under its own tenant (the wall's WITH CHECK holds
 * tenant_id to it). */
int pg_data_report_add(struct store *base, const struct scope *sc, int64_t user_id,
                       const char *page, const char *category, const char *details, int64_t now,
                       int64_t *report_id)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, sc->tenant_id);
    pg_arg_int(&a, user_id);
    pg_arg_text(&a, page);
    pg_arg_text(&a, category);
    pg_arg_text(&a, details ? details : "");
    pg_arg_int(&a, now);
    int rc;
    PGresult *r = pg_query(c, "data_report_add",
                           "INSERT INTO data_reports(tenant_id, user_id, page, category, details, "
                           "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING report_id",
                           &a, &rc);
    if (r) {
        *report_id = pg_int(r, 0, 0);
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

int pg_op_data_reports(struct store *base, size_t limit, struct arena *ar,
                       struct data_report_row **rows, size_t *n)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, (int64_t)limit);
    int rc;
    PGresult *r = pg_query(c, "data_reports",
                           "SELECT report_id, tenant_id, user_id, page, category, details, "
                           "created_at, COALESCE(handled_at, 0), COALESCE(handled_by, 0) "
                           "FROM data_reports ORDER BY created_at DESC, report_id DESC LIMIT $1",
                           &a, &rc);
    if (r) {
        int k = PQntuples(r);
        struct data_report_row *out = pg_rows(ar, k, sizeof *out);
        for (int i = 0; i < k; i++)
            out[i] = (struct data_report_row){
                .report_id = pg_int(r, i, 0),
                .tenant_id = pg_int(r, i, 1),
                .user_id = pg_int(r, i, 2),
                .page = pg_text(ar, r, i, 3),
                .category = pg_text(ar, r, i, 4),
                .details = pg_text(ar, r, i, 5),
                .created_at = pg_int(r, i, 6),
                .handled_at = pg_int(r, i, 7),
                .handled_by = pg_int(r, i, 8),
            };
        *rows = out;
        *n = (size_t)k;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

int pg_op_data_report_handle(struct store *base, int64_t report_id, int64_t operator_id,
                             int64_t now)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, report_id);
    pg_arg_int(&a, operator_id);
    pg_arg_int(&a, now);
    int64_t changed = 0;
    int rc = pg_exec(c, "data_report_handle",
                     "UPDATE data_reports SET handled_at = $3, handled_by = $2 "
                     "WHERE report_id = $1 AND handled_at IS NULL",
                     &a, &changed);
    if (rc == STORE_OK && changed == 0) rc = STORE_NOTFOUND;
    return pg_tx_end(c, rc);
}
