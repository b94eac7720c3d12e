/* apikey: generation, hashing, parsing and lookup of API keys. */
#include "auth/apikey.h"
#include "auth/apikey_usage.h"
#include "store/store.h"
#include "util/timefmt.h"

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

int apikey_authenticate(struct store *s, const char *header_value, struct principal *out)
{
    const char *key = apikey_from_header(header_value);
    if (!key) return STORE_NOTFOUND;
    unsigned char hash[32];
    apikey_hash(key, hash);
    struct credential c;
    int rc = store_directory_apikey(s, hash, &c);
    if (rc != STORE_OK) return rc;
    /* last used, for the settings page: in memory, written off this path */
    apikey_usage_note(c.tenant_id, c.key_id, time_now_ms());
    /* an API key acts for the business as a whole */
    *out = (struct principal){c.tenant_id, 0, c.key_id, ROLE_ADMIN, PRINCIPAL_BUSINESS, 0};
    return STORE_OK;
}
