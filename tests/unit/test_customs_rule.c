/* Unit tests of src/domain/customs_rule: which destinations need a
 * declaration, which contents can fill one, and what each category of
 * goods must give. */
#include "check.h"
#include "customs_order.h"
#include "domain/customs_rule.h"
#include "util/buf.h"

static struct arena A;

/* The errors customs_check gives, as "code field" lines. */
static const char *check(const char *country, const char *contents)
{
    json_t *doc = order_to(country, contents);
    struct order_errors e = {0};
    bool ok = customs_check(doc, &A, &e);
    json_decref(doc);
    struct buf b;
    buf_init(&b, &A);
    for (size_t i = 0; i < e.n; i++)
        buf_printf(&b, "%s%d %s", i ? "\n" : "", e.items[i].code, e.items[i].field);
    CHECK(ok == (e.n == 0));
    return buf_cstr(&b);
}

static void test_destinations(void)
{
    CHECK(!customs_needed("GB"));
    CHECK(!customs_needed("gb"));
    CHECK(!customs_needed("IM")); /* inside the UK's customs and VAT area */
    CHECK(customs_needed("JE"));  /* outside it: Royal Mail asks for a CN22 */
    CHECK(customs_needed("GG"));
    CHECK(customs_needed("je"));
    CHECK(customs_needed("FR"));
    CHECK(customs_needed("US"));
    CHECK(customs_needed(NULL));
    CHECK(customs_needed(""));
}

static void test_contents(void)
{
    CHECK_STR(check("FR", "[" FULL "]"), "");
    CHECK_STR(check("FR", NULL), "1 packages[0].contents");
    CHECK_STR(check("FR", "[]"), "1 packages[0].contents");
    /* a bare item: everything the form asks for is missing */
    CHECK_STR(check("FR", "[{\"quantity\":1}]"), "1 packages[0].contents[0].customsDescription\n"
                                                 "1 packages[0].contents[0].unitValue\n"
                                                 "1 packages[0].contents[0].unitWeightInGrams\n"
                                                 "1 packages[0].contents[0].customsCode\n"
                                                 "1 packages[0].contents[0].originCountryCode");
    /* the customs description stands in for the name, and blank is absent */
    CHECK_STR(check("FR", "[{\"customsDescription\":\"Ceramic mug\",\"quantity\":1,"
                          "\"unitValue\":1,\"unitWeightInGrams\":1,\"customsCode\":\"6912000000\","
                          "\"originCountryCode\":\"GBR\"}]"),
              "");
    CHECK_STR(check("FR", "[{\"name\":\"  \",\"customsDescription\":\"\",\"quantity\":1,"
                          "\"unitValue\":1,\"unitWeightInGrams\":1,\"customsCode\":\"691200\","
                          "\"originCountryCode\":\"GB\"}]"),
              "1 packages[0].contents[0].customsDescription");
    /* zeros are out of range on a declaration */
    CHECK_STR(check("FR", "[{\"name\":\"Mug\",\"quantity\":1,\"unitValue\":0,"
                          "\"unitWeightInGrams\":0,\"customsCode\":\"691200\","
                          "\"originCountryCode\":\"GB\"}]"),
              "4 packages[0].contents[0].unitValue\n4 packages[0].contents[0].unitWeightInGrams");
    /* malformed HS codes and origins */
    const char *bad[] = {"69120", "6912.00", "69120A", "691200 ", NULL};
    for (int i = 0; bad[i]; i++) {
        char c[300];
        snprintf(c, sizeof c,
                 "[{\"name\":\"Mug\",\"quantity\":1,\"unitValue\":1,\"unitWeightInGrams\":1,"
                 "\"customsCode\":\"%s\",\"originCountryCode\":\"GB\"}]",
                 bad[i]);
        CHECK_STR(check("FR", c), "2 packages[0].contents[0].customsCode");
    }
    const char *origins[] = {"UK", "ZZ", "G", "XXX", "G1", NULL};
    for (int i = 0; origins[i]; i++) {
        char c[300];
        snprintf(c, sizeof c,
                 "[{\"name\":\"Mug\",\"quantity\":1,\"unitValue\":1,\"unitWeightInGrams\":1,"
                 "\"customsCode\":\"691200\",\"originCountryCode\":\"%s\"}]",
                 origins[i]);
        CHECK_STR(check("FR", c), "2 packages[0].contents[0].originCountryCode");
    }
}

