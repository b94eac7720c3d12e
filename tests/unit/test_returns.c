/* Unit tests of returns: the store functions (a return linked to the
 * scope's own order writes that order's history in the same transaction; a
 * scope never links, reads or lists another tenant's rows), the tariff's
 * carrier and returns lines, carrier names and their GUIDs, the
 * CreateReturnRequest checks, the order a reference names, and the QR PNG. */
#include "check.h"
#include "domain/carrier.h"
#include "documents/paperwork.h"
#include "domain/returns.h"
#include "domain/s10.h"
#include "store/store.h"

#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

static struct tariff *shipped;

static struct order_new mk(const char *ref)
{
    struct order_new o = {.reference = ref, .order_date = 1000, .package_count = 1, .doc = "{}"};
    return o;
}

static struct return_new ret(const char *tn, const char *ref, int64_t order_id)
{
    struct return_new r = {
        "TSN", tn, "6f1c1b8e-uid", ref, order_id, "{\"x\":1}", "Return label created, tracking VR"};
    return r;
}

static void test_store_returns(struct store *s)
{
    int64_t ta, tb, ids[2], rid, linked;
    CHECK_INT(store_operator_tenant_create(s, "A", &ta), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "B", &tb), STORE_OK);
    struct scope a = {ta}, b = {tb};
    struct order_new oa[] = {mk("RA-1"), mk("RA-2")}, ob[] = {mk("RB-1")};
    CHECK_INT(store_orders_insert(s, &a, oa, 2, 10, ids, NULL), STORE_OK);
    CHECK_INT(store_orders_insert(s, &b, ob, 1, 10, ids, NULL), STORE_OK);

    /* A's return naming A's 1002: linked, one history line */
    struct return_new r1 = ret("VR000000014GB", "RA-2", 1002);
    CHECK_INT(store_return_insert(s, &a, &r1, 500, &rid, &linked), STORE_OK);
    CHECK_INT(rid, 1);
    CHECK_INT(linked, 1002);
    struct arena ar;
    arena_init(&ar);
    struct order_event *ev;
    size_t n;
    CHECK_INT(store_order_history(s, &a, 1002, &ar, &ev, &n), STORE_OK);
    CHECK_INT(n, 1);
    CHECK_INT(ev[0].tenant_id, ta);
    CHECK_INT(ev[0].order_id, 1002);
    CHECK_INT(ev[0].event_id, 1);
    CHECK_INT(ev[0].at, 500);
    CHECK_STR(ev[0].kind, "returnCreated");
    CHECK_STR(ev[0].text, "Return label created, tracking VR");
    CHECK_INT(ev[0].return_id, 1);
    /* B's scope reads nothing of A's history, nor A's return */
    CHECK_INT(store_order_history(s, &b, 1002, &ar, &ev, &n), STORE_OK);
    CHECK_INT(n, 0);
    struct return_row rr;
    CHECK_INT(store_return_get(s, &b, "VR000000014GB", &ar, &rr), STORE_NOTFOUND);
    CHECK_INT(store_return_get(s, &a, "VR000000014GB", &ar, &rr), STORE_OK);
    CHECK_INT(rr.tenant_id, ta);
    CHECK_INT(rr.return_id, 1);
    CHECK_INT(rr.order_id, 1002);
    CHECK_INT(rr.created_on, 500);
    CHECK_STR(rr.service_code, "TSN");
    CHECK_STR(rr.reference, "RA-2");
    CHECK_STR(rr.doc, "{\"x\":1}");

    /* B naming order 1002, which B does not have: stored, linked to nothing,
     * and A's history unchanged */
    struct return_new r2 = ret("VR000000028GB", "RA-2", 1002);
    CHECK_INT(store_return_insert(s, &b, &r2, 600, &rid, &linked), STORE_OK);
    CHECK_INT(rid, 1); /* return identifiers count per tenant */
    CHECK_INT(linked, 0);
    CHECK_INT(store_return_get(s, &b, "VR000000028GB", &ar, &rr), STORE_OK);
    CHECK_INT(rr.order_id, 0);
    CHECK_INT(rr.tenant_id, tb);
    CHECK_INT(store_order_history(s, &a, 1002, &ar, &ev, &n), STORE_OK);
    CHECK_INT(n, 1);
    /* B naming its own 1001: B's history, not A's 1001 */
    struct return_new r3 = ret("VR000000031GB", "1001", 1001);
    CHECK_INT(store_return_insert(s, &b, &r3, 700, &rid, &linked), STORE_OK);
    CHECK_INT(linked, 1001);
    CHECK_INT(store_order_history(s, &b, 1001, &ar, &ev, &n), STORE_OK);
    CHECK_INT(n, 1);
    CHECK_INT(ev[0].tenant_id, tb);
    CHECK_INT(store_order_history(s, &a, 1001, &ar, &ev, &n), STORE_OK);
    CHECK_INT(n, 0);
    /* a second return on A's 1002: the history grows in order */
    struct return_new r4 = ret("VR000000045GB", NULL, 1002);
    r4.history = "second";
    CHECK_INT(store_return_insert(s, &a, &r4, 800, &rid, &linked), STORE_OK);
    CHECK_INT(rid, 2);
    CHECK_INT(store_order_history(s, &a, 1002, &ar, &ev, &n), STORE_OK);
    CHECK_INT(n, 2);
    CHECK_INT(ev[1].event_id, 2);
    CHECK_STR(ev[1].text, "second");
    CHECK_INT(store_return_get(s, &a, "VR000000045GB", &ar, &rr), STORE_OK);
    CHECK(rr.reference == NULL);
    /* a tracking number twice for one tenant is refused and changes nothing */
    CHECK_INT(store_return_insert(s, &a, &r4, 900, &rid, &linked), STORE_CONFLICT);
    CHECK_INT(store_order_history(s, &a, 1002, &ar, &ev, &n), STORE_OK);
    CHECK_INT(n, 2);
    /* deleting the order takes its history with it; the return stands */
    CHECK_INT(store_order_delete(s, &a, 1002, 1000), STORE_OK);
    CHECK_INT(store_order_history(s, &a, 1002, &ar, &ev, &n), STORE_OK);
    CHECK_INT(n, 0);
    CHECK_INT(store_return_get(s, &a, "VR000000014GB", &ar, &rr), STORE_OK);
    CHECK_INT(rr.order_id, 1002);
    arena_free(&ar);
}

