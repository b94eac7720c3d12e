/* Unit tests of src/domain: identifier lists, cursors, money, order
 * validation against the spec's limits, status transitions. */
#include "check.h"
#include "api/cursor.h"
#include "api/idlist.h"
#include "domain/order.h"
#include "domain/status.h"

#include <sodium.h>
#include <stdlib.h>

static void test_idlist(void)
{
    struct arena a;
    arena_init(&a);
    struct order_key *k;
    const char *err, *bad;
    CHECK_INT(idlist_parse(&a, "1001", &k, &err, &bad), 1);
    CHECK_INT(k[0].id, 1001);
    CHECK_INT(idlist_parse(&a, "\"ref\";1001;\"Reference%3BWith%3BSpecial%3BSymbols!\";2345", &k,
                           &err, &bad),
              4);
    CHECK_STR(k[0].reference, "ref");
    CHECK_INT(k[1].id, 1001);
    CHECK_STR(k[2].reference, "Reference;With;Special;Symbols!");
    CHECK_INT(k[3].id, 2345);
    CHECK_INT(idlist_parse(&a, "%22a%20b%22", &k, &err, &bad), 1); /* encoded quotes */
    CHECK_STR(k[0].reference, "a b");
    CHECK_INT(idlist_parse(&a, "\"x%22y\"", &k, &err, &bad), 1); /* a quote inside */
    CHECK_STR(k[0].reference, "x\"y");
    const char *bad_lists[] = {"",         "abc",         "1001;;1002",     "-5",
                               "0",        "1001;",       "\"open",         "\"\"",
                               "1.5",      "99999999999", "2147483648",     "\"a%00b\"",
                               "\"%FF\"",  "\"%C3%28\"",  "\"%ED%A0%80\"",  "1001.css",
                               "%2",       "1001%3",      "%22a%22%3B%3B1", "\"a\"x",
                               "\"a%zz\"", "\"100%\"",    "%22100%25%22",   "\"" /* lone */};
    /* the spec's example, raw, and percent-encoded once more as a whole by a
     * generated client: the same four keys */
    const char *same[] = {
        "\"ref\";1001;\"Reference%3BWith%3BSpecial%3BSymbols!\";2345",
        "%22ref%22%3B1001%3B%22Reference%253BWith%253BSpecial%253BSymbols%21%22%3B2345",
        "%22ref%22;1001;%22Reference%253BWith%253BSpecial%253BSymbols!%22;2345", /* Go PathEscape */
        "\"ref\";1001;\"Reference;With;Special;Symbols!\";2345", /* ';' left raw in quotes */
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        CHECK_INT(idlist_parse(&a, same[i], &k, &err, &bad), 4);
        CHECK_STR(k[0].reference, "ref");
        CHECK_INT(k[1].id, 1001);
        CHECK_STR(k[2].reference, "Reference;With;Special;Symbols!");
        CHECK_INT(k[3].id, 2345);
    }
    /* a reference encoded inside its quotes, then again by the client */
    CHECK_INT(idlist_parse(&a, "1031%3B%22A%253BB%2520C%22", &k, &err, &bad), 2);
    CHECK_INT(k[0].id, 1031);
    CHECK_STR(k[1].reference, "A;B C");
    CHECK_INT(idlist_parse(&a, "1031%3B%22EXT-1%22", &k, &err, &bad), 2);
    CHECK_STR(k[1].reference, "EXT-1");
    /* a '%' inside a reference is encoded as %25 (and once more by a client) */
    CHECK_INT(idlist_parse(&a, "\"100%25\"", &k, &err, &bad), 1);
    CHECK_STR(k[0].reference, "100%");
    CHECK_INT(idlist_parse(&a, "%22100%2525%22", &k, &err, &bad), 1);
    CHECK_STR(k[0].reference, "100%");
    for (size_t i = 0; i < sizeof bad_lists / sizeof *bad_lists; i++)
        CHECK_INT(idlist_parse(&a, bad_lists[i], &k, &err, &bad), -1);
    char many[1000] = "";
    for (int i = 0; i < 101; i++)
        strcat(many, i ? ";1" : "1");
    CHECK_INT(idlist_parse(&a, many, &k, &err, &bad), -1);
    many[strlen(many) - 2] = 0; /* 100 items */
    CHECK_INT(idlist_parse(&a, many, &k, &err, &bad), 100);
    char longref[64] = "\"";
    for (int i = 0; i < 41; i++)
        strcat(longref, "r");
    strcat(longref, "\"");
    CHECK_INT(idlist_parse(&a, longref, &k, &err, &bad), -1);
    arena_free(&a);
}

static void test_cursor(void)
{
    unsigned char key[32], other[32];
    randombytes_buf(key, sizeof key);
    randombytes_buf(other, sizeof other);
    struct cursor c = {7, 1025, 1000, 2000}, out;
    char tok[CURSOR_TOKEN_MAX];
    cursor_seal(&c, key, tok);
    CHECK(cursor_open(tok, key, 7, &out));
    CHECK_INT(out.after_id, 1025);
    CHECK_INT(out.start_ms, 1000);
    CHECK_INT(out.end_ms, 2000);
    CHECK(!cursor_open(tok, key, 8, &out));    /* another tenant */
    CHECK(!cursor_open(tok, other, 7, &out));  /* another server key */
    for (size_t i = 0; i < strlen(tok); i++) { /* any single change breaks it */
        char t[CURSOR_TOKEN_MAX];
        strcpy(t, tok);
        t[i] = t[i] == 'A' ? 'B' : 'A';
        CHECK(!cursor_open(t, key, 7, &out));
    }
    CHECK(!cursor_open("", key, 7, &out));
    CHECK(!cursor_open("not-a-token", key, 7, &out));
}

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

static void test_status(void)
{
    struct order_status_change c;
    const char *code;
    struct status_request to_new = {.status = "new"};
    struct status_request desp = {.status = "despatched"};
    struct status_request other = {.status = "despatchedByOtherCourier",
                                   .tracking_number = "TT1",
                                   .despatch_date = 5,
                                   .carrier = "DPD",
                                   .service = "Next day"};
    CHECK(status_plan("labelGenerated", &to_new, 100, &c, &code) == NULL);
    CHECK(c.clear_label);
    CHECK_STR(c.from_status, "labelGenerated");
    CHECK(status_plan("manifested", &to_new, 100, &c, &code) != NULL);
    CHECK(status_plan("cancelled", &desp, 100, &c, &code) != NULL);
    CHECK(status_plan("labelGenerated", &desp, 100, &c, &code) == NULL);
    CHECK_INT(c.shipped_on, 100);
    CHECK(!c.clear_label);
    CHECK(status_plan("new", &other, 100, &c, &code) == NULL);
    CHECK_INT(c.other_courier_on, 5);
    CHECK_STR(c.carrier, "DPD");
    CHECK(status_plan("despatched", &other, 100, &c, &code) != NULL);
    CHECK(!status_deletable("manifested"));
    CHECK(status_deletable("new"));
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    test_idlist();
    test_cursor();
    test_money();
    test_order_validate();
    test_status();
    return check_report("test_domain");
}
