/* customs_order: the orders the customs rule is tried on, shared by
 * test_customs_rule.c and test_postage.c: a validated order document to a
 * country with the contents given, and one item that fills a declaration. */
#ifndef POSTROOM_TEST_CUSTOMS_ORDER_H
#define POSTROOM_TEST_CUSTOMS_ORDER_H
#include "domain/order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A validated order document to country, from the JSON of its contents
 * (NULL: a package with no contents key). */
static json_t *order_to(const char *country, const char *contents)
{
    char *text = NULL;
    int n = asprintf(
        &text,
        "{\"recipient\":{\"address\":{\"addressLine1\":\"1 "
        "Rue\",\"city\":\"Paris\",\"postcode\":\"75001\","
        "\"countryCode\":\"%s\"}},\"orderDate\":\"2026-11-29T10:00:00Z\","
        "\"subtotal\":1,\"shippingCostCharged\":0,\"total\":1,"
        "\"postageDetails\":{\"serviceCode\":\"%s\"},"
        "\"packages\":[{\"weightInGrams\":500,\"packageFormatIdentifier\":"
        "\"smallParcel\"%s%s}]}",
        country,
        strcmp(country, "GB") && strcmp(country, "IM") && strcmp(country, "JE") ? "ITROLP" : "OLP2",
        contents ? ",\"contents\":" : "", contents ? contents : "");
    if (n < 0) abort();
    json_t *item = json_loads(text, 0, NULL);
    free(text);
    if (!item) abort();
    struct arena a;
    arena_init(&a);
    struct order_new o;
    struct order_errors e = {0};
    if (!order_validate(item, &a, &o, &e)) {
        fprintf(stderr, "test order does not validate: %s %s\n", e.items[0].field,
                e.items[0].message);
        abort();
    }
    json_decref(item);
    json_t *doc = json_loads(o.doc, 0, NULL);
    arena_free(&a);
    return doc;
}

#define FULL                                                                                       \
    "{\"name\":\"Mug\",\"quantity\":2,\"unitValue\":5.5,\"unitWeightInGrams\":300,"                \
    "\"customsCode\":\"691200\",\"originCountryCode\":\"GB\"}"

#endif
