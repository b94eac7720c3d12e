/* order_batch: how orders are born, whichever door they came in by.
 *
 * POST /orders and the web import both hand over CreateOrderRequest items;
 * each is validated against the spec (domain/order), quoted for postage when
 * it names a service (domain/postage), given an S10 number, and the valid
 * ones are inserted in one transaction. Keeping this in one place means an
 * imported order is checked exactly as strictly as an API one. An order
 * that names no service takes postage from the business's shipping rules
 * (service/postage_apply), read once per batch at insert time (when the
 * door has said which channel the orders came by), and its history says
 * which rule applied. */
#ifndef POSTROOM_ORDER_BATCH_H
#define POSTROOM_ORDER_BATCH_H
#include "domain/order.h"
#include "domain/postage.h"
#include "service/service.h"

#include <jansson.h>
#include <stddef.h>

#define ORDER_BATCH_FAILED ((size_t)-1)
/* slot of an item left out because the business already held its reference
 * (skip_existing); held[item] names that order */
#define ORDER_BATCH_HELD ((size_t)-2)

struct order_batch {
    size_t n;                     /* items handed in */
    const json_t *const *items;   /* borrowed */
    struct order_new *valid;      /* nvalid of them, in item order */
    struct postage_quote *quotes; /* per valid order */
    size_t nvalid;
    struct order_errors *errs; /* per item: why it failed */
    size_t *slot;              /* per item: index into valid, or ORDER_BATCH_FAILED */
    int64_t *ids;              /* per valid order, once inserted */
    int64_t *tenants;          /* per valid order: the tenant id the store wrote it under */
    int64_t now;               /* createdOn of every order in the batch (c->now) */
    const char **history;      /* per valid order: the rule's history line, or NULL */
    size_t nruled;             /* how many took postage from a rule */
    /* Set by a door before the insert (the import's "skip orders already in
     * postroom"): a valid order whose reference the business already holds
     * is left out, decided inside the insert's write transaction, so two
     * uploads of one file racing each other create each order once. The
     * API never sets it: there a reference may repeat. */
    bool skip_existing;
    struct order_held {
        int64_t order_id, tenant_id; /* 0 unless the item's slot is ORDER_BATCH_HELD */
    } * held;                        /* per item */
    size_t nheld;
};

/* Validates and quotes every item (allocating from the request's arena). */
void order_batch_check(const struct service_ctx *c, const json_t *const *items, size_t n,
                       struct order_batch *b);
/* Applies the business's shipping rules to the valid orders that name no
 * service, then inserts the valid orders in one transaction, S10 numbers
 * first; a store return code (STORE_OK, or an error after which nothing
 * was inserted). With skip_existing, the orders whose reference the
 * business holds by then are left out (slot ORDER_BATCH_HELD, nvalid
 * counting only those created). */
int order_batch_insert(const struct service_ctx *c, struct order_batch *b);
/* What order_batch_insert does before it inserts (the shipping rules, then
 * S10 numbers), for a door that stages the orders and inserts them later
 * (service/import_job.c): b->history then holds each rule's line. */
int order_batch_prepare(const struct service_ctx *c, struct order_batch *b);
/* The order_row a just-created order reads back as, without a store call
 * (an item whose slot is an index into valid).
 * Its tenant id is the one the store reported writing, never the caller's
 * scope, so the face's egress claim compares two independent answers. */
struct order_row order_batch_row(const struct service_ctx *c, const struct order_batch *b,
                                 size_t item);

#endif
