/* pg: the PostgreSQL backend of the store interface (issue 12).
 *
 * The same calls as the SQLite backend, on PostgreSQL 15 through libpq, with
 * row-level security as a second wall between tenants: every business's
 * query still filters by the scope's tenant_id in SQL (the first wall, as in
 * SQLite), and its transaction also sets app.tenant_id, so the database
 * itself refuses any other tenant's rows (rls.sql). This file holds the
 * connection's life, migrations, transactions and the directory; the other
 * pg_*.c files mirror sqlite_*.c one for one. */
#include "store/migrations.h"
#include "store/pg/pg_internal.h"
#include "store/store_mappings.h"
#include "store/store_import.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- life of a connection ------------------------------------------------- */

static void p_close(struct store *base)
{
    struct pg_store *p = P(base);
    if (p->app.c) PQfinish(p->app.c);
    if (p->op.c) PQfinish(p->op.c);
    pg_stmts_reset(&p->app.stmts);
    pg_stmts_reset(&p->op.stmts);
    free(p->url);
    free(p);
}

/* The version the numbered migrations have reached (schema_version, which
 * migrate creates; PostgreSQL has no user_version). */
static int p_schema_version(struct store *base, int *version)
{
    struct pg_conn *c = pg_app(P(base));
    *version = 0;
    if (!c) return STORE_ERROR;
    PGresult *r = pg_query(c, "schema_version",
                           "SELECT version FROM schema_version "
                           "WHERE EXISTS (SELECT 1 FROM pg_class WHERE relname = 'schema_version')",
                           NULL, NULL);
    if (!r) return STORE_ERROR;
    if (PQntuples(r) == 1) *version = (int)pg_int(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

/* PostgreSQL does its own housekeeping (autovacuum, checkpoints). */
static int p_serve_mode(struct store *base)
{
    (void)base;
    return STORE_OK;
}

static int p_maintain(struct store *base)
{
    (void)base;
    return STORE_OK;
}

/* Runs one statement text (several statements, no parameters) as the owner. */
static bool owner_exec(PGconn *owner, const char *sql, const char *where)
{
    PGresult *r = PQexec(owner, sql);
    bool good = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!good) {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        char extra[160];
        snprintf(extra, sizeof extra, "\"where\":\"%s\",\"sqlstate\":\"%s\"", where,
                 state ? state : "none");
        log_json("error", "store failure", extra);
    }
    PQclear(r);
    return good;
}

/* Applies each numbered migration above the recorded version and then
 * rls.sql when its text changed, as the owner, in one transaction under an
 * advisory lock: servers starting at once migrate one at a time, and a
 * failure leaves the schema as it was. rls.sql is applied only when its
 * hash differs from the one recorded, because its ALTER TABLEs take every
 * table's ACCESS EXCLUSIVE lock, which would stall the servers already
 * running each time another one starts. */
static int p_migrate(struct store *base, int *applied)
{
    struct pg_store *p = P(base);
    PGconn *owner = pg_owner_connect(p);
    if (!owner) return STORE_ERROR;
    int n = 0;
    bool good = owner_exec(owner, "BEGIN", "migrate begin");
    char lock[96];
    snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%d)", PG_LOCK_MIGRATE);
    good = good && owner_exec(owner, lock, "migrate lock") &&
           owner_exec(owner,
                      "CREATE TABLE IF NOT EXISTS schema_version (one integer PRIMARY KEY "
                      "CHECK (one = 1), version integer NOT NULL, rls_sha256 text NOT NULL);"
                      "INSERT INTO schema_version VALUES (1, 0, '') ON CONFLICT DO NOTHING",
                      "schema_version");
    int version = 0;
    char recorded[2 * crypto_hash_sha256_BYTES + 1] = "";
    if (good) {
        PGresult *r = PQexec(owner, "SELECT version, rls_sha256 FROM schema_version");
        good = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
        if (good) {
            version = atoi(PQgetvalue(r, 0, 0));
            snprintf(recorded, sizeof recorded, "%s", PQgetvalue(r, 0, 1));
        }
        PQclear(r);
    }
    int reached = version;
    for (int i = 0; good && i < pg_migrations_count; i++) {
        if (pg_migrations[i].version <= version) continue;
        good = owner_exec(owner, pg_migrations[i].sql, pg_migrations[i].name);
        reached = pg_migrations[i].version;
        n++;
    }
    unsigned char sha[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256(sha, (const unsigned char *)pg_rls_sql, strlen(pg_rls_sql));
    sodium_bin2hex(hex, sizeof hex, sha, sizeof sha);
    bool rls = n > 0 || strcmp(hex, recorded) != 0;
    /* The app reads the version (healthz, the CLI); rls.sql's grants are
     * remade from nothing, so this one follows them. */
    good = good && (!rls || (owner_exec(owner, pg_rls_sql, "rls.sql") &&
                             owner_exec(owner,
                                        "GRANT SELECT ON schema_version TO postroom_app, "
                                        "postroom_operator",
                                        "schema_version grant")));
    if (good) {
        char set[256];
        snprintf(set, sizeof set, "UPDATE schema_version SET version = %d, rls_sha256 = '%s'",
                 reached, hex);
        good = owner_exec(owner, set, "schema_version set");
    }
    good = good && owner_exec(owner, "COMMIT", "migrate commit");
    if (!good) owner_exec(owner, "ROLLBACK", "migrate rollback");
    PQfinish(owner);
    if (!good) return STORE_ERROR;
    if (applied) *applied = n;
    return STORE_OK;
}

/* ---- transactions ----------------------------------------------------------- */

/* Plain BEGIN (read committed), not READ ONLY: authentication inside
 * touches its session. */
static int p_snapshot_begin(struct store *base)
{
    return pg_snapshot_begin(pg_app(P(base)));
}

static int p_snapshot_end(struct store *base)
{
    return pg_snapshot_end(&P(base)->app);
}

/* A scoped transaction on the app connection (its tenant set and, for a
 * write, its tenant's write lock taken at once, as BEGIN IMMEDIATE); an
 * operator's (no scope) on the operator connection. The connection is
 * remembered: the dispatcher clears its own flags before the commit. */
static int p_tx_begin(struct store *base, const struct scope *sc, enum store_tx_mode mode)
{
    struct pg_store *p = P(base);
    bool write = mode == STORE_TX_WRITE;
    p->tx = sc ? pg_scoped(p, sc, write) : pg_operator(p, 0, write);
    return p->tx ? STORE_OK : STORE_ERROR;
}

static int p_tx_commit(struct store *base)
{
    struct pg_store *p = P(base);
    struct pg_conn *c = p->tx;
    p->tx = NULL;
    return pg_tx_end(c, STORE_OK);
}

static int p_tx_rollback(struct store *base)
{
    struct pg_store *p = P(base);
    struct pg_conn *c = p->tx;
    p->tx = NULL;
    return pg_tx_end(c, STORE_NOTFOUND) == STORE_NOTFOUND ? STORE_OK : STORE_ERROR;
}

/* ---- server secrets ----------------------------------------------------------- */

/* Created on first use; ON CONFLICT DO NOTHING lets servers starting at once
 * agree on whichever secret was written first. On the operator connection
 * inside an operator's transaction, else the app's. */
static int p_meta_secret(struct store *base, const char *name, unsigned char *out, size_t n)
{
    struct pg_store *p = P(base);
    if (n > 64) return STORE_ERROR;
    for (int attempt = 0; attempt < 2; attempt++) {
        struct pg_conn *c = base->operator_tx ? pg_operator(p, 0, false) : pg_directory(p, false);
        if (!c) return STORE_ERROR;
        struct pg_args a = {0};
        pg_arg_text(&a, name);
        PGresult *r = pg_query(c, "meta_get", "SELECT value FROM meta WHERE key = $1", &a, NULL);
        bool found = r && PQntuples(r) == 1 && pg_bytes(r, 0, 0, out, n);
        PQclear(r);
        if (pg_tx_end(c, r ? STORE_OK : STORE_ERROR) != STORE_OK) return STORE_ERROR;
        if (found) return STORE_OK;
        unsigned char fresh[64];
        randombytes_buf(fresh, n);
        c = base->operator_tx ? pg_operator(p, 0, true) : pg_directory(p, true);
        if (!c) return STORE_ERROR;
        struct pg_args b = {0};
        pg_arg_text(&b, name);
        pg_arg_bytes(&b, fresh, n);
        int rc = pg_exec(c, "meta_put",
                         "INSERT INTO meta(key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING", &b,
                         NULL);
        sodium_memzero(fresh, sizeof fresh);
        if (pg_tx_end(c, rc) != STORE_OK) return STORE_ERROR;
    }
    return STORE_ERROR;
}

/* ---- tenants, users and keys: the operator's command line ------------------------ */

static int p_tenant_create(struct store *base, const char *name, int64_t now, int64_t *tenant_id)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_text(&a, name);
    pg_arg_int(&a, now);
    int rc;
    PGresult *r = pg_query(c, "tenant_create",
                           "INSERT INTO tenants(name, created_at) VALUES ($1, $2) "
                           "RETURNING tenant_id",
                           &a, &rc);
    if (r) {
        *tenant_id = pg_int(r, 0, 0);
        rc = STORE_OK;
    }
    PQclear(r);
    return pg_tx_end(c, rc);
}

