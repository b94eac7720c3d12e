/* Unit tests of the operators' store calls (pg_operators.c, pg_breach.c
 * beside sqlite_operators.c, sqlite_breach.c): the same checks run on a
 * SQLite file and, when $POSTROOM_TEST_PG names a cluster (scripts/pg.sh;
 * CTest's pg_cluster fixture starts one), on a fresh PostgreSQL database of
 * it, so both backends give the same answers. Operators (added, listed,
 * disabled with their sessions ended), a TOTP step taken once, sessions
 * found only while live and touched, the console's counts from the orders
 * (a business with none is one row), data reports filed under a business
 * and handled once, and the breach register: the tripwire's join-or-open
 * (and a new entry starting after the last closed one), notes numbered in
 * order, the decision, a blast radius of more rows than one insert holds,
 * the exposure events of the audit and the wall, a business's notices of
 * its own rows only, and the status posts. */
#include "check.h"
#include "store/store.h"
#include "store/store_breach.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct store *st;
static const char *backend;
static char super_url[512]; /* PostgreSQL: the superuser's, for raw rows */
static char sqlite_path[256];

/* A statement run past the store, as the tests' fixtures (orders rows). */
static void raw_sql(const char *sql)
{
    if (!super_url[0]) {
        sqlite3 *db = NULL;
        CHECK(sqlite3_open(sqlite_path, &db) == SQLITE_OK);
        sqlite3_busy_timeout(db, 5000);
        CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
        sqlite3_close(db);
        return;
    }
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "psql -q -X -v ON_ERROR_STOP=1 '%s' -c \"%s\" >/dev/null", super_url,
             sql);
    CHECK(system(cmd) == 0);
}

