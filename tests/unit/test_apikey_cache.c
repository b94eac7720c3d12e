/* test_apikey_cache: the keys a thread has resolved (auth/apikey.c) are
 * taken again only while nothing was committed: a key revoked through
 * another connection (another server, the CLI) or through the same one
 * fails on its very next authentication, inside a snapshot or not; a key
 * made after a failed attempt works at once; two keys kept side by side
 * never answer for each other; an unknown key is never found. */
#include "auth/apikey.h"
#include "check.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int64_t T1, T2;

/* A new key for tenant t named name, its text in key. */
static void make_key(struct store *s, int64_t t, const char *name, char *key)
{
    CHECK_INT(apikey_create(s, t, name, 1000, key), STORE_OK);
}

/* Authenticates key on s; the key id found (0: none), its tenant in *t. */
static int64_t key_id(struct store *s, const char *key, int64_t *t)
{
    char hdr[64];
    snprintf(hdr, sizeof hdr, "Bearer %s", key);
    struct principal p;
    int rc = apikey_authenticate(s, hdr, &p);
    CHECK(rc == STORE_OK || rc == STORE_NOTFOUND);
    if (t) *t = rc == STORE_OK ? p.tenant_id : 0;
    return rc == STORE_OK ? p.key_id : 0;
}

/* In one read snapshot, as the server runs a read route. */
static int64_t key_id_snapshot(struct store *s, const char *key)
{
    CHECK_INT(store_snapshot_begin(s), STORE_OK);
    int64_t id = key_id(s, key, NULL);
    CHECK_INT(store_snapshot_end(s), STORE_OK);
    return id;
}

static void test_revoked_elsewhere(struct store *server, struct store *cli)
{
    char key[APIKEY_LEN + 1];
    make_key(cli, T1, "elsewhere", key);
    int64_t t = 0;
    int64_t id = key_id(server, key, &t);
    CHECK(id > 0);
    CHECK_INT(t, T1);
    for (int i = 0; i < 3; i++) /* kept: the same answer */
        CHECK_INT(key_id_snapshot(server, key), id);
    CHECK_INT(store_operator_apikey_revoke_named(cli, T1, "elsewhere", 2000), STORE_OK);
    CHECK_INT(key_id_snapshot(server, key), 0);
    CHECK_INT(key_id(server, key, NULL), 0);
}

static void test_revoked_here(struct store *server)
{
    char key[APIKEY_LEN + 1];
    make_key(server, T2, "here", key);
    int64_t id = key_id(server, key, NULL);
    CHECK(id > 0);
    CHECK_INT(key_id(server, key, NULL), id);
    int64_t n = 0;
    CHECK_INT(store_operator_apikey_revoke_all(server, T2, 2000, &n), STORE_OK);
    CHECK(n >= 1);
    CHECK_INT(key_id(server, key, NULL), 0);
    CHECK_INT(key_id_snapshot(server, key), 0);
}

static void test_two_keys_and_strangers(struct store *server, struct store *cli)
{
    char a[APIKEY_LEN + 1], b[APIKEY_LEN + 1], stranger[APIKEY_LEN + 1];
    make_key(cli, T1, "a", a);
    make_key(cli, T1, "b", b);
    apikey_generate(stranger);
    int64_t ia = key_id(server, a, NULL), ib = key_id(server, b, NULL);
    CHECK(ia > 0 && ib > 0 && ia != ib);
    for (int i = 0; i < 4; i++) {
        CHECK_INT(key_id_snapshot(server, a), ia);
        CHECK_INT(key_id_snapshot(server, b), ib);
        CHECK_INT(key_id_snapshot(server, stranger), 0);
    }
    /* one of two revoked: the other stays good */
    CHECK_INT(store_operator_apikey_revoke_named(cli, T1, "a", 3000), STORE_OK);
    CHECK_INT(key_id(server, a, NULL), 0);
    CHECK_INT(key_id(server, b, NULL), ib);
}

/* A key that failed once (not yet made) works as soon as it exists. */
static void test_new_key_at_once(struct store *server, struct store *cli)
{
    char key[APIKEY_LEN + 1];
    apikey_generate(key);
    CHECK_INT(key_id(server, key, NULL), 0);
    unsigned char h[32];
    apikey_hash(key, h);
    int64_t id = 0;
    CHECK_INT(store_operator_apikey_add(cli, T2, h, "late", 4000, &id), STORE_OK);
    CHECK_INT(key_id(server, key, NULL), id);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char path[] = "/tmp/postroom-test-apikey-cache-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct store *server, *cli;
    CHECK_INT(store_open(path, &server), STORE_OK);
    CHECK_INT(store_migrate(server, NULL), STORE_OK);
    CHECK_INT(store_open(path, &cli), STORE_OK);
    CHECK_INT(store_operator_tenant_create(cli, "One Ltd", 1, &T1), STORE_OK);
    CHECK_INT(store_operator_tenant_create(cli, "Two Ltd", 1, &T2), STORE_OK);
    test_revoked_elsewhere(server, cli);
    test_revoked_here(server);
    test_two_keys_and_strangers(server, cli);
    test_new_key_at_once(server, cli);
    store_close(cli);
    store_close(server);
    unlink(path);
    char side[80];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_apikey_cache");
}
