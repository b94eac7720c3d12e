/* pg_incident: the kill switch, bulk session revocation and the access
 * audit's chain in the PostgreSQL backend (sqlite_killswitch.c,
 * sqlite_sessions.c and sqlite_audit.c there).
 *
 * The switches and the revocations are the operator's: they cross tenants,
 * so they run on the operator connection. An audit append runs where the
 * write it records runs (the app connection, or the operator's inside an
 * operator's transaction) and takes the chain's advisory lock first, so
 * appends from every server make one chain in seq order: the head is read
 * and the records linked onto it while no one else can append. */
#include "store/pg/pg_internal.h"
#include "util/arena.h"

#include <stdio.h>
#include <string.h>

/* ---- kill switch ------------------------------------------------------------ */

static int killswitch_set_in(struct pg_conn *c, int64_t tenant_id, const char *feature,
                             const char *reason, const char *set_by, int64_t now)
{
    struct pg_args a = {0};
    pg_arg_int(&a, tenant_id);
    pg_arg_text(&a, feature);
    pg_arg_text(&a, reason);
    pg_arg_text(&a, set_by);
    pg_arg_int(&a, now);
    return pg_exec(c, "killswitch_set",
                   "INSERT INTO killswitches(tenant_id, feature, active, reason, set_by, set_at) "
                   "VALUES ($1, $2, 1, $3, $4, $5) ON CONFLICT (tenant_id, feature) DO UPDATE SET "
                   "active = 1, reason = excluded.reason, set_by = excluded.set_by, "
                   "set_at = excluded.set_at, cleared_at = NULL",
                   &a, NULL);
}

int pg_killswitch_set(struct store *base, int64_t tenant_id, const char *feature,
                      const char *reason, const char *set_by, int64_t now)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    return pg_tx_end(c, killswitch_set_in(c, tenant_id, feature, reason, set_by, now));
}

int pg_killswitch_clear(struct store *base, int64_t tenant_id, const char *feature, int64_t now)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, tenant_id);
    pg_arg_text(&a, feature);
    pg_arg_int(&a, now);
    int64_t changed = 0;
    int rc = pg_exec(c, "killswitch_clear",
                     "UPDATE killswitches SET active = 0, cleared_at = $3 "
                     "WHERE tenant_id = $1 AND feature = $2 AND active = 1",
                     &a, &changed);
    if (rc == STORE_OK && changed == 0) rc = STORE_NOTFOUND;
    return pg_tx_end(c, rc);
}

int pg_killswitch_list(struct store *base, struct arena *ar, struct killswitch_row **rows,
                       size_t *n)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    int rc;
    PGresult *r = pg_query(c, "killswitch_list",
                           "SELECT tenant_id, feature, reason, set_by, set_at FROM killswitches "
                           "WHERE active = 1 ORDER BY tenant_id, feature",
                           NULL, &rc);
    if (r) {
        int k = PQntuples(r);
        struct killswitch_row *out = pg_rows(ar, k, sizeof *out);
        for (int i = 0; i < k; i++) {
            out[i].tenant_id = pg_int(r, i, 0);
            out[i].feature = pg_text(ar, r, i, 1);
            out[i].reason = pg_text(ar, r, i, 2);
            out[i].set_by = pg_text(ar, r, i, 3);
            out[i].set_at = pg_int(r, i, 4);
        }
        *rows = out;
        *n = (size_t)k;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* ---- sessions ------------------------------------------------------------------ */

static int revoke_in(struct pg_conn *c, int64_t tenant_id, int64_t *ended)
{
    struct pg_args a = {0};
    if (tenant_id) pg_arg_int(&a, tenant_id);
    return pg_exec(c, "sessions_revoke",
                   tenant_id ? "DELETE FROM sessions WHERE tenant_id = $1" : "DELETE FROM sessions",
                   &a, ended);
}

int pg_sessions_revoke(struct store *base, int64_t tenant_id, int64_t *ended)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    int rc = pg_tx_end(c, revoke_in(c, tenant_id, ended));
    if (rc != STORE_OK) *ended = 0;
    return rc;
}

/* Both in one transaction: a failure of either leaves both undone. */
int pg_killswitch_set_revoking(struct store *base, int64_t tenant_id, const char *feature,
                               const char *reason, const char *set_by, int64_t now, int64_t *ended)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    int rc = killswitch_set_in(c, tenant_id, feature, reason, set_by, now);
    if (rc == STORE_OK) rc = revoke_in(c, tenant_id, ended);
    rc = pg_tx_end(c, rc);
    if (rc != STORE_OK) *ended = 0;
    return rc;
}

