/* status_json: Statuspage v2's shapes, field for field: every field the
 * reference lists is present, null where postroom has no value for it. */
#include "status/status_json.h"
#include "status/status_db_impl.h"

#include <stdio.h>
#include <string.h>

const char *const status_doc_paths[STATUS_DOC_COUNT] = {
    [STATUS_DOC_SUMMARY] = "api/v2/summary.json",
    [STATUS_DOC_STATUS] = "api/v2/status.json",
    [STATUS_DOC_COMPONENTS] = "api/v2/components.json",
    [STATUS_DOC_INCIDENTS] = "api/v2/incidents.json",
    [STATUS_DOC_UNRESOLVED] = "api/v2/incidents/unresolved.json",
    [STATUS_DOC_MAINTENANCES] = "api/v2/scheduled-maintenances.json",
    [STATUS_DOC_UPCOMING] = "api/v2/scheduled-maintenances/upcoming.json",
    [STATUS_DOC_ACTIVE] = "api/v2/scheduled-maintenances/active.json",
};

#define PAGE_ID "postroom"

/* A written document, and whether every read behind it worked. */
struct doc {
    struct status_db *db;
    struct jw w;
    bool ok;
};

static sqlite3_stmt *prep(struct doc *d, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->db->db, sql, -1, &st, NULL) != SQLITE_OK) d->ok = false;
    return st;
}

/* Steps st; a failure (not the end) spoils the document. */
static bool next(struct doc *d, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) d->ok = false;
    return rc == SQLITE_ROW;
}

static void k_id(struct jw *w, const char *k, int64_t id)
{
    char s[24];
    snprintf(s, sizeof s, "%lld", (long long)id);
    jw_kstr(w, k, s);
}

static void k_time(struct jw *w, const char *k, sqlite3_stmt *st, int col)
{
    jw_key(w, k);
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        jw_null(w);
    else
        jw_time(w, sqlite3_column_int64(st, col));
}

static void k_null(struct jw *w, const char *k)
{
    jw_key(w, k);
    jw_null(w);
}

static const char *col_text(sqlite3_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st, col);
}

/* The page: updated_at is the latest change anywhere on it. */
static void page(struct doc *d)
{
    sqlite3_stmt *st = prep(d, "SELECT max(t) FROM (SELECT max(updated_at) AS t FROM components"
                               " UNION ALL SELECT max(updated_at) FROM incidents)");
    jw_key(&d->w, "page");
    jw_obj_open(&d->w);
    jw_kstr(&d->w, "id", PAGE_ID);
    jw_kstr(&d->w, "name", "postroom");
    k_null(&d->w, "url");
    jw_kstr(&d->w, "time_zone", "Etc/UTC");
    jw_key(&d->w, "updated_at");
    if (st && next(d, st))
        jw_time(&d->w, sqlite3_column_int64(st, 0));
    else
        jw_null(&d->w);
    jw_obj_close(&d->w);
    sqlite3_finalize(st);
}

#define COMPONENT_COLS                                                                             \
    "c.id, c.name, c.status, c.created_at, c.updated_at, c.position, c.description"

static void component(struct doc *d, sqlite3_stmt *st)
{
    struct jw *w = &d->w;
    jw_obj_open(w);
    k_id(w, "id", sqlite3_column_int64(st, 0));
    jw_kstr(w, "name", col_text(st, 1));
    jw_kstr(w, "status", col_text(st, 2));
    k_time(w, "created_at", st, 3);
    k_time(w, "updated_at", st, 4);
    jw_kint(w, "position", sqlite3_column_int64(st, 5));
    jw_key(w, "description");
    jw_str(w, col_text(st, 6));
    jw_kbool(w, "showcase", true);
    k_null(w, "start_date");
    k_null(w, "group_id");
    jw_kstr(w, "page_id", PAGE_ID);
    jw_kbool(w, "group", false);
    jw_kbool(w, "only_show_if_degraded", false);
    jw_obj_close(w);
}

static void components(struct doc *d)
{
    jw_key(&d->w, "components");
    jw_arr_open(&d->w);
    sqlite3_stmt *st = prep(d, "SELECT " COMPONENT_COLS " FROM components c ORDER BY position");
    while (st && next(d, st))
        component(d, st);
    sqlite3_finalize(st);
    jw_arr_close(&d->w);
}

