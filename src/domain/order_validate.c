/* order_validate: CreateOrderRequest checked against a table of the spec. */
#include "domain/country.h"
#include "domain/order.h"
#include "util/timefmt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum ftype { F_STR, F_INT, F_NUM, F_MONEY, F_BOOL, F_DATETIME, F_ENUM, F_OBJ, F_ARR, F_STR_OR_NUM };

struct field {
    const char *name;
    enum ftype type;
    bool required;
    int64_t min, max;           /* INT/NUM range; STR max length; MONEY max in pence */
    const struct field *sub;    /* OBJ: its fields; ARR: its element's fields */
    const char *const *choices; /* ENUM */
    int max_items;              /* ARR */
};
/* One line per field reads as the spec's own table does. */
/* clang-format off */
#define END {NULL, 0, false, 0, 0, NULL, NULL, 0}
#define STR(n, len) {n, F_STR, false, 0, len, NULL, NULL, 0}
#define STR_REQ(n, len) {n, F_STR, true, 0, len, NULL, NULL, 0}
#define BOOL(n) {n, F_BOOL, false, 0, 0, NULL, NULL, 0}
#define INT(n, lo, hi) {n, F_INT, false, lo, hi, NULL, NULL, 0}
#define INT_REQ(n, lo, hi) {n, F_INT, true, lo, hi, NULL, NULL, 0}
#define MONEY(n, maxp) {n, F_MONEY, false, 0, maxp, NULL, NULL, 0}
#define MONEY_REQ(n, maxp) {n, F_MONEY, true, 0, maxp, NULL, NULL, 0}
#define DATETIME(n) {n, F_DATETIME, false, 0, 0, NULL, NULL, 0}
#define DATETIME_REQ(n) {n, F_DATETIME, true, 0, 0, NULL, NULL, 0}
#define ENUM(n, c) {n, F_ENUM, false, 0, 0, NULL, c, 0}
#define ENUM_REQ(n, c) {n, F_ENUM, true, 0, 0, NULL, c, 0}
#define OBJ(n, s) {n, F_OBJ, false, 0, 0, s, NULL, 0}
#define OBJ_REQ(n, s) {n, F_OBJ, true, 0, 0, s, NULL, 0}
#define ARR(n, s, maxn) {n, F_ARR, false, 0, 0, s, NULL, maxn}

/* Strings the spec leaves unbounded still get a bound. */
#define UNBOUNDED 1000
#define MAX_MONEY 99999900 /* 999999.00 */

static const char *const package_formats[] = {"undefined",    "letter",     "largeLetter",
                                              "smallParcel",  "mediumParcel", "largeParcel",
                                              "parcel",       "documents",  NULL};
static const char *const notify_to[] = {"sender", "recipient", "billing", NULL};
static const char *const customs_categories[] = {
    "none", "gift", "commercialSample", "documents", "other", "returnedGoods",
    "commercialSaleOfGoods", "eCommerceSaleOfGoods", NULL};
static const char *const delivery_terms[] = {"DDP",     "IOSS_DDP", "DDU_DAP",
                                             "IOSS_DDU", "DTP",      "IOSS_DTP", NULL};

static const struct field address_fields[] = {
    STR("fullName", 210),         STR("companyName", 100), STR_REQ("addressLine1", 100),
    STR("addressLine2", 100),     STR("addressLine3", 100), STR_REQ("city", 100),
    STR("county", 100),           STR("postcode", 20),     STR_REQ("countryCode", 3),
    END};
static const struct field recipient_fields[] = {
    OBJ_REQ("address", address_fields), STR("phoneNumber", 25), STR("emailAddress", 254),
    STR("addressBookReference", 100), END};
static const struct field sender_fields[] = {
    STR("tradingName", 250), STR("phoneNumber", 25), STR("emailAddress", 254), END};
static const struct field billing_fields[] = {
    OBJ("address", address_fields), STR("phoneNumber", 25), STR("emailAddress", 254), END};
static const struct field dimension_fields[] = {
    INT_REQ("heightInMms", 1, 2147483647), INT_REQ("widthInMms", 1, 2147483647),
    INT_REQ("depthInMms", 1, 2147483647), END};
static const struct field product_fields[] = {
    STR("name", 800),
    STR("SKU", 100),
    STR("ReferenceId", 50),
    STR("ContentsPieceURL", 250),
    INT_REQ("quantity", 1, 999999),
    MONEY("unitValue", MAX_MONEY),
    INT("unitWeightInGrams", 0, 999999),
    STR("customsDescription", 50),
    STR("extendedCustomsDescription", 300),
    STR("customsCode", 10),
    STR("originCountryCode", 3),
    ENUM("customsDeclarationCategory", customs_categories),
    BOOL("requiresExportLicence"),
    STR("stockLocation", 50),
    BOOL("useOriginPreference"),
    STR("supplementaryUnits", 17),
    STR("licenseNumber", 41),
    STR("certificateNumber", 41),
    END};
