/* ops: the operators' pages under /ops/ (issue 10), a realm apart from the
 * businesses' web app: their own sign-in (password and a TOTP code), their
 * own sessions (auth/operator.h, AUTH_OPERATOR in the route table) and a
 * console that shows the kill switches, the businesses (ids, names and
 * order counts by status: never an order's contents), the latest access
 * audit records and the businesses' data-problem reports. Every operator
 * action, and every view of a business's counts or of the audit, appends
 * to the access audit as operator:N. Like web/, this layer never includes
 * api/; it does not include web/ either (nor web/ it): the escaping writer
 * both use is util/html_escape.h. */
#ifndef POSTROOM_OPS_H
#define POSTROOM_OPS_H
#include "http/request.h"

/* signin.c */
void ops_login_form(struct request *r);
void ops_login(struct request *r);
void ops_logout(struct request *r);

/* console.c */
void ops_console(struct request *r);
void ops_killswitch_on(struct request *r);
void ops_killswitch_off(struct request *r);
void ops_report_handled(struct request *r);
/* POST /ops/apikeys/revoke: every API key of one business (console.c) */
void ops_apikeys_revoke(struct request *r);

/* breaches.c: the breach register and the blast radius */
void ops_breaches(struct request *r);
void ops_breach(struct request *r);
void ops_breach_draft(struct request *r);
void ops_breach_note(struct request *r);
void ops_breach_decide(struct request *r);
void ops_breach_close(struct request *r);
void ops_blast_radius(struct request *r);

#endif
