/* manifests: create a manifest, or draw an existing one again (see the
 * header). */
#include "service/manifests.h"
#include "documents/paperwork.h"
#include "service/audit.h"
#include "service/paper.h"
#include "store/store.h"

/* Draws the receipt of the manifest out describes into out->pdf. */
static enum service_rc draw(const struct service_ctx *c, const struct doc_fonts *fonts,
                            struct service_manifest *out)
{
    struct tenant_settings ts;
    const char *name;
    /* the business's default sender, as its labels without a chosen one */
    if (service_letterhead_for(c, NULL, &ts, &name) != STORE_OK) return SERVICE_STORE_ERROR;
    struct doc_manifest m;
    if (!paperwork_manifest(c->scope.tenant_id, out->number, out->created, out->rows, out->n, &ts,
                            name, c->tariff, c->arena, &m))
        return SERVICE_DRAW_FAILED;
    buf_init(&out->pdf, c->arena);
    struct doc *d = doc_begin(fonts, c->scope.tenant_id, DOC_LAYOUT_A4, "Manifest", &out->pdf);
    doc_add_manifest(d, &m);
    return service_drawn(doc_end(d, NULL));
}

/* The ids of rows, for the audit. */
static int64_t *order_ids(const struct service_ctx *c, const struct order_row *rows, size_t n)
{
    int64_t *ids = arena_alloc(c->arena, (n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = rows[i].order_id;
    return ids;
}

static enum service_rc found(int rc)
{
    return rc == STORE_NOTFOUND ? SERVICE_NOTFOUND : SERVICE_STORE_ERROR;
}

enum service_rc service_manifest_create(const struct service_ctx *c, const struct doc_fonts *fonts,
                                        struct service_manifest *out)
{
    *out = (struct service_manifest){.created = c->now};
    struct order_row *rows;
    size_t n;
    /* the manifest and its manifest.create records (the manifest's number,
     * then its orders) in one transaction */
    if (service_tx_begin(c) != STORE_OK) return SERVICE_STORE_ERROR;
    int rc = store_manifest_create(c->store, &c->scope, c->now, c->arena, &out->number, &rows, &n);
    if (rc == STORE_OK) rc = service_audit_one(c, "manifest.create", "manifest", out->number);
    if (rc == STORE_OK) rc = service_audit(c, "manifest.create", "order", order_ids(c, rows, n), n);
    rc = service_tx_end(c, rc);
    if (rc != STORE_OK) return found(rc);
    out->rows = rows, out->n = n;
    return draw(c, fonts, out);
}

enum service_rc service_manifest_redraw(const struct service_ctx *c, const struct doc_fonts *fonts,
                                        int64_t number, struct service_manifest *out)
{
    *out = (struct service_manifest){.number = number};
    struct order_row *rows;
    size_t n;
    int rc = store_manifest_get(c->store, &c->scope, number, c->arena, &out->created, &rows, &n);
    if (rc != STORE_OK) return found(rc);
    out->rows = rows, out->n = n;
    return draw(c, fonts, out);
}
