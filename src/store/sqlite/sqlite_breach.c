/* sqlite_breach: the breach register, the security events and the status
 * posts in the SQLite backend (migration 009). These run a few times per
 * incident, never per request, so their statements are prepared per call
 * and finalized, and hold no slot in the connection's statement cache. */
#include "store/sqlite/sqlite_internal.h"
#include "store/store_breach.h"

#include <string.h>

static void bind_time_opt(sqlite3_stmt *st, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
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

static int sq_event_add(struct store *base, const struct security_event_row *e)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "breach",
                                  "INSERT INTO security_events(time, kind, request_id, route, "
                                  "principal_tenant, principal_id, exposed_tenant, records) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, e->time);
    sqlite3_bind_text(st, 2, e->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e->request_id ? e->request_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, e->route ? e->route : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, e->principal_tenant);
    sqlite3_bind_text(st, 6, e->principal_id ? e->principal_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, e->exposed_tenant);
    sqlite3_bind_text(st, 8, e->records ? e->records : "", -1, SQLITE_STATIC);
    return sq_run(s, st, "security_event_add", NULL);
}

static int collect_events(struct sqlite_store *s, sqlite3_stmt *st, bool withheld, struct arena *a,
                          struct exposure_event **ev, size_t *n, size_t *cap)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct exposure_event *e = push(a, (void **)ev, n, cap, sizeof *e);
        e->time = sqlite3_column_int64(st, 0);
        e->request_id = sq_col_text(a, st, 1);
        e->principal_tenant = sqlite3_column_int64(st, 2);
        e->principal_id = sq_col_text(a, st, 3);
        e->data_tenant = sqlite3_column_int64(st, 4);
        e->action = sq_col_text(a, st, 5);
        e->objects = sq_col_text(a, st, 6);
        e->withheld = withheld;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "exposure_events");
}

/* One read transaction, so the audit and the events are of one moment. The
 * audit's WHERE matches its partial index (migration 009). */
static int sq_exposure_events(struct store *base, int64_t from, int64_t to, struct arena *a,
                              struct exposure_event **ev, size_t *n)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, false) != STORE_OK) return STORE_ERROR;
    size_t cap = 0;
    sqlite3_stmt *st = sq_prepare(s, "breach",
                                  "SELECT time, request_id, principal_tenant, principal_id, "
                                  "data_tenant, action, objects FROM audit "
                                  "WHERE principal_tenant != data_tenant AND time >= ?1 AND "
                                  "time <= ?2 ORDER BY time, seq");
    int rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, from);
        sqlite3_bind_int64(st, 2, to);
        rc = collect_events(s, st, false, a, ev, n, &cap);
    }
    if (rc == STORE_OK) {
        st = sq_prepare(s, "breach",
                        "SELECT time, request_id, principal_tenant, principal_id, exposed_tenant, "
                        "'egress.withheld', records FROM security_events "
                        "WHERE time >= ?1 AND time <= ?2 ORDER BY time, id");
        rc = STORE_ERROR;
        if (st) {
            sqlite3_bind_int64(st, 1, from);
            sqlite3_bind_int64(st, 2, to);
            rc = collect_events(s, st, true, a, ev, n, &cap);
        }
    }
    return sq_tx_end(s, rc);
}

#define BREACH_COLS                                                                                \
    "id, opened_at, opened_by, window_from, window_to, aware_at, nature, subjects, "               \
    "record_kinds, approx_people, approx_records, consequences, measures, contact, decision, "     \
    "decision_reason, decided_by, decided_at, notified_at, closed_at, status_incident"

