/* returns: Click & Drop's CreateReturnRequest (POST /returns) checked field
 * by field against the spec (required fields, maxLength, the service among
 * the tariff's return services), the order a return names, and the returns
 * label's shipment. Pure logic: no HTTP, no store calls. */
#ifndef POSTROOM_RETURNS_H
#define POSTROOM_RETURNS_H
#include "domain/tariff.h"
#include "domain/types.h"
#include "util/arena.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The spec's Address (strings as sent; optional ones NULL when absent). */
struct return_address {
    const char *title, *first_name, *last_name, *company;
    const char *line1, *line2, *line3, *city, *county, *postcode;
    const char *country;     /* the country's name as written */
    const char *country_iso; /* countryIsoCode, alpha-3 as sent */
    const char *alpha2;      /* the same country, alpha-2 (a constant string) */
};

struct return_request {
    const struct tariff_return_service *service;
    struct return_address shipping; /* where the customer sends the item from */
    struct return_address to;       /* returnAddress: where it goes back */
    const char *reference;          /* shipment.customerReference.reference, or NULL */
    const char *doc;                /* the request as validated, known fields only (JSON) */
};

/* The first thing wrong with a request, for the 400 ErrorResponse: code
 * (MissingField, InvalidField, FieldTooLong), the field's JSON path
 * ("shipment.returnAddress.postcode") and a whole message naming it. */
struct return_error {
    const char *code;
    const char *field;
    const char *message;
};

/* Checks body; true with out filled (strings in a), or false with err. */
bool return_validate(const json_t *body, const struct tariff *t, struct arena *a,
                     struct return_request *out, struct return_error *err);

/* The order identifier a reference spells (decimal digits only, 1 to
 * 2^53 - 1), or 0. */
int64_t return_reference_id(const char *reference);
/* The order a reference names among the caller's orders that matched it by
 * identifier or by reference: the order with that identifier if any, else
 * the newest with that exact reference; NULL if none. */
const struct order_row *return_pick_order(const char *reference, const struct order_row *rows,
                                          size_t n);

/* The order history line of a return: "Return label created, tracking ...". */
const char *return_history_text(struct arena *a, const char *tracking);

#endif
