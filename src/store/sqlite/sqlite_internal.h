/* sqlite_internal: what the SQLite backend's files share: the connection
 * struct, statement ids and the helpers around prepared statements. */
#ifndef POSTROOM_SQLITE_INTERNAL_H
#define POSTROOM_SQLITE_INTERNAL_H
#include "store/store.h"

#include <sqlite3.h>

enum stmt_id {
    Q_BEGIN,
    Q_BEGIN_IMMEDIATE,
    Q_COMMIT,
    Q_ROLLBACK,
    Q_SAVEPOINT,
    Q_RELEASE,
    Q_ROLLBACK_TO,
    Q_META_GET,
    Q_META_PUT,
    Q_TENANT_CREATE,
    Q_TENANT_EXISTS,
    Q_TENANT_FIND,
    Q_TENANT_NAME,
    Q_USER_EMAIL,
    Q_USER_NEXT_ID,
    Q_USER_ADD,
    Q_LOGIN_ADD,
    Q_USER_SET_PW,
    Q_KEY_NEXT_ID,
    Q_KEY_ADD,
    Q_KEY_REVOKE_NAMED,
    Q_KEY_REVOKE_ALL,
    Q_DIR_KEY,
    Q_DIR_LOGIN,
    Q_DIR_SESSION,
    Q_DIR_SESSION_TOUCH,
    Q_DIR_SESSION_CREATE,
    Q_DIR_SESSION_DELETE,
    Q_DIR_FAILURES,
    Q_DIR_FAILURE_ADD,
    Q_DIR_FAILURE_PRUNE,
    Q_ORDER_ALLOC,
    Q_ORDER_INSERT,
    Q_ORDER_BY_ID,
    Q_ORDER_BY_REF,
    Q_ORDER_PAGE,
    Q_ORDER_DELETE,
    Q_ORDER_SET_STATUS,
    Q_ORDER_POSTAGE_OF,
    Q_TRACKING_ISSUE,
    Q_TRACKING_VOID,
    Q_LEDGER_ADD,
    Q_SETTINGS_GET,
    Q_SETTINGS_PUT,
    Q_S10_INIT,
    Q_S10_RESERVE,
    Q_ORDER_APPLY_POSTAGE,
    Q_ORDER_MARK_PRINTED,
    Q_MANIFEST_NEXT,
    Q_MANIFEST_ASSIGN,
    Q_MANIFEST_INSERT,
    Q_MANIFEST_GET,
    Q_MANIFEST_ORDERS,
    Q_RETURN_ORDER_EXISTS,
    Q_RETURN_INSERT,
    Q_RETURN_GET,
    Q_HISTORY_ADD,
    Q_HISTORY_GET,
    Q_CARRIERS,
    Q_KILLSWITCH_SET,
    Q_KILLSWITCH_CLEAR,
    Q_KILLSWITCH_LIST,
    Q_AUDIT_HEAD,
    Q_AUDIT_INSERT,
    Q_AUDIT_INSERT_MANY,
    Q_AUDIT_RANGE,
    Q_AUDIT_JOURNAL_SET,
    Q_AUDIT_JOURNAL_GET,
    Q_AUDIT_JOURNAL_DEL,
    Q_SESSIONS_REVOKE_ALL,
    Q_SESSIONS_REVOKE_TENANT,
    Q_OP_ADD,
    Q_OP_LIST,
    Q_OP_DISABLE,
    Q_OP_SESSIONS_END,
    Q_OP_LOGIN,
    Q_OP_STEP,
    Q_OP_SESSION_CREATE,
    Q_OP_SESSION,
    Q_OP_SESSION_TOUCH,
    Q_OP_SESSION_DELETE,
    Q_OP_ORDER_COUNTS,
    Q_REPORT_ADD,
    Q_REPORT_LIST,
    Q_REPORT_HANDLE,
    /* sqlite_senders.c, sqlite_order_edit.c (issue 11) */
    Q_SENDER_LIST,
    Q_SENDER_GET,
    Q_SENDER_ADD,
    Q_SENDER_UPDATE,
    Q_SENDER_DEFAULT,
    Q_SENDER_REMOVE,
    Q_SENDER_IN_USE,
    Q_ORDER_EDIT,
    Q_ORDER_EDIT_STATUS,
    Q_ORDER_EDIT_HISTORY,
    Q_ORDER_COUNTS,
    Q_DATA_VERSION,     /* sqlite_stamp.c */
    Q_ORDER_COUNTS_ADD, /* sqlite_orders.c, migration 019 */
    Q_ORDER_BATCH_IDS,  /* sqlite_orders.c */
    Q_COUNT
};

/* How one level of transaction was opened: a BEGIN of its own, a savepoint
 * inside a transaction already open, or (a read) by joining it. */
enum sq_level { SQ_OWN, SQ_SAVEPOINT, SQ_JOINED };
#define SQ_MAX_LEVELS 4

