/* status_audit: the access audit's checkpoints kept on the status site
 * (status_db.h): the app's copy of each signed line, and the two plain-text
 * files the site publishes from them. The site does not check signatures:
 * it keeps what it was given, and `postroom audit verify --status-db` (or
 * anybody with the published files) does the checking. */
#include "status/status_db.h"
#include "status/status_db_impl.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

/* Digits, lowercase hex and single spaces, a count first: the shape
 * audit_checkpoint_format writes, checked loosely (the verifier is strict). */
static bool line_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 400 || s[0] < '0' || s[0] > '9' || s[n - 1] == ' ') return false;
    for (size_t i = 0; i < n; i++) {
        bool hex = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f');
        if (!hex && !(s[i] == ' ' && s[i + 1] != ' ')) return false;
    }
    return true;
}

static bool key_ok(const char *s)
{
    if (!s || strlen(s) != 64) return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return false;
    return true;
}

enum status_rc status_audit_checkpoints_add(struct status_db *db, const char *const *lines,
                                            size_t n, const char *public_key, int64_t now_ms,
                                            size_t *added)
{
    *added = 0;
    if (!key_ok(public_key)) return STATUS_BAD;
    for (size_t i = 0; i < n; i++)
        if (!line_ok(lines[i])) return STATUS_BAD;
    if (!status_db_exec(db, "BEGIN IMMEDIATE")) return STATUS_ERROR;
    sqlite3_stmt *st = status_db_prep(db, "INSERT OR IGNORE INTO audit_checkpoints(count, line,"
                                          " public_key, received_at) VALUES (?1, ?2, ?3, ?4)");
    if (!st) return status_db_finish(db, STATUS_ERROR);
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        sqlite3_bind_int64(st, 1, strtoll(lines[i], NULL, 10));
        sqlite3_bind_text(st, 2, lines[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, public_key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, now_ms);
        ok = sqlite3_step(st) == SQLITE_DONE;
        *added += ok ? (size_t)sqlite3_changes(db->db) : 0;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (!ok) *added = 0;
    return status_db_finish(db, ok ? STATUS_OK : STATUS_ERROR);
}

static enum status_rc each(struct status_db *db, const char *sql, status_checkpoint_fn fn,
                           void *ctx)
{
    sqlite3_stmt *st = status_db_prep(db, sql);
    if (!st) return STATUS_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (!fn(ctx, (const char *)sqlite3_column_text(st, 0),
                (const char *)sqlite3_column_text(st, 1)))
            break;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STATUS_OK : STATUS_ERROR;
}

enum status_rc status_audit_checkpoints_each(struct status_db *db, status_checkpoint_fn fn,
                                             void *ctx)
{
    return each(db, "SELECT line, public_key FROM audit_checkpoints ORDER BY id", fn, ctx);
}

static bool add_line(void *ctx, const char *line, const char *key)
{
    (void)key;
    buf_adds(ctx, line);
    buf_addc(ctx, '\n');
    return true;
}

static bool add_key(void *ctx, const char *line, const char *key)
{
    (void)line;
    buf_adds(ctx, key);
    buf_addc(ctx, '\n');
    return true;
}

bool status_write_audit_lines(struct status_db *db, struct buf *out)
{
    return status_audit_checkpoints_each(db, add_line, out) == STATUS_OK;
}

bool status_write_audit_keys(struct status_db *db, struct buf *out)
{
    return each(db,
                "SELECT '', public_key FROM audit_checkpoints GROUP BY public_key ORDER BY min(id)",
                add_key, out) == STATUS_OK;
}