static const struct field package_fields[] = {
    INT_REQ("weightInGrams", 1, 30000),
    ENUM_REQ("packageFormatIdentifier", package_formats),
    STR("customPackageFormatIdentifier", 100),
    OBJ("dimensions", dimension_fields),
    ARR("contents", product_fields, 500),
    END};
static const struct field postage_fields[] = {
    ENUM("sendNotificationsTo", notify_to),
    STR("serviceCode", 10),
    STR("carrierName", 50),
    STR("serviceRegisterCode", 2),
    INT("consequentialLoss", 0, 10000),
    BOOL("receiveEmailNotification"),
    BOOL("receiveSmsNotification"),
    BOOL("guaranteedSaturdayDelivery"),
    BOOL("requestSignatureUponDelivery"),
    BOOL("isLocalCollect"),
    STR("safePlace", 90),
    STR("department", 150),
    STR("AIRNumber", 50),
    STR("IOSSNumber", 50),
    BOOL("requiresExportLicense"),
    STR("commercialInvoiceNumber", 35),
    DATETIME("commercialInvoiceDate"),
    STR("recipientEoriNumber", UNBOUNDED),
    END};
static const struct field tag_fields[] = {STR("key", 100), STR("value", 100), END};
static const struct field label_fields[] = {
    {"includeLabelInResponse", F_BOOL, true, 0, 0, NULL, NULL, 0},
    BOOL("includeCN"),
    BOOL("includeReturnsLabel"),
    END};
static const struct field importer_fields[] = {
    STR("companyName", 100), STR("addressLine1", 100), STR("addressLine2", 100),
    STR("addressLine3", 100), STR("city", 100), STR("postcode", 20), STR("country", 100),
    STR("businessName", 100), STR("contactName", 100), STR("phoneNumber", 25),
    STR("emailAddress", 254), STR("vatNumber", 15), STR("taxCode", 25), STR("eoriNumber", 18),
    BOOL("isABusiness"), END};
static const struct field order_fields[] = {
    STR("orderReference", 40),
    BOOL("isRecipientABusiness"),
    OBJ_REQ("recipient", recipient_fields),
    OBJ("sender", sender_fields),
    OBJ("billing", billing_fields),
    ARR("packages", package_fields, ORDER_MAX_PACKAGES),
    DATETIME_REQ("orderDate"),
    DATETIME("plannedDespatchDate"),
    STR("specialInstructions", 500),
    MONEY_REQ("subtotal", MAX_MONEY),
    MONEY_REQ("shippingCostCharged", MAX_MONEY),
    MONEY("otherCosts", MAX_MONEY),
    MONEY("customsDutyCosts", 9999999),
    MONEY_REQ("total", MAX_MONEY),
    STR("currencyCode", 3),
    ENUM("deliveryTerm", delivery_terms),
    OBJ("postageDetails", postage_fields),
    ARR("tags", tag_fields, 100),
    OBJ("label", label_fields),
    MONEY("orderTax", MAX_MONEY),
    BOOL("containsDangerousGoods"),
    STR("dangerousGoodsUnCode", 4),
    {"dangerousGoodsDescription", F_STR_OR_NUM, false, 0, 500, NULL, NULL, 0},
    {"dangerousGoodsQuantity", F_NUM, false, 0, 999999999, NULL, NULL, 0},
    OBJ("importer", importer_fields),
    /* postroom's extension (docs/api.md): the business's sender it ships from */
    INT("senderId", 1, 2147483647),
    END};
/* clang-format on */

size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

int order_parse_money(const json_t *v, int64_t max_pence, int64_t *pence)
{
    if (!json_is_number(v)) return OERR_INVALID;
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0 || i > max_pence / 100) return OERR_RANGE;
        *pence = (int64_t)i * 100;
        return *pence > max_pence ? OERR_RANGE : 0;
    }
    double d = json_real_value(v);
    if (!isfinite(d)) return OERR_INVALID;
    if (d < 0 || d * 100 > (double)max_pence + 1e-6) return OERR_RANGE;
    double scaled = d * 100;
    double r = round(scaled);
    /* doubles near 0.01 steps are off by far less than 1e-6 of a penny at these
     * magnitudes (< 2^53), so anything further away had a third decimal */
    if (fabs(scaled - r) > 1e-6) return OERR_INVALID;
    *pence = (int64_t)r;
    return 0;
}

