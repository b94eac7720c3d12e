/* import_mapping: the column mapping pages (issue 13). A file whose layout
 * postroom does not know is answered, for an administrator, with a page
 * that lists every postroom field beside a choice of the file's columns
 * (guessed where a header is a known spelling), a preview of its first
 * rows as they would import, each with its problems and its line, and a
 * name to save the mapping under (POST /import/mapping). Saved mappings
 * are the business's own: chosen on the import page, or recognised when a
 * file has exactly the columns a mapping was made from; listed at
 * /import/mappings, each at /import/mappings/{id}, renamed and deleted by
 * administrators (the route table's ROLE_ADMIN refuses Standard users).
 * Another business's mapping number is a 404, the same as an unknown one.
 *
 * The upload itself is not kept: the page carries the file's first rows
 * (at most PREVIEW_ROWS, hex in a hidden field) back and forth in its
 * form, and they are gone once the mapping is saved or the page is left.
 * They are the business's own upload and are never logged nor stored;
 * reading and changing mappings touches no personal data, so nothing here
 * is audited. */
#include "formats/csv.h"
#include "formats/import.h"
#include "formats/import_mapping.h"
#include "http/server.h"
#include "service/import_mapping.h"
#include "service/order_batch.h"
#include "util/timefmt.h"
#include "web/frame.h"
#include "web/import_impl.h"
#include "web/orders_impl.h"
#include "web/settings.h"
#include "web/web.h"

#include <stdlib.h>
#include <string.h>

#define PREVIEW_ROWS 10
#define SAMPLE_MAX (48 * 1024) /* bytes of the file the form carries */
#define NAME_MAX_CHARS 60

/* The mapping form as shown or posted. */
struct mform {
    const char *data; /* the file's first rows */
    size_t len;
    const char *filename, *weight, *package;
    const char *name, *name_error, *dates_error;
    struct import_headers h;
    size_t carried; /* data rows in data (h.nrows: in the whole file) */
    struct import_mapping m;
    int col[IMPORT_NFIELDS]; /* the chosen header's index, -1 for none */
    const char *err[IMPORT_NFIELDS];
    size_t nerr;
};

static bool is_admin(const struct request *r)
{
    return r->principal.role >= ROLE_ADMIN;
}

static void attr(struct request *r, const char *name, const char *value)
{
    buf_adds(&r->out, " ");
    buf_adds(&r->out, name);
    buf_adds(&r->out, "=\"");
    html_text(&r->out, value ? value : "");
    buf_adds(&r->out, "\"");
}

static const char *hex_of(struct arena *a, const char *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *out = arena_alloc(a, 2 * len + 1);
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[(unsigned char)data[i] >> 4];
        out[2 * i + 1] = digits[(unsigned char)data[i] & 15];
    }
    out[2 * len] = '\0';
    return out;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool unhex(struct arena *a, const char *hex, const char **data, size_t *len)
{
    size_t n = hex ? strlen(hex) : 0;
    if (n == 0 || n % 2 || n / 2 > SAMPLE_MAX) return false;
    char *out = arena_alloc(a, n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = (char)(hi << 4 | lo);
    }
    out[n / 2] = '\0';
    *data = out;
    *len = n / 2;
    return true;
}

/* A sample value for an option's label: at most 30 bytes, cut at a UTF-8
 * boundary, with an ellipsis when cut. */
static const char *shortened(struct arena *a, const char *s)
{
    size_t n = strlen(s);
    if (n <= 30) return s;
    n = 30;
    while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return arena_printf(a, "%.*s\xE2\x80\xA6", (int)n, s);
}

/* The index of the header a guessed or stored column names, -1 if none. */
static int index_of(const struct import_headers *h, const char *text)
{
    for (size_t i = 0; text && i < h->n; i++)
        if (!strcmp(h->text[i], text)) return (int)i;
    return -1;
}

/* The dates of a file: ISO when its first row's date cell reads as one. */
static enum import_mapping_dates guess_dates(const struct mform *f)
{
    int c = f->col[IMPORT_F_DATE];
    const char *v = c >= 0 ? f->h.first[c] : "";
    return strlen(v) >= 10 && v[4] == '-' && v[7] == '-' ? IMPORT_MAP_ISO : IMPORT_MAP_DMY;
}

/* The default parcel the upload form gave, as the import reads it. */
static void defaults_of(const struct mform *f, struct import_defaults *d)
{
    if (f->weight && *f->weight && import_parse_kg(f->weight, &d->weight_grams) &&
        (d->weight_grams < 1 || d->weight_grams > 30000))
        d->weight_grams = 0;
    if (f->package && *f->package) d->package_format = import_package_format(f->package);
}

/* ---- the mapping page ---- */

