/* token: what every kind of sign-in shares: session tokens drawn from the
 * CSPRNG, their stored form, and the sign-in limiter's subject for an
 * account. Business sessions (session.c) and operators' (operator.c) both
 * use them, so the two realms cannot drift apart in how a token is made or
 * kept. */
#ifndef POSTROOM_TOKEN_H
#define POSTROOM_TOKEN_H
#include "util/arena.h"

#include <stdbool.h>

#define AUTH_TOKEN_LEN 43 /* base64url of 32 random bytes, unpadded */

/* AUTH_TOKEN_LEN characters and a NUL into out. */
void auth_token_random(char out[AUTH_TOKEN_LEN + 1]);
/* What the store keeps of a token: its SHA-256, never the token. */
void auth_token_hash(const char *token, unsigned char hash[32]);
/* prefix + hex SHA-256 of the lower-cased address ("acct:...",
 * "opacct:..."): the limiter counts an account's failures without keeping
 * its address, and each realm's prefix keeps their counts apart. */
const char *auth_account_subject(struct arena *a, const char *prefix, const char *email);
/* The token of cookie `name` in a Cookie header, AUTH_TOKEN_LEN
 * characters. Two cookies of that name in one header (one planted for a
 * parent domain, or a confused client) give none: refusing both is the only
 * choice that cannot pick the wrong account, as with two Authorization
 * headers. */
bool auth_cookie_token(const char *header, const char *name, char out[AUTH_TOKEN_LEN + 1]);

#endif
