/* sqlite: the embedded SQLite backend of the store interface.
 *
 * WAL with synchronous=NORMAL, foreign keys on, every statement prepared once
 * per connection. Every query on tenant data binds the scope's tenant_id as
 * its first parameter. */
#include "store/migrations.h"
#include "store/sqlite/sqlite_internal.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <time.h>
#include <stdio.h>
#include <string.h>

static const char *const sql_text[Q_COUNT] = {
    [Q_BEGIN] = "BEGIN",
    [Q_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_SAVEPOINT] = "SAVEPOINT call",
    [Q_RELEASE] = "RELEASE call",
    [Q_ROLLBACK_TO] = "ROLLBACK TO call",
    [Q_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [Q_META_PUT] = "INSERT OR IGNORE INTO meta(key, value) VALUES (?1, ?2)",
    [Q_TENANT_CREATE] = "INSERT INTO tenants(name, created_at) VALUES (?1, ?2)",
    [Q_TENANT_EXISTS] = "SELECT 1 FROM tenants WHERE tenant_id = ?1",
    [Q_TENANT_FIND] = "SELECT tenant_id FROM tenants WHERE name = ?1 ORDER BY tenant_id LIMIT 1",
    [Q_TENANT_NAME] = "SELECT name FROM tenants WHERE tenant_id = ?1",
    [Q_USER_EMAIL] = "SELECT email FROM users WHERE tenant_id = ?1 AND user_id = ?2",
    [Q_USER_NEXT_ID] = "SELECT COALESCE(MAX(user_id), 0) + 1 FROM users WHERE tenant_id = ?1",
    [Q_USER_ADD] = "INSERT INTO users(tenant_id, user_id, email, pw_hash, role, created_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_LOGIN_ADD] = "INSERT INTO logins(email, tenant_id, user_id) VALUES (?3, ?1, ?2)",
    [Q_USER_SET_PW] = "UPDATE users SET pw_hash = ?3 WHERE tenant_id = ?1 AND email = ?2",
    [Q_KEY_NEXT_ID] = "SELECT COALESCE(MAX(key_id), 0) + 1 FROM api_keys WHERE tenant_id = ?1",
    [Q_KEY_ADD] = "INSERT INTO api_keys(tenant_id, key_id, key_hash, name, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_KEY_REVOKE_NAMED] = "UPDATE api_keys SET revoked_at = ?3 "
                           "WHERE tenant_id = ?1 AND name = ?2 AND revoked_at IS NULL",
    [Q_KEY_REVOKE_ALL] = "UPDATE api_keys SET revoked_at = ?2 "
                         "WHERE tenant_id = ?1 AND revoked_at IS NULL",
    [Q_DIR_KEY] =
        "SELECT tenant_id, key_id FROM api_keys WHERE key_hash = ?1 AND revoked_at IS NULL",
    [Q_DIR_LOGIN] = "SELECT u.tenant_id, u.user_id, u.role, u.pw_hash FROM logins l "
                    "JOIN users u ON u.tenant_id = l.tenant_id AND u.user_id = l.user_id "
                    "WHERE l.email = ?1",
    [Q_DIR_SESSION] = "SELECT s.tenant_id, s.user_id, u.role, s.csrf FROM sessions s "
                      "JOIN users u ON u.tenant_id = s.tenant_id AND u.user_id = s.user_id "
                      "WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND s.seen_at > ?2 - ?3",
    [Q_DIR_SESSION_TOUCH] = "UPDATE sessions SET seen_at = ?2 WHERE token_hash = ?1",
    [Q_DIR_SESSION_CREATE] = "INSERT INTO sessions(token_hash, tenant_id, user_id, csrf, "
                             "created_at, seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
    [Q_DIR_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = ?1",
    [Q_DIR_FAILURES] = "SELECT COUNT(*) FROM auth_failures WHERE subject = ?1 AND at > ?2",
    [Q_DIR_FAILURE_ADD] = "INSERT INTO auth_failures(subject, at) VALUES (?1, ?2)",
    [Q_DIR_FAILURE_PRUNE] = "DELETE FROM auth_failures WHERE subject = ?1 AND at < ?2",
};

static sqlite3_stmt *stmt(struct sqlite_store *s, enum stmt_id id)
{
    return sq_stmt(s, id, sql_text[id]);
}

/* Logs an SQLite failure by code only: messages can quote the data. */
int sq_fail(struct sqlite_store *s, const char *where)
{
    char extra[160];
    snprintf(extra, sizeof extra, "\"where\":\"%s\",\"sqlite\":%d", where,
             sqlite3_extended_errcode(s->db));
    log_json("error", "store failure", extra);
    return STORE_ERROR;
}

sqlite3_stmt *sq_stmt(struct sqlite_store *s, enum stmt_id id, const char *sql)
{
    if (!s->stmt[id]) {
        if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[id], NULL) !=
            SQLITE_OK) {
            sq_fail(s, "prepare");
            return NULL;
        }
    }
    sqlite3_reset(s->stmt[id]);
    sqlite3_clear_bindings(s->stmt[id]);
    return s->stmt[id];
}

