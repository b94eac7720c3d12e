/* audit: the access audit's hash chain, its signed checkpoints and the
 * verifier that re-walks both (see audit.h). */
#include "domain/audit.h"
#include "util/buf.h"

#include <inttypes.h>
#include <nettle/sha2.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char audit_genesis[AUDIT_HASH_HEX] =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct audit_record audit_record_of(const struct audit_actor *who, int64_t now, int64_t data_tenant,
                                    const char *action, const char *objects)
{
    return (struct audit_record){.time = now,
                                 .server_id = who->server_id,
                                 .request_id = who->request_id,
                                 .principal_tenant = who->principal_tenant,
                                 .principal_id = who->principal_id,
                                 .data_tenant = data_tenant,
                                 .action = action,
                                 .objects = objects};
}

size_t audit_records_of_ids(struct arena *a, const struct audit_actor *who, int64_t now,
                            int64_t data_tenant, const char *action, const char *kind,
                            const int64_t *ids, size_t n, struct audit_record **out)
{
    size_t k = (n + AUDIT_IDS_PER_RECORD - 1) / AUDIT_IDS_PER_RECORD;
    struct audit_record *recs = arena_alloc(a, (k ? k : 1) * sizeof *recs);
    for (size_t r = 0; r < k; r++) {
        struct buf o;
        buf_init(&o, a);
        buf_adds(&o, kind);
        buf_addc(&o, ':');
        size_t end = (r + 1) * AUDIT_IDS_PER_RECORD < n ? (r + 1) * AUDIT_IDS_PER_RECORD : n;
        for (size_t i = r * AUDIT_IDS_PER_RECORD; i < end; i++) {
            if (i > r * AUDIT_IDS_PER_RECORD) buf_addc(&o, ',');
            buf_add_i64(&o, ids[i]);
        }
        recs[r] = audit_record_of(who, now, data_tenant, action, buf_cstr(&o));
    }
    *out = recs;
    return k;
}

/* The encoder writes into one reservation of the line's greatest length
 * (every request that read personal data encodes its records before its
 * answer leaves, so this is on the GET path): the same bytes as buf_add_i64
 * and buf_adds would give, without a bounds check for each. */
