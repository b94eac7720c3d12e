/* Unit tests of the store's postage side: S10 serials never handed out twice
 * (also from concurrent connections), postage applied with its ledger charge,
 * labels voided and refunded on reset and delete, manifests atomic and per
 * tenant, and none of it reachable through another tenant's scope. */
#include "check.h"
#include "store/store.h"

#include <pthread.h>
#include <sodium.h>
#include <unistd.h>

static char path[] = "/tmp/postroom-test-postage-XXXXXX";

static struct order_new mk(const char *ref)
{
    struct order_new o = {.reference = ref, .order_date = 1, .package_count = 1, .doc = "{}"};
    return o;
}

#define RESERVE_THREADS 4
#define RESERVE_ROUNDS 200
static int64_t reserved[RESERVE_THREADS][RESERVE_ROUNDS];

static void *reserve_many(void *arg)
{
    int t = (int)(intptr_t)arg;
    struct store *s;
    if (store_open(path, &s) != STORE_OK) return NULL;
    for (int i = 0; i < RESERVE_ROUNDS; i++)
        if (store_s10_reserve(s, "TT", 1, &reserved[t][i]) != STORE_OK) reserved[t][i] = -1;
    store_close(s);
    return NULL;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void test_s10_serials(struct store *s)
{
    int64_t first, second;
    CHECK_INT(store_s10_reserve(s, "RA", 10, &first), STORE_OK);
    CHECK_INT(store_s10_reserve(s, "RA", 1, &second), STORE_OK);
    CHECK_INT(second, first + 10);
    CHECK_INT(store_s10_reserve(s, "RB", 1, &second), STORE_OK);
    CHECK_INT(second, 1); /* each prefix counts on its own */
    pthread_t th[RESERVE_THREADS];
    for (int t = 0; t < RESERVE_THREADS; t++)
        pthread_create(&th[t], NULL, reserve_many, (void *)(intptr_t)t);
    for (int t = 0; t < RESERVE_THREADS; t++)
        pthread_join(th[t], NULL);
    int64_t *all = &reserved[0][0];
    qsort(all, RESERVE_THREADS * RESERVE_ROUNDS, sizeof *all, cmp64);
    int dup = 0, failed = 0;
    for (int i = 0; i < RESERVE_THREADS * RESERVE_ROUNDS; i++) {
        if (all[i] < 1) failed++;
        if (i && all[i] == all[i - 1]) dup++;
    }
    CHECK_INT(failed, 0);
    CHECK_INT(dup, 0);
    CHECK_INT(all[RESERVE_THREADS * RESERVE_ROUNDS - 1], RESERVE_THREADS * RESERVE_ROUNDS);
}

static const struct order_row *find(const struct order_row *rows, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].order_id == id) return &rows[i];
    return NULL;
}