/* Runs a statement that returns no rows we need. */
int sq_exec(struct sqlite_store *s, sqlite3_stmt *st, const char *where)
{
    if (!st) return STORE_ERROR;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        if ((rc & 0xff) == SQLITE_CONSTRAINT) return STORE_CONFLICT;
        return sq_fail(s, where);
    }
    return STORE_OK;
}

/* BEGIN, BEGIN IMMEDIATE, COMMIT, ROLLBACK or a savepoint statement by id. */
static int sq_tx(struct sqlite_store *s, enum stmt_id id)
{
    return sq_exec(s, stmt(s, id), "transaction");
}

sqlite3_stmt *sq_prepare(struct sqlite_store *s, const char *what, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        char where[64];
        snprintf(where, sizeof where, "%s prepare", what);
        sq_fail(s, where);
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

int sq_run(struct sqlite_store *s, sqlite3_stmt *st, const char *where, int64_t *changed)
{
    if (!st) return STORE_ERROR;
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (changed) *changed = sqlite3_changes64(s->db);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return STORE_OK;
    return (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_CONFLICT : sq_fail(s, where);
}

int sq_tx_begin(struct sqlite_store *s, bool write)
{
    if (s->depth == SQ_MAX_LEVELS || (s->depth && sqlite3_get_autocommit(s->db))) {
        /* too deep, or the transaction to join is gone (SQLite ended it) */
        log_json("error", "store failure", "\"where\":\"transaction levels\"");
        return STORE_ERROR;
    }
    enum sq_level lv = sqlite3_get_autocommit(s->db) ? SQ_OWN : write ? SQ_SAVEPOINT : SQ_JOINED;
    if (lv != SQ_JOINED && sq_tx(s, lv == SQ_SAVEPOINT ? Q_SAVEPOINT
                                    : write            ? Q_BEGIN_IMMEDIATE
                                                       : Q_BEGIN) != STORE_OK)
        return STORE_ERROR;
    s->level[s->depth++] = lv;
    return STORE_OK;
}

/* Undoes the innermost level. After some errors (a full disk, I/O) SQLite
 * has already rolled the whole transaction back: then there is nothing left
 * of our own to undo, and a savepoint is gone with the rest (an error). */
static int tx_undo(struct sqlite_store *s, enum sq_level lv)
{
    switch (lv) {
    case SQ_OWN:
        return sqlite3_get_autocommit(s->db) ? STORE_OK : sq_tx(s, Q_ROLLBACK);
    case SQ_SAVEPOINT:
        if (sq_tx(s, Q_ROLLBACK_TO) != STORE_OK) return STORE_ERROR;
        return sq_tx(s, Q_RELEASE);
    case SQ_JOINED:
        break;
    }
    return STORE_OK;
}

int sq_tx_end(struct sqlite_store *s, int rc)
{
    if (s->depth == 0) {
        log_json("error", "store failure", "\"where\":\"transaction end without begin\"");
        return STORE_ERROR;
    }
    enum sq_level lv = s->level[--s->depth];
    if (rc == STORE_OK) {
        if (lv == SQ_JOINED || sq_tx(s, lv == SQ_OWN ? Q_COMMIT : Q_RELEASE) == STORE_OK)
            return STORE_OK;
        rc = STORE_ERROR; /* the commit failed: what it held is rolled back */
    }
    return tx_undo(s, lv) == STORE_OK ? rc : STORE_ERROR;
}

const char *sq_col_text(struct arena *a, sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t) return NULL;
    return arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(st, i));
}