static void read_breach(sqlite3_stmt *st, struct arena *a, struct breach *b)
{
    b->id = sqlite3_column_int64(st, 0);
    b->opened_at = sqlite3_column_int64(st, 1);
    b->opened_by = sq_col_text(a, st, 2);
    b->window_from = sqlite3_column_int64(st, 3);
    b->window_to = col_time(st, 4);
    b->aware_at = sqlite3_column_int64(st, 5);
    b->nature = sq_col_text(a, st, 6);
    b->subjects = sq_col_text(a, st, 7);
    b->record_kinds = sq_col_text(a, st, 8);
    b->approx_people = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 9);
    b->approx_records =
        sqlite3_column_type(st, 10) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 10);
    b->consequences = sq_col_text(a, st, 11);
    b->measures = sq_col_text(a, st, 12);
    b->contact = sq_col_text(a, st, 13);
    b->decision = sq_col_text(a, st, 14);
    b->decision_reason = sq_col_text(a, st, 15);
    b->decided_by = sq_col_text(a, st, 16);
    b->decided_at = col_time(st, 17);
    b->notified_at = col_time(st, 18);
    b->closed_at = col_time(st, 19);
    b->status_incident = col_time(st, 20);
}

static void bind_count_opt(sqlite3_stmt *st, int i, int64_t v)
{
    if (v >= 0)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static int insert_breach(struct sqlite_store *s, const struct breach *b, int64_t *id)
{
    sqlite3_stmt *st = sq_prepare(
        s, "breach",
        "INSERT INTO breaches(opened_at, opened_by, window_from, window_to, aware_at, "
        "nature, subjects, record_kinds, approx_people, approx_records, consequences, "
        "measures, contact) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, b->opened_at);
    sqlite3_bind_text(st, 2, b->opened_by, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, b->window_from);
    bind_time_opt(st, 4, b->window_to);
    sqlite3_bind_int64(st, 5, b->aware_at);
    sqlite3_bind_text(st, 6, b->nature, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, b->subjects, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, b->record_kinds, -1, SQLITE_STATIC);
    bind_count_opt(st, 9, b->approx_people);
    bind_count_opt(st, 10, b->approx_records);
    sqlite3_bind_text(st, 11, b->consequences, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, b->measures, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, b->contact, -1, SQLITE_STATIC);
    int rc = sq_run(s, st, "breach_open", NULL);
    if (rc == STORE_OK) *id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static int sq_breach_open(struct store *base, const struct breach *b, int64_t *id)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    return sq_tx_end(s, insert_breach(s, b, id));
}

/* A new entry looks no further back than where the last closed one ended,
 * so what an entry already holds is not counted again in the next. */
static int insert_fresh(struct sqlite_store *s, const struct breach *b, int64_t *id)
{
    sqlite3_stmt *st =
        sq_prepare(s, "breach", "SELECT MAX(window_to) FROM breaches WHERE closed_at IS NOT NULL");
    if (!st) return STORE_ERROR;
    int step = sqlite3_step(st);
    int64_t last_end = step == SQLITE_ROW ? col_time(st, 0) : 0;
    sqlite3_finalize(st);
    if (step != SQLITE_ROW) return sq_fail(s, "breach_last_end");
    struct breach fresh = *b;
    if (last_end >= fresh.window_from) fresh.window_from = last_end + 1;
    return insert_breach(s, &fresh, id);
}

static int sq_breach_open_or_join(struct store *base, const struct breach *b, int64_t *id,
                                  bool *created)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = sq_prepare(s, "breach",
                                  "SELECT id FROM breaches WHERE closed_at IS NULL AND "
                                  "opened_by = 'tripwire' ORDER BY id DESC LIMIT 1");
    int rc = STORE_ERROR;
    if (st) {
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) *id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (step == SQLITE_ROW) {
            rc = STORE_OK;
        } else if (step == SQLITE_DONE) {
            rc = insert_fresh(s, b, id);
            *created = rc == STORE_OK;
        } else {
            rc = sq_fail(s, "breach_join");
        }
    }
    return sq_tx_end(s, rc);
}

static int sq_breach_get(struct store *base, int64_t id, struct arena *a, struct breach *b)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st =
        sq_prepare(s, "breach", "SELECT " BREACH_COLS " FROM breaches WHERE id = ?1");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) read_breach(st, a, b);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "breach");
}

