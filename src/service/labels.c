/* labels: postage labels, despatch notes and customs forms of stored orders
 * (see the header). */
#include "service/labels.h"
#include "documents/paperwork.h"
#include "domain/s10.h"
#include "service/audit.h"
#include "service/paper.h"
#include "store/store.h"

/* The shipments of rows, with a returns tracking number each when asked. */
static enum service_rc shipments(const struct service_ctx *c, const struct order_row *rows,
                                 size_t n, bool returns, const struct tenant_settings *ts,
                                 const char *name, struct doc_shipment **out)
{
    struct doc_shipment *s = arena_alloc(c->arena, (n ? n : 1) * sizeof *s);
    int64_t serial = 0;
    /* returns labels travel on the tariff's first return service (Tracked
     * Returns 24), with their own S10 numbers of its prefix */
    const struct tariff_return_service *rs = tariff_return_at(c->tariff, 0);
    if (returns && !rs) return SERVICE_DRAW_FAILED;
    if (returns && store_s10_reserve(c->store, rs->s10_prefix, (int)n, &serial) != STORE_OK)
        return SERVICE_STORE_ERROR;
    /* each order ships from its own sender (service_sender_of) */
    struct sender_row *senders;
    size_t nsenders;
    if (store_senders_list(c->store, &c->scope, c->arena, &senders, &nsenders) != STORE_OK)
        return SERVICE_STORE_ERROR;
    for (size_t i = 0; i < n; i++) {
        struct tenant_settings from = service_sender_of(ts, senders, nsenders, rows[i].doc);
        if (!paperwork_shipment(&rows[i], &from, name, c->tariff, c->arena, &s[i]))
            return SERVICE_DRAW_FAILED;
        if (returns) {
            char *tn = arena_alloc(c->arena, S10_LEN + 1);
            s10_format(tn, rs->s10_prefix, (uint32_t)(serial + (int64_t)i));
            s[i].returns_tracking_number = tn;
            s[i].returns_service_code = rs->code;
            s[i].returns_service_name = rs->name;
        }
    }
    *out = s;
    return SERVICE_OK;
}

/* The letterhead and the shipments of rows: what every document starts from. */
static enum service_rc prepare(const struct service_ctx *c, const struct order_row *rows, size_t n,
                               bool returns, enum doc_layout *layout, struct doc_shipment **s)
{
    struct tenant_settings ts;
    const char *name;
    if (service_letterhead(c, &ts, &name) != STORE_OK) return SERVICE_STORE_ERROR;
    *layout = service_layout(&ts);
    return shipments(c, rows, n, returns, &ts, name, s);
}

enum service_rc service_render_labels(const struct service_ctx *c, const struct doc_fonts *fonts,
                                      const struct order_row *rows, size_t n, bool returns,
                                      bool customs, struct buf *out)
{
    enum doc_layout layout;
    struct doc_shipment *s;
    enum service_rc rc = prepare(c, rows, n, returns, &layout, &s);
    if (rc != SERVICE_OK) return rc;
    struct doc *d = doc_begin(fonts, c->scope.tenant_id, layout, "Postage labels", out);
    for (size_t i = 0; i < n; i++) {
        doc_add_label(d, &s[i]);
        if (returns) doc_add_returns_label(d, &s[i]);
        if (customs && paperwork_international(&s[i])) doc_add_customs(d, &s[i]);
    }
    rc = service_drawn(doc_end(d, NULL));
    if (rc != SERVICE_OK) return rc;
    int64_t *ids = arena_alloc(c->arena, (n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = rows[i].order_id;
    /* printed and recorded as printed (label.print) in one transaction */
    if (service_tx_begin(c) != STORE_OK) return SERVICE_STORE_ERROR;
    int src = store_orders_mark_printed(c->store, &c->scope, ids, n, c->now);
    if (src == STORE_OK) src = service_audit(c, "label.print", "order", ids, n);
    if (service_tx_end(c, src) != STORE_OK) return SERVICE_STORE_ERROR;
    return SERVICE_OK;
}

static const char *const paperwork_title[] = {
    [SERVICE_DESPATCH_NOTE] = "Despatch notes",
    [SERVICE_CN22] = "Customs declarations",
    [SERVICE_CN23] = "Customs declarations",
};

enum service_rc service_render_paperwork(const struct service_ctx *c, const struct doc_fonts *fonts,
                                         enum service_paperwork kind, const struct order_row *rows,
                                         size_t n, struct buf *out)
{
    enum doc_layout layout;
    struct doc_shipment *s;
    enum service_rc rc = prepare(c, rows, n, false, &layout, &s);
    if (rc != SERVICE_OK) return rc;
    struct doc *d = doc_begin(fonts, c->scope.tenant_id, layout, paperwork_title[kind], out);
    for (size_t i = 0; i < n; i++) {
        if (kind == SERVICE_DESPATCH_NOTE)
            doc_add_despatch_note(d, &s[i]);
        else if (kind == SERVICE_CN22)
            doc_add_cn22(d, &s[i]);
        else
            doc_add_cn23(d, &s[i]);
    }
    return service_drawn(doc_end(d, NULL));
}
