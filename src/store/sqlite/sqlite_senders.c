/* sqlite_senders: a business's trading names and sender addresses in the
 * SQLite backend (migration 013). Every statement binds the scope's
 * tenant_id as ?1; a removed sender keeps its row (removed_at), so its
 * number is never given to another. */
#include "store/sqlite/sqlite_internal.h"

#include <string.h>

#define SENDER_COLS                                                                                \
    "tenant_id, sender_id, trading_name, address_line1, address_line2, city, postcode, "           \
    "country_code, phone, email, is_default"

static const char *const sql_text[Q_COUNT] = {
    [Q_SENDER_LIST] = "SELECT " SENDER_COLS " FROM senders WHERE tenant_id = ?1 AND removed_at "
                      "IS NULL ORDER BY is_default DESC, sender_id",
    [Q_SENDER_GET] = "SELECT " SENDER_COLS " FROM senders WHERE tenant_id = ?1 AND sender_id = ?2 "
                     "AND removed_at IS NULL",
    /* the first live sender of a business is its default */
    [Q_SENDER_ADD] =
        "INSERT INTO senders(tenant_id, sender_id, trading_name, address_line1, address_line2, "
        "city, postcode, country_code, phone, email, is_default, created_at) SELECT ?1, "
        "COALESCE(MAX(sender_id), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "NOT EXISTS (SELECT 1 FROM senders WHERE tenant_id = ?1 AND removed_at IS NULL), ?10 "
        "FROM senders WHERE tenant_id = ?1 RETURNING sender_id",
    [Q_SENDER_UPDATE] = "UPDATE senders SET trading_name = ?3, address_line1 = ?4, "
                        "address_line2 = ?5, city = ?6, postcode = ?7, country_code = ?8, "
                        "phone = ?9, email = ?10 WHERE tenant_id = ?1 AND sender_id = ?2 "
                        "AND removed_at IS NULL",
    [Q_SENDER_DEFAULT] = "UPDATE senders SET is_default = (sender_id = ?2) WHERE tenant_id = ?1 "
                         "AND removed_at IS NULL AND EXISTS (SELECT 1 FROM senders WHERE "
                         "tenant_id = ?1 AND sender_id = ?2 AND removed_at IS NULL)",
    [Q_SENDER_REMOVE] = "UPDATE senders SET removed_at = ?3, is_default = 0 WHERE tenant_id = ?1 "
                        "AND sender_id = ?2 AND removed_at IS NULL",
    /* what stands in the way of removing one: being the default of several,
     * or an order still to ship that names it */
    [Q_SENDER_IN_USE] =
        "SELECT (SELECT is_default FROM senders WHERE tenant_id = ?1 AND sender_id = ?2) AND "
        "(SELECT COUNT(*) FROM senders WHERE tenant_id = ?1 AND removed_at IS NULL) > 1, "
        "EXISTS (SELECT 1 FROM orders INDEXED BY orders_by_status WHERE tenant_id = ?1 AND "
        "status IN ('new', 'postageApplied', 'labelGenerated', 'onHold') AND "
        "json_extract(doc, '$.senderId') = ?2)",
};

static sqlite3_stmt *stmt(struct sqlite_store *s, enum stmt_id id)
{
    return sq_stmt(s, id, sql_text[id]);
}

static void read_sender(sqlite3_stmt *st, struct arena *a, struct sender_row *r)
{
    r->tenant_id = sqlite3_column_int64(st, 0);
    r->sender_id = sqlite3_column_int64(st, 1);
    r->trading_name = sq_col_text(a, st, 2);
    r->address_line1 = sq_col_text(a, st, 3);
    r->address_line2 = sq_col_text(a, st, 4);
    r->city = sq_col_text(a, st, 5);
    r->postcode = sq_col_text(a, st, 6);
    r->country_code = sq_col_text(a, st, 7);
    r->phone = sq_col_text(a, st, 8);
    r->email = sq_col_text(a, st, 9);
    r->is_default = sqlite3_column_int(st, 10) != 0;
}

int sq_senders_list(struct store *base, const struct scope *sc, struct arena *a,
                    struct sender_row **rows, size_t *n)
{
    struct sqlite_store *s = S(base);
    size_t k = 0, cap = 0;
    struct sender_row *out = NULL;
    *rows = NULL;
    *n = 0;
    sqlite3_stmt *st = stmt(s, Q_SENDER_LIST);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? cap * 2 : 8;
            struct sender_row *g = arena_alloc(a, cap * sizeof *g);
            if (k) memcpy(g, out, k * sizeof *g);
            out = g;
        }
        read_sender(st, a, &out[k++]);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return sq_fail(s, "senders_list");
    *rows = out;
    *n = k;
    return STORE_OK;
}

