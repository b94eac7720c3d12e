/* pg_users: the settings pages' calls in the PostgreSQL backend
 * (sqlite_users.c there, store_users.h, migration 012). Every statement
 * binds the scope's tenant as $1, and every write holds the tenant's write
 * lock: "never the last administrator" is a read and a write that no other
 * change of the business's users can come between, as under SQLite's one
 * write lock. Whether an address signs anyone in, in any business, is
 * asked of postroom_dir_login_taken (the app cannot read logins). */
#include "store/pg/pg_internal.h"
#include "store/store_users.h"
#include "util/arena.h"

#include <string.h>

/* users.role 2 is an administrator. */

static int pg_users_list(struct store *base, const struct scope *sc, struct arena *a,
                         struct user_row **rows, size_t *n)
{
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    int rc;
    PGresult *r = pg_query(c, "users_list",
                           "SELECT tenant_id, user_id, email, role, created_at, last_signin_at "
                           "FROM users WHERE tenant_id = $1 ORDER BY user_id",
                           &q, &rc);
    if (r) {
        int k = PQntuples(r);
        struct user_row *out = pg_rows(a, k, sizeof *out);
        for (int i = 0; i < k; i++) {
            out[i].tenant_id = pg_int(r, i, 0);
            out[i].user_id = pg_int(r, i, 1);
            out[i].email = pg_text(a, r, i, 2);
            out[i].role = (int)pg_int(r, i, 3);
            out[i].created_at = pg_int(r, i, 4);
            out[i].last_signin_at = pg_int(r, i, 5); /* 0 for NULL */
        }
        *rows = k ? out : NULL;
        *n = (size_t)k;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* Two businesses adding the same address at once hold different tenant
 * locks, so the address itself is locked first (case folded, as the check
 * is; the two-key advisory locks are a key space apart from the tenants'
 * one-key ones): the second add then finds the first's login. Then, in one
 * statement: the check, the user numbered after the business's last, and
 * its sign-in name. */
static int pg_users_create(struct store *base, const struct scope *sc, const char *email,
                           const char *pw_hash, int role, int64_t now, int64_t *user_id)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args l = {0};
    pg_arg_text(&l, email);
    int rc =
        pg_exec(c, "login_lock", "SELECT pg_advisory_xact_lock(1, hashtext(lower($1)))", &l, NULL);
    PGresult *r = NULL;
    if (rc == STORE_OK) {
        struct pg_args q = {0};
        pg_arg_int(&q, sc->tenant_id);
        pg_arg_text(&q, email);
        pg_arg_text(&q, pw_hash);
        pg_arg_int(&q, role);
        pg_arg_int(&q, now);
        r = pg_query(c, "user_create",
                     "WITH taken AS (SELECT postroom_dir_login_taken($2) AS t), "
                     "u AS (INSERT INTO users(tenant_id, user_id, email, pw_hash, role, "
                     "created_at) SELECT $1::bigint, COALESCE(MAX(user_id), 0) + 1, $2, $3, "
                     "$4::int, $5::bigint FROM users WHERE tenant_id = $1 "
                     "HAVING NOT (SELECT t FROM taken) RETURNING user_id), "
                     "l AS (INSERT INTO logins(email, tenant_id, user_id) "
                     "SELECT $2, $1, user_id FROM u) "
                     "SELECT (SELECT user_id FROM u)",
                     &q, &rc);
    }
    if (r) {
        rc = pg_isnull(r, 0, 0) ? STORE_CONFLICT : STORE_OK;
        if (rc == STORE_OK) *user_id = pg_int(r, 0, 0);
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* One statement for a change of one user that must leave the business an
 * administrator: the user's stored role (NULL: no such user in the
 * scope), and whether the change was made (it is not when it would end
 * the last administrator). */
static int guarded(struct store *base, const struct scope *sc, const char *where, const char *sql,
                   int64_t user_id, const int *role)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_int(&q, user_id);
    if (role) pg_arg_int(&q, *role);
    int rc;
    PGresult *r = pg_query(c, where, sql, &q, &rc);
    if (r) {
        rc = pg_isnull(r, 0, 0) ? STORE_NOTFOUND : pg_int(r, 0, 1) == 0 ? STORE_CONFLICT : STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* The other administrators, for the guard of both calls below. */
#define OTHER_ADMINS                                                                               \
    "(SELECT COUNT(*) FROM users WHERE tenant_id = $1 AND role = 2 AND user_id <> $2)"

static int pg_users_set_role(struct store *base, const struct scope *sc, int64_t user_id, int role)
{
    return guarded(base, sc, "user_set_role",
                   "WITH cur AS (SELECT role FROM users WHERE tenant_id = $1 AND user_id = $2), "
                   "upd AS (UPDATE users SET role = $3::int WHERE tenant_id = $1 AND user_id = $2 "
                   "AND NOT (role = 2 AND $3::int <> 2 AND " OTHER_ADMINS " = 0) RETURNING 1) "
                   "SELECT (SELECT role FROM cur), (SELECT COUNT(*) FROM upd)",
                   user_id, &role);
}

/* The user's logins, sessions, two-factor secret and pending sign-ins go
 * with it (ON DELETE CASCADE) in the same statement: a session of a removed
 * user names no user on its next request. */
static int pg_users_remove(struct store *base, const struct scope *sc, int64_t user_id)
{
    return guarded(base, sc, "user_remove",
                   "WITH cur AS (SELECT role FROM users WHERE tenant_id = $1 AND user_id = $2), "
                   "del AS (DELETE FROM users WHERE tenant_id = $1 AND user_id = $2 AND "
                   "NOT (role = 2 AND " OTHER_ADMINS " = 0) RETURNING 1) "
                   "SELECT (SELECT role FROM cur), (SELECT COUNT(*) FROM del)",
                   user_id, NULL);
}

static int pg_users_keys(struct store *base, const struct scope *sc, struct arena *a,
                         struct apikey_row **rows, size_t *n)
{
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    int rc;
    PGresult *r = pg_query(c, "apikeys_list",
                           "SELECT tenant_id, key_id, name, created_at, last_used_at, "
                           "revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY key_id",
                           &q, &rc);
    if (r) {
        int k = PQntuples(r);
        struct apikey_row *out = pg_rows(a, k, sizeof *out);
        for (int i = 0; i < k; i++) {
            out[i].tenant_id = pg_int(r, i, 0);
            out[i].key_id = pg_int(r, i, 1);
            out[i].name = pg_text(a, r, i, 2);
            out[i].created_at = pg_int(r, i, 3);
            out[i].last_used_at = pg_int(r, i, 4); /* 0 for NULL */
            out[i].revoked_at = pg_int(r, i, 5);
        }
        *rows = k ? out : NULL;
        *n = (size_t)k;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

static int pg_users_key_create(struct store *base, const struct scope *sc,
                               const unsigned char *hash, const char *name, int64_t now,
                               int64_t *key_id)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_bytes(&q, hash, 32);
    pg_arg_text(&q, name);
    pg_arg_int(&q, now);
    int rc;
    PGresult *r = pg_query(c, "key_create",
                           "INSERT INTO api_keys(tenant_id, key_id, key_hash, name, created_at) "
                           "SELECT $1::bigint, COALESCE(MAX(key_id), 0) + 1, $2::bytea, $3, "
                           "$4::bigint FROM api_keys WHERE tenant_id = $1 RETURNING key_id",
                           &q, &rc);
    int64_t kid = 0;
    if (r) {
        kid = pg_int(r, 0, 0);
        rc = STORE_OK;
        PQclear(r);
    }
    rc = pg_tx_end(c, rc);
    if (rc == STORE_OK) *key_id = kid;
    return rc;
}

static int pg_users_key_revoke(struct store *base, const struct scope *sc, int64_t key_id,
                               int64_t now)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_int(&q, key_id);
    pg_arg_int(&q, now);
    int64_t changed = 0;
    int rc = pg_exec(c, "key_revoke",
                     "UPDATE api_keys SET revoked_at = $3 "
                     "WHERE tenant_id = $1 AND key_id = $2 AND revoked_at IS NULL",
                     &q, &changed);
    if (rc == STORE_OK && changed == 0) rc = STORE_NOTFOUND;
    return pg_tx_end(c, rc);
}

/* The housekeeper's write of a key's last use, as the key's tenant. It
 * only ever moves the time forward, so it takes no write lock: it never
 * waits behind the business's own writes. */
static int pg_users_key_used(struct store *base, int64_t tenant_id, int64_t key_id, int64_t at)
{
    struct pg_conn *c = pg_app(P(base));
    if (!c || pg_tx_begin(c, tenant_id, 0, true) != STORE_OK) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, tenant_id);
    pg_arg_int(&q, key_id);
    pg_arg_int(&q, at);
    int rc = pg_exec(c, "key_used",
                     "UPDATE api_keys SET last_used_at = $3 WHERE tenant_id = $1 AND "
                     "key_id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
                     &q, NULL);
    return pg_tx_end(c, rc);
}

static int pg_users_labels(struct store *base, const struct scope *sc, struct arena *a,
                           struct label_settings *out)
{
    memset(out, 0, sizeof *out);
    out->label_layout = "6x4";
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    int rc;
    PGresult *r = pg_query(c, "label_settings",
                           "SELECT (SELECT label_layout FROM tenant_settings "
                           "WHERE tenant_id = $1), d.category, d.origin_country FROM "
                           "(SELECT 1) one LEFT JOIN customs_defaults d ON d.tenant_id = $1",
                           &q, &rc);
    if (r) {
        rc = PQntuples(r) == 1 ? STORE_OK : STORE_ERROR;
        if (rc == STORE_OK) {
            const char *layout = pg_text(a, r, 0, 0);
            if (layout) out->label_layout = layout;
            out->customs_category = pg_text(a, r, 0, 1);
            out->customs_origin = pg_text(a, r, 0, 2);
        }
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* The layout goes into tenant_settings (where the documents and the
 * command line's `tenant set` have it), touching none of its other
 * columns; the customs defaults into their own row; one statement. */
static int pg_users_labels_set(struct store *base, const struct scope *sc,
                               const struct label_settings *in)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_text(&q, in->label_layout);
    pg_arg_text(&q, in->customs_category);
    pg_arg_text(&q, in->customs_origin);
    int rc = pg_exec(c, "label_settings_set",
                     "WITH layout AS (INSERT INTO tenant_settings(tenant_id, label_layout) "
                     "VALUES ($1, $2) ON CONFLICT (tenant_id) DO UPDATE SET "
                     "label_layout = excluded.label_layout) "
                     "INSERT INTO customs_defaults(tenant_id, category, origin_country) "
                     "VALUES ($1, $3, $4) ON CONFLICT (tenant_id) DO UPDATE SET "
                     "category = excluded.category, origin_country = excluded.origin_country",
                     &q, NULL);
    return pg_tx_end(c, rc);
}

const struct store_users_ops pg_users_ops = {
    .list = pg_users_list,
    .create = pg_users_create,
    .set_role = pg_users_set_role,
    .remove = pg_users_remove,
    .keys = pg_users_keys,
    .key_create = pg_users_key_create,
    .key_revoke = pg_users_key_revoke,
    .key_used = pg_users_key_used,
    .labels = pg_users_labels,
    .labels_set = pg_users_labels_set,
};
