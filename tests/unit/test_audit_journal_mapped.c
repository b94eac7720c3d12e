/* Unit tests of the audit journal as a mapped file (http/audit_journal.c):
 * records copied into the mapping survive a SIGKILL of the process that
 * copied them, and the next replay appends each once; a record whose copy
 * was cut short (its first byte, copied last, still zero) is never
 * appended; the zeros a file is allocated with past its records replay as
 * nothing; writers that fill a file while the chain refuses the flusher go
 * on in the next one, and every record reaches the chain once, in the order
 * written, when the chain takes them again. */
#include "check.h"
#include "domain/audit.h"
#include "http/audit_journal.h"
#include "store/store.h"
#include "util/buf.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct audit_actor who = {"host:1", "req-1", 7, "key:3"};

static size_t chain(const char *db, struct arena *a, struct audit_record **rows)
{
    struct store *s;
    CHECK_INT(store_open(db, &s), STORE_OK);
    size_t n = 0;
    CHECK_INT(store_operator_audit_range(s, 1, 100000, a, rows, &n), STORE_OK);
    store_close(s);
    return n;
}

static int files_in(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d) closedir(d);
    return n;
}

static void sql(const char *db, const char *text)
{
    sqlite3 *c;
    CHECK_INT(sqlite3_open(db, &c), SQLITE_OK);
    sqlite3_busy_timeout(c, 5000);
    CHECK_INT(sqlite3_exec(c, text, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(c);
}

/* The record written i-th: its objects name i. */
static struct audit_record nth(struct arena *a, int i)
{
    return audit_record_of(&who, 1000 + i, 7, "order.read", arena_printf(a, "order:%d", i));
}

/* A child writes n records, then is killed before it can close the
 * journal: the parent's replay appends all n, once. */
static void test_sigkill(const char *db, const char *dir, struct arena *a)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* the chain refuses the flusher, so every record is in the file only */
        struct audit_journal *j = audit_journal_open(db, dir, "killed", 64, 0, 0);
        if (!j) _exit(1);
        struct arena ca;
        arena_init(&ca);
        for (int i = 0; i < 300; i++) {
            struct audit_record r = nth(&ca, i);
            if (!audit_journal_write(j, &ca, &r, 1)) _exit(2);
        }
        raise(SIGKILL);
        _exit(3);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    struct audit_record *rows;
    CHECK_INT((long)chain(db, a, &rows), 0);
    struct stat fs;
    char path[400];
    snprintf(path, sizeof path, "%s/killed", dir);
    CHECK(stat(path, &fs) == 0);
    CHECK(fs.st_size >= 300 * 40); /* allocated ahead: zeros past the records */
    sql(db, "DROP TRIGGER audit_hold");
    CHECK_INT(audit_journal_replay(db, dir, NULL), 1);
    CHECK_INT((long)chain(db, a, &rows), 300);
    for (int i = 0; i < 300; i++)
        CHECK_STR(rows[i].objects, arena_printf(a, "order:%d", i));
    CHECK(stat(path, &fs) != 0);
    CHECK_INT(audit_journal_replay(db, dir, NULL), 0);
    CHECK_INT((long)chain(db, a, &rows), 300);
}

/* A dead server's file as a cut copy leaves it: two whole records, a third
 * whose first byte is still zero, then the allocation's zeros. */
static void test_cut_copy(const char *db, const char *dir, struct arena *a)
{
    struct buf b;
    buf_init(&b, a);
    struct audit_record r[3] = {nth(a, 1001), nth(a, 1002), nth(a, 1003)};
    for (int i = 0; i < 3; i++)
        audit_journal_encode(&b, &r[i]);
    char *file = arena_alloc(a, 8192); /* zeros */
    memcpy(file, b.data, b.len);
    size_t two = 0;
    struct audit_record out;
    two += audit_journal_decode(file, b.len, a, &out);
    two += audit_journal_decode(file + two, b.len - two, a, &out);
    file[two] = 0; /* the third's first byte: copied last, never */
    char path[400];
    snprintf(path, sizeof path, "%s/cut", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK(write(fd, file, 8192) == 8192);
    close(fd);
    struct audit_record *rows;
    size_t before = chain(db, a, &rows);
    CHECK_INT(audit_journal_replay(db, dir, NULL), 1);
    CHECK_INT((long)chain(db, a, &rows), (long)before + 2);
    CHECK_STR(rows[before].objects, "order:1001");
    CHECK_STR(rows[before + 1].objects, "order:1002");
}

/* Writers fill several files while the chain refuses the flusher; once it
 * takes them, every record is appended once, in the order written, and
 * every file goes. */
static void test_writers_go_on(const char *db, const char *dir, struct arena *a)
{
    struct audit_record *rows;
    size_t before = chain(db, a, &rows);
    sql(db, "CREATE TRIGGER audit_hold BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'held'); "
            "END");
    /* rotation at 4 KB: a file holds 6 KB, some 80 records */
    struct audit_journal *j = audit_journal_open(db, dir, "full", 32, 0, 4096);
    CHECK(j != NULL);
    for (int i = 0; i < 500; i++) {
        struct audit_record r = nth(a, i);
        CHECK(audit_journal_write(j, a, &r, 1));
    }
    CHECK(files_in(dir) >= 3);
    CHECK_INT((long)chain(db, a, &rows), (long)before);
    sql(db, "DROP TRIGGER audit_hold");
    /* the flusher tries again every 100 ms; the journal closes once it is
     * through (a close while the chain still refused would leave files) */
    for (int t = 0; t < 500 && chain(db, a, &rows) < before + 500; t++)
        usleep(10000);
    audit_journal_close(j);
    CHECK_INT((long)chain(db, a, &rows), (long)before + 500);
    for (int i = 0; i < 500; i++)
        CHECK_STR(rows[before + (size_t)i].objects, arena_printf(a, "order:%d", i));
    CHECK_INT(files_in(dir), 0);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    struct arena a;
    arena_init(&a);
    char tmp[] = "/tmp/postroom-test-mapped-XXXXXX";
    CHECK(mkdtemp(tmp) != NULL);
    char db[256], dir[256];
    snprintf(db, sizeof db, "%s/p.db", tmp);
    snprintf(dir, sizeof dir, "%s/p.db.audit-journal", tmp);
    struct store *s;
    CHECK_INT(store_open(db, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    store_close(s);
    CHECK(mkdir(dir, 0700) == 0);

    sql(db, "CREATE TRIGGER audit_hold BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'held'); "
            "END");
    test_sigkill(db, dir, &a);
    test_cut_copy(db, dir, &a);
    test_writers_go_on(db, dir, &a);

    arena_free(&a);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    CHECK(system(cmd) == 0);
    return check_report("test_audit_journal_mapped");
}
