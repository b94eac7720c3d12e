/* pg_breach: the breach register, the tripwire's security events and the
 * status posts in the PostgreSQL backend (sqlite_breach.c there; migration
 * 009).
 *
 * A breach crosses tenants, so every call but store_breach_notices runs on
 * the operator connection, and the blast radius reads the audit chain of
 * every business there (the app role can read only the chain's head). A
 * business's notices run on the app connection under its own tenant:
 * breach_records' wall (data_tenant) holds it to its own rows.
 *
 * SQLite's one write lock makes the register's read-then-write steps safe
 * (join the open breach or open one, the next note's number, replace the
 * radius); here they take PG_LOCK_BREACH, so servers tripping at once share
 * one entry and number notes without colliding, and no business waits. */
#include "store/pg/pg_internal.h"
#include "store/store_breach.h"
#include "util/arena.h"

#include <stdio.h>
#include <string.h>

/* 0 as SQL NULL (an unset time), else the number. */
static void arg_time_opt(struct pg_args *a, int64_t v)
{
    if (v)
        pg_arg_int(a, v);
    else
        pg_arg_text(a, NULL);
}

/* -1 as SQL NULL (a count left to the blast radius), else the number. */
static void arg_count_opt(struct pg_args *a, int64_t v)
{
    if (v >= 0)
        pg_arg_int(a, v);
    else
        pg_arg_text(a, NULL);
}

static struct pg_conn *register_write(struct store *base)
{
    return pg_operator(P(base), PG_LOCK_BREACH, true);
}

/* A statement that changes one breach by id: STORE_NOTFOUND when it
 * changed no row. */
static int change_one(struct pg_conn *c, const char *where, const char *sql,
                      const struct pg_args *a)
{
    int64_t changed = 0;
    int rc = pg_exec(c, where, sql, a, &changed);
    if (rc == STORE_OK && changed == 0) rc = STORE_NOTFOUND;
    return rc;
}

static int pg_event_add(struct store *base, const struct security_event_row *e)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, e->time);
    pg_arg_text(&a, e->kind);
    pg_arg_text(&a, e->request_id ? e->request_id : "");
    pg_arg_text(&a, e->route ? e->route : "");
    pg_arg_int(&a, e->principal_tenant);
    pg_arg_text(&a, e->principal_id ? e->principal_id : "");
    pg_arg_int(&a, e->exposed_tenant);
    pg_arg_text(&a, e->records ? e->records : "");
    return pg_tx_end(c, pg_exec(c, "security_event_add",
                                "INSERT INTO security_events(time, kind, request_id, route, "
                                "principal_tenant, principal_id, exposed_tenant, records) "
                                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                                &a, NULL));
}

/* The audit's cross-tenant records, then the withheld answers, each in time
 * order, in one statement (one snapshot, one round trip). The audit's WHERE
 * matches its partial index (migration 009). */
