/* status_db_impl: the status database's connection and the pieces of its
 * writes, shared by the files of status/ (status_json.c, status_page.c,
 * status_probe.c) and by no other layer. */
#ifndef POSTROOM_STATUS_DB_IMPL_H
#define POSTROOM_STATUS_DB_IMPL_H
#include "status/status_db.h"

#include <sqlite3.h>

struct status_db {
    sqlite3 *db;
};

/* A new incident (scheduled_for 0) or maintenance, with its first update. */
struct status_new {
    const char *name, *status, *impact;
    const char *const *components;
    int ncomponents;
    const char *body;
    int64_t scheduled_for, scheduled_until;
};

bool status_db_exec(struct status_db *db, const char *sql);
sqlite3_stmt *status_db_prep(struct status_db *db, const char *sql);
bool status_db_step_done(sqlite3_stmt *st); /* steps once, finalizes */
/* COMMIT on STATUS_OK, else ROLLBACK; returns rc. */
enum status_rc status_db_finish(struct status_db *db, enum status_rc rc);

/* The rest run inside the caller's transaction. */
enum status_rc status_db_component_id(struct status_db *db, const char *name, int64_t *id,
                                      const char **old, char *oldbuf, size_t n);
bool status_db_change(struct status_db *db, int64_t id, const char *old, const char *state,
                      enum status_source by, int64_t update_id, int64_t now_ms);
bool status_db_add_update(struct status_db *db, int64_t incident, const char *status,
                          const char *body, int64_t now_ms, int64_t *update_id);
/* Sets an incident's (kind "incident") or maintenance's status and stamps
 * updated_at, monitoring_at, resolved_at; STATUS_NOTFOUND if no such row. */
enum status_rc status_db_stamp(struct status_db *db, int64_t id, const char *kind,
                               const char *status, int64_t now_ms);
enum status_rc status_db_link(struct status_db *db, int64_t incident, const char *component);
enum status_rc status_db_insert(struct status_db *db, const struct status_new *n, int64_t now_ms,
                                int64_t *id, int64_t *update_id);

#endif
