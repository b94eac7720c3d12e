/* status_db: the status site's own small SQLite database (issue 10):
 * components with their states and the history of their changes, incidents
 * and scheduled maintenances with their timed updates. It is a file of its
 * own, never the app's database, so the status site answers while the app
 * or its database is down.
 *
 * Plain C, for any layer that links status/ (the app's commands, the
 * tripwire): open the file with create = true, call one of the writes below
 * (each its own transaction, safe beside a running status-serve: SQLite's
 * WAL with a busy timeout), close. Times are Unix milliseconds, UTC; text is
 * UTF-8 without control characters (a body may hold line breaks), else
 * STATUS_BAD and nothing is written. */
#ifndef POSTROOM_STATUS_DB_H
#define POSTROOM_STATUS_DB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct status_db;

enum status_rc { STATUS_OK, STATUS_BAD, STATUS_NOTFOUND, STATUS_ERROR };

/* Who moved a component (kept in its history): the prober gives back only
 * the states it set itself (status_probe.h). */
enum status_source { STATUS_BY_OPERATOR, STATUS_BY_PROBE, STATUS_BY_MAINTENANCE };

/* Opens path. create: make the file if missing, apply the migration and add
 * the default components (Web app, API, Labels, Imports, Tracking, all
 * operational); otherwise open read-only, as the server's handlers do. */
enum status_rc status_db_open(const char *path, bool create, struct status_db **out);
void status_db_close(struct status_db *db);

/* The words Statuspage v2 allows (docs/statuspage-v2.md). */
bool status_component_state_valid(const char *s);
bool status_incident_status_valid(const char *s);    /* investigating..resolved */
bool status_impact_valid(const char *s);             /* none|minor|major|critical */
bool status_maintenance_status_valid(const char *s); /* scheduled..completed */

bool status_component_exists(struct status_db *db, const char *name);
/* Sets a component's state by name and records the change (STATUS_NOTFOUND:
 * no such component), as an operator's. */
enum status_rc status_component_set(struct status_db *db, const char *name, const char *state,
                                    int64_t now_ms);
/* Creates an incident with its first update (status investigating,
 * identified, monitoring or resolved; impact none..critical) and the
 * components it affects (names; STATUS_NOTFOUND if one is unknown, and
 * nothing is written); *id is the new incident's. Component states are not
 * changed: status_component_set does that. */
enum status_rc status_incident_create(struct status_db *db, const char *name, const char *status,
                                      const char *impact, const char *const *components,
                                      int ncomponents, const char *body, int64_t now_ms,
                                      int64_t *id);
/* Adds an update; monitoring and resolved stamp monitoring_at/resolved_at,
 * any other status reopens (resolved_at null). STATUS_NOTFOUND: no such
 * incident. */
enum status_rc status_incident_update(struct status_db *db, int64_t id, const char *status,
                                      const char *body, int64_t now_ms);

/* A scheduled maintenance (status scheduled, impact maintenance) from
 * scheduled_for to scheduled_until (later), on the named components. */
enum status_rc status_maintenance_create(struct status_db *db, const char *name,
                                         int64_t scheduled_for, int64_t scheduled_until,
                                         const char *const *components, int ncomponents,
                                         const char *body, int64_t now_ms, int64_t *id);
/* Adds an update (scheduled, in_progress, verifying, completed). in_progress
 * puts the maintenance's components under_maintenance; completed gives
 * operational back to those still under_maintenance, and stamps
 * resolved_at; both are recorded as the update's affected_components. */
enum status_rc status_maintenance_update(struct status_db *db, int64_t id, const char *status,
                                         const char *body, int64_t now_ms);

/* The access audit's checkpoints (issue 10, docs/incident.md "Access
 * audit"): the app copies here each signed line it writes beside its
 * database ("COUNT HEAD TIME SIGNATURE", exactly as in DB.audit-checkpoints:
 * decimal digits, lowercase hex and single spaces, no newline), with
 * public_key, the hex of the Ed25519 key that signed it (64 digits). Adds
 * those of lines[0..n) not here yet, in one transaction, and says how many
 * were new in *added; STATUS_BAD: a line or key of another shape, and
 * nothing is written. Only ever added to: the table refuses UPDATE and
 * DELETE. */
enum status_rc status_audit_checkpoints_add(struct status_db *db, const char *const *lines,
                                            size_t n, const char *public_key, int64_t now_ms,
                                            size_t *added);
/* Calls fn with each checkpoint here, in the order they were received, until
 * it returns false. */
typedef bool (*status_checkpoint_fn)(void *ctx, const char *line, const char *public_key);
enum status_rc status_audit_checkpoints_each(struct status_db *db, status_checkpoint_fn fn,
                                             void *ctx);

struct buf;
/* What the site publishes so anybody can hold postroom to its checkpoints:
 * the signed lines, one a line as in the file (STATUS_AUDIT_LINES_PATH),
 * and each public key that signed them, in the order first seen
 * (STATUS_AUDIT_KEYS_PATH). False if the database could not be read. */
#define STATUS_AUDIT_LINES_PATH "audit/checkpoints.txt"
#define STATUS_AUDIT_KEYS_PATH "audit/public-keys.txt"
bool status_write_audit_lines(struct status_db *db, struct buf *out);
bool status_write_audit_keys(struct status_db *db, struct buf *out);

#endif
