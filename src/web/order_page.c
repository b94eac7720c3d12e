/* order_page: one order in the web app, GET /orders/{id} (issue 11), and
 * its label and despatch note as PDFs (GET /orders/{id}/label.pdf and
 * /orders/{id}/despatch-note.pdf).
 *
 * The page shows what the order holds (recipient, packages, contents,
 * service, postage, tracking number), its status in words, where it came
 * from and the sender it ships from, and its history as one timeline: the
 * order row's own dates (created, postage applied, label generated,
 * despatched, manifested) and every event of its history (returns, edits,
 * shipping rules). The order is read in the principal's scope only: an
 * unknown number, another business's and a malformed one all get the same
 * 404 page. Reading it is audited as GET /orders/{ids} audits it. */
#include "service/labels.h"
#include "service/paper.h"
#include "domain/package_format.h"
#include "domain/status.h"
#include "domain/tariff.h"
#include "http/server.h"
#include "store/store.h"
#include "util/timefmt.h"
#include "web/frame.h"
#include "web/orders_impl.h"
#include "web/web.h"
#include "util/id_parse.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void web_store_failed(struct request *r)
{
    http_error(r, 503, "Unavailable", "This could not be done just now; try again shortly.");
}

static void not_found(struct request *r)
{
    http_error(r, 404, "NotFound", "There is no page at this address.");
}

bool web_order_find(struct request *r, struct order_row *row)
{
    int64_t id;
    if (!id_parse(r->params[0], INT64_MAX, &id)) {
        not_found(r);
        return false;
    }
    struct scope sc = scope_of(&r->principal);
    struct order_key key = {.id = id};
    struct order_row *rows;
    size_t n;
    int rc = store_orders_get(r->store, &sc, &key, 1, &r->arena, &rows, &n);
    if (rc != STORE_OK) {
        web_store_failed(r);
        return false;
    }
    if (n == 0) {
        not_found(r);
        return false;
    }
    *row = rows[0];
    http_egress_claim(r, row->tenant_id, row->order_id);
    return true;
}

bool web_senders_read(struct request *r, struct sender_row **rows, size_t *n)
{
    struct scope sc = scope_of(&r->principal);
    if (store_senders_list(r->store, &sc, &r->arena, rows, n) != STORE_OK) {
        web_store_failed(r);
        return false;
    }
    for (size_t i = 0; i < *n; i++)
        http_egress_claim(r, (*rows)[i].tenant_id, 0);
    return true;
}

const char *web_when(struct request *r, int64_t ms)
{
    if (!ms) return "";
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char out[40];
    strftime(out, sizeof out, "%-d %b %Y %H:%M", &tm);
    return arena_strdup(&r->arena, out);
}

/* --- the page ------------------------------------------------------------- */

static const char *str_at(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s && *s ? s : NULL;
}

/* <dt>label</dt><dd>text</dd>, when there is a text. */
static void item(struct request *r, const char *label, const char *text)
{
    if (!text || !*text) return;
    buf_adds(&r->out, "<dt>");
    buf_adds(&r->out, label);
    buf_adds(&r->out, "</dt><dd>");
    html_text(&r->out, text);
    buf_adds(&r->out, "</dd>");
}

static const char *money(struct request *r, json_int_t pence)
{
    return arena_printf(&r->arena, "£%lld.%02lld", (long long)(pence / 100),
                        (long long)(pence % 100));
}

static void recipient_card(struct request *r, const json_t *doc)
{
    const json_t *rec = json_object_get(doc, "recipient");
    const json_t *a = json_object_get(rec, "address");
    buf_adds(&r->out, "<section class=\"card\" aria-labelledby=\"h-recipient\">"
                      "<h2 id=\"h-recipient\">Recipient</h2><address>");
    static const char *const lines[] = {"fullName",     "companyName",  "addressLine1",
                                        "addressLine2", "addressLine3", "city",
                                        "county",       "postcode",     "countryCode"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        const char *s = str_at(a, lines[i]);
        if (!s) continue;
        html_text(&r->out, s);
        buf_adds(&r->out, "<br>");
    }
    buf_adds(&r->out, "</address><dl>");
    item(r, "Phone", str_at(rec, "phoneNumber"));
    item(r, "E-mail", str_at(rec, "emailAddress"));
    buf_adds(&r->out, "</dl></section>");
}

