/* pg_account: the user account's calls in the PostgreSQL backend
 * (sqlite_account.c there, migration 015). Each runs as the user's tenant
 * on the app connection, under the tenant wall; a write takes the tenant's
 * write lock, as a business's writes do, so a password change, a sign-in's
 * code and a user's removal queue behind one another as under SQLite's one
 * write lock. The pending sign-in is found by its token's hash before any
 * tenant is known, through postroom_dir_signin_pending (rls.sql). Each call
 * is one statement: what SQLite does in a transaction of several, a chain
 * of data-modifying CTEs does here, each step gated on the one before. */
#include "store/pg/pg_internal.h"
#include "store/store_account.h"
#include "util/arena.h"

#include <string.h>

/* A level on the app connection as the user's tenant: a write takes its
 * write lock. */
static struct pg_conn *as_tenant(struct store *base, int64_t tenant_id, bool write)
{
    struct pg_conn *c = pg_app(P(base));
    if (!c || pg_tx_begin(c, tenant_id, tenant_id, write) != STORE_OK) return NULL;
    return c;
}

static void args_user(struct pg_args *q, int64_t tenant_id, int64_t user_id)
{
    pg_arg_int(q, tenant_id);
    pg_arg_int(q, user_id);
}

static int pg_account_get(struct store *base, int64_t tenant_id, int64_t user_id, struct arena *a,
                          struct account_row *out)
{
    struct pg_conn *c = as_tenant(base, tenant_id, false);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    args_user(&q, tenant_id, user_id);
    int rc;
    PGresult *r = pg_query(c, "account_get",
                           "SELECT u.email, u.role, u.pw_hash, t.secret, t.enabled_at, "
                           "t.last_step FROM users u LEFT JOIN user_totp t "
                           "ON t.tenant_id = u.tenant_id AND t.user_id = u.user_id "
                           "WHERE u.tenant_id = $1 AND u.user_id = $2",
                           &q, &rc);
    if (r) {
        rc = PQntuples(r) == 1 ? STORE_OK : STORE_NOTFOUND;
        if (rc == STORE_OK) {
            out->tenant_id = tenant_id; /* the key the row was found under */
            out->user_id = user_id;
            out->email = pg_text(a, r, 0, 0);
            out->role = (int)pg_int(r, 0, 1);
            out->pw_hash = pg_text(a, r, 0, 2);
            out->totp_secret = pg_text(a, r, 0, 3);
            out->totp_on = !pg_isnull(r, 0, 4);
            out->totp_last_step = pg_int(r, 0, 5);
        }
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* The new hash, the user's other sessions ended (sessions_by_user leads
 * with tenant and user) and its pending sign-ins with them. */
static int pg_account_password_set(struct store *base, int64_t tenant_id, int64_t user_id,
                                   const char *pw_hash, const unsigned char *keep, int64_t *ended)
{
    *ended = 0;
    struct pg_conn *c = as_tenant(base, tenant_id, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    args_user(&q, tenant_id, user_id);
    pg_arg_text(&q, pw_hash);
    if (keep)
        pg_arg_bytes(&q, keep, 32);
    else
        pg_arg_text(&q, NULL);
    int rc;
    PGresult *r = pg_query(
        c, "account_password",
        "WITH u AS (UPDATE users SET pw_hash = $3 WHERE tenant_id = $1 AND user_id = $2 "
        "RETURNING 1), "
        "s AS (DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND "
        "($4::bytea IS NULL OR token_hash <> $4::bytea) AND EXISTS (SELECT 1 FROM u) "
        "RETURNING 1), "
        "p AS (DELETE FROM signin_pending WHERE tenant_id = $1 AND user_id = $2 AND "
        "EXISTS (SELECT 1 FROM u) RETURNING 1) "
        "SELECT (SELECT COUNT(*) FROM u), (SELECT COUNT(*) FROM s), (SELECT COUNT(*) FROM p)",
        &q, &rc);
    int64_t n = 0;
    if (r) {
        rc = pg_int(r, 0, 0) ? STORE_OK : STORE_NOTFOUND;
        n = pg_int(r, 0, 1);
        PQclear(r);
    }
    rc = pg_tx_end(c, rc);
    if (rc == STORE_OK) *ended = n;
    return rc;
}

/* A secret never confirmed is replaced; one that is on is left
 * (STORE_CONFLICT). */
static int pg_account_totp_setup(struct store *base, int64_t tenant_id, int64_t user_id,
                                 const char *secret, int64_t now)
{
    struct pg_conn *c = as_tenant(base, tenant_id, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    args_user(&q, tenant_id, user_id);
    pg_arg_text(&q, secret);
    pg_arg_int(&q, now);
    int64_t n = 0;
    int rc = pg_exec(c, "totp_setup",
                     "INSERT INTO user_totp(tenant_id, user_id, secret, last_step, created_at) "
                     "VALUES ($1, $2, $3, 0, $4) ON CONFLICT (tenant_id, user_id) DO UPDATE SET "
                     "secret = excluded.secret, last_step = 0, created_at = excluded.created_at "
                     "WHERE user_totp.enabled_at IS NULL",
                     &q, &n);
    if (rc == STORE_OK && n == 0) rc = STORE_CONFLICT;
    return pg_tx_end(c, rc);
}

static int pg_account_totp_enable(struct store *base, int64_t tenant_id, int64_t user_id,
                                  const char *secret, int64_t step, int64_t now)
{
    struct pg_conn *c = as_tenant(base, tenant_id, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    args_user(&q, tenant_id, user_id);
    pg_arg_text(&q, secret);
    pg_arg_int(&q, now);
    pg_arg_int(&q, step);
    int64_t n = 0;
    int rc = pg_exec(c, "totp_enable",
                     "UPDATE user_totp SET enabled_at = $4, last_step = $5 "
                     "WHERE tenant_id = $1 AND user_id = $2 AND secret = $3 "
                     "AND enabled_at IS NULL",
                     &q, &n);
    if (rc == STORE_OK && n == 0) rc = STORE_NOTFOUND;
    return pg_tx_end(c, rc);
}

/* step < 0: without a code (no step to check). */
static int pg_account_totp_disable(struct store *base, int64_t tenant_id, int64_t user_id,
                                   int64_t step)
{
    struct pg_conn *c = as_tenant(base, tenant_id, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    args_user(&q, tenant_id, user_id);
    pg_arg_int(&q, step);
    int64_t n = 0;
    int rc = pg_exec(c, "totp_disable",
                     "DELETE FROM user_totp WHERE tenant_id = $1 AND user_id = $2 "
                     "AND enabled_at IS NOT NULL AND ($3::bigint < 0 OR last_step < $3::bigint)",
                     &q, &n);
    if (rc == STORE_OK && n == 0) rc = STORE_NOTFOUND;
    return pg_tx_end(c, rc);
}

static int pg_account_totp_on(struct store *base, int64_t tenant_id, int64_t user_id, bool *on)
{
    *on = false;
    struct pg_conn *c = as_tenant(base, tenant_id, false);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    args_user(&q, tenant_id, user_id);
    int rc;
    PGresult *r = pg_query(c, "totp_on",
                           "SELECT 1 FROM user_totp WHERE tenant_id = $1 AND user_id = $2 "
                           "AND enabled_at IS NOT NULL",
                           &q, &rc);
    if (r) {
        *on = PQntuples(r) == 1;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* The expired ones go as new ones come: under the tenant wall, that
 * business's (rls.sql says why that is enough). */
static int pg_account_pending_create(struct store *base, const unsigned char *hash,
                                     int64_t tenant_id, int64_t user_id, int64_t now,
                                     int64_t expires)
{
    struct pg_conn *c = as_tenant(base, tenant_id, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    args_user(&q, tenant_id, user_id);
    pg_arg_bytes(&q, hash, 32);
    pg_arg_int(&q, now);
    pg_arg_int(&q, expires);
    int rc = pg_exec(c, "pending_create",
                     "WITH gone AS (DELETE FROM signin_pending WHERE expires_at <= $4) "
                     "INSERT INTO signin_pending(tenant_id, user_id, token_hash, created_at, "
                     "expires_at) VALUES ($1, $2, $3, $4, $5)",
                     &q, NULL);
    return pg_tx_end(c, rc);
}

static int pg_account_pending(struct store *base, const unsigned char *hash, int64_t now,
                              struct arena *a, struct signin_pending_row *out)
{
    struct pg_conn *c = pg_directory(P(base), false);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_bytes(&q, hash, 32);
    pg_arg_int(&q, now);
    int rc;
    PGresult *r = pg_query(c, "signin_pending",
                           "SELECT tenant_id, user_id, role, email, secret, last_step "
                           "FROM postroom_dir_signin_pending($1, $2)",
                           &q, &rc);
    if (r) {
        rc = PQntuples(r) == 1 ? STORE_OK : STORE_NOTFOUND;
        if (rc == STORE_OK) {
            out->cred.tenant_id = pg_int(r, 0, 0);
            out->cred.user_id = pg_int(r, 0, 1);
            out->cred.role = (int)pg_int(r, 0, 2);
            out->email = pg_text(a, r, 0, 3);
            out->totp_secret = pg_text(a, r, 0, 4);
            out->totp_last_step = pg_int(r, 0, 5);
        }
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* The code held: the pending sign-in ends (STORE_NOTFOUND if it already
 * had, or expired), the step is recorded only if it is later than the last
 * one taken (STORE_CONFLICT: a code used twice), and the session is made;
 * all or nothing. */
static int pg_account_complete(struct store *base, const unsigned char *pending, int64_t tenant_id,
                               int64_t user_id, int64_t step, const unsigned char *session,
                               const char *csrf, int64_t now, int64_t expires)
{
    struct pg_conn *c = as_tenant(base, tenant_id, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    args_user(&q, tenant_id, user_id);
    pg_arg_bytes(&q, pending, 32);
    pg_arg_int(&q, now);
    pg_arg_int(&q, step);
    pg_arg_bytes(&q, session, 32);
    pg_arg_text(&q, csrf);
    pg_arg_int(&q, expires);
    int rc;
    PGresult *r = pg_query(
        c, "signin_complete",
        "WITH p AS (DELETE FROM signin_pending WHERE tenant_id = $1 AND user_id = $2 "
        "AND token_hash = $3 AND expires_at > $4 RETURNING 1), "
        "t AS (UPDATE user_totp SET last_step = $5 WHERE tenant_id = $1 AND user_id = $2 "
        "AND enabled_at IS NOT NULL AND last_step < $5 AND EXISTS (SELECT 1 FROM p) "
        "RETURNING 1), "
        "s AS (INSERT INTO sessions(tenant_id, user_id, token_hash, csrf, created_at, seen_at, "
        "expires_at) SELECT $1::bigint, $2::bigint, $6::bytea, $7::text, $4::bigint, $4::bigint, "
        "$8::bigint WHERE EXISTS (SELECT 1 FROM t) "
        "RETURNING 1) "
        "SELECT (SELECT COUNT(*) FROM p), (SELECT COUNT(*) FROM t), (SELECT COUNT(*) FROM s)",
        &q, &rc);
    if (r) {
        rc = pg_int(r, 0, 0) == 0   ? STORE_NOTFOUND
             : pg_int(r, 0, 2) == 0 ? STORE_CONFLICT
                                    : STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

const struct store_account_ops pg_account_ops = {
    .get = pg_account_get,
    .password_set = pg_account_password_set,
    .totp_setup = pg_account_totp_setup,
    .totp_enable = pg_account_totp_enable,
    .totp_disable = pg_account_totp_disable,
    .totp_on = pg_account_totp_on,
    .pending_create = pg_account_pending_create,
    .pending = pg_account_pending,
    .complete = pg_account_complete,
};
