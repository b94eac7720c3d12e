/* sqlite_sessions: revoking web sessions in bulk, for one tenant or for all,
 * on its own or together with turning a kill switch on. */
#include "store/sqlite/sqlite_internal.h"

static const char *const sql_text[Q_COUNT] = {
    [Q_SESSIONS_REVOKE_ALL] = "DELETE FROM sessions",
    /* sessions_by_user leads with tenant_id */
    [Q_SESSIONS_REVOKE_TENANT] = "DELETE FROM sessions WHERE tenant_id = ?1",
};

/* Within a write transaction: deletes the sessions, counting them. */
static int revoke(struct sqlite_store *s, int64_t tenant_id, int64_t *ended)
{
    sqlite3_stmt *st =
        tenant_id ? sq_stmt(s, Q_SESSIONS_REVOKE_TENANT, sql_text[Q_SESSIONS_REVOKE_TENANT])
                  : sq_stmt(s, Q_SESSIONS_REVOKE_ALL, sql_text[Q_SESSIONS_REVOKE_ALL]);
    if (!st) return STORE_ERROR;
    if (tenant_id) sqlite3_bind_int64(st, 1, tenant_id);
    int rc = sq_exec(s, st, "sessions_revoke");
    if (rc == STORE_OK) *ended = sqlite3_changes64(s->db);
    return rc;
}

int sq_sessions_revoke(struct store *base, int64_t tenant_id, int64_t *ended)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int rc = revoke(s, tenant_id, ended);
    rc = sq_tx_end(s, rc);
    if (rc != STORE_OK) *ended = 0;
    return rc;
}

/* The switch is set first, inside the same transaction (sq_killswitch_set
 * takes a savepoint in it), so a failure of either leaves both undone. */
int sq_killswitch_set_revoking(struct store *base, int64_t tenant_id, const char *feature,
                               const char *reason, const char *set_by, int64_t now, int64_t *ended)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int rc = sq_killswitch_set(base, tenant_id, feature, reason, set_by, now);
    if (rc == STORE_OK) rc = revoke(s, tenant_id, ended);
    rc = sq_tx_end(s, rc);
    if (rc != STORE_OK) *ended = 0;
    return rc;
}
