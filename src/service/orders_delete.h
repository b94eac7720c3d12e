/* orders_delete: deleting the orders one key names, whichever face asks.
 *
 * A manifested order is never deleted (domain/status); deleting any other
 * voids its label (tracking number and postage) in the same transaction,
 * as of the context's clock. */
#ifndef POSTROOM_SERVICE_ORDERS_DELETE_H
#define POSTROOM_SERVICE_ORDERS_DELETE_H
#include "domain/types.h"
#include "service/service.h"

#include <stddef.h>

enum delete_outcome {
    DELETE_DONE,
    DELETE_REFUSED, /* its status does not allow it (manifested) */
    DELETE_GONE,    /* deleted meanwhile (by an earlier key naming it too) */
};

struct delete_result {
    const struct order_row *row; /* as read, with the tenant id the store gave it */
    enum delete_outcome outcome;
};

/* Deletes every order key names; *results holds one result per order, *n
 * of them (none when no order matches). SERVICE_OK, or SERVICE_STORE_ERROR
 * after a failed store call (deletions already made stand). */
enum service_rc service_orders_delete(const struct service_ctx *c, const struct order_key *key,
                                      struct delete_result **results, size_t *n);

#endif
