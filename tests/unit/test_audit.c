/* test_audit: domain/audit.c's chain and verifier. An intact chain with its
 * checkpoints passes; an edit, a deletion, a reordering and a truncation are
 * each caught at the right seq; a chain rewritten whole (self-consistent) is
 * caught by the signed checkpoint; a forged checkpoint line by its
 * signature. */
#include "check.h"
#include "domain/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define N 6

static unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
static char lines[8][256];
static int64_t first_seq[8];
static char first_msg[8][200];
static size_t seen;

static void problem(void *ctx, int64_t seq, const char *message)
{
    (void)ctx;
    if (seen < 8) {
        first_seq[seen] = seq;
        snprintf(first_msg[seen], sizeof first_msg[seen], "%s", message);
    }
    seen++;
}

/* Links recs[from..n) onto what comes before, as the store appends them. */
static void chain(struct audit_record *recs, size_t from, size_t n)
{
    for (size_t i = from; i < n; i++) {
        const char *prev = i ? recs[i - 1].hash : audit_genesis;
        memcpy(recs[i].prev_hash, prev, AUDIT_HASH_HEX);
        audit_hash(&recs[i], prev, recs[i].hash);
    }
}

static void build(struct audit_record *recs, const char *objects)
{
    for (size_t i = 0; i < N; i++) {
        recs[i] = (struct audit_record){.seq = (int64_t)i + 1,
                                        .time = 1700000000000 + (int64_t)i,
                                        .server_id = "s1",
                                        .request_id = "r1",
                                        .principal_tenant = 1,
                                        .principal_id = "key:1",
                                        .data_tenant = 1,
                                        .action = "order.read",
                                        .objects = objects};
    }
    chain(recs, 0, N);
}

static struct audit_checkpoint checkpoint(const struct audit_record *recs, int64_t count)
{
    struct audit_checkpoint cp = {.count = count, .time = 5};
    memcpy(cp.head, recs[count - 1].hash, AUDIT_HASH_HEX);
    return cp;
}

static size_t verify(const struct audit_record *recs, size_t n, const struct audit_checkpoint *cps,
                     size_t ncp)
{
    seen = 0;
    return audit_verify(recs, n, cps, ncp, problem, NULL);
}

int main(void)
{
    CHECK(sodium_init() >= 0);
    crypto_sign_keypair(pk, sk);
    struct audit_record recs[N], t[N];
    build(recs, "order:1001");

    /* signed, and read back */
    struct audit_checkpoint cps[2] = {checkpoint(recs, 3), checkpoint(recs, N)};
    struct audit_checkpoint parsed[2];
    for (int k = 0; k < 2; k++) {
        CHECK(audit_checkpoint_format(&cps[k], sk, lines[k], sizeof lines[k]) > 0);
        CHECK(audit_checkpoint_parse(lines[k], pk, &parsed[k]));
        CHECK(parsed[k].signature_ok);
        CHECK_INT(parsed[k].count, cps[k].count);
        CHECK_STR(parsed[k].head, cps[k].head);
    }
    CHECK(!audit_checkpoint_parse("not a checkpoint", pk, &parsed[0]));
    CHECK(audit_checkpoint_parse(lines[0], pk, &parsed[0]));

    /* intact */
    CHECK_INT(verify(recs, N, parsed, 2), 0);

    /* one field edited: caught at its seq */
    memcpy(t, recs, sizeof t);
    t[3].objects = "order:1002";
    CHECK_INT(verify(t, N, parsed, 2), 1);
    CHECK_INT(first_seq[0], 4);
    CHECK(strstr(first_msg[0], "edited") != NULL);

    /* the fourth record deleted */
    memcpy(t, recs, sizeof t);
    memmove(&t[3], &t[4], 2 * sizeof t[0]);
    CHECK(verify(t, N - 1, parsed, 2) >= 1);
    CHECK_INT(first_seq[0], 4);
    CHECK(strstr(first_msg[0], "deleted") != NULL);

    /* records 2 and 3 swapped (everything but seq moved) */
    memcpy(t, recs, sizeof t);
    t[1] = recs[2];
    t[2] = recs[1];
    t[1].seq = 2;
    t[2].seq = 3;
    CHECK(verify(t, N, parsed, 2) >= 1);
    CHECK_INT(first_seq[0], 2);
    CHECK(strstr(first_msg[0], "reordered") != NULL);

    /* the last two cut off: only the checkpoint knows */
    CHECK_INT(verify(recs, N - 2, parsed, 2), 1);
    CHECK_INT(first_seq[0], N - 1);
    CHECK(strstr(first_msg[0], "truncated") != NULL);

    /* rewritten whole, self-consistent: the chain passes, the checkpoint not */
    build(t, "order:9999");
    CHECK_INT(verify(t, N, NULL, 0), 0);
    CHECK_INT(verify(t, N, parsed, 2), 2);
    CHECK_INT(first_seq[0], 3);
    CHECK(strstr(first_msg[0], "rewritten") != NULL);

    /* a checkpoint line forged to match the rewritten chain */
    char forged[256];
    snprintf(forged, sizeof forged, "%s", lines[1]);
    memcpy(strchr(forged, ' ') + 1, t[N - 1].hash, 64);
    struct audit_checkpoint f;
    CHECK(audit_checkpoint_parse(forged, pk, &f));
    CHECK(!f.signature_ok);
    CHECK_INT(verify(t, N, &f, 1), 1);
    CHECK_INT(first_seq[0], 1);
    CHECK(strstr(first_msg[0], "bad signature") != NULL);

    /* signed with another key */
    unsigned char pk2[crypto_sign_PUBLICKEYBYTES], sk2[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk2, sk2);
    CHECK(audit_checkpoint_parse(lines[0], pk2, &f));
    CHECK(!f.signature_ok);

    return check_report("test_audit");
}
