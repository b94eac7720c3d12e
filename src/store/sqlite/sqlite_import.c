/* sqlite_import: import jobs in the SQLite backend (migration 018). Every
 * statement binds the scope's tenant_id as ?1. A job's calls come once per
 * chunk of a file (about a thousand orders), so their statements are
 * prepared per call and finalized, holding no slot in the connection's
 * statement cache. */
#include "store/sqlite/sqlite_internal.h"
#include "store/store_import.h"
#include "domain/audit.h"

#include <stdio.h>

#include <string.h>

static const char *const state_names[] = {[IMPORT_QUEUED] = "queued",
                                          [IMPORT_RUNNING] = "running",
                                          [IMPORT_DONE] = "done",
                                          [IMPORT_FAILED] = "failed"};

static enum import_job_state state_of(const unsigned char *t)
{
    for (int i = IMPORT_QUEUED; t && i <= IMPORT_FAILED; i++)
        if (!strcmp((const char *)t, state_names[i])) return (enum import_job_state)i;
    return IMPORT_FAILED;
}

static void bind_i64_opt(sqlite3_stmt *st, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* One write of its own (or a savepoint inside the caller's transaction). */
static int run_tx(struct sqlite_store *s, sqlite3_stmt *st, const char *where, int64_t *changed)
{
    if (!st) return STORE_ERROR;
    if (sq_tx_begin(s, true) != STORE_OK) {
        sqlite3_finalize(st);
        return STORE_ERROR;
    }
    return sq_tx_end(s, sq_run(s, st, where, changed));
}

static int s_create(struct store *base, const struct scope *sc, const struct import_job_row *in,
                    int64_t now, int64_t *job_id)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = sq_prepare(s, "import_job_id",
                                  "UPDATE tenants SET next_import_job_id = next_import_job_id + 1 "
                                  "WHERE tenant_id = ?1 RETURNING next_import_job_id - 1");
    int rc = STORE_ERROR;
    if (!st) goto done;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) *job_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (step != SQLITE_ROW) {
        rc = step == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "import_job_id");
        goto done;
    }
    st = sq_prepare(s, "import_job_create",
                    "INSERT INTO import_jobs(tenant_id, job_id, state, source, format, "
                    "skip_bad_rows, skip_existing, default_grams, default_package, file_path, "
                    "file_bytes, principal_id, request_id, created_at, runner, lease_until, "
                    "attempts, started_at) VALUES (?1, ?2, CASE WHEN ?14 IS NULL THEN 'queued' "
                    "ELSE 'running' END, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                    "CASE WHEN ?14 IS NULL THEN NULL ELSE ?15 END, ?14 IS NOT NULL, "
                    "CASE WHEN ?14 IS NULL THEN NULL ELSE ?13 END)");
    if (!st) goto done;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, *job_id);
    sqlite3_bind_text(st, 3, in->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, in->format ? in->format : "auto", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, in->skip_bad_rows);
    sqlite3_bind_int(st, 6, in->skip_existing);
    sqlite3_bind_int64(st, 7, in->default_grams);
    sq_bind_text_opt(st, 8, in->default_package);
    sq_bind_text_opt(st, 9, in->file_path);
    sqlite3_bind_int64(st, 10, in->file_bytes);
    sqlite3_bind_text(st, 11, in->principal_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, in->request_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 13, now);
    sq_bind_text_opt(st, 14, in->runner);
    sqlite3_bind_int64(st, 15, in->lease_until);
    rc = sq_run(s, st, "import_job_create", NULL);
done:
    return sq_tx_end(s, rc);
}

#define JOB_COLS                                                                                   \
    "tenant_id, job_id, state, source, format, format_name, skip_bad_rows, skip_existing, "        \
    "default_grams, default_package, file_path, file_bytes, principal_id, request_id, runner, "    \
    "lease_until, attempts, bytes_read, rows_read, orders_staged, problems, left_out, "            \
    "orders_created, orders_held, first_order_id, last_order_id, outcome, message, created_at, "   \
    "started_at, finished_at"

