/* status_db: the status site's own database: its migration (kept here, not
 * in store/migrations/, since it is another file for another process), the
 * default components, and the few writes the status CLI makes. */
#include "status/status_db.h"
#include "status/status_db_impl.h"
#include "util/timefmt.h"

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

static bool exec(struct status_db *db, const char *sql)
{
    return sqlite3_exec(db->db, sql, NULL, NULL, NULL) == SQLITE_OK;
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
        bool ok = exec(db, "PRAGMA journal_mode=WAL") && exec(db, "BEGIN IMMEDIATE") &&
                  exec(db, migration) && add_defaults(db) && exec(db, "COMMIT");
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

static enum status_rc component_id(struct status_db *db, const char *name, int64_t *id,
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

static bool step_done(sqlite3_stmt *st)
{
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok;
}

static sqlite3_stmt *prep(struct status_db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK) return NULL;
    return st;
}

static enum status_rc finish(struct status_db *db, enum status_rc rc)
{
    exec(db, rc == STATUS_OK ? "COMMIT" : "ROLLBACK");
    return rc;
}

enum status_rc status_component_set(struct status_db *db, const char *name, const char *state,
                                    int64_t now_ms)
{
    if (!status_component_state_valid(state)) return STATUS_BAD;
    if (!exec(db, "BEGIN IMMEDIATE")) return STATUS_ERROR;
    int64_t id;
    const char *old;
    char oldbuf[32];
    enum status_rc rc = component_id(db, name, &id, &old, oldbuf, sizeof oldbuf);
    if (rc != STATUS_OK) return finish(db, rc);
    sqlite3_stmt *st = prep(db, "UPDATE components SET status = ?2, updated_at = ?3 WHERE id = ?1");
    if (!st) return finish(db, STATUS_ERROR);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now_ms);
    if (!step_done(st)) return finish(db, STATUS_ERROR);
    st = prep(db, "INSERT INTO component_changes(component_id, old_status, new_status, at)"
                  " VALUES (?1, ?2, ?3, ?4)");
    if (!st) return finish(db, STATUS_ERROR);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, old, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now_ms);
    return finish(db, step_done(st) ? STATUS_OK : STATUS_ERROR);
}

static bool add_update(struct status_db *db, int64_t incident, const char *status, const char *body,
                       int64_t now_ms)
{
    sqlite3_stmt *st = prep(db, "INSERT INTO incident_updates(incident_id, status, body,"
                                " created_at) VALUES (?1, ?2, ?3, ?4)");
    if (!st) return false;
    sqlite3_bind_int64(st, 1, incident);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now_ms);
    return step_done(st);
}

/* monitoring_at and resolved_at keep the first time the status was reached */
static const char stamp_sql[] =
    "UPDATE incidents SET status = ?2, updated_at = ?3,"
    " monitoring_at = CASE WHEN ?2 = 'monitoring' AND monitoring_at IS NULL THEN ?3"
    " ELSE monitoring_at END,"
    " resolved_at = CASE WHEN ?2 = 'resolved' THEN COALESCE(resolved_at, ?3) ELSE NULL END"
    " WHERE id = ?1 AND kind = 'incident'";

static bool stamp(struct status_db *db, int64_t id, const char *status, int64_t now_ms)
{
    sqlite3_stmt *st = prep(db, stamp_sql);
    if (!st) return false;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now_ms);
    return step_done(st) && sqlite3_changes(db->db) == 1;
}

enum status_rc status_incident_create(struct status_db *db, const char *name, const char *status,
                                      const char *impact, const char *const *components,
                                      int ncomponents, const char *body, int64_t now_ms,
                                      int64_t *id)
{
    if (!name || !*name || !body || !*body || !status_incident_status_valid(status) ||
        !status_impact_valid(impact))
        return STATUS_BAD;
    if (!exec(db, "BEGIN IMMEDIATE")) return STATUS_ERROR;
    sqlite3_stmt *st = prep(db, "INSERT INTO incidents(name, status, impact, created_at,"
                                " updated_at, started_at) VALUES (?1, 'investigating', ?2, ?3,"
                                " ?3, ?3)");
    if (!st) return finish(db, STATUS_ERROR);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, impact, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now_ms);
    if (!step_done(st)) return finish(db, STATUS_ERROR);
    *id = sqlite3_last_insert_rowid(db->db);
    for (int i = 0; i < ncomponents; i++) {
        int64_t cid;
        enum status_rc rc = component_id(db, components[i], &cid, NULL, NULL, 0);
        if (rc != STATUS_OK) return finish(db, rc);
        st = prep(db, "INSERT OR IGNORE INTO incident_components VALUES (?1, ?2)");
        if (!st) return finish(db, STATUS_ERROR);
        sqlite3_bind_int64(st, 1, *id);
        sqlite3_bind_int64(st, 2, cid);
        if (!step_done(st)) return finish(db, STATUS_ERROR);
    }
    bool ok = stamp(db, *id, status, now_ms) && add_update(db, *id, status, body, now_ms);
    return finish(db, ok ? STATUS_OK : STATUS_ERROR);
}

enum status_rc status_incident_update(struct status_db *db, int64_t id, const char *status,
                                      const char *body, int64_t now_ms)
{
    if (!body || !*body || !status_incident_status_valid(status)) return STATUS_BAD;
    if (!exec(db, "BEGIN IMMEDIATE")) return STATUS_ERROR;
    sqlite3_stmt *st = prep(db, stamp_sql);
    if (!st) return finish(db, STATUS_ERROR);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now_ms);
    if (!step_done(st)) return finish(db, STATUS_ERROR);
    if (sqlite3_changes(db->db) != 1) return finish(db, STATUS_NOTFOUND);
    return finish(db, add_update(db, id, status, body, now_ms) ? STATUS_OK : STATUS_ERROR);
}
