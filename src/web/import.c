/* import: the spreadsheet import page, GET and POST /import.
 *
 * A business uploads a Click & Drop spreadsheet or a marketplace export
 * (domain/import reads and maps it); every order is then checked exactly as
 * POST /orders checks it (api/order_batch). An import is all or nothing: one
 * bad row and nothing is created, and the page lists every problem by line
 * and column so the file can be fixed and uploaded again. */
#include "service/order_batch.h"
#include "domain/status.h"
#include "service/import_mapping.h"
#include "formats/import.h"
#include "http/multipart.h"
#include "http/server.h"
#include "store/store.h"
#include "util/timefmt.h"
#include "web/frame.h"
#include "web/import_impl.h"
#include "web/settings.h"
#include "web/web.h"

#include <stdlib.h>
#include <string.h>

#define IMPORT_ERRORS_SHOWN 100

/* The orders of a file that will be created, and those left out because the
 * business already has an order with the same reference. */
struct import_plan {
    const json_t **items;
    size_t *lines; /* per item: its first line in the file */
    size_t n;
    struct skipped {
        size_t line;
        const char *reference;
        int64_t existing; /* the order already holding the reference */
    } * skipped;
    size_t nskipped;
};

static void import_form(struct request *r)
{
    buf_adds(&r->out, "<form method=\"post\" action=\"/import\" enctype=\"multipart/form-data\">"
                      "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_text(&r->out, r->session_csrf);
    buf_adds(&r->out, "\"><label>Spreadsheet (CSV or tab separated) "
                      "<input name=\"file\" type=\"file\" accept=\".csv,.tsv,.txt,text/csv,"
                      "text/tab-separated-values\" required></label>");
    web_import_mapping_choice(r);
    buf_adds(&r->out,
             "<fieldset><legend>For orders the file gives no parcel for</legend>"
             "<label>Weight (kg) <input name=\"weight\" inputmode=\"decimal\" "
             "pattern=\"[0-9]{1,2}([.][0-9]{1,3})?\" placeholder=\"0.5\"></label>"
             "<label>Package size <select name=\"package\"><option value=\"\">none</option>"
             "<option>letter</option><option>large letter</option><option>small parcel</option>"
             "<option>medium parcel</option><option>parcel</option><option>printed papers</option>"
             "</select></label></fieldset>"
             "<label><input name=\"skip_existing\" type=\"checkbox\" value=\"1\" checked> "
             "Skip orders whose reference is already in postroom (a marketplace export "
             "uploaded again)</label>"
             "<button type=\"submit\">Import orders</button></form>"
             "<p>Click &amp; Drop's own layout, or an orders export from Shopify, eBay, "
             "Amazon (unshipped orders report), Etsy or WooCommerce. The first row names the "
             "columns.</p>"
             "<p>Another layout? Upload it, and map its columns once: "
             "<a href=\"/import/mappings\">saved column mappings</a>.</p>");
}

/* "a Shopify file", but "an Amazon file", "an eBay file", "an Etsy file". */
static const char *article(const char *name)
{
    return name && name[0] && strchr("AEIOUaeiou", name[0]) ? "an" : "a";
}

static void page_open(struct request *r, const char *title)
{
    web_page_open(r, WEB_SECTION_IMPORT, title);
}

static void page_close(struct request *r, int status)
{
    web_page_close(r, status);
}

/* A problem with the upload as a whole: the message, then the form again. */
static void refuse(struct request *r, int status, const char *message)
{
    page_open(r, "Import orders");
    buf_adds(&r->out, "<p role=\"alert\" class=\"error\">");
    html_text(&r->out, message);
    size_t n = strlen(message);
    buf_adds(&r->out, n && message[n - 1] == '.' ? " Nothing was imported.</p>"
                                                 : ". Nothing was imported.</p>");
    import_form(r);
    page_close(r, status);
}

void web_import_form(struct request *r)
{
    page_open(r, "Import orders");
    import_form(r);
    page_close(r, 200);
}

/* One line of the problem list: "Line 7, Postcode: is required". */
static void problem(struct request *r, size_t line, const char *column, const char *message)
{
    buf_adds(&r->out, "<li>");
    if (line) buf_printf(&r->out, "Line %zu", line);
    if (column) {
        buf_adds(&r->out, line ? ", " : "");
        html_text(&r->out, column);
    }
    buf_adds(&r->out, line || column ? ": " : "");
    html_text(&r->out, message);
    buf_adds(&r->out, "</li>");
}

static void problems_open(struct request *r, size_t count, const char *format_name)
{
    page_open(r, "Import orders");
    buf_adds(&r->out, "<p role=\"alert\" class=\"error\">");
    buf_printf(&r->out, "%zu problem%s", count, count == 1 ? "" : "s");
    if (format_name) {
        buf_adds(&r->out, " in this ");
        html_text(&r->out, format_name);
        buf_adds(&r->out, " file");
    }
    buf_adds(&r->out, ". Nothing was imported: fix the file and upload it again.</p><ul>");
}

static void problems_close(struct request *r, size_t count)
{
    buf_adds(&r->out, "</ul>");
    if (count > IMPORT_ERRORS_SHOWN)
        buf_printf(&r->out, "<p>and %zu more.</p>", count - IMPORT_ERRORS_SHOWN);
    import_form(r);
    page_close(r, 422);
}

/* The file could not be mapped (bad dates, unknown countries...). */
static void mapping_problems(struct request *r, const struct import_batch *b)
{
    problems_open(r, b->nerrors, b->format_name);
    for (size_t i = 0; i < b->nerrors && i < IMPORT_ERRORS_SHOWN; i++)
        problem(r, b->errors[i].line, b->errors[i].column, b->errors[i].message);
    problems_close(r, b->nerrors);
}

/* Orders that mapped but fail the API's own validation, named by column. */
static void validation_problems(struct request *r, const struct import_batch *ib,
                                const struct import_plan *plan, const struct order_batch *ob)
{
    size_t count = 0, shown = 0;
    for (size_t i = 0; i < ob->n; i++)
        count += ob->slot[i] == ORDER_BATCH_FAILED ? ob->errs[i].n : 0;
    problems_open(r, count, ib->format_name);
    for (size_t i = 0; i < ob->n; i++) {
        if (ob->slot[i] != ORDER_BATCH_FAILED) continue;
        for (size_t k = 0; k < ob->errs[i].n && shown < IMPORT_ERRORS_SHOWN; k++, shown++) {
            const struct field_error *fe = &ob->errs[i].items[k];
            const char *column = import_column_for(ib, fe->field);
            problem(r, plan->lines[i], column ? column : (*fe->field ? fe->field : NULL),
                    fe->message);
        }
    }
    problems_close(r, count);
}

static void skipped_table(struct request *r, const struct import_plan *plan)
{
    buf_printf(&r->out,
               "<p>%zu order%s skipped: an order with the same reference is already in "
               "postroom.</p><table><thead><tr><th>Line</th><th>Reference</th>"
               "<th>Existing order</th></tr></thead><tbody>",
               plan->nskipped, plan->nskipped == 1 ? "" : "s");
    for (size_t i = 0; i < plan->nskipped; i++) {
        buf_printf(&r->out, "<tr><td>%zu</td><td>", plan->skipped[i].line);
        html_text(&r->out, plan->skipped[i].reference);
        buf_printf(&r->out, "</td><td>%lld</td></tr>", (long long)plan->skipped[i].existing);
    }
    buf_adds(&r->out, "</tbody></table>");
}

/* Orders of the file that are rightly not imported (nothing in them is
 * posted): named, so that none goes missing without a word. */
static void left_out_table(struct request *r, const struct import_batch *ib)
{
    buf_printf(&r->out,
               "<p>%zu order%s left out, not an error:</p><table><thead><tr><th>Line</th>"
               "<th>Reference</th><th>Why</th></tr></thead><tbody>",
               ib->nleft_out, ib->nleft_out == 1 ? "" : "s");
    for (size_t i = 0; i < ib->nleft_out; i++) {
        buf_printf(&r->out, "<tr><td>%zu</td><td>", ib->left_out[i].line);
        html_text(&r->out, ib->left_out[i].reference);
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, ib->left_out[i].reason);
        buf_adds(&r->out, "</td></tr>");
    }
    buf_adds(&r->out, "</tbody></table>");
}

