/* pg_conn: the PostgreSQL backend's connections, its transaction levels and
 * the one place statements are sent (pg_internal.h says why they are sent
 * the way they are). */
#include "store/pg/pg_internal.h"
#include "util/arena.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The roles the backend connects as: rls.sql grants to these names and
 * scripts/pg.sh (or whoever runs the cluster) makes them. */
#define ROLE_APP "postroom_app"
#define ROLE_OPERATOR "postroom_operator"
#define ROLE_OWNER "postroom_owner"

void pg_arg_int(struct pg_args *a, int64_t v)
{
    int i = a->n++;
    snprintf(a->num[i], sizeof a->num[i], "%lld", (long long)v);
    a->v[i] = a->num[i];
    a->len[i] = 0;
    a->fmt[i] = 0;
}

void pg_arg_text(struct pg_args *a, const char *v)
{
    int i = a->n++;
    a->v[i] = v;
    a->len[i] = 0;
    a->fmt[i] = 0;
}

void pg_arg_bytes(struct pg_args *a, const void *v, size_t n)
{
    int i = a->n++;
    a->v[i] = v;
    a->len[i] = (int)n;
    a->fmt[i] = 1;
}

void pg_arg_bool(struct pg_args *a, bool v)
{
    pg_arg_text(a, v ? "true" : "false");
}

/* Logs a failure with what the server said, by SQLSTATE only (its message
 * can quote a row's values). */
static void log_failure(struct pg_conn *c, const char *where, const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    char extra[192];
    snprintf(extra, sizeof extra, "\"where\":\"%s\",\"role\":\"%s\",\"sqlstate\":\"%s\"", where,
             c->role ? c->role : "",
             state                                       ? state
             : (c->c && PQstatus(c->c) != CONNECTION_OK) ? "connection"
                                                         : "none");
    log_json("error", "store failure", extra);
}

int pg_fail(struct pg_conn *c, const char *where)
{
    log_failure(c, where, NULL);
    return STORE_ERROR;
}

static int rc_of(const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    return state && state[0] == '2' && state[1] == '3' ? STORE_CONFLICT : STORE_ERROR;
}

