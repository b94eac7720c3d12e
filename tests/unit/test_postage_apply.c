/* Unit tests of service/postage_apply, against a real SQLite store: orders
 * arriving without a service take the first rule by priority whose service
 * can carry them (order_batch), with the history line; the bulk action
 * applies a chosen service or the rules to stored New orders only, reports
 * the rest as skipped (not New, no rule, cannot carry, not found), never
 * touches another business's order, and writes its order.postage audit. */
#include "check.h"
#include "app/share.h"
#include "domain/audit.h"
#include "domain/tariff.h"
#include "service/order_batch.h"
#include "service/postage_apply.h"
#include "store/store.h"
#include "store/store_rules.h"

#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

#define NOW 1764500000000LL

static struct store *S;
static struct tariff *T;
static struct arena A;
static int64_t TA, TB;

static struct service_ctx ctx(int64_t tenant, const struct audit_actor *actor)
{
    return (struct service_ctx){S, {tenant}, &A, T, NOW, actor};
}

/* One order to country weighing grams, by channel (NULL: the API). */
static int64_t create_as(int64_t tenant, const char *country, int grams, const char *channel,
                         const char *format)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"orderReference\":\"R\",\"recipient\":{\"address\":{\"fullName\":\"Zo Brien\","
             "\"addressLine1\":\"1 High St\",\"city\":\"Town\",\"postcode\":\"SW1A 1AA\","
             "\"countryCode\":\"%s\"}},\"orderDate\":\"2026-11-29T11:00:00Z\","
             "\"subtotal\":10.5,\"shippingCostCharged\":2.99,\"total\":13.49,"
             "\"packages\":[{\"weightInGrams\":%d,\"packageFormatIdentifier\":\"%s\"}]}",
             country, grams, format);
    json_t *item = json_loads(text, 0, NULL);
    const json_t *items[] = {item};
    struct service_ctx c = ctx(tenant, NULL);
    struct order_batch b;
    order_batch_check(&c, items, 1, &b);
    CHECK_INT(b.nvalid, 1);
    if (b.nvalid) b.valid[0].channel = channel;
    CHECK_INT(order_batch_insert(&c, &b), STORE_OK);
    json_decref(item);
    return b.nvalid ? b.ids[0] : 0;
}

/* Packages of format "undefined": a rule's format fills it in. */
static int64_t create(int64_t tenant, const char *country, int grams, const char *channel)
{
    return create_as(tenant, country, grams, channel, "undefined");
}

static struct order_row read_order(int64_t tenant, int64_t id)
{
    struct scope sc = {tenant};
    struct order_key k = {.id = id};
    struct order_row *rows, none = {0};
    size_t n = 0;
    CHECK_INT(store_orders_get(S, &sc, &k, 1, &A, &rows, &n), STORE_OK);
    return n == 1 ? rows[0] : none;
}

/* The order's history lines, joined by "|". */
static const char *lines(int64_t tenant, int64_t id)
{
    struct scope sc = {tenant};
    struct order_event *ev;
    size_t n;
    CHECK_INT(store_order_history(S, &sc, id, &A, &ev, &n), STORE_OK);
    struct buf b;
    buf_init(&b, &A);
    buf_adds(&b, "");
    for (size_t i = 0; i < n; i++) {
        if (i) buf_addc(&b, '|');
        buf_adds(&b, ev[i].text);
    }
    return buf_cstr(&b);
}

static void add(int64_t tenant, struct shipping_rule r)
{
    struct scope sc = {tenant};
    int64_t id;
    CHECK_INT(store_rule_add(S, &sc, &r, NOW, &id), STORE_OK);
}

static struct shipping_rule rule(const char *name, const char *service)
{
    return (struct shipping_rule){.name = name,
                                  .enabled = true,
                                  .min_grams = RULE_NO_BOUND,
                                  .max_grams = RULE_NO_BOUND,
                                  .min_pence = RULE_NO_BOUND,
                                  .max_pence = RULE_NO_BOUND,
                                  .service_code = service,
                                  .package_format = "smallParcel"};
}

