/* operator_cli: `postroom operator add|list|disable`, the operators'
 * accounts (issue 10). */
#ifndef POSTROOM_APP_OPERATOR_CLI_H
#define POSTROOM_APP_OPERATOR_CLI_H

#include <stdbool.h>
#include <stdint.h>

struct store;

int cmd_operator(const char *db, int argc, char **argv);

#endif
