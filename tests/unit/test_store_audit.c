/* Unit tests of the store's audit chain (sqlite_audit.c): appends link each
 * record onto the head (seq 1, 2, 3..., prev_hash the last hash) and the
 * chain read back verifies; an append inside a scoped transaction commits
 * and rolls back with it, and may only name the transaction's tenant. */
#include "check.h"
#include "domain/audit.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct audit_actor who = {"host:1", "req-1", 1, "key:1"};

static void ignore(void *ctx, int64_t seq, const char *message)
{
    (void)ctx, (void)seq, (void)message;
}

static size_t chain(struct store *s, struct arena *a, struct audit_record **rows)
{
    size_t n = 99;
    CHECK_INT(store_operator_audit_range(s, 1, 1000, a, rows, &n), STORE_OK);
    return n;
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char path[] = "/tmp/postroom-test-audit-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    struct arena a;
    arena_init(&a);
    int64_t ta, tb;
    CHECK_INT(store_operator_tenant_create(s, "A", 1, &ta), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "B", 1, &tb), STORE_OK);

    /* two appends, three records: one chain */
    struct audit_record r[2] = {audit_record_of(&who, 10, ta, "order.read", "order:1"),
                                audit_record_of(&who, 11, ta, "order.read", "order:2")};
    CHECK_INT(store_audit_append(s, r, 2), STORE_OK);
    struct audit_record one = audit_record_of(&who, 12, tb, "order.create", "order:3,4");
    CHECK_INT(store_audit_append(s, &one, 1), STORE_OK);
    struct audit_record *rows;
    CHECK_INT(chain(s, &a, &rows), 3);
    CHECK_INT(rows[0].seq, 1);
    CHECK_INT(rows[2].seq, 3);
    CHECK_STR(rows[0].prev_hash, audit_genesis);
    CHECK_STR(rows[1].prev_hash, rows[0].hash);
    CHECK_STR(rows[2].prev_hash, rows[1].hash);
    CHECK_STR(rows[2].objects, "order:3,4");
    CHECK_STR(rows[2].action, "order.create");
    CHECK_STR(rows[1].request_id, "req-1");
    CHECK_INT(rows[2].data_tenant, tb);
    CHECK_INT(audit_verify(rows, 3, NULL, 0, ignore, NULL), 0);

    /* in a scoped transaction: rolled back with it, committed with it */
    struct scope sa = {ta};
    struct audit_record mine = audit_record_of(&who, 13, ta, "order.create", "order:5");
    CHECK_INT(store_tx_begin(s, &sa, STORE_TX_WRITE), STORE_OK);
    CHECK_INT(store_audit_append(s, &mine, 1), STORE_OK);
    CHECK_INT(store_tx_rollback(s), STORE_OK);
    CHECK_INT(chain(s, &a, &rows), 3);
    CHECK_INT(store_tx_begin(s, &sa, STORE_TX_WRITE), STORE_OK);
    CHECK_INT(store_audit_append(s, &mine, 1), STORE_OK);
    CHECK_INT(store_tx_commit(s), STORE_OK);
    CHECK_INT(chain(s, &a, &rows), 4);
    CHECK_INT(rows[3].seq, 4);
    CHECK_INT(audit_verify(rows, 4, NULL, 0, ignore, NULL), 0);
    CHECK(!store_is_broken(s));

    /* another tenant's record inside tenant A's transaction: refused */
    struct audit_record foreign = audit_record_of(&who, 14, tb, "order.read", "order:3");
    CHECK_INT(store_tx_begin(s, &sa, STORE_TX_WRITE), STORE_OK);
    CHECK_INT(store_audit_append(s, &foreign, 1), STORE_ERROR);
    CHECK(store_is_broken(s));
    store_tx_rollback(s);
    store_close(s);

    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(chain(s, &a, &rows), 4);
    store_close(s);
    arena_free(&a);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_store_audit");
}
