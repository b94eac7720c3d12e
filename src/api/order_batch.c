/* order_batch: validate, quote, number and insert new orders (see the header). */
#include "api/order_batch.h"
#include "domain/s10.h"
#include "domain/status.h"
#include "http/server.h"
#include "store/store.h"
#include "util/timefmt.h"

#include <string.h>

/* Validation hook: quotes postage for orders that name a service. */
struct quote_ctx {
    const struct tariff *tariff;
    struct arena *arena;
    struct postage_quote *quote; /* this item's */
};

static bool quote_check(void *ctx, const json_t *doc, struct order_errors *errs)
{
    struct quote_ctx *q = ctx;
    return postage_quote(q->tariff, doc, q->arena, q->quote, errs);
}

void order_batch_check(struct request *r, const json_t *const *items, size_t n,
                       struct order_batch *b)
{
    *b = (struct order_batch){.n = n, .items = items};
    b->valid = arena_alloc(&r->arena, (n ? n : 1) * sizeof *b->valid);
    b->quotes = arena_alloc(&r->arena, (n ? n : 1) * sizeof *b->quotes);
    b->errs = arena_alloc(&r->arena, (n ? n : 1) * sizeof *b->errs);
    b->slot = arena_alloc(&r->arena, (n ? n : 1) * sizeof *b->slot);
    b->ids = arena_alloc(&r->arena, (n ? n : 1) * sizeof *b->ids);
    for (size_t i = 0; i < n; i++) {
        struct quote_ctx qc = {r->cfg->tariff, &r->arena, &b->quotes[b->nvalid]};
        if (order_validate_with(items[i], &r->arena, &b->valid[b->nvalid], &b->errs[i],
                                r->cfg->tariff ? quote_check : NULL, &qc))
            b->slot[i] = b->nvalid++;
        else
            b->slot[i] = ORDER_BATCH_FAILED;
    }
}

/* Gives every order that bought postage an S10 number: serials are reserved
 * per prefix in one step, before the orders' own transaction, so a failed
 * insert only leaves unused serials (never a reused one). */
static int assign_tracking(struct request *r, struct order_batch *b)
{
    struct order_new *valid = b->valid;
    const struct postage_quote *quotes = b->quotes;
    for (size_t i = 0; i < b->nvalid; i++) {
        if (!quotes[i].service_code || valid[i].postage) continue;
        const char *prefix = quotes[i].s10_prefix;
        int n = 0;
        for (size_t j = i; j < b->nvalid; j++)
            n += quotes[j].service_code && !valid[j].postage &&
                 !strcmp(quotes[j].s10_prefix, prefix);
        int64_t serial;
        int rc = store_s10_reserve(r->store, prefix, n, &serial);
        if (rc != STORE_OK) return rc;
        for (size_t j = i; j < b->nvalid; j++) {
            if (!quotes[j].service_code || valid[j].postage || strcmp(quotes[j].s10_prefix, prefix))
                continue;
            struct postage *p = arena_alloc(&r->arena, sizeof *p);
            char *tn = arena_alloc(&r->arena, S10_LEN + 1);
            if (!s10_format(tn, prefix, (uint32_t)serial++)) return STORE_ERROR;
            *p = (struct postage){quotes[j].service_code, quotes[j].pence, tn};
            valid[j].postage = p;
        }
    }
    return STORE_OK;
}

int order_batch_insert(struct request *r, struct order_batch *b)
{
    b->now = time_now_ms();
    if (!b->nvalid) return STORE_OK;
    struct scope sc = scope_of(&r->principal);
    int rc = assign_tracking(r, b);
    if (rc != STORE_OK) return rc;
    return store_orders_insert(r->store, &sc, b->valid, b->nvalid, b->now, b->ids);
}

struct order_row order_batch_row(const struct request *r, const struct order_batch *b, size_t item)
{
    const struct order_new *o = &b->valid[b->slot[item]];
    return (struct order_row){.tenant_id = r->principal.tenant_id,
                              .order_id = b->ids[b->slot[item]],
                              .reference = o->reference,
                              .status = o->postage ? STATUS_POSTAGE_APPLIED : STATUS_NEW,
                              .created_on = b->now,
                              .order_date = o->order_date,
                              .tracking_number = o->postage ? o->postage->tracking_number : NULL,
                              .package_count = o->package_count,
                              .channel = o->channel};
}
