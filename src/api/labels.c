/* labels: GET /orders/{orderIdentifiers}/label.
 *
 * One PDF for up to 100 orders in the business's layout (6x4 or A4): postage
 * labels (with returns labels and customs forms on request), despatch notes,
 * CN22 or CN23, drawn by the use case (service/labels.c). Here: the query,
 * which orders may have the document asked for (the spec's 400), the claim
 * of every order for the egress check, and the answer. */
#include "api/api.h"
#include "domain/customs_rule.h"
#include "domain/status.h"
#include "http/server.h"
#include "service/labels.h"

#include <string.h>
#include <strings.h>

enum doc_kind { KIND_LABEL, KIND_DESPATCH, KIND_CN22, KIND_CN23 };

static enum service_paperwork paperwork_of(enum doc_kind kind)
{
    return kind == KIND_DESPATCH ? SERVICE_DESPATCH_NOTE
           : kind == KIND_CN22   ? SERVICE_CN22
                                 : SERVICE_CN23;
}

/* The spec's 400 for the label endpoint: an array of OrderErrorResponse. */
static void order_errors_open(struct jw *w, struct buf *b, struct arena *a)
{
    buf_init(b, a);
    jw_init(w, b);
    jw_arr_open(w);
}

static void order_error(struct jw *w, const struct order_row *row, const char *code,
                        const char *message)
{
    jw_obj_open(w);
    jw_kint(w, "accountOrderNumber", row->order_id);
    jw_kstr_opt(w, "channelOrderReference", row->reference);
    jw_kstr(w, "code", code);
    jw_kstr(w, "message", message);
    jw_obj_close(w);
}

/* Whether the order's customs declaration can be drawn; if not, says why
 * in ew. Labels with includeCN only add one where the order needs it
 * (asked_for false); asking for a CN22 or CN23 of a domestic order is an
 * error. An order whose contents cannot fill the form in (one that had
 * postage before the rule, or whose stored contents lack a field) is
 * refused, naming each missing field: never a form of 0 kg and 0.00. */
static bool customs_ready(struct request *r, struct jw *ew, const struct order_row *row,
                          bool asked_for)
{
    json_t *doc = row->doc ? json_loads(row->doc, 0, NULL) : NULL;
    if (!doc) return true; /* unreadable: drawing it fails as a 500 */
    bool ok = true;
    struct order_errors errs = {0};
    if (!customs_needed(customs_country(doc))) {
        if (asked_for) {
            order_error(ew, row, "CustomsNotRequired",
                        "A customs declaration is only needed for orders that cross a customs "
                        "border (outside GB and the Isle of Man).");
            ok = false;
        }
    } else if (!customs_check(doc, &r->arena, &errs)) {
        bool none = false;
        struct buf m;
        buf_init(&m, &r->arena);
        buf_adds(&m, "The customs declaration cannot be completed: ");
        for (size_t k = 0; k < errs.n; k++) {
            const struct field_error *fe = &errs.items[k];
            size_t fl = strlen(fe->field);
            none |= fe->code == OERR_REQUIRED &&
                    ((fl >= 8 && !strcmp(fe->field + fl - 8, "contents")) ||
                     !strcmp(fe->field, "packages"));
            if (k < 5) buf_printf(&m, "%s%s %s", k ? "; " : "", fe->field, fe->message);
        }
        if (errs.n > 5) buf_printf(&m, "; and %zu more", errs.n - 5);
        buf_adds(&m, ".");
        order_error(ew, row, none ? "CustomsContentsMissing" : "CustomsContentsIncomplete",
                    buf_cstr(&m));
        ok = false;
    }
    json_decref(doc);
    return ok;
}

/* A document that could not be produced: a failed store call, or a drawing
 * that failed. One that refused a record of another tenant is withheld by
 * the egress check as an incident. */
static void document_failed(struct request *r, enum service_rc rc)
{
    if (rc == SERVICE_STORE_ERROR) {
        api_store_failed(r);
        return;
    }
    if (rc == SERVICE_FOREIGN_RECORD) api_foreign_record(r);
    http_error(r, 500, "InternalError", "The document could not be produced.");
}

/* "true"/"false" (any case); absent gives dflt; anything else is invalid. */
static bool bool_param(struct request *r, const char *name, bool dflt, bool *out)
{
    const char *v = http_query(r, name);
    if (!v) {
        *out = dflt;
        return true;
    }
    if (!strcasecmp(v, "true"))
        *out = true;
    else if (!strcasecmp(v, "false"))
        *out = false;
    else
        return false;
    return true;
}

void api_orders_label(struct request *r)
{
    const char *type = http_query(r, "documentType");
    enum doc_kind kind;
    if (type && !strcmp(type, "postageLabel"))
        kind = KIND_LABEL;
    else if (type && !strcmp(type, "despatchNote"))
        kind = KIND_DESPATCH;
    else if (type && !strcmp(type, "CN22"))
        kind = KIND_CN22;
    else if (type && !strcmp(type, "CN23"))
        kind = KIND_CN23;
    else {
        http_error(r, 400, "InvalidDocumentType",
                   "documentType must be postageLabel, despatchNote, CN22 or CN23.");
        return;
    }
    bool returns, customs;
    if (kind == KIND_LABEL && !http_query(r, "includeReturnsLabel")) {
        http_error(r, 400, "InvalidRequest",
                   "includeReturnsLabel is required when documentType is postageLabel.");
        return;
    }
    if (!bool_param(r, "includeReturnsLabel", false, &returns) ||
        !bool_param(r, "includeCN", false, &customs)) {
        http_error(r, 400, "InvalidRequest",
                   "includeReturnsLabel and includeCN must be true or false.");
        return;
    }
    struct order_row *rows;
    size_t n;
    if (!api_find_orders(r, &rows, &n)) return;
    if (n > 100) n = 100; /* references may match several orders each */

    /* every order must be able to have the document asked for */
    struct buf eb;
    struct jw ew;
    order_errors_open(&ew, &eb, &r->arena);
    bool bad = false;
    for (size_t i = 0; i < n; i++) {
        http_egress_claim(r, rows[i].tenant_id, rows[i].order_id);
        if (kind == KIND_LABEL && (!rows[i].tracking_number || !rows[i].service_code ||
                                   !strcmp(rows[i].status, STATUS_NEW))) {
            order_error(&ew, &rows[i], "NoPostage", "Postage has not been applied to this order.");
            bad = true;
        } else if (kind != KIND_DESPATCH && (kind != KIND_LABEL || customs)) {
            bad |= !customs_ready(r, &ew, &rows[i], kind != KIND_LABEL);
        }
    }
    jw_arr_close(&ew);
    if (bad) {
        r->out = eb;
        http_reply_json(r, 400);
        return;
    }
    struct service_ctx c = api_service_ctx(r);
    enum service_rc rc =
        kind == KIND_LABEL
            ? service_render_labels(&c, r->cfg->fonts, rows, n, returns, customs, &r->out)
            : service_render_paperwork(&c, r->cfg->fonts, paperwork_of(kind), rows, n, &r->out);
    if (rc != SERVICE_OK) {
        document_failed(r, rc);
        return;
    }
    /* a label is recorded as printed by the use case, with the print */
    if (kind != KIND_LABEL) api_audit_rows(r, "paperwork.print", rows, n);
    http_add_header(r, "Content-Disposition", "inline; filename=\"labels.pdf\"");
    http_reply(r, 200, "application/pdf");
}
