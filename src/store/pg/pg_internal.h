/* pg_internal: what the PostgreSQL backend's files share: the connections,
 * the transaction levels and the helpers around libpq.
 *
 * One struct pg_store holds up to two connections, each opened on first use:
 *   app  as postroom_app: every business's call, under row-level security
 *        (each transaction sets app.tenant_id, local to it), and the
 *        directory's lookups before a tenant is known (postroom_dir_*
 *        SECURITY DEFINER functions);
 *   op   as postroom_operator: the store_operator_* calls that cross
 *        tenants, each through a policy naming that role.
 * Migrations run on a third, short-lived connection as postroom_owner.
 *
 * Statements are prepared once per connection and executed by name
 * (pg_stmt.c says why), or, behind a pooler in transaction mode
 * (POSTROOM_PG_POOLING=transaction), sent unnamed (PQsendQueryParams), so
 * that no server-side statement has to outlive a transaction. What a
 * transaction must say before its first query (BEGIN, set_config of the
 * tenant, the tenant's write lock) is queued and sent in one pipeline with
 * that query: isolation costs no round trip of its own. */
#ifndef POSTROOM_PG_INTERNAL_H
#define POSTROOM_PG_INTERNAL_H
#include "store/store.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

/* How one level of transaction was opened (as sqlite_internal.h's). */
enum pg_level { PG_OWN, PG_SAVEPOINT, PG_JOINED };
#define PG_MAX_LEVELS 4
#define PG_MAX_PENDING 12

/* What a connection's transaction holds: put back as it was when a level
 * ends before anything it queued was sent. */
struct pg_txstate {
    int npending;
    bool in_tx;     /* a BEGIN is open (or queued) on this connection */
    int64_t tenant; /* app.tenant_id in the open transaction (0: none) */
    int64_t locked; /* the last write lock the transaction took */
};

/* A connection's named prepared statements (pg_stmt.c). */
#define PG_STMT_NAME 32
struct pg_stmts {
    struct pg_stmt *slot;
    unsigned used, next_id;
    uint64_t tag; /* random, in every name (pg_stmt.c) */
    bool off;     /* behind a transaction pooler: everything unnamed */
};
/* The name to execute sql by: true with *fresh when it must be prepared
 * first (under that name, in the same pipeline), false when it is to be
 * sent unnamed (off, too long, table full). */
bool pg_stmts_name(struct pg_stmts *s, const char *sql, char name[PG_STMT_NAME], bool *fresh);
/* Forgets every statement (a new connection, or a pipeline that failed
 * before the server could say which of its preparations it kept). */
void pg_stmts_reset(struct pg_stmts *s);

struct pg_conn {
    PGconn *c;
    struct pg_stmts stmts;
    const char *role; /* the role it connects as (names it in logs) */
    struct pg_txstate now;
    struct {
        enum pg_level lv;
        struct pg_txstate before;
    } level[PG_MAX_LEVELS];
    int depth;
    bool snapshot; /* store_snapshot_begin's transaction is open */
    struct pg_txstate before_snapshot;
    /* Queued statements, each with at most one parameter (a tenant id or a
     * lock key), sent ahead of the next query in the same pipeline. */
    struct {
        const char *sql;
        char arg[24];
    } pending[PG_MAX_PENDING];
};

struct pg_store {
    struct store base;
    char *url; /* the connection string or URL, without a user */
    struct pg_conn app, op;
    struct pg_conn *tx; /* where store_tx_begin's transaction is open */
    bool pooled;        /* POSTROOM_PG_POOLING=transaction: no named statements */
};

static inline struct pg_store *P(struct store *s)
{
    return (struct pg_store *)s;
}

/* Advisory lock keys (pg_advisory_xact_lock(bigint)). A business's writes
 * take the key of its tenant id (>= 1), as SQLite's BEGIN IMMEDIATE takes
 * the database's one write lock: a read-then-write inside cannot lose a
 * race, but two businesses never wait for each other. The others are below
 * zero. */