static void read_job(sqlite3_stmt *st, struct arena *a, struct import_job_row *j)
{
    int c = 0;
    j->tenant_id = sqlite3_column_int64(st, c++);
    j->job_id = sqlite3_column_int64(st, c++);
    j->state = state_of(sqlite3_column_text(st, c++));
    j->source = sq_col_text(a, st, c++);
    j->format = sq_col_text(a, st, c++);
    j->format_name = sq_col_text(a, st, c++);
    j->skip_bad_rows = sqlite3_column_int(st, c++) != 0;
    j->skip_existing = sqlite3_column_int(st, c++) != 0;
    j->default_grams = sqlite3_column_int64(st, c++);
    j->default_package = sq_col_text(a, st, c++);
    j->file_path = sq_col_text(a, st, c++);
    j->file_bytes = sqlite3_column_int64(st, c++);
    j->principal_id = sq_col_text(a, st, c++);
    j->request_id = sq_col_text(a, st, c++);
    j->runner = sq_col_text(a, st, c++);
    int64_t *counters[] = {&j->lease_until,    &j->attempts,       &j->bytes_read,
                           &j->rows_read,      &j->orders_staged,  &j->problems,
                           &j->left_out,       &j->orders_created, &j->orders_held,
                           &j->first_order_id, &j->last_order_id};
    for (size_t i = 0; i < sizeof counters / sizeof *counters; i++)
        *counters[i] = sqlite3_column_int64(st, c++);
    j->outcome = sq_col_text(a, st, c++);
    j->message = sq_col_text(a, st, c++);
    j->created_at = sqlite3_column_int64(st, c++);
    j->started_at = sqlite3_column_int64(st, c++);
    j->finished_at = sqlite3_column_int64(st, c++);
}

static int s_get(struct store *base, const struct scope *sc, int64_t job_id, struct arena *a,
                 struct import_job_row *out)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st =
        sq_prepare(s, "import_job_get",
                   "SELECT " JOB_COLS " FROM import_jobs WHERE tenant_id = ?1 AND job_id = ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, job_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) read_job(st, a, out);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "import_job_get");
}

static int s_take(struct store *base, const struct scope *sc, int64_t job_id,
                  const char *expect_runner, const char *runner, int64_t lease_until, int64_t now)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = sq_prepare(
        s, "import_job_take",
        "UPDATE import_jobs SET state = 'running', runner = ?3, lease_until = ?4, "
        "attempts = attempts + 1, started_at = COALESCE(started_at, ?5), bytes_read = 0, "
        "rows_read = 0, orders_staged = 0, problems = 0, left_out = 0 "
        "WHERE tenant_id = ?1 AND job_id = ?2 AND (state = 'queued' OR (state = 'running' AND "
        "runner IS ?6))");
    int64_t changed = 0;
    int rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, job_id);
        sqlite3_bind_text(st, 3, runner, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, lease_until);
        sqlite3_bind_int64(st, 5, now);
        sq_bind_text_opt(st, 6, expect_runner);
        rc = sq_run(s, st, "import_job_take", &changed);
    }
    if (rc == STORE_OK && !changed) rc = STORE_CONFLICT;
    /* what an earlier attempt left: its staged orders and its problems */
    static const char *const clear[] = {
        "DELETE FROM import_staged WHERE tenant_id = ?1 AND job_id = ?2",
        "DELETE FROM import_problems WHERE tenant_id = ?1 AND job_id = ?2"};
    for (size_t i = 0; rc == STORE_OK && i < 2; i++) {
        st = sq_prepare(s, "import_job_clear", clear[i]);
        if (!st) {
            rc = STORE_ERROR;
            break;
        }
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, job_id);
        rc = sq_run(s, st, "import_job_clear", NULL);
    }
    return sq_tx_end(s, rc);
}

static void bind_counters(sqlite3_stmt *st, int from, const struct import_job_row *p)
{
    const int64_t v[] = {p->bytes_read, p->rows_read, p->orders_staged, p->problems, p->left_out};
    for (int i = 0; i < 5; i++)
        sqlite3_bind_int64(st, from + i, v[i]);
}

