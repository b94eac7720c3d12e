/* import_mapping: reading a file through a business's own column mapping
 * (import_mapping.h): the mapping becomes a layout of one spelling per
 * field, and from there the file is read as any known layout is
 * (import.c's grouping, import_map.c's values). Also the checks, the first
 * guess and the stored form of a mapping. */
#include "formats/import_impl.h"
#include "formats/import_mapping.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    enum import_slot slot;
    struct import_field_info info;
} fields[IMPORT_NFIELDS] = {
    [IMPORT_F_REFERENCE] = {S_REFERENCE, {"reference", "Order reference", NULL}},
    [IMPORT_F_KEY] = {S_KEY,
                      {"order_number", "Order number",
                       "rows with the same one are one order (a file with a row per item)"}},
    [IMPORT_F_FULLNAME] = {S_FULLNAME,
                           {"full_name", "Recipient name", "the whole name in one column"}},
    [IMPORT_F_FIRST] = {S_FIRST, {"first_name", "First name", "when the name is in two columns"}},
    [IMPORT_F_LAST] = {S_LAST, {"last_name", "Last name", NULL}},
    [IMPORT_F_COMPANY] = {S_COMPANY, {"company", "Company", NULL}},
    [IMPORT_F_ADDR1] = {S_ADDR1, {"address_line1", "Address line 1", NULL}},
    [IMPORT_F_ADDR2] = {S_ADDR2, {"address_line2", "Address line 2", NULL}},
    [IMPORT_F_ADDR3] = {S_ADDR3, {"address_line3", "Address line 3", NULL}},
    [IMPORT_F_CITY] = {S_CITY, {"city", "Town or city", NULL}},
    [IMPORT_F_COUNTY] = {S_COUNTY, {"county", "County", NULL}},
    [IMPORT_F_POSTCODE] = {S_POSTCODE, {"postcode", "Postcode", NULL}},
    [IMPORT_F_COUNTRY] = {S_COUNTRY, {"country", "Country", "a name or code; GB when empty"}},
    [IMPORT_F_EMAIL] = {S_EMAIL, {"email", "Email", NULL}},
    [IMPORT_F_PHONE] = {S_PHONE, {"phone", "Phone", NULL}},
    [IMPORT_F_BUSINESS] = {S_BUSINESS, {"business", "Recipient is a business", "Y or N"}},
    [IMPORT_F_INSTRUCTIONS] = {S_INSTRUCTIONS, {"instructions", "Special instructions", NULL}},
    [IMPORT_F_DATE] = {S_DATE, {"order_date", "Order date", NULL}},
    [IMPORT_F_WEIGHT] = {S_WEIGHT, {"weight", "Weight", "in kg"}},
    [IMPORT_F_PACKAGE] = {S_PACKAGE, {"package_size", "Package size", NULL}},
    [IMPORT_F_SUBTOTAL] = {S_SUBTOTAL, {"subtotal", "Subtotal", NULL}},
    [IMPORT_F_SHIPPING] = {S_SHIPPING, {"shipping_cost", "Shipping cost charged", NULL}},
    [IMPORT_F_TOTAL] = {S_TOTAL, {"total", "Total", NULL}},
    [IMPORT_F_CURRENCY] = {S_CURRENCY, {"currency", "Currency code", NULL}},
    [IMPORT_F_SERVICE] = {S_SERVICE, {"service_code", "Service code", NULL}},
    [IMPORT_F_REGISTER] = {S_REGISTER, {"service_register_code", "Service register code", NULL}},
    [IMPORT_F_SAFEPLACE] = {S_SAFEPLACE, {"safe_place", "Safe place", NULL}},
    [IMPORT_F_SIGNATURE] = {S_SIGNATURE, {"signature", "Signature", "Y or N"}},
    [IMPORT_F_ITEM_NAME] = {S_ITEM_NAME, {"product_name", "Product name", NULL}},
    [IMPORT_F_SKU] = {S_SKU, {"sku", "SKU", NULL}},
    [IMPORT_F_QUANTITY] = {S_QUANTITY, {"quantity", "Quantity", NULL}},
    [IMPORT_F_UNIT_PRICE] = {S_UNIT_PRICE, {"unit_price", "Unit price", NULL}},
    [IMPORT_F_UNIT_WEIGHT] = {S_UNIT_WEIGHT, {"unit_weight", "Unit weight", "in kg"}},
    [IMPORT_F_CUSTOMS_DESC] = {S_CUSTOMS_DESC,
                               {"customs_description", "Customs description", NULL}},
    [IMPORT_F_HS_CODE] = {S_HS_CODE, {"hs_code", "HS tariff code", NULL}},
    [IMPORT_F_ORIGIN] = {S_ORIGIN, {"country_of_origin", "Country of origin", NULL}},
    [IMPORT_F_SHIPS] = {S_SHIPS,
                        {"requires_shipping", "Item is posted",
                         "False for a gift card or download"}},
};

