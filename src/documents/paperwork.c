/* paperwork: order rows + settings + tariff -> document structs. */
#include "documents/paperwork.h"
#include "domain/returns.h"
#include "domain/customs_rule.h"

#include <jansson.h>
#include <string.h>

static const char *str(struct arena *a, const json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));
    return v && *v ? arena_strdup(a, v) : NULL;
}

static void sender_of(const struct tenant_settings *ts, const char *tenant_name,
                      struct doc_address *out)
{
    memset(out, 0, sizeof *out);
    out->name = ts->trading_name ? ts->trading_name : tenant_name;
    out->line1 = ts->address_line1;
    out->line2 = ts->address_line2;
    out->city = ts->city;
    out->postcode = ts->postcode;
    out->country_code = ts->country_code ? ts->country_code : "GB";
    out->phone = ts->phone;
}

static enum doc_category category_of(const char *c)
{
    if (!c) return DOC_CAT_SALE_OF_GOODS;
    if (!strcmp(c, "gift")) return DOC_CAT_GIFT;
    if (!strcmp(c, "commercialSample")) return DOC_CAT_COMMERCIAL_SAMPLE;
    if (!strcmp(c, "documents")) return DOC_CAT_DOCUMENTS;
    if (!strcmp(c, "returnedGoods")) return DOC_CAT_RETURNED_GOODS;
    if (!strcmp(c, "other")) return DOC_CAT_OTHER;
    return DOC_CAT_SALE_OF_GOODS;
}

/* The items of the packages; where an item names no origin country, and
 * where none names the declaration's category, the business's customs
 * defaults (settings) fill them in, if it set any. */
static void items_of(const json_t *packages, const struct tenant_settings *ts, struct arena *a,
                     struct doc_shipment *s)
{
    size_t n = 0, i, j;
    const json_t *pkg, *item;
    json_array_foreach(packages, i, pkg) n += json_array_size(json_object_get(pkg, "contents"));
    struct doc_item *items = arena_alloc(a, (n ? n : 1) * sizeof *items);
    size_t k = 0;
    const char *category = NULL;
    json_array_foreach(packages, i, pkg)
    {
        json_array_foreach(json_object_get(pkg, "contents"), j, item)
        {
            struct doc_item *it = &items[k++];
            it->description = str(a, item, "customsDescription");
            if (!it->description) it->description = str(a, item, "name");
            it->sku = str(a, item, "SKU");
            it->hs_code = str(a, item, "customsCode");
            it->origin_country = str(a, item, "originCountryCode");
            if (!it->origin_country) it->origin_country = ts->customs_origin;
            it->quantity = (int)json_integer_value(json_object_get(item, "quantity"));
            it->unit_value_pence = json_integer_value(json_object_get(item, "unitValue"));
            it->unit_weight_grams =
                (int)json_integer_value(json_object_get(item, "unitWeightInGrams"));
            if (!category)
                category = json_string_value(json_object_get(item, "customsDeclarationCategory"));
        }
    }
    s->items = items;
    s->n_items = k;
    s->category = category_of(category ? category : ts->customs_category);
}