#define PG_LOCK_AUDIT (-1)   /* the audit chain's head: one append at a time */
#define PG_LOCK_MIGRATE (-2) /* one server migrates at a time */
#define PG_LOCK_GLOBAL (-3)  /* an unscoped write that needs it (S10, meta) */
#define PG_LOCK_BREACH (-4)  /* the breach register: join-or-open, notes, radius */

/* Parameters of one statement: text, except bytes (binary). */
#define PG_MAX_ARGS 32
struct pg_args {
    int n;
    const char *v[PG_MAX_ARGS];
    int len[PG_MAX_ARGS];
    int fmt[PG_MAX_ARGS];
    char num[PG_MAX_ARGS][24];
};
void pg_arg_int(struct pg_args *a, int64_t v);
/* NULL binds SQL NULL. The text must outlive the query. */
void pg_arg_text(struct pg_args *a, const char *v);
void pg_arg_bytes(struct pg_args *a, const void *v, size_t n);
/* A bool as the text 'true' / 'false'. */
void pg_arg_bool(struct pg_args *a, bool v);

/* The connections, opened on first use; NULL (logged) when one cannot be
 * made. */
struct pg_conn *pg_app(struct pg_store *p);
struct pg_conn *pg_op(struct pg_store *p);
/* A connection as the owner, for migrations; the caller PQfinish()es it. */
PGconn *pg_owner_connect(struct pg_store *p);

/* Opens a level of transaction on c for a call: at the outermost level a
 * BEGIN (queued); for tenant > 0 on the app connection, set_config of
 * app.tenant_id (queued, again whenever the transaction's tenant changes);
 * for a write, the write lock of lock_key (0: none; a tenant id, or a
 * PG_LOCK_* key), taken once per transaction. Inside an open transaction a
 * write takes a savepoint, so that the call stays all or nothing within it
 * (a failed statement in PostgreSQL aborts the whole transaction
 * otherwise), and a read joins it. */
int pg_tx_begin(struct pg_conn *c, int64_t tenant, int64_t lock_key, bool write);
/* Ends the innermost level with the call's result (as sq_tx_end). */
int pg_tx_end(struct pg_conn *c, int rc);
/* A read snapshot around a whole request: the outermost transaction, which
 * every level opened inside joins (a write takes a savepoint). */
int pg_snapshot_begin(struct pg_conn *c);
int pg_snapshot_end(struct pg_conn *c);

/* The usual openings: a business's call (app, its tenant, its write lock),
 * a directory call (app, no tenant, lock 0) and an operator's call (op; a
 * write that changes one business's numbering passes its tenant id as
 * lock_key). NULL when the connection cannot be had or the level cannot be
 * opened. */
struct pg_conn *pg_scoped(struct pg_store *p, const struct scope *sc, bool write);
struct pg_conn *pg_directory(struct pg_store *p, bool write);
struct pg_conn *pg_operator(struct pg_store *p, int64_t lock_key, bool write);

/* Runs one statement (with the queued prefix, in one pipeline). The result
 * when it succeeded (PGRES_TUPLES_OK or PGRES_COMMAND_OK), else NULL with
 * the failure logged by SQLSTATE only (messages can quote data) and *rc (if
 * not NULL) set: STORE_CONFLICT for an integrity violation (SQLSTATE class
 * 23), else STORE_ERROR. The caller PQclear()s it. */
PGresult *pg_query(struct pg_conn *c, const char *where, const char *sql, const struct pg_args *a,
                   int *rc);
/* A statement whose rows are not wanted: STORE_OK, STORE_CONFLICT or
 * STORE_ERROR; *changed (if not NULL) gets the rows it changed. */
int pg_exec(struct pg_conn *c, const char *where, const char *sql, const struct pg_args *a,
            int64_t *changed);
