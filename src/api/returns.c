/* returns: GET /returns/services and POST /returns.
 *
 * The return services are the tariff's (share/tariff.tsv), never code. A
 * return gets its own S10 number of its service's prefix, a returns label
 * (PDF) drawn by the document layer and a QR code (PNG) of the tracking
 * number, and is stored for the caller's business. When its customer
 * reference names one of the caller's orders (identifier or reference) it
 * is linked to that order and the order's history records it, in the same
 * transaction; another business's orders are never looked at. */
#include "api/api.h"
#include "documents/paperwork.h"
#include "domain/returns.h"
#include "domain/s10.h"
#include "http/server.h"
#include "store/store.h"
#include "util/timefmt.h"

#include <sodium.h>
#include <string.h>

#define QR_MODULE_PX 8 /* pixels a module of the qrCode PNG */

void api_returns_services(struct request *r)
{
    const struct tariff *t = r->cfg->tariff;
    const struct tariff_carrier *c = tariff_carrier(t);
    struct jw w;
    jw_init(&w, &r->out);
    jw_obj_open(&w);
    jw_key(&w, "services");
    jw_arr_open(&w);
    for (size_t i = 0; c && i < tariff_return_count(t); i++) {
        const struct tariff_return_service *s = tariff_return_at(t, i);
        jw_obj_open(&w);
        jw_kstr(&w, "carrierGuid", c->guid);
        jw_kstr(&w, "carrierServiceGuid", s->guid);
        jw_kstr(&w, "serviceName", s->name);
        jw_kstr(&w, "serviceCode", s->code);
        jw_obj_close(&w);
    }
    jw_arr_close(&w);
    jw_obj_close(&w);
    http_reply_json(r, 200);
}

/* The 400 ErrorResponse of a bad request: details is the field's JSON path. */
static void bad_field(struct request *r, const struct return_error *e)
{
    buf_init(&r->out, &r->arena);
    struct jw w;
    jw_init(&w, &r->out);
    jw_obj_open(&w);
    jw_kstr(&w, "code", e->code);
    jw_kstr(&w, "message", e->message);
    jw_kstr(&w, "details", e->field);
    jw_obj_close(&w);
    http_reply_json(r, 400);
}

/* The caller's order the customer reference names, or NULL. */
static bool linked_order(struct request *r, const char *ref, const struct order_row **out)
{
    *out = NULL;
    if (!ref) return true;
    struct order_key keys[2];
    size_t nk = 0;
    int64_t id = return_reference_id(ref);
    if (id) keys[nk++] = (struct order_key){.id = id};
    keys[nk++] = (struct order_key){.reference = ref};
    struct scope sc = scope_of(&r->principal);
    struct order_row *rows;
    size_t n;
    if (store_orders_get(r->store, &sc, keys, nk, &r->arena, &rows, &n) != STORE_OK) return false;
    *out = return_pick_order(ref, rows, n);
    if (*out) http_egress_claim(r, (*out)->tenant_id);
    return true;
}

/* A random RFC 4122 version 4 UUID: the return's uniqueItemId. */
static const char *unique_item_id(struct arena *a)
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    return arena_printf(a, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                        b[12], b[13], b[14], b[15]);
}

static const char *base64(struct arena *a, const struct buf *b)
{
    size_t len = sodium_base64_encoded_len(b->len, sodium_base64_VARIANT_ORIGINAL);
    char *out = arena_alloc(a, len);
    sodium_bin2base64(out, len, (const unsigned char *)b->data, b->len,
                      sodium_base64_VARIANT_ORIGINAL);
    return out;
}

