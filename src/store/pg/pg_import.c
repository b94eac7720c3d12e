/* pg_import: import jobs in the PostgreSQL backend (migration 018), as
 * sqlite_import.c. Every statement binds the scope's tenant_id as $1 and
 * runs under the business's write lock when it writes, so a job's number
 * (the tenant's counter) and the swap's order ids cannot race. A chunk of
 * a file (about a thousand orders or problems) is one multi-row statement,
 * and the swap is one statement that moves the whole staging into orders. */
#include "store/pg/pg_internal.h"
#include "store/store_import.h"
#include "domain/audit.h"
#include "util/arena.h"
#include "util/buf.h"

#include <string.h>

static const char *const state_names[] = {[IMPORT_QUEUED] = "queued",
                                          [IMPORT_RUNNING] = "running",
                                          [IMPORT_DONE] = "done",
                                          [IMPORT_FAILED] = "failed"};

static enum import_job_state state_of(const char *t)
{
    for (int i = IMPORT_QUEUED; t && i <= IMPORT_FAILED; i++)
        if (!strcmp(t, state_names[i])) return (enum import_job_state)i;
    return IMPORT_FAILED;
}

static const char *num(struct arena *a, int64_t v)
{
    return arena_printf(a, "%lld", (long long)v);
}

/* 0 is "none" for the optional numbers, as SQLite's bind_i64_opt. */
static void arg_int_opt(struct pg_args *p, int64_t v)
{
    if (v)
        pg_arg_int(p, v);
    else
        pg_arg_text(p, NULL);
}

/* One statement as a write of its own (or a savepoint in the caller's). */
static int exec_scoped(struct store *base, const struct scope *sc, const char *where,
                       const char *sql, const struct pg_args *a, int64_t *changed)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    return pg_tx_end(c, pg_exec(c, where, sql, a, changed));
}

