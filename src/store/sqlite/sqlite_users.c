/* sqlite_users: the settings pages' calls in the SQLite backend
 * (store_users.h, migration 012). An administrator's page runs them a few
 * times, never per request (a key's last use is written by the
 * housekeeper, at most once a minute per key), so their statements are
 * prepared per call and finalized, holding no slot in the connection's
 * statement cache. tenant_id leads every key they touch. */
#include "store/sqlite/sqlite_internal.h"
#include "store/store_users.h"

#include <string.h>

/* The first column of a one-row query as an integer (0 when NULL). */
static int one_int(struct sqlite_store *s, sqlite3_stmt *st, const char *where, int64_t *out)
{
    if (!st) return STORE_ERROR;
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, where);
}

static int64_t col_time(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

/* Grows *arr (of elem bytes) by one in a, returning the new slot. */
static void *push(struct arena *a, void **arr, size_t *n, size_t *cap, size_t elem)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        void *g = arena_alloc(a, *cap * elem);
        if (*n) memcpy(g, *arr, *n * elem);
        *arr = g;
    }
    return (char *)*arr + (*n)++ * elem;
}

static int sq_users_list(struct store *base, const struct scope *sc, struct arena *a,
                         struct user_row **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st =
        sq_prepare(s, "settings",
                   "SELECT tenant_id, user_id, email, role, created_at, "
                   "last_signin_at FROM users WHERE tenant_id = ?1 ORDER BY user_id");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct user_row *u = push(a, (void **)rows, n, &cap, sizeof *u);
        u->tenant_id = sqlite3_column_int64(st, 0);
        u->user_id = sqlite3_column_int64(st, 1);
        u->email = sq_col_text(a, st, 2);
        u->role = sqlite3_column_int(st, 3);
        u->created_at = sqlite3_column_int64(st, 4);
        u->last_signin_at = col_time(st, 5);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "users_list");
}

/* Within a write transaction: whether an address signs anyone in, in any
 * case (logins is the global directory). */
static int email_taken(struct sqlite_store *s, const char *email, bool *taken)
{
    sqlite3_stmt *st =
        sq_prepare(s, "settings", "SELECT COUNT(*) FROM logins WHERE email = ?1 COLLATE NOCASE");
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
    int64_t count = 0;
    int rc = one_int(s, st, "email_taken", &count);
    *taken = count > 0;
    return rc;
}

static int insert_user(struct sqlite_store *s, const struct scope *sc, const char *email,
                       const char *pw_hash, int role, int64_t now, int64_t *user_id)
{
    sqlite3_stmt *st = sq_prepare(
        s, "settings", "SELECT COALESCE(MAX(user_id), 0) + 1 FROM users WHERE tenant_id = ?1");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    int64_t uid = 0;
    if (one_int(s, st, "user_next_id", &uid) != STORE_OK) return STORE_ERROR;
    st = sq_prepare(s, "settings",
                    "INSERT INTO users(tenant_id, user_id, email, pw_hash, role, created_at) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, uid);
    sqlite3_bind_text(st, 3, email, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, pw_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, role);
    sqlite3_bind_int64(st, 6, now);
    int rc = sq_run(s, st, "user_create", NULL);
    if (rc != STORE_OK) return rc;
    st = sq_prepare(s, "settings",
                    "INSERT INTO logins(email, tenant_id, user_id) VALUES (?3, ?1, ?2)");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, uid);
    sqlite3_bind_text(st, 3, email, -1, SQLITE_STATIC);
    rc = sq_run(s, st, "login_create", NULL);
    if (rc == STORE_OK) *user_id = uid;
    return rc;
}

static int sq_user_create(struct store *base, const struct scope *sc, const char *email,
                          const char *pw_hash, int role, int64_t now, int64_t *user_id)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    bool taken = false;
    int rc = email_taken(s, email, &taken);
    if (rc == STORE_OK && taken) rc = STORE_CONFLICT;
    if (rc == STORE_OK) rc = insert_user(s, sc, email, pw_hash, role, now, user_id);
    return sq_tx_end(s, rc);
}

