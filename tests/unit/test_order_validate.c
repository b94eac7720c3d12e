/* Unit tests of src/domain/order_validate: money against the spec's limits,
 * an order checked field by field (lengths in characters, ranges, required
 * fields, several errors at once), and the postcode a country requires. */
#include "check.h"
#include "domain/order.h"

#include <stdlib.h>

static struct arena A;

static void test_money(void)
{
    int64_t p;
    json_t *v;
#define MONEY_CASE(text, want_rc, want_p)                                                          \
    v = json_loads(text, JSON_DECODE_ANY, NULL);                                                   \
    CHECK_INT(order_parse_money(v, 99999900, &p), want_rc);                                        \
    if (want_rc == 0) CHECK_INT(p, want_p);                                                        \
    json_decref(v);
    MONEY_CASE("0", 0, 0);
    MONEY_CASE("13.49", 0, 1349);
    MONEY_CASE("0.1", 0, 10);
    MONEY_CASE("0.29", 0, 29); /* 0.29*100 is 28.999999999999996 in binary */
    MONEY_CASE("999999", 0, 99999900);
    MONEY_CASE("999999.00", 0, 99999900);
    MONEY_CASE("999999.01", OERR_RANGE, 0);
    MONEY_CASE("1000000", OERR_RANGE, 0);
    MONEY_CASE("-0.01", OERR_RANGE, 0);
    MONEY_CASE("-1", OERR_RANGE, 0);
    MONEY_CASE("1.001", OERR_INVALID, 0);
    MONEY_CASE("1e308", OERR_RANGE, 0);
    MONEY_CASE("\"12.00\"", OERR_INVALID, 0);
    MONEY_CASE("true", OERR_INVALID, 0);
    MONEY_CASE("9223372036854775807", OERR_RANGE, 0);
#undef MONEY_CASE
}

static const char *valid_order =
    "{\"orderReference\":\"R-1\",\"recipient\":{\"address\":{\"fullName\":\"Zo\xc3\xab "
    "\xc3\x93'Brien\",\"addressLine1\":\"1 High St\",\"city\":\"London\",\"postcode\":\"SW1A "
    "1AA\",\"countryCode\":\"GB\"}},\"orderDate\":\"2026-11-29T11:00:00+01:00\",\"subtotal\":10.5,"
    "\"shippingCostCharged\":2.99,\"total\":13.49,\"unknownField\":{\"x\":1},"
    "\"packages\":[{\"weightInGrams\":500,\"packageFormatIdentifier\":\"smallParcel\"}]}";

/* Validates valid_order with one field replaced (path like "packages.0.weightInGrams"). */
static int validate_with(const char *path, json_t *value, struct order_errors *e,
                         struct order_new *out, struct arena *a)
{
    json_t *o = json_loads(valid_order, 0, NULL);
    if (path) {
        json_t *parent = o;
        char buf[128];
        strcpy(buf, path);
        char *save, *tok = strtok_r(buf, ".", &save), *next;
        while ((next = strtok_r(NULL, ".", &save))) {
            parent = json_is_array(parent) ? json_array_get(parent, (size_t)atoi(tok))
                                           : json_object_get(parent, tok);
            tok = next;
        }
        if (value)
            json_object_set_new(parent, tok, value);
        else
            json_object_del(parent, tok);
    }
    memset(e, 0, sizeof *e);
    bool ok = order_validate(o, a, out, e);
    json_decref(o);
    return ok ? 0 : e->items[0].code;
}

