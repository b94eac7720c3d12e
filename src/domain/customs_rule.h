/* customs_rule: which orders need a customs declaration, and whether an
 * order's contents say enough to fill one in.
 *
 * Post from the UK needs a CN22 or CN23 wherever it crosses a customs
 * border: to every country outside the UK and also to Jersey and Guernsey,
 * which are outside the UK's VAT and customs area (Royal Mail asks for a
 * declaration there); the Isle of Man is inside it and needs none. The
 * declaration lists the order's items (packages[].contents[]), so postage
 * to such a destination is only sold for an order whose items can fill it,
 * and the forms are only drawn from such an order.
 *
 * Pure logic over a validated order document (order_validate's output:
 * money in integer pence); no I/O. */
#ifndef POSTROOM_CUSTOMS_RULE_H
#define POSTROOM_CUSTOMS_RULE_H
#include "domain/order.h"

#include <jansson.h>
#include <stdbool.h>

/* Above this total value (pence) goods need a CN23 instead of a CN22. */
#define CUSTOMS_CN22_MAX_PENCE 27000
/* A CN22 has room for this many item lines; more need a CN23. */
#define CUSTOMS_CN22_MAX_ITEMS 5

/* Whether post to this recipient country (ISO 3166-1 alpha-2, any case)
 * needs a customs declaration: false for GB and IM, true for every other
 * code, NULL included (an unknown destination is never domestic). */
bool customs_needed(const char *country_code);

/* The recipient country of a validated order document, or NULL. */
const char *customs_country(const json_t *doc);

/* Checks that the order's items can fill its declaration, appending one
 * field error per problem (field named as the JSON path), and returns
 * false when there is any:
 * - every package lists its contents (packages[i].contents, errorCode 1);
 * - every item has a description: customsDescription, else name (1);
 * - unitValue is given (1) and more than 0 (4), except on a declaration
 *   of category documents, where 0 is allowed;
 * - unitWeightInGrams is given (1) and at least 1 (4);
 * - customsCode (HS tariff code, 6 to 10 digits) and originCountryCode
 *   (an ISO 3166-1 alpha-2 or alpha-3 code) are given (1) when the form is
 *   a CN23 (items worth more than GBP 270, or more than 5 item lines) or
 *   the goods are commercial (the category is absent, none,
 *   commercialSaleOfGoods, eCommerceSaleOfGoods, commercialSample or
 *   returnedGoods; gift, documents and other are not); when given on any
 *   declaration they must be well formed (2).
 * The declaration's category is the first customsDeclarationCategory of
 * any item, as the form prints it. Quantity (1 to 999999) is checked by
 * order_validate already. */
bool customs_check(const json_t *doc, struct arena *a, struct order_errors *errs);

#endif
