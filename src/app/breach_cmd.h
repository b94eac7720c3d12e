/* breach_cmd: `postroom breach ...`, the breach register's command line
 * (blast-radius, open, list, show, update, decide, close, export), and the
 * blast radius refresh the tripwire shares with it. */
#ifndef POSTROOM_APP_BREACH_CMD_H
#define POSTROOM_APP_BREACH_CMD_H
#include <stdint.h>

struct store;
struct arena;

int cmd_breach(const char *db, int argc, char **argv);

/* Folds the breach's blast radius over its window (window_to 0: up to now)
 * from the audit and the security events, and stores it. */
int breach_refresh_radius(struct store *s, int64_t id, int64_t now, struct arena *a);

#endif
