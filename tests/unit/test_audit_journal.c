/* Unit tests of the audit journal (http/audit_journal.c, and its record
 * encoding in domain/audit.c): a record survives encoding whatever its
 * text, a line cut short never decodes; records written are in the chain
 * once the journal closes, and its file is gone; a dead server's journal
 * is appended from the offset the chain recorded, up to its last whole
 * record, once; a write that fails (a full disk) says so. */
#include "check.h"
#include "domain/audit.h"
#include "http/audit_journal.h"
#include "store/store.h"
#include "util/buf.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct audit_actor who = {"host:1", "req 1:\n2", 7, "key:3"};

static size_t chain(const char *db, struct arena *a, struct audit_record **rows)
{
    struct store *s;
    CHECK_INT(store_open(db, &s), STORE_OK);
    size_t n = 99;
    CHECK_INT(store_operator_audit_range(s, 1, 1000, a, rows, &n), STORE_OK);
    store_close(s);
    return n;
}

static void test_encoding(struct arena *a)
{
    struct audit_record r = audit_record_of(&who, 1234567890123, -5, "order.read", "order:1,2");
    struct buf b;
    buf_init(&b, a);
    audit_journal_encode(&b, &r);
    size_t whole = b.len;
    audit_journal_encode(&b, &r);
    struct audit_record out;
    CHECK_INT((long)audit_journal_decode(b.data, b.len, a, &out), (long)whole);
    CHECK_INT(out.time, 1234567890123);
    CHECK_INT(out.principal_tenant, 7);
    CHECK_INT(out.data_tenant, -5);
    CHECK_STR(out.server_id, "host:1");
    CHECK_STR(out.request_id, "req 1:\n2");
    CHECK_STR(out.principal_id, "key:3");
    CHECK_STR(out.action, "order.read");
    CHECK_STR(out.objects, "order:1,2");
    CHECK_INT((long)audit_journal_decode(b.data + whole, b.len - whole, a, &out), (long)whole);
    /* every cut short of the whole line fails */
    for (size_t n = 0; n < whole; n++)
        CHECK_INT((long)audit_journal_decode(b.data, n, a, &out), 0);
    CHECK_INT((long)audit_journal_decode("A2 1 2 3 0: 0: 0: 0: 0:\n", 24, a, &out), 0);
    CHECK_INT((long)audit_journal_decode("A1 1 2 3 0: 0: 0: 0: 0:\n", 24, a, &out), 24);
    CHECK_INT((long)audit_journal_decode("A1 1 2 3 0: 0: 0: 0: 9:\n", 24, a, &out), 0);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    struct arena a;
    arena_init(&a);
    test_encoding(&a);

    char tmp[] = "/tmp/postroom-test-journal-XXXXXX";
    CHECK(mkdtemp(tmp) != NULL);
    char db[256], dir[256], dead[300], full[300];
    snprintf(db, sizeof db, "%s/p.db", tmp);
    snprintf(dir, sizeof dir, "%s/p.db.audit-journal", tmp);
    struct store *s;
    CHECK_INT(store_open(db, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    store_close(s);

    /* written, then appended when the journal closes; the file goes */
    struct audit_journal *j = audit_journal_open(db, dir, "live", 2, 0, 0);
    CHECK(j != NULL);
    struct audit_record r[3] = {audit_record_of(&who, 1, 7, "order.read", "order:1"),
                                audit_record_of(&who, 2, 7, "order.read", "order:2"),
                                audit_record_of(&who, 3, 7, "label.print", "order:3")};
    CHECK(audit_journal_write(j, &a, r, 3));
    CHECK(audit_journal_write(j, &a, r, 0));
    audit_journal_close(j);
    struct audit_record *rows;
    CHECK_INT((long)chain(db, &a, &rows), 3);
    CHECK_STR(rows[2].action, "label.print");
    CHECK_STR(rows[0].request_id, "req 1:\n2");
    struct stat st;
    CHECK(stat(dir, &st) == 0);
    char live[300];
    snprintf(live, sizeof live, "%s/live", dir);
    CHECK(stat(live, &st) != 0);

    /* a journal all appended is replaced by a new one (here at once):
     * nothing is lost or appended twice, and none is left at the close */
    j = audit_journal_open(db, dir, "rot", 1, 0, 1);
    CHECK(j != NULL);
    for (int i = 0; i < 20; i++)
        CHECK(audit_journal_write(j, &a, r, 1 + i % 3));
    audit_journal_close(j);
    CHECK_INT((long)chain(db, &a, &rows), 3 + 39);
    CHECK_INT(audit_journal_replay(db, dir, NULL), 0);
    CHECK(rmdir(dir) == 0 && mkdir(dir, 0700) == 0); /* empty */

    /* a dead server's journal: three records, the first already in the
     * chain by its offset, the last cut short by the kill */
    struct buf b;
    buf_init(&b, &a);
    struct audit_record d[3] = {audit_record_of(&who, 4, 7, "order.read", "order:4"),
                                audit_record_of(&who, 5, 7, "order.read", "order:5"),
                                audit_record_of(&who, 6, 7, "order.read", "order:6")};
    audit_journal_encode(&b, &d[0]);
    size_t first = b.len;
    audit_journal_encode(&b, &d[1]);
    audit_journal_encode(&b, &d[2]);
    snprintf(dead, sizeof dead, "%s/dead", dir);
    int fd = open(dead, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK(write(fd, b.data, b.len - 3) == (ssize_t)(b.len - 3));
    CHECK_INT(store_open(db, &s), STORE_OK);
    CHECK_INT(store_audit_append_journal(s, &d[0], 1, "dead", (int64_t)first), STORE_OK);
    store_close(s);
    /* while its owner holds the lock, it is left alone */
    CHECK(flock(fd, LOCK_EX) == 0);
    CHECK_INT(audit_journal_replay(db, dir, NULL), 0);
    CHECK_INT((long)chain(db, &a, &rows), 43);
    close(fd); /* the owner is gone */
    CHECK_INT(audit_journal_replay(db, dir, NULL), 1);
    CHECK_INT((long)chain(db, &a, &rows), 44);
    CHECK_STR(rows[42].objects, "order:4");
    CHECK_STR(rows[43].objects, "order:5");
    CHECK(stat(dead, &st) != 0);
    CHECK_INT(audit_journal_replay(db, dir, NULL), 0);
    CHECK_INT((long)chain(db, &a, &rows), 44);
    int64_t off = -1;
    CHECK_INT(store_open(db, &s), STORE_OK);
    CHECK_INT(store_audit_journal_offset(s, "dead", &off), STORE_OK);
    store_close(s);
    CHECK_INT(off, 0); /* forgotten */

    /* a write that fails (the disk is full) is refused, so the answer is */
    snprintf(full, sizeof full, "%s/full", dir);
    CHECK(symlink("/dev/full", full) == 0);
    j = audit_journal_open(db, dir, "full", 16, 0, 0);
    CHECK(j != NULL);
    CHECK(!audit_journal_write(j, &a, r, 1));
    audit_journal_close(j);
    CHECK_INT((long)chain(db, &a, &rows), 44);
    unlink(full);

    arena_free(&a);
    rmdir(dir);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    CHECK(system(cmd) == 0);
    return check_report("test_audit_journal");
}
