/* audit_cmd: the `postroom audit` command (verify, checkpoint). */
#ifndef POSTROOM_APP_AUDIT_CMD_H
#define POSTROOM_APP_AUDIT_CMD_H

#include <stdint.h>

int cmd_audit(const char *db, int argc, char **argv);

struct store;
struct server_config;
/* The server's housekeeping: a checkpoint once N records
 * ($POSTROOM_AUDIT_CHECKPOINT_EVERY, default 1000) followed the last one
 * this process knows. */
void audit_housekeeping(struct store *s, const struct server_config *c);

/* Appends the record of an operator command run from the command line
 * (tenant create, user add, apikey create, killswitch on|off, sessions
 * revoke): principal "cli:LOGIN" ($SUDO_USER, else $USER) of tenant 0,
 * data_tenant the business concerned (0: none, or every one), objects
 * "kind:ID". Says so on stderr and returns 1 when it fails (the command's
 * change stands, unrecorded: the operator is told), else 0. */
int audit_cli(struct store *s, int64_t data_tenant, const char *action, const char *objects);

#endif