/* The job's number from the tenant's counter and its row, in one statement. */
static int p_create(struct store *base, const struct scope *sc, const struct import_job_row *in,
                    int64_t now, int64_t *job_id)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_text(&p, in->source);
    pg_arg_text(&p, in->format ? in->format : "auto");
    pg_arg_int(&p, in->skip_bad_rows);
    pg_arg_int(&p, in->skip_existing);
    pg_arg_int(&p, in->default_grams);
    pg_arg_text(&p, in->default_package);
    pg_arg_text(&p, in->file_path);
    pg_arg_int(&p, in->file_bytes);
    pg_arg_text(&p, in->principal_id);
    pg_arg_text(&p, in->request_id);
    pg_arg_int(&p, now);
    pg_arg_text(&p, in->runner);
    pg_arg_int(&p, in->lease_until);
    int rc;
    PGresult *r = pg_query(
        c, "import_job_create",
        "WITH id AS (UPDATE tenants SET next_import_job_id = next_import_job_id + 1 "
        "WHERE tenant_id = $1 RETURNING next_import_job_id - 1 AS job_id) "
        "INSERT INTO import_jobs(tenant_id, job_id, state, source, format, skip_bad_rows, "
        "skip_existing, default_grams, default_package, file_path, file_bytes, principal_id, "
        "request_id, created_at, runner, lease_until, attempts, started_at) "
        "SELECT $1, id.job_id, CASE WHEN $13::text IS NULL THEN 'queued' ELSE 'running' END, "
        "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::bigint, $13::text, "
        "CASE WHEN $13::text IS NULL THEN NULL ELSE $14::bigint END, "
        "CASE WHEN $13::text IS NULL THEN 0 ELSE 1 END, "
        "CASE WHEN $13::text IS NULL THEN NULL ELSE $12::bigint END FROM id RETURNING job_id",
        &p, &rc);
    if (r) {
        rc = PQntuples(r) == 1 ? STORE_OK : STORE_NOTFOUND;
        if (rc == STORE_OK) *job_id = pg_int(r, 0, 0);
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

#define JOB_COLS                                                                                   \
    "tenant_id, job_id, state, source, format, format_name, skip_bad_rows, skip_existing, "        \
    "default_grams, default_package, file_path, file_bytes, principal_id, request_id, runner, "    \
    "lease_until, attempts, bytes_read, rows_read, orders_staged, problems, left_out, "            \
    "orders_created, orders_held, first_order_id, last_order_id, outcome, message, created_at, "   \
    "started_at, finished_at"

static void read_job(const PGresult *r, struct arena *a, struct import_job_row *j)
{
    int c = 0;
    j->tenant_id = pg_int(r, 0, c++);
    j->job_id = pg_int(r, 0, c++);
    j->state = state_of(PQgetisnull(r, 0, c) ? NULL : PQgetvalue(r, 0, c));
    c++;
    j->source = pg_text(a, r, 0, c++);
    j->format = pg_text(a, r, 0, c++);
    j->format_name = pg_text(a, r, 0, c++);
    j->skip_bad_rows = pg_int(r, 0, c++) != 0;
    j->skip_existing = pg_int(r, 0, c++) != 0;
    j->default_grams = pg_int(r, 0, c++);
    j->default_package = pg_text(a, r, 0, c++);
    j->file_path = pg_text(a, r, 0, c++);
    j->file_bytes = pg_int(r, 0, c++);
    j->principal_id = pg_text(a, r, 0, c++);
    j->request_id = pg_text(a, r, 0, c++);
    j->runner = pg_text(a, r, 0, c++);
    int64_t *counters[] = {&j->lease_until,    &j->attempts,       &j->bytes_read,
                           &j->rows_read,      &j->orders_staged,  &j->problems,
                           &j->left_out,       &j->orders_created, &j->orders_held,
                           &j->first_order_id, &j->last_order_id};
    for (size_t i = 0; i < sizeof counters / sizeof *counters; i++)
        *counters[i] = pg_int(r, 0, c++);
    j->outcome = pg_text(a, r, 0, c++);
    j->message = pg_text(a, r, 0, c++);
    j->created_at = pg_int(r, 0, c++);
    j->started_at = pg_int(r, 0, c++);
    j->finished_at = pg_int(r, 0, c++);
}

static int p_get(struct store *base, const struct scope *sc, int64_t job_id, struct arena *a,
                 struct import_job_row *out)
{
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, job_id);
    int rc;
    PGresult *r = pg_query(
        c, "import_job_get",
        "SELECT " JOB_COLS " FROM import_jobs WHERE tenant_id = $1 AND job_id = $2", &p, &rc);
    if (r) {
        rc = PQntuples(r) == 1 ? STORE_OK : STORE_NOTFOUND;
        if (rc == STORE_OK) read_job(r, a, out);
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* The lease: one conditional UPDATE, under the business's write lock, so
 * of several servers trying at once exactly one changes the row; the
 * others find it running under another runner. What an earlier attempt
 * left (its staged orders, its problems) goes in the same statement, only
 * when the job was taken. */
static int p_take(struct store *base, const struct scope *sc, int64_t job_id,
                  const char *expect_runner, const char *runner, int64_t lease_until, int64_t now)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, job_id);
    pg_arg_text(&p, runner);
    pg_arg_int(&p, lease_until);
    pg_arg_int(&p, now);
    pg_arg_text(&p, expect_runner);
    int rc;
    PGresult *r = pg_query(
        c, "import_job_take",
        "WITH t AS (UPDATE import_jobs SET state = 'running', runner = $3, lease_until = $4, "
        "attempts = attempts + 1, started_at = COALESCE(started_at, $5), bytes_read = 0, "
        "rows_read = 0, orders_staged = 0, problems = 0, left_out = 0 "
        "WHERE tenant_id = $1 AND job_id = $2 AND (state = 'queued' OR (state = 'running' AND "
        "runner IS NOT DISTINCT FROM $6::text)) RETURNING job_id), "
        "s AS (DELETE FROM import_staged WHERE tenant_id = $1 AND job_id IN (SELECT job_id "
        "FROM t)), "
        "q AS (DELETE FROM import_problems WHERE tenant_id = $1 AND job_id IN (SELECT job_id "
        "FROM t)) "
        "SELECT count(*) FROM t",
        &p, &rc);
    if (r) {
        rc = pg_int(r, 0, 0) ? STORE_OK : STORE_CONFLICT;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

static void arg_counters(struct pg_args *a, const struct import_job_row *p)
{
    const int64_t v[] = {p->bytes_read, p->rows_read, p->orders_staged, p->problems, p->left_out};
    for (int i = 0; i < 5; i++)
        pg_arg_int(a, v[i]);
}

static int p_progress(struct store *base, const struct scope *sc, int64_t job_id,
                      const char *runner, const struct import_job_row *p, int64_t lease_until)
{
    struct pg_args a = {0};
    pg_arg_int(&a, sc->tenant_id);
    pg_arg_int(&a, job_id);
    pg_arg_text(&a, runner);
    arg_counters(&a, p);
    pg_arg_int(&a, lease_until);
    pg_arg_text(&a, p->format_name);
    int64_t changed = 0;
    int rc = exec_scoped(
        base, sc, "import_job_progress",
        "UPDATE import_jobs SET bytes_read = $4, rows_read = $5, orders_staged = $6, "
        "problems = $7, left_out = $8, lease_until = $9, format_name = COALESCE($10, format_name) "
        "WHERE tenant_id = $1 AND job_id = $2 AND state = 'running' AND runner = $3",
        &a, &changed);
    return rc == STORE_OK && !changed ? STORE_CONFLICT : rc;
}

static int p_finish(struct store *base, const struct scope *sc, int64_t job_id,
                    const struct import_job_row *p, int64_t now)
{
    struct pg_args a = {0};
    pg_arg_int(&a, sc->tenant_id);
    pg_arg_int(&a, job_id);
    pg_arg_text(&a, state_names[p->state == IMPORT_DONE ? IMPORT_DONE : IMPORT_FAILED]);
    arg_counters(&a, p);
    pg_arg_int(&a, p->orders_created);
    pg_arg_int(&a, p->orders_held);
    arg_int_opt(&a, p->first_order_id);
    arg_int_opt(&a, p->last_order_id);
    pg_arg_text(&a, p->outcome);
    pg_arg_text(&a, p->message);
    pg_arg_int(&a, now);
    pg_arg_text(&a, p->format_name);
    int64_t changed = 0;
    int rc = exec_scoped(
        base, sc, "import_job_finish",
        "UPDATE import_jobs SET state = $3, bytes_read = $4, rows_read = $5, orders_staged = $6, "
        "problems = $7, left_out = $8, orders_created = $9, orders_held = $10, "
        "first_order_id = $11, last_order_id = $12, outcome = $13, message = $14, "
        "finished_at = $15, lease_until = NULL, format_name = COALESCE($16, format_name) "
        "WHERE tenant_id = $1 AND job_id = $2 AND state IN ('queued', 'running')",
        &a, &changed);
    return rc == STORE_OK && !changed ? STORE_CONFLICT : rc;
}

/* ---- problems and staging: a chunk a statement ------------------------------- */

/* Rows of one multi-row statement: a chunk of a file is about a thousand,
 * and 500 rows of the staging's 11 parameters stay far under PostgreSQL's
 * 65,535. */
#define CHUNK_ROWS 500

/* Builds "INSERT ... VALUES" for k rows of ncols parameters each after the
 * first nfixed, each parameter cast as casts[i]. */
static const char *values_sql(struct arena *a, const char *head, const char *const *casts,
                              int ncols, int nfixed, const char *const *row_lead, size_t k)
{
    struct buf sql;
    buf_init(&sql, a);
    buf_adds(&sql, head);
    for (size_t i = 0; i < k; i++) {
        buf_adds(&sql, i ? ", (" : "(");
        for (int l = 0; row_lead[l]; l++)
            buf_adds(&sql, row_lead[l]);
        for (int j = 0; j < ncols; j++)
            buf_printf(&sql, "%s$%zu::%s", j ? ", " : "", (size_t)nfixed + 1 + i * ncols + j,
                       casts[j]);
        buf_adds(&sql, ")");
    }
    return buf_cstr(&sql);
}

static int p_problems_add(struct store *base, const struct scope *sc, int64_t job_id,
                          int64_t first_seq, const struct import_problem_row *rows, size_t n)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    static const char *const casts[] = {"bigint", "bigint", "text", "text"};
    static const char *const lead[] = {"$1, $2, ", NULL};
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < n; i += CHUNK_ROWS) {
        size_t k = n - i < CHUNK_ROWS ? n - i : CHUNK_ROWS;
        struct arena a;
        arena_init(&a);
        const char *sql = values_sql(&a,
                                     "INSERT INTO import_problems(tenant_id, job_id, seq, line, "
                                     "column_name, message) VALUES ",
                                     casts, 4, 2, lead, k);
        const char **v = arena_alloc(&a, (2 + k * 4) * sizeof *v);
        v[0] = num(&a, sc->tenant_id);
        v[1] = num(&a, job_id);
        for (size_t j = 0; j < k; j++) {
            const struct import_problem_row *pr = &rows[i + j];
            const char **w = v + 2 + j * 4;
            w[0] = num(&a, first_seq + (int64_t)(i + j));
            w[1] = num(&a, pr->line);
            w[2] = pr->column;
            w[3] = pr->message;
        }
        rc = pg_exec_many(c, "import_problem_add", sql, (int)(2 + k * 4), v, NULL);
        arena_free(&a);
    }
    return pg_tx_end(c, rc);
}