/* One row wanted: STORE_OK with r kept in *out, STORE_NOTFOUND, or the failure. */
static int one_row(struct pg_conn *c, const char *where, const char *sql, const struct pg_args *a,
                   PGresult **out)
{
    int rc;
    PGresult *r = pg_query(c, where, sql, a, &rc);
    *out = NULL;
    if (!r) return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return STORE_NOTFOUND;
    }
    *out = r;
    return STORE_OK;
}

static int p_tenant_exists(struct store *base, int64_t tenant_id)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, tenant_id);
    PGresult *r;
    int rc = one_row(c, "tenant_exists", "SELECT 1 FROM tenants WHERE tenant_id = $1", &a, &r);
    PQclear(r);
    return pg_tx_end(c, rc);
}

static int p_tenant_find(struct store *base, const char *name, int64_t *tenant_id)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_text(&a, name);
    PGresult *r;
    int rc =
        one_row(c, "tenant_find",
                "SELECT tenant_id FROM tenants WHERE name = $1 ORDER BY tenant_id LIMIT 1", &a, &r);
    if (rc == STORE_OK) *tenant_id = pg_int(r, 0, 0);
    PQclear(r);
    return pg_tx_end(c, rc);
}

static int p_tenant_name(struct store *base, const struct scope *sc, struct arena *ar,
                         const char **name)
{
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, sc->tenant_id);
    PGresult *r;
    int rc = one_row(c, "tenant_name", "SELECT name FROM tenants WHERE tenant_id = $1", &a, &r);
    if (rc == STORE_OK) *name = pg_text(ar, r, 0, 0);
    PQclear(r);
    return pg_tx_end(c, rc);
}

