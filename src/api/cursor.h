/* cursor: the continuationToken of GET /orders, an opaque keyset cursor.
 *
 * It carries the tenant, the last identifier returned and the filters of the
 * first request, encrypted and authenticated under a server key. A token that
 * was altered, or issued to another tenant, does not open. */
#ifndef POSTROOM_CURSOR_H
#define POSTROOM_CURSOR_H
#include <stdbool.h>
#include <stdint.h>

struct cursor {
    int64_t tenant_id;
    int64_t after_id;
    int64_t start_ms, end_ms;
};

#define CURSOR_TOKEN_MAX 128

void cursor_seal(const struct cursor *c, const unsigned char key[32], char *out);
/* False when the token is malformed, forged, or not this tenant's. */
bool cursor_open(const char *token, const unsigned char key[32], int64_t tenant_id,
                 struct cursor *out);

#endif
