/* order_edit: editing an order that has not left yet (the web app's edit
 * page, issue 11).
 *
 * The edited CreateOrderRequest is checked exactly as a new one is
 * (order_batch_check: domain validation, and the postage quote when it
 * names a service), then replaces the order's document in one transaction
 * with its history line ("Edited") and the audit record (order.update).
 * Only a new or on-hold order may be edited. A new order whose edit names
 * a service gets that postage in the same transaction (its S10 number
 * reserved first, as order_batch_insert does), so it leaves the form as a
 * created one would; an on-hold order keeps the service for later. */
#ifndef POSTROOM_ORDER_EDIT_H
#define POSTROOM_ORDER_EDIT_H
#include "service/order_batch.h"

#include <jansson.h>
#include <stdbool.h>

/* status is the order's as the face read it. SERVICE_OK; SERVICE_INVALID
 * with b->errs[0] saying why; SERVICE_NOTFOUND when the scope has no such
 * order; SERVICE_STORE_ERROR; SERVICE_NO_SERIAL. *wrong_status is set when
 * the order is no longer new or on hold, or no longer in status
 * (SERVICE_INVALID, no field errors). */
enum service_rc service_order_edit(const struct service_ctx *c, int64_t order_id,
                                   const char *status, const json_t *item, struct order_batch *b,
                                   bool *wrong_status);

#endif
