/* Unit tests of the store's scoped transactions and of its memory of
 * failure: calls inside one transaction commit or roll back together, each
 * stays all or nothing within it, a call for another tenant inside it is
 * refused and breaks the connection, and a connection remembers any call
 * that failed (store_is_broken). */
#include "check.h"
#include "store/store.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <unistd.h>

static char path[] = "/tmp/postroom-test-store-tx-XXXXXX";

static struct order_new mk(const char *ref)
{
    struct order_new o = {.reference = ref, .order_date = 1, .package_count = 1, .doc = "{}"};
    return o;
}

static struct store *open_store(void)
{
    struct store *s = NULL;
    CHECK_INT(store_open(path, &s), STORE_OK);
    return s;
}

/* One number from the database, read through a connection of its own. */
static long long count_of(const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return v;
}

static size_t orders_of(struct store *s, const struct scope *sc)
{
    struct arena ar;
    arena_init(&ar);
    struct order_page_query q = {.limit = 100};
    struct order_row *rows;
    size_t n = 0;
    if (store_orders_page(s, sc, &q, &ar, &rows, &n) != STORE_OK) n = (size_t)-1;
    arena_free(&ar);
    return n;
}

static const char *status_of(struct store *s, const struct scope *sc, int64_t id, struct arena *ar)
{
    struct order_key k = {.id = id};
    struct order_row *rows;
    size_t n = 0;
    if (store_orders_get(s, sc, &k, 1, ar, &rows, &n) != STORE_OK || n != 1) return NULL;
    return rows[0].status;
}

/* Two calls in one transaction: nobody sees either before the commit, and
 * both after it. */
static void test_commit_together(struct store *s, struct scope a)
{
    struct store *other = open_store();
    struct arena ar;
    arena_init(&ar);
    size_t before = orders_of(other, &a);
    int64_t id;
    struct order_new o = mk("TX-1");
    CHECK_INT(store_tx_begin(s, &a, STORE_TX_WRITE), STORE_OK);
    CHECK_INT(store_orders_insert(s, &a, &o, 1, 100, &id, NULL), STORE_OK);
    struct order_status_change c = {
        .from_status = "new", .to_status = "despatched", .now = 110, .shipped_on = 110};
    CHECK_INT(store_order_set_status(s, &a, id, &c), STORE_OK);
    CHECK_STR(status_of(s, &a, id, &ar), "despatched"); /* the transaction sees its own */
    CHECK_INT(orders_of(other, &a), before);            /* nobody else does yet */
    CHECK_INT(store_tx_commit(s), STORE_OK);
    CHECK_INT(orders_of(other, &a), before + 1);
    CHECK_STR(status_of(other, &a, id, &ar), "despatched");
    CHECK(!store_is_broken(s));
    arena_free(&ar);
    store_close(other);
}

/* A rollback undoes both calls, down to the identifiers they took. */
static void test_rollback_undoes_both(struct store *s, struct scope a)
{
    size_t before = orders_of(s, &a);
    int64_t id, again;
    struct order_new o = mk("TX-2");
    struct postage p = {"OLP1", 125, "RA000000105GB"};
    CHECK_INT(store_tx_begin(s, &a, STORE_TX_WRITE), STORE_OK);
    CHECK_INT(store_orders_insert(s, &a, &o, 1, 200, &id, NULL), STORE_OK);
    CHECK_INT(store_order_apply_postage(s, &a, id, "new", &p, 210), STORE_OK);
    CHECK_INT(store_tx_rollback(s), STORE_OK);
    CHECK_INT(orders_of(s, &a), before);
    CHECK_INT(count_of("SELECT COUNT(*) FROM tracking_numbers WHERE tracking_number = "
                       "'RA000000105GB'"),
              0);
    CHECK_INT(store_orders_insert(s, &a, &o, 1, 220, &again, NULL), STORE_OK);
    CHECK_INT(again, id); /* the identifier was never used */
    CHECK(!store_is_broken(s));
}