int sq_sender_get(struct store *base, const struct scope *sc, int64_t sender_id, struct arena *a,
                  struct sender_row *out)
{
    struct sqlite_store *s = S(base);
    sqlite3_stmt *st = stmt(s, Q_SENDER_GET);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, sender_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) read_sender(st, a, out);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : sq_fail(s, "sender_get");
}

/* Binds the fields of in from ?first on, in the columns' order. */
static void bind_fields(sqlite3_stmt *st, int first, const struct sender_row *in)
{
    sqlite3_bind_text(st, first, in->trading_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, first + 1, in->address_line1, -1, SQLITE_STATIC);
    sq_bind_text_opt(st, first + 2, in->address_line2);
    sqlite3_bind_text(st, first + 3, in->city, -1, SQLITE_STATIC);
    sq_bind_text_opt(st, first + 4, in->postcode);
    sqlite3_bind_text(st, first + 5, in->country_code ? in->country_code : "GB", -1, SQLITE_STATIC);
    sq_bind_text_opt(st, first + 6, in->phone);
    sq_bind_text_opt(st, first + 7, in->email);
}

static int add_sender(struct sqlite_store *s, const struct scope *sc, const struct sender_row *in,
                      int64_t now, int64_t *sender_id)
{
    sqlite3_stmt *st = stmt(s, Q_SENDER_ADD);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    bind_fields(st, 2, in);
    sqlite3_bind_int64(st, 10, now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *sender_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return STORE_OK;
    return (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_CONFLICT : sq_fail(s, "sender_add");
}

static int update_sender(struct sqlite_store *s, const struct scope *sc,
                         const struct sender_row *in)
{
    sqlite3_stmt *st = stmt(s, Q_SENDER_UPDATE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, in->sender_id);
    bind_fields(st, 3, in);
    int rc = sq_exec(s, st, "sender_update");
    if (rc == STORE_OK && sqlite3_changes(s->db) == 0) rc = STORE_NOTFOUND;
    return rc;
}

int sq_sender_save(struct store *base, const struct scope *sc, const struct sender_row *in,
                   int64_t now, int64_t *sender_id)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    int rc;
    if (in->sender_id > 0) {
        rc = update_sender(s, sc, in);
        *sender_id = in->sender_id;
    } else {
        rc = add_sender(s, sc, in, now, sender_id);
    }
    return sq_tx_end(s, rc);
}

int sq_sender_set_default(struct store *base, const struct scope *sc, int64_t sender_id)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, Q_SENDER_DEFAULT);
    int rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, sender_id);
        rc = sq_exec(s, st, "sender_default");
        if (rc == STORE_OK && sqlite3_changes(s->db) == 0) rc = STORE_NOTFOUND;
    }
    return sq_tx_end(s, rc);
}

/* STORE_OK when nothing keeps the sender, STORE_CONFLICT when something does. */
static int removable(struct sqlite_store *s, const struct scope *sc, int64_t sender_id)
{
    sqlite3_stmt *st = stmt(s, Q_SENDER_IN_USE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sc->tenant_id);
    sqlite3_bind_int64(st, 2, sender_id);
    int rc = sqlite3_step(st);
    bool kept = rc == SQLITE_ROW && (sqlite3_column_int(st, 0) || sqlite3_column_int(st, 1));
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) return sq_fail(s, "sender_in_use");
    return kept ? STORE_CONFLICT : STORE_OK;
}

int sq_sender_remove(struct store *base, const struct scope *sc, int64_t sender_id, int64_t now)
{
    struct sqlite_store *s = S(base);
    if (sq_tx_begin(s, true) != STORE_OK) return STORE_ERROR;
    struct sender_row row;
    struct arena a;
    arena_init(&a);
    int rc = sq_sender_get(base, sc, sender_id, &a, &row);
    arena_free(&a);
    if (rc == STORE_OK) rc = removable(s, sc, sender_id);
    sqlite3_stmt *st = rc == STORE_OK ? stmt(s, Q_SENDER_REMOVE) : NULL;
    if (st) {
        sqlite3_bind_int64(st, 1, sc->tenant_id);
        sqlite3_bind_int64(st, 2, sender_id);
        sqlite3_bind_int64(st, 3, now);
        rc = sq_exec(s, st, "sender_remove");
    } else if (rc == STORE_OK) {
        rc = STORE_ERROR;
    }
    return sq_tx_end(s, rc);
}