/* The fields in the groups the page shows them in, the required first. */
static const struct {
    const char *legend;
    enum import_field fields[16];
    size_t n;
} groups[] = {
    {"Recipient",
     {IMPORT_F_FULLNAME, IMPORT_F_FIRST, IMPORT_F_LAST, IMPORT_F_COMPANY, IMPORT_F_ADDR1,
      IMPORT_F_ADDR2, IMPORT_F_ADDR3, IMPORT_F_CITY, IMPORT_F_COUNTY, IMPORT_F_POSTCODE,
      IMPORT_F_COUNTRY, IMPORT_F_EMAIL, IMPORT_F_PHONE, IMPORT_F_BUSINESS},
     14},
    {"Order",
     {IMPORT_F_REFERENCE, IMPORT_F_KEY, IMPORT_F_DATE, IMPORT_F_INSTRUCTIONS, IMPORT_F_SUBTOTAL,
      IMPORT_F_SHIPPING, IMPORT_F_TOTAL, IMPORT_F_CURRENCY},
     8},
    {"Parcel and postage",
     {IMPORT_F_WEIGHT, IMPORT_F_PACKAGE, IMPORT_F_SERVICE, IMPORT_F_REGISTER, IMPORT_F_SAFEPLACE,
      IMPORT_F_SIGNATURE},
     6},
    {"Items in the parcel",
     {IMPORT_F_ITEM_NAME, IMPORT_F_SKU, IMPORT_F_QUANTITY, IMPORT_F_UNIT_PRICE,
      IMPORT_F_UNIT_WEIGHT, IMPORT_F_CUSTOMS_DESC, IMPORT_F_HS_CODE, IMPORT_F_ORIGIN,
      IMPORT_F_SHIPS},
     9},
};

static void field_select(struct request *r, const struct mform *f, int fi)
{
    const struct import_field_info *info = import_field_info((enum import_field)fi);
    const char *id = arena_printf(&r->arena, "m-%s", info->key);
    buf_adds(&r->out,
             f->err[fi] ? "<div class=\"cell invalid\"><label" : "<div class=\"cell\"><label");
    attr(r, "for", id);
    buf_adds(&r->out, ">");
    html_text(&r->out, info->label);
    if (fi == IMPORT_F_ADDR1 || fi == IMPORT_F_CITY)
        buf_adds(&r->out, " <span class=\"req\">(required)</span>");
    if (fi == IMPORT_F_FULLNAME) buf_adds(&r->out, " <span class=\"req\">(or First name)</span>");
    if (info->hint) {
        buf_adds(&r->out, "<span class=\"hint\">");
        html_text(&r->out, info->hint);
        buf_adds(&r->out, "</span>");
    }
    buf_adds(&r->out, "</label><select");
    attr(r, "id", id);
    attr(r, "name", arena_printf(&r->arena, "f_%s", info->key));
    if (f->err[fi]) {
        buf_adds(&r->out, " aria-invalid=\"true\"");
        attr(r, "aria-describedby", arena_printf(&r->arena, "%s-error", id));
    }
    buf_adds(&r->out, "><option value=\"\">Not in this file</option>");
    for (size_t i = 0; i < f->h.n; i++) {
        if (!*f->h.text[i]) continue; /* a column with no header cannot be named */
        buf_printf(&r->out, "<option value=\"%zu\"%s>", i, f->col[fi] == (int)i ? " selected" : "");
        html_text(&r->out, f->h.text[i]);
        if (*f->h.first[i]) {
            buf_adds(&r->out, " (e.g. ");
            html_text(&r->out, shortened(&r->arena, f->h.first[i]));
            buf_adds(&r->out, ")");
        }
        buf_adds(&r->out, "</option>");
    }
    buf_adds(&r->out, "</select>");
    settings_field_error(r, id, f->err[fi]);
    buf_adds(&r->out, "</div>");
}

static void preview(struct request *r, const struct mform *f);

/* The form: the fields by group, the dates, then (when asked) the preview,
 * then the name to save it under. */
