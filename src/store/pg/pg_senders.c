/* pg_senders: a business's trading names and sender addresses in the
 * PostgreSQL backend (sqlite_senders.c there, migration 013). Every
 * statement binds the scope's tenant_id as $1; a removed sender keeps its
 * row (removed_at), so its number is never given to another. Numbering by
 * MAX + 1 is safe under the tenant's write lock, which every write here
 * takes. */
#include "store/pg/pg_internal.h"
#include "util/arena.h"

#include <string.h>

#define SENDER_COLS                                                                                \
    "tenant_id, sender_id, trading_name, address_line1, address_line2, city, postcode, "           \
    "country_code, phone, email, is_default"

static void read_sender(const PGresult *r, int i, struct arena *a, struct sender_row *s)
{
    s->tenant_id = pg_int(r, i, 0);
    s->sender_id = pg_int(r, i, 1);
    s->trading_name = pg_text(a, r, i, 2);
    s->address_line1 = pg_text(a, r, i, 3);
    s->address_line2 = pg_text(a, r, i, 4);
    s->city = pg_text(a, r, i, 5);
    s->postcode = pg_text(a, r, i, 6);
    s->country_code = pg_text(a, r, i, 7);
    s->phone = pg_text(a, r, i, 8);
    s->email = pg_text(a, r, i, 9);
    s->is_default = pg_int(r, i, 10) != 0;
}

