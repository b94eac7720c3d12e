/* tariff: services, package formats, destination zones and prices, read
 * from a data file shipped in the repository (share/tariff.tsv), never from
 * code; the file's own header documents its format. The domain parses the
 * file's text; reading the file is its caller's (app/share.h, tariff_load).
 *
 * A loaded tariff is immutable: any number of threads may look prices up in
 * it at once. Lookups answer the price in pence, or an error naming the
 * order field at fault in the API's terms ("packages[0].weightInGrams
 * exceeds 2000 g for smallParcel"). */
#ifndef POSTROOM_TARIFF_H
#define POSTROOM_TARIFF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TARIFF_FILE "tariff.tsv" /* its name under share/ */

struct tariff;

enum tariff_scope { TARIFF_SCOPE_UK, TARIFF_SCOPE_INTL };

/* A package format and its limits. Sizes are a box the package must fit
 * in any orientation: max_mm is sorted longest first, 0 means no limit. */
struct tariff_format {
    const char *name; /* packageFormatIdentifier, e.g. smallParcel */
    int max_grams;
    int max_mm[3];
    int max_length_girth_mm; /* longest side + 2 x (the other two); 0 = none */
};

struct tariff_service {
    const char *code; /* postageDetails.serviceCode, e.g. TOLP24 */
    const char *name; /* Royal Mail Tracked 24 */
    char s10_prefix[3];
    bool tracked, signed_for;
    enum tariff_scope scope;
};

/* The carrier of the tariff's services and a return service of its
 * (carrier and returns lines). guid is a lower-case RFC 4122 UUID. */
#define TARIFF_GUID_LEN 36
struct tariff_carrier {
    char guid[TARIFF_GUID_LEN + 1];
    const char *name; /* Royal Mail */
};
struct tariff_return_service {
    const char *code; /* service.serviceCode of POST /returns, e.g. TSN */
    const char *name; /* Tracked Returns 24 */
    char s10_prefix[3];
    char guid[TARIFF_GUID_LEN + 1]; /* carrierServiceGuid */
};

/* Same values as order.h's errorCode, so callers can pass them through. */
enum tariff_error_code { TARIFF_ERR_INVALID = 2, TARIFF_ERR_RANGE = 4 };

/* Why a parse or a lookup failed. message is whole and safe to show the
 * caller: values it quotes are cut to printable ASCII. */
struct tariff_error {
    int line;       /* parse: line of the text at fault, 0 if none */
    int code;       /* lookup: TARIFF_ERR_* */
    char field[48]; /* lookup: JSON path, e.g. packages[0].weightInGrams */
    /* parse: "line LINE: what" ("NAME:LINE: what" when named), or "what"
     * ("NAME: what") for the whole text; lookup: "FIELD ..." */
    char message[256];
};

/* Checks the text of a tariff file (len bytes; it need not end in a NUL) and
 * builds the tariff from it. On success *out owns the tariff (tariff_free
 * releases it); otherwise err says where and why. */
bool tariff_parse(const char *text, size_t len, struct tariff **out, struct tariff_error *err);
/* The same, with messages that name the text (its path, by tariff_load). */
bool tariff_parse_named(const char *name, const char *text, size_t len, struct tariff **out,
                        struct tariff_error *err);
void tariff_free(struct tariff *t);

/* Finders: NULL when the code or name is unknown. */
const struct tariff_service *tariff_service(const struct tariff *t, const char *code);
const struct tariff_format *tariff_format(const struct tariff *t, const char *name);
size_t tariff_service_count(const struct tariff *t);
const struct tariff_service *tariff_service_at(const struct tariff *t, size_t i);
/* The carrier (NULL when the file has no carrier line) and its return
 * services in file order; the first is the service of returns labels
 * printed with orders. tariff_return_service is NULL for an unknown code. */
const struct tariff_carrier *tariff_carrier(const struct tariff *t);
size_t tariff_return_count(const struct tariff *t);
const struct tariff_return_service *tariff_return_at(const struct tariff *t, size_t i);
const struct tariff_return_service *tariff_return_service(const struct tariff *t, const char *code);
/* Whether an alpha-2 country is in the zone named UK (return services send
 * from and to it only). */
bool tariff_domestic(const struct tariff *t, const char *alpha2);
/* The name of the zone an alpha-2 country is in ("UK", "EU", "W1"...),
 * NULL when no zone lists it (shipping rules match on zones). */
const char *tariff_zone_of(const struct tariff *t, const char *alpha2);
/* Whether the service takes the format (both by name). */
bool tariff_service_takes(const struct tariff *t, const char *code, const char *format);

/* One package of an order, as the price lookup needs it. */
struct tariff_query {
    const char *service_code; /* postageDetails.serviceCode */
    const char *format;       /* packages[i].packageFormatIdentifier */
    int weight_grams;         /* packages[i].weightInGrams */
    int dims_mm[3];           /* heightInMms, widthInMms, depthInMms; all 0 = not given */
    const char *country;      /* recipient.address.countryCode, ISO 3166-1 alpha-2 */
    int package_index;        /* i, for the field names */
};

/* The price of one package in pence, or false with err naming the field. */
bool tariff_price(const struct tariff *t, const struct tariff_query *q, int64_t *pence,
                  struct tariff_error *err);

#endif