/* The components an update moved (the prober's, a maintenance's); code is
 * the component's id, as Statuspage's. */
static void affected(struct doc *d, int64_t update)
{
    struct jw *w = &d->w;
    jw_key(w, "affected_components");
    jw_arr_open(w);
    sqlite3_stmt *st = prep(d, "SELECT c.id, c.name, u.old_status, u.new_status FROM"
                               " update_components u JOIN components c ON c.id = u.component_id"
                               " WHERE u.update_id = ?1 ORDER BY c.position");
    if (st) sqlite3_bind_int64(st, 1, update);
    while (st && next(d, st)) {
        jw_obj_open(w);
        k_id(w, "code", sqlite3_column_int64(st, 0));
        jw_kstr(w, "name", col_text(st, 1));
        jw_kstr(w, "old_status", col_text(st, 2));
        jw_kstr(w, "new_status", col_text(st, 3));
        jw_obj_close(w);
    }
    sqlite3_finalize(st);
    jw_arr_close(w);
}

static void updates(struct doc *d, int64_t incident)
{
    struct jw *w = &d->w;
    jw_key(w, "incident_updates");
    jw_arr_open(w);
    sqlite3_stmt *st = prep(d, "SELECT id, status, body, created_at FROM incident_updates"
                               " WHERE incident_id = ?1 ORDER BY created_at DESC, id DESC");
    if (st) sqlite3_bind_int64(st, 1, incident);
    while (st && next(d, st)) {
        jw_obj_open(w);
        k_id(w, "id", sqlite3_column_int64(st, 0));
        jw_kstr(w, "status", col_text(st, 1));
        jw_kstr(w, "body", col_text(st, 2));
        k_id(w, "incident_id", incident);
        k_time(w, "created_at", st, 3);
        k_time(w, "updated_at", st, 3);
        k_time(w, "display_at", st, 3);
        affected(d, sqlite3_column_int64(st, 0));
        jw_kbool(w, "deliver_notifications", false);
        k_null(w, "custom_tweet");
        k_null(w, "tweet_id");
        jw_obj_close(w);
    }
    sqlite3_finalize(st);
    jw_arr_close(w);
}

static void incident_components(struct doc *d, int64_t incident)
{
    jw_key(&d->w, "components");
    jw_arr_open(&d->w);
    sqlite3_stmt *st = prep(d, "SELECT " COMPONENT_COLS " FROM components c"
                               " JOIN incident_components ic ON ic.component_id = c.id"
                               " WHERE ic.incident_id = ?1 ORDER BY c.position");
    if (st) sqlite3_bind_int64(st, 1, incident);
    while (st && next(d, st))
        component(d, st);
    sqlite3_finalize(st);
    jw_arr_close(&d->w);
}

#define INCIDENT_COLS                                                                              \
    "id, name, status, created_at, updated_at, monitoring_at, resolved_at, impact, started_at, "   \
    "scheduled_for, scheduled_until"

static void incident(struct doc *d, sqlite3_stmt *st, bool maintenance)
{
    struct jw *w = &d->w;
    int64_t id = sqlite3_column_int64(st, 0);
    jw_obj_open(w);
    k_id(w, "id", id);
    jw_kstr(w, "name", col_text(st, 1));
    jw_kstr(w, "status", col_text(st, 2));
    k_time(w, "created_at", st, 3);
    k_time(w, "updated_at", st, 4);
    k_time(w, "monitoring_at", st, 5);
    k_time(w, "resolved_at", st, 6);
    jw_kstr(w, "impact", col_text(st, 7));
    k_null(w, "shortlink");
    k_time(w, "started_at", st, 8);
    jw_kstr(w, "page_id", PAGE_ID);
    if (maintenance) {
        k_time(w, "scheduled_for", st, 9);
        k_time(w, "scheduled_until", st, 10);
    }
    updates(d, id);
    incident_components(d, id);
    jw_obj_close(w);
}

