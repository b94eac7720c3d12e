/* store: dispatch from the store interface to the backend in use.
 *
 * Every call goes through here, so here is where a connection learns it is
 * broken (the first STORE_ERROR of any call), where a broken one refuses
 * further work, and where a scoped transaction holds every scoped call
 * inside it to its own tenant, whatever the backend. */
#include "store/store.h"
#include "store/store_dashboard.h"
#include "store/store_manifests.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A postgres:// or postgresql:// URL opens PostgreSQL; anything else is a
 * SQLite file path. */
bool store_is_postgres(const char *path)
{
    return path &&
           (strncmp(path, "postgres://", 11) == 0 || strncmp(path, "postgresql://", 13) == 0);
}

const char *store_local_base(const char *path)
{
    if (!store_is_postgres(path)) return path;
    const char *dir = getenv("POSTROOM_STATE_DIR");
    if (!dir || !*dir) return NULL;
    static _Thread_local char base[4096];
    snprintf(base, sizeof base, "%s/postroom", dir);
    return base;
}

int store_open(const char *path, struct store **out)
{
    if (store_is_postgres(path)) return store_pg_open(path, out);
    return store_sqlite_open(path, out);
}

void store_close(struct store *s)
{
    if (s) s->ops->close(s);
}

bool store_is_broken(const struct store *s)
{
    return s->broken;
}

/* The backend's answer, remembered when it is STORE_ERROR. */
static int done(struct store *s, int rc)
{
    if (rc == STORE_ERROR) s->broken = true;
    return rc;
}

/* Whether a call may run. A broken connection still answers (its owner
 * closes it after the request), except inside a scoped transaction: there a
 * failed call may have ended the transaction under the caller's feet, and
 * what follows must not run outside it. */
static bool usable(struct store *s)
{
    return !(s->broken && s->in_tx);
}

/* A broken invariant of the interface: logged (ids only), and the
 * connection is not used again. */
static bool broken_invariant(struct store *s, const char *what, int64_t tenant_id)
{
    char extra[160];
    snprintf(extra, sizeof extra, "\"what\":\"%s\",\"tx_tenant\":%lld,\"tenant\":%lld", what,
             (long long)s->tx_scope.tenant_id, (long long)tenant_id);
    log_json("error", "store invariant broken", extra);
    s->broken = true;
    return false;
}

/* Whether a call for tenant_id may run: inside a scoped transaction, only
 * for the transaction's tenant. */
static bool tenant_ok(struct store *s, int64_t tenant_id)
{
    if (!usable(s)) return false;
    if (s->in_tx && tenant_id != s->tx_scope.tenant_id)
        return broken_invariant(s, "scope other than the transaction's", tenant_id);
    return true;
}

/* A scope names a business (tenant ids start at 1): an operator's
 * principal, whose scope_of is tenant 0, scopes nothing. */
static bool scoped(struct store *s, const struct scope *sc)
{
    if (sc && sc->tenant_id < 1) {
        if (usable(s)) broken_invariant(s, "scope names no business", sc->tenant_id);
        return false;
    }
    if (sc) return tenant_ok(s, sc->tenant_id);
    if (usable(s)) broken_invariant(s, "no scope", 0);
    return false;
}

/* Never on a broken connection: nothing new starts on one. */
int store_tx_begin(struct store *s, const struct scope *sc, enum store_tx_mode mode)
{
    if (s->broken) return STORE_ERROR;
    if (!sc || s->in_tx) {
        broken_invariant(s, sc ? "nested transaction" : "transaction without a scope",
                         sc ? sc->tenant_id : 0);
        return STORE_ERROR;
    }
    int rc = done(s, s->ops->tx_begin(s, sc, mode));
    if (rc == STORE_OK) {
        s->in_tx = true;
        s->tx_scope = *sc;
    }
    return rc;
}