static int s_progress(struct store *base, const struct scope *sc, int64_t job_id,
                      const char *runner, const struct import_job_row *p, int64_t lease_until)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(
        s, "import_job_progress",
        "UPDATE import_jobs SET bytes_read = ?4, rows_read = ?5, orders_staged = ?6, "
        "problems = ?7, left_out = ?8, lease_until = ?9, format_name = COALESCE(?10, format_name) "
        "WHERE tenant_id = ?1 AND job_id = ?2 AND state = 'running' AND runner = ?3");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, job_id);
    sqlite3_bind_text(st, 3, runner, -1, SQLITE_STATIC);
    bind_counters(st, 4, p);
    sqlite3_bind_int64(st, 9, lease_until);
    sq_bind_text_opt(st, 10, p->format_name);
    int64_t changed = 0;
    int rc = run_tx(s, st, "import_job_progress", &changed);
    return rc == STORE_OK && !changed ? STORE_CONFLICT : rc;
}

static int s_finish(struct store *base, const struct scope *sc, int64_t job_id,
                    const struct import_job_row *p, int64_t now)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(
        s, "import_job_finish",
        "UPDATE import_jobs SET state = ?3, bytes_read = ?4, rows_read = ?5, orders_staged = ?6, "
        "problems = ?7, left_out = ?8, orders_created = ?9, orders_held = ?10, "
        "first_order_id = ?11, last_order_id = ?12, outcome = ?13, message = ?14, "
        "finished_at = ?15, lease_until = NULL, format_name = COALESCE(?16, format_name) "
        "WHERE tenant_id = ?1 AND job_id = ?2 AND state IN ('queued', 'running')");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, job_id);
    sqlite3_bind_text(st, 3, state_names[p->state == IMPORT_DONE ? IMPORT_DONE : IMPORT_FAILED], -1,
                      SQLITE_STATIC);
    bind_counters(st, 4, p);
    sqlite3_bind_int64(st, 9, p->orders_created);
    sqlite3_bind_int64(st, 10, p->orders_held);
    bind_i64_opt(st, 11, p->first_order_id);
    bind_i64_opt(st, 12, p->last_order_id);
    sq_bind_text_opt(st, 13, p->outcome);
    sq_bind_text_opt(st, 14, p->message);
    sqlite3_bind_int64(st, 15, now);
    sq_bind_text_opt(st, 16, p->format_name);
    int64_t changed = 0;
    int rc = run_tx(s, st, "import_job_finish", &changed);
    return rc == STORE_OK && !changed ? STORE_CONFLICT : rc;
}

static int s_problems_add(struct store *base, const struct scope *sc, int64_t job_id,
                          int64_t first_seq, const struct import_problem_row *rows, size_t n)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = sq_prepare(s, "import_problem_add",
                                  "INSERT INTO import_problems(tenant_id, job_id, seq, line, "
                                  "column_name, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    int rc = st ? STORE_OK : STORE_ERROR;
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, job_id);
        sqlite3_bind_int64(st, 3, first_seq + (int64_t)i);
        sqlite3_bind_int64(st, 4, rows[i].line);
        sq_bind_text_opt(st, 5, rows[i].column);
        sqlite3_bind_text(st, 6, rows[i].message, -1, SQLITE_STATIC);
        rc = sq_exec(s, st, "import_problem_add");
    }
    sqlite3_finalize(st);
    return sq_tx_end(s, rc);
}

static int s_problems(struct store *base, const struct scope *sc, int64_t job_id, int64_t after_seq,
                      size_t limit, struct arena *a, struct import_problem_row **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "import_problems",
                                  "SELECT line, column_name, message FROM import_problems "
                                  "WHERE tenant_id = ?1 AND job_id = ?2 AND seq > ?3 "
                                  "ORDER BY seq LIMIT ?4");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, job_id);
    sqlite3_bind_int64(st, 3, after_seq);
    sqlite3_bind_int64(st, 4, (int64_t)limit);
    *rows = arena_alloc(a, (limit ? limit : 1) * sizeof **rows);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < limit) {
        struct import_problem_row *p = &(*rows)[(*n)++];
        p->line = sqlite3_column_int64(st, 0);
        p->column = sq_col_text(a, st, 1);
        p->message = sq_col_text(a, st, 2);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : sq_fail(s, "import_problems");
}

