/* status_db: the status site's own database: its migration (kept here, not
 * in store/migrations/, since it is another file for another process), the
 * default components, and the few writes the status CLI makes. */
#include "status/status_db.h"
#include "status/status_db_impl.h"
#include "util/timefmt.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Times are Unix milliseconds; kind is 'incident' or 'maintenance' (the
 * latter with scheduled_for/until), as Statuspage keeps both in one shape. */
static const char migration[] =
    "CREATE TABLE IF NOT EXISTS components ("
    " id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, status TEXT NOT NULL,"
    " position INTEGER NOT NULL, description TEXT,"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS component_changes ("
    " id INTEGER PRIMARY KEY, component_id INTEGER NOT NULL REFERENCES components(id),"
    " old_status TEXT, new_status TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS incidents ("
    " id INTEGER PRIMARY KEY, kind TEXT NOT NULL DEFAULT 'incident', name TEXT NOT NULL,"
    " status TEXT NOT NULL, impact TEXT NOT NULL,"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, started_at INTEGER NOT NULL,"
    " monitoring_at INTEGER, resolved_at INTEGER,"
    " scheduled_for INTEGER, scheduled_until INTEGER);"
    "CREATE TABLE IF NOT EXISTS incident_updates ("
    " id INTEGER PRIMARY KEY, incident_id INTEGER NOT NULL REFERENCES incidents(id),"
    " status TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS incident_components ("
    " incident_id INTEGER NOT NULL REFERENCES incidents(id),"
    " component_id INTEGER NOT NULL REFERENCES components(id),"
    " PRIMARY KEY (incident_id, component_id));";

/* Version 2 (PRAGMA user_version): who made each component change (the
 * prober undoes only its own), which components an update changed
 * (affected_components), and the prober's open incident, kept here so that a
 * restarted status-serve goes on with the same one. */
static const char migration_v2[] =
    "ALTER TABLE component_changes ADD COLUMN source TEXT NOT NULL DEFAULT 'operator';"
    "CREATE TABLE update_components ("
    " update_id INTEGER NOT NULL REFERENCES incident_updates(id),"
    " component_id INTEGER NOT NULL REFERENCES components(id),"
    " old_status TEXT NOT NULL, new_status TEXT NOT NULL);"
    "CREATE TABLE prober (id INTEGER PRIMARY KEY CHECK (id = 1),"
    " incident_id INTEGER REFERENCES incidents(id));"
    "PRAGMA user_version = 2;";

/* Version 3: the access audit's signed checkpoints (issue 10), each line
 * exactly as the app wrote it beside its database, with the public key that
 * signed it (hex). A second copy in a second place: whoever rewrites the
 * app's database and the files beside it must reach this one too. Rows are
 * only ever added (the triggers refuse the rest). */
static const char migration_v3[] =
    "CREATE TABLE audit_checkpoints ("
    " id INTEGER PRIMARY KEY, count INTEGER NOT NULL, line TEXT NOT NULL UNIQUE,"
    " public_key TEXT NOT NULL, received_at INTEGER NOT NULL);"
    "CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints"
    " BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;"
    "CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints"
    " BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;"
    "PRAGMA user_version = 3;";

static const char *const defaults[] = {"Web app", "API", "Labels", "Imports", "Tracking"};

static bool one_of(const char *s, const char *const *words, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        if (!strcmp(s, words[i])) return true;
    return false;
}

bool status_component_state_valid(const char *s)
{
    static const char *const w[] = {"operational", "degraded_performance", "partial_outage",
                                    "major_outage", "under_maintenance"};
    return one_of(s, w, sizeof w / sizeof w[0]);
}

bool status_incident_status_valid(const char *s)
{
    static const char *const w[] = {"investigating", "identified", "monitoring", "resolved"};
    return one_of(s, w, sizeof w / sizeof w[0]);
}

bool status_impact_valid(const char *s)
{
    static const char *const w[] = {"none", "minor", "major", "critical"};
    return one_of(s, w, sizeof w / sizeof w[0]);
}

bool status_db_exec(struct status_db *db, const char *sql)
{
    return sqlite3_exec(db->db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

static int user_version(struct status_db *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) return -1;
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

static bool migrate(struct status_db *db)
{
    if (!status_db_exec(db, migration)) return false;
    int v = user_version(db);
    if (v < 0 || (v < 2 && !status_db_exec(db, migration_v2))) return false;
    return v >= 3 || status_db_exec(db, migration_v3);
}

static bool add_defaults(struct status_db *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->db,
                           "INSERT OR IGNORE INTO components(name, status, position, created_at,"
                           " updated_at) VALUES (?1, 'operational', ?2, ?3, ?3)",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    /* created when the database is: INSERT OR IGNORE keeps the first time */
    bool ok = true;
    for (size_t i = 0; ok && i < sizeof defaults / sizeof defaults[0]; i++) {
        sqlite3_bind_text(st, 1, defaults[i], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, (int)i + 1);
        sqlite3_bind_int64(st, 3, time_now_ms());
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return ok;
}

enum status_rc status_db_open(const char *path, bool create, struct status_db **out)
{
    *out = NULL;
    struct status_db *db = calloc(1, sizeof *db);
    if (!db) return STATUS_ERROR;
    int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(path, &db->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        status_db_close(db);
        return STATUS_ERROR;
    }
    sqlite3_busy_timeout(db->db, 2000);
    if (create) {
        bool ok = status_db_exec(db, "PRAGMA journal_mode=WAL") &&
                  status_db_exec(db, "BEGIN IMMEDIATE") && migrate(db) && add_defaults(db) &&
                  status_db_exec(db, "COMMIT");
        if (!ok) {
            status_db_close(db);
            return STATUS_ERROR;
        }
    }
    *out = db;
    return STATUS_OK;
}

void status_db_close(struct status_db *db)
{
    if (!db) return;
    sqlite3_close(db->db);
    free(db);
}

enum status_rc status_db_component_id(struct status_db *db, const char *name, int64_t *id,
                                      const char **old, char *oldbuf, size_t n)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->db, "SELECT id, status FROM components WHERE name = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return STATUS_ERROR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    enum status_rc out = rc == SQLITE_ROW    ? STATUS_OK
                         : rc == SQLITE_DONE ? STATUS_NOTFOUND
                                             : STATUS_ERROR;
    if (out == STATUS_OK) {
        *id = sqlite3_column_int64(st, 0);
        if (old) {
            snprintf(oldbuf, n, "%s", (const char *)sqlite3_column_text(st, 1));
            *old = oldbuf;
        }
    }
    sqlite3_finalize(st);
    return out;
}

bool status_db_step_done(sqlite3_stmt *st)
{
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok;
}

sqlite3_stmt *status_db_prep(struct status_db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK) return NULL;
    return st;
}

enum status_rc status_db_finish(struct status_db *db, enum status_rc rc)
{
    status_db_exec(db, rc == STATUS_OK ? "COMMIT" : "ROLLBACK");
    return rc;
}

static const char *const sources[] = {"operator", "probe", "maintenance"};

/* Moves component id from old to state inside the caller's transaction,
 * keeps the change in the history and, for an update (update_id > 0), in
 * its affected_components. */
bool status_db_change(struct status_db *db, int64_t id, const char *old, const char *state,
                      enum status_source by, int64_t update_id, int64_t now_ms)
{
    sqlite3_stmt *st =
        status_db_prep(db, "UPDATE components SET status = ?2, updated_at = ?3 WHERE id = ?1");
    if (!st) return false;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now_ms);
    if (!status_db_step_done(st)) return false;
    st = status_db_prep(
        db, "INSERT INTO component_changes(component_id, old_status, new_status, at, source)"
            " VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st) return false;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, old, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now_ms);
    sqlite3_bind_text(st, 5, sources[by], -1, SQLITE_STATIC);
    if (!status_db_step_done(st)) return false;
    if (update_id <= 0) return true;
    st = status_db_prep(
        db, "INSERT INTO update_components(update_id, component_id, old_status, new_status)"
            " VALUES (?1, ?2, ?3, ?4)");
    if (!st) return false;
    sqlite3_bind_int64(st, 1, update_id);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_text(st, 3, old, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, state, -1, SQLITE_STATIC);
    return status_db_step_done(st);
}

bool status_component_exists(struct status_db *db, const char *name)
{
    int64_t id;
    return status_db_component_id(db, name, &id, NULL, NULL, 0) == STATUS_OK;
}

enum status_rc status_component_set(struct status_db *db, const char *name, const char *state,
                                    int64_t now_ms)
{
    if (!status_component_state_valid(state)) return STATUS_BAD;
    if (!status_db_exec(db, "BEGIN IMMEDIATE")) return STATUS_ERROR;
    int64_t id;
    const char *old;
    char oldbuf[32];
    enum status_rc rc = status_db_component_id(db, name, &id, &old, oldbuf, sizeof oldbuf);
    if (rc != STATUS_OK) return status_db_finish(db, rc);
    bool ok = status_db_change(db, id, old, state, STATUS_BY_OPERATOR, 0, now_ms);
    return status_db_finish(db, ok ? STATUS_OK : STATUS_ERROR);
}

bool status_db_add_update(struct status_db *db, int64_t incident, const char *status,
                          const char *body, int64_t now_ms, int64_t *update_id)
{
    sqlite3_stmt *st = status_db_prep(db, "INSERT INTO incident_updates(incident_id, status, body,"
                                          " created_at) VALUES (?1, ?2, ?3, ?4)");
    if (!st) return false;
    sqlite3_bind_int64(st, 1, incident);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now_ms);
    if (!status_db_step_done(st)) return false;
    if (update_id) *update_id = sqlite3_last_insert_rowid(db->db);
    return true;
}

/* Text shown on the page and in the feeds: valid UTF-8 with no control
 * characters (XML 1.0 cannot carry most of them at all); a body may hold
 * line breaks and tabs. */
static bool text_ok(const char *s, bool body)
{
    if (!s || !*s) return false;
    size_t n = strlen(s);
    if (!utf8_valid(s, n)) return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && !(body && (*p == '\n' || *p == '\t' || *p == '\r'))) || *p == 0x7f)
            return false;
    return true;
}

