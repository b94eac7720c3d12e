/* cursor: 1 version byte, four int64 fields, 16 bytes of HMAC; base64url. */
#include "domain/cursor.h"

#include <sodium.h>
#include <string.h>

#define CURSOR_VERSION 1
#define PAYLOAD (1 + 4 * 8)
#define MAC 16

static void put64(unsigned char *p, int64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)((uint64_t)v >> (56 - 8 * i));
}

static int64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return (int64_t)v;
}

static void mac(const unsigned char *payload, const unsigned char key[32], unsigned char *out)
{
    unsigned char full[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, 32);
    crypto_auth_hmacsha256_update(&st, payload, PAYLOAD);
    crypto_auth_hmacsha256_final(&st, full);
    memcpy(out, full, MAC);
}

void cursor_seal(const struct cursor *c, const unsigned char key[32], char *out)
{
    unsigned char raw[PAYLOAD + MAC];
    raw[0] = CURSOR_VERSION;
    put64(raw + 1, c->tenant_id);
    put64(raw + 9, c->after_id);
    put64(raw + 17, c->start_ms);
    put64(raw + 25, c->end_ms);
    mac(raw, key, raw + PAYLOAD);
    sodium_bin2base64(out, CURSOR_TOKEN_MAX, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool cursor_open(const char *token, const unsigned char key[32], int64_t tenant_id,
                 struct cursor *out)
{
    unsigned char raw[PAYLOAD + MAC + 4], check[MAC];
    size_t n = 0;
    if (strlen(token) >= CURSOR_TOKEN_MAX) return false;
    if (sodium_base642bin(raw, sizeof raw, token, strlen(token), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        n != PAYLOAD + MAC || raw[0] != CURSOR_VERSION)
        return false;
    mac(raw, key, check);
    if (sodium_memcmp(check, raw + PAYLOAD, MAC) != 0) return false;
    out->tenant_id = get64(raw + 1);
    out->after_id = get64(raw + 9);
    out->start_ms = get64(raw + 17);
    out->end_ms = get64(raw + 25);
    return out->tenant_id == tenant_id;
}
