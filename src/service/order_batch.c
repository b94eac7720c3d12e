/* order_batch: validate, quote, number and insert new orders (see the header). */
#include "service/order_batch.h"
#include "service/postage_apply.h"
#include "store/store_rules.h"
#include "domain/s10.h"
#include "domain/audit.h"
#include "domain/status.h"
#include "store/store.h"
#include "util/buf.h"

#include <stdlib.h>
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

void order_batch_check(const struct service_ctx *c, const json_t *const *items, size_t n,
                       struct order_batch *b)
{
    *b = (struct order_batch){.n = n, .items = items};
    b->valid = arena_alloc(c->arena, (n ? n : 1) * sizeof *b->valid);
    b->quotes = arena_alloc(c->arena, (n ? n : 1) * sizeof *b->quotes);
    b->errs = arena_alloc(c->arena, (n ? n : 1) * sizeof *b->errs);
    b->slot = arena_alloc(c->arena, (n ? n : 1) * sizeof *b->slot);
    b->ids = arena_alloc(c->arena, (n ? n : 1) * sizeof *b->ids);
    b->tenants = arena_alloc(c->arena, (n ? n : 1) * sizeof *b->tenants);
    b->history = arena_alloc(c->arena, (n ? n : 1) * sizeof *b->history);
    b->held = arena_alloc(c->arena, (n ? n : 1) * sizeof *b->held);
    for (size_t i = 0; i < n; i++) {
        struct quote_ctx qc = {c->tariff, c->arena, &b->quotes[b->nvalid]};
        if (order_validate_with(items[i], c->arena, &b->valid[b->nvalid], &b->errs[i],
                                c->tariff ? quote_check : NULL, &qc))
            b->slot[i] = b->nvalid++;
        else
            b->slot[i] = ORDER_BATCH_FAILED;
    }
}

/* Shipping rules: each valid order that names no service takes the first
 * rule that matches it and whose service can carry it, quoted as if it had
 * named that service (and stored so). The rules are read only when some
 * order needs them, once for the batch. */
static int apply_rules(const struct service_ctx *c, struct order_batch *b)
{
    bool needed = false;
    for (size_t i = 0; i < b->nvalid; i++)
        needed |= !b->quotes[i].service_code && !b->valid[i].postage;
    if (!needed || !c->tariff) return STORE_OK;
    struct shipping_rule *rules;
    size_t n;
    int rc = store_rules_list(c->store, &c->scope, c->arena, &rules, &n);
    if (rc != STORE_OK || !n) return rc;
    for (size_t i = 0; i < b->nvalid; i++) {
        if (b->quotes[i].service_code || b->valid[i].postage) continue;
        const char *doc;
        const struct shipping_rule *rule;
        if (!postage_quote_for(c, b->valid[i].doc, b->valid[i].channel, rules, n, NULL,
                               &b->quotes[i], &doc, &rule))
            continue;
        b->valid[i].doc = doc;
        b->history[i] = postage_rule_line(c, rule);
        b->nruled++;
    }
    return STORE_OK;
}

/* Gives every order that bought postage an S10 number: serials are reserved
 * per prefix in one step, before the orders' own transaction, so a failed
 * insert only leaves unused serials (never a reused one). */
static int assign_tracking(const struct service_ctx *c, struct order_batch *b)
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
        int rc = store_s10_reserve(c->store, prefix, n, &serial);
        if (rc != STORE_OK) return rc;
        for (size_t j = i; j < b->nvalid; j++) {
            if (!quotes[j].service_code || valid[j].postage || strcmp(quotes[j].s10_prefix, prefix))
                continue;
            struct postage *p = arena_alloc(c->arena, sizeof *p);
            char *tn = arena_alloc(c->arena, S10_LEN + 1);
            if (!s10_format(tn, prefix, (uint32_t)serial++)) return STORE_ERROR;
            *p = (struct postage){quotes[j].service_code, quotes[j].pence, tn};
            valid[j].postage = p;
        }
    }
    return STORE_OK;
}

/* "order:1001,1002": the ids the batch created, for the audit. */
static const char *created_ids(const struct service_ctx *c, const struct order_batch *b)
{
    struct buf o;
    buf_init(&o, c->arena);
    buf_adds(&o, "order:");
    for (size_t i = 0; i < b->nvalid; i++) {
        if (i) buf_addc(&o, ',');
        buf_add_i64(&o, b->ids[i]);
    }
    return buf_cstr(&o);
}

/* The history lines of the orders a rule gave postage. */
static int rule_history(const struct service_ctx *c, const struct order_batch *b)
{
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < b->nvalid; i++)
        if (b->history[i])
            rc = store_order_history_add(c->store, &c->scope, b->ids[i], "postageApplied",
                                         b->history[i], b->now);
    return rc;
}

