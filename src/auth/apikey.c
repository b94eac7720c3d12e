/* apikey: generation, hashing, parsing and lookup of API keys. */
#include "auth/apikey.h"
#include "auth/apikey_usage.h"
#include "store/store.h"
#include "util/timefmt.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

void apikey_generate(char *key)
{
    /* uniform over 62 symbols: randombytes_uniform avoids modulo bias */
    for (int i = 0; i < APIKEY_LEN; i++)
        key[i] = alphabet[randombytes_uniform(62)];
    key[APIKEY_LEN] = 0;
}

void apikey_hash(const char *key, unsigned char hash[32])
{
    crypto_hash_sha256(hash, (const unsigned char *)key, strlen(key));
}

static bool well_formed(const char *k, size_t n)
{
    if (n != APIKEY_LEN) return false;
    for (size_t i = 0; i < n; i++) {
        char c = k[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

const char *apikey_from_header(const char *v)
{
    if (!v) return NULL;
    if (strncasecmp(v, "Bearer ", 7) == 0) {
        v += 7;
        while (*v == ' ')
            v++;
    }
    return well_formed(v, strlen(v)) ? v : NULL;
}

int apikey_create(struct store *s, int64_t tenant_id, const char *name, int64_t now, char *key)
{
    unsigned char hash[32];
    int64_t key_id;
    apikey_generate(key);
    apikey_hash(key, hash);
    return store_operator_apikey_add(s, tenant_id, hash, name, now, &key_id);
}

/* --- keys already checked ------------------------------------------------
 * Each thread keeps the few keys its connection resolved last, each with
 * the store's stamp (store_directory_stamp) it was resolved under. A key is
 * taken from here only while the stamp is unchanged, i.e. while nothing at
 * all was committed to the database by anyone since: a revocation (on this
 * server or any other, or by the CLI) is a commit, so a revoked key fails
 * on its next request everywhere, as it did when every request looked it
 * up. The stamp is read before the lookup it stands for, in the same
 * snapshot on a read route. A key is held by a keyed hash (SipHash-2-4,
 * 128 bits, under a secret of this process), never as itself, so the
 * cache holds nothing a key could be recovered from, and matching one takes
 * knowing a valid key. */
#define KEYS_KEPT 8

struct kept_key {
    unsigned char tag[crypto_shorthash_siphashx24_BYTES];
    struct credential c;
    struct store_stamp stamp;
    bool used;
};
static _Thread_local struct kept_key kept[KEYS_KEPT];
static _Thread_local unsigned kept_next;
static unsigned char tag_secret[crypto_shorthash_siphashx24_KEYBYTES];
static pthread_once_t tag_once = PTHREAD_ONCE_INIT;

static void tag_init(void)
{
    randombytes_buf(tag_secret, sizeof tag_secret);
}

static bool same_stamp(const struct store_stamp *a, const struct store_stamp *b)
{
    return a->connection == b->connection && a->data == b->data && a->own == b->own;
}

static struct kept_key *kept_find(const unsigned char *tag)
{
    for (int i = 0; i < KEYS_KEPT; i++)
        if (kept[i].used && sodium_memcmp(kept[i].tag, tag, sizeof kept[i].tag) == 0)
            return &kept[i];
    return NULL;
}

static void keep(const unsigned char *tag, const struct credential *c,
                 const struct store_stamp *stamp)
{
    struct kept_key *k = kept_find(tag);
    if (!k) k = &kept[kept_next++ % KEYS_KEPT];
    memcpy(k->tag, tag, sizeof k->tag);
    k->c = *c;
    k->stamp = *stamp;
    k->used = true;
}

int apikey_authenticate(struct store *s, const char *header_value, struct principal *out)
{
    const char *key = apikey_from_header(header_value);
    if (!key) return STORE_NOTFOUND;
    struct store_stamp stamp;
    int st = store_directory_stamp(s, &stamp);
    if (st == STORE_ERROR) return STORE_ERROR;
    unsigned char tag[crypto_shorthash_siphashx24_BYTES];
    pthread_once(&tag_once, tag_init);
    crypto_shorthash_siphashx24(tag, (const unsigned char *)key, APIKEY_LEN, tag_secret);
    struct kept_key *k = st == STORE_OK ? kept_find(tag) : NULL;
    struct credential c;
    if (k && same_stamp(&k->stamp, &stamp)) {
        c = k->c;
    } else {
        unsigned char hash[32];
        apikey_hash(key, hash);
        int rc = store_directory_apikey(s, hash, &c);
        if (k) k->used = false; /* resolved again below, or no longer a key */
        if (rc != STORE_OK) return rc;
        if (st == STORE_OK) keep(tag, &c, &stamp);
    }
    /* last used, for the settings page: in memory, written off this path */
    apikey_usage_note(c.tenant_id, c.key_id, time_now_ms());
    /* an API key acts for the business as a whole */
    *out = (struct principal){c.tenant_id, 0, c.key_id, ROLE_ADMIN, PRINCIPAL_BUSINESS, 0};
    return STORE_OK;
}
