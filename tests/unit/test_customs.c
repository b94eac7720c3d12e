/* test_customs: the customs rule (domain/customs_rule): which destinations
 * need a declaration, which contents can fill one, the quote that refuses
 * postage without them, the import column an error names, and the forms'
 * own refusal to declare nothing. */
#include "check.h"
#include "app/share.h"
#include "domain/customs_rule.h"
#include "documents/document.h"
#include "formats/import.h"
#include "domain/postage.h"

#include <stdlib.h>

static struct tariff *tariff;
static struct arena A;

/* A validated order document to country, from the JSON of its contents
 * (NULL: a package with no contents key). */
static json_t *order_to(const char *country, const char *contents)
{
    char *text = NULL;
    int n = asprintf(
        &text,
        "{\"recipient\":{\"address\":{\"addressLine1\":\"1 "
        "Rue\",\"city\":\"Paris\",\"postcode\":\"75001\","
        "\"countryCode\":\"%s\"}},\"orderDate\":\"2026-11-29T10:00:00Z\","
        "\"subtotal\":1,\"shippingCostCharged\":0,\"total\":1,"
        "\"postageDetails\":{\"serviceCode\":\"%s\"},"
        "\"packages\":[{\"weightInGrams\":500,\"packageFormatIdentifier\":"
        "\"smallParcel\"%s%s}]}",
        country,
        strcmp(country, "GB") && strcmp(country, "IM") && strcmp(country, "JE") ? "ITROLP" : "OLP2",
        contents ? ",\"contents\":" : "", contents ? contents : "");
    if (n < 0) abort();
    json_t *item = json_loads(text, 0, NULL);
    free(text);
    if (!item) abort();
    struct order_new o;
    struct order_errors e = {0};
    if (!order_validate(item, &A, &o, &e)) {
        fprintf(stderr, "test order does not validate: %s %s\n", e.items[0].field,
                e.items[0].message);
        abort();
    }
    json_decref(item);
    return json_loads(o.doc, 0, NULL);
}

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

#define FULL                                                                                       \
    "{\"name\":\"Mug\",\"quantity\":2,\"unitValue\":5.5,\"unitWeightInGrams\":300,"                \
    "\"customsCode\":\"691200\",\"originCountryCode\":\"GB\"}"

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

/* Postage: the rule applies where the destination needs it, with the
 * tariff's own errors, and not at all for an unserved country. */
static void test_quote(void)
{
    struct postage_quote q;
    struct order_errors e = {0};
    json_t *doc = order_to("FR", NULL);
    CHECK(!postage_quote(tariff, doc, &A, &q, &e));
    CHECK_INT(e.n, 1);
    CHECK_STR(e.items[0].field, "packages[0].contents");
    CHECK_INT(e.items[0].code, OERR_REQUIRED);
    CHECK(strstr(e.items[0].message, "FR") != NULL);
    json_decref(doc);

    e = (struct order_errors){0};
    doc = order_to("FR", "[" FULL "]");
    CHECK(postage_quote(tariff, doc, &A, &q, &e));
    CHECK_INT(e.n, 0);
    CHECK(q.pence > 0);
    json_decref(doc);

    /* Jersey: a domestic service, a customs declaration all the same */
    e = (struct order_errors){0};
    doc = order_to("JE", NULL);
    CHECK(!postage_quote(tariff, doc, &A, &q, &e));
    CHECK_INT(e.n, 1);
    CHECK_STR(e.items[0].field, "packages[0].contents");
    json_decref(doc);
    e = (struct order_errors){0};
    doc = order_to("JE", "[" FULL "]");
    CHECK(postage_quote(tariff, doc, &A, &q, &e));
    json_decref(doc);

    /* the Isle of Man and Great Britain need none */
    e = (struct order_errors){0};
    doc = order_to("IM", NULL);
    CHECK(postage_quote(tariff, doc, &A, &q, &e));
    CHECK_INT(e.n, 0);
    json_decref(doc);
    e = (struct order_errors){0};
    doc = order_to("GB", "[{\"quantity\":1}]");
    CHECK(postage_quote(tariff, doc, &A, &q, &e));
    json_decref(doc);

    /* a country the service does not serve: that error alone */
    e = (struct order_errors){0};
    doc = order_to("ZZ", NULL);
    CHECK(!postage_quote(tariff, doc, &A, &q, &e));
    CHECK_INT(e.n, 1);
    CHECK_STR(e.items[0].field, "recipient.address.countryCode");
    json_decref(doc);

    /* an order without postage needs no contents */
    e = (struct order_errors){0};
    doc = order_to("FR", NULL);
    json_object_del(doc, "postageDetails");
    CHECK(postage_quote(tariff, doc, &A, &q, &e));
    CHECK(q.service_code == NULL);
    json_decref(doc);
}

