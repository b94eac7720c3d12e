/* import_cmd: `postroom import FILE --tenant ID [--format F]
 * [--skip-bad-rows]`, an import job run in this process by the same
 * engine the server's worker runs (service/import_job.h), with a progress
 * bar on a terminal. */
#ifndef POSTROOM_APP_IMPORT_CMD_H
#define POSTROOM_APP_IMPORT_CMD_H

int cmd_import(const char *db, int argc, char **argv);

#endif