static int p_problems(struct store *base, const struct scope *sc, int64_t job_id, int64_t after_seq,
                      size_t limit, struct arena *a, struct import_problem_row **rows, size_t *n)
{
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, job_id);
    pg_arg_int(&p, after_seq);
    pg_arg_int(&p, (int64_t)limit);
    int rc;
    PGresult *r = pg_query(c, "import_problems",
                           "SELECT line, column_name, message FROM import_problems "
                           "WHERE tenant_id = $1 AND job_id = $2 AND seq > $3 "
                           "ORDER BY seq LIMIT $4",
                           &p, &rc);
    *rows = arena_alloc(a, (limit ? limit : 1) * sizeof **rows);
    if (r) {
        for (int i = 0; i < PQntuples(r) && *n < limit; i++) {
            struct import_problem_row *pr = &(*rows)[(*n)++];
            pr->line = pg_int(r, i, 0);
            pr->column = pg_text(a, r, i, 1);
            pr->message = pg_text(a, r, i, 2);
        }
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

#define STAGE_COLS 11

static int p_stage(struct store *base, const struct scope *sc, int64_t job_id,
                   const struct import_staged_row *rows, size_t n)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    static const char *const casts[STAGE_COLS] = {"bigint", "bigint", "text", "bigint",
                                                  "bigint", "text",   "text", "text",
                                                  "bigint", "text",   "text"};
    static const char *const lead[] = {"$1, $2, ", NULL};
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < n; i += CHUNK_ROWS) {
        size_t k = n - i < CHUNK_ROWS ? n - i : CHUNK_ROWS;
        struct arena a;
        arena_init(&a);
        const char *sql =
            values_sql(&a,
                       "INSERT INTO import_staged(tenant_id, job_id, seq, line, order_ref, "
                       "order_date, package_count, doc, channel, service_code, postage_pence, "
                       "tracking_number, history) VALUES ",
                       casts, STAGE_COLS, 2, lead, k);
        const char **v = arena_alloc(&a, (2 + k * STAGE_COLS) * sizeof *v);
        v[0] = num(&a, sc->tenant_id);
        v[1] = num(&a, job_id);
        for (size_t j = 0; j < k; j++) {
            const struct import_staged_row *s = &rows[i + j];
            const struct order_new *o = s->order;
            const struct postage *pp = o->postage; /* the postage columns stay NULL without */
            const char **w = v + 2 + j * STAGE_COLS;
            w[0] = num(&a, s->seq);
            w[1] = num(&a, s->line);
            w[2] = o->reference;
            w[3] = o->order_date ? num(&a, o->order_date) : NULL;
            w[4] = num(&a, o->package_count);
            w[5] = o->doc;
            w[6] = o->channel;
            w[7] = pp ? pp->service_code : NULL;
            w[8] = pp ? num(&a, pp->price_pence) : NULL;
            w[9] = pp ? pp->tracking_number : NULL;
            w[10] = s->history;
        }
        rc = pg_exec_many(c, "import_stage", sql, (int)(2 + k * STAGE_COLS), v, NULL);
        arena_free(&a);
    }
    return pg_tx_end(c, rc);
}

