/* Unit tests of the store's senders and order editing (issue 11): a
 * business's first sender is its default, numbers are per business and
 * never reused, another business's sender or order is NOTFOUND for every
 * call, the default cannot go while others remain nor a sender an order
 * still to ship names, and an edit is refused once the order is no longer
 * new or on hold. */
#include "check.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct sender_row sender(const char *name)
{
    struct sender_row r = {
        .trading_name = name, .address_line1 = "1 Road", .city = "Leeds", .country_code = "GB"};
    return r;
}

static void test_senders(struct store *s, int64_t ta, int64_t tb)
{
    struct scope a = {ta}, b = {tb};
    struct arena ar;
    arena_init(&ar);
    int64_t id1, id2, id3;
    struct sender_row in1 = sender("Alpha Main"), in2 = sender("Alpha Outlet");
    CHECK_INT(store_sender_save(s, &a, &in1, 10, &id1), STORE_OK);
    CHECK_INT(store_sender_save(s, &a, &in2, 11, &id2), STORE_OK);
    CHECK_INT(id1, 1);
    CHECK_INT(id2, 2);
    struct sender_row *rows;
    size_t n;
    CHECK_INT(store_senders_list(s, &a, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 2);
    CHECK_STR(rows[0].trading_name, "Alpha Main");
    CHECK(rows[0].is_default); /* the first is the default */
    CHECK(!rows[1].is_default);
    CHECK_INT(rows[0].tenant_id, ta);
    CHECK_INT(rows[1].tenant_id, ta);

    /* B sees none of them, and can change none */
    CHECK_INT(store_senders_list(s, &b, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 0);
    struct sender_row row;
    CHECK_INT(store_sender_get(s, &b, id2, &ar, &row), STORE_NOTFOUND);
    struct sender_row over = sender("Taken over");
    over.sender_id = id2;
    int64_t got;
    CHECK_INT(store_sender_save(s, &b, &over, 12, &got), STORE_NOTFOUND);
    CHECK_INT(store_sender_set_default(s, &b, id2), STORE_NOTFOUND);
    CHECK_INT(store_sender_remove(s, &b, id2, 12), STORE_NOTFOUND);
    CHECK_INT(store_sender_get(s, &a, id2, &ar, &row), STORE_OK);
    CHECK_STR(row.trading_name, "Alpha Outlet");
    /* B's own first sender is number 1 of B, and B's default */
    struct sender_row inb = sender("Beta Co");
    CHECK_INT(store_sender_save(s, &b, &inb, 13, &got), STORE_OK);
    CHECK_INT(got, 1);
    CHECK_INT(store_sender_get(s, &b, 1, &ar, &row), STORE_OK);
    CHECK_STR(row.trading_name, "Beta Co");
    CHECK(row.is_default);
    CHECK_INT(row.tenant_id, tb);
    CHECK_INT(store_sender_get(s, &a, 1, &ar, &row), STORE_OK);
    CHECK_STR(row.trading_name, "Alpha Main");

    /* editing one of A's */
    over.trading_name = "Alpha Outlet Two";
    CHECK_INT(store_sender_save(s, &a, &over, 14, &got), STORE_OK);
    CHECK_INT(store_sender_get(s, &a, id2, &ar, &row), STORE_OK);
    CHECK_STR(row.trading_name, "Alpha Outlet Two");

    /* the default cannot go while another remains */
    CHECK_INT(store_sender_remove(s, &a, id1, 15), STORE_CONFLICT);
    /* nor one an order still to ship names */
    struct order_new o = {
        .reference = "R-S", .order_date = 1, .package_count = 1, .doc = "{\"senderId\":2}"};
    int64_t oid;
    CHECK_INT(store_orders_insert(s, &a, &o, 1, 20, &oid, NULL), STORE_OK);
    CHECK_INT(store_sender_remove(s, &a, id2, 21), STORE_CONFLICT);
    /* B's sender 2 does not exist, whatever A's orders say */
    CHECK_INT(store_sender_remove(s, &b, 2, 21), STORE_NOTFOUND);
    /* making 2 the default, 1 can go; a removed number is never given again */
    CHECK_INT(store_sender_set_default(s, &a, id2), STORE_OK);
    CHECK_INT(store_senders_list(s, &a, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 2);
    CHECK_INT(rows[0].sender_id, id2);
    CHECK(rows[0].is_default && !rows[1].is_default);
    CHECK_INT(store_sender_remove(s, &a, id1, 22), STORE_OK);
    CHECK_INT(store_sender_get(s, &a, id1, &ar, &row), STORE_NOTFOUND);
    struct sender_row in3 = sender("Alpha Third");
    CHECK_INT(store_sender_save(s, &a, &in3, 23, &id3), STORE_OK);
    CHECK_INT(id3, 3);
    /* the only one left can go once no order to ship names it */
    struct order_status_change c = {.from_status = "new", .to_status = "cancelled", .now = 24};
    CHECK_INT(store_order_set_status(s, &a, oid, &c), STORE_OK);
    CHECK_INT(store_sender_remove(s, &a, id3, 25), STORE_OK);
    CHECK_INT(store_sender_remove(s, &a, id2, 25), STORE_OK);
    CHECK_INT(store_senders_list(s, &a, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 0);
    arena_free(&ar);
}

static void test_order_edit(struct store *s, int64_t ta, int64_t tb)
{
    struct scope a = {ta}, b = {tb};
    struct arena ar;
    arena_init(&ar);
    struct order_new two[] = {
        {.reference = "E-1", .order_date = 1, .package_count = 1, .doc = "{\"v\":1}"},
        {.reference = "E-2", .order_date = 1, .package_count = 1, .doc = "{\"v\":1}"}};
    int64_t ids[2];
    CHECK_INT(store_orders_insert(s, &a, two, 2, 30, ids, NULL), STORE_OK);
    struct order_new ed = {
        .reference = "E-1b", .order_date = 5, .package_count = 2, .doc = "{\"v\":2}"};
    CHECK_INT(store_order_edit(s, &a, ids[0], &ed, 40, "Edited"), STORE_OK);
    struct order_key k = {.id = ids[0]};
    struct order_row *rows;
    size_t n;
    CHECK_INT(store_orders_get(s, &a, &k, 1, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 1);
    CHECK_STR(rows[0].reference, "E-1b");
    CHECK_STR(rows[0].doc, "{\"v\":2}");
    CHECK_INT(rows[0].package_count, 2);
    CHECK_INT(rows[0].order_date, 5);
    CHECK_INT(rows[0].updated_on, 40);
    struct order_event *ev;
    CHECK_INT(store_order_history(s, &a, ids[0], &ar, &ev, &n), STORE_OK);
    CHECK_INT(n, 1);
    CHECK_STR(ev[0].kind, "edited");
    CHECK_STR(ev[0].text, "Edited");
    /* B: an order number B does not hold is NOTFOUND, and A's is untouched */
    struct order_key kb = {.id = ids[1]};
    CHECK_INT(store_orders_get(s, &b, &kb, 1, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 0);
    CHECK_INT(store_order_edit(s, &b, ids[1], &ed, 41, "Edited"), STORE_NOTFOUND);
    CHECK_INT(store_orders_get(s, &a, &kb, 1, &ar, &rows, &n), STORE_OK);
    CHECK_STR(rows[0].doc, "{\"v\":1}");
    CHECK_INT(store_order_history(s, &a, ids[1], &ar, &ev, &n), STORE_OK);
    CHECK_INT(n, 0);
    /* on hold may be edited; cancelled may not */
    struct order_status_change hold = {.from_status = "new", .to_status = "onHold", .now = 42};
    CHECK_INT(store_order_set_status(s, &a, ids[1], &hold), STORE_OK);
    CHECK_INT(store_order_edit(s, &a, ids[1], &ed, 43, "Edited"), STORE_OK);
    struct order_status_change cancel = {
        .from_status = "onHold", .to_status = "cancelled", .now = 44};
    CHECK_INT(store_order_set_status(s, &a, ids[1], &cancel), STORE_OK);
    struct order_new late = {
        .reference = "late", .order_date = 1, .package_count = 1, .doc = "{\"v\":3}"};
    CHECK_INT(store_order_edit(s, &a, ids[1], &late, 45, "Edited"), STORE_CONFLICT);
    CHECK_INT(store_orders_get(s, &a, &kb, 1, &ar, &rows, &n), STORE_OK);
    CHECK_STR(rows[0].doc, "{\"v\":2}");
    CHECK_INT(store_order_history(s, &a, ids[1], &ar, &ev, &n), STORE_OK);
    CHECK_INT(n, 1); /* the refused edit wrote no line */
    arena_free(&ar);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char path[] = "/tmp/postroom-test-senders-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    int64_t ta, tb;
    CHECK_INT(store_operator_tenant_create(s, "A", 1, &ta), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "B", 1, &tb), STORE_OK);
    test_senders(s, ta, tb);
    test_order_edit(s, ta, tb);
    store_close(s);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_store_senders");
}
