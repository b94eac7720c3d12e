/* status_cli: the status site's commands (status, status-serve,
 * status-export), which touch only the status database. */
#ifndef POSTROOM_APP_STATUS_CLI_H
#define POSTROOM_APP_STATUS_CLI_H

int cmd_status(int argc, char **argv);
int cmd_status_serve(int argc, char **argv);
int cmd_status_export(int argc, char **argv);

#endif