static int p_unstage(struct store *base, const struct scope *sc, int64_t job_id)
{
    struct pg_args a = {0};
    pg_arg_int(&a, sc->tenant_id);
    pg_arg_int(&a, job_id);
    return exec_scoped(base, sc, "import_unstage",
                       "DELETE FROM import_staged WHERE tenant_id = $1 AND job_id = $2", &a, NULL);
}

/* ---- the swap ------------------------------------------------------------------ */

/* The whole move as one statement ($1 tenant, $2 job, $3 now, $4 whether
 * to hold what the business has by now), every CTE reading the staging and
 * the orders as they were before it (one snapshot, under the write lock: an
 * upload racing this one has committed, or waits):
 *   held   the staged orders, with held_by (skip_existing) the order that
 *          already has the reference;
 *   stg    each with i, its rank from 0 in file order among those not
 *          held (a window, not a join: the staging has no statistics yet,
 *          and a join the planner guesses at one row is quadratic);
 *   src    those not held, as PG_ORDER_INSERT_CTES reads them;
 *   alloc  their dense ids from the tenant's counter (none when none);
 *   ins, trk, led  the orders, their S10 numbers and charges (pg_orders.c's);
 *   hist   the rule's history line;
 *   made   what each line made, created or held;
 *   gone   the staging emptied.
 * The orders' statement trigger (020) counts them in order_counts. */