int pg_senders_list(struct store *base, const struct scope *sc, struct arena *a,
                    struct sender_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    int rc;
    PGresult *r = pg_query(c, "senders_list",
                           "SELECT " SENDER_COLS " FROM senders WHERE tenant_id = $1 AND "
                           "removed_at IS NULL ORDER BY is_default DESC, sender_id",
                           &q, &rc);
    if (r) {
        int k = PQntuples(r);
        struct sender_row *out = pg_rows(a, k, sizeof *out);
        for (int i = 0; i < k; i++)
            read_sender(r, i, a, &out[i]);
        *rows = k ? out : NULL;
        *n = (size_t)k;
        rc = STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

int pg_sender_get(struct store *base, const struct scope *sc, int64_t sender_id, struct arena *a,
                  struct sender_row *out)
{
    struct pg_conn *c = pg_scoped(P(base), sc, false);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_int(&q, sender_id);
    int rc;
    PGresult *r = pg_query(c, "sender_get",
                           "SELECT " SENDER_COLS " FROM senders WHERE tenant_id = $1 AND "
                           "sender_id = $2 AND removed_at IS NULL",
                           &q, &rc);
    if (r) {
        rc = PQntuples(r) == 1 ? STORE_OK : STORE_NOTFOUND;
        if (rc == STORE_OK) read_sender(r, 0, a, out);
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}

/* Binds the fields of in, in the columns' order (trading name to e-mail). */
static void bind_fields(struct pg_args *q, const struct sender_row *in)
{
    pg_arg_text(q, in->trading_name);
    pg_arg_text(q, in->address_line1);
    pg_arg_text(q, in->address_line2);
    pg_arg_text(q, in->city);
    pg_arg_text(q, in->postcode);
    pg_arg_text(q, in->country_code ? in->country_code : "GB");
    pg_arg_text(q, in->phone);
    pg_arg_text(q, in->email);
}

/* The first live sender of a business is its default. */
static int add_sender(struct pg_conn *c, const struct scope *sc, const struct sender_row *in,
                      int64_t now, int64_t *sender_id)
{
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    bind_fields(&q, in);
    pg_arg_int(&q, now);
    int rc;
    PGresult *r = pg_query(
        c, "sender_add",
        "INSERT INTO senders(tenant_id, sender_id, trading_name, address_line1, address_line2, "
        "city, postcode, country_code, phone, email, is_default, created_at) SELECT $1::bigint, "
        "COALESCE(MAX(sender_id), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, "
        "(NOT EXISTS (SELECT 1 FROM senders WHERE tenant_id = $1 AND removed_at IS NULL))::int, "
        "$10::bigint FROM senders WHERE tenant_id = $1 RETURNING sender_id",
        &q, &rc);
    if (!r) return rc;
    *sender_id = pg_int(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

static int update_sender(struct pg_conn *c, const struct scope *sc, const struct sender_row *in)
{
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_int(&q, in->sender_id);
    bind_fields(&q, in);
    int64_t changed = 0;
    int rc = pg_exec(c, "sender_update",
                     "UPDATE senders SET trading_name = $3, address_line1 = $4, "
                     "address_line2 = $5, city = $6, postcode = $7, country_code = $8, "
                     "phone = $9, email = $10 WHERE tenant_id = $1 AND sender_id = $2 "
                     "AND removed_at IS NULL",
                     &q, &changed);
    return rc == STORE_OK && changed == 0 ? STORE_NOTFOUND : rc;
}

int pg_sender_save(struct store *base, const struct scope *sc, const struct sender_row *in,
                   int64_t now, int64_t *sender_id)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    int rc;
    if (in->sender_id > 0) {
        rc = update_sender(c, sc, in);
        *sender_id = in->sender_id;
    } else {
        rc = add_sender(c, sc, in, now, sender_id);
    }
    return pg_tx_end(c, rc);
}

int pg_sender_set_default(struct store *base, const struct scope *sc, int64_t sender_id)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_int(&q, sender_id);
    int64_t changed = 0;
    int rc = pg_exec(c, "sender_default",
                     "UPDATE senders SET is_default = (sender_id = $2)::int WHERE tenant_id = $1 "
                     "AND removed_at IS NULL AND EXISTS (SELECT 1 FROM senders WHERE "
                     "tenant_id = $1 AND sender_id = $2 AND removed_at IS NULL)",
                     &q, &changed);
    if (rc == STORE_OK && changed == 0) rc = STORE_NOTFOUND;
    return pg_tx_end(c, rc);
}

/* In one statement: whether the sender is there, whether something keeps
 * it (being the default of several, or an order still to ship that names
 * it: json_extract(doc, '$.senderId') there, a jsonb number here, so a
 * senderId that is text matches in neither), and the removal when nothing
 * does. */
int pg_sender_remove(struct store *base, const struct scope *sc, int64_t sender_id, int64_t now)
{
    struct pg_conn *c = pg_scoped(P(base), sc, true);
    if (!c) return STORE_ERROR;
    struct pg_args q = {0};
    pg_arg_int(&q, sc->tenant_id);
    pg_arg_int(&q, sender_id);
    pg_arg_int(&q, now);
    int rc;
    PGresult *r = pg_query(
        c, "sender_remove",
        "WITH s AS (SELECT is_default FROM senders WHERE tenant_id = $1 AND sender_id = $2 "
        "AND removed_at IS NULL), "
        "kept AS (SELECT (s.is_default <> 0 AND (SELECT COUNT(*) FROM senders WHERE "
        "tenant_id = $1 AND removed_at IS NULL) > 1) OR EXISTS (SELECT 1 FROM orders WHERE "
        "tenant_id = $1 AND status IN ('new', 'postageApplied', 'labelGenerated', 'onHold') AND "
        "doc::jsonb -> 'senderId' = to_jsonb($2::bigint)) AS k FROM s), "
        "gone AS (UPDATE senders SET removed_at = $3, is_default = 0 WHERE tenant_id = $1 "
        "AND sender_id = $2 AND removed_at IS NULL AND NOT (SELECT k FROM kept) RETURNING 1) "
        "SELECT (SELECT COUNT(*) FROM s), (SELECT COUNT(*) FROM gone)",
        &q, &rc);
    if (r) {
        rc = pg_int(r, 0, 0) == 0   ? STORE_NOTFOUND
             : pg_int(r, 0, 1) == 0 ? STORE_CONFLICT
                                    : STORE_OK;
        PQclear(r);
    }
    return pg_tx_end(c, rc);
}
