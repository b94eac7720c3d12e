/* returns: validate, number, draw and store a return (see the header). */
#include "service/returns.h"
#include "documents/paperwork.h"
#include "domain/s10.h"
#include "service/audit.h"
#include "service/paper.h"
#include "store/store.h"

#include <sodium.h>

#define QR_MODULE_PX 8 /* pixels a module of the qrCode PNG */

/* The scope's order the customer reference names, or NULL; a store return
 * code. */
static int linked_order(const struct service_ctx *c, const char *ref, const struct order_row **out)
{
    *out = NULL;
    if (!ref) return STORE_OK;
    struct order_key keys[2];
    size_t nk = 0;
    int64_t id = return_reference_id(ref);
    if (id) keys[nk++] = (struct order_key){.id = id};
    keys[nk++] = (struct order_key){.reference = ref};
    struct order_row *rows;
    size_t n;
    int rc = store_orders_get(c->store, &c->scope, keys, nk, c->arena, &rows, &n);
    if (rc == STORE_OK) *out = return_pick_order(ref, rows, n);
    return rc;
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

/* The returns label (PDF) and the QR code (PNG) of one return. */
static enum service_rc draw(const struct service_ctx *c, const struct doc_fonts *fonts,
                            const struct return_request *rq, const char *tracking,
                            struct service_return *out)
{
    struct tenant_settings ts;
    const char *name;
    const struct order_row *order = out->order;
    /* a return goes back to the sender its order shipped from */
    if (service_letterhead_for(c, order ? order->doc : NULL, &ts, &name) != STORE_OK)
        return SERVICE_STORE_ERROR;
    struct doc_shipment s;
    return_shipment(rq, order ? order->tenant_id : c->scope.tenant_id, order ? order->order_id : 0,
                    &ts, name, tracking, c->arena, &s);
    buf_init(&out->pdf, c->arena);
    buf_init(&out->png, c->arena);
    struct doc *d =
        doc_begin(fonts, c->scope.tenant_id, service_layout(&ts), "Returns label", &out->pdf);
    doc_add_returns_label(d, &s);
    enum doc_rc rc = doc_end(d, NULL);
    if (rc == DOC_OK) rc = doc_qr_png(tracking, QR_MODULE_PX, &out->png);
    return service_drawn(rc);
}

/* Stores the return (and the order's history line) and reads it back. */
static int store_return(const struct service_ctx *c, const struct return_request *rq,
                        const char *tracking, struct service_return *out)
{
    const struct order_row *order = out->order;
    struct return_new rn = {rq->service->code,
                            tracking,
                            unique_item_id(c->arena),
                            rq->reference,
                            order ? order->order_id : 0,
                            rq->doc,
                            return_history_text(c->arena, tracking)};
    int64_t id, linked;
    /* the return and its return.create records (the return, then the order
     * it is linked to, if any) in one transaction */
    if (service_tx_begin(c) != STORE_OK) return STORE_ERROR;
    int rc = store_return_insert(c->store, &c->scope, &rn, c->now, &id, &linked);
    if (rc == STORE_OK) rc = service_audit_one(c, "return.create", "return", id);
    if (rc == STORE_OK && linked) rc = service_audit_one(c, "return.create", "order", linked);
    rc = service_tx_end(c, rc);
    return rc == STORE_OK ? store_return_get(c->store, &c->scope, tracking, c->arena, &out->ret)
                          : rc;
}

enum service_rc service_return_create(const struct service_ctx *c, const struct doc_fonts *fonts,
                                      const json_t *body, struct service_return *out)
{
    *out = (struct service_return){0};
    struct return_request rq;
    if (!return_validate(body, c->tariff, c->arena, &rq, &out->err)) return SERVICE_INVALID;
    if (linked_order(c, rq.reference, &out->order) != STORE_OK) return SERVICE_STORE_ERROR;
    int64_t serial;
    if (store_s10_reserve(c->store, rq.service->s10_prefix, 1, &serial) != STORE_OK)
        return SERVICE_STORE_ERROR;
    char *tracking = arena_alloc(c->arena, S10_LEN + 1);
    if (!s10_format(tracking, rq.service->s10_prefix, (uint32_t)serial)) return SERVICE_NO_SERIAL;
    enum service_rc rc = draw(c, fonts, &rq, tracking, out);
    if (rc != SERVICE_OK) return rc;
    return store_return(c, &rq, tracking, out) == STORE_OK ? SERVICE_OK : SERVICE_STORE_ERROR;
}