static void test_postage_and_manifests(struct store *s)
{
    int64_t ta, tb, ids[4];
    store_operator_tenant_create(s, "A", 1, &ta);
    store_operator_tenant_create(s, "B", 1, &tb);
    struct scope a = {ta}, b = {tb};
    struct order_new oa[] = {mk("A1"), mk("A2"), mk("A3")}, ob[] = {mk("B1")};
    struct postage created = {"TOLP24", 350, "RA000000011GB"};
    oa[2].postage = &created; /* created with postage, as POST /orders with a service does */
    CHECK_INT(store_orders_insert(s, &a, oa, 3, 100, ids, NULL), STORE_OK);
    CHECK_INT(store_orders_insert(s, &b, ob, 1, 100, ids + 3, NULL), STORE_OK);
    struct arena ar;
    arena_init(&ar);
    struct order_row *rows;
    size_t n;
    struct order_key k1003 = {.id = 1003};
    CHECK_INT(store_orders_get(s, &a, &k1003, 1, &ar, &rows, &n), STORE_OK);
    CHECK_STR(rows[0].status, "postageApplied");
    CHECK_STR(rows[0].tracking_number, "RA000000011GB");
    CHECK_INT(rows[0].postage_pence, 350);

    struct postage p = {"OLP1", 125, "RA000000025GB"};
    /* B cannot apply postage to A's 1001 (B's own 1001 is a different order) */
    CHECK_INT(store_order_apply_postage(s, &b, 1002, "new", &p, 200), STORE_CONFLICT);
    CHECK_INT(store_order_apply_postage(s, &a, 1001, "new", &p, 200), STORE_OK);
    CHECK_INT(store_order_apply_postage(s, &a, 1001, "new", &p, 200), STORE_CONFLICT);
    struct postage reuse = {"OLP1", 125, "RA000000025GB"};
    CHECK_INT(store_order_apply_postage(s, &a, 1002, "new", &reuse, 200), STORE_ERROR);
    CHECK_INT(store_orders_get(s, &a, &(struct order_key){.id = 1002}, 1, &ar, &rows, &n),
              STORE_OK);
    CHECK_STR(rows[0].status, "new"); /* the failed reuse changed nothing */

    /* printing: only postage-applied orders move; B's marks change nothing of A's */
    int64_t print[] = {1001, 1002, 1003};
    CHECK_INT(store_orders_mark_printed(s, &b, print, 3, 300), STORE_OK);
    CHECK_INT(store_orders_get(s, &a, &(struct order_key){.id = 1001}, 1, &ar, &rows, &n),
              STORE_OK);
    CHECK_STR(rows[0].status, "postageApplied");
    CHECK_INT(store_orders_mark_printed(s, &a, print, 3, 300), STORE_OK);
    struct order_page_query q = {.limit = 10};
    CHECK_INT(store_orders_page(s, &a, &q, &ar, &rows, &n), STORE_OK);
    CHECK_STR(find(rows, n, 1001)->status, "labelGenerated");
    CHECK_STR(find(rows, n, 1002)->status, "new");
    CHECK_STR(find(rows, n, 1003)->status, "labelGenerated");
    CHECK_INT(find(rows, n, 1001)->printed_on, 300);

    /* back to new voids 1003's label and refunds it */
    struct order_status_change reset = {
        .from_status = "labelGenerated", .to_status = "new", .now = 400, .clear_label = true};
    CHECK_INT(store_order_set_status(s, &a, 1003, &reset), STORE_OK);
    CHECK_INT(store_orders_get(s, &a, &k1003, 1, &ar, &rows, &n), STORE_OK);
    CHECK(rows[0].tracking_number == NULL && rows[0].service_code == NULL);
    /* its number is never issued again, even to the same order */
    struct postage again = {"TOLP24", 350, "RA000000011GB"};
    CHECK_INT(store_order_apply_postage(s, &a, 1003, "new", &again, 500), STORE_ERROR);

    /* manifests: B has nothing eligible; A's printed order goes in, once */
    int64_t no;
    CHECK_INT(store_manifest_create(s, &b, 600, &ar, &no, &rows, &n), STORE_NOTFOUND);
    CHECK_INT(store_manifest_create(s, &a, 600, &ar, &no, &rows, &n), STORE_OK);
    CHECK_INT(no, 1001);
    CHECK_INT(n, 1);
    CHECK_INT(rows[0].order_id, 1001);
    CHECK_STR(rows[0].status, "manifested");
    CHECK_INT(rows[0].manifest_no, 1001);
    CHECK_INT(rows[0].tenant_id, ta);
    CHECK_INT(store_manifest_create(s, &a, 650, &ar, &no, &rows, &n), STORE_NOTFOUND);
    /* a despatched order is eligible too, in the next number */
    struct order_status_change desp = {
        .from_status = "new", .to_status = "despatched", .now = 650, .shipped_on = 650};
    CHECK_INT(store_order_set_status(s, &a, 1002, &desp), STORE_OK);
    CHECK_INT(store_manifest_create(s, &a, 700, &ar, &no, &rows, &n), STORE_OK);
    CHECK_INT(no, 1002);
    CHECK_INT(n, 1);
    CHECK_INT(rows[0].order_id, 1002);
    int64_t created_at;
    CHECK_INT(store_manifest_get(s, &a, 1001, &ar, &created_at, &rows, &n), STORE_OK);
    CHECK_INT(created_at, 600);
    CHECK_INT(n, 1);
    CHECK_INT(store_manifest_get(s, &b, 1001, &ar, &created_at, &rows, &n), STORE_NOTFOUND);
    CHECK_INT(store_manifest_get(s, &a, 1003, &ar, &created_at, &rows, &n), STORE_NOTFOUND);

    /* deleting a labelled order voids it too */
    struct order_new od[] = {mk("A4")};
    struct postage pd = {"OLP2", 95, "RA000000039GB"};
    od[0].postage = &pd;
    CHECK_INT(store_orders_insert(s, &a, od, 1, 900, ids, NULL), STORE_OK);
    CHECK_INT(store_order_delete(s, &b, ids[0], 950), STORE_NOTFOUND);
    CHECK_INT(store_order_delete(s, &a, ids[0], 950), STORE_OK);

    /* settings default, then per tenant */
    struct tenant_settings ts;
    CHECK_INT(store_tenant_settings(s, &a, &ar, &ts), STORE_OK);
    CHECK_STR(ts.label_layout, "6x4");
    struct tenant_settings set = {.label_layout = "A4", .trading_name = "A Trading"};
    CHECK_INT(store_operator_tenant_settings_set(s, ta, &set), STORE_OK);
    CHECK_INT(store_tenant_settings(s, &a, &ar, &ts), STORE_OK);
    CHECK_STR(ts.label_layout, "A4");
    CHECK_STR(ts.trading_name, "A Trading");
    CHECK_INT(store_tenant_settings(s, &b, &ar, &ts), STORE_OK);
    CHECK_STR(ts.label_layout, "6x4");
    CHECK(ts.trading_name == NULL);
    arena_free(&ar);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    test_s10_serials(s);
    test_postage_and_manifests(s);
    /* the ledger, read back directly: 3 charges and 2 refunds leave 1001's 1.25 */
    store_close(s);
    char cmd[200];
    snprintf(cmd, sizeof cmd,
             "test \"$(sqlite3 %s \"SELECT count(*), sum(amount_pence) FROM postage_ledger\")\" = "
             "'5|125'",
             path);
    CHECK_INT(system(cmd), 0);
    unlink(path);
    return check_report("test_store_postage");
}
