/* Unit tests of the store's breach register (store_breach.h, migration
 * 009): a breach keeps every ICO field; updates come back in order; a
 * decision needs a breach; the tripwire's open-or-join joins the open entry
 * and a closed one makes the next start where it ended; the blast radius
 * reads only cross-tenant audit records in the window plus the security
 * events; a business's notices are its own rows only; the status posts;
 * and no operator call runs inside a scoped transaction. */
#include "check.h"
#include "domain/audit.h"
#include "store/store_breach.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct breach sample(int64_t aware)
{
    return (struct breach){.opened_at = aware,
                           .opened_by = "op",
                           .window_from = aware - 1000,
                           .aware_at = aware,
                           .nature = "orders shown to another business",
                           .subjects = "recipients",
                           .record_kinds = "order records",
                           .approx_people = 12,
                           .approx_records = -1,
                           .consequences = "names and addresses seen",
                           .measures = "kill switch",
                           .contact = "dpo@example.com"};
}

static void test_register(struct store *s)
{
    struct arena a;
    arena_init(&a);
    int64_t id;
    struct breach in = sample(10000);
    CHECK_INT(store_operator_breach_open(s, &in, &id), STORE_OK);
    struct breach b;
    CHECK_INT(store_operator_breach_get(s, id, &a, &b), STORE_OK);
    CHECK_INT(b.aware_at, 10000);
    CHECK_INT(b.window_from, 9000);
    CHECK_INT(b.window_to, 0);
    CHECK_STR(b.nature, "orders shown to another business");
    CHECK_STR(b.contact, "dpo@example.com");
    CHECK_INT(b.approx_people, 12);
    CHECK_INT(b.approx_records, -1);
    CHECK(b.decision == NULL);
    CHECK_INT(b.closed_at, 0);
    CHECK_INT(store_operator_breach_get(s, id + 100, &a, &b), STORE_NOTFOUND);

    CHECK_INT(store_operator_breach_note(s, id, "op", "first", 11000), STORE_OK);
    CHECK_INT(store_operator_breach_note(s, id, "op2", "second", 12000), STORE_OK);
    CHECK_INT(store_operator_breach_note(s, id + 100, "op", "lost", 12000), STORE_NOTFOUND);
    struct breach_update *u;
    size_t nu;
    CHECK_INT(store_operator_breach_updates(s, id, &a, &u, &nu), STORE_OK);
    CHECK_INT(nu, 2);
    if (nu == 2) {
        CHECK_STR(u[0].note, "first");
        CHECK_STR(u[1].author, "op2");
        CHECK_INT(u[1].time, 12000);
    }
    CHECK_INT(store_operator_breach_decide(s, id, "no-notify", "withheld", "op", 13000, 0),
              STORE_OK);
    CHECK_INT(store_operator_breach_decide(s, id + 100, "notify", "x", "op", 13000, 0),
              STORE_NOTFOUND);
    CHECK_INT(store_operator_breach_get(s, id, &a, &b), STORE_OK);
    CHECK_STR(b.decision, "no-notify");
    CHECK_STR(b.decision_reason, "withheld");
    CHECK_INT(b.decided_at, 13000);
    CHECK_INT(b.notified_at, 0);
    CHECK_INT(store_operator_breach_decide(s, id, "notify", "risk after all", "op", 14000, 14500),
              STORE_OK);
    CHECK_INT(store_operator_breach_get(s, id, &a, &b), STORE_OK);
    CHECK_INT(b.notified_at, 14500);

    /* the radius is replaced whole */
    struct exposure x[] = {{0, 3, "order:5", 2, "key:1", "order.read", 9500, 9600, 2, 1},
                           {0, 4, "order:6", 2, "key:1", "order.read", 9700, 9700, 1, 0}};
    CHECK_INT(store_operator_breach_set_radius(s, id, 0, x, 2), STORE_OK);
    CHECK_INT(store_operator_breach_set_radius(s, id, 0, x, 1), STORE_OK);
    struct exposure *rx;
    size_t nx;
    CHECK_INT(store_operator_breach_radius(s, id, &a, &rx, &nx), STORE_OK);
    CHECK_INT(nx, 1);
    if (nx) {
        CHECK_INT(rx[0].breach_id, id);
        CHECK_STR(rx[0].object, "order:5");
        CHECK_INT(rx[0].times, 2);
        CHECK_INT(rx[0].withheld, 1);
    }
    /* a business's notices: its own rows, not another's */
    CHECK_INT(store_operator_breach_set_radius(s, id, 0, x, 2), STORE_OK);
    struct scope three = {3}, two = {2};
    CHECK_INT(store_breach_notices(s, &three, &a, &rx, &nx), STORE_OK);
    CHECK_INT(nx, 1);
    if (nx) CHECK_STR(rx[0].object, "order:5");
    CHECK_INT(store_breach_notices(s, &two, &a, &rx, &nx), STORE_OK);
    CHECK_INT(nx, 0); /* the receiver is told nothing of the others' records */

    CHECK_INT(store_operator_breach_close(s, id, 20000), STORE_OK);
    CHECK_INT(store_operator_breach_close(s, id, 20001), STORE_NOTFOUND);
    CHECK_INT(store_operator_breach_get(s, id, &a, &b), STORE_OK);
    CHECK_INT(b.closed_at, 20000);
    CHECK_INT(b.window_to, 20000);
    struct breach *list;
    size_t n;
    CHECK_INT(store_operator_breach_list(s, &a, &list, &n), STORE_OK);
    CHECK_INT(n, 1);
    CHECK(!store_is_broken(s));
    arena_free(&a);
}