static void test_order_validate(void)
{
    struct arena a;
    arena_init(&a);
    struct order_errors e;
    struct order_new o;
    CHECK_INT(validate_with(NULL, NULL, &e, &o, &a), 0);
    CHECK_STR(o.reference, "R-1");
    CHECK_INT(o.package_count, 1);
    CHECK_INT(o.order_date, 1795946400000LL);
    CHECK(strstr(o.doc, "unknownField") == NULL);         /* unknown fields dropped */
    CHECK(strstr(o.doc, "\"subtotal\":1050") != NULL);    /* pence */
    CHECK(strstr(o.doc, "2026-11-29T10:00:00Z") != NULL); /* normalised to UTC */
    CHECK(strstr(o.doc, "Zo\xc3\xab \xc3\x93'Brien") != NULL);

    char ref40[41], ref41[42];
    memset(ref40, 'r', 40), ref40[40] = 0;
    memset(ref41, 'r', 41), ref41[41] = 0;
    CHECK_INT(validate_with("orderReference", json_string(ref40), &e, &o, &a), 0);
    CHECK_INT(validate_with("orderReference", json_string(ref41), &e, &o, &a), OERR_TOO_LONG);
    CHECK_STR(e.items[0].field, "orderReference");
    /* maxLength counts characters, not bytes: 40 two-byte letters pass */
    char wide[81] = "";
    for (int i = 0; i < 40; i++)
        strcat(wide, "\xc5\x81");
    CHECK_INT(validate_with("orderReference", json_string(wide), &e, &o, &a), 0);
    CHECK_INT(validate_with("orderReference", json_integer(5), &e, &o, &a), OERR_INVALID);
    CHECK_INT(validate_with("packages.0.weightInGrams", json_integer(0), &e, &o, &a), OERR_RANGE);
    CHECK_STR(e.items[0].field, "packages[0].weightInGrams");
    CHECK_INT(validate_with("packages.0.weightInGrams", json_integer(30001), &e, &o, &a),
              OERR_RANGE);
    CHECK_INT(validate_with("packages.0.weightInGrams", json_integer(30000), &e, &o, &a), 0);
    CHECK_INT(validate_with("packages.0.weightInGrams", json_real(1.5), &e, &o, &a), OERR_INVALID);
    CHECK_INT(validate_with("packages.0.weightInGrams", NULL, &e, &o, &a), OERR_REQUIRED);
    CHECK_INT(validate_with("packages.0.packageFormatIdentifier", json_string("crate"), &e, &o, &a),
              OERR_INVALID);
    CHECK_INT(validate_with("packages.0.dimensions",
                            json_pack("{s:i,s:i}", "heightInMms", 10, "widthInMms", 10), &e, &o,
                            &a),
              OERR_REQUIRED);
    CHECK_INT(validate_with(
                  "packages.0.dimensions",
                  json_pack("{s:i,s:i,s:i}", "heightInMms", 10, "widthInMms", 10, "depthInMms", 0),
                  &e, &o, &a),
              OERR_RANGE);
    CHECK_INT(validate_with("subtotal", json_real(999999.01), &e, &o, &a), OERR_RANGE);
    CHECK_INT(validate_with("subtotal", json_real(1.001), &e, &o, &a), OERR_INVALID);
    CHECK_INT(validate_with("subtotal", NULL, &e, &o, &a), OERR_REQUIRED);
    CHECK_INT(validate_with("customsDutyCosts", json_real(99999.99), &e, &o, &a), 0);
    CHECK_INT(validate_with("customsDutyCosts", json_real(100000), &e, &o, &a), OERR_RANGE);
    CHECK_INT(validate_with("orderDate", json_string("29/11/2026"), &e, &o, &a), OERR_INVALID);
    CHECK_INT(validate_with("recipient", json_string("x"), &e, &o, &a), OERR_INVALID);
    CHECK_INT(validate_with("recipient.address.city", NULL, &e, &o, &a), OERR_REQUIRED);
    CHECK_STR(e.items[0].field, "recipient.address.city");
    CHECK_INT(validate_with("recipient.address.countryCode", json_string("GBRX"), &e, &o, &a),
              OERR_TOO_LONG);
    CHECK_INT(validate_with("packages", json_object(), &e, &o, &a), OERR_INVALID);
    CHECK_INT(validate_with("tags", json_pack("[{s:s}]", "key", "k"), &e, &o, &a), 0);
    CHECK_INT(validate_with("label", json_pack("{s:b}", "includeCN", 1), &e, &o, &a),
              OERR_REQUIRED);
    CHECK_INT(validate_with("specialInstructions", json_null(), &e, &o, &a), 0); /* null = absent */
    json_t *pk = json_array();
    for (int i = 0; i < ORDER_MAX_PACKAGES + 1; i++)
        json_array_append_new(
            pk, json_pack("{s:i,s:s}", "weightInGrams", 1, "packageFormatIdentifier", "letter"));
    CHECK_INT(validate_with("packages", pk, &e, &o, &a), OERR_RANGE);
    /* several errors are all reported */
    json_t *bad = json_pack("{s:s}", "orderReference", "x");
    memset(&e, 0, sizeof e);
    CHECK(!order_validate(bad, &a, &o, &e));
    CHECK_INT(e.n, 5); /* recipient, orderDate, subtotal, shippingCostCharged, total */
    json_decref(bad);
    memset(&e, 0, sizeof e);
    json_t *one = json_integer(1);
    CHECK(!order_validate(one, &a, &o, &e) && e.n == 1);
    json_decref(one);
    arena_free(&a);
}

/* The recipient's address of an item. */
static const json_t *address_of(const json_t *item)
{
    return json_object_get(json_object_get(item, "recipient"), "address");
}

/* order_validate's error for one recipient address, or "" when it validates. */
static const char *postcode_error(const char *country, json_t *postcode)
{
    json_t *item =
        json_pack("{s:{s:{s:s,s:s,s:s}},s:s,s:i,s:i,s:i}", "recipient", "address", "addressLine1",
                  "1 High St", "city", "Town", "countryCode", country, "orderDate",
                  "2026-11-28T10:00:00Z", "subtotal", 1, "shippingCostCharged", 0, "total", 1);
    if (postcode)
        json_object_set_new(address_of(item) ? (json_t *)address_of(item) : item, "postcode",
                            postcode);
    struct order_new o;
    struct order_errors e = {0};
    bool ok = order_validate(item, &A, &o, &e);
    json_decref(item);
    if (ok) return "";
    return arena_printf(&A, "%s %d %s", e.items[0].field, e.items[0].code, e.items[0].message);
}

/* A postcode is required for an address in a country that has them. */
static void test_postcode_required(void)
{
    const char *need[] = {"GB", "GBR", "US", "CA", "DE", "FR", "AU", "NL", "JE", "IM", "JP"};
    for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
        CHECK(strncmp(postcode_error(need[i], NULL), "recipient.address.postcode 1 ", 29) == 0);
        CHECK_STR(postcode_error(need[i], json_string("AB1 2CD")), "");
    }
    CHECK_STR(postcode_error("GB", NULL),
              "recipient.address.postcode 1 is required for an address in United Kingdom");
    CHECK(strncmp(postcode_error("GB", json_string("  ")), "recipient.address.postcode 1", 28) ==
          0);
    CHECK(strncmp(postcode_error("GB", json_null()), "recipient.address.postcode 1", 28) == 0);
    /* a postcode of the wrong type is the type's error, once */
    CHECK(strncmp(postcode_error("GB", json_integer(12)), "recipient.address.postcode 2", 28) == 0);
    const char *none[] = {"IE", "HK", "AE", "QA", "MO", "ZW"};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        CHECK_STR(postcode_error(none[i], NULL), "");
}

int main(void)
{
    arena_init(&A);
    test_money();
    test_order_validate();
    test_postcode_required();
    arena_free(&A);
    return check_report("test_order_validate");
}
