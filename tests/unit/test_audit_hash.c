/* Unit tests of the chain's hash (domain/audit.c): audit_hash, computed
 * with nettle's SHA-256, gives the same bytes as the encoding hashed with
 * libsodium's (what every chain written before the change holds), so a
 * chain appended before still verifies, for negative and large integers,
 * empty and absent text and long object lists too. */
#include "check.h"
#include "domain/audit.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* The encoding as libsodium hashed it: "%lld," for each integer, the
 * length so and the text for each text field. */
static void reference(const struct audit_record *r, const char *prev, char out[AUDIT_HASH_HEX])
{
    char b[4096];
    int n = snprintf(b, sizeof b,
                     "%zu,%s%" PRId64 ",%" PRId64 ",%zu,%s%zu,%s%" PRId64 ",%zu,%s%" PRId64
                     ",%zu,%s%zu,%s",
                     strlen(prev), prev, r->seq, r->time, strlen(r->server_id ? r->server_id : ""),
                     r->server_id ? r->server_id : "", strlen(r->request_id), r->request_id,
                     r->principal_tenant, strlen(r->principal_id), r->principal_id, r->data_tenant,
                     strlen(r->action), r->action, strlen(r->objects), r->objects);
    CHECK(n > 0 && (size_t)n < sizeof b);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)b, (unsigned long long)n);
    sodium_bin2hex(out, AUDIT_HASH_HEX, h, sizeof h);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    char objects[1300] = "order:";
    for (int i = 0; i < 100; i++)
        snprintf(objects + strlen(objects), sizeof objects - strlen(objects), "%s%d", i ? "," : "",
                 1000000 + i);
    struct audit_record recs[] = {
        {1, 1796160000000, "host:1", "req-1", 1, "key:1", 1, "order.read", "order:1001", "", ""},
        {INT64_MAX, INT64_MIN, NULL, "", -7, "cli:op", 0, "killswitch.on", "feature:all", "", ""},
        {42, 0, "h:2", "r", 3, "user:9", 4, "order.export", objects, "", ""},
    };
    char prev[AUDIT_HASH_HEX];
    memcpy(prev, audit_genesis, AUDIT_HASH_HEX);
    for (size_t i = 0; i < sizeof recs / sizeof *recs; i++) {
        char got[AUDIT_HASH_HEX], want[AUDIT_HASH_HEX];
        audit_hash(&recs[i], prev, got);
        reference(&recs[i], prev, want);
        CHECK_STR(got, want);
        memcpy(prev, got, AUDIT_HASH_HEX);
    }
    return check_report("test_audit_hash");
}
