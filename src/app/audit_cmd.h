/* audit_cmd: the `postroom audit` command (verify, checkpoint). */
#ifndef POSTROOM_APP_AUDIT_CMD_H
#define POSTROOM_APP_AUDIT_CMD_H

#include <stdint.h>

int cmd_audit(const char *db, int argc, char **argv);

struct store;
struct server_config;
/* The server's housekeeping: a checkpoint once N records
 * ($POSTROOM_AUDIT_CHECKPOINT_EVERY, default 1000) followed the last one
 * this process knows, or T seconds ($POSTROOM_AUDIT_CHECKPOINT_SECONDS,
 * default 60) passed since it with records added; copied to the status
 * site's store too when the server has one (serve --status-db). */
void audit_housekeeping(struct store *s, const struct server_config *c);

#endif
