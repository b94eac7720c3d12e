/* Unit tests of the store's returns side: a return linked to the scope's
 * own order writes that order's history in the same transaction; a scope
 * never links, reads or lists another tenant's rows (returns, history, the
 * carriers of its despatched orders). */
#include "check.h"
#include "store/store.h"

#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

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
    CHECK_INT(store_operator_tenant_create(s, "A", 1, &ta), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "B", 1, &tb), STORE_OK);
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
    CHECK_INT(store_order_delete(s, &a, 1002, 10), STORE_OK);
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
    CHECK_INT(store_operator_tenant_create(s, "CA", 1, &ta), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "CB", 1, &tb), STORE_OK);
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

int main(void)
{
    if (sodium_init() < 0) return 1;
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
    return check_report("test_store_returns");
}