static const char swap_sql[] =
    "WITH held AS (SELECT s.seq, s.line, s.order_ref, s.order_date, s.package_count, s.doc, "
    "s.channel, s.service_code, s.postage_pence, s.tracking_number, s.history, "
    "CASE WHEN $4::boolean AND s.order_ref IS NOT NULL THEN (SELECT MIN(o.order_id) "
    "FROM orders o WHERE o.tenant_id = $1 AND o.order_ref = s.order_ref) END AS held_by "
    "FROM import_staged s WHERE s.tenant_id = $1 AND s.job_id = $2), "
    "stg AS (SELECT held.*, CASE WHEN held_by IS NULL THEN count(*) FILTER (WHERE held_by IS "
    "NULL) OVER (ORDER BY seq ROWS UNBOUNDED PRECEDING) - 1 END AS i FROM held), "
    "src AS (SELECT i, history, order_ref AS ref, order_date AS odate, doc, package_count AS pc, "
    "service_code AS svc, postage_pence AS pence, tracking_number AS tn, channel AS chan "
    "FROM stg WHERE held_by IS NULL), "
    "cnt AS (SELECT count(*) AS n FROM src), "
    "alloc AS (UPDATE tenants SET next_order_id = next_order_id + cnt.n FROM cnt "
    "WHERE tenants.tenant_id = $1 AND cnt.n > 0 RETURNING next_order_id - cnt.n AS "
    "first), " PG_ORDER_INSERT_CTES ", "
    "hist AS (INSERT INTO order_history(tenant_id, order_id, event_id, at, kind, text) "
    "SELECT $1, alloc.first + src.i, 1, $3::bigint, 'postageApplied', src.history "
    "FROM src CROSS JOIN alloc WHERE src.history IS NOT NULL), "
    "made AS (INSERT INTO import_job_orders(tenant_id, job_id, line, order_id, held) "
    "SELECT $1, $2, stg.line, COALESCE(alloc.first + stg.i, stg.held_by), "
    "CASE WHEN stg.held_by IS NULL THEN 0 ELSE 1 END FROM stg LEFT JOIN alloc ON true "
    "WHERE COALESCE(alloc.first + stg.i, stg.held_by) IS NOT NULL), "
    "gone AS (DELETE FROM import_staged WHERE tenant_id = $1 AND job_id = $2) "
    "SELECT (SELECT n FROM cnt), (SELECT count(held_by) FROM stg), (SELECT first FROM alloc)";

/* The audit records of the orders the swap created. */
static int swap_audit(struct store *base, const struct scope *sc, const struct audit_actor *actor,
                      int64_t now, int64_t first, int64_t created)
{
    if (!actor || !created) return STORE_OK;
    struct arena a;
    arena_init(&a);
    int64_t *ids = arena_alloc(&a, (size_t)created * sizeof *ids);
    for (int64_t i = 0; i < created; i++)
        ids[i] = first + i;
    struct audit_record *recs;
    size_t n = audit_records_of_ids(&a, actor, now, sc->tenant_id, "order.create", "order", ids,
                                    (size_t)created, &recs);
    int rc = pg_audit_append(base, recs, n);
    arena_free(&a);
    return rc;
}

static int swap_move(struct pg_conn *c, const struct scope *sc, int64_t job_id, bool skip_existing,
                     int64_t now, int64_t *first, int64_t *created, int64_t *held)
{
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, job_id);
    pg_arg_int(&p, now);
    pg_arg_bool(&p, skip_existing);
    int rc;
    PGresult *r = pg_query(c, "import_swap", swap_sql, &p, &rc);
    /* a tracking number issued twice is a broken serial counter, not the
     * caller's conflict */
    if (!r) return STORE_ERROR;
    *created = pg_int(r, 0, 0);
    *held = pg_int(r, 0, 1);
    *first = pg_int(r, 0, 2);
    rc = *created && pg_isnull(r, 0, 2) ? STORE_NOTFOUND : STORE_OK;
    PQclear(r);
    return rc;
}

