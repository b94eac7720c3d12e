/* import: the spreadsheet import page, GET and POST /import.
 *
 * A business uploads a Click & Drop spreadsheet or a marketplace export
 * (domain/import reads and maps it); every order is then checked exactly as
 * POST /orders checks it (api/order_batch). An import is all or nothing: one
 * bad row and nothing is created, and the page lists every problem by line
 * and column so the file can be fixed and uploaded again. */
#include "api/order_batch.h"
#include "domain/import.h"
#include "http/multipart.h"
#include "store/store.h"
#include "util/timefmt.h"
#include "web/html.h"
#include "web/web.h"

#include <string.h>

#define IMPORT_ERRORS_SHOWN 100

static void import_form(struct request *r)
{
    buf_adds(&r->out, "<form method=\"post\" action=\"/import\" enctype=\"multipart/form-data\">"
                      "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_text(&r->out, r->session_csrf);
    buf_adds(&r->out,
             "\"><label>Spreadsheet (CSV or tab separated) "
             "<input name=\"file\" type=\"file\" accept=\".csv,.tsv,.txt,text/csv,"
             "text/tab-separated-values\" required></label>"
             "<fieldset><legend>For orders the file gives no parcel for</legend>"
             "<label>Weight (kg) <input name=\"weight\" inputmode=\"decimal\" "
             "pattern=\"[0-9]{1,2}([.][0-9]{1,3})?\" placeholder=\"0.5\"></label>"
             "<label>Package size <select name=\"package\"><option value=\"\">none</option>"
             "<option>letter</option><option>large letter</option><option>small parcel</option>"
             "<option>medium parcel</option><option>parcel</option><option>printed papers</option>"
             "</select></label></fieldset>"
             "<button type=\"submit\">Import orders</button></form>"
             "<p>Click &amp; Drop's own layout, or an orders export from Shopify, eBay, "
             "Amazon (unshipped orders report), Etsy or WooCommerce. The first row names the "
             "columns.</p><p><a href=\"/\">Home</a></p>");
}

static void page_open(struct request *r, const char *title)
{
    buf_init(&r->out, &r->arena);
    html_page_open(&r->out, title);
    buf_adds(&r->out, "<h1>");
    html_text(&r->out, title);
    buf_adds(&r->out, "</h1>");
}

static void page_close(struct request *r, int status)
{
    html_page_close(&r->out);
    http_reply(r, status, "text/html; charset=utf-8");
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
    if (!r->authenticated) {
        http_add_header(r, "Location", "/login");
        http_reply(r, 303, "text/html; charset=utf-8");
        return;
    }
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
                                const struct order_batch *ob)
{
    size_t count = 0, shown = 0;
    for (size_t i = 0; i < ob->n; i++) count += ob->slot[i] == ORDER_BATCH_FAILED ? ob->errs[i].n : 0;
    problems_open(r, count, ib->format_name);
    for (size_t i = 0; i < ob->n; i++) {
        if (ob->slot[i] != ORDER_BATCH_FAILED) continue;
        for (size_t k = 0; k < ob->errs[i].n && shown < IMPORT_ERRORS_SHOWN; k++, shown++) {
            const struct field_error *fe = &ob->errs[i].items[k];
            const char *column = import_column_for(ib, fe->field);
            problem(r, ib->orders[i].line, column ? column : (*fe->field ? fe->field : NULL),
                    fe->message);
        }
    }
    problems_close(r, count);
}

static void imported(struct request *r, const struct import_batch *ib, const struct order_batch *ob)
{
    page_open(r, "Orders imported");
    buf_printf(&r->out, "<p role=\"status\">%zu order%s imported from a ", ob->nvalid,
               ob->nvalid == 1 ? "" : "s");
    html_text(&r->out, ib->format_name);
    buf_adds(&r->out, " file.</p><table><thead><tr><th>Line</th><th>Order</th><th>Reference</th>"
                      "<th>Status</th><th>Tracking number</th></tr></thead><tbody>");
    for (size_t i = 0; i < ob->n; i++) {
        struct order_row row = order_batch_row(r, ob, i);
        http_egress_claim(r, row.tenant_id);
        buf_printf(&r->out, "<tr><td>%zu</td><td>%lld</td><td>", ib->orders[i].line,
                   (long long)row.order_id);
        html_text(&r->out, row.reference);
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, row.status);
        buf_adds(&r->out, "</td><td>");
        html_text(&r->out, row.tracking_number);
        buf_adds(&r->out, "</td></tr>");
    }
    buf_adds(&r->out, "</tbody></table><p><a href=\"/import\">Import another file</a> &middot; "
                      "<a href=\"/\">Home</a></p>");
    page_close(r, 200);
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

void web_import(struct request *r)
{
    const struct multipart *m = http_multipart(r);
    if (!m) {
        refuse(r, 400, r->form_error);
        return;
    }
    const struct multipart_part *file = multipart_get(m, "file");
    if (!file || !file->filename || file->len == 0) {
        refuse(r, 400, "Choose a spreadsheet file to import.");
        return;
    }
    struct import_defaults d = {.now_ms = time_now_ms()};
    const char *why = read_defaults(r, &d);
    if (why) {
        refuse(r, 400, why);
        return;
    }
    struct import_batch ib;
    bool readable = import_read_with(file->data, file->len, &d, &r->arena, &ib);
    if (!readable && ib.nerrors <= 1) {
        const struct import_error *e = ib.nerrors ? &ib.errors[0] : NULL;
        refuse(r, 422,
               !e ? "The file could not be read as a spreadsheet."
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
    if (ib.norders == 0) {
        import_batch_free(&ib);
        refuse(r, 422, "The file has no orders below its header row.");
        return;
    }
    const json_t **items = arena_alloc(&r->arena, ib.norders * sizeof *items);
    for (size_t i = 0; i < ib.norders; i++) items[i] = ib.orders[i].item;
    struct order_batch ob;
    order_batch_check(r, items, ib.norders, &ob);
    const char *channel = ib.format == IMPORT_CLICKANDDROP ? "Spreadsheet import" : ib.format_name;
    for (size_t i = 0; i < ob.nvalid; i++) ob.valid[i].channel = channel;
    if (ob.nvalid != ob.n) {
        validation_problems(r, &ib, &ob);
    } else if (order_batch_insert(r, &ob) != STORE_OK) {
        r->store_broken = true;
        refuse(r, 503, "The import could not be saved; try again shortly.");
    } else {
        imported(r, &ib, &ob);
    }
    import_batch_free(&ib);
}