int store_operator_tx_begin(struct store *s)
{
    if (s->broken) return STORE_ERROR;
    if (s->in_tx) {
        broken_invariant(s, "nested transaction", 0);
        return STORE_ERROR;
    }
    int rc = done(s, s->ops->tx_begin(s, NULL, STORE_TX_WRITE));
    if (rc == STORE_OK) {
        s->in_tx = s->operator_tx = true;
        s->tx_scope.tenant_id = 0; /* no business: tenant_ok refuses every scoped call */
    }
    return rc;
}

int store_tx_commit(struct store *s)
{
    if (!usable(s)) {
        store_tx_rollback(s); /* nothing of a broken transaction is committed */
        return STORE_ERROR;
    }
    if (!s->in_tx) {
        broken_invariant(s, "commit without a transaction", 0);
        return STORE_ERROR;
    }
    s->in_tx = s->operator_tx = false; /* committed, or rolled back by a failed commit */
    return done(s, s->ops->tx_commit(s));
}

/* Allowed on a broken connection too: undoing is always safe, and it lets
 * the write lock go before the connection is closed. */
int store_tx_rollback(struct store *s)
{
    if (!s->in_tx) {
        if (!s->broken) broken_invariant(s, "rollback without a transaction", 0);
        return STORE_ERROR;
    }
    s->in_tx = s->operator_tx = false;
    return done(s, s->ops->tx_rollback(s));
}

int store_migrate(struct store *s, int *applied)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->migrate(s, applied));
}

int store_schema_version(struct store *s, int *version)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->schema_version(s, version));
}

int store_serve_mode(struct store *s)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->serve_mode(s));
}

int store_snapshot_begin(struct store *s)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->snapshot_begin(s));
}

int store_snapshot_end(struct store *s)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->snapshot_end(s));
}

int store_maintain(struct store *s)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->maintain(s));
}

int store_meta_secret(struct store *s, const char *name, unsigned char *out, size_t n)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->meta_secret(s, name, out, n));
}

int store_operator_tenant_create(struct store *s, const char *name, int64_t now, int64_t *tenant_id)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->tenant_create(s, name, now, tenant_id));
}

int store_operator_tenant_exists(struct store *s, int64_t tenant_id)
{
    if (!tenant_ok(s, tenant_id)) return STORE_ERROR;
    return done(s, s->ops->tenant_exists(s, tenant_id));
}

int store_operator_apikey_revoke_all(struct store *s, int64_t tenant_id, int64_t now,
                                     int64_t *revoked)
{
    *revoked = 0;
    if (!tenant_ok(s, tenant_id)) return STORE_ERROR;
    return done(s, s->ops->apikey_revoke_all(s, tenant_id, now, revoked));
}

int store_operator_tenant_find(struct store *s, const char *name, int64_t *tenant_id)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->tenant_find(s, name, tenant_id));
}

int store_operator_user_add(struct store *s, int64_t tenant_id, const char *email,
                            const char *pw_hash, int role, int64_t now, int64_t *user_id)
{
    if (!tenant_ok(s, tenant_id)) return STORE_ERROR;
    return done(s, s->ops->user_add(s, tenant_id, email, pw_hash, role, now, user_id));
}

int store_operator_user_set_password(struct store *s, int64_t tenant_id, const char *email,
                                     const char *pw_hash)
{
    if (!tenant_ok(s, tenant_id)) return STORE_ERROR;
    return done(s, s->ops->user_set_password(s, tenant_id, email, pw_hash));
}

int store_operator_apikey_add(struct store *s, int64_t tenant_id, const unsigned char hash[32],
                              const char *name, int64_t now, int64_t *key_id)
{
    if (!tenant_ok(s, tenant_id)) return STORE_ERROR;
    return done(s, s->ops->apikey_add(s, tenant_id, hash, name, now, key_id));
}

int store_operator_apikey_revoke_named(struct store *s, int64_t tenant_id, const char *name,
                                       int64_t now)
{
    if (!tenant_ok(s, tenant_id)) return STORE_ERROR;
    return done(s, s->ops->apikey_revoke_named(s, tenant_id, name, now));
}