/* A call that fails inside the transaction undoes only its own writes: a
 * reset to new that loses its compare-and-set leaves the label live, even
 * when the transaction around it commits. */
static void test_failed_call_inside(struct store *s, struct scope a)
{
    int64_t id;
    struct order_new o = mk("TX-3");
    struct postage p = {"OLP1", 125, "RA000000119GB"};
    CHECK_INT(store_orders_insert(s, &a, &o, 1, 300, &id, NULL), STORE_OK);
    CHECK_INT(store_order_apply_postage(s, &a, id, "new", &p, 310), STORE_OK);
    CHECK_INT(store_tx_begin(s, &a, STORE_TX_WRITE), STORE_OK);
    struct order_status_change reset = {
        .from_status = "labelGenerated", .to_status = "new", .now = 320, .clear_label = true};
    CHECK_INT(store_order_set_status(s, &a, id, &reset), STORE_CONFLICT); /* it is postageApplied */
    CHECK(!store_is_broken(s));
    CHECK_INT(store_tx_commit(s), STORE_OK);
    const char *refunds = "SELECT COUNT(*) FROM postage_ledger WHERE tracking_number = "
                          "'RA000000119GB' AND kind = 'refund'";
    const char *voided = "SELECT COUNT(*) FROM tracking_numbers WHERE tracking_number = "
                         "'RA000000119GB' AND voided_at IS NOT NULL";
    CHECK_INT(count_of(refunds), 0);
    CHECK_INT(count_of(voided), 0);
    /* the same reset from the right status voids and refunds, once */
    reset.from_status = "postageApplied";
    CHECK_INT(store_tx_begin(s, &a, STORE_TX_WRITE), STORE_OK);
    CHECK_INT(store_order_set_status(s, &a, id, &reset), STORE_OK);
    CHECK_INT(store_tx_commit(s), STORE_OK);
    CHECK_INT(count_of(refunds), 1);
    CHECK_INT(count_of(voided), 1);
}