static bool ok(const PGresult *r)
{
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* ---- connections -------------------------------------------------------- */

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static bool connect_as(struct pg_store *p, struct pg_conn *c, const char *role)
{
    if (c->c && PQstatus(c->c) == CONNECTION_OK) return true;
    if (c->c) PQfinish(c->c);
    /* Keywords after dbname override the URL's own (expand_dbname), so the
     * role is always ours whatever user the URL names. No "options": a
     * pooler (pgbouncer) refuses startup parameters it does not know. */
    const char *keys[] = {"dbname", "user", "application_name", "client_encoding", NULL};
    const char *vals[] = {p->url, role, "postroom", "UTF8", NULL};
    c->c = PQconnectdbParams(keys, vals, 1);
    /* Notices (rls.sql's "does not exist, skipping") are the server's
     * chatter, and can quote names: not for stderr. */
    if (c->c) PQsetNoticeProcessor(c->c, ignore_notice, NULL);
    c->role = role;
    c->depth = 0;
    c->now = (struct pg_txstate){0};
    pg_stmts_reset(&c->stmts); /* a new session has none of the old one's */
    c->stmts.off = c->stmts.off || p->pooled;
    if (!c->c || PQstatus(c->c) != CONNECTION_OK) {
        char extra[96];
        snprintf(extra, sizeof extra, "\"role\":\"%s\"", role);
        log_json("error", "cannot connect to PostgreSQL", extra);
        if (c->c) PQfinish(c->c);
        c->c = NULL;
        return false;
    }
    return true;
}

struct pg_conn *pg_app(struct pg_store *p)
{
    return connect_as(p, &p->app, ROLE_APP) ? &p->app : NULL;
}

struct pg_conn *pg_op(struct pg_store *p)
{
    return connect_as(p, &p->op, ROLE_OPERATOR) ? &p->op : NULL;
}

PGconn *pg_owner_connect(struct pg_store *p)
{
    struct pg_conn c = {0};
    if (!connect_as(p, &c, ROLE_OWNER)) return NULL;
    return c.c;
}

/* ---- sending ------------------------------------------------------------ */

static const char SQL_BEGIN[] = "BEGIN";
static const char SQL_BEGIN_READ[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
static const char SQL_SAVEPOINT[] = "SAVEPOINT call";
static const char SQL_SET_TENANT[] = "SELECT set_config('app.tenant_id', $1, true)";
static const char SQL_LOCK[] = "SELECT pg_advisory_xact_lock($1::bigint)";

static bool queue(struct pg_conn *c, const char *sql, int64_t arg)
{
    if (c->now.npending == PG_MAX_PENDING) return false;
    int i = c->now.npending++;
    c->pending[i].sql = sql;
    snprintf(c->pending[i].arg, sizeof c->pending[i].arg, "%lld", (long long)arg);
    return true;
}

/* Queues one statement in the pipeline: by name (prepared first, when it
 * is new to the connection) or unnamed. *sent counts the results to read. */
static bool send_one(struct pg_conn *c, const char *sql, int nargs, const char *const *v,
                     const int *len, const int *fmt, int *sent, bool *prepared)
{
    char name[PG_STMT_NAME];
    bool fresh;
    if (!pg_stmts_name(&c->stmts, sql, name, &fresh)) {
        if (PQsendQueryParams(c->c, sql, nargs, NULL, v, len, fmt, 0) != 1) return false;
        (*sent)++;
        return true;
    }
    if (fresh) {
        *prepared = true;
        if (PQsendPrepare(c->c, name, sql, 0, NULL) != 1) return false;
        (*sent)++;
    }
    if (PQsendQueryPrepared(c->c, name, nargs, v, len, fmt, 0) != 1) return false;
    (*sent)++;
    return true;
}

/* After a failed pipeline that prepared something: which of its
 * preparations the server kept is unknown, so the table starts again (new
 * names; the server's copies are the session's until it ends). A server
 * that does not know a statement by its name, or already knows a new name
 * (the tag makes names the connection's own), is a pooler handing this
 * connection's transactions to other sessions: everything unnamed from now
 * on. A cached plan whose result changed (a migration by another server)
 * is planned afresh. */
static void after_failure(struct pg_conn *c, const PGresult *bad, bool prepared)
{
    const char *state = bad ? PQresultErrorField(bad, PG_DIAG_SQLSTATE) : NULL;
    if (state && (strcmp(state, "26000") == 0 || strcmp(state, "42P05") == 0) && !c->stmts.off) {
        c->stmts.off = true;
        log_warn("PostgreSQL lost a prepared statement: a pooler in transaction mode? "
                 "(POSTROOM_PG_POOLING=transaction); sending statements unnamed");
        prepared = true;
    }
    if (prepared || (state && strcmp(state, "0A000") == 0)) pg_stmts_reset(&c->stmts);
}

/* Sends the queued statements and then sql, in one pipeline, and reads
 * their results: the last one's is returned (NULL if any failed). */
static PGresult *send_pipeline(struct pg_conn *c, const char *where, const char *sql, int nargs,
                               const char *const *v, const int *len, const int *fmt, int *rcp)
{
    PGconn *pc = c->c;
    int sent = 0, n = c->now.npending;
    bool prepared = false;
    bool good = PQenterPipelineMode(pc) == 1;
    for (int i = 0; good && i < n; i++) {
        const char *arg = c->pending[i].arg;
        bool has = strchr(c->pending[i].sql, '$') != NULL;
        good = send_one(c, c->pending[i].sql, has ? 1 : 0, has ? &arg : NULL, NULL, NULL, &sent,
                        &prepared);
    }
    if (good) good = send_one(c, sql, nargs, v, len, fmt, &sent, &prepared);
    c->now.npending = 0;
    bool synced = PQpipelineSync(pc) == 1;
    good = good && synced;
    PGresult *last = NULL, *bad = NULL;
    for (int i = 0; i < sent; i++) {
        PGresult *r = PQgetResult(pc);
        if (!ok(r)) {
            if (!bad && r && PQresultStatus(r) != PGRES_PIPELINE_ABORTED) {
                bad = r;
                r = NULL;
            }
            good = false;
        } else if (i == sent - 1 && good) {
            last = r;
            r = NULL;
        }
        PQclear(r);
        while ((r = PQgetResult(pc)) != NULL) /* to the NULL that ends each statement's */
            PQclear(r);
    }
    /* ... then the sync's own result, and out of pipeline mode. */
    for (int guard = 0; synced && guard < 8; guard++) {
        PGresult *r = PQgetResult(pc);
        if (!r) continue;
        bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
        if (sync) break;
    }
    if (PQexitPipelineMode(pc) != 1) good = false;
    if (!good) {
        log_failure(c, where, bad);
        after_failure(c, bad, prepared);
        if (rcp) *rcp = rc_of(bad);
        PQclear(bad);
        PQclear(last);
        return NULL;
    }
    return last;
}

PGresult *pg_query_v(struct pg_conn *c, const char *where, const char *sql, int nargs,
                     const char *const *v, const int *len, const int *fmt, int *rcp)
{
    if (rcp) *rcp = STORE_ERROR;
    if (!c || !c->c) return NULL;
    if (c->now.npending || !c->stmts.off)
        return send_pipeline(c, where, sql, nargs, v, len, fmt, rcp);
    PGresult *r = PQexecParams(c->c, sql, nargs, NULL, v, len, fmt, 0);
    if (ok(r)) return r;
    log_failure(c, where, r);
    if (rcp) *rcp = rc_of(r);
    PQclear(r);
    return NULL;
}

PGresult *pg_query(struct pg_conn *c, const char *where, const char *sql, const struct pg_args *a,
                   int *rcp)
{
    if (!a) return pg_query_v(c, where, sql, 0, NULL, NULL, NULL, rcp);
    return pg_query_v(c, where, sql, a->n, a->v, a->len, a->fmt, rcp);
}

int pg_exec_many(struct pg_conn *c, const char *where, const char *sql, int nargs,
                 const char *const *v, int64_t *changed)
{
    int rc;
    PGresult *r = pg_query_v(c, where, sql, nargs, v, NULL, NULL, &rc);
    if (!r) return rc;
    if (changed) *changed = strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return STORE_OK;
}

int pg_exec(struct pg_conn *c, const char *where, const char *sql, const struct pg_args *a,
            int64_t *changed)
{
    int rc;
    PGresult *r = pg_query(c, where, sql, a, &rc);
    if (!r) return rc;
    if (changed) *changed = strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return STORE_OK;
}

/* A statement of the transaction's own (COMMIT, RELEASE, ...): STORE_OK
 * only if the server did it. A COMMIT of a transaction a failed statement
 * aborted answers ROLLBACK without an error: that is a failure here. */
static int tx_statement(struct pg_conn *c, const char *sql)
{
    if (!c->c) return STORE_ERROR;
    PGresult *r = PQexec(c->c, sql);
    bool good = ok(r) && !(strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(r), "COMMIT") != 0);
    if (!good) log_failure(c, "transaction", r);
    PQclear(r);
    return good ? STORE_OK : STORE_ERROR;
}

/* ---- transaction levels ------------------------------------------------- */

int pg_tx_begin(struct pg_conn *c, int64_t tenant, int64_t lock_key, bool write)
{
    if (!c || !c->c) return STORE_ERROR;
    if (c->depth == PG_MAX_LEVELS) return pg_fail(c, "transaction levels");
    struct pg_txstate before = c->now;
    enum pg_level lv = !c->now.in_tx ? PG_OWN : write ? PG_SAVEPOINT : PG_JOINED;
    bool good = true;
    if (lv == PG_OWN) {
        good = queue(c, write ? SQL_BEGIN : SQL_BEGIN_READ, 0);
        c->now.in_tx = true;
    } else if (lv == PG_SAVEPOINT) {
        good = queue(c, SQL_SAVEPOINT, 0);
    }
    if (good && tenant > 0 && tenant != c->now.tenant) {
        good = queue(c, SQL_SET_TENANT, tenant);
        c->now.tenant = tenant;
    }
    if (good && write && lock_key != 0 && lock_key != c->now.locked) {
        good = queue(c, SQL_LOCK, lock_key);
        c->now.locked = lock_key;
    }
    if (!good) {
        c->now = before;
        return pg_fail(c, "transaction queue");
    }
    c->level[c->depth].lv = lv;
    c->level[c->depth].before = before;
    c->depth++;
    return STORE_OK;
}

/* Undoes the innermost level's writes on the server. */
static int tx_undo(struct pg_conn *c, enum pg_level lv)
{
    switch (lv) {
    case PG_OWN:
        return tx_statement(c, "ROLLBACK");
    case PG_SAVEPOINT:
        if (tx_statement(c, "ROLLBACK TO SAVEPOINT call") != STORE_OK) return STORE_ERROR;
        return tx_statement(c, "RELEASE SAVEPOINT call");
    case PG_JOINED:
        break;
    }
    return STORE_OK;
}

int pg_tx_end(struct pg_conn *c, int rc)
{
    if (!c || c->depth == 0) {
        log_json("error", "store failure", "\"where\":\"transaction end without begin\"");
        return STORE_ERROR;
    }
    c->depth--;
    enum pg_level lv = c->level[c->depth].lv;
    struct pg_txstate before = c->level[c->depth].before;
    if (c->now.npending > before.npending || !c->c) {
        /* Nothing of this level reached the server: forget what it queued. */
        c->now = before;
        return c->c ? rc : STORE_ERROR;
    }
    if (lv == PG_OWN) {
        c->now = before; /* no transaction, no tenant, no lock, whatever happens */
        if (rc == STORE_OK) {
            if (PQtransactionStatus(c->c) == PQTRANS_INERROR) {
                tx_statement(c, "ROLLBACK");
                return pg_fail(c, "commit of a failed transaction");
            }
            return tx_statement(c, "COMMIT");
        }
        return tx_undo(c, lv) == STORE_OK ? rc : STORE_ERROR;
    }
    if (rc == STORE_OK && lv == PG_SAVEPOINT) {
        if (PQtransactionStatus(c->c) == PQTRANS_INERROR) {
            rc = STORE_ERROR; /* a statement failed inside: undo the level */
        } else if (tx_statement(c, "RELEASE SAVEPOINT call") == STORE_OK) {
            return STORE_OK;
        } else {
            rc = STORE_ERROR;
        }
    }
    if (rc != STORE_OK && tx_undo(c, lv) != STORE_OK) return STORE_ERROR;
    /* A joined read that set another tenant leaves it set: the transaction
     * is the caller's, and the next scoped call sets its own. */
    return rc;
}

int pg_snapshot_begin(struct pg_conn *c)
{
    if (!c || !c->c) return STORE_ERROR;
    if (c->now.in_tx || c->depth) return pg_fail(c, "snapshot inside a transaction");
    c->before_snapshot = c->now;
    if (!queue(c, SQL_BEGIN, 0)) return pg_fail(c, "transaction queue");
    c->now.in_tx = true;
    c->snapshot = true;
    return STORE_OK;
}

int pg_snapshot_end(struct pg_conn *c)
{
    if (!c || !c->snapshot) return STORE_OK;
    c->snapshot = false;
    if (c->depth) return pg_fail(c, "snapshot end inside a transaction");
    bool sent = c->now.npending <= c->before_snapshot.npending;
    c->now = c->before_snapshot;
    if (!sent || !c->c) return c->c ? STORE_OK : STORE_ERROR;
    if (PQtransactionStatus(c->c) == PQTRANS_INERROR) {
        tx_statement(c, "ROLLBACK");
        return pg_fail(c, "commit of a failed snapshot");
    }
    return tx_statement(c, "COMMIT");
}

/* ---- the usual openings --------------------------------------------------- */

struct pg_conn *pg_scoped(struct pg_store *p, const struct scope *sc, bool write)
{
    struct pg_conn *c = pg_app(p);
    if (!c || pg_tx_begin(c, sc->tenant_id, sc->tenant_id, write) != STORE_OK) return NULL;
    return c;
}

struct pg_conn *pg_directory(struct pg_store *p, bool write)
{
    struct pg_conn *c = pg_app(p);
    if (!c || pg_tx_begin(c, 0, 0, write) != STORE_OK) return NULL;
    return c;
}

struct pg_conn *pg_operator(struct pg_store *p, int64_t lock_key, bool write)
{
    struct pg_conn *c = pg_op(p);
    if (!c || pg_tx_begin(c, 0, lock_key, write) != STORE_OK) return NULL;
    return c;
}

/* ---- reading results ------------------------------------------------------ */

int64_t pg_int(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

bool pg_isnull(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) != 0;
}

const char *pg_text(struct arena *a, const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col)) return NULL;
    return arena_strndup(a, PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

void *pg_rows(struct arena *a, int k, size_t size)
{
    return arena_alloc(a, (size_t)(k ? k : 1) * size);
}

bool pg_bool(const PGresult *r, int row, int col)
{
    return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* bytea in text results is "\x" and two hex digits a byte (bytea_output
 * hex, PostgreSQL's default since 9.0). */
static bool unhex(const char *t, size_t len, unsigned char *out)
{
    for (size_t i = 0; i < len; i++) {
        int hi = hexval(t[2 * i]), lo = hexval(t[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}

bool pg_bytes(const PGresult *r, int row, int col, unsigned char *out, size_t n)
{
    if (PQgetisnull(r, row, col)) return false;
    const char *t = PQgetvalue(r, row, col);
    size_t len = (size_t)PQgetlength(r, row, col);
    if (len != 2 + 2 * n || t[0] != '\\' || t[1] != 'x') return false;
    return unhex(t + 2, n, out);
}

unsigned char *pg_bytes_any(struct arena *a, const PGresult *r, int row, int col, size_t *n)
{
    *n = 0;
    if (PQgetisnull(r, row, col)) return NULL;
    const char *t = PQgetvalue(r, row, col);
    size_t len = (size_t)PQgetlength(r, row, col);
    if (len < 2 || t[0] != '\\' || t[1] != 'x' || len % 2) return NULL;
    unsigned char *out = arena_alloc(a, (len - 2) / 2 + 1);
    if (!unhex(t + 2, (len - 2) / 2, out)) return NULL;
    *n = (len - 2) / 2;
    return out;
}