void sq_bind_text_opt(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static void s_close(struct store *base)
{
    struct sqlite_store *s = S(base);
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    sqlite3_close_v2(s->db);
    free(s);
}

static int s_schema_version(struct store *base, int *version)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "user_version");
    int rc = sqlite3_step(st);
    *version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s, "user_version");
}

static int s_serve_mode(struct store *base)
{
    struct sqlite_store *s = S(base);
    if (sqlite3_wal_autocheckpoint(s->db, 0) != SQLITE_OK) return sq_fail(s, "autocheckpoint");
    return STORE_OK;
}

/* A snapshot is the outermost transaction, never inside another: calls and
 * scoped transactions made inside it join it (sq_tx_begin). */
static int s_snapshot_begin(struct store *base)
{
    return sq_tx(S(base), Q_BEGIN);
}

static int s_snapshot_end(struct store *base)
{
    struct sqlite_store *s = S(base);
    if (s->depth) return sq_fail(s, "snapshot end inside a transaction");
    if (sqlite3_get_autocommit(s->db)) return STORE_OK;
    return sq_tx(s, Q_COMMIT);
}

static int s_tx_begin(struct store *base, const struct scope *sc, enum store_tx_mode mode)
{
    (void)sc; /* the dispatcher holds every scoped call inside to the scope */
    return sq_tx_begin(S(base), mode == STORE_TX_WRITE);
}

static int s_tx_commit(struct store *base)
{
    return sq_tx_end(S(base), STORE_OK);
}

/* Ends the transaction without its writes: STORE_OK once undone. */
static int s_tx_rollback(struct store *base)
{
    return sq_tx_end(S(base), STORE_NOTFOUND) == STORE_NOTFOUND ? STORE_OK : STORE_ERROR;
}

/* How long a request waits for a lock another connection holds. */
#define STORE_BUSY_TIMEOUT_MS 10000

/* Frames in the WAL (4 KiB pages) past which it is truncated. */
#define WAL_TRUNCATE_FRAMES 16384

/* While a TRUNCATE checkpoint waits for readers it holds the write lock, so
 * every writer waits with it. SQLite's own busy timeout backs off to sleeps
 * of 50-100 ms, which showed up as write stalls of 0.35-1.1 s under load.
 * Readers finish in well under a millisecond: poll every 100 us for at most
 * CHECKPOINT_WAIT_POLLS polls (~20 ms), then give up until the next round. */
#define CHECKPOINT_WAIT_POLLS 200

static int checkpoint_busy(void *unused, int polls)
{
    (void)unused;
    if (polls >= CHECKPOINT_WAIT_POLLS) return 0;
    struct timespec ts = {0, 100 * 1000};
    nanosleep(&ts, NULL);
    return 1;
}

/* A passive checkpoint never waits for readers or writers; it copies what it
 * can and leaves the rest for the next round. But with reads always in
 * flight the WAL is never restarted and grows without bound, so once it
 * passes WAL_TRUNCATE_FRAMES a TRUNCATE checkpoint waits briefly (see
 * checkpoint_busy) for the readers of the old log to go, and empties it. */
static int s_maintain(struct store *base)
{
    struct sqlite_store *s = S(base);
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    if (rc == SQLITE_OK && log > WAL_TRUNCATE_FRAMES) {
        sqlite3_busy_handler(s->db, checkpoint_busy, NULL);
        rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
        sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
    }
    return rc == SQLITE_OK || rc == SQLITE_BUSY ? STORE_OK : sq_fail(s, "checkpoint");
}

/* Applies each migration above the current user_version in its own
 * transaction, so a failed step leaves the schema at the previous version. */
static int s_migrate(struct store *base, int *applied)
{
    struct sqlite_store *s = S(base);
    int version, n = 0;
    if (s_schema_version(base, &version) != STORE_OK) return STORE_ERROR;
    for (int i = 0; i < migrations_count; i++) {
        const struct migration *m = &migrations[i];
        if (m->version <= version) continue;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", m->version);
        if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
        int rc = sqlite3_exec(s->db, m->sql, NULL, NULL, NULL) == SQLITE_OK &&
                         sqlite3_exec(s->db, pragma, NULL, NULL, NULL) == SQLITE_OK
                     ? STORE_OK
                     : sq_fail(s, "migrate");
        if (sq_tx_end(s, rc) != STORE_OK) return STORE_ERROR;
        n++;
    }
    if (applied) *applied = n;
    return STORE_OK;
}

