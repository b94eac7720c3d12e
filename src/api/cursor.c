/* cursor: the keyset position, encrypted and authenticated with libsodium's
 * secretbox (XSalsa20-Poly1305) under the server's key, so a token reveals
 * nothing (not even which tenant or order it points at) and any change to it
 * is detected. Layout before sealing: version byte, four int64 fields. */
#include "api/cursor.h"

#include <sodium.h>
#include <string.h>

#define CURSOR_VERSION 1
#define PAYLOAD (1 + 4 * 8)
#define SEALED (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + PAYLOAD)

_Static_assert(crypto_secretbox_KEYBYTES == 32, "cursor key is 32 bytes");
_Static_assert(SEALED * 4 / 3 + 4 < CURSOR_TOKEN_MAX, "token buffer too small");

static void put64(unsigned char *p, int64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)((uint64_t)v >> (56 - 8 * i));
}

static int64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return (int64_t)v;
}

void cursor_seal(const struct cursor *c, const unsigned char key[32], char *out)
{
    unsigned char plain[PAYLOAD], sealed[SEALED];
    plain[0] = CURSOR_VERSION;
    put64(plain + 1, c->tenant_id);
    put64(plain + 9, c->after_id);
    put64(plain + 17, c->start_ms);
    put64(plain + 25, c->end_ms);
    randombytes_buf(sealed, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(sealed + crypto_secretbox_NONCEBYTES, plain, PAYLOAD, sealed, key);
    sodium_bin2base64(out, CURSOR_TOKEN_MAX, sealed, sizeof sealed,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool cursor_open(const char *token, const unsigned char key[32], int64_t tenant_id,
                 struct cursor *out)
{
    unsigned char sealed[SEALED + 4], plain[PAYLOAD];
    size_t n = 0;
    if (strlen(token) >= CURSOR_TOKEN_MAX) return false;
    if (sodium_base642bin(sealed, sizeof sealed, token, strlen(token), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        n != SEALED)
        return false;
    if (crypto_secretbox_open_easy(plain, sealed + crypto_secretbox_NONCEBYTES,
                                   SEALED - crypto_secretbox_NONCEBYTES, sealed, key) != 0 ||
        plain[0] != CURSOR_VERSION)
        return false;
    out->tenant_id = get64(plain + 1);
    out->after_id = get64(plain + 9);
    out->start_ms = get64(plain + 17);
    out->end_ms = get64(plain + 25);
    return out->tenant_id == tenant_id;
}
