/* Unit tests of the use cases in service/, run against a real SQLite store
 * as a face would call them (a service_ctx, never a request): labels and
 * paperwork, manifests, status updates, deletion and returns. Each hands
 * back the rows with the tenant ids the store gave them; a document asked
 * to draw a record of another tenant is refused (SERVICE_FOREIGN_RECORD)
 * and changes nothing; another tenant's scope finds nothing. */
#include "check.h"
#include "app/share.h"
#include "documents/document.h"
#include "domain/status.h"
#include "domain/tariff.h"
#include "service/labels.h"
#include "service/manifests.h"
#include "service/order_batch.h"
#include "service/orders_delete.h"
#include "service/orders_status.h"
#include "service/returns.h"
#include "store/store.h"

#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

#define NOW 1764500000000LL

static struct store *S;
static struct tariff *T;
static struct doc_fonts *F;
static struct arena A;
static int64_t TA, TB;

static struct service_ctx ctx(int64_t tenant)
{
    return (struct service_ctx){S, {tenant}, &A, T, NOW, NULL};
}

/* Creates one order for tenant (with postage when service is given);
 * returns its identifier. */
static int64_t create(int64_t tenant, const char *ref, const char *service)
{
    char text[1024], postage[96] = "";
    if (service)
        snprintf(postage, sizeof postage, ",\"postageDetails\":{\"serviceCode\":\"%s\"}", service);
    snprintf(text, sizeof text,
             "{\"orderReference\":\"%s\",\"recipient\":{\"address\":{\"fullName\":\"Zo\xc3\xab "
             "Brien\",\"addressLine1\":\"1 High St\",\"city\":\"London\",\"postcode\":\"SW1A "
             "1AA\",\"countryCode\":\"GB\"}},\"orderDate\":\"2026-11-29T11:00:00Z\","
             "\"subtotal\":10.5,\"shippingCostCharged\":2.99,\"total\":13.49,"
             "\"packages\":[{\"weightInGrams\":500,\"packageFormatIdentifier\":\"smallParcel\"}]"
             "%s}",
             ref, postage);
    json_t *item = json_loads(text, 0, NULL);
    const json_t *items[] = {item};
    struct service_ctx c = ctx(tenant);
    struct order_batch b;
    order_batch_check(&c, items, 1, &b);
    CHECK_INT(b.nvalid, 1);
    CHECK_INT(order_batch_insert(&c, &b), STORE_OK);
    int64_t id = b.nvalid ? b.ids[0] : 0;
    json_decref(item);
    return id;
}

static struct order_row read_order(int64_t tenant, int64_t id)
{
    struct scope sc = {tenant};
    struct order_key k = {.id = id};
    struct order_row *rows, none = {0};
    size_t n = 0;
    CHECK_INT(store_orders_get(S, &sc, &k, 1, &A, &rows, &n), STORE_OK);
    CHECK_INT(n, 1);
    return n == 1 ? rows[0] : none;
}

static bool is_pdf(const struct buf *b)
{
    return b->len > 1000 && !memcmp(b->data, "%PDF-", 5);
}

static void test_labels(int64_t printed, int64_t other)
{
    struct service_ctx c = ctx(TA);
    struct order_row row = read_order(TA, printed);
    struct buf out;
    buf_init(&out, &A);
    CHECK_INT(service_render_labels(&c, F, &row, 1, true, false, &out), SERVICE_OK);
    CHECK(is_pdf(&out));
    row = read_order(TA, printed);
    CHECK_STR(row.status, STATUS_LABEL_GENERATED);
    CHECK_INT(row.printed_on, NOW); /* the context's clock */

    /* a row of another tenant: refused, nothing drawn, nothing marked */
    row = read_order(TA, other);
    row.tenant_id = TB;
    buf_init(&out, &A);
    CHECK_INT(service_render_labels(&c, F, &row, 1, false, false, &out), SERVICE_FOREIGN_RECORD);
    CHECK_INT(out.len, 0);
    CHECK_STR(read_order(TA, other).status, STATUS_POSTAGE_APPLIED);

    row = read_order(TA, other);
    buf_init(&out, &A);
    CHECK_INT(service_render_paperwork(&c, F, SERVICE_DESPATCH_NOTE, &row, 1, &out), SERVICE_OK);
    CHECK(is_pdf(&out));
    CHECK_STR(read_order(TA, other).status, STATUS_POSTAGE_APPLIED); /* a note marks nothing */
    row.tenant_id = TB;
    buf_init(&out, &A);
    CHECK_INT(service_render_paperwork(&c, F, SERVICE_DESPATCH_NOTE, &row, 1, &out),
              SERVICE_FOREIGN_RECORD);
}