/* where: the rows wanted, after the kind */
static void incidents(struct doc *d, const char *key, bool maintenance, const char *where)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT " INCIDENT_COLS " FROM incidents WHERE kind = '%s' %s"
             " ORDER BY %s LIMIT 50",
             maintenance ? "maintenance" : "incident", where,
             maintenance ? "scheduled_for DESC, id DESC" : "created_at DESC, id DESC");
    jw_key(&d->w, key);
    jw_arr_open(&d->w);
    sqlite3_stmt *st = prep(d, sql);
    while (st && next(d, st))
        incident(d, st, maintenance);
    sqlite3_finalize(st);
    jw_arr_close(&d->w);
}

#define UNRESOLVED "AND status NOT IN ('resolved', 'postmortem') AND resolved_at IS NULL"
#define UPCOMING "AND status = 'scheduled'"
#define ACTIVE "AND status IN ('in_progress', 'verifying')"

static int rank(const char *level)
{
    static const char *const order[] = {"none", "minor", "major", "critical"};
    for (int i = 0; i < 4; i++)
        if (level && !strcmp(level, order[i])) return i;
    return 0;
}

/* A component's state on the indicator's scale. */
static int component_rank(const char *state)
{
    if (!strcmp(state, "degraded_performance")) return 1;
    if (!strcmp(state, "partial_outage")) return 2;
    if (!strcmp(state, "major_outage")) return 3;
    return 0; /* operational, under_maintenance */
}

/* The indicator is the worst of the components' states and the impact of
 * the unresolved incidents. */
bool status_overall(struct status_db *db, const char **indicator, const char **description)
{
    struct doc d = {.db = db, .ok = true};
    int worst = 0;
    bool maintenance = false;
    sqlite3_stmt *st = prep(&d, "SELECT status FROM components");
    while (st && next(&d, st)) {
        const char *s = col_text(st, 0);
        int r = component_rank(s);
        if (r > worst) worst = r;
        if (!strcmp(s, "under_maintenance")) maintenance = true;
    }
    sqlite3_finalize(st);
    st = prep(&d, "SELECT impact FROM incidents WHERE kind = 'incident' " UNRESOLVED);
    while (st && next(&d, st)) {
        int r = rank(col_text(st, 0));
        if (r > worst) worst = r;
    }
    sqlite3_finalize(st);
    static const char *const indicators[] = {"none", "minor", "major", "critical"};
    static const char *const descriptions[] = {"All Systems Operational", "Minor Service Outage",
                                               "Partial System Outage", "Major Service Outage"};
    *indicator = indicators[worst];
    *description = worst == 0 && maintenance ? "Service Under Maintenance" : descriptions[worst];
    return d.ok;
}

static void status(struct doc *d)
{
    const char *indicator, *description;
    if (!status_overall(d->db, &indicator, &description)) d->ok = false;
    jw_key(&d->w, "status");
    jw_obj_open(&d->w);
    jw_kstr(&d->w, "indicator", indicator);
    jw_kstr(&d->w, "description", description);
    jw_obj_close(&d->w);
}

bool status_write_doc(struct status_db *db, enum status_doc doc, struct buf *out)
{
    struct doc d = {.db = db, .ok = true};
    jw_init(&d.w, out);
    jw_obj_open(&d.w);
    page(&d);
    switch (doc) {
    case STATUS_DOC_SUMMARY:
        components(&d);
        incidents(&d, "incidents", false, UNRESOLVED);
        incidents(&d, "scheduled_maintenances", true,
                  "AND status IN ('scheduled', "
                  "'in_progress', 'verifying')");
        status(&d);
        break;
    case STATUS_DOC_STATUS:
        status(&d);
        break;
    case STATUS_DOC_COMPONENTS:
        components(&d);
        break;
    case STATUS_DOC_INCIDENTS:
        incidents(&d, "incidents", false, "");
        break;
    case STATUS_DOC_UNRESOLVED:
        incidents(&d, "incidents", false, UNRESOLVED);
        break;
    case STATUS_DOC_MAINTENANCES:
        incidents(&d, "scheduled_maintenances", true, "");
        break;
    case STATUS_DOC_UPCOMING:
        incidents(&d, "scheduled_maintenances", true, UPCOMING);
        break;
    case STATUS_DOC_ACTIVE:
        incidents(&d, "scheduled_maintenances", true, ACTIVE);
        break;
    case STATUS_DOC_COUNT:
        d.ok = false;
        break;
    }
    jw_obj_close(&d.w);
    return d.ok;
}