static int s_meta_secret(struct store *base, const char *name, unsigned char *out, size_t n)
{
    struct sqlite_store *s = S(base);
    if (n > 64) return STORE_ERROR;
    for (int attempt = 0; attempt < 2; attempt++) {
        sqlite3_stmt *st = stmt(s, Q_META_GET);
        if (!st) return STORE_ERROR;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW && (size_t)sqlite3_column_bytes(st, 0) == n) {
            memcpy(out, sqlite3_column_blob(st, 0), n);
            sqlite3_reset(st);
            return STORE_OK;
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) return sq_fail(s, "meta_get");
        /* Not there yet: create it. INSERT OR IGNORE lets concurrent first
         * users agree on whichever secret was written first. */
        unsigned char fresh[64];
        randombytes_buf(fresh, n);
        st = stmt(s, Q_META_PUT);
        if (!st) return STORE_ERROR;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, fresh, (int)n, SQLITE_TRANSIENT);
        sodium_memzero(fresh, sizeof fresh);
        if (sq_exec(s, st, "meta_put") != STORE_OK) return STORE_ERROR;
    }
    return STORE_ERROR;
}

static int s_tenant_create(struct store *base, const char *name, int64_t now, int64_t *tenant_id)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_TENANT_CREATE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    int rc = sq_exec(s, st, "tenant_create");
    if (rc == STORE_OK) *tenant_id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static int s_tenant_exists(struct store *base, int64_t tenant_id)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_TENANT_EXISTS);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, tenant_id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "tenant_exists");
}

static int s_tenant_find(struct store *base, const char *name, int64_t *tenant_id)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_TENANT_FIND);
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *tenant_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "tenant_find");
}

static int s_tenant_name(struct store *base, const struct scope *sc, struct arena *a,
                         const char **name)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_TENANT_NAME);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *name = sq_col_text(a, st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "tenant_name");
}

static int s_user_email(struct store *base, const struct scope *sc, int64_t user_id,
                        struct arena *a, const char **email)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_USER_EMAIL);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, user_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *email = sq_col_text(a, st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "user_email");
}

static int next_id(struct sqlite_store *s, enum stmt_id id, int64_t tenant_id, int64_t *out)
{
    sqlite3_stmt *st = stmt(s, id);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, tenant_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s, "next_id");
}

static int s_user_add(struct store *base, int64_t tenant_id, const char *email, const char *pw_hash,
                      int role, int64_t now, int64_t *user_id)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int64_t uid = 0;
    int rc;
    rc = next_id(s, Q_USER_NEXT_ID, tenant_id, &uid);
    sqlite3_stmt *st = rc == STORE_OK ? stmt(s, Q_USER_ADD) : NULL;
    if (st) {
        sqlite3_bind_int64(st, 1, tenant_id);
        sqlite3_bind_int64(st, 2, uid);
        sqlite3_bind_text(st, 3, email, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, pw_hash, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 5, (int)role);
        sqlite3_bind_int64(st, 6, now);
        rc = sq_exec(s, st, "user_add");
    } else {
        rc = STORE_ERROR;
    }
    if (rc == STORE_OK) {
        st = stmt(s, Q_LOGIN_ADD);
        if (!st)
            rc = STORE_ERROR;
        else {
            sqlite3_bind_int64(st, 1, tenant_id);
            sqlite3_bind_int64(st, 2, uid);
            sqlite3_bind_text(st, 3, email, -1, SQLITE_STATIC);
            rc = sq_exec(s, st, "login_add");
        }
    }
    rc = sq_tx_end(s, rc);
    if (rc == STORE_OK) *user_id = uid;
    return rc;
}

static int s_user_set_password(struct store *base, int64_t tenant_id, const char *email,
                               const char *pw_hash)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_USER_SET_PW);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, tenant_id);
    sqlite3_bind_text(st, 2, email, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, pw_hash, -1, SQLITE_STATIC);
    int rc = sq_exec(s, st, "user_set_password");
    if (rc == STORE_OK && sqlite3_changes(s->db) == 0) return STORE_NOTFOUND;
    return rc;
}

