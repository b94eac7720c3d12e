/* operator_cli: `postroom operator add|list|disable`, the operators'
 * accounts (issue 10). */
#ifndef POSTROOM_APP_OPERATOR_CLI_H
#define POSTROOM_APP_OPERATOR_CLI_H

int cmd_operator(const char *db, int argc, char **argv);

#endif