static void test_arrival(void)
{
    /* no rules: New, as ever */
    int64_t plain = create(TA, "GB", 500, NULL);
    CHECK_STR(read_order(TA, plain).status, "new");

    /* A: an international service first (no GB order can take it), then
     * the UK up to 2 kg, then Shopify's orders of any weight */
    struct shipping_rule abroad = rule("Abroad", "ITROLP");
    struct shipping_rule uk = rule("UK small", "TOLP48");
    uk.zone = RULE_ZONE_UK;
    uk.max_grams = 2000;
    struct shipping_rule shop = rule("Shopify", "TOLP24");
    shop.channel = "Shopify";
    shop.package_format = "mediumParcel";
    struct shipping_rule off = rule("Off", "OLP1");
    off.enabled = false;
    add(TA, off);
    add(TA, abroad);
    add(TA, uk);
    add(TA, shop);

    int64_t small = create(TA, "GB", 1500, NULL);
    struct order_row o = read_order(TA, small);
    CHECK_STR(o.status, "postageApplied");
    CHECK_STR(o.service_code, "TOLP48");
    CHECK(o.tracking_number && !strncmp(o.tracking_number, "TB", 2));
    CHECK(strstr(o.doc, "\"serviceCode\":\"TOLP48\"") != NULL);
    CHECK(strstr(o.doc, "\"packageFormatIdentifier\":\"smallParcel\"") != NULL);
    CHECK_STR(lines(TA, small), "Postage applied by rule \xE2\x80\x9CUK small\xE2\x80\x9D: "
                                "Royal Mail Tracked 48");

    /* 2.5 kg by the API: the UK rule's band is passed, Shopify's channel
     * is not this order's; nothing applies */
    int64_t heavy = create(TA, "GB", 2500, NULL);
    CHECK_STR(read_order(TA, heavy).status, "new");
    CHECK_STR(lines(TA, heavy), "");
    /* the same from Shopify: its rule, as a medium parcel */
    int64_t shopify = create(TA, "GB", 2500, "Shopify");
    o = read_order(TA, shopify);
    CHECK_STR(o.service_code, "TOLP24");
    CHECK(strstr(o.doc, "\"packageFormatIdentifier\":\"mediumParcel\"") != NULL);
    /* France: the international rule, whose quote needs customs contents
     * the order has none of: it cannot carry it, and none other matches */
    int64_t fr = create(TA, "FR", 500, NULL);
    CHECK_STR(read_order(TA, fr).status, "new");

    /* B has no rules: A's never apply to B's orders */
    int64_t b = create(TB, "GB", 1500, NULL);
    CHECK_STR(read_order(TB, b).status, "new");
}