static int pg_exposure_events(struct store *base, int64_t from, int64_t to, struct arena *ar,
                              struct exposure_event **ev, size_t *n)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, from);
    pg_arg_int(&a, to);
    int rc;
    PGresult *r = pg_query(c, "exposure_events",
                           "SELECT 0 AS part, time, request_id, principal_tenant, principal_id, "
                           "data_tenant, action, objects, seq AS k FROM audit "
                           "WHERE principal_tenant != data_tenant AND time >= $1 AND time <= $2 "
                           "UNION ALL "
                           "SELECT 1, time, request_id, principal_tenant, principal_id, "
                           "exposed_tenant, 'egress.withheld', records, id FROM security_events "
                           "WHERE time >= $1 AND time <= $2 ORDER BY part, time, k",
                           &a, &rc);
    if (r) {
        int k = PQntuples(r);
        struct exposure_event *out = pg_rows(ar, k, sizeof *out);
        for (int i = 0; i < k; i++)
            out[i] = (struct exposure_event){
                .withheld = pg_int(r, i, 0) == 1,
                .time = pg_int(r, i, 1),
                .request_id = pg_text(ar, r, i, 2),
                .principal_tenant = pg_int(r, i, 3),
                .principal_id = pg_text(ar, r, i, 4),
                .data_tenant = pg_int(r, i, 5),
                .action = pg_text(ar, r, i, 6),
                .objects = pg_text(ar, r, i, 7),
            };
        *ev = out;
        *n = (size_t)k;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

#define BREACH_COLS                                                                                \
    "id, opened_at, opened_by, window_from, window_to, aware_at, nature, subjects, "               \
    "record_kinds, approx_people, approx_records, consequences, measures, contact, decision, "     \
    "decision_reason, decided_by, decided_at, notified_at, closed_at, status_incident"

static void read_breach(const PGresult *r, int i, struct arena *a, struct breach *b)
{
    *b = (struct breach){
        .id = pg_int(r, i, 0),
        .opened_at = pg_int(r, i, 1),
        .opened_by = pg_text(a, r, i, 2),
        .window_from = pg_int(r, i, 3),
        .window_to = pg_int(r, i, 4),
        .aware_at = pg_int(r, i, 5),
        .nature = pg_text(a, r, i, 6),
        .subjects = pg_text(a, r, i, 7),
        .record_kinds = pg_text(a, r, i, 8),
        .approx_people = pg_isnull(r, i, 9) ? -1 : pg_int(r, i, 9),
        .approx_records = pg_isnull(r, i, 10) ? -1 : pg_int(r, i, 10),
        .consequences = pg_text(a, r, i, 11),
        .measures = pg_text(a, r, i, 12),
        .contact = pg_text(a, r, i, 13),
        .decision = pg_text(a, r, i, 14),
        .decision_reason = pg_text(a, r, i, 15),
        .decided_by = pg_text(a, r, i, 16),
        .decided_at = pg_int(r, i, 17),
        .notified_at = pg_int(r, i, 18),
        .closed_at = pg_int(r, i, 19),
        .status_incident = pg_int(r, i, 20),
    };
}

/* The 13 parameters of a new breach, $1..$13 in INSERT_COLS order. */
#define INSERT_COLS                                                                                \
    "opened_at, opened_by, window_from, window_to, aware_at, nature, subjects, record_kinds, "     \
    "approx_people, approx_records, consequences, measures, contact"

static void breach_args(struct pg_args *a, const struct breach *b)
{
    pg_arg_int(a, b->opened_at);
    pg_arg_text(a, b->opened_by);
    pg_arg_int(a, b->window_from);
    arg_time_opt(a, b->window_to);
    pg_arg_int(a, b->aware_at);
    pg_arg_text(a, b->nature);
    pg_arg_text(a, b->subjects);
    pg_arg_text(a, b->record_kinds);
    arg_count_opt(a, b->approx_people);
    arg_count_opt(a, b->approx_records);
    pg_arg_text(a, b->consequences);
    pg_arg_text(a, b->measures);
    pg_arg_text(a, b->contact);
}

static int pg_breach_open(struct store *base, const struct breach *b, int64_t *id)
{
    struct pg_conn *c = register_write(base);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    breach_args(&a, b);
    int rc;
    PGresult *r = pg_query(c, "breach_open",
                           "INSERT INTO breaches(" INSERT_COLS ") VALUES "
                           "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                           &a, &rc);
    if (r) {
        *id = pg_int(r, 0, 0);
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* The newest open tripwire breach, or a new one, in one statement under
 * the register's lock. A new entry looks no further back than where the
 * last closed one ended, so what an entry already holds is not counted
 * again in the next (GREATEST skips the NULL of "none closed yet"). */
static int pg_breach_open_or_join(struct store *base, const struct breach *b, int64_t *id,
                                  bool *created)
{
    struct pg_conn *c = register_write(base);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    breach_args(&a, b);
    int rc;
    PGresult *r = pg_query(
        c, "breach_join",
        "WITH joined AS (SELECT id FROM breaches WHERE closed_at IS NULL AND "
        "opened_by = 'tripwire' ORDER BY id DESC LIMIT 1), "
        "fresh AS (INSERT INTO breaches(" INSERT_COLS ") "
        "SELECT $1::bigint, $2::text, GREATEST($3::bigint, (SELECT MAX(window_to) + 1 FROM "
        "breaches "
        "WHERE closed_at IS NOT NULL)), $4::bigint, $5::bigint, $6::text, $7::text, $8::text, "
        "$9::bigint, $10::bigint, $11::text, $12::text, $13::text "
        "WHERE NOT EXISTS (SELECT 1 FROM joined) RETURNING id) "
        "SELECT id, false FROM joined UNION ALL SELECT id, true FROM fresh",
        &a, &rc);
    if (r) {
        rc = STORE_ERROR;
        if (PQntuples(r) == 1) {
            *id = pg_int(r, 0, 0);
            *created = pg_bool(r, 0, 1);
            rc = STORE_OK;
        } else {
            pg_fail(c, "breach_join rows");
        }
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

static int pg_breach_get(struct store *base, int64_t id, struct arena *ar, struct breach *b)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, id);
    int rc;
    PGresult *r =
        pg_query(c, "breach", "SELECT " BREACH_COLS " FROM breaches WHERE id = $1", &a, &rc);
    if (r) {
        rc = STORE_NOTFOUND;
        if (PQntuples(r) == 1) {
            read_breach(r, 0, ar, b);
            rc = STORE_OK;
        }
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

static int pg_breach_list(struct store *base, struct arena *ar, struct breach **rows, size_t *n)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    int rc;
    PGresult *r = pg_query(c, "breach_list",
                           "SELECT " BREACH_COLS " FROM breaches ORDER BY id DESC", NULL, &rc);
    if (r) {
        int k = PQntuples(r);
        struct breach *out = pg_rows(ar, k, sizeof *out);
        for (int i = 0; i < k; i++)
            read_breach(r, i, ar, &out[i]);
        *rows = out;
        *n = (size_t)k;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

static int pg_breach_updates(struct store *base, int64_t id, struct arena *ar,
                             struct breach_update **rows, size_t *n)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, id);
    int rc;
    PGresult *r = pg_query(c, "breach_updates",
                           "SELECT time, author, note FROM breach_updates "
                           "WHERE breach_id = $1 ORDER BY seq",
                           &a, &rc);
    if (r) {
        int k = PQntuples(r);
        struct breach_update *out = pg_rows(ar, k, sizeof *out);
        for (int i = 0; i < k; i++)
            out[i] = (struct breach_update){
                .time = pg_int(r, i, 0),
                .author = pg_text(ar, r, i, 1),
                .note = pg_text(ar, r, i, 2),
            };
        *rows = out;
        *n = (size_t)k;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

#define RECORD_COLS                                                                                \
    "breach_id, data_tenant, object, principal_tenant, principal_id, actions, first_at, "          \
    "last_at, times, withheld"
#define RECORD_NCOLS 10

static int read_records(struct pg_conn *c, const char *where, const char *sql,
                        const struct pg_args *a, struct arena *ar, struct exposure **rows,
                        size_t *n)
{
    int rc;
    PGresult *r = pg_query(c, where, sql, a, &rc);
    if (!r) return rc;
    int k = PQntuples(r);
    struct exposure *out = pg_rows(ar, k, sizeof *out);
    for (int i = 0; i < k; i++)
        out[i] = (struct exposure){
            .breach_id = pg_int(r, i, 0),
            .data_tenant = pg_int(r, i, 1),
            .object = pg_text(ar, r, i, 2),
            .principal_tenant = pg_int(r, i, 3),
            .principal_id = pg_text(ar, r, i, 4),
            .actions = pg_text(ar, r, i, 5),
            .first_at = pg_int(r, i, 6),
            .last_at = pg_int(r, i, 7),
            .times = pg_int(r, i, 8),
            .withheld = pg_int(r, i, 9),
        };
    *rows = out;
    *n = (size_t)k;
    PQclear(r);
    return STORE_OK;
}

/* Text is ordered bytewise (COLLATE "C"), as SQLite orders it. */
static int pg_breach_radius(struct store *base, int64_t id, struct arena *ar,
                            struct exposure **rows, size_t *n)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, id);
    return pg_tx_end(c, read_records(c, "breach_records",
                                     "SELECT " RECORD_COLS " FROM breach_records "
                                     "WHERE breach_id = $1 ORDER BY data_tenant, "
                                     "object COLLATE \"C\", principal_tenant, "
                                     "principal_id COLLATE \"C\"",
                                     &a, ar, rows, n));
}

/* A business's own part: on the app connection, under its tenant. */
static int pg_breach_notices(struct store *base, int64_t tenant_id, struct arena *ar,
                             struct exposure **rows, size_t *n)
{
    struct scope sc = {.tenant_id = tenant_id};
    struct pg_conn *c = pg_scoped(P(base), &sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, tenant_id);
    return pg_tx_end(c, read_records(c, "breach_notices",
                                     "SELECT " RECORD_COLS " FROM breach_records "
                                     "WHERE data_tenant = $1 "
                                     "ORDER BY breach_id DESC, first_at, object COLLATE \"C\"",
                                     &a, ar, rows, n));
}

static int pg_breach_note(struct store *base, int64_t id, const char *author, const char *note,
                          int64_t now)
{
    struct pg_conn *c = register_write(base);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, id);
    pg_arg_int(&a, now);
    pg_arg_text(&a, author);
    pg_arg_text(&a, note);
    return pg_tx_end(
        c, change_one(c, "breach_note",
                      "INSERT INTO breach_updates(breach_id, seq, time, author, note) "
                      "SELECT id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM "
                      "breach_updates WHERE breach_id = $1), $2::bigint, $3::text, $4::text "
                      "FROM breaches WHERE id = $1",
                      &a));
}

static int pg_breach_decide(struct store *base, int64_t id, const char *decision,
                            const char *reason, const char *by, int64_t now, int64_t notified_at)
{
    struct pg_conn *c = register_write(base);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, id);
    pg_arg_text(&a, decision);
    pg_arg_text(&a, reason);
    pg_arg_text(&a, by);
    pg_arg_int(&a, now);
    arg_time_opt(&a, notified_at);
    return pg_tx_end(c, change_one(c, "breach_decide",
                                   "UPDATE breaches SET decision = $2, decision_reason = $3, "
                                   "decided_by = $4, decided_at = $5, "
                                   "notified_at = COALESCE($6, notified_at) WHERE id = $1",
                                   &a));
}

/* Rows of one multi-row insert of a radius: 10 parameters each. */
#define RECORD_ROWS 64

static int insert_records(struct pg_conn *c, int64_t id, const struct exposure *x, size_t k)
{
    struct arena a;
    arena_init(&a);
    size_t np = k * RECORD_NCOLS;
    const char **v = arena_alloc(&a, np * sizeof *v);
    char *sql = arena_alloc(&a, 64 + sizeof RECORD_COLS + k * 72);
    size_t at = (size_t)sprintf(sql, "INSERT INTO breach_records(" RECORD_COLS ") VALUES ");
    const char *breach = arena_printf(&a, "%lld", (long long)id);
    for (size_t i = 0; i < k; i++) {
        const char **p = v + i * RECORD_NCOLS;
        p[0] = breach;
        p[1] = arena_printf(&a, "%lld", (long long)x[i].data_tenant);
        p[2] = x[i].object;
        p[3] = arena_printf(&a, "%lld", (long long)x[i].principal_tenant);
        p[4] = x[i].principal_id ? x[i].principal_id : "";
        p[5] = x[i].actions ? x[i].actions : "";
        p[6] = arena_printf(&a, "%lld", (long long)x[i].first_at);
        p[7] = arena_printf(&a, "%lld", (long long)x[i].last_at);
        p[8] = arena_printf(&a, "%lld", (long long)x[i].times);
        p[9] = arena_printf(&a, "%lld", (long long)x[i].withheld);
        size_t b = i * RECORD_NCOLS;
        at += (size_t)sprintf(sql + at, "%s($%zu,$%zu,$%zu,$%zu,$%zu,$%zu,$%zu,$%zu,$%zu,$%zu)",
                              i ? "," : "", b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8,
                              b + 9, b + 10);
    }
    int rc = pg_exec_many(c, "breach_records_insert", sql, (int)np, v, NULL);
    arena_free(&a);
    return rc;
}

/* The window's end and the cleared radius in one statement, then the rows
 * in multi-row inserts: all one transaction. */
static int pg_breach_set_radius(struct store *base, int64_t id, int64_t window_to,
                                const struct exposure *x, size_t n)
{
    struct pg_conn *c = register_write(base);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, id);
    arg_time_opt(&a, window_to);
    int rc;
    PGresult *r =
        pg_query(c, "breach_window",
                 "WITH w AS (UPDATE breaches SET window_to = COALESCE($2, window_to) "
                 "WHERE id = $1 RETURNING id), "
                 "d AS (DELETE FROM breach_records WHERE breach_id IN (SELECT id FROM w)) "
                 "SELECT count(*) FROM w",
                 &a, &rc);
    if (r) {
        rc = pg_int(r, 0, 0) ? STORE_OK : STORE_NOTFOUND;
        PQclear(r);
    }
    for (size_t i = 0; rc == STORE_OK && i < n; i += RECORD_ROWS)
        rc = insert_records(c, id, x + i, n - i < RECORD_ROWS ? n - i : RECORD_ROWS);
    return pg_tx_end(c, rc);
}

static int pg_breach_set_incident(struct store *base, int64_t id, int64_t incident)
{
    struct pg_conn *c = register_write(base);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, id);
    pg_arg_int(&a, incident);
    return pg_tx_end(c, change_one(c, "breach_incident",
                                   "UPDATE breaches SET status_incident = $2 WHERE id = $1", &a));
}

static int pg_breach_close(struct store *base, int64_t id, int64_t now)
{
    struct pg_conn *c = register_write(base);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_int(&a, id);
    pg_arg_int(&a, now);
    return pg_tx_end(c, change_one(c, "breach_close",
                                   "UPDATE breaches SET closed_at = $2, "
                                   "window_to = COALESCE(window_to, $2) "
                                   "WHERE id = $1 AND closed_at IS NULL",
                                   &a));
}

static int pg_post_set(struct store *base, const char *subject, int64_t incident, int64_t now)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_text(&a, subject);
    pg_arg_int(&a, incident);
    pg_arg_int(&a, now);
    return pg_tx_end(c, pg_exec(c, "status_post_set",
                                "INSERT INTO status_posts(subject, incident_id, posted_at) "
                                "VALUES ($1, $2, $3) ON CONFLICT (subject) DO UPDATE SET "
                                "incident_id = excluded.incident_id, "
                                "posted_at = excluded.posted_at",
                                &a, NULL));
}