const struct import_field_info *import_field_info(enum import_field f)
{
    return f < IMPORT_NFIELDS ? &fields[f].info : NULL;
}

static const char *const dates_keys[IMPORT_MAP_NDATES] = {"dmy", "mdy", "iso"};
static const char *const dates_labels[IMPORT_MAP_NDATES] = {
    "dd/mm/yyyy (e.g. 28/11/2026)", "mm/dd/yyyy (e.g. 11/28/2026)",
    "yyyy-mm-dd (e.g. 2026-11-28, with or without a time)"};
static const enum import_dates dates_styles[IMPORT_MAP_NDATES] = {DATES_DMY, DATES_MDY, DATES_ISO};

const char *import_mapping_dates_key(enum import_mapping_dates d)
{
    return d < IMPORT_MAP_NDATES ? dates_keys[d] : NULL;
}

const char *import_mapping_dates_label(enum import_mapping_dates d)
{
    return d < IMPORT_MAP_NDATES ? dates_labels[d] : NULL;
}

static bool map_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *map_trim(struct arena *a, const char *s)
{
    while (map_space(*s))
        s++;
    size_t n = strlen(s);
    while (n && map_space(s[n - 1]))
        n--;
    return arena_strndup(a, s, n);
}

static char map_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool map_eq(const char *x, const char *y)
{
    for (; *x && *y; x++, y++)
        if (map_lower(*x) != map_lower(*y)) return false;
    return *x == *y;
}

/* The index of the header equal to text; -1 when none, -2 when two are. */
static int map_find(const struct import_headers *h, const char *text)
{
    int found = -1;
    for (size_t i = 0; i < h->n; i++)
        if (map_eq(h->text[i], text)) {
            if (found >= 0) return -2;
            found = (int)i;
        }
    return found;
}

/* The byte where physical line `line` (1-based) starts, as csv.c counts
 * lines (CRLF, LF or a lone CR); len when the file has fewer lines. */
static size_t map_line_start(const char *data, size_t len, size_t line)
{
    if (line <= 1) return 0;
    size_t at = 1;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n') i++;
        if ((data[i] == '\n' || data[i] == '\r') && ++at == line) return i + 1;
    }
    return len;
}

static bool map_row_empty(const struct csv_row *row)
{
    for (size_t i = 0; i < row->n; i++)
        for (const char *p = row->cells[i]; *p; p++)
            if (!map_space(*p)) return false;
    return true;
}

bool import_file_headers(const char *data, size_t len, size_t rows, struct arena *a,
                         struct import_headers *out, size_t *line, const char **message)
{
    memset(out, 0, sizeof *out);
    struct csv_table t;
    if (!csv_parse(data, len, a, &t, line, message)) return false;
    size_t h = 0;
    while (h < t.nrows && map_row_empty(&t.rows[h]))
        h++;
    if (h == t.nrows) {
        *line = t.rows[0].line;
        *message = "the file has no column headers";
        return false;
    }
    out->line = t.rows[h].line;
    out->n = t.rows[h].n;
    out->text = arena_alloc(a, out->n * sizeof *out->text);
    out->first = arena_alloc(a, out->n * sizeof *out->first);
    for (size_t i = 0; i < out->n; i++) {
        out->text[i] = map_trim(a, t.rows[h].cells[i]);
        out->first[i] = "";
    }
    size_t kept = 0, next = t.nrows;
    for (size_t i = h + 1; i < t.nrows; i++) {
        if (map_row_empty(&t.rows[i])) continue;
        for (size_t c = 0; out->nrows == 0 && c < out->n && c < t.rows[i].n; c++)
            out->first[c] = map_trim(a, t.rows[i].cells[c]);
        out->nrows++;
        if (kept == rows && next == t.nrows) next = i;
        if (kept < rows) kept++;
    }
    out->prefix_len = next < t.nrows ? map_line_start(data, len, t.rows[next].line) : len;
    return true;
}

