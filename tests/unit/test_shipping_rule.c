/* Unit tests of src/domain/shipping_rule: every condition alone and
 * combined, the bands' edges, priority order, disabled rules and no match;
 * the document a rule's postage is quoted from; parsing a rule's form field
 * by field; and a rule in words. */
#include "check.h"
#include "app/share.h"
#include "domain/shipping_rule.h"
#include "domain/tariff.h"

#include <stdint.h>
#include <stdlib.h>

static struct tariff *tariff;
static struct arena A;

/* A rule with no condition, applying TOLP48. */
static struct shipping_rule any_rule(int64_t priority)
{
    return (struct shipping_rule){.rule_id = priority,
                                  .priority = priority,
                                  .name = "r",
                                  .enabled = true,
                                  .min_grams = RULE_NO_BOUND,
                                  .max_grams = RULE_NO_BOUND,
                                  .min_pence = RULE_NO_BOUND,
                                  .max_pence = RULE_NO_BOUND,
                                  .service_code = "TOLP48"};
}

static struct rule_facts facts(const char *cc, int64_t grams, int64_t subtotal, int64_t total,
                               const char *channel)
{
    struct rule_facts f = {
        .grams = grams, .subtotal = subtotal, .total = total, .channel = channel};
    f.country[0] = cc[0];
    f.country[1] = cc[0] ? cc[1] : '\0';
    return f;
}

static void test_facts(void)
{
    json_t *doc = json_loads(
        "{\"recipient\":{\"address\":{\"countryCode\":\"fr\"}},\"subtotal\":1250,\"total\":1500,"
        "\"packages\":[{\"weightInGrams\":300},{\"weightInGrams\":700}]}",
        0, NULL);
    struct rule_facts f;
    shipping_rule_facts(doc, NULL, &f);
    CHECK_STR(f.country, "FR");
    CHECK_INT(f.grams, 1000);
    CHECK_INT(f.subtotal, 1250);
    CHECK_INT(f.total, 1500);
    CHECK_STR(f.channel, "API");
    shipping_rule_facts(doc, "Shopify", &f);
    CHECK_STR(f.channel, "Shopify");
    json_decref(doc);
    doc = json_loads("{}", 0, NULL);
    shipping_rule_facts(doc, NULL, &f);
    CHECK_STR(f.country, "");
    CHECK_INT(f.grams, 0);
    json_decref(doc);
}

