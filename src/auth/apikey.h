/* apikey: API keys. 36 characters from [A-Za-z0-9] (Click & Drop clients
 * check the length), shown once, stored only as their SHA-256. */
#ifndef POSTROOM_APIKEY_H
#define POSTROOM_APIKEY_H
#include "auth/principal.h"

#include <stdbool.h>

#define APIKEY_LEN 36

struct store;

/* Fills key (APIKEY_LEN + 1 bytes) with a fresh key from the CSPRNG. */
void apikey_generate(char *key);
void apikey_hash(const char *key, unsigned char hash[32]);
/* Takes an Authorization header value ("Bearer KEY" or the bare key) and
 * returns a pointer to the key inside it, or NULL if it is not well formed. */
const char *apikey_from_header(const char *value);
/* Creates a key for a tenant, made at now (Unix ms); prints nothing. key
 * gets APIKEY_LEN + 1 bytes. */
int apikey_create(struct store *s, int64_t tenant_id, const char *name, int64_t now, char *key);
/* Resolves a header value to a principal: STORE_OK, STORE_NOTFOUND or STORE_ERROR. */
int apikey_authenticate(struct store *s, const char *header_value, struct principal *out);

#endif