static bool map_is_required(enum import_field f)
{
    return f == IMPORT_F_ADDR1 || f == IMPORT_F_CITY;
}

/* The order number of a file with a row per item is often its reference
 * too: the one pair of fields that may read one column. */
static bool map_may_share(int f, int g)
{
    return (f == IMPORT_F_KEY && g == IMPORT_F_REFERENCE) ||
           (f == IMPORT_F_REFERENCE && g == IMPORT_F_KEY);
}

size_t import_mapping_check(const struct import_mapping *m, const struct import_headers *h,
                            struct arena *a, const char *errors[IMPORT_NFIELDS])
{
    size_t n = 0;
    int col[IMPORT_NFIELDS];
    for (int f = 0; f < IMPORT_NFIELDS; f++) {
        errors[f] = NULL;
        col[f] = -1;
        const char *c = m->column[f];
        const struct import_field_info *fi = &fields[f].info;
        if (!c || !*c) {
            if (map_is_required(f))
                errors[f] = arena_printf(a, "%s must be mapped to a column", fi->label);
            continue;
        }
        col[f] = map_find(h, c);
        if (col[f] == -1)
            errors[f] = arena_printf(a, "the file has no column \"%s\"", c);
        else if (col[f] == -2)
            errors[f] = arena_printf(a,
                                     "the file has two columns called \"%s\"; rename one in the "
                                     "file to map it",
                                     c);
    }
    if (!(m->column[IMPORT_F_FULLNAME] && *m->column[IMPORT_F_FULLNAME]) &&
        !(m->column[IMPORT_F_FIRST] && *m->column[IMPORT_F_FIRST]))
        errors[IMPORT_F_FULLNAME] =
            "Recipient name (or First name) must be mapped to a column: every order needs one";
    for (int f = 0; f < IMPORT_NFIELDS; f++) {
        if (col[f] < 0 || errors[f]) continue;
        for (int g = 0; g < IMPORT_NFIELDS; g++)
            if (g != f && col[g] == col[f] && !map_may_share(f, g)) {
                errors[f] = arena_printf(a,
                                         "the column \"%s\" is chosen for %s too; one column "
                                         "fills one field",
                                         m->column[f], fields[g].info.label);
                break;
            }
    }
    for (int f = 0; f < IMPORT_NFIELDS; f++)
        n += errors[f] != NULL;
    return n;
}

/* A header fills a field when it is the field's label, its key, or one of
 * the known layouts' spellings of it. */
static bool map_known(enum import_field f, const char *text)
{
    if (map_eq(text, fields[f].info.label) || map_eq(text, fields[f].info.key)) return true;
    for (size_t l = 0; l < import_nlayouts; l++)
        for (const struct import_column *c = import_layouts[l].columns; c->header; c++)
            if (c->slot == fields[f].slot && map_eq(text, c->header)) return true;
    for (const struct import_column *c = import_extra_columns; c->header; c++)
        if (c->slot == fields[f].slot && map_eq(text, c->header)) return true;
    return false;
}

void import_mapping_guess(const struct import_headers *h, struct import_mapping *out)
{
    memset(out, 0, sizeof *out);
    bool taken[CSV_MAX_COLUMNS] = {false};
    for (int f = 0; f < IMPORT_NFIELDS; f++) {
        /* an order number column is guessed only as the reference: the
         * file may have a row per order */
        if (f == IMPORT_F_KEY) continue;
        for (size_t i = 0; i < h->n && i < CSV_MAX_COLUMNS; i++)
            if (!taken[i] && *h->text[i] && map_known(f, h->text[i])) {
                out->column[f] = h->text[i];
                taken[i] = true;
                break;
            }
    }
}