/* monitoring_at and resolved_at keep the first time the status was reached;
 * a maintenance is resolved when completed */
static const char stamp_sql[] =
    "UPDATE incidents SET status = ?2, updated_at = ?3,"
    " monitoring_at = CASE WHEN ?2 = 'monitoring' AND monitoring_at IS NULL THEN ?3"
    " ELSE monitoring_at END,"
    " resolved_at = CASE WHEN ?2 IN ('resolved', 'completed') THEN COALESCE(resolved_at, ?3)"
    " ELSE NULL END"
    " WHERE id = ?1 AND kind = ?4";

enum status_rc status_db_stamp(struct status_db *db, int64_t id, const char *kind,
                               const char *status, int64_t now_ms)
{
    sqlite3_stmt *st = status_db_prep(db, stamp_sql);
    if (!st) return STATUS_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now_ms);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    if (!status_db_step_done(st)) return STATUS_ERROR;
    return sqlite3_changes(db->db) == 1 ? STATUS_OK : STATUS_NOTFOUND;
}

enum status_rc status_db_link(struct status_db *db, int64_t incident, const char *component)
{
    int64_t cid;
    enum status_rc rc = status_db_component_id(db, component, &cid, NULL, NULL, 0);
    if (rc != STATUS_OK) return rc;
    sqlite3_stmt *st =
        status_db_prep(db, "INSERT OR IGNORE INTO incident_components VALUES (?1, ?2)");
    if (!st) return STATUS_ERROR;
    sqlite3_bind_int64(st, 1, incident);
    sqlite3_bind_int64(st, 2, cid);
    return status_db_step_done(st) ? STATUS_OK : STATUS_ERROR;
}

