/* api: handlers of /api/v1, one file per resource. Each handler reads the
 * request, calls domain/ and store/ with the principal's scope, and writes
 * the spec's answer. Handlers never call each other. */
#ifndef POSTROOM_API_H
#define POSTROOM_API_H
#include "http/request.h"

#include <jansson.h>

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
void api_not_implemented(struct request *r);

/* body.c: the JSON body as an object, or NULL after answering 400/415. The
 * caller json_decref()s the result. */
json_t *api_json_body(struct request *r);
/* Answers 500 for a failed store call and marks the connection broken. */
void api_store_failed(struct request *r);

#endif