/* The same with the parameters as arrays (text when fmt is NULL), for a
 * statement of more than PG_MAX_ARGS (a multi-row insert). */
PGresult *pg_query_v(struct pg_conn *c, const char *where, const char *sql, int nargs,
                     const char *const *v, const int *len, const int *fmt, int *rc);
int pg_exec_many(struct pg_conn *c, const char *where, const char *sql, int nargs,
                 const char *const *v, int64_t *changed);
/* Logs a failure without a result (what, where). */
int pg_fail(struct pg_conn *c, const char *where);

/* Reading text results. */
int64_t pg_int(const PGresult *r, int row, int col);
bool pg_isnull(const PGresult *r, int row, int col);
/* The value copied into the arena; NULL for SQL NULL. */
const char *pg_text(struct arena *a, const PGresult *r, int row, int col);
/* A bytea column of exactly n bytes into out: false if NULL or another size. */
bool pg_bytes(const PGresult *r, int row, int col, unsigned char *out, size_t n);
/* A bytea column of any size, into the arena. */
unsigned char *pg_bytes_any(struct arena *a, const PGresult *r, int row, int col, size_t *n);
/* Room in the arena for k result rows of size bytes (at least one, so
 * an empty result is a valid pointer too). */
void *pg_rows(struct arena *a, int k, size_t size);
/* A boolean column ('t'). */
bool pg_bool(const PGresult *r, int row, int col);

/* The calls of the other files, as in sqlite_internal.h. */

/* pg_incident.c */
int pg_killswitch_set(struct store *, int64_t, const char *, const char *, const char *, int64_t);
int pg_killswitch_clear(struct store *, int64_t, const char *, int64_t);
int pg_killswitch_list(struct store *, struct arena *, struct killswitch_row **, size_t *);
int pg_sessions_revoke(struct store *, int64_t, int64_t *);
int pg_killswitch_set_revoking(struct store *, int64_t, const char *, const char *, const char *,
                               int64_t, int64_t *);
int pg_audit_append(struct store *, const struct audit_record *, size_t);
int pg_audit_head(struct store *, int64_t *, char *);
int pg_audit_append_journal(struct store *, const struct audit_record *, size_t, const char *,
                            int64_t);
int pg_audit_journal_offset(struct store *, const char *, int64_t *);
int pg_audit_journal_forget(struct store *, const char *);
int pg_audit_range(struct store *, int64_t, size_t, struct arena *, struct audit_record **,
                   size_t *);

/* orders, postage, S10, manifests of orders, returns, history, the orders list, editing:
 * pg_orders.c, pg_postage.c, pg_returns.c, pg_orderlist.c, pg_order_edit.c */
int pg_orders_insert(struct store *, const struct scope *, const struct order_new *, size_t,
                     int64_t, int64_t *, int64_t *);
int pg_orders_get(struct store *, const struct scope *, const struct order_key *, size_t,
                  struct arena *, struct order_row **, size_t *);
int pg_orders_page(struct store *, const struct scope *, const struct order_page_query *,
                   struct arena *, struct order_row **, size_t *);
int pg_order_delete(struct store *, const struct scope *, int64_t, int64_t);
int pg_order_set_status(struct store *, const struct scope *, int64_t,
                        const struct order_status_change *);
int pg_tenant_settings(struct store *, const struct scope *, struct arena *,
                       struct tenant_settings *);
int pg_tenant_settings_set(struct store *, int64_t, const struct tenant_settings *);
int pg_s10_reserve(struct store *, const char *, int, int64_t *);
int pg_order_apply_postage(struct store *, const struct scope *, int64_t, const char *,
                           const struct postage *, int64_t);
int pg_orders_mark_printed(struct store *, const struct scope *, const int64_t *, size_t, int64_t);
int pg_manifest_create(struct store *, const struct scope *, int64_t, struct arena *, int64_t *,
                       struct order_row **, size_t *);
