/* password: Argon2id through crypto_pwhash_str. */
#include "auth/password.h"

#include <sodium.h>
#include <string.h>

#define PW_OPSLIMIT 2ULL
#define PW_MEMLIMIT (19u * 1024u * 1024u)

_Static_assert(crypto_pwhash_STRBYTES <= PASSWORD_HASH_MAX, "hash buffer too small");

bool password_hash(const char *password, char *out)
{
    return crypto_pwhash_str(out, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT) == 0;
}

bool password_verify(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void password_burn(const char *password)
{
    char scratch[crypto_pwhash_STRBYTES];
    (void)password_hash(password, scratch);
}