/* A read transaction: several reads, one snapshot, joined by the calls. */
static void test_read_tx(struct store *s, struct scope a)
{
    struct arena ar;
    arena_init(&ar);
    struct order_key keys[] = {{.id = 1001}, {.reference = "TX-2"}}; /* two orders */
    struct order_row *rows;
    size_t n = 0;
    CHECK_INT(store_tx_begin(s, &a, STORE_TX_READ), STORE_OK);
    CHECK_INT(store_orders_get(s, &a, keys, 2, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 2);
    CHECK(orders_of(s, &a) > 0);
    CHECK_INT(store_tx_commit(s), STORE_OK);
    CHECK(!store_is_broken(s));
    arena_free(&ar);
}

/* Inside a read snapshot a write transaction is a part of it that can be
 * undone alone. */
static void test_tx_in_snapshot(struct store *s, struct scope a)
{
    size_t before = orders_of(s, &a);
    int64_t id;
    struct order_new o = mk("TX-4");
    CHECK_INT(store_snapshot_begin(s), STORE_OK);
    CHECK_INT(store_tx_begin(s, &a, STORE_TX_WRITE), STORE_OK);
    CHECK_INT(store_orders_insert(s, &a, &o, 1, 400, &id, NULL), STORE_OK);
    CHECK_INT(store_tx_rollback(s), STORE_OK);
    CHECK_INT(orders_of(s, &a), before);
    CHECK_INT(store_snapshot_end(s), STORE_OK);
    CHECK(!store_is_broken(s));
}

/* Another tenant's scope inside the transaction: refused, the connection is
 * broken, the transaction can only be rolled back, and nothing of it is
 * written, for either tenant. */
static void test_foreign_scope(struct scope a, struct scope b)
{
    struct store *s = open_store();
    size_t a_before = orders_of(s, &a), b_before = orders_of(s, &b);
    int64_t id;
    struct order_new o = mk("TX-5");
    CHECK_INT(store_tx_begin(s, &a, STORE_TX_WRITE), STORE_OK);
    CHECK_INT(store_orders_insert(s, &a, &o, 1, 500, &id, NULL), STORE_OK);
    CHECK(!store_is_broken(s));
    CHECK_INT(store_orders_insert(s, &b, &o, 1, 500, &id, NULL), STORE_ERROR);
    CHECK(store_is_broken(s));
    /* from here on the transaction only ends */
    CHECK_INT(store_orders_insert(s, &a, &o, 1, 500, &id, NULL), STORE_ERROR);
    CHECK_INT(store_tx_commit(s), STORE_ERROR); /* rolls back */
    CHECK(store_is_broken(s));
    CHECK_INT(store_tx_begin(s, &a, STORE_TX_WRITE), STORE_ERROR); /* nothing new starts */
    store_close(s);
    s = open_store();
    CHECK(!store_is_broken(s)); /* a new connection starts clean */
    CHECK_INT(orders_of(s, &a), a_before);
    CHECK_INT(orders_of(s, &b), b_before);

    /* an operator call naming another tenant, and a nested transaction */
    CHECK_INT(store_tx_begin(s, &a, STORE_TX_WRITE), STORE_OK);
    CHECK_INT(store_operator_tenant_exists(s, a.tenant_id), STORE_OK);
    CHECK(!store_is_broken(s));
    CHECK_INT(store_operator_tenant_exists(s, b.tenant_id), STORE_ERROR);
    CHECK(store_is_broken(s));
    CHECK_INT(store_tx_rollback(s), STORE_OK); /* allowed on a broken connection */
    store_close(s);
    s = open_store();
    CHECK_INT(store_tx_begin(s, &a, STORE_TX_READ), STORE_OK);
    CHECK_INT(store_tx_begin(s, &a, STORE_TX_READ), STORE_ERROR);
    CHECK(store_is_broken(s));
    CHECK_INT(store_tx_rollback(s), STORE_OK);
    store_close(s);
    s = open_store();
    CHECK_INT(store_tx_commit(s), STORE_ERROR); /* no transaction to commit */
    CHECK(store_is_broken(s));
    store_close(s);
}

/* A failed call, here a table gone under the connection, is remembered;
 * answers that are not failures (not found, conflict) are not. */
static void test_broken_after_failure(struct scope a)
{
    struct store *s = open_store();
    struct arena ar;
    arena_init(&ar);
    struct tenant_settings ts;
    CHECK_INT(store_tenant_settings(s, &a, &ar, &ts), STORE_OK);
    struct order_status_change c = {.from_status = "manifested", .to_status = "new", .now = 1};
    CHECK_INT(store_order_set_status(s, &a, 1001, &c), STORE_CONFLICT);
    CHECK_INT(store_return_get(s, &a, "NO-SUCH", &ar, &(struct return_row){0}), STORE_NOTFOUND);
    CHECK(!store_is_broken(s));
    sqlite3 *db;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, "DROP TABLE tenant_settings", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    CHECK_INT(store_tenant_settings(s, &a, &ar, &ts), STORE_ERROR);
    CHECK(store_is_broken(s));
    arena_free(&ar);
    store_close(s);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    int fd = mkstemp(path);
    close(fd);
    struct store *s = open_store();
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    int64_t ta, tb;
    CHECK_INT(store_operator_tenant_create(s, "A", 1, &ta), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "B", 1, &tb), STORE_OK);
    struct scope a = {ta}, b = {tb};
    test_commit_together(s, a);
    test_rollback_undoes_both(s, a);
    test_failed_call_inside(s, a);
    test_read_tx(s, a);
    test_tx_in_snapshot(s, a);
    CHECK(!store_is_broken(s));
    store_close(s);
    test_foreign_scope(a, b);
    test_broken_after_failure(a);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_store_tx");
}