struct sqlite_store {
    struct store base;
    sqlite3 *db;
    sqlite3_stmt *stmt[Q_COUNT];        /* prepared once per connection, on first use */
    enum sq_level level[SQ_MAX_LEVELS]; /* the open levels, outermost first */
    int depth;
    uint64_t serial; /* this connection's number in the process (sqlite_stamp.c) */
};

static inline struct sqlite_store *S(struct store *s)
{
    return (struct sqlite_store *)s;
}

/* A number no other connection of this process had (sqlite_stamp.c). */
uint64_t sq_stamp_serial(void);
int sq_dir_stamp(struct store *base, struct store_stamp *out);

/* Logs a failure by SQLite error code only (messages can quote data). */
int sq_fail(struct sqlite_store *s, const char *where);
/* The statement for id, prepared from sql on first use, reset and unbound. */
sqlite3_stmt *sq_stmt(struct sqlite_store *s, enum stmt_id id, const char *sql);
/* A one-off statement, for calls not hot enough to keep a prepared copy:
 * NULL, with the failure recorded as "WHAT prepare", when it does not
 * prepare. */
sqlite3_stmt *sq_prepare(struct sqlite_store *s, const char *what, const char *sql);
/* Steps a one-off statement once (a change, or a row not wanted) and
 * finalizes it; *changed (when not NULL) gets the rows it changed.
 * STORE_CONFLICT when a constraint refused it, else STORE_OK or the failure
 * recorded under where. A NULL statement (sq_prepare failed) is STORE_ERROR. */
int sq_run(struct sqlite_store *s, sqlite3_stmt *st, const char *where, int64_t *changed);
/* Steps a statement whose rows are not needed; STORE_CONFLICT on a constraint. */
int sq_exec(struct sqlite_store *s, sqlite3_stmt *st, const char *where);
/* Opens a level of transaction around a call (or a scoped transaction):
 * BEGIN IMMEDIATE for a write (BEGIN for a read) when none is open; inside
 * one (a scoped transaction or a read snapshot) a write takes a savepoint,
 * so that the call stays all or nothing within it, and a read joins it. */
int sq_tx_begin(struct sqlite_store *s, bool write);
/* Ends the innermost level with the call's result: STORE_OK commits (or
 * releases the savepoint), anything else rolls it back; returns rc, or
 * STORE_ERROR when the commit or the rollback failed. */
int sq_tx_end(struct sqlite_store *s, int rc);
const char *sq_col_text(struct arena *a, sqlite3_stmt *st, int i);
void sq_bind_text_opt(sqlite3_stmt *st, int i, const char *v);

/* sqlite_orders.c */
int sq_orders_insert(struct store *, const struct scope *, const struct order_new *, size_t,
                     int64_t, int64_t *, int64_t *);
int sq_orders_get(struct store *, const struct scope *, const struct order_key *, size_t,
                  struct arena *, struct order_row **, size_t *);
int sq_orders_page(struct store *, const struct scope *, const struct order_page_query *,
                   struct arena *, struct order_row **, size_t *);
int sq_order_delete(struct store *, const struct scope *, int64_t, int64_t);
int sq_order_set_status(struct store *, const struct scope *, int64_t,
                        const struct order_status_change *);
/* Within a write transaction: records the S10 number as issued to the order
 * and charges its postage in the ledger. */
int sq_postage_issue(struct sqlite_store *s, const struct scope *sc, int64_t order_id,
                     const struct postage *p, int64_t now);
/* Within a write transaction: voids the order's live S10 number, if any, and
 * refunds its postage. */
int sq_postage_void(struct sqlite_store *s, const struct scope *sc, int64_t order_id, int64_t now);

/* sqlite_postage.c */
int sq_tenant_settings(struct store *, const struct scope *, struct arena *,
                       struct tenant_settings *);
int sq_tenant_settings_set(struct store *, int64_t, const struct tenant_settings *);
int sq_s10_reserve(struct store *, const char *, int, int64_t *);
int sq_order_apply_postage(struct store *, const struct scope *, int64_t, const char *,
                           const struct postage *, int64_t);
int sq_orders_mark_printed(struct store *, const struct scope *, const int64_t *, size_t, int64_t);
int sq_manifest_create(struct store *, const struct scope *, int64_t, struct arena *, int64_t *,
                       struct order_row **, size_t *);
int sq_manifest_get(struct store *, const struct scope *, int64_t, struct arena *, int64_t *,
                    struct order_row **, size_t *);

/* sqlite_returns.c */
int sq_return_insert(struct store *, const struct scope *, const struct return_new *, int64_t,
                     int64_t *, int64_t *);
int sq_return_get(struct store *, const struct scope *, const char *, struct arena *,
                  struct return_row *);
int sq_order_history(struct store *, const struct scope *, int64_t, struct arena *,
                     struct order_event **, size_t *);
int sq_carriers(struct store *, const struct scope *, size_t, struct arena *, struct carrier_row **,
                size_t *);

