/* breach_cmd: `postroom breach ...`, the breach register's command line
 * (blast-radius, open, list, show, update, decide, close, export). */
#ifndef POSTROOM_APP_BREACH_CMD_H
#define POSTROOM_APP_BREACH_CMD_H
int cmd_breach(const char *db, int argc, char **argv);

#endif