static void test_operators(void)
{
    struct arena a;
    arena_init(&a);
    int64_t id1 = 0, id2 = 0, dup = 0;
    CHECK_INT(store_operator_account_add(st, "one@ops.example", "hash1", "SECRET1", 1000, &id1),
              STORE_OK);
    CHECK_INT(store_operator_account_add(st, "two@ops.example", "hash2", "SECRET2", 2000, &id2),
              STORE_OK);
    CHECK(id1 > 0 && id2 > id1);
    CHECK_INT(store_operator_account_add(st, "one@ops.example", "h", "S", 3000, &dup),
              STORE_CONFLICT);
    struct operator_row *rows = NULL;
    size_t n = 0;
    CHECK_INT(store_operator_account_list(st, &a, &rows, &n), STORE_OK);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(rows[0].operator_id, id1);
        CHECK_STR(rows[0].email, "one@ops.example");
        CHECK_INT(rows[0].created_at, 1000);
        CHECK_INT(rows[0].disabled_at, 0);
        CHECK(rows[0].pw_hash == NULL && rows[0].totp_secret == NULL);
        CHECK_STR(rows[1].email, "two@ops.example");
    }

    struct operator_row op = {0};
    CHECK_INT(store_directory_operator_login(st, "one@ops.example", &a, &op), STORE_OK);
    CHECK_INT(op.operator_id, id1);
    CHECK_STR(op.pw_hash, "hash1");
    CHECK_STR(op.totp_secret, "SECRET1");
    CHECK_INT(op.totp_last_step, 0);
    CHECK_INT(store_directory_operator_login(st, "nobody@ops.example", &a, &op), STORE_NOTFOUND);

    /* a step is taken once, and only forward */
    CHECK_INT(store_directory_operator_step(st, id1, 100), STORE_OK);
    CHECK_INT(store_directory_operator_step(st, id1, 100), STORE_CONFLICT);
    CHECK_INT(store_directory_operator_step(st, id1, 99), STORE_CONFLICT);
    CHECK_INT(store_directory_operator_step(st, id1, 101), STORE_OK);
    CHECK_INT(store_directory_operator_login(st, "one@ops.example", &a, &op), STORE_OK);
    CHECK_INT(op.totp_last_step, 101);

    /* sessions: live, touched, idle, expired, deleted */
    unsigned char h1[32], h2[32], h3[32];
    memset(h1, 1, 32);
    memset(h2, 2, 32);
    memset(h3, 3, 32);
    CHECK_INT(store_directory_operator_session_create(st, h1, id1, "csrf-one", 10000, 100000),
              STORE_OK);
    CHECK_INT(store_directory_operator_session_create(st, h2, id2, "csrf-two", 10000, 100000),
              STORE_OK);
    int64_t who = 0;
    const char *csrf = NULL;
    CHECK_INT(store_directory_operator_session(st, h1, 15000, 6000, &who, &csrf, &a), STORE_OK);
    CHECK_INT(who, id1);
    CHECK_STR(csrf, "csrf-one");
    /* touched at 15000: still live at 20000 with 6 s idle allowed */
    CHECK_INT(store_directory_operator_session(st, h1, 20000, 6000, &who, &csrf, &a), STORE_OK);
    /* h2 was last seen at 10000: idle */
    CHECK_INT(store_directory_operator_session(st, h2, 20000, 6000, &who, &csrf, &a),
              STORE_NOTFOUND);
    CHECK_INT(store_directory_operator_session(st, h1, 100000, 1000000, &who, &csrf, &a),
              STORE_NOTFOUND); /* expired */
    CHECK_INT(store_directory_operator_session(st, h3, 20000, 6000, &who, &csrf, &a),
              STORE_NOTFOUND);
    CHECK_INT(store_directory_operator_session_delete(st, h1), STORE_OK);
    CHECK_INT(store_directory_operator_session(st, h1, 21000, 6000, &who, &csrf, &a),
              STORE_NOTFOUND);

    /* disabling ends the sessions and the sign-in, and is idempotent */
    CHECK_INT(store_directory_operator_session_create(st, h3, id2, "csrf-3", 30000, 900000),
              STORE_OK);
    CHECK_INT(store_directory_operator_session(st, h3, 31000, 6000, &who, &csrf, &a), STORE_OK);
    int64_t gone = 0;
    CHECK_INT(store_operator_account_disable(st, "two@ops.example", 32000, &gone), STORE_OK);
    CHECK_INT(gone, id2);
    CHECK_INT(store_directory_operator_session(st, h3, 33000, 6000, &who, &csrf, &a),
              STORE_NOTFOUND);
    CHECK_INT(store_directory_operator_login(st, "two@ops.example", &a, &op), STORE_NOTFOUND);
    CHECK_INT(store_operator_account_disable(st, "two@ops.example", 40000, &gone), STORE_OK);
    CHECK_INT(store_operator_account_disable(st, "none@ops.example", 40000, &gone), STORE_NOTFOUND);
    CHECK_INT(store_operator_account_list(st, &a, &rows, &n), STORE_OK);
    if (n == 2) CHECK_INT(rows[1].disabled_at, 32000); /* the first disable's time stays */
    arena_free(&a);
}

