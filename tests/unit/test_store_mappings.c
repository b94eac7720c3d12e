/* Unit tests of the store's import mappings (store_mappings.h) and the
 * service that reads them (service/import_mapping.h): a business adds,
 * lists, finds, renames and deletes its own; names are unique per
 * business, not across them; another business's scope never reads,
 * renames or deletes them (STORE_NOTFOUND, as for an unknown number); a
 * file with exactly a saved mapping's headers is matched to it, in its own
 * business only. */
#include "check.h"
#include "service/import_mapping.h"

#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

static const char file[] = "Ref,Who,Street,Town\r\n1,Ann,1 A St,Leeds\r\n";

static struct import_mapping mapping(void)
{
    struct import_mapping m = {.dates = IMPORT_MAP_ISO};
    m.column[IMPORT_F_REFERENCE] = "Ref";
    m.column[IMPORT_F_FULLNAME] = "Who";
    m.column[IMPORT_F_ADDR1] = "Street";
    m.column[IMPORT_F_CITY] = "Town";
    return m;
}

static void test_mappings(struct store *s)
{
    int64_t ta, tb, id = 0, id2 = 0;
    CHECK_INT(store_operator_tenant_create(s, "A", 1, &ta), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "B", 1, &tb), STORE_OK);
    struct scope a = {ta}, b = {tb};
    struct arena ar;
    arena_init(&ar);
    struct import_headers h;
    size_t line;
    const char *msg;
    CHECK(import_file_headers(file, strlen(file), 10, &ar, &h, &line, &msg));
    struct import_mapping m = mapping();
    struct service_ctx ca = {s, a, &ar, NULL, 1000, NULL}, cb = {s, b, &ar, NULL, 1000, NULL};
    CHECK_INT(service_import_mapping_save(&ca, "Till export", &m, &h, &id), STORE_OK);
    CHECK_INT(id, 1);
    CHECK_INT(service_import_mapping_save(&ca, "Till export", &m, &h, &id2), STORE_CONFLICT);
    /* names are per business */
    CHECK_INT(service_import_mapping_save(&cb, "Till export", &m, &h, &id2), STORE_OK);
    CHECK_INT(id2, 1);
    CHECK_INT(service_import_mapping_save(&ca, "Second", &m, &h, &id2), STORE_OK);
    CHECK_INT(id2, 2);

    struct mapping_row *rows;
    size_t n;
    CHECK_INT(store_mappings_list(s, &a, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 2);
    CHECK_STR(rows[0].name, "Second");
    CHECK_INT(rows[0].tenant_id, ta);
    CHECK_STR(rows[1].headers, "[\"ref\",\"who\",\"street\",\"town\"]");

    struct saved_mapping sm;
    CHECK_INT(service_import_mapping_find(s, &a, "Till export", &ar, &sm), SERVICE_OK);
    CHECK_INT(sm.tenant_id, ta);
    CHECK_INT(sm.mapping_id, 1);
    CHECK_STR(sm.m.name, "Till export");
    CHECK_STR(sm.m.column[IMPORT_F_ADDR1], "Street");
    CHECK_INT(sm.m.dates, IMPORT_MAP_ISO);
    CHECK_INT(service_import_mapping_find(s, &a, "till export", &ar, &sm), SERVICE_NOTFOUND);
    CHECK_INT(service_import_mapping_get(s, &a, 2, &ar, &sm), SERVICE_OK);
    CHECK_STR(sm.m.name, "Second");

    /* B's scope sees its own number 1 only, never A's 2 */
    CHECK_INT(service_import_mapping_get(s, &b, 2, &ar, &sm), SERVICE_NOTFOUND);
    CHECK_INT(store_mapping_rename(s, &b, 2, "Stolen", 2000), STORE_NOTFOUND);
    CHECK_INT(store_mapping_delete(s, &b, 2), STORE_NOTFOUND);
    CHECK_INT(service_import_mapping_get(s, &a, 2, &ar, &sm), SERVICE_OK);
    CHECK_STR(sm.m.name, "Second");

    /* rename: to a taken name is a conflict */
    CHECK_INT(store_mapping_rename(s, &a, 2, "Till export", 2000), STORE_CONFLICT);
    CHECK_INT(store_mapping_rename(s, &a, 2, "Renamed", 2000), STORE_OK);
    CHECK_INT(service_import_mapping_find(s, &a, "Renamed", &ar, &sm), SERVICE_OK);

    /* matching by the file's headers: case and space aside */
    static const char again[] = " ref ,WHO,Street,Town\n2,Bo,2 B St,York\n";
    CHECK_INT(service_import_mapping_match(s, &a, again, strlen(again), &ar, &sm), SERVICE_OK);
    CHECK_INT(sm.tenant_id, ta);
    static const char other[] = "Ref,Who,Town,Street\n2,Bo,York,2 B St\n";
    CHECK_INT(service_import_mapping_match(s, &a, other, strlen(other), &ar, &sm),
              SERVICE_NOTFOUND);

    /* delete */
    CHECK_INT(store_mapping_delete(s, &a, 1), STORE_OK);
    CHECK_INT(store_mapping_delete(s, &a, 1), STORE_NOTFOUND);
    CHECK_INT(service_import_mapping_get(s, &a, 1, &ar, &sm), SERVICE_NOTFOUND);
    /* B's own number 1 is untouched */
    CHECK_INT(service_import_mapping_get(s, &b, 1, &ar, &sm), SERVICE_OK);
    CHECK_INT(sm.tenant_id, tb);
    arena_free(&ar);
}

/* A scope of no business breaks the connection, as store.c's calls do. */
static void test_bad_scope(const char *path)
{
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    struct scope none = {0};
    struct arena ar;
    arena_init(&ar);
    struct mapping_row *rows;
    size_t n;
    CHECK_INT(store_mappings_list(s, &none, &ar, &rows, &n), STORE_ERROR);
    CHECK(store_is_broken(s));
    store_close(s);
    arena_free(&ar);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char path[] = "/tmp/postroom-test-mappings-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    CHECK_INT(store_migrate(s, NULL), STORE_OK);
    test_mappings(s);
    store_close(s);
    test_bad_scope(path);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_store_mappings");
}
