/* token: session tokens, their stored hash, the limiter's account subject. */
#include "auth/token.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

void auth_token_hash(const char *token, unsigned char hash[32])
{
    crypto_hash_sha256(hash, (const unsigned char *)token, strlen(token));
}

void auth_token_random(char out[AUTH_TOKEN_LEN + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, AUTH_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

const char *auth_account_subject(struct arena *a, const char *prefix, const char *email)
{
    size_t n = strlen(email);
    char *lower = arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++)
        lower[i] = (char)tolower((unsigned char)email[i]);
    unsigned char h[32];
    crypto_hash_sha256(h, (const unsigned char *)lower, n);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return arena_printf(a, "%s%s", prefix, hex);
}

bool auth_cookie_token(const char *header, const char *name, char out[AUTH_TOKEN_LEN + 1])
{
    if (!header) return false;
    size_t nl = strlen(name);
    bool found = false;
    for (const char *p = header; *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
            if (found) return false;
            found = true;
            p += nl + 1;
            size_t n = strcspn(p, "; ");
            if (n != AUTH_TOKEN_LEN) return false;
            memcpy(out, p, n);
            out[n] = 0;
        }
        p += strcspn(p, ";");
    }
    return found;
}