static int p_user_email(struct store *base, const struct scope *sc, int64_t user_id,
                        struct arena *ar, const char **email)
{
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, sc->tenant_id);
    pg_arg_int(&a, user_id);
    PGresult *r;
    int rc = one_row(c, "user_email",
                     "SELECT email FROM users WHERE tenant_id = $1 AND user_id = $2", &a, &r);
    if (rc == STORE_OK) *email = pg_text(ar, r, 0, 0);
    PQclear(r);
    return pg_tx_end(c, rc);
}

/* The next number of a tenant's users or keys, under the tenant's write
 * lock (pg_operator with the tenant as its key), so two adds cannot take
 * the same one. */
static int next_id(struct pg_conn *c, const char *sql, int64_t tenant_id, int64_t *out)
{
    struct pg_args a = {0};
    pg_arg_int(&a, tenant_id);
    PGresult *r;
    int rc = one_row(c, "next_id", sql, &a, &r);
    if (rc == STORE_OK) *out = pg_int(r, 0, 0);
    PQclear(r);
    return rc == STORE_NOTFOUND ? STORE_ERROR : rc;
}

static int p_user_add(struct store *base, int64_t tenant_id, const char *email, const char *pw_hash,
                      int role, int64_t now, int64_t *user_id)
{
    struct pg_conn *c = pg_operator(P(base), tenant_id, true);
    if (!c) return STORE_ERROR;
    int64_t uid = 0;
    int rc = next_id(c, "SELECT COALESCE(MAX(user_id), 0) + 1 FROM users WHERE tenant_id = $1",
                     tenant_id, &uid);
    if (rc == STORE_OK) {
        struct pg_args a = {0};
        pg_arg_int(&a, tenant_id);
        pg_arg_int(&a, uid);
        pg_arg_text(&a, email);
        pg_arg_text(&a, pw_hash);
        pg_arg_int(&a, role);
        pg_arg_int(&a, now);
        rc = pg_exec(c, "user_add",
                     "INSERT INTO users(tenant_id, user_id, email, pw_hash, role, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6)",
                     &a, NULL);
    }
    if (rc == STORE_OK) {
        struct pg_args a = {0};
        pg_arg_int(&a, tenant_id);
        pg_arg_int(&a, uid);
        pg_arg_text(&a, email);
        rc = pg_exec(c, "login_add",
                     "INSERT INTO logins(email, tenant_id, user_id) VALUES ($3, $1, $2)", &a, NULL);
    }
    rc = pg_tx_end(c, rc);
    if (rc == STORE_OK) *user_id = uid;
    return rc;
}