int pg_manifest_get(struct store *, const struct scope *, int64_t, struct arena *, int64_t *,
                    struct order_row **, size_t *);
int pg_return_insert(struct store *, const struct scope *, const struct return_new *, int64_t,
                     int64_t *, int64_t *);
int pg_return_get(struct store *, const struct scope *, const char *, struct arena *,
                  struct return_row *);
int pg_order_history(struct store *, const struct scope *, int64_t, struct arena *,
                     struct order_event **, size_t *);
int pg_carriers(struct store *, const struct scope *, size_t, struct arena *, struct carrier_row **,
                size_t *);
int pg_order_edit(struct store *, const struct scope *, int64_t, const struct order_new *, int64_t,
                  const char *);
int pg_orders_find(struct store *, const struct scope *, const struct order_find *, struct arena *,
                   struct order_row **, size_t *);
int pg_order_status_counts(struct store *, const struct scope *, struct arena *,
                           struct order_count_row **, size_t *);
/* What the order files share (pg_orders.c): the columns of an order row,
 * in sqlite_internal.h's ORDER_COLS order, read from col0 on; the rows of a
 * result appended to a growing array; and the label's void (its tracking
 * number void and its postage refunded) as CTEs of one statement, whose
 * $1, $2, $3 are the tenant, the order and now, and $4 (boolean) whether to
 * void at all. */
#define PG_ORDER_COLS                                                                              \
    "tenant_id, order_id, order_ref, status, created_on, updated_on, order_date, "                 \
    "postage_applied_on, printed_on, manifested_on, shipped_on, other_courier_on, "                \
    "tracking_number, carrier, carrier_service, package_count, doc, service_code, "                \
    "postage_pence, manifest_no, channel"
#define PG_ORDER_NCOLS 21
void pg_read_order(const PGresult *r, int row, int col0, struct arena *a, struct order_row *o);
void pg_collect_orders(const PGresult *r, int col0, struct arena *a, struct order_row **rows,
                       size_t *n, size_t *cap);
#define PG_VOID_CTES                                                                               \
    "live AS (SELECT t.tracking_number, o.postage_pence FROM orders o "                            \
    "JOIN tracking_numbers t ON t.tracking_number = o.tracking_number "                            \
    "AND t.tenant_id = o.tenant_id AND t.order_id = o.order_id "                                   \
    "WHERE o.tenant_id = $1 AND o.order_id = $2 AND t.voided_at IS NULL AND $4::boolean), "        \
    "voided AS (UPDATE tracking_numbers SET voided_at = $3::bigint WHERE tenant_id = $1 "          \
    "AND tracking_number IN (SELECT tracking_number FROM live)), "                                 \
    "refund AS (INSERT INTO postage_ledger(tenant_id, entry_id, order_id, tracking_number, kind, " \
    "amount_pence, at) SELECT $1, (SELECT COALESCE(MAX(entry_id), 0) + 1 FROM postage_ledger "     \
    "WHERE tenant_id = $1), $2, tracking_number, 'refund', -COALESCE(postage_pence, 0), $3 "       \
    "FROM live)"

/* Inserting orders in one statement (pg_orders.c's batch, pg_import.c's
 * swap): given CTEs alloc(first), the first new order id, and src(i, ref,
 * odate, doc, pc, svc, pence, tn, chan), each order at alloc.first + i, with
 * $1 the tenant and $3 now: the CTE ins inserts the orders (RETURNING
 * tenant_id, order_id, tracking_number, postage_pence), trk records their
 * tracking numbers and led charges them, as sq_postage_issue does. */
