/* ops_impl: what the operators' pages share: their frame, their error
 * page and their audit records. */
#ifndef POSTROOM_OPS_IMPL_H
#define POSTROOM_OPS_IMPL_H
#include "domain/audit.h"
#include "http/request.h"
#include "util/html_escape.h"

#include <stdbool.h>

/* The operators' page frame (frame.c): the same stylesheet as the web
 * app's, a heading that says which realm this is. */
void ops_page_open(struct buf *b, const char *title);
void ops_page_close(struct buf *b);
/* The signed-in operator's navigation: console, breaches, blast radius. */
void ops_page_nav(struct buf *b);
/* An error as an operator page, with a way back to the console. */
void ops_error(struct request *r, int status, const char *message);
/* A 303 to the console (after a form). */
void ops_redirect(struct request *r, const char *to);

/* The access audit record of an operator action (audit.c): principal
 * operator:N (N is 0 when nobody is known), principal tenant 0. */
struct audit_record ops_audit_record(struct request *r, int64_t operator_id, int64_t data_tenant,
                                     const char *action, const char *objects);
/* Appends n records at once; false when that failed (the caller answers
 * 500 or 503, and shows nothing it would have recorded). */
bool ops_audit_append(struct request *r, const struct audit_record *recs, size_t n);
/* One record of r's operator. */
bool ops_audit(struct request *r, int64_t data_tenant, const char *action, const char *objects);

#endif
