/* Unit tests of the store's operator calls (sqlite_operators.c): accounts
 * (a duplicate address is a conflict, disabling ends the sessions and
 * sign-in), the TOTP step that only moves forward, sessions with their
 * idle and absolute expiry, the console's counts (ids and statuses only),
 * the data-problem reports, and that none of it runs inside a scoped
 * transaction, nor a business call with a scope that names no business. */
#include "check.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_accounts_and_steps(struct store *s)
{
    struct arena a;
    arena_init(&a);
    int64_t id = 0, id2 = 0;
    CHECK_INT(store_operator_account_add(s, "op@x.example", "HASH", "SECRET", 10, &id), STORE_OK);
    CHECK(id > 0);
    CHECK_INT(store_operator_account_add(s, "op@x.example", "H2", "S2", 11, &id2), STORE_CONFLICT);
    CHECK_INT(store_operator_account_add(s, "op2@x.example", "H2", "S2", 12, &id2), STORE_OK);
    CHECK(!store_is_broken(s));

    struct operator_row op;
    CHECK_INT(store_directory_operator_login(s, "op@x.example", &a, &op), STORE_OK);
    CHECK_INT(op.operator_id, id);
    CHECK_STR(op.pw_hash, "HASH");
    CHECK_STR(op.totp_secret, "SECRET");
    CHECK_INT(op.totp_last_step, 0);
    CHECK_INT(store_directory_operator_login(s, "nobody@x.example", &a, &op), STORE_NOTFOUND);
    /* a business user's address is not an operator's */
    int64_t t, uid;
    CHECK_INT(store_operator_tenant_create(s, "Biz", 1, &t), STORE_OK);
    CHECK_INT(store_operator_user_add(s, t, "user@x.example", "UH", 2, 1, &uid), STORE_OK);
    CHECK_INT(store_directory_operator_login(s, "user@x.example", &a, &op), STORE_NOTFOUND);
    struct credential cr;
    const char *h;
    CHECK_INT(store_directory_login(s, "op@x.example", &a, &cr, &h), STORE_NOTFOUND);

    /* steps only move forward */
    CHECK_INT(store_directory_operator_step(s, id, 100), STORE_OK);
    CHECK_INT(store_directory_operator_step(s, id, 100), STORE_CONFLICT);
    CHECK_INT(store_directory_operator_step(s, id, 99), STORE_CONFLICT);
    CHECK_INT(store_directory_operator_step(s, id, 101), STORE_OK);
    CHECK_INT(store_directory_operator_login(s, "op@x.example", &a, &op), STORE_OK);
    CHECK_INT(op.totp_last_step, 101);
    CHECK(!store_is_broken(s));

    /* sessions: idle and absolute expiry */
    unsigned char h1[32], h2[32];
    memset(h1, 1, sizeof h1);
    memset(h2, 2, sizeof h2);
    CHECK_INT(store_directory_operator_session_create(s, h1, id, "CSRF1", 1000, 100000), STORE_OK);
    CHECK_INT(store_directory_operator_session_create(s, h2, id2, "CSRF2", 1000, 100000), STORE_OK);
    int64_t who = 0;
    const char *csrf = NULL;
    CHECK_INT(store_directory_operator_session(s, h1, 2000, 5000, &who, &csrf, &a), STORE_OK);
    CHECK_INT(who, id);
    CHECK_STR(csrf, "CSRF1");
    /* touched at 2000: alive at 6999, idle at 7000 */
    CHECK_INT(store_directory_operator_session(s, h1, 6999, 5000, &who, &csrf, &a), STORE_OK);
    CHECK_INT(store_directory_operator_session(s, h1, 11999, 5000, &who, &csrf, &a),
              STORE_NOTFOUND);
    CHECK_INT(store_directory_operator_session(s, h2, 100000, 1000000, &who, &csrf, &a),
              STORE_NOTFOUND); /* past its absolute expiry */
    CHECK_INT(store_directory_operator_session_create(s, h2, id2, "CSRF3", 200000, 300000),
              STORE_CONFLICT);
    CHECK_INT(store_directory_operator_session_delete(s, h2), STORE_OK);
    CHECK_INT(store_directory_operator_session_create(s, h2, id2, "CSRF3", 200000, 300000),
              STORE_OK);
    CHECK_INT(store_directory_operator_session(s, h2, 200001, 5000, &who, &csrf, &a), STORE_OK);
    CHECK_INT(who, id2);
    /* an operator's session is no business session */
    const char *bcsrf;
    CHECK_INT(store_directory_session(s, h2, 200001, 5000, &cr, &bcsrf, &a), STORE_NOTFOUND);

    /* disabling ends the sessions and the sign-in */
    int64_t gone = 0;
    CHECK_INT(store_operator_account_disable(s, "op2@x.example", 200002, &gone), STORE_OK);
    CHECK_INT(gone, id2);
    CHECK_INT(store_directory_operator_session(s, h2, 200003, 5000, &who, &csrf, &a),
              STORE_NOTFOUND);
    CHECK_INT(store_directory_operator_login(s, "op2@x.example", &a, &op), STORE_NOTFOUND);
    CHECK_INT(store_operator_account_disable(s, "nobody@x.example", 1, &gone), STORE_NOTFOUND);
    /* again: still disabled since the first time */
    CHECK_INT(store_operator_account_disable(s, "op2@x.example", 300000, &gone), STORE_OK);
    CHECK_INT(gone, id2);
    struct operator_row *rows;
    size_t n;
    CHECK_INT(store_operator_account_list(s, &a, &rows, &n), STORE_OK);
    CHECK_INT(n, 2);
    CHECK_STR(rows[0].email, "op@x.example");
    CHECK_INT(rows[0].disabled_at, 0);
    CHECK(rows[0].pw_hash == NULL && rows[0].totp_secret == NULL);
    CHECK_INT(rows[1].disabled_at, 200002);
    CHECK(!store_is_broken(s));
    arena_free(&a);
}

