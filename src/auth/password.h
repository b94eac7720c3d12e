/* password: Argon2id hashing (libsodium), t=2 and m=19 MiB at least, as OWASP
 * ASVS asks. */
#ifndef POSTROOM_PASSWORD_H
#define POSTROOM_PASSWORD_H
#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_HASH_MAX 128
#define PASSWORD_MIN_LEN 10
#define PASSWORD_MAX_LEN 256

/* out gets at most PASSWORD_HASH_MAX bytes. False only if memory is short. */
bool password_hash(const char *password, char *out);
bool password_verify(const char *hash, const char *password);
/* Spends the same time as a verify, for unknown accounts (no user oracle). */
void password_burn(const char *password);

#endif
