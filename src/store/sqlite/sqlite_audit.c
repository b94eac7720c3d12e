/* sqlite_audit: the access audit's chain in the SQLite backend. An append
 * reads the head and links each new record onto it within one write
 * transaction (BEGIN IMMEDIATE, or the caller's), so two servers appending
 * at once still make one chain. The hashes are kept as their 32 bytes
 * (migration 017) and handed to the rest as hex (domain/audit.h). */
#include "store/sqlite/sqlite_internal.h"

#include <stdio.h>
#include <string.h>

#define AUDIT_ROWS 16 /* rows of one multi-row insert */
#define ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define ROWS4 ROW ", " ROW ", " ROW ", " ROW

static const char *const sql_text[Q_COUNT] = {
    [Q_AUDIT_HEAD] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
    [Q_AUDIT_INSERT] = "INSERT INTO audit(seq, time, server_id, request_id, principal_tenant, "
                       "principal_id, data_tenant, action, objects, prev_hash, hash) "
                       "VALUES " ROW,
    [Q_AUDIT_INSERT_MANY] = "INSERT INTO audit(seq, time, server_id, request_id, principal_tenant, "
                            "principal_id, data_tenant, action, objects, prev_hash, hash) "
                            "VALUES " ROWS4 ", " ROWS4 ", " ROWS4 ", " ROWS4,
    [Q_AUDIT_RANGE] = "SELECT seq, time, server_id, request_id, principal_tenant, principal_id, "
                      "data_tenant, action, objects, prev_hash, hash FROM audit "
                      "WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
    [Q_AUDIT_JOURNAL_SET] = "INSERT INTO audit_journal(name, offset) VALUES (?1, ?2) "
                            "ON CONFLICT(name) DO UPDATE SET offset = excluded.offset",
    [Q_AUDIT_JOURNAL_GET] = "SELECT offset FROM audit_journal WHERE name = ?1",
    [Q_AUDIT_JOURNAL_DEL] = "DELETE FROM audit_journal WHERE name = ?1",
};

static sqlite3_stmt *stmt(struct sqlite_store *s, enum stmt_id id)
{
    return sq_stmt(s, id, sql_text[id]);
}

/* A hash column as hex: a 32-byte BLOB, or `bad` (which no hash equals)
 * when the row holds anything else, as an edit could leave it. */
static void column_hash(sqlite3_stmt *st, int col, char out[AUDIT_HASH_HEX], const char *bad)
{
    const void *h =
        sqlite3_column_type(st, col) == SQLITE_BLOB ? sqlite3_column_blob(st, col) : NULL;
    if (h && sqlite3_column_bytes(st, col) == AUDIT_HASH_BYTES)
        audit_hash_hex(h, out);
    else
        snprintf(out, AUDIT_HASH_HEX, "%s", bad);
}

/* The last record's seq and hash; seq 0 and the genesis hash when empty. */
static int head(struct sqlite_store *s, int64_t *seq, char hash[AUDIT_HASH_HEX])
{
    sqlite3_stmt *st = stmt(s, Q_AUDIT_HEAD);
    if (!st) return STORE_ERROR;
    *seq = 0;
    memcpy(hash, audit_genesis, AUDIT_HASH_HEX);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st, 0);
        if (sqlite3_column_type(st, 1) != SQLITE_BLOB ||
            sqlite3_column_bytes(st, 1) != AUDIT_HASH_BYTES)
            return STORE_ERROR; /* nothing is linked onto a head that is no hash */
        column_hash(st, 1, hash, "");
        rc = sqlite3_step(st);
    }
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "audit_head");
}

/* A record linked onto the chain: the record, its prev_hash and hash as
 * the 32 bytes the row keeps. */
struct linked {
    const struct audit_record *r;
    int64_t seq;
    unsigned char prev[AUDIT_HASH_BYTES], hash[AUDIT_HASH_BYTES];
};