static int s_stage(struct store *base, const struct scope *sc, int64_t job_id,
                   const struct import_staged_row *rows, size_t n)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = sq_prepare(
        s, "import_stage",
        "INSERT INTO import_staged(tenant_id, job_id, seq, line, order_ref, order_date, "
        "package_count, doc, channel, service_code, postage_pence, tracking_number, history) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    int rc = st ? STORE_OK : STORE_ERROR;
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        const struct order_new *o = rows[i].order;
        sqlite3_clear_bindings(st); /* the postage columns stay NULL without one */
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, job_id);
        sqlite3_bind_int64(st, 3, rows[i].seq);
        sqlite3_bind_int64(st, 4, rows[i].line);
        sq_bind_text_opt(st, 5, o->reference);
        bind_i64_opt(st, 6, o->order_date);
        sqlite3_bind_int(st, 7, o->package_count);
        sqlite3_bind_text(st, 8, o->doc, -1, SQLITE_STATIC);
        sq_bind_text_opt(st, 9, o->channel);
        if (o->postage) {
            sqlite3_bind_text(st, 10, o->postage->service_code, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 11, o->postage->price_pence);
            sqlite3_bind_text(st, 12, o->postage->tracking_number, -1, SQLITE_STATIC);
        }
        sq_bind_text_opt(st, 13, rows[i].history);
        rc = sq_exec(s, st, "import_stage");
    }
    sqlite3_finalize(st);
    return sq_tx_end(s, rc);
}

static int s_unstage(struct store *base, const struct scope *sc, int64_t job_id)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "import_unstage",
                                  "DELETE FROM import_staged WHERE tenant_id = ?1 AND job_id = ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, job_id);
    return run_tx(s, st, "import_unstage", NULL);
}

/* The swap's statements, in order; each binds ?1 tenant, ?2 job, ?3 now,
 * ?4 skip_existing and ?5 the first new order id. */
static const char *const swap_sql[] = {
    /* skip_existing: the orders the business holds by now (the write lock
     * is held: an upload racing this one has committed, or waits) */
    "UPDATE import_staged SET held_by = (SELECT MIN(o.order_id) FROM orders o INDEXED BY "
    "orders_by_ref WHERE o.tenant_id = ?1 AND o.order_ref = import_staged.order_ref) "
    "WHERE tenant_id = ?1 AND job_id = ?2 AND ?4 AND order_ref IS NOT NULL",
    /* dense ids in file order */
    "UPDATE import_staged SET order_id = ?5 - 1 + x.rn FROM (SELECT seq, ROW_NUMBER() OVER "
    "(ORDER BY seq) AS rn FROM import_staged WHERE tenant_id = ?1 AND job_id = ?2 AND held_by IS "
    "NULL) AS x WHERE import_staged.tenant_id = ?1 AND import_staged.job_id = ?2 AND "
    "import_staged.seq = x.seq",
    "INSERT INTO orders(tenant_id, order_id, order_ref, status, created_on, updated_on, "
    "order_date, package_count, doc, service_code, postage_pence, tracking_number, "
    "postage_applied_on, channel) SELECT tenant_id, order_id, order_ref, CASE WHEN "
    "tracking_number IS NULL THEN 'new' ELSE 'postageApplied' END, ?3, ?3, order_date, "
    "package_count, doc, service_code, postage_pence, tracking_number, CASE WHEN tracking_number "
    "IS NULL THEN NULL ELSE ?3 END, COALESCE(channel, 'API') FROM import_staged "
    "WHERE tenant_id = ?1 AND job_id = ?2 AND held_by IS NULL ORDER BY seq",
    "INSERT INTO tracking_numbers(tracking_number, tenant_id, order_id, issued_at) "
    "SELECT tracking_number, tenant_id, order_id, ?3 FROM import_staged WHERE tenant_id = ?1 "
    "AND job_id = ?2 AND held_by IS NULL AND tracking_number IS NOT NULL ORDER BY seq",
    "INSERT INTO postage_ledger(tenant_id, entry_id, order_id, tracking_number, kind, "
    "amount_pence, at) SELECT tenant_id, (SELECT COALESCE(MAX(entry_id), 0) FROM postage_ledger "
    "WHERE tenant_id = ?1) + ROW_NUMBER() OVER (ORDER BY seq), order_id, tracking_number, "
    "'charge', postage_pence, ?3 FROM import_staged WHERE tenant_id = ?1 AND job_id = ?2 AND "
    "held_by IS NULL AND tracking_number IS NOT NULL",
    "INSERT INTO order_history(tenant_id, order_id, event_id, at, kind, text) SELECT tenant_id, "
    "order_id, 1, ?3, 'postageApplied', history FROM import_staged WHERE tenant_id = ?1 AND "
    "job_id = ?2 AND held_by IS NULL AND history IS NOT NULL",
    "INSERT INTO import_job_orders(tenant_id, job_id, line, order_id, held) SELECT tenant_id, "
    "job_id, line, COALESCE(order_id, held_by), held_by IS NOT NULL FROM import_staged "
    "WHERE tenant_id = ?1 AND job_id = ?2",
};