static void test_counts_and_reports(int64_t ta, int64_t tb, int64_t tc)
{
    struct arena a;
    arena_init(&a);
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO orders(tenant_id, order_id, status, created_on, updated_on, doc) "
             "VALUES (%lld, 1001, 'new', 1, 1, '{}'), (%lld, 1002, 'new', 1, 1, '{}'), "
             "(%lld, 1003, 'shipped', 1, 1, '{}'), (%lld, 1001, 'new', 1, 1, '{}')",
             (long long)ta, (long long)ta, (long long)ta, (long long)tb);
    raw_sql(sql);
    /* one order moves on: its old status drops to nothing and is no row */
    snprintf(sql, sizeof sql, "UPDATE orders SET status = 'postage_applied' WHERE tenant_id = %lld",
             (long long)tb);
    raw_sql(sql);
    struct tenant_count_row *c = NULL;
    size_t n = 0;
    CHECK_INT(store_operator_order_counts(st, &a, &c, &n), STORE_OK);
    CHECK_INT(n, 4);
    if (n == 4) {
        CHECK_INT(c[0].tenant_id, ta);
        CHECK_STR(c[0].name, "Alpha Ltd");
        CHECK_STR(c[0].status, "new");
        CHECK_INT(c[0].count, 2);
        CHECK_INT(c[1].tenant_id, ta);
        CHECK_STR(c[1].status, "shipped");
        CHECK_INT(c[1].count, 1);
        CHECK_INT(c[2].tenant_id, tb);
        CHECK_STR(c[2].status, "postage_applied");
        CHECK_INT(c[2].count, 1);
        CHECK_INT(c[3].tenant_id, tc); /* no orders: one row */
        CHECK_STR(c[3].status, "");
        CHECK_INT(c[3].count, 0);
    }

    struct scope sa = {.tenant_id = ta}, sb = {.tenant_id = tb};
    int64_t r1 = 0, r2 = 0;
    CHECK_INT(
        store_data_report_add(st, &sa, 7, "/orders/1001", "wrong_data", "Not ours", 5000, &r1),
        STORE_OK);
    CHECK_INT(store_data_report_add(st, &sb, 9, "/orders", "other_business", NULL, 6000, &r2),
              STORE_OK);
    CHECK(r1 > 0 && r2 > r1);
    struct data_report_row *rep = NULL;
    CHECK_INT(store_operator_data_reports(st, 10, &a, &rep, &n), STORE_OK);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(rep[0].report_id, r2); /* newest first */
        CHECK_INT(rep[0].tenant_id, tb);
        CHECK_STR(rep[0].details, "");
        CHECK_INT(rep[1].tenant_id, ta);
        CHECK_INT(rep[1].user_id, 7);
        CHECK_STR(rep[1].page, "/orders/1001");
        CHECK_STR(rep[1].category, "wrong_data");
        CHECK_STR(rep[1].details, "Not ours");
        CHECK_INT(rep[1].created_at, 5000);
        CHECK_INT(rep[1].handled_at, 0);
    }
    CHECK_INT(store_operator_data_reports(st, 1, &a, &rep, &n), STORE_OK);
    CHECK_INT(n, 1);
    CHECK_INT(store_operator_data_report_handle(st, r1, 42, 7000), STORE_OK);
    CHECK_INT(store_operator_data_report_handle(st, r1, 43, 8000), STORE_NOTFOUND);
    CHECK_INT(store_operator_data_report_handle(st, 999999, 43, 8000), STORE_NOTFOUND);
    CHECK_INT(store_operator_data_reports(st, 10, &a, &rep, &n), STORE_OK);
    if (n == 2) {
        CHECK_INT(rep[1].handled_at, 7000);
        CHECK_INT(rep[1].handled_by, 42);
    }
    arena_free(&a);
}

static struct breach a_breach(const char *by, int64_t from)
{
    return (struct breach){
        .opened_at = from + 10,
        .opened_by = by,
        .window_from = from,
        .aware_at = from + 10,
        .nature = "nature",
        .subjects = "customers",
        .record_kinds = "addresses",
        .approx_people = -1,
        .approx_records = 12,
        .consequences = "c",
        .measures = "m",
        .contact = "dpo@example",
    };
}

