/* Unit test of how a just-created order reaches the egress wall: the store
 * reports the tenant id it wrote each order under (read back from the row),
 * order_batch_row carries that id rather than the caller's scope, and so a
 * store that wrote (or says it wrote) an order under another tenant gets
 * the answer of POST /orders and of the import page withheld, as an
 * incident, instead of comparing the principal with itself.
 *
 * The lying store is the real SQLite store with orders_insert (and, for
 * the import page, which shows what its import job made, the job's orders)
 * wrapped to report another tenant, the way fuzz/fuzz_request.c wraps its
 * ops. */
#include "check.h"
#include "api/api.h"
#include "http/egress.h"
#include "http/server.h"
#include "incident/security_event.h"
#include "service/order_batch.h"
#include "store/store.h"
#include "store/store_import.h"
#include "web/web.h"

#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

/* One CreateOrderRequest item; %s is its reference. */
#define ORDER_JSON                                                                                 \
    "{\"orderReference\":\"%s\",\"recipient\":{\"address\":{\"fullName\":\"Zo\xc3\xab "            \
    "Brien\",\"addressLine1\":\"1 High St\",\"city\":\"London\",\"postcode\":\"SW1A 1AA\","        \
    "\"countryCode\":\"GB\"}},\"orderDate\":\"2026-11-29T11:00:00Z\",\"subtotal\":10.5,"           \
    "\"shippingCostCharged\":2.99,\"total\":13.49,"                                                \
    "\"packages\":[{\"weightInGrams\":500,\"packageFormatIdentifier\":\"smallParcel\"}]}"

/* --- the lying store ------------------------------------------------------ */

static const struct store_ops *real_ops;
static struct store_ops lying_ops;
static int64_t reported_tenant; /* the tenant the wrapped insert says it wrote */

static int lying_insert(struct store *s, const struct scope *sc, const struct order_new *o,
                        size_t n, int64_t now, int64_t *ids, int64_t *tenants)
{
    int rc = real_ops->orders_insert(s, sc, o, n, now, ids, tenants);
    for (size_t i = 0; rc == STORE_OK && tenants && i < n; i++)
        tenants[i] = reported_tenant;
    return rc;
}

/* The import page reads back what its job made (store_import_job_orders,
 * issue 13): the same lie there. */
static struct store_import_ops lying_import_ops;

static int lying_job_orders(struct store *s, const struct scope *sc, int64_t job, int64_t after,
                            size_t limit, struct arena *a, struct import_job_order_row **rows,
                            size_t *n)
{
    int rc = real_ops->import->orders(s, sc, job, after, limit, a, rows, n);
    for (size_t i = 0; rc == STORE_OK && i < *n; i++)
        if ((*rows)[i].order.tenant_id) (*rows)[i].order.tenant_id = reported_tenant;
    return rc;
}

static void lie(struct store *s, int64_t tenant)
{
    reported_tenant = tenant;
    s->ops = &lying_ops;
}

static void truth(struct store *s)
{
    s->ops = real_ops;
}

/* --- security events ------------------------------------------------------ */

static int events;
static struct security_event last;

static void hook(const struct security_event *e, void *ctx)
{
    (void)ctx;
    events++;
    last = *e;
}

/* --- requests ------------------------------------------------------------- */

static struct server_config cfg;
static struct http_field content_type;

static void request_for(struct request *r, struct store *s, int64_t tenant, const char *method,
                        const char *ctype, const char *body, size_t len)
{
    memset(r, 0, sizeof *r);
    arena_init(&r->arena);
    buf_init(&r->out, &r->arena);
    buf_init(&r->body, &r->arena);
    buf_add(&r->body, body, len);
    strcpy(r->id, "test-rid");
    r->cfg = &cfg;
    r->store = s;
    r->method = method;
    r->route = -1;
    content_type = (struct http_field){"Content-Type", ctype};
    r->headers = &content_type;
    r->nheaders = 1;
    r->principal = (struct principal){.tenant_id = tenant, .role = ROLE_ADMIN};
    r->authenticated = true;
}

/* POST /orders of one order, as tenant; true when the answer was withheld. */
static bool post_orders(struct store *s, int64_t tenant, const char *ref, struct request *r)
{
    char item[1024], body[1200];
    snprintf(item, sizeof item, ORDER_JSON, ref);
    snprintf(body, sizeof body, "{\"items\":[%s]}", item);
    request_for(r, s, tenant, "POST", "application/json", body, strlen(body));
    api_orders_create(r);
    return egress_enforce(r, "POST /orders");
}

#define BOUNDARY "postroomtestboundary"

/* POST /import of a one-order Click & Drop file, as tenant. */
static bool post_import(struct store *s, int64_t tenant, const char *ref, struct request *r)
{
    char body[1024];
    int len = snprintf(body, sizeof body,
                       "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; "
                       "filename=\"orders.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                       "Order reference,First name,Address line 1,City,Postcode,Weight\n"
                       "%s,Rishi,10 Downing St,London,SW1A 1AA,0.5\n"
                       "\r\n--" BOUNDARY "--\r\n",
                       ref);
    request_for(r, s, tenant, "POST", "multipart/form-data; boundary=" BOUNDARY, body, (size_t)len);
    web_import(r);
    return egress_enforce(r, "POST /import");
}

