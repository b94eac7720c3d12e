/* orders_impl: what the order pages share (order_page.c, order_form.c,
 * issue 11): finding the order a URL names in the principal's scope, the
 * business's senders, and the dates they show. */
#ifndef POSTROOM_WEB_ORDERS_IMPL_H
#define POSTROOM_WEB_ORDERS_IMPL_H
#include "http/request.h"
#include "store/store.h"

#include <stdbool.h>

/* The order r->params[0] names, read in the principal's scope and claimed
 * for the egress check. False after answering: the same 404 page for an
 * unknown number, another business's and a malformed one, or a 503. */
bool web_order_find(struct request *r, struct order_row *row);
/* The business's senders (store_senders_list); false after a 503. */
bool web_senders_read(struct request *r, struct sender_row **rows, size_t *n);
/* "2 Dec 2026 14:05" (UTC), or "" for 0. */
const char *web_when(struct request *r, int64_t ms);
/* The 503 page of a store call that failed. */
void web_store_failed(struct request *r);

#endif