static void mapping_form(struct request *r, const struct mform *f, bool show_preview)
{
    struct buf *b = &r->out;
    buf_adds(b, "<form method=\"post\" action=\"/import/mapping\" class=\"mapping-form\" "
                "novalidate>");
    web_csrf_field(r);
    buf_adds(b, "<input type=\"hidden\" name=\"sample\"");
    attr(r, "value", hex_of(&r->arena, f->data, f->len));
    buf_printf(b, "><input type=\"hidden\" name=\"rows\" value=\"%zu\"", f->h.nrows);
    buf_adds(b, "><input type=\"hidden\" name=\"filename\"");
    attr(r, "value", f->filename);
    buf_adds(b, "><input type=\"hidden\" name=\"weight\"");
    attr(r, "value", f->weight);
    buf_adds(b, "><input type=\"hidden\" name=\"package\"");
    attr(r, "value", f->package);
    buf_adds(b, ">");
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++) {
        buf_adds(b, "<fieldset class=\"grid\"><legend>");
        buf_adds(b, groups[g].legend);
        buf_adds(b, "</legend>");
        for (size_t k = 0; k < groups[g].n; k++)
            field_select(r, f, groups[g].fields[k]);
        if (g == 1) {
            buf_adds(b, "<div class=\"cell\"><label for=\"m-dates\">Its dates are written</label>"
                        "<select id=\"m-dates\" name=\"dates\"");
            if (f->dates_error)
                buf_adds(b, " aria-invalid=\"true\" aria-describedby=\"m-dates-error\"");
            buf_adds(b, ">");
            for (int d = 0; d < IMPORT_MAP_NDATES; d++) {
                buf_adds(b, "<option");
                attr(r, "value", import_mapping_dates_key((enum import_mapping_dates)d));
                if (f->m.dates == (enum import_mapping_dates)d) buf_adds(b, " selected");
                buf_adds(b, ">");
                html_text(b, import_mapping_dates_label((enum import_mapping_dates)d));
                buf_adds(b, "</option>");
            }
            buf_adds(b, "</select>");
            settings_field_error(r, "m-dates", f->dates_error);
            buf_adds(b, "</div>");
        }
        buf_adds(b, "</fieldset>");
    }
    buf_adds(b, "<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"preview\" "
                "class=\"secondary\">Preview</button><span class=\"muted\">the first rows as they "
                "would import</span></div>");
    if (show_preview) preview(r, f);
    buf_adds(b, "<fieldset class=\"save\"><legend>Save the mapping</legend><div class=\"cell\">"
                "<label for=\"m-name\">Name <span class=\"req\">(one you will recognise, e.g. "
                "the shop the file comes from)</span></label><input id=\"m-name\" name=\"name\" "
                "maxlength=\"60\" autocomplete=\"off\"");
    attr(r, "value", f->name);
    if (f->name_error) buf_adds(b, " aria-invalid=\"true\" aria-describedby=\"m-name-error\"");
    buf_adds(b, ">");
    settings_field_error(r, "m-name", f->name_error);
    buf_adds(b, "</div><button type=\"submit\" name=\"action\" value=\"save\">Save mapping</button>"
                "</fieldset></form>");
}

/* One line of the preview: an order (item, or NULL for a line whose
 * values did not read) and its problems. */
struct pline {
    size_t line;
    const json_t *item;
    size_t first_problem, nproblems;
};
struct pproblem {
    size_t line;
    const char *column, *message;
};

static const char *jstr(const json_t *o, const char *a, const char *b, const char *c)
{
    const json_t *j = json_object_get(o, a);
    if (b) j = json_object_get(j, b);
    if (c) j = json_object_get(j, c);
    return json_string_value(j);
}

static void cell(struct request *r, const char *v)
{
    buf_adds(&r->out, "<td>");
    html_text(&r->out, v ? v : "");
    buf_adds(&r->out, "</td>");
}

static int problem_cmp(const void *x, const void *y)
{
    const struct pproblem *a = x, *b = y;
    return (a->line > b->line) - (a->line < b->line);
}

/* A mapped field's cell in the file's row, as the file wrote it; NULL
 * when empty or not mapped. */
static const char *raw(const struct mform *f, const struct csv_row *row, int fi)
{
    int c = f->col[fi];
    return row && c >= 0 && (size_t)c < row->n && *row->cells[c] ? row->cells[c] : NULL;
}

static const char *joined(struct request *r, const char *x, const char *sep, const char *y)
{
    return x && y ? arena_printf(&r->arena, "%s%s%s", x, sep, y) : x ? x : y;
}

/* A line of the preview: the order as it would import, or for a line whose
 * values did not read, the file's own cells. */
static void preview_row(struct request *r, const struct mform *f, const struct pline *pl,
                        const struct pproblem *pp, const struct csv_row *row)
{
    const json_t *o = pl->item;
    buf_printf(&r->out, "<tr%s><td class=\"num\">%zu</td>",
               pl->nproblems ? " class=\"has-problem\"" : "", pl->line);
    if (o) {
        cell(r, jstr(o, "orderReference", NULL, NULL));
        cell(r, jstr(o, "recipient", "address", "fullName"));
        cell(r, joined(r, jstr(o, "recipient", "address", "addressLine1"), ", ",
                       jstr(o, "recipient", "address", "city")));
        cell(r, jstr(o, "recipient", "address", "postcode"));
        cell(r, jstr(o, "recipient", "address", "countryCode"));
        const json_t *pkg = json_array_get(json_object_get(o, "packages"), 0);
        const json_t *g = json_object_get(pkg, "weightInGrams");
        cell(r, g ? arena_printf(&r->arena, "%lld g", (long long)json_integer_value(g)) : NULL);
        cell(r, jstr(o, "postageDetails", "serviceCode", NULL));
    } else {
        const char *name = raw(f, row, IMPORT_F_FULLNAME);
        cell(r, raw(f, row, IMPORT_F_REFERENCE));
        cell(r,
             name ? name : joined(r, raw(f, row, IMPORT_F_FIRST), " ", raw(f, row, IMPORT_F_LAST)));
        cell(r, joined(r, raw(f, row, IMPORT_F_ADDR1), ", ", raw(f, row, IMPORT_F_CITY)));
        cell(r, raw(f, row, IMPORT_F_POSTCODE));
        cell(r, raw(f, row, IMPORT_F_COUNTRY));
        const char *kg = raw(f, row, IMPORT_F_WEIGHT);
        cell(r, kg ? arena_printf(&r->arena, "%s kg", kg) : NULL);
        cell(r, raw(f, row, IMPORT_F_SERVICE));
    }
    buf_adds(&r->out, "<td>");
    if (!pl->nproblems) buf_adds(&r->out, "<span class=\"ready\">Ready</span>");
    for (size_t k = 0; k < pl->nproblems; k++) {
        const struct pproblem *p = &pp[pl->first_problem + k];
        buf_adds(&r->out, "<span class=\"field-error\">");
        if (p->column) {
            html_text(&r->out, p->column);
            buf_adds(&r->out, ": ");
        }
        html_text(&r->out, p->message);
        buf_adds(&r->out, "</span>");
    }
    buf_adds(&r->out, "</td></tr>");
}