/* The import names the column to fill in, even for an order without items. */
static void test_import_columns(void)
{
    const char csv[] = "First Name,Address Line 1,City,Postcode,Country,Service code,Weight\r\n"
                       "Jean,2 Rue de Rivoli,Paris,75001,France,ITROLP,0.5\r\n";
    struct import_batch b;
    CHECK(import_read(csv, sizeof csv - 1, 0, &A, &b));
    CHECK_STR(import_column_for(&b, "packages[0].contents"), "Customs description");
    CHECK_STR(import_column_for(&b, "packages[0].contents[0].customsCode"), "HS tariff code");
    CHECK_STR(import_column_for(&b, "packages[0].contents[2].originCountryCode"),
              "Country of origin");
    CHECK_STR(import_column_for(&b, "packages[0].contents[0].unitWeightInGrams"), "Unit weight");
    import_batch_free(&b);
}

/* The second wall: the forms refuse a declaration of nothing. */
static void test_forms_refuse(const struct doc_fonts *fonts)
{
    static const struct doc_item mug = {"Ceramic mug", "MUG", "691200", "GB", 2, 550, 300};
    struct doc_item weightless = mug, worthless = mug;
    weightless.unit_weight_grams = 0;
    worthless.unit_value_pence = 0;
    struct doc_shipment s = {.tenant_id = 7,
                             .order_id = 1001,
                             .tracking_number = "LX100000018GB",
                             .recipient = {.name = "Jean", .country_code = "FR"}};
    void (*adders[])(struct doc *, const struct doc_shipment *) = {doc_add_cn22, doc_add_cn23,
                                                                   doc_add_customs};
    struct {
        const struct doc_item *items;
        size_t n;
        enum doc_category cat;
        int want;
    } cases[] = {{NULL, 0, DOC_CAT_SALE_OF_GOODS, DOC_ERR_INPUT},
                 {&weightless, 1, DOC_CAT_SALE_OF_GOODS, DOC_ERR_INPUT},
                 {&worthless, 1, DOC_CAT_GIFT, DOC_ERR_INPUT},
                 {&worthless, 1, DOC_CAT_DOCUMENTS, DOC_OK},
                 {&mug, 1, DOC_CAT_SALE_OF_GOODS, DOC_OK}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        for (int k = 0; k < 3; k++) {
            struct buf b;
            buf_init(&b, &A);
            s.items = cases[c].items;
            s.n_items = cases[c].n;
            s.category = cases[c].cat;
            struct doc *d = doc_begin(fonts, 7, DOC_LAYOUT_6X4, "x", &b);
            adders[k](d, &s);
            const char *why = NULL;
            int rc = doc_end(d, &why);
            CHECK_INT(rc, cases[c].want);
            if (cases[c].want != DOC_OK) {
                CHECK_INT(b.len, 0);
                CHECK(why && strstr(why, "customs declaration"));
            } else {
                CHECK(b.len > 1000);
            }
        }
    }
}

int main(void)
{
    arena_init(&A);
    const char *src = getenv("POSTROOM_SOURCE_DIR");
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/share/%s", src ? src : ".", TARIFF_FILE);
    struct tariff_error te;
    if (!tariff_load(path, &tariff, &te)) {
        fprintf(stderr, "cannot load %s: %s\n", path, te.message);
        return 1;
    }
    struct doc_fonts *fonts = doc_fonts_load(NULL, NULL, err, sizeof err);
    if (!fonts) {
        fprintf(stderr, "fonts: %s\n", err);
        return 1;
    }
    test_destinations();
    test_contents();
    test_categories();
    test_quote();
    test_import_columns();
    test_forms_refuse(fonts);
    doc_fonts_free(fonts);
    tariff_free(tariff);
    arena_free(&A);
    return check_report("customs");
}