/* The returns label (PDF) and the QR code (PNG) of one return. */
static bool draw(struct request *r, const struct return_request *rq, const struct order_row *order,
                 const char *tracking, struct buf *pdf, struct buf *png)
{
    struct scope sc = scope_of(&r->principal);
    struct tenant_settings ts;
    const char *name;
    if (store_tenant_settings(r->store, &sc, &r->arena, &ts) != STORE_OK ||
        store_tenant_name(r->store, &sc, &r->arena, &name) != STORE_OK) {
        api_store_failed(r);
        return false;
    }
    struct doc_shipment s;
    return_shipment(rq, order ? order->tenant_id : r->principal.tenant_id,
                    order ? order->order_id : 0, &ts, name, tracking, &r->arena, &s);
    enum doc_layout layout =
        ts.label_layout && !strcmp(ts.label_layout, "A4") ? DOC_LAYOUT_A4 : DOC_LAYOUT_6X4;
    buf_init(pdf, &r->arena);
    buf_init(png, &r->arena);
    struct doc *d = doc_begin(r->cfg->fonts, r->principal.tenant_id, layout, "Returns label", pdf);
    doc_add_returns_label(d, &s);
    enum doc_rc rc = doc_end(d, NULL);
    if (rc == DOC_ERR_TENANT) {
        r->egress_violation = true;
        r->egress_foreign_tenant = -1;
    }
    if (rc == DOC_OK) rc = doc_qr_png(tracking, QR_MODULE_PX, png);
    if (rc != DOC_OK) http_error(r, 500, "InternalError", "The returns label could not be drawn.");
    return rc == DOC_OK;
}

/* Stores the return (and the order's history line) and reads it back. */
static bool store_return(struct request *r, const struct return_request *rq,
                         const struct order_row *order, const char *tracking,
                         struct return_row *out)
{
    struct scope sc = scope_of(&r->principal);
    struct return_new rn = {rq->service->code,
                            tracking,
                            unique_item_id(&r->arena),
                            rq->reference,
                            order ? order->order_id : 0,
                            rq->doc,
                            return_history_text(&r->arena, tracking)};
    int64_t id, linked;
    if (store_return_insert(r->store, &sc, &rn, time_now_ms(), &id, &linked) != STORE_OK ||
        store_return_get(r->store, &sc, tracking, &r->arena, out) != STORE_OK) {
        api_store_failed(r);
        return false;
    }
    http_egress_claim(r, out->tenant_id);
    return true;
}

static void answer(struct request *r, const struct return_row *ret, const struct buf *pdf,
                   const struct buf *png)
{
    struct jw w;
    jw_init(&w, &r->out);
    jw_obj_open(&w);
    jw_key(&w, "shipment");
    jw_obj_open(&w);
    jw_kstr(&w, "trackingNumber", ret->tracking_number);
    jw_kstr(&w, "uniqueItemId", ret->unique_item_id);
    jw_obj_close(&w);
    jw_kstr(&w, "qrCode", base64(&r->arena, png));
    jw_kstr(&w, "label", base64(&r->arena, pdf));
    jw_obj_close(&w);
    http_reply_json(r, 200);
}

void api_returns_create(struct request *r)
{
    json_t *body = api_json_body(r);
    if (!body) return;
    struct return_request rq;
    struct return_error err;
    bool ok = return_validate(body, r->cfg->tariff, &r->arena, &rq, &err);
    json_decref(body);
    if (!ok) {
        bad_field(r, &err);
        return;
    }
    const struct order_row *order;
    if (!linked_order(r, rq.reference, &order)) {
        api_store_failed(r);
        return;
    }
    int64_t serial;
    if (store_s10_reserve(r->store, rq.service->s10_prefix, 1, &serial) != STORE_OK) {
        api_store_failed(r);
        return;
    }
    char *tracking = arena_alloc(&r->arena, S10_LEN + 1);
    if (!s10_format(tracking, rq.service->s10_prefix, (uint32_t)serial)) {
        http_error(r, 500, "InternalError", "No tracking number could be issued.");
        return;
    }
    struct buf pdf, png;
    struct return_row ret;
    if (!draw(r, &rq, order, tracking, &pdf, &png) || !store_return(r, &rq, order, tracking, &ret))
        return;
    answer(r, &ret, &pdf, &png);
}