/* The first rows read through the mapping, and then checked as the import
 * checks them (order_batch_check: no store write), each line with its
 * problems. */
static void preview(struct request *r, const struct mform *f)
{
    struct import_defaults d = {.now_ms = time_now_ms(), .mapping = &f->m};
    defaults_of(f, &d);
    struct import_batch ib;
    bool ok = import_read_with(f->data, f->len, &d, &r->arena, &ib);
    buf_adds(&r->out, "<section class=\"preview\" aria-labelledby=\"preview-h\"><h2 "
                      "id=\"preview-h\">Preview</h2>");
    if (!ok) {
        const struct import_error *e = ib.nerrors ? &ib.errors[0] : NULL;
        buf_adds(&r->out, "<p role=\"alert\" class=\"error\">");
        html_text(&r->out, e ? e->message : "The file could not be read.");
        buf_adds(&r->out, "</p></section>");
        import_batch_free(&ib);
        return;
    }
    const json_t **items = arena_alloc(&r->arena, (ib.norders + 1) * sizeof *items);
    for (size_t i = 0; i < ib.norders; i++)
        items[i] = ib.orders[i].item;
    struct order_batch ob;
    struct service_ctx c = {r->store,       scope_of(&r->principal), &r->arena,
                            r->cfg->tariff, time_now_ms(),           NULL};
    order_batch_check(&c, items, ib.norders, &ob);
    /* every problem with its line: the reader's, then the checks' */
    size_t np = ib.nerrors, cap = ib.nerrors;
    for (size_t i = 0; i < ob.n; i++)
        cap += ob.slot[i] == ORDER_BATCH_FAILED ? ob.errs[i].n : 0;
    struct pproblem *pp = arena_alloc(&r->arena, (cap + 1) * sizeof *pp);
    for (size_t i = 0; i < ib.nerrors; i++)
        pp[i] = (struct pproblem){ib.errors[i].line, ib.errors[i].column, ib.errors[i].message};
    for (size_t i = 0; i < ob.n; i++)
        for (size_t k = 0; ob.slot[i] == ORDER_BATCH_FAILED && k < ob.errs[i].n; k++) {
            const struct field_error *fe = &ob.errs[i].items[k];
            const char *col = import_column_for(&ib, fe->field);
            pp[np++] = (struct pproblem){ib.orders[i].line, col ? col : fe->field, fe->message};
        }
    qsort(pp, np, sizeof *pp, problem_cmp);
    /* the lines: each order's first line, and each line with a problem */
    struct pline *pl = arena_alloc(&r->arena, (ib.norders + np + 1) * sizeof *pl);
    size_t nl = 0, oi = 0, pi = 0;
    while (oi < ib.norders || pi < np) {
        size_t line = oi < ib.norders && (pi >= np || ib.orders[oi].line <= pp[pi].line)
                          ? ib.orders[oi].line
                          : pp[pi].line;
        struct pline x = {line, NULL, pi, 0};
        if (oi < ib.norders && ib.orders[oi].line == line) x.item = ib.orders[oi++].item;
        while (pi < np && pp[pi].line == line)
            pi++, x.nproblems++;
        pl[nl++] = x;
    }
    size_t bad = 0;
    for (size_t i = 0; i < nl; i++)
        bad += pl[i].nproblems > 0;
    buf_printf(&r->out,
               "<p class=\"muted\">The first %zu of the file's %zu rows as they would import. "
               "Nothing is imported or kept here: once the mapping is saved, upload the file "
               "on the import page.</p>",
               f->carried, f->h.nrows);
    if (bad)
        buf_printf(&r->out,
                   "<p class=\"error\" role=\"status\">%zu of these lines %s problems: choose "
                   "other columns, or fix the file before you import it.</p>",
                   bad, bad == 1 ? "has" : "have");
    else if (nl)
        buf_adds(&r->out, "<p class=\"done\" role=\"status\">These rows are ready to import.</p>");
    if (ib.nleft_out)
        buf_printf(&r->out,
                   "<p class=\"muted\">%zu order%s left out: nothing in them is posted."
                   "</p>",
                   ib.nleft_out, ib.nleft_out == 1 ? "" : "s");
    buf_adds(&r->out, "<div class=\"table-wrap\"><table class=\"preview\"><thead><tr><th "
                      "scope=\"col\">Line</th><th scope=\"col\">Reference</th><th "
                      "scope=\"col\">Recipient</th><th scope=\"col\">Address</th><th "
                      "scope=\"col\">Postcode</th><th scope=\"col\">Country</th><th "
                      "scope=\"col\">Weight</th><th scope=\"col\">Service</th><th "
                      "scope=\"col\">Problems</th></tr></thead><tbody>");
    struct csv_table t = {0};
    size_t eline;
    const char *emsg;
    if (!csv_parse(f->data, f->len, &r->arena, &t, &eline, &emsg)) t.nrows = 0;
    for (size_t i = 0; i < nl; i++) {
        const struct csv_row *row = NULL;
        for (size_t k = 0; k < t.nrows && !row; k++)
            if (t.rows[k].line == pl[i].line) row = &t.rows[k];
        preview_row(r, f, &pl[i], pp, row);
    }
    if (!nl)
        buf_adds(&r->out, "<tr><td colspan=\"9\" class=\"empty\">The file has no rows below its "
                          "header.</td></tr>");
    buf_adds(&r->out, "</tbody></table></div></section>");
    import_batch_free(&ib);
}

