/* postage: service, format, destination and weight checks, and the price. */
#include "domain/postage.h"
#include "domain/customs_rule.h"

#include <string.h>

static void error(struct order_errors *e, struct arena *a, int code, const char *field,
                  const char *msg, const char *value)
{
    order_errors_add(e, a, code, arena_strdup(a, msg), arena_strdup(a, field),
                     value ? arena_strdup(a, value) : NULL);
}

bool postage_quote(const struct tariff *t, const json_t *doc, struct arena *a,
                   struct postage_quote *q, struct order_errors *errs)
{
    memset(q, 0, sizeof *q);
    const char *code =
        json_string_value(json_object_get(json_object_get(doc, "postageDetails"), "serviceCode"));
    if (!code) return true;
    const struct tariff_service *svc = tariff_service(t, code);
    if (!svc) {
        error(errs, a, OERR_INVALID, "postageDetails.serviceCode",
              arena_printf(a, "postageDetails.serviceCode %s does not exist", code), code);
        return false;
    }
    const json_t *packages = json_object_get(doc, "packages");
    if (json_array_size(packages) == 0) {
        error(errs, a, OERR_REQUIRED, "packages",
              "packages is required when postageDetails.serviceCode is given", NULL);
        return false;
    }
    const char *country = customs_country(doc);
    int64_t total = 0;
    bool ok = true, served = true;
    size_t i;
    const json_t *pkg;
    json_array_foreach(packages, i, pkg)
    {
        const json_t *dims = json_object_get(pkg, "dimensions");
        struct tariff_query tq = {
            .service_code = code,
            .format = json_string_value(json_object_get(pkg, "packageFormatIdentifier")),
            .weight_grams = (int)json_integer_value(json_object_get(pkg, "weightInGrams")),
            .dims_mm = {(int)json_integer_value(json_object_get(dims, "heightInMms")),
                        (int)json_integer_value(json_object_get(dims, "widthInMms")),
                        (int)json_integer_value(json_object_get(dims, "depthInMms"))},
            .country = country,
            .package_index = (int)i,
        };
        int64_t pence;
        struct tariff_error te;
        if (tariff_price(t, &tq, &pence, &te)) {
            total += pence;
        } else {
            error(errs, a, te.code, te.field, te.message, NULL);
            served &= strcmp(te.field, "recipient.address.countryCode") != 0;
            ok = false;
        }
    }
    /* postage abroad buys a customs declaration too: its contents are
     * checked with the rest (unless the service does not go there at all) */
    if (served && customs_needed(country)) ok &= customs_check(doc, a, errs);
    if (!ok) return false;
    q->service_code = arena_strdup(a, svc->code);
    q->pence = total;
    memcpy(q->s10_prefix, svc->s10_prefix, 3);
    return true;
}
