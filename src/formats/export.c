/* export: orders as CSV rows in Click & Drop's import layout (see the header). */
#include "formats/export.h"
#include "util/timefmt.h"

#include <inttypes.h>
#include <jansson.h>
#include <string.h>

static const char *const columns[] = {
    "First Name", "Last Name", "Company", "Address Line 1", "Address Line 2", "Address Line 3",
    "City", "County", "Postcode", "Country", "Phone", "Email", "Recipient is a business",
    "Order reference", "Special instructions", "Order date", "Weight", "Package size", "Sub-total",
    "Shipping cost", "Total", "Currency code", "Service code", "Safe place", "Product name", "SKU",
    "Quantity", "Unit price", "Customs description", "HS tariff code", "Country of origin",
    /* only an export has these; the importer ignores them */
    "Order number", "Status", "Tracking number", "Channel", "Created on", NULL};

/* True for what a spreadsheet reads as a formula (OWASP "CSV injection"):
 * a leading = @ tab or CR, or + / - followed by anything but a number or a
 * phone number ("+44 7700 900000" and "-1.5" stay as they are). */
static bool formula_like(const char *s)
{
    if (*s == '=' || *s == '@' || *s == '\t' || *s == '\r') return true;
    if (*s != '+' && *s != '-') return false;
    for (const char *p = s + 1; *p; p++)
        if (!strchr("0123456789 ().-+", *p)) return true;
    return false;
}

/* Quoted when a reader would otherwise split, end or trim it: a comma,
 * quote or line break inside, or a space or tab at either end. */
static bool needs_quotes(const char *s)
{
    size_t n = strlen(s);
    return strpbrk(s, ",\"\r\n") || (n && (strchr(" \t", s[0]) || strchr(" \t", s[n - 1])));
}

void export_cell(struct buf *b, const char *s)
{
    if (!s) return;
    bool quote = needs_quotes(s);
    if (quote) buf_addc(b, '"');
    if (formula_like(s)) buf_addc(b, '\'');
    for (; *s; s++) {
        if (*s == '"') buf_addc(b, '"');
        buf_addc(b, *s);
    }
    if (quote) buf_addc(b, '"');
}

void export_header(struct buf *b)
{
    buf_adds(b, "\xEF\xBB\xBF");
    for (int i = 0; columns[i]; i++) {
        if (i) buf_addc(b, ',');
        export_cell(b, columns[i]);
    }
    buf_adds(b, "\r\n");
}

/* The writer of one row: cells are appended in the order of columns[]. */
struct row_writer {
    struct buf *b;
    int n;
};

static void cell(struct row_writer *w, const char *s)
{
    if (w->n++) buf_addc(w->b, ',');
    export_cell(w->b, s);
}

static void cell_str(struct row_writer *w, const json_t *obj, const char *key)
{
    cell(w, json_string_value(json_object_get(obj, key)));
}

static void cell_int(struct row_writer *w, struct arena *a, bool present, int64_t v)
{
    cell(w, present ? arena_printf(a, "%" PRId64, v) : NULL);
}

/* Pence as "12.50"; empty when absent. */
static void cell_money(struct row_writer *w, struct arena *a, const json_t *v)
{
    int64_t p = json_integer_value(v);
    cell(w,
         json_is_integer(v) ? arena_printf(a, "%" PRId64 ".%02" PRId64, p / 100, p % 100) : NULL);
}

static void cell_bool(struct row_writer *w, const json_t *v)
{
    cell(w, json_is_boolean(v) ? (json_is_true(v) ? "True" : "False") : NULL);
}

/* "28/11/2026" from Unix ms, as the import layout writes dates. */
static void cell_date(struct row_writer *w, struct arena *a, int64_t ms)
{
    char t[40];
    if (!ms) {
        cell(w, NULL);
        return;
    }
    time_format_rfc3339(ms, t, sizeof t);
    cell(w, arena_printf(a, "%.2s/%.2s/%.4s", t + 8, t + 5, t));
}

