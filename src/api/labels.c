/* labels: GET /orders/{orderIdentifiers}/label, and the label returned by
 * POST /orders when label.includeLabelInResponse asks for it.
 *
 * One PDF for up to 100 orders in the business's layout (6x4 or A4): postage
 * labels (with returns labels and customs forms on request), despatch notes,
 * CN22 or CN23. Every order is claimed for the egress check, and the
 * document layer refuses records of any tenant but the one it was begun for. */
#include "api/api.h"
#include "domain/customs_rule.h"
#include "documents/paperwork.h"
#include "domain/s10.h"
#include "domain/status.h"
#include "http/server.h"
#include "store/store.h"
#include "util/timefmt.h"

#include <string.h>
#include <strings.h>

enum doc_kind { KIND_LABEL, KIND_DESPATCH, KIND_CN22, KIND_CN23 };

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

/* The business's settings and name, needed by every document. */
static bool load_context(struct request *r, struct tenant_settings *ts, const char **name)
{
    struct scope sc = scope_of(&r->principal);
    if (store_tenant_settings(r->store, &sc, &r->arena, ts) != STORE_OK ||
        store_tenant_name(r->store, &sc, &r->arena, name) != STORE_OK) {
        r->store_broken = true;
        return false;
    }
    return true;
}

static enum doc_layout layout_of(const struct tenant_settings *ts)
{
    return ts->label_layout && !strcmp(ts->label_layout, "A4") ? DOC_LAYOUT_A4 : DOC_LAYOUT_6X4;
}

/* Builds the shipments of rows, with a returns tracking number each when
 * asked. */
static enum label_rc shipments(struct request *r, const struct order_row *rows, size_t n,
                               bool returns, const struct tenant_settings *ts, const char *name,
                               struct doc_shipment **out)
{
    struct doc_shipment *s = arena_alloc(&r->arena, (n ? n : 1) * sizeof *s);
    int64_t serial = 0;
    /* returns labels travel on the tariff's first return service (Tracked
     * Returns 24), with their own S10 numbers of its prefix */
    const struct tariff_return_service *rs = tariff_return_at(r->cfg->tariff, 0);
    if (returns && !rs) return LABEL_DRAW_FAILED;
    if (returns && store_s10_reserve(r->store, rs->s10_prefix, (int)n, &serial) != STORE_OK) {
        r->store_broken = true;
        return LABEL_STORE_FAILED;
    }
    for (size_t i = 0; i < n; i++) {
        http_egress_claim(r, rows[i].tenant_id);
        if (!paperwork_shipment(&rows[i], ts, name, r->cfg->tariff, &r->arena, &s[i]))
            return LABEL_DRAW_FAILED;
        if (returns) {
            char *tn = arena_alloc(&r->arena, S10_LEN + 1);
            s10_format(tn, rs->s10_prefix, (uint32_t)(serial + (int64_t)i));
            s[i].returns_tracking_number = tn;
            s[i].returns_service_code = rs->code;
            s[i].returns_service_name = rs->name;
        }
    }
    *out = s;
    return LABEL_OK;
}

/* A document that refused a record of another tenant: withheld by the
 * egress check as an incident. */
static enum label_rc drawn(struct request *r, enum doc_rc rc)
{
    if (rc == DOC_OK) return LABEL_OK;
    if (rc == DOC_ERR_TENANT) {
        r->egress_violation = true;
        r->egress_foreign_tenant = -1;
    }
    return LABEL_DRAW_FAILED;
}

enum label_rc api_render_labels(struct request *r, const struct order_row *rows, size_t n,
                                bool returns, bool customs, struct buf *out)
{
    struct tenant_settings ts;
    const char *name;
    struct doc_shipment *s;
    if (!load_context(r, &ts, &name)) return LABEL_STORE_FAILED;
    enum label_rc lr = shipments(r, rows, n, returns, &ts, name, &s);
    if (lr != LABEL_OK) return lr;
    struct doc *d =
        doc_begin(r->cfg->fonts, r->principal.tenant_id, layout_of(&ts), "Postage labels", out);
    for (size_t i = 0; i < n; i++) {
        doc_add_label(d, &s[i]);
        if (returns) doc_add_returns_label(d, &s[i]);
        if (customs && paperwork_international(&s[i])) doc_add_customs(d, &s[i]);
    }
    lr = drawn(r, doc_end(d, NULL));
    if (lr != LABEL_OK) return lr;
    int64_t *ids = arena_alloc(&r->arena, (n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = rows[i].order_id;
    struct scope sc = scope_of(&r->principal);
    if (store_orders_mark_printed(r->store, &sc, ids, n, time_now_ms()) != STORE_OK) {
        r->store_broken = true;
        return LABEL_STORE_FAILED;
    }
    return LABEL_OK;
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

static void label_failed(struct request *r, enum label_rc lr)
{
    if (lr == LABEL_STORE_FAILED)
        api_store_failed(r);
    else
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
        http_egress_claim(r, rows[i].tenant_id);
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
    if (kind == KIND_LABEL) {
        enum label_rc lr = api_render_labels(r, rows, n, returns, customs, &r->out);
        if (lr != LABEL_OK) {
            label_failed(r, lr);
            return;
        }
    } else {
        struct tenant_settings ts;
        const char *name;
        struct doc_shipment *s;
        enum label_rc lr = load_context(r, &ts, &name) ? LABEL_OK : LABEL_STORE_FAILED;
        if (lr == LABEL_OK) lr = shipments(r, rows, n, false, &ts, name, &s);
        if (lr != LABEL_OK) {
            label_failed(r, lr);
            return;
        }
        const char *title = kind == KIND_DESPATCH ? "Despatch notes" : "Customs declarations";
        struct doc *d =
            doc_begin(r->cfg->fonts, r->principal.tenant_id, layout_of(&ts), title, &r->out);
        for (size_t i = 0; i < n; i++) {
            if (kind == KIND_DESPATCH)
                doc_add_despatch_note(d, &s[i]);
            else if (kind == KIND_CN22)
                doc_add_cn22(d, &s[i]);
            else
                doc_add_cn23(d, &s[i]);
        }
        lr = drawn(r, doc_end(d, NULL));
        if (lr != LABEL_OK) {
            label_failed(r, lr);
            return;
        }
    }
    http_add_header(r, "Content-Disposition", "inline; filename=\"labels.pdf\"");
    http_reply(r, 200, "application/pdf");
}