static void test_bulk(void)
{
    struct audit_actor actor = {.server_id = "test:1",
                                .request_id = "req-1",
                                .principal_tenant = TA,
                                .principal_id = "user:1"};
    int64_t n1 = create_as(TA, "GB", 2500, NULL, "mediumParcel"), n2 = create(TA, "GB", 3000, NULL);
    int64_t done = create(TA, "GB", 500, NULL); /* the UK rule gave it postage */
    /* order numbers are per business: B's is taken past A's, so it names
     * no order of A's */
    int64_t theirs = 0;
    while (theirs <= done + 1)
        theirs = create(TB, "GB", 500, NULL);
    CHECK_STR(read_order(TA, done).status, "postageApplied");

    /* an unknown service: nothing done */
    struct service_ctx c = ctx(TA, &actor);
    struct postage_result *res;
    int64_t ids1[] = {n1};
    CHECK_INT(service_postage_apply(&c, ids1, 1, "NOPE", &res), SERVICE_INVALID);
    CHECK_STR(read_order(TA, n1).status, "new");

    /* by a service: n1 applied once (posted twice), done not New, B's and
     * an unknown id not found; B's order untouched */
    int64_t ids[] = {n1, done, theirs, 999999, n1};
    CHECK_INT(service_postage_apply(&c, ids, 5, "TOLP24", &res), SERVICE_OK);
    CHECK_INT(res[0].outcome, POSTAGE_APPLIED);
    CHECK_STR(res[0].service_code, "TOLP24");
    CHECK(res[0].rule_name == NULL);
    CHECK_INT(res[0].row->tenant_id, TA);
    CHECK_INT(res[1].outcome, POSTAGE_NOT_NEW);
    CHECK_INT(res[2].outcome, POSTAGE_NOT_FOUND);
    CHECK(res[2].row == NULL);
    CHECK_INT(res[3].outcome, POSTAGE_NOT_FOUND);
    CHECK_INT(res[4].outcome, POSTAGE_NOT_NEW);
    struct order_row o = read_order(TA, n1);
    CHECK_STR(o.status, "postageApplied");
    CHECK_STR(o.service_code, "TOLP24");
    CHECK_STR(o.tracking_number, res[0].tracking_number);
    CHECK_STR(lines(TA, n1), "Postage applied: Royal Mail Tracked 24");
    o = read_order(TB, theirs);
    CHECK_STR(o.status, "new");
    CHECK(o.tracking_number == NULL);

    /* a service that cannot carry it: 3 kg as a letter-only service */
    int64_t ids2[] = {n2};
    CHECK_INT(service_postage_apply(&c, ids2, 1, "BPL1", &res), SERVICE_OK);
    CHECK_INT(res[0].outcome, POSTAGE_CANNOT);
    CHECK_STR(read_order(TA, n2).status, "new");
    /* by the rules: none matches 3 kg from the API */
    CHECK_INT(service_postage_apply(&c, ids2, 1, NULL, &res), SERVICE_OK);
    CHECK_INT(res[0].outcome, POSTAGE_NO_RULE);
    /* a rule added later applies to the stored order */
    struct shipping_rule big = rule("Big UK", "TOLP48");
    big.zone = RULE_ZONE_UK;
    big.min_grams = 2001;
    big.package_format = "mediumParcel";
    add(TA, big);
    CHECK_INT(service_postage_apply(&c, ids2, 1, NULL, &res), SERVICE_OK);
    CHECK_INT(res[0].outcome, POSTAGE_APPLIED);
    CHECK_STR(res[0].rule_name, "Big UK");
    CHECK_STR(read_order(TA, n2).service_code, "TOLP48");
    CHECK_STR(lines(TA, n2), "Postage applied by rule \xE2\x80\x9C"
                             "Big UK\xE2\x80\x9D: Royal Mail Tracked 48");
    /* B's scope by the rules: A's rules are not B's, and B's order stays New */
    struct service_ctx cb = ctx(TB, NULL);
    int64_t idsb[] = {theirs, 999999};
    CHECK_INT(service_postage_apply(&cb, idsb, 2, NULL, &res), SERVICE_OK);
    CHECK_INT(res[0].outcome, POSTAGE_NO_RULE);
    CHECK_INT(res[1].outcome, POSTAGE_NOT_FOUND);
    CHECK_STR(read_order(TB, theirs).status, "new");

    /* the audit has A's order.postage records, naming only A's orders */
    struct audit_record *recs;
    size_t nrec;
    CHECK_INT(store_operator_audit_range(S, 1, 1000, &A, &recs, &nrec), STORE_OK);
    int postage = 0;
    for (size_t i = 0; i < nrec; i++) {
        if (strcmp(recs[i].action, "order.postage")) continue;
        postage++;
        CHECK_INT(recs[i].data_tenant, TA);
        CHECK(strstr(recs[i].objects, "order:") == recs[i].objects);
    }
    CHECK_INT(postage, 2);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    arena_init(&A);
    const char *src = getenv("POSTROOM_SOURCE_DIR");
    char tpath[1024], path[] = "/tmp/postroom-test-postage-apply-XXXXXX";
    snprintf(tpath, sizeof tpath, "%s/share/%s", src ? src : ".", TARIFF_FILE);
    struct tariff_error te;
    if (!tariff_load(tpath, &T, &te)) {
        fprintf(stderr, "cannot load %s: %s\n", tpath, te.message);
        return 1;
    }
    int fd = mkstemp(path);
    close(fd);
    CHECK_INT(store_open(path, &S), STORE_OK);
    CHECK_INT(store_migrate(S, NULL), STORE_OK);
    CHECK_INT(store_operator_tenant_create(S, "A", 1, &TA), STORE_OK);
    CHECK_INT(store_operator_tenant_create(S, "B", 1, &TB), STORE_OK);
    test_arrival();
    test_bulk();
    store_close(S);
    tariff_free(T);
    arena_free(&A);
    unlink(path);
    char side[96];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_postage_apply");
}