/* HS code and origin: for commercial goods and on a CN23; a gift worth up
 * to GBP 270 on a CN22 may leave them out, documents may be worth 0. */
static void test_categories(void)
{
    const char *gift = "[{\"name\":\"Scarf\",\"quantity\":1,\"unitValue\":20,"
                       "\"unitWeightInGrams\":100,\"customsDeclarationCategory\":\"gift\"}]";
    CHECK_STR(check("FR", gift), "");
    const char *other = "[{\"name\":\"Scarf\",\"quantity\":1,\"unitValue\":20,"
                        "\"unitWeightInGrams\":100,\"customsDeclarationCategory\":\"other\"}]";
    CHECK_STR(check("FR", other), "");
    const char *sale = "[{\"name\":\"Scarf\",\"quantity\":1,\"unitValue\":20,"
                       "\"unitWeightInGrams\":100,\"customsDeclarationCategory\":"
                       "\"eCommerceSaleOfGoods\"}]";
    CHECK_STR(check("FR", sale),
              "1 packages[0].contents[0].customsCode\n1 packages[0].contents[0].originCountryCode");
    const char *sample = "[{\"name\":\"Scarf\",\"quantity\":1,\"unitValue\":20,"
                         "\"unitWeightInGrams\":100,\"customsDeclarationCategory\":"
                         "\"commercialSample\"}]";
    CHECK_STR(check("FR", sample),
              "1 packages[0].contents[0].customsCode\n1 packages[0].contents[0].originCountryCode");
    /* a gift above GBP 270 goes on a CN23, which gives every item's code */
    const char *big_gift = "[{\"name\":\"Coat\",\"quantity\":1,\"unitValue\":270.01,"
                           "\"unitWeightInGrams\":900,\"customsDeclarationCategory\":\"gift\"}]";
    CHECK_STR(check("FR", big_gift),
              "1 packages[0].contents[0].customsCode\n1 packages[0].contents[0].originCountryCode");
    const char *edge_gift = "[{\"name\":\"Coat\",\"quantity\":2,\"unitValue\":135,"
                            "\"unitWeightInGrams\":900,\"customsDeclarationCategory\":\"gift\"}]";
    CHECK_STR(check("FR", edge_gift), ""); /* exactly GBP 270: still a CN22 */
    /* six item lines do not fit a CN22 either */
    struct buf b;
    buf_init(&b, &A);
    buf_adds(&b, "[");
    for (int i = 0; i < 6; i++)
        buf_printf(&b,
                   "%s{\"name\":\"Card\",\"quantity\":1,\"unitValue\":1,"
                   "\"unitWeightInGrams\":10,\"customsDeclarationCategory\":\"gift\"}",
                   i ? "," : "");
    buf_adds(&b, "]");
    const char *six = check("FR", buf_cstr(&b));
    CHECK(strstr(six, "1 packages[0].contents[5].customsCode") != NULL);
    /* the first category given is the declaration's, as the form prints it */
    const char *docs = "[{\"name\":\"Contract\",\"quantity\":1,\"unitValue\":0,"
                       "\"unitWeightInGrams\":20,\"customsDeclarationCategory\":\"documents\"},"
                       "{\"name\":\"Letter\",\"quantity\":1,\"unitValue\":0,"
                       "\"unitWeightInGrams\":5}]";
    CHECK_STR(check("FR", docs), "");
}

int main(void)
{
    arena_init(&A);
    test_destinations();
    test_contents();
    test_categories();
    arena_free(&A);
    return check_report("test_customs_rule");
}