static void test_manifests(int64_t printed)
{
    struct service_ctx a = ctx(TA), b = ctx(TB);
    struct service_manifest m;
    CHECK_INT(service_manifest_create(&b, F, &m), SERVICE_NOTFOUND); /* B has no labelled order */
    CHECK_INT(m.n, 0);
    CHECK_INT(service_manifest_create(&a, F, &m), SERVICE_OK);
    CHECK_INT(m.n, 1);
    if (m.n == 1) {
        CHECK_INT(m.rows[0].order_id, printed);
        CHECK_INT(m.rows[0].tenant_id, TA);
    }
    CHECK_INT(m.created, NOW);
    CHECK(is_pdf(&m.pdf));
    int64_t number = m.number;
    CHECK_INT(service_manifest_create(&a, F, &m), SERVICE_NOTFOUND); /* nothing left */

    CHECK_INT(service_manifest_redraw(&a, F, number, &m), SERVICE_OK);
    CHECK_INT(m.number, number);
    CHECK_INT(m.n, 1);
    CHECK(is_pdf(&m.pdf));
    CHECK_INT(service_manifest_redraw(&b, F, number, &m), SERVICE_NOTFOUND);
    CHECK_INT(m.n, 0);
}

static void test_status(int64_t id)
{
    struct service_ctx a = ctx(TA), b = ctx(TB);
    struct order_key k = {.id = id};
    struct status_request sr = {.status = STATUS_DESPATCHED};
    struct status_result *res;
    size_t n;
    CHECK_INT(service_order_status(&b, &k, &sr, &res, &n), SERVICE_OK);
    CHECK_INT(n, 0); /* B's scope does not find A's order */
    CHECK_INT(service_order_status(&a, &k, &sr, &res, &n), SERVICE_OK);
    CHECK_INT(n, 1);
    if (n == 1) {
        CHECK_INT(res[0].outcome, STATUS_UPDATED);
        CHECK_INT(res[0].row->tenant_id, TA);
        CHECK_STR(res[0].row->status, STATUS_POSTAGE_APPLIED); /* as it was read */
    }
    struct order_row row = read_order(TA, id);
    CHECK_STR(row.status, STATUS_DESPATCHED);
    CHECK_INT(row.shipped_on, NOW);

    sr = (struct status_request){.status = STATUS_OTHER_COURIER};
    CHECK_INT(service_order_status(&a, &k, &sr, &res, &n), SERVICE_OK);
    CHECK_INT(n, 1);
    if (n == 1) {
        CHECK_INT(res[0].outcome, STATUS_REFUSED);
        CHECK_STR(res[0].code, "InvalidStatusTransition");
        CHECK(res[0].message != NULL);
    }
    CHECK_STR(read_order(TA, id).status, STATUS_DESPATCHED);
}

static void test_delete(int64_t manifested, int64_t id)
{
    struct service_ctx a = ctx(TA), b = ctx(TB);
    struct delete_result *res;
    size_t n;
    struct order_key k = {.id = id}, km = {.id = manifested};
    CHECK_INT(service_orders_delete(&b, &k, &res, &n), SERVICE_OK);
    CHECK_INT(n, 0);
    CHECK_INT(service_orders_delete(&a, &km, &res, &n), SERVICE_OK);
    CHECK_INT(n, 1);
    if (n == 1) CHECK_INT(res[0].outcome, DELETE_REFUSED);
    read_order(TA, manifested); /* still there */
    CHECK_INT(service_orders_delete(&a, &k, &res, &n), SERVICE_OK);
    CHECK_INT(n, 1);
    if (n == 1) {
        CHECK_INT(res[0].outcome, DELETE_DONE);
        CHECK_INT(res[0].row->tenant_id, TA);
    }
    CHECK_INT(service_orders_delete(&a, &k, &res, &n), SERVICE_OK);
    CHECK_INT(n, 0);
}

