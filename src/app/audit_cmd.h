/* audit_cmd: the `postroom audit` command (verify, checkpoint). */
#ifndef POSTROOM_APP_AUDIT_CMD_H
#define POSTROOM_APP_AUDIT_CMD_H

int cmd_audit(const char *db, int argc, char **argv);

#endif
