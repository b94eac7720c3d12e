/* web: the browser side. Sign-in, sign-out and the account page for now;
 * the full web app builds on the same session and CSRF guard. */
#ifndef POSTROOM_WEB_H
#define POSTROOM_WEB_H
#include "http/request.h"

void web_signin_form(struct request *r);
void web_signin(struct request *r);
void web_signout(struct request *r);
/* dashboard.c: the signed-in home page, GET / */
void web_home(struct request *r);

/* manifests.c: the manifests page, making one, its PDF, the daily setting */
void web_manifests(struct request *r);
void web_manifests_create(struct request *r);
void web_manifest_pdf(struct request *r);
void web_manifests_daily(struct request *r);

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
/* rules.c: shipping rules (the list; administrators change them) */
void web_rules(struct request *r);
void web_rule_new_form(struct request *r);
void web_rule_create(struct request *r);
void web_rule_edit_form(struct request *r);
void web_rule_update(struct request *r);
void web_rule_delete(struct request *r);
void web_rule_up(struct request *r);
void web_rule_down(struct request *r);
void web_rule_enable(struct request *r);
void web_rule_disable(struct request *r);
/* orders_postage.c: POST /orders/bulk/postage */
void web_orders_bulk_postage(struct request *r);

/* import.c */
void web_import_form(struct request *r);
void web_import(struct request *r);
/* import_mapping.c: a business's own column mappings (issue 13): the
 * mapping page's post, the saved mappings, one of them, rename, delete */
void web_import_mapping(struct request *r);
void web_import_mappings(struct request *r);
void web_import_mapping_page(struct request *r);
void web_import_mapping_rename(struct request *r);
void web_import_mapping_delete(struct request *r);
void web_import_job(struct request *r);        /* GET /import/jobs/{n} */
void web_import_job_status(struct request *r); /* GET /import/jobs/{n}/status, JSON */

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
/* orders.c: the orders list; orders_bulk.c: the actions on its ticked orders */
void web_orders(struct request *r);
void web_orders_bulk_labels(struct request *r);
void web_orders_bulk_despatch_notes(struct request *r);
void web_orders_bulk_despatched(struct request *r);
void web_orders_bulk_hold(struct request *r);
void web_orders_bulk_release(struct request *r);
void web_orders_bulk_cancel(struct request *r);
void web_orders_bulk_delete(struct request *r);

#endif