/* ---- the audit chain --------------------------------------------------------------- */

#define AUDIT_ROWS 64 /* rows of one multi-row insert: 11 parameters each */
#define AUDIT_COLS 11

/* Where an append runs: the operator's transaction, or the app connection
 * (joining a business's transaction when one is open). Either way under the
 * chain's lock. */
static struct pg_conn *audit_conn(struct pg_store *p)
{
    struct pg_conn *c = p->base.operator_tx ? pg_op(p) : pg_app(p);
    if (!c || pg_tx_begin(c, 0, PG_LOCK_AUDIT, true) != STORE_OK) return NULL;
    return c;
}

static int head_in(struct pg_conn *c, int64_t *seq, char hash[AUDIT_HASH_HEX])
{
    *seq = 0;
    memcpy(hash, audit_genesis, AUDIT_HASH_HEX);
    int rc;
    PGresult *r = pg_query(c, "audit_head", "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                           NULL, &rc);
    if (!r) return rc;
    rc = STORE_OK;
    if (PQntuples(r) == 1) {
        unsigned char b[AUDIT_HASH_BYTES];
        *seq = pg_int(r, 0, 0);
        if (!pg_bytes(r, 0, 1, b, sizeof b))
            rc =
                pg_fail(c, "audit_head length"); /* nothing is linked onto a head that is no hash */
        else
            audit_hash_hex(b, hash);
    }
    PQclear(r);
    return rc;
}

/* One multi-row INSERT of k linked records. Parameters are text, the
 * numbers formatted into the arena. */
static int insert_rows(struct pg_conn *c, const struct audit_record *r, size_t k)
{
    struct arena a;
    arena_init(&a);
    size_t np = k * AUDIT_COLS;
    const char **v = arena_alloc(&a, np * sizeof *v);
    char *sql = arena_alloc(&a, 160 + k * 80);
    size_t at = (size_t)sprintf(sql, "INSERT INTO audit(seq, time, server_id, request_id, "
                                     "principal_tenant, principal_id, data_tenant, action, "
                                     "objects, prev_hash, hash) VALUES ");
    for (size_t i = 0; i < k; i++) {
        const struct audit_record *x = &r[i];
        const char **p = v + i * AUDIT_COLS;
        p[0] = arena_printf(&a, "%lld", (long long)x->seq);
        p[1] = arena_printf(&a, "%lld", (long long)x->time);
        p[2] = x->server_id ? x->server_id : "";
        p[3] = x->request_id ? x->request_id : "";
        p[4] = arena_printf(&a, "%lld", (long long)x->principal_tenant);
        p[5] = x->principal_id ? x->principal_id : "";
        p[6] = arena_printf(&a, "%lld", (long long)x->data_tenant);
        p[7] = x->action ? x->action : "";
        p[8] = x->objects ? x->objects : "";
        /* the hashes kept as their 32 bytes (migration 017): bytea's hex input */
        p[9] = arena_printf(&a, "\\x%s", x->prev_hash);
        p[10] = arena_printf(&a, "\\x%s", x->hash);
        size_t b = i * AUDIT_COLS;
        at += (size_t)sprintf(
            sql + at, "%s($%zu,$%zu,$%zu,$%zu,$%zu,$%zu,$%zu,$%zu,$%zu,$%zu,$%zu)", i ? "," : "",
            b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9, b + 10, b + 11);
    }
    /* pg_args holds PG_MAX_ARGS; a batch needs more, so this one call goes
     * through libpq directly with the same conventions (pg_exec's). */
    int rc = pg_exec_many(c, "audit_insert", sql, (int)np, v, NULL);
    arena_free(&a);
    return rc;
}

static int chain_onto(struct pg_conn *c, const struct audit_record *recs, size_t n)
{
    struct audit_record r[AUDIT_ROWS];
    int64_t seq;
    char prev[AUDIT_HASH_HEX];
    int rc = head_in(c, &seq, prev);
    for (size_t i = 0; rc == STORE_OK && i < n; i += AUDIT_ROWS) {
        size_t k = n - i < AUDIT_ROWS ? n - i : AUDIT_ROWS;
        for (size_t j = 0; j < k; j++) {
            r[j] = recs[i + j];
            r[j].seq = ++seq;
            memcpy(r[j].prev_hash, prev, AUDIT_HASH_HEX);
            audit_hash(&r[j], prev, r[j].hash);
            memcpy(prev, r[j].hash, AUDIT_HASH_HEX);
        }
        rc = insert_rows(c, r, k);
    }
    return rc;
}

int pg_audit_append(struct store *base, const struct audit_record *recs, size_t n)
{
    struct pg_conn *c = audit_conn(P(base));
    if (!c) return STORE_ERROR;
    return pg_tx_end(c, chain_onto(c, recs, n));
}

int pg_audit_append_journal(struct store *base, const struct audit_record *recs, size_t n,
                            const char *journal, int64_t offset)
{
    struct pg_conn *c = audit_conn(P(base));
    if (!c) return STORE_ERROR;
    int rc = chain_onto(c, recs, n);
    if (rc == STORE_OK) {
        struct pg_args a = {0};
        pg_arg_text(&a, journal);
        pg_arg_int(&a, offset);
        rc = pg_exec(c, "audit_journal_set",
                     "INSERT INTO audit_journal(name, \"offset\") VALUES ($1, $2) "
                     "ON CONFLICT (name) DO UPDATE SET \"offset\" = excluded.\"offset\"",
                     &a, NULL);
    }
    return pg_tx_end(c, rc);
}

int pg_audit_journal_offset(struct store *base, const char *journal, int64_t *offset)
{
    struct pg_conn *c = pg_directory(P(base), false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_text(&a, journal);
    int rc;
    PGresult *r = pg_query(c, "audit_journal_get",
                           "SELECT \"offset\" FROM audit_journal WHERE name = $1", &a, &rc);
    if (r) {
        if (PQntuples(r) == 1) *offset = pg_int(r, 0, 0);
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

int pg_audit_journal_forget(struct store *base, const char *journal)
{
    struct pg_conn *c = pg_directory(P(base), true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_text(&a, journal);
    return pg_tx_end(
        c, pg_exec(c, "audit_journal_del", "DELETE FROM audit_journal WHERE name = $1", &a, NULL));
}

int pg_audit_head(struct store *base, int64_t *seq, char *hash)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    return pg_tx_end(c, head_in(c, seq, hash));
}

/* A hash column as hex, or `bad` (which no hash equals). */
static void column_hash(const PGresult *r, int row, int col, char out[AUDIT_HASH_HEX],
                        const char *bad)
{
    unsigned char b[AUDIT_HASH_BYTES];
    if (pg_bytes(r, row, col, b, sizeof b))
        audit_hash_hex(b, out);
    else
        snprintf(out, AUDIT_HASH_HEX, "%s", bad);
}

int pg_audit_range(struct store *base, int64_t from_seq, size_t limit, struct arena *ar,
                   struct audit_record **rows, size_t *n)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, from_seq);
    pg_arg_int(&a, (int64_t)limit);
    int rc;
    PGresult *r = pg_query(c, "audit_range",
                           "SELECT seq, time, server_id, request_id, principal_tenant, "
                           "principal_id, data_tenant, action, objects, prev_hash, hash FROM audit "
                           "WHERE seq >= $1 ORDER BY seq LIMIT $2",
                           &a, &rc);
    if (r) {
        int k = PQntuples(r);
        struct audit_record *out = pg_rows(ar, k, sizeof *out);
        for (int i = 0; i < k; i++) {
            struct audit_record *x = &out[i];
            x->seq = pg_int(r, i, 0);
            x->time = pg_int(r, i, 1);
            x->server_id = pg_text(ar, r, i, 2);
            x->request_id = pg_text(ar, r, i, 3);
            x->principal_tenant = pg_int(r, i, 4);
            x->principal_id = pg_text(ar, r, i, 5);
            x->data_tenant = pg_int(r, i, 6);
            x->action = pg_text(ar, r, i, 7);
            x->objects = pg_text(ar, r, i, 8);
            /* a hash edited into anything but 32 bytes reads as one that matches
             * nothing, and a bad prev_hash as nothing a bad hash matches either */
            column_hash(r, i, 9, x->prev_hash, "?prev_hash");
            column_hash(r, i, 10, x->hash, "?hash");
        }
        *rows = out;
        *n = (size_t)k;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}
