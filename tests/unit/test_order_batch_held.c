/* Unit test of order_batch's skip_existing: the orders whose reference the
 * business holds when the insert takes the write lock are left out (slot
 * ORDER_BATCH_HELD, held naming the order), the others created in item
 * order; another business's references never count; an order created
 * between the batch's check and its insert (a racing upload of the same
 * file) is seen; and without skip_existing (the API) a reference repeats. */
#include "check.h"
#include "service/order_batch.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* One CreateOrderRequest item; %s is its reference. */
#define ORDER_JSON                                                                                 \
    "{\"orderReference\":\"%s\",\"recipient\":{\"address\":{\"fullName\":\"Ann "                   \
    "Held\",\"addressLine1\":\"1 High St\",\"city\":\"London\",\"postcode\":\"SW1A 1AA\","         \
    "\"countryCode\":\"GB\"}},\"orderDate\":\"2026-11-29T11:00:00Z\",\"subtotal\":10.5,"           \
    "\"shippingCostCharged\":2.99,\"total\":13.49,"                                                \
    "\"packages\":[{\"weightInGrams\":500,\"packageFormatIdentifier\":\"smallParcel\"}]}"
/* Not an order: no recipient. */
#define BAD_JSON "{\"orderReference\":\"HELD-BAD\"}"

struct items {
    json_t *v[8];
    size_t n;
};

static void add(struct items *it, const char *ref)
{
    char text[1024];
    snprintf(text, sizeof text, ORDER_JSON, ref);
    it->v[it->n++] = json_loads(ref ? text : BAD_JSON, 0, NULL);
}

static void items_free(struct items *it)
{
    for (size_t i = 0; i < it->n; i++)
        json_decref(it->v[i]);
    it->n = 0;
}

/* Inserts the items as the API would (no skipping); the first order's id. */
static int64_t create(struct store *s, int64_t tenant, struct arena *ar, const char *ref)
{
    struct items it = {0};
    add(&it, ref);
    struct service_ctx c = {s, {tenant}, ar, NULL, 1000, NULL};
    struct order_batch b;
    order_batch_check(&c, (const json_t *const *)it.v, it.n, &b);
    CHECK_INT(order_batch_insert(&c, &b), STORE_OK);
    int64_t id = b.ids[0];
    items_free(&it);
    return id;
}

static size_t count_ref(struct store *s, int64_t tenant, struct arena *ar, const char *ref)
{
    struct scope sc = {tenant};
    struct order_key key = {.reference = ref};
    struct order_row *rows;
    size_t n = 0;
    CHECK_INT(store_orders_get(s, &sc, &key, 1, ar, &rows, &n), STORE_OK);
    return n;
}