/* Within a write transaction: the user's stored role (STORE_NOTFOUND when
 * the scope has no such user), and how many other administrators the
 * business has. */
static int role_and_admins(struct sqlite_store *s, const struct scope *sc, int64_t user_id,
                           int64_t *role, int64_t *others)
{
    sqlite3_stmt *st =
        sq_prepare(s, "settings", "SELECT role FROM users WHERE tenant_id = ?1 AND user_id = ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, user_id);
    int rc = one_int(s, st, "user_role", role);
    if (rc != STORE_OK) return rc;
    st = sq_prepare(
        s, "settings",
        "SELECT COUNT(*) FROM users WHERE tenant_id = ?1 AND role = 2 AND user_id <> ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, user_id);
    return one_int(s, st, "admins_count", others);
}

#define STORED_ADMIN 2 /* users.role of an administrator */

static int sq_user_set_role(struct store *base, const struct scope *sc, int64_t user_id, int role)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int64_t was = 0, others = 0;
    int rc = role_and_admins(s, sc, user_id, &was, &others);
    if (rc == STORE_OK && was == STORED_ADMIN && role != STORED_ADMIN && others == 0)
        rc = STORE_CONFLICT;
    if (rc == STORE_OK) {
        sqlite3_stmt *st = sq_prepare(
            s, "settings", "UPDATE users SET role = ?3 WHERE tenant_id = ?1 AND user_id = ?2");
        if (st) {
            sqlite3_bind_int64(st, 1, sc->tenant_id);
            sqlite3_bind_int64(st, 2, user_id);
            sqlite3_bind_int(st, 3, role);
        }
        rc = sq_run(s, st, "user_set_role", NULL);
    }
    return sq_tx_end(s, rc);
}

/* The user's logins and sessions go with it (ON DELETE CASCADE, foreign
 * keys on), in the same statement: a session of a removed user names no
 * user on its next request. */
static int sq_user_remove(struct store *base, const struct scope *sc, int64_t user_id)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int64_t was = 0, others = 0;
    int rc = role_and_admins(s, sc, user_id, &was, &others);
    if (rc == STORE_OK && was == STORED_ADMIN && others == 0) rc = STORE_CONFLICT;
    if (rc == STORE_OK) {
        sqlite3_stmt *st =
            sq_prepare(s, "settings", "DELETE FROM users WHERE tenant_id = ?1 AND user_id = ?2");
        if (st) {
            sqlite3_bind_int64(st, 1, sc->tenant_id);
            sqlite3_bind_int64(st, 2, user_id);
        }
        rc = sq_run(s, st, "user_remove", NULL);
    }
    return sq_tx_end(s, rc);
}

static int sq_apikeys_list(struct store *base, const struct scope *sc, struct arena *a,
                           struct apikey_row **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "settings",
                                  "SELECT tenant_id, key_id, name, created_at, last_used_at, "
                                  "revoked_at FROM api_keys WHERE tenant_id = ?1 ORDER BY key_id");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct apikey_row *k = push(a, (void **)rows, n, &cap, sizeof *k);
        k->tenant_id = sqlite3_column_int64(st, 0);
        k->key_id = sqlite3_column_int64(st, 1);
        k->name = sq_col_text(a, st, 2);
        k->created_at = sqlite3_column_int64(st, 3);
        k->last_used_at = col_time(st, 4);
        k->revoked_at = col_time(st, 5);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "apikeys_list");
}

static int sq_apikey_create(struct store *base, const struct scope *sc, const unsigned char *hash,
                            const char *name, int64_t now, int64_t *key_id)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = sq_prepare(
        s, "settings", "SELECT COALESCE(MAX(key_id), 0) + 1 FROM api_keys WHERE tenant_id = ?1");
    int64_t kid = 0;
    int rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        rc = one_int(s, st, "key_next_id", &kid);
    }
    if (rc == STORE_OK) {
        st = sq_prepare(s, "settings",
                        "INSERT INTO api_keys(tenant_id, key_id, key_hash, name, created_at) "
                        "VALUES (?1, ?2, ?3, ?4, ?5)");
        if (st) {
            sqlite3_bind_int64(st, 1, sc->tenant_id);
            sqlite3_bind_int64(st, 2, kid);
            sqlite3_bind_blob(st, 3, hash, 32, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 5, now);
        }
        rc = sq_run(s, st, "key_create", NULL);
    }
    rc = sq_tx_end(s, rc);
    if (rc == STORE_OK) *key_id = kid;
    return rc;
}

