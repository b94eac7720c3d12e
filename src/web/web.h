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

/* import.c */
void web_import_form(struct request *r);
void web_import(struct request *r);

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