static int p_user_set_password(struct store *base, int64_t tenant_id, const char *email,
                               const char *pw_hash)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, tenant_id);
    pg_arg_text(&a, email);
    pg_arg_text(&a, pw_hash);
    int64_t changed = 0;
    int rc =
        pg_exec(c, "user_set_password",
                "UPDATE users SET pw_hash = $3 WHERE tenant_id = $1 AND email = $2", &a, &changed);
    if (rc == STORE_OK && changed == 0) rc = STORE_NOTFOUND;
    return pg_tx_end(c, rc);
}

static int p_apikey_add(struct store *base, int64_t tenant_id, const unsigned char *hash,
                        const char *name, int64_t now, int64_t *key_id)
{
    struct pg_conn *c = pg_operator(P(base), tenant_id, true);
    if (!c) return STORE_ERROR;
    int64_t kid = 0;
    int rc = next_id(c, "SELECT COALESCE(MAX(key_id), 0) + 1 FROM api_keys WHERE tenant_id = $1",
                     tenant_id, &kid);
    if (rc == STORE_OK) {
        struct pg_args a = {0};
        pg_arg_int(&a, tenant_id);
        pg_arg_int(&a, kid);
        pg_arg_bytes(&a, hash, 32);
        pg_arg_text(&a, name ? name : "");
        pg_arg_int(&a, now);
        rc = pg_exec(c, "apikey_add",
                     "INSERT INTO api_keys(tenant_id, key_id, key_hash, name, created_at) "
                     "VALUES ($1, $2, $3, $4, $5)",
                     &a, NULL);
    }
    rc = pg_tx_end(c, rc);
    if (rc == STORE_OK) *key_id = kid;
    return rc;
}

static int p_apikey_revoke_named(struct store *base, int64_t tenant_id, const char *name,
                                 int64_t now)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, tenant_id);
    pg_arg_text(&a, name);
    pg_arg_int(&a, now);
    int rc = pg_exec(c, "apikey_revoke",
                     "UPDATE api_keys SET revoked_at = $3 "
                     "WHERE tenant_id = $1 AND name = $2 AND revoked_at IS NULL",
                     &a, NULL);
    return pg_tx_end(c, rc);
}

static int p_apikey_revoke_all(struct store *base, int64_t tenant_id, int64_t now, int64_t *revoked)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, tenant_id);
    pg_arg_int(&a, now);
    int rc =
        pg_exec(c, "apikey_revoke_all",
                "UPDATE api_keys SET revoked_at = $2 WHERE tenant_id = $1 AND revoked_at IS NULL",
                &a, revoked);
    return pg_tx_end(c, rc);
}

/* ---- the directory: credentials before a tenant is known --------------------------
 * Through the postroom_dir_* functions (rls.sql): the app role cannot read
 * the credential tables itself. */

