/* import_map: one order's rows to a CreateOrderRequest, the same way for
 * every layout (the layouts differ only in which column fills which field). */
#include "domain/country.h"
#include "formats/import_impl.h"
#include "util/timefmt.h"

#include <string.h>

struct map_order {
    struct import_reader *r;
    const struct csv_row *const *rows;
    size_t n;
    bool ok;
    const char *currency;    /* from a money symbol, when the file has no currency column */
    size_t posted, unposted; /* line items that go in the parcel, and those that do not */
};

/* Where a plain text column goes. */
enum map_where { W_ORDER, W_RECIPIENT, W_ADDRESS, W_POSTAGE };

static const struct {
    enum import_slot slot;
    enum map_where where;
    const char *key;
} map_texts[] = {
    {S_COMPANY, W_ADDRESS, "companyName"},
    {S_ADDR1, W_ADDRESS, "addressLine1"},
    {S_ADDR2, W_ADDRESS, "addressLine2"},
    {S_ADDR3, W_ADDRESS, "addressLine3"},
    {S_CITY, W_ADDRESS, "city"},
    {S_COUNTY, W_ADDRESS, "county"},
    {S_POSTCODE, W_ADDRESS, "postcode"},
    {S_PHONE, W_RECIPIENT, "phoneNumber"},
    {S_EMAIL, W_RECIPIENT, "emailAddress"},
    {S_REFERENCE, W_ORDER, "orderReference"},
    {S_INSTRUCTIONS, W_ORDER, "specialInstructions"},
    {S_CURRENCY, W_ORDER, "currencyCode"},
    {S_SERVICE, W_POSTAGE, "serviceCode"},
    {S_REGISTER, W_POSTAGE, "serviceRegisterCode"},
    {S_SAFEPLACE, W_POSTAGE, "safePlace"},
};

static const struct {
    enum import_slot slot;
    const char *key;
} map_item_texts[] = {
    {S_ITEM_NAME, "name"},
    {S_SKU, "SKU"},
    {S_CUSTOMS_DESC, "customsDescription"},
    {S_HS_CODE, "customsCode"},
};

static void map_fail(struct map_order *m, size_t line, enum import_slot s, const char *message)
{
    import_error(m->r, line, m->r->colname[s], message);
    m->ok = false;
}

/* An order-level value: the first of the order's rows that has one (Shopify
 * fills them on the first row only, eBay on a summary row). */
static const char *map_value(const struct map_order *m, enum import_slot s, size_t *line)
{
    for (size_t i = 0; i < m->n; i++) {
        const char *v = import_cell(m->r, m->rows[i], s);
        if (v) {
            if (line) *line = m->rows[i]->line;
            return v;
        }
    }
    return NULL;
}

static void map_set_text(json_t *obj, const char *key, const char *v)
{
    if (v) json_object_set_new(obj, key, json_string(v));
}

/* Money as the API takes it: a JSON number, whole pounds as integers. */
static json_t *map_money_json(int64_t pence)
{
    return pence % 100 ? json_real((double)pence / 100.0) : json_integer(pence / 100);
}

/* Reads a money cell; false (with an error) when it does not read. */
static bool map_money(struct map_order *m, const char *v, size_t line, enum import_slot s,
                      int64_t *pence)
{
    const char *currency;
    if (!import_parse_money(v, pence, &currency)) {
        map_fail(m, line, s,
                 arena_printf(m->r->a,
                              "'%s' is not an amount of money (a number with up to 2 "
                              "decimals, e.g. 12.50)",
                              import_echo(m->r->a, v)));
        return false;
    }
    if (currency && !m->currency) m->currency = currency;
    return true;
}

static const char *map_country(struct map_order *m, const char *v, size_t line, enum import_slot s)
{
    const char *code = country_to_alpha2(v);
    if (!code)
        map_fail(m, line, s,
                 arena_printf(m->r->a,
                              "'%s' is not a country postroom knows; write its name or its ISO "
                              "code (e.g. GB)",
                              import_echo(m->r->a, v)));
    return code;
}

static void map_required(struct map_order *m)
{
    bool seen[S_COUNT] = {false};
    for (const struct import_column *c = m->r->layout->columns; c->header; c++) {
        if (!(c->flags & VAL_REQUIRED) || seen[c->slot] || m->r->col[c->slot] < 0) continue;
        seen[c->slot] = true;
        if (!map_value(m, c->slot, NULL))
            map_fail(m, m->rows[0]->line, c->slot, "must not be empty");
    }
}

/* Postcodes and phone numbers: a leading apostrophe is a spreadsheet's
 * "keep this as text" mark, not part of the value. Shopify writes zip codes
 * as '02134 so that leading zeros survive, and Excel users type '07700... */
static const char *map_text_mark(enum import_slot s, const char *v)
{
    if (v && (s == S_POSTCODE || s == S_PHONE) && v[0] == '\'' && v[1]) return v + 1;
    return v;
}