static void test_register(int64_t ta, int64_t tb)
{
    struct arena a;
    arena_init(&a);
    int64_t t1 = 0, t2 = 0, manual = 0;
    bool created = false;
    struct breach b = a_breach("tripwire", 1000);
    CHECK_INT(store_operator_breach_open_or_join(st, &b, &t1, &created), STORE_OK);
    CHECK(created);
    created = false;
    CHECK_INT(store_operator_breach_open_or_join(st, &b, &t2, &created), STORE_OK);
    CHECK(!created);
    CHECK_INT(t2, t1);
    struct breach m = a_breach("ops@example", 500);
    m.window_to = 900;
    m.approx_people = 3;
    CHECK_INT(store_operator_breach_open(st, &m, &manual), STORE_OK);
    CHECK(manual > t1);

    struct breach got;
    CHECK_INT(store_operator_breach_get(st, t1, &a, &got), STORE_OK);
    CHECK_STR(got.opened_by, "tripwire");
    CHECK_INT(got.window_from, 1000);
    CHECK_INT(got.window_to, 0);
    CHECK_INT(got.approx_people, -1);
    CHECK_INT(got.approx_records, 12);
    CHECK(got.decision == NULL);
    CHECK_INT(got.closed_at, 0);
    CHECK_INT(store_operator_breach_get(st, 999999, &a, &got), STORE_NOTFOUND);
    struct breach *list = NULL;
    size_t n = 0;
    CHECK_INT(store_operator_breach_list(st, &a, &list, &n), STORE_OK);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(list[0].id, manual); /* newest first */
        CHECK_INT(list[0].window_to, 900);
        CHECK_INT(list[0].approx_people, 3);
        CHECK_INT(list[1].id, t1);
    }

    CHECK_INT(store_operator_breach_note(st, t1, "ops", "first", 2000), STORE_OK);
    CHECK_INT(store_operator_breach_note(st, t1, "ops", "second", 3000), STORE_OK);
    CHECK_INT(store_operator_breach_note(st, 999999, "ops", "none", 3000), STORE_NOTFOUND);
    struct breach_update *u = NULL;
    CHECK_INT(store_operator_breach_updates(st, t1, &a, &u, &n), STORE_OK);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_STR(u[0].note, "first");
        CHECK_STR(u[1].note, "second");
        CHECK_INT(u[1].time, 3000);
    }

    CHECK_INT(store_operator_breach_decide(st, t1, "notify", "people at risk", "ops", 4000, 0),
              STORE_OK);
    CHECK_INT(store_operator_breach_get(st, t1, &a, &got), STORE_OK);
    CHECK_STR(got.decision, "notify");
    CHECK_INT(got.decided_at, 4000);
    CHECK_INT(got.notified_at, 0);
    CHECK_INT(store_operator_breach_decide(st, t1, "notify", "told", "ops", 4500, 4400), STORE_OK);
    CHECK_INT(store_operator_breach_get(st, t1, &a, &got), STORE_OK);
    CHECK_INT(got.notified_at, 4400);
    CHECK_INT(store_operator_breach_decide(st, 999999, "notify", "r", "ops", 1, 0), STORE_NOTFOUND);

    /* a radius of more rows than one multi-row insert holds */
    enum { NX = 150 };
    struct exposure x[NX];
    char names[NX][24];
    for (int i = 0; i < NX; i++) {
        snprintf(names[i], sizeof names[i], "order:%d", 2000 + i);
        x[i] = (struct exposure){.data_tenant = i % 3 ? ta : tb,
                                 .object = names[i],
                                 .principal_tenant = i % 3 ? tb : ta,
                                 .principal_id = "key:1",
                                 .actions = "order.read",
                                 .first_at = 1100 + i,
                                 .last_at = 1200 + i,
                                 .times = 1 + i % 4,
                                 .withheld = i % 2};
    }
    CHECK_INT(store_operator_breach_set_radius(st, t1, 0, x, NX), STORE_OK);
    CHECK_INT(store_operator_breach_set_radius(st, t1, 0, x, NX), STORE_OK); /* replaced */
    struct exposure *r = NULL;
    CHECK_INT(store_operator_breach_radius(st, t1, &a, &r, &n), STORE_OK);
    CHECK_INT(n, NX);
    if (n == NX) {
        CHECK_INT(r[0].data_tenant, ta); /* by business, then object */
        CHECK_STR(r[0].object, "order:2001");
        CHECK_INT(r[0].breach_id, t1);
        CHECK_INT(r[0].first_at, 1101);
        CHECK_INT(r[0].times, 2);
        CHECK_INT(r[0].withheld, 1);
        CHECK_INT(r[NX - 1].data_tenant, tb);
    }
    /* a business sees its own rows only, whoever asks on its behalf */
    struct scope sb = {.tenant_id = tb};
    CHECK_INT(store_breach_notices(st, &sb, &a, &r, &n), STORE_OK);
    CHECK_INT(n, NX / 3);
    bool own = true;
    for (size_t i = 0; i < n; i++)
        own = own && r[i].data_tenant == tb;
    CHECK(own);
    if (n) CHECK_STR(r[0].object, "order:2000");
    CHECK_INT(store_operator_breach_radius(st, manual, &a, &r, &n), STORE_OK);
    CHECK_INT(n, 0);
    CHECK_INT(store_operator_breach_set_radius(st, 999999, 0, x, 1), STORE_NOTFOUND);

    CHECK_INT(store_operator_breach_set_incident(st, t1, 77), STORE_OK);
    CHECK_INT(store_operator_breach_set_incident(st, 999999, 77), STORE_NOTFOUND);
    CHECK_INT(store_operator_breach_set_radius(st, t1, 5000, x, 2), STORE_OK);
    CHECK_INT(store_operator_breach_close(st, t1, 6000), STORE_OK);
    CHECK_INT(store_operator_breach_close(st, t1, 7000), STORE_NOTFOUND);
    CHECK_INT(store_operator_breach_get(st, t1, &a, &got), STORE_OK);
    CHECK_INT(got.window_to, 5000); /* set before the close: kept */
    CHECK_INT(got.closed_at, 6000);
    CHECK_INT(got.status_incident, 77);

    /* the next tripwire entry starts after the closed one's window */
    int64_t t3 = 0;
    created = false;
    CHECK_INT(store_operator_breach_open_or_join(st, &b, &t3, &created), STORE_OK);
    CHECK(created && t3 > manual);
    CHECK_INT(store_operator_breach_get(st, t3, &a, &got), STORE_OK);
    CHECK_INT(got.window_from, 5001);
    arena_free(&a);
}

