/* orders_status: one status update (new, despatched, despatched by another
 * courier) applied to the orders it names, whichever face asks.
 *
 * The orders are read in the context's scope, the move is planned by the
 * status rules (domain/status) from the status each was read in, and made
 * as one compare-and-set on that status, so an order changed meanwhile is
 * reported, never overwritten. */
#ifndef POSTROOM_SERVICE_ORDERS_STATUS_H
#define POSTROOM_SERVICE_ORDERS_STATUS_H
#include "domain/status.h"
#include "domain/types.h"
#include "service/service.h"

#include <stddef.h>

enum status_outcome {
    STATUS_UPDATED,
    STATUS_REFUSED, /* the rules do not allow the move: code and message say why */
    STATUS_RACED,   /* the order changed between reading and writing */
};

struct status_result {
    const struct order_row *row; /* as read, with the tenant id the store gave it */
    enum status_outcome outcome;
    const char *code, *message; /* STATUS_REFUSED only */
};

/* Applies sr to every order key names (an identifier names one order, a
 * reference may name several), as of c->now. *results holds one result per
 * order, *n of them (none when no order matches). SERVICE_OK, or
 * SERVICE_STORE_ERROR after a failed store call (changes already made
 * stand: each is its own transaction). */
enum service_rc service_order_status(const struct service_ctx *c, const struct order_key *key,
                                     const struct status_request *sr,
                                     struct status_result **results, size_t *n);

/* The same for one of the web app's moves (hold, release, cancel), planned
 * by status_plan_move. */
enum service_rc service_order_move(const struct service_ctx *c, const struct order_key *key,
                                   enum status_move move, struct status_result **results,
                                   size_t *n);

#endif
