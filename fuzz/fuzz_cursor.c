/* fuzz_cursor: the continuationToken (domain/cursor.c).
 *
 * Properties:
 *  - a fuzzed token never opens (forging one means breaking
 *    XSalsa20-Poly1305), and cursor_open never reads past it, whatever its
 *    length or bytes;
 *  - a sealed cursor opens for its own tenant to exactly what was sealed,
 *    and never for another tenant;
 *  - changing any one character of a sealed token (to another character
 *    chosen by the fuzzer) makes it fail, unless the change decodes to the
 *    same bytes;
 *  - a token always fits CURSOR_TOKEN_MAX with its NUL. */
#include "api/cursor.h"
#include "fuzz_common.h"

#include <sodium.h>

static unsigned char key[32];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (sodium_init() < 0) abort();
    randombytes_buf(key, sizeof key);
    return 0;
}

static int64_t get(const uint8_t *p)
{
    int64_t v;
    memcpy(&v, p, 8);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char *tok = fuzz_cstr(data, size);
    struct cursor c;
    FUZZ_CHECK(!cursor_open(tok, key, 7, &c), "a fuzzed token opened: %.200s", tok);
    free(tok);

    if (size < 34) return 0;
    struct cursor in = {get(data), get(data + 8), get(data + 16), get(data + 24)}, out;
    char sealed[CURSOR_TOKEN_MAX + 16];
    memset(sealed, 'X', sizeof sealed);
    cursor_seal(&in, key, sealed);
    size_t len = strnlen(sealed, sizeof sealed);
    FUZZ_CHECK(len < CURSOR_TOKEN_MAX, "a sealed token is %zu characters", len);
    FUZZ_CHECK(cursor_open(sealed, key, in.tenant_id, &out), "a sealed token does not open");
    FUZZ_CHECK(memcmp(&in, &out, sizeof in) == 0, "a token opens to another cursor");
    FUZZ_CHECK(!cursor_open(sealed, key, in.tenant_id ^ (int64_t)(data[32] | 1), &out),
               "a token opened for another tenant");

    size_t pos = data[33] % len;
    char orig = sealed[pos];
    sealed[pos] = (char)(size > 34 ? data[34] : orig + 1);
    if (sealed[pos] == orig || sealed[pos] == 0) return 0;
    if (cursor_open(sealed, key, in.tenant_id, &out)) {
        /* only a different spelling of the same bytes may open */
        char fixed[CURSOR_TOKEN_MAX];
        unsigned char b1[128], b2[128];
        size_t n1 = 0, n2 = 0;
        memcpy(fixed, sealed, len + 1);
        fixed[pos] = orig;
        sodium_base642bin(b1, sizeof b1, sealed, len, NULL, &n1, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        sodium_base642bin(b2, sizeof b2, fixed, len, NULL, &n2, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        FUZZ_CHECK(n1 == n2 && memcmp(b1, b2, n1) == 0,
                   "a token with character %zu changed still opens", pos);
    }
    return 0;
}
