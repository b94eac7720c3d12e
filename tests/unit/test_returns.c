/* Unit tests of src/domain/returns: the CreateReturnRequest checks against
 * the shipped tariff, the returns label's shipment, and the order a
 * reference names. */
#include "check.h"
#include "app/share.h"
#include "documents/paperwork.h"
#include "domain/returns.h"

#include <stdlib.h>

static struct tariff *shipped;

static json_t *request_json(const char *iso)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"service\":{\"serviceCode\":\"TSS\"},\"shipment\":{\"shippingAddress\":"
             "{\"firstName\":\"Ada\",\"lastName\":\"L\",\"addressLine1\":\"1 Road\",\"city\":"
             "\"Leeds\",\"postcode\":\"LS1 1AA\",\"country\":\"UK\",\"countryIsoCode\":\"%s\","
             "\"unknown\":1},\"returnAddress\":{\"firstName\":\"R\",\"lastName\":\"D\","
             "\"addressLine1\":\"2 Road\",\"city\":\"York\",\"postcode\":\"YO1 1AA\","
             "\"country\":\"UK\",\"countryIsoCode\":\"GBR\"},\"customerReference\":"
             "{\"reference\":\"RMA-1\"}}}",
             iso);
    return json_loads(text, 0, NULL);
}

static void test_validate(void)
{
    struct arena a;
    arena_init(&a);
    struct return_request rq;
    struct return_error err;
    json_t *j = request_json("GBR");
    CHECK(return_validate(j, shipped, &a, &rq, &err));
    json_decref(j);
    CHECK_STR(rq.service->code, "TSS");
    CHECK_STR(rq.shipping.alpha2, "GB");
    CHECK_STR(rq.to.city, "York");
    CHECK_STR(rq.reference, "RMA-1");
    CHECK(strstr(rq.doc, "unknown") == NULL); /* unknown fields are not kept */
    CHECK(strstr(rq.doc, "\"postcode\":\"YO1 1AA\"") != NULL);
    j = request_json("FRA");
    CHECK(!return_validate(j, shipped, &a, &rq, &err));
    json_decref(j);
    CHECK_STR(err.code, "InvalidField");
    CHECK_STR(err.field, "shipment.shippingAddress.countryIsoCode");
    j = request_json("");
    CHECK(!return_validate(j, shipped, &a, &rq, &err));
    json_decref(j);
    CHECK_STR(err.code, "MissingField");
    CHECK_STR(err.field, "shipment.shippingAddress.countryIsoCode");
    struct doc_shipment s;
    struct tenant_settings ts = {.trading_name = "Shop"};
    j = request_json("JEY");
    CHECK(return_validate(j, shipped, &a, &rq, &err));
    json_decref(j);
    return_shipment(&rq, 7, 1001, &ts, "name", "VS000000014GB", &a, &s);
    CHECK_INT(s.tenant_id, 7);
    CHECK_INT(s.order_id, 1001);
    CHECK_STR(s.recipient.name, "Ada L");
    CHECK_STR(s.recipient.country_code, "JE");
    CHECK_STR(s.recipient.country, "UK"); /* printed outside GB */
    CHECK(s.return_address.country == NULL);
    CHECK_STR(s.returns_service_name, "Tracked Returns 48");
    CHECK_STR(s.trading_name, "Shop");
    CHECK_STR(return_history_text(&a, "VS000000014GB"),
              "Return label created, tracking VS000000014GB");
    arena_free(&a);
}

static void test_pick_order(void)
{
    struct order_row rows[] = {{.order_id = 1002, .reference = "1001"},
                               {.order_id = 1001, .reference = "X"},
                               {.order_id = 1005, .reference = "SHARED"},
                               {.order_id = 1007, .reference = "SHARED"},
                               {.order_id = 1006, .reference = "SHARED"}};
    CHECK(return_pick_order("1001", rows, 5) == &rows[1]);   /* the identifier wins */
    CHECK(return_pick_order("SHARED", rows, 5) == &rows[3]); /* else the newest */
    CHECK(return_pick_order("shared", rows, 5) == NULL);
    CHECK(return_pick_order(NULL, rows, 5) == NULL);
    CHECK_INT(return_reference_id("1001"), 1001);
    CHECK_INT(return_reference_id("0"), 0);
    CHECK_INT(return_reference_id("+1"), 0);
    CHECK_INT(return_reference_id("99999999999999999"), 0);
    CHECK_INT(return_reference_id(""), 0);
}

int main(void)
{
    const char *src = getenv("POSTROOM_SOURCE_DIR");
    char tpath[1024];
    snprintf(tpath, sizeof tpath, "%s/share/%s", src ? src : ".", TARIFF_FILE);
    struct tariff_error terr;
    if (!tariff_load(tpath, &shipped, &terr)) {
        fprintf(stderr, "cannot load %s: %s\n", tpath, terr.message);
        return 1;
    }
    test_validate();
    test_pick_order();
    tariff_free(shipped);
    return check_report("test_returns");
}