static int sq_breach_list(struct store *base, struct arena *a, struct breach **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st =
        sq_prepare(s, "breach", "SELECT " BREACH_COLS " FROM breaches ORDER BY id DESC");
    if (!st) return STORE_ERROR;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        read_breach(st, a, push(a, (void **)rows, n, &cap, sizeof **rows));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "breach_list");
}

static int sq_breach_updates(struct store *base, int64_t id, struct arena *a,
                             struct breach_update **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "breach",
                                  "SELECT time, author, note FROM breach_updates "
                                  "WHERE breach_id = ?1 ORDER BY seq");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct breach_update *u = push(a, (void **)rows, n, &cap, sizeof *u);
        u->time = sqlite3_column_int64(st, 0);
        u->author = sq_col_text(a, st, 1);
        u->note = sq_col_text(a, st, 2);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "breach_updates");
}

#define RECORD_COLS                                                                                \
    "breach_id, data_tenant, object, principal_tenant, principal_id, actions, first_at, "          \
    "last_at, times, withheld"

static int collect_records(struct sqlite_store *s, sqlite3_stmt *st, struct arena *a,
                           struct exposure **rows, size_t *n)
{
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct exposure *x = push(a, (void **)rows, n, &cap, sizeof *x);
        x->breach_id = sqlite3_column_int64(st, 0);
        x->data_tenant = sqlite3_column_int64(st, 1);
        x->object = sq_col_text(a, st, 2);
        x->principal_tenant = sqlite3_column_int64(st, 3);
        x->principal_id = sq_col_text(a, st, 4);
        x->actions = sq_col_text(a, st, 5);
        x->first_at = sqlite3_column_int64(st, 6);
        x->last_at = sqlite3_column_int64(st, 7);
        x->times = sqlite3_column_int64(st, 8);
        x->withheld = sqlite3_column_int64(st, 9);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "breach_records");
}

static int sq_breach_radius(struct store *base, int64_t id, struct arena *a, struct exposure **rows,
                            size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "breach",
                                  "SELECT " RECORD_COLS " FROM breach_records WHERE breach_id = ?1 "
                                  "ORDER BY data_tenant, object, principal_tenant, principal_id");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    return collect_records(s, st, a, rows, n);
}

static int sq_breach_notices(struct store *base, int64_t tenant_id, struct arena *a,
                             struct exposure **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st =
        sq_prepare(s, "breach",
                   "SELECT " RECORD_COLS " FROM breach_records WHERE data_tenant = ?1 "
                   "ORDER BY breach_id DESC, first_at, object");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, tenant_id);
    return collect_records(s, st, a, rows, n);
}

/* An UPDATE of one breach by id: STORE_NOTFOUND when it changed no row. */
static int update_one(struct sqlite_store *s, sqlite3_stmt *st, const char *where)
{
    int rc = sq_run(s, st, where, NULL);
    if (rc == STORE_OK && sqlite3_changes(s->db) == 0) rc = STORE_NOTFOUND;
    return rc;
}

static int sq_breach_note(struct store *base, int64_t id, const char *author, const char *note,
                          int64_t now)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st =
        sq_prepare(s, "breach",
                   "INSERT INTO breach_updates(breach_id, seq, time, author, note) "
                   "SELECT id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM breach_updates "
                   "WHERE breach_id = ?1), ?2, ?3, ?4 FROM breaches WHERE id = ?1");
    int rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, now);
        sqlite3_bind_text(st, 3, author, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, note, -1, SQLITE_STATIC);
        rc = update_one(s, st, "breach_note");
    }
    return sq_tx_end(s, rc);
}

static int sq_breach_decide(struct store *base, int64_t id, const char *decision,
                            const char *reason, const char *by, int64_t now, int64_t notified_at)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "breach",
                                  "UPDATE breaches SET decision = ?2, decision_reason = ?3, "
                                  "decided_by = ?4, decided_at = ?5, "
                                  "notified_at = COALESCE(?6, notified_at) WHERE id = ?1");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, decision, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, by, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    bind_time_opt(st, 6, notified_at);
    return update_one(s, st, "breach_decide");
}

