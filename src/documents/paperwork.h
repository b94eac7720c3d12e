/* paperwork: stored orders turned into what the documents draw.
 *
 * Reads the order's validated document (recipient, packages, contents,
 * customs fields), the business's settings (sender and return address) and
 * the tariff (service names). Pure: no I/O. Everything it builds lives in
 * the caller's arena and carries the order's own tenant id, which the
 * document layer checks again before drawing. */
#ifndef POSTROOM_PAPERWORK_H
#define POSTROOM_PAPERWORK_H
#include "documents/document.h"
#include "domain/tariff.h"
#include "domain/types.h"
#include "util/arena.h"

/* Fills a shipment from one order. False if the stored document cannot be
 * read (it always can, unless the store was tampered with). */
bool paperwork_shipment(const struct order_row *row, const struct tenant_settings *ts,
                        const char *tenant_name, const struct tariff *t, struct arena *a,
                        struct doc_shipment *out);
/* Whether the order crosses a customs border and so needs a customs
 * declaration (customs_needed: anywhere but GB and IM, so Jersey and
 * Guernsey too). */
bool paperwork_international(const struct doc_shipment *s);
/* Fills a manifest's lines from its orders. */
bool paperwork_manifest(int64_t tenant_id, int64_t number, int64_t created_ms,
                        const struct order_row *rows, size_t n, const struct tenant_settings *ts,
                        const char *tenant_name, const struct tariff *t, struct arena *a,
                        struct doc_manifest *out);

struct return_request;
/* The returns label's shipment: from the customer's address to the return
 * address, under the service and tracking number given. order_id is the
 * linked order (0 for none); everything points into rq, ts or a. */
void return_shipment(const struct return_request *rq, int64_t tenant_id, int64_t order_id,
                     const struct tenant_settings *ts, const char *tenant_name,
                     const char *tracking, struct arena *a, struct doc_shipment *out);

#endif