#define PG_ORDER_INSERT_CTES                                                                       \
    "ins AS (INSERT INTO orders(tenant_id, order_id, order_ref, status, created_on, "              \
    "updated_on, order_date, package_count, doc, service_code, postage_pence, "                    \
    "tracking_number, postage_applied_on, channel) SELECT $1, alloc.first + src.i, "               \
    "src.ref, CASE WHEN src.tn IS NULL THEN 'new' ELSE 'postageApplied' END, $3::bigint, "         \
    "$3::bigint, src.odate, src.pc, src.doc, src.svc, src.pence, src.tn, "                         \
    "CASE WHEN src.tn IS NULL THEN NULL ELSE $3::bigint END, COALESCE(src.chan, 'API') "           \
    "FROM src CROSS JOIN alloc "                                                                   \
    "RETURNING tenant_id, order_id, tracking_number, postage_pence), "                             \
    "trk AS (INSERT INTO tracking_numbers(tracking_number, tenant_id, order_id, "                  \
    "issued_at) SELECT tracking_number, tenant_id, order_id, $3::bigint FROM ins "                 \
    "WHERE tracking_number IS NOT NULL), "                                                         \
    "led AS (INSERT INTO postage_ledger(tenant_id, entry_id, order_id, tracking_number, "          \
    "kind, amount_pence, at) SELECT $1, m.top + row_number() OVER (ORDER BY ins.order_id), "       \
    "ins.order_id, ins.tracking_number, 'charge', ins.postage_pence, $3::bigint FROM ins "         \
    "CROSS JOIN (SELECT COALESCE(MAX(entry_id), 0) AS top FROM postage_ledger "                    \
    "WHERE tenant_id = $1) m WHERE ins.tracking_number IS NOT NULL)"

/* senders, rules, manifests (daily), dashboard, account, users: pg_senders.c, pg_rules.c,
 * pg_manifests.c, pg_dashboard.c, pg_account.c, pg_users.c */
int pg_senders_list(struct store *, const struct scope *, struct arena *, struct sender_row **,
                    size_t *);
int pg_sender_get(struct store *, const struct scope *, int64_t, struct arena *,
                  struct sender_row *);
int pg_sender_save(struct store *, const struct scope *, const struct sender_row *, int64_t,
                   int64_t *);
int pg_sender_set_default(struct store *, const struct scope *, int64_t);
int pg_sender_remove(struct store *, const struct scope *, int64_t, int64_t);
extern const struct store_account_ops pg_account_ops;
extern const struct store_users_ops pg_users_ops;
extern const struct store_rules_ops pg_rules_ops;
extern const struct store_manifests_ops pg_manifests_ops;
extern const struct store_dashboard_ops pg_dashboard_ops;

/* operators, data reports, the breach register: pg_operators.c, pg_breach.c */
int pg_op_account_add(struct store *, const char *, const char *, const char *, int64_t, int64_t *);
int pg_op_account_list(struct store *, struct arena *, struct operator_row **, size_t *);
int pg_op_account_disable(struct store *, const char *, int64_t, int64_t *);
int pg_op_login(struct store *, const char *, struct arena *, struct operator_row *);
int pg_op_step(struct store *, int64_t, int64_t);
int pg_op_session_create(struct store *, const unsigned char *, int64_t, const char *, int64_t,
                         int64_t);
int pg_op_session(struct store *, const unsigned char *, int64_t, int64_t, int64_t *, const char **,
                  struct arena *);
int pg_op_session_delete(struct store *, const unsigned char *);
int pg_op_order_counts(struct store *, struct arena *, struct tenant_count_row **, size_t *);
int pg_data_report_add(struct store *, const struct scope *, int64_t, const char *, const char *,
                       const char *, int64_t, int64_t *);
int pg_op_data_reports(struct store *, size_t, struct arena *, struct data_report_row **, size_t *);
int pg_op_data_report_handle(struct store *, int64_t, int64_t, int64_t);
extern const struct store_breach_ops pg_breach_ops;

/* pg_mappings.c: saved column mappings (store_mappings.h) */
extern const struct store_mappings_ops pg_mappings_ops;
/* pg_import.c: import jobs (store_import.h) */
extern const struct store_import_ops pg_import_ops;

#endif