static int s_apikey_add(struct store *base, int64_t tenant_id, const unsigned char *hash,
                        const char *name, int64_t now, int64_t *key_id)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int64_t kid = 0;
    int rc;
    rc = next_id(s, Q_KEY_NEXT_ID, tenant_id, &kid);
    sqlite3_stmt *st = rc == STORE_OK ? stmt(s, Q_KEY_ADD) : NULL;
    if (st) {
        sqlite3_bind_int64(st, 1, tenant_id);
        sqlite3_bind_int64(st, 2, kid);
        sqlite3_bind_blob(st, 3, hash, 32, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, name ? name : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, now);
        rc = sq_exec(s, st, "apikey_add");
    } else {
        rc = STORE_ERROR;
    }
    rc = sq_tx_end(s, rc);
    if (rc == STORE_OK) *key_id = kid;
    return rc;
}

static int s_apikey_revoke_named(struct store *base, int64_t tenant_id, const char *name,
                                 int64_t now)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_KEY_REVOKE_NAMED);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, tenant_id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    return sq_exec(s, st, "apikey_revoke");
}

static int s_apikey_revoke_all(struct store *base, int64_t tenant_id, int64_t now, int64_t *revoked)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_KEY_REVOKE_ALL);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, tenant_id);
    sqlite3_bind_int64(st, 2, now);
    int rc = sq_exec(s, st, "apikey_revoke_all");
    if (rc == STORE_OK) *revoked = sqlite3_changes64(s->db);
    return rc;
}

static int s_dir_apikey(struct store *base, const unsigned char *hash, struct credential *out)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_DIR_KEY);
    if (!st) return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->tenant_id = sqlite3_column_int64(st, 0);
        out->key_id = sqlite3_column_int64(st, 1);
        out->role = 0; /* auth decides what a key may do */
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "dir_apikey");
}

static int s_dir_login(struct store *base, const char *email, struct arena *a,
                       struct credential *out, const char **pw_hash)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_DIR_LOGIN);
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->tenant_id = sqlite3_column_int64(st, 0);
        out->user_id = sqlite3_column_int64(st, 1);
        out->role = sqlite3_column_int(st, 2);
        *pw_hash = sq_col_text(a, st, 3);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "dir_login");
}

static int s_dir_session(struct store *base, const unsigned char *hash, int64_t now,
                         int64_t idle_ms, struct credential *out, const char **csrf,
                         struct arena *a)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_DIR_SESSION);
    if (!st) return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, idle_ms);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->tenant_id = sqlite3_column_int64(st, 0);
        out->user_id = sqlite3_column_int64(st, 1);
        out->role = sqlite3_column_int(st, 2);
        *csrf = sq_col_text(a, st, 3);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return STORE_NOTFOUND;
    if (rc != SQLITE_ROW) return sq_fail(s, "dir_session");
    st = stmt(s, Q_DIR_SESSION_TOUCH);
    if (!st) return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    return sq_exec(s, st, "session_touch");
}

static int s_dir_session_create(struct store *base, const unsigned char *hash,
                                const struct credential *p, const char *csrf, int64_t now,
                                int64_t expires)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_DIR_SESSION_CREATE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, p->tenant_id);
    sqlite3_bind_int64(st, 3, p->user_id);
    sqlite3_bind_text(st, 4, csrf, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_int64(st, 6, expires);
    return sq_exec(s, st, "session_create");
}

static int s_dir_session_delete(struct store *base, const unsigned char *hash)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_DIR_SESSION_DELETE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    return sq_exec(s, st, "session_delete");
}

static int s_dir_failures(struct store *base, const char *subject, int64_t since, int *count)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_DIR_FAILURES);
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, since);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *count = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s, "dir_failures");
}

static int s_dir_failure_add(struct store *base, const char *subject, int64_t now)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_DIR_FAILURE_PRUNE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now - 24 * 3600 * 1000LL);
    if (sq_exec(s, st, "failure_prune") != STORE_OK) return STORE_ERROR;
    st = stmt(s, Q_DIR_FAILURE_ADD);
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    return sq_exec(s, st, "failure_add");
}