static void test_each_condition(void)
{
    struct shipping_rule r = any_rule(1);
    struct rule_facts gb = facts("GB", 500, 1000, 1200, "API");
    CHECK(shipping_rule_matches(&r, tariff, &gb)); /* no condition: every order */

    r.countries = "FR GB";
    CHECK(shipping_rule_matches(&r, tariff, &gb));
    r.countries = "FR DE";
    CHECK(!shipping_rule_matches(&r, tariff, &gb));
    r.countries = "G"; /* a fragment of a code is no code */
    CHECK(!shipping_rule_matches(&r, tariff, &gb));
    struct rule_facts none = facts("", 500, 0, 0, "API");
    r.countries = "GB";
    CHECK(!shipping_rule_matches(&r, tariff, &none));

    r = any_rule(1);
    r.zone = RULE_ZONE_UK;
    CHECK(shipping_rule_matches(&r, tariff, &gb));
    struct rule_facts je = facts("JE", 500, 0, 0, "API"), fr = facts("FR", 500, 0, 0, "API"),
                      us = facts("US", 500, 0, 0, "API"), au = facts("AU", 500, 0, 0, "API"),
                      aq = facts("AQ", 500, 0, 0, "API");
    CHECK(shipping_rule_matches(&r, tariff, &je)); /* Jersey is in the tariff's UK zone */
    CHECK(!shipping_rule_matches(&r, tariff, &fr));
    r.zone = RULE_ZONE_EUROPE;
    CHECK(shipping_rule_matches(&r, tariff, &fr));
    CHECK(!shipping_rule_matches(&r, tariff, &gb));
    CHECK(!shipping_rule_matches(&r, tariff, &us));
    r.zone = RULE_ZONE_WORLD;
    CHECK(shipping_rule_matches(&r, tariff, &us));
    CHECK(shipping_rule_matches(&r, tariff, &au));
    CHECK(!shipping_rule_matches(&r, tariff, &fr));
    CHECK(!shipping_rule_matches(&r, tariff, &gb));
    CHECK(!shipping_rule_matches(&r, tariff, &aq)); /* in no zone: served nowhere */
    CHECK(!shipping_rule_matches(&r, tariff, &none));
    CHECK(!shipping_rule_matches(&r, NULL, &us)); /* no tariff: no zone is known */

    /* weight band, inclusive at both edges */
    r = any_rule(1);
    r.min_grams = 100, r.max_grams = 2000;
    CHECK(!shipping_rule_matches(&r, tariff, &(struct rule_facts){.grams = 99, .channel = "API"}));
    CHECK(shipping_rule_matches(&r, tariff, &(struct rule_facts){.grams = 100, .channel = "API"}));
    CHECK(shipping_rule_matches(&r, tariff, &(struct rule_facts){.grams = 2000, .channel = "API"}));
    CHECK(
        !shipping_rule_matches(&r, tariff, &(struct rule_facts){.grams = 2001, .channel = "API"}));
    r.min_grams = RULE_NO_BOUND; /* open below */
    CHECK(shipping_rule_matches(&r, tariff, &(struct rule_facts){.grams = 0, .channel = "API"}));
    r.min_grams = 2000, r.max_grams = RULE_NO_BOUND; /* open above */
    CHECK(shipping_rule_matches(&r, tariff,
                                &(struct rule_facts){.grams = 9000000, .channel = "API"}));
    CHECK(
        !shipping_rule_matches(&r, tariff, &(struct rule_facts){.grams = 1999, .channel = "API"}));

    /* value band: the total, or the subtotal */
    r = any_rule(1);
    r.min_pence = 1000, r.max_pence = 5000;
    struct rule_facts v = facts("GB", 1, 999, 1000, "API");
    CHECK(shipping_rule_matches(&r, tariff, &v));
    r.value_subtotal = true;
    CHECK(!shipping_rule_matches(&r, tariff, &v));
    v.subtotal = 5000;
    CHECK(shipping_rule_matches(&r, tariff, &v));
    v.subtotal = 5001;
    CHECK(!shipping_rule_matches(&r, tariff, &v));

    /* channel, whatever its case */
    r = any_rule(1);
    r.channel = "Shopify";
    CHECK(shipping_rule_matches(&r, tariff, &(struct rule_facts){.channel = "Shopify"}));
    CHECK(shipping_rule_matches(&r, tariff, &(struct rule_facts){.channel = "shopify"}));
    CHECK(!shipping_rule_matches(&r, tariff, &(struct rule_facts){.channel = "API"}));
    CHECK(!shipping_rule_matches(&r, tariff, &(struct rule_facts){.channel = "Shopify2"}));
    r.channel = "";
    CHECK(shipping_rule_matches(&r, tariff, &(struct rule_facts){.channel = "API"}));
}

static void test_combined(void)
{
    struct shipping_rule r = any_rule(1);
    r.zone = RULE_ZONE_UK;
    r.max_grams = 2000;
    r.min_pence = 1000;
    r.channel = "eBay";
    struct rule_facts f = facts("GB", 2000, 0, 1000, "eBay");
    CHECK(shipping_rule_matches(&r, tariff, &f));
    /* each condition failing alone fails the rule */
    struct rule_facts g = f;
    memcpy(g.country, "FR", 3);
    CHECK(!shipping_rule_matches(&r, tariff, &g));
    g = f, g.grams = 2001;
    CHECK(!shipping_rule_matches(&r, tariff, &g));
    g = f, g.total = 999;
    CHECK(!shipping_rule_matches(&r, tariff, &g));
    g = f, g.channel = "API";
    CHECK(!shipping_rule_matches(&r, tariff, &g));
}