static void mapping_page(struct request *r, const struct mform *f, const char *alert,
                         bool show_preview, int status)
{
    web_page_open(r, WEB_SECTION_IMPORT, "Map the columns of your file");
    if (alert) {
        buf_adds(&r->out, "<p role=\"alert\" class=\"error\">");
        html_text(&r->out, alert);
        buf_adds(&r->out, "</p>");
    }
    buf_adds(&r->out, "<p class=\"muted\">Tell postroom once which column of ");
    if (f->filename && *f->filename) {
        buf_adds(&r->out, "<strong>");
        html_text(&r->out, f->filename);
        buf_adds(&r->out, "</strong>");
    } else {
        buf_adds(&r->out, "your file");
    }
    buf_adds(&r->out, " holds each field, and save the mapping under a name. From then on a "
                      "file with exactly these columns is recognised as it, and you can choose "
                      "it on the import page. <a href=\"/import/mappings\">Saved mappings</a></p>");
    mapping_form(r, f, show_preview);
    web_page_close(r, status);
}

/* The file's first rows for the form: PREVIEW_ROWS of them, fewer when
 * they would not fit SAMPLE_MAX, none but the header when even three do
 * not. False when the header row alone does not. */
static bool take_sample(struct request *r, const char *data, size_t len, struct mform *f)
{
    static const size_t tries[] = {PREVIEW_ROWS, 3, 0};
    size_t line;
    const char *message;
    for (size_t t = 0; t < sizeof tries / sizeof *tries; t++) {
        if (!import_file_headers(data, len, tries[t], &r->arena, &f->h, &line, &message))
            return false;
        if (f->h.prefix_len <= SAMPLE_MAX) {
            size_t nrows = f->h.nrows;
            f->data = data;
            f->len = f->h.prefix_len;
            /* the headers and first row as the form will carry them */
            if (!import_file_headers(f->data, f->len, PREVIEW_ROWS, &r->arena, &f->h, &line,
                                     &message))
                return false;
            f->carried = f->h.nrows;
            f->h.nrows = nrows;
            return true;
        }
    }
    return false;
}

bool web_import_mapping_offer(struct request *r, const char *data, size_t len, const char *filename,
                              const char *why)
{
    struct mform f = {
        .filename = filename, .weight = http_form(r, "weight"), .package = http_form(r, "package")};
    if (!take_sample(r, data, len, &f)) return false;
    char *alert = arena_printf(&r->arena, "%s%s Nothing was imported.", why,
                               why[0] && why[strlen(why) - 1] == '.' ? "" : ".");
    if (alert[0] >= 'a' && alert[0] <= 'z') alert[0] = (char)(alert[0] - 32);
    if (!is_admin(r)) {
        web_page_open(r, WEB_SECTION_IMPORT, "Import orders");
        buf_adds(&r->out, "<p role=\"alert\" class=\"error\">");
        html_text(&r->out, alert);
        buf_adds(&r->out, "</p><p>An administrator of your business can map this file's "
                          "columns once (by uploading it here); from then on files with the "
                          "same columns import like any other.</p><p><a href=\"/import\">Import "
                          "another file</a> &middot; <a href=\"/import/mappings\">Saved "
                          "mappings</a></p>");
        web_page_close(r, 422);
        return true;
    }
    struct import_mapping guess;
    import_mapping_guess(&f.h, &guess);
    for (int fi = 0; fi < IMPORT_NFIELDS; fi++) {
        f.col[fi] = index_of(&f.h, guess.column[fi]);
        f.m.column[fi] = guess.column[fi];
    }
    f.m.dates = guess_dates(&f);
    f.m.name = "Preview";
    f.name = "";
    f.nerr = import_mapping_check(&f.m, &f.h, &r->arena, f.err);
    /* the first guess is a start, not a mistake: no field is marked yet */
    bool can_preview = f.nerr == 0;
    memset(f.err, 0, sizeof f.err);
    mapping_page(r, &f, alert, can_preview, 422);
    return true;
}

