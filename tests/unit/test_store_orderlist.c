/* Unit tests of the web app's orders list in the store (store_orders_find,
 * store_order_status_counts: one tenant's rows only, search by reference,
 * name and postcode, sorts, keysets both ways). */
#include "check.h"
#include "domain/status.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char path[] = "/tmp/postroom-test-store-orderlist-XXXXXX";

static void add(struct store *s, const struct scope *sc, const char *ref, const char *name,
                const char *postcode, int64_t at)
{
    char doc[256];
    snprintf(doc, sizeof doc,
             "{\"recipient\":{\"address\":{\"fullName\":\"%s\",\"postcode\":\"%s\"}}}", name,
             postcode);
    struct order_new o = {.reference = ref, .order_date = 1, .package_count = 1, .doc = doc};
    int64_t id;
    CHECK_INT(store_orders_insert(s, sc, &o, 1, at, &id, NULL), STORE_OK);
}

/* The ids find gives, as "1001,1002". */
static const char *found(struct store *s, const struct scope *sc, const struct order_find *f,
                         struct arena *a)
{
    struct order_row *rows;
    size_t n;
    if (store_orders_find(s, sc, f, a, &rows, &n) != STORE_OK) return "ERROR";
    char *out = arena_alloc(a, 16 * n + 1);
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK_INT(rows[i].tenant_id, sc->tenant_id);
        snprintf(out + strlen(out), 16, "%s%lld", i ? "," : "", (long long)rows[i].order_id);
    }
    return out;
}

static void test_find(struct store *s, struct scope a, struct scope b)
{
    struct arena ar;
    arena_init(&ar);
    add(s, &a, "REF-C", "Carol Jones", "SW1A 1AA", 3000); /* 1001 */
    add(s, &a, "REF-A", "alice Smith", "M1 1AE", 1000);   /* 1002 */
    add(s, &a, "100%_off", "Bob Brown", "LS1 4AP", 2000); /* 1003 */
    add(s, &b, "REF-A", "Alice Other", "SW1A 1AA", 1500); /* b's 1001 */
    struct order_find f = {.limit = 10};
    CHECK_STR(found(s, &a, &f, &ar), "1001,1003,1002"); /* newest first */
    f.sort = ORDER_SORT_OLDEST;
    CHECK_STR(found(s, &a, &f, &ar), "1002,1003,1001");
    f.sort = ORDER_SORT_NAME; /* case ignored */
    CHECK_STR(found(s, &a, &f, &ar), "1002,1003,1001");
    f.sort = ORDER_SORT_REFERENCE;
    CHECK_STR(found(s, &a, &f, &ar), "1003,1002,1001");
    f.sort = ORDER_SORT_NEWEST;
    f.search = "ALICE";
    CHECK_STR(found(s, &a, &f, &ar), "1002");
    CHECK_STR(found(s, &b, &f, &ar), "1001");
    f.search = "sw1a1aa"; /* a postcode without its space */
    CHECK_STR(found(s, &a, &f, &ar), "1001");
    f.search = "%"; /* LIKE's own characters are text */
    CHECK_STR(found(s, &a, &f, &ar), "1003");
    f.search = "_";
    CHECK_STR(found(s, &a, &f, &ar), "1003");
    f.search = NULL;
    f.start_ms = 1500, f.end_ms = 2500;
    CHECK_STR(found(s, &a, &f, &ar), "1003");
    f.start_ms = f.end_ms = 0;
    /* keysets: two rows a page, forwards and back */
    f.limit = 2;
    f.after_id = 1001;
    CHECK_STR(found(s, &a, &f, &ar), "1003,1002");
    f.after_id = 0, f.before_id = 1002;
    CHECK_STR(found(s, &a, &f, &ar), "1001,1003");
    /* a keyset that is not the scope's: after it is the start, before it nothing */
    f.before_id = 0, f.after_id = 99;
    CHECK_STR(found(s, &a, &f, &ar), "1001,1003");
    f.after_id = 0, f.before_id = 99;
    CHECK_STR(found(s, &a, &f, &ar), "");
    f.before_id = 0;
    f.status = STATUS_ON_HOLD;
    CHECK_STR(found(s, &a, &f, &ar), "");
    /* counts: the scope's only */
    struct order_count_row *rows;
    size_t n;
    CHECK_INT(store_order_status_counts(s, &a, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 1);
    if (n == 1) {
        CHECK_STR(rows[0].status, "new");
        CHECK_STR(rows[0].channel, "API");
        CHECK_INT(rows[0].count, 3);
        CHECK_INT(rows[0].tenant_id, a.tenant_id);
    }
    /* the counts follow a status change and a deletion */
    struct order_status_change c;
    const char *code;
    CHECK(status_plan_move(STATUS_NEW, STATUS_MOVE_HOLD, 5000, &c, &code) == NULL);
    CHECK_INT(store_order_set_status(s, &a, 1002, &c), STORE_OK);
    CHECK_INT(store_order_delete(s, &a, 1003, 5000), STORE_OK);
    CHECK_INT(store_order_status_counts(s, &a, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_STR(rows[0].status, "new");
        CHECK_INT(rows[0].count, 1);
        CHECK_STR(rows[1].status, "onHold");
        CHECK_INT(rows[1].count, 1);
    }
    CHECK_INT(store_order_status_counts(s, &b, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 1);
    if (n == 1) CHECK_INT(rows[0].count, 1);
    arena_free(&ar);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    int fd = mkstemp(path);
    close(fd);
    struct store *s = NULL;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    int64_t ta, tb;
    CHECK_INT(store_operator_tenant_create(s, "A", 1, &ta), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "B", 1, &tb), STORE_OK);
    struct scope a = {ta}, b = {tb};
    test_find(s, a, b);
    CHECK(!store_is_broken(s));
    store_close(s);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_store_orderlist");
}