/* Binds l as the k-th row (from 0) of an insert statement. */
static void bind_row(sqlite3_stmt *st, int k, const struct linked *l)
{
    const struct audit_record *r = l->r;
    int p = 11 * k;
    sqlite3_bind_int64(st, p + 1, l->seq);
    sqlite3_bind_int64(st, p + 2, r->time);
    sqlite3_bind_text(st, p + 3, r->server_id ? r->server_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, p + 4, r->request_id ? r->request_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, p + 5, r->principal_tenant);
    sqlite3_bind_text(st, p + 6, r->principal_id ? r->principal_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, p + 7, r->data_tenant);
    sqlite3_bind_text(st, p + 8, r->action ? r->action : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, p + 9, r->objects ? r->objects : "", -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, p + 10, l->prev, AUDIT_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_blob(st, p + 11, l->hash, AUDIT_HASH_BYTES, SQLITE_STATIC);
}

/* Inserts n linked records: AUDIT_ROWS a statement while there are that
 * many (one statement's overhead for many rows), then one by one. */
static int insert(struct sqlite_store *s, const struct linked *l, size_t n)
{
    int rc = STORE_OK;
    for (; rc == STORE_OK && n >= AUDIT_ROWS; l += AUDIT_ROWS, n -= AUDIT_ROWS) {
        sqlite3_stmt *st = stmt(s, Q_AUDIT_INSERT_MANY);
        if (!st) return STORE_ERROR;
        for (int k = 0; k < AUDIT_ROWS; k++)
            bind_row(st, k, &l[k]);
        rc = sq_exec(s, st, "audit_insert");
    }
    for (; rc == STORE_OK && n > 0; l++, n--) {
        sqlite3_stmt *st = stmt(s, Q_AUDIT_INSERT);
        if (!st) return STORE_ERROR;
        bind_row(st, 0, l);
        rc = sq_exec(s, st, "audit_insert");
    }
    return rc;
}

/* Links n records onto the head, inside the transaction open. Each is
 * hashed once, over the hex of the one before (the chain's definition). */
static int chain_onto(struct sqlite_store *s, const struct audit_record *recs, size_t n)
{
    struct linked l[AUDIT_ROWS];
    int64_t seq;
    char prev[AUDIT_HASH_HEX];
    unsigned char prev_bytes[AUDIT_HASH_BYTES];
    int rc = head(s, &seq, prev);
    if (rc == STORE_OK && !audit_hash_unhex(prev, AUDIT_HASH_HEX - 1, prev_bytes)) rc = STORE_ERROR;
    for (size_t i = 0; rc == STORE_OK && i < n; i += AUDIT_ROWS) {
        size_t k = n - i < AUDIT_ROWS ? n - i : AUDIT_ROWS;
        for (size_t j = 0; j < k; j++) {
            struct audit_record r = recs[i + j];
            r.seq = ++seq;
            l[j].r = &recs[i + j];
            l[j].seq = seq;
            memcpy(l[j].prev, prev_bytes, AUDIT_HASH_BYTES);
            audit_hash_bytes(&r, prev, l[j].hash);
            audit_hash_hex(l[j].hash, prev);
            memcpy(prev_bytes, l[j].hash, AUDIT_HASH_BYTES);
        }
        rc = insert(s, l, k);
    }
    return rc;
}

int sq_audit_append(struct store *base, const struct audit_record *recs, size_t n)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    return sq_tx_end(s, chain_onto(s, recs, n));
}

int sq_audit_append_journal(struct store *base, const struct audit_record *recs, size_t n,
                            const char *journal, int64_t offset)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int rc = chain_onto(s, recs, n);
    sqlite3_stmt *st = rc == STORE_OK ? stmt(s, Q_AUDIT_JOURNAL_SET) : NULL;
    if (st) {
        sqlite3_bind_text(st, 1, journal, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, offset);
        rc = sq_exec(s, st, "audit_journal_set");
    } else {
        rc = STORE_ERROR;
    }
    return sq_tx_end(s, rc);
}

int sq_audit_journal_offset(struct store *base, const char *journal, int64_t *offset)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_AUDIT_JOURNAL_GET);
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, journal, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *offset = sqlite3_column_int64(st, 0);
        rc = sqlite3_step(st);
    }
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "audit_journal_get");
}

int sq_audit_journal_forget(struct store *base, const char *journal)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_AUDIT_JOURNAL_DEL);
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, journal, -1, SQLITE_STATIC);
    return sq_exec(s, st, "audit_journal_del");
}

int sq_audit_head(struct store *base, int64_t *seq, char *hash)
{
    return head(S(base), seq, hash);
}

static void read_row(sqlite3_stmt *st, struct arena *a, struct audit_record *r)
{
    r->seq = sqlite3_column_int64(st, 0);
    r->time = sqlite3_column_int64(st, 1);
    r->server_id = sq_col_text(a, st, 2);
    r->request_id = sq_col_text(a, st, 3);
    r->principal_tenant = sqlite3_column_int64(st, 4);
    r->principal_id = sq_col_text(a, st, 5);
    r->data_tenant = sqlite3_column_int64(st, 6);
    r->action = sq_col_text(a, st, 7);
    r->objects = sq_col_text(a, st, 8);
    /* a hash edited into anything but 32 bytes reads as one that matches
     * nothing, and a bad prev_hash as nothing a bad hash matches either */
    column_hash(st, 9, r->prev_hash, "?prev_hash");
    column_hash(st, 10, r->hash, "?hash");
}

/* postroom_unhex(TEXT): its 32 bytes when it is 64 hex digits, else the
 * text itself (a migration keeps what it cannot read; verify reports it). */
static void unhex_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *t = (const char *)sqlite3_value_text(argv[0]);
    unsigned char b[AUDIT_HASH_BYTES];
    if (t && audit_hash_unhex(t, (size_t)sqlite3_value_bytes(argv[0]), b))
        sqlite3_result_blob(cx, b, sizeof b, SQLITE_TRANSIENT);
    else
        sqlite3_result_value(cx, argv[0]);
}

int sq_audit_functions(sqlite3 *db)
{
    return sqlite3_create_function(db, "postroom_unhex", 1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                   unhex_fn, NULL, NULL);
}

int sq_audit_range(struct store *base, int64_t from_seq, size_t limit, struct arena *a,
                   struct audit_record **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_AUDIT_RANGE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, from_seq);
    sqlite3_bind_int64(st, 2, (int64_t)limit);
    struct audit_record *out = NULL;
    size_t k = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? cap * 2 : 64;
            struct audit_record *g = arena_alloc(a, cap * sizeof *g);
            if (k) memcpy(g, out, k * sizeof *g);
            out = g;
        }
        read_row(st, a, &out[k++]);
    }
    if (rc != SQLITE_DONE) return sq_fail(s, "audit_range");
    *rows = out;
    *n = k;
    return STORE_OK;
}