/* The trading name the order ships from, as its documents print it. */
static const char *sender_name(struct request *r, const json_t *doc, const struct order_row *row)
{
    struct sender_row *senders;
    size_t n;
    struct scope sc = scope_of(&r->principal);
    struct tenant_settings ts;
    const char *tenant = NULL;
    if (store_senders_list(r->store, &sc, &r->arena, &senders, &n) != STORE_OK) return NULL;
    for (size_t i = 0; i < n; i++)
        http_egress_claim(r, senders[i].tenant_id, 0);
    if (store_tenant_settings(r->store, &sc, &r->arena, &ts) != STORE_OK) return NULL;
    if (store_tenant_name(r->store, &sc, &r->arena, &tenant) != STORE_OK) tenant = NULL;
    const char *own = str_at(json_object_get(doc, "sender"), "tradingName");
    if (own) return own;
    struct tenant_settings from = service_sender_of(&ts, senders, n, row->doc);
    return from.trading_name ? from.trading_name : tenant;
}

static void order_card(struct request *r, const json_t *doc, const struct order_row *row)
{
    buf_adds(&r->out, "<section class=\"card\" aria-labelledby=\"h-order\">"
                      "<h2 id=\"h-order\">Order</h2><dl>");
    item(r, "Reference", row->reference);
    const char *date = web_when(r, row->order_date);
    item(r, "Order date", *date ? arena_strndup(&r->arena, date, strlen(date) - 6) : date);
    item(r, "Channel", row->channel ? row->channel : "API");
    item(r, "Ships from", sender_name(r, doc, row));
    item(r, "Special instructions", str_at(doc, "specialInstructions"));
    if (json_is_integer(json_object_get(doc, "total")))
        item(r, "Order total", money(r, json_integer_value(json_object_get(doc, "total"))));
    buf_adds(&r->out, "</dl></section>");
}

static void postage_card(struct request *r, const json_t *doc, const struct order_row *row)
{
    buf_adds(&r->out, "<section class=\"card\" aria-labelledby=\"h-postage\">"
                      "<h2 id=\"h-postage\">Service and postage</h2><dl>");
    const struct tariff_service *svc = row->service_code && r->cfg->tariff
                                           ? tariff_service(r->cfg->tariff, row->service_code)
                                           : NULL;
    if (row->service_code) {
        item(r, "Service", svc ? svc->name : row->service_code);
        item(r, "Service code", row->service_code);
        item(r, "Postage", money(r, row->postage_pence));
    } else {
        const char *asked = str_at(json_object_get(doc, "postageDetails"), "serviceCode");
        item(r, "Service", asked ? "Not applied yet" : "Not chosen yet");
        item(r, "Requested service", asked);
    }
    item(r, "Tracking number", row->tracking_number);
    if (row->carrier) item(r, "Carrier", row->carrier);
    if (row->manifest_no)
        item(r, "Manifest", arena_printf(&r->arena, "%lld", (long long)row->manifest_no));
    buf_adds(&r->out, "</dl></section>");
}

static const char *int_text(struct request *r, const json_t *v)
{
    return json_is_integer(v) ? arena_printf(&r->arena, "%lld", (long long)json_integer_value(v))
                              : "";
}

static void td(struct request *r, const char *cls, const char *text)
{
    buf_adds(&r->out, cls ? "<td class=\"num\">" : "<td>");
    html_text(&r->out, text ? text : "");
    buf_adds(&r->out, "</td>");
}

static void packages_table(struct request *r, const json_t *doc)
{
    const json_t *packages = json_object_get(doc, "packages");
    buf_adds(&r->out, "<section aria-labelledby=\"h-packages\"><h2 id=\"h-packages\">Packages"
                      "</h2>");
    if (!json_array_size(packages)) {
        buf_adds(&r->out, "<p class=\"muted\">No package given yet.</p></section>");
        return;
    }
    buf_adds(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>Package</th><th>Format</th>"
                      "<th class=\"num\">Weight (g)</th><th>Dimensions (mm)</th></tr></thead>"
                      "<tbody>");
    size_t i;
    const json_t *pkg;
    json_array_foreach(packages, i, pkg)
    {
        const json_t *d = json_object_get(pkg, "dimensions");
        buf_printf(&r->out, "<tr><td>%zu</td>", i + 1);
        td(r, NULL, package_format_words(str_at(pkg, "packageFormatIdentifier")));
        td(r, "num", int_text(r, json_object_get(pkg, "weightInGrams")));
        td(r, NULL,
           d ? arena_printf(&r->arena, "%s × %s × %s",
                            int_text(r, json_object_get(d, "heightInMms")),
                            int_text(r, json_object_get(d, "widthInMms")),
                            int_text(r, json_object_get(d, "depthInMms")))
             : "");
        buf_adds(&r->out, "</tr>");
    }
    buf_adds(&r->out, "</tbody></table></div>");
    bool any = false;
    json_array_foreach(packages, i, pkg) any |= json_array_size(json_object_get(pkg, "contents"));
    if (!any) {
        buf_adds(&r->out, "</section>");
        return;
    }
    buf_adds(&r->out, "<h3>Contents (customs)</h3><div class=\"table-wrap\"><table><thead><tr>"
                      "<th>Description</th><th class=\"num\">Quantity</th>"
                      "<th class=\"num\">Value each</th><th class=\"num\">Weight each (g)</th>"
                      "<th>HS code</th><th>Origin</th></tr></thead><tbody>");
    json_array_foreach(packages, i, pkg)
    {
        size_t j;
        const json_t *it;
        json_array_foreach(json_object_get(pkg, "contents"), j, it)
        {
            const char *desc = str_at(it, "customsDescription");
            buf_adds(&r->out, "<tr>");
            td(r, NULL, desc ? desc : str_at(it, "name"));
            td(r, "num", int_text(r, json_object_get(it, "quantity")));
            const json_t *u = json_object_get(it, "unitValue");
            td(r, "num", json_is_integer(u) ? money(r, json_integer_value(u)) : "");
            td(r, "num", int_text(r, json_object_get(it, "unitWeightInGrams")));
            td(r, NULL, str_at(it, "customsCode"));
            td(r, NULL, str_at(it, "originCountryCode"));
            buf_adds(&r->out, "</tr>");
        }
    }
    buf_adds(&r->out, "</tbody></table></div></section>");
}