static void cell_time(struct row_writer *w, struct arena *a, int64_t ms)
{
    char t[40];
    time_format_rfc3339(ms, t, sizeof t);
    cell(w, ms ? arena_strdup(a, t) : NULL);
}

/* First and last name from the full name, split at the last space as the
 * API's GetPostalDetailsResult does. */
static void cells_names(struct row_writer *w, struct arena *a, const char *full)
{
    const char *sp = full ? strrchr(full, ' ') : NULL;
    cell(w, sp ? arena_strndup(a, full, (size_t)(sp - full)) : full);
    cell(w, sp ? sp + 1 : NULL);
}

/* Weight in kg with three decimals ("0.250"), and the package format. */
static void cells_package(struct row_writer *w, struct arena *a, const json_t *packages)
{
    int64_t grams = 0;
    size_t i;
    json_t *p;
    json_array_foreach(packages, i, p) grams +=
        json_integer_value(json_object_get(p, "weightInGrams"));
    cell(w, json_array_size(packages)
                ? arena_printf(a, "%" PRId64 ".%03" PRId64, grams / 1000, grams % 1000)
                : NULL);
    const char *format =
        json_string_value(json_object_get(json_array_get(packages, 0), "packageFormatIdentifier"));
    cell(w, format && strcmp(format, "undefined") ? format : NULL);
}

bool export_row(struct buf *b, const struct order_row *row, struct arena *a)
{
    json_error_t err;
    json_t *doc = json_loads(row->doc, 0, &err);
    if (!doc) return false;
    const json_t *recipient = json_object_get(doc, "recipient");
    const json_t *addr = json_object_get(recipient, "address");
    const json_t *postage = json_object_get(doc, "postageDetails");
    const json_t *packages = json_object_get(doc, "packages");
    const json_t *item =
        json_array_get(json_object_get(json_array_get(packages, 0), "contents"), 0);
    struct row_writer w = {b, 0};

    cells_names(&w, a, json_string_value(json_object_get(addr, "fullName")));
    cell_str(&w, addr, "companyName");
    cell_str(&w, addr, "addressLine1");
    cell_str(&w, addr, "addressLine2");
    cell_str(&w, addr, "addressLine3");
    cell_str(&w, addr, "city");
    cell_str(&w, addr, "county");
    cell_str(&w, addr, "postcode");
    cell_str(&w, addr, "countryCode");
    cell_str(&w, recipient, "phoneNumber");
    cell_str(&w, recipient, "emailAddress");
    cell_bool(&w, json_object_get(doc, "isRecipientABusiness"));
    cell(&w, row->reference);
    cell_str(&w, doc, "specialInstructions");
    cell_date(&w, a, row->order_date);
    cells_package(&w, a, packages);
    cell_money(&w, a, json_object_get(doc, "subtotal"));
    cell_money(&w, a, json_object_get(doc, "shippingCostCharged"));
    cell_money(&w, a, json_object_get(doc, "total"));
    cell_str(&w, doc, "currencyCode");
    cell(&w, row->service_code ? row->service_code
                               : json_string_value(json_object_get(postage, "serviceCode")));
    cell_str(&w, postage, "safePlace");
    cell_str(&w, item, "name");
    cell_str(&w, item, "SKU");
    cell_int(&w, a, json_is_integer(json_object_get(item, "quantity")),
             json_integer_value(json_object_get(item, "quantity")));
    cell_money(&w, a, json_object_get(item, "unitValue"));
    cell_str(&w, item, "customsDescription");
    cell_str(&w, item, "customsCode");
    cell_str(&w, item, "originCountryCode");

    cell_int(&w, a, true, row->order_id);
    cell(&w, row->status);
    cell(&w, row->tracking_number);
    cell(&w, row->channel ? row->channel : "API");
    cell_time(&w, a, row->created_on);
    buf_adds(b, "\r\n");
    json_decref(doc);
    return true;
}