static const struct store_ops sqlite_ops = {
    .close = s_close,
    .migrate = s_migrate,
    .schema_version = s_schema_version,
    .serve_mode = s_serve_mode,
    .snapshot_begin = s_snapshot_begin,
    .snapshot_end = s_snapshot_end,
    .tx_begin = s_tx_begin,
    .tx_commit = s_tx_commit,
    .tx_rollback = s_tx_rollback,
    .maintain = s_maintain,
    .meta_secret = s_meta_secret,
    .tenant_create = s_tenant_create,
    .tenant_exists = s_tenant_exists,
    .tenant_find = s_tenant_find,
    .user_add = s_user_add,
    .user_set_password = s_user_set_password,
    .apikey_add = s_apikey_add,
    .apikey_revoke_named = s_apikey_revoke_named,
    .apikey_revoke_all = s_apikey_revoke_all,
    .dir_apikey = s_dir_apikey,
    .dir_stamp = sq_dir_stamp,
    .dir_login = s_dir_login,
    .dir_session = s_dir_session,
    .dir_session_create = s_dir_session_create,
    .dir_session_delete = s_dir_session_delete,
    .dir_failures = s_dir_failures,
    .dir_failure_add = s_dir_failure_add,
    .op_account_add = sq_op_account_add,
    .op_account_list = sq_op_account_list,
    .op_account_disable = sq_op_account_disable,
    .op_login = sq_op_login,
    .op_step = sq_op_step,
    .op_session_create = sq_op_session_create,
    .op_session = sq_op_session,
    .op_session_delete = sq_op_session_delete,
    .op_order_counts = sq_op_order_counts,
    .data_report_add = sq_data_report_add,
    .op_data_reports = sq_op_data_reports,
    .op_data_report_handle = sq_op_data_report_handle,
    .orders_insert = sq_orders_insert,
    .orders_get = sq_orders_get,
    .orders_page = sq_orders_page,
    .order_delete = sq_order_delete,
    .order_set_status = sq_order_set_status,
    .tenant_name = s_tenant_name,
    .user_email = s_user_email,
    .tenant_settings = sq_tenant_settings,
    .tenant_settings_set = sq_tenant_settings_set,
    .s10_reserve = sq_s10_reserve,
    .order_apply_postage = sq_order_apply_postage,
    .orders_mark_printed = sq_orders_mark_printed,
    .manifest_create = sq_manifest_create,
    .manifest_get = sq_manifest_get,
    .return_insert = sq_return_insert,
    .return_get = sq_return_get,
    .order_history = sq_order_history,
    .carriers = sq_carriers,
    .killswitch_set = sq_killswitch_set,
    .killswitch_clear = sq_killswitch_clear,
    .killswitch_list = sq_killswitch_list,
    .audit_append = sq_audit_append,
    .audit_head = sq_audit_head,
    .audit_append_journal = sq_audit_append_journal,
    .audit_journal_offset = sq_audit_journal_offset,
    .audit_journal_forget = sq_audit_journal_forget,
    .audit_range = sq_audit_range,
    .sessions_revoke = sq_sessions_revoke,
    .killswitch_set_revoking = sq_killswitch_set_revoking,
    .senders_list = sq_senders_list,
    .sender_get = sq_sender_get,
    .sender_save = sq_sender_save,
    .sender_set_default = sq_sender_set_default,
    .sender_remove = sq_sender_remove,
    .order_edit = sq_order_edit,
    .orders_find = sq_orders_find,
    .order_status_counts = sq_order_status_counts,
    .breach = &sq_breach_ops,
    .account = &sq_account_ops,
    .users = &sq_users_ops,
    .rules = &sq_rules_ops,
    .manifests = &sq_manifests_ops,
    .dashboard = &sq_dashboard_ops,
    .mappings = &sq_mappings_ops,
    .import = &sq_import_ops,
};

/* Process-wide SQLite settings, once, before the library initialises:
 * without memory statistics SQLite takes no global mutex per allocation. */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static void sqlite_configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

int store_sqlite_open(const char *path, struct store **out)
{
    pthread_once(&sqlite_once, sqlite_configure);
    struct sqlite_store *s = xcalloc(1, sizeof *s);
    s->base.ops = &sqlite_ops;
    s->serial = sq_stamp_serial();
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        log_json("error", "cannot open database", NULL);
        sqlite3_close_v2(s->db);
        free(s);
        return STORE_ERROR;
    }
    sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(s->db, 1);
    if (sqlite3_exec(s->db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                     " PRAGMA temp_store=MEMORY;",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sq_audit_functions(s->db) != SQLITE_OK) {
        sq_fail(s, "pragmas");
        s_close(&s->base);
        return STORE_ERROR;
    }
    *out = &s->base;
    return STORE_OK;
}
