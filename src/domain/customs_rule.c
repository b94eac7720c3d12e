/* customs_rule: customs destinations and the contents a declaration needs. */
#include "domain/customs_rule.h"
#include "domain/country.h"

#include <string.h>
#include <strings.h>

bool customs_needed(const char *country_code)
{
    /* one customs and VAT area: Great Britain (and Northern Ireland) with
     * the Isle of Man; Jersey and Guernsey are each outside it */
    return !country_code || (strcasecmp(country_code, "GB") && strcasecmp(country_code, "IM"));
}

const char *customs_country(const json_t *doc)
{
    return json_string_value(json_object_get(
        json_object_get(json_object_get(doc, "recipient"), "address"), "countryCode"));
}

/* What the whole declaration is: its category, whether it is a CN23, and
 * so whether each item needs its HS code and origin. */
struct declaration {
    const char *category; /* NULL: none given (sale of goods) */
    bool cn23;
    bool needs_origin; /* HS code and country of origin on every item */
    bool documents;    /* items may be declared at 0.00 */
};

static bool commercial(const char *category)
{
    return !category ||
           (strcmp(category, "gift") && strcmp(category, "documents") && strcmp(category, "other"));
}

static struct declaration declaration_of(const json_t *packages)
{
    struct declaration dc = {0};
    int64_t value = 0;
    size_t lines = 0, i, j;
    const json_t *pkg, *item;
    json_array_foreach(packages, i, pkg)
    {
        json_array_foreach(json_object_get(pkg, "contents"), j, item)
        {
            lines++;
            /* order_validate bounds both, so the sum cannot overflow */
            value += json_integer_value(json_object_get(item, "quantity")) *
                     json_integer_value(json_object_get(item, "unitValue"));
            if (!dc.category)
                dc.category =
                    json_string_value(json_object_get(item, "customsDeclarationCategory"));
        }
    }
    dc.cn23 = value > CUSTOMS_CN22_MAX_PENCE || lines > CUSTOMS_CN22_MAX_ITEMS;
    dc.needs_origin = dc.cn23 || commercial(dc.category);
    dc.documents = dc.category && !strcmp(dc.category, "documents");
    return dc;
}

static const char *text(const json_t *item, const char *key)
{
    const char *s = json_string_value(json_object_get(item, key));
    if (!s) return NULL;
    for (const char *p = s; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') return s;
    return NULL; /* blank prints nothing on the form */
}

static bool hs_code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 6 || n > 10) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

static bool origin_ok(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) return false;
    if (n == 2) return country_name(s) != NULL;
    return n == 3 && country_to_alpha2(s) != NULL;
}

static void add(struct order_errors *e, struct arena *a, int code, const char *path,
                const char *field, const char *message, const char *value)
{
    order_errors_add(e, a, code, message, arena_printf(a, "%s.%s", path, field),
                     value ? arena_strdup(a, value) : NULL);
}

static const char *const why_origin = "(commercial goods, and every item on a CN23)";

/* The HS code and country of origin of one item. */
static bool check_origin(const json_t *item, const struct declaration *dc, const char *path,
                         struct arena *a, struct order_errors *e)
{
    bool ok = true;
    const char *hs = text(item, "customsCode"), *origin = text(item, "originCountryCode");
    if (hs && !hs_code_ok(hs)) {
        add(e, a, OERR_INVALID, path, "customsCode",
            "must be an HS tariff code of 6 to 10 digits, e.g. 691200", hs);
        ok = false;
    } else if (!hs && dc->needs_origin) {
        add(e, a, OERR_REQUIRED, path, "customsCode",
            arena_printf(a,
                         "is required: the customs declaration gives each item's HS tariff "
                         "code, 6 to 10 digits %s",
                         why_origin),
            NULL);
        ok = false;
    }
    if (origin && !origin_ok(origin)) {
        add(e, a, OERR_INVALID, path, "originCountryCode",
            "must be an ISO 3166-1 country code, e.g. GB", origin);
        ok = false;
    } else if (!origin && dc->needs_origin) {
        add(e, a, OERR_REQUIRED, path, "originCountryCode",
            arena_printf(a,
                         "is required: the customs declaration gives the country each item "
                         "was made in %s",
                         why_origin),
            NULL);
        ok = false;
    }
    return ok;
}

/* One item: description, value, weight, then HS code and origin. */
static bool check_item(const json_t *item, const struct declaration *dc, const char *path,
                       struct arena *a, struct order_errors *e)
{
    bool ok = true;
    if (!text(item, "customsDescription") && !text(item, "name")) {
        add(e, a, OERR_REQUIRED, path, "customsDescription",
            "is required: the customs declaration describes each item (customsDescription, or "
            "else name)",
            NULL);
        ok = false;
    }
    const json_t *value = json_object_get(item, "unitValue");
    if (!value) {
        add(e, a, OERR_REQUIRED, path, "unitValue",
            "is required: the customs declaration gives each item's value", NULL);
        ok = false;
    } else if (json_integer_value(value) == 0 && !dc->documents) {
        add(e, a, OERR_RANGE, path, "unitValue",
            "must be more than 0 on a customs declaration (0 only for documents)", "0");
        ok = false;
    }
    const json_t *grams = json_object_get(item, "unitWeightInGrams");
    if (!grams) {
        add(e, a, OERR_REQUIRED, path, "unitWeightInGrams",
            "is required: the customs declaration gives each item's weight", NULL);
        ok = false;
    } else if (json_integer_value(grams) < 1) {
        add(e, a, OERR_RANGE, path, "unitWeightInGrams",
            "must be at least 1 on a customs declaration", "0");
        ok = false;
    }
    return check_origin(item, dc, path, a, e) && ok;
}

bool customs_check(const json_t *doc, struct arena *a, struct order_errors *errs)
{
    const json_t *packages = json_object_get(doc, "packages"), *pkg, *item;
    struct declaration dc = declaration_of(packages);
    bool ok = true;
    if (json_array_size(packages) == 0) {
        order_errors_add(errs, a, OERR_REQUIRED,
                         "is required: a customs declaration lists the packages' contents",
                         "packages", NULL);
        return false;
    }
    size_t i, j;
    json_array_foreach(packages, i, pkg)
    {
        const json_t *contents = json_object_get(pkg, "contents");
        if (json_array_size(contents) == 0) {
            order_errors_add(
                errs, a, OERR_REQUIRED,
                arena_printf(a,
                             "is required: post to %s needs a customs declaration, which lists "
                             "every item with its description, quantity, value and weight",
                             customs_country(doc) ? customs_country(doc) : "this country"),
                arena_printf(a, "packages[%zu].contents", i), NULL);
            ok = false;
            continue;
        }
        json_array_foreach(contents, j, item) ok &=
            check_item(item, &dc, arena_printf(a, "packages[%zu].contents[%zu]", i, j), a, errs);
    }
    return ok;
}