/* The posted form: the sample, the name, the dates and each field's column. */
static bool read_posted(struct request *r, struct mform *f)
{
    memset(f, 0, sizeof *f);
    size_t line;
    const char *message;
    if (!unhex(&r->arena, http_form(r, "sample"), &f->data, &f->len) ||
        !import_file_headers(f->data, f->len, PREVIEW_ROWS, &r->arena, &f->h, &line, &message))
        return false;
    /* the whole file's rows, which the preview names; never fewer than carried */
    int64_t rows;
    f->carried = f->h.nrows;
    if (settings_id(http_form(r, "rows"), &rows) && rows > (int64_t)f->h.nrows &&
        rows <= CSV_MAX_ROWS)
        f->h.nrows = (size_t)rows;
    f->filename = http_form(r, "filename");
    f->weight = http_form(r, "weight");
    f->package = http_form(r, "package");
    const char *name = http_form(r, "name");
    f->name = name ? name : "";
    const char *dates = http_form(r, "dates");
    f->m.dates = IMPORT_MAP_NDATES;
    for (int d = 0; dates && d < IMPORT_MAP_NDATES; d++)
        if (!strcmp(dates, import_mapping_dates_key((enum import_mapping_dates)d)))
            f->m.dates = (enum import_mapping_dates)d;
    if (f->m.dates == IMPORT_MAP_NDATES) {
        f->m.dates = IMPORT_MAP_DMY;
        f->dates_error = "Choose how the file writes its dates";
    }
    const char *choice_error[IMPORT_NFIELDS] = {0};
    for (int fi = 0; fi < IMPORT_NFIELDS; fi++) {
        const struct import_field_info *info = import_field_info((enum import_field)fi);
        const char *v = http_form(r, arena_printf(&r->arena, "f_%s", info->key));
        f->col[fi] = -1;
        if (!v || !*v) continue;
        int64_t i;
        if (!(strcmp(v, "0") == 0 ? (i = 0, true) : settings_id(v, &i)) || i >= (int64_t)f->h.n ||
            !*f->h.text[i]) {
            choice_error[fi] = "Choose one of the file's columns from the list";
            continue;
        }
        f->col[fi] = (int)i;
        f->m.column[fi] = f->h.text[i];
    }
    f->m.name = "Preview";
    f->nerr = import_mapping_check(&f->m, &f->h, &r->arena, f->err);
    for (int fi = 0; fi < IMPORT_NFIELDS; fi++)
        if (choice_error[fi]) {
            f->nerr += f->err[fi] == NULL;
            f->err[fi] = choice_error[fi];
        }
    if (f->dates_error) f->nerr++;
    return true;
}

void web_import_mapping(struct request *r)
{
    struct mform f;
    if (!read_posted(r, &f)) {
        web_page_open(r, WEB_SECTION_IMPORT, "Map the columns of your file");
        buf_adds(&r->out, "<p role=\"alert\" class=\"error\">This form no longer holds the "
                          "file's first rows. Upload the file again on the import page. Nothing "
                          "was saved.</p><p><a href=\"/import\">Import orders</a></p>");
        web_page_close(r, 400);
        return;
    }
    const char *action = http_form(r, "action");
    bool save = action && !strcmp(action, "save");
    const char *name = NULL;
    if (save) {
        const char *why = NULL;
        name = settings_clean_text(r, f.name, NAME_MAX_CHARS, &why);
        if (!name) f.name_error = why;
    }
    if (f.nerr || f.name_error) {
        mapping_page(r, &f,
                     save ? "The mapping was not saved: see the fields marked below."
                          : "The mapping cannot be previewed yet: see the fields marked below.",
                     false, 422);
        return;
    }
    if (!save) {
        mapping_page(r, &f, NULL, true, 200);
        return;
    }
    f.m.name = name;
    struct service_ctx c = settings_ctx(r);
    int64_t id = 0;
    int rc = service_import_mapping_save(&c, name, &f.m, &f.h, &id);
    if (rc == STORE_CONFLICT) {
        f.name_error = arena_printf(&r->arena,
                                    "You have a mapping called \"%s\" already: choose another "
                                    "name, or rename that one first",
                                    name);
        mapping_page(r, &f, "The mapping was not saved: see the fields marked below.", false, 422);
        return;
    }
    if (rc != STORE_OK) {
        web_store_failed(r);
        return;
    }
    web_redirect(r, arena_printf(&r->arena, "/import/mappings/%lld?done=saved", (long long)id));
}

