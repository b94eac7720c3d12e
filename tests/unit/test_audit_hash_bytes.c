/* Unit tests of the chain's hashes as the store keeps them (migration 017):
 * audit_hash_bytes is audit_hash's SHA-256 as 32 bytes, audit_hash_hex and
 * audit_hash_unhex turn one into the other and refuse what is no hash; the
 * SQLite store writes both hashes as 32-byte BLOBs, reads them back as the
 * same hex, reads a hash edited into anything else as one that matches
 * nothing (verify reports the record), and its migration turns a chain kept
 * as hex (before 017) into bytes that still verify. */
#include "check.h"
#include "domain/audit.h"
#include "store/migrations.h"
#include "store/store.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct audit_actor who = {"host:1", "req-1", 1, "key:1"};

static size_t found;
static char last[200];

static void problem(void *ctx, int64_t seq, const char *message)
{
    (void)ctx, (void)seq;
    found++;
    snprintf(last, sizeof last, "%s", message);
}

static void encoding(void)
{
    struct audit_record r = audit_record_of(&who, 1796183001356, 7, "order.read", "order:1001");
    r.seq = 42;
    char hex[AUDIT_HASH_HEX], again[AUDIT_HASH_HEX];
    unsigned char b[AUDIT_HASH_BYTES], c[AUDIT_HASH_BYTES];
    audit_hash(&r, audit_genesis, hex);
    audit_hash_bytes(&r, audit_genesis, b);
    audit_hash_hex(b, again);
    CHECK_STR(again, hex);
    CHECK_INT(strlen(hex), 64);
    CHECK(audit_hash_unhex(hex, 64, c));
    CHECK(memcmp(b, c, sizeof b) == 0);

    /* upper case reads the same; the genesis is 32 zero bytes */
    char upper[AUDIT_HASH_HEX];
    for (int i = 0; i < 65; i++)
        upper[i] = (char)(hex[i] >= 'a' && hex[i] <= 'f' ? hex[i] - 32 : hex[i]);
    memset(c, 0xAA, sizeof c);
    CHECK(audit_hash_unhex(upper, 64, c));
    CHECK(memcmp(b, c, sizeof b) == 0);
    CHECK(audit_hash_unhex(audit_genesis, 64, c));
    for (int i = 0; i < AUDIT_HASH_BYTES; i++)
        CHECK_INT(c[i], 0);

    /* anything else is refused, and leaves out as it was */
    memset(c, 0x55, sizeof c);
    CHECK(!audit_hash_unhex(hex, 63, c));
    CHECK(!audit_hash_unhex(hex, 65, c));
    CHECK(!audit_hash_unhex(NULL, 64, c));
    char bad[AUDIT_HASH_HEX];
    memcpy(bad, hex, sizeof bad);
    bad[17] = 'g';
    CHECK(!audit_hash_unhex(bad, 64, c));
    bad[17] = ' ';
    CHECK(!audit_hash_unhex(bad, 64, c));
    for (int i = 0; i < AUDIT_HASH_BYTES; i++)
        CHECK_INT(c[i], 0x55);

    /* every byte value survives the round trip */
    unsigned char all[AUDIT_HASH_BYTES];
    for (int k = 0; k < 8; k++) {
        for (int i = 0; i < AUDIT_HASH_BYTES; i++)
            all[i] = (unsigned char)(k * 32 + i);
        audit_hash_hex(all, again);
        CHECK(audit_hash_unhex(again, 64, c));
        CHECK(memcmp(all, c, sizeof c) == 0);
    }
}

static sqlite3 *raw(const char *path)
{
    sqlite3 *h = NULL;
    CHECK_INT(sqlite3_open(path, &h), SQLITE_OK);
    return h;
}

static void exec(sqlite3 *h, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(h, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) fprintf(stderr, "%s: %s\n", sql, err ? err : "?");
    CHECK_INT(rc, SQLITE_OK);
    sqlite3_free(err);
}

