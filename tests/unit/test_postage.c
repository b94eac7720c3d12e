/* Unit tests of src/domain/postage: the quote against the shipped tariff
 * applies the customs rule where the destination needs it, and not for a
 * country no service serves or an order without postage. */
#include "check.h"
#include "app/share.h"
#include "customs_order.h"
#include "domain/postage.h"
#include "domain/tariff.h"

static struct tariff *tariff;
static struct arena A;

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

int main(void)
{
    arena_init(&A);
    const char *src = getenv("POSTROOM_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/share/%s", src ? src : ".", TARIFF_FILE);
    struct tariff_error te;
    if (!tariff_load(path, &tariff, &te)) {
        fprintf(stderr, "cannot load %s: %s\n", path, te.message);
        return 1;
    }
    test_quote();
    tariff_free(tariff);
    arena_free(&A);
    return check_report("test_postage");
}
