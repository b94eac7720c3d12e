/* audit: the access audit's hash chain and its verifier (issue 10), pure:
 * no I/O. Each record's hash is SHA-256 over the previous record's hash and
 * a canonical encoding of its own fields, so an edit, a deletion or a
 * reordering breaks the chain; signed checkpoints (Ed25519, kept outside
 * the database) catch truncation and a chain rewritten whole. */
#ifndef POSTROOM_DOMAIN_AUDIT_H
#define POSTROOM_DOMAIN_AUDIT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUDIT_HASH_HEX 65   /* 64 hex digits and the NUL */
#define AUDIT_HASH_BYTES 32 /* the SHA-256 itself, as the store keeps it */

/* One record. Never personal data: ids and action names only. */
struct audit_record {
    int64_t seq;  /* 1, 2, 3... in one global order */
    int64_t time; /* Unix ms */
    const char *server_id;
    const char *request_id;
    int64_t principal_tenant;
    const char *principal_id; /* "key:3", "user:5", "operator:NAME" */
    int64_t data_tenant;
    const char *action;  /* order.read, order.create, ... */
    const char *objects; /* "order:1001,1002" */
    char prev_hash[AUDIT_HASH_HEX];
    char hash[AUDIT_HASH_HEX];
};

/* Who asks, as a face knows it: the record's first fields. */
struct audit_actor {
    const char *server_id;  /* host:pid of the server that answered */
    const char *request_id; /* as sent in X-Request-Id */
    int64_t principal_tenant;
    const char *principal_id; /* "key:3", "user:5" */
};

/* A record of action on objects of data_tenant by who at now (its seq and
 * hashes are the store's to give). */
struct audit_record audit_record_of(const struct audit_actor *who, int64_t now, int64_t data_tenant,
                                    const char *action, const char *objects);

/* At most this many ids in one record's objects. A longer list (a page
 * import of 1,000 orders, an export of 20,000) is split into several
 * records of the same action and request id, so that no record grows past
 * about 1.2 KB; the records of one request, taken together, name every
 * object it touched, and their count of ids is the count of objects. */
#define AUDIT_IDS_PER_RECORD 100

struct arena;

/* The records of action on n ids of one kind ("order"), each with objects
 * "kind:ID,ID,..." of at most AUDIT_IDS_PER_RECORD ids, allocated from a;
 * returns how many (none when n is 0). */
size_t audit_records_of_ids(struct arena *a, const struct audit_actor *who, int64_t now,
                            int64_t data_tenant, const char *action, const char *kind,
                            const int64_t *ids, size_t n, struct audit_record **out);

/* The journal's encoding of one record (http/audit_journal.h): a line
 * "A1 TIME PRINCIPAL_TENANT DATA_TENANT" then each text field as " LEN:TEXT"
 * (server, request id, principal, action, objects) and a newline; its seq
 * and hashes are not written (the chain gives them when it appends). The
 * lengths make any field text safe, and a line cut short (a server killed
 * in the middle of the write) never decodes. */
struct buf;
void audit_journal_encode(struct buf *b, const struct audit_record *r);
/* Decodes the record at p[0..len) into out (its text copied into a);
 * returns the bytes it took, or 0 when p does not start with a whole
 * record (cut short, or not one at all). */
size_t audit_journal_decode(const char *p, size_t len, struct arena *a, struct audit_record *out);

/* The hash before the first record. */
extern const char audit_genesis[AUDIT_HASH_HEX];

/* SHA-256 hex of prev_hash and the record's fields (its own prev_hash and
 * hash are not read). */
void audit_hash(const struct audit_record *r, const char *prev_hash, char out[AUDIT_HASH_HEX]);
/* The same SHA-256 as its 32 bytes (what the store keeps: half the row's
 * bytes were its two hex hashes). The chain's definition is unchanged:
 * the previous hash is hashed as its 64 hex digits, as audit_hash does. */
void audit_hash_bytes(const struct audit_record *r, const char *prev_hash,
                      unsigned char out[AUDIT_HASH_BYTES]);
/* 32 bytes as 64 lower-case hex digits and a NUL. */
void audit_hash_hex(const unsigned char in[AUDIT_HASH_BYTES], char out[AUDIT_HASH_HEX]);
/* 64 hex digits (either case) as 32 bytes; false, out untouched, when hex
 * is anything else (shorter, longer, another character). */
bool audit_hash_unhex(const char *hex, size_t len, unsigned char out[AUDIT_HASH_BYTES]);

/* A checkpoint: after `count` records the head was `head`, at `time`. */
struct audit_checkpoint {
    int64_t count;
    char head[AUDIT_HASH_HEX];
    int64_t time;
    bool signature_ok; /* set by audit_checkpoint_parse */
};

/* One line (no newline) "COUNT HEAD TIME SIGNATURE_HEX", signed with the
 * Ed25519 secret key sk (crypto_sign_SECRETKEYBYTES). Returns the length
 * written, or -1 when cap is too small. */
int audit_checkpoint_format(const struct audit_checkpoint *cp, const unsigned char *sk, char *out,
                            size_t cap);
/* Parses a line written by audit_checkpoint_format and checks its signature
 * with the public key pk; false when the line is not one. */
bool audit_checkpoint_parse(const char *line, const unsigned char *pk, struct audit_checkpoint *cp);

/* Called once per problem found, with the first bad sequence number (or the
 * checkpoint's line number for a bad signature) and a one-line message. */
typedef void (*audit_problem_fn)(void *ctx, int64_t seq, const char *message);

/* Walks records (as read in seq order) against the checkpoints (in file
 * order); returns the number of problems reported. */
size_t audit_verify(const struct audit_record *recs, size_t n, const struct audit_checkpoint *cps,
                    size_t ncp, audit_problem_fn problem, void *ctx);

#endif