static void test_priority(void)
{
    /* stored out of order: priority decides, not position */
    struct shipping_rule rules[4] = {any_rule(30), any_rule(10), any_rule(20), any_rule(5)};
    rules[3].enabled = false;  /* the first by priority, but off */
    rules[1].countries = "FR"; /* 10: France only */
    struct rule_facts gb = facts("GB", 10, 0, 0, "API"), fr = facts("FR", 10, 0, 0, "API");
    CHECK_INT(shipping_rule_next(rules, 4, tariff, &fr, INT64_MIN), 1);
    CHECK_INT(shipping_rule_next(rules, 4, tariff, &gb, INT64_MIN), 2);
    /* the next candidate after one whose service could not carry the order */
    CHECK_INT(shipping_rule_next(rules, 4, tariff, &fr, 10), 2);
    CHECK_INT(shipping_rule_next(rules, 4, tariff, &gb, 20), 0);
    CHECK_INT(shipping_rule_next(rules, 4, tariff, &gb, 30), SHIPPING_RULE_NONE);
    /* none matches */
    for (int i = 0; i < 4; i++)
        rules[i].channel = "Etsy";
    CHECK_INT(shipping_rule_next(rules, 4, tariff, &gb, INT64_MIN), SHIPPING_RULE_NONE);
    CHECK_INT(shipping_rule_next(rules, 0, tariff, &gb, INT64_MIN), SHIPPING_RULE_NONE);
}

static void test_apply_doc(void)
{
    json_t *doc = json_loads("{\"packages\":[{\"packageFormatIdentifier\":\"undefined\"},"
                             "{\"packageFormatIdentifier\":\"letter\"}]}",
                             0, NULL);
    struct shipping_rule r = any_rule(1);
    r.package_format = "smallParcel";
    json_t *out = shipping_rule_apply_doc(doc, &r);
    CHECK_STR(
        json_string_value(json_object_get(json_object_get(out, "postageDetails"), "serviceCode")),
        "TOLP48");
    json_t *p = json_object_get(out, "packages");
    CHECK_STR(json_string_value(json_object_get(json_array_get(p, 0), "packageFormatIdentifier")),
              "smallParcel");
    CHECK_STR(json_string_value(json_object_get(json_array_get(p, 1), "packageFormatIdentifier")),
              "letter");
    /* the original is left as it was */
    CHECK(json_object_get(doc, "postageDetails") == NULL);
    json_decref(out);
    json_decref(doc);
    /* existing postage details keep their other fields */
    doc = json_loads("{\"postageDetails\":{\"sendNotificationsTo\":\"sender\"}}", 0, NULL);
    out = shipping_rule_apply_doc(doc, &r);
    json_t *pd = json_object_get(out, "postageDetails");
    CHECK_STR(json_string_value(json_object_get(pd, "sendNotificationsTo")), "sender");
    CHECK_STR(json_string_value(json_object_get(pd, "serviceCode")), "TOLP48");
    json_decref(out);
    json_decref(doc);
}

/* A form with the given name and service, everything else empty. */
static void form(const char *in[RULE_F_COUNT], const char *name, const char *service)
{
    for (int i = 0; i < RULE_F_COUNT; i++)
        in[i] = "";
    in[RULE_F_NAME] = name;
    in[RULE_F_SERVICE] = service;
}

