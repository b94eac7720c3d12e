/* Unit tests of the SQLite store: migrations, per-tenant identifiers, and the
 * tenant wall at the store layer (a scope never reaches another tenant's
 * rows, whatever identifier or reference it names). */
#include "check.h"
#include "auth/apikey.h"
#include "store/store.h"

#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

static struct order_new mk(const char *ref, const char *doc)
{
    struct order_new o = {.reference = ref, .order_date = 1000, .package_count = 1, .doc = doc};
    return o;
}

static void test_orders(struct store *s)
{
    int64_t t1, t2, ids[3];
    CHECK_INT(store_operator_tenant_create(s, "One", 1, &t1), STORE_OK);
    CHECK_INT(store_operator_tenant_create(s, "Two", 1, &t2), STORE_OK);
    struct scope a = {t1}, b = {t2};
    struct order_new o1[] = {mk("SHARED", "{\"who\":\"A1\"}"), mk("A-ONLY", "{\"who\":\"A2\"}")};
    struct order_new o2[] = {mk("SHARED", "{\"who\":\"B1\"}"), mk("B-ONLY", "{\"who\":\"B2\"}"),
                             mk(NULL, "{\"who\":\"B3\"}")};
    CHECK_INT(store_orders_insert(s, &a, o1, 2, 10, ids, NULL), STORE_OK);
    CHECK_INT(ids[0], 1001);
    CHECK_INT(ids[1], 1002);
    CHECK_INT(store_orders_insert(s, &b, o2, 3, 20, ids, NULL), STORE_OK);
    CHECK_INT(ids[0], 1001); /* identifiers count per tenant */
    CHECK_INT(ids[2], 1003);

    struct arena ar;
    arena_init(&ar);
    struct order_row *rows;
    size_t n;
    struct order_key k1003 = {.id = 1003}, kaonly = {.reference = "A-ONLY"},
                     kshared = {.reference = "SHARED"}, k1001 = {.id = 1001};
    /* tenant A asks for B's 1003 and B's reference: nothing */
    CHECK_INT(store_orders_get(s, &a, &k1003, 1, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 0);
    struct order_key kbonly = {.reference = "B-ONLY"};
    CHECK_INT(store_orders_get(s, &a, &kbonly, 1, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 0);
    /* the shared reference and shared id give each tenant its own order only */
    CHECK_INT(store_orders_get(s, &a, &kshared, 1, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 1);
    CHECK_STR(rows[0].doc, "{\"who\":\"A1\"}");
    CHECK_INT(rows[0].tenant_id, t1);
    CHECK_INT(store_orders_get(s, &b, &k1001, 1, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 1);
    CHECK_STR(rows[0].doc, "{\"who\":\"B1\"}");
    CHECK_INT(rows[0].tenant_id, t2);
    /* two keys naming the same order return it once */
    struct order_key both[] = {k1001, kshared, kaonly};
    CHECK_INT(store_orders_get(s, &a, both, 3, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 2);

    /* pages: only the tenant's own, in identifier order, keyset */
    struct order_page_query q = {.after_id = 0, .limit = 10};
    CHECK_INT(store_orders_page(s, &b, &q, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 3);
    for (size_t i = 0; i < n; i++)
        CHECK_INT(rows[i].tenant_id, t2);
    q.after_id = 1001;
    CHECK_INT(store_orders_page(s, &b, &q, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 2);
    CHECK_INT(rows[0].order_id, 1002);
    q = (struct order_page_query){.after_id = 0, .start_ms = 15, .end_ms = 25, .limit = 10};
    CHECK_INT(store_orders_page(s, &a, &q, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 0); /* A's orders were created at 10 */

    /* writes through the wrong scope change nothing */
    CHECK_INT(store_order_delete(s, &a, 1003, 30), STORE_NOTFOUND);
    struct order_status_change c = {
        .from_status = "new", .to_status = "despatched", .now = 30, .shipped_on = 30};
    CHECK_INT(store_order_set_status(s, &a, 1003, &c), STORE_CONFLICT);
    CHECK_INT(store_orders_get(s, &b, &k1003, 1, &ar, &rows, &n), STORE_OK);
    CHECK_INT(n, 1);
    CHECK_STR(rows[0].status, "new");
    /* the right scope works, and compare-and-set on the old status holds */
    CHECK_INT(store_order_set_status(s, &b, 1003, &c), STORE_OK);
    CHECK_INT(store_order_set_status(s, &b, 1003, &c), STORE_CONFLICT);
    CHECK_INT(store_order_delete(s, &b, 1003, 30), STORE_OK);
    CHECK_INT(store_order_delete(s, &b, 1003, 30), STORE_NOTFOUND);
    /* a deleted identifier is never handed out again */
    CHECK_INT(store_orders_insert(s, &b, o2, 1, 40, ids, NULL), STORE_OK);
    CHECK_INT(ids[0], 1004);
    /* an unknown tenant's scope cannot insert */
    struct scope nobody = {999};
    CHECK_INT(store_orders_insert(s, &nobody, o2, 1, 40, ids, NULL), STORE_NOTFOUND);
    arena_free(&ar);
}

static void test_directory(struct store *s)
{
    int64_t t, uid;
    CHECK_INT(store_operator_tenant_create(s, "Keys Ltd", 1, &t), STORE_OK);
    char key[APIKEY_LEN + 1];
    CHECK_INT(apikey_create(s, t, "main", 1, key), STORE_OK);
    CHECK_INT(strlen(key), 36);
    struct principal p;
    char hdr[64];
    snprintf(hdr, sizeof hdr, "Bearer %s", key);
    CHECK_INT(apikey_authenticate(s, hdr, &p), STORE_OK);
    CHECK_INT(p.tenant_id, t);
    CHECK_INT(apikey_authenticate(s, key, &p), STORE_OK); /* the bare key */
    key[0] = key[0] == 'A' ? 'B' : 'A';
    CHECK_INT(apikey_authenticate(s, key, &p), STORE_NOTFOUND);
    CHECK_INT(store_operator_apikey_revoke_named(s, t, "main", 2), STORE_OK);
    key[0] = key[0] == 'A' ? 'B' : 'A';
    CHECK_INT(apikey_authenticate(s, key, &p), STORE_NOTFOUND); /* revoked */

    CHECK_INT(store_operator_user_add(s, t, "a@example.com", "hash", ROLE_ADMIN, 3, &uid),
              STORE_OK);
    CHECK_INT(store_operator_user_add(s, t, "a@example.com", "hash", ROLE_ADMIN, 3, &uid),
              STORE_CONFLICT);
    unsigned char h[32] = {1};
    struct credential up = {.tenant_id = t, .user_id = uid, .role = ROLE_ADMIN};
    struct credential cr;
    CHECK_INT(store_directory_session_create(s, h, &up, "csrf", 100, 1000), STORE_OK);
    struct arena ar;
    arena_init(&ar);
    const char *csrf;
    CHECK_INT(store_directory_session(s, h, 200, 500, &cr, &csrf, &ar), STORE_OK);
    CHECK_INT(cr.user_id, uid);
    CHECK_STR(csrf, "csrf");
    CHECK_INT(store_directory_session(s, h, 1001, 5000, &cr, &csrf, &ar),
              STORE_NOTFOUND); /* expired */
    CHECK_INT(store_directory_session(s, h, 800, 500, &cr, &csrf, &ar), STORE_NOTFOUND); /* idle */
    CHECK_INT(store_directory_session_delete(s, h), STORE_OK);
    CHECK_INT(store_directory_session(s, h, 201, 500, &cr, &csrf, &ar), STORE_NOTFOUND);
    int count = -1;
    CHECK_INT(store_directory_failure_add(s, "acct:x", 100), STORE_OK);
    CHECK_INT(store_directory_failure_add(s, "acct:x", 200), STORE_OK);
    CHECK_INT(store_directory_failures(s, "acct:x", 150, &count), STORE_OK);
    CHECK_INT(count, 1);
    unsigned char s1[32], s2[32];
    CHECK_INT(store_meta_secret(s, "k", s1, 32), STORE_OK);
    CHECK_INT(store_meta_secret(s, "k", s2, 32), STORE_OK);
    CHECK(memcmp(s1, s2, 32) == 0); /* created once, then stable */
    arena_free(&ar);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char path[] = "/tmp/postroom-test-store-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *s;
    CHECK_INT(store_open(path, &s), STORE_OK);
    int applied = -1, version = 0;
    CHECK_INT(store_migrate(s, &applied), STORE_OK);
    CHECK(applied >= 1);
    CHECK_INT(store_migrate(s, &applied), STORE_OK);
    CHECK_INT(applied, 0); /* idempotent */
    CHECK_INT(store_schema_version(s, &version), STORE_OK);
    CHECK(version >= 1);
    test_orders(s);
    test_directory(s);
    store_close(s);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_store");
}
