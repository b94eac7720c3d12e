/* status_post: the app's own posts to the status site's database (issue
 * 10): an incident when a kill switch goes on (by an operator or the
 * tripwire), an update when it goes off. The status site is a database of
 * its own (status/status_db.h); which incident is about which switch is
 * kept in the app's (status_posts, migration 009), so that `killswitch
 * off` updates the incident `on` opened. No personal data in any text. */
#ifndef POSTROOM_APP_STATUS_POST_H
#define POSTROOM_APP_STATUS_POST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* The subject a switch's incident is kept under: "killswitch:TENANT:FEATURE". */
void status_post_subject(int64_t tenant_id, const char *feature, char *out, size_t n);

/* Posts (unless one is up for this switch already) an investigating incident (impact critical for a
 * global switch, major for one business's or one feature's) on API and Web app, and remembers it
 * under the switch's subject. *incident gets its id (0 when none was posted). False when the status
 * database could not be written. */
bool status_post_switch_on(struct store *s, const char *status_db, int64_t tenant_id,
                           const char *feature, const char *reason, int64_t now, int64_t *incident);
/* Adds a resolved update to the incident the switch opened, if any (and
 * sets API and Web app back to operational after a global switch). */
bool status_post_switch_off(struct store *s, const char *status_db, int64_t tenant_id,
                            const char *feature, int64_t now);

struct request;
/* server_config.killswitch_changed: the same posts for a switch set or
 * cleared in the operators' console, to the server's --status-db. */
bool status_post_console(struct request *r, int64_t tenant_id, const char *feature, bool on,
                         const char *reason);

#endif
