/* manifests: POST /manifests, GET /manifests/{manifestIdentifier} and
 * POST /manifests/retry/{manifestIdentifier}.
 *
 * Manifesting takes every eligible order of the caller's business (label
 * generated or despatched, in no manifest yet) into one numbered manifest in
 * one transaction; the collection receipt is drawn from the manifest's
 * orders each time it is asked for (the use case: service/manifests.c).
 * Here: the identifier, the claims, the answer. Errors go through http_error, which
 * writes the spec's ManifestErrorsResponse for 400 and 500 on these routes
 * (error_shape.c) and ErrorResponse otherwise (404). */
#include "api/api.h"
#include "http/server.h"
#include "service/manifests.h"
#include "util/id_parse.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static bool manifest_number(struct request *r, int64_t *no)
{
    if (id_parse(r->params[0], 2147483647, no)) return true;
    http_error(r, 400, "InvalidManifestIdentifier",
               "The manifest identifier must be a positive integer.");
    return false;
}

/* Answers {manifestNumber[, status], documentPdf} for what the use case
 * did, or 500 when it failed. Every order it read is claimed, whatever the
 * outcome. */
static void answer(struct request *r, enum service_rc rc, const struct service_manifest *m,
                   int status, bool with_status)
{
    for (size_t i = 0; i < m->n; i++)
        http_egress_claim(r, m->rows[i].tenant_id, m->rows[i].order_id);
    if (rc == SERVICE_STORE_ERROR) {
        api_store_failed(r);
        return;
    }
    if (rc != SERVICE_OK) {
        if (rc == SERVICE_FOREIGN_RECORD) api_foreign_record(r);
        http_error(r, 500, "InternalError", "The manifest could not be produced.");
        return;
    }
    size_t b64len = sodium_base64_encoded_len(m->pdf.len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = arena_alloc(&r->arena, b64len);
    sodium_bin2base64(b64, b64len, (const unsigned char *)m->pdf.data, m->pdf.len,
                      sodium_base64_VARIANT_ORIGINAL);
    buf_init(&r->out, &r->arena);
    struct jw w;
    jw_init(&w, &r->out);
    jw_obj_open(&w);
    jw_kint(&w, "manifestNumber", m->number);
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
    struct service_ctx c = api_service_ctx(r);
    struct service_manifest m;
    enum service_rc rc = service_manifest_create(&c, r->cfg->fonts, &m);
    if (rc == SERVICE_NOTFOUND)
        http_error(r, 400, "NoEligibleOrders",
                   "There are no orders with labels generated or despatched to manifest.");
    else
        answer(r, rc, &m, 201, false);
}

static void existing(struct request *r, int status, bool with_status)
{
    int64_t no;
    if (!manifest_number(r, &no)) return;
    struct service_ctx c = api_service_ctx(r);
    struct service_manifest m;
    enum service_rc rc = service_manifest_redraw(&c, r->cfg->fonts, no, &m);
    if (rc == SERVICE_NOTFOUND) {
        http_error(r, 404, "ManifestNotFound", "No such manifest.");
        return;
    }
    if (rc == SERVICE_OK) { /* manifest.read: its number, then its orders */
        http_audit_ids(r, r->principal.tenant_id, "manifest.read", "manifest", &no, 1);
        api_audit_rows(r, "manifest.read", m.rows, m.n);
    }
    answer(r, rc, &m, status, with_status);
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
