/* orders: /api/v1/orders, Click & Drop's orders surface.
 *
 * Every store call takes the principal's scope; every order written into a
 * body is first claimed for the egress check with the tenant id it was read
 * with. */
#include "api/api.h"
#include "service/labels.h"
#include "service/order_batch.h"
#include "service/orders_delete.h"
#include "service/orders_status.h"
#include "api/cursor.h"
#include "api/order_json.h"
#include "api/idlist.h"
#include "domain/order.h"
#include "domain/status.h"
#include "http/server.h"
#include "store/store.h"
#include "util/timefmt.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define CREATE_MAX_ITEMS 100
#define STATUS_MAX_ITEMS 100
#define PAGE_DEFAULT 25
#define PAGE_MAX 100

static void write_info(struct request *r, struct jw *w, const struct order_row *row)
{
    http_egress_claim(r, row->tenant_id, row->order_id);
    order_write_info(w, row);
}

static bool write_details(struct request *r, struct jw *w, const struct order_row *row)
{
    http_egress_claim(r, row->tenant_id, row->order_id);
    return order_write_details(w, row, &r->arena);
}

/* Writes rows as GetOrderInfoResource or GetOrderDetailsResource. False
 * after answering 500 (a stored document that does not parse). */
static bool write_rows(struct request *r, struct jw *w, const struct order_row *rows, size_t n,
                       bool full)
{
    api_audit_rows(r, "order.read", rows, n); /* appended before the answer leaves */
    for (size_t i = 0; i < n; i++) {
        if (!full) {
            write_info(r, w, &rows[i]);
        } else if (!write_details(r, w, &rows[i])) {
            api_store_failed(r);
            return false;
        }
    }
    return true;
}

/* --- POST /orders ------------------------------------------------------- */

/* "orderDate is required", "recipient.address.countryCode: service OLP1 does
 * not deliver to FR": every message names its field once. */
static const char *error_message(struct request *r, const struct field_error *fe)
{
    size_t fl = strlen(fe->field);
    if (!fl || strncmp(fe->message, fe->field, fl) == 0) return fe->message;
    bool predicate = !strncmp(fe->message, "is ", 3) || !strncmp(fe->message, "must ", 5);
    return arena_printf(&r->arena, "%s%s%s", fe->field, predicate ? " " : ": ", fe->message);
}

static void write_failed(struct request *r, struct jw *w, const json_t *item,
                         const struct order_errors *e)
{
    jw_obj_open(w);
    jw_key(w, "order");
    char *echo = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    jw_raw(w, echo ? echo : "null");
    free(echo);
    jw_key(w, "errors");
    jw_arr_open(w);
    for (size_t i = 0; i < e->n; i++) {
        const struct field_error *fe = &e->items[i];
        jw_obj_open(w);
        jw_kint(w, "errorCode", fe->code);
        jw_kstr(w, "errorMessage", error_message(r, fe));
        jw_key(w, "fields");
        jw_arr_open(w);
        if (*fe->field) {
            jw_obj_open(w);
            jw_kstr(w, "fieldName", fe->field);
            jw_kstr_opt(w, "value", fe->value);
            jw_obj_close(w);
        }
        jw_arr_close(w);
        jw_obj_close(w);
    }
    jw_arr_close(w);
    jw_obj_close(w);
}

/* The label of a just-created order, base64 in CreateOrderResponse.label, or
 * labelErrors saying why not. The order is created either way: a label that
 * cannot be drawn never undoes an acknowledged order. */