static int sq_apikey_revoke(struct store *base, const struct scope *sc, int64_t key_id, int64_t now)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "settings",
                                  "UPDATE api_keys SET revoked_at = ?3 "
                                  "WHERE tenant_id = ?1 AND key_id = ?2 AND revoked_at IS NULL");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, key_id);
    sqlite3_bind_int64(st, 3, now);
    int64_t changed = 0;
    int rc = sq_run(s, st, "key_revoke", &changed);
    return rc == STORE_OK && changed == 0 ? STORE_NOTFOUND : rc;
}

static int sq_apikey_used(struct store *base, int64_t tenant_id, int64_t key_id, int64_t at)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "settings",
                                  "UPDATE api_keys SET last_used_at = ?3 WHERE tenant_id = ?1 AND "
                                  "key_id = ?2 AND (last_used_at IS NULL OR last_used_at < ?3)");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, tenant_id);
    sqlite3_bind_int64(st, 2, key_id);
    sqlite3_bind_int64(st, 3, at);
    return sq_run(s, st, "key_used", NULL);
}

static int sq_label_settings(struct store *base, const struct scope *sc, struct arena *a,
                             struct label_settings *out)
{
    struct sqlite_store *s = S(base);
    memset(out, 0, sizeof *out);
    out->label_layout = "6x4";
    sqlite3_stmt *st = sq_prepare(s, "settings",
                                  "SELECT (SELECT label_layout FROM tenant_settings "
                                  "WHERE tenant_id = ?1), category, origin_country FROM "
                                  "(SELECT 1) LEFT JOIN customs_defaults ON tenant_id = ?1");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *layout = sq_col_text(a, st, 0);
        if (layout) out->label_layout = layout;
        out->customs_category = sq_col_text(a, st, 1);
        out->customs_origin = sq_col_text(a, st, 2);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s, "label_settings");
}

/* The layout goes into tenant_settings (where the documents and the
 * command line's `tenant set` have it), touching none of its other
 * columns; the customs defaults into their own row. */
static int sq_label_settings_set(struct store *base, const struct scope *sc,
                                 const struct label_settings *in)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = sq_prepare(s, "settings",
                                  "INSERT INTO tenant_settings(tenant_id, label_layout) "
                                  "VALUES (?1, ?2) ON CONFLICT(tenant_id) DO UPDATE SET "
                                  "label_layout = excluded.label_layout");
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_text(st, 2, in->label_layout, -1, SQLITE_STATIC);
    }
    int rc = sq_run(s, st, "label_layout_set", NULL);
    if (rc == STORE_OK) {
        st = sq_prepare(s, "settings",
                        "INSERT INTO customs_defaults(tenant_id, category, origin_country) "
                        "VALUES (?1, ?2, ?3) ON CONFLICT(tenant_id) DO UPDATE SET "
                        "category = excluded.category, origin_country = excluded.origin_country");
        if (st) {
            sqlite3_bind_int64(st, 1, sc->tenant_id);
            sq_bind_text_opt(st, 2, in->customs_category);
            sq_bind_text_opt(st, 3, in->customs_origin);
        }
        rc = sq_run(s, st, "customs_defaults_set", NULL);
    }
    return sq_tx_end(s, rc);
}

const struct store_users_ops sq_users_ops = {
    .list = sq_users_list,
    .create = sq_user_create,
    .set_role = sq_user_set_role,
    .remove = sq_user_remove,
    .keys = sq_apikeys_list,
    .key_create = sq_apikey_create,
    .key_revoke = sq_apikey_revoke,
    .key_used = sq_apikey_used,
    .labels = sq_label_settings,
    .labels_set = sq_label_settings_set,
};