static void imported(struct request *r, const struct service_ctx *c, const struct import_batch *ib,
                     const struct import_plan *plan, const struct order_batch *ob)
{
    page_open(r, "Orders imported");
    buf_printf(&r->out, "<p role=\"status\">%zu order%s imported from %s ", ob->nvalid,
               ob->nvalid == 1 ? "" : "s", article(ib->format_name));
    html_text(&r->out, ib->format_name);
    buf_adds(&r->out, " file.</p>");
    if (ob->nvalid) {
        buf_adds(&r->out, "<table><thead><tr><th>Line</th><th>Order</th><th>Reference</th>"
                          "<th>Status</th><th>Tracking number</th></tr></thead><tbody>");
        for (size_t i = 0; i < ob->n; i++) {
            if (ob->slot[i] == ORDER_BATCH_HELD) continue; /* in the skipped table */
            struct order_row row = order_batch_row(c, ob, i);
            http_egress_claim(r, row.tenant_id, row.order_id);
            buf_printf(&r->out, "<tr><td>%zu</td><td><a href=\"/orders/%lld\">%lld</a></td><td>",
                       plan->lines[i], (long long)row.order_id, (long long)row.order_id);
            html_text(&r->out, row.reference);
            buf_adds(&r->out, "</td><td><span class=\"badge s-");
            html_text(&r->out, row.status);
            buf_adds(&r->out, "\">");
            html_text(&r->out, status_words(row.status));
            buf_adds(&r->out, "</span></td><td>");
            html_text(&r->out, row.tracking_number);
            buf_adds(&r->out, "</td></tr>");
        }
        buf_adds(&r->out, "</tbody></table>");
    }
    if (plan->nskipped) skipped_table(r, plan);
    if (ib->nleft_out) left_out_table(r, ib);
    buf_adds(&r->out, "<p>");
    if (ob->nvalid) buf_adds(&r->out, "<a href=\"/orders\">See them in Orders</a> &middot; ");
    buf_adds(&r->out, "<a href=\"/import\">Import another file</a></p>");
    page_close(r, 200);
}

