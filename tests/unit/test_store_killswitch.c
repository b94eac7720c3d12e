/* Unit tests of the store's kill switch rows: a switch is keyed by tenant
 * (0: all) and feature ("": all); setting it again replaces its reason;
 * clearing one that is not on is NOTFOUND and changes nothing; the list
 * holds only the switches that are on, global ones first. */
#include "check.h"
#include "store/store.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t list(struct store *s, struct arena *a, struct killswitch_row **rows)
{
    size_t n = 99;
    CHECK_INT(store_operator_killswitch_list(s, a, rows, &n), STORE_OK);
    return n;
}

static void test_set_list_clear(struct store *s)
{
    struct arena a;
    arena_init(&a);
    struct killswitch_row *rows;
    CHECK_INT((int)list(s, &a, &rows), 0);

    int64_t t;
    CHECK_INT(store_operator_tenant_create(s, "A", 1, &t), STORE_OK);
    CHECK_INT(store_operator_killswitch_set(s, t, "labels", "label printer leak", "op", 100),
              STORE_OK);
    CHECK_INT(store_operator_killswitch_set(s, 0, "", "incident 7", "op", 200), STORE_OK);
    CHECK_INT((int)list(s, &a, &rows), 2);
    /* global first */
    CHECK_INT(rows[0].tenant_id, 0);
    CHECK_STR(rows[0].feature, "");
    CHECK_STR(rows[0].reason, "incident 7");
    CHECK_STR(rows[0].set_by, "op");
    CHECK_INT(rows[0].set_at, 200);
    CHECK_INT(rows[1].tenant_id, t);
    CHECK_STR(rows[1].feature, "labels");

    /* on again: one switch, the new reason and time */
    CHECK_INT(store_operator_killswitch_set(s, 0, "", "incident 7, widened", "op2", 300), STORE_OK);
    CHECK_INT((int)list(s, &a, &rows), 2);
    CHECK_STR(rows[0].reason, "incident 7, widened");
    CHECK_STR(rows[0].set_by, "op2");
    CHECK_INT(rows[0].set_at, 300);

    /* off: only that switch; a second off, or one never set, is NOTFOUND */
    CHECK_INT(store_operator_killswitch_clear(s, 0, "", 400), STORE_OK);
    CHECK_INT(store_operator_killswitch_clear(s, 0, "", 401), STORE_NOTFOUND);
    CHECK_INT(store_operator_killswitch_clear(s, t, "", 402), STORE_NOTFOUND);
    CHECK_INT(store_operator_killswitch_clear(s, 0, "labels", 403), STORE_NOTFOUND);
    CHECK(!store_is_broken(s));
    CHECK_INT((int)list(s, &a, &rows), 1);
    CHECK_INT(rows[0].tenant_id, t);
    CHECK_STR(rows[0].reason, "label printer leak");

    /* a cleared switch can be set again */
    CHECK_INT(store_operator_killswitch_set(s, 0, "", "incident 8", "op", 500), STORE_OK);
    CHECK_INT((int)list(s, &a, &rows), 2);
    CHECK_STR(rows[0].reason, "incident 8");
    CHECK_INT(store_operator_killswitch_clear(s, 0, "", 600), STORE_OK);
    CHECK_INT(store_operator_killswitch_clear(s, t, "labels", 600), STORE_OK);
    CHECK_INT((int)list(s, &a, &rows), 0);
    arena_free(&a);
}

/* A switch covers tenants, so no scoped transaction may carry one. */
static void test_not_in_scoped_tx(const char *path)
{
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    struct scope sc = {1};
    CHECK_INT(store_tx_begin(s, &sc, STORE_TX_WRITE), STORE_OK);
    CHECK_INT(store_operator_killswitch_set(s, 0, "", "x", "op", 1), STORE_ERROR);
    CHECK(store_is_broken(s));
    store_close(s);
    CHECK_INT(store_open(path, &s), STORE_OK);
    struct arena a;
    arena_init(&a);
    struct killswitch_row *rows;
    CHECK_INT((int)list(s, &a, &rows), 0);
    arena_free(&a);
    store_close(s);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char path[] = "/tmp/postroom-test-killswitch-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    test_set_list_clear(s);
    store_close(s);
    test_not_in_scoped_tx(path);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_store_killswitch");
}