const char *import_mapping_encode(const struct import_mapping *m, struct arena *a)
{
    json_t *spec = json_object(), *cols = json_object();
    json_object_set_new(spec, "version", json_integer(1));
    json_object_set_new(spec, "dates", json_string(import_mapping_dates_key(m->dates)));
    for (int f = 0; f < IMPORT_NFIELDS; f++)
        if (m->column[f] && *m->column[f])
            json_object_set_new(cols, fields[f].info.key, json_string(m->column[f]));
    json_object_set_new(spec, "columns", cols);
    char *text = json_dumps(spec, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(spec);
    const char *out = text ? arena_strdup(a, text) : NULL;
    free(text);
    return out;
}

bool import_mapping_decode(const char *spec, const char *name, struct arena *a,
                           struct import_mapping *out)
{
    memset(out, 0, sizeof *out);
    out->name = name;
    json_t *j = spec ? json_loads(spec, 0, NULL) : NULL;
    json_t *cols = json_object_get(j, "columns");
    const char *dates = json_string_value(json_object_get(j, "dates"));
    bool ok = json_is_object(cols) && dates;
    out->dates = IMPORT_MAP_NDATES;
    for (int d = 0; ok && d < IMPORT_MAP_NDATES; d++)
        if (!strcmp(dates, dates_keys[d])) out->dates = (enum import_mapping_dates)d;
    ok = ok && out->dates < IMPORT_MAP_NDATES;
    for (int f = 0; ok && f < IMPORT_NFIELDS; f++) {
        json_t *c = json_object_get(cols, fields[f].info.key);
        if (c && !json_is_string(c)) ok = false;
        if (c && ok) out->column[f] = arena_strdup(a, json_string_value(c));
    }
    json_decref(j);
    return ok;
}

const char *import_headers_signature(const struct import_headers *h, struct arena *a)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < h->n; i++) {
        char *low = arena_strdup(a, h->text[i]);
        for (char *p = low; *p; p++)
            *p = map_lower(*p);
        json_array_append_new(arr, json_string(low));
    }
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    const char *out = text ? arena_strdup(a, text) : NULL;
    free(text);
    return out;
}

/* The reader's side (import_impl.h): the mapping as the file's layout. */
bool import_mapping_apply(struct import_reader *r, const struct csv_row *header,
                          const struct import_mapping *m)
{
    static const char *const no_footers[] = {NULL};
    struct import_headers h = {.n = header->n, .line = header->line};
    h.text = arena_alloc(r->a, h.n * sizeof *h.text);
    for (size_t i = 0; i < h.n; i++)
        h.text[i] = map_trim(r->a, header->cells[i]);
    struct import_layout *l = arena_alloc(r->a, sizeof *l);
    struct import_column *cols = arena_alloc(r->a, (IMPORT_NFIELDS + 1) * sizeof *cols);
    size_t nc = 0;
    for (int s = 0; s < S_COUNT; s++) {
        r->col[s] = -1;
        r->colname[s] = NULL;
    }
    r->out->format = IMPORT_MAPPED;
    r->out->format_name = m->name;
    for (int f = 0; f < IMPORT_NFIELDS; f++) {
        const char *c = m->column[f];
        if (!c || !*c) continue;
        int i = map_find(&h, c);
        if (i < 0) {
            import_error(r, h.line, c,
                         arena_printf(r->a,
                                      i == -1 ? "the file has no \"%s\" column, which the mapping "
                                                "\"%s\" reads for %s"
                                              : "the file has two \"%s\" columns; the mapping "
                                                "\"%s\" reads one for %s",
                                      c, m->name, fields[f].info.label));
            return false;
        }
        enum import_slot slot = fields[f].slot;
        unsigned flags = slot == S_ADDR1 || slot == S_CITY || slot == S_FULLNAME ? VAL_REQUIRED : 0;
        if (slot == S_FIRST && !m->column[IMPORT_F_FULLNAME]) flags = VAL_REQUIRED;
        cols[nc++] = (struct import_column){h.text[i], slot, flags};
        r->col[slot] = i;
        r->colname[slot] = h.text[i];
    }
    cols[nc] = (struct import_column){NULL, S_NONE, 0};
    *l = (struct import_layout){IMPORT_MAPPED,
                                m->name,
                                r->col[S_KEY] >= 0,
                                dates_styles[m->dates < IMPORT_MAP_NDATES ? m->dates : 0],
                                cols,
                                no_footers};
    r->layout = l;
    return true;
}
