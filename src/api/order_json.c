/* order_json: orders out in the API's shapes (GetOrderInfoResource and
 * GetOrderDetailsResource), money printed from integer pence. */
#include "api/order_json.h"
#include "domain/order.h"

#include <string.h>

static void write_packages(struct jw *w, const struct order_row *row)
{
    jw_key(w, "packages");
    jw_arr_open(w);
    for (int i = 0; i < row->package_count; i++) {
        jw_obj_open(w);
        jw_kint(w, "packageNumber", i + 1);
        /* one tracking number per order until postage work adds per-package ones */
        if (i == 0) jw_kstr_opt(w, "trackingNumber", row->tracking_number);
        jw_obj_close(w);
    }
    jw_arr_close(w);
}

void order_write_info_members(struct jw *w, const struct order_row *row)
{
    jw_kint(w, "orderIdentifier", row->order_id);
    jw_kstr_opt(w, "orderReference", row->reference);
    jw_ktime_opt(w, "createdOn", row->created_on);
    jw_ktime_opt(w, "orderDate", row->order_date);
    jw_ktime_opt(w, "printedOn", row->printed_on);
    jw_ktime_opt(w, "manifestedOn", row->manifested_on);
    jw_ktime_opt(w, "shippedOn", row->shipped_on);
    jw_kstr_opt(w, "trackingNumber", row->tracking_number);
    write_packages(w, row);
}

void order_write_info(struct jw *w, const struct order_row *row)
{
    jw_obj_open(w);
    order_write_info_members(w, row);
    jw_obj_close(w);
}

static const char *str_at(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static void copy_str(struct jw *w, const json_t *obj, const char *from, const char *to)
{
    jw_kstr_opt(w, to, str_at(obj, from));
}

static void copy_bool(struct jw *w, const json_t *obj, const char *from, const char *to)
{
    const json_t *v = json_object_get(obj, from);
    if (json_is_boolean(v)) jw_kbool(w, to, json_is_true(v));
}

static int64_t pence_at(const json_t *obj, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(obj, key));
}

/* Splits "Zoë Ó'Brien" into first and last name at the last space: the API
 * takes a full name but answers with both halves. */
static void write_names(struct jw *w, const char *full, struct arena *a)
{
    if (!full) return;
    const char *sp = strrchr(full, ' ');
    if (!sp) {
        jw_kstr(w, "firstName", full);
        return;
    }
    jw_kstr(w, "firstName", arena_strndup(a, full, (size_t)(sp - full)));
    jw_kstr(w, "lastName", sp + 1);
}

/* GetPostalDetailsResult from an address object plus phone and e-mail. */
static void write_postal(struct jw *w, const char *key, const json_t *holder, struct arena *a)
{
    const json_t *addr = json_object_get(holder, "address");
    jw_key(w, key);
    jw_obj_open(w);
    write_names(w, str_at(addr, "fullName"), a);
    copy_str(w, addr, "companyName", "companyName");
    copy_str(w, addr, "addressLine1", "addressLine1");
    copy_str(w, addr, "addressLine2", "addressLine2");
    copy_str(w, addr, "addressLine3", "addressLine3");
    copy_str(w, addr, "city", "city");
    copy_str(w, addr, "county", "county");
    copy_str(w, addr, "postcode", "postcode");
    copy_str(w, addr, "countryCode", "countryCode");
    copy_str(w, holder, "phoneNumber", "phoneNumber");
    copy_str(w, holder, "emailAddress", "emailAddress");
    jw_obj_close(w);
}

static void write_order_lines(struct jw *w, const json_t *packages)
{
    jw_key(w, "orderLines");
    jw_arr_open(w);
    size_t i, j;
    json_t *pkg, *item;
    json_array_foreach(packages, i, pkg)
    {
        json_array_foreach(json_object_get(pkg, "contents"), j, item)
        {
            int64_t qty = (int64_t)json_integer_value(json_object_get(item, "quantity"));
            jw_obj_open(w);
            copy_str(w, item, "SKU", "SKU");
            copy_str(w, item, "name", "name");
            jw_kint(w, "quantity", qty);
            if (json_object_get(item, "unitValue")) {
                int64_t unit = pence_at(item, "unitValue");
                jw_kmoney(w, "unitValue", unit);
                jw_kmoney(w, "lineTotal", unit * qty);
            }
            copy_str(w, item, "customsCode", "customsCode");
            jw_obj_close(w);
        }
    }
    jw_arr_close(w);
}