static void test_counts_and_reports(struct store *s)
{
    struct arena a;
    arena_init(&a);
    int64_t t1, t2;
    CHECK_INT(store_operator_tenant_create(s, "Counted", 1, &t1), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "Empty", 1, &t2), STORE_OK);
    struct order_new o[3];
    memset(o, 0, sizeof o);
    for (int i = 0; i < 3; i++) {
        o[i].doc = "{\"recipient\":\"Secret Person\"}";
        o[i].reference = "R";
    }
    struct scope sc = {t1};
    int64_t ids[3];
    CHECK_INT(store_orders_insert(s, &sc, o, 3, 5, ids, NULL), STORE_OK);
    struct order_status_change c = {.from_status = "new", .to_status = "despatched", .now = 6};
    CHECK_INT(store_order_set_status(s, &sc, ids[0], &c), STORE_OK);
    struct tenant_count_row *rows;
    size_t n;
    CHECK_INT(store_operator_order_counts(s, &a, &rows, &n), STORE_OK);
    bool despatched = false, fresh = false, empty = false;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].tenant_id == t1 && !strcmp(rows[i].status, "despatched"))
            despatched = rows[i].count == 1;
        if (rows[i].tenant_id == t1 && !strcmp(rows[i].status, "new")) fresh = rows[i].count == 2;
        if (rows[i].tenant_id == t2)
            empty =
                !strcmp(rows[i].status, "") && rows[i].count == 0 && !strcmp(rows[i].name, "Empty");
    }
    CHECK(despatched && fresh && empty);

    int64_t r1, r2;
    CHECK_INT(store_data_report_add(s, &sc, 7, "/export", "wrong_data", "", 100, &r1), STORE_OK);
    struct scope sc2 = {t2};
    CHECK_INT(store_data_report_add(s, &sc2, 8, "/", "other_business", "text", 200, &r2), STORE_OK);
    CHECK_INT(store_data_report_add(s, &sc2, 8, "/", "made_up", "", 300, &r2), STORE_CONFLICT);
    struct data_report_row *d;
    CHECK_INT(store_operator_data_reports(s, 10, &a, &d, &n), STORE_OK);
    CHECK_INT(n, 2);
    CHECK_INT(d[0].tenant_id, t2); /* newest first */
    CHECK_STR(d[0].category, "other_business");
    CHECK_STR(d[0].details, "text");
    CHECK_INT(d[1].tenant_id, t1);
    CHECK_INT(d[1].user_id, 7);
    CHECK_STR(d[1].page, "/export");
    CHECK_INT(d[1].handled_at, 0);
    CHECK_INT(store_operator_data_reports(s, 1, &a, &d, &n), STORE_OK);
    CHECK_INT(n, 1);
    CHECK_INT(store_operator_data_report_handle(s, d[0].report_id, 3, 400), STORE_OK);
    CHECK_INT(store_operator_data_report_handle(s, d[0].report_id, 3, 401), STORE_NOTFOUND);
    CHECK_INT(store_operator_data_report_handle(s, 99999, 3, 401), STORE_NOTFOUND);
    CHECK_INT(store_operator_data_reports(s, 10, &a, &d, &n), STORE_OK);
    CHECK_INT(d[0].handled_at, 400);
    CHECK_INT(d[0].handled_by, 3);
    CHECK(!store_is_broken(s));
    arena_free(&a);
}

/* Operator calls have no tenant: refused inside a scoped transaction; and a
 * scope of tenant 0 (an operator principal's) is no business's. */
static void test_realm_invariants(const char *path)
{
    struct store *s;
    struct arena a;
    arena_init(&a);
    CHECK_INT(store_open(path, &s), STORE_OK);
    struct scope sc = {1};
    CHECK_INT(store_tx_begin(s, &sc, STORE_TX_WRITE), STORE_OK);
    int64_t id;
    CHECK_INT(store_operator_account_add(s, "tx@x.example", "H", "S", 1, &id), STORE_ERROR);
    CHECK(store_is_broken(s));
    store_tx_rollback(s);
    store_close(s);

    CHECK_INT(store_open(path, &s), STORE_OK);
    struct scope nobody = {0};
    const char *name = NULL;
    CHECK_INT(store_tenant_name(s, &nobody, &a, &name), STORE_ERROR);
    CHECK(store_is_broken(s));
    store_close(s);

    CHECK_INT(store_open(path, &s), STORE_OK);
    struct operator_row op;
    CHECK_INT(store_directory_operator_login(s, "tx@x.example", &a, &op), STORE_NOTFOUND);
    store_close(s);
    arena_free(&a);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char path[] = "/tmp/postroom-test-operators-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    test_accounts_and_steps(s);
    test_counts_and_reports(s);
    store_close(s);
    test_realm_invariants(path);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_store_operators");
}