static int insert_record(struct sqlite_store *s, int64_t id, const struct exposure *x)
{
    sqlite3_stmt *st = sq_prepare(s, "breach",
                                  "INSERT INTO breach_records(" RECORD_COLS ") "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, x->data_tenant);
    sqlite3_bind_text(st, 3, x->object, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, x->principal_tenant);
    sqlite3_bind_text(st, 5, x->principal_id ? x->principal_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, x->actions ? x->actions : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, x->first_at);
    sqlite3_bind_int64(st, 8, x->last_at);
    sqlite3_bind_int64(st, 9, x->times);
    sqlite3_bind_int64(st, 10, x->withheld);
    return sq_run(s, st, "breach_record", NULL);
}

static int sq_breach_set_radius(struct store *base, int64_t id, int64_t window_to,
                                const struct exposure *x, size_t n)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = sq_prepare(s, "breach",
                                  "UPDATE breaches SET window_to = COALESCE(?2, window_to) "
                                  "WHERE id = ?1");
    int rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        bind_time_opt(st, 2, window_to);
        rc = update_one(s, st, "breach_window");
    }
    if (rc == STORE_OK) {
        st = sq_prepare(s, "breach", "DELETE FROM breach_records WHERE breach_id = ?1");
        if (st) sqlite3_bind_int64(st, 1, id);
        rc = sq_run(s, st, "breach_records_clear", NULL);
    }
    for (size_t i = 0; rc == STORE_OK && i < n; i++)
        rc = insert_record(s, id, &x[i]);
    return sq_tx_end(s, rc);
}

static int sq_breach_set_incident(struct store *base, int64_t id, int64_t incident)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st =
        sq_prepare(s, "breach", "UPDATE breaches SET status_incident = ?2 WHERE id = ?1");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, incident);
    return update_one(s, st, "breach_incident");
}

static int sq_breach_close(struct store *base, int64_t id, int64_t now)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st =
        sq_prepare(s, "breach",
                   "UPDATE breaches SET closed_at = ?2, window_to = COALESCE(window_to, ?2) "
                   "WHERE id = ?1 AND closed_at IS NULL");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    return update_one(s, st, "breach_close");
}

static int sq_post_set(struct store *base, const char *subject, int64_t incident, int64_t now)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st =
        sq_prepare(s, "breach",
                   "INSERT INTO status_posts(subject, incident_id, posted_at) "
                   "VALUES (?1, ?2, ?3) ON CONFLICT(subject) DO UPDATE SET "
                   "incident_id = excluded.incident_id, posted_at = excluded.posted_at");
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, incident);
    sqlite3_bind_int64(st, 3, now);
    return sq_run(s, st, "status_post_set", NULL);
}

static int sq_post_get(struct store *base, const char *subject, int64_t *incident)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st =
        sq_prepare(s, "breach", "SELECT incident_id FROM status_posts WHERE subject = ?1");
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *incident = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW    ? STORE_OK
           : rc == SQLITE_DONE ? STORE_NOTFOUND
                               : sq_fail(s, "status_post_get");
}

static int sq_post_clear(struct store *base, const char *subject)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_prepare(s, "breach", "DELETE FROM status_posts WHERE subject = ?1");
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
    return sq_run(s, st, "status_post_clear", NULL);
}

const struct store_breach_ops sq_breach_ops = {
    .event_add = sq_event_add,
    .exposure_events = sq_exposure_events,
    .open = sq_breach_open,
    .open_or_join = sq_breach_open_or_join,
    .get = sq_breach_get,
    .list = sq_breach_list,
    .updates = sq_breach_updates,
    .radius = sq_breach_radius,
    .note = sq_breach_note,
    .decide = sq_breach_decide,
    .set_radius = sq_breach_set_radius,
    .set_incident = sq_breach_set_incident,
    .close = sq_breach_close,
    .notices = sq_breach_notices,
    .post_set = sq_post_set,
    .post_get = sq_post_get,
    .post_clear = sq_post_clear,
};