bool order_write_details(struct jw *w, const struct order_row *row, struct arena *a)
{
    json_error_t err;
    json_t *doc = json_loads(row->doc, 0, &err);
    if (!doc) return false;
    const json_t *postage = json_object_get(doc, "postageDetails");
    const json_t *recipient = json_object_get(doc, "recipient");
    const json_t *billing = json_object_get(doc, "billing");
    const json_t *packages = json_object_get(doc, "packages");

    jw_obj_open(w);
    jw_kint(w, "orderIdentifier", row->order_id);
    jw_kstr(w, "orderStatus", row->status);
    jw_ktime_opt(w, "createdOn", row->created_on);
    jw_ktime_opt(w, "printedOn", row->printed_on);
    jw_ktime_opt(w, "shippedOn", row->shipped_on);
    jw_ktime_opt(w, "postageAppliedOn", row->postage_applied_on);
    jw_ktime_opt(w, "manifestedOn", row->manifested_on);
    jw_ktime_opt(w, "orderDate", row->order_date);
    jw_ktime_opt(w, "despatchedByOtherCourierOn", row->other_courier_on);
    copy_str(w, json_object_get(doc, "sender"), "tradingName", "tradingName");
    jw_kstr(w, "channel", row->channel ? row->channel : "API");
    copy_str(w, postage, "department", "department");
    copy_str(w, postage, "AIRNumber", "AIRNumber");
    copy_bool(w, postage, "requiresExportLicense", "requiresExportLicense");
    copy_str(w, postage, "commercialInvoiceNumber", "commercialInvoiceNumber");
    copy_str(w, postage, "commercialInvoiceDate", "commercialInvoiceDate");
    jw_kstr_opt(w, "orderReference", row->reference);
    copy_str(w, doc, "specialInstructions", "specialInstructions");
    jw_kmoney(w, "subtotal", pence_at(doc, "subtotal"));
    jw_kmoney(w, "shippingCostCharged", pence_at(doc, "shippingCostCharged"));
    jw_kmoney(w, "orderDiscount", 0);
    jw_kmoney(w, "total", pence_at(doc, "total"));
    int64_t weight = 0;
    size_t i;
    json_t *pkg;
    json_array_foreach(packages, i, pkg) weight +=
        json_integer_value(json_object_get(pkg, "weightInGrams"));
    jw_kint(w, "weightInGrams", weight);
    if (json_array_size(packages))
        copy_str(w, json_array_get(packages, 0), "packageFormatIdentifier", "packageSize");
    copy_str(w, doc, "currencyCode", "currencyCode");

    jw_key(w, "shippingDetails");
    jw_obj_open(w);
    jw_kmoney(w, "shippingCost", pence_at(doc, "shippingCostCharged"));
    jw_kstr_opt(w, "trackingNumber", row->tracking_number);
    if (row->service_code)
        jw_kstr(w, "serviceCode", row->service_code);
    else
        copy_str(w, postage, "serviceCode", "serviceCode");
    jw_kstr_opt(w, "shippingService", row->carrier_service);
    jw_kstr_opt(w, "shippingCarrier", row->carrier);
    copy_bool(w, postage, "receiveEmailNotification", "receiveEmailNotification");
    copy_bool(w, postage, "receiveSmsNotification", "receiveSmsNotification");
    copy_bool(w, postage, "guaranteedSaturdayDelivery", "guaranteedSaturdayDelivery");
    copy_bool(w, postage, "requestSignatureUponDelivery", "requestSignatureUponDelivery");
    copy_bool(w, postage, "isLocalCollect", "isLocalCollect");
    write_packages(w, row);
    jw_obj_close(w);

    write_postal(w, "shippingInfo", recipient, a);
    /* without a billing address Click & Drop bills the shipping address */
    write_postal(w, "billingInfo", json_object_get(billing, "address") ? billing : recipient, a);
    write_order_lines(w, packages);

    jw_key(w, "tags");
    jw_arr_open(w);
    json_t *tag;
    json_array_foreach(json_object_get(doc, "tags"), i, tag)
    {
        jw_obj_open(w);
        copy_str(w, tag, "key", "key");
        copy_str(w, tag, "value", "value");
        jw_obj_close(w);
    }
    jw_arr_close(w);
    jw_obj_close(w);
    json_decref(doc);
    return true;
}
