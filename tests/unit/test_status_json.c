/* test_status_json: the Statuspage v2 documents (status/status_json.c):
 * status.indicator is the worst of the components' states and the
 * unresolved incidents' impact; scheduled maintenances land in upcoming or
 * active by their status and carry scheduled_for/until; unresolved drops a
 * resolved incident; every document starts with page. */
#include "check.h"
#include "status/status_db.h"
#include "status/status_db_impl.h"
#include "status/status_json.h"
#include "util/arena.h"

#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

static struct arena a;

static json_t *doc(struct status_db *db, enum status_doc d)
{
    struct buf b;
    buf_init(&b, &a);
    CHECK(status_write_doc(db, d, &b));
    json_t *j = json_loadb(b.data, b.len, 0, NULL);
    CHECK(j && json_is_object(json_object_get(j, "page")));
    return j;
}

static const char *indicator(struct status_db *db, const char **description)
{
    json_t *j = doc(db, STATUS_DOC_STATUS);
    static char ind[16], desc[64];
    snprintf(ind, sizeof ind, "%s",
             json_string_value(json_object_get(json_object_get(j, "status"), "indicator")));
    snprintf(desc, sizeof desc, "%s",
             json_string_value(json_object_get(json_object_get(j, "status"), "description")));
    json_decref(j);
    if (description) *description = desc;
    return ind;
}

static size_t list_len(struct status_db *db, enum status_doc d, const char *key)
{
    json_t *j = doc(db, d);
    size_t n = json_array_size(json_object_get(j, key));
    json_decref(j);
    return n;
}

static void test_indicator(struct status_db *db)
{
    const char *desc;
    CHECK_STR(indicator(db, &desc), "none");
    CHECK_STR(desc, "All Systems Operational");
    status_component_set(db, "Labels", "under_maintenance", 10);
    CHECK_STR(indicator(db, &desc), "none");
    CHECK_STR(desc, "Service Under Maintenance");
    status_component_set(db, "API", "partial_outage", 20);
    CHECK_STR(indicator(db, &desc), "major");
    CHECK_STR(desc, "Partial System Outage");
    status_component_set(db, "API", "operational", 30);
    status_component_set(db, "Labels", "operational", 30);
    int64_t id;
    CHECK_INT(status_incident_create(db, "i", "identified", "critical", NULL, 0, "b", 40, &id),
              STATUS_OK);
    CHECK_STR(indicator(db, &desc), "critical");
    CHECK_STR(desc, "Major Service Outage");
    CHECK_INT(list_len(db, STATUS_DOC_UNRESOLVED, "incidents"), 1);
    CHECK_INT(list_len(db, STATUS_DOC_SUMMARY, "incidents"), 1);
    CHECK_INT(status_incident_update(db, id, "resolved", "ok", 50), STATUS_OK);
    CHECK_STR(indicator(db, NULL), "none");
    CHECK_INT(list_len(db, STATUS_DOC_UNRESOLVED, "incidents"), 0);
    CHECK_INT(list_len(db, STATUS_DOC_INCIDENTS, "incidents"), 1);
}

/* No command makes maintenances yet; rows written directly stand in for it. */
static void test_maintenances(struct status_db *db)
{
    CHECK(sqlite3_exec(db->db,
                       "INSERT INTO incidents(kind, name, status, impact, created_at, updated_at,"
                       " started_at, scheduled_for, scheduled_until) VALUES"
                       " ('maintenance', 'Upgrade', 'scheduled', 'maintenance', 1, 1, 1, 5000,"
                       " 6000),"
                       " ('maintenance', 'Move', 'in_progress', 'maintenance', 1, 1, 1, 100, 9000),"
                       " ('maintenance', 'Old', 'completed', 'maintenance', 1, 1, 1, 10, 20)",
                       NULL, NULL, NULL) == SQLITE_OK);
    CHECK_INT(list_len(db, STATUS_DOC_MAINTENANCES, "scheduled_maintenances"), 3);
    CHECK_INT(list_len(db, STATUS_DOC_UPCOMING, "scheduled_maintenances"), 1);
    CHECK_INT(list_len(db, STATUS_DOC_ACTIVE, "scheduled_maintenances"), 1);
    CHECK_INT(list_len(db, STATUS_DOC_SUMMARY, "scheduled_maintenances"), 2);
    /* maintenances are not incidents */
    CHECK_INT(list_len(db, STATUS_DOC_INCIDENTS, "incidents"), 1);
    json_t *j = doc(db, STATUS_DOC_UPCOMING);
    json_t *m = json_array_get(json_object_get(j, "scheduled_maintenances"), 0);
    CHECK_STR(json_string_value(json_object_get(m, "scheduled_for")), "1970-01-01T00:00:05Z");
    CHECK_STR(json_string_value(json_object_get(m, "scheduled_until")), "1970-01-01T00:00:06Z");
    CHECK(json_is_null(json_object_get(m, "resolved_at")));
    json_decref(j);
    /* an incident has no scheduled_for */
    j = doc(db, STATUS_DOC_INCIDENTS);
    CHECK(!json_object_get(json_array_get(json_object_get(j, "incidents"), 0), "scheduled_for"));
    json_decref(j);
}

int main(void)
{
    arena_init(&a);
    char path[] = "/tmp/postroom-test-sjson-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct status_db *db;
    CHECK_INT(status_db_open(path, true, &db), STATUS_OK);
    test_indicator(db);
    test_maintenances(db);
    status_db_close(db);
    arena_free(&a);
    char side[64];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_status_json");
}
