/* postage_apply: postage for orders that came without it, by a chosen
 * service or by the business's shipping rules (domain/shipping_rule).
 *
 * Two callers: order_batch, as new orders arrive (whichever door), and the
 * web's bulk action "apply postage" on stored New orders. Either way the
 * order is quoted exactly as one that named the service would be
 * (domain/postage: the service must carry every package to the destination,
 * with customs contents where needed); a rule whose service cannot carry
 * the order does not apply, and the next rule by priority is tried. The
 * order's history says which rule applied. */
#ifndef POSTROOM_SERVICE_POSTAGE_APPLY_H
#define POSTROOM_SERVICE_POSTAGE_APPLY_H
#include "domain/postage.h"
#include "domain/shipping_rule.h"
#include "domain/types.h"
#include "service/service.h"

#include <stddef.h>

/* The quote of an order document (validated JSON text, as stored) that
 * came by channel (NULL: "API") under the first rule that matches it and
 * whose service can carry it: true with *q, the document naming the service
 * (*doc_out, from the arena) and the rule (*applied); false when none
 * applies. With service set, that service instead of the rules (*applied
 * NULL). */
bool postage_quote_for(const struct service_ctx *c, const char *doc, const char *channel,
                       const struct shipping_rule *rules, size_t nrules, const char *service,
                       struct postage_quote *q, const char **doc_out,
                       const struct shipping_rule **applied);
/* The history line of postage a rule applied: "Postage applied by rule
 * “NAME”: Royal Mail Tracked 48". */
const char *postage_rule_line(const struct service_ctx *c, const struct shipping_rule *r);

enum postage_outcome {
    POSTAGE_APPLIED,
    POSTAGE_NOT_NEW,   /* the order is past New (or changed meanwhile) */
    POSTAGE_NO_RULE,   /* by the rules: none matches and can carry it */
    POSTAGE_CANNOT,    /* by a service: it cannot carry the order */
    POSTAGE_NOT_FOUND, /* no order of the business has that id */
};

struct postage_result {
    int64_t order_id;            /* as asked */
    const struct order_row *row; /* as read (NULL when not found), its tenant id the store's */
    enum postage_outcome outcome;
    const char *service_code;    /* POSTAGE_APPLIED: the service */
    const char *tracking_number; /* POSTAGE_APPLIED: its S10 number */
    const char *rule_name;       /* POSTAGE_APPLIED by a rule */
};

/* Applies postage to each of the n orders ids names (of the context's
 * business; any other id is reported not found and never read), with
 * service (a service code) or by the rules (service NULL): New ->
 * postageApplied, an S10 number, the history line and the order.postage
 * audit record, all in one transaction. *results has one result per id.
 * SERVICE_INVALID when service is not a service of the tariff (nothing
 * done), SERVICE_NO_SERIAL, or SERVICE_STORE_ERROR (nothing done). */
enum service_rc service_postage_apply(const struct service_ctx *c, const int64_t *ids, size_t n,
                                      const char *service, struct postage_result **results);

#endif
