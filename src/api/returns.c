/* returns: GET /returns/services and POST /returns.
 *
 * The return services are the tariff's (share/tariff.tsv), never code. A
 * return gets its own S10 number, a returns label and a QR code, and is
 * stored for the caller's business, linked to the caller's order its
 * customer reference names: the use case (service/returns.c) does all of
 * it. Here: the body, the claims of the linked order and the stored
 * return, and the spec's answers. */
#include "api/api.h"
#include "http/server.h"
#include "service/returns.h"

#include <sodium.h>

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

static const char *base64(struct arena *a, const struct buf *b)
{
    size_t len = sodium_base64_encoded_len(b->len, sodium_base64_VARIANT_ORIGINAL);
    char *out = arena_alloc(a, len);
    sodium_bin2base64(out, len, (const unsigned char *)b->data, b->len,
                      sodium_base64_VARIANT_ORIGINAL);
    return out;
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

/* A return that could not be created, in the spec's shapes. */
static void create_failed(struct request *r, enum service_rc rc, const struct return_error *err)
{
    switch (rc) {
    case SERVICE_INVALID:
        bad_field(r, err);
        break;
    case SERVICE_NO_SERIAL:
        http_error(r, 500, "InternalError", "No tracking number could be issued.");
        break;
    case SERVICE_FOREIGN_RECORD:
    case SERVICE_DRAW_FAILED:
        if (rc == SERVICE_FOREIGN_RECORD) api_foreign_record(r);
        http_error(r, 500, "InternalError", "The returns label could not be drawn.");
        break;
    default:
        api_store_failed(r);
    }
}

void api_returns_create(struct request *r)
{
    json_t *body = api_json_body(r);
    if (!body) return;
    struct service_ctx c = api_service_ctx(r);
    struct service_return out;
    enum service_rc rc = service_return_create(&c, r->cfg->fonts, body, &out);
    json_decref(body);
    if (out.order) http_egress_claim(r, out.order->tenant_id, out.order->order_id);
    if (rc != SERVICE_OK) {
        create_failed(r, rc, &out.err);
        return;
    }
    http_egress_claim(r, out.ret.tenant_id, out.ret.order_id);
    answer(r, &out.ret, &out.pdf, &out.png);
}
