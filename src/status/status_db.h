/* status_db: the status site's own small SQLite database (issue 10):
 * components with their states and the history of their changes, incidents
 * and scheduled maintenances with their timed updates. It is a file of its
 * own, never the app's database, so the status site answers while the app
 * or its database is down. */
#ifndef POSTROOM_STATUS_DB_H
#define POSTROOM_STATUS_DB_H
#include <stdbool.h>
#include <stdint.h>

struct status_db;

enum status_rc { STATUS_OK, STATUS_BAD, STATUS_NOTFOUND, STATUS_ERROR };

/* Opens path. create: make the file if missing, apply the migration and add
 * the default components (Web app, API, Labels, Imports, Tracking, all
 * operational); otherwise open read-only, as the server's handlers do. */
enum status_rc status_db_open(const char *path, bool create, struct status_db **out);
void status_db_close(struct status_db *db);

/* The words Statuspage v2 allows (docs/statuspage-v2.md). */
bool status_component_state_valid(const char *s);
bool status_incident_status_valid(const char *s);
bool status_impact_valid(const char *s);

/* Sets a component's state by name and records the change (STATUS_NOTFOUND:
 * no such component). */
enum status_rc status_component_set(struct status_db *db, const char *name, const char *state,
                                    int64_t now_ms);
/* Creates an incident with its first update and the components it affects
 * (names; STATUS_NOTFOUND if one is unknown, and nothing is written). */
enum status_rc status_incident_create(struct status_db *db, const char *name, const char *status,
                                      const char *impact, const char *const *components,
                                      int ncomponents, const char *body, int64_t now_ms,
                                      int64_t *id);
/* Adds an update; monitoring and resolved stamp monitoring_at/resolved_at. */
enum status_rc status_incident_update(struct status_db *db, int64_t id, const char *status,
                                      const char *body, int64_t now_ms);

#endif
