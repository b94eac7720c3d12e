/* api: handlers of /api/v1, one file per resource. Each handler reads the
 * request, calls a use case (service/) or domain/ and store/ with the
 * principal's scope, claims every record it writes out, and writes the
 * spec's answer. Handlers never call each other. */
#ifndef POSTROOM_API_H
#define POSTROOM_API_H
#include "http/request.h"
#include "service/service.h"

#include <jansson.h>
#include <stdbool.h>

/* orders.c */
void api_orders_create(struct request *r);
void api_orders_list(struct request *r);
void api_orders_list_full(struct request *r);
void api_orders_get(struct request *r);
void api_orders_get_full(struct request *r);
void api_orders_delete(struct request *r);
void api_orders_status(struct request *r);

/* meta.c */
void api_version(struct request *r);
void api_healthz(struct request *r);
void api_metrics(struct request *r);

/* body.c: the context a use case runs in (service/service.h), from the
 * request: its store, the principal's scope, its arena, the tariff, now. */
struct service_ctx api_service_ctx(struct request *r);
struct order_row;
/* Records that the answer carries rows (action "order.read",
 * "paperwork.print"...), for the access audit: one record per tenant the
 * rows were read with (the principal's, unless the store erred), appended
 * after the handler (http_audit_ids). */
void api_audit_rows(struct request *r, const char *action, const struct order_row *rows, size_t n);
/* body.c: the JSON body as an object, or NULL after answering 400/415. The
 * caller json_decref()s the result. */
json_t *api_json_body(struct request *r);
/* Answers 500 for a failed store call (a STORE_ERROR has already marked the
 * connection broken in the store itself). */
void api_store_failed(struct request *r);
/* A use case's document refused a record of another tenant
 * (SERVICE_FOREIGN_RECORD): marks the answer for the egress check to
 * withhold as an incident, whatever the handler writes next. */
void api_foreign_record(struct request *r);
/* The {orderIdentifiers} path parameter, or -1 after answering the spec's
 * 400 (an array of OrderErrorResponse). */
struct order_key;
int api_order_keys(struct request *r, struct order_key **keys);
/* The caller's orders that {orderIdentifiers} names; false after answering
 * 400 (bad list), 404 (none) or 500. */
struct order_row;
bool api_find_orders(struct request *r, struct order_row **rows, size_t *n);

/* imports.c: postroom's own import jobs (POST and GET /api/postroom/imports) */
void api_imports_create(struct request *r);
void api_imports_get(struct request *r);

/* labels.c */
void api_orders_label(struct request *r);

/* manifests.c */
void api_manifests_create(struct request *r);
void api_manifests_get(struct request *r);
void api_manifests_retry(struct request *r);

/* carriers.c */
void api_carriers_list(struct request *r);

/* returns.c */
void api_returns_services(struct request *r);
void api_returns_create(struct request *r);

#endif