/* ---- the import form's choice ---- */

void web_import_mapping_choice(struct request *r)
{
    struct scope sc = scope_of(&r->principal);
    struct mapping_row *rows;
    size_t n;
    if (store_mappings_list(r->store, &sc, &r->arena, &rows, &n) != STORE_OK || n == 0) return;
    buf_adds(&r->out, "<label>Read its columns as <select name=\"mapping\"><option value=\"\">"
                      "Recognised from the header row</option>");
    for (size_t i = 0; i < n; i++) {
        http_egress_claim(r, rows[i].tenant_id, 0);
        buf_printf(&r->out, "<option value=\"%lld\">", (long long)rows[i].mapping_id);
        html_text(&r->out, rows[i].name);
        buf_adds(&r->out, "</option>");
    }
    buf_adds(&r->out, "</select></label>");
}

/* ---- the saved mappings ---- */

static int64_t id_of(struct request *r)
{
    int64_t id;
    return settings_id(r->params[0], &id) ? id : 0;
}

void web_import_mapping_not_found(struct request *r)
{
    web_page_open(r, WEB_SECTION_IMPORT, "Mapping not found");
    buf_adds(&r->out, "<p role=\"alert\" class=\"error\">There is no such column mapping in your "
                      "business.</p><p><a href=\"/import/mappings\">Saved mappings</a> &middot; "
                      "<a href=\"/import\">Import orders</a></p>");
    web_page_close(r, 404);
}

static size_t mapped_count(const struct import_mapping *m)
{
    size_t n = 0;
    for (int fi = 0; fi < IMPORT_NFIELDS; fi++)
        n += m->column[fi] != NULL;
    return n;
}

void web_import_mappings(struct request *r)
{
    struct scope sc = scope_of(&r->principal);
    struct mapping_row *rows;
    size_t n;
    if (store_mappings_list(r->store, &sc, &r->arena, &rows, &n) != STORE_OK) {
        web_store_failed(r);
        return;
    }
    web_page_open(r, WEB_SECTION_IMPORT, "Column mappings");
    const char *done = http_query(r, "done");
    if (done && !strcmp(done, "deleted")) settings_done(r, "Mapping deleted.");
    buf_adds(&r->out, "<p class=\"muted\">Your own spreadsheet layouts: which column fills which "
                      "field. A file with exactly a mapping's columns is recognised as it; any "
                      "other can be read through one chosen on the <a href=\"/import\">import "
                      "page</a>. Upload a file postroom does not know to make one.</p>");
    if (!n) {
        buf_adds(&r->out, "<p class=\"empty\">No mappings yet.</p>");
        web_page_close(r, 200);
        return;
    }
    buf_adds(&r->out, "<div class=\"table-wrap\"><table class=\"mappings\"><thead><tr><th "
                      "scope=\"col\">Name</th><th scope=\"col\">Fields mapped</th><th "
                      "scope=\"col\">Dates</th><th scope=\"col\">Saved</th>");
    if (is_admin(r))
        buf_adds(&r->out, "<th scope=\"col\"><span class=\"visually-hidden\">Actions</span></th>");
    buf_adds(&r->out, "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        http_egress_claim(r, rows[i].tenant_id, 0);
        struct import_mapping m;
        bool ok = import_mapping_decode(rows[i].spec, rows[i].name, &r->arena, &m);
        long long id = (long long)rows[i].mapping_id;
        buf_printf(&r->out, "<tr><td><a href=\"/import/mappings/%lld\">", id);
        html_text(&r->out, rows[i].name);
        buf_adds(&r->out, "</a></td>");
        buf_printf(&r->out, "<td class=\"num\">%zu</td><td>", ok ? mapped_count(&m) : (size_t)0);
        html_text(&r->out, ok ? import_mapping_dates_label(m.dates) : "");
        buf_adds(&r->out, "</td><td>");
        settings_when(r, rows[i].updated_on, "");
        buf_adds(&r->out, "</td>");
        if (is_admin(r)) {
            buf_printf(&r->out,
                       "<td><form method=\"post\" action=\"/import/mappings/%lld/delete\">", id);
            web_csrf_field(r);
            buf_adds(&r->out, "<button type=\"submit\" class=\"danger\" data-confirm=\"Delete "
                              "this mapping?\">Delete<span class=\"visually-hidden\"> ");
            html_text(&r->out, rows[i].name);
            buf_adds(&r->out, "</span></button></form></td>");
        }
        buf_adds(&r->out, "</tr>");
    }
    buf_adds(&r->out, "</tbody></table></div>");
    web_page_close(r, 200);
}

static const char *done_text(const char *done)
{
    if (!done) return NULL;
    if (!strcmp(done, "saved"))
        return "Mapping saved. Upload the file again on the import page: a file with these "
               "columns is recognised as this mapping.";
    if (!strcmp(done, "renamed")) return "Mapping renamed.";
    return NULL;
}