static void write_created_label(struct request *r, struct jw *w, const struct scope *sc,
                                int64_t order_id, const json_t *label)
{
    struct order_key key = {.id = order_id};
    struct order_row *rows;
    size_t n = 0;
    const char *code = NULL, *message = NULL;
    struct buf pdf;
    buf_init(&pdf, &r->arena);
    if (store_orders_get(r->store, sc, &key, 1, &r->arena, &rows, &n) != STORE_OK || n != 1) {
        code = "LabelFailed", message = "The label could not be produced; print it later.";
    } else if (!rows[0].tracking_number || !rows[0].service_code) {
        code = "NoPostage", message = "Postage has not been applied to this order.";
    } else {
        http_egress_claim(r, rows[0].tenant_id, rows[0].order_id); /* the label carries the order */
        struct service_ctx c = api_service_ctx(r);
        enum service_rc rc = service_render_labels(
            &c, r->cfg->fonts, rows, 1, json_is_true(json_object_get(label, "includeReturnsLabel")),
            json_is_true(json_object_get(label, "includeCN")), &pdf);
        if (rc == SERVICE_FOREIGN_RECORD) api_foreign_record(r);
        if (rc != SERVICE_OK)
            code = "LabelFailed", message = "The label could not be produced; print it later.";
    }
    if (code) {
        jw_key(w, "labelErrors");
        jw_arr_open(w);
        jw_obj_open(w);
        jw_kstr(w, "message", message);
        jw_kstr(w, "code", code);
        jw_obj_close(w);
        jw_arr_close(w);
        return;
    }
    size_t len = sodium_base64_encoded_len(pdf.len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = arena_alloc(&r->arena, len);
    sodium_bin2base64(b64, len, (const unsigned char *)pdf.data, pdf.len,
                      sodium_base64_VARIANT_ORIGINAL);
    jw_kstr(w, "label", b64);
    jw_key(w, "generatedDocuments");
    jw_arr_open(w);
    jw_str(w, "postageLabel");
    jw_arr_close(w);
}

/* Answers one POST /orders body; the caller owns the body, and releases it
 * once whatever this answered. */
static void create_orders(struct request *r, const json_t *body)
{
    const json_t *items = json_object_get(body, "items");
    if (!json_is_array(items) || json_array_size(items) == 0 ||
        json_array_size(items) > CREATE_MAX_ITEMS) {
        http_error(r, 400, "InvalidRequest", "items must be an array of 1 to 100 orders.");
        return;
    }
    size_t n = json_array_size(items);
    const json_t **each = arena_alloc(&r->arena, n * sizeof *each);
    for (size_t i = 0; i < n; i++)
        each[i] = json_array_get(items, i);
    struct order_batch b;
    struct service_ctx c = api_service_ctx(r);
    order_batch_check(&c, each, n, &b);
    if (order_batch_insert(&c, &b) != STORE_OK) {
        api_store_failed(r);
        return;
    }
    struct scope sc = scope_of(&r->principal);
    struct jw w;
    jw_init(&w, &r->out);
    jw_obj_open(&w);
    jw_kint(&w, "successCount", (int64_t)b.nvalid);
    jw_kint(&w, "errorsCount", (int64_t)(n - b.nvalid));
    jw_key(&w, "createdOrders");
    jw_arr_open(&w);
    for (size_t i = 0; i < n; i++) {
        if (b.slot[i] == ORDER_BATCH_FAILED) continue;
        struct order_row row = order_batch_row(&c, &b, i);
        http_egress_claim(r, row.tenant_id, row.order_id);
        /* CreateOrderResponse: GetOrderInfoResource's fields plus the label's */
        jw_obj_open(&w);
        order_write_info_members(&w, &row);
        const json_t *label = json_object_get(each[i], "label");
        if (json_is_true(json_object_get(label, "includeLabelInResponse")))
            write_created_label(r, &w, &sc, row.order_id, label);
        jw_obj_close(&w);
    }
    jw_arr_close(&w);
    jw_key(&w, "failedOrders");
    jw_arr_open(&w);
    for (size_t i = 0; i < n; i++)
        if (b.slot[i] == ORDER_BATCH_FAILED) write_failed(r, &w, each[i], &b.errs[i]);
    jw_arr_close(&w);
    jw_obj_close(&w);
    http_reply_json(r, 200);
}

void api_orders_create(struct request *r)
{
    json_t *body = api_json_body(r);
    if (!body) return;
    create_orders(r, body);
    json_decref(body); /* the one release: every item points into it */
}

/* --- GET /orders, /orders/full ------------------------------------------- */

static bool parse_int_param(const char *s, long lo, long hi, long *out)
{
    if (!s || !*s || strlen(s) > 9) return false;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9') return false;
    long v = strtol(s, NULL, 10);
    if (v < lo || v > hi) return false;
    *out = v;
    return true;
}

static void list_orders(struct request *r, bool full)
{
    const char *ps = http_query(r, "pageSize");
    const char *sd = http_query(r, "startDateTime");
    const char *ed = http_query(r, "endDateTime");
    const char *tok = http_query(r, "continuationToken");
    long page = PAGE_DEFAULT;
    if (ps && !parse_int_param(ps, 1, PAGE_MAX, &page)) {
        http_error(r, 400, "InvalidPageSize", "pageSize must be an integer from 1 to 100.");
        return;
    }
    struct cursor c = {.tenant_id = r->principal.tenant_id};
    const char *bad_field = sd && !time_parse_rfc3339(sd, &c.start_ms) ? "startDateTime"
                            : ed && !time_parse_rfc3339(ed, &c.end_ms) ? "endDateTime"
                                                                       : NULL;
    if (bad_field) {
        http_error(r, 400, "InvalidDateTime",
                   arena_printf(&r->arena,
                                "%s is not a date-time: use RFC 3339 or ISO 8601, such as "
                                "2026-11-29T10:00:00Z or 2026-11-29T10:00:00.000000+0000.",
                                bad_field));
        return;
    }
    if (c.start_ms && c.end_ms && c.start_ms > c.end_ms) {
        http_error(r, 400, "InvalidDateTime", "startDateTime must not be after endDateTime.");
        return;
    }
    if (tok) {
        struct cursor t;
        if (!cursor_open(tok, r->cfg->token_key, r->principal.tenant_id, &t) ||
            (sd && t.start_ms != c.start_ms) || (ed && t.end_ms != c.end_ms)) {
            http_error(r, 400, "InvalidContinuationToken",
                       "The continuationToken is not valid for this request.");
            return;
        }
        c = t;
    }
    struct order_page_query q = {
        .after_id = c.after_id, .start_ms = c.start_ms, .end_ms = c.end_ms, .limit = (int)page + 1};
    struct scope sc = scope_of(&r->principal);
    struct order_row *rows;
    size_t n;
    if (store_orders_page(r->store, &sc, &q, &r->arena, &rows, &n) != STORE_OK) {
        api_store_failed(r);
        return;
    }
    bool more = n > (size_t)page;
    if (more) n = (size_t)page;
    struct jw w;
    jw_init(&w, &r->out);
    jw_obj_open(&w);
    jw_key(&w, "orders");
    jw_arr_open(&w);
    if (!write_rows(r, &w, rows, n, full)) return;
    jw_arr_close(&w);
    if (more) {
        char token[CURSOR_TOKEN_MAX];
        c.after_id = rows[n - 1].order_id;
        cursor_seal(&c, r->cfg->token_key, token);
        jw_kstr(&w, "continuationToken", token);
    }
    jw_obj_close(&w);
    http_reply_json(r, 200);
}

void api_orders_list(struct request *r)
{
    list_orders(r, false);
}

void api_orders_list_full(struct request *r)
{
    list_orders(r, true);
}

/* --- GET /orders/{ids}, /orders/{ids}/full -------------------------------- */

static void get_orders(struct request *r, bool full)
{
    struct order_row *rows;
    size_t n;
    if (!api_find_orders(r, &rows, &n)) return;
    struct jw w;
    jw_init(&w, &r->out);
    jw_arr_open(&w);
    if (!write_rows(r, &w, rows, n, full)) return;
    jw_arr_close(&w);
    http_reply_json(r, 200);
}

void api_orders_get(struct request *r)
{
    get_orders(r, false);
}

void api_orders_get_full(struct request *r)
{
    get_orders(r, true);
}

/* --- DELETE /orders/{ids} ------------------------------------------------- */

static void key_fields(struct jw *w, const struct order_key *k)
{
    if (k->id > 0)
        jw_kint(w, "orderIdentifier", k->id);
    else
        jw_kstr(w, "orderReference", k->reference);
}

/* One key's deletions: each order the key named, claimed, as deleted or
 * as the error that kept it. */
static void write_deletions(struct request *r, struct jw *w, struct jw *ew,
                            const struct order_key *key, const struct delete_result *res, size_t n)
{
    if (n == 0) {
        jw_obj_open(ew);
        key_fields(ew, key);
        jw_kstr(ew, "code", "OrderNotFound");
        jw_kstr(ew, "message", "No matching order was found.");
        jw_obj_close(ew);
    }
    for (size_t i = 0; i < n; i++) {
        const struct order_row *row = res[i].row;
        http_egress_claim(r, row->tenant_id, row->order_id);
        if (res[i].outcome == DELETE_GONE) continue; /* deleted meanwhile by a duplicate key */
        struct jw *out = res[i].outcome == DELETE_DONE ? w : ew;
        jw_obj_open(out);
        jw_kint(out, "orderIdentifier", row->order_id);
        jw_kstr_opt(out, "orderReference", row->reference);
        if (res[i].outcome == DELETE_DONE) {
            jw_kstr(out, "orderInfo", "Deleted");
        } else {
            jw_kstr(out, "code", "OrderCannotBeDeleted");
            jw_kstr(out, "message", "A manifested order cannot be deleted.");
        }
        jw_obj_close(out);
    }
}

void api_orders_delete(struct request *r)
{
    struct order_key *keys;
    int nk = api_order_keys(r, &keys);
    if (nk < 0) return;
    struct service_ctx c = api_service_ctx(r);
    struct buf errors;
    buf_init(&errors, &r->arena);
    struct jw ew;
    jw_init(&ew, &errors);
    jw_arr_open(&ew);
    struct jw w;
    jw_init(&w, &r->out);
    jw_obj_open(&w);
    jw_key(&w, "deletedOrders");
    jw_arr_open(&w);
    for (int k = 0; k < nk; k++) {
        struct delete_result *res;
        size_t n;
        if (service_orders_delete(&c, &keys[k], &res, &n) != SERVICE_OK) {
            api_store_failed(r);
            return;
        }
        write_deletions(r, &w, &ew, &keys[k], res, n);
    }
    jw_arr_close(&w);
    jw_arr_close(&ew);
    jw_key(&w, "errors");
    jw_raw(&w, buf_cstr(&errors));
    jw_obj_close(&w);
    http_reply_json(r, 200);
}

/* --- PUT /orders/status ---------------------------------------------------- */

static void status_error(struct jw *w, const json_t *item, const char *status, const char *code,
                         const char *message)
{
    jw_obj_open(w);
    const json_t *id = json_object_get(item, "orderIdentifier");
    const json_t *ref = json_object_get(item, "orderReference");
    if (json_is_integer(id)) jw_kint(w, "orderIdentifier", json_integer_value(id));
    if (json_is_string(ref)) jw_kstr(w, "orderReference", json_string_value(ref));
    jw_kstr_opt(w, "status", status);
    jw_kstr(w, "code", code);
    jw_kstr(w, "message", message);
    jw_obj_close(w);
}

/* The spec's 400 here is an array of OrderUpdateError: http_error writes it. */
static void bad_status_request(struct request *r, const char *message)
{
    http_error(r, 400, "InvalidRequest", message);
}

static const char *opt_string(const json_t *item, const char *key, size_t max, bool *bad)
{
    const json_t *v = json_object_get(item, key);
    if (!v || json_is_null(v)) return NULL;
    if (!json_is_string(v) || utf8_length(json_string_value(v)) > max) {
        *bad = true;
        return NULL;
    }
    return json_string_value(v);
}

/* Validates one UpdateOrderStatusRequest; returns an error message or NULL. */
static const char *read_status_item(const json_t *item, struct status_request *sr,
                                    struct order_key *key)
{
    memset(sr, 0, sizeof *sr);
    memset(key, 0, sizeof *key);
    if (!json_is_object(item)) return "Each item must be an object.";
    const json_t *id = json_object_get(item, "orderIdentifier");
    const json_t *ref = json_object_get(item, "orderReference");
    if (json_is_null(id)) id = NULL;
    if (json_is_null(ref)) ref = NULL;
    if ((id && ref) || (!id && !ref))
        return "Give exactly one of orderIdentifier and orderReference.";
    if (id) {
        if (!json_is_integer(id) || json_integer_value(id) < 1 ||
            json_integer_value(id) > 2147483647)
            return "orderIdentifier must be a positive integer.";
        key->id = json_integer_value(id);
    } else {
        if (!json_is_string(ref) || !*json_string_value(ref) ||
            utf8_length(json_string_value(ref)) > 40)
            return "orderReference must be a string of 1 to 40 characters.";
        key->reference = json_string_value(ref);
    }
    const json_t *st = json_object_get(item, "status");
    const char *s = json_string_value(st);
    if (!s ||
        (strcmp(s, STATUS_NEW) && strcmp(s, STATUS_DESPATCHED) && strcmp(s, STATUS_OTHER_COURIER)))
        return "status must be one of new, despatched, despatchedByOtherCourier.";
    sr->status = s;
    bool bad = false;
    sr->tracking_number = opt_string(item, "trackingNumber", 50, &bad);
    sr->carrier = opt_string(item, "shippingCarrier", 100, &bad);
    sr->service = opt_string(item, "shippingService", 100, &bad);
    const char *dd = opt_string(item, "despatchDate", 40, &bad);
    if (bad) return "trackingNumber, shippingCarrier and shippingService must be short strings.";
    if (dd && !time_parse_rfc3339(dd, &sr->despatch_date))
        return "despatchDate is not a date-time: use RFC 3339 or ISO 8601, such as "
               "2026-11-29T10:00:00Z.";
    if (!strcmp(s, STATUS_OTHER_COURIER) && sr->tracking_number &&
        (!sr->despatch_date || !sr->carrier || !sr->service))
        return "With a trackingNumber, despatchDate, shippingCarrier and shippingService are "
               "required.";
    return NULL;
}

/* One update's results: each order it named, claimed, as updated or as
 * the error that kept it. */
static void write_status_results(struct request *r, struct jw *w, struct jw *ew, const json_t *item,
                                 const struct status_request *sr, const struct status_result *res,
                                 size_t n)
{
    if (n == 0) status_error(ew, item, NULL, "OrderNotFound", "No matching order was found.");
    for (size_t k = 0; k < n; k++) {
        const struct order_row *row = res[k].row;
        http_egress_claim(r, row->tenant_id, row->order_id);
        if (res[k].outcome == STATUS_UPDATED) {
            jw_obj_open(w);
            jw_kint(w, "orderIdentifier", row->order_id);
            jw_kstr_opt(w, "orderReference", row->reference);
            jw_kstr(w, "status", sr->status);
            jw_obj_close(w);
            continue;
        }
        bool raced = res[k].outcome == STATUS_RACED;
        jw_obj_open(ew);
        jw_kint(ew, "orderIdentifier", row->order_id);
        jw_kstr_opt(ew, "orderReference", row->reference);
        jw_kstr(ew, "status", row->status);
        jw_kstr(ew, "code", raced ? "Conflict" : res[k].code);
        jw_kstr(ew, "message",
                raced ? "The order changed while it was being updated; try again."
                      : res[k].message);
        jw_obj_close(ew);
    }
}

void api_orders_status(struct request *r)
{
    json_t *body = api_json_body(r);
    if (!body) return;
    json_t *items = json_object_get(body, "items");
    if (!json_is_array(items) || json_array_size(items) == 0 ||
        json_array_size(items) > STATUS_MAX_ITEMS) {
        json_decref(body);
        bad_status_request(r, "items must be an array of 1 to 100 status updates.");
        return;
    }
    struct service_ctx c = api_service_ctx(r);
    struct buf errors;
    buf_init(&errors, &r->arena);
    struct jw ew;
    jw_init(&ew, &errors);
    jw_arr_open(&ew);
    struct jw w;
    jw_init(&w, &r->out);
    jw_obj_open(&w);
    jw_key(&w, "updatedOrders");
    jw_arr_open(&w);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        struct status_request sr;
        struct order_key key;
        const char *msg = read_status_item(item, &sr, &key);
        if (msg) {
            status_error(&ew, item, NULL, "InvalidRequest", msg);
            continue;
        }
        struct status_result *res;
        size_t n;
        if (service_order_status(&c, &key, &sr, &res, &n) != SERVICE_OK) {
            json_decref(body);
            api_store_failed(r);
            return;
        }
        write_status_results(r, &w, &ew, item, &sr, res, n);
    }
    jw_arr_close(&w);
    jw_arr_close(&ew);
    jw_key(&w, "errors");
    jw_raw(&w, buf_cstr(&errors));
    jw_obj_close(&w);
    json_decref(body);
    http_reply_json(r, 200);
}