static int p_dir_apikey(struct store *base, const unsigned char *hash, struct credential *out)
{
    struct pg_conn *c = pg_directory(P(base), false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_bytes(&a, hash, 32);
    PGresult *r;
    int rc =
        one_row(c, "dir_apikey", "SELECT tenant_id, key_id FROM postroom_dir_apikey($1)", &a, &r);
    if (rc == STORE_OK) {
        memset(out, 0, sizeof *out);
        out->tenant_id = pg_int(r, 0, 0);
        out->key_id = pg_int(r, 0, 1);
        out->role = 0; /* auth decides what a key may do */
    }
    PQclear(r);
    return pg_tx_end(c, rc);
}

static int p_dir_login(struct store *base, const char *email, struct arena *ar,
                       struct credential *out, const char **pw_hash)
{
    /* PostgreSQL refuses a text parameter that is not UTF-8 (an error, not
     * a miss); no stored address is one, so it signs no one in, as on
     * SQLite: a failed sign-in, counted, not a failure of the store. */
    if (!utf8_valid(email, strlen(email))) return STORE_NOTFOUND;
    struct pg_conn *c = pg_directory(P(base), false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_text(&a, email);
    PGresult *r;
    int rc =
        one_row(c, "dir_login",
                "SELECT tenant_id, user_id, role, pw_hash FROM postroom_dir_login($1)", &a, &r);
    if (rc == STORE_OK) {
        memset(out, 0, sizeof *out);
        out->tenant_id = pg_int(r, 0, 0);
        out->user_id = pg_int(r, 0, 1);
        out->role = (int)pg_int(r, 0, 2);
        *pw_hash = pg_text(ar, r, 0, 3);
    }
    PQclear(r);
    return pg_tx_end(c, rc);
}

static int p_dir_session(struct store *base, const unsigned char *hash, int64_t now,
                         int64_t idle_ms, struct credential *out, const char **csrf,
                         struct arena *ar)
{
    struct pg_conn *c = pg_directory(P(base), true); /* it touches the session */
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_bytes(&a, hash, 32);
    pg_arg_int(&a, now);
    pg_arg_int(&a, idle_ms);
    PGresult *r;
    int rc = one_row(c, "dir_session",
                     "SELECT tenant_id, user_id, role, csrf FROM postroom_dir_session($1, $2, $3)",
                     &a, &r);
    if (rc == STORE_OK) {
        memset(out, 0, sizeof *out);
        out->tenant_id = pg_int(r, 0, 0);
        out->user_id = pg_int(r, 0, 1);
        out->role = (int)pg_int(r, 0, 2);
        *csrf = pg_text(ar, r, 0, 3);
    }
    PQclear(r);
    return pg_tx_end(c, rc);
}

/* The session's tenant is known once its password matched: it is inserted
 * under the tenant wall, as that tenant. */
static int p_dir_session_create(struct store *base, const unsigned char *hash,
                                const struct credential *cred, const char *csrf, int64_t now,
                                int64_t expires)
{
    struct pg_conn *c = pg_app(P(base));
    if (!c || pg_tx_begin(c, cred->tenant_id, 0, true) != STORE_OK) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_bytes(&a, hash, 32);
    pg_arg_int(&a, cred->tenant_id);
    pg_arg_int(&a, cred->user_id);
    pg_arg_text(&a, csrf);
    pg_arg_int(&a, now);
    pg_arg_int(&a, expires);
    int rc = pg_exec(c, "session_create",
                     "INSERT INTO sessions(token_hash, tenant_id, user_id, csrf, created_at, "
                     "seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $5, $6)",
                     &a, NULL);
    return pg_tx_end(c, rc);
}

static int p_dir_session_delete(struct store *base, const unsigned char *hash)
{
    struct pg_conn *c = pg_directory(P(base), true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_bytes(&a, hash, 32);
    int rc = pg_exec(c, "session_delete", "SELECT postroom_dir_session_delete($1)", &a, NULL);
    return pg_tx_end(c, rc);
}

static int p_dir_failures(struct store *base, const char *subject, int64_t since, int *count)
{
    struct pg_conn *c = pg_directory(P(base), false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_text(&a, subject);
    pg_arg_int(&a, since);
    PGresult *r;
    int rc = one_row(c, "dir_failures",
                     "SELECT COUNT(*) FROM auth_failures WHERE subject = $1 AND at > $2", &a, &r);
    if (rc == STORE_OK) *count = (int)pg_int(r, 0, 0);
    PQclear(r);
    return pg_tx_end(c, rc == STORE_NOTFOUND ? STORE_ERROR : rc);
}

static int p_dir_failure_add(struct store *base, const char *subject, int64_t now)
{
    struct pg_conn *c = pg_directory(P(base), true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_text(&a, subject);
    pg_arg_int(&a, now - 24 * 3600 * 1000LL);
    int rc = pg_exec(c, "failure_prune", "DELETE FROM auth_failures WHERE subject = $1 AND at < $2",
                     &a, NULL);
    if (rc == STORE_OK) {
        struct pg_args b = {0};
        pg_arg_text(&b, subject);
        pg_arg_int(&b, now);
        rc = pg_exec(c, "failure_add", "INSERT INTO auth_failures(subject, at) VALUES ($1, $2)", &b,
                     NULL);
    }
    return pg_tx_end(c, rc);
}

/* ---- the table ---------------------------------------------------------------- */

static const struct store_ops pg_ops = {
    .close = p_close,
    .migrate = p_migrate,
    .schema_version = p_schema_version,
    .serve_mode = p_serve_mode,
    .snapshot_begin = p_snapshot_begin,
    .snapshot_end = p_snapshot_end,
    .tx_begin = p_tx_begin,
    .tx_commit = p_tx_commit,
    .tx_rollback = p_tx_rollback,
    .maintain = p_maintain,
    .meta_secret = p_meta_secret,
    .tenant_create = p_tenant_create,
    .tenant_exists = p_tenant_exists,
    .tenant_find = p_tenant_find,
    .user_add = p_user_add,
    .user_set_password = p_user_set_password,
    .apikey_add = p_apikey_add,
    .apikey_revoke_named = p_apikey_revoke_named,
    .apikey_revoke_all = p_apikey_revoke_all,
    .dir_apikey = p_dir_apikey,
    .dir_login = p_dir_login,
    .dir_session = p_dir_session,
    .dir_session_create = p_dir_session_create,
    .dir_session_delete = p_dir_session_delete,
    .dir_failures = p_dir_failures,
    .dir_failure_add = p_dir_failure_add,
    .tenant_name = p_tenant_name,
    .user_email = p_user_email,
    .killswitch_set = pg_killswitch_set,
    .killswitch_clear = pg_killswitch_clear,
    .killswitch_list = pg_killswitch_list,
    .audit_append = pg_audit_append,
    .audit_head = pg_audit_head,
    .audit_append_journal = pg_audit_append_journal,
    .audit_journal_offset = pg_audit_journal_offset,
    .audit_journal_forget = pg_audit_journal_forget,
    .audit_range = pg_audit_range,
    .sessions_revoke = pg_sessions_revoke,
    .killswitch_set_revoking = pg_killswitch_set_revoking,
    .op_account_add = pg_op_account_add,
    .op_account_list = pg_op_account_list,
    .op_account_disable = pg_op_account_disable,
    .op_login = pg_op_login,
    .op_step = pg_op_step,
    .op_session_create = pg_op_session_create,
    .op_session = pg_op_session,
    .op_session_delete = pg_op_session_delete,
    .op_order_counts = pg_op_order_counts,
    .data_report_add = pg_data_report_add,
    .op_data_reports = pg_op_data_reports,
    .op_data_report_handle = pg_op_data_report_handle,
    .orders_insert = pg_orders_insert,
    .orders_get = pg_orders_get,
    .orders_page = pg_orders_page,
    .order_delete = pg_order_delete,
    .order_set_status = pg_order_set_status,
    .tenant_settings = pg_tenant_settings,
    .tenant_settings_set = pg_tenant_settings_set,
    .s10_reserve = pg_s10_reserve,
    .order_apply_postage = pg_order_apply_postage,
    .orders_mark_printed = pg_orders_mark_printed,
    .manifest_create = pg_manifest_create,
    .manifest_get = pg_manifest_get,
    .return_insert = pg_return_insert,
    .return_get = pg_return_get,
    .order_history = pg_order_history,
    .carriers = pg_carriers,
    .senders_list = pg_senders_list,
    .sender_get = pg_sender_get,
    .sender_save = pg_sender_save,
    .sender_set_default = pg_sender_set_default,
    .sender_remove = pg_sender_remove,
    .order_edit = pg_order_edit,
    .orders_find = pg_orders_find,
    .order_status_counts = pg_order_status_counts,
    .breach = &pg_breach_ops,
    .account = &pg_account_ops,
    .users = &pg_users_ops,
    .rules = &pg_rules_ops,
    .manifests = &pg_manifests_ops,
    .dashboard = &pg_dashboard_ops,
    .mappings = &pg_mappings_ops,
    .import = &pg_import_ops,
};

int store_pg_open(const char *url, struct store **out)
{
    struct pg_store *p = xcalloc(1, sizeof *p);
    p->base.ops = &pg_ops;
    p->url = xstrdup(url);
    /* Behind pgbouncer (before 1.21) in transaction pooling mode a session's
     * prepared statements do not follow its transactions (pg_stmt.c). */
    const char *pooling = getenv("POSTROOM_PG_POOLING");
    p->pooled = pooling && strcmp(pooling, "transaction") == 0;
    /* Connect now, so a wrong URL or a database that is down is an error of
     * opening, not of the first request. */
    if (!pg_app(p)) {
        p_close(&p->base);
        return STORE_ERROR;
    }
    *out = &p->base;
    return STORE_OK;
}