static void test_open_or_join(struct store *s)
{
    struct arena a;
    arena_init(&a);
    struct breach t = sample(30000);
    t.opened_by = "tripwire";
    t.window_from = 0; /* the tripwire's lookback reaches before the last closed entry */
    int64_t id1, id2, id3;
    bool created;
    CHECK_INT(store_operator_breach_open_or_join(s, &t, &id1, &created), STORE_OK);
    CHECK(created);
    struct breach b;
    CHECK_INT(store_operator_breach_get(s, id1, &a, &b), STORE_OK);
    CHECK_INT(b.window_from, 20001); /* after where the closed one ended */
    CHECK_INT(store_operator_breach_open_or_join(s, &t, &id2, &created), STORE_OK);
    CHECK(!created);
    CHECK_INT(id2, id1);
    CHECK_INT(store_operator_breach_set_incident(s, id1, 77), STORE_OK);
    CHECK_INT(store_operator_breach_get(s, id1, &a, &b), STORE_OK);
    CHECK_INT(b.status_incident, 77);
    CHECK_INT(store_operator_breach_close(s, id1, 40000), STORE_OK);
    CHECK_INT(store_operator_breach_open_or_join(s, &t, &id3, &created), STORE_OK);
    CHECK(created);
    CHECK(id3 != id1);
    arena_free(&a);
}

static void audit(struct store *s, int64_t time, int64_t pt, int64_t dt, const char *objects,
                  const char *rid)
{
    struct audit_actor who = {"host:1", rid, pt, "key:1"};
    struct audit_record r = audit_record_of(&who, time, dt, "order.read", objects);
    CHECK_INT(store_audit_append(s, &r, 1), STORE_OK);
}

static void test_exposure_events(struct store *s)
{
    struct arena a;
    arena_init(&a);
    audit(s, 1000, 2, 2, "order:1", "own");
    audit(s, 1100, 2, 3, "order:7", "cross");
    audit(s, 5000, 2, 3, "order:8", "later");
    struct security_event_row e = {1200, "tenant_mismatch", "cross", "GET /orders/{ids}",
                                   2,    "key:1",           3,       "order:7"};
    CHECK_INT(store_operator_security_event_add(s, &e), STORE_OK);
    struct exposure_event *ev;
    size_t n;
    CHECK_INT(store_operator_exposure_events(s, 0, 2000, &a, &ev, &n), STORE_OK);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK(!ev[0].withheld);
        CHECK_STR(ev[0].objects, "order:7");
        CHECK_INT(ev[0].data_tenant, 3);
        CHECK_STR(ev[0].request_id, "cross");
        CHECK(ev[1].withheld);
        CHECK_STR(ev[1].action, "egress.withheld");
        CHECK_STR(ev[1].principal_id, "key:1");
        CHECK_INT(ev[1].data_tenant, 3);
    }
    arena_free(&a);
}

static void test_status_posts(struct store *s)
{
    int64_t inc = -1;
    CHECK_INT(store_operator_status_post_get(s, "killswitch:0:", &inc), STORE_NOTFOUND);
    CHECK_INT(store_operator_status_post_set(s, "killswitch:0:", 5, 1), STORE_OK);
    CHECK_INT(store_operator_status_post_set(s, "killswitch:0:", 6, 2), STORE_OK);
    CHECK_INT(store_operator_status_post_get(s, "killswitch:0:", &inc), STORE_OK);
    CHECK_INT(inc, 6);
    CHECK_INT(store_operator_status_post_clear(s, "killswitch:0:"), STORE_OK);
    CHECK_INT(store_operator_status_post_get(s, "killswitch:0:", &inc), STORE_NOTFOUND);
}

/* A breach crosses tenants: no scoped transaction may carry one; the
 * notices only for the transaction's tenant. */
static void test_not_in_scoped_tx(const char *path)
{
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    struct scope sc = {3}, other = {4};
    struct arena a;
    arena_init(&a);
    struct exposure *x;
    size_t n;
    CHECK_INT(store_tx_begin(s, &sc, STORE_TX_READ), STORE_OK);
    CHECK_INT(store_breach_notices(s, &sc, &a, &x, &n), STORE_OK);
    CHECK_INT(store_breach_notices(s, &other, &a, &x, &n), STORE_ERROR);
    CHECK(store_is_broken(s));
    store_close(s);
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_tx_begin(s, &sc, STORE_TX_WRITE), STORE_OK);
    struct breach b = sample(1);
    int64_t id;
    CHECK_INT(store_operator_breach_open(s, &b, &id), STORE_ERROR);
    CHECK(store_is_broken(s));
    store_close(s);
    arena_free(&a);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char path[] = "/tmp/postroom-test-breach-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    test_register(s);
    test_open_or_join(s);
    test_exposure_events(s);
    test_status_posts(s);
    store_close(s);
    test_not_in_scoped_tx(path);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_store_breach");
}