struct moment {
    int64_t at;
    const char *text;
    int order; /* ties: the row's dates in their natural order, then events */
};

static int by_time(const void *a, const void *b)
{
    const struct moment *x = a, *y = b;
    if (x->at != y->at) return x->at < y->at ? -1 : 1;
    return x->order - y->order;
}

static void timeline(struct request *r, const struct order_row *row, const struct order_event *ev,
                     size_t nev)
{
    struct moment *m = arena_alloc(&r->arena, (nev + 8) * sizeof *m);
    size_t n = 0;
    const struct {
        int64_t at;
        const char *text;
    } dates[] = {
        {row->created_on, "Created"},
        {row->postage_applied_on, "Postage applied"},
        {row->printed_on, "Label generated"},
        {row->shipped_on, "Despatched"},
        {row->other_courier_on, "Despatched by another courier"},
        {row->manifested_on,
         row->manifest_no
             ? arena_printf(&r->arena, "Manifested (manifest %lld)", (long long)row->manifest_no)
             : "Manifested"},
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
        if (dates[i].at) m[n++] = (struct moment){dates[i].at, dates[i].text, (int)i};
    for (size_t i = 0; i < nev; i++)
        m[n++] = (struct moment){ev[i].at, ev[i].text, 100 + (int)i};
    qsort(m, n, sizeof *m, by_time);
    buf_adds(&r->out, "<section aria-labelledby=\"h-history\"><h2 id=\"h-history\">History</h2>"
                      "<ol class=\"timeline\">");
    for (size_t i = 0; i < n; i++) {
        char iso[40];
        time_format_rfc3339(m[i].at, iso, sizeof iso);
        buf_adds(&r->out, "<li><time datetime=\"");
        html_text(&r->out, iso);
        buf_adds(&r->out, "\">");
        html_text(&r->out, web_when(r, m[i].at));
        buf_adds(&r->out, "</time> <span>");
        html_text(&r->out, m[i].text);
        buf_adds(&r->out, "</span></li>");
    }
    buf_adds(&r->out, "</ol></section>");
}

static void actions(struct request *r, const struct order_row *row)
{
    long long id = (long long)row->order_id;
    buf_adds(&r->out, "<div class=\"toolbar order-actions\">");
    bool editable = !strcmp(row->status, STATUS_NEW) || !strcmp(row->status, STATUS_ON_HOLD);
    if (editable)
        buf_printf(&r->out, "<a class=\"button\" href=\"/orders/%lld/edit\">Edit</a>", id);
    else
        buf_printf(&r->out, "<a class=\"button secondary\" href=\"/orders/%lld/edit\">Edit</a>",
                   id);
    if (row->tracking_number && row->service_code && strcmp(row->status, STATUS_NEW))
        buf_printf(&r->out,
                   "<a class=\"button secondary\" href=\"/orders/%lld/label.pdf\">Print label</a>",
                   id);
    buf_printf(&r->out,
               "<a class=\"button secondary\" href=\"/orders/%lld/despatch-note.pdf\">Despatch "
               "note (PDF)</a><a class=\"button secondary\" href=\"/orders\">All orders</a></div>",
               id);
}

/* The fixed message a redirect names (never text from the URL). */
static const char *done_text(const char *done)
{
    if (!done) return NULL;
    if (!strcmp(done, "created")) return "Order created.";
    if (!strcmp(done, "edited")) return "Changes saved. The order's history records the edit.";
    return NULL;
}

void web_order_page(struct request *r)
{
    struct order_row row;
    if (!web_order_find(r, &row)) return;
    struct scope sc = scope_of(&r->principal);
    struct order_event *ev;
    size_t nev;
    if (store_order_history(r->store, &sc, row.order_id, &r->arena, &ev, &nev) != STORE_OK) {
        web_store_failed(r);
        return;
    }
    for (size_t i = 0; i < nev; i++)
        http_egress_claim(r, ev[i].tenant_id, ev[i].order_id);
    json_t *doc = row.doc ? json_loads(row.doc, 0, NULL) : NULL;
    if (!doc) {
        web_store_failed(r);
        return;
    }
    http_audit_ids(r, row.tenant_id, "order.read", "order", &row.order_id, 1);
    web_page_open(r, WEB_SECTION_ORDERS,
                  arena_printf(&r->arena, "Order %lld", (long long)row.order_id));
    const char *done = done_text(http_query(r, "done"));
    if (done) {
        buf_adds(&r->out, "<p class=\"done\" role=\"status\">");
        buf_adds(&r->out, done);
        buf_adds(&r->out, "</p>");
    }
    buf_adds(&r->out, "<p class=\"order-status\">Status: <span class=\"badge s-");
    html_text(&r->out, row.status);
    buf_adds(&r->out, "\">");
    html_text(&r->out, status_words(row.status));
    buf_adds(&r->out, "</span></p>");
    actions(r, &row);
    buf_adds(&r->out, "<div class=\"cards order-cards\">");
    recipient_card(r, doc);
    order_card(r, doc, &row);
    postage_card(r, doc, &row);
    buf_adds(&r->out, "</div>");
    packages_table(r, doc);
    timeline(r, &row, ev, nev);
    json_decref(doc);
    web_page_close(r, 200);
}

/* --- the PDFs ------------------------------------------------------------- */

static void no_document(struct request *r, const struct order_row *row, const char *why)
{
    web_page_open(r, WEB_SECTION_ORDERS,
                  arena_printf(&r->arena, "Order %lld", (long long)row->order_id));
    buf_adds(&r->out, "<p class=\"error\" role=\"alert\">");
    html_text(&r->out, why);
    buf_printf(&r->out, "</p><p><a href=\"/orders/%lld\">Back to the order</a></p>",
               (long long)row->order_id);
    web_page_close(r, 409);
}

static void pdf_reply(struct request *r, enum service_rc rc, const char *filename)
{
    if (rc == SERVICE_FOREIGN_RECORD) {
        r->egress_violation = true; /* withheld, as an incident (http/egress.c) */
        r->egress_foreign_tenant = -1;
    }
    if (rc != SERVICE_OK) {
        if (rc == SERVICE_STORE_ERROR)
            web_store_failed(r);
        else
            http_error(r, 500, "InternalError", "The document could not be produced.");
        return;
    }
    http_add_header(r, "Content-Disposition",
                    arena_printf(&r->arena, "inline; filename=\"%s\"", filename));
    http_reply(r, 200, "application/pdf");
}

static struct service_ctx ctx_of(struct request *r)
{
    return (struct service_ctx){r->store,       scope_of(&r->principal), &r->arena,
                                r->cfg->tariff, time_now_ms(),           http_audit_actor(r)};
}

void web_order_label(struct request *r)
{
    struct order_row row;
    if (!web_order_find(r, &row)) return;
    if (!row.tracking_number || !row.service_code || !strcmp(row.status, STATUS_NEW)) {
        no_document(r, &row,
                    "Postage has not been applied to this order: apply postage first, "
                    "then print its label.");
        return;
    }
    struct service_ctx c = ctx_of(r);
    buf_init(&r->out, &r->arena);
    enum service_rc rc = service_render_labels(&c, r->cfg->fonts, &row, 1, false, false, &r->out);
    pdf_reply(r, rc, arena_printf(&r->arena, "label-%lld.pdf", (long long)row.order_id));
}

void web_order_despatch_note(struct request *r)
{
    struct order_row row;
    if (!web_order_find(r, &row)) return;
    struct service_ctx c = ctx_of(r);
    buf_init(&r->out, &r->arena);
    enum service_rc rc =
        service_render_paperwork(&c, r->cfg->fonts, SERVICE_DESPATCH_NOTE, &row, 1, &r->out);
    if (rc == SERVICE_OK)
        http_audit_ids(r, row.tenant_id, "paperwork.print", "order", &row.order_id, 1);
    pdf_reply(r, rc, arena_printf(&r->arena, "despatch-note-%lld.pdf", (long long)row.order_id));
}