/* A switch is no tenant's data: refused inside any scoped transaction. */
int store_operator_killswitch_set(struct store *s, int64_t tenant_id, const char *feature,
                                  const char *reason, const char *set_by, int64_t now)
{
    if (s->in_tx && !s->operator_tx) {
        broken_invariant(s, "killswitch in a scoped tx", tenant_id);
        return STORE_ERROR;
    }
    return done(s, s->ops->killswitch_set(s, tenant_id, feature, reason, set_by, now));
}

int store_operator_killswitch_clear(struct store *s, int64_t tenant_id, const char *feature,
                                    int64_t now)
{
    if (s->in_tx && !s->operator_tx) {
        broken_invariant(s, "killswitch in a scoped tx", tenant_id);
        return STORE_ERROR;
    }
    return done(s, s->ops->killswitch_clear(s, tenant_id, feature, now));
}

int store_operator_killswitch_list(struct store *s, struct arena *a, struct killswitch_row **rows,
                                   size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->killswitch_list(s, a, rows, n));
}

/* The audit belongs to no tenant, but a record written inside a scoped
 * transaction says whose data it was; it may only name that tenant. */
int store_audit_append(struct store *s, const struct audit_record *recs, size_t n)
{
    if (!usable(s)) return STORE_ERROR;
    if (s->in_tx && !s->operator_tx) /* an operator's record may name any business */
        for (size_t i = 0; i < n; i++)
            if (!tenant_ok(s, recs[i].data_tenant)) return STORE_ERROR;
    if (n == 0) return STORE_OK;
    return done(s, s->ops->audit_append(s, recs, n));
}

int store_audit_append_journal(struct store *s, const struct audit_record *recs, size_t n,
                               const char *journal, int64_t offset)
{
    if (!usable(s) || s->in_tx) return STORE_ERROR;
    return done(s, s->ops->audit_append_journal(s, recs, n, journal, offset));
}

int store_audit_journal_offset(struct store *s, const char *journal, int64_t *offset)
{
    *offset = 0;
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->audit_journal_offset(s, journal, offset));
}

int store_audit_journal_forget(struct store *s, const char *journal)
{
    if (!usable(s) || s->in_tx) return STORE_ERROR;
    return done(s, s->ops->audit_journal_forget(s, journal));
}

int store_operator_audit_head(struct store *s, int64_t *seq, char hash[AUDIT_HASH_HEX])
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->audit_head(s, seq, hash));
}

int store_operator_audit_range(struct store *s, int64_t from_seq, size_t limit, struct arena *a,
                               struct audit_record **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->audit_range(s, from_seq, limit, a, rows, n));
}

/* Like a switch, a revocation may cover every tenant: never inside a scoped
 * transaction. */
int store_operator_sessions_revoke(struct store *s, int64_t tenant_id, int64_t *ended)
{
    *ended = 0;
    if (s->in_tx && !s->operator_tx) {
        broken_invariant(s, "sessions revoke in a scoped tx", tenant_id);
        return STORE_ERROR;
    }
    return done(s, s->ops->sessions_revoke(s, tenant_id, ended));
}

int store_operator_killswitch_set_revoking(struct store *s, int64_t tenant_id, const char *feature,
                                           const char *reason, const char *set_by, int64_t now,
                                           int64_t *ended)
{
    *ended = 0;
    if (s->in_tx && !s->operator_tx) {
        broken_invariant(s, "killswitch in a scoped tx", tenant_id);
        return STORE_ERROR;
    }
    return done(s,
                s->ops->killswitch_set_revoking(s, tenant_id, feature, reason, set_by, now, ended));
}

/* Operators: no tenant's data, so never inside a scoped transaction (whose
 * scope they could not honour). */
static bool unscoped(struct store *s, const char *what)
{
    if (!usable(s)) return false;
    if (s->in_tx) return broken_invariant(s, what, 0);
    return true;
}

int store_operator_account_add(struct store *s, const char *email, const char *pw_hash,
                               const char *totp_secret, int64_t now, int64_t *operator_id)
{
    if (!unscoped(s, "operator call in a scoped tx")) return STORE_ERROR;
    return done(s, s->ops->op_account_add(s, email, pw_hash, totp_secret, now, operator_id));
}