void order_errors_add(struct order_errors *e, struct arena *a, int code, const char *message,
                      const char *field, const char *value)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 8;
        struct field_error *g = arena_alloc(a, cap * sizeof *g);
        if (e->n) memcpy(g, e->items, e->n * sizeof *g);
        e->items = g;
        e->cap = cap;
    }
    e->items[e->n++] = (struct field_error){code, message, field, value};
}

static void add_error(struct order_errors *e, struct arena *a, int code, const char *msg,
                      const char *field, const json_t *value)
{
    const char *text = NULL;
    if (value) {
        if (json_is_string(value)) {
            text = arena_strdup(a, json_string_value(value));
        } else {
            char *dump =
                json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
            if (dump) {
                /* echo at most a little of a large value */
                text = arena_strndup(a, dump, strlen(dump) > 200 ? 200 : strlen(dump));
                free(dump);
            }
        }
    }
    order_errors_add(e, a, code, msg, field, text);
}

/* "prefix.name", without printf: every field of every order comes here */
static const char *path_join(struct arena *a, const char *prefix, const char *name)
{
    if (!*prefix) return arena_strdup(a, name);
    size_t pl = strlen(prefix), nl = strlen(name);
    char *p = arena_alloc(a, pl + nl + 2);
    memcpy(p, prefix, pl);
    p[pl] = '.';
    memcpy(p + pl + 1, name, nl + 1);
    return p;
}

static bool validate_object(const json_t *obj, const struct field *fields, const char *prefix,
                            struct arena *a, json_t *out, struct order_errors *e);

/* Checks one value against its field; on success sets it (normalised) in out. */
static bool validate_value(const json_t *v, const struct field *f, const char *path,
                           struct arena *a, json_t *out, struct order_errors *e)
{
    switch (f->type) {
    case F_STR_OR_NUM:
        if (json_is_number(v)) {
            json_object_set(out, f->name, (json_t *)v);
            return true;
        }
        /* fall through */
    case F_STR: {
        if (!json_is_string(v)) {
            add_error(e, a, OERR_INVALID, "must be a string", path, v);
            return false;
        }
        const char *s = json_string_value(v);
        if (utf8_length(s) > (size_t)f->max) {
            add_error(e, a, OERR_TOO_LONG,
                      arena_printf(a, "must be at most %lld characters", (long long)f->max), path,
                      v);
            return false;
        }
        json_object_set(out, f->name, (json_t *)v);
        return true;
    }
    case F_INT: {
        json_int_t i;
        if (json_is_integer(v)) {
            i = json_integer_value(v);
        } else if (json_is_real(v) && isfinite(json_real_value(v)) &&
                   json_real_value(v) == floor(json_real_value(v)) &&
                   fabs(json_real_value(v)) < 9e15) {
            i = (json_int_t)json_real_value(v);
        } else {
            add_error(e, a, OERR_INVALID, "must be an integer", path, v);
            return false;
        }
        if (i < f->min || i > f->max) {
            add_error(e, a, OERR_RANGE,
                      arena_printf(a, "must be between %lld and %lld", (long long)f->min,
                                   (long long)f->max),
                      path, v);
            return false;
        }
        json_object_set_new(out, f->name, json_integer(i));
        return true;
    }
    case F_NUM: {
        if (!json_is_number(v) || !isfinite(json_number_value(v))) {
            add_error(e, a, OERR_INVALID, "must be a number", path, v);
            return false;
        }
        double d = json_number_value(v);
        if (d < (double)f->min || d > (double)f->max) {
            add_error(e, a, OERR_RANGE, "is out of range", path, v);
            return false;
        }
        json_object_set(out, f->name, (json_t *)v);
        return true;
    }
    case F_MONEY: {
        int64_t pence;
        int rc = order_parse_money(v, f->max, &pence);
        if (rc) {
            add_error(e, a, rc,
                      rc == OERR_RANGE
                          ? arena_printf(a, "must be between 0 and %lld.%02lld",
                                         (long long)(f->max / 100), (long long)(f->max % 100))
                          : "must be a number with at most two decimals",
                      path, v);
            return false;
        }
        json_object_set_new(out, f->name, json_integer(pence));
        return true;
    }
    case F_BOOL:
        if (!json_is_boolean(v)) {
            add_error(e, a, OERR_INVALID, "must be true or false", path, v);
            return false;
        }
        json_object_set(out, f->name, (json_t *)v);
        return true;
    case F_DATETIME: {
        int64_t ms;
        if (!json_is_string(v) || strlen(json_string_value(v)) > 40 ||
            !time_parse_rfc3339(json_string_value(v), &ms)) {
            add_error(e, a, OERR_INVALID, "must be an RFC 3339 date-time", path, v);
            return false;
        }
        char t[40];
        time_format_rfc3339(ms, t, sizeof t);
        json_object_set_new(out, f->name, json_string(t));
        return true;
    }
    case F_ENUM:
        if (json_is_string(v))
            for (const char *const *c = f->choices; *c; c++)
                if (strcmp(*c, json_string_value(v)) == 0) {
                    json_object_set(out, f->name, (json_t *)v);
                    return true;
                }
        add_error(e, a, OERR_INVALID, "is not one of the allowed values", path, v);
        return false;
    case F_OBJ: {
        if (!json_is_object(v)) {
            add_error(e, a, OERR_INVALID, "must be an object", path, v);
            return false;
        }
        json_t *sub = json_object();
        bool ok = validate_object(v, f->sub, path, a, sub, e);
        json_object_set_new(out, f->name, sub);
        return ok;
    }
    case F_ARR: {
        if (!json_is_array(v)) {
            add_error(e, a, OERR_INVALID, "must be an array", path, v);
            return false;
        }
        if (json_array_size(v) > (size_t)f->max_items) {
            add_error(e, a, OERR_RANGE, arena_printf(a, "must have at most %d items", f->max_items),
                      path, NULL);
            return false;
        }
        json_t *arr = json_array();
        bool ok = true;
        size_t i;
        json_t *el;
        json_array_foreach(v, i, el)
        {
            const char *ipath = arena_printf(a, "%s[%zu]", path, i);
            if (!json_is_object(el)) {
                add_error(e, a, OERR_INVALID, "must be an object", ipath, el);
                ok = false;
                continue;
            }
            json_t *sub = json_object();
            ok &= validate_object(el, f->sub, ipath, a, sub, e);
            json_array_append_new(arr, sub);
        }
        json_object_set_new(out, f->name, arr);
        return ok;
    }
    }
    return false;
}

