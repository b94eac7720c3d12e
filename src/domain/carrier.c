/* carrier: normalised carrier names, their name-based GUIDs, and the list
 * GET /carriers answers. */
#include "domain/carrier.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* The namespace of carrier GUIDs, itself a random UUID fixed once
 * (7d1f4c2e-9b3a-4e55-8c61-2f0a9d3b6e14): a different product hashing the
 * same names gets different GUIDs. */
static const unsigned char carrier_namespace[16] = {0x7d, 0x1f, 0x4c, 0x2e, 0x9b, 0x3a, 0x4e, 0x55,
                                                    0x8c, 0x61, 0x2f, 0x0a, 0x9d, 0x3b, 0x6e, 0x14};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

const char *carrier_normalise(struct arena *a, const char *name)
{
    size_t n = strlen(name), o = 0;
    char *out = arena_alloc(a, n + 1);
    bool gap = false;
    for (const char *p = name; *p; p++) {
        if (is_space(*p)) {
            gap = o > 0;
            continue;
        }
        if (gap) out[o++] = ' ';
        gap = false;
        out[o++] = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
    }
    out[o] = 0;
    return out;
}

/* The GUID of an already normalised name. */
static void guid_of(const char *norm, char out[CARRIER_GUID_LEN + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, carrier_namespace, sizeof carrier_namespace);
    crypto_hash_sha256_update(&st, (const unsigned char *)norm, strlen(norm));
    crypto_hash_sha256_final(&st, h);
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x80); /* version 8 */
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, CARRIER_GUID_LEN + 1,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0], h[1],
             h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14],
             h[15]);
}

void carrier_guid(struct arena *a, const char *name, char out[CARRIER_GUID_LEN + 1])
{
    guid_of(carrier_normalise(a, name), out);
}

size_t carrier_list(struct arena *a, const char *royal_guid, const char *royal_name,
                    const char *const *names, size_t n, struct carrier **out)
{
    struct carrier *c = arena_alloc(a, (n + 1) * sizeof *c);
    const char **norm = arena_alloc(a, (n + 1) * sizeof *norm);
    size_t k = 0;
    snprintf(c[0].guid, sizeof c[0].guid, "%s", royal_guid);
    c[0].name = royal_name;
    c[0].status = CARRIER_STATUS_ACTIVE;
    c[0].type = CARRIER_TYPE_ROYAL_MAIL;
    norm[k++] = carrier_normalise(a, royal_name);
    for (size_t i = 0; i < n; i++) {
        const char *nm = carrier_normalise(a, names[i]);
        bool seen = !*nm;
        for (size_t j = 0; j < k && !seen; j++)
            seen = strcmp(norm[j], nm) == 0;
        if (seen) continue;
        norm[k] = nm;
        guid_of(nm, c[k].guid);
        c[k].name = names[i];
        c[k].status = CARRIER_STATUS_ACTIVE;
        c[k].type = CARRIER_TYPE_OTHER;
        k++;
    }
    *out = c;
    return k;
}