int store_operator_account_list(struct store *s, struct arena *a, struct operator_row **rows,
                                size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (!unscoped(s, "operator call in a scoped tx")) return STORE_ERROR;
    return done(s, s->ops->op_account_list(s, a, rows, n));
}

int store_operator_account_disable(struct store *s, const char *email, int64_t now, int64_t *id)
{
    *id = 0;
    if (!unscoped(s, "operator call in a scoped tx")) return STORE_ERROR;
    return done(s, s->ops->op_account_disable(s, email, now, id));
}

int store_directory_operator_login(struct store *s, const char *email, struct arena *a,
                                   struct operator_row *out)
{
    if (!unscoped(s, "operator call in a scoped tx")) return STORE_ERROR;
    return done(s, s->ops->op_login(s, email, a, out));
}

int store_directory_operator_step(struct store *s, int64_t operator_id, int64_t step)
{
    if (!unscoped(s, "operator call in a scoped tx")) return STORE_ERROR;
    return done(s, s->ops->op_step(s, operator_id, step));
}

int store_directory_operator_session_create(struct store *s, const unsigned char hash[32],
                                            int64_t operator_id, const char *csrf, int64_t now,
                                            int64_t expires)
{
    if (!unscoped(s, "operator call in a scoped tx")) return STORE_ERROR;
    return done(s, s->ops->op_session_create(s, hash, operator_id, csrf, now, expires));
}

int store_directory_operator_session(struct store *s, const unsigned char hash[32], int64_t now,
                                     int64_t idle_ms, int64_t *operator_id, const char **csrf,
                                     struct arena *a)
{
    if (!unscoped(s, "operator call in a scoped tx")) return STORE_ERROR;
    return done(s, s->ops->op_session(s, hash, now, idle_ms, operator_id, csrf, a));
}

int store_directory_operator_session_delete(struct store *s, const unsigned char hash[32])
{
    if (!unscoped(s, "operator call in a scoped tx")) return STORE_ERROR;
    return done(s, s->ops->op_session_delete(s, hash));
}

int store_operator_order_counts(struct store *s, struct arena *a, struct tenant_count_row **rows,
                                size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (!unscoped(s, "operator call in a scoped tx")) return STORE_ERROR;
    return done(s, s->ops->op_order_counts(s, a, rows, n));
}

int store_data_report_add(struct store *s, const struct scope *sc, int64_t user_id,
                          const char *page, const char *category, const char *details, int64_t now,
                          int64_t *report_id)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s,
                s->ops->data_report_add(s, sc, user_id, page, category, details, now, report_id));
}

int store_operator_data_reports(struct store *s, size_t limit, struct arena *a,
                                struct data_report_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (!unscoped(s, "operator call in a scoped tx")) return STORE_ERROR;
    return done(s, s->ops->op_data_reports(s, limit, a, rows, n));
}

int store_operator_data_report_handle(struct store *s, int64_t report_id, int64_t operator_id,
                                      int64_t now)
{
    if (!unscoped(s, "operator call in a scoped tx")) return STORE_ERROR;
    return done(s, s->ops->op_data_report_handle(s, report_id, operator_id, now));
}

int store_directory_apikey(struct store *s, const unsigned char hash[32], struct credential *out)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->dir_apikey(s, hash, out));
}

int store_directory_stamp(struct store *s, struct store_stamp *out)
{
    memset(out, 0, sizeof *out);
    if (!usable(s)) return STORE_ERROR;
    if (!s->ops->dir_stamp) return STORE_NOTFOUND;
    return done(s, s->ops->dir_stamp(s, out));
}

int store_directory_login(struct store *s, const char *email, struct arena *a,
                          struct credential *out, const char **pw_hash)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->dir_login(s, email, a, out, pw_hash));
}

int store_directory_session(struct store *s, const unsigned char hash[32], int64_t now,
                            int64_t idle_ms, struct credential *out, const char **csrf,
                            struct arena *a)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->dir_session(s, hash, now, idle_ms, out, csrf, a));
}

