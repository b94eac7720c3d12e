/* test_status_db: the status site's own database (status/status_db.c): a
 * fresh file gets the migration and the five default components once; a
 * component's change is kept in its history; an incident names only known
 * components (an unknown one writes nothing); updates stamp monitoring_at
 * and resolved_at; bad words are refused before anything is written; the
 * access audit's checkpoints are kept once each, in the order received,
 * never changed or deleted, and published as given. */
#include "check.h"
#include "status/status_db.h"
#include "status/status_db_impl.h"
#include "util/arena.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int64_t count(struct status_db *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

static void test_words(void)
{
    CHECK(status_component_state_valid("major_outage"));
    CHECK(status_component_state_valid("under_maintenance"));
    CHECK(!status_component_state_valid("down"));
    CHECK(!status_component_state_valid(NULL));
    CHECK(status_incident_status_valid("monitoring"));
    CHECK(!status_incident_status_valid("postmortem")); /* not something the CLI sets yet */
    CHECK(status_impact_valid("critical"));
    CHECK(!status_impact_valid("maintenance"));
}

static void test_components(struct status_db *db)
{
    CHECK_INT(count(db, "SELECT count(*) FROM components WHERE status = 'operational'"), 5);
    CHECK_INT(count(db, "SELECT position FROM components WHERE name = 'Tracking'"), 5);
    CHECK_INT(status_component_set(db, "API", "partial_outage", 1000), STATUS_OK);
    CHECK_INT(status_component_set(db, "API", "operational", 2000), STATUS_OK);
    CHECK_INT(status_component_set(db, "Nowhere", "operational", 3000), STATUS_NOTFOUND);
    CHECK_INT(status_component_set(db, "API", "down", 3000), STATUS_BAD);
    CHECK_INT(count(db, "SELECT count(*) FROM component_changes"), 2);
    CHECK_INT(count(db, "SELECT count(*) FROM component_changes WHERE old_status = 'partial_outage'"
                        " AND new_status = 'operational' AND at = 2000"),
              1);
    CHECK_INT(count(db, "SELECT updated_at FROM components WHERE name = 'API'"), 2000);
}

static void test_incidents(struct status_db *db)
{
    const char *bad[] = {"Labels", "Nowhere"};
    int64_t id = 0;
    CHECK_INT(status_incident_create(db, "x", "identified", "minor", bad, 2, "b", 10, &id),
              STATUS_NOTFOUND);
    CHECK_INT(count(db, "SELECT count(*) FROM incidents"), 0);
    CHECK_INT(count(db, "SELECT count(*) FROM incident_updates"), 0);
    CHECK_INT(status_incident_create(db, "x", "sideways", "minor", NULL, 0, "b", 10, &id),
              STATUS_BAD);
    CHECK_INT(status_incident_create(db, "x", "identified", "minor", NULL, 0, "", 10, &id),
              STATUS_BAD);

    const char *good[] = {"Labels", "Imports"};
    CHECK_INT(status_incident_create(db, "Slow", "identified", "major", good, 2, "Seen", 100, &id),
              STATUS_OK);
    CHECK(id > 0);
    CHECK_INT(count(db, "SELECT count(*) FROM incident_components"), 2);
    CHECK_INT(count(db, "SELECT count(*) FROM incidents WHERE monitoring_at IS NULL AND"
                        " resolved_at IS NULL AND started_at = 100 AND status = 'identified'"),
              1);
    CHECK_INT(status_incident_update(db, id, "monitoring", "Fix out", 200), STATUS_OK);
    CHECK_INT(status_incident_update(db, id, "resolved", "Done", 300), STATUS_OK);
    CHECK_INT(status_incident_update(db, id + 1, "resolved", "Done", 300), STATUS_NOTFOUND);
    CHECK_INT(status_incident_update(db, id, "bad", "Done", 300), STATUS_BAD);
    CHECK_INT(count(db, "SELECT monitoring_at FROM incidents"), 200);
    CHECK_INT(count(db, "SELECT resolved_at FROM incidents"), 300);
    CHECK_INT(count(db, "SELECT updated_at FROM incidents"), 300);
    CHECK_INT(count(db, "SELECT count(*) FROM incident_updates"), 3);
    /* reopened: resolved_at goes, so readers see it active again */
    CHECK_INT(status_incident_update(db, id, "investigating", "Back", 400), STATUS_OK);
    CHECK_INT(count(db, "SELECT count(*) FROM incidents WHERE resolved_at IS NULL"), 1);
}