/* Held orders sorted by reference, the oldest first among equals. */
static int held_cmp(const void *x, const void *y)
{
    const struct order_row *a = x, *b = y;
    int d = strcmp(a->reference ? a->reference : "", b->reference ? b->reference : "");
    return d ? d : (a->order_id > b->order_id) - (a->order_id < b->order_id);
}

static const struct order_row *held_find(const struct order_row *rows, size_t n, const char *ref)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* the first row whose reference is not below ref */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(rows[mid].reference ? rows[mid].reference : "", ref) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && rows[lo].reference && !strcmp(rows[lo].reference, ref) ? &rows[lo] : NULL;
}

/* skip_existing, run inside the write transaction: reads which of the
 * batch's references the business holds now (the write lock taken, so an
 * upload racing this one has either committed its orders, and they are
 * seen here, or waits for this one) and takes those orders out of valid,
 * keeping the rest in item order. Their S10 serials stay unused. */
static int leave_out_held(const struct service_ctx *c, struct order_batch *b)
{
    struct order_key *keys = arena_alloc(c->arena, (b->nvalid ? b->nvalid : 1) * sizeof *keys);
    size_t nkeys = 0;
    for (size_t i = 0; i < b->nvalid; i++)
        if (b->valid[i].reference)
            keys[nkeys++] = (struct order_key){.reference = b->valid[i].reference};
    struct order_row *rows = NULL;
    size_t nrows = 0;
    if (nkeys) {
        int rc = store_orders_get(c->store, &c->scope, keys, nkeys, c->arena, &rows, &nrows);
        if (rc != STORE_OK) return rc;
    }
    if (!nrows) return STORE_OK;
    qsort(rows, nrows, sizeof *rows, held_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < b->n; i++) {
        size_t k = b->slot[i];
        if (k == ORDER_BATCH_FAILED || k == ORDER_BATCH_HELD) continue;
        const struct order_row *h =
            b->valid[k].reference ? held_find(rows, nrows, b->valid[k].reference) : NULL;
        if (h) {
            b->held[i] = (struct order_held){h->order_id, h->tenant_id};
            b->slot[i] = ORDER_BATCH_HELD;
            b->nheld++;
            continue;
        }
        b->valid[kept] = b->valid[k];
        b->quotes[kept] = b->quotes[k];
        b->history[kept] = b->history[k];
        b->slot[i] = kept++;
    }
    b->nvalid = kept;
    return STORE_OK;
}

/* The insert, its history lines and its audit record in one transaction:
 * an order is never created unrecorded, nor recorded uncreated. */
static int insert_audited(const struct service_ctx *c, struct order_batch *b)
{
    if (store_tx_begin(c->store, &c->scope, STORE_TX_WRITE) != STORE_OK) return STORE_ERROR;
    int rc = b->skip_existing ? leave_out_held(c, b) : STORE_OK;
    if (rc == STORE_OK && !b->nvalid) return store_tx_commit(c->store);
    if (rc == STORE_OK)
        rc = store_orders_insert(c->store, &c->scope, b->valid, b->nvalid, b->now, b->ids,
                                 b->tenants);
    if (rc == STORE_OK) rc = rule_history(c, b);
    if (rc == STORE_OK && c->actor) {
        struct audit_record rec = audit_record_of(c->actor, c->now, c->scope.tenant_id,
                                                  "order.create", created_ids(c, b));
        rc = store_audit_append(c->store, &rec, 1);
    }
    if (rc == STORE_OK) return store_tx_commit(c->store);
    return store_tx_rollback(c->store) == STORE_OK ? rc : STORE_ERROR;
}

int order_batch_prepare(const struct service_ctx *c, struct order_batch *b)
{
    b->now = c->now;
    if (!b->nvalid) return STORE_OK;
    int rc = apply_rules(c, b);
    return rc == STORE_OK ? assign_tracking(c, b) : rc;
}

int order_batch_insert(const struct service_ctx *c, struct order_batch *b)
{
    b->now = c->now;
    if (!b->nvalid) return STORE_OK;
    int rc = order_batch_prepare(c, b);
    if (rc != STORE_OK) return rc;
    if (c->actor || b->nruled || b->skip_existing) return insert_audited(c, b);
    return store_orders_insert(c->store, &c->scope, b->valid, b->nvalid, b->now, b->ids,
                               b->tenants);
}

struct order_row order_batch_row(const struct service_ctx *c, const struct order_batch *b,
                                 size_t item)
{
    (void)c;
    const struct order_new *o = &b->valid[b->slot[item]];
    return (struct order_row){.tenant_id = b->tenants[b->slot[item]],
                              .order_id = b->ids[b->slot[item]],
                              .reference = o->reference,
                              .status = o->postage ? STATUS_POSTAGE_APPLIED : STATUS_NEW,
                              .created_on = b->now,
                              .order_date = o->order_date,
                              .tracking_number = o->postage ? o->postage->tracking_number : NULL,
                              .package_count = o->package_count,
                              .channel = o->channel};
}