int store_directory_session_create(struct store *s, const unsigned char hash[32],
                                   const struct credential *p, const char *csrf, int64_t now,
                                   int64_t expires)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->dir_session_create(s, hash, p, csrf, now, expires));
}

int store_directory_session_delete(struct store *s, const unsigned char hash[32])
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->dir_session_delete(s, hash));
}

int store_directory_failures(struct store *s, const char *subject, int64_t since, int *count)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->dir_failures(s, subject, since, count));
}

int store_directory_failure_add(struct store *s, const char *subject, int64_t now)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->dir_failure_add(s, subject, now));
}

int store_orders_insert(struct store *s, const struct scope *sc, const struct order_new *orders,
                        size_t n, int64_t now, int64_t *ids_out, int64_t *tenants_out)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->orders_insert(s, sc, orders, n, now, ids_out, tenants_out));
}

int store_orders_get(struct store *s, const struct scope *sc, const struct order_key *keys,
                     size_t n, struct arena *a, struct order_row **rows, size_t *nrows)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->orders_get(s, sc, keys, n, a, rows, nrows));
}

int store_orders_page(struct store *s, const struct scope *sc, const struct order_page_query *q,
                      struct arena *a, struct order_row **rows, size_t *nrows)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->orders_page(s, sc, q, a, rows, nrows));
}

int store_order_delete(struct store *s, const struct scope *sc, int64_t order_id, int64_t now)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->order_delete(s, sc, order_id, now));
}

int store_order_set_status(struct store *s, const struct scope *sc, int64_t order_id,
                           const struct order_status_change *c)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->order_set_status(s, sc, order_id, c));
}

int store_tenant_name(struct store *s, const struct scope *sc, struct arena *a, const char **name)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->tenant_name(s, sc, a, name));
}

int store_user_email(struct store *s, const struct scope *sc, int64_t user_id, struct arena *a,
                     const char **email)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->user_email(s, sc, user_id, a, email));
}

int store_tenant_settings(struct store *s, const struct scope *sc, struct arena *a,
                          struct tenant_settings *out)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->tenant_settings(s, sc, a, out));
}

int store_operator_tenant_settings_set(struct store *s, int64_t tenant_id,
                                       const struct tenant_settings *in)
{
    if (!tenant_ok(s, tenant_id)) return STORE_ERROR;
    return done(s, s->ops->tenant_settings_set(s, tenant_id, in));
}

int store_s10_reserve(struct store *s, const char *prefix, int n, int64_t *first)
{
    if (!usable(s)) return STORE_ERROR;
    return done(s, s->ops->s10_reserve(s, prefix, n, first));
}

int store_order_apply_postage(struct store *s, const struct scope *sc, int64_t order_id,
                              const char *from_status, const struct postage *p, int64_t now)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->order_apply_postage(s, sc, order_id, from_status, p, now));
}

int store_orders_mark_printed(struct store *s, const struct scope *sc, const int64_t *ids, size_t n,
                              int64_t now)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->orders_mark_printed(s, sc, ids, n, now));
}

int store_manifest_create(struct store *s, const struct scope *sc, int64_t now, struct arena *a,
                          int64_t *manifest_no, struct order_row **rows, size_t *nrows)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->manifest_create(s, sc, now, a, manifest_no, rows, nrows));
}

int store_manifest_get(struct store *s, const struct scope *sc, int64_t manifest_no,
                       struct arena *a, int64_t *created_at, struct order_row **rows, size_t *nrows)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->manifest_get(s, sc, manifest_no, a, created_at, rows, nrows));
}

int store_return_insert(struct store *s, const struct scope *sc, const struct return_new *in,
                        int64_t now, int64_t *return_id, int64_t *linked_order)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->return_insert(s, sc, in, now, return_id, linked_order));
}

int store_return_get(struct store *s, const struct scope *sc, const char *tracking_number,
                     struct arena *a, struct return_row *out)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->return_get(s, sc, tracking_number, a, out));
}