/* The incident or maintenance row, its components and its first update,
 * inside the caller's transaction. */
static enum status_rc insert(struct status_db *db, const struct status_new *n, int64_t now_ms,
                             int64_t *id, int64_t *update_id)
{
    sqlite3_stmt *st =
        status_db_prep(db, "INSERT INTO incidents(kind, name, status, impact, created_at,"
                           " updated_at, started_at, scheduled_for, scheduled_until)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?5, ?6, ?7)");
    if (!st) return STATUS_ERROR;
    bool maint = n->scheduled_for != 0;
    sqlite3_bind_text(st, 1, maint ? "maintenance" : "incident", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, n->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, maint ? "scheduled" : "investigating", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, n->impact, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now_ms);
    if (maint) {
        sqlite3_bind_int64(st, 6, n->scheduled_for);
        sqlite3_bind_int64(st, 7, n->scheduled_until);
    }
    if (!status_db_step_done(st)) return STATUS_ERROR;
    *id = sqlite3_last_insert_rowid(db->db);
    for (int i = 0; i < n->ncomponents; i++) {
        enum status_rc rc = status_db_link(db, *id, n->components[i]);
        if (rc != STATUS_OK) return rc;
    }
    bool ok = status_db_stamp(db, *id, maint ? "maintenance" : "incident", n->status, now_ms) ==
                  STATUS_OK &&
              status_db_add_update(db, *id, n->status, n->body, now_ms, update_id);
    return ok ? STATUS_OK : STATUS_ERROR;
}

enum status_rc status_db_insert(struct status_db *db, const struct status_new *n, int64_t now_ms,
                                int64_t *id, int64_t *update_id)
{
    if (!text_ok(n->name, false) || !text_ok(n->body, true)) return STATUS_BAD;
    return insert(db, n, now_ms, id, update_id);
}