static int swap_count(struct sqlite_store *s, const struct scope *sc, int64_t job_id,
                      int64_t *created, int64_t *held)
{
    sqlite3_stmt *st = sq_prepare(s, "import_swap_count",
                                  "SELECT COUNT(*) - COUNT(held_by), COUNT(held_by) FROM "
                                  "import_staged WHERE tenant_id = ?1 AND job_id = ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, job_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *created = sqlite3_column_int64(st, 0);
        *held = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s, "import_swap_count");
}

static int swap_alloc(struct sqlite_store *s, const struct scope *sc, int64_t n, int64_t *first)
{
    sqlite3_stmt *st = sq_prepare(s, "import_swap_alloc",
                                  "UPDATE tenants SET next_order_id = next_order_id + ?2 "
                                  "WHERE tenant_id = ?1 RETURNING next_order_id - ?2");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, n);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *first = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "import_swap_alloc");
}

static int swap_step(struct sqlite_store *s, const struct scope *sc, int64_t job_id, size_t i,
                     int64_t now, bool skip_existing, int64_t first)
{
    sqlite3_stmt *st = sq_prepare(s, "import_swap", swap_sql[i]);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, job_id);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int(st, 4, skip_existing);
    sqlite3_bind_int64(st, 5, first);
    int rc = sq_run(s, st, "import_swap", NULL);
    /* a tracking number issued twice is a broken serial counter, not the
     * caller's conflict */
    return rc == STORE_CONFLICT ? sq_fail(s, "import_swap constraint") : rc;
}

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
    int rc = sq_audit_append(base, recs, n);
    arena_free(&a);
    return rc;
}

/* The swap writes 100,000 orders in one transaction; the statement
 * journals that let each statement of it fail alone would hold every page
 * they touch in memory under temp_store=MEMORY (the connection's setting),
 * so for the swap they go to temporary files, as SQLite spills them. */
static int temp_store(struct sqlite_store *s, const char *mode)
{
    char sql[40];
    snprintf(sql, sizeof sql, "PRAGMA temp_store=%s", mode);
    return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? STORE_OK
                                                                   : sq_fail(s, "temp_store");
}

