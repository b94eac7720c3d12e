/* Unit tests of the store's shipping rules (store_rules.h): a business
 * lists its rules in priority order, adds, edits, enables, moves and
 * deletes them, priorities staying unique; another business's scope never
 * reads, changes, moves or deletes them; history lines go to the scope's
 * orders only. */
#include "check.h"
#include "store/store_rules.h"

#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

static struct shipping_rule rule(const char *name, const char *service)
{
    return (struct shipping_rule){.name = name,
                                  .enabled = true,
                                  .min_grams = RULE_NO_BOUND,
                                  .max_grams = RULE_NO_BOUND,
                                  .min_pence = RULE_NO_BOUND,
                                  .max_pence = RULE_NO_BOUND,
                                  .service_code = service};
}

/* The ids of the scope's rules in list order, as "1,3,2". */
static const char *order_of(struct store *s, const struct scope *sc, struct arena *a)
{
    struct shipping_rule *rows;
    size_t n;
    if (store_rules_list(s, sc, a, &rows, &n) != STORE_OK) return "error";
    char *out = arena_alloc(a, 64);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char one[24];
        snprintf(one, sizeof one, "%s%lld", i ? "," : "", (long long)rows[i].rule_id);
        strcat(out, one);
        if (i && rows[i].priority <= rows[i - 1].priority) return "priorities out of order";
    }
    return out;
}

static void test_rules(struct store *s)
{
    int64_t ta, tb, id;
    CHECK_INT(store_operator_tenant_create(s, "A", 1, &ta), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "B", 1, &tb), STORE_OK);
    struct scope a = {ta}, b = {tb};
    struct arena ar;
    arena_init(&ar);

    struct shipping_rule r1 = rule("Small UK", "TOLP48");
    r1.zone = RULE_ZONE_UK;
    r1.max_grams = 2000;
    r1.min_pence = 0;
    r1.channel = "Shopify";
    CHECK_INT(store_rule_add(s, &a, &r1, 100, &id), STORE_OK);
    CHECK_INT(id, 1);
    struct shipping_rule r2 = rule("France", "MP7");
    r2.countries = "FR MC";
    r2.value_subtotal = true;
    r2.max_pence = 5000;
    r2.package_format = "smallParcel";
    CHECK_INT(store_rule_add(s, &a, &r2, 100, &id), STORE_OK);
    CHECK_INT(id, 2);
    struct shipping_rule r3 = rule("Else", "OLP2");
    r3.enabled = false;
    CHECK_INT(store_rule_add(s, &a, &r3, 100, &id), STORE_OK);
    CHECK_INT(id, 3);
    /* B's rules number from 1 too, apart from A's */
    struct shipping_rule rb = rule("B's own", "OLP1");
    CHECK_INT(store_rule_add(s, &b, &rb, 100, &id), STORE_OK);
    CHECK_INT(id, 1);

    CHECK_STR(order_of(s, &a, &ar), "1,2,3");
    CHECK_STR(order_of(s, &b, &ar), "1");

    /* read back as written */
    struct shipping_rule got;
    CHECK_INT(store_rule_get(s, &a, 1, &ar, &got), STORE_OK);
    CHECK_INT(got.tenant_id, ta);
    CHECK_STR(got.name, "Small UK");
    CHECK_INT(got.zone, RULE_ZONE_UK);
    CHECK(got.countries == NULL);
    CHECK_INT(got.min_grams, RULE_NO_BOUND);
    CHECK_INT(got.max_grams, 2000);
    CHECK_INT(got.min_pence, 0);
    CHECK_INT(got.max_pence, RULE_NO_BOUND);
    CHECK(!got.value_subtotal);
    CHECK_STR(got.channel, "Shopify");
    CHECK_STR(got.service_code, "TOLP48");
    CHECK(got.package_format == NULL);
    CHECK(got.enabled);
    CHECK_INT(store_rule_get(s, &a, 2, &ar, &got), STORE_OK);
    CHECK_STR(got.countries, "FR MC");
    CHECK(got.value_subtotal);
    CHECK_STR(got.package_format, "smallParcel");
    CHECK_INT(got.zone, RULE_ZONE_ANY);
    CHECK_INT(store_rule_get(s, &a, 3, &ar, &got), STORE_OK);
    CHECK(!got.enabled);

    /* B's scope: A's rule 2 is not there, whatever the call */
    CHECK_INT(store_rule_get(s, &b, 2, &ar, &got), STORE_NOTFOUND);
    struct shipping_rule evil = rule("taken over", "OLP1");
    evil.rule_id = 2;
    CHECK_INT(store_rule_update(s, &b, &evil, 200), STORE_NOTFOUND);
    CHECK_INT(store_rule_set_enabled(s, &b, 2, false, 200), STORE_NOTFOUND);
    CHECK_INT(store_rule_move(s, &b, 2, true, 200), STORE_NOTFOUND);
    CHECK_INT(store_rule_delete(s, &b, 2), STORE_NOTFOUND);
    CHECK_INT(store_rule_get(s, &a, 2, &ar, &got), STORE_OK);
    CHECK_STR(got.name, "France");
    CHECK(got.enabled);
    CHECK_STR(order_of(s, &a, &ar), "1,2,3");

    /* edit keeps the priority */
    struct shipping_rule e = rule("France and Monaco", "MP5");
    e.rule_id = 2;
    e.countries = "FR MC";
    CHECK_INT(store_rule_update(s, &a, &e, 300), STORE_OK);
    CHECK_INT(store_rule_get(s, &a, 2, &ar, &got), STORE_OK);
    CHECK_STR(got.name, "France and Monaco");
    CHECK_STR(got.service_code, "MP5");
    CHECK_INT(got.max_pence, RULE_NO_BOUND);
    CHECK_STR(order_of(s, &a, &ar), "1,2,3");
    e.rule_id = 99;
    CHECK_INT(store_rule_update(s, &a, &e, 300), STORE_NOTFOUND);

    /* enable and disable */
    CHECK_INT(store_rule_set_enabled(s, &a, 3, true, 310), STORE_OK);
    CHECK_INT(store_rule_get(s, &a, 3, &ar, &got), STORE_OK);
    CHECK(got.enabled);
    CHECK_INT(store_rule_set_enabled(s, &a, 99, true, 310), STORE_NOTFOUND);

    /* moves: swap with the neighbour; at the edge, nothing */
    CHECK_INT(store_rule_move(s, &a, 3, true, 400), STORE_OK);
    CHECK_STR(order_of(s, &a, &ar), "1,3,2");
    CHECK_INT(store_rule_move(s, &a, 3, true, 400), STORE_OK);
    CHECK_STR(order_of(s, &a, &ar), "3,1,2");
    CHECK_INT(store_rule_move(s, &a, 3, true, 400), STORE_OK);
    CHECK_STR(order_of(s, &a, &ar), "3,1,2");
    CHECK_INT(store_rule_move(s, &a, 2, false, 400), STORE_OK);
    CHECK_STR(order_of(s, &a, &ar), "3,1,2");
    CHECK_INT(store_rule_move(s, &a, 1, false, 400), STORE_OK);
    CHECK_STR(order_of(s, &a, &ar), "3,2,1");
    CHECK_INT(store_rule_move(s, &a, 99, false, 400), STORE_NOTFOUND);
    CHECK_STR(order_of(s, &b, &ar), "1");

    /* delete; a new rule goes last, across the gap */
    CHECK_INT(store_rule_delete(s, &a, 2), STORE_OK);
    CHECK_INT(store_rule_delete(s, &a, 2), STORE_NOTFOUND);
    CHECK_STR(order_of(s, &a, &ar), "3,1");
    CHECK_INT(store_rule_add(s, &a, &r2, 500, &id), STORE_OK);
    CHECK_STR(order_of(s, &a, &ar), arena_printf(&ar, "3,1,%lld", (long long)id));
    CHECK_INT(store_rule_move(s, &a, id, true, 500), STORE_OK);
    CHECK_STR(order_of(s, &a, &ar), arena_printf(&ar, "3,%lld,1", (long long)id));
    CHECK_STR(order_of(s, &b, &ar), "1");

    /* inside A's scoped transaction the calls join it: rolled back, nothing stays */
    CHECK_INT(store_tx_begin(s, &a, STORE_TX_WRITE), STORE_OK);
    struct shipping_rule *rows;
    size_t n;
    CHECK_INT(store_rules_list(s, &a, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 3);
    CHECK_INT(store_rule_add(s, &a, &r3, 600, &id), STORE_OK);
    CHECK_INT(store_tx_rollback(s), STORE_OK);
    CHECK_STR(order_of(s, &a, &ar), arena_printf(&ar, "3,%lld,1", (long long)id - 1));
    arena_free(&ar);
}