static int p_swap(struct store *base, const struct scope *sc, int64_t job_id, bool skip_existing,
                  int64_t now, const struct audit_actor *actor, struct import_job_row *p)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    int64_t first = 0, created = 0, held = 0;
    int rc = swap_move(c, sc, job_id, skip_existing, now, &first, &created, &held);
    if (rc == STORE_OK) rc = swap_audit(base, sc, actor, now, first, created);
    p->state = IMPORT_DONE;
    p->orders_created = created;
    p->orders_held = held;
    p->first_order_id = created ? first : 0;
    p->last_order_id = created ? first + created - 1 : 0;
    if (rc == STORE_OK) rc = p_finish(base, sc, job_id, p, now);
    return pg_tx_end(c, rc);
}

static int p_orders(struct store *base, const struct scope *sc, int64_t job_id, int64_t after_line,
                    size_t limit, struct arena *a, struct import_job_order_row **rows, size_t *n)
{
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, sc->tenant_id);
    pg_arg_int(&p, job_id);
    pg_arg_int(&p, after_line);
    pg_arg_int(&p, (int64_t)limit);
    int rc;
    PGresult *r = pg_query(
        c, "import_job_orders",
        "SELECT j.line, j.held, j.order_id, o.tenant_id, o.order_ref, o.status, "
        "o.tracking_number FROM import_job_orders j LEFT JOIN orders o ON o.tenant_id = "
        "j.tenant_id AND o.order_id = j.order_id WHERE j.tenant_id = $1 AND j.job_id = $2 AND "
        "j.line > $3 ORDER BY j.line, j.order_id LIMIT $4",
        &p, &rc);
    *rows = arena_alloc(a, (limit ? limit : 1) * sizeof **rows);
    if (r) {
        for (int i = 0; i < PQntuples(r) && *n < limit; i++) {
            struct import_job_order_row *o = &(*rows)[(*n)++];
            memset(o, 0, sizeof *o);
            o->line = pg_int(r, i, 0);
            o->held = pg_int(r, i, 1) != 0;
            o->order.order_id = pg_int(r, i, 2);
            /* 0 when the order is gone since (deleted): nothing of it is shown */
            o->order.tenant_id = pg_int(r, i, 3);
            o->order.reference = pg_text(a, r, i, 4);
            o->order.status = pg_text(a, r, i, 5);
            o->order.tracking_number = pg_text(a, r, i, 6);
        }
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* The workers' look across businesses, as the operator (rls.sql grants it
 * the columns read here and created_at, the order they are taken in). */
static int p_open(struct store *base, size_t limit, struct arena *a, struct import_job_open **rows,
                  size_t *n)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    struct pg_args p = {0};
    pg_arg_int(&p, (int64_t)limit);
    int rc;
    PGresult *r = pg_query(c, "import_jobs_open",
                           "SELECT tenant_id, job_id, state, runner, lease_until FROM import_jobs "
                           "WHERE state IN ('queued', 'running') ORDER BY created_at, tenant_id, "
                           "job_id LIMIT $1",
                           &p, &rc);
    *rows = arena_alloc(a, (limit ? limit : 1) * sizeof **rows);
    if (r) {
        for (int i = 0; i < PQntuples(r) && *n < limit; i++) {
            struct import_job_open *o = &(*rows)[(*n)++];
            o->tenant_id = pg_int(r, i, 0);
            o->job_id = pg_int(r, i, 1);
            o->state = state_of(PQgetvalue(r, i, 2));
            o->runner = pg_text(a, r, i, 3);
            o->lease_until = pg_int(r, i, 4);
        }
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

const struct store_import_ops pg_import_ops = {
    .create = p_create,
    .get = p_get,
    .take = p_take,
    .progress = p_progress,
    .finish = p_finish,
    .problems_add = p_problems_add,
    .problems = p_problems,
    .stage = p_stage,
    .unstage = p_unstage,
    .swap = p_swap,
    .orders = p_orders,
    .open = p_open,
};
