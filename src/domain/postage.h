/* postage: what an order's postage costs, from the tariff.
 *
 * An order whose postageDetails.serviceCode is set gets postage at once, as
 * Click & Drop's shipping rules do: the service must exist, take every
 * package's format and deliver to the recipient's country, and each package
 * must keep within its format's limits. Postage to a destination that
 * needs a customs declaration also needs contents that can fill it in
 * (domain/customs_rule). The price is the sum over packages; the order gets
 * one S10 number, of the service's prefix. */
#ifndef POSTROOM_POSTAGE_H
#define POSTROOM_POSTAGE_H
#include "domain/order.h"
#include "domain/tariff.h"

#include <jansson.h>

struct postage_quote {
    const char *service_code; /* NULL: the order asks for no postage */
    int64_t pence;
    char s10_prefix[3];
};

/* Quotes a validated order document (as order_validate keeps it). Returns
 * false and appends field errors when the order cannot have that postage. */
bool postage_quote(const struct tariff *t, const json_t *doc, struct arena *a,
                   struct postage_quote *q, struct order_errors *errs);

#endif