static void test_held_left_out(struct store *s, int64_t ta, int64_t tb)
{
    struct arena ar;
    arena_init(&ar);
    int64_t held = create(s, ta, &ar, "HELD-1");
    create(s, tb, &ar, "HELD-ONLY-B");
    struct items it = {0};
    add(&it, "HELD-1");
    add(&it, "HELD-NEW-1");
    add(&it, "HELD-ONLY-B");
    add(&it, NULL);
    add(&it, "HELD-1");
    add(&it, "HELD-NEW-2");
    struct service_ctx c = {s, {ta}, &ar, NULL, 2000, NULL};
    struct order_batch b;
    order_batch_check(&c, (const json_t *const *)it.v, it.n, &b);
    CHECK_INT(b.nvalid, 5);
    b.skip_existing = true;
    CHECK_INT(order_batch_insert(&c, &b), STORE_OK);
    CHECK_INT(b.nvalid, 3);
    CHECK_INT(b.nheld, 2);
    CHECK(b.slot[0] == ORDER_BATCH_HELD);
    CHECK_INT(b.held[0].order_id, held);
    CHECK_INT(b.held[0].tenant_id, ta);
    CHECK(b.slot[3] == ORDER_BATCH_FAILED);
    CHECK(b.slot[4] == ORDER_BATCH_HELD);
    CHECK_INT(b.held[4].order_id, held);
    const char *made[] = {"HELD-NEW-1", "HELD-ONLY-B", "HELD-NEW-2"};
    size_t items_made[] = {1, 2, 5};
    for (size_t k = 0; k < 3; k++) {
        CHECK(b.slot[items_made[k]] == k);
        CHECK_INT(b.held[items_made[k]].order_id, 0);
        struct order_row row = order_batch_row(&c, &b, items_made[k]);
        CHECK_STR(row.reference, made[k]);
        CHECK_INT(row.tenant_id, ta);
        CHECK(row.order_id > held);
    }
    CHECK_INT(count_ref(s, ta, &ar, "HELD-1"), 1);
    CHECK_INT(count_ref(s, ta, &ar, "HELD-ONLY-B"), 1);
    CHECK_INT(count_ref(s, tb, &ar, "HELD-ONLY-B"), 1);

    /* everything held: nothing created, nothing fails */
    order_batch_check(&c, (const json_t *const *)it.v, 3, &b);
    b.skip_existing = true;
    CHECK_INT(order_batch_insert(&c, &b), STORE_OK);
    CHECK_INT(b.nvalid, 0);
    CHECK_INT(b.nheld, 3);
    CHECK_INT(count_ref(s, ta, &ar, "HELD-NEW-1"), 1);

    /* the API's way: the reference repeats, as Click & Drop allows */
    order_batch_check(&c, (const json_t *const *)it.v, 1, &b);
    CHECK_INT(order_batch_insert(&c, &b), STORE_OK);
    CHECK_INT(b.nvalid, 1);
    CHECK_INT(b.nheld, 0);
    CHECK_INT(count_ref(s, ta, &ar, "HELD-1"), 2);

    /* of two orders holding a reference, the oldest is named */
    order_batch_check(&c, (const json_t *const *)it.v, 1, &b);
    b.skip_existing = true;
    CHECK_INT(order_batch_insert(&c, &b), STORE_OK);
    CHECK(b.slot[0] == ORDER_BATCH_HELD);
    CHECK_INT(b.held[0].order_id, held);
    items_free(&it);
    arena_free(&ar);
}

/* The gap a racing upload falls into: the batch is checked (its plan made,
 * the reference not there yet), another upload creates the order, then the
 * batch inserts. The insert's own look, inside its transaction, sees it. */
static void test_created_after_check(struct store *s, int64_t ta)
{
    struct arena ar;
    arena_init(&ar);
    struct items it = {0};
    add(&it, "HELD-RACE-1");
    add(&it, "HELD-RACE-2");
    struct service_ctx c = {s, {ta}, &ar, NULL, 3000, NULL};
    struct order_batch b;
    order_batch_check(&c, (const json_t *const *)it.v, it.n, &b);
    CHECK_INT(count_ref(s, ta, &ar, "HELD-RACE-2"), 0);
    int64_t first = create(s, ta, &ar, "HELD-RACE-2");
    b.skip_existing = true;
    CHECK_INT(order_batch_insert(&c, &b), STORE_OK);
    CHECK_INT(b.nvalid, 1);
    CHECK(b.slot[0] == 0);
    CHECK(b.slot[1] == ORDER_BATCH_HELD);
    CHECK_INT(b.held[1].order_id, first);
    CHECK_INT(count_ref(s, ta, &ar, "HELD-RACE-1"), 1);
    CHECK_INT(count_ref(s, ta, &ar, "HELD-RACE-2"), 1);
    items_free(&it);
    arena_free(&ar);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char path[] = "/tmp/postroom-test-order-batch-held-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    int applied;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, &applied), STORE_OK);
    int64_t ta, tb;
    CHECK_INT(store_operator_tenant_create(s, "A", 1, &ta), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "B", 1, &tb), STORE_OK);

    test_held_left_out(s, ta, tb);
    test_created_after_check(s, ta);

    store_close(s);
    unlink(path);
    char side[80];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_order_batch_held");
}
