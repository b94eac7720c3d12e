/* Unit tests of revoking sessions in the store: one tenant's sessions, or
 * every tenant's, end at once and are counted; API keys stay; turning a
 * kill switch on while revoking is one transaction (a failure undoes both);
 * neither may run inside a scoped transaction. */
#include "check.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ROLE 2 /* users.role as stored: admin */

struct fixture {
    int64_t t1, t2, u1, u2;
};

/* A session for user u of tenant t, its token hash {tag, 0, ...}. */
static void session(struct store *s, int64_t t, int64_t u, unsigned char tag)
{
    unsigned char h[32] = {tag};
    struct credential c = {.tenant_id = t, .user_id = u, .role = ROLE};
    CHECK_INT(store_directory_session_create(s, h, &c, "csrf", 100, 100000), STORE_OK);
}

static bool live(struct store *s, unsigned char tag)
{
    unsigned char h[32] = {tag};
    struct credential c;
    const char *csrf;
    struct arena a;
    arena_init(&a);
    int rc = store_directory_session(s, h, 200, 50000, &c, &csrf, &a);
    arena_free(&a);
    CHECK(rc == STORE_OK || rc == STORE_NOTFOUND);
    return rc == STORE_OK;
}

static size_t switches(struct store *s)
{
    struct arena a;
    arena_init(&a);
    struct killswitch_row *rows;
    size_t n = 99;
    CHECK_INT(store_operator_killswitch_list(s, &a, &rows, &n), STORE_OK);
    arena_free(&a);
    return n;
}

static void setup(struct store *s, struct fixture *f)
{
    CHECK_INT(store_operator_tenant_create(s, "A", 1, &f->t1), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "B", 1, &f->t2), STORE_OK);
    CHECK_INT(store_operator_user_add(s, f->t1, "a@example.com", "h", ROLE, 2, &f->u1), STORE_OK);
    CHECK_INT(store_operator_user_add(s, f->t2, "b@example.com", "h", ROLE, 2, &f->u2), STORE_OK);
    unsigned char kh[32] = {0xAA};
    int64_t key;
    CHECK_INT(store_operator_apikey_add(s, f->t1, kh, "main", 3, &key), STORE_OK);
}

static void test_revoke_one_tenant_then_all(struct store *s, const struct fixture *f)
{
    session(s, f->t1, f->u1, 1);
    session(s, f->t1, f->u1, 2);
    session(s, f->t2, f->u2, 3);
    int64_t ended = -1;
    CHECK_INT(store_operator_sessions_revoke(s, f->t1, &ended), STORE_OK);
    CHECK_INT(ended, 2);
    CHECK(!live(s, 1));
    CHECK(!live(s, 2));
    CHECK(live(s, 3)); /* the other business's session holds */
    /* again: nothing left to end */
    CHECK_INT(store_operator_sessions_revoke(s, f->t1, &ended), STORE_OK);
    CHECK_INT(ended, 0);
    /* the API key is not a session */
    unsigned char kh[32] = {0xAA};
    struct credential c;
    CHECK_INT(store_directory_apikey(s, kh, &c), STORE_OK);
    CHECK_INT(c.tenant_id, f->t1);

    session(s, f->t1, f->u1, 4);
    CHECK_INT(store_operator_sessions_revoke(s, 0, &ended), STORE_OK);
    CHECK_INT(ended, 2);
    CHECK(!live(s, 3));
    CHECK(!live(s, 4));
    CHECK_INT(store_directory_apikey(s, kh, &c), STORE_OK);
    CHECK(!store_is_broken(s));
}

static void test_switch_and_revoke_together(struct store *s, const struct fixture *f)
{
    session(s, f->t1, f->u1, 5);
    session(s, f->t2, f->u2, 6);
    int64_t ended = -1;
    CHECK_INT(store_operator_killswitch_set_revoking(s, f->t2, "", "incident 9", "op", 300, &ended),
              STORE_OK);
    CHECK_INT(ended, 1);
    CHECK(live(s, 5));
    CHECK(!live(s, 6));
    CHECK_INT((int)switches(s), 1);
    CHECK_INT(store_operator_killswitch_clear(s, f->t2, "", 400), STORE_OK);

    /* global: every session, one switch */
    session(s, f->t2, f->u2, 7);
    CHECK_INT(store_operator_killswitch_set_revoking(s, 0, "web", "incident 10", "op", 500, &ended),
              STORE_OK);
    CHECK_INT(ended, 2);
    CHECK(!live(s, 5));
    CHECK(!live(s, 7));
    CHECK_INT((int)switches(s), 1);
    CHECK_INT(store_operator_killswitch_clear(s, 0, "web", 600), STORE_OK);
    CHECK(!store_is_broken(s));
}

/* A failure of the revocation undoes the switch set before it: the
 * sessions table is made to refuse deletes, and then neither happens. */
static void test_all_or_nothing(struct store *s, const char *path, const struct fixture *f)
{
    session(s, f->t1, f->u1, 8);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s' \"CREATE TRIGGER no_delete BEFORE DELETE ON sessions "
             "BEGIN SELECT RAISE(ABORT, 'refused'); END;\"",
             path);
    if (system(cmd) != 0) {
        fprintf(stderr, "test_store_sessions: no sqlite3 CLI, all-or-nothing not checked\n");
        return;
    }
    int64_t ended = -1;
    int rc = store_operator_killswitch_set_revoking(s, f->t1, "", "incident 11", "op", 700, &ended);
    CHECK(rc != STORE_OK);
    CHECK_INT(ended, 0);
    store_close(s);
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT((int)switches(s), 0); /* the switch went with the failed revocation */
    CHECK(live(s, 8));
    store_close(s);
}

/* Revoking covers tenants, so no scoped transaction may carry it. */
static void test_not_in_scoped_tx(const char *path)
{
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    struct scope sc = {1};
    int64_t ended = -1;
    CHECK_INT(store_tx_begin(s, &sc, STORE_TX_WRITE), STORE_OK);
    CHECK_INT(store_operator_sessions_revoke(s, 1, &ended), STORE_ERROR);
    CHECK_INT(ended, 0);
    CHECK(store_is_broken(s));
    store_close(s);
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_tx_begin(s, &sc, STORE_TX_WRITE), STORE_OK);
    CHECK_INT(store_operator_killswitch_set_revoking(s, 1, "", "x", "op", 1, &ended), STORE_ERROR);
    CHECK(store_is_broken(s));
    store_close(s);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char path[] = "/tmp/postroom-test-sessions-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    struct fixture f;
    setup(s, &f);
    test_revoke_one_tenant_then_all(s, &f);
    test_switch_and_revoke_together(s, &f);
    test_not_in_scoped_tx(path);
    test_all_or_nothing(s, path, &f);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_store_sessions");
}