static void despatch(struct store *s, const struct scope *sc, int64_t id, const char *carrier,
                     int64_t at)
{
    struct order_status_change c = {.from_status = "new",
                                    .to_status = "despatchedByOtherCourier",
                                    .now = at,
                                    .shipped_on = at,
                                    .other_courier_on = at,
                                    .carrier = carrier,
                                    .carrier_service = "Next day"};
    CHECK_INT(store_order_set_status(s, sc, id, &c), STORE_OK);
}

static void test_store_carriers(struct store *s)
{
    int64_t ta, tb, ids[4];
    CHECK_INT(store_operator_tenant_create(s, "CA", &ta), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "CB", &tb), STORE_OK);
    struct scope a = {ta}, b = {tb};
    struct order_new o[] = {mk("1"), mk("2"), mk("3"), mk("4")};
    CHECK_INT(store_orders_insert(s, &a, o, 4, 10, ids, NULL), STORE_OK);
    CHECK_INT(store_orders_insert(s, &b, o, 1, 10, ids, NULL), STORE_OK);
    despatch(s, &a, 1001, "Yodel", 300);
    despatch(s, &a, 1002, "DPD", 200);
    despatch(s, &a, 1003, "DPD", 100);
    despatch(s, &b, 1001, "B-ONLY", 50);
    struct arena ar;
    arena_init(&ar);
    struct carrier_row *rows;
    size_t n;
    CHECK_INT(store_carriers(s, &a, 10, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 2);
    CHECK_STR(rows[0].name, "DPD"); /* first used first */
    CHECK_STR(rows[1].name, "Yodel");
    CHECK_INT(rows[0].tenant_id, ta);
    CHECK_INT(rows[1].tenant_id, ta);
    CHECK_INT(store_carriers(s, &a, 1, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 1);
    CHECK_INT(store_carriers(s, &b, 10, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 1);
    CHECK_STR(rows[0].name, "B-ONLY");
    CHECK_INT(rows[0].tenant_id, tb);
    arena_free(&ar);
}

static void test_tariff_returns(void)
{
    const struct tariff_carrier *c = tariff_carrier(shipped);
    CHECK(c != NULL);
    if (!c) return;
    CHECK_STR(c->guid, "e90e87c8-4ea6-49ec-a387-64ba37f66d84");
    CHECK_STR(c->name, "Royal Mail");
    CHECK_INT(tariff_return_count(shipped), 2);
    const struct tariff_return_service *r = tariff_return_at(shipped, 0);
    CHECK_STR(r->code, "TSN");
    CHECK_STR(r->name, "Tracked Returns 24");
    CHECK_STR(r->s10_prefix, "VR");
    CHECK_STR(r->guid, "3824a10c-1a2b-4e66-b82f-efa236a86cd9");
    r = tariff_return_service(shipped, "TSS");
    CHECK(r != NULL && !strcmp(r->s10_prefix, "VS") &&
          !strcmp(r->guid, "262a663e-633c-4507-a834-fa69a6b7d112"));
    CHECK(tariff_return_service(shipped, "TOLP24") == NULL);
    CHECK(tariff_service(shipped, "TSN") == NULL); /* not a postage service */
    CHECK(tariff_domestic(shipped, "GB") && tariff_domestic(shipped, "JE"));
    CHECK(!tariff_domestic(shipped, "FR") && !tariff_domestic(shipped, "XX"));
}

/* A small tariff with extra lines; returns whether it loads (err filled). */
static bool load_text(const char *extra, struct tariff_error *err)
{
    char path[] = "/tmp/postroom-returns-tariff-XXXXXX", text[2048];
    snprintf(text, sizeof text,
             "format\tletter\t100\t240\t165\t5\t-\nzone\tUK\tGB\n"
             "service\tX1\tRA\tyes\tno\tuk\tletter\tX one\nprice\tX1\tletter\tUK\t100:50\n%s",
             extra);
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) abort();
    close(fd);
    struct tariff *t = NULL;
    bool ok = tariff_load(path, &t, err);
    unlink(path);
    tariff_free(t);
    return ok;
}

static void expect_bad(const char *extra, const char *fragment)
{
    struct tariff_error err;
    CHECK(!load_text(extra, &err));
    if (!strstr(err.message, fragment))
        fprintf(stderr, "  want '%s' in '%s'\n", fragment, err.message);
    CHECK(strstr(err.message, fragment) != NULL);
}

static void test_tariff_returns_lines(void)
{
    struct tariff_error err;
    const char *carrier = "carrier\te90e87c8-4ea6-49ec-a387-64ba37f66d84\tRoyal Mail\n";
    char text[512];
    CHECK(load_text("", &err)); /* returns are optional */
    snprintf(text, sizeof text, "%sreturns\tR1\tVR\t3824a10c-1a2b-4e66-b82f-efa236a86cd9\tR one\n",
             carrier);
    CHECK(load_text(text, &err));
    expect_bad("returns\tR1\tVR\t3824a10c-1a2b-4e66-b82f-efa236a86cd9\tR one\n",
               "returns before the carrier line");
    snprintf(text, sizeof text, "%s%s", carrier, carrier);
    expect_bad(text, "a second carrier line");
    expect_bad("carrier\tE90E87C8-4EA6-49EC-A387-64BA37F66D84\tRM\n", "not a lower-case UUID");
    snprintf(text, sizeof text, "%sreturns\tR1\tRA\t3824a10c-1a2b-4e66-b82f-efa236a86cd9\tR\n",
             carrier);
    expect_bad(text, "S10 prefix RA is taken");
    snprintf(text, sizeof text, "%sreturns\tX1\tVR\t3824a10c-1a2b-4e66-b82f-efa236a86cd9\tR\n",
             carrier);
    expect_bad(text, "service X1 declared twice");
    snprintf(text, sizeof text, "%sreturns\tR1\tVR\t3824a10c-1a2b-4e66-b82f\tR\n", carrier);
    expect_bad(text, "not a lower-case UUID");
    snprintf(text, sizeof text, "%sreturns\tR1\tVR\tR\n", carrier);
    expect_bad(text, "returns needs 4 fields");
}

static void test_carrier_names(void)
{
    struct arena a;
    arena_init(&a);
    CHECK_STR(carrier_normalise(&a, "  DPD \t Local\n"), "dpd local");
    CHECK_STR(carrier_normalise(&a, "ŁÓDŹ Kurier"), "ŁÓdŹ kurier"); /* ASCII letters only lowered */
    CHECK_STR(carrier_normalise(&a, " \t "), "");
    char g1[CARRIER_GUID_LEN + 1], g2[CARRIER_GUID_LEN + 1], g3[CARRIER_GUID_LEN + 1];
    carrier_guid(&a, "DPD Local", g1);
    carrier_guid(&a, " dpd   local ", g2);
    carrier_guid(&a, "DPD", g3);
    CHECK_STR(g1, g2);
    CHECK(strcmp(g1, g3) != 0);
    CHECK_INT(strlen(g1), 36);
    CHECK(g1[14] == '8');                                                    /* version 8 */
    CHECK(g1[19] == '8' || g1[19] == '9' || g1[19] == 'a' || g1[19] == 'b'); /* variant */
    const char *names[] = {"Evri", "dpd", "ROYAL MAIL", "DPD", "  ", "Yodel"};
    struct carrier *list;
    size_t n =
        carrier_list(&a, "e90e87c8-4ea6-49ec-a387-64ba37f66d84", "Royal Mail", names, 6, &list);
    CHECK_INT(n, 4);
    CHECK_STR(list[0].name, "Royal Mail");
    CHECK_STR(list[0].type, CARRIER_TYPE_ROYAL_MAIL);
    CHECK_STR(list[0].guid, "e90e87c8-4ea6-49ec-a387-64ba37f66d84");
    CHECK_STR(list[1].name, "Evri");
    CHECK_STR(list[2].name, "dpd"); /* the first spelling seen */
    CHECK_STR(list[2].guid, g3);
    CHECK_STR(list[3].name, "Yodel");
    CHECK_STR(list[3].type, CARRIER_TYPE_OTHER);
    CHECK_STR(list[3].status, CARRIER_STATUS_ACTIVE);
    arena_free(&a);
}

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

static void test_qr_png(void)
{
    struct arena a;
    arena_init(&a);
    struct buf b;
    buf_init(&b, &a);
    CHECK_INT(doc_qr_png("VR000000014GB", 4, &b), DOC_OK);
    CHECK(b.len > 100 && memcmp(b.data, "\x89PNG\r\n\x1a\n", 8) == 0);
    size_t len = b.len;
    CHECK_INT(doc_qr_png("VR000000014GB", 0, &b), DOC_ERR_INPUT);
    char big[8000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    CHECK_INT(doc_qr_png(big, 4, &b), DOC_ERR_INPUT); /* too much for a QR code */
    CHECK_INT(b.len, len);
    arena_free(&a);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const char *src = getenv("POSTROOM_SOURCE_DIR");
    char tpath[1024];
    snprintf(tpath, sizeof tpath, "%s/share/%s", src ? src : ".", TARIFF_FILE);
    struct tariff_error terr;
    if (!tariff_load(tpath, &shipped, &terr)) {
        fprintf(stderr, "cannot load %s: %s\n", tpath, terr.message);
        return 1;
    }
    char path[] = "/tmp/postroom-test-returns-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    test_store_returns(s);
    test_store_carriers(s);
    store_close(s);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    test_tariff_returns();
    test_tariff_returns_lines();
    test_carrier_names();
    test_validate();
    test_pick_order();
    test_qr_png();
    tariff_free(shipped);
    return check_report("test_returns");
}