/* Every order of the file, or with skip_existing those whose reference the
 * business does not have yet. The lookup runs in the principal's scope
 * only: another business's references are never seen, so what is skipped
 * can never tell one business about another's orders. False after a store
 * failure. */
static bool plan_import(struct request *r, const struct import_batch *ib, bool skip_existing,
                        struct import_plan *plan)
{
    size_t n = ib->norders, cap = n ? n : 1;
    plan->items = arena_alloc(&r->arena, cap * sizeof *plan->items);
    plan->lines = arena_alloc(&r->arena, cap * sizeof *plan->lines);
    plan->skipped = arena_alloc(&r->arena, cap * sizeof *plan->skipped);
    struct order_key *keys = arena_alloc(&r->arena, cap * sizeof *keys);
    size_t nkeys = 0;
    for (size_t i = 0; skip_existing && i < n; i++) {
        const char *ref = json_string_value(json_object_get(ib->orders[i].item, "orderReference"));
        if (ref) keys[nkeys++] = (struct order_key){.reference = ref};
    }
    struct order_row *found = NULL;
    size_t nfound = 0;
    struct scope sc = scope_of(&r->principal);
    if (nkeys &&
        store_orders_get(r->store, &sc, keys, nkeys, &r->arena, &found, &nfound) != STORE_OK)
        return false;
    for (size_t i = 0; i < n; i++) {
        const char *ref = json_string_value(json_object_get(ib->orders[i].item, "orderReference"));
        const struct order_row *existing = NULL;
        for (size_t k = 0; ref && k < nfound && !existing; k++)
            if (found[k].reference && !strcmp(found[k].reference, ref)) existing = &found[k];
        if (existing) {
            http_egress_claim(r, existing->tenant_id, existing->order_id);
            plan->skipped[plan->nskipped++] =
                (struct skipped){ib->orders[i].line, ref, existing->order_id};
        } else {
            plan->items[plan->n] = ib->orders[i].item;
            plan->lines[plan->n++] = ib->orders[i].line;
        }
    }
    return true;
}

static int skipped_cmp(const void *x, const void *y)
{
    const struct skipped *a = x, *b = y;
    return (a->line > b->line) - (a->line < b->line);
}

/* The orders the insert itself left out, because by the time it held the
 * write lock the business had them (another upload of the same file got
 * there first), join those the plan skipped, all in line order. */
static void plan_add_held(struct request *r, struct import_plan *plan, const struct order_batch *ob)
{
    for (size_t i = 0; i < ob->n; i++) {
        if (ob->slot[i] != ORDER_BATCH_HELD) continue;
        http_egress_claim(r, ob->held[i].tenant_id, ob->held[i].order_id);
        plan->skipped[plan->nskipped++] = (struct skipped){
            plan->lines[i], json_string_value(json_object_get(plan->items[i], "orderReference")),
            ob->held[i].order_id};
    }
    if (ob->nheld) qsort(plan->skipped, plan->nskipped, sizeof *plan->skipped, skipped_cmp);
}

/* The default parcel the form gives; NULL, or why it is refused. */
static const char *read_defaults(struct request *r, struct import_defaults *d)
{
    const char *weight = http_form(r, "weight"), *package = http_form(r, "package");
    if (weight && *weight &&
        (!import_parse_kg(weight, &d->weight_grams) || d->weight_grams < 1 ||
         d->weight_grams > 30000))
        return "The default weight must be in kg, from 0.001 to 30, e.g. 0.5.";
    if (package && *package && !(d->package_format = import_package_format(package)))
        return "Choose a package size from the list.";
    return NULL;
}

/* The saved mapping the form chose, or else the one made from a file with
 * exactly this file's headers: SERVICE_OK with it, SERVICE_NOTFOUND for
 * none (the layouts are detected), anything else after answering (a chosen
 * number the business does not have is a 404, whoever's it is). */