/* sqlite_killswitch.c */
int sq_killswitch_set(struct store *, int64_t, const char *, const char *, const char *, int64_t);
int sq_killswitch_clear(struct store *, int64_t, const char *, int64_t);
int sq_killswitch_list(struct store *, struct arena *, struct killswitch_row **, size_t *);

/* sqlite_audit.c */
int sq_audit_append(struct store *, const struct audit_record *, size_t);
int sq_audit_head(struct store *, int64_t *, char *);
int sq_audit_append_journal(struct store *, const struct audit_record *, size_t, const char *,
                            int64_t);
int sq_audit_journal_offset(struct store *, const char *, int64_t *);
int sq_audit_journal_forget(struct store *, const char *);
int sq_audit_range(struct store *, int64_t, size_t, struct arena *, struct audit_record **,
                   size_t *);
/* postroom_unhex(TEXT) -> BLOB, which migration 017 needs (SQLite 3.40 has
 * no unhex()); registered on every connection before it migrates. */
int sq_audit_functions(sqlite3 *db);
/* sqlite_sessions.c */
int sq_sessions_revoke(struct store *, int64_t, int64_t *);
int sq_killswitch_set_revoking(struct store *, int64_t, const char *, const char *, const char *,
                               int64_t, int64_t *);

/* sqlite_operators.c */
int sq_op_account_add(struct store *, const char *, const char *, const char *, int64_t, int64_t *);
int sq_op_account_list(struct store *, struct arena *, struct operator_row **, size_t *);
int sq_op_account_disable(struct store *, const char *, int64_t, int64_t *);
int sq_op_login(struct store *, const char *, struct arena *, struct operator_row *);
int sq_op_step(struct store *, int64_t, int64_t);
int sq_op_session_create(struct store *, const unsigned char *, int64_t, const char *, int64_t,
                         int64_t);
int sq_op_session(struct store *, const unsigned char *, int64_t, int64_t, int64_t *, const char **,
                  struct arena *);
int sq_op_session_delete(struct store *, const unsigned char *);
int sq_op_order_counts(struct store *, struct arena *, struct tenant_count_row **, size_t *);
int sq_data_report_add(struct store *, const struct scope *, int64_t, const char *, const char *,
                       const char *, int64_t, int64_t *);
int sq_op_data_reports(struct store *, size_t, struct arena *, struct data_report_row **, size_t *);
int sq_op_data_report_handle(struct store *, int64_t, int64_t, int64_t);
/* sqlite_senders.c */
int sq_senders_list(struct store *, const struct scope *, struct arena *, struct sender_row **,
                    size_t *);
int sq_sender_get(struct store *, const struct scope *, int64_t, struct arena *,
                  struct sender_row *);
int sq_sender_save(struct store *, const struct scope *, const struct sender_row *, int64_t,
                   int64_t *);
int sq_sender_set_default(struct store *, const struct scope *, int64_t);
int sq_sender_remove(struct store *, const struct scope *, int64_t, int64_t);
/* sqlite_order_edit.c */
int sq_order_edit(struct store *, const struct scope *, int64_t, const struct order_new *, int64_t,
                  const char *);
/* sqlite_orderlist.c: the web app's orders list */
int sq_orders_find(struct store *, const struct scope *, const struct order_find *, struct arena *,
                   struct order_row **, size_t *);
int sq_order_status_counts(struct store *, const struct scope *, struct arena *,
                           struct order_count_row **, size_t *);
/* sqlite_breach.c: the breach register's calls (store_breach.h) */
extern const struct store_breach_ops sq_breach_ops;
/* sqlite_account.c: the user account's calls (store_account.h) */
extern const struct store_account_ops sq_account_ops;
/* sqlite_users.c: the settings pages' calls (store_users.h) */
extern const struct store_users_ops sq_users_ops;
/* sqlite_rules.c: shipping rules and order history lines (store_rules.h) */
extern const struct store_rules_ops sq_rules_ops;
/* sqlite_mappings.c: import column mappings (store_mappings.h) */
extern const struct store_mappings_ops sq_mappings_ops;
/* sqlite_manifests.c, sqlite_dashboard.c (issue 11) */
extern const struct store_manifests_ops sq_manifests_ops;
extern const struct store_dashboard_ops sq_dashboard_ops;
/* sqlite_import.c: import jobs (store_import.h, issue 13) */
extern const struct store_import_ops sq_import_ops;

/* Reads the order columns (ORDER_COLS) of the current row. */
void sq_read_order(sqlite3_stmt *st, struct arena *a, struct order_row *r);
/* Appends every row of a bound statement to a growing array. */
int sq_collect_orders(struct sqlite_store *s, sqlite3_stmt *st, struct arena *a,
                      struct order_row **rows, size_t *n, size_t *cap);

#define ORDER_COLS                                                                                 \
    "tenant_id, order_id, order_ref, status, created_on, updated_on, order_date, "                 \
    "postage_applied_on, printed_on, manifested_on, shipped_on, other_courier_on, "                \
    "tracking_number, carrier, carrier_service, package_count, doc, service_code, "                \
    "postage_pence, manifest_no, channel"

#endif