static void test_parse(void)
{
    const char *in[RULE_F_COUNT], *err[RULE_F_COUNT];
    struct shipping_rule r;
    form(in, "  Small UK parcels ", "TOLP48");
    in[RULE_F_COUNTRIES] = "gb, France JE, United States";
    in[RULE_F_MIN_GRAMS] = "0";
    in[RULE_F_MAX_GRAMS] = "2000";
    in[RULE_F_MIN_VALUE] = "£10";
    in[RULE_F_MAX_VALUE] = "49.5";
    in[RULE_F_VALUE_OF] = "subtotal";
    in[RULE_F_CHANNEL] = "Shopify";
    in[RULE_F_FORMAT] = "smallParcel";
    CHECK(shipping_rule_parse(in, true, tariff, &A, &r, err));
    CHECK_STR(r.name, "Small UK parcels");
    CHECK_STR(r.countries, "GB FR JE US");
    CHECK_INT(r.min_grams, 0);
    CHECK_INT(r.max_grams, 2000);
    CHECK_INT(r.min_pence, 1000);
    CHECK_INT(r.max_pence, 4950);
    CHECK(r.value_subtotal);
    CHECK_STR(r.channel, "Shopify");
    CHECK_STR(r.package_format, "smallParcel");
    CHECK(r.enabled);

    /* empty bands are open */
    form(in, "x", "OLP2");
    CHECK(shipping_rule_parse(in, false, tariff, &A, &r, err));
    CHECK_INT(r.min_grams, RULE_NO_BOUND);
    CHECK_INT(r.max_pence, RULE_NO_BOUND);
    CHECK_STR(r.countries, "");
    CHECK(r.package_format == NULL);
    CHECK(!r.enabled);

    /* each field's own message, every other field clear */
    struct {
        int field;
        const char *value;
    } bad[] = {
        {RULE_F_NAME, "   "},         {RULE_F_COUNTRIES, "GB, XX"}, {RULE_F_COUNTRIES, "Narnia"},
        {RULE_F_ZONE, "MARS"},        {RULE_F_MIN_GRAMS, "-1"},     {RULE_F_MAX_GRAMS, "2kg"},
        {RULE_F_MIN_VALUE, "ten"},    {RULE_F_MAX_VALUE, "1.234"},  {RULE_F_VALUE_OF, "net"},
        {RULE_F_CHANNEL, "Teletext"}, {RULE_F_SERVICE, "NOPE"},     {RULE_F_SERVICE, ""},
        {RULE_F_FORMAT, "crate"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        form(in, "x", "TOLP48");
        in[bad[k].field] = bad[k].value;
        CHECK(!shipping_rule_parse(in, true, tariff, &A, &r, err));
        for (int i = 0; i < RULE_F_COUNT; i++)
            CHECK((err[i] != NULL) == (i == bad[k].field));
    }
    /* a name of 101 characters */
    char longname[102];
    memset(longname, 'n', 101);
    longname[101] = '\0';
    form(in, longname, "TOLP48");
    CHECK(!shipping_rule_parse(in, true, tariff, &A, &r, err));
    CHECK(err[RULE_F_NAME] != NULL);
    longname[100] = '\0';
    CHECK(shipping_rule_parse(in, true, tariff, &A, &r, err));

    /* min above max, for weights and values: the max field says so */
    form(in, "x", "TOLP48");
    in[RULE_F_MIN_GRAMS] = "2001";
    in[RULE_F_MAX_GRAMS] = "2000";
    CHECK(!shipping_rule_parse(in, true, tariff, &A, &r, err));
    CHECK(err[RULE_F_MAX_GRAMS] != NULL && err[RULE_F_MIN_GRAMS] == NULL);
    in[RULE_F_MIN_GRAMS] = "2000";
    CHECK(shipping_rule_parse(in, true, tariff, &A, &r, err)); /* equal is a band of one */
    form(in, "x", "TOLP48");
    in[RULE_F_MIN_VALUE] = "50";
    in[RULE_F_MAX_VALUE] = "49.99";
    CHECK(!shipping_rule_parse(in, true, tariff, &A, &r, err));
    CHECK(err[RULE_F_MAX_VALUE] != NULL);

    /* countries and a zone at once; a zone alone */
    form(in, "x", "TOLP48");
    in[RULE_F_COUNTRIES] = "GB";
    in[RULE_F_ZONE] = "UK";
    CHECK(!shipping_rule_parse(in, true, tariff, &A, &r, err));
    CHECK(err[RULE_F_ZONE] != NULL);
    in[RULE_F_COUNTRIES] = "";
    CHECK(shipping_rule_parse(in, true, tariff, &A, &r, err));
    CHECK_INT(r.zone, RULE_ZONE_UK);

    /* a format the service does not take */
    form(in, "x", "OLP1");
    in[RULE_F_FORMAT] = "largeParcel";
    CHECK(!shipping_rule_parse(in, true, tariff, &A, &r, err));
    CHECK(err[RULE_F_FORMAT] != NULL && err[RULE_F_SERVICE] == NULL);

    /* the form of a stored rule parses back to the same rule */
    form(in, "Round trip", "TOLP24");
    in[RULE_F_COUNTRIES] = "FR DE";
    in[RULE_F_MAX_GRAMS] = "750";
    in[RULE_F_MIN_VALUE] = "0.99";
    in[RULE_F_CHANNEL] = "eBay";
    CHECK(shipping_rule_parse(in, true, tariff, &A, &r, err));
    const char *back[RULE_F_COUNT];
    shipping_rule_to_form(&r, &A, back);
    CHECK_STR(back[RULE_F_MIN_VALUE], "0.99");
    CHECK_STR(back[RULE_F_MIN_GRAMS], "");
    struct shipping_rule r2;
    CHECK(shipping_rule_parse(back, true, tariff, &A, &r2, err));
    CHECK_STR(r2.countries, r.countries);
    CHECK_INT(r2.max_grams, 750);
    CHECK_INT(r2.min_pence, 99);
    CHECK_STR(r2.channel, "eBay");
}

static void test_words(void)
{
    struct shipping_rule r = any_rule(1);
    CHECK_STR(shipping_rule_words(&r, tariff, &A),
              "Every order \xE2\x86\x92 Royal Mail Tracked 48");
    r.countries = "GB";
    r.min_grams = 0, r.max_grams = 2000;
    r.channel = "Shopify";
    CHECK_STR(shipping_rule_words(&r, tariff, &A),
              "To United Kingdom, 0\xE2\x80\x93"
              "2 kg, from Shopify \xE2\x86\x92 Royal Mail Tracked 48");
    r = any_rule(1);
    r.zone = RULE_ZONE_EUROPE;
    r.min_grams = 500, r.max_grams = 1500;
    r.min_pence = 1000;
    CHECK_STR(shipping_rule_conditions_words(&r, &A), "To Europe, 500 g\xE2\x80\x93"
                                                      "1.5 kg, total \xC2\xA3"
                                                      "10.00 or more");
    r = any_rule(1);
    r.max_grams = 750;
    r.max_pence = 2550;
    r.value_subtotal = true;
    CHECK_STR(shipping_rule_conditions_words(&r, &A), "Up to 750 g, subtotal up to \xC2\xA3"
                                                      "25.50");
    r = any_rule(1);
    r.channel = "eBay";
    r.package_format = "smallParcel";
    CHECK_STR(shipping_rule_words(&r, tariff, &A),
              "From eBay \xE2\x86\x92 Royal Mail Tracked 48 (small parcel)");
    r.service_code = "GONE"; /* a service the tariff no longer has: its code */
    CHECK_STR(shipping_rule_action_words(&r, tariff, &A), "GONE (small parcel)");
}

int main(void)
{
    arena_init(&A);
    const char *src = getenv("POSTROOM_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/share/%s", src ? src : ".", TARIFF_FILE);
    struct tariff_error te;
    if (!tariff_load(path, &tariff, &te)) {
        fprintf(stderr, "%s\n", te.message);
        return 1;
    }
    test_facts();
    test_each_condition();
    test_combined();
    test_priority();
    test_apply_doc();
    test_parse();
    test_words();
    tariff_free(tariff);
    arena_free(&A);
    return check_report("test_shipping_rule");
}
