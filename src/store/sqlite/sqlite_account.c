/* sqlite_account: the user account's calls in the SQLite backend
 * (migration 015). They run at sign-in and on the account page, never per
 * order, so their statements are prepared per call and finalized, holding
 * no slot in the connection's statement cache. tenant_id leads every key
 * they touch. */
#include "store/sqlite/sqlite_internal.h"
#include "store/store_account.h"

#include <string.h>

static sqlite3_stmt *prep_user(struct sqlite_store *s, const char *sql, int64_t tenant_id,
                               int64_t user_id)
{
    sqlite3_stmt *st = sq_prepare(s, "account", sql);
    if (st) {
        sqlite3_bind_int64(st, 1, tenant_id);
        sqlite3_bind_int64(st, 2, user_id);
    }
    return st;
}

static int sq_get(struct store *base, int64_t tenant_id, int64_t user_id, struct arena *a,
                  struct account_row *out)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = prep_user(s,
                                 "SELECT u.email, u.role, u.pw_hash, t.secret, t.enabled_at, "
                                 "t.last_step FROM users u LEFT JOIN user_totp t "
                                 "ON t.tenant_id = u.tenant_id AND t.user_id = u.user_id "
                                 "WHERE u.tenant_id = ?1 AND u.user_id = ?2",
                                 tenant_id, user_id);
    if (!st) return STORE_ERROR;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->tenant_id = tenant_id; /* the key the row was found under */
        out->user_id = user_id;
        out->email = sq_col_text(a, st, 0);
        out->role = sqlite3_column_int(st, 1);
        out->pw_hash = sq_col_text(a, st, 2);
        out->totp_secret = sqlite3_column_type(st, 3) == SQLITE_NULL ? NULL : sq_col_text(a, st, 3);
        out->totp_on = sqlite3_column_type(st, 4) != SQLITE_NULL;
        out->totp_last_step = sqlite3_column_int64(st, 5);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "account_get");
}

static int sq_password_set(struct store *base, int64_t tenant_id, int64_t user_id,
                           const char *pw_hash, const unsigned char *keep, int64_t *ended)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int64_t n = 0;
    sqlite3_stmt *st =
        prep_user(s, "UPDATE users SET pw_hash = ?3 WHERE tenant_id = ?1 AND user_id = ?2",
                  tenant_id, user_id);
    if (st) sqlite3_bind_text(st, 3, pw_hash, -1, SQLITE_STATIC);
    int rc = sq_run(s, st, "account_password", &n);
    if (rc == STORE_OK && n == 0) rc = STORE_NOTFOUND;
    if (rc == STORE_OK) {
        /* sessions_by_user leads with (tenant_id, user_id) */
        st = prep_user(s,
                       "DELETE FROM sessions WHERE tenant_id = ?1 AND user_id = ?2 "
                       "AND (?3 IS NULL OR token_hash != ?3)",
                       tenant_id, user_id);
        if (st) {
            if (keep)
                sqlite3_bind_blob(st, 3, keep, 32, SQLITE_STATIC);
            else
                sqlite3_bind_null(st, 3);
        }
        rc = sq_run(s, st, "account_sessions_end", ended);
    }
    if (rc == STORE_OK) {
        st = prep_user(s, "DELETE FROM signin_pending WHERE tenant_id = ?1 AND user_id = ?2",
                       tenant_id, user_id);
        rc = sq_run(s, st, "account_pending_end", NULL);
    }
    rc = sq_tx_end(s, rc);
    if (rc != STORE_OK) *ended = 0;
    return rc;
}

static int sq_totp_setup(struct store *base, int64_t tenant_id, int64_t user_id, const char *secret,
                         int64_t now)
{
    struct sqlite_store *s = S(base);
    /* a secret never confirmed is replaced; one that is on is left */
    sqlite3_stmt *st =
        prep_user(s,
                  "INSERT INTO user_totp(tenant_id, user_id, secret, last_step, created_at) "
                  "VALUES (?1, ?2, ?3, 0, ?4) ON CONFLICT(tenant_id, user_id) DO UPDATE SET "
                  "secret = excluded.secret, last_step = 0, created_at = excluded.created_at "
                  "WHERE enabled_at IS NULL",
                  tenant_id, user_id);
    if (st) {
        sqlite3_bind_text(st, 3, secret, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, now);
    }
    int64_t n = 0;
    int rc = sq_run(s, st, "totp_setup", &n);
    return rc == STORE_OK && n == 0 ? STORE_CONFLICT : rc;
}

static int sq_totp_enable(struct store *base, int64_t tenant_id, int64_t user_id,
                          const char *secret, int64_t step, int64_t now)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = prep_user(s,
                                 "UPDATE user_totp SET enabled_at = ?4, last_step = ?5 "
                                 "WHERE tenant_id = ?1 AND user_id = ?2 AND secret = ?3 "
                                 "AND enabled_at IS NULL",
                                 tenant_id, user_id);
    if (st) {
        sqlite3_bind_text(st, 3, secret, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, now);
        sqlite3_bind_int64(st, 5, step);
    }
    int64_t n = 0;
    int rc = sq_run(s, st, "totp_enable", &n);
    return rc == STORE_OK && n == 0 ? STORE_NOTFOUND : rc;
}