static void test_events_and_posts(int64_t ta, int64_t tb)
{
    struct arena a;
    arena_init(&a);
    struct audit_record recs[3] = {
        {.time = 10000,
         .server_id = "s",
         .request_id = "r1",
         .principal_tenant = ta,
         .principal_id = "key:1",
         .data_tenant = ta,
         .action = "order.read",
         .objects = "order:1001"},
        {.time = 10001,
         .server_id = "s",
         .request_id = "r2",
         .principal_tenant = ta,
         .principal_id = "key:1",
         .data_tenant = tb,
         .action = "order.read",
         .objects = "order:1001"},
        {.time = 20000,
         .server_id = "s",
         .request_id = "r3",
         .principal_tenant = tb,
         .principal_id = "user:2",
         .data_tenant = ta,
         .action = "order.read",
         .objects = "order:1002"},
    };
    CHECK_INT(store_audit_append(st, recs, 3), STORE_OK);
    struct security_event_row e = {.time = 10002,
                                   .kind = "tenant_mismatch",
                                   .request_id = "r4",
                                   .route = "GET /api/v1/orders",
                                   .principal_tenant = ta,
                                   .principal_id = "key:1",
                                   .exposed_tenant = tb,
                                   .records = "order:1001"};
    CHECK_INT(store_operator_security_event_add(st, &e), STORE_OK);
    e.time = 9000;
    e.request_id = "r0";
    CHECK_INT(store_operator_security_event_add(st, &e), STORE_OK);
    struct exposure_event *ev = NULL;
    size_t n = 0;
    CHECK_INT(store_operator_exposure_events(st, 9000, 15000, &a, &ev, &n), STORE_OK);
    CHECK_INT(n, 3); /* the audit's cross-tenant one, then the wall's two in time order */
    if (n == 3) {
        CHECK_STR(ev[0].request_id, "r2");
        CHECK(!ev[0].withheld);
        CHECK_INT(ev[0].data_tenant, tb);
        CHECK_STR(ev[0].action, "order.read");
        CHECK_STR(ev[1].request_id, "r0");
        CHECK(ev[1].withheld);
        CHECK_STR(ev[1].action, "egress.withheld");
        CHECK_INT(ev[1].data_tenant, tb);
        CHECK_STR(ev[1].objects, "order:1001");
        CHECK_STR(ev[2].request_id, "r4");
    }
    CHECK_INT(store_operator_exposure_events(st, 0, 30000, &a, &ev, &n), STORE_OK);
    CHECK_INT(n, 4);

    int64_t inc = 0;
    CHECK_INT(store_operator_status_post_get(st, "breach:1", &inc), STORE_NOTFOUND);
    CHECK_INT(store_operator_status_post_set(st, "breach:1", 5, 100), STORE_OK);
    CHECK_INT(store_operator_status_post_set(st, "breach:1", 6, 200), STORE_OK);
    CHECK_INT(store_operator_status_post_get(st, "breach:1", &inc), STORE_OK);
    CHECK_INT(inc, 6);
    CHECK_INT(store_operator_status_post_clear(st, "breach:1"), STORE_OK);
    CHECK_INT(store_operator_status_post_get(st, "breach:1", &inc), STORE_NOTFOUND);
    arena_free(&a);
}