static bool collect(void *ctx, const char *line, const char *key)
{
    struct buf *b = ctx;
    buf_adds(b, line);
    buf_addc(b, '/');
    buf_adds(b, key);
    buf_addc(b, ';');
    return true;
}

static void test_audit_checkpoints(struct status_db *db)
{
    char k1[65], k2[65];
    memset(k1, 'a', 64), memset(k2, '7', 64);
    k1[64] = k2[64] = 0;
    const char *lines[] = {"3 00ff 1700 beef", "5 0a0b 1800 cafe"};
    size_t added = 9;
    CHECK_INT(count(db, "PRAGMA user_version"), 3);
    CHECK_INT(status_audit_checkpoints_add(db, lines, 2, k1, 100, &added), STATUS_OK);
    CHECK_INT(added, 2);
    /* the same lines again (a copy of the whole file) add nothing */
    CHECK_INT(status_audit_checkpoints_add(db, lines, 2, k1, 200, &added), STATUS_OK);
    CHECK_INT(added, 0);
    const char *more[] = {"9 0c0d 1900 f00d"};
    CHECK_INT(status_audit_checkpoints_add(db, more, 1, k2, 300, &added), STATUS_OK);
    CHECK_INT(added, 1);
    /* other shapes: nothing written, not even the good line beside them */
    const char *bad[][2] = {{"11 00 1 ab", "12 00 1 AB"},      {"11 00 1 ab", "x 00 1 ab"},
                            {"11 00 1 ab", "12 00  1 ab"},     {"11 00 1 ab", "12 00 1 ab\n"},
                            {"11 00 1 ab", "12 00 1 ab "},     {"11 00 1 ab", ""},
                            {"11 00 1 ab", "12 <script> 1 ab"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(status_audit_checkpoints_add(db, bad[i], 2, k1, 400, &added), STATUS_BAD);
    CHECK_INT(status_audit_checkpoints_add(db, more, 1, "abc", 400, &added), STATUS_BAD);
    CHECK_INT(count(db, "SELECT count(*) FROM audit_checkpoints"), 3);
    CHECK_INT(count(db, "SELECT count FROM audit_checkpoints WHERE line LIKE '9 %'"), 9);
    /* append-only */
    CHECK(!status_db_exec(db, "UPDATE audit_checkpoints SET line = '1 00 1 ab'"));
    CHECK(!status_db_exec(db, "DELETE FROM audit_checkpoints"));
    CHECK_INT(count(db, "SELECT count(*) FROM audit_checkpoints"), 3);

    struct arena a;
    arena_init(&a);
    struct buf b;
    buf_init(&b, &a);
    CHECK_INT(status_audit_checkpoints_each(db, collect, &b), STATUS_OK);
    char want[400];
    snprintf(want, sizeof want, "3 00ff 1700 beef/%s;5 0a0b 1800 cafe/%s;9 0c0d 1900 f00d/%s;", k1,
             k1, k2);
    CHECK_STR(buf_cstr(&b), want);
    buf_init(&b, &a);
    CHECK(status_write_audit_lines(db, &b));
    CHECK_STR(buf_cstr(&b), "3 00ff 1700 beef\n5 0a0b 1800 cafe\n9 0c0d 1900 f00d\n");
    buf_init(&b, &a);
    CHECK(status_write_audit_keys(db, &b));
    snprintf(want, sizeof want, "%s\n%s\n", k1, k2);
    CHECK_STR(buf_cstr(&b), want);
    arena_free(&a);
}

int main(void)
{
    char path[] = "/tmp/postroom-test-status-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    struct status_db *db;
    CHECK_INT(status_db_open(path, false, &db), STATUS_ERROR); /* read-only never creates */
    CHECK_INT(status_db_open(path, true, &db), STATUS_OK);
    test_words();
    test_components(db);
    test_incidents(db);
    test_audit_checkpoints(db);
    status_db_close(db);
    /* opening again adds no second set of defaults */
    CHECK_INT(status_db_open(path, true, &db), STATUS_OK);
    CHECK_INT(count(db, "SELECT count(*) FROM components"), 5);
    status_db_close(db);
    char side[64];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_status_db");
}