static int sq_totp_disable(struct store *base, int64_t tenant_id, int64_t user_id, int64_t step)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = prep_user(s,
                                 "DELETE FROM user_totp WHERE tenant_id = ?1 AND user_id = ?2 "
                                 "AND enabled_at IS NOT NULL AND (?3 < 0 OR last_step < ?3)",
                                 tenant_id, user_id);
    if (st) sqlite3_bind_int64(st, 3, step);
    int64_t n = 0;
    int rc = sq_run(s, st, "totp_disable", &n);
    return rc == STORE_OK && n == 0 ? STORE_NOTFOUND : rc;
}

static int sq_totp_on(struct store *base, int64_t tenant_id, int64_t user_id, bool *on)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = prep_user(s,
                                 "SELECT 1 FROM user_totp WHERE tenant_id = ?1 AND user_id = ?2 "
                                 "AND enabled_at IS NOT NULL",
                                 tenant_id, user_id);
    if (!st) return STORE_ERROR;
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    *on = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "totp_on");
}

static int sq_pending_create(struct store *base, const unsigned char *hash, int64_t tenant_id,
                             int64_t user_id, int64_t now, int64_t expires)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    /* the expired ones go as new ones come */
    sqlite3_stmt *st =
        sq_prepare(s, "account", "DELETE FROM signin_pending WHERE expires_at <= ?1");
    if (st) sqlite3_bind_int64(st, 1, now);
    int rc = sq_run(s, st, "pending_prune", NULL);
    if (rc == STORE_OK) {
        st = prep_user(s,
                       "INSERT INTO signin_pending(tenant_id, user_id, token_hash, created_at, "
                       "expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                       tenant_id, user_id);
        if (st) {
            sqlite3_bind_blob(st, 3, hash, 32, SQLITE_STATIC);
            sqlite3_bind_int64(st, 4, now);
            sqlite3_bind_int64(st, 5, expires);
        }
        rc = sq_run(s, st, "pending_create", NULL);
    }
    return sq_tx_end(s, rc);
}

static int sq_pending(struct store *base, const unsigned char *hash, int64_t now, struct arena *a,
                      struct signin_pending_row *out)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st =
        sq_prepare(s, "account",
                   "SELECT p.tenant_id, p.user_id, u.role, u.email, t.secret, "
                   "t.last_step FROM signin_pending p "
                   "JOIN users u ON u.tenant_id = p.tenant_id AND u.user_id = p.user_id "
                   "JOIN user_totp t ON t.tenant_id = p.tenant_id "
                   "AND t.user_id = p.user_id AND t.enabled_at IS NOT NULL "
                   "WHERE p.token_hash = ?1 AND p.expires_at > ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->cred.tenant_id = sqlite3_column_int64(st, 0);
        out->cred.user_id = sqlite3_column_int64(st, 1);
        out->cred.role = sqlite3_column_int(st, 2);
        out->email = sq_col_text(a, st, 3);
        out->totp_secret = sq_col_text(a, st, 4);
        out->totp_last_step = sqlite3_column_int64(st, 5);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "signin_pending");
}

static int sq_complete(struct store *base, const unsigned char *pending, int64_t tenant_id,
                       int64_t user_id, int64_t step, const unsigned char *session,
                       const char *csrf, int64_t now, int64_t expires)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int64_t n = 0;
    sqlite3_stmt *st = prep_user(s,
                                 "DELETE FROM signin_pending WHERE tenant_id = ?1 AND "
                                 "user_id = ?2 AND token_hash = ?3 AND expires_at > ?4",
                                 tenant_id, user_id);
    if (st) {
        sqlite3_bind_blob(st, 3, pending, 32, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, now);
    }
    int rc = sq_run(s, st, "pending_end", &n);
    if (rc == STORE_OK && n == 0) rc = STORE_NOTFOUND;
    if (rc == STORE_OK) {
        st = prep_user(s,
                       "UPDATE user_totp SET last_step = ?3 WHERE tenant_id = ?1 AND "
                       "user_id = ?2 AND enabled_at IS NOT NULL AND last_step < ?3",
                       tenant_id, user_id);
        if (st) sqlite3_bind_int64(st, 3, step);
        rc = sq_run(s, st, "totp_step", &n);
        if (rc == STORE_OK && n == 0) rc = STORE_CONFLICT;
    }
    if (rc == STORE_OK) {
        st = prep_user(s,
                       "INSERT INTO sessions(tenant_id, user_id, token_hash, csrf, created_at, "
                       "seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
                       tenant_id, user_id);
        if (st) {
            sqlite3_bind_blob(st, 3, session, 32, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, csrf, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 5, now);
            sqlite3_bind_int64(st, 6, expires);
        }
        rc = sq_run(s, st, "session_create", NULL);
    }
    return sq_tx_end(s, rc);
}

const struct store_account_ops sq_account_ops = {
    .get = sq_get,
    .password_set = sq_password_set,
    .totp_setup = sq_totp_setup,
    .totp_enable = sq_totp_enable,
    .totp_disable = sq_totp_disable,
    .totp_on = sq_totp_on,
    .pending_create = sq_pending_create,
    .pending = sq_pending,
    .complete = sq_complete,
};