/* The address and the recipient's contact details. */
static json_t *map_recipient(struct map_order *m)
{
    json_t *recipient = json_object(), *address = json_object();
    const char *full = map_value(m, S_FULLNAME, NULL);
    const char *first = map_value(m, S_FIRST, NULL), *last = map_value(m, S_LAST, NULL);
    if (!full && first && last) full = arena_printf(m->r->a, "%s %s", first, last);
    map_set_text(address, "fullName", full ? full : first ? first : last);
    size_t line = m->rows[0]->line;
    const char *country = map_value(m, S_COUNTRY, &line);
    const char *code = country ? map_country(m, country, line, S_COUNTRY) : "GB";
    for (size_t i = 0; i < sizeof map_texts / sizeof *map_texts; i++) {
        enum import_slot s = map_texts[i].slot;
        const char *v = map_text_mark(s, map_value(m, s, NULL));
        if (map_texts[i].where == W_ADDRESS) map_set_text(address, map_texts[i].key, v);
        if (map_texts[i].where == W_RECIPIENT) map_set_text(recipient, map_texts[i].key, v);
    }
    map_set_text(address, "countryCode", code);
    json_object_set_new(recipient, "address", address);
    return recipient;
}

/* Sums of item values and weights stop at a bound far above anything
 * order_validate accepts: a price or weight per row is below 10^12 and a
 * quantity at most 999999, so each product fits, and the sum cannot wrap. */
#define MAP_SUM_CAP 1000000000000000LL
static void map_add(int64_t *sum, int64_t v)
{
    *sum = v >= MAP_SUM_CAP - *sum ? MAP_SUM_CAP : *sum + v;
}

/* False for a line item that is not posted: its "requires shipping" cell
 * says no (a gift card, a download). */
static bool map_item_ships(struct map_order *m, const struct csv_row *row)
{
    const char *v = import_cell(m->r, row, S_SHIPS);
    bool ships = true;
    if (v && !import_parse_bool(v, &ships))
        map_fail(m, row->line, S_SHIPS,
                 arena_printf(m->r->a, "'%s' is not one of True, False, Y, N, 1 or 0",
                              import_echo(m->r->a, v)));
    return ships;
}

/* One line item from a row that names one (a name, SKU or customs
 * description); NULL for rows that do not, and for items not posted (not
 * parcel contents, so neither their value nor their weight counts). Adds
 * its value and weight. */
static json_t *map_item(struct map_order *m, const struct csv_row *row, int64_t *value,
                        int64_t *grams)
{
    struct import_reader *r = m->r;
    if (!import_cell(r, row, S_ITEM_NAME) && !import_cell(r, row, S_SKU) &&
        !import_cell(r, row, S_CUSTOMS_DESC))
        return NULL;
    if (!map_item_ships(m, row)) {
        m->unposted++;
        return NULL;
    }
    m->posted++;
    json_t *item = json_object();
    for (size_t i = 0; i < sizeof map_item_texts / sizeof *map_item_texts; i++)
        map_set_text(item, map_item_texts[i].key, import_cell(r, row, map_item_texts[i].slot));
    int64_t q = 1, price = 0, unit_g = 0;
    const char *v = import_cell(r, row, S_QUANTITY);
    if (v && !import_parse_quantity(v, &q))
        map_fail(m, row->line, S_QUANTITY,
                 arena_printf(r->a, "'%s' is not a whole number from 1 to 999999",
                              import_echo(r->a, v)));
    json_object_set_new(item, "quantity", json_integer(q));
    if ((v = import_cell(r, row, S_UNIT_PRICE)) && map_money(m, v, row->line, S_UNIT_PRICE, &price))
        json_object_set_new(item, "unitValue", map_money_json(price));
    if ((v = import_cell(r, row, S_UNIT_WEIGHT))) {
        if (import_parse_kg(v, &unit_g))
            json_object_set_new(item, "unitWeightInGrams", json_integer(unit_g));
        else
            map_fail(m, row->line, S_UNIT_WEIGHT,
                     arena_printf(r->a, "'%s' is not a weight in kg (up to 3 decimals, e.g. 0.25)",
                                  import_echo(r->a, v)));
    }
    if ((v = import_cell(r, row, S_ORIGIN))) {
        const char *code = map_country(m, v, row->line, S_ORIGIN);
        if (code) json_object_set_new(item, "originCountryCode", json_string(code));
    }
    map_add(value, price * q);
    map_add(grams, unit_g * q);
    return item;
}

/* packages[0], when the order has a weight, a package size or items, or
 * the business gave a default package. A weight from the file wins over
 * the items' weights, which win over the default. */