static void one_page(struct request *r, const struct saved_mapping *sm, const char *typed,
                     const char *name_error, int status)
{
    web_page_open(r, WEB_SECTION_IMPORT, sm->m.name);
    if (!name_error) settings_done(r, done_text(http_query(r, "done")));
    if (name_error) {
        buf_adds(&r->out, "<p role=\"alert\" class=\"error\">The mapping was not renamed: see "
                          "the field marked below.</p>");
    }
    buf_adds(&r->out, "<p><a href=\"/import/mappings\">Saved mappings</a> &middot; <a "
                      "href=\"/import\">Import orders</a></p><p>Dates: ");
    html_text(&r->out, import_mapping_dates_label(sm->m.dates));
    buf_adds(&r->out, "</p><div class=\"table-wrap\"><table class=\"mapping\"><thead><tr><th "
                      "scope=\"col\">postroom field</th><th scope=\"col\">Column of the file"
                      "</th></tr></thead><tbody>");
    for (int fi = 0; fi < IMPORT_NFIELDS; fi++) {
        if (!sm->m.column[fi]) continue;
        buf_adds(&r->out, "<tr><th scope=\"row\">");
        html_text(&r->out, import_field_info((enum import_field)fi)->label);
        buf_adds(&r->out, "</th><td>");
        html_text(&r->out, sm->m.column[fi]);
        buf_adds(&r->out, "</td></tr>");
    }
    buf_adds(&r->out, "</tbody></table></div>");
    if (is_admin(r)) {
        long long id = (long long)sm->mapping_id;
        buf_printf(&r->out,
                   "<h2>Rename or delete</h2><form method=\"post\" class=\"rename\" "
                   "action=\"/import/mappings/%lld/rename\" novalidate>",
                   id);
        web_csrf_field(r);
        buf_adds(&r->out, "<label for=\"m-name\">Name<input id=\"m-name\" name=\"name\" "
                          "maxlength=\"60\" autocomplete=\"off\"");
        attr(r, "value", typed ? typed : sm->m.name);
        if (name_error)
            buf_adds(&r->out, " aria-invalid=\"true\" aria-describedby=\"m-name-error\"");
        buf_adds(&r->out, "></label>");
        settings_field_error(r, "m-name", name_error);
        buf_printf(&r->out,
                   "<button type=\"submit\">Rename</button></form><form method=\"post\" "
                   "action=\"/import/mappings/%lld/delete\">",
                   id);
        web_csrf_field(r);
        buf_adds(&r->out, "<button type=\"submit\" class=\"danger\" data-confirm=\"Delete this "
                          "mapping?\">Delete mapping</button></form>");
    }
    web_page_close(r, status);
}

/* The mapping the URL names, in the business's scope; false after answering. */
static bool find(struct request *r, struct saved_mapping *sm)
{
    int64_t id = id_of(r);
    struct scope sc = scope_of(&r->principal);
    int rc = id ? service_import_mapping_get(r->store, &sc, id, &r->arena, sm) : SERVICE_NOTFOUND;
    if (rc == SERVICE_NOTFOUND) {
        web_import_mapping_not_found(r);
        return false;
    }
    if (rc != SERVICE_OK) {
        web_store_failed(r);
        return false;
    }
    http_egress_claim(r, sm->tenant_id, 0);
    return true;
}

void web_import_mapping_page(struct request *r)
{
    struct saved_mapping sm;
    if (find(r, &sm)) one_page(r, &sm, NULL, NULL, 200);
}

void web_import_mapping_rename(struct request *r)
{
    struct saved_mapping sm;
    if (!find(r, &sm)) return;
    const char *typed = http_form(r, "name"), *why = NULL;
    const char *name = settings_clean_text(r, typed, NAME_MAX_CHARS, &why);
    struct scope sc = scope_of(&r->principal);
    int rc = name ? store_mapping_rename(r->store, &sc, sm.mapping_id, name, time_now_ms())
                  : STORE_CONFLICT;
    if (rc == STORE_CONFLICT) {
        if (name) why = arena_printf(&r->arena, "You have a mapping called \"%s\" already", name);
        one_page(r, &sm, typed, why, 422);
        return;
    }
    if (rc == STORE_NOTFOUND) {
        web_import_mapping_not_found(r);
        return;
    }
    if (rc != STORE_OK) {
        web_store_failed(r);
        return;
    }
    web_redirect(
        r, arena_printf(&r->arena, "/import/mappings/%lld?done=renamed", (long long)sm.mapping_id));
}

void web_import_mapping_delete(struct request *r)
{
    int64_t id = id_of(r);
    struct scope sc = scope_of(&r->principal);
    int rc = id ? store_mapping_delete(r->store, &sc, id) : STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND) {
        web_import_mapping_not_found(r);
        return;
    }
    if (rc != STORE_OK) {
        web_store_failed(r);
        return;
    }
    web_redirect(r, "/import/mappings?done=deleted");
}