static void test_history(struct store *s)
{
    struct scope a = {1}, b = {2};
    struct order_new o = {.reference = "R1", .order_date = 1, .package_count = 1, .doc = "{}"};
    int64_t ids[1];
    CHECK_INT(store_orders_insert(s, &a, &o, 1, 10, ids, NULL), STORE_OK);
    CHECK_INT(store_order_history_add(s, &a, ids[0], "postageApplied", "Postage applied", 20),
              STORE_OK);
    CHECK_INT(store_order_history_add(s, &a, ids[0], "postageApplied", "Again", 30), STORE_OK);
    CHECK_INT(store_order_history_add(s, &b, ids[0], "postageApplied", "Not B's", 30),
              STORE_NOTFOUND);
    CHECK_INT(store_order_history_add(s, &a, 999999, "postageApplied", "none", 30), STORE_NOTFOUND);
    struct arena ar;
    arena_init(&ar);
    struct order_event *ev;
    size_t n;
    CHECK_INT(store_order_history(s, &a, ids[0], &ar, &ev, &n), STORE_OK);
    CHECK_INT(n, 2);
    CHECK_INT(ev[0].event_id, 1);
    CHECK_STR(ev[0].text, "Postage applied");
    CHECK_INT(ev[1].event_id, 2);
    CHECK_INT(ev[1].at, 30);
    CHECK_STR(ev[1].kind, "postageApplied");
    CHECK_INT(store_order_history(s, &b, ids[0], &ar, &ev, &n), STORE_OK);
    CHECK_INT(n, 0);
    arena_free(&ar);
}

static void test_bad_scope(struct store *s)
{
    struct scope a = {1}, b = {2};
    struct arena ar;
    arena_init(&ar);
    struct shipping_rule *rows;
    size_t n;
    CHECK_INT(store_tx_begin(s, &a, STORE_TX_READ), STORE_OK);
    CHECK_INT(store_rules_list(s, &b, &ar, &rows, &n), STORE_ERROR);
    CHECK(store_is_broken(s));
    store_tx_rollback(s);
    arena_free(&ar);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char path[] = "/tmp/postroom-test-rules-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    test_rules(s);
    test_history(s);
    test_bad_scope(s);
    store_close(s);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_store_rules");
}
