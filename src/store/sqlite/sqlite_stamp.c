/* sqlite_stamp: the directory's stamp (store_directory_stamp) in the SQLite
 * backend, what lets auth/apikey.c keep a key it has checked without
 * looking it up again while nothing changed.
 *
 * PRAGMA data_version changes when another connection, of this process or
 * any other, has committed since this connection last read; it does not
 * change for this connection's own commits, which sqlite3_total_changes64
 * counts instead (every row inserted, updated or deleted, triggers'
 * included). The connection's serial keeps a new connection (a broken one
 * replaced, perhaps at the same address) from ever matching an old stamp.
 * The pragma is a read: inside a snapshot it begins the snapshot's read
 * transaction, so the stamp is the state the rest of the request sees. */
#include "store/sqlite/sqlite_internal.h"

#include <stdatomic.h>

static _Atomic uint64_t serials;

uint64_t sq_stamp_serial(void)
{
    return atomic_fetch_add(&serials, 1) + 1;
}

int sq_dir_stamp(struct store *base, struct store_stamp *out)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = sq_stmt(s, Q_DATA_VERSION, "PRAGMA data_version");
    if (!st) return STORE_ERROR;
    int rc = sqlite3_step(st);
    int64_t version = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) return sq_fail(s, "dir_stamp");
    out->connection = s->serial;
    out->data = (uint64_t)version;
    out->own = (uint64_t)sqlite3_total_changes64(s->db);
    return STORE_OK;
}