static json_t *map_package(struct map_order *m, int64_t *items_value)
{
    const struct import_defaults *d = &m->r->defaults;
    json_t *contents = json_array();
    int64_t items_grams = 0;
    for (size_t i = 0; i < m->n; i++) {
        json_t *item = map_item(m, m->rows[i], items_value, &items_grams);
        if (item) json_array_append_new(contents, item);
    }
    size_t wline = 0, pline = 0;
    const char *weight = map_value(m, S_WEIGHT, &wline), *size = map_value(m, S_PACKAGE, &pline);
    if (!weight && !size && json_array_size(contents) == 0 && !d->weight_grams &&
        !d->package_format) {
        json_decref(contents);
        return NULL;
    }
    json_t *pkg = json_object();
    int64_t grams = items_grams > 0 ? items_grams : d->weight_grams;
    if (weight && !import_parse_kg(weight, &grams))
        map_fail(m, wline, S_WEIGHT,
                 arena_printf(m->r->a, "'%s' is not a weight in kg (up to 3 decimals, e.g. 1.25)",
                              import_echo(m->r->a, weight)));
    if (weight || grams > 0) json_object_set_new(pkg, "weightInGrams", json_integer(grams));
    const char *format = size                ? import_package_format(size)
                         : d->package_format ? d->package_format
                                             : "undefined";
    if (!format)
        map_fail(m, pline, S_PACKAGE,
                 arena_printf(m->r->a,
                              "'%s' is not a package size: letter, large letter, small parcel, "
                              "medium parcel, large parcel, parcel or printed papers",
                              import_echo(m->r->a, size)));
    json_object_set_new(pkg, "packageFormatIdentifier", json_string(format ? format : ""));
    if (json_array_size(contents)) json_object_set(pkg, "contents", contents);
    json_decref(contents);
    json_t *packages = json_array();
    json_array_append_new(packages, pkg);
    return packages;
}

static void map_date(struct map_order *m, json_t *order)
{
    size_t line = 0;
    const char *v = map_value(m, S_DATE, &line);
    int64_t ms = m->r->now_ms;
    if (v && !import_parse_date(m->r->layout->dates, v, &ms))
        map_fail(m, line, S_DATE,
                 arena_printf(m->r->a, "'%s' is not a date (%s)", import_echo(m->r->a, v),
                              import_date_hint(m->r->layout->dates)));
    char t[40];
    time_format_rfc3339(ms, t, sizeof t);
    json_object_set_new(order, "orderDate", json_string(t));
}

/* subtotal (default: the items' value), shippingCostCharged (default 0),
 * total (default: their sum). */
static void map_totals(struct map_order *m, json_t *order, int64_t items_value)
{
    static const enum import_slot slots[3] = {S_SUBTOTAL, S_SHIPPING, S_TOTAL};
    static const char *const keys[3] = {"subtotal", "shippingCostCharged", "total"};
    int64_t pence[3] = {items_value, 0, -1};
    for (int i = 0; i < 3; i++) {
        size_t line = 0;
        const char *v = map_value(m, slots[i], &line);
        if (v) map_money(m, v, line, slots[i], &pence[i]);
    }
    if (pence[2] < 0) pence[2] = pence[0] + pence[1];
    for (int i = 0; i < 3; i++)
        json_object_set_new(order, keys[i], map_money_json(pence[i]));
}

static void map_flag(struct map_order *m, json_t *obj, const char *key, enum import_slot s)
{
    size_t line = 0;
    const char *v = map_value(m, s, &line);
    bool b;
    if (!v) return;
    if (import_parse_bool(v, &b))
        json_object_set_new(obj, key, json_boolean(b));
    else
        map_fail(m, line, s,
                 arena_printf(m->r->a, "'%s' is not one of True, False, Y, N, 1 or 0",
                              import_echo(m->r->a, v)));
}

json_t *import_map_order(struct import_reader *r, const struct csv_row *const *rows, size_t n)
{
    struct map_order m = {r, rows, n, true, NULL, 0, 0};
    map_required(&m);
    json_t *order = json_object(), *postage = json_object();
    json_object_set_new(order, "recipient", map_recipient(&m));
    for (size_t i = 0; i < sizeof map_texts / sizeof *map_texts; i++) {
        if (map_texts[i].where == W_ORDER)
            map_set_text(order, map_texts[i].key, map_value(&m, map_texts[i].slot, NULL));
        if (map_texts[i].where == W_POSTAGE)
            map_set_text(postage, map_texts[i].key, map_value(&m, map_texts[i].slot, NULL));
    }
    map_flag(&m, order, "isRecipientABusiness", S_BUSINESS);
    map_flag(&m, postage, "requestSignatureUponDelivery", S_SIGNATURE);
    map_date(&m, order);
    int64_t items_value = 0;
    json_t *packages = map_package(&m, &items_value);
    if (packages) json_object_set_new(order, "packages", packages);
    map_totals(&m, order, items_value);
    if (m.currency && !json_object_get(order, "currencyCode"))
        json_object_set_new(order, "currencyCode", json_string(m.currency));
    if (json_object_size(postage)) json_object_set(order, "postageDetails", postage);
    json_decref(postage);
    if (m.ok && m.unposted && !m.posted) {
        const char *ref = json_string_value(json_object_get(order, "orderReference"));
        import_leave_out(r, rows[0]->line, ref ? arena_strdup(r->a, ref) : NULL,
                         arena_printf(r->a,
                                      "nothing in this order is posted (%s is false for each of "
                                      "its items)",
                                      r->colname[S_SHIPS]));
        m.ok = false;
    }
    if (!m.ok) {
        json_decref(order);
        return NULL;
    }
    return order;
}
