/* test_apikey_usage: API keys' last use (auth/apikey_usage.c) is noted in
 * memory and written by a flush, at most once a minute per key, only ever
 * later, and only for the key's own business; a new key in a shared slot
 * starts afresh. Also the settings store's scoped key and user calls it
 * leans on (store_users.h). */
#include "auth/apikey_usage.h"
#include "check.h"
#include "store/store_users.h"
#include "util/arena.h"

#include <stdlib.h>
#include <unistd.h>

static struct store *S;
static struct arena A;

static int64_t last_used(int64_t tenant, int64_t key_id)
{
    struct scope sc = {tenant};
    struct apikey_row *rows;
    size_t n;
    if (store_apikeys_list(S, &sc, &A, &rows, &n) != STORE_OK) return -1;
    for (size_t i = 0; i < n; i++)
        if (rows[i].key_id == key_id) return rows[i].last_used_at;
    return -2;
}

static void test_once_a_minute(int64_t ta, int64_t ka, int64_t tb, int64_t kb)
{
    apikey_usage_reset();
    CHECK_INT(apikey_usage_flush(S), STORE_OK);
    CHECK_INT(last_used(ta, ka), 0); /* never used */
    int64_t t0 = 1700000000000;
    apikey_usage_note(ta, ka, t0);
    CHECK_INT(last_used(ta, ka), 0); /* noted, not written: no store call on the request */
    CHECK_INT(apikey_usage_flush(S), STORE_OK);
    CHECK_INT(last_used(ta, ka), t0);
    CHECK_INT(last_used(tb, kb), 0); /* the other business's key is untouched */
    /* within the minute: nothing more to write */
    apikey_usage_note(ta, ka, t0 + 30000);
    CHECK_INT(apikey_usage_flush(S), STORE_OK);
    CHECK_INT(last_used(ta, ka), t0);
    /* a minute on: written again, with the latest use */
    apikey_usage_note(ta, ka, t0 + APIKEY_USAGE_EVERY_MS);
    apikey_usage_note(ta, ka, t0 + APIKEY_USAGE_EVERY_MS + 5);
    CHECK_INT(apikey_usage_flush(S), STORE_OK);
    CHECK_INT(last_used(ta, ka), t0 + APIKEY_USAGE_EVERY_MS + 5);
    /* the store only moves it later, whichever server writes */
    CHECK_INT(store_directory_apikey_used(S, ta, ka, t0), STORE_OK);
    CHECK_INT(last_used(ta, ka), t0 + APIKEY_USAGE_EVERY_MS + 5);
    /* the same key number of another business is its own row */
    apikey_usage_note(tb, kb, t0 + 7);
    CHECK_INT(apikey_usage_flush(S), STORE_OK);
    CHECK_INT(last_used(tb, kb), t0 + 7);
    CHECK_INT(last_used(ta, ka), t0 + APIKEY_USAGE_EVERY_MS + 5);
}

/* Many keys at once (600 of 1024 slots): noted together, every one is
 * written by one flush, none lost to another sharing its slot. */
static void test_many_keys(int64_t ta)
{
    apikey_usage_reset();
    enum { N = 600 };
    struct scope sc = {ta};
    int64_t *ids = calloc(N, sizeof *ids);
    for (int i = 0; i < N; i++) {
        unsigned char h[32] = {0};
        h[0] = (unsigned char)(i & 0xff);
        h[1] = (unsigned char)(i >> 8);
        h[2] = 0x5a;
        CHECK_INT(store_apikey_create(S, &sc, h, "many", 1, &ids[i]), STORE_OK);
    }
    for (int i = 0; i < N; i++)
        apikey_usage_note(ta, ids[i], 2000 + i);
    CHECK_INT(apikey_usage_flush(S), STORE_OK);
    int unwritten = 0;
    for (int i = 0; i < N; i++)
        unwritten += last_used(ta, ids[i]) != 2000 + i;
    CHECK_INT(unwritten, 0);
    free(ids);
}

static void test_scoped_calls(int64_t ta, int64_t ka, int64_t tb, int64_t kb)
{
    struct scope a = {ta}, b = {tb};
    /* revoking by another business's scope finds nothing */
    CHECK_INT(store_apikey_revoke(S, &b, ka + 1000, 5), STORE_NOTFOUND);
    CHECK_INT(store_apikey_revoke(S, &a, ka, 5), STORE_OK);
    CHECK_INT(store_apikey_revoke(S, &a, ka, 6), STORE_NOTFOUND); /* once */
    (void)kb;
    /* users: a global address, the last administrator kept */
    int64_t u1, u2;
    CHECK_INT(store_user_create(S, &a, "one@a.example", "h", 2, 1, &u1), STORE_OK);
    CHECK_INT(store_user_create(S, &b, "ONE@A.example", "h", 2, 1, &u2), STORE_CONFLICT);
    CHECK_INT(store_user_create(S, &b, "two@b.example", "h", 2, 1, &u2), STORE_OK);
    CHECK_INT(store_user_set_role(S, &a, u1, 1), STORE_CONFLICT);
    CHECK_INT(store_user_remove(S, &a, u1), STORE_CONFLICT);
    CHECK_INT(store_user_remove(S, &b, u1 + 50), STORE_NOTFOUND);
    int64_t u3;
    CHECK_INT(store_user_create(S, &a, "three@a.example", "h", 1, 1, &u3), STORE_OK);
    CHECK_INT(store_user_set_role(S, &a, u3, 2), STORE_OK);
    CHECK_INT(store_user_set_role(S, &a, u1, 1), STORE_OK);
    CHECK_INT(store_user_remove(S, &a, u1), STORE_OK);
    struct user_row *rows;
    size_t n;
    CHECK_INT(store_users_list(S, &a, &A, &rows, &n), STORE_OK);
    CHECK_INT((int64_t)n, 1);
    CHECK_STR(rows[0].email, "three@a.example");
    CHECK_INT(store_users_list(S, &b, &A, &rows, &n), STORE_OK);
    CHECK_INT((int64_t)n, 1);
    CHECK_STR(rows[0].email, "two@b.example");
}

int main(void)
{
    char path[] = "/tmp/postroom-test-apikey-usage-XXXXXX";
    int fd = mkstemp(path), applied;
    close(fd);
    arena_init(&A);
    CHECK_INT(store_open(path, &S), STORE_OK);
    CHECK_INT(store_migrate(S, &applied), STORE_OK);
    int64_t ta, tb, ka, kb;
    CHECK_INT(store_operator_tenant_create(S, "A", 1, &ta), STORE_OK);
    CHECK_INT(store_operator_tenant_create(S, "B", 1, &tb), STORE_OK);
    unsigned char ha[32] = {1}, hb[32] = {2};
    CHECK_INT(store_operator_apikey_add(S, ta, ha, "a", 1, &ka), STORE_OK);
    CHECK_INT(store_operator_apikey_add(S, tb, hb, "b", 1, &kb), STORE_OK);
    CHECK_INT(ka, kb); /* both key 1: ids are per business */
    test_once_a_minute(ta, ka, tb, kb);
    test_scoped_calls(ta, ka, tb, kb);
    test_many_keys(ta);
    store_close(S);
    arena_free(&A);
    unlink(path);
    char side[80];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_apikey_usage");
}