static void run(const char *url)
{
    CHECK_INT(store_open(url, &st), STORE_OK);
    if (!st) return;
    int applied = 0;
    CHECK_INT(store_migrate(st, &applied), STORE_OK);
    int64_t ta = 0, tb = 0, tc = 0;
    CHECK_INT(store_operator_tenant_create(st, "Alpha Ltd", 1, &ta), STORE_OK);
    CHECK_INT(store_operator_tenant_create(st, "Beta Ltd", 1, &tb), STORE_OK);
    CHECK_INT(store_operator_tenant_create(st, "Gamma Ltd", 1, &tc), STORE_OK);
    test_operators();
    test_counts_and_reports(ta, tb, tc);
    test_register(ta, tb);
    test_events_and_posts(ta, tb);
    CHECK(!store_is_broken(st));
    store_close(st);
    st = NULL;
    printf("%s: done\n", backend);
}

/* A fresh database of the cluster: its store URL (as tests/e2e/harness.py
 * makes one) and the superuser's. */
static bool pg_database(const char *cluster, char *url, size_t n)
{
    const char *src = getenv("POSTROOM_SOURCE_DIR");
    char cmd[1024], line[1024], sock[512] = "", port[32] = "";
    snprintf(cmd, sizeof cmd, "'%s/scripts/pg.sh' db '%s' unit_ops_%d", src ? src : ".", cluster,
             (int)getpid());
    FILE *p = popen(cmd, "r");
    if (!p) return false;
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = 0;
        char *v = strchr(line, '=');
        if (!v || v[1] != '\'') continue;
        *v = 0;
        v += 2;
        v[strcspn(v, "'")] = 0;
        if (strcmp(line, "POSTROOM_PG_SOCKET") == 0) snprintf(sock, sizeof sock, "%s", v);
        if (strcmp(line, "POSTROOM_PG_PORT") == 0) snprintf(port, sizeof port, "%s", v);
        if (strcmp(line, "POSTROOM_PG_SUPER") == 0) snprintf(super_url, sizeof super_url, "%s", v);
    }
    if (pclose(p) != 0 || !sock[0] || !port[0] || !super_url[0]) return false;
    snprintf(url, n, "postgres:///unit_ops_%d?host=%s&port=%s", (int)getpid(), sock, port);
    return true;
}

int main(void)
{
    char dir[] = "/tmp/postroom-unit-ops-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    snprintf(sqlite_path, sizeof sqlite_path, "%s/ops.db", dir);
    backend = "sqlite";
    run(sqlite_path);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);

    const char *cluster = getenv("POSTROOM_TEST_PG");
    if (cluster && *cluster) {
        char url[1024];
        CHECK(pg_database(cluster, url, sizeof url));
        backend = "postgresql";
        if (super_url[0]) run(url);
    } else {
        printf("postgresql: skipped, no cluster given ($POSTROOM_TEST_PG unset)\n");
    }
    return check_report("store_pg_ops");
}