static char *put_i64(char *p, int64_t v)
{
    if (v < 0) *p++ = '-';
    return p + fmt_u64(p, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

static char *put_field(char *p, const char *s, size_t n)
{
    *p++ = ' ';
    p = put_i64(p, (int64_t)n);
    *p++ = ':';
    memcpy(p, s, n);
    return p + n;
}

void audit_journal_encode(struct buf *b, const struct audit_record *r)
{
    const char *text[] = {r->server_id, r->request_id, r->principal_id, r->action, r->objects};
    size_t len[5], most = 3 + 3 * 22 + 1;
    for (int i = 0; i < 5; i++) {
        if (!text[i]) text[i] = "";
        len[i] = strlen(text[i]);
        most += 2 + 20 + len[i];
    }
    buf_reserve(b, most);
    char *start = b->data + b->len, *p = start;
    memcpy(p, "A1 ", 3);
    p = put_i64(p + 3, r->time);
    *p++ = ' ';
    p = put_i64(p, r->principal_tenant);
    *p++ = ' ';
    p = put_i64(p, r->data_tenant);
    for (int i = 0; i < 5; i++)
        p = put_field(p, text[i], len[i]);
    *p++ = '\n';
    b->len += (size_t)(p - start);
}

/* A decimal integer (an optional '-', then 1 to 18 digits) at *p, ended by
 * the byte stop; false when there is none or the input ends first. */
static bool journal_int(const char **p, const char *end, char stop, int64_t *v)
{
    const char *q = *p;
    bool neg = q < end && *q == '-';
    q += neg;
    int64_t x = 0;
    int digits = 0;
    while (q < end && *q >= '0' && *q <= '9' && digits < 18) {
        x = x * 10 + (*q++ - '0');
        digits++;
    }
    if (!digits || q >= end || *q != stop) return false;
    *v = neg ? -x : x;
    *p = q + 1;
    return true;
}

static bool journal_field(const char **p, const char *end, struct arena *a, const char **out)
{
    int64_t len;
    if (!journal_int(p, end, ':', &len) || len < 0 || len > end - *p) return false;
    *out = arena_strndup(a, *p, (size_t)len);
    *p += len;
    return true;
}

size_t audit_journal_decode(const char *p, size_t len, struct arena *a, struct audit_record *out)
{
    const char *q = p, *end = p + len;
    *out = (struct audit_record){0};
    if (len < 3 || memcmp(q, "A1 ", 3) != 0) return 0;
    q += 3;
    if (!journal_int(&q, end, ' ', &out->time) ||
        !journal_int(&q, end, ' ', &out->principal_tenant) ||
        !journal_int(&q, end, ' ', &out->data_tenant))
        return 0;
    const char **text[] = {&out->server_id, &out->request_id, &out->principal_id, &out->action,
                           &out->objects};
    for (size_t i = 0; i < sizeof text / sizeof *text; i++) {
        if (i > 0) {
            if (q >= end || *q != ' ') return 0;
            q++;
        }
        if (!journal_field(&q, end, a, text[i])) return 0;
    }
    if (q >= end || *q != '\n') return 0;
    return (size_t)(q + 1 - p);
}

/* The chain's SHA-256 is nettle's: the same bytes as any SHA-256, but
 * nettle uses the CPU's SHA instructions where there are some (5 times
 * libsodium's portable code here, which mattered: a record is hashed as it
 * is appended, and the appends are most of what an audited read costs).
 * What is hashed is gathered into one buffer first and handed over in one
 * update (nettle copies small updates into its block buffer one by one). */
struct hash_input {
    struct sha256_ctx st;
    uint8_t b[1024];
    size_t n;
};

static void put_bytes(struct hash_input *h, const void *p, size_t len)
{
    if (h->n + len > sizeof h->b) { /* a long object list: what is gathered goes first */
        sha256_update(&h->st, h->n, h->b);
        h->n = 0;
        if (len > sizeof h->b) {
            sha256_update(&h->st, len, p);
            return;
        }
    }
    memcpy(h->b + h->n, p, len);
    h->n += len;
}

static void put_int(struct hash_input *h, int64_t v)
{
    char b[24];
    size_t n = 0;
    if (v < 0) b[n++] = '-';
    n += fmt_u64(b + n, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
    b[n++] = ',';
    put_bytes(h, b, n);
}

/* Length-prefixed, so no choice of field text can make two different
 * records encode alike. */
static void put_text(struct hash_input *h, const char *s)
{
    if (!s) s = "";
    size_t len = strlen(s);
    put_int(h, (int64_t)len);
    put_bytes(h, s, len);
}

void audit_hash_bytes(const struct audit_record *r, const char *prev_hash,
                      unsigned char out[AUDIT_HASH_BYTES])
{
    struct hash_input h;
    sha256_init(&h.st);
    h.n = 0;
    put_text(&h, prev_hash);
    put_int(&h, r->seq);
    put_int(&h, r->time);
    put_text(&h, r->server_id);
    put_text(&h, r->request_id);
    put_int(&h, r->principal_tenant);
    put_text(&h, r->principal_id);
    put_int(&h, r->data_tenant);
    put_text(&h, r->action);
    put_text(&h, r->objects);
    sha256_update(&h.st, h.n, h.b);
    sha256_digest(&h.st, AUDIT_HASH_BYTES, out);
}

void audit_hash_hex(const unsigned char in[AUDIT_HASH_BYTES], char out[AUDIT_HASH_HEX])
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < AUDIT_HASH_BYTES; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
    out[2 * AUDIT_HASH_BYTES] = 0;
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool audit_hash_unhex(const char *hex, size_t len, unsigned char out[AUDIT_HASH_BYTES])
{
    unsigned char b[AUDIT_HASH_BYTES];
    if (!hex || len != 2 * AUDIT_HASH_BYTES) return false;
    for (size_t i = 0; i < AUDIT_HASH_BYTES; i++) {
        int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        b[i] = (unsigned char)(hi << 4 | lo);
    }
    memcpy(out, b, sizeof b);
    return true;
}

void audit_hash(const struct audit_record *r, const char *prev_hash, char out[AUDIT_HASH_HEX])
{
    unsigned char h[AUDIT_HASH_BYTES];
    audit_hash_bytes(r, prev_hash, h);
    audit_hash_hex(h, out);
}

/* What the signature covers: the line without its signature. */
static int signed_part(const struct audit_checkpoint *cp, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%" PRId64 " %s %" PRId64, cp->count, cp->head, cp->time);
    return (n < 0 || (size_t)n >= cap) ? -1 : n;
}

int audit_checkpoint_format(const struct audit_checkpoint *cp, const unsigned char *sk, char *out,
                            size_t cap)
{
    int n = signed_part(cp, out, cap);
    if (n < 0) return -1;
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)out, (unsigned long long)n, sk);
    if ((size_t)n + 1 + 2 * sizeof sig + 1 > cap) return -1;
    out[n] = ' ';
    sodium_bin2hex(out + n + 1, 2 * sizeof sig + 1, sig, sizeof sig);
    return n + 1 + (int)(2 * sizeof sig);
}

bool audit_checkpoint_parse(const char *line, const unsigned char *pk, struct audit_checkpoint *cp)
{
    memset(cp, 0, sizeof *cp);
    char head[AUDIT_HASH_HEX + 1], sighex[2 * crypto_sign_BYTES + 2];
    long long count, time;
    if (sscanf(line, "%lld %65s %lld %129s", &count, head, &time, sighex) != 4) return false;
    if (strlen(head) != 64 || strlen(sighex) != 2 * crypto_sign_BYTES || count < 0) return false;
    cp->count = count;
    cp->time = time;
    memcpy(cp->head, head, AUDIT_HASH_HEX);
    unsigned char sig[crypto_sign_BYTES];
    size_t got = 0;
    if (sodium_hex2bin(sig, sizeof sig, sighex, strlen(sighex), NULL, &got, NULL) != 0 ||
        got != sizeof sig)
        return false;
    char msg[160];
    int n = signed_part(cp, msg, sizeof msg);
    cp->signature_ok = n > 0 && crypto_sign_verify_detached(sig, (const unsigned char *)msg,
                                                            (unsigned long long)n, pk) == 0;
    return true;
}

struct walk {
    audit_problem_fn problem;
    void *ctx;
    size_t found;
};

__attribute__((format(printf, 3, 4))) static void report(struct walk *w, int64_t seq,
                                                         const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    w->problem(w->ctx, seq, msg);
    w->found++;
}

/* The record whose hash is h, other than at index skip; -1 if none. */
static long find_hash(const struct audit_record *recs, size_t n, const char *h, size_t skip)
{
    for (size_t j = 0; j < n; j++)
        if (j != skip && strcmp(recs[j].hash, h) == 0) return (long)j;
    return -1;
}

/* One record against the one before it: the first check it fails. */
static void check_record(struct walk *w, const struct audit_record *recs, size_t n, size_t i)
{
    const struct audit_record *r = &recs[i];
    int64_t want = (int64_t)i + 1;
    if (r->seq != want) {
        if (r->seq > want)
            report(w, want, "seq %lld: record missing (deleted; next is seq %lld)", (long long)want,
                   (long long)r->seq);
        else
            report(w, want, "seq %lld: out of order (found seq %lld)", (long long)want,
                   (long long)r->seq);
        return;
    }
    const char *prev = i ? recs[i - 1].hash : audit_genesis;
    if (strcmp(r->prev_hash, prev) != 0) {
        long j =
            strcmp(r->prev_hash, audit_genesis) == 0 ? -2 : find_hash(recs, n, r->prev_hash, i);
        if (j >= 0 || j == -2)
            report(w, r->seq, "seq %lld: reordered (its record belongs after seq %lld)",
                   (long long)r->seq, j >= 0 ? (long long)recs[j].seq : 0LL);
        else
            report(w, r->seq,
                   "seq %lld: prev_hash does not match seq %lld (a record deleted or replaced)",
                   (long long)r->seq, (long long)r->seq - 1);
        return;
    }
    char h[AUDIT_HASH_HEX];
    audit_hash(r, r->prev_hash, h);
    if (strcmp(h, r->hash) != 0)
        report(w, r->seq, "seq %lld: edited (hash mismatch)", (long long)r->seq);
}

static void check_checkpoints(struct walk *w, const struct audit_record *recs, size_t n,
                              const struct audit_checkpoint *cps, size_t ncp)
{
    int64_t most = 0;
    for (size_t k = 0; k < ncp; k++) {
        const struct audit_checkpoint *cp = &cps[k];
        if (!cp->signature_ok) {
            report(w, (int64_t)k + 1, "checkpoint line %lld: bad signature (count %lld)",
                   (long long)k + 1, (long long)cp->count);
            continue;
        }
        if (cp->count > most) most = cp->count;
        if (cp->count == 0 || (size_t)cp->count > n) continue;
        if (strcmp(recs[cp->count - 1].hash, cp->head) != 0)
            report(
                w, cp->count,
                "seq %lld: head differs from the signed checkpoint at count %lld (log rewritten)",
                (long long)cp->count, (long long)cp->count);
    }
    if ((int64_t)n < most)
        report(w, (int64_t)n + 1, "seq %lld: truncated (%lld records; a checkpoint counts more)",
               (long long)n + 1, (long long)n);
}

size_t audit_verify(const struct audit_record *recs, size_t n, const struct audit_checkpoint *cps,
                    size_t ncp, audit_problem_fn problem, void *ctx)
{
    struct walk w = {problem, ctx, 0};
    for (size_t i = 0; i < n; i++)
        check_record(&w, recs, n, i);
    check_checkpoints(&w, recs, n, cps, ncp);
    return w.found;
}
