/* sqlite_audit: the access audit's chain in the SQLite backend. An append
 * reads the head and links each new record onto it within one write
 * transaction (BEGIN IMMEDIATE, or the caller's), so two servers appending
 * at once still make one chain. */
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
        const unsigned char *h = sqlite3_column_text(st, 1);
        if (!h || sqlite3_column_bytes(st, 1) != AUDIT_HASH_HEX - 1) return STORE_ERROR;
        memcpy(hash, h, AUDIT_HASH_HEX);
        rc = sqlite3_step(st);
    }
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "audit_head");
}

/* Binds r as the k-th row (from 0) of an insert statement. */
static void bind_row(sqlite3_stmt *st, int k, const struct audit_record *r)
{
    int p = 11 * k;
    sqlite3_bind_int64(st, p + 1, r->seq);
    sqlite3_bind_int64(st, p + 2, r->time);
    sqlite3_bind_text(st, p + 3, r->server_id ? r->server_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, p + 4, r->request_id ? r->request_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, p + 5, r->principal_tenant);
    sqlite3_bind_text(st, p + 6, r->principal_id ? r->principal_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, p + 7, r->data_tenant);
    sqlite3_bind_text(st, p + 8, r->action ? r->action : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, p + 9, r->objects ? r->objects : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, p + 10, r->prev_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, p + 11, r->hash, -1, SQLITE_STATIC);
}

/* Inserts n linked records: AUDIT_ROWS a statement while there are that
 * many (one statement's overhead for many rows), then one by one. */
static int insert(struct sqlite_store *s, const struct audit_record *r, size_t n)
{
    int rc = STORE_OK;
    for (; rc == STORE_OK && n >= AUDIT_ROWS; r += AUDIT_ROWS, n -= AUDIT_ROWS) {
        sqlite3_stmt *st = stmt(s, Q_AUDIT_INSERT_MANY);
        if (!st) return STORE_ERROR;
        for (int k = 0; k < AUDIT_ROWS; k++)
            bind_row(st, k, &r[k]);
        rc = sq_exec(s, st, "audit_insert");
    }
    for (; rc == STORE_OK && n > 0; r++, n--) {
        sqlite3_stmt *st = stmt(s, Q_AUDIT_INSERT);
        if (!st) return STORE_ERROR;
        bind_row(st, 0, r);
        rc = sq_exec(s, st, "audit_insert");
    }
    return rc;
}

/* Links n records onto the head, inside the transaction open. */
static int chain_onto(struct sqlite_store *s, const struct audit_record *recs, size_t n)
{
    struct audit_record r[AUDIT_ROWS];
    int64_t seq;
    char prev[AUDIT_HASH_HEX];
    int rc = head(s, &seq, prev);
    for (size_t i = 0; rc == STORE_OK && i < n; i += AUDIT_ROWS) {
        size_t k = n - i < AUDIT_ROWS ? n - i : AUDIT_ROWS;
        for (size_t j = 0; j < k; j++) {
            r[j] = recs[i + j];
            r[j].seq = ++seq;
            memcpy(r[j].prev_hash, prev, AUDIT_HASH_HEX);
            audit_hash(&r[j], prev, r[j].hash);
            memcpy(prev, r[j].hash, AUDIT_HASH_HEX);
        }
        rc = insert(s, r, k);
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
    /* a hash edited to the wrong length reads as one that does not match */
    const char *p = sq_col_text(a, st, 9), *h = sq_col_text(a, st, 10);
    snprintf(r->prev_hash, AUDIT_HASH_HEX, "%s", p ? p : "");
    snprintf(r->hash, AUDIT_HASH_HEX, "%s", h ? h : "");
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
