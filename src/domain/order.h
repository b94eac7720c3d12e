/* order: validating Click & Drop's CreateOrderRequest. Pure logic: no
 * HTTP, no store calls (the API's answer shapes are in api/order_json.h).
 *
 * Validation is driven by a table that mirrors the spec's definitions field
 * by field (types, maxLength, minimum, maximum, enums, required). Only known
 * fields are kept: the stored document is the validated order with unknown
 * fields dropped, date-times normalised to UTC and money as integer pence. */
#ifndef POSTROOM_ORDER_H
#define POSTROOM_ORDER_H
#include "domain/types.h"
#include "util/arena.h"
#include "util/buf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* errorCode values of CreateOrderErrorResponse. */
enum order_error_code {
    OERR_REQUIRED = 1,
    OERR_INVALID = 2,
    OERR_TOO_LONG = 3,
    OERR_RANGE = 4,
};

struct field_error {
    int code;
    const char *message;
    const char *field; /* JSON path, e.g. packages[0].weightInGrams */
    const char *value; /* the submitted value as text, NULL if absent */
};

struct order_errors {
    struct field_error *items;
    size_t n, cap;
};

/* Appends one error; strings must live in the arena (or be constants). */
void order_errors_add(struct order_errors *e, struct arena *a, int code, const char *message,
                      const char *field, const char *value);

#define ORDER_MAX_PACKAGES 99

/* Validates one CreateOrderRequest. On success fills out (doc, reference,
 * order date, package count) and returns true; otherwise appends to errs. */
bool order_validate(const json_t *item, struct arena *a, struct order_new *out,
                    struct order_errors *errs);
/* The same, handing the validated document to check(ctx, doc, errs) before
 * it is kept; check appends errors and returns false to fail the order. */
typedef bool (*order_doc_check)(void *ctx, const json_t *doc, struct order_errors *errs);
bool order_validate_with(const json_t *item, struct arena *a, struct order_new *out,
                         struct order_errors *errs, order_doc_check check, void *ctx);

/* Money in JSON requests: a number in [0, max_pence/100] with at most two
 * decimals. Returns 0 ok, OERR_INVALID or OERR_RANGE. */
int order_parse_money(const json_t *v, int64_t max_pence, int64_t *pence);
/* Counts UTF-8 code points (the spec's maxLength counts characters). */
size_t utf8_length(const char *s);

#endif