int store_order_history(struct store *s, const struct scope *sc, int64_t order_id, struct arena *a,
                        struct order_event **events, size_t *n)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->order_history(s, sc, order_id, a, events, n));
}

int store_carriers(struct store *s, const struct scope *sc, size_t max, struct arena *a,
                   struct carrier_row **rows, size_t *n)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->carriers(s, sc, max, a, rows, n));
}

int store_senders_list(struct store *s, const struct scope *sc, struct arena *a,
                       struct sender_row **rows, size_t *n)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->senders_list(s, sc, a, rows, n));
}

int store_sender_get(struct store *s, const struct scope *sc, int64_t sender_id, struct arena *a,
                     struct sender_row *out)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->sender_get(s, sc, sender_id, a, out));
}

int store_sender_save(struct store *s, const struct scope *sc, const struct sender_row *in,
                      int64_t now, int64_t *sender_id)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->sender_save(s, sc, in, now, sender_id));
}

int store_sender_set_default(struct store *s, const struct scope *sc, int64_t sender_id)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->sender_set_default(s, sc, sender_id));
}

int store_sender_remove(struct store *s, const struct scope *sc, int64_t sender_id, int64_t now)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->sender_remove(s, sc, sender_id, now));
}

int store_order_edit(struct store *s, const struct scope *sc, int64_t order_id,
                     const struct order_new *o, int64_t now, const char *history_text)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->order_edit(s, sc, order_id, o, now, history_text));
}

/* The manifests page and the daily manifest (store_manifests.h), and the
 * dashboard (store_dashboard.h): issue 11. */
int store_manifests_eligible(struct store *s, const struct scope *sc, size_t limit, struct arena *a,
                             struct order_row **rows, size_t *n, int64_t *total)
{
    *rows = NULL;
    *n = 0;
    *total = 0;
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->manifests->eligible(s, sc, limit, a, rows, n, total));
}

int store_manifests_list(struct store *s, const struct scope *sc, size_t limit, struct arena *a,
                         struct manifest_summary **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->manifests->list(s, sc, limit, a, rows, n));
}

int store_manifest_daily_get(struct store *s, const struct scope *sc, struct arena *a,
                             struct manifest_daily *out)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->manifests->daily_get(s, sc, a, out));
}

int store_manifest_daily_set(struct store *s, const struct scope *sc, bool enabled, int minute,
                             bool working_days, int64_t now)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->manifests->daily_set(s, sc, enabled, minute, working_days, now));
}

int store_manifest_daily_claim(struct store *s, const struct scope *sc, const char *day, int minute,
                               int64_t now)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->manifests->daily_claim(s, sc, day, minute, now));
}

int store_manifest_daily_made(struct store *s, const struct scope *sc, int64_t manifest_no)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->manifests->daily_made(s, sc, manifest_no));
}

int store_operator_manifest_daily_pending(struct store *s, const char *day, size_t limit,
                                          struct arena *a, struct manifest_daily **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (!unscoped(s, "daily manifests in a scoped tx")) return STORE_ERROR;
    return done(s, s->ops->manifests->daily_pending(s, day, limit, a, rows, n));
}

int store_dashboard(struct store *s, const struct scope *sc, const int64_t *bounds, size_t ndays,
                    struct arena *a, struct dashboard_read *out)
{
    memset(out, 0, sizeof *out);
    if (ndays > DASHBOARD_MAX_DAYS) return STORE_ERROR;
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->dashboard->read(s, sc, bounds, ndays, a, out));
}

int store_orders_find(struct store *s, const struct scope *sc, const struct order_find *f,
                      struct arena *a, struct order_row **rows, size_t *nrows)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->orders_find(s, sc, f, a, rows, nrows));
}

int store_order_status_counts(struct store *s, const struct scope *sc, struct arena *a,
                              struct order_count_row **rows, size_t *n)
{
    if (!scoped(s, sc)) return STORE_ERROR;
    return done(s, s->ops->order_status_counts(s, sc, a, rows, n));
}