bool paperwork_shipment(const struct order_row *row, const struct tenant_settings *ts,
                        const char *tenant_name, const struct tariff *t, struct arena *a,
                        struct doc_shipment *out)
{
    memset(out, 0, sizeof *out);
    json_t *doc = json_loads(row->doc, 0, NULL);
    if (!doc) return false;
    const json_t *recipient = json_object_get(doc, "recipient");
    const json_t *addr = json_object_get(recipient, "address");
    const json_t *packages = json_object_get(doc, "packages");
    out->tenant_id = row->tenant_id;
    out->order_id = row->order_id;
    out->order_reference = row->reference;
    out->order_date_ms = row->order_date;
    out->printed_ms = row->printed_on;
    out->trading_name = ts->trading_name ? ts->trading_name : tenant_name;
    const char *sender_name = str(a, json_object_get(doc, "sender"), "tradingName");
    if (sender_name) out->trading_name = sender_name;
    sender_of(ts, out->trading_name, &out->sender);
    out->recipient = (struct doc_address){
        .name = str(a, addr, "fullName"),
        .company = str(a, addr, "companyName"),
        .line1 = str(a, addr, "addressLine1"),
        .line2 = str(a, addr, "addressLine2"),
        .line3 = str(a, addr, "addressLine3"),
        .city = str(a, addr, "city"),
        .county = str(a, addr, "county"),
        .postcode = str(a, addr, "postcode"),
        .country_code = str(a, addr, "countryCode"),
        .phone = str(a, recipient, "phoneNumber"),
    };
    out->service_code = row->service_code;
    const struct tariff_service *svc =
        row->service_code ? tariff_service(t, row->service_code) : NULL;
    out->service_name = svc ? svc->name : row->service_code;
    out->format = str(a, json_array_get(packages, 0), "packageFormatIdentifier");
    size_t i;
    const json_t *pkg;
    json_array_foreach(packages, i, pkg) out->weight_grams +=
        (int)json_integer_value(json_object_get(pkg, "weightInGrams"));
    out->tracking_number = row->tracking_number;
    out->postage_pence = row->postage_pence;
    items_of(packages, ts, a, out);
    json_decref(doc);
    return true;
}

bool paperwork_international(const struct doc_shipment *s)
{
    return customs_needed(s->recipient.country_code);
}

bool paperwork_manifest(int64_t tenant_id, int64_t number, int64_t created_ms,
                        const struct order_row *rows, size_t n, const struct tenant_settings *ts,
                        const char *tenant_name, const struct tariff *t, struct arena *a,
                        struct doc_manifest *out)
{
    memset(out, 0, sizeof *out);
    out->tenant_id = tenant_id;
    out->manifest_number = number;
    out->created_ms = created_ms;
    out->trading_name = ts->trading_name ? ts->trading_name : tenant_name;
    sender_of(ts, out->trading_name, &out->collection);
    struct doc_manifest_line *lines = arena_alloc(a, (n ? n : 1) * sizeof *lines);
    for (size_t i = 0; i < n; i++) {
        struct doc_shipment s;
        if (!paperwork_shipment(&rows[i], ts, tenant_name, t, a, &s)) return false;
        lines[i] = (struct doc_manifest_line){
            .tenant_id = rows[i].tenant_id,
            .order_id = rows[i].order_id,
            .order_reference = rows[i].reference,
            .tracking_number = rows[i].tracking_number,
            .service_code = s.service_code,
            .service_name = s.service_name,
            .format = s.format,
            .postcode = s.recipient.postcode,
            .country_code = s.recipient.country_code,
            .weight_grams = s.weight_grams,
        };
    }
    out->lines = lines;
    out->n_lines = n;
    return true;
}

/* "Ms Ada Lovelace": title, first and last name. */
static void doc_address_of(const struct return_address *ra, struct arena *a,
                           struct doc_address *out)
{
    memset(out, 0, sizeof *out);
    out->name = arena_printf(a, "%s%s%s %s", ra->title && *ra->title ? ra->title : "",
                             ra->title && *ra->title ? " " : "", ra->first_name, ra->last_name);
    out->company = ra->company;
    out->line1 = ra->line1;
    out->line2 = ra->line2;
    out->line3 = ra->line3;
    out->city = ra->city;
    out->county = ra->county;
    out->postcode = ra->postcode;
    out->country_code = ra->alpha2;
    out->country = strcmp(ra->alpha2, "GB") ? ra->country : NULL; /* no country line at home */
}

void return_shipment(const struct return_request *rq, int64_t tenant_id, int64_t order_id,
                     const struct tenant_settings *ts, const char *tenant_name,
                     const char *tracking, struct arena *a, struct doc_shipment *out)
{
    memset(out, 0, sizeof *out);
    out->tenant_id = tenant_id;
    out->order_id = order_id;
    out->order_reference = rq->reference;
    out->trading_name = ts->trading_name ? ts->trading_name : tenant_name;
    doc_address_of(&rq->shipping, a, &out->recipient);
    doc_address_of(&rq->to, a, &out->return_address);
    out->returns_service_code = rq->service->code;
    out->returns_service_name = rq->service->name;
    out->returns_tracking_number = tracking;
}
