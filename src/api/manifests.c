/* manifests: POST /manifests, GET /manifests/{manifestIdentifier} and
 * POST /manifests/retry/{manifestIdentifier}.
 *
 * Manifesting takes every eligible order of the caller's business (label
 * generated or despatched, in no manifest yet) into one numbered manifest in
 * one transaction; the collection receipt is drawn from the manifest's
 * orders each time it is asked for. Errors go through http_error, which
 * writes the spec's ManifestErrorsResponse for 400 and 500 on these routes
 * (error_shape.c) and ErrorResponse otherwise (404). */
#include "api/api.h"
#include "documents/paperwork.h"
#include "http/server.h"
#include "store/store.h"
#include "util/timefmt.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static bool manifest_number(struct request *r, int64_t *no)
{
    const char *p = r->params[0];
    if (!p || !*p || strlen(p) > 10 || strspn(p, "0123456789") != strlen(p)) {
        http_error(r, 400, "InvalidManifestIdentifier",
                   "The manifest identifier must be a positive integer.");
        return false;
    }
    *no = strtoll(p, NULL, 10);
    if (*no < 1 || *no > 2147483647) {
        http_error(r, 400, "InvalidManifestIdentifier",
                   "The manifest identifier must be a positive integer.");
        return false;
    }
    return true;
}

/* Draws the manifest and answers {manifestNumber[, status], documentPdf}. */
static void answer(struct request *r, int status, int64_t no, int64_t created,
                   const struct order_row *rows, size_t n, bool with_status)
{
    struct scope sc = scope_of(&r->principal);
    struct tenant_settings ts;
    const char *name;
    if (store_tenant_settings(r->store, &sc, &r->arena, &ts) != STORE_OK ||
        store_tenant_name(r->store, &sc, &r->arena, &name) != STORE_OK) {
        api_store_failed(r);
        return;
    }
    for (size_t i = 0; i < n; i++)
        http_egress_claim(r, rows[i].tenant_id);
    struct doc_manifest m;
    if (!paperwork_manifest(sc.tenant_id, no, created, rows, n, &ts, name, r->cfg->tariff,
                            &r->arena, &m)) {
        http_error(r, 500, "InternalError", "The manifest could not be produced.");
        return;
    }
    struct buf pdf;
    buf_init(&pdf, &r->arena);
    struct doc *d = doc_begin(r->cfg->fonts, sc.tenant_id, DOC_LAYOUT_A4, "Manifest", &pdf);
    doc_add_manifest(d, &m);
    enum doc_rc rc = doc_end(d, NULL);
    if (rc != DOC_OK) {
        if (rc == DOC_ERR_TENANT) {
            r->egress_violation = true;
            r->egress_foreign_tenant = -1;
        }
        http_error(r, 500, "InternalError", "The manifest could not be produced.");
        return;
    }
    size_t b64len = sodium_base64_encoded_len(pdf.len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = arena_alloc(&r->arena, b64len);
    sodium_bin2base64(b64, b64len, (const unsigned char *)pdf.data, pdf.len,
                      sodium_base64_VARIANT_ORIGINAL);
    buf_init(&r->out, &r->arena);
    struct jw w;
    jw_init(&w, &r->out);
    jw_obj_open(&w);
    jw_kint(&w, "manifestNumber", no);
    if (with_status) jw_kstr(&w, "status", "Completed");
    jw_kstr(&w, "documentPdf", b64);
    jw_obj_close(&w);
    http_reply_json(r, status);
}

void api_manifests_create(struct request *r)
{
    /* the body is optional ({"carrierName": ...}); if given it must be JSON */
    if (r->body.len) {
        json_t *body = api_json_body(r);
        if (!body) return;
        json_decref(body);
    }
    struct scope sc = scope_of(&r->principal);
    int64_t no, now = time_now_ms();
    struct order_row *rows;
    size_t n;
    int rc = store_manifest_create(r->store, &sc, now, &r->arena, &no, &rows, &n);
    if (rc == STORE_NOTFOUND) {
        http_error(r, 400, "NoEligibleOrders",
                   "There are no orders with labels generated or despatched to manifest.");
        return;
    }
    if (rc != STORE_OK) {
        api_store_failed(r);
        return;
    }
    answer(r, 201, no, now, rows, n, false);
}

static void existing(struct request *r, int status, bool with_status)
{
    int64_t no, created;
    if (!manifest_number(r, &no)) return;
    struct scope sc = scope_of(&r->principal);
    struct order_row *rows;
    size_t n;
    int rc = store_manifest_get(r->store, &sc, no, &r->arena, &created, &rows, &n);
    if (rc == STORE_NOTFOUND) {
        http_error(r, 404, "ManifestNotFound", "No such manifest.");
        return;
    }
    if (rc != STORE_OK) {
        api_store_failed(r);
        return;
    }
    answer(r, status, no, created, rows, n, with_status);
}

void api_manifests_get(struct request *r)
{
    existing(r, 200, true);
}

/* Retry: the manifest was made atomically, so only its paperwork is redone. */
void api_manifests_retry(struct request *r)
{
    existing(r, 201, false);
}