static json_t *return_json(const char *reference)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"service\":{\"serviceCode\":\"TSS\"},\"shipment\":{\"shippingAddress\":"
             "{\"firstName\":\"Ada\",\"lastName\":\"L\",\"addressLine1\":\"1 Road\",\"city\":"
             "\"Leeds\",\"postcode\":\"LS1 1AA\",\"country\":\"UK\",\"countryIsoCode\":\"GBR\"},"
             "\"returnAddress\":{\"firstName\":\"R\",\"lastName\":\"D\","
             "\"addressLine1\":\"2 Road\",\"city\":\"York\",\"postcode\":\"YO1 1AA\","
             "\"country\":\"UK\",\"countryIsoCode\":\"GBR\"},\"customerReference\":"
             "{\"reference\":\"%s\"}}}",
             reference);
    return json_loads(text, 0, NULL);
}

static void test_returns(void)
{
    struct service_ctx a = ctx(TA), b = ctx(TB);
    struct service_return out;
    json_t *j = return_json("RET-1");
    CHECK_INT(service_return_create(&a, F, j, &out), SERVICE_OK);
    CHECK(out.order != NULL);
    if (out.order) CHECK_INT(out.order->tenant_id, TA);
    CHECK_INT(out.ret.tenant_id, TA);
    CHECK(out.ret.order_id == (out.order ? out.order->order_id : -1));
    CHECK(is_pdf(&out.pdf));
    CHECK(out.png.len > 100 && !memcmp(out.png.data, "\x89PNG", 4));
    /* B's return naming A's reference links none of A's orders */
    CHECK_INT(service_return_create(&b, F, j, &out), SERVICE_OK);
    CHECK(out.order == NULL);
    CHECK_INT(out.ret.tenant_id, TB);
    CHECK_INT(out.ret.order_id, 0);
    json_decref(j);

    j = json_loads("{\"service\":{\"serviceCode\":\"NOPE\"}}", 0, NULL);
    CHECK_INT(service_return_create(&a, F, j, &out), SERVICE_INVALID);
    CHECK(out.err.code != NULL && out.err.field != NULL);
    json_decref(j);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    arena_init(&A);
    const char *src = getenv("POSTROOM_SOURCE_DIR");
    char tpath[1024], err[256], path[] = "/tmp/postroom-test-service-XXXXXX";
    snprintf(tpath, sizeof tpath, "%s/share/%s", src ? src : ".", TARIFF_FILE);
    struct tariff_error te;
    if (!tariff_load(tpath, &T, &te)) {
        fprintf(stderr, "cannot load %s: %s\n", tpath, te.message);
        return 1;
    }
    if (!(F = doc_fonts_load(NULL, NULL, err, sizeof err))) {
        fprintf(stderr, "fonts: %s\n", err);
        return 1;
    }
    int fd = mkstemp(path), applied;
    close(fd);
    CHECK_INT(store_open(path, &S), STORE_OK);
    CHECK_INT(store_migrate(S, &applied), STORE_OK);
    CHECK_INT(store_operator_tenant_create(S, "A", 1, &TA), STORE_OK);
    CHECK_INT(store_operator_tenant_create(S, "B", 1, &TB), STORE_OK);

    int64_t printed = create(TA, "LBL-1", "OLP2"), other = create(TA, "LBL-2", "OLP2");
    create(TA, "RET-1", NULL); /* A's only: B's return of RET-1 links nothing */
    create(TB, "B-1", NULL);
    test_labels(printed, other);
    test_manifests(printed);
    test_status(other);
    test_delete(printed, other);
    test_returns();

    store_close(S);
    doc_fonts_free(F);
    tariff_free(T);
    arena_free(&A);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_service");
}