static int choose_mapping(struct request *r, const struct multipart *m,
                          const struct multipart_part *file, struct saved_mapping *sm)
{
    const struct multipart_part *choice = multipart_get(m, "mapping");
    struct scope sc = scope_of(&r->principal);
    int rc;
    if (choice && choice->len) {
        int64_t id = 0;
        bool number = strlen(choice->data) == choice->len && settings_id(choice->data, &id);
        rc = number ? service_import_mapping_get(r->store, &sc, id, &r->arena, sm)
                    : SERVICE_NOTFOUND;
        if (rc == SERVICE_NOTFOUND) {
            web_import_mapping_not_found(r);
            return SERVICE_INVALID;
        }
    } else {
        rc = service_import_mapping_match(r->store, &sc, file->data, file->len, &r->arena, sm);
        if (rc == SERVICE_NOTFOUND) return rc;
    }
    if (rc == SERVICE_INVALID)
        refuse(r, 422,
               "The saved column mapping cannot be read; an administrator can delete it "
               "and map the file again.");
    else if (rc != SERVICE_OK)
        refuse(r, 503, "The import could not be checked; try again shortly.");
    return rc;
}

void web_import(struct request *r)
{
    const struct multipart *m = http_multipart(r);
    if (!m) {
        refuse(r, 400, r->form_error);
        return;
    }
    const struct multipart_part *file = multipart_get(m, "file");
    /* a browser sends an empty filename when no file was chosen */
    if (!file || !file->filename || (!*file->filename && file->len == 0)) {
        refuse(r, 400, "Choose a spreadsheet file to import.");
        return;
    }
    if (file->len == 0) {
        refuse(r, 422,
               arena_printf(&r->arena,
                            "The file \"%s\" is empty (0 bytes): save the spreadsheet again and "
                            "upload the saved file.",
                            file->filename));
        return;
    }
    struct import_defaults d = {.now_ms = time_now_ms()};
    const char *why = read_defaults(r, &d);
    if (why) {
        refuse(r, 400, why);
        return;
    }
    struct saved_mapping sm;
    int mrc = choose_mapping(r, m, file, &sm);
    if (mrc == SERVICE_OK) {
        http_egress_claim(r, sm.tenant_id, 0);
        d.mapping = &sm.m;
    } else if (mrc != SERVICE_NOTFOUND) {
        return; /* answered */
    }
    struct import_batch ib;
    bool readable = import_read_with(file->data, file->len, &d, &r->arena, &ib);
    /* a layout postroom does not know: offer to map its columns */
    if (!readable && !ib.format && !ib.format_name && ib.nerrors == 1 && !d.mapping &&
        web_import_mapping_offer(r, file->data, file->len, file->filename, ib.errors[0].message)) {
        import_batch_free(&ib);
        return;
    }
    if (!readable && ib.nerrors <= 1) {
        const struct import_error *e = ib.nerrors ? &ib.errors[0] : NULL;
        refuse(r, 422,
               !e        ? "The file could not be read as a spreadsheet."
               : e->line ? arena_printf(&r->arena, "Line %zu: %s", e->line, e->message)
                         : e->message);
        import_batch_free(&ib);
        return;
    }
    if (ib.nerrors) {
        mapping_problems(r, &ib);
        import_batch_free(&ib);
        return;
    }
    if (ib.norders == 0 && ib.nleft_out == 0) {
        import_batch_free(&ib);
        refuse(r, 422, "The file has no orders below its header row.");
        return;
    }
    struct import_plan plan = {0};
    bool skip_existing = http_form(r, "skip_existing") != NULL;
    if (!plan_import(r, &ib, skip_existing, &plan)) {
        import_batch_free(&ib);
        refuse(r, 503, "The import could not be checked; try again shortly.");
        return;
    }
    struct order_batch ob;
    struct service_ctx c = {r->store,       scope_of(&r->principal), &r->arena,
                            r->cfg->tariff, time_now_ms(),           http_audit_actor(r)};
    order_batch_check(&c, plan.items, plan.n, &ob);
    ob.skip_existing = skip_existing;
    const char *channel = ib.format == IMPORT_CLICKANDDROP ? "Spreadsheet import" : ib.format_name;
    for (size_t i = 0; i < ob.nvalid; i++)
        ob.valid[i].channel = channel;
    if (ob.nvalid != ob.n) {
        validation_problems(r, &ib, &plan, &ob);
    } else if (order_batch_insert(&c, &ob) != STORE_OK) {
        refuse(r, 503, "The import could not be saved; try again shortly.");
    } else {
        plan_add_held(r, &plan, &ob);
        imported(r, &c, &ib, &plan, &ob);
    }
    import_batch_free(&ib);
}
