/* cli: what every command of `postroom` shares: its error line, opening the
 * database, who is running it, and the access audit record each operator
 * command appends. One copy, so the audit names a person the same way
 * whichever command they ran. */
#ifndef POSTROOM_APP_CLI_H
#define POSTROOM_APP_CLI_H

#include <stdbool.h>
#include <stdint.h>

struct store;

/* "postroom: MSG" on stderr; returns 1, the commands' failing exit status. */
int cli_fail(const char *msg);
/* Opens and migrates db; 0, or 1 having said why. */
int cli_open_migrated(const char *db, struct store **s);
/* Who ran the command: $SUDO_USER, else $USER, else "unknown", kept to
 * letters, digits and ._@- (anything else becomes _), at most 64
 * characters. The commands are single-threaded: one static buffer. */
const char *cli_login_name(void);
/* Appends one access audit record of a command: principal "cli:NAME",
 * principal tenant 0, server host:pid, request id "cli"; data_tenant the
 * business concerned (0: none, or every one). False when that failed. */
bool cli_audit(struct store *s, int64_t data_tenant, const char *action, const char *objects);
/* cli_audit for a change already made: 0, or 1 having told the operator
 * that the change stands unrecorded. */
int cli_audit_told(struct store *s, int64_t data_tenant, const char *action, const char *objects);
/* Appends to db's chain the audit journals of servers that are gone (a
 * crashed server's reads wait there until some server starts), so a
 * command that reads the chain (audit verify and checkpoint, the breach
 * register's blast radius) sees every answered read. Says on stderr what it
 * did; the number replayed, -1 when one could not be. */
int cli_replay_audit_journals(const char *db);

#endif