static int s_swap(struct store *base, const struct scope *sc, int64_t job_id, bool skip_existing,
                  int64_t now, const struct audit_actor *actor, struct import_job_row *p)
{
    struct sqlite_store *s = S(base);
    if (temp_store(s, "FILE") != STORE_OK) return STORE_ERROR;
    if (sq_tx_begin(s, true) != STORE_OK) {
        temp_store(s, "MEMORY");
        return STORE_ERROR;
    }
    int64_t first = 0, created = 0, held = 0;
    int rc = swap_step(s, sc, job_id, 0, now, skip_existing, 0);
    if (rc == STORE_OK) rc = swap_count(s, sc, job_id, &created, &held);
    if (rc == STORE_OK && created) rc = swap_alloc(s, sc, created, &first);
    for (size_t i = 1; rc == STORE_OK && i < sizeof swap_sql / sizeof *swap_sql; i++)
        rc = swap_step(s, sc, job_id, i, now, skip_existing, first);
    if (rc == STORE_OK) rc = s_unstage(base, sc, job_id);
    if (rc == STORE_OK) rc = swap_audit(base, sc, actor, now, first, created);
    p->state = IMPORT_DONE;
    p->orders_created = created;
    p->orders_held = held;
    p->first_order_id = created ? first : 0;
    p->last_order_id = created ? first + created - 1 : 0;
    if (rc == STORE_OK) rc = s_finish(base, sc, job_id, p, now);
    rc = sq_tx_end(s, rc);
    if (temp_store(s, "MEMORY") != STORE_OK) return STORE_ERROR;
    return rc;
}

static int s_orders(struct store *base, const struct scope *sc, int64_t job_id, int64_t after_line,
                    size_t limit, struct arena *a, struct import_job_order_row **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(
        s, "import_job_orders",
        "SELECT j.line, j.held, j.order_id, o.tenant_id, o.order_ref, o.status, "
        "o.tracking_number FROM import_job_orders j LEFT JOIN orders o ON o.tenant_id = "
        "j.tenant_id AND o.order_id = j.order_id WHERE j.tenant_id = ?1 AND j.job_id = ?2 AND "
        "j.line > ?3 ORDER BY j.line, j.order_id LIMIT ?4");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, job_id);
    sqlite3_bind_int64(st, 3, after_line);
    sqlite3_bind_int64(st, 4, (int64_t)limit);
    *rows = arena_alloc(a, (limit ? limit : 1) * sizeof **rows);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < limit) {
        struct import_job_order_row *r = &(*rows)[(*n)++];
        memset(r, 0, sizeof *r);
        r->line = sqlite3_column_int64(st, 0);
        r->held = sqlite3_column_int(st, 1) != 0;
        r->order.order_id = sqlite3_column_int64(st, 2);
        /* 0 when the order is gone since (deleted): nothing of it is shown */
        r->order.tenant_id = sqlite3_column_int64(st, 3);
        r->order.reference = sq_col_text(a, st, 4);
        r->order.status = sq_col_text(a, st, 5);
        r->order.tracking_number = sq_col_text(a, st, 6);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : sq_fail(s, "import_job_orders");
}

static int s_open(struct store *base, size_t limit, struct arena *a, struct import_job_open **rows,
                  size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(
        s, "import_jobs_open",
        "SELECT tenant_id, job_id, state, runner, lease_until FROM import_jobs INDEXED BY "
        "import_jobs_open WHERE state IN ('queued', 'running') ORDER BY created_at, tenant_id, "
        "job_id LIMIT ?1");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, (int64_t)limit);
    *rows = arena_alloc(a, (limit ? limit : 1) * sizeof **rows);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < limit) {
        struct import_job_open *r = &(*rows)[(*n)++];
        r->tenant_id = sqlite3_column_int64(st, 0);
        r->job_id = sqlite3_column_int64(st, 1);
        r->state = state_of(sqlite3_column_text(st, 2));
        r->runner = sq_col_text(a, st, 3);
        r->lease_until = sqlite3_column_int64(st, 4);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : sq_fail(s, "import_jobs_open");
}

const struct store_import_ops sq_import_ops = {
    .create = s_create,
    .get = s_get,
    .take = s_take,
    .progress = s_progress,
    .finish = s_finish,
    .problems_add = s_problems_add,
    .problems = s_problems,
    .stage = s_stage,
    .unstage = s_unstage,
    .swap = s_swap,
    .orders = s_orders,
    .open = s_open,
};