/* Walks the field table: required fields must be there (null counts as
 * absent), present fields must be valid, fields not in the table are left out. */
static bool validate_object(const json_t *obj, const struct field *fields, const char *prefix,
                            struct arena *a, json_t *out, struct order_errors *e)
{
    bool ok = true;
    for (const struct field *f = fields; f->name; f++) {
        const json_t *v = json_object_get(obj, f->name);
        const char *path = path_join(a, prefix, f->name);
        if (!v || json_is_null(v)) {
            if (f->required) {
                add_error(e, a, OERR_REQUIRED, "is required", path, NULL);
                ok = false;
            }
            continue;
        }
        ok &= validate_value(v, f, path, a, out, e);
    }
    return ok;
}

/* True for a string with nothing but white space in it. */
static bool blank(const char *s)
{
    for (; *s; s++)
        if (!strchr(" \t\r\n", *s)) return false;
    return true;
}

/* The spec leaves postcode optional, for the countries without postcodes;
 * an address in a country that has them (country_requires_postcode) is
 * undeliverable without one, so it is refused here, for every door (the
 * API, the form, an import) alike. */
static bool check_postcode(const json_t *item, struct arena *a, struct order_errors *e)
{
    const json_t *addr = json_object_get(json_object_get(item, "recipient"), "address");
    const char *country = json_string_value(json_object_get(addr, "countryCode"));
    if (!country || !country_requires_postcode(country)) return true;
    const json_t *pc = json_object_get(addr, "postcode");
    if (pc && !json_is_null(pc) && !(json_is_string(pc) && blank(json_string_value(pc))))
        return true; /* present: a wrong type is validate_value's error */
    add_error(e, a, OERR_REQUIRED,
              arena_printf(a, "is required for an address in %s",
                           country_name(country_to_alpha2(country))),
              "recipient.address.postcode", pc && !json_is_null(pc) ? pc : NULL);
    return false;
}

bool order_validate(const json_t *item, struct arena *a, struct order_new *out,
                    struct order_errors *errs)
{
    return order_validate_with(item, a, out, errs, NULL, NULL);
}

bool order_validate_with(const json_t *item, struct arena *a, struct order_new *out,
                         struct order_errors *errs, order_doc_check check, void *ctx)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(item)) {
        add_error(errs, a, OERR_INVALID, "each order must be an object", "", item);
        return false;
    }
    json_t *doc = json_object();
    bool ok = validate_object(item, order_fields, "", a, doc, errs);
    ok &= check_postcode(item, a, errs);
    if (ok && check) ok = check(ctx, doc, errs);
    if (ok) {
        const char *ref = json_string_value(json_object_get(doc, "orderReference"));
        out->reference = ref ? arena_strdup(a, ref) : NULL;
        time_parse_rfc3339(json_string_value(json_object_get(doc, "orderDate")), &out->order_date);
        out->package_count = (int)json_array_size(json_object_get(doc, "packages"));
        char *text = json_dumps(doc, JSON_COMPACT);
        out->doc = arena_strdup(a, text);
        free(text);
    }
    json_decref(doc);
    return ok;
}