enum status_rc status_incident_create(struct status_db *db, const char *name, const char *status,
                                      const char *impact, const char *const *components,
                                      int ncomponents, const char *body, int64_t now_ms,
                                      int64_t *id)
{
    if (!text_ok(name, false) || !text_ok(body, true) || !status_incident_status_valid(status) ||
        !status_impact_valid(impact))
        return STATUS_BAD;
    if (!status_db_exec(db, "BEGIN IMMEDIATE")) return STATUS_ERROR;
    struct status_new n = {name, status, impact, components, ncomponents, body, 0, 0};
    return status_db_finish(db, insert(db, &n, now_ms, id, NULL));
}

enum status_rc status_incident_update(struct status_db *db, int64_t id, const char *status,
                                      const char *body, int64_t now_ms)
{
    if (!text_ok(body, true) || !status_incident_status_valid(status)) return STATUS_BAD;
    if (!status_db_exec(db, "BEGIN IMMEDIATE")) return STATUS_ERROR;
    enum status_rc rc = status_db_stamp(db, id, "incident", status, now_ms);
    if (rc != STATUS_OK) return status_db_finish(db, rc);
    bool ok = status_db_add_update(db, id, status, body, now_ms, NULL);
    return status_db_finish(db, ok ? STATUS_OK : STATUS_ERROR);
}

bool status_maintenance_status_valid(const char *s)
{
    static const char *const w[] = {"scheduled", "in_progress", "verifying", "completed"};
    return one_of(s, w, sizeof w / sizeof w[0]);
}

enum status_rc status_maintenance_create(struct status_db *db, const char *name,
                                         int64_t scheduled_for, int64_t scheduled_until,
                                         const char *const *components, int ncomponents,
                                         const char *body, int64_t now_ms, int64_t *id)
{
    if (!text_ok(name, false) || !text_ok(body, true) || scheduled_for == 0 ||
        scheduled_until <= scheduled_for)
        return STATUS_BAD;
    if (!status_db_exec(db, "BEGIN IMMEDIATE")) return STATUS_ERROR;
    struct status_new n = {name,        "scheduled", "maintenance", components,
                           ncomponents, body,        scheduled_for, scheduled_until};
    return status_db_finish(db, insert(db, &n, now_ms, id, NULL));
}

/* in_progress puts the maintenance's components under maintenance, whatever
 * they were; completed gives back operational to those still under it (a
 * state set since by hand stays). */
static bool move_components(struct status_db *db, int64_t id, const char *status, int64_t update_id,
                            int64_t now_ms)
{
    bool start = !strcmp(status, "in_progress"), done = !strcmp(status, "completed");
    if (!start && !done) return true;
    sqlite3_stmt *st =
        status_db_prep(db, start ? "SELECT c.id, c.status FROM components c JOIN"
                                   " incident_components ic ON ic.component_id = c.id"
                                   " WHERE ic.incident_id = ?1 AND c.status <>"
                                   " 'under_maintenance' ORDER BY c.position"
                                 : "SELECT c.id, c.status FROM components c JOIN"
                                   " incident_components ic ON ic.component_id = c.id"
                                   " WHERE ic.incident_id = ?1 AND c.status ="
                                   " 'under_maintenance' ORDER BY c.position");
    if (!st) return false;
    sqlite3_bind_int64(st, 1, id);
    int64_t ids[64];
    char old[64][32];
    int n = 0;
    while (n < 64 && sqlite3_step(st) == SQLITE_ROW) {
        ids[n] = sqlite3_column_int64(st, 0);
        snprintf(old[n], sizeof old[n], "%s", (const char *)sqlite3_column_text(st, 1));
        n++;
    }
    sqlite3_finalize(st);
    const char *to = start ? "under_maintenance" : "operational";
    for (int i = 0; i < n; i++)
        if (!status_db_change(db, ids[i], old[i], to, STATUS_BY_MAINTENANCE, update_id, now_ms))
            return false;
    return true;
}

enum status_rc status_maintenance_update(struct status_db *db, int64_t id, const char *status,
                                         const char *body, int64_t now_ms)
{
    if (!text_ok(body, true) || !status_maintenance_status_valid(status)) return STATUS_BAD;
    if (!status_db_exec(db, "BEGIN IMMEDIATE")) return STATUS_ERROR;
    enum status_rc rc = status_db_stamp(db, id, "maintenance", status, now_ms);
    if (rc != STATUS_OK) return status_db_finish(db, rc);
    int64_t uid;
    bool ok = status_db_add_update(db, id, status, body, now_ms, &uid) &&
              move_components(db, id, status, uid, now_ms);
    return status_db_finish(db, ok ? STATUS_OK : STATUS_ERROR);
}