static int pg_post_get(struct store *base, const char *subject, int64_t *incident)
{
    struct pg_conn *c = pg_operator(P(base), 0, false);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_text(&a, subject);
    int rc;
    PGresult *r = pg_query(c, "status_post_get",
                           "SELECT incident_id FROM status_posts WHERE subject = $1", &a, &rc);
    if (r) {
        rc = STORE_NOTFOUND;
        if (PQntuples(r) == 1) {
            *incident = pg_int(r, 0, 0);
            rc = STORE_OK;
        }
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

static int pg_post_clear(struct store *base, const char *subject)
{
    struct pg_conn *c = pg_operator(P(base), 0, true);
    if (!c) return STORE_ERROR;
    struct pg_args a = {0};
    pg_arg_text(&a, subject);
    return pg_tx_end(c, pg_exec(c, "status_post_clear",
                                "DELETE FROM status_posts WHERE subject = $1", &a, NULL));
}

const struct store_breach_ops pg_breach_ops = {
    .event_add = pg_event_add,
    .exposure_events = pg_exposure_events,
    .open = pg_breach_open,
    .open_or_join = pg_breach_open_or_join,
    .get = pg_breach_get,
    .list = pg_breach_list,
    .updates = pg_breach_updates,
    .radius = pg_breach_radius,
    .note = pg_breach_note,
    .decide = pg_breach_decide,
    .set_radius = pg_breach_set_radius,
    .set_incident = pg_breach_set_incident,
    .close = pg_breach_close,
    .notices = pg_breach_notices,
    .post_set = pg_post_set,
    .post_get = pg_post_get,
    .post_clear = pg_post_clear,
};
