/* web: the browser side. Sign-in, sign-out and the account page for now;
 * the full web app builds on the same session and CSRF guard. */
#ifndef POSTROOM_WEB_H
#define POSTROOM_WEB_H
#include "http/request.h"

void web_signin_form(struct request *r);
void web_signin(struct request *r);
void web_signout(struct request *r);
void web_home(struct request *r);

/* errors.c: an error as a page (server_config.error_page) */
void web_error_page(struct request *r, int status, const char *message);

/* notices.c: a business's notices of breaches that touched its records: the
 * banner its signed-in pages carry, the page /notices, and the notice on
 * the 503 page while a kill switch stops the pages */
void web_notice_banner(struct request *r);
void web_notice_suspended(struct request *r);
void web_notices(struct request *r);

/* assets.c */
void web_style(struct request *r);
void web_script(struct request *r);

/* export.c */
void web_export_form(struct request *r);
void web_export_csv(struct request *r);

/* report.c: "Report a data problem" */
void web_report_form(struct request *r);
void web_report(struct request *r);

/* account.c: the signed-in user's own account, and two-factor sign-in */
void web_account(struct request *r);
void web_account_password(struct request *r);
void web_account_totp_setup(struct request *r);
void web_account_totp(struct request *r);
void web_account_totp_qr(struct request *r);
void web_account_totp_enable(struct request *r);
void web_account_totp_disable(struct request *r);
/* signin.c: the code step of a sign-in with two-factor on */
void web_signin_code_form(struct request *r);
void web_signin_code(struct request *r);

/* import.c */
void web_import_form(struct request *r);
void web_import(struct request *r);

/* order_page.c, order_form.c: one order, its PDFs, creating and editing
 * (issue 11) */
void web_order_page(struct request *r);
void web_order_label(struct request *r);
void web_order_despatch_note(struct request *r);
void web_order_new_form(struct request *r);
void web_order_create(struct request *r);
void web_order_edit_form(struct request *r);
void web_order_edit(struct request *r);

/* senders.c: trading names and sender addresses, /settings/senders */
void web_senders(struct request *r);
void web_sender_add(struct request *r);
void web_sender_edit_form(struct request *r);
void web_sender_edit(struct request *r);
void web_sender_default(struct request *r);
void web_sender_remove(struct request *r);

#endif