/* --- the tests ------------------------------------------------------------ */

/* The store says which tenant it wrote each order under. */
static void test_store_reports_tenant(struct store *s, int64_t ta, int64_t tb)
{
    struct scope a = {ta}, b = {tb};
    struct order_new o[] = {{.reference = "T-1", .package_count = 1, .doc = "{}"},
                            {.reference = "T-2", .package_count = 1, .doc = "{}"}};
    int64_t ids[2], tenants[2] = {0, 0};
    CHECK_INT(store_orders_insert(s, &a, o, 2, 10, ids, tenants), STORE_OK);
    CHECK_INT(tenants[0], ta);
    CHECK_INT(tenants[1], ta);
    CHECK_INT(ids[1], ids[0] + 1);
    CHECK_INT(store_orders_insert(s, &b, o, 1, 10, ids, tenants), STORE_OK);
    CHECK_INT(tenants[0], tb);
}

/* order_batch_row's tenant is the store's, not the caller's scope. */
static void test_batch_row(struct store *s, int64_t ta, int64_t tb)
{
    struct arena ar;
    arena_init(&ar);
    char text[1024];
    snprintf(text, sizeof text, ORDER_JSON, "BATCH-1");
    json_t *item = json_loads(text, 0, NULL);
    const json_t *items[] = {item};
    struct service_ctx c = {s, {ta}, &ar, NULL, 1000, NULL};
    struct order_batch b;

    order_batch_check(&c, items, 1, &b);
    CHECK_INT(b.nvalid, 1);
    CHECK_INT(order_batch_insert(&c, &b), STORE_OK);
    struct order_row row = order_batch_row(&c, &b, 0);
    CHECK_INT(row.tenant_id, ta);
    CHECK_STR(row.reference, "BATCH-1");

    lie(s, tb);
    order_batch_check(&c, items, 1, &b);
    CHECK_INT(order_batch_insert(&c, &b), STORE_OK);
    row = order_batch_row(&c, &b, 0);
    CHECK_INT(row.tenant_id, tb); /* what the store reported, though the scope is A's */
    truth(s);

    json_decref(item);
    arena_free(&ar);
}

/* A claim built from such a row fires the wall: POST /orders. */
static void test_post_orders(struct store *s, int64_t ta, int64_t tb)
{
    struct request r;
    int before = events;
    CHECK(!post_orders(s, ta, "API-OWN", &r));
    CHECK_INT(r.status, 200);
    CHECK(strstr(buf_cstr(&r.out), "API-OWN") != NULL);
    CHECK_INT(events, before);
    arena_free(&r.arena);

    lie(s, tb);
    CHECK(post_orders(s, ta, "API-CANARY", &r));
    truth(s);
    CHECK_INT(r.status, 500);
    CHECK(strstr(buf_cstr(&r.out), "API-CANARY") == NULL);
    CHECK(strstr(buf_cstr(&r.out), "InternalError") != NULL);
    CHECK_INT(events, before + 1);
    CHECK_STR(last.kind, "tenant_mismatch");
    CHECK_INT(last.principal_tenant, ta);
    CHECK_INT(last.exposed_tenant, tb);
    arena_free(&r.arena);
}

/* And the import result page. */
static void test_post_import(struct store *s, int64_t ta, int64_t tb)
{
    struct request r;
    int before = events;
    CHECK(!post_import(s, ta, "IMP-OWN", &r));
    CHECK_INT(r.status, 200);
    CHECK(strstr(buf_cstr(&r.out), "IMP-OWN") != NULL);
    CHECK_INT(events, before);
    arena_free(&r.arena);

    lie(s, tb);
    CHECK(post_import(s, ta, "IMP-CANARY", &r));
    truth(s);
    CHECK_INT(r.status, 500);
    CHECK(strstr(buf_cstr(&r.out), "IMP-CANARY") == NULL);
    CHECK_INT(events, before + 1);
    CHECK_STR(last.kind, "tenant_mismatch");
    CHECK_INT(last.principal_tenant, ta);
    CHECK_INT(last.exposed_tenant, tb);
    arena_free(&r.arena);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    security_event_subscribe(hook, NULL);
    server_config_defaults(&cfg);
    char path[] = "/tmp/postroom-test-order-batch-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    int applied;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, &applied), STORE_OK);
    real_ops = s->ops;
    lying_ops = *real_ops;
    lying_ops.orders_insert = lying_insert;
    lying_import_ops = *real_ops->import;
    lying_import_ops.orders = lying_job_orders;
    lying_ops.import = &lying_import_ops;
    /* the import page keeps its upload beside the database, for its job */
    char spool[] = "/tmp/postroom-test-order-batch-spool-XXXXXX";
    CHECK(mkdtemp(spool) != NULL);
    cfg.spool_dir = spool;
    int64_t ta, tb;
    CHECK_INT(store_operator_tenant_create(s, "A", 1, &ta), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "B", 1, &tb), STORE_OK);

    test_store_reports_tenant(s, ta, tb);
    test_batch_row(s, ta, tb);
    test_post_orders(s, ta, tb);
    test_post_import(s, ta, tb);

    store_close(s);
    rmdir(spool); /* the jobs removed their uploads when they ended */
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_order_batch");
}
