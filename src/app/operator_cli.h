/* operator_cli: `postroom operator add|list|disable`, the operators'
 * accounts (issue 10). */
#ifndef POSTROOM_APP_OPERATOR_CLI_H
#define POSTROOM_APP_OPERATOR_CLI_H

#include <stdbool.h>
#include <stdint.h>

struct store;

int cmd_operator(const char *db, int argc, char **argv);

/* Who ran a command: $SUDO_USER, else $USER, else "unknown". */
const char *cli_login_name(void);
/* Appends one access audit record of a command (principal cli:NAME,
 * principal tenant 0, request id "cli"); false when that failed. The
 * commands that change or show what operators keep (operator, breach) call
 * it. */
bool cli_audit(struct store *s, int64_t data_tenant, const char *action, const char *objects);

#endif