static int64_t count(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st;
    CHECK_INT(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static size_t chain(struct store *s, struct arena *a, struct audit_record **rows)
{
    size_t n = 0;
    CHECK_INT(store_operator_audit_range(s, 1, 1000, a, rows, &n), STORE_OK);
    return n;
}

/* The store keeps 32-byte BLOBs and hands back the hex it hashed. */
static void stored(const char *path)
{
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    struct audit_record r[3] = {audit_record_of(&who, 10, 1, "order.read", "order:1"),
                                audit_record_of(&who, 11, 1, "order.read", "order:2"),
                                audit_record_of(&who, 12, 1, "order.create", "order:3,4")};
    CHECK_INT(store_audit_append(s, r, 2), STORE_OK);
    CHECK_INT(store_audit_append(s, &r[2], 1), STORE_OK);
    struct arena a;
    arena_init(&a);
    struct audit_record *rows;
    CHECK_INT(chain(s, &a, &rows), 3);
    CHECK_STR(rows[0].prev_hash, audit_genesis);
    char h[AUDIT_HASH_HEX];
    for (int i = 0; i < 3; i++) {
        audit_hash(&rows[i], i ? rows[i - 1].hash : audit_genesis, h);
        CHECK_STR(rows[i].hash, h);
        if (i) CHECK_STR(rows[i].prev_hash, rows[i - 1].hash);
    }
    int64_t seq;
    CHECK_INT(store_operator_audit_head(s, &seq, h), STORE_OK);
    CHECK_INT(seq, 3);
    CHECK_STR(h, rows[2].hash);

    sqlite3 *db = raw(path);
    CHECK_INT(count(db, "SELECT count(*) FROM audit WHERE typeof(hash) = 'blob' AND "
                        "length(hash) = 32 AND typeof(prev_hash) = 'blob' AND "
                        "length(prev_hash) = 32"),
              3);
    CHECK_INT(count(db, "SELECT count(*) FROM audit WHERE seq = 1 AND prev_hash = zeroblob(32)"),
              1);
    /* edited into hex text, or cut short: matches nothing, verify says where */
    exec(db, "UPDATE audit SET hash = lower(hex(hash)) WHERE seq = 2");
    found = 0;
    CHECK_INT(chain(s, &a, &rows), 3);
    CHECK_STR(rows[1].hash, "?hash");
    CHECK(audit_verify(rows, 3, NULL, 0, problem, NULL) > 0);
    CHECK(strstr(last, "seq 2") || strstr(last, "seq 3"));
    exec(db, "UPDATE audit SET hash = substr(hash, 1, 16) WHERE seq = 2");
    CHECK_INT(chain(s, &a, &rows), 3);
    CHECK_STR(rows[1].hash, "?hash");
    exec(db, "UPDATE audit SET prev_hash = x'00' WHERE seq = 3");
    CHECK_INT(chain(s, &a, &rows), 3);
    CHECK_STR(rows[2].prev_hash, "?prev_hash");
    sqlite3_close(db);
    arena_free(&a);
    store_close(s);
}

/* A database at 016 with its chain kept as hex migrates to bytes that
 * verify, the same hashes. */
static void migrated(const char *path)
{
    /* the schema as 016 left it: the embedded steps up to 016, by hand */
    sqlite3 *db = raw(path);
    exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON");
    int later = 0;
    for (int i = 0; i < migrations_count; i++) {
        if (migrations[i].version > 16) {
            later++;
            continue;
        }
        exec(db, migrations[i].sql);
    }
    exec(db, "PRAGMA user_version = 16");
    struct store *s;
    char prev[AUDIT_HASH_HEX], h[AUDIT_HASH_HEX];
    memcpy(prev, audit_genesis, sizeof prev);
    for (int i = 1; i <= 3; i++) {
        struct audit_record r = audit_record_of(&who, 10 + i, 2, "order.read", "order:9");
        r.seq = i;
        audit_hash(&r, prev, h);
        char sql[600];
        snprintf(sql, sizeof sql,
                 "INSERT INTO audit VALUES (%d, %d, 'host:1', 'req-1', 1, 'key:1', 2, "
                 "'order.read', 'order:9', '%s', '%s')",
                 i, 10 + i, prev, h);
        exec(db, sql);
        memcpy(prev, h, sizeof prev);
    }
    sqlite3_close(db);

    CHECK_INT(store_open(path, &s), STORE_OK);
    int applied = 0;
    CHECK_INT(store_migrate(s, &applied), STORE_OK);
    CHECK_INT(applied, later); /* 017, and whatever came after it */
    struct arena a;
    arena_init(&a);
    struct audit_record *rows;
    CHECK_INT(chain(s, &a, &rows), 3);
    found = 0;
    CHECK_INT(audit_verify(rows, 3, NULL, 0, problem, NULL), 0);
    CHECK_STR(rows[2].hash, h);
    /* and the chain goes on from there */
    struct audit_record more = audit_record_of(&who, 20, 2, "order.read", "order:10");
    CHECK_INT(store_audit_append(s, &more, 1), STORE_OK);
    CHECK_INT(chain(s, &a, &rows), 4);
    CHECK_INT(audit_verify(rows, 4, NULL, 0, problem, NULL), 0);
    CHECK_STR(rows[3].prev_hash, h);
    arena_free(&a);
    store_close(s);
    db = raw(path);
    CHECK_INT(count(db, "SELECT count(*) FROM audit WHERE typeof(hash) = 'blob' AND "
                        "length(hash) = 32 AND length(prev_hash) = 32"),
              4);
    CHECK_INT(count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'audit_cross_tenant'"), 1);
    sqlite3_close(db);
}

static void scratch(char *path, void (*fn)(const char *))
{
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    fn(path);
    char side[300];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(side, sizeof side, "%s%s", path, suffix[i]);
        unlink(side);
    }
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    encoding();
    char p1[] = "/tmp/postroom-test-audit-bytes-XXXXXX";
    scratch(p1, stored);
    char p2[] = "/tmp/postroom-test-audit-bytes-XXXXXX";
    scratch(p2, migrated);
    return check_report("audit_hash_bytes");
}
